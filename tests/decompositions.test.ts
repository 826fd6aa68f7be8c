// qr, eigh and svd (lax.linalg and np.linalg) and what is built on them (eigvalsh, svdvals,
// lstsq, pinv, matrixRank, the 2- and nuclear norms, random.orthogonal, multivariateNormal's
// eigh/svd methods, nn.initializers.orthogonal/deltaOrthogonal), issue 11: identities
// (A = QR, AV = V diag(w), A = U S Vᵀ, orthogonality) on random batched matrices in float64
// and float32 with stated bounds, values against float64 JS references written here (scalar
// Jacobi, modified Gram–Schmidt, normal equations), hand-worked values, JAX's derivative rules
// against finite differences (orders 1 and 2, gauge-invariant outputs), vmap and jit.
import { array, DTypeError, lax, type NDArray, nn, NotDifferentiableError, np, random, ShapeError } from "@jaxts/core";
import { fc, test } from "@fast-check/vitest";
import { grad, jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

type DT = "float32" | "float64";
const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (x: number[] | number[][]) => array(x, { dtype: "float64" });
const EPS: Record<DT, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const mT = (x: NDArray) => np.linalg.matrixTranspose(x);
const maxAbs = (x: NDArray): number => vals(x).reduce((m, v) => Math.max(m, Math.abs(v)), 0);
const maxDiff = (a: NDArray, b: NDArray): number => maxAbs(np.subtract(a.astype("float64"), b.astype("float64")));
const eyeLike = (n: number, batch: readonly number[], dtype: DT) => np.broadcastTo(np.eye(n, n, { dtype }), [...batch, n, n]);

/** Deterministic pseudo-random entries in [-1, 1) (a hash of the index and the seed). */
function entries(size: number, seed: number): number[] {
  return Array.from({ length: size }, (_, i) => {
    const h = Math.sin((i + 1) * 12.9898 + seed * 78.233) * 43758.5453;
    return 2 * (h - Math.floor(h)) - 1;
  });
}
const randomMatrix = (shape: readonly number[], seed: number, dtype: DT = "float64") =>
  array(entries(shape.reduce((a, b) => a * b, 1), seed), { dtype }).reshape([...shape]);
const symmetric = (n: number, seed: number, batch: readonly number[] = [], dtype: DT = "float64") => {
  const m = randomMatrix([...batch, n, n], seed, dtype);
  return np.add(m, mT(m));
};
/** 1, 2, 3, … on the diagonal plus 0.3 × random entries: well-conditioned, with well-separated
 * singular values (and eigenvalues once symmetrized), so finite differences are accurate and
 * JAX's rules (distinct values) apply. */
const separated = (m: number, n: number, seed: number, batch: readonly number[] = []) =>
  array(entries(batch.reduce((a, b) => a * b, 1) * m * n, seed).map((v, i) => 0.3 * v + (Math.floor(i / n) % m === i % n ? 1 + (i % n) : 0)), { dtype: "float64" }).reshape([...batch, m, n]);
const separatedSymmetric = (n: number, seed: number, batch: readonly number[] = []) => {
  const x = separated(n, n, seed, batch);
  return np.add(x, mT(x));
};
/** [rows of the matrix at flat batch index b] as plain float64 arrays. */
function matrixAt(x: NDArray, b: number): number[][] {
  const [m, n] = x.shape.slice(-2) as [number, number];
  const v = vals(x).slice(b * m * n, (b + 1) * m * n);
  return Array.from({ length: m }, (_, i) => v.slice(i * n, (i + 1) * n));
}
const batchCount = (x: NDArray) => x.shape.slice(0, -2).reduce((a, b) => a * b, 1);

// ---- float64 references, scalar loops written for these tests ---------------------------

/** Eigenvalues (ascending) of a symmetric matrix: classical cyclic Jacobi, row by row. */
function refEigenvalues(a0: readonly number[][]): number[] {
  const n = a0.length;
  const a = a0.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p]![q]! ** 2;
    if (off < 1e-32) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p]![q] === 0) continue;
        const theta = (a[q]![q]! - a[p]![p]!) / (2 * a[p]![q]!);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.hypot(1, theta));
        const c = 1 / Math.hypot(1, t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k]![p]!, a[k]![q]!];
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p]![k]!, a[q]![k]!];
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
      }
    }
  }
  return a.map((r, i) => r[i]!).sort((x, y) => x - y);
}
const gram = (a: readonly number[][]): number[][] => a[0]!.map((_, i) => a[0]!.map((_, j) => a.reduce((s, r) => s + r[i]! * r[j]!, 0)));
/** Singular values (descending) as √eig(AᵀA) or √eig(AAᵀ), whichever is smaller. */
function refSingularValues(a: readonly number[][]): number[] {
  const m = a.length;
  const n = a[0]!.length;
  const g = m >= n ? gram(a) : gram(a[0]!.map((_, j) => a.map((r) => r[j]!)));
  return refEigenvalues(g).map((v) => Math.sqrt(Math.max(v, 0))).reverse();
}
/** R (positive diagonal) of modified Gram–Schmidt on the columns of a tall full-rank a. */
function refR(a: readonly number[][]): number[][] {
  const m = a.length;
  const n = a[0]!.length;
  const cols = a[0]!.map((_, j) => a.map((r) => r[j]!));
  const r = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) {
      const d = cols[i]!.reduce((s, v, k) => s + v * cols[j]![k]!, 0);
      r[i]![j] = d;
      for (let k = 0; k < m; k++) cols[j]![k]! -= d * cols[i]![k]!;
    }
    const norm = Math.hypot(...cols[j]!);
    r[j]![j] = norm;
    for (let k = 0; k < m; k++) cols[j]![k]! /= norm;
  }
  return r;
}
/** The least-squares solution of a full-column-rank a: solve (AᵀA) x = Aᵀb by Gaussian elimination. */
function refLstsq(a: readonly number[][], b: readonly number[]): number[] {
  const n = a[0]!.length;
  const g = gram(a);
  const rhs = a[0]!.map((_, j) => a.reduce((s, r, i) => s + r[j]! * b[i]!, 0));
  const m = g.map((r, i) => [...r, rhs[i]!]);
  for (let k = 0; k < n; k++) {
    const p = m.slice(k).reduce((best, r, i) => (Math.abs(r[k]!) > Math.abs(m[best]![k]!) ? i + k : best), k);
    [m[k], m[p]] = [m[p]!, m[k]!];
    for (let i = k + 1; i < n; i++) {
      const f = m[i]![k]! / m[k]![k]!;
      for (let j = k; j <= n; j++) m[i]![j]! -= f * m[k]![j]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) x[i] = (m[i]![n]! - m[i]!.slice(i + 1, n).reduce((s, v, j) => s + v * x[i + 1 + j]!, 0)) / m[i]![i]!;
  return x;
}
const frob = (a: readonly number[][]) => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));

