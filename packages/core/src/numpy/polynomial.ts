// numpy's polynomial helpers over coefficient arrays, highest degree first: polyval, polyder,
// polyint. The coefficients' count is static (a shape), their values may be traced.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import { checkListLength, isInteger } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import { defaultFloat } from "../config.js";
import { add, divide, multiply, negative, sqrt, subtract } from "./elementwise.js";
import { trace } from "./construction.js";
import { matmul, outer } from "./linalg.js";
import { inv } from "./factorisations.js";
import { finfo } from "./dtypes.js";
import { lstsq } from "./linalg-decompositions.js";
import { matrixTranspose } from "./linalg-namespace.js";
import { sum } from "./reductions.js";
import { arange, onesLike } from "./creation.js";
import { concatenate, reshape, stack } from "./shape.js";
import { promoteDTypes } from "./promote.js";

const coefficients = (p: Operand, where: string): NDArray => {
  const c = asArray(p, where);
  if (c.ndim !== 1) throw new ShapeError(`${where}: the coefficients must be a 1-D array, got ${fmtShape(c.shape)}`);
  return c;
};
const coefficient = (c: NDArray, i: number): NDArray => reshape(lax.slice(c, [i], [i + 1]), []);
const order = (m: unknown, where: string): number => {
  if (typeof m !== "number" || !Number.isInteger(m) || m < 0) throw new ArgumentError(`${where}: the order m must be a non-negative integer, got ${describeValue(m)}`);
  return m;
};

/**
 * polyval(p, x): p[0]·x^(n−1) + … + p[n−1], by Horner's scheme, elementwise over x.
 *
 * @example
 * np.polyval(array([1, 0, -1]), array([2, 3])); // [3, 8]
 */
export function polyval(p: Operand, x: Operand): NDArray {
  const [c0, x0] = promoteDTypes("polyval", [p, x]);
  const c = coefficients(c0!, "polyval");
  const n = c.shape[0]!;
  if (n === 0) return multiply(onesLike(x0!), 0);
  // from p[0]·1 (not 0·x + p[0]: that is NaN at x = ±Inf)
  let y = multiply(onesLike(x0!), coefficient(c, 0));
  for (let i = 1; i < n; i++) y = add(multiply(y, x0!), coefficient(c, i));
  return y;
}

/**
 * polyder(p, { m }): the coefficients of the m-th derivative.
 *
 * @example
 * np.polyder(array([1, 2, 3])); // [2, 2]
 */
export function polyder(p: Operand, opts: { readonly m?: number } = {}): NDArray {
  checkOptions(opts, "polyder", { m: "integer" });
  let c = coefficients(p, "polyder");
  for (let k = order(opts.m ?? 1, "polyder"); k > 0; k--) {
    const n = c.shape[0]!;
    if (n <= 1) return multiply(lax.slice(c, [0], [0]), 1);
    // d/dx Σ c_i x^(n−1−i) = Σ (n−1−i) c_i x^(n−2−i)
    c = multiply(lax.slice(c, [0], [n - 1]), arange(n - 1, 0, -1, c.dtype === "bool" ? "int32" : c.dtype));
  }
  return c;
}

/**
 * polyint(p, { m, k }): the coefficients of the m-th antiderivative, with integration constants k (one per order, 0 by default).
 *
 * @example
 * np.polyint(array([3, 2])); // [1.5, 2, 0]
 */
export function polyint(p: Operand, opts: { readonly m?: number; readonly k?: number | readonly number[] } = {}): NDArray {
  checkOptions(opts, "polyint", { m: "integer", k: "any" });
  const m = order(opts.m ?? 1, "polyint");
  const ks = opts.k === undefined ? new Array<number>(m).fill(0) : typeof opts.k === "number" ? new Array<number>(m).fill(opts.k) : Array.from(opts.k);
  if (ks.length !== m || ks.some((v) => typeof v !== "number")) throw new ArgumentError(`polyint: k must be a number or a list of ${m} numbers (one per order), got ${describeValue(opts.k)}`);
  let c = coefficients(p, "polyint");
  if (isInteger(c.dtype) || c.dtype === "bool") c = lax.convertElementType(c, "float32");
  for (let j = 0; j < m; j++) {
    const n = c.shape[0]!;
    // ∫ Σ c_i x^(n−1−i) = Σ c_i/(n−i) x^(n−i) + k
    c = concatenate([divide(c, arange(n, 0, -1, c.dtype)), reshape(lax.convertElementType(ks[j]!, c.dtype), [1])]);
  }
  return c;
}

