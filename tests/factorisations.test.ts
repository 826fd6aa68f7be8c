// Cholesky, triangular solves, LU with partial pivoting and what numpy builds on them (solve,
// inv, det, slogdet), issue 11: reconstruction identities on random well-conditioned
// matrices, batched; derivatives against finite differences in float64 (orders 1 and 2),
// and the derivative identities JAX's rules give (d log det = tr(A⁻¹ dA)); vmap and jit.
import { array, type NDArray, np } from "@jaxts/core";
import { fc, test } from "@fast-check/vitest";
import { grad, jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const close = (a: NDArray, b: NDArray, tol = 1e-10) => {
  const [x, y] = [vals(a), vals(b)];
  expect(x.length).toBe(y.length);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(y[i]!))));
};
const matrix = (n: number, seed: number, batch: readonly number[] = []): NDArray => {
  const size = batch.reduce((a, b) => a * b, 1) * n * n;
  return array(Array.from({ length: size }, (_, i) => Math.sin(i * 1.37 + seed * 2.1) + (i % (n + 1) === 0 ? 0.5 : 0)), { dtype: "float64" }).reshape([...batch, n, n]);
};
/** A symmetric positive definite matrix: M·Mᵀ + n·I. */
const spd = (n: number, seed: number, batch: readonly number[] = []) => {
  const m = matrix(n, seed, batch);
  return np.matmul(m, np.linalg.matrixTranspose(m)).add(np.eye(n, n, { dtype: "float64" }).mul(n));
};

describe("factorisations", () => {
  test.prop([fc.integer({ min: 1, max: 6 }), fc.nat({ max: 500 }), fc.constantFrom([], [2], [2, 3])], { numRuns: 40 })(
    "reconstruct their input: L·Lᵀ = A, P·A = L·U, A·solve(A, b) = b, A·inv(A) = I, det = ±exp(logdet)",
    (n, seed, batch) => {
      const a = spd(n, seed, batch);
      const L = np.cholesky(a);
      close(np.matmul(L, np.linalg.matrixTranspose(L)), a);
      close(np.triu(L, { k: 1 }), np.zerosLike(L));
      const g = matrix(n, seed + 1, batch);
      const [packed, , perm] = np.lu(g);
      const lower = np.tril(packed, { k: -1 }).add(np.eye(n, n, { dtype: "float64" }));
      const upper = np.triu(packed);
      const pa = np.takeAlongAxis(g, np.broadcastTo(perm.reshape([...perm.shape, 1]), g.shape), -2);
      close(np.matmul(lower, upper), pa, 1e-9);
      const b = matrix(n, seed + 2, batch);
      close(np.matmul(g, np.solve(g, b)), b, 1e-8);
      close(np.matmul(g, np.inv(g)), np.broadcastTo(np.eye(n, n, { dtype: "float64" }), g.shape), 1e-8);
      const [s, logdet] = np.slogdet(g);
      close(np.det(g), s.mul(np.exp(logdet)), 1e-9);
    },
  );

  it("determinants, solves and triangular solves on hand-worked matrices", () => {
    const b = array([[0, 2, 1], [1, 1, 0], [3, 0, 1]], { dtype: "float64" });
    expect(vals(np.det(b))[0]).toBeCloseTo(-5, 12);
    expect(vals(np.solve(b, array([1, 2, 3], { dtype: "float64" }))).map((v) => +v.toFixed(12))).toEqual([1.2, 0.8, -0.6]);
    const [sign, logabs] = np.slogdet(b);
    expect([vals(sign)[0], vals(logabs)[0]]).toEqual([-1, expect.closeTo(Math.log(5), 12) as unknown as number]);
    const l = array([[2, 0], [1, 4]], { dtype: "float64" });
    expect(vals(np.triangularSolve(l, array([[2], [9]], { dtype: "float64" }), { leftSide: true, lower: true }))).toEqual([1, 2]);
    // x·lᵀ = b, i.e. the right side with transposeA
    expect(vals(np.triangularSolve(l, array([[2, 9]], { dtype: "float64" }), { lower: true, transposeA: true }))).toEqual([1, 2]);
    // unit diagonal: the diagonal is not read
    expect(vals(np.triangularSolve(l, array([[2], [9]], { dtype: "float64" }), { leftSide: true, lower: true, unitDiagonal: true }))).toEqual([2, 7]);
    expect(vals(np.cholesky(array([[1, 2], [2, 1]], { dtype: "float64" }))).some(Number.isNaN)).toBe(true); // not positive definite
    expect(() => np.det(array([[1, 2, 3]]))).toThrow(/square/);
  });

  it("differentiate (orders 1 and 2) with JAX's identities: d log|det A| = tr(A⁻¹ dA), d inv = −A⁻¹ dA A⁻¹", () => {
    const a = matrix(3, 7);
    checkGrads((t: NDArray) => np.slogdet(t)[1], [a]);
    checkGrads((t: NDArray) => np.det(t), [a]);
    checkGrads((t: NDArray) => np.sum(np.inv(t).mul(np.arange(9).reshape([3, 3]).astype("float64"))), [a], { order: 1 });
    checkGrads((t: NDArray, u: NDArray) => np.sum(np.solve(t, u)), [a, matrix(3, 8).reshape([9]).reshape([3, 3])], { order: 1 });
    checkGrads((t: NDArray) => np.sum(np.cholesky(np.matmul(t, np.linalg.matrixTranspose(t)).add(np.eye(3, 3, { dtype: "float64" }).mul(3)))), [a]);
    close(grad((t: NDArray) => np.slogdet(t)[1])(a), np.linalg.matrixTranspose(np.inv(a)), 1e-9);
  });

  it("batch with vmap and compile with jit", () => {
    const batch = spd(3, 9, [4]);
    const f = (t: NDArray) => np.slogdet(t)[1].add(np.sum(np.cholesky(t)));
    close(vmap(f)(batch), np.stack([0, 1, 2, 3].map((i) => f(np.take(batch, array(i, { dtype: "int32" }), { axis: 0 })))));
    close(jit(f)(batch), f(batch), 1e-12);
    close(jit((t: NDArray) => np.inv(t))(batch), np.inv(batch), 1e-12);
  });
});

