// np.linalg's faces of qr, eigh and svd (numpy's options; integers promoted to the default
// float; JAX's namedtuples as objects with JAX's field names) and what is built on them:
// eigvalsh, svdvals, lstsq, pinv (with JAX's JVP) and matrixRank.
import type { NDArray, Operand } from "../array.js";
import { realPartOf } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { callWithJvp } from "../random/custom-jvp.js";
import { fmtShape } from "../shape.js";
import * as dec from "./decompositions.js";
import { abs, add, divide, greater, greaterEqual, less, multiply, negative, notEqual, subtract, where } from "./elementwise.js";
import { takeAlongAxis } from "./indexing.js";
import { matmul } from "./linalg.js";
import { promoteDTypes, toFloat } from "./promote.js";
import { any, max, sum } from "./reductions.js";
import { argsort } from "./sorting.js";
import { broadcastTo, expandDims, reshape } from "./shape.js";
import { type NamedTuple, namedTuple } from "./named-tuple.js";
import { abs2, mH } from "./hermitian.js";

const epsOf = (x: NDArray): number => (x.dtype === "float64" || x.dtype === "complex128" ? 2 ** -52 : 2 ** -23);

function matrices(x: Operand, where_: string, square: boolean): NDArray {
  return dec.floatMatrices(toFloat(x, where_), where_, square);
}

/** JAX's QRResult: [Q, R], also as .Q and .R. */
export type QRResult = NamedTuple<readonly [NDArray, NDArray], { readonly Q: NDArray; readonly R: NDArray }>;

/** qr(a, { mode }): "reduced" (default: Q [..., m, k], R [..., k, n]), "complete" (Q [..., m, m],
 * R [..., m, n]) or "r" (R alone, reduced), k = min(m, n).
 *
 * @example
 * const { Q, R } = np.linalg.qr(array([[3, 0], [4, 5]]));
 * np.allclose(np.matmul(Q, R), array([[3, 0], [4, 5]]), { atol: 1e-5 }).item(); // true
 * np.linalg.qr(ones([5, 3]), { mode: "r" }).shape; // [3, 3]
 */
export function qr(a: Operand, opts: { readonly mode: "r" }): NDArray;
export function qr(a: Operand, opts?: { readonly mode?: "reduced" | "complete" }): QRResult;
export function qr(a: Operand, opts?: { readonly mode?: "reduced" | "complete" | "r" }): QRResult | NDArray;
export function qr(a: Operand, opts: { readonly mode?: "reduced" | "complete" | "r" } = {}): QRResult | NDArray {
  const o = checkOptions(opts, "linalg.qr", { mode: ["reduced", "complete", "r"] });
  const [q, r] = dec.qr(matrices(a, "linalg.qr", false), { fullMatrices: o.mode === "complete" });
  return o.mode === "r" ? r : namedTuple(["Q", "R"], [q, r]);
}

/** JAX's EighResult: [eigenvalues, eigenvectors], also by name. */
export type EighResult = NamedTuple<readonly [NDArray, NDArray], { readonly eigenvalues: NDArray; readonly eigenvectors: NDArray }>;

export interface NpEighOptions {
  /** Which triangle to read when symmetrizeInput is false: "L" (default) or "U". */
  readonly UPLO?: "L" | "U";
  /** Use (a + aᵀ)/2 (default true). */
  readonly symmetrizeInput?: boolean;
}

/**
 * eigh(a, { UPLO, symmetrizeInput }) → { eigenvalues (ascending), eigenvectors (columns) }.
 *
 * @example
 * const { eigenvalues, eigenvectors } = np.linalg.eigh(array([[2, 1], [1, 2]]));
 * eigenvalues; // [1, 3]
 * eigenvectors.shape; // [2, 2]
 */
export function eigh(a: Operand, opts: NpEighOptions = {}): EighResult {
  const o = checkOptions(opts, "linalg.eigh", { UPLO: ["L", "U"], symmetrizeInput: "boolean" });
  const [v, w] = dec.eigh(matrices(a, "linalg.eigh", true), { lower: o.UPLO !== "U", symmetrizeInput: o.symmetrizeInput ?? true });
  return namedTuple(["eigenvalues", "eigenvectors"], [w, v]);
}

