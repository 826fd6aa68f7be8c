// Reductions with numpy's `axis` (number | number[] | null = all) and `keepdims`.
import type { NDArray, Operand, ReduceOptions } from "../array.js";
import { asArray } from "../creation.js";
import { type DType, isComplex, isFloat, isHalf } from "../dtype.js";
import { ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions, type OptionSpec } from "../options.js";
import { fmtShape, normalizeAxes, normalizeAxis } from "../shape.js";
import { toFloat } from "./promote.js";

export interface SumOptions extends ReduceOptions {
  readonly dtype?: DType;
}
export interface VarOptions extends ReduceOptions {
  readonly ddof?: number;
}
export interface ArgReduceOptions {
  readonly axis?: number;
  readonly keepdims?: boolean;
}

const REDUCE: OptionSpec<ReduceOptions> = { axis: "axes", keepdims: "boolean" };
const SUM: OptionSpec<SumOptions> = { ...REDUCE, dtype: "dtype" };
const VAR: OptionSpec<VarOptions> = { ...REDUCE, ddof: "integer" };
const ARG_REDUCE: OptionSpec<ArgReduceOptions> = { axis: "integer", keepdims: "boolean" };

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

/** The dtype sum, prod and cumsum return by default, as jnp's `promote_integers`: bool and
 * the signed integers narrower than int32 give int32, uint8 gives uint32. */
export function accumulationDType(d: DType): DType {
  if (d === "bool" || d === "int8" || d === "int16") return "int32";
  if (d === "uint8") return "uint32";
  return d;
}

/** A half-precision sum or product runs in float32 and is rounded once at the end, as jnp
 * does (`upcast_f16_for_computation`): summing in the half would round at every step. */
function reduceIn(name: string, op: (x: NDArray, axes: readonly number[]) => NDArray, a: NDArray, opts: SumOptions | undefined): NDArray {
  const d = opts?.dtype ?? accumulationDType(a.dtype);
  if (!isHalf(d)) return reduceBy(name, op, a.dtype === d ? a : lax.convertElementType(a, d), opts);
  return lax.convertElementType(reduceBy(name, op, lax.convertElementType(a, "float32"), opts), d);
}

/**
 * The sum over `axis` (a number, a list, or all axes when omitted; `keepdims` keeps them as
 * size 1). bool and the narrow integers accumulate in 32 bits (int32; uint32 for uint8), as
 * JAX; `dtype` chooses.
 *
 * @example
 * const x = array([[1, 2], [3, 4]]);
 * np.sum(x); // 10
 * np.sum(x, { axis: 0 }); // [4, 6]
 * np.sum(array([true, true, false])); // 2
 */
export function sum(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "sum", SUM);
  return reduceIn("sum", lax.reduceSum, asArray(x, "sum"), opts);
}
/**
 * The product over `axis` (all axes when omitted), accumulating as `sum` does.
 *
 * @example
 * np.prod(array([[1, 2], [3, 4]]), { axis: 1 }); // [2, 12]
 */
export function prod(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "prod", SUM);
  return reduceIn("prod", lax.reduceProd, asArray(x, "prod"), opts);
}
/**
 * The maximum over `axis` (all axes when omitted); NaN propagates; an empty reduction is an error.
 * Complex values are ordered by real part, then imaginary part (JAX's lexicographic max).
 *
 * @example
 * np.max(array([[1, 5], [3, 2]])); // 5
 * np.max(array([[1, 5], [3, 2]]), { axis: 1, keepdims: true }); // [[5], [3]]
 */
export const max = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "max", REDUCE);
  return reduceBy("max", lax.reduceMax, asArray(x, "max"), opts, true);
};
/**
 * The minimum over `axis` (all axes when omitted); NaN propagates.
 *
 * @example
 * np.min(array([[1, 5], [3, 2]]), { axis: 0 }); // [1, 2]
 */
export const min = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "min", REDUCE);
  return reduceBy("min", lax.reduceMin, asArray(x, "min"), opts, true);
};
/**
 * The same function as `max`.
 *
 * @example
 * np.amax(array([1, 5, 3])); // 5
 */
export const amax = max;
/**
 * The same function as `min`.
 *
 * @example
 * np.amin(array([1, 5, 3])); // 1
 */
export const amin = min;

const toBoolArray = (x: Operand, name: string): NDArray => {
  const a = asArray(x, name);
  return a.dtype === "bool" ? a : lax.ne(a, 0);
};
/**
 * Whether every element (over `axis`, or all) is truthy: a bool array.
 *
 * @example
 * np.all(array([[true, false], [true, true]]), { axis: 1 }); // [false, true]
 */
export const all = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "all", REDUCE);
  return reduceBy("all", lax.reduceAnd, toBoolArray(x, "all"), opts);
};
/**
 * Whether some element (over `axis`, or all) is truthy: a bool array.
 *
 * @example
 * np.any(array([0, 0, 3])); // true
 */
export const any = (x: Operand, opts?: ReduceOptions): NDArray => {
  checkOptions(opts, "any", REDUCE);
  return reduceBy("any", lax.reduceOr, toBoolArray(x, "any"), opts);
};

function count(shape: readonly number[], axes: readonly number[]): number {
  return axes.reduce((n, a) => n * shape[a]!, 1);
}

