// The eigendecomposition of a general (non-symmetric) square matrix, JAX's lax.linalg.eig and
// np.linalg.eig / eigvals, batched over leading axes. The matrix is taken to complex, scaled
// by its largest entry, reduced to Hessenberg form by Householder reflections, and brought to
// Schur form T = Zᴴ·A·Z by complex single-shift QR steps (Wilkinson shifts, an exceptional
// shift every tenth step, deflation from the bottom as in LAPACK's zlahqr), each step a
// Householder QR of the active block inside a whileLoop. The eigenvalues are T's diagonal; the
// right eigenvectors come from back substitution in T (as ztrevc), mapped by Z and normalised
// as LAPACK's geev does (unit 2-norm, largest component real). Everything is a composition of
// primitives, so it jits and vmaps; the derivatives are JAX's rules, attached as a custom JVP.
// Meant for the small and medium matrices of models and tests (the QR steps cost O(n³) each).
import type { NDArray, Operand } from "../array.js";
import { array } from "../creation.js";
import { complexOf, isComplex, realPartOf } from "../dtype.js";
import { NotDifferentiableError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { callWithJvp } from "../random/custom-jvp.js";
import { fmtShape } from "../shape.js";
import { diagonalOf, floatMatrices, householderQr } from "./decompositions.js";
import { abs, add, divide, equal, greater, less, multiply, subtract, where } from "./elementwise.js";
import { solve } from "./factorisations.js";
import { abs2, conjIf, mH, mT, realAsSelf } from "./hermitian.js";
import { matmul } from "./linalg.js";
import { any, max, sum } from "./reductions.js";
import { broadcastTo, expandDims, squeeze } from "./shape.js";
import { type NamedTuple, namedTuple } from "./named-tuple.js";
import { toFloat } from "./promote.js";

/** QR steps allowed per eigenvalue before the decomposition is declared failed (NaN, as JAX
 * returns when LAPACK's geev fails); zlahqr allows 30 per eigenvalue on average. */
const MAX_STEPS = 60;
const epsilonOf = (d: string): number => (d === "complex128" ? 2 ** -52 : 2 ** -23);

const cabs1 = (x: NDArray): NDArray => add(abs(lax.real(x)), abs(lax.imag(x)));
const constant = (v: number, d: NDArray["dtype"]): NDArray => lax.convertElementType(v, d);
const eyeOf = (n: number, d: NDArray["dtype"]): NDArray => lax.convertElementType(lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1)), d);

/** x[..., r0:r1, c0:c1]. */
function block(x: NDArray, r0: number, r1: number, c0: number, c1: number): NDArray {
  const nd = x.ndim;
  return lax.slice(
    x,
    x.shape.map((_, i) => (i === nd - 2 ? r0 : i === nd - 1 ? c0 : 0)),
    x.shape.map((d, i) => (i === nd - 2 ? r1 : i === nd - 1 ? c1 : d)),
  );
}
/** Entry (i, j) of each matrix, as [...]. */
const entry = (x: NDArray, i: number, j: number): NDArray => squeeze(block(x, i, i + 1, j, j + 1), { axis: [-2, -1] });

/** The Householder reflector H = I − τvvᴴ (v[j] = 1, zero above j) whose Hᴴ maps x's entries
 * from j on to β·e_j with β real (zlarfg), for x [..., n]; [v, τ [..., 1]]. */
function reflector(x: NDArray, j: number): [NDArray, NDArray] {
  const n = x.shape[x.ndim - 1]!;
  const rows = lax.iota("int32", [n], 0);
  const alpha = lax.slice(x, x.shape.map((_, i) => (i === x.ndim - 1 ? j : 0)), x.shape.map((d, i) => (i === x.ndim - 1 ? j + 1 : d)));
  const tail = where(greater(rows, j), x, 0);
  const big = max(abs(where(lax.ge(rows, j), x, 0)), { axis: -1, keepdims: true });
  const unit = where(equal(big, 0), 1, big);
  const norm = multiply(unit, lax.sqrt(add(abs2(divide(alpha, unit)), sum(abs2(divide(tail, unit)), { axis: -1, keepdims: true }))));
  const trivial = lax.bitwiseAnd(equal(max(abs(tail), { axis: -1, keepdims: true }), 0), equal(lax.imag(alpha), 0));
  const beta = where(less(lax.real(alpha), 0), norm, lax.neg(norm));
  const tau = where(trivial, 0, divide(subtract(beta, alpha), where(trivial, 1, beta)));
  const v = where(equal(rows, j), 1, divide(tail, where(trivial, 1, subtract(alpha, beta))));
  return [v, tau];
}

