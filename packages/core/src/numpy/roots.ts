// np.roots: the zeros of a polynomial, as complex numbers. numpy and JAX take the eigenvalues
// of the companion matrix; there is no eigensolver for general matrices here, so the roots
// come from the Aberth–Ehrlich iteration (every root refined at once, cubically convergent
// for simple roots) run in a whileLoop, and their derivative from the implicit function
// theorem instead of the iteration: p(r) = 0 gives dr = −dp(r) / p′(r), a custom JVP. So
// roots jits, vmaps and differentiates (at simple roots) to any order.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { complexOf, isComplex, isInexact, realPartOf } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { callWithJvp } from "../random/custom-jvp.js";
import { fmtShape } from "../shape.js";
import { toFloat } from "./promote.js";

/** The most Aberth iterations: far more than convergence from the starting circle takes
 * (tens for degree 100 in float64); multiple roots converge linearly and stop here. */
const MAX_ITERATIONS = 500;

/** Coefficient k of a 1-D array, as a rank-0 array. */
const coefficient = (c: NDArray, k: number): NDArray => lax.reshape(lax.slice(c, [k], [k + 1]), []);

/** p(z) and p′(z) by Horner's rule, elementwise over z. */
function hornerWithDerivative(c: NDArray, z: NDArray): [NDArray, NDArray] {
  let p = lax.mul(z, 0);
  let dp = lax.mul(z, 0);
  for (let k = 0; k < c.shape[0]!; k++) {
    dp = lax.add(lax.mul(dp, z), p);
    p = lax.add(lax.mul(p, z), coefficient(c, k));
  }
  return [p, dp];
}

/**
 * The n = len(c) − 1 roots of c (complex, leading coefficient non-zero) by Aberth's method.
 * The last `zeros` (an int32 scalar) start at exactly 0, the roots c's trailing zero
 * coefficients give: p(0) = 0 there, so they never move, and the others' repulsion terms
 * deflate them exactly.
 */
function aberth(c: NDArray, zeros: NDArray): NDArray {
  const n = c.shape[0]! - 1;
  const d = c.dtype;
  const eps = d === "complex64" ? 2 ** -23 : 2 ** -52;
  // start on a circle around the roots' centroid −c1/(n·c0), of radius max_k |c_k/c0|^(1/k)
  // (every root lies within twice that of the origin), at angles off the real axis so that
  // conjugate pairs of a real polynomial are not started symmetric
  const c0 = coefficient(c, 0);
  const center = lax.neg(lax.div(coefficient(c, 1), lax.mul(c0, n)));
  const mags = Array.from({ length: n }, (_, i) => lax.pow(lax.abs(lax.div(coefficient(c, i + 1), c0)), 1 / (i + 1)));
  const radius = mags.reduce((a, b) => lax.max(a, b));
  const k = lax.convertElementType(lax.iota("int32", [n]), realPartOf(d));
  const angle = lax.add(lax.mul(k, (2 * Math.PI) / n), 0.4);
  const ring = lax.complex(lax.mul(lax.cos(angle), radius), lax.mul(lax.sin(angle), radius));
  const atZero = lax.ge(lax.iota("int32", [n]), lax.sub(n, zeros));
  const z0 = lax.select(atZero, lax.convertElementType(0, d), lax.add(ring, center));
  const eye = lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1));
  const step = (z: NDArray): [NDArray, NDArray] => {
    const [p, dp] = hornerWithDerivative(c, z);
    const ratio = lax.div(p, dp);
    const diff = lax.sub(lax.broadcastInDim(z, [n, n], [0]), lax.broadcastInDim(z, [n, n], [1]));
    const inv = lax.select(eye, lax.mul(diff, 0), lax.div(1, lax.select(eye, lax.add(lax.mul(diff, 0), 1), diff)));
    const repulsion = lax.reduceSum(inv, [1]);
    const w = lax.div(ratio, lax.sub(1, lax.mul(ratio, repulsion)));
    // an exact root (p = 0) stays where it is; so does a point where the step is not finite
    const finite = lax.bitwiseAnd(lax.isFinite(lax.real(w)), lax.isFinite(lax.imag(w)));
    const move = lax.select(lax.bitwiseAnd(lax.ne(p, 0), finite), w, lax.mul(w, 0));
    return [lax.sub(z, move), lax.reduceMax(lax.abs(move))];
  };
  type Carry = readonly [NDArray, NDArray, NDArray];
  const [roots] = lax.whileLoop(
    ([z, moved, i]: Carry) => lax.bitwiseAnd(lax.lt(i, MAX_ITERATIONS), lax.gt(moved, lax.mul(lax.reduceMax(lax.abs(z)), eps))),
    ([z, , i]: Carry) => {
      const [next, moved] = step(z);
      return [next, moved, lax.add(i, 1)] as const;
    },
    [z0, lax.convertElementType(Number.POSITIVE_INFINITY, realPartOf(d)), lax.convertElementType(0, "int32")] as const,
  ) as unknown as Carry;
  return roots;
}

