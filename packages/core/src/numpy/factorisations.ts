// Cholesky, triangular solves and LU with partial pivoting, and what numpy builds on them
// (solve, inv, det, slogdet), over the last two axes and batched over the leading ones.
// Each is its textbook algorithm unrolled over the n columns as whole-matrix operations
// (a column of the result per step, written in with `where`), so each is composed of
// primitives: grad, jvp, vmap and jit hold without rules of their own, and the derivative
// is the derivative of the algorithm (exact where it is differentiable: away from ties of
// the pivot choice). The cost is O(n) traced operations of O(n²) work each: meant for the
// small and medium matrices of models and tests, not for n in the thousands.
import { type NamedTuple, namedTuple } from "./named-tuple.js";
import type { NDArray, Operand } from "../array.js";
import { ShapeError } from "../errors.js";
import { isComplex } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { fmtShape } from "../shape.js";
import { diagonal } from "./construction.js";
import { eye } from "./creation.js";
import { abs, add, divide, equal, greater, greaterEqual, log, multiply, notEqual, sign, sqrt, subtract, where } from "./elementwise.js";
import { takeAlongAxis } from "./indexing.js";
import { matmul } from "./linalg.js";
import { prod, sum } from "./reductions.js";
import { promoteDTypes } from "./promote.js";
import { broadcastTo, expandDims, flip, reshape, squeeze } from "./shape.js";
import { matrixTranspose } from "./linalg-namespace.js";
import { conjIf, inexactOf, mH } from "./hermitian.js";

const floatOf = inexactOf;

/**
 * a and b of a solve in one inexact dtype, as JAX's promote_dtypes_inexact: the wider of the
 * two wins, so a complex or float64 b is never cast down to a's dtype (which would drop its
 * imaginary part or its precision); integers and bools become the default float.
 */
function inexactPair(a: Operand, b: Operand, where_: string): [NDArray, NDArray] {
  const [x, y] = promoteDTypes(where_, [a, b], "float");
  return [x!, y!];
}

function squareOf(x: Operand, where_: string): NDArray {
  const a = floatOf(x, where_);
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) throw new ShapeError(`${where_}: expected square matrices in the last two axes, got ${fmtShape(a.shape)}`);
  return a;
}

/** Row and column indices broadcastable against [..., n, m]. */
const rowIndex = (n: number, m: number) => lax.iota("int32", [n, m], 0);
const colIndex = (n: number, m: number) => lax.iota("int32", [n, m], 1);
/** Column j of a [..., n, m] as [..., n], row i as [..., m]. */
const column = (a: NDArray, j: number) => squeeze(lax.slice(a, a.shape.map(() => 0).map((z, k) => (k === a.ndim - 1 ? j : z)), a.shape.map((d, k) => (k === a.ndim - 1 ? j + 1 : d))), { axis: -1 });
const row = (a: NDArray, i: number) => squeeze(lax.slice(a, a.shape.map(() => 0).map((z, k) => (k === a.ndim - 2 ? i : z)), a.shape.map((d, k) => (k === a.ndim - 2 ? i + 1 : d))), { axis: -2 });

/**
 * cholesky(a, { symmetrizeInput }): the lower-triangular L with a = L·Lᴴ (L·Lᵀ for real a; NaN
 * where a is not positive definite). Complex a must be Hermitian; L's diagonal is real.
 *
 * @example
 * np.linalg.cholesky(array([[4, 2], [2, 2]])); // [[2, 0], [1, 1]]
 */
