// Continuous distributions drawn in one pass from uniforms or normals (no rejection loop):
// each is the inverse CDF, or a norm, of JAX's own transformation, so they differentiate
// through their float parameters by the chain rule.
import type { NDArray, Operand } from "../array.js";
import { checkArrayShape, type DType } from "../dtype.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { eps, epsneg, normal, tiny, uniform } from "./floats.js";
import { checkKey, type PRNGKey } from "./keys.js";
import { floatDType, floatParam, sampleShape } from "./params.js";

/**
 * Exponential(1): -log(1 - u), so that u = 0 gives 0 and never log(0).
 *
 * @example
 * np.all(random.exponential(random.key(0), [100]).ge(0)).item(); // true
 */
export function exponential(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.exponential");
  const u = uniform(checkKey(k, "random.exponential"), shape, { dtype: d });
  return lax.neg(lax.log1p(lax.neg(u)));
}

/**
 * Laplace(0, 1): sign(u) · log(1 - |u|) for u uniform in (-1, 1).
 *
 * @example
 * random.laplace(random.key(0), [2, 3]).shape; // [2, 3]
 */
export function laplace(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.laplace");
  const u = uniform(checkKey(k, "random.laplace"), shape, { minval: -1 + epsneg(d), maxval: 1, dtype: d });
  return lax.mul(lax.sign(u), lax.log1p(lax.neg(lax.abs(u))));
}

/**
 * Logistic(0, 1): the logit of u uniform in [tiny, 1).
 *
 * @example
 * random.logistic(random.key(0), [5]).dtype; // "float32"
 */
export function logistic(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.logistic");
  const u = uniform(checkKey(k, "random.logistic"), shape, { minval: tiny(d), maxval: 1, dtype: d });
  return lax.sub(lax.log(u), lax.log1p(lax.neg(u)));
}

/**
 * Standard Cauchy: tan(π (u - ½)) for u uniform in [eps, 1), so never ±tan(π/2).
 *
 * @example
 * random.cauchy(random.key(0), [5]).shape; // [5]
 */
export function cauchy(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.cauchy");
  const u = uniform(checkKey(k, "random.cauchy"), shape, { minval: eps(d), maxval: 1, dtype: d });
  return lax.tan(lax.mul(lax.sub(u, 0.5), Math.PI));
}

/**
 * Maxwell-Boltzmann (chi with 3 degrees of freedom): the norm of three standard normals.
 *
 * @example
 * np.all(random.maxwell(random.key(0), [100]).ge(0)).item(); // true
 */
export function maxwell(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.maxwell");
  const s = checkArrayShape(shape, d, "random.maxwell");
  const z = normal(checkKey(k, "random.maxwell"), [...s, 3], d);
  return lax.sqrt(lax.reduceSum(lax.mul(z, z), [s.length]));
}

/**
 * Weibull(scale, concentration) on (0, ∞): the inverse CDF scale · (-log(1 - u))^(1/c).
 * Note JAX's argument order, scale before concentration. Differentiable in both.
 *
 * @example
 * np.all(random.weibullMin(random.key(0), 1, 2, [100]).ge(0)).item(); // true
 */
export function weibullMin(k: PRNGKey, scale: Operand, concentration: Operand, shape: readonly number[] = [], dtype?: DType): NDArray {
  const where = "random.weibullMin";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const sc = floatParam(scale, d, where, "scale");
  const c = floatParam(concentration, d, where, "concentration");
  const u = uniform(kk, checkArrayShape(shape, d, where), { dtype: d });
  return np.multiply(np.power(lax.neg(lax.log1p(lax.neg(u))), np.divide(1, c)), sc);
}

/**
 * Standard normal truncated to (lower, upper): √2 · erfinv(u) for u uniform between
 * erf(lower/√2) and erf(upper/√2) (the inverse CDF), clamped to the open interval against
 * rounding. Differentiable in the bounds. The shape defaults to the bounds' broadcast shape.
 *
 * @example
 * const z = random.truncatedNormal(random.key(0), -1, 1, [1000]);
 * np.all(np.abs(z).le(1)).item(); // true
 */
export function truncatedNormal(k: PRNGKey, lower: Operand, upper: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  const where = "random.truncatedNormal";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const lo = floatParam(lower, d, where, "lower");
  const hi = floatParam(upper, d, where, "upper");
  const s = sampleShape(shape, d, where, lo, hi);
  const a = lax.erf(lax.mul(lo, Math.SQRT1_2));
  const b = lax.erf(lax.mul(hi, Math.SQRT1_2));
  const u = uniform(kk, s, { minval: a, maxval: b, dtype: d });
  const out = lax.mul(lax.erfInv(u), Math.SQRT2);
  // the clamp's bounds are constants for differentiation (as JAX's stop_gradient), so a
  // sample pinned to a bound still carries the inverse-CDF derivative
  const inside = (x: NDArray, towards: number) => nextAfter(lax.stopGradient(x), towards, d);
  return np.clip(out, inside(lo, Infinity), inside(hi, -Infinity));
}

/**
 * The float next to each x towards ±∞ (numpy's nextafter for one direction). Adding 0.6 of
 * |x|·2^-mant rounds to exactly one spacing in every binade (the spacing is |x|·2^-mant
 * within a factor 2, and 0.6 of it is nearer the next float than x or the one after);
 * at zero and among subnormals the spacing is the smallest subnormal. ±∞ and NaN stay.
 */
function nextAfter(x: NDArray, towards: number, d: DType): NDArray {
  const mant = d === "float32" ? 23 : 52;
  const minSub = d === "float32" ? 2 ** -149 : 2 ** -1074;
  const step = lax.max(lax.mul(lax.abs(x), 0.6 * 2 ** -mant), minSub);
  const stepped = lax.add(x, towards > 0 ? step : lax.neg(step));
  return lax.select(lax.isFinite(x), stepped, x);
}