describe("solve and triangularSolve promote a and b to one inexact dtype (JAX's promote_dtypes_inexact)", () => {
  const a = array([[2, 1], [1, 3]], { dtype: "float32" });
  const z = (pairs: readonly [number, number][]) => array(pairs.map(([re, im]) => ({ re, im })) as never, { dtype: "complex64" });
  it("a real a with a complex b gives the complex solution (the imaginary part is never dropped)", () => {
    const x = np.linalg.solve(a, z([[1, 1], [2, -1]]));
    expect(x.dtype).toBe("complex64");
    // a⁻¹ = [[3, −1], [−1, 2]] / 5
    const got = Array.from(x.toTypedArray());
    [0.2, 0.8, 0.6, -0.6].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
    const t = np.triangularSolve(array([[2, 0], [1, 1]], { dtype: "float32" }), z([[2, 4], [3, 1]]).reshape([2, 1]), { leftSide: true, lower: true });
    expect(t.dtype).toBe("complex64");
    [1, 2, 2, -1].forEach((v, i) => expect(Array.from(t.toTypedArray())[i]).toBeCloseTo(v, 6));
  });
  it("a float32 a with a float64 b solves in float64, and integer operands in the default float", () => {
    const b = array([1 / 3, 2 / 7], { dtype: "float64" });
    const x = np.linalg.solve(a, b);
    expect(x.dtype).toBe("float64");
    close(np.matmul(a.astype("float64"), x), b, 1e-15);
    expect(np.linalg.solve(array([[2, 0], [0, 4]]), array([2, 8])).dtype).toBe("float32");
  });
  it("a scalar b is a ShapeError that names the shapes it accepts", () => {
    expect(() => np.linalg.solve(a, array(1))).toThrow(/b must be a vector \[\.\.\., n\].*got \[\] for a of \[2, 2\]/);
  });
});
