// lax.linalg.qr, eigh and svd, batched over leading axes. Each value is computed by a
// composition of primitives (Householder reflections unrolled over the columns; Jacobi sweeps
// in a whileLoop, jacobi.ts) and carries JAX's JVP rule as a custom JVP, so grad, jvp, vmap
// and jit see JAX's derivatives (not the derivative of the iteration, which a whileLoop does
// not have in reverse mode). Each rule calls its own function for the primal, so the rules
// differentiate again at higher orders.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isFloat, realPartOf } from "../dtype.js";
import { DTypeError, NotDifferentiableError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { callWithJvp } from "../random/custom-jvp.js";
import { fmtShape } from "../shape.js";
import { abs, add, divide, equal, greater, less, multiply, negative, sqrt, subtract, where } from "./elementwise.js";
import { triangularSolve } from "./factorisations.js";
import { takeAlongAxis } from "./indexing.js";
import { jacobiColumns, jacobiEigen } from "./jacobi.js";
import { matmul } from "./linalg.js";
import { max, sum } from "./reductions.js";
import { argsort } from "./sorting.js";
import { broadcastTo, expandDims } from "./shape.js";
import { abs2, conjIf, mH, realAsSelf } from "./hermitian.js";

/** The real part of x (x itself when real). */
const realPart = (x: NDArray): NDArray => (isComplex(x.dtype) ? lax.real(x) : x);
const rowIota = (m: number, n: number) => lax.iota("int32", [m, n], 0);
const colIota = (m: number, n: number) => lax.iota("int32", [m, n], 1);
const eyeOf = (n: number, dtype: NDArray["dtype"]) => lax.convertElementType(lax.eq(rowIota(n, n), colIota(n, n)), dtype);

/** The main diagonal of square x [..., n, n] as [..., n] (one gather of the flattened matrix). */
export function diagonalOf(x: NDArray): NDArray {
  const n = x.shape[x.ndim - 1]!;
  return lax.gather(lax.reshape(x, [...x.shape.slice(0, -2), n * n]), lax.mul(lax.iota("int32", [n], 0), n + 1), { axis: x.ndim - 2 });
}

/** x[..., lo:hi] along one axis (negative axes count from the end). */
function sliceAxis(x: NDArray, axis: number, lo: number, hi: number): NDArray {
  const ax = axis < 0 ? x.ndim + axis : axis;
  return lax.slice(
    x,
    x.shape.map((_, i) => (i === ax ? lo : 0)),
    x.shape.map((d, i) => (i === ax ? hi : d)),
  );
}

/** The float or complex matrix (or batch) lax.linalg works on; JAX's lax.linalg refuses integers. */
export function floatMatrices(x: Operand, where: string, square: boolean): NDArray {
  const a = asArray(x, where);
  if (!isFloat(a.dtype) && !isComplex(a.dtype)) {
    throw new DTypeError(`${where}: expected a floating-point or complex dtype (float32, float64, complex64, complex128), got ${a.dtype} (shape ${fmtShape(a.shape)}); np.linalg promotes integers, lax.linalg does not`);
  }
  if (a.ndim < 2) throw new ShapeError(`${where}: expected matrices [..., m, n] (at least 2 dimensions), got ${fmtShape(a.shape)}`);
  if (square && a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) throw new ShapeError(`${where}: expected square matrices [..., n, n], got ${fmtShape(a.shape)}`);
  return a;
}

/** Identity matrices of shape [..., n, n]. */
const identities = (shape: readonly number[], dtype: NDArray["dtype"]): NDArray => broadcastTo(eyeOf(shape[shape.length - 1]!, dtype), shape);

/** The largest |entry| of each matrix, as [..., 1, 1], 1 for an all-zero matrix: dividing
 * by it keeps sums of squares from overflowing. */
function matrixScale(a: NDArray): NDArray {
  const m = max(abs(a), { axis: [-2, -1], keepdims: true });
  return where(equal(m, 0), 1, m);
}

// ---------------------------------------------------------------------------------------
// QR

/**
 * Householder QR of a [..., m, n] as LAPACK's dgeqrf + dorgqr (zgeqrf + zungqr for complex a):
 * reflector j is H = I − τvvᴴ with v[j] = 1 and Hᴴ mapping column j's tail x to β·e_j, β real,
 * β = −sign(Re x_j)·‖x‖ (so R's diagonal is real and may be negative, as LAPACK's), and no
 * reflection at all (τ = 0) for a column that is already zero below the diagonal (so the
 * identity factors as I·I). R = Hₖᴴ⋯H₁ᴴ·a and Q = H₁⋯Hₖ.
 */
export function householderQr(a: NDArray, full: boolean): [NDArray, NDArray] {
  const m = a.shape[a.ndim - 2]!;
  const n = a.shape[a.ndim - 1]!;
  const k = Math.min(m, n);
  const rows = lax.iota("int32", [m], 0);
  let r = a;
  const reflectors: [NDArray, NDArray][] = [];
  // A complex column also needs a reflector when only its diagonal entry is left (to make it
  // real, as zlarfg does); a real one does not.
  const steps = isComplex(a.dtype) ? Math.min(m, n) : Math.min(m - 1, n);
  for (let j = 0; j < steps; j++) {
    const x = lax.squeeze(sliceAxis(r, -1, j, j + 1), [r.ndim - 1]); // [..., m]
    const alpha = sliceAxis(x, -1, j, j + 1); // [..., 1]
    const tail = where(greater(rows, j), x, 0);
    const big = max(abs(where(lax.ge(rows, j), x, 0)), { axis: -1, keepdims: true });
    const unit = where(equal(big, 0), 1, big);
    const norm = multiply(unit, sqrt(add(abs2(divide(alpha, unit)), sum(abs2(divide(tail, unit)), { axis: -1, keepdims: true }))));
    let trivial = equal(max(abs(tail), { axis: -1, keepdims: true }), 0);
    if (isComplex(a.dtype)) trivial = lax.bitwiseAnd(trivial, equal(lax.imag(alpha), 0));
    const beta = where(less(realPart(alpha), 0), norm, negative(norm));
    const tau = where(trivial, 0, divide(subtract(beta, alpha), where(trivial, 1, beta)));
    const v = where(equal(rows, j), 1, divide(tail, where(trivial, 1, subtract(alpha, beta))));
    r = reflect(r, v, conjIf(tau));
    reflectors.push([v, tau]);
  }
  r = where(greater(rowIota(m, n), colIota(m, n)), 0, r);
  // the diagonal is β, real, up to rounding in the imaginary part: drop that rounding
  if (isComplex(a.dtype)) r = where(lax.eq(rowIota(m, n), colIota(m, n)), realAsSelf(r), r);
  const qCols = full ? m : k;
  let q = broadcastTo(sliceAxis(eyeOf(m, a.dtype), -1, 0, qCols), [...a.shape.slice(0, -2), m, qCols]);
  for (let j = reflectors.length - 1; j >= 0; j--) q = reflect(q, ...reflectors[j]!);
  return [q, full ? r : sliceAxis(r, -2, 0, k)];
}

/** (I − τvvᴴ)·x for x [..., m, c], v [..., m], τ [..., 1]. */
function reflect(x: NDArray, v: NDArray, tau: NDArray): NDArray {
  const w = multiply(matmul(expandDims(conjIf(v), -2), x), expandDims(tau, -1)); // [..., 1, c]
  return subtract(x, multiply(expandDims(v, -1), w));
}

/** qr with JAX's JVP (j-towns' derivation), extended to wide matrices by splitting a = [a₁ a₂]
 * with a₁ square: Q and R₁ follow a₁, and R₂ = Qᴴa₂. */
function qrWithJvp(a: NDArray, full: boolean): [NDArray, NDArray] {
  const [q, r] = callWithJvp(
    (xs) => householderQr(xs[0]!, full),
    (primals, tangents) => {
      const x = primals[0]!;
      const m = x.shape[x.ndim - 2]!;
      const n = x.shape[x.ndim - 1]!;
      if (full && m > n) {
        throw new NotDifferentiableError(`lax.linalg.qr: no derivative for fullMatrices with m > n (${fmtShape(x.shape)}): the extra columns of Q are not unique (JAX does not differentiate this case either); use fullMatrices: false`);
      }
      const [q0, r0] = qrWithJvp(x, false);
      const dx = tangents[0]!;
      if (m >= n) return [[q0, r0], squareQrJvp(q0, r0, dx)];
      const [dq, dr1] = squareQrJvp(q0, sliceAxis(r0, -1, 0, m), sliceAxis(dx, -1, 0, m));
      const dr2 = add(matmul(mH(dq), sliceAxis(x, -1, m, n)), matmul(mH(q0), sliceAxis(dx, -1, m, n)));
      return [[q0, r0], [dq, lax.concatenate([dr1, dr2], x.ndim - 1)]];
    },
    [a],
    "lax.linalg.qr",
  );
  return [q!, r!];
}

/** dQ, dR of x = QR (m ≥ n, Q [m, n]): with C = Qᴴ·dx·R⁻¹ and Ω = tril(C, −1) − tril(C, −1)ᴴ
 * (plus i·Im diag(C) on the diagonal for complex x, JAX's correction keeping R's diagonal real),
 * dQ = Q(Ω − C) + dx·R⁻¹ and dR = (C − Ω)R. */
function squareQrJvp(q: NDArray, r: NDArray, dx: NDArray): [NDArray, NDArray] {
  const n = r.shape[r.ndim - 1]!;
  const dxRinv = triangularSolve(r, dx, { lower: false });
  const c = matmul(mH(q), dxRinv);
  const low = where(greater(rowIota(n, n), colIota(n, n)), c, 0);
  let omega = subtract(low, mH(low));
  if (isComplex(c.dtype)) omega = add(omega, multiply(eyeOf(n, c.dtype), subtract(c, realAsSelf(c))));
  return [add(matmul(q, subtract(omega, c)), dxRinv), matmul(subtract(c, omega), r)];
}

export interface QrOptions {
  /** Q [..., m, m] and R [..., m, n] (true, JAX's default), or Q [..., m, k] and R [..., k, n], k = min(m, n). */
  readonly fullMatrices?: boolean;
}

/** lax.linalg.qr(x, { fullMatrices }) → [q, r] with x = q·r, q orthonormal (unitary) columns,
 * r upper triangular (Householder, as LAPACK: R's diagonal is real and may be negative).
 *
 * @example
 * const [q, r] = lax.linalg.qr(array([[3, 0], [4, 5]]));
 * q.shape; // [2, 2]
 * np.allclose(np.matmul(q, r), array([[3, 0], [4, 5]]), { atol: 1e-5 }).item(); // true
 */
export function qr(x: Operand, opts: QrOptions = {}): [NDArray, NDArray] {
  checkOptions(opts, "lax.linalg.qr", { fullMatrices: "boolean" });
  return qrWithJvp(floatMatrices(x, "lax.linalg.qr", false), opts.fullMatrices ?? true);
}

// ---------------------------------------------------------------------------------------
// eigh

/** Eigenvectors v and (real) eigenvalues w (ascending when sorted) of symmetric or Hermitian
 * a [..., n, n]. */
function symmetricEigen(a: NDArray, sort: boolean): [NDArray, NDArray] {
  const n = a.shape[a.ndim - 1]!;
  if (a.size === 0) return [identities(a.shape, a.dtype), lax.broadcastInDim(lax.convertElementType(0, realPartOf(a.dtype)), a.shape.slice(0, -1), [])];
  const scale = matrixScale(a);
  let x = divide(a, scale);
  // an odd size gets a zero row and column, paired with a different index each round and never rotated
  if (n % 2 === 1) x = lax.pad(x, lax.convertElementType(0, a.dtype), a.shape.map((_, i) => [0, i >= a.ndim - 2 ? 1 : 0, 0] as const));
  const [d, vPadded] = jacobiEigen(x);
  let w = multiply(realPart(sliceAxis(diagonalOf(d), -1, 0, n)), lax.squeeze(scale, [a.ndim - 1]));
  let v = sliceAxis(sliceAxis(vPadded, -2, 0, n), -1, 0, n);
  if (sort) {
    const order = argsort(w, { axis: -1 });
    w = takeAlongAxis(w, order, -1);
    v = takeAlongAxis(v, broadcastTo(expandDims(order, -2), v.shape), -1);
  }
  return [v, w];
}

/** eigh with JAX's JVP for distinct eigenvalues: with Vᴴ·dA·V = M, dw = Re diag(M) and
 * dV = V(F ∘ M), F_ij = 1/(w_j − w_i) off the diagonal and 0 on it. */
function eighWithJvp(a: NDArray, sort: boolean): [NDArray, NDArray] {
  const [v, w] = callWithJvp(
    (xs) => symmetricEigen(xs[0]!, sort),
    (primals, tangents) => {
      const [v0, w0] = eighWithJvp(primals[0]!, sort);
      const n = w0.shape[w0.ndim - 1]!;
      const eye = eyeOf(n, w0.dtype);
      const f = subtract(lax.integerPow(add(eye, subtract(expandDims(w0, -2), expandDims(w0, -1))), -1), eye);
      const m = matmul(matmul(mH(v0), tangents[0]!), v0);
      const dw = realPart(diagonalOf(m));
      return [
        [v0, w0],
        [matmul(v0, multiply(f, m)), dw],
      ];
    },
    [a],
    "lax.linalg.eigh",
  );
  return [v!, w!];
}

export interface EighOptions {
  /** Read the lower (true, the default) or the upper triangle; only with symmetrizeInput: false. */
  readonly lower?: boolean;
  /** Use (x + xᴴ)/2 (true, the default), so that the derivative is symmetric (Hermitian) too. */
  readonly symmetrizeInput?: boolean;
  /** Eigenvalues ascending (true, the default), else in the order Jacobi leaves them. */
  readonly sortEigenvalues?: boolean;
}

/** The symmetric (Hermitian) matrix eigh decomposes: symmetrized, or mirrored from one
 * triangle (conjugated, with a real diagonal, for complex a). */
export function symmetricPart(a: NDArray, lower: boolean, symmetrize: boolean): NDArray {
  if (symmetrize) return divide(add(a, mH(a)), 2);
  const n = a.shape[a.ndim - 1]!;
  const strict = lower ? greater(rowIota(n, n), colIota(n, n)) : less(rowIota(n, n), colIota(n, n));
  const diag = lax.eq(rowIota(n, n), colIota(n, n));
  const tri = where(strict, a, where(diag, realAsSelf(a), 0));
  return add(tri, mH(where(strict, a, 0)));
}

/** lax.linalg.eigh(x, { lower, symmetrizeInput, sortEigenvalues }) → [v, w]: x = v·diag(w)·vᴴ,
 * v's columns orthonormal eigenvectors (signs, or complex phases, arbitrary), w real. Cyclic
 * Jacobi: eigenvalues within a few ε·‖x‖ in float32 and float64, real or complex (Hermitian).
 *
 * @example
 * const [v, w] = lax.linalg.eigh(array([[2, 1], [1, 2]]));
 * w; // [1, 3]
 * v.shape; // [2, 2]
 */
export function eigh(x: Operand, opts: EighOptions = {}): [NDArray, NDArray] {
  checkOptions(opts, "lax.linalg.eigh", { lower: "boolean", symmetrizeInput: "boolean", sortEigenvalues: "boolean" });
  const a = floatMatrices(x, "lax.linalg.eigh", true);
  return eighWithJvp(symmetricPart(a, opts.lower ?? true, opts.symmetrizeInput ?? true), opts.sortEigenvalues ?? true);
}

// ---------------------------------------------------------------------------------------
// SVD

/** [u, s, vh] (or [s]) of a [..., m, n] with m ≥ n: one-sided Jacobi orthogonalises the
 * columns (a·V = W), s = the column norms (descending), and U = the Q of W's Householder QR
 * with signs making R's diagonal ≥ 0 — U·diag(s) = W where s > 0, and Q completes the basis
 * where s = 0 (rank-deficient columns, fullMatrices). */
function tallSvd(a: NDArray, full: boolean, computeUv: boolean): NDArray[] {
  const n = a.shape[a.ndim - 1]!;
  const scale = matrixScale(a);
  let x = divide(a, scale);
  if (n % 2 === 1) x = lax.pad(x, lax.convertElementType(0, a.dtype), a.shape.map((_, i) => [0, i === a.ndim - 1 ? 1 : 0, 0] as const));
  const [wPadded, vPadded] = jacobiColumns(x, computeUv);
  let w = sliceAxis(wPadded, -1, 0, n);
  const norms = sqrt(sum(abs2(w), { axis: -2 }));
  const order = argsort(negative(norms), { axis: -1 });
  const s = multiply(takeAlongAxis(norms, order, -1), lax.squeeze(scale, [a.ndim - 1]));
  if (!computeUv) return [s];
  const byColumn = (y: NDArray) => takeAlongAxis(y, broadcastTo(expandDims(order, -2), y.shape), -1);
  w = byColumn(w);
  const v = byColumn(sliceAxis(sliceAxis(vPadded!, -2, 0, n), -1, 0, n));
  const [q, r] = householderQr(w, full);
  const rDiag = realPart(diagonalOf(sliceAxis(r, -2, 0, n)));
  let signs = where(less(rDiag, 0), -1, 1);
  const qCols = q.shape[q.ndim - 1]!;
  if (qCols > n) signs = lax.concatenate([signs, lax.broadcastInDim(lax.convertElementType(1, signs.dtype), [...signs.shape.slice(0, -1), qCols - n], [])], signs.ndim - 1);
  return [multiply(q, expandDims(signs, -2)), s, mH(v)];
}

function svdValues(a: NDArray, full: boolean, computeUv: boolean): NDArray[] {
  const m = a.shape[a.ndim - 2]!;
  const n = a.shape[a.ndim - 1]!;
  if (a.size === 0) {
    // no work (an empty matrix or batch): zero singular values and identity bases, as LAPACK
    const batch = a.shape.slice(0, -2);
    const k = Math.min(m, n);
    const s = lax.broadcastInDim(lax.convertElementType(0, realPartOf(a.dtype)), [...batch, k], []);
    if (!computeUv) return [s];
    return [sliceAxis(identities([...batch, m, m], a.dtype), -1, 0, full ? m : k), s, sliceAxis(identities([...batch, n, n], a.dtype), -2, 0, full ? n : k)];
  }
  if (m >= n) return tallSvd(a, full, computeUv);
  const outs = tallSvd(mH(a), full, computeUv);
  return computeUv ? [mH(outs[2]!), outs[1]!, mH(outs[0]!)] : outs;
}

/** svd with JAX's JVP for distinct non-zero singular values: with dS = Uᴴ·dA·V, ds = Re diag(dS),
 * F_ij = 1/(s_j² − s_i²) (0 on the diagonal), dU = U(F∘(dS·S + S·dSᴴ) + ½(dS − dSᴴ)S⁻¹ on the
 * diagonal) + (I − UUᴴ)dA·V·S⁻¹ when m > n, and dV likewise. */
function svdWithJvp(a: NDArray, full: boolean, computeUv: boolean): NDArray[] {
  return callWithJvp(
    (xs) => svdValues(xs[0]!, full, computeUv),
    (primals, tangents) => {
      const x = primals[0]!;
      const m = x.shape[x.ndim - 2]!;
      const n = x.shape[x.ndim - 1]!;
      if (computeUv && full && m !== n) {
        throw new NotDifferentiableError(`lax.linalg.svd: no derivative of the full U and V of a non-square matrix (${fmtShape(x.shape)}): their extra columns are not unique (JAX does not differentiate this case either); use fullMatrices: false`);
      }
      const [u, s, vh] = svdWithJvp(x, false, true) as [NDArray, NDArray, NDArray];
      const dA = tangents[0]!;
      const v = mH(vh);
      const dS = matmul(matmul(mH(u), dA), v);
      const k = s.shape[s.ndim - 1]!;
      const ds = realPart(diagonalOf(dS));
      if (!computeUv) return [[s], [ds]];
      const eye = eyeOf(k, s.dtype);
      const sRow = expandDims(s, -2);
      const sCol = expandDims(s, -1);
      const f = subtract(divide(1, add(multiply(add(sRow, sCol), subtract(sRow, sCol)), eye)), eye);
      const dSS = multiply(sRow, dS);
      const SdS = multiply(sCol, dS);
      const zero = lax.convertElementType(equal(s, 0), s.dtype);
      const sInv = subtract(divide(1, add(s, zero)), zero);
      const dUdVdiag = multiply(multiply(multiply(subtract(dS, mH(dS)), 0.5), eye), expandDims(sInv, -2));
      let dU = matmul(u, add(multiply(f, add(dSS, mH(dSS))), dUdVdiag));
      let dV = matmul(v, multiply(f, add(SdS, mH(SdS))));
      if (m > n) {
        const dAV = matmul(dA, v);
        dU = add(dU, divide(subtract(dAV, matmul(u, matmul(mH(u), dAV))), sRow));
      }
      if (n > m) {
        const dAU = matmul(mH(dA), u);
        dV = add(dV, divide(subtract(dAU, matmul(v, matmul(vh, dAU))), sRow));
      }
      return [
        [u, s, vh],
        [dU, ds, mH(dV)],
      ];
    },
    [a],
    "lax.linalg.svd",
  );
}

export interface SvdOptions {
  /** U [..., m, m] and Vᴴ [..., n, n] (true, JAX's default), else [..., m, k] and [..., k, n], k = min(m, n). */
  readonly fullMatrices?: boolean;
  /** Return [u, s, vh] (true, the default) or only s. */
  readonly computeUv?: boolean;
}

/** lax.linalg.svd(x, { fullMatrices, computeUv }) → [u, s, vh] with x = u·diag(s)·vh, s real,
 * descending and ≥ 0 (or s alone with computeUv: false); u and vh unitary for complex x.
 * One-sided Jacobi: singular values within a few ε·‖x‖ in float32 and float64.
 *
 * @example
 * const [u, s, vh] = lax.linalg.svd(array([[3, 0], [0, -2]]));
 * s; // [3, 2]
 */
export function svd(x: Operand, opts: SvdOptions & { readonly computeUv: false }): NDArray;
export function svd(x: Operand, opts?: SvdOptions & { readonly computeUv?: true }): [NDArray, NDArray, NDArray];
export function svd(x: Operand, opts?: SvdOptions): NDArray | [NDArray, NDArray, NDArray];
export function svd(x: Operand, opts: SvdOptions = {}): NDArray | [NDArray, NDArray, NDArray] {
  checkOptions(opts, "lax.linalg.svd", { fullMatrices: "boolean", computeUv: "boolean" });
  const a = floatMatrices(x, "lax.linalg.svd", false);
  const computeUv = opts.computeUv ?? true;
  const outs = svdWithJvp(a, opts.fullMatrices ?? true, computeUv);
  return computeUv ? [outs[0]!, outs[1]!, outs[2]!] : outs[0]!;
}