const shapes = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), fc.constantFrom<number[]>([], [2], [2, 2]));
const dtypes = fc.constantFrom<DT>("float64", "float32");

describe("lax.linalg.qr / np.linalg.qr", () => {
  test.prop([shapes, fc.nat({ max: 1000 }), dtypes, fc.boolean()], { numRuns: 30 })(
    "A = Q·R with orthonormal Q and upper-triangular R, for any m×n (wide included), batched, within 20·max(m,n)·ε·‖A‖",
    ([m, n, batch], seed, dtype, full) => {
      const a = randomMatrix([...batch, m, n], seed, dtype);
      const [q, r] = lax.linalg.qr(a, { fullMatrices: full });
      const k = Math.min(m, n);
      expect(q.shape).toEqual([...batch, m, full ? m : k]);
      expect(r.shape).toEqual([...batch, full ? m : k, n]);
      const bound = 20 * Math.max(m, n) * EPS[dtype];
      expect(maxDiff(np.matmul(q, r), a)).toBeLessThanOrEqual(bound * Math.max(1, maxAbs(a)) * Math.sqrt(n));
      expect(maxDiff(np.matmul(mT(q), q), eyeLike(q.shape.at(-1)!, batch, dtype))).toBeLessThanOrEqual(bound);
      expect(maxAbs(np.tril(r, { k: -1 }))).toBe(0);
      // R agrees with modified Gram–Schmidt up to the sign of each row (LAPACK's R may be negative)
      if (m >= n && dtype === "float64") {
        for (let b = 0; b < batchCount(a); b++) {
          const ref = refR(matrixAt(a, b));
          const got = matrixAt(r, b);
          ref.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(Math.sign(got[i]![i]!) * got[i]![j]! - v)).toBeLessThan(1e-10 * Math.max(1, Math.abs(v)))));
        }
      }
    },
  );

  it("matches LAPACK's conventions on hand-worked matrices (numpy's results)", () => {
    const { Q, R } = np.linalg.qr(f64([[1, 2], [3, 4], [5, 6]]));
    const s35 = Math.sqrt(35);
    expect(vals(R)[0]).toBeCloseTo(-s35, 12);
    expect(vals(R)[1]).toBeCloseTo(-44 / s35, 12);
    expect(vals(R)[3]).toBeCloseTo(Math.sqrt(24 / 35), 12);
    expect(vals(Q).slice(0, 2)).toEqual([expect.closeTo(-1 / s35, 12), expect.closeTo(0.897085227145, 10)]);
    // a matrix that needs no reflection factors as I·A (no sign flips), as LAPACK
    const upper = f64([[2, 1], [0, 3]]);
    expect(vals(np.linalg.qr(upper).Q)).toEqual([1, 0, 0, 1]);
    expect(vals(np.linalg.qr(upper, { mode: "r" }))).toEqual([2, 1, 0, 3]);
    expect(np.linalg.qr(f64([[1, 2], [3, 4], [5, 6]]), { mode: "complete" }).Q.shape).toEqual([3, 3]);
    // a zero column: R has a zero on its diagonal and Q stays orthogonal
    const z = np.linalg.qr(f64([[0, 1], [0, 2], [0, 3]]));
    expect(maxDiff(np.matmul(z.Q, z.R), f64([[0, 1], [0, 2], [0, 3]]))).toBeLessThan(1e-15);
    expect(maxDiff(np.matmul(mT(z.Q), z.Q), np.eye(2, 2, { dtype: "float64" }))).toBeLessThan(1e-15);
  });

  it("has JAX's derivative (m ≥ n), extended to wide matrices; orders 1 and 2, forward and reverse", () => {
    const tall = separated(4, 3, 1);
    checkGrads((a: NDArray) => lax.linalg.qr(a, { fullMatrices: false }), [tall], { order: 2 });
    checkGrads((a: NDArray) => lax.linalg.qr(a), [separated(3, 3, 2)], { order: 2 });
    checkGrads((a: NDArray) => lax.linalg.qr(a, { fullMatrices: false }), [separated(2, 4, 3)], { order: 2 });
    checkGrads((a: NDArray) => np.linalg.qr(a, { mode: "r" }), [separated(3, 2, 4, [2])], { order: 1 });
    expect(() => grad((a: NDArray) => np.sum(lax.linalg.qr(a)[0]))(tall)).toThrow(NotDifferentiableError);
  });

  it("batches with vmap and compiles with jit", () => {
    const a = randomMatrix([3, 4, 3], 5);
    const f = (x: NDArray) => np.linalg.qr(x).R;
    expect(maxDiff(vmap(f)(a), np.stack([0, 1, 2].map((i) => f(np.take(a, i, { axis: 0 })))))).toBe(0);
    expect(maxDiff(jit(f)(a), f(a))).toBeLessThan(1e-14);
  });
});

