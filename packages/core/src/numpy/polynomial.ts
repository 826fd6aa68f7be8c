// numpy's polynomial helpers over coefficient arrays, highest degree first: polyval, polyder,
// polyint. The coefficients' count is static (a shape), their values may be traced.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import { defaultFloat } from "../config.js";
import { add, divide, multiply, negative, subtract } from "./elementwise.js";
import { trace } from "./construction.js";
import { matmul } from "./linalg.js";
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

/** polyval(p, x): p[0]·x^(n−1) + … + p[n−1], by Horner's scheme, elementwise over x. */
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

/** polyder(p, { m }): the coefficients of the m-th derivative. */
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

/** polyint(p, { m, k }): the coefficients of the m-th antiderivative, with integration constants k (one per order, 0 by default). */
export function polyint(p: Operand, opts: { readonly m?: number; readonly k?: number | readonly number[] } = {}): NDArray {
  checkOptions(opts, "polyint", { m: "integer", k: "any" });
  const m = order(opts.m ?? 1, "polyint");
  const ks = opts.k === undefined ? new Array<number>(m).fill(0) : typeof opts.k === "number" ? new Array<number>(m).fill(opts.k) : Array.from(opts.k);
  if (ks.length !== m || ks.some((v) => typeof v !== "number")) throw new ArgumentError(`polyint: k must be a number or a list of ${m} numbers (one per order), got ${describeValue(opts.k)}`);
  let c = coefficients(p, "polyint");
  if (c.dtype === "int32" || c.dtype === "bool") c = lax.convertElementType(c, "float32");
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
