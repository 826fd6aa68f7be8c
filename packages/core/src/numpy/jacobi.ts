// The iterative cores of eigh and svd: cyclic Jacobi rotations in the parallel round-robin
// order (every index is paired once per round, every pair meets once per sweep), applied to
// whole batched matrices as gathers and elementwise products, inside a whileLoop that sweeps
// until the off-diagonal part is below the dtype's rounding level. Jacobi is chosen for its
// accuracy (backward error of a few ulps of ‖A‖ in float32 as in float64) and because a round
// is a handful of whole-matrix operations. Nothing here is differentiated: eigh and svd carry
// JAX's derivative rules (decompositions.ts).
// Complex (Hermitian) matrices use the same rotations after a phase: with a_pq = |a_pq|·e^{iφ},
// the unitary diag(1, e^{−iφ}) makes the pair's 2×2 block real, so the real rotation's c and s
// apply, and the pair's columns combine as c·x_p − s·e^{−iφ}·x_q and c·x_q + s·e^{iφ}·x_p.
import type { NDArray } from "../array.js";
import { array } from "../creation.js";
import * as lax from "../lax/index.js";
import { abs, add, divide, equal, greater, less, multiply, negative, sqrt, subtract, where } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { max, sum } from "./reductions.js";
import { expandDims, reshape, swapaxes } from "./shape.js";
import { isComplex } from "../dtype.js";
import { abs2, conjIf } from "./hermitian.js";

/** LAPACK's cap on Jacobi sweeps (dgesvj's NSWEEP); convergence takes 5–12 in practice. */
const MAX_SWEEPS = 30;

/** The real part (x itself when real): diagonals of Hermitian matrices are real. */
const realPart = (x: NDArray): NDArray => (isComplex(x.dtype) ? lax.real(x) : x);

const epsilon = (x: NDArray): number => (x.dtype === "float64" || x.dtype === "complex128" ? 2 ** -52 : 2 ** -23);

interface Schedule {
  /** partner[r, i]: the index paired with i in round r. */
  readonly partner: NDArray;
  /** first[r, i]: i is its pair's first member (p of the rotation (p, q)). */
  readonly first: NDArray;
}

/** The circle method's round robin over n (even) indices: index 0 stays put, the others
 * rotate one place per round. */
function roundRobin(n: number): Schedule {
  const rounds = n - 1;
  const partner = new Int32Array(rounds * n);
  const first = new Int32Array(rounds * n);
  const ring = Array.from({ length: n - 1 }, (_, i) => i + 1);
  for (let r = 0; r < rounds; r++) {
    const order = [0, ...ring.slice(r), ...ring.slice(0, r)];
    for (let k = 0; k < n / 2; k++) {
      const p = order[k]!;
      const q = order[n - 1 - k]!;
      partner[r * n + p] = q;
      partner[r * n + q] = p;
      first[r * n + p] = 1;
    }
  }
  return {
    partner: array(partner, { dtype: "int32" }).reshape([rounds, n]),
    first: lax.ne(array(first, { dtype: "int32" }).reshape([rounds, n]), 0),
  };
}

/**
 * The rotation J = [c s; −s c] (rows and columns p, q) with Jᵀ [app apq; apq aqq] J diagonal:
 * Golub & Van Loan's symmetric Schur rotation, the smaller of the two angles (|θ| ≤ π/4).
 * Elementwise over vectors; the identity where apq = 0.
 */
function schurRotation(app: NDArray, aqq: NDArray, apq: NDArray): [NDArray, NDArray] {
  const isZero = equal(apq, 0);
  const tau = divide(subtract(aqq, app), multiply(2, where(isZero, 1, apq)));
  const at = abs(tau);
  // √(1+τ²) without overflow for large τ
  const inv = divide(1, where(equal(at, 0), 1, at));
  const root = where(greater(at, 1), multiply(at, sqrt(add(1, multiply(inv, inv)))), sqrt(add(1, multiply(tau, tau))));
  const t = where(isZero, 0, divide(where(less(tau, 0), -1, 1), add(at, root)));
  const c = lax.rsqrt(add(1, multiply(t, t)));
  return [c, multiply(t, c)];
}

