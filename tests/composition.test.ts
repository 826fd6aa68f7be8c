// Transformations compose in any order and depth: higher derivatives, Jacobians by
// either mode, custom rules and checkpoint under grad, forward-over-reverse, closures
// over outer tracers (no perturbation confusion), concrete primals inside grad, the
// printed IR of a gradient, pytree arguments, and what reverse mode saves.
import { array, config, makeJaxpr, type NDArray, NotDifferentiableError, np } from "@jaxts/core";
import {
  checkpoint,
  checkpointPolicies,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jvp,
  linearize,
  linearTranspose,
  printSavedResiduals,
  savedResiduals,
  valueAndGrad,
  vjp,
} from "@jaxts/transforms";
import { afterAll, describe, expect, expectTypeOf, it } from "vitest";

// float64 from the start: the fixtures below are built when the file is collected.
config.set({ defaultFloat: "float64" });
afterAll(() => config.set({ defaultFloat: "float32" }));

const value = (x: unknown): number => (x as NDArray).item() as number;
const arr = (x: unknown): NDArray => x as NDArray;

/** Element-wise closeness of two arrays (same shape). */
function expectClose(got: unknown, want: unknown, tol = 1e-10): void {
  const g = arr(got);
  const w = want instanceof Object && "shape" in want ? arr(want) : array(want as number[]);
  expect(g.shape).toEqual(w.shape);
  const gv = g.toTypedArray();
  const wv = w.toTypedArray();
  gv.forEach((v, i) => expect(Math.abs(Number(v) - Number(wv[i]))).toBeLessThanOrEqual(tol * (1 + Math.abs(Number(wv[i])))));
}

// f(x) = (x·x)²: ∇f = 4(x·x)x, H = 4(x·x)I + 8xxᵀ.
const quartic = (x: NDArray) => np.square(np.sum(np.square(x)));
const x0 = [0.5, -1.0, 2.0];
function quarticHessian(x: readonly number[]): number[][] {
  const s = x.reduce((a, v) => a + v * v, 0);
  return x.map((xi, i) => x.map((xj, j) => (i === j ? 4 * s : 0) + 8 * xi * xj));
}

describe("higher derivatives", () => {
  it("grad∘grad∘grad of sin is -cos", () => {
    expect(value(grad(grad(grad((x: NDArray) => np.sin(x))))(0.7))).toBeCloseTo(-Math.cos(0.7), 12);
  });

  it("grad∘grad∘grad of x⁴ is 24x", () => {
    expect(value(grad(grad(grad((x: NDArray) => x.pow(4))))(2))).toBeCloseTo(48, 10);
  });

  it("jacfwd∘jacrev = hessian = jacrev∘jacfwd = the closed form", () => {
    const x = array(x0);
    const want = array(quarticHessian(x0));
    expectClose(jacfwd(jacrev(quartic))(x), want);
    expectClose(hessian(quartic)(x), want);
    expectClose(jacrev(jacfwd(quartic))(x), want);
    expectClose(jacrev(jacrev(quartic))(x), want);
  });

  it("the three Hessian routes agree on a function with a non-diagonal Hessian", () => {
    const f = (x: NDArray) => np.sum(np.tanh(np.outer(x, np.sin(x))));
    const x = array([0.3, -0.8, 1.1, 0.2]);
    const h = hessian(f)(x);
    expect(arr(h).shape).toEqual([4, 4]);
    expectClose(jacfwd(jacrev(f))(x), h);
    expectClose(jacrev(jacfwd(f))(x), h);
    expectClose(arr(h), arr(h).T);
  });
});

