// Linear algebra on complex64 / complex128 matrices (issue 11's leftovers): cholesky,
// triangularSolve, lu, solve, inv, det, slogdet, qr, eigh (Hermitian) and svd. Values are
// checked by reconstruction (L·Lᴴ = A, P·A = L·U, Q·R = A, V·diag(w)·Vᴴ = A, U·S·Vᴴ = A) and
// unitarity, with residuals bounded by a multiple of n·ε·‖A‖, and against matrices built from
// known factors (a unitary DFT matrix) and determinants by cofactor expansion computed in
// this file. Derivatives: checkGrads (float64 finite differences along real and imaginary
// directions, fwd and rev) through real-valued losses that do not depend on the arbitrary
// phases of eigen- and singular vectors; vmap against a loop; jit against eager.
import { array, type Complex, lax, type NDArray, np, random } from "@jaxts/core";
import { jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

type C = Complex;
const EPS64 = 2 ** -52;
const EPS32 = 2 ** -23;
const cmat = (rows: readonly (readonly C[])[]): NDArray => array(rows.map((r) => [...r]), { dtype: "complex128" });
const H = (x: NDArray): NDArray => np.conj(np.matrixTranspose(x));
const maxAbs = (x: NDArray): number => np.max(np.abs(x)).item() as number;
const normOf = (x: NDArray): number => Math.sqrt(np.sum(np.square(np.abs(x))).item() as number);
const eyeC = (n: number, dtype: "complex64" | "complex128" = "complex128"): NDArray => np.eye(n, n, { dtype });
/** A random complex matrix (batch) of the given shape. */
const randc = (seed: number, shape: readonly number[], dtype: "complex64" | "complex128" = "complex128"): NDArray => random.normal(random.key(seed), [...shape], dtype);
/** A Hermitian positive definite matrix X·Xᴴ + n·I. */
const hpd = (x: NDArray): NDArray => np.matmul(x, H(x)).add(eyeC(x.shape[x.ndim - 1]!, x.dtype as "complex64" | "complex128").mul(x.shape[x.ndim - 1]!));

/** The determinant by cofactor expansion along the first row, in plain complex arithmetic. */
function cofactorDet(m: readonly (readonly C[])[]): C {
  if (m.length === 1) return m[0]![0]!;
  let acc: C = { re: 0, im: 0 };
  m[0]!.forEach((a, j) => {
    const minor = m.slice(1).map((r) => r.filter((_, k) => k !== j));
    const d = cofactorDet(minor);
    const term = { re: a.re * d.re - a.im * d.im, im: a.re * d.im + a.im * d.re };
    const s = j % 2 === 0 ? 1 : -1;
    acc = { re: acc.re + s * term.re, im: acc.im + s * term.im };
  });
  return acc;
}
function rowsOf(x: NDArray): C[][] {
  const d = x.toTypedArray();
  const [n, m] = x.shape as [number, number];
  return Array.from({ length: n }, (_, i) => Array.from({ length: m }, (_, j) => ({ re: Number(d[2 * (i * m + j)]), im: Number(d[2 * (i * m + j) + 1]) })));
}
/** The unitary DFT matrix F_jk = ω^{jk}/√n. */
function dft(n: number): NDArray {
  return cmat(Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, k) => ({ re: Math.cos((2 * Math.PI * j * k) / n) / Math.sqrt(n), im: -Math.sin((2 * Math.PI * j * k) / n) / Math.sqrt(n) }))));
}

