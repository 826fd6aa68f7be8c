// Structured control flow through every transformation: scan, cond, switch, whileLoop,
// forLoop and map under grad, jvp, vmap, jit, checkpoint and nesting.
import { array, ConcretizationError, DTypeError, lax, makeJaxpr, type NDArray, NotDifferentiableError, np, ShapeError, TreeStructureError, ArgumentError } from "@jaxts/core";
import { checkpoint, grad, jit, jvp, savedResiduals, valueAndGrad, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const f64 = (x: number | number[] | number[][]) => array(x, { dtype: "float64" });
const int = (x: number) => array(x, { dtype: "int32" });
const close = (a: NDArray, b: NDArray, tol = 1e-6) => {
  const x = a.toTypedArray();
  const y = b.toTypedArray();
  expect(a.shape).toEqual(b.shape);
  x.forEach((v, i) => expect(Math.abs(v - y[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(y[i]!))));
};

// An Elman RNN over a sequence, with the weights closed over and passed explicitly.
const W = f64([
  [0.5, -0.3],
  [0.2, 0.4],
]);
const rnnStep = (w: NDArray) => (h: NDArray, x: NDArray) => {
  const hn = np.tanh(w.matmul(h).add(x));
  return [hn, np.sum(hn.mul(hn))] as const;
};
const rnnScan = (w: NDArray, h0: NDArray, xs: NDArray) => {
  const [h, ys] = lax.scan(rnnStep(w), h0, xs);
  return np.sum(ys).add(np.sum(h));
};
const rnnLoop = (w: NDArray, h0: NDArray, xs: NDArray) => {
  let h = h0;
  let acc: NDArray = f64(0);
  for (let i = 0; i < xs.shape[0]!; i++) {
    const [hn, y] = rnnStep(w)(h, np.take(xs, i, { axis: 0 }));
    h = hn;
    acc = acc.add(y);
  }
  return acc.add(np.sum(h));
};
const h0 = f64([0.1, -0.2]);
const xs = f64([
  [1, 2],
  [3, 4],
  [0.5, -1],
  [-0.7, 0.2],
]);

describe("scan", () => {
  it("computes the carry and the stacked outputs", () => {
    const [c, ys] = lax.scan((c: NDArray, x: NDArray) => [c.add(x), c.mul(x)] as const, 0, array([1, 2, 3, 4]));
    expect(c.item()).toBe(10);
    expect(ys.toArray()).toEqual([0, 2, 9, 24]);
  });

  it("runs backwards with reverse: true, keeping ys in xs's order", () => {
    const [c, ys] = lax.scan((c: NDArray, x: NDArray) => [c.add(x), c] as const, 0, array([1, 2, 3]), { reverse: true });
    expect(c.item()).toBe(6);
    expect(ys.toArray()).toEqual([5, 3, 0]);
  });

  it("scans pytrees of carries and xs, and null xs with a length", () => {
    const [c, ys] = lax.scan(
      (c: { a: NDArray; b: NDArray[] }, x: { u: NDArray }) => [{ a: c.a.add(x.u), b: [c.b[0]!.mul(2)] }, [x.u, c.a]] as const,
      { a: array(0), b: [array(1)] },
      { u: array([1, 2, 3]) },
    );
    expect(c.a.item()).toBe(6);
    expect(c.b[0]!.item()).toBe(8);
    expect(ys[1].toArray()).toEqual([0, 1, 3]);
    const [n] = lax.scan((c: NDArray) => [c.add(1), null] as const, 0, null, { length: 5 });
    expect(n.item()).toBe(5);
  });

  it("gives the RNN the gradients of the unrolled loop", () => {
    for (const argnums of [0, 1, 2]) {
      close(grad(rnnScan, { argnums })(W, h0, xs), grad(rnnLoop, { argnums })(W, h0, xs), 1e-12);
    }
    expect(rnnScan(W, h0, xs).item()).toBeCloseTo(rnnLoop(W, h0, xs).item() as number, 12);
  });

  it("has derivatives equal to float64 finite differences, forward and reverse, orders 1 and 2", () => {
    checkGrads(rnnScan, [W, h0, xs], { order: 2 });
    checkGrads((x: NDArray) => lax.scan((c: NDArray, y: NDArray) => [np.sin(c).mul(y), c.mul(y)] as const, x, xs)[1], [h0], { order: 2 });
  });

  it("differentiates to second order by nesting grad", () => {
    // x ↦ x^4 by three multiplications in a scan: d²/dx² = 12x².
    const p4 = (x: NDArray) => lax.scan((c: NDArray) => [c.mul(x), null] as const, x, null, { length: 3 })[0];
    expect(grad(grad(p4))(2).item()).toBe(48);
    expect(grad(grad(grad(p4)))(2).item()).toBe(48);
  });

  it("stores stacked residuals for reverse mode, and checkpoint of the body trades them for recomputation", () => {
    const step = (h: NDArray, x: NDArray) => {
      const a = np.tanh(h.mul(x));
      const c = np.exp(np.sin(a).mul(h).mul(0.1));
      return [c, np.sum(c)] as const;
    };
    const plain = (h: NDArray, s: NDArray) => np.sum(lax.scan(step, h, s)[1]);
    const remat = (h: NDArray, s: NDArray) => np.sum(lax.scan(checkpoint(step), h, s)[1]);
    const hs = np.ones([4]);
    const seq = np.ones([100, 4]).mul(0.3);
    const bytes = (f: typeof plain) => savedResiduals(f, hs, seq).reduce((n, r) => n + r.bytes, 0);
    expect(savedResiduals(plain, hs, seq).every((r) => r.aval === "f32[100,4]")).toBe(true);
    expect(bytes(remat)).toBeLessThan(bytes(plain) / 2);
    close(grad(remat)(hs, seq), grad(plain)(hs, seq), 1e-6);
  });

  it("keeps loop-invariant residuals unstacked", () => {
    const f = (w: NDArray, s: NDArray) => np.sum(lax.scan((c: NDArray, x: NDArray) => [c.mul(w).add(x), c] as const, np.zeros([3]), s)[1]);
    const res = savedResiduals(f, np.ones([3]), np.ones([50, 3]));
    expect(res.some((r) => r.aval === "f32[50,3]")).toBe(true);
    expect(res.some((r) => r.aval === "f32[50,50,3]")).toBe(false);
  });

  it("is staged as one scan equation by jit and makeJaxpr, printed in JAX's format", () => {
    const f = (x: NDArray) => lax.scan((c: NDArray, y: NDArray) => [c.add(y), c] as const, 0, x);
    const text = String(makeJaxpr(f)(np.ones([10000])));
    expect(text.match(/ = scan\[/g)?.length).toBe(1);
    expect(text).toContain("jaxpr={ lambda ; ");
    expect(text).toContain("length=10000");
    expect(text).toContain("reverse=False");
    expect(text.split("\n").length).toBeLessThan(20);
    const [c] = jit(f)(np.ones([10000]));
    expect(c.item()).toBe(10000);
  });

  it("under jit and vmap equals eager and a loop over the batch", () => {
    close(jit(rnnScan)(W, h0, xs), rnnScan(W, h0, xs));
    close(jit(grad(rnnScan, { argnums: 1 }))(W, h0, xs), grad(rnnScan, { argnums: 1 })(W, h0, xs));
    const batch = np.stack([xs, xs.mul(2), xs.neg()]);
    const batched = vmap(rnnScan, { inAxes: [null, null, 0] })(W, h0, batch);
    const looped = np.stack([0, 1, 2].map((b) => rnnScan(W, h0, np.take(batch, b, { axis: 0 }))));
    close(batched, looped, 1e-12);
    const hs = f64([
      [0.1, 0.2],
      [0.3, -0.1],
    ]);
    close(
      vmap(grad(rnnScan, { argnums: 1 }), { inAxes: [null, 0, null] })(W, hs, xs),
      np.stack([0, 1].map((b) => grad(rnnScan, { argnums: 1 })(W, np.take(hs, b, { axis: 0 }), xs))),
      1e-12,
    );
  });

  it("reports a carry that changes shape or dtype by its path", () => {
    const bad = () =>
      lax.scan((c: [NDArray, { h: NDArray }], x: NDArray) => [[c[0], { h: c[1].h.reshape([4, 1]) }], x] as const, [array(0), { h: np.ones([4]) }], np.ones([3]));
    expect(bad).toThrow(ShapeError);
    expect(bad).toThrow("carry[1].h: f32[4] became f32[4,1]");
    expect(() => lax.scan((c: NDArray) => [c.astype("int32"), null] as const, np.ones([2]), null, { length: 2 })).toThrow(DTypeError);
    expect(() => lax.scan((c: { a: NDArray }) => [{ b: c.a }, null] as const, { a: array(1) }, null, { length: 2 })).toThrow(TreeStructureError);
  });

  it("rejects bad xs, lengths and options clearly", () => {
    expect(() => lax.scan((c: NDArray) => [c, null] as const, 0, null)).toThrow(ArgumentError);
    expect(() => lax.scan((c: NDArray, x: NDArray) => [c, x] as const, 0, [np.ones([3]), np.ones([4])] as never)).toThrow(ShapeError);
    expect(() => lax.scan((c: NDArray, x: NDArray) => [c, x] as const, 0, np.ones([3]), { length: 4 })).toThrow(ShapeError);
    expect(() => lax.scan((c: NDArray) => [c, null] as const, 0, null, { lenght: 3 } as never)).toThrow("did you mean `length`");
    expect(() => lax.scan((c: NDArray) => c as never, 0, null, { length: 2 })).toThrow("pair [carry, y]");
  });

  it("accepts unroll as a hint without changing results", () => {
    const f = (u: number | boolean) => lax.scan((c: NDArray, x: NDArray) => [c.mul(x), c] as const, 1, array([1, 2, 3, 4]), { unroll: u });
    expect(f(2)[0].item()).toBe(24);
    expect(f(true)[1].toArray()).toEqual([1, 1, 2, 6]);
    expect(() => f(0)).toThrow(ArgumentError);
  });
});

describe("cond and switch", () => {
  const f = (x: NDArray) =>
    lax.cond(
      x.gt(0),
      (y: NDArray) => y.mul(y),
      (y: NDArray) => y.neg(),
      x,
    );

  it("runs the branch the predicate picks", () => {
    expect(f(array(3)).item()).toBe(9);
    expect(f(array(-3)).item()).toBe(3);
  });

  it("differentiates the taken branch, to any order, eagerly and under jit", () => {
    expect(grad(f)(3).item()).toBe(6);
    expect(grad(f)(-3).item()).toBe(-1);
    expect(grad(grad(f))(3).item()).toBe(2);
    expect(jit(grad(f))(3).item()).toBe(6);
    expect(jit(grad(f))(-3).item()).toBe(-1);
    expect(grad(jit(f))(-2).item()).toBe(-1);
    expect(jvp(f, [array(3)], [array(1)])[1].item()).toBe(6);
    checkGrads((x: NDArray) => lax.cond(np.sum(x).gt(0), (y: NDArray) => np.sin(y).mul(y), (y: NDArray) => np.exp(y), x), [f64([0.3, 0.5])], { order: 2 });
    checkGrads((x: NDArray) => lax.cond(np.sum(x).gt(0), (y: NDArray) => np.sin(y).mul(y), (y: NDArray) => np.exp(y), x), [f64([-0.3, 0.1])], { order: 2 });
  });

  it("jit(grad) through cond with closed-over values keeps the residuals of both branches consistent", () => {
    const w = f64([2, 3]);
    const g = (x: NDArray) => np.sum(lax.cond(np.sum(x).gt(0), (y: NDArray) => np.sin(y.mul(w)), (y: NDArray) => np.exp(y).mul(w), x));
    close(jit(grad(g))(f64([0.2, 0.1])), grad(g)(f64([0.2, 0.1])), 1e-12);
    close(jit(grad(g))(f64([-0.2, 0.1])), grad(g)(f64([-0.2, 0.1])), 1e-12);
  });

  it("makes a batched predicate a select of both branches under vmap", () => {
    expect(vmap(f)(array([3, -3, 2])).toArray()).toEqual([9, 3, 4]);
    expect(vmap(grad(f))(array([3, -3, 2])).toArray()).toEqual([6, -1, 4]);
    const k = (p: NDArray, x: NDArray) => lax.cond(p, (y: NDArray) => y.add(1), (y: NDArray) => y.sub(1), x);
    expect(vmap(k, { inAxes: [null, 0] })(array(true), array([1, 2])).toArray()).toEqual([2, 3]);
  });

  it("switch clamps the index into range, as JAX does", () => {
    const branches = [(y: NDArray) => y, (y: NDArray) => y.mul(10), (y: NDArray) => y.mul(100)];
    expect(lax.switch(1, branches, array(2)).item()).toBe(20);
    expect(lax.switch(7, branches, array(2)).item()).toBe(200);
    expect(lax.switch(int(-5), branches, array(2)).item()).toBe(2);
    expect(vmap((i: NDArray, x: NDArray) => lax.switch(i, branches, x))(array([0, 1, 2, 9, -1], { dtype: "int32" }), array([1, 1, 1, 1, 1])).toArray()).toEqual([
      1, 10, 100, 100, 1,
    ]);
    expect(grad((x: NDArray) => lax.switch(2, branches, x))(1).item()).toBe(100);
  });

  it("prints cond with its branches in JAX's format", () => {
    const text = String(makeJaxpr(f)(1));
    expect(text).toContain("cond[\n      branches=(\n        { lambda ; ");
    expect(text).toContain("neg");
  });

  it("requires branches that return the same types, and a boolean or integer scalar predicate", () => {
    expect(() => lax.cond(array(true), (y: NDArray) => y, (y: NDArray) => y.reshape([1]), array(1))).toThrow(ShapeError);
    expect(() => lax.cond(array(true), (y: NDArray) => y, (y: NDArray) => y.astype("int32"), array(1))).toThrow(DTypeError);
    expect(() => lax.cond(array(1.5), (y: NDArray) => y, (y: NDArray) => y, array(1))).toThrow(DTypeError);
    expect(() => lax.cond(array([true, false]), (y: NDArray) => y, (y: NDArray) => y, array(1))).toThrow(ShapeError);
    expect(() => lax.switch(array(1.0), [(y: NDArray) => y], array(1))).toThrow(DTypeError);
  });
});

describe("whileLoop", () => {
  // Newton's method for sqrt(a): a fixed number of steps, then its derivative 1/(2 sqrt a).
  const newton = (a: NDArray) =>
    lax.whileLoop(
      ([, i]: [NDArray, NDArray]) => i.lt(30),
      ([x, i]: [NDArray, NDArray]) => [x.sub(x.mul(x).sub(a).div(x.mul(2))), i.add(1)] as [NDArray, NDArray],
      [a, int(0)],
    )[0];

  it("converges, and its jvp is right", () => {
    expect(newton(f64(2)).item()).toBeCloseTo(Math.SQRT2, 14);
    expect(jvp(newton, [f64(2)], [f64(1)])[1].item()).toBeCloseTo(1 / (2 * Math.SQRT2), 12);
    checkGrads(newton, [f64(3)], { modes: ["fwd"], order: 2 });
  });

  it("refuses reverse mode with an error that points to scan and forLoop", () => {
    expect(() => grad(newton)(f64(2))).toThrow(NotDifferentiableError);
    expect(() => grad(newton)(f64(2))).toThrow(/lax\.scan.*lax\.forLoop/);
  });

  it("under vmap keeps iterating until every member is done, freezing finished ones", () => {
    const doublings = (a: NDArray) =>
      lax.whileLoop(
        ([v]: [NDArray, NDArray]) => v.lt(a),
        ([v, n]: [NDArray, NDArray]) => [v.mul(2), n.add(1)] as [NDArray, NDArray],
        [array(1), int(0)],
      );
    const [v, n] = vmap(doublings)(array([1, 5, 100]));
    expect(v.toArray()).toEqual([1, 8, 128]);
    expect(n.toArray()).toEqual([0, 3, 7]);
    const [vj] = jit(vmap(doublings))(array([1, 5, 100]));
    expect(vj.toArray()).toEqual([1, 8, 128]);
  });

  it("requires a boolean scalar predicate and a stable carry", () => {
    expect(() => lax.whileLoop((c: NDArray) => c, (c: NDArray) => c, array(1))).toThrow(DTypeError);
    expect(() => lax.whileLoop((c: NDArray) => c.lt(3), (c: NDArray) => c.reshape([1]), array(1))).toThrow("carry: f32[] became f32[1]");
  });

  it("prints as while with body and cond jaxprs", () => {
    const text = String(makeJaxpr((x: NDArray) => lax.whileLoop((c: NDArray) => c.lt(100), (c: NDArray) => c.mul(x), x))(2));
    expect(text).toContain("while[\n      body_jaxpr={ lambda ; ");
    expect(text).toContain("cond_jaxpr={ lambda ; ");
    expect(text).toContain("body_nconsts=1");
  });

  it("a JS branch on a traced value under jit is a ConcretizationError, and cond is the way out", () => {
    const viaCond = jit((x: NDArray) => lax.cond(x.gt(0), (y: NDArray) => y, (y: NDArray) => y.neg(), x));
    expect(viaCond(array(-2)).item()).toBe(2);
    expect(() => jit((x: NDArray) => ((x.gt(0).item() as boolean) ? x : x.neg()))(array(2))).toThrow(ConcretizationError);
  });
});

describe("forLoop and map", () => {
  const poly = (x: NDArray) => lax.forLoop(0, 4, (i, c: NDArray) => c.mul(x).add(i), x);

  it("with static bounds is a scan: reverse-differentiable", () => {
    // ((x·x + 0)·x + 1)·x + 2)·x + 3 = x⁵ + x² + 2x + 3
    expect(poly(array(2)).item()).toBe(43);
    expect(grad(poly)(2).item()).toBe(5 * 16 + 2 * 2 + 2);
    expect(String(makeJaxpr(poly)(2))).toContain("scan[");
    checkGrads(poly, [f64(0.7)], { order: 2 });
  });

  it("with traced bounds under jit is a while loop", () => {
    const sumRange = jit((lo: NDArray, hi: NDArray) => lax.forLoop(lo, hi, (i, c: NDArray) => c.add(i), array(0)));
    expect(sumRange(int(2), int(5)).item()).toBe(9);
    expect(String(makeJaxpr((lo: NDArray, hi: NDArray) => lax.forLoop(lo, hi, (i, c: NDArray) => c.add(i), array(0)))(int(0), int(3)))).toContain("while[");
  });

  it("runs zero times when upper <= lower, and rejects fractional bounds", () => {
    expect(lax.forLoop(5, 2, (_, c: NDArray) => c.add(1), array(0)).item()).toBe(0);
    expect(() => lax.forLoop(0, 2.5, (_, c: NDArray) => c, array(0))).toThrow(ArgumentError);
  });

  it("map applies f to every slice, under grad and vmap too", () => {
    const m = (x: NDArray) => lax.map((r: NDArray) => np.sum(r.mul(r)), x);
    const x = array([
      [1, 2],
      [3, 4],
    ]);
    expect(m(x).toArray()).toEqual([5, 25]);
    expect(grad((x: NDArray) => np.sum(m(x)))(x).toArray()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    expect(vmap(m)(np.stack([x, x])).toArray()).toEqual([
      [5, 25],
      [5, 25],
    ]);
  });

  it("valueAndGrad of a training loop written with forLoop equals the unrolled loop", () => {
    const loss = (w: NDArray) => lax.forLoop(0, 5, (_, c: NDArray) => c.sub(c.mul(w).mul(0.1)), w);
    const loop = (w: NDArray) => {
      let c = w;
      for (let i = 0; i < 5; i++) c = c.sub(c.mul(w).mul(0.1));
      return c;
    };
    const [v, g] = valueAndGrad(loss)(f64(1.5));
    expect(v.item()).toBeCloseTo(loop(f64(1.5)).item() as number, 14);
    expect(g.item()).toBeCloseTo(grad(loop)(f64(1.5)).item() as number, 12);
  });
});

describe("nesting", () => {
  const w0 = f64([0.3, -0.5]);
  const seq = f64([
    [0.1, 0.2],
    [0.3, -0.4],
    [1, 2],
  ]);

  it("a reverse scan with an integer counter in its carry differentiates to second order, eagerly and under jit", () => {
    const f = (w: NDArray) =>
      np.sum(
        lax.scan(([c, i]: [NDArray, NDArray], x: NDArray) => [[np.sin(c.mul(w)).add(x.mul(i)), i.add(1)], c.mul(x)] as const, [w, int(0)], seq, { reverse: true })[1],
      );
    checkGrads(f, [w0], { order: 2 });
    close(jit(grad(f))(w0), grad(f)(w0), 1e-12);
  });

  it("scans nest, and cond inside scan differentiates and batches", () => {
    const nested = (w: NDArray) =>
      np.sum(lax.scan((c: NDArray, x: NDArray) => [lax.scan((d: NDArray, y: NDArray) => [np.tanh(d.mul(y).add(w)), null] as const, c, x)[0], c] as const, w, seq)[1]);
    checkGrads(nested, [w0], { order: 2 });
    const branchy = (w: NDArray) =>
      np.sum(lax.scan((c: NDArray, x: NDArray) => [lax.cond(np.sum(x).gt(0), (u: NDArray) => np.sin(u.mul(w)), (u: NDArray) => u.mul(w), c), c] as const, w, seq)[1]);
    checkGrads(branchy, [w0], { order: 2 });
    const ws = f64([
      [0.3, -0.5],
      [1, 2],
    ]);
    close(vmap(grad(branchy))(ws), np.stack([0, 1].map((i) => grad(branchy)(np.take(ws, i, { axis: 0 })))), 1e-12);
  });
});

describe("property: random elementwise bodies", () => {
  const ops: readonly ((x: NDArray, c: NDArray) => NDArray)[] = [
    (x, c) => np.sin(x).mul(c),
    (x, c) => np.tanh(x.add(c)),
    (x, c) => x.mul(c).mul(0.5),
    (x, c) => np.exp(x.mul(0.1)).add(c),
    (x, c) => x.sub(np.cos(c)),
    (x, c) => np.square(x).mul(0.3).add(c.mul(0.2)),
  ];
  const body = (picks: readonly number[]) => (c: NDArray, x: NDArray) => {
    let h = c;
    for (const p of picks) h = ops[p]!(h, x);
    return [h, h.mul(x)] as const;
  };

  it("scan's gradient equals the unrolled loop's, and finite differences", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: ops.length - 1 }), { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 4 }), (picks, n) => {
        const step = body(picks);
        const seq = np.linspace(-0.5, 0.8, n * 2, { dtype: "float64" }).reshape([n, 2]);
        const viaScan = (c: NDArray) => np.sum(lax.scan(step, c, seq)[1]);
        const viaLoop = (c: NDArray) => {
          let h = c;
          let acc: NDArray = f64(0);
          for (let i = 0; i < n; i++) {
            const [hn, y] = step(h, np.take(seq, i, { axis: 0 }));
            h = hn;
            acc = acc.add(np.sum(y));
          }
          return acc;
        };
        const c0 = f64([0.3, -0.4]);
        close(grad(viaScan)(c0), grad(viaLoop)(c0), 1e-10);
        checkGrads(viaScan, [c0], { order: 2 });
      }),
      { numRuns: 15, seed: 7 },
    );
  });

  it("cond's gradient is the chosen branch's, and vmap of cond equals a loop", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ops.length - 1 }), fc.integer({ min: 0, max: ops.length - 1 }), (a, b) => {
        const f = (x: NDArray) => np.sum(lax.cond(np.sum(x).gt(0), (y: NDArray) => ops[a]!(y, y), (y: NDArray) => ops[b]!(y, y), x));
        for (const x of [f64([0.4, 0.2]), f64([-0.4, 0.1])]) {
          const direct = np.sum(x).item() as number > 0 ? (y: NDArray) => np.sum(ops[a]!(y, y)) : (y: NDArray) => np.sum(ops[b]!(y, y));
          close(grad(f)(x), grad(direct)(x), 1e-12);
        }
        const xsB = f64([
          [0.4, 0.2],
          [-0.4, 0.1],
          [0.1, -0.3],
        ]);
        close(vmap(f)(xsB), np.stack([0, 1, 2].map((i) => f(np.take(xsB, i, { axis: 0 })))), 1e-12);
      }),
      { numRuns: 12, seed: 3 },
    );
  });
});