/** The roots with their implicit derivative: dr = −dp(r)/p′(r) at each (simple) root. */
function rootsWithJvp(c: NDArray, zeros: NDArray): NDArray {
  return callWithJvp(
    ([x, k]) => [aberth(x!, k!)],
    ([x, k], [t]) => {
      // r through this same custom-JVP function (not the iteration), so that a derivative of
      // this rule differentiates r by the implicit rule again: every order works
      const r = rootsWithJvp(x!, k!);
      const [, dpr] = hornerWithDerivative(x!, r);
      const [tr] = hornerWithDerivative(t!, r);
      return [[r], [lax.neg(lax.div(tr, dpr))]];
    },
    [c, zeros],
    "roots",
  )[0]!;
}

/**
 * roots(p, { stripZeros = true }): the zeros of the polynomial p[0]·x^n + … + p[n], as complex
 * numbers (complex64 for float32 coefficients, complex128 for float64), in no particular order.
 * With `stripZeros` (needs a concrete p) leading zeros are dropped, as JAX's; without it the
 * degree is len(p) − 1 and each leading zero turns one root into NaN, as JAX's
 * `strip_zeros=False` (which works under jit). Each trailing zero coefficient gives a root of
 * exactly 0. The roots come in no particular order (numpy's and JAX's neither).
 *
 * @example
 * np.roots(array([1, -3, 2])); // ≈ [{ re: 2, im: 0 }, { re: 1, im: 0 }]
 */
export function roots(p: Operand, opts: { readonly stripZeros?: boolean } = {}): NDArray {
  checkOptions(opts, "roots", { stripZeros: "boolean" });
  let a = asArray(p, "roots");
  if (a.ndim !== 1) throw new ShapeError(`roots: expected a 1-D array of coefficients, got ${fmtShape(a.shape)}`);
  if (!isInexact(a.dtype)) a = toFloat(a, "roots");
  const cd = complexOf(a.dtype === "float64" || a.dtype === "complex128" ? "float64" : "float32");
  const c = isComplex(a.dtype) && a.dtype === cd ? a : lax.convertElementType(a, cd);
  if (opts.stripZeros ?? true) {
    let values: { re: number; im: number }[];
    try {
      values = c.toArray() as { re: number; im: number }[];
    } catch {
      throw new ArgumentError("roots: stripZeros needs concrete coefficients (under jit or a transformation pass { stripZeros: false })");
    }
    const nonzero = (z: { re: number; im: number }) => z.re !== 0 || z.im !== 0;
    const lead = values.findIndex(nonzero);
    if (lead < 0 || values.length - lead < 2) return lax.broadcastInDim(lax.convertElementType(0, cd), [0], []);
    // (trailing zeros stay, as JAX's trim_zeros(p, "f"): their roots are exactly 0, and
    // differentiated like the others)
    let trail = 0;
    while (!nonzero(values[values.length - 1 - trail]!)) trail++;
    return rootsWithJvp(lead === 0 ? c : lax.slice(c, [lead], [values.length]), lax.convertElementType(trail, "int32"));
  }
  const n = c.shape[0]!;
  if (n < 2) return lax.broadcastInDim(lax.convertElementType(0, cd), [0], []);
  // leading zeros: roll them to the end (their roots are the zeros they make), then NaN as many
  const isZero = lax.convertElementType(lax.eq(c, 0), "int32");
  const prefix = lax.reduceSum(cumulativeProduct(isZero), [0]);
  const index = lax.rem(lax.add(lax.iota("int32", [n]), prefix), n);
  const rolled = lax.gather(c, index);
  // all-zero coefficients: leave the rolled array as it is (its roots are NaN below)
  const safe = lax.select(lax.eq(prefix, n), lax.add(lax.mul(c, 0), 1), rolled);
  // the rolled polynomial ends in `prefix` zeros: as many exact zero roots, the ones set to NaN
  const found = rootsWithJvp(safe, prefix);
  const keep = lax.lt(lax.iota("int32", [n - 1]), lax.sub(n - 1, prefix));
  return lax.select(keep, found, lax.complex(lax.convertElementType(Number.NaN, realPartOf(cd)), Number.NaN));
}

/** The running product of 0/1 int32 flags along a 1-D array (1 while every flag so far is 1). */
function cumulativeProduct(flags: NDArray): NDArray {
  // Σ_{j ≤ i} (1 − f_j) = 0 exactly while the flags are all 1
  const misses = lax.cumsum(lax.sub(1, flags), 0);
  return lax.convertElementType(lax.eq(misses, 0), "int32");
}