/** (I − τvvᴴ)·x (from the left) for x [..., n, c]. */
const applyLeft = (x: NDArray, v: NDArray, tau: NDArray): NDArray =>
  subtract(x, multiply(expandDims(v, -1), multiply(matmul(expandDims(conjIf(v), -2), x), expandDims(tau, -1))));
/** x·(I − τvvᴴ) (from the right) for x [..., r, n]. */
const applyRight = (x: NDArray, v: NDArray, tau: NDArray): NDArray =>
  subtract(x, multiply(matmul(x, expandDims(v, -1)), multiply(expandDims(tau, -1), expandDims(conjIf(v), -2))));

/** Hessenberg form H = Qᴴ·a·Q by n − 2 reflections; [H, Q]. */
function hessenberg(a: NDArray, withQ: boolean): [NDArray, NDArray] {
  const n = a.shape[a.ndim - 1]!;
  let h = a;
  let q = broadcastTo(eyeOf(n, a.dtype), a.shape);
  for (let j = 0; j < n - 2; j++) {
    const [v, tau] = reflector(squeeze(block(h, 0, n, j, j + 1), { axis: -1 }), j + 1);
    h = applyRight(applyLeft(h, v, lax.conj(tau)), v, tau);
    if (withQ) q = applyRight(q, v, tau);
  }
  // below the subdiagonal only rounding is left
  const below = lax.gt(lax.iota("int32", [n, n], 0), lax.add(lax.iota("int32", [n, n], 1), 1));
  return [where(below, 0, h), q];
}

/** Whether position k has deflated: |h[k, k−1]| ≤ ε·(|h[k, k]| + |h[k−1, k−1]|) in zlahqr's
 * |Re| + |Im| measure (with an absolute floor of ε², the matrix being scaled to 1). */
function deflated(h: NDArray, k: number, eps: number): NDArray {
  const sub = cabs1(entry(h, k, k - 1));
  return lax.le(sub, add(multiply(add(cabs1(entry(h, k, k)), cabs1(entry(h, k - 1, k - 1))), eps), eps * eps));
}

/** The Wilkinson shift of the active block's trailing 2×2: its eigenvalue nearer h[k, k];
 * every tenth step zlahqr's exceptional shift h[k, k] + ¾·|Re h[k, k−1]| instead. */
function shiftOf(h: NDArray, k: number, step: NDArray): NDArray {
  const [a, b, c, d] = [entry(h, k - 1, k - 1), entry(h, k - 1, k), entry(h, k, k - 1), entry(h, k, k)];
  const half = multiply(subtract(a, d), 0.5);
  const root = lax.sqrt(add(multiply(half, half), multiply(b, c)));
  // d + half ± root are the eigenvalues: take the one nearer d
  const nearer = where(lax.le(abs(subtract(half, root)), abs(add(half, root))), subtract(half, root), add(half, root));
  const wilkinson = add(d, nearer);
  const exceptional = add(d, lax.convertElementType(multiply(abs(lax.real(c)), 0.75), d.dtype));
  return lax.select(equal(lax.rem(lax.add(step, 1), 10), 0), exceptional, wilkinson);
}

/** Schur form by shifted QR on Hessenberg h: [T, Z, ok] with ok false where some eigenvalue
 * did not converge within MAX_STEPS. */
