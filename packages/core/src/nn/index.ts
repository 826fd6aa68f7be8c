// jax.nn for TypeScript: activations and normalisers, stable in value and derivative.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { defaultFloat } from "../config.js";
import type { DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { toFloat } from "../numpy/promote.js";
import { checkOptions } from "../options.js";
import { describeValue, normalizeAxes } from "../shape.js";

/** max(x, 0); the derivative at 0 is 0, as in JAX. Negative inputs give +0 (not -0), NaN stays NaN. */
export const relu = (x: Operand): NDArray => {
  const a = asArray(x, "relu");
  return lax.select(lax.le(a, 0), 0, a);
};

export const sigmoid = (x: Operand): NDArray => lax.logistic(toFloat(x, "sigmoid"));

/** log(1 + exp(x)), as x + log1p(exp(-x)) for x > 0 and log1p(exp(x)) otherwise. Each
 * branch sees only its own side's inputs, so neither value nor derivative overflows. */
export const softplus = (x: Operand): NDArray => {
  const a = toFloat(x, "softplus");
  const positive = lax.gt(a, 0);
  const zero = lax.mul(a, 0);
  const pos = lax.select(positive, a, zero);
  const neg = lax.select(positive, zero, a);
  return lax.select(positive, lax.add(pos, lax.log1p(lax.exp(lax.neg(pos)))), lax.log1p(lax.exp(neg)));
};

export const logSigmoid = (x: Operand): NDArray => lax.neg(softplus(lax.neg(toFloat(x, "logSigmoid"))));
export const silu = (x: Operand): NDArray => {
  const a = toFloat(x, "silu");
  return lax.mul(a, lax.logistic(a));
};
export const swish = silu;
export const tanh = (x: Operand): NDArray => lax.tanh(toFloat(x, "tanh"));

/** GELU: the tanh approximation by default, the exact erf form with `{ approximate: false }`. */
export function gelu(x: Operand, opts: { readonly approximate?: boolean } = {}): NDArray {
  checkOptions(opts, "gelu", { approximate: "boolean" });
  const a = toFloat(x, "gelu");
  if (opts.approximate === false) {
    return lax.mul(lax.mul(a, 0.5), lax.add(lax.erf(lax.mul(a, Math.SQRT1_2)), 1));
  }
  const inner = lax.mul(lax.add(a, lax.mul(lax.integerPow(a, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return lax.mul(lax.mul(a, 0.5), lax.add(lax.tanh(inner), 1));
}

/** x for x > 0, alpha·expm1(x) otherwise. Written with selects, as jax.nn.elu, so the
 * derivative at 0 is alpha from the expm1 side (a min(x, 0) would split it at the tie). */
export const elu = (x: Operand, alpha = 1): NDArray => {
  const a = toFloat(x, "elu");
  const positive = lax.gt(a, 0);
  return lax.select(positive, a, lax.mul(lax.expm1(lax.select(positive, 0, a)), alpha));
};
export const leakyRelu = (x: Operand, negativeSlope = 0.01): NDArray => {
  const a = toFloat(x, "leakyRelu");
  return lax.select(lax.ge(a, 0), a, lax.mul(a, negativeSlope));
};

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

/** softmax along `axis` (default -1), shifted by the (non-differentiated) max. */
export function softmax(x: Operand, opts: SoftmaxOptions = {}): NDArray {
  checkOptions(opts, "softmax", { axis: "axes" });
  const a = toFloat(x, "softmax");
  const axes = axisOf(opts.axis, a.ndim, "softmax");
  const shifted = np.subtract(a, shiftOf(a, axes));
  const e = lax.exp(shifted);
  return np.divide(e, np.sum(e, { axis: axes, keepdims: true }));
}

export function logSoftmax(x: Operand, opts: SoftmaxOptions = {}): NDArray {
  checkOptions(opts, "logSoftmax", { axis: "axes" });
  const a = toFloat(x, "logSoftmax");
  const axes = axisOf(opts.axis, a.ndim, "logSoftmax");
  const shifted = np.subtract(a, shiftOf(a, axes));
  return np.subtract(shifted, np.log(np.sum(lax.exp(shifted), { axis: axes, keepdims: true })));
}

/** oneHot(labels, numClasses): a new last axis with 1 at each label (default float dtype). */
export function oneHot(x: Operand, numClasses: number, opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "oneHot", { dtype: "dtype" });
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new ArgumentError(`oneHot: numClasses must be a non-negative integer, got ${describeValue(numClasses)}`);
  const labels = np.expandDims(asArray(x, "oneHot"), -1);
  return np.astype(np.equal(labels, lax.iota("int32", [numClasses], 0)), opts.dtype ?? defaultFloat());
}

export function standardize(x: Operand, opts: { readonly axis?: number | readonly number[] | null; readonly epsilon?: number } = {}): NDArray {
  checkOptions(opts, "standardize", { axis: "axes", epsilon: "number" });
  const a = toFloat(x, "standardize");
  const axes = axisOf(opts.axis, a.ndim, "standardize");
  const mean = np.mean(a, { axis: axes, keepdims: true });
  const v = np.variance(a, { axis: axes, keepdims: true });
  return np.divide(np.subtract(a, mean), lax.sqrt(lax.add(v, opts.epsilon ?? 1e-5)));
}
export { avgPool, maxPool, type PoolOptions } from "./pooling.js";
