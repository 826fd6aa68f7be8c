// jax.nn's normalisers: softmax and logSoftmax (shifted by the max), logsumexp, oneHot and
// standardize.
import { NDArray, type Operand } from "../array.js";
import { asArray } from "../creation.js";
import { defaultFloat } from "../config.js";
import type { DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { toFloat } from "../numpy/promote.js";
import { checkOptions } from "../options.js";
import { describeValue, normalizeAxes } from "../shape.js";

/**
 * The same function as `np.logsumexp`: `log(Σ exp(x))` over `axis`, computed stably.
 *
 * @example
 * nn.logsumexp(array([0, 0])); // 0.6931
 */
export const logsumexp = np.logsumexp;

/** The axes a normaliser reduces over: the last one by default, every one for `null` (JAX's axis=None). */
function axisOf(axis: number | readonly number[] | null | undefined, ndim: number, where: string): number[] {
  return normalizeAxes(axis === undefined ? -1 : axis, ndim, where);
}

export interface SoftmaxOptions {
  /** The axis or axes to normalise over: -1 by default, `null` for all of them. */
  readonly axis?: number | readonly number[] | null;
}

/** The max over `axes`, kept as size-1 axes and not differentiated; -inf over an empty
 * axis (JAX's `initial=-inf`), so softmax of an empty array is empty rather than an error. */
function shiftOf(a: NDArray, axes: readonly number[]): NDArray {
  const m = lax.reshape(lax.reduceMax(a, axes), a.shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  return lax.stopGradient(m);
}

/**
 * softmax along `axis` (default -1), shifted by the (non-differentiated) max.
 *
 * The result has `x`'s shape; each slice along `axis` sums to 1. Integers become the default float.
 *
 * @example
 * nn.softmax(array([1, 1, 2])); // [0.2119, 0.2119, 0.5761]
 */
export function softmax(x: Operand, opts: SoftmaxOptions = {}): NDArray {
  checkOptions(opts, "softmax", { axis: "axes" });
  const a = toFloat(x, "softmax");
  const axes = axisOf(opts.axis, a.ndim, "softmax");
  const shifted = np.subtract(a, shiftOf(a, axes));
  const e = lax.exp(shifted);
  return np.divide(e, np.sum(e, { axis: axes, keepdims: true }));
}

/**
 * `log(softmax(x))` along `axis` (default -1), computed stably: `x - max - log Σ exp(x - max)`.
 *
 * @example
 * nn.logSoftmax(array([0, 0])); // [-0.6931, -0.6931]
 */
export function logSoftmax(x: Operand, opts: SoftmaxOptions = {}): NDArray {
  checkOptions(opts, "logSoftmax", { axis: "axes" });
  const a = toFloat(x, "logSoftmax");
  const axes = axisOf(opts.axis, a.ndim, "logSoftmax");
  const shifted = np.subtract(a, shiftOf(a, axes));
  return np.subtract(shifted, np.log(np.sum(lax.exp(shifted), { axis: axes, keepdims: true })));
}

/**
 * oneHot(labels, numClasses): a new last axis with 1 at each label (default float dtype).
 *
 * @example
 * nn.oneHot(array([0, 2], { dtype: "int32" }), 3); // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(x: Operand, numClasses: number, opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "oneHot", { dtype: "dtype" });
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new ArgumentError(`oneHot: numClasses must be a non-negative integer, got ${describeValue(numClasses)}`);
  const labels = np.expandDims(asArray(x, "oneHot"), -1);
  return np.astype(np.equal(labels, lax.iota("int32", [numClasses], 0)), opts.dtype ?? defaultFloat());
}

export interface StandardizeOptions {
  /** The axis or axes to standardize over: -1 by default, `null` for all of them. */
  readonly axis?: number | readonly number[] | null;
  /** The mean to subtract, instead of x's mean over `axis` (broadcasting against x). */
  readonly mean?: Operand;
  /** The variance to divide by, instead of x's variance over `axis`. */
  readonly variance?: Operand;
  /** Added to the variance before the square root (default 1e-5). */
  readonly epsilon?: number;
  /** How the variance is computed when not given: `"fast"` (JAX's default), mean(x²) − mean(x)²
   * clipped at 0, or `"stable"`, the two-pass mean((x − mean)²) that does not cancel when
   * |mean| ≫ std. */
  readonly algorithm?: "fast" | "stable";
}

function arrayOption(name: string, value: unknown): NDArray | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" || value instanceof NDArray) return toFloat(value, "standardize");
  throw new ArgumentError(`standardize: option \`${name}\` must be a number or an NDArray, got ${describeValue(value)}`);
}

/**
 * (x − mean)·rsqrt(variance + epsilon), the mean and variance over `axis` unless given.
 *
 * @example
 * nn.standardize(array([1, 2, 3])); // [-1.2247, 0, 1.2247]
 */
export function standardize(x: Operand, opts: StandardizeOptions = {}): NDArray {
  checkOptions(opts, "standardize", { axis: "axes", mean: "any", variance: "any", epsilon: "number", algorithm: ["fast", "stable"] });
  const a = toFloat(x, "standardize");
  const axes = axisOf(opts.axis, a.ndim, "standardize");
  const mean = arrayOption("mean", opts.mean) ?? np.mean(a, { axis: axes, keepdims: true });
  let variance = arrayOption("variance", opts.variance);
  if (variance === undefined) {
    variance =
      opts.algorithm === "stable"
        ? np.mean(np.square(np.subtract(a, mean)), { axis: axes, keepdims: true })
        : // JAX's default: one pass, which may come out slightly negative, hence the clip.
          np.maximum(np.subtract(np.mean(np.square(a), { axis: axes, keepdims: true }), np.square(mean)), 0);
  }
  return np.multiply(np.subtract(a, mean), lax.rsqrt(np.add(variance, opts.epsilon ?? 1e-5)));
}
