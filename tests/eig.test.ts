// The general eigensolver (issue 11): lax.linalg.eig, np.linalg.eig and np.linalg.eigvals on
// real and complex square matrices, batched. Values: A·V = V·diag(w) and Uᴴ·A = diag(w)·Uᴴ
// within a multiple of n·ε·‖A‖, LAPACK's normalisation (unit columns, largest entry real),
// and spectra known in advance (matrices built as S·diag(λ)·S⁻¹, companion matrices of
// polynomials with known roots, rotations, triangular matrices), matched as multisets since
// the order is unspecified. Derivatives: eigvals by JAX's rule against finite differences
// (checkGrads, fwd and rev; a second order too, which JAX refuses), eigenvectors only with
// enableEigvecDerivs (else an error, as JAX);
// vmap against a loop; jit against eager.
import { array, type Complex, lax, type NDArray, NotDifferentiableError, np, random } from "@jaxts/core";
import { grad, jit, jvp, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

type C = Complex;
const EPS64 = 2 ** -52;
const EPS32 = 2 ** -23;
const H = (x: NDArray): NDArray => np.conj(np.matrixTranspose(x));
const maxAbs = (x: NDArray): number => np.max(np.abs(x)).item() as number;
const normOf = (x: NDArray): number => Math.sqrt(np.sum(np.square(np.abs(x))).item() as number);
function cvals(x: NDArray): C[] {
  const d = x.toTypedArray();
  return Array.from({ length: x.size }, (_, i) => ({ re: Number(d[2 * i]), im: Number(d[2 * i + 1]) }));
}
/** Each wanted value matched to a distinct got value within tol (the order is unspecified). */
function expectSameMultiset(got: readonly C[], want: readonly C[], tol: number): void {
  expect(got.length).toBe(want.length);
  const free = [...got];
  for (const w of want) {
    let best = -1;
    let dist = Number.POSITIVE_INFINITY;
    free.forEach((g, i) => {
      const d = Math.hypot(g.re - w.re, g.im - w.im);
      if (d < dist) [best, dist] = [i, d];
    });
    expect(dist, `eigenvalue ${w.re}+${w.im}i`).toBeLessThanOrEqual(tol * Math.max(1, Math.hypot(w.re, w.im)));
    free.splice(best, 1);
  }
}
const residual = (a: NDArray, w: NDArray, v: NDArray): number => {
  const ac = np.iscomplexobj(a) ? a : a.astype(w.dtype);
  return maxAbs(np.matmul(ac, v).sub(v.mul(np.expandDims(w, -2))));
};

describe("lax.linalg.eig / np.linalg.eig / np.linalg.eigvals: values", () => {
  it("A·V = V·diag(w) with unit columns whose largest entry is real, for real and complex input of both precisions", () => {
    const cases = [
      ["float64", random.normal(random.key(1), [6, 6], "float64"), EPS64],
      ["float32", random.normal(random.key(2), [6, 6], "float32"), EPS32],
      ["complex128", random.normal(random.key(3), [6, 6], "complex128"), EPS64],
      ["complex64", random.normal(random.key(4), [6, 6], "complex64"), EPS32],
    ] as const;
    for (const [dtype, a, eps] of cases) {
      const { eigenvalues: w, eigenvectors: v } = np.linalg.eig(a);
      expect(w.dtype).toBe(dtype === "float64" || dtype === "complex128" ? "complex128" : "complex64");
      expect(residual(a, w, v)).toBeLessThan(50 * 6 * eps * normOf(a));
      const norms = Array.from(np.sqrt(np.sum(np.square(np.abs(v)), { axis: 0 })).toTypedArray(), Number);
      norms.forEach((x) => expect(Math.abs(x - 1)).toBeLessThan(10 * eps));
      // the largest entry of each column is real and positive
      const k = Array.from(np.argmax(np.abs(v), { axis: 0 }).toTypedArray(), Number);
      const vs = cvals(v);
      k.forEach((row, col) => {
        const z = vs[row * 6 + col]!;
        expect(z.im).toBe(0);
        expect(z.re).toBeGreaterThan(0);
      });
      expectSameMultiset(cvals(np.linalg.eigvals(a)), cvals(w), 0);
    }
  });

  it("known spectra: S·diag(λ)·S⁻¹, companion matrices, rotations, triangular and defective matrices", () => {
    // complex λ, random S
    const lam: C[] = [{ re: 2, im: 1 }, { re: -1, im: 0.5 }, { re: 0.3, im: -2 }, { re: 4, im: 0 }];
    const s = random.normal(random.key(7), [4, 4], "complex128").add(np.eye(4, 4, { dtype: "complex128" }).mul(2));
    const a = np.matmul(np.matmul(s, np.diag(array(lam, { dtype: "complex128" }))), np.linalg.inv(s));
    expectSameMultiset(cvals(np.linalg.eigvals(a)), lam, 1e-12);
    // the companion matrix of (x − 1)(x − 2)(x − 3)(x + 4) = x⁴ − 2x³ − 13x² + 38x − 24
    const comp = array([[2, 13, -38, 24], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]], { dtype: "float64" });
    expectSameMultiset(cvals(np.linalg.eigvals(comp)), [1, 2, 3, -4].map((re) => ({ re, im: 0 })), 1e-12);
    // a rotation by θ: e^{±iθ}
    const t = 0.7;
    const rot = array([[Math.cos(t), -Math.sin(t)], [Math.sin(t), Math.cos(t)]], { dtype: "float64" });
    expectSameMultiset(cvals(np.linalg.eigvals(rot)), [{ re: Math.cos(t), im: Math.sin(t) }, { re: Math.cos(t), im: -Math.sin(t) }], 1e-15);
    // the cyclic permutation: the cube roots of unity
    const cyc = array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], { dtype: "float64" });
    expectSameMultiset(cvals(np.linalg.eigvals(cyc)), [0, 1, 2].map((k) => ({ re: Math.cos((2 * Math.PI * k) / 3), im: Math.sin((2 * Math.PI * k) / 3) })), 1e-14);
    // upper triangular: its diagonal
    const tri = array([[1, 5, -2], [0, -3, 7], [0, 0, 0.5]], { dtype: "float64" });
    expectSameMultiset(cvals(np.linalg.eigvals(tri)), [1, -3, 0.5].map((re) => ({ re, im: 0 })), 1e-15);
    // a Jordan block: the double eigenvalue to √ε, as any backward-stable solver
    expectSameMultiset(cvals(np.linalg.eigvals(array([[1, 1], [1e-30, 1]], { dtype: "float64" }))), [{ re: 1, im: 0 }, { re: 1, im: 0 }], 1e-7);
    // a matrix with a NaN: the iteration cannot converge, and the result is NaN (JAX's failure value)
    const bad = np.linalg.eig(array([[1, Number.NaN], [0, 2]], { dtype: "float64" }));
    expect(np.all(np.isnan(bad.eigenvalues)).item()).toBe(true);
    expect(np.all(np.isnan(bad.eigenvectors)).item()).toBe(true);
    // zero and empty matrices
    expect(cvals(np.linalg.eigvals(np.zeros([3, 3])))).toEqual([0, 1, 2].map(() => ({ re: 0, im: 0 })));
    expect(np.linalg.eigvals(np.zeros([0, 0])).shape).toEqual([0]);
  });

  it("left eigenvectors: Uᴴ·A = diag(w)·Uᴴ, normalised as the right ones; JAX's output order [w, vl, vr]", () => {
    const a = random.normal(random.key(11), [5, 5], "complex128");
    const [w, vl, vr] = lax.linalg.eig(a);
    expect(maxAbs(np.matmul(H(vl!), a).sub(np.expandDims(w!, -1).mul(H(vl!))))).toBeLessThan(1e-12);
    expect(residual(a, w!, vr!)).toBeLessThan(1e-12);
    expect(lax.linalg.eig(a, { computeRightEigenvectors: false }).length).toBe(2);
    expect(lax.linalg.eig(a, { computeLeftEigenvectors: false, computeRightEigenvectors: false }).length).toBe(1);
  });

  it("batched over leading axes: each matrix as if alone; refuses non-square input", () => {
    const batch = random.normal(random.key(12), [2, 3, 4, 4], "float64");
    const { eigenvalues: w, eigenvectors: v } = np.linalg.eig(batch);
    expect(w.shape).toEqual([2, 3, 4]);
    for (const [i, j] of [[0, 0], [1, 2]] as const) {
      const one = lax.squeeze(lax.slice(batch, [i, j, 0, 0], [i + 1, j + 1, 4, 4]), [0, 1]);
      const single = np.linalg.eig(one);
      const wij = lax.squeeze(lax.slice(w, [i, j, 0], [i + 1, j + 1, 4]), [0, 1]);
      const vij = lax.squeeze(lax.slice(v, [i, j, 0, 0], [i + 1, j + 1, 4, 4]), [0, 1]);
      expect(maxAbs(wij.sub(single.eigenvalues))).toBeLessThan(1e-13);
      expect(maxAbs(vij.sub(single.eigenvectors))).toBeLessThan(1e-12);
    }
    expect(() => np.linalg.eig(np.zeros([2, 3]))).toThrow(/square/);
  });
});