describe("complex factorisations: cholesky, triangularSolve, lu, solve, inv, det, slogdet", () => {
  const x = randc(1, [4, 4]);
  const a = hpd(x);

  it("cholesky: L lower triangular with a real positive diagonal and L·Lᴴ = A (complex64 and complex128)", () => {
    for (const [dtype, eps] of [["complex128", EPS64], ["complex64", EPS32]] as const) {
      const aa = a.astype(dtype);
      const L = np.linalg.cholesky(aa);
      expect(L.dtype).toBe(dtype);
      expect(maxAbs(np.triu(L, { k: 1 }))).toBe(0);
      const d = np.diagonal(L);
      expect(maxAbs(np.imag(d))).toBe(0);
      expect(np.all(np.real(d).gt(0)).item()).toBe(true);
      expect(maxAbs(np.matmul(L, H(L)).sub(aa))).toBeLessThan(20 * 4 * eps * normOf(aa));
      expect(maxAbs(lax.linalg.cholesky(aa).sub(L))).toBe(0);
    }
    // not positive definite: NaN, as JAX
    expect(np.any(np.isnan(np.linalg.cholesky(cmat([[{ re: 1, im: 0 }, { re: 2, im: 1 }], [{ re: 2, im: -1 }, { re: 1, im: 0 }]])))).item()).toBe(true);
  });

  it("triangularSolve solves op(a)·x = b and x·op(a) = b for op = a, aᵀ, conj(a), aᴴ", () => {
    const t = np.tril(randc(2, [3, 3])).add(eyeC(3).mul(3));
    const b = randc(3, [3, 2]);
    const bRight = randc(4, [2, 3]);
    for (const transposeA of [false, true]) {
      for (const conjugateA of [false, true]) {
        let op = transposeA ? np.matrixTranspose(t) : t;
        if (conjugateA) op = np.conj(op);
        const xl = lax.linalg.triangularSolve(t, b, { leftSide: true, lower: true, transposeA, conjugateA });
        expect(maxAbs(np.matmul(op, xl).sub(b))).toBeLessThan(1e-14);
        const xr = lax.linalg.triangularSolve(t, bRight, { leftSide: false, lower: true, transposeA, conjugateA });
        expect(maxAbs(np.matmul(xr, op).sub(bRight))).toBeLessThan(1e-14);
      }
    }
    // upper
    const u = np.triu(randc(5, [3, 3])).add(eyeC(3).mul(3));
    expect(maxAbs(np.matmul(u, lax.linalg.triangularSolve(u, b, { leftSide: true, lower: false })).sub(b))).toBeLessThan(1e-14);
  });

  it("lu: P·A = L·U with pivots chosen by |Re| + |Im| (LAPACK's izamax)", () => {
    const m = randc(6, [4, 4]);
    const [lu, pivots, perm] = lax.linalg.lu(m);
    const L = np.tril(lu, { k: -1 }).add(eyeC(4));
    const U = np.triu(lu);
    const pa = np.take(m, perm, { axis: 0 });
    expect(maxAbs(np.matmul(L, U).sub(pa))).toBeLessThan(40 * EPS64 * normOf(m));
    // the first pivot is the row with the largest |Re| + |Im| in column 0
    const col = rowsOf(m).map((r) => Math.abs(r[0]!.re) + Math.abs(r[0]!.im));
    expect(Number(pivots.toTypedArray()[0])).toBe(col.indexOf(Math.max(...col)));
    // |a| ≤ |Re a| + |Im a| ≤ |Re p| + |Im p| ≤ √2·|p|: the multipliers a/p are at most √2 in modulus
    expect(maxAbs(np.tril(lu, { k: -1 }))).toBeLessThanOrEqual(Math.SQRT2 + 1e-12);
  });

  it("solve, inv, det and slogdet agree with direct checks and the cofactor determinant", () => {
    const m = randc(7, [4, 4]);
    const b = randc(8, [4]);
    expect(maxAbs(np.matmul(m, np.linalg.solve(m, b)).sub(b))).toBeLessThan(1e-13);
    const B = randc(9, [4, 3]);
    expect(maxAbs(np.matmul(m, np.linalg.solve(m, B)).sub(B))).toBeLessThan(1e-13);
    expect(maxAbs(np.matmul(m, np.linalg.inv(m)).sub(eyeC(4)))).toBeLessThan(1e-13);
    const want = cofactorDet(rowsOf(m));
    const det = np.linalg.det(m);
    expect(det.dtype).toBe("complex128");
    const got = det.item() as C;
    expect(Math.hypot(got.re - want.re, got.im - want.im)).toBeLessThan(1e-13 * Math.hypot(want.re, want.im));
    const { sign, logabsdet } = np.linalg.slogdet(m);
    expect(logabsdet.dtype).toBe("float64");
    expect(logabsdet.item()).toBeCloseTo(Math.log(Math.hypot(want.re, want.im)), 13);
    const s = sign.item() as C;
    expect(Math.hypot(s.re, s.im)).toBeCloseTo(1, 14);
    expect(s.re * want.im - s.im * want.re).toBeCloseTo(0, 10);
    expect(s.re * want.re + s.im * want.im).toBeGreaterThan(0);
    // complex64
    expect(maxAbs(np.matmul(m.astype("complex64"), np.linalg.inv(m.astype("complex64"))).sub(eyeC(4, "complex64")))).toBeLessThan(1e-5);
  });

  it("derivatives: checkGrads in complex128, fwd and rev", () => {
    const x0 = randc(10, [3, 3]).mul(0.5);
    const b0 = randc(11, [3, 2]);
    checkGrads((u: NDArray) => np.sum(np.real(np.linalg.cholesky(hpd(u)).mul(np.arange(9).reshape([3, 3])))), [x0], { order: 1 });
    checkGrads((u: NDArray, v: NDArray) => np.sum(np.real(np.linalg.solve(u.add(eyeC(3).mul(2)), v))), [x0, b0], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.imag(np.linalg.inv(u.add(eyeC(3).mul(2))))), [x0], { order: 2 });
    checkGrads((u: NDArray) => np.real(np.linalg.det(u)).add(np.imag(np.linalg.det(u))), [x0], { order: 2 });
    checkGrads((u: NDArray) => np.linalg.slogdet(u.add(eyeC(3))).logabsdet, [x0], { order: 1 });
    checkGrads((u: NDArray) => np.sum(np.real(lax.linalg.lu(u.add(eyeC(3).mul(2)))[0].mul(np.arange(9).reshape([3, 3])))), [x0], { order: 1 });
    checkGrads((u: NDArray, v: NDArray) => np.sum(np.abs(lax.linalg.triangularSolve(u.add(eyeC(3).mul(3)), v, { leftSide: true, lower: true, transposeA: true, conjugateA: true }))), [x0, b0], { order: 1 });
  });
});