/** Per index i, the signed sine that rotates i's pair: (J)[π(i), i] = −sv[i]. */
const signedSine = (first: NDArray, s: NDArray): NDArray => where(first, s, negative(s));

/** The rotation of a pair whose coupling g = a_pq (or x_pᴴx_q) may be complex: [c, sv] with
 * sv the coefficient of the partner's column, s·e^{−iφ} for p and −s·e^{iφ} for q (e^{iφ} =
 * g/|g|, 1 where g = 0); for real g, the real rotation unchanged. */
function pairRotation(app: NDArray, aqq: NDArray, g: NDArray, first: NDArray): [NDArray, NDArray] {
  if (!isComplex(g.dtype)) {
    const [c, s] = schurRotation(app, aqq, g);
    return [c, signedSine(first, s)];
  }
  const mag = lax.sqrt(abs2(g));
  const [c, s] = schurRotation(app, aqq, mag);
  const phase = divide(conjIf(g), lax.convertElementType(where(equal(mag, 0), 1, mag), g.dtype)); // e^{−iφ}
  const unit = where(equal(mag, 0), lax.convertElementType(1, g.dtype), phase);
  const sc = lax.convertElementType(s, g.dtype);
  return [lax.convertElementType(c, g.dtype), where(first, multiply(sc, unit), negative(multiply(sc, conjIf(unit))))];
}

/** Columns of x [..., k, n] rotated by the round's J: x·J, column j = c_j x_j − sv_j x_π(j). */
function rotateColumns(x: NDArray, partner: NDArray, c: NDArray, sv: NDArray): NDArray {
  const swapped = lax.gather(x, partner, { axis: x.ndim - 1 });
  return subtract(multiply(x, expandDims(c, -2)), multiply(swapped, expandDims(sv, -2)));
}

/** Pair values in the first member's view: v[p] for both p and q of each pair. */
const firstView = (v: NDArray, partner: NDArray, first: NDArray): NDArray => where(first, v, lax.gather(v, partner, { axis: v.ndim - 1 }));

/** The sum of squares of the off-diagonal entries, and of all entries, of [..., n, n]. */
function offAndTotal(a: NDArray): [NDArray, NDArray] {
  const n = a.shape[a.ndim - 1]!;
  const diag = lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1));
  const sq = abs2(a);
  return [sum(where(diag, 0, sq)), sum(sq)];
}

/**
 * Two-sided Jacobi on symmetric (or Hermitian) matrices a [..., n, n] (n even; pad odd sizes
 * with a zero row and column, which no rotation touches) → [a rotated to diagonal, V] with
 * a = V·diag·Vᴴ.
 * Each rotation sets its (p, q) entries to exactly zero, so rounding in the off-diagonal part
 * stays relative to that part: the sweeps go on until it is below ε·‖a‖_F (Weyl: every
 * eigenvalue is then within that of the diagonal).
 */
export function jacobiEigen(a: NDArray): [NDArray, NDArray] {
  const n = a.shape[a.ndim - 1]!;
  const batch = a.shape.slice(0, -2);
  const { partner, first } = roundRobin(n);
  const rows = lax.iota("int32", [n], 0);
  const tol = epsilon(a) ** 2;
  const round = ([x, v]: readonly [NDArray, NDArray], [pr, fr]: readonly [NDArray, NDArray]) => {
    const flat = reshape(x, [...batch, n * n]);
    const d = lax.gather(flat, lax.mul(rows, n + 1), { axis: batch.length });
    const dPartner = lax.gather(d, pr, { axis: batch.length });
    const offDiag = lax.gather(flat, lax.add(lax.mul(rows, n), pr), { axis: batch.length }); // x[i, π(i)]
    const [dp, dq] = [realPart(where(fr, d, dPartner)), realPart(where(fr, dPartner, d))];
    const [c, sv] = pairRotation(dp, dq, firstView(offDiag, pr, fr), fr);
    // Jᴴ·x rotates rows as x·J rotates columns: conjugate-transpose, rotate, back, rotate.
    const rowsDone = swapaxes(conjIf(rotateColumns(conjIf(swapaxes(x, -1, -2)), pr, c, sv)), -1, -2);
    const both = rotateColumns(rowsDone, pr, c, sv);
    const eliminated = equal(expandDims(pr, -1), lax.iota("int32", [n, n], 1));
    return [[where(eliminated, 0, both), rotateColumns(v, pr, c, sv)], null] as const;
  };
  const [, a1, v1] = lax.whileLoop(
    ([sweep, x]: readonly [NDArray, NDArray, NDArray]) => {
      const [off, total] = offAndTotal(x);
      return lax.bitwiseAnd(lax.lt(sweep, MAX_SWEEPS), greater(off, multiply(total, tol)));
    },
    ([sweep, x, v]: readonly [NDArray, NDArray, NDArray]) => {
      const [[x1, v1]] = lax.scan(round, [x, v] as const, [partner, first] as const);
      // rounding breaks the exact symmetry the next sweep's pair values assume
      const sym = divide(add(x1, conjIf(swapaxes(x1, -1, -2))), 2);
      return [lax.add(sweep, 1), sym, v1] as const;
    },
    [array(0, { dtype: "int32" }), a, lax.broadcastInDim(lax.convertElementType(lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1)), a.dtype), a.shape, [a.ndim - 2, a.ndim - 1])] as const,
  );
  return [a1, v1];
}