/**
 * eigvalsh(a, { UPLO, symmetrizeInput }): the eigenvalues of symmetric a, ascending.
 *
 * @example
 * np.linalg.eigvalsh(array([[2, 0], [0, 1]])); // [1, 2]
 */
export function eigvalsh(a: Operand, opts: NpEighOptions = {}): NDArray {
  checkOptions(opts, "linalg.eigvalsh", { UPLO: ["L", "U"], symmetrizeInput: "boolean" });
  return eigh(a, opts).eigenvalues;
}

/** JAX's SVDResult: [U, S, Vh], also by name. */
export type SVDResult = NamedTuple<readonly [NDArray, NDArray, NDArray], { readonly U: NDArray; readonly S: NDArray; readonly Vh: NDArray }>;

export interface NpSvdOptions {
  /** U [..., m, m] and Vh [..., n, n] (true, the default), else [..., m, k] and [..., k, n]. */
  readonly fullMatrices?: boolean;
  /** Return { U, S, Vh } (true, the default) or S alone. */
  readonly computeUv?: boolean;
  /** a is symmetric: decomposed through eigh (s = |w|). */
  readonly hermitian?: boolean;
}

/** svd(a, { fullMatrices, computeUv, hermitian }) → { U, S, Vh } with a = U·diag(S)·Vh, S
 * descending (or S alone with computeUv: false).
 *
 * @example
 * const { U, S, Vh } = np.linalg.svd(array([[3, 0], [0, -2]]));
 * S; // [3, 2]
 * np.linalg.svd(ones([4, 3]), { computeUv: false }).shape; // [3]
 */
export function svd(a: Operand, opts: NpSvdOptions & { readonly computeUv: false }): NDArray;
export function svd(a: Operand, opts?: NpSvdOptions & { readonly computeUv?: true }): SVDResult;
export function svd(a: Operand, opts?: NpSvdOptions): SVDResult | NDArray;
export function svd(a: Operand, opts: NpSvdOptions = {}): SVDResult | NDArray {
  const o = checkOptions(opts, "linalg.svd", { fullMatrices: "boolean", computeUv: "boolean", hermitian: "boolean" });
  const x = matrices(a, "linalg.svd", o.hermitian === true);
  const computeUv = o.computeUv ?? true;
  if (o.hermitian === true) return hermitianSvd(x, computeUv);
  if (!computeUv) return dec.svd(x, { fullMatrices: o.fullMatrices ?? true, computeUv: false });
  const [u, s, vh] = dec.svd(x, { fullMatrices: o.fullMatrices ?? true });
  return namedTuple(["U", "S", "Vh"], [u, s, vh]);
}

/** As JAX: a = V·diag(w)·Vᴴ gives s = |w| (descending), U = V, Vh = (U·sign(w))ᴴ. */
function hermitianSvd(x: NDArray, computeUv: boolean): SVDResult | NDArray {
  const [v, w] = dec.eigh(x);
  const order = argsort(negative(abs(w)), { axis: -1 });
  const s = takeAlongAxis(abs(w), order, -1);
  if (!computeUv) return s;
  const u = takeAlongAxis(v, broadcastTo(expandDims(order, -2), v.shape), -1);
  const signs = where(less(takeAlongAxis(w, order, -1), 0), -1, 1);
  return namedTuple(["U", "S", "Vh"], [u, s, mH(multiply(u, expandDims(signs, -2)))]);
}

/**
 * svdvals(x): the singular values, descending.
 *
 * @example
 * np.linalg.svdvals(array([[0, 2], [1, 0]])); // [2, 1]
 */
export function svdvals(x: Operand): NDArray {
  return dec.svd(matrices(x, "linalg.svdvals", false), { computeUv: false });
}

