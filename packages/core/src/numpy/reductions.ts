// Reductions with numpy's `axis` (number | number[] | null = all) and `keepdims`.
import type { NDArray, Operand, ReduceOptions } from "../array.js";
import { checkOptions } from "../options.js";
import { asArray } from "../creation.js";
import { type DType, isFloat } from "../dtype.js";
import { ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { fmtShape, normalizeAxes, normalizeAxis, checkOptionsObject } from "../shape.js";
import { toFloat } from "./promote.js";

export interface SumOptions extends ReduceOptions {
  readonly dtype?: DType;
}

function keep(out: NDArray, inShape: readonly number[], axes: readonly number[], keepdims: boolean | undefined): NDArray {
  if (!keepdims) return out;
  return lax.reshape(out, inShape.map((d, i) => (axes.includes(i) ? 1 : d)));
}

function reduceBy(
  name: string,
  op: (x: NDArray, axes: readonly number[]) => NDArray,
  x: NDArray,
  opts: ReduceOptions | undefined,
  needsNonEmpty = false,
): NDArray {
  const axes = normalizeAxes(opts?.axis, x.ndim, name);
  if (needsNonEmpty && axes.some((a) => x.shape[a] === 0)) {
    throw new ShapeError(`${name}: zero-size reduction over an empty axis of an array of shape ${fmtShape(x.shape)} has no identity`);
  }
  return keep(op(x, axes), x.shape, axes, opts?.keepdims);
}

export function sum(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "sum", { axis: "axes", keepdims: "boolean", dtype: "dtype" });
  let a = asArray(x, "sum");
  const d = opts?.dtype ?? (a.dtype === "bool" ? "int32" : a.dtype);
  if (a.dtype !== d) a = lax.convertElementType(a, d);
  return reduceBy("sum", lax.reduceSum, a, opts);
}
export function prod(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "prod", { axis: "axes", keepdims: "boolean", dtype: "dtype" });
  let a = asArray(x, "prod");
  const d = opts?.dtype ?? (a.dtype === "bool" ? "int32" : a.dtype);
  if (a.dtype !== d) a = lax.convertElementType(a, d);
  return reduceBy("prod", lax.reduceProd, a, opts);
}
export const max = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "max", { axis: "axes", keepdims: "boolean" });
  return reduceBy("max", lax.reduceMax, asArray(x, "max"), opts, true);
};
export const min = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "min", { axis: "axes", keepdims: "boolean" });
  return reduceBy("min", lax.reduceMin, asArray(x, "min"), opts, true);
};
export const amax = max;
export const amin = min;

const toBoolArray = (x: Operand, name: string): NDArray => {
  const a = asArray(x, name);
  return a.dtype === "bool" ? a : lax.ne(a, 0);
};
export const all = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "all", { axis: "axes", keepdims: "boolean" });
  return reduceBy("all", lax.reduceAnd, toBoolArray(x, "all"), opts);
};
export const any = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "any", { axis: "axes", keepdims: "boolean" });
  return reduceBy("any", lax.reduceOr, toBoolArray(x, "any"), opts);
};

function count(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a]!, 1);
}

export function mean(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "mean", { axis: "axes", keepdims: "boolean" });
  const a = toFloat(x, "mean");
  const axes = normalizeAxes(opts?.axis, a.ndim, "mean");
  return lax.div(sum(a, opts), count(a.shape, axes));
}

export interface VarOptions extends ReduceOptions {
  readonly ddof?: number;
}
export function variance(x: Operand, opts?: VarOptions): NDArray {
  checkOptions(opts, "variance", { axis: "axes", keepdims: "boolean", ddof: "number" });
  const a = toFloat(x, "var");
  const axes = normalizeAxes(opts?.axis, a.ndim, "var");
  const centered = lax.sub(a, broadcastBack(mean(a, { axis: axes, keepdims: true }), a.shape));
  const n = count(a.shape, axes) - (opts?.ddof ?? 0);
  return lax.div(sum(lax.square(centered), { axis: axes, keepdims: opts?.keepdims ?? false }), n);
}
export const std = (x: Operand, opts?: VarOptions): NDArray => {
  checkOptions(opts, "std", { axis: "axes", keepdims: "boolean", ddof: "number" });
  return lax.sqrt(variance(x, opts));
};

function broadcastBack(x: NDArray, shape: readonly number[]): NDArray {
  return x.shape.join() === shape.join() ? x : lax.broadcastInDim(x, shape, shape.map((_, i) => i));
}

function argReduce(name: "argmax" | "argmin", x: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray {
  const input = asArray(x, name);
  let a = input;
  let axis: number;
  if (opts?.axis === undefined) {
    a = lax.reshape(a, [a.size]);
    axis = 0;
  } else axis = normalizeAxis(opts.axis, a.ndim, name);
  if (a.shape[axis] === 0) throw new ShapeError(`${name}: attempt to get ${name} of an empty sequence (shape ${fmtShape(input.shape)})`);
  const out = name === "argmax" ? lax.argmax(a, axis) : lax.argmin(a, axis);
  if (!opts?.keepdims) return out;
  // keepdims keeps the input's rank: every reduced axis (all of them without `axis`) becomes 1.
  return lax.reshape(out, input.shape.map((d, i) => (opts.axis === undefined || i === axis ? 1 : d)));
}
export const argmax = (x: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray => {
  checkOptions(opts, "argmax", { axis: "integer", keepdims: "boolean" });
  return argReduce("argmax", x, opts);
};
export const argmin = (x: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray => {
  checkOptions(opts, "argmin", { axis: "integer", keepdims: "boolean" });
  return argReduce("argmin", x, opts);
};

/** log(sum(exp(x))) computed stably: the max is subtracted (and not differentiated). */
export function logsumexp(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "logsumexp", { axis: "axes", keepdims: "boolean" });
  const a = toFloat(x, "logsumexp");
  const axes = normalizeAxes(opts?.axis, a.ndim, "logsumexp");
  const m = lax.stopGradient(lax.reduceMax(a, axes));
  const mFinite = lax.select(lax.isFinite(m), m, 0);
  const mk = lax.broadcastInDim(mFinite, a.shape, a.shape.map((_, i) => i).filter((i) => !axes.includes(i)));
  const out = lax.add(lax.log(lax.reduceSum(lax.exp(lax.sub(a, mk)), axes)), mFinite);
  return keep(out, a.shape, axes, opts?.keepdims);
}

/** Cumulative sum; without an axis the array is flattened first (numpy). */
export function cumsum(x: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptionsObject(opts, "cumsum");
  let a = asArray(x, "cumsum");
  if (a.dtype === "bool") a = lax.convertElementType(a, "int32");
  if (opts.axis === undefined) return lax.cumsum(lax.reshape(a, [a.size]), 0);
  return lax.cumsum(a, normalizeAxis(opts.axis, a.ndim, "cumsum"));
}

export const isFloatArray = (x: NDArray): boolean => isFloat(x.dtype);