describe("lax.linalg.eigh / np.linalg.eigh / eigvalsh", () => {
  test.prop([fc.integer({ min: 1, max: 7 }), fc.nat({ max: 1000 }), fc.constantFrom<number[]>([], [3]), dtypes], { numRuns: 25 })(
    "A·V = V·diag(w) within 10·n·ε·max|A|, VᵀV = I within 10·n·ε, w ascending and within 10·n·ε·‖A‖_F of a float64 reference",
    (n, seed, batch, dtype) => {
      const a = symmetric(n, seed, batch, dtype);
      const [v, w] = lax.linalg.eigh(a);
      const bound = 10 * n * EPS[dtype];
      expect(maxDiff(np.matmul(a, v), np.multiply(v, np.expandDims(w, -2)))).toBeLessThanOrEqual(bound * maxAbs(a));
      expect(maxDiff(np.matmul(mT(v), v), eyeLike(n, batch, dtype))).toBeLessThanOrEqual(bound);
      for (let b = 0; b < batchCount(a); b++) {
        const m = matrixAt(a.astype("float64"), b);
        const got = vals(w).slice(b * n, (b + 1) * n);
        refEigenvalues(m).forEach((ref, i) => expect(Math.abs(got[i]! - ref)).toBeLessThanOrEqual(bound * frob(m)));
      }
    },
  );

  it("converges to the same bounds on larger and harder matrices: n = 33 random, I + 11ᵀ (a 32-fold eigenvalue), graded, Wilkinson's W⁺", () => {
    const n = 33;
    const idx = (f: (i: number, j: number) => number) => Array.from({ length: n * n }, (_, k) => f(Math.floor(k / n), k % n));
    const cases = [
      symmetric(n, 61),
      f64(idx((i, j) => (i === j ? 2 : 1))).reshape([n, n]),
      f64(idx((i, j) => 10 ** (-(i + j) / 4) * (i === j ? 1 : 0.5))).reshape([n, n]),
      f64(idx((i, j) => (i === j ? Math.abs(i - (n - 1) / 2) : Math.abs(i - j) === 1 ? 1 : 0))).reshape([n, n]),
    ];
    for (const dtype of ["float64", "float32"] as const) {
      for (const c of cases) {
        const a = c.astype(dtype);
        const [v, w] = lax.linalg.eigh(a);
        expect(maxDiff(np.matmul(a, v), np.multiply(v, np.expandDims(w, -2)))).toBeLessThanOrEqual(10 * n * EPS[dtype] * maxAbs(a));
        expect(maxDiff(np.matmul(mT(v), v), eyeLike(n, [], dtype))).toBeLessThanOrEqual(10 * n * EPS[dtype]);
        const { U, S, Vh } = np.linalg.svd(a);
        expect(maxDiff(np.matmul(np.multiply(U, np.expandDims(S, -2)), Vh), a)).toBeLessThanOrEqual(10 * n * EPS[dtype] * maxAbs(a));
      }
    }
    // the 32-fold eigenvalue comes out 32 times: eigenvalues 1 (×32) and 34
    const w = vals(np.linalg.eigvalsh(cases[1]!));
    expect(w.slice(0, 32).every((x) => Math.abs(x - 1) < 1e-13) && Math.abs(w[32]! - 34) < 1e-12).toBe(true);
  });

  it("hand-worked spectra, repeated eigenvalues, diagonal and zero matrices, and values near overflow", () => {
    const { eigenvalues, eigenvectors } = np.linalg.eigh(f64([[2, 1], [1, 2]]));
    expect(vals(eigenvalues)).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    expect(vals(np.abs(eigenvectors)).every((x) => Math.abs(x - Math.SQRT1_2) < 1e-15)).toBe(true);
    expect(vals(np.linalg.eigvalsh(f64([[4, 0, 0], [0, -1, 0], [0, 0, 2]])))).toEqual([-1, 2, 4]);
    const iden = lax.linalg.eigh(np.eye(4, 4, { dtype: "float64" }));
    expect(vals(iden[1])).toEqual([1, 1, 1, 1]);
    expect(maxDiff(iden[0], np.eye(4, 4, { dtype: "float64" }))).toBe(0);
    expect(vals(np.linalg.eigvalsh(np.zeros([3, 3])))).toEqual([0, 0, 0]);
    // a double eigenvalue: any orthonormal basis of its space, still A·V = V·diag(w)
    const dbl = f64([[2, 0, 0], [0, 3, 1], [0, 1, 3]]);
    const [v2, w2] = lax.linalg.eigh(dbl);
    expect(vals(w2)).toEqual([expect.closeTo(2, 14), expect.closeTo(2, 14), expect.closeTo(4, 14)]);
    expect(maxDiff(np.matmul(dbl, v2), np.multiply(v2, np.expandDims(w2, -2)))).toBeLessThan(1e-14);
    // float32 entries of 1e30 (their squares overflow) are scaled, not lost
    const big = lax.linalg.eigh(array([[2e30, 1e30], [1e30, 2e30]], { dtype: "float32" }))[1];
    expect(vals(big).map((x) => x / 1e30)).toEqual([expect.closeTo(1, 5), expect.closeTo(3, 5)]);
  });

  it("reads one triangle when not symmetrizing (UPLO / lower), and sorts only when asked", () => {
    const lowerOnly = f64([[2, 99], [1, 2]]);
    expect(vals(np.linalg.eigvalsh(lowerOnly, { symmetrizeInput: false }))).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    expect(vals(np.linalg.eigvalsh(mT(lowerOnly), { UPLO: "U", symmetrizeInput: false }))).toEqual([expect.closeTo(1, 14), expect.closeTo(3, 14)]);
    expect(vals(lax.linalg.eigh(f64([[2, 50], [50, 2]]))[1])).toEqual([-48, 52].map((x) => expect.closeTo(x, 12)));
    const unsorted = vals(lax.linalg.eigh(f64([[5, 0], [0, 1]]), { sortEigenvalues: false })[1]);
    expect(unsorted).toEqual([5, 1]);
  });

  it("has JAX's derivative for distinct eigenvalues: eigenvalues and gauge-invariant eigenvector products, orders 1 and 2", () => {
    const a = separatedSymmetric(4, 11);
    checkGrads((x: NDArray) => lax.linalg.eigh(x)[1], [a], { order: 2 });
    // v·diag(c)·vᵀ does not depend on the eigenvectors' signs
    const c = f64([0.5, -1, 2, 3]);
    checkGrads((x: NDArray) => { const [v] = lax.linalg.eigh(x); return np.matmul(np.multiply(v, np.expandDims(c, -2)), mT(v)); }, [a], { order: 2 });
    checkGrads((x: NDArray) => np.linalg.eigvalsh(x), [separated(3, 3, 12, [2])], { order: 1 });
    // d λ_max / dA = v vᵀ for the top eigenvector
    // d λ_max = vᵀ·dS·v with S read from the lower triangle: vvᵀ on the diagonal, 2vvᵀ below it, 0 above
    const [v] = lax.linalg.eigh(a);
    const top = np.take(v, 3, { axis: 1 });
    const p = np.outer(top, top);
    const g = grad((x: NDArray) => np.max(lax.linalg.eigh(x, { symmetrizeInput: false })[1]))(a);
    expect(maxDiff(g, np.add(np.multiply(np.tril(p, { k: -1 }), 2), np.multiply(p, np.eye(4, 4, { dtype: "float64" }))))).toBeLessThan(1e-12);
  });

  it("batches with vmap and compiles with jit (jit of grad too)", () => {
    const a = symmetric(5, 13, [3]);
    const f = (x: NDArray) => lax.linalg.eigh(x)[1];
    expect(maxDiff(vmap(f)(a), np.stack([0, 1, 2].map((i) => f(np.take(a, i, { axis: 0 })))))).toBeLessThan(1e-14);
    expect(maxDiff(jit(f)(a), f(a))).toBeLessThan(1e-13);
    const g = (x: NDArray) => np.sum(np.multiply(np.linalg.eigvalsh(x), f64([1, 2, 3, 4, 5])));
    expect(maxDiff(jit(grad(g))(np.take(a, 0, { axis: 0 })), grad(g)(np.take(a, 0, { axis: 0 })))).toBeLessThan(1e-12);
  });

  it("refuses what it cannot decompose, naming what it expected and what it got", () => {
    expect(() => lax.linalg.eigh(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(ShapeError);
    expect(() => lax.linalg.eigh(f64([[1, 2, 3], [4, 5, 6]]))).toThrow(/square matrices \[\.\.\., n, n\], got \[2, 3\]/);
    expect(() => np.linalg.eigh(f64([1, 2]))).toThrow(/at least 2 dimensions\), got \[2\]/);
    expect(() => lax.linalg.eigh(array([[1, 0], [0, 1]], { dtype: "int32" }))).toThrow(DTypeError);
    expect(() => lax.linalg.qr(array([[1, 0], [0, 1]], { dtype: "int32" }))).toThrow(/floating-point or complex dtype \(float32, float64, complex64, complex128\), got int32/);
    expect(() => lax.linalg.svd(array([1, 2, 3], { dtype: "float32" }))).toThrow(ShapeError);
    // np.linalg promotes integers, as jnp.linalg
    expect(np.linalg.eigvalsh(array([[2, 1], [1, 2]], { dtype: "int32" })).dtype).toBe("float32");
    expect(() => np.linalg.eigh(f64([[1, 0], [0, 1]]), { UPLO: "X" as "L" })).toThrow(/UPLO/);
  });
});

describe("lax.linalg.svd / np.linalg.svd / svdvals", () => {
  test.prop([shapes, fc.nat({ max: 1000 }), dtypes, fc.boolean()], { numRuns: 30 })(
    "A = U·diag(S)·Vh with orthonormal U and V, S descending ≥ 0 and within 10·max(m,n)·ε·‖A‖_F of a float64 reference",
    ([m, n, batch], seed, dtype, full) => {
      const a = randomMatrix([...batch, m, n], seed, dtype);
      const { U, S, Vh } = np.linalg.svd(a, { fullMatrices: full });
      const k = Math.min(m, n);
      expect(U.shape).toEqual([...batch, m, full ? m : k]);
      expect(Vh.shape).toEqual([...batch, full ? n : k, n]);
      const bound = 10 * Math.max(m, n) * EPS[dtype];
      const us = np.multiply(lax.slice(U, U.shape.map(() => 0), [...batch, m, k]), np.expandDims(S, -2));
      const rec = np.matmul(us, lax.slice(Vh, Vh.shape.map(() => 0), [...batch, k, n]));
      expect(maxDiff(rec, a)).toBeLessThanOrEqual(bound * Math.max(1, maxAbs(a)) * Math.sqrt(k));
      expect(maxDiff(np.matmul(mT(U), U), eyeLike(U.shape.at(-1)!, batch, dtype))).toBeLessThanOrEqual(bound);
      expect(maxDiff(np.matmul(Vh, mT(Vh)), eyeLike(Vh.shape.at(-2)!, batch, dtype))).toBeLessThanOrEqual(bound);
      for (let b = 0; b < batchCount(a); b++) {
        const mat = matrixAt(a.astype("float64"), b);
        const got = vals(S).slice(b * k, (b + 1) * k);
        got.forEach((s, i) => {
          expect(s).toBeGreaterThanOrEqual(0);
          if (i > 0) expect(s).toBeLessThanOrEqual(got[i - 1]!);
        });
        // the reference squares A, so it is itself only good to ε·‖A‖²/σ for small σ
        const f = frob(mat);
        refSingularValues(mat).forEach((ref, i) => expect(Math.abs(got[i]! - ref)).toBeLessThanOrEqual(bound * f + (1e-14 * f * f) / Math.max(ref, 1e-7 * f)));
      }
      expect(maxDiff(np.linalg.svdvals(a), S)).toBe(0);
    },
  );

  it("hand-worked singular values, rank deficiency (a complete U still), and the hermitian path", () => {
    const s = vals(np.linalg.svd(f64([[3, 0], [4, 5]]), { computeUv: false }));
    expect(s).toEqual([expect.closeTo(3 * Math.sqrt(5), 13), expect.closeTo(Math.sqrt(5), 13)]);
    // rank 1: [1 2; 2 4; 3 6] = u·σ·vᵀ with σ = √70
    const r1 = f64([[1, 2], [2, 4], [3, 6]]);
    const { U, S, Vh } = np.linalg.svd(r1);
    expect(vals(S)).toEqual([expect.closeTo(Math.sqrt(70), 13), expect.closeTo(0, 13)]);
    expect(maxDiff(np.matmul(mT(U), U), np.eye(3, 3, { dtype: "float64" }))).toBeLessThan(1e-15);
    expect(maxDiff(np.matmul(np.multiply(lax.slice(U, [0, 0], [3, 2]), np.expandDims(S, -2)), Vh), r1)).toBeLessThan(1e-14);
    expect(vals(np.linalg.svd(np.zeros([2, 3]), { computeUv: false }))).toEqual([0, 0]);
    const h = np.linalg.svd(f64([[2, 0], [0, -5]]), { hermitian: true });
    expect(vals(h.S)).toEqual([5, 2]);
    expect(maxDiff(np.matmul(np.multiply(h.U, np.expandDims(h.S, -2)), h.Vh), f64([[2, 0], [0, -5]]))).toBe(0);
    const big = np.linalg.svdvals(array([[3e30, 0], [4e30, 5e30]], { dtype: "float32" }));
    expect(vals(big).map((x) => x / 1e30)).toEqual([expect.closeTo(3 * Math.sqrt(5), 5), expect.closeTo(Math.sqrt(5), 5)]);
  });

  it("has JAX's derivative for distinct singular values: values and gauge-invariant products, tall and wide, orders 1 and 2", () => {
    const tall = separated(4, 3, 21);
    const wide = separated(3, 5, 22);
    for (const a of [tall, wide]) {
      checkGrads((x: NDArray) => lax.linalg.svd(x, { computeUv: false }), [a], { order: 2 });
      const c = f64([1, -2, 3]);
      checkGrads((x: NDArray) => { const [u, s, vh] = lax.linalg.svd(x, { fullMatrices: false }); return [np.matmul(np.multiply(u, np.expandDims(c, -2)), vh), s]; }, [a], { order: 2 });
    }
    checkGrads((x: NDArray) => { const { U, Vh } = np.linalg.svd(x); return np.matmul(U, Vh); }, [separated(3, 3, 23)], { order: 1 });
    // d σ_max = u₁ dA v₁ᵀ
    const [u, , vh] = lax.linalg.svd(tall, { fullMatrices: false });
    const g = grad((x: NDArray) => np.max(np.linalg.svdvals(x)))(tall);
    expect(maxDiff(g, np.outer(np.take(u, 0, { axis: 1 }), np.take(vh, 0, { axis: 0 })))).toBeLessThan(1e-13);
    expect(() => grad((x: NDArray) => np.sum(np.linalg.svd(x).U))(tall)).toThrow(/fullMatrices: false/);
  });

  it("batches with vmap and compiles with jit", () => {
    const a = randomMatrix([3, 4, 2], 24);
    const f = (x: NDArray) => np.linalg.svdvals(x);
    expect(maxDiff(vmap(f)(a), np.stack([0, 1, 2].map((i) => f(np.take(a, i, { axis: 0 })))))).toBeLessThan(1e-15);
    const g = (x: NDArray) => { const { U, S, Vh } = np.linalg.svd(x, { fullMatrices: false }); return np.matmul(np.multiply(U, np.expandDims(S, -2)), Vh); };
    expect(maxDiff(jit(g)(a), g(a))).toBeLessThan(1e-14);
  });
});

describe("empty and non-finite input", () => {
  it("empty matrices and batches give results of JAX's shapes (identity bases, zero values)", () => {
    const e = np.linalg.eigh(np.zeros([0, 0], "float64"));
    expect([e.eigenvalues.shape, e.eigenvectors.shape]).toEqual([[0], [0, 0]]);
    expect(lax.linalg.eigh(np.zeros([0, 3, 3], "float64"))[1].shape).toEqual([0, 3]);
    const q = np.linalg.qr(np.zeros([3, 0], "float64"), { mode: "complete" });
    expect([q.Q.shape, q.R.shape]).toEqual([[3, 3], [3, 0]]);
    const s = np.linalg.svd(np.zeros([3, 0], "float64"));
    expect([s.U.shape, s.S.shape, s.Vh.shape]).toEqual([[3, 3], [0], [0, 0]]);
    expect(maxDiff(s.U, np.eye(3, 3, { dtype: "float64" }))).toBe(0);
    expect(np.linalg.svd(np.zeros([0, 3, 2], "float64"), { computeUv: false }).shape).toEqual([0, 2]);
    expect(np.linalg.pinv(np.zeros([3, 0], "float64")).shape).toEqual([0, 3]);
    expect(vals(np.linalg.matrixRank(np.zeros([2, 0, 3], "float64")))).toEqual([0, 0]);
    const [x, resid, rank, sv] = np.linalg.lstsq(np.zeros([3, 0], "float64"), np.ones([3], "float64"));
    expect([x.shape, vals(resid), vals(rank), sv.shape]).toEqual([[0], [3], [0], [0]]);
  });

  it("NaN or infinite entries give NaN results (the sweeps stop; no endless loop)", () => {
    expect(vals(np.linalg.eigvalsh(f64([[1, Number.NaN], [Number.NaN, 2]]))).every(Number.isNaN)).toBe(true);
    expect(vals(np.linalg.svdvals(f64([[1, Number.POSITIVE_INFINITY], [0, 2]]))).every(Number.isNaN)).toBe(true);
  });
});

describe("lstsq, pinv, matrixRank and the spectral norms", () => {
  it("lstsq returns JAX's (x, resid, rank, s): the normal-equations solution when A has full column rank", () => {
    for (const [m, n, seed] of [[5, 3, 31], [4, 4, 32], [6, 2, 33]] as const) {
      const a = randomMatrix([m, n], seed);
      const b = randomMatrix([m], seed + 100).reshape([m]);
      const [x, resid, rank, s] = np.linalg.lstsq(a, b);
      const ref = refLstsq(matrixAt(a, 0), vals(b));
      vals(x).forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-11));
      const r = np.subtract(b, np.matmul(a, x));
      expect(resid.shape).toEqual([1]);
      expect(vals(resid)[0]).toBeCloseTo(vals(np.sum(np.multiply(r, r)))[0]!, 12);
      expect(rank.dtype).toBe("int32");
      expect(vals(rank)).toEqual([n]);
      expect(maxDiff(s, np.linalg.svdvals(a))).toBe(0);
    }
    // matrix right-hand side, and a rank-deficient a: the minimum-norm solution
    const [x2, resid2, rank2] = np.linalg.lstsq(f64([[1, 1], [1, 1]]), f64([[2, 4], [2, 4]]));
    expect(vals(x2)).toEqual([1, 2, 1, 2].map((v) => expect.closeTo(v, 14)));
    expect(vals(resid2)).toEqual([expect.closeTo(0, 14), expect.closeTo(0, 14)]);
    expect(vals(rank2)).toEqual([1]);
    // rcond cuts: with rcond above σ₂/σ₁ the second direction is dropped
    expect(vals(np.linalg.lstsq(f64([[1, 0], [0, 1e-3]]), f64([1, 1]), { rcond: 1e-2 })[2])).toEqual([1]);
    expect(() => np.linalg.lstsq(f64([[1, 0], [0, 1]]), f64([1, 1, 1]))).toThrow(/leading dimensions must match/);
    checkGrads((a: NDArray, b: NDArray) => np.linalg.lstsq(a, b)[0], [separated(4, 2, 34), randomMatrix([4], 35).reshape([4])], { order: 1 });
  });

  test.prop([shapes, fc.nat({ max: 1000 })], { numRuns: 15 })("pinv satisfies the four Penrose conditions (float64)", ([m, n, batch], seed) => {
    const a = randomMatrix([...batch, m, n], seed);
    const p = np.linalg.pinv(a);
    expect(p.shape).toEqual([...batch, n, m]);
    const tol = 1e-11 * Math.max(1, maxAbs(p)) ** 2;
    expect(maxDiff(np.matmul(np.matmul(a, p), a), a)).toBeLessThan(tol);
    expect(maxDiff(np.matmul(np.matmul(p, a), p), p)).toBeLessThan(tol * Math.max(1, maxAbs(p)));
    const ap = np.matmul(a, p);
    const pa = np.matmul(p, a);
    expect(maxDiff(ap, mT(ap))).toBeLessThan(tol);
    expect(maxDiff(pa, mT(pa))).toBeLessThan(tol);
  });

  it("pinv: hand values, JAX's derivative (orders 1 and 2, tall and wide), vmap and jit", () => {
    expect(vals(np.linalg.pinv(f64([[2, 0], [0, 0]])))).toEqual([0.5, 0, 0, 0]);
    expect(vals(np.linalg.pinv(f64([[1], [1]])))).toEqual([0.5, 0.5].map((v) => expect.closeTo(v, 15)));
    checkGrads((a: NDArray) => np.linalg.pinv(a), [separated(4, 3, 41)], { order: 2 });
    checkGrads((a: NDArray) => np.linalg.pinv(a), [separated(2, 4, 42)], { order: 2 });
    const inv = np.linalg.inv(randomMatrix([3, 3], 43));
    expect(maxDiff(np.linalg.pinv(np.linalg.inv(inv)), inv)).toBeLessThan(1e-12);
    const batch = randomMatrix([3, 3, 2], 44);
    expect(maxDiff(vmap((x: NDArray) => np.linalg.pinv(x))(batch), np.linalg.pinv(batch))).toBeLessThan(1e-14);
    expect(maxDiff(jit((x: NDArray) => np.linalg.pinv(x))(batch), np.linalg.pinv(batch))).toBeLessThan(1e-14);
  });

  it("matrixRank counts singular values above rtol·σ₁ (default max(m,n)·ε)", () => {
    expect(vals(np.linalg.matrixRank(f64([[1, 2], [2, 4]])))).toEqual([1]);
    expect(vals(np.linalg.matrixRank(np.eye(4, 4, { dtype: "float64" })))).toEqual([4]);
    expect(vals(np.linalg.matrixRank(np.zeros([3, 2])))).toEqual([0]);
    expect(vals(np.linalg.matrixRank(f64([[1, 0], [0, 1e-20]])))).toEqual([1]);
    expect(vals(np.linalg.matrixRank(f64([[1, 0], [0, 1e-3]]), { rtol: 1e-2 }))).toEqual([1]);
    expect(vals(np.linalg.matrixRank(f64([0, 0, 1])))).toEqual([1]);
    expect(vals(np.linalg.matrixRank(np.stack([np.eye(3, 3), np.zeros([3, 3]), f64([[1, 1, 0], [1, 1, 0], [0, 0, 1]]).astype("float32")])))).toEqual([3, 0, 2]);
    expect(vals(jit((x: NDArray) => np.linalg.matrixRank(x))(f64([[1, 2], [2, 4]])))).toEqual([1]);
  });

  it("norm and matrixNorm with ord 2, −2 and nuc are the largest, smallest and summed singular values", () => {
    const a = f64([[3, 0], [4, 5]]);
    expect(vals(np.linalg.norm(a, { ord: 2 }))[0]).toBeCloseTo(3 * Math.sqrt(5), 13);
    expect(vals(np.linalg.norm(a, { ord: -2 }))[0]).toBeCloseTo(Math.sqrt(5), 13);
    expect(vals(np.linalg.matrixNorm(a, { ord: "nuc" }))[0]).toBeCloseTo(4 * Math.sqrt(5), 13);
    const batch = randomMatrix([2, 3, 4], 51);
    const byAxes = np.linalg.norm(batch, { ord: 2, axis: [0, 2], keepdims: true });
    expect(byAxes.shape).toEqual([1, 3, 1]);
    const perRow = [0, 1, 2].map((i) => refSingularValues(matrixAt(np.take(batch, i, { axis: 1 }), 0))[0]!);
    vals(byAxes).forEach((v, i) => expect(v).toBeCloseTo(perRow[i]!, 12));
    checkGrads((x: NDArray) => np.linalg.matrixNorm(x, { ord: "nuc" }), [separated(3, 2, 52)], { order: 2 });
  });
});