describe("eig and eigvals: derivatives, vmap and jit", () => {
  const a0 = array([[0.9, -0.4, 0.3, 0.1], [0.5, 0.2, -0.7, 0.6], [-0.2, 0.8, -0.5, 0.3], [0.4, 0.1, 0.6, -1.1]], { dtype: "float64" });

  it("eigvals: dw = diag(V⁻¹·dA·V), against finite differences (checkGrads, fwd and rev, orders 1 and 2)", () => {
    // symmetric functions of the eigenvalues do not depend on their order
    checkGrads((a: NDArray) => {
      const w = np.linalg.eigvals(a);
      return np.real(np.sum(w.mul(w).mul(w))).add(np.imag(np.sum(np.exp(w))));
    }, [a0], { order: 2 });
    const c0 = random.normal(random.key(21), [3, 3], "complex128");
    checkGrads((a: NDArray) => np.sum(np.abs(np.linalg.eigvals(a))), [c0], { order: 1 });
    // the tangent of each eigenvalue, against a central difference of that eigenvalue
    const da = random.normal(random.key(22), [4, 4], "float64");
    const [w0, dw] = jvp((a: NDArray) => np.linalg.eigvals(a), [a0], [da]);
    const h = 1e-6;
    const wp = cvals(np.linalg.eigvals(a0.add(da.mul(h))));
    const wm = cvals(np.linalg.eigvals(a0.sub(da.mul(h))));
    cvals(w0 as NDArray).forEach((w, i) => {
      const near = (list: C[]) => list.reduce((b, z) => (Math.hypot(z.re - w.re, z.im - w.im) < Math.hypot(b.re - w.re, b.im - w.im) ? z : b));
      const [p, m] = [near(wp), near(wm)];
      const fd = { re: (p.re - m.re) / (2 * h), im: (p.im - m.im) / (2 * h) };
      const got = cvals(dw as NDArray)[i]!;
      expect(Math.hypot(got.re - fd.re, got.im - fd.im)).toBeLessThan(1e-6);
    });
  });

  it("eigenvectors: not differentiable unless enableEigvecDerivs (JAX's opt-in); with it, checkGrads agrees", () => {
    expect(() => grad((a: NDArray) => np.real(np.sum(np.linalg.eig(a).eigenvalues)))(a0)).toThrow(NotDifferentiableError);
    expect(() => grad((a: NDArray) => np.real(np.sum(lax.linalg.eig(a)[0]!)))(a0)).toThrow(/enableEigvecDerivs/);
    const weights = random.normal(random.key(23), [4, 4], "complex128");
    checkGrads((a: NDArray) => {
      const [w, v] = lax.linalg.eig(a, { computeLeftEigenvectors: false, enableEigvecDerivs: true });
      return np.real(np.sum(np.matmul(v!, np.diag(w!)).mul(np.matmul(v!, weights)).mul(v!)));
    }, [a0], { order: 1 });
  });

  it("vmap equals a loop; jit equals eager", () => {
    const batch = random.normal(random.key(30), [3, 4, 4], "float64");
    const f = (a: NDArray) => {
      const w = np.linalg.eigvals(a);
      return np.real(np.sum(w.mul(w))).add(np.sum(np.abs(np.linalg.eig(a).eigenvectors)));
    };
    const loop = [0, 1, 2].map((i) => f(lax.squeeze(lax.slice(batch, [i, 0, 0], [i + 1, 4, 4]), [0])).item() as number);
    Array.from(vmap(f)(batch).toTypedArray(), Number).forEach((x, i) => expect(x).toBeCloseTo(loop[i]!, 12));
    const g = (a: NDArray) => lax.linalg.eig(a);
    const eager = g(batch);
    jit(g)(batch).forEach((x, i) => expect(maxAbs(x.sub(eager[i]!))).toBeLessThan(1e-12));
  });
});