/** A half as float32 for a computation whose result is rounded back once (jnp's upcast). */
function upcastHalf(a: NDArray, f: (a: NDArray) => NDArray): NDArray {
  return isHalf(a.dtype) ? lax.convertElementType(f(lax.convertElementType(a, "float32", a.weakType)), a.dtype, a.weakType) : f(a);
}

/**
 * The arithmetic mean over `axis` (all axes when omitted); integers and bools give the default float.
 *
 * @example
 * np.mean(array([[1, 2], [3, 4]])); // 2.5
 * np.mean(array([[1, 2], [3, 4]]), { axis: 0 }); // [2, 3]
 */
export function mean(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "mean", REDUCE);
  return upcastHalf(toFloat(x, "mean"), (a) => {
    const axes = normalizeAxes(opts?.axis, a.ndim, "mean");
    return lax.div(sum(a, opts), count(a.shape, axes));
  });
}

/**
 * The variance `mean(|x - mean(x)|²)` over `axis`, divided by `n - ddof` (default ddof 0); also
 * exported as `np.var`.
 *
 * @example
 * np.variance(array([1, 2, 3, 4])); // 1.25
 * np.variance(array([1, 2, 3, 4]), { ddof: 1 }); // 1.6667
 */
export function variance(x: Operand, opts?: VarOptions): NDArray {
  checkOptions(opts, "variance", VAR);
  return upcastHalf(toFloat(x, "var"), (a) => varianceOf(a, opts));
}

function varianceOf(a: NDArray, opts: VarOptions | undefined): NDArray {
  const axes = normalizeAxes(opts?.axis, a.ndim, "var");
  const centered = lax.sub(a, broadcastBack(mean(a, { axis: axes, keepdims: true }), a.shape));
  const n = count(a.shape, axes) - (opts?.ddof ?? 0);
  // |x − mean|², real for complex x (numpy's var of complex values is real)
  const sq = isComplex(a.dtype) ? lax.add(lax.square(lax.real(centered)), lax.square(lax.imag(centered))) : lax.square(centered);
  return lax.div(sum(sq, { axis: axes, keepdims: opts?.keepdims ?? false }), n);
}
/**
 * The standard deviation, `√variance` (same options: `axis`, `keepdims`, `ddof`).
 *
 * @example
 * np.std(array([1, 2, 3, 4])); // 1.1180
 */
export const std = (x: Operand, opts?: VarOptions): NDArray => {
  checkOptions(opts, "std", VAR);
  return lax.sqrt(variance(x, opts));
};

function broadcastBack(x: NDArray, shape: readonly number[]): NDArray {
  return x.shape.join() === shape.join() ? x : lax.broadcastInDim(x, shape, shape.map((_, i) => i));
}

function argReduce(name: "argmax" | "argmin", x: Operand, opts?: ArgReduceOptions): NDArray {
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
/**
 * The index of the largest element (of the flattened array, or along `axis`; the first on ties;
 * NaN counts as largest), int32. Complex input is refused, as JAX refuses it.
 *
 * @example
 * np.argmax(array([1, 9, 3])); // 1
 * np.argmax(array([[1, 9], [7, 2]]), { axis: 0 }); // [1, 0]
 */
export const argmax = (x: Operand, opts?: ArgReduceOptions): NDArray => {
  checkOptions(opts, "argmax", ARG_REDUCE);
  return argReduce("argmax", x, opts);
};
/**
 * The index of the smallest element (of the flattened array, or along `axis`; the first on ties), int32.
 *
 * @example
 * np.argmin(array([[1, 9], [7, 2]]), { axis: 1 }); // [0, 1]
 */
export const argmin = (x: Operand, opts?: ArgReduceOptions): NDArray => {
  checkOptions(opts, "argmin", ARG_REDUCE);
  return argReduce("argmin", x, opts);
};

/**
 * log(sum(exp(x))) computed stably: the max is subtracted (and not differentiated).
 *
 * @example
 * np.logsumexp(array([1000, 1000])); // 1000.693
 */
export function logsumexp(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "logsumexp", REDUCE);
  const a = toFloat(x, "logsumexp");
  const axes = normalizeAxes(opts?.axis, a.ndim, "logsumexp");
  const m = lax.stopGradient(lax.reduceMax(a, axes));
  const mFinite = lax.select(lax.isFinite(m), m, 0);
  const mk = lax.broadcastInDim(mFinite, a.shape, a.shape.map((_, i) => i).filter((i) => !axes.includes(i)));
  const out = lax.add(lax.log(lax.reduceSum(lax.exp(lax.sub(a, mk)), axes)), mFinite);
  return keep(out, a.shape, axes, opts?.keepdims);
}

/**
 * Cumulative sum; without an axis the array is flattened first (numpy).
 *
 * @example
 * np.cumsum(array([[1, 2], [3, 4]]), { axis: 1 }); // [[1, 3], [3, 7]]
 */
export function cumsum(x: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "cumsum", { axis: "integer" });
  let a = asArray(x, "cumsum");
  const d = accumulationDType(a.dtype);
  if (a.dtype !== d) a = lax.convertElementType(a, d);
  // As jnp.cumsum: without an axis, or for a rank-0 input, the array is flattened first
  // (so cumsum(5, { axis: 0 }) is [5]).
  if (opts.axis === undefined || a.ndim === 0) a = lax.reshape(a, [a.size]);
  return lax.cumsum(a, normalizeAxis(opts.axis ?? 0, a.ndim, "cumsum"));
}

export const isFloatArray = (x: NDArray): boolean => isFloat(x.dtype);