describe("Jacobian shapes follow JAX: out.shape + in.shape", () => {
  const M = array([
    [1, 2, 3],
    [4, 5, 6],
  ]).mul(0.1);
  const transposeTanh = (m: NDArray) => np.tanh(m.T);

  it("matrix → matrix: [3, 2] output of a [2, 3] input gives [3, 2, 2, 3], both modes equal", () => {
    const jf = arr(jacfwd(transposeTanh)(M));
    const jr = arr(jacrev(transposeTanh)(M));
    expect(jf.shape).toEqual([3, 2, 2, 3]);
    expect(jr.shape).toEqual([3, 2, 2, 3]);
    expectClose(jf, jr);
    const J = jf.toArray() as number[][][][];
    const m = M.toArray() as number[][];
    // ∂ tanh(M[j][i]) / ∂ M[k][l] = δ(j,k) δ(i,l) (1 - tanh²)
    expect(J[2]![1]![1]![2]).toBeCloseTo(1 - Math.tanh(m[1]![2]!) ** 2, 12);
    expect(J[2]![1]![0]![2]).toBe(0);
  });

  it("scalar → scalar gives shape [], vector → scalar gives the input shape, vector → matrix gives [n, n, n]", () => {
    expect(arr(jacfwd((x: NDArray) => np.sin(x))(1)).shape).toEqual([]);
    expect(arr(jacrev((x: NDArray) => np.sin(x))(1)).shape).toEqual([]);
    expect(arr(jacrev(quartic)(array(x0))).shape).toEqual([3]);
    expect(arr(jacfwd((x: NDArray) => np.outer(x, x))(array(x0))).shape).toEqual([3, 3, 3]);
    expect(arr(hessian((x: NDArray) => np.stack([np.sum(np.square(x)), np.sum(np.sin(x))]))(array(x0))).shape).toEqual([2, 3, 3]);
  });

  it("pytrees: the output's structure outside, the input's structure inside", () => {
    interface In {
      readonly a: NDArray;
      readonly b: NDArray[];
    }
    const f = (p: In) => ({ y: p.a.mul(2), z: np.sum(p.b[0]!) });
    const input: In = { a: array([1, 2]), b: [array([[1, 2, 3]])] };
    for (const jac of [jacfwd(f)(input), jacrev(f)(input)]) {
      const j = jac as { y: { a: NDArray; b: NDArray[] }; z: { a: NDArray; b: NDArray[] } };
      expect(j.y.a.shape).toEqual([2, 2]);
      expect(j.y.b[0]!.shape).toEqual([2, 1, 3]);
      expect(j.z.a.shape).toEqual([2]);
      expect(j.z.b[0]!.shape).toEqual([1, 3]);
      expect(j.y.a.toArray()).toEqual([
        [2, 0],
        [0, 2],
      ]);
      expect(j.z.b[0]!.toArray()).toEqual([[1, 1, 1]]);
    }
  });

  it("argnums arrays give tuples; hessian with argnums [0, 1] gives a tuple of tuples", () => {
    const f = (a: NDArray, b: NDArray) => a.mul(b);
    const [ja, jb] = jacrev(f, { argnums: [0, 1] })(array([1, 2]), array([3, 4])) as NDArray[];
    expect(ja!.toArray()).toEqual([
      [3, 0],
      [0, 4],
    ]);
    expect(jb!.toArray()).toEqual([
      [1, 0],
      [0, 2],
    ]);
    const jf = jacfwd(f, { argnums: [1] })(array([1, 2]), array([3, 4])) as NDArray[];
    expect(jf).toHaveLength(1);
    const H = hessian((a: NDArray, b: NDArray) => np.sum(a.mul(b)), { argnums: [0, 1] })(array([1, 2]), array([3, 4])) as NDArray[][];
    const I = [
      [1, 0],
      [0, 1],
    ];
    expect(H.map((row) => row.map((h) => h.toArray()))).toEqual([
      [
        [
          [0, 0],
          [0, 0],
        ],
        I,
      ],
      [
        I,
        [
          [0, 0],
          [0, 0],
        ],
      ],
    ]);
  });
});

describe("custom rules and checkpoint under grad", () => {
  const f = (x: NDArray) => np.sum(np.tanh(np.sin(x).mul(x)));
  const x = array([0.3, -1.2, 2.0]);

  it("grad∘customVjp uses bwd, and grad∘grad differentiates bwd", () => {
    const sin = customVjp(
      (x: NDArray) => np.sin(x),
      (x: NDArray) => [np.sin(x), x],
      (x: NDArray, ct: NDArray) => [ct.mul(np.cos(x))],
    );
    expectClose(grad((x: NDArray) => np.sum(sin(x).mul(x)))(x), grad((x: NDArray) => np.sum(np.sin(x).mul(x)))(x));
    expect(value(grad(grad(sin))(1))).toBeCloseTo(-Math.sin(1), 12);
  });

  it("grad∘customJvp∘customJvp chains both rules", () => {
    const double = customJvp((x: NDArray) => x.mul(2), ([x], [t]) => [(x as NDArray).mul(2), (t as NDArray).mul(2)]);
    expect(value(grad((x: NDArray) => double(double(x)))(1))).toBe(4);
  });

  it.each(Object.values(checkpointPolicies))("grad∘checkpoint equals grad (policy %s)", (policy) => {
    expectClose(grad(checkpoint(f, { policy }))(x), grad(f)(x), 1e-14);
    const g2 = (y: NDArray) => value(grad(grad(checkpoint((z: NDArray) => np.sin(z).mul(z), { policy })))(y));
    expect(g2(array(1.5))).toBeCloseTo(value(grad(grad((z: NDArray) => np.sin(z).mul(z)))(1.5)), 12);
  });

  it("grad∘checkpoint with matrix products (dots_saveable saves them) equals grad", () => {
    const W = array([
      [0.1, 0.2],
      [-0.3, 0.4],
    ]);
    const net = (w: NDArray, h: NDArray) => np.sum(np.tanh(np.tanh(h.matmul(w)).matmul(w)));
    const h = array([[1, -2]]);
    for (const policy of Object.values(checkpointPolicies)) {
      const [gw, gh] = grad(checkpoint(net, { policy }), { argnums: [0, 1] })(W, h);
      const [ww, wh] = grad(net, { argnums: [0, 1] })(W, h);
      expectClose(gw, ww, 1e-14);
      expectClose(gh, wh, 1e-14);
    }
  });

  it("nested checkpoints equal the plain gradient", () => {
    const inner = checkpoint((y: NDArray) => np.sin(y).mul(y));
    const outer = checkpoint((x: NDArray) => np.sum(inner(np.tanh(x))));
    const plain = (x: NDArray) => np.sum(np.sin(np.tanh(x)).mul(np.tanh(x)));
    expectClose(grad(outer)(x), grad(plain)(x), 1e-14);
    expectClose(grad(checkpoint(outer, { policy: "dots_saveable" }))(x), grad(plain)(x), 1e-14);
  });
});