/**
 * One-sided (Hestenes) Jacobi on w [..., m, n] (n even; pad with a zero column, which no
 * rotation touches) → [w·V with orthogonal columns, V]. The sweeps go on until every pair of
 * columns has |wᵢ·wⱼ| ≤ √m·ε·‖wᵢ‖‖wⱼ‖ (LAPACK dgesvj's test), so the column norms are the
 * singular values to a few ulps relative to ‖w‖.
 */
export function jacobiColumns(w: NDArray, withV: boolean): [NDArray, NDArray | null] {
  const m = w.shape[w.ndim - 2]!;
  const n = w.shape[w.ndim - 1]!;
  const batch = w.shape.slice(0, -2);
  const { partner, first } = roundRobin(n);
  const tol = Math.sqrt(m) * epsilon(w);
  const round = ([x, v]: readonly [NDArray, NDArray], [pr, fr]: readonly [NDArray, NDArray]) => {
    const swapped = lax.gather(x, pr, { axis: x.ndim - 1 });
    const norms = sum(abs2(x), { axis: -2 });
    const dots = sum(multiply(conjIf(x), swapped), { axis: -2 }); // x_iᴴ·x_π(i)
    const normsPartner = lax.gather(norms, pr, { axis: batch.length });
    const [c, sv] = pairRotation(where(fr, norms, normsPartner), where(fr, normsPartner, norms), firstView(dots, pr, fr), fr);
    const x1 = subtract(multiply(x, expandDims(c, -2)), multiply(swapped, expandDims(sv, -2)));
    return [[x1, withV ? rotateColumns(v, pr, c, sv) : v], null] as const;
  };
  const onDiagonal = lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1));
  const eye = lax.convertElementType(onDiagonal, w.dtype);
  const [, w1, v1] = lax.whileLoop(
    ([sweep, x]: readonly [NDArray, NDArray, NDArray]) => {
      const g = matmul(conjIf(swapaxes(x, -1, -2)), x);
      const flat = reshape(g, [...batch, n * n]);
      const d = realPart(lax.gather(flat, lax.mul(lax.iota("int32", [n], 0), n + 1), { axis: batch.length }));
      const scale = multiply(expandDims(d, -1), expandDims(d, -2));
      const offDiag = where(onDiagonal, 0, abs2(g));
      const worst = max(where(greater(scale, 0), divide(offDiag, where(greater(scale, 0), scale, 1)), 0));
      return lax.bitwiseAnd(lax.lt(sweep, MAX_SWEEPS), greater(worst, tol * tol));
    },
    ([sweep, x, v]: readonly [NDArray, NDArray, NDArray]) => {
      const [[x1, vOut]] = lax.scan(round, [x, v] as const, [partner, first] as const);
      return [lax.add(sweep, 1), x1, vOut] as const;
    },
    [array(0, { dtype: "int32" }), w, withV ? lax.broadcastInDim(eye, [...batch, n, n], [batch.length, batch.length + 1]) : array(0, { dtype: w.dtype })] as const,
  );
  return [w1, withV ? v1 : null];
}