function schur(h0: NDArray, z0: NDArray, withZ: boolean): [NDArray, NDArray, NDArray] {
  const n = h0.shape[h0.ndim - 1]!;
  const eps = epsilonOf(h0.dtype);
  const batch = h0.shape.slice(0, -2);
  let h = h0;
  let z = z0;
  let ok = lax.broadcastInDim(array(true), batch, []);
  for (let k = n - 1; k >= 1; k--) {
    const m = k + 1;
    const [, h1, z1] = lax.whileLoop(
      ([step, hh]: readonly [NDArray, NDArray, NDArray]) => lax.bitwiseAnd(lax.lt(step, MAX_STEPS), any(lax.not(deflated(hh, k, eps)))),
      ([step, hh, zz]: readonly [NDArray, NDArray, NDArray]) => {
        const done = deflated(hh, k, eps);
        const b = block(hh, 0, m, 0, m);
        const mu = expandDims(expandDims(shiftOf(hh, k, step), -1), -1);
        const eye = eyeOf(m, hh.dtype);
        const [q, r] = householderQr(subtract(b, multiply(mu, eye)), true);
        const bNext = add(matmul(r, q), multiply(mu, eye));
        let hNext = bNext;
        if (m < n) {
          const right = matmul(mH(q), block(hh, 0, m, m, n));
          hNext = lax.concatenate([lax.concatenate([bNext, right], hh.ndim - 1), block(hh, m, n, 0, n)], hh.ndim - 2);
        }
        const keep = expandDims(expandDims(done, -1), -1);
        let zNext = zz;
        if (withZ) {
          const zq = matmul(block(zz, 0, n, 0, m), q);
          zNext = where(keep, zz, m < n ? lax.concatenate([zq, block(zz, 0, n, m, n)], zz.ndim - 1) : zq);
        }
        return [lax.add(step, 1), where(keep, hh, hNext), zNext] as const;
      },
      [array(0, { dtype: "int32" }), h, z] as const,
    );
    ok = lax.bitwiseAnd(ok, deflated(h1, k, eps));
    // deflate: the converged subdiagonal entry is zero from now on
    const at = lax.bitwiseAnd(lax.eq(lax.iota("int32", [n, n], 0), k), lax.eq(lax.iota("int32", [n, n], 1), k - 1));
    h = where(at, 0, h1);
    z = z1;
  }
  return [h, z, ok];
}

/** Row i right of the diagonal, as an [n, n] mask. */
const rowRight = (n: number, i: number): NDArray => lax.bitwiseAnd(lax.eq(lax.iota("int32", [n, n], 0), i), lax.gt(lax.iota("int32", [n, n], 1), i));

/** The right eigenvectors of upper-triangular t (columns, y[k, k] = 1), by back substitution
 * with ztrevc's perturbation of a zero divisor to ε·|w_k|. */
function triangularEigenvectors(t: NDArray, eps: number): NDArray {
  const n = t.shape[t.ndim - 1]!;
  const w = diagonalOf(t); // [..., n]
  const smin = lax.max(multiply(cabs1(w), eps), constant(eps * eps, realPartOf(t.dtype)));
  let y = broadcastTo(eyeOf(n, t.dtype), t.shape);
  for (let i = n - 2; i >= 0; i--) {
    const tRow = block(t, i, i + 1, 0, n); // [..., 1, n]
    // Σ_{j>i} t[i, j]·y[j, k] (y's rows ≤ i are still zero right of the diagonal)
    const s = squeeze(matmul(tRow, y), { axis: -2 });
    const tii = expandDims(entry(t, i, i), -1);
    let d = subtract(tii, w);
    d = where(lax.lt(cabs1(d), smin), lax.convertElementType(smin, t.dtype), d);
    y = where(rowRight(n, i), expandDims(lax.neg(divide(s, d)), -2), y);
  }
  return y;
}

/** Columns scaled to unit 2-norm with their largest-magnitude entry real and positive (the
 * first such entry on ties), as LAPACK's geev normalises eigenvectors. */
function geevNormalise(v: NDArray): NDArray {
  const n = v.shape[v.ndim - 2]!;
  const norms = lax.sqrt(sum(abs2(v), { axis: -2, keepdims: true }));
  const unit = divide(v, lax.convertElementType(where(equal(norms, 0), 1, norms), v.dtype));
  const k = lax.argmax(abs2(unit), unit.ndim - 2);
  const at = equal(lax.iota("int32", [n, 1], 0), expandDims(k, -2)); // [..., n, m]
  const big = sum(where(at, unit, 0), { axis: -2, keepdims: true });
  const mag = lax.sqrt(abs2(big));
  const phase = divide(conjIf(big), lax.convertElementType(where(equal(mag, 0), 1, mag), v.dtype));
  const rotated = multiply(unit, phase);
  return where(at, realAsSelf(rotated), rotated);
}