describe("random.orthogonal, multivariateNormal's eigh and svd methods, nn.initializers.orthogonal", () => {
  it("random.orthogonal gives orthogonal matrices whose distribution is Haar (E tr Q = 0, E tr² Q = 1)", () => {
    const q = random.orthogonal(random.key(0), 3, [4000], "float64");
    expect(q.shape).toEqual([4000, 3, 3]);
    expect(maxDiff(np.matmul(mT(q), q), eyeLike(3, [4000], "float64"))).toBeLessThan(1e-14);
    const tr = vals(np.trace(q, { axis1: -2, axis2: -1 }));
    const mean = tr.reduce((s, v) => s + v, 0) / tr.length;
    const meanSq = tr.reduce((s, v) => s + v * v, 0) / tr.length;
    // Var tr Q = 1 and Var tr² Q = E tr⁴ − 1 = 2 for Haar O(n), n ≥ 4 (and close for n = 3)
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(1 / tr.length));
    expect(Math.abs(meanSq - 1)).toBeLessThan(5 * Math.sqrt(2 / tr.length));
    const wide = random.orthogonal(random.key(1), 2, [], "float32", { m: 5 });
    expect(wide.shape).toEqual([2, 5]);
    expect(maxDiff(np.matmul(wide, mT(wide)), np.eye(2, 2))).toBeLessThan(1e-6);
    const tall = random.orthogonal(random.key(1), 5, [], "float32", { m: 2 });
    expect(maxDiff(np.matmul(mT(tall), tall), np.eye(2, 2))).toBeLessThan(1e-6);
    expect(maxDiff(jit((k: NDArray) => random.orthogonal(k, 3))(random.key(7)), random.orthogonal(random.key(7), 3))).toBeLessThan(1e-6);
    expect(() => random.orthogonal(random.key(0), 2.5)).toThrow(/non-negative integer/);
  });

  it("multivariateNormal with method eigh or svd has the requested covariance (5σ) and takes semi-definite covariances", () => {
    const cov = f64([[2, 0.8], [0.8, 1]]);
    for (const method of ["eigh", "svd"] as const) {
      const x = random.multivariateNormal(random.key(3), f64([1, -1]), cov, [20000], { method });
      const xs = matrixAt(x, 0);
      const mean = [0, 1].map((j) => xs.reduce((s, r) => s + r[j]!, 0) / xs.length);
      expect(Math.abs(mean[0]! - 1)).toBeLessThan(5 * Math.sqrt(2 / xs.length));
      expect(Math.abs(mean[1]! + 1)).toBeLessThan(5 * Math.sqrt(1 / xs.length));
      const c01 = xs.reduce((s, r) => s + (r[0]! - mean[0]!) * (r[1]! - mean[1]!), 0) / xs.length;
      expect(Math.abs(c01 - 0.8)).toBeLessThan(5 * Math.sqrt((2 * 1 + 0.8 ** 2) / xs.length));
      // rank-1 covariance: samples lie on the line x₁ = x₀ (cholesky would give NaN)
      const line = random.multivariateNormal(random.key(4), f64([0, 0]), f64([[1, 1], [1, 1]]), [50], { method });
      const pts = matrixAt(line, 0);
      pts.forEach(([a, b]) => expect(Math.abs(a! - b!)).toBeLessThan(1e-7));
      checkGrads((c: NDArray) => random.multivariateNormal(random.key(5), f64([0, 0]), c, [3], { method }), [cov], { order: 1 });
    }
  });

  it("nn.initializers.orthogonal and deltaOrthogonal follow JAX's layout (columnAxis, scale, the centre tap)", () => {
    const w = nn.initializers.orthogonal({ scale: 2 })(random.key(0), [6, 4], "float64");
    expect(maxDiff(np.matmul(mT(w), w), np.multiply(np.eye(4, 4, { dtype: "float64" }), 4))).toBeLessThan(1e-13);
    const wideW = nn.initializers.orthogonal()(random.key(0), [3, 7], "float64");
    expect(maxDiff(np.matmul(wideW, mT(wideW)), np.eye(3, 3, { dtype: "float64" }))).toBeLessThan(1e-14);
    // columnAxis 0 on [4, 2, 3]: the 4 columns are orthonormal over the 6 flattened rows
    const c0 = nn.initializers.orthogonal({ columnAxis: 0 })(random.key(1), [4, 2, 3], "float64");
    const asMatrix = np.reshape(c0, [4, 6]);
    expect(maxDiff(np.matmul(asMatrix, mT(asMatrix)), np.eye(4, 4, { dtype: "float64" }))).toBeLessThan(1e-14);
    const k = nn.initializers.deltaOrthogonal()(random.key(2), [3, 3, 2, 5], "float64");
    const centre = np.reshape(lax.slice(k, [1, 1, 0, 0], [2, 2, 2, 5]), [2, 5]);
    expect(maxDiff(np.matmul(centre, mT(centre)), np.eye(2, 2, { dtype: "float64" }))).toBeLessThan(1e-14);
    expect(vals(np.sum(np.abs(k))) [0]).toBeCloseTo(vals(np.sum(np.abs(centre)))[0]!, 14);
    expect(() => nn.initializers.orthogonal()(random.key(0), [5])).toThrow(ShapeError);
    expect(() => nn.initializers.deltaOrthogonal()(random.key(0), [3, 3, 5, 2])).toThrow(/input size must not exceed/);
  });
});