/**
 * lstsq(a, b, { rcond }) → [x, resid, rank, s]: the minimum-norm x minimising ‖a·x − b‖ for
 * a [m, n] and b [m] or [m, k], through the SVD, singular values below rcond·s₀ dropped
 * (rcond defaults to ε·max(m, n); a negative rcond means ε). As JAX, resid = ‖b − a·x‖² per
 * column is always returned ([1] for a vector b), rank is an int32 scalar and s the singular
 * values.
 *
 * @example
 * // the line through (0, 1), (1, 3), (2, 5): y = 2x + 1
 * const [coef] = np.linalg.lstsq(array([[0, 1], [1, 1], [2, 1]]), array([1, 3, 5]));
 * coef; // [2, 1]
 */
export function lstsq(a: Operand, b: Operand, opts: { readonly rcond?: number } = {}): [NDArray, NDArray, NDArray, NDArray] {
  const where_ = "linalg.lstsq";
  const o = checkOptions(opts, where_, { rcond: "number" });
  let [x, y] = promoteDTypes(where_, [a, b], "float");
  if (x!.ndim !== 2) throw new ShapeError(`${where_}: a must be a 2-D matrix, got ${fmtShape(x!.shape)}`);
  if (y!.ndim !== 1 && y!.ndim !== 2) throw new ShapeError(`${where_}: b must be 1-D or 2-D, got ${fmtShape(y!.shape)}`);
  if (x!.shape[0] !== y!.shape[0]) throw new ShapeError(`${where_}: a's and b's leading dimensions must match, got ${fmtShape(x!.shape)} and ${fmtShape(y!.shape)}`);
  const vector = y!.ndim === 1;
  if (vector) y = expandDims(y!, -1);
  const [m, n] = x!.shape as [number, number];
  const eps = epsOf(x!);
  const rcond = o.rcond === undefined ? eps * Math.max(m, n) : o.rcond < 0 ? eps : o.rcond;
  if (x!.size === 0) {
    const sol = lax.broadcastInDim(lax.convertElementType(0, x!.dtype), [n, y!.shape[1]!], []);
    return [vector ? reshape(sol, [n]) : sol, sum(abs2(y!), { axis: 0 }), lax.convertElementType(0, "int32"), lax.broadcastInDim(lax.convertElementType(0, realPartOf(x!.dtype)), [0], [])];
  }
  const [u, s, vt] = dec.svd(x!, { fullMatrices: false });
  const s0 = lax.slice(s, [0], [1]);
  const keep = greaterEqual(s, multiply(s0, rcond));
  const rank = sum(lax.convertElementType(keep, "int32"));
  const sInv = where(keep, divide(1, where(keep, s, 1)), 0);
  const sol = matmul(mH(vt), multiply(expandDims(sInv, -1), matmul(mH(u), y!)));
  const r = subtract(y!, matmul(x!, sol));
  const resid = sum(abs2(r), { axis: 0 });
  return [vector ? reshape(sol, [n]) : sol, resid, rank, s];
}

/** The cutoff below which pinv and matrixRank treat singular values as zero: rtol·s₀ with rtol
 * a number or an array over the batch. */
function relativeCutoff(s: NDArray, rtol: Operand): NDArray {
  const r = toFloat(rtol, "linalg.pinv");
  const s0 = max(s, { axis: -1, keepdims: true });
  return multiply(r.ndim === 0 ? r : expandDims(r, -1), s0);
}

/**
 * pinv(a, { rtol, hermitian }): the Moore–Penrose pseudo-inverse [..., n, m] through the SVD,
 * singular values ≤ rtol·s₀ treated as zero (rtol defaults to 10·max(m, n)·ε, as JAX). The
 * derivative is JAX's (Golub & Pereyra), valid where the rank does not change.
 *
 * @example
 * np.linalg.pinv(array([[2, 0], [0, 0]])); // [[0.5, 0], [0, 0]]
 */
export function pinv(a: Operand, opts: { readonly rtol?: Operand; readonly hermitian?: boolean } = {}): NDArray {
  const o = checkOptions(opts, "linalg.pinv", { rtol: "any", hermitian: "boolean" });
  const x = matrices(a, "linalg.pinv", o.hermitian === true);
  const [m, n] = x.shape.slice(-2) as [number, number];
  if (x.size === 0) return lax.broadcastInDim(lax.convertElementType(0, x.dtype), [...x.shape.slice(0, -2), n, m], []);
  const rtol = o.rtol ?? 10 * Math.max(m, n) * epsOf(x);
  return pinvWithJvp(x, rtol, o.hermitian === true);
}

