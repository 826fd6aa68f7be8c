// Reference kernels of the elementwise primitives, generated from their scalar expressions
// (../scalar/primitives.ts) by the js lowering (../scalar/js.ts): values are computed in
// float64 and rounded on store, so float32 results are correctly rounded for + - * / sqrt,
// and int32 results wrap as XLA's do (Int32Array stores ToInt32).
import type { ShapedArray } from "../../aval.js";
import { type ElementwisePrim, arithmeticPrims, bitwisePrims, comparisonPrims, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../../primitives/elementwise.js";
import { noParams, type ParamsOf } from "../../primitives/params.js";
import { arity } from "../scalar/expr.js";
import { type JsElementwise, jsElementwise } from "../scalar/js.js";
import { exprOf } from "../scalar/primitives.js";
import type { Kernel, KernelTable } from "./types.js";

/** What besides the operand dtypes selects a different expression (integer_pow's y, the target dtype). */
export function paramsKey(params: unknown): string {
  if (typeof params !== "object" || params === null) return "";
  let key = "";
  for (const v of Object.values(params)) key += `,${String(v)}`;
  return key;
}

const DTYPE_CODE: { readonly [D in ShapedArray["dtype"]]: number } = {
  float32: 0, float64: 1, int32: 2, bool: 3, int16: 4, int8: 5, uint32: 6, uint8: 7,
  // Widened to float32 before a kernel runs (./halves.ts); codes kept distinct all the same.
  float16: 8, bfloat16: 9,
};
const DTYPE_CODES = 10;

function kernelOf<P extends ElementwisePrim>(prim: P): Kernel<P> {
  const cache = new Map<string, JsElementwise>();
  // Calls without params (most of them) look their loop up by the operands' dtype codes, with
  // no string built per call: at scalar sizes the lookup is a visible part of an eager op.
  const plain: (JsElementwise | undefined)[] = [];
  const make = (inAvals: readonly ShapedArray[], params: ParamsOf<P>): JsElementwise => {
    const e = exprOf(prim, inAvals.map((a: ShapedArray) => a.dtype), params);
    return jsElementwise(e, Math.max(arity(e), inAvals.length));
  };
  return (inputs, inAvals, params, _outAvals, [res]) => {
    let run: JsElementwise | undefined;
    if (params === noParams) {
      // (dtype codes in base DTYPE_CODES, then the operand count, < 4): one slot per signature.
      let code = 0;
      for (const a of inAvals) code = code * DTYPE_CODES + DTYPE_CODE[a.dtype];
      code = code * 4 + inAvals.length;
      run = plain[code];
      if (run === undefined) {
        run = make(inAvals, params);
        plain[code] = run;
      }
    } else {
      let key = paramsKey(params);
      for (const a of inAvals) key += a.dtype;
      run = cache.get(key);
      if (run === undefined) {
        run = make(inAvals, params);
        cache.set(key, run);
      }
    }
    run(inputs, inAvals.map((a) => a.ndim === 0), res!);
  };
}

function table<Ps extends ElementwisePrim>(names: readonly Ps[]): Record<Ps, Kernel<Ps>> {
  return Object.fromEntries(names.map((n) => [n, kernelOf(n)])) as Record<Ps, Kernel<Ps>>;
}

export const elementwiseKernels: KernelTable<ElementwisePrim> = {
  ...table(unaryFloatPrims),
  ...table(unaryNumericPrims),
  ...table(arithmeticPrims),
  ...table(bitwisePrims),
  ...table(shiftPrims),
  ...table(comparisonPrims),
  ...table(["not", "is_finite", "select_n", "convert_element_type"] as const),
};

export { erf, erfInv } from "../scalar/js-math.js";