export function cholesky(a: Operand, opts: { readonly symmetrizeInput?: boolean } = {}): NDArray {
  checkOptions(opts, "cholesky", { symmetrizeInput: "boolean" });
  let x = squareOf(a, "cholesky");
  if (opts.symmetrizeInput !== false) x = divide(add(x, mH(x)), 2);
  const n = x.shape[x.ndim - 1]!;
  const ci = colIndex(n, n);
  let L = multiply(x, 0);
  for (let j = 0; j < n; j++) {
    // c = a[:, j] − L[:, :j]·L[j, :j]ᴴ (the columns of L from j on are still zero)
    const c = subtract(column(x, j), squeeze(matmul(L, expandDims(conjIf(row(L, j)), -1)), { axis: -1 }));
    const cjj = reshape(lax.slice(c, c.shape.map(() => 0).map((z, k) => (k === c.ndim - 1 ? j : z)), c.shape.map((s, k) => (k === c.ndim - 1 ? j + 1 : s))), c.shape.slice(0, -1));
    // a Hermitian matrix's pivot is real: its real part's root (NaN when not positive)
    const d = isComplex(cjj.dtype) ? lax.convertElementType(sqrt(lax.real(cjj)), cjj.dtype) : sqrt(cjj);
    const dCol = expandDims(d, -1);
    const ii = lax.iota("int32", [n], 0);
    const col = where(greater(ii, j), divide(c, dCol), where(equal(ii, j), broadcastTo(dCol, c.shape), 0));
    L = where(equal(ci, j), expandDims(col, -1), L);
  }
  return L;
}

export interface TriangularSolveOptions {
  /** Solve op(a)·x = b (true) or x·op(a) = b (false, JAX's default). */
  readonly leftSide?: boolean;
  /** a is lower (true) or upper (false, the default) triangular; the other triangle is ignored. */
  readonly lower?: boolean;
  /** op(a) = aᵀ. */
  readonly transposeA?: boolean;
  /** Conjugate a's entries (with transposeA: op(a) = aᴴ); no effect on real a. */
  readonly conjugateA?: boolean;
  /** The diagonal of a is taken as ones (and not read). */
  readonly unitDiagonal?: boolean;
}

/** Forward substitution: lower-triangular l [..., n, n], b [..., n, m] → x with l·x = b. */
function forward(l: NDArray, b: NDArray, unit: boolean): NDArray {
  const n = l.shape[l.ndim - 1]!;
  const m = b.shape[b.ndim - 1]!;
  const ri = rowIndex(n, m);
  let x = multiply(b, 0);
  for (let i = 0; i < n; i++) {
    // x[i] = (b[i] − l[i, :i]·x[:i]) / l[i, i]  (rows of x from i on are still zero)
    const li = row(l, i); // [..., n]
    const acc = squeeze(matmul(expandDims(li, -2), x), { axis: -2 }); // [..., m]
    let xi = subtract(row(b, i), acc);
    if (!unit) xi = divide(xi, expandDims(reshape(lax.slice(li, li.shape.map(() => 0).map((z, k) => (k === li.ndim - 1 ? i : z)), li.shape.map((s, k) => (k === li.ndim - 1 ? i + 1 : s))), li.shape.slice(0, -1)), -1));
    x = where(equal(ri, i), expandDims(xi, -2), x);
  }
  return x;
}

/** The lower triangle of a (the diagonal included; a unit diagonal is never read). */
const lowerPart = (a: NDArray): NDArray => {
  const n = a.shape[a.ndim - 1]!;
  return where(greaterEqual(rowIndex(n, n), colIndex(n, n)), a, 0);
};

/**
 * lax.linalg.triangularSolve(a, b, { leftSide, lower, transposeA, conjugateA, unitDiagonal }): x with op(a)·x = b or
 * x·op(a) = b, op(a) being a, aᵀ, conj(a) or aᴴ.
 *
 * @example
 * // a·x = b for a lower-triangular a
 * np.triangularSolve(array([[2, 0], [1, 1]]), array([[2], [3]]), { leftSide: true, lower: true }); // [[1], [2]]
 */