function pinvValue(x: NDArray, rtol: Operand, hermitian: boolean): NDArray {
  const { U: u, S: s, Vh: vh } = svd(x, { fullMatrices: false, hermitian }) as SVDResult;
  const kept = where(greater(s, relativeCutoff(s, rtol)), s, Number.POSITIVE_INFINITY);
  return matmul(mH(vh), divide(mH(u), expandDims(kept, -1)));
}

function pinvWithJvp(a: NDArray, rtol: Operand, hermitian: boolean): NDArray {
  const [out] = callWithJvp(
    (xs) => [pinvValue(xs[0]!, rtol, hermitian)],
    (primals, tangents) => {
      let x = primals[0]!;
      let dx = tangents[0]!;
      const p = pinvWithJvp(x, rtol, hermitian);
      if (hermitian) {
        // the hermitian SVD reads (a + aᴴ)/2, and so must the derivative
        x = divide(add(x, mH(x)), 2);
        dx = divide(add(dx, mH(dx)), 2);
      }
      const [m, n] = x.shape.slice(-2) as [number, number];
      let dp: NDArray;
      if (m >= n) {
        const s = matmul(matmul(p, mH(p)), mH(dx));
        const t = matmul(matmul(mH(dx), mH(p)), p);
        dp = add(subtract(add(subtract(negative(matmul(matmul(p, dx), p)), matmul(matmul(s, x), p)), s), matmul(matmul(p, x), t)), t);
      } else {
        const s = matmul(p, matmul(mH(p), mH(dx)));
        const t = matmul(mH(dx), matmul(mH(p), p));
        dp = add(subtract(add(subtract(negative(matmul(p, matmul(dx, p))), matmul(s, matmul(x, p))), s), matmul(p, matmul(x, t))), t);
      }
      return [[p], [dp]];
    },
    [a],
    "linalg.pinv",
  );
  return out!;
}

/** matrixRank(M, { rtol }): the number of singular values above rtol·s₀ (rtol defaults to
 * max(m, n)·ε; an array rtol is per matrix of the batch); a vector's rank is 1 unless it is all
 * zero.
 *
 * @example
 * np.linalg.matrixRank(array([[1, 2], [2, 4]])); // 1
 */
export function matrixRank(M: Operand, opts: { readonly rtol?: Operand } = {}): NDArray {
  const o = checkOptions(opts, "linalg.matrixRank", { rtol: "any" });
  const x = toFloat(M, "linalg.matrixRank");
  if (x.ndim < 2) return lax.convertElementType(any(notEqual(x, 0)), "int32");
  if (x.size === 0) return lax.broadcastInDim(lax.convertElementType(0, "int32"), x.shape.slice(0, -2), []);
  const s = svdvals(x);
  const rtol = o.rtol ?? Math.max(...x.shape.slice(-2)) * epsOf(x);
  return sum(lax.convertElementType(greater(s, relativeCutoff(s, rtol)), "int32"), { axis: -1 });
}

/** The 2-, −2- and nuclear norms over axes [r, c]: the largest, smallest and summed singular values. */
export function spectralNorm(where_: string, a: NDArray, ord: 2 | -2 | "nuc", [r, c]: readonly [number, number], keepdims: boolean): NDArray {
  if (r === c) throw new ArgumentError(`${where_}: a matrix norm needs two different axes, got ${r} twice`);
  const rest = a.shape.map((_, i) => i).filter((i) => i !== r && i !== c);
  const s = svdvals(lax.transpose(a, [...rest, r, c]));
  const reduced = ord === 2 ? max(s, { axis: -1 }) : ord === -2 ? negative(max(negative(s), { axis: -1 })) : sum(s, { axis: -1 });
  if (!keepdims) return reduced;
  return reshape(reduced, a.shape.map((d, i) => (i === r || i === c ? 1 : d)));
}