describe("complex qr, eigh and svd", () => {
  it("qr: Q unitary, R upper triangular with a real diagonal, Q·R = A (tall, square, wide; reduced and complete)", () => {
    for (const shape of [[5, 3], [4, 4], [3, 5]] as const) {
      const m = randc(20 + shape[0], shape);
      for (const mode of ["reduced", "complete"] as const) {
        const { Q, R } = np.linalg.qr(m, { mode });
        const k = Q.shape[1]!;
        expect(maxAbs(np.matmul(H(Q), Q).sub(eyeC(k)))).toBeLessThan(20 * 5 * EPS64);
        expect(maxAbs(np.matmul(Q, R).sub(m))).toBeLessThan(20 * 5 * EPS64 * normOf(m));
        expect(maxAbs(np.tril(R, { k: -1 }))).toBe(0);
        expect(maxAbs(np.imag(np.diagonal(R)))).toBe(0);
      }
    }
    const m32 = randc(30, [4, 3], "complex64");
    const [q, r] = lax.linalg.qr(m32, { fullMatrices: false });
    expect(q.dtype).toBe("complex64");
    expect(maxAbs(np.matmul(q, r).sub(m32))).toBeLessThan(20 * 4 * EPS32 * normOf(m32));
  });

  it("eigh: real ascending eigenvalues, unitary V, V·diag(w)·Vᴴ = A; known spectra", () => {
    // A = F·diag(λ)·Fᴴ with F the unitary DFT matrix: eigenvalues λ exactly
    const lam = [-2, 0.5, 1, 3.5, 7];
    const F = dft(5);
    const a = np.matmul(np.matmul(F, np.diag(np.array(lam, { dtype: "complex128" }))), H(F));
    const { eigenvalues: w, eigenvectors: v } = np.linalg.eigh(a);
    expect(w.dtype).toBe("float64");
    Array.from(w.toTypedArray(), Number).forEach((x, i) => expect(Math.abs(x - lam[i]!)).toBeLessThan(20 * 5 * EPS64 * 7));
    expect(maxAbs(np.matmul(H(v), v).sub(eyeC(5)))).toBeLessThan(20 * 5 * EPS64);
    expect(maxAbs(np.matmul(np.matmul(v, np.diag(w.astype("complex128"))), H(v)).sub(a))).toBeLessThan(20 * 5 * EPS64 * 7);
    // [[2, i], [−i, 2]] has eigenvalues 1 and 3
    expect(Array.from(np.linalg.eigvalsh(cmat([[{ re: 2, im: 0 }, { re: 0, im: 1 }], [{ re: 0, im: -1 }, { re: 2, im: 0 }]])).toTypedArray(), Number).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([1, 3]);
    // repeated eigenvalues still give an orthonormal basis
    const rep = np.matmul(np.matmul(F, np.diag(np.array([1, 1, 2, 2, 2], { dtype: "complex128" }))), H(F));
    const [vr] = lax.linalg.eigh(rep);
    expect(maxAbs(np.matmul(H(vr), vr).sub(eyeC(5)))).toBeLessThan(1e-13);
    // random Hermitian, complex64 and complex128, batched
    const x = randc(40, [3, 6, 6]);
    const hx = x.add(H(x));
    for (const [dtype, eps] of [["complex128", EPS64], ["complex64", EPS32]] as const) {
      const hh = hx.astype(dtype);
      const [vv, ww] = lax.linalg.eigh(hh);
      expect(ww.dtype).toBe(dtype === "complex128" ? "float64" : "float32");
      expect(maxAbs(np.matmul(np.matmul(vv, vv.mul(0).add(np.expandDims(ww.astype(dtype), -2)).mul(eyeC(6, dtype))), H(vv)).sub(hh))).toBeLessThan(40 * 6 * eps * normOf(hh));
    }
  });

  it("eigh reads one triangle when asked (the other conjugated), and svd's hermitian option goes through eigh", () => {
    const x = randc(45, [4, 4]);
    const herm = x.add(H(x));
    // the strict upper triangle replaced by garbage: lower: true must not read it
    const garbage = np.where(np.triu(np.ones([4, 4]), { k: 1 }).gt(0), randc(46, [4, 4]), herm);
    const [, wLower] = lax.linalg.eigh(garbage, { symmetrizeInput: false, lower: true });
    const [, wFull] = lax.linalg.eigh(herm);
    expect(maxAbs(wLower.sub(wFull))).toBeLessThan(1e-13);
    const { U, S, Vh } = np.linalg.svd(herm, { hermitian: true });
    expect(S.dtype).toBe("float64");
    expect(maxAbs(np.matmul(U.mul(np.expandDims(S.astype("complex128"), 0)), Vh).sub(herm))).toBeLessThan(1e-13);
    expect(maxAbs(S.sub(np.linalg.svd(herm, { computeUv: false })))).toBeLessThan(1e-13);
  });

  it("svd: real descending singular values, unitary U and V, U·S·Vᴴ = A; known singular values", () => {
    const F = dft(4);
    const G = dft(3);
    // A = F[:, :3]·diag(5, 2, 0.5)·Gᴴ·phase
    const fTall = lax.slice(F, [0, 0], [4, 3]);
    const a = np.matmul(np.matmul(fTall, np.diag(np.array([5, 2, 0.5], { dtype: "complex128" }))), H(G)).mul(array({ re: 0.6, im: 0.8 }, { dtype: "complex128" }));
    const s = np.linalg.svd(a, { computeUv: false });
    expect(s.dtype).toBe("float64");
    Array.from(s.toTypedArray(), Number).forEach((x, i) => expect(Math.abs(x - [5, 2, 0.5][i]!)).toBeLessThan(20 * 4 * EPS64 * 5));
    for (const shape of [[5, 3], [4, 4], [3, 5]] as const) {
      const m = randc(50 + shape[1], shape);
      const { U, S, Vh } = np.linalg.svd(m, { fullMatrices: false });
      const k = S.shape[0]!;
      expect(maxAbs(np.matmul(H(U), U).sub(eyeC(k)))).toBeLessThan(20 * 5 * EPS64);
      expect(maxAbs(np.matmul(Vh, H(Vh)).sub(eyeC(k)))).toBeLessThan(20 * 5 * EPS64);
      expect(maxAbs(np.matmul(U.mul(np.expandDims(S.astype("complex128"), 0)), Vh).sub(m))).toBeLessThan(20 * 5 * EPS64 * normOf(m));
      const full = np.linalg.svd(m);
      expect(maxAbs(np.matmul(H(full.U), full.U).sub(eyeC(shape[0])))).toBeLessThan(20 * 5 * EPS64);
      expect(maxAbs(np.matmul(full.Vh, H(full.Vh)).sub(eyeC(shape[1])))).toBeLessThan(20 * 5 * EPS64);
    }
    const m32 = randc(60, [4, 3], "complex64");
    const [u, s32, vh] = lax.linalg.svd(m32, { fullMatrices: false });
    expect(s32.dtype).toBe("float32");
    expect(maxAbs(np.matmul(u.mul(np.expandDims(s32.astype("complex64"), 0)), vh).sub(m32))).toBeLessThan(20 * 4 * EPS32 * normOf(m32));
  });

  it("np.linalg built on them: pinv, lstsq and matrixRank on complex matrices", () => {
    const m = randc(70, [5, 3]);
    const p = np.linalg.pinv(m);
    expect(maxAbs(np.matmul(np.matmul(m, p), m).sub(m))).toBeLessThan(1e-13);
    const b = randc(71, [5]);
    const [sol] = np.linalg.lstsq(m, b);
    // the normal equations: Aᴴ(A·x − b) = 0
    expect(maxAbs(np.matmul(H(m), np.matmul(m, sol).sub(b)))).toBeLessThan(1e-13);
    expect(np.linalg.matrixRank(np.matmul(randc(72, [4, 2]), randc(73, [2, 4]))).item()).toBe(2);
  });

  it("norms of complex vectors and matrices are real: |z| entrywise, singular values for 2 and nuc", () => {
    const z = randc(75, [6]);
    const mags = Array.from(np.abs(z).toTypedArray(), Number);
    expect(np.linalg.norm(z).dtype).toBe("float64");
    expect(np.linalg.norm(z).item()).toBeCloseTo(Math.sqrt(mags.reduce((a, b) => a + b * b, 0)), 14);
    expect(np.linalg.vectorNorm(z, { ord: 1 }).item()).toBeCloseTo(mags.reduce((a, b) => a + b, 0), 14);
    expect(np.linalg.vectorNorm(z, { ord: Number.POSITIVE_INFINITY }).item()).toBe(Math.max(...mags));
    expect(np.linalg.vectorNorm(z, { ord: 0 }).item()).toBe(6);
    const m = randc(76, [4, 3]);
    const s = Array.from(np.linalg.svdvals(m).toTypedArray(), Number);
    expect(np.linalg.matrixNorm(m).item()).toBeCloseTo(Math.sqrt(s.reduce((a, b) => a + b * b, 0)), 13);
    expect(np.linalg.matrixNorm(m, { ord: 2 }).item()).toBeCloseTo(s[0]!, 13);
    expect(np.linalg.matrixNorm(m, { ord: "nuc" }).item()).toBeCloseTo(s.reduce((a, b) => a + b, 0), 13);
    checkGrads((u: NDArray) => np.linalg.norm(u), [m], { order: 2 });
    checkGrads((u: NDArray) => np.linalg.matrixNorm(u, { ord: "nuc" }), [m], { order: 1 });
  });

  it("derivatives: checkGrads (complex128, fwd and rev) through phase-independent losses", () => {
    const x0 = randc(80, [3, 3]).mul(0.7);
    const t0 = randc(81, [4, 3]).mul(0.7);
    const w0 = randc(82, [3, 4]).mul(0.7);
    const weights = np.array([[1, 2, 0.5], [-1, 0.3, 2], [0.7, -0.4, 1.1]], { dtype: "complex128" });
    // qr: R's diagonal is real, so Q and R are functions of A (no free phase)
    checkGrads((u: NDArray) => {
      const [q, r] = lax.linalg.qr(u, { fullMatrices: false });
      return np.sum(np.real(q.mul(weights))).add(np.sum(np.imag(r)));
    }, [lax.slice(t0, [0, 0], [3, 3])], { order: 1 });
    checkGrads((u: NDArray) => np.sum(np.abs(lax.linalg.qr(u, { fullMatrices: false })[1])), [t0], { order: 1 });
    checkGrads((u: NDArray) => np.sum(np.real(lax.linalg.qr(u, { fullMatrices: false })[1])), [w0], { order: 1 });
    // eigh: eigenvalues, and V·diag(f(w))·Vᴴ, which does not see the eigenvectors' phases
    const herm = (u: NDArray) => u.add(H(u));
    checkGrads((u: NDArray) => np.sum(np.linalg.eigvalsh(herm(u)).mul(np.array([1, -2, 3], { dtype: "float64" }))), [x0], { order: 2 });
    checkGrads((u: NDArray) => {
      const [v, w] = lax.linalg.eigh(herm(u));
      return np.sum(np.real(np.matmul(v.mul(np.expandDims(np.square(w).astype("complex128"), -2)), H(v)).mul(weights)));
    }, [x0], { order: 1 });
    // svd: singular values, and U·diag(g(s))·Vᴴ (the phases of uₖ and vₖ cancel)
    for (const m0 of [t0, w0]) {
      checkGrads((u: NDArray) => np.sum(np.linalg.svd(u, { computeUv: false }).mul(np.array([1, 0.5, -2], { dtype: "float64" }))), [m0], { order: 2 });
      checkGrads((u: NDArray) => {
        const { U, S, Vh } = np.linalg.svd(u, { fullMatrices: false });
        return np.sum(np.imag(np.matmul(U.mul(np.expandDims(np.sqrt(S).astype("complex128"), 0)), Vh)));
      }, [m0], { order: 1 });
    }
  });

  it("vmap equals a loop and jit equals eager", () => {
    const xs = randc(90, [3, 4, 4]);
    const f = (u: NDArray) => {
      const a = hpd(u);
      const L = np.linalg.cholesky(a);
      const [q, r] = lax.linalg.qr(u);
      return [np.linalg.det(u), np.linalg.inv(a), L, q, r, np.linalg.eigvalsh(a), np.linalg.svd(u, { computeUv: false })];
    };
    const batched = vmap(f)(xs);
    const loop = [0, 1, 2].map((i) => f(lax.squeeze(lax.slice(xs, [i, 0, 0], [i + 1, 4, 4]), [0])));
    batched.forEach((b, k) => {
      const stacked = np.stack(loop.map((l) => l[k]!));
      expect(maxAbs(b.sub(stacked))).toBeLessThan(1e-12);
    });
    const jf = jit(f)(xs);
    const eager = f(xs);
    jf.forEach((j, k) => expect(maxAbs(j.sub(eager[k]!))).toBeLessThan(1e-12));
  });
});