describe("forward and reverse mode composed", () => {
  const x = array(x0);
  const v = array([1, 0.5, -2]);
  const hv = quarticHessian(x0).map((row) => row.reduce((s, h, j) => s + h * (v.toArray() as number[])[j]!, 0));

  it("jvp∘vjp (forward over reverse) is a Hessian-vector product", () => {
    const gradFn = (y: NDArray) => vjp(quartic, y)[1](array(1))[0] as NDArray;
    expectClose(jvp(gradFn, [x], [v])[1], hv);
  });

  it("vjp∘jvp (reverse over forward) is a Hessian-vector product", () => {
    const dirDeriv = (y: NDArray) => jvp(quartic, [y], [v])[1];
    expectClose(vjp(dirDeriv, x)[1](array(1))[0], hv);
  });

  it("jvp∘grad and grad∘jvp agree on the second derivative", () => {
    expect(value(jvp(grad((y: NDArray) => y.pow(3)), [2], [1])[1])).toBeCloseTo(12, 12);
    expect(value(grad((y: NDArray) => jvp((z: NDArray) => z.pow(3), [y], [1])[1])(2))).toBeCloseTo(12, 12);
  });

  it("transformations nest inline with their types inferred (vjp∘grad, linearize∘checkpoint)", () => {
    const [g, pull] = vjp(grad((y: NDArray) => y.pow(3)), 2);
    expectTypeOf(g).toEqualTypeOf<NDArray>();
    expect(value(g)).toBe(12);
    expect(value(pull(array(1))[0])).toBe(12);
    const [out, push] = linearize(checkpoint((y: NDArray) => np.sin(y)), 0.5);
    expectTypeOf(out).toEqualTypeOf<NDArray>();
    expect(value(push(array(1)))).toBeCloseTo(Math.cos(0.5), 12);
    const [, tangent] = jvp(grad((y: NDArray) => y.pow(3)), [2], [1]);
    expectTypeOf(tangent).toEqualTypeOf<NDArray>();
    expect(printSavedResiduals(checkpoint((y: NDArray) => np.sin(y)), array([1, 2]))).toBe("f64[2] argument leaf 0");
  });

  it("vjp's vjpFn may be called many times, with the same result, and is linear", () => {
    const f = (y: NDArray) => np.sin(y).mul(y.sum());
    const [out, vjpFn] = vjp(f, x);
    expect(out.shape).toEqual([3]);
    const ct = array([1, -1, 0.5]);
    const first = vjpFn(ct)[0] as NDArray;
    for (let i = 0; i < 3; i++) expect((vjpFn(ct)[0] as NDArray).toArray()).toEqual(first.toArray());
    expectClose(vjpFn(ct.mul(3))[0], first.mul(3));
    const jac = arr(jacrev(f)(x));
    expectClose(first, np.matmul(ct, jac));
  });

  it("linearize's jvpFn evaluates the linear map at many tangents, agreeing with jvp", () => {
    const f = (y: NDArray) => np.tanh(y).mul(y.pow(2));
    const [out, jvpFn] = linearize(f, x);
    expectClose(out, f(x));
    for (const t of [v, array([0, 1, 0]), array([3, -1, 2])]) expectClose(jvpFn(t), jvp(f, [x], [t])[1]);
    expectClose(jvpFn(v.mul(2)), arr(jvpFn(v)).mul(2));
  });

  it("linearTranspose of a linear function satisfies ⟨f(x), y⟩ = ⟨x, fᵀ(y)⟩", () => {
    const A = array([
      [1, 2, 0],
      [0, -1, 3],
    ]);
    const f = (y: NDArray) => A.matmul(y).add(np.sum(y).mul(2));
    const fT = linearTranspose(f, x);
    const y = array([0.5, -2]);
    const [ct] = fT(y) as NDArray[];
    expect(ct!.shape).toEqual([3]);
    expect(value(np.dot(f(x), y))).toBeCloseTo(value(np.dot(x, ct!)), 12);
    // fᵀ(y) = Aᵀy + 2 Σy
    expectClose(ct, A.T.matmul(y).add(np.sum(y).mul(2)));
  });

  it("linearTranspose of a non-linear function is a NotDifferentiableError", () => {
    expect(() => linearTranspose((y: NDArray) => y.mul(y), x)(x)).toThrow(NotDifferentiableError);
    expect(() => linearTranspose((y: NDArray) => y.mul(y), x)(x)).toThrow(/not linear/);
    expect(() => linearTranspose((y: NDArray) => np.sin(y), x)).toThrow(/linearTranspose: the function is not linear in its inputs: it applies `sin`/);
  });
});