/** [w, vr?, vl?] of complex a [..., n, n]; NaN wherever the QR iteration failed. */
function eigValues(a: NDArray, right: boolean, left: boolean): NDArray[] {
  const n = a.shape[a.ndim - 1]!;
  const batch = a.shape.slice(0, -2);
  if (a.size === 0) {
    const w = lax.broadcastInDim(constant(0, a.dtype), [...batch, n], []);
    const eye = broadcastTo(eyeOf(n, a.dtype), a.shape);
    return [w, ...(right ? [eye] : []), ...(left ? [eye] : [])];
  }
  const big = max(abs(a), { axis: [-2, -1], keepdims: true });
  const scale = where(equal(big, 0), 1, big);
  const x = divide(a, lax.convertElementType(scale, a.dtype));
  const vectors = right || left;
  const [h, q] = hessenberg(x, vectors);
  const [t, z, ok] = schur(h, q, vectors);
  const nan = constant(Number.NaN, a.dtype);
  const okVec = expandDims(ok, -1);
  const w = where(okVec, multiply(diagonalOf(t), lax.convertElementType(squeeze(scale, { axis: -1 }), a.dtype)), nan);
  if (!vectors) return [w];
  const okMat = expandDims(okVec, -1);
  const vr = geevNormalise(matmul(z, triangularEigenvectors(t, epsilonOf(a.dtype))));
  const outs = [w];
  if (right) outs.push(where(okMat, vr, nan));
  // left eigenvectors: the rows of vr⁻¹, conjugated (uⱼᴴ·a = wⱼ·uⱼᴴ), normalised the same way
  if (left) outs.push(where(okMat, geevNormalise(mH(solve(vr, broadcastTo(eyeOf(n, a.dtype), a.shape)))), nan));
  return outs;
}

/** dw and dv for eigenpairs (w, v) of a under da, JAX's _eig_vec_jvp: nondegenerate
 * perturbation theory, with each dvⱼ's free multiple of vⱼ fixed by geev's normalisation. */
function eigVecJvp(w: NDArray, v: NDArray, da: NDArray): [NDArray, NDArray] {
  const n = w.shape[w.ndim - 1]!;
  const eye = eyeOf(n, w.dtype);
  const f = subtract(divide(1, add(eye, subtract(expandDims(w, -2), expandDims(w, -1)))), eye);
  const p = matmul(solve(v, da), v);
  const dw = diagonalOf(p);
  const u = matmul(v, multiply(f, p));
  const k = lax.argmax(abs(v), v.ndim - 2);
  const mask = lax.convertElementType(equal(lax.iota("int32", [n, 1], 0), expandDims(k, -2)), v.dtype);
  const re = lax.neg(lax.real(sum(multiply(conjIf(v), u), { axis: -2 })));
  const im = lax.neg(divide(lax.imag(sum(multiply(mask, u), { axis: -2 })), lax.real(sum(multiply(mask, v), { axis: -2 }))));
  return [dw, add(u, multiply(v, expandDims(lax.complex(re, im), -2)))];
}

interface EigFlags {
  readonly left: boolean;
  readonly right: boolean;
  readonly vecDerivs: boolean;
}

function eigWithJvp(a: NDArray, flags: EigFlags): NDArray[] {
  return callWithJvp(
    (xs) => {
      const [w, ...rest] = eigValues(xs[0]!, flags.right, flags.left);
      // eigValues lists vr before vl; JAX's order is [w, vl, vr]
      return flags.left && flags.right ? [w!, rest[1]!, rest[0]!] : [w!, ...rest];
    },
    (primals, tangents) => {
      if ((flags.left || flags.right) && !flags.vecDerivs) {
        throw new NotDifferentiableError(
          "lax.linalg.eig: derivatives of non-symmetric eigenvectors are only valid under assumptions jaxts cannot check (distinct eigenvalues, no tie for an eigenvector's largest component); pass enableEigvecDerivs: true to opt in, as JAX asks, or differentiate eigvals",
        );
      }
      const x = primals[0]!;
      const da = tangents[0]!;
      // the eigenvectors this rule reads are differentiated only at higher orders, which need
      // distinct eigenvalues as the first order does (JAX refuses eigvals' second derivative)
      const outs = eigWithJvp(x, { left: flags.left, right: true, vecDerivs: true });
      const w = outs[0]!;
      const vr = outs[outs.length - 1]!;
      if (!flags.left && !flags.right) return [[w], [sum(multiply(solve(vr, da), mT(vr)), { axis: -1 })]];
      const [dw, dvr] = eigVecJvp(w, vr, da);
      const primalOut = [w];
      const tangentOut = [dw];
      if (flags.left) {
        const [, dvl] = eigVecJvp(conjIf(w), outs[1]!, mH(da));
        primalOut.push(outs[1]!);
        tangentOut.push(dvl);
      }
      if (flags.right) {
        primalOut.push(vr);
        tangentOut.push(dvr);
      }
      return [primalOut, tangentOut];
    },
    [a],
    "lax.linalg.eig",
  );
}

