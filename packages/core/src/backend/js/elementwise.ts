// Reference kernels of the elementwise primitives, generated from their scalar expressions
// (../scalar/primitives.ts) by the js lowering (../scalar/js.ts): values are computed in
// float64 and rounded on store, so float32 results are correctly rounded for + - * / sqrt,
// and int32 results wrap as XLA's do (Int32Array stores ToInt32).
import type { ShapedArray } from "../../aval.js";
import { type ElementwisePrim, arithmeticPrims, bitwisePrims, comparisonPrims, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../../primitives/elementwise.js";
import { noParams, type ParamsOf } from "../../primitives/params.js";
import type { TypedArray } from "../../dtype.js";
import { arity } from "../scalar/expr.js";
import { type JsElementwise, jsElementwise, jsOneElement } from "../scalar/js.js";
import { exprOf } from "../scalar/primitives.js";
import type { Kernel, KernelTable } from "./types.js";
import { ruleLookup } from "../../rule-table.js";

/** What besides the operand dtypes selects a different expression (integer_pow's y, the target dtype). */
export function paramsKey(params: unknown): string {
  if (typeof params !== "object" || params === null) return "";
  let key = "";
  for (const v of Object.values(params)) key += `,${String(v)}`;
  return key;
}

/** A number per dtype (a switch, not an object indexed by the dtype's name: see rule-table.ts). */
function dtypeCode(d: ShapedArray["dtype"]): number {
  switch (d) {
    case "float32": return 0;
    case "float64": return 1;
    case "int32": return 2;
    case "bool": return 3;
    case "int16": return 4;
    case "int8": return 5;
    case "uint32": return 6;
    case "uint8": return 7;
    // Widened to float32 before a kernel runs (./halves.ts); codes kept distinct all the same.
    case "float16": return 8;
    case "bfloat16": return 9;
    // Run on the complex kernels (./complex.ts); codes kept distinct all the same.
    case "complex64": return 10;
    case "complex128": return 11;
  }
}
const DTYPE_CODES = 12;

/**
 * `build` memoised per operand dtype signature: dtype codes in base DTYPE_CODES, then the
 * operand count (< 4), one array slot each. No string is built per call: at scalar sizes the
 * lookup is a visible part of an eager op.
 */
function bySignature<T>(build: (inAvals: readonly ShapedArray[]) => T): (inAvals: readonly ShapedArray[]) => T {
  const slots: (T | undefined)[] = [];
  return (inAvals) => {
    let code = 0;
    for (let i = 0; i < inAvals.length; i++) code = code * DTYPE_CODES + dtypeCode(inAvals[i]!.dtype);
    code = code * 4 + inAvals.length;
    let value = slots[code];
    if (value === undefined) {
      value = build(inAvals);
      slots[code] = value;
    }
    return value;
  };
}

function kernelOf<P extends ElementwisePrim>(prim: P): Kernel<P> {
  const exprFor = (inAvals: readonly ShapedArray[], params: ParamsOf<P>) => exprOf(prim, inAvals.map((a: ShapedArray) => a.dtype), params);
  const make = (inAvals: readonly ShapedArray[], params: ParamsOf<P>): JsElementwise => {
    const e = exprFor(inAvals, params);
    return jsElementwise(e, Math.max(arity(e), inAvals.length));
  };
  // Calls without params (most of them) look their loops up by signature; those with a
  // one-element result (eager scalar code) run the loops compiled for one element, where a
  // rank-0 operand and a one-element array read alike. Calls with params: by a string key.
  const plain = bySignature((inAvals) => make(inAvals, noParams as ParamsOf<P>));
  const oneElement = bySignature((inAvals) => jsOneElement(exprFor(inAvals, noParams as ParamsOf<P>)));
  const cache = new Map<string, JsElementwise>();
  return (inputs, inAvals, params, _outAvals, outs) => {
    const res = outs[0];
    if (params === noParams && res!.length === 1) {
      oneElement(inAvals)(inputs, res!);
      return;
    }
    let run: JsElementwise | undefined;
    if (params === noParams) {
      run = plain(inAvals);
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
 * Runs a call of `prim` without params straight on its js kernel, into `res`: without the
 * backend's dispatch (eager calls below the wasm kernels' thresholds: scalar code, small
 * vectors). The caller checks that no dtype is a half or complex (the js backend's `run`
 * routes those elsewhere before any kernel).
 */
export function runElementwiseOnJs<P extends ElementwisePrim>(prim: P, inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], outAval: ShapedArray, res: TypedArray): void {
  const kernel: Kernel<P> = elementwiseKernelLookup.get(prim);
  kernel(inputs, inAvals, noParams as ParamsOf<P>, [outAval], [res]);
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
const elementwiseKernelLookup = ruleLookup(() => elementwiseKernels);

export { erf, erfInv } from "../scalar/js-math.js";