describe("closures over outer tracers (perturbation confusion)", () => {
  it("grad(x => x · grad(y => x·y)(c))(a) = 2a", () => {
    const c = 2;
    const f = (x: NDArray) => x.mul(grad((y: NDArray) => x.mul(y))(c));
    // d/dx [x · (d/dy x·y)] = d/dx x² = 2x
    expect(value(grad(f)(3))).toBe(6);
  });

  it("d/dx [x · d/dy (x + y)] at y = 1 is 1 (Siskind & Pearlmutter), not 2", () => {
    expect(value(grad((x: NDArray) => x.mul(grad((y: NDArray) => x.add(y))(1)))(1))).toBe(1);
  });

  it("an inner grad closing over the outer variable: d/dx [d/dy (x y²)]_(y=x) = 4x", () => {
    expect(value(grad((x: NDArray) => grad((y: NDArray) => x.mul(y).mul(y))(x))(3))).toBe(12);
  });
});

describe("primals are concrete inside grad", () => {
  const f = (x: NDArray) => ((x.item() as number) > 0 ? x.mul(x) : x.neg());

  it("a function branching on x.item() differentiates the branch taken", () => {
    expect(value(grad(f)(3))).toBe(6);
    expect(value(grad(f)(-3))).toBe(-1);
    expect(value(grad(grad(f))(3))).toBe(2);
    expect(value(jvp(f, [2], [1])[1])).toBe(4);
    expect(value(arr(jacrev(f)(2)))).toBe(4);
  });
});

describe("the rewritten IR of a gradient", () => {
  const f = (x: NDArray) => np.sin(x).mul(x);

  it("makeJaxpr(grad(f)) is a jaxpr over sin, cos and mul", () => {
    config.set({ defaultFloat: "float32" });
    try {
      const text = String(makeJaxpr(grad(f))(0.5));
      expect(text).toMatch(/^\{ lambda ; a:f32\[\]\. let/);
      for (const prim of ["sin", "cos", "mul"]) expect(text).toMatch(new RegExp(`= ${prim} `));
      expect(text).toMatch(/in \(\w+,\) \}$/);
    } finally {
      config.set({ defaultFloat: "float64" });
    }
  });

  it("float64 values of f' and f'' at 3 are exact", () => {
    expect(value(grad(f)(3))).toBe(-2.828857481741469);
    expect(value(grad(grad(f))(3))).toBe(-2.4033450173804924);
  });
});