/**
 * poly(seqOfZeros): the coefficients (highest degree first, leading 1) of the monic polynomial
 * with the given roots (a 1-D array); for a square matrix, of its characteristic polynomial
 * det(λI − A), by the Faddeev–LeVerrier recurrence (exact in exact arithmetic; numpy goes
 * through the eigenvalues instead, equal up to rounding).
 *
 * @example
 * np.poly(array([1, 2])); // [1, -3, 2]
 */
export function poly(seqOfZeros: Operand): NDArray {
  let a = asArray(seqOfZeros, "poly");
  if (a.dtype === "int32" || a.dtype === "bool") a = lax.convertElementType(a, defaultFloat());
  const one = lax.convertElementType(1, a.dtype);
  if (a.ndim === 2 && a.shape[0] === a.shape[1]) return characteristic(a);
  if (a.ndim !== 1) throw new ShapeError(`poly: expected a 1-D array of roots or a square matrix, got ${fmtShape(a.shape)}`);
  let c = reshape(one, [1]);
  for (let i = 0; i < a.shape[0]!; i++) {
    // (x − r)·Σ c_j x^(k−j): shift up, subtract r·c shifted down
    const r = coefficient(a, i);
    const zero = reshape(multiply(one, 0), [1]);
    c = subtract(concatenate([c, zero]), multiply(r, concatenate([zero, c])));
  }
  return c;
}

/** Coefficients of det(λI − A): c_0 = 1, M_k = A·M_{k−1} + c_{k−1}·I, c_k = −tr(A·M_k)/k. */
function characteristic(a: NDArray): NDArray {
  const n = a.shape[0]!;
  const eye = lax.convertElementType(lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1)), a.dtype);
  const coeffs: NDArray[] = [lax.convertElementType(1, a.dtype)];
  let m = multiply(eye, 0);
  for (let k = 1; k <= n; k++) {
    m = add(matmul(a, m), multiply(coeffs[k - 1]!, eye));
    coeffs.push(divide(negative(trace(matmul(a, m))), k));
  }
  return stack(coeffs);
}

/**
 * vander(x, N, { increasing }): the Vandermonde matrix of a 1-D x, columns x^(N−1) … x^0 (or increasing powers).
 *
 * @example
 * np.vander(array([1, 2, 3]), 3); // [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 */
export function vander(x: Operand, n?: number, opts: { readonly increasing?: boolean } = {}): NDArray {
  checkOptions(opts, "vander", { increasing: "boolean" });
  const v = asArray(x, "vander");
  if (v.ndim !== 1) throw new ShapeError(`vander: x must be a 1-D array, got ${fmtShape(v.shape)}`);
  const cols = n ?? v.shape[0]!;
  if (!Number.isInteger(cols) || cols < 0) throw new ArgumentError(`vander: N must be a non-negative integer, got ${describeValue(n)}`);
  checkListLength(cols, "columns", "vander");
  const powers = Array.from({ length: cols }, (_, k) => (opts.increasing === true ? k : cols - 1 - k));
  // x^k by repeated products (exact for integers, as numpy's cumulative product)
  const column = (k: number): NDArray => {
    let p = multiply(onesLike(v), 1);
    for (let i = 0; i < k; i++) p = multiply(p, v);
    return p;
  };
  return cols === 0 ? reshape(multiply(v, 0), [v.shape[0]!, 0]) : stack(powers.map(column), { axis: 1 });
}