export interface EigOptions {
  /** Compute the left eigenvectors uⱼ (uⱼᴴ·x = wⱼ·uⱼᴴ); default true, as JAX. */
  readonly computeLeftEigenvectors?: boolean;
  /** Compute the right eigenvectors vⱼ (x·vⱼ = wⱼ·vⱼ); default true. */
  readonly computeRightEigenvectors?: boolean;
  /** Allow derivatives of the eigenvectors (JAX's opt-in: valid only for distinct eigenvalues
   * and eigenvectors without a tie for their largest entry); default false. */
  readonly enableEigvecDerivs?: boolean;
}

/** The complex matrix eig computes with: complex64 for float32 (and smaller), complex128 for
 * float64. */
function complexMatrices(x: Operand, where_: string): NDArray {
  const a = floatMatrices(x, where_, true);
  return isComplex(a.dtype) ? a : lax.convertElementType(a, complexOf(a.dtype === "float64" ? "float64" : "float32"));
}

/**
 * lax.linalg.eig(x, { computeLeftEigenvectors, computeRightEigenvectors, enableEigvecDerivs })
 * → [w, vl?, vr?]: the eigenvalues of a general square matrix (complex, in no particular order)
 * and its left and right eigenvectors (columns, unit 2-norm, largest component real, as
 * LAPACK's geev). Real input gives complex results (complex64 for float32, complex128 for
 * float64); a decomposition that does not converge is NaN, as JAX's. The eigenvalues'
 * derivative is JAX's (diag(V⁻¹·dA·V)); eigenvectors are differentiable only with
 * enableEigvecDerivs.
 *
 * @example
 * const [w, vr] = lax.linalg.eig(array([[0, 1], [-2, -3]]), { computeLeftEigenvectors: false });
 * np.sort(w!); // [{ re: -2, im: 0 }, { re: -1, im: 0 }]
 * vr!.shape; // [2, 2]
 */
export function eig(x: Operand, opts: EigOptions = {}): NDArray[] {
  checkOptions(opts, "lax.linalg.eig", { computeLeftEigenvectors: "boolean", computeRightEigenvectors: "boolean", enableEigvecDerivs: "boolean" });
  const a = complexMatrices(x, "lax.linalg.eig");
  return eigWithJvp(a, { left: opts.computeLeftEigenvectors ?? true, right: opts.computeRightEigenvectors ?? true, vecDerivs: opts.enableEigvecDerivs ?? false });
}

/** A square matrix (batch) for np.linalg.eig / eigvals: integers promoted to the default float. */
function squareForEig(x: Operand, where_: string): NDArray {
  const a = toFloat(x, where_);
  if (a.ndim < 2 || a.shape[a.ndim - 1] !== a.shape[a.ndim - 2]) throw new ShapeError(`${where_}: expected square matrices [..., n, n], got ${fmtShape(a.shape)}`);
  return a;
}

/** JAX's EigResult: [eigenvalues, eigenvectors], also by name. */
export type EigResult = NamedTuple<readonly [NDArray, NDArray], { readonly eigenvalues: NDArray; readonly eigenvectors: NDArray }>;

/**
 * np.linalg.eig(a) → { eigenvalues, eigenvectors }: a·v[:, j] = w[j]·v[:, j] for a general
 * square a (batched over leading axes); complex results in no particular order, eigenvector
 * columns of unit 2-norm with their largest component real (LAPACK's geev). Not
 * differentiable, as JAX's (use eigvals, or lax.linalg.eig with enableEigvecDerivs).
 *
 * @example
 * const { eigenvalues, eigenvectors } = np.linalg.eig(array([[2, 0], [0, 3]]));
 * eigenvalues; // [{ re: 2, im: 0 }, { re: 3, im: 0 }]
 * eigenvectors.dtype; // "complex64"
 */
export function eigGeneral(a: Operand): EigResult {
  const [w, v] = eig(squareForEig(a, "linalg.eig"), { computeLeftEigenvectors: false });
  return namedTuple(["eigenvalues", "eigenvectors"], [w!, v!]);
}

/**
 * np.linalg.eigvals(a): the (complex) eigenvalues of a general square a, in no particular
 * order; differentiable (dw = diag(V⁻¹·da·V) for distinct eigenvalues, as JAX).
 *
 * @example
 * np.linalg.eigvals(array([[0, -1], [1, 0]])); // [{ re: 0, im: 1 }, { re: 0, im: -1 }]
 */
export function eigvals(a: Operand): NDArray {
  return eig(squareForEig(a, "linalg.eigvals"), { computeLeftEigenvectors: false, computeRightEigenvectors: false })[0]!;
}