describe("grad options and pytree arguments", () => {
  it("valueAndGrad with hasAux and an argnums array: [[value, aux], [g0, g2]]", () => {
    const f = (a: NDArray, b: NDArray, c: NDArray) => [np.sum(a.mul(b).add(c)), { prod: a.mul(b), label: "aux" }] as const;
    const [[val, aux], [ga, gc]] = valueAndGrad(f, { hasAux: true, argnums: [0, 2] })(array([1, 2]), array([3, 4]), array(5));
    expect(value(val)).toBe(21);
    expect(aux.prod.toArray()).toEqual([3, 8]);
    expect(aux.label).toBe("aux");
    expect(ga.toArray()).toEqual([3, 4]);
    expect(value(gc)).toBe(2);
  });

  it("grad with hasAux returns [g, aux]; a negative argnum counts from the end", () => {
    const [g, aux] = grad((x: NDArray, y: NDArray) => [x.mul(y), x.add(y)] as const, { hasAux: true, argnums: -1 })(array(2), array(5));
    expect(value(g)).toBe(2);
    expect(value(aux)).toBe(7);
  });

  it("grad over nested objects and arrays of parameters keeps their structure", () => {
    interface Layer {
      readonly w: NDArray;
      readonly b: NDArray;
    }
    interface Params {
      readonly layers: Layer[];
      readonly scale: NDArray;
    }
    const loss = (p: Params) => p.layers.reduce((acc, l) => acc.add(np.sum(l.w.mul(l.b))), p.scale.mul(p.scale));
    const params: Params = {
      layers: [
        { w: array([1, 2]), b: array([3, 4]) },
        { w: array(1), b: array(2) },
      ],
      scale: array(1.5),
    };
    const g = grad(loss)(params);
    expect(g.layers).toHaveLength(2);
    expect(g.layers[0]!.w.toArray()).toEqual([3, 4]);
    expect(g.layers[0]!.b.toArray()).toEqual([1, 2]);
    expect(value(g.layers[1]!.w)).toBe(2);
    expect(value(g.layers[1]!.b)).toBe(1);
    expect(value(g.scale)).toBe(3);
  });
});

describe("what reverse mode saves (savedResiduals)", () => {
  const chain = (x: NDArray) => np.sum(np.tanh(np.tanh(np.tanh(x))));
  const x = array([0.1, 0.2, 0.3]);

  it("a 3-layer tanh chain saves one residual per layer", () => {
    const saved = savedResiduals(chain, x);
    expect(saved).toHaveLength(3);
    for (const r of saved) {
      expect(r.aval).toBe("f64[3]");
      expect(r.bytes).toBe(24);
    }
    expect(printSavedResiduals(chain, x).split("\n")).toHaveLength(3);
  });

  it("scalar residuals are reported too", () => {
    expect(savedResiduals(np.sin, array(1))).toEqual([{ aval: "f64[]", bytes: 8, source: "output of cos" }]);
  });

  it("wrapped in checkpoint, it saves only its input", () => {
    const saved = savedResiduals(checkpoint(chain), x);
    expect(saved).toEqual([{ aval: "f64[3]", bytes: 24, source: "argument leaf 0" }]);
  });

  it("with dots_saveable it saves the inputs and the matmul result, nothing else", () => {
    const layer = (h: NDArray, w: NDArray) => np.sum(np.tanh(h.matmul(w)));
    const h = array([[1, 2]]);
    const w = array([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]);
    const sources = savedResiduals(checkpoint(layer, { policy: "dots_saveable" }), h, w).map((r) => `${r.aval} ${r.source}`);
    expect(sources.sort()).toEqual(["f64[1,2] argument leaf 0", "f64[1,3] output of dot_general", "f64[2,3] argument leaf 1"]);
    const everything = savedResiduals(checkpoint(layer, { policy: "everything_saveable" }), h, w);
    expect(everything.some((r) => r.source === "output of dot_general")).toBe(false);
    expect(everything.length).toBeGreaterThanOrEqual(2);
  });

  it("a checkpoint or customVjp closing over a constant saves the constant, not zeros of its size", () => {
    const w = np.ones([20, 20]).mul(0.01);
    const h = np.ones([1, 20]);
    const ckpt = checkpoint((y: NDArray) => np.sin(y.matmul(w)));
    expect(savedResiduals((y: NDArray) => np.sum(ckpt(y)), h).map((r) => r.source).sort()).toEqual(["a constant", "argument leaf 0"]);
    const matmul = customVjp(
      (a: NDArray, b: NDArray) => a.matmul(b),
      (a: NDArray, b: NDArray) => [a.matmul(b), [a, b]],
      ([a, b]: NDArray[], ct: NDArray) => [ct.matmul(b!.T), a!.T.matmul(ct)],
    );
    const saved = savedResiduals((y: NDArray) => np.sum(matmul(y, w)), h);
    expect(saved.map((r) => r.source).sort()).toEqual(["a constant", "argument leaf 0"]);
    expectClose(grad((y: NDArray) => np.sum(matmul(y, w)))(h), grad((y: NDArray) => np.sum(y.matmul(w)))(h), 1e-14);
    expectClose(grad((y: NDArray) => np.sum(ckpt(y)))(h), grad((y: NDArray) => np.sum(np.sin(y.matmul(w))))(h), 1e-14);
  });
});