export interface PolyfitOptions {
  /** Singular values below rcond·s_max are treated as zero (default len(x)·ε). */
  readonly rcond?: number;
  /** Also return [residuals, rank, singular values, rcond] (numpy's `full`). */
  readonly full?: boolean;
  /** Weights of the points (multiplying the residuals, as numpy's w). */
  readonly w?: Operand;
  /** Also return the covariance of the coefficients (scaled by the residual variance, or "unscaled"). */
  readonly cov?: boolean | "unscaled";
}

/**
 * polyfit(x, y, deg, { rcond, full, w, cov }): the least-squares polynomial of degree deg through
 * (x, y), coefficients highest power first (y may be 2-D: one fit per column), as numpy and JAX
 * compute it — the Vandermonde matrix with its columns scaled to unit norm, then lstsq.
 *
 * @example
 * np.polyfit(array([0, 1, 2]), array([1, 3, 5]), 1); // [2, 1]
 */
export function polyfit(x: Operand, y: Operand, deg: number, opts: PolyfitOptions = {}): NDArray | NDArray[] {
  const o = checkOptions(opts, "polyfit", { rcond: "number", full: "boolean", w: "any", cov: "any" });
  if (o.cov !== undefined && typeof o.cov !== "boolean" && o.cov !== "unscaled") throw new ArgumentError(`polyfit: cov must be a boolean or "unscaled", got ${describeValue(o.cov)}`);
  if (!Number.isInteger(deg) || deg < 0) throw new ArgumentError(`polyfit: deg must be a non-negative integer, got ${describeValue(deg)}`);
  const [xs, ys] = promoteDTypes("polyfit", [x, y], "float");
  if (xs!.ndim !== 1) throw new ShapeError(`polyfit: x must be a 1-D array, got ${fmtShape(xs!.shape)}`);
  if (xs!.size === 0) throw new ShapeError("polyfit: x must not be empty");
  if (ys!.ndim < 1 || ys!.ndim > 2) throw new ShapeError(`polyfit: y must be 1-D or 2-D, got ${fmtShape(ys!.shape)}`);
  if (xs!.shape[0] !== ys!.shape[0]) throw new ShapeError(`polyfit: x and y must have the same length, got ${xs!.shape[0]} and ${ys!.shape[0]}`);
  const m = xs!.shape[0]!;
  const order = deg + 1;
  const rcond = o.rcond ?? m * finfo(xs!.dtype).eps;
  let lhs = vander(xs!, order);
  let rhs = ys!;
  if (o.w !== undefined) {
    const w = lax.convertElementType(asArray(o.w, "polyfit"), xs!.dtype);
    if (w.ndim !== 1 || w.shape[0] !== m) throw new ShapeError(`polyfit: w must be a 1-D array of length ${m}, got ${fmtShape(w.shape)}`);
    const wc = reshape(w, [m, 1]);
    lhs = multiply(lhs, wc);
    rhs = multiply(rhs, rhs.ndim === 2 ? wc : w);
  }
  const scale = sqrt(sum(multiply(lhs, lhs), { axis: 0 }));
  lhs = divide(lhs, reshape(scale, [1, order]));
  const [c0, resids, rank, s] = lstsq(lhs, rhs, { rcond });
  const c = divide(c0, rhs.ndim === 2 ? reshape(scale, [order, 1]) : scale);
  if (o.full === true) return [c, resids, rank, s, lax.convertElementType(rcond, xs!.dtype)];
  if (o.cov === undefined || o.cov === false) return c;
  let vbase = divide(inv(matmul(matrixTranspose(lhs), lhs)), outer(scale, scale));
  if (o.cov !== "unscaled") {
    if (m <= order) throw new ArgumentError(`polyfit: scaling the covariance needs more points (${m}) than coefficients (${order}); pass cov: "unscaled"`);
    const fac = divide(resids, m - order);
    vbase = rhs.ndim === 1 ? multiply(vbase, reshape(fac, [])) : multiply(reshape(vbase, [order, order, 1]), fac);
  } else if (rhs.ndim === 2) vbase = reshape(vbase, [order, order, 1]);
  return [c, vbase];
}