export function triangularSolve(a: Operand, b: Operand, opts: TriangularSolveOptions = {}): NDArray {
  checkOptions(opts, "triangularSolve", { leftSide: "boolean", lower: "boolean", transposeA: "boolean", conjugateA: "boolean", unitDiagonal: "boolean" });
  const [a1, b1] = inexactPair(a, b, "triangularSolve");
  let t = squareOf(a1, "triangularSolve");
  let rhs = b1;
  if (rhs.ndim < 2) throw new ShapeError(`triangularSolve: b must have at least 2 dimensions, got ${fmtShape(rhs.shape)}`);
  const left = opts.leftSide ?? false;
  let lower = opts.lower ?? false;
  const unit = opts.unitDiagonal ?? false;
  // Only one triangle counts; op(a) = aᵀ swaps which.
  t = lower ? lowerPart(t) : matrixTranspose(lowerPart(matrixTranspose(t)));
  if (opts.conjugateA === true) t = conjIf(t);
  if (opts.transposeA === true) {
    t = matrixTranspose(t);
    lower = !lower;
  }
  // x·A = b ⟺ Aᵀ·xᵀ = bᵀ
  if (!left) {
    t = matrixTranspose(t);
    lower = !lower;
    rhs = matrixTranspose(rhs);
  }
  const n = t.shape[t.ndim - 1]!;
  if (rhs.shape[rhs.ndim - 2] !== n) throw new ShapeError(`triangularSolve: a is ${n}×${n} but b has ${rhs.shape[rhs.ndim - 2]} rows to solve for`);
  let x: NDArray;
  if (lower) x = forward(t, rhs, unit);
  else {
    // an upper system is a lower one with rows and columns reversed
    const axes = [t.ndim - 2, t.ndim - 1];
    x = flip(forward(flip(t, { axis: axes }), flip(rhs, { axis: rhs.ndim - 2 }), unit), { axis: rhs.ndim - 2 });
  }
  return left ? x : matrixTranspose(x);
}

/** lax.linalg.lu(a) → [lu, pivots, permutation]: P·a = L·U with partial pivoting; L (unit
 * lower) and U share `lu`; pivots[k] is the row swapped with row k at step k.
 *
 * @example
 * const [lu, pivots, permutation] = np.lu(array([[1, 2], [3, 4]]));
 * lu; // [[3, 4], [0.3333, 0.6667]]
 * pivots; // [1, 1]
 * permutation; // [1, 0]
 */
export function lu(a: Operand): [NDArray, NDArray, NDArray] {
  let x = squareOf(a, "lu");
  const n = x.shape[x.ndim - 1]!;
  const batch = x.shape.slice(0, -2);
  const ii = lax.iota("int32", [n], 0);
  const [ri, ci] = [rowIndex(n, n), colIndex(n, n)];
  let perm = broadcastTo(ii, [...batch, n]);
  const pivots: NDArray[] = [];
  for (let k = 0; k < n; k++) {
    // the pivot: the largest |a[i, k]| for i ≥ k (|Re| + |Im| for complex a, as LAPACK's izamax)
    const col = column(x, k);
    const size = isComplex(col.dtype) ? add(abs(lax.real(col)), abs(lax.imag(col))) : abs(col);
    const p = lax.argmax(where(greaterEqual(ii, k), size, -1), col.ndim - 1);
    pivots.push(p);
    // swap rows k and p: row i reads row idx[i]
    const pc = expandDims(p, -1);
    const idx = where(equal(ii, k), pc, where(equal(ii, pc), k, ii));
    x = takeAlongAxis(x, broadcastTo(expandDims(idx, -1), x.shape), -2);
    perm = takeAlongAxis(perm, idx, -1);
    // eliminate below the pivot
    const colk = column(x, k);
    const piv = expandDims(reshape(lax.slice(colk, colk.shape.map(() => 0).map((z, d) => (d === colk.ndim - 1 ? k : z)), colk.shape.map((s, d) => (d === colk.ndim - 1 ? k + 1 : s))), batch), -1);
    const l = where(greater(ii, k), divide(colk, piv), 0); // [..., n]
    const uRow = where(greater(ii, k), row(x, k), 0); // [..., n]
    x = subtract(x, multiply(expandDims(l, -1), expandDims(uRow, -2)));
    x = where(logicalAndMask(ri, ci, k), expandDims(l, -1), x);
  }
  return [x, lax.concatenate(pivots.map((p) => expandDims(p, -1)), batch.length), perm];
}

/** Column k below the diagonal (where the multipliers are stored). */
const logicalAndMask = (ri: NDArray, ci: NDArray, k: number): NDArray => lax.bitwiseAnd(equal(ci, k), greater(ri, k));

/** The (L, U) of lu's packed result. */
function unpack(packed: NDArray): [NDArray, NDArray] {
  const n = packed.shape[packed.ndim - 1]!;
  const [ri, ci] = [rowIndex(n, n), colIndex(n, n)];
  const L = where(greater(ri, ci), packed, where(equal(ri, ci), 1, 0));
  const U = where(greaterEqual(ci, ri), packed, 0);
  return [L, U];
}

