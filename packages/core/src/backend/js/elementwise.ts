// Reference kernels of the elementwise primitives, generated from their scalar expressions
// (../scalar/primitives.ts) by the js lowering (../scalar/js.ts): values are computed in
// float64 and rounded on store, so float32 results are correctly rounded for + - * / sqrt,
// and int32 results wrap as XLA's do (Int32Array stores ToInt32).
import type { ShapedArray } from "../../aval.js";
import { type ElementwisePrim, arithmeticPrims, bitwisePrims, comparisonPrims, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../../primitives/elementwise.js";
import { noParams, type ParamsOf } from "../../primitives/params.js";
import type { TypedArray } from "../../dtype.js";
import { arity } from "../scalar/expr.js";
import { type JsElementwise, type JsOneElement, jsElementwise, jsOneElement } from "../scalar/js.js";
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
  // Run on the complex kernels (./complex.ts); codes kept distinct all the same.
  complex64: 10, complex128: 11,
};
const DTYPE_CODES = 12;

/** The loops of `prim` for the operand dtypes of `inAvals` when it has no params (most calls),
 * looked up by the dtype codes with no string built per call: at scalar sizes the lookup is a
 * visible part of an eager op. */
type PlainLookup = (inAvals: readonly ShapedArray[]) => JsElementwise;
const plainLookups = new Map<ElementwisePrim, PlainLookup>();
/** The one-element form of each primitive's loops without params. */
const oneElementLookups = new Map<ElementwisePrim, (inAvals: readonly ShapedArray[]) => JsOneElement>();

function kernelOf<P extends ElementwisePrim>(prim: P): Kernel<P> {
  const cache = new Map<string, JsElementwise>();
  const plain: (JsElementwise | undefined)[] = [];
  const make = (inAvals: readonly ShapedArray[], params: ParamsOf<P>): JsElementwise => {
    const e = exprOf(prim, inAvals.map((a: ShapedArray) => a.dtype), params);
    return jsElementwise(e, Math.max(arity(e), inAvals.length));
  };
  // (dtype codes in base DTYPE_CODES, then the operand count, < 4): one slot per signature.
  const codeOf = (inAvals: readonly ShapedArray[]): number => {
    let code = 0;
    for (let i = 0; i < inAvals.length; i++) code = code * DTYPE_CODES + DTYPE_CODE[inAvals[i]!.dtype];
    return code * 4 + inAvals.length;
  };
  const lookup: PlainLookup = (inAvals) => {
    const code = codeOf(inAvals);
    let run = plain[code];
    if (run === undefined) {
      run = make(inAvals, noParams as ParamsOf<P>);
      plain[code] = run;
    }
    return run;
  };
  plainLookups.set(prim, lookup);
  const plainOne: (JsOneElement | undefined)[] = [];
  oneElementLookups.set(prim, (inAvals) => {
    const code = codeOf(inAvals);
    let run = plainOne[code];
    if (run === undefined) {
      run = jsOneElement(exprOf(prim, inAvals.map((a: ShapedArray) => a.dtype), noParams as ParamsOf<P>));
      plainOne[code] = run;
    }
    return run;
  });
  return (inputs, inAvals, params, _outAvals, [res]) => {
    let run: JsElementwise | undefined;
    if (params === noParams) {
      run = lookup(inAvals);
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

/**
 * Runs a call of `prim` without params straight on its js loops, into `res`: what the kernel
 * above does, without the backend's dispatch (eager calls below the wasm kernels' thresholds:
 * scalar code, small vectors). A call whose result has one element runs the loops compiled
 * for one element (a rank-0 operand and a one-element array read alike there). The caller
 * checks that params is `noParams` and that no dtype is a half or complex.
 */
export function runElementwiseOnJs(prim: ElementwisePrim, inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], res: TypedArray): void {
  if (res.length === 1) {
    oneElementLookups.get(prim)!(inAvals)(inputs, res);
    return;
  }
  const rank0 = new Array<boolean>(inAvals.length);
  for (let i = 0; i < inAvals.length; i++) rank0[i] = inAvals[i]!.ndim === 0;
  plainLookups.get(prim)!(inAvals)(inputs, rank0, res);
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