/**
 * solve(a, b): x with a·x = b (b a vector [..., n] or matrices [..., n, k]).
 *
 * @example
 * np.linalg.solve(array([[2, 0], [0, 4]]), array([2, 8])); // [1, 2]
 */
export function solve(a: Operand, b: Operand): NDArray {
  const [a1, b1] = inexactPair(a, b, "solve");
  const x = squareOf(a1, "solve");
  let rhs = b1;
  const vector = rhs.ndim === x.ndim - 1;
  if (vector) rhs = expandDims(rhs, -1);
  const n = x.shape[x.ndim - 1]!;
  if (rhs.ndim < 2) throw new ShapeError(`solve: b must be a vector [..., n] (one axis fewer than a) or matrices [..., n, k], got ${fmtShape(rhs.shape)} for a of ${fmtShape(x.shape)}`);
  if (rhs.shape[rhs.ndim - 2] !== n) throw new ShapeError(`solve: a is ${n}×${n} but b has ${rhs.shape[rhs.ndim - 2]} rows (${fmtShape(rhs.shape)})`);
  const [packed, , perm] = lu(x);
  const [L, U] = unpack(packed);
  const pb = takeAlongAxis(broadcastTo(rhs, [...x.shape.slice(0, -2), n, rhs.shape[rhs.ndim - 1]!]), broadcastTo(expandDims(perm, -1), [...x.shape.slice(0, -2), n, rhs.shape[rhs.ndim - 1]!]), -2);
  const y = triangularSolve(L, pb, { leftSide: true, lower: true, unitDiagonal: true });
  const out = triangularSolve(U, y, { leftSide: true, lower: false });
  return vector ? squeeze(out, { axis: -1 }) : out;
}

/**
 * inv(a): the inverse (solve against the identity).
 *
 * @example
 * np.linalg.inv(array([[2, 0], [0, 4]])); // [[0.5, 0], [0, 0.25]]
 */
export function inv(a: Operand): NDArray {
  const x = squareOf(a, "inv");
  const n = x.shape[x.ndim - 1]!;
  return solve(x, broadcastTo(eye(n, n, { dtype: x.dtype }), x.shape));
}

/** The sign of the row permutation of lu's pivots: (−1)^(number of real swaps). */
function permutationSign(pivots: NDArray, dtype: NDArray["dtype"]): NDArray {
  const n = pivots.shape[pivots.ndim - 1]!;
  const swaps = sum(lax.convertElementType(notEqual(pivots, lax.iota("int32", [n], 0)), "int32"), { axis: -1 });
  return lax.convertElementType(subtract(1, multiply(2, lax.rem(swaps, 2))), dtype);
}

/**
 * slogdet(a) → [sign, logabsdet] (JAX's SlogdetResult: also .sign and .logabsdet): det = sign·e^logabsdet;
 * for complex a the sign is the complex unit det/|det| and logabsdet is real.
 *
 * @example
 * const { sign, logabsdet } = np.linalg.slogdet(array([[0, 2], [3, 0]]));
 * sign; // -1
 * logabsdet; // 1.7918
 */
export function slogdet(a: Operand): NamedTuple<readonly [NDArray, NDArray], { readonly sign: NDArray; readonly logabsdet: NDArray }> {
  const x = squareOf(a, "slogdet");
  const [packed, pivots] = lu(x);
  const d = diagonal(packed, { axis1: -2, axis2: -1 });
  const s = multiply(prod(sign(d), { axis: -1 }), permutationSign(pivots, x.dtype));
  return namedTuple(["sign", "logabsdet"], [s, sum(log(abs(d)), { axis: -1 })]);
}

/**
 * det(a): the determinant (the product of U's diagonal, signed by the permutation).
 *
 * @example
 * np.linalg.det(array([[1, 2], [3, 4]])); // -2
 */
export function det(a: Operand): NDArray {
  const x = squareOf(a, "det");
  const [packed, pivots] = lu(x);
  return multiply(prod(diagonal(packed, { axis1: -2, axis2: -1 }), { axis: -1 }), permutationSign(pivots, x.dtype));
}

