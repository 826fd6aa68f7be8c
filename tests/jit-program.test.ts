// The compiled program on the wasm backend (packages/core/src/compiler/program.ts): every
// intermediate in one planned arena region, reused by liveness; results that never alias
// the arena; loop bodies compiled once they are hot.
import { array, config, lax, type NDArray, nn, np, random } from "@jaxts/core";
import { allocationStats, compileCount } from "../packages/core/src/internals.js";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { adam, applyUpdates } from "@jaxts/optim";
import { afterEach, describe, expect, it } from "vitest";

afterEach(() => config.set({ backend: "js" }));

const bits = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const data = (n: number, seed: number): NDArray => array(Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 2), { dtype: "float32" });

type Params = { W0: NDArray; b0: NDArray; W1: NDArray; b1: NDArray };
const mlpLoss = (p: Params, x: NDArray, y: NDArray): NDArray => {
  const h = nn.relu(np.matmul(x, p.W0).add(p.b0));
  const logits = np.matmul(h, p.W1).add(p.b1);
  return np.mean(np.sum(nn.logSoftmax(logits).mul(y), { axis: 1 })).mul(-1);
};
const mlpParams = (): Params => {
  const [k0, k1] = random.split(random.key(0));
  return {
    W0: random.normal(k0!, [64, 32]).mul(0.1),
    b0: np.zeros([32]),
    W1: random.normal(k1!, [32, 10]).mul(0.1),
    b1: np.zeros([10]),
  };
};

describe("the compiled program on the wasm backend", () => {
  it("an MLP training step keeps its intermediates in an arena smaller than their sum, and equals the step run eagerly", () => {
    config.set({ backend: "wasm" });
    const p = mlpParams();
    const x = data(16 * 64, 1).reshape([16, 64]);
    const y = nn.oneHot(array(Array.from({ length: 16 }, (_, i) => i % 10), { dtype: "int32" }), 10);
    const step = jit(valueAndGrad(mlpLoss));
    const lowered = step.lower(p, x, y);
    const text = lowered.asText();
    const m = /# arena: (\d+) bytes for (\d+) values of (\d+) bytes/.exec(text);
    expect(m).not.toBeNull();
    const [arenaBytes, values, valueBytes] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(values).toBeGreaterThan(5);
    expect(arenaBytes).toBeLessThan(valueBytes);
    const [loss, g] = step(p, x, y);
    const [loss0, g0] = valueAndGrad(mlpLoss)(p, x, y);
    expect(Number(loss.item())).toBeCloseTo(Number(loss0.item()), 5);
    for (const k of ["W0", "b0", "W1", "b1"] as const) {
      const [a, b] = [g[k].toTypedArray(), g0[k].toTypedArray()];
      for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 5);
    }
  });

  it("a whole MLP training step with Adam (value, gradient, update) shows matmuls with fused epilogues and an arena smaller than its intermediates, and equals the eager step", () => {
    config.set({ backend: "wasm" });
    const opt = adam(1e-2);
    const trainStep = (p: Params, s: ReturnType<typeof opt.init>, x: NDArray, y: NDArray) => {
      const [loss, g] = valueAndGrad(mlpLoss)(p, x, y);
      const [updates, s1] = opt.update(g, s, p);
      return { loss, params: applyUpdates(p, updates) as Params, state: s1 };
    };
    const p = mlpParams();
    const s = opt.init(p);
    const x = data(16 * 64, 1).reshape([16, 64]);
    const y = nn.oneHot(array(Array.from({ length: 16 }, (_, i) => i % 10), { dtype: "int32" }), 10);
    const step = jit(trainStep);
    const text = step.lower(p, s, x, y).asText();
    // the first layer's bias add and relu run inside its product
    expect(text).toMatch(/\(dot_general\); step \d+ is its epilogue/);
    expect(text).toMatch(/epilogue of step \d+: runs inside the product/);
    const m = /# arena: (\d+) bytes for (\d+) values of (\d+) bytes/.exec(text);
    expect(m).not.toBeNull();
    const [arenaBytes, values, valueBytes] = [Number(m![1]), Number(m![2]), Number(m![3])];
    expect(values).toBeGreaterThan(10);
    expect(arenaBytes).toBeLessThan(valueBytes);
    const got = step(p, s, x, y);
    const want = trainStep(p, s, x, y);
    expect(Number(got.loss.item())).toBeCloseTo(Number(want.loss.item()), 5);
    for (const k of ["W0", "b0", "W1", "b1"] as const) {
      const [a, b] = [got.params[k].toTypedArray(), want.params[k].toTypedArray()];
      for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 5);
    }
  });

  it("a jitted loop, branch or nested call allocates nothing per call but the results: carries, flags and the body's results are kept from one call to the next, and earlier results stay intact", () => {
    config.set({ backend: "wasm" });
    const inner = jit((v: NDArray) => np.exp(v).mul(2));
    const cases: [string, (a: NDArray) => NDArray[]][] = [
      ["forLoop", (a) => [lax.forLoop(0, 10, (_i: NDArray, c: NDArray) => np.tanh(c.mul(1.5)).add(c.mul(0.5)), a).mul(2)]],
      ["whileLoop", (a) => [lax.whileLoop((c: NDArray[]) => c[1]!.lt(5), (c: NDArray[]) => [c[0]!.mul(1.1), c[1]!.add(1)], [a, array(0, { dtype: "int32" })])[0]!.mul(2)]],
      ["cond", (a) => [lax.cond(np.sum(a).gt(0), (v: NDArray) => v.mul(2), (v: NDArray) => v.mul(3), a).add(1)]],
      ["scan", (a) => {
        const [c, ys] = lax.scan((c: NDArray, xi: NDArray) => [c.add(xi), c.mul(xi)], a.reshape([8, 8]).mul(0.5), a.reshape([8, 8]));
        return [ys.mul(2), c.sub(1)];
      }],
      ["nested jit", (a) => [inner(a).add(1)]],
    ];
    for (const [big, n] of [["small", 64], ["big", 1 << 17]] as const) {
      const x = data(n, 3);
      for (const [name, f] of cases) {
        if (name === "scan" && big === "big") continue;
        const g = jit(f);
        const first = g(x).map(bits);
        g(x.mul(-1));
        const before = allocationStats.buffers;
        const r = g(x);
        expect(allocationStats.buffers - before, `${name} (${big}) allocated more than its results`).toBe(r.length);
        expect(r.map(bits), name).toEqual(first);
        const kept = g(x);
        g(x.mul(0.25)); // a later call must not change an earlier call's results
        expect(kept.map(bits), `${name}: a later call changed an earlier result`).toEqual(first);
        const eager = f(x).map(bits);
        const worst = Math.max(...first.map((v, i) => v.reduce((m, e, j) => Math.max(m, Math.abs(e - eager[i]![j]!)), 0)));
        expect(worst, name).toBeLessThan(1e-4);
      }
    }
  });

  it("a fused kernel over forty big operands splits across threads like any other (its arguments all reach the workers)", () => {
    config.set({ backend: "wasm" });
    const xs = Array.from({ length: 40 }, (_, k) => data(1 << 17, k));
    const f = jit((...as: NDArray[]) => as.reduce((acc, a, k) => acc.add(a.mul(k + 1))));
    const got = f(...xs).toTypedArray();
    const cols = xs.map((x) => x.toTypedArray());
    for (const i of [0, 1, 77777, (1 << 17) - 1]) {
      let want = 0;
      cols.forEach((c, k) => {
        want += Number(c[i]) * (k + 1);
      });
      expect(Number(got[i])).toBeCloseTo(want, 2);
    }
  });

  it("lower().asText() shows a loop body's own program (its passes and fused kernels) under the loop's step", () => {
    config.set({ backend: "wasm" });
    const f = (x: NDArray) => lax.forLoop(0, 10, (_i: NDArray, c: NDArray) => np.tanh(c.mul(1.5)).add(c.mul(0.5)), x);
    const text = jit(f).lower(data(8, 1)).asText();
    expect(text).toMatch(/# {3}0: equation 0 \(scan\)\n# {5}step 0 \(scan\) sub-jaxpr 0: \d+ equations after the passes, from \d+/);
    expect(text).toMatch(/# {9}\d+: fused kernel over float32\[8\]: equations [\d ]+ \(mul tanh mul add\)/);
  });

  it("a call's results stay what they were when later calls reuse the arena", () => {
    config.set({ backend: "wasm" });
    const f = jit((a: NDArray) => {
      const t = np.tanh(a).mul(a);
      return [t, np.sum(t), np.exp(t.mul(0.1))];
    });
    const a1 = data(5000, 1);
    const first = f(a1).map(bits);
    const second = f(data(5000, 2)).map(bits);
    expect(f(a1).map(bits)).toEqual(first);
    expect(second).not.toEqual(first);
    // and the first results, held all along, were not overwritten
    const held = f(a1);
    f(data(5000, 3));
    expect(held.map(bits)).toEqual(first);
  });

  it("an input returned unchanged, a literal output and a re-viewed input come back right", () => {
    config.set({ backend: "wasm" });
    const a = data(4096, 4);
    const f = jit((x: NDArray) => [x, array(3, { dtype: "float32" }), x.reshape([64, 64]), np.tanh(x).add(x)]);
    const [same, three, square, y] = f(a) as NDArray[];
    expect(bits(same!)).toEqual(bits(a));
    expect(three!.item()).toBe(3);
    expect(square!.shape).toEqual([64, 64]);
    expect(bits(square!)).toEqual(bits(a));
    expect(bits(y!)).toEqual(bits(np.tanh(a).add(a)));
  });

  it("a forLoop inside jit compiles its body once and equals the loop run equation by equation", () => {
    const body = (_i: NDArray, c: { w: NDArray; v: NDArray }) => {
      const g = np.tanh(c.w).mul(c.v).mul(0.1).add(np.mean(c.w).mul(0.01));
      return { w: c.w.sub(g.mul(0.01)), v: c.v.mul(0.5).add(g) };
    };
    const run = (w: NDArray, v: NDArray) => lax.forLoop(0, 50, body, { w, v });
    const [w, v] = [data(3000, 5), data(3000, 6)];
    config.set({ backend: "js" });
    const ref = run(w, v);
    config.set({ backend: "wasm" });
    const jrun = jit(run);
    const got = jrun(w, v);
    for (const k of ["w", "v"] as const) {
      const [a, b] = [got[k].toTypedArray(), ref[k].toTypedArray()];
      for (let i = 0; i < a.length; i++) expect(a[i]!).toBeCloseTo(b[i]!, 4);
    }
    const before = compileCount();
    const again = jrun(w, v);
    expect(compileCount()).toBe(before);
    expect(bits(again.w)).toEqual(bits(got.w));
  });

  it("a kernel whose scratch grows the arena in the middle of a program still computes right", () => {
    config.set({ backend: "wasm" });
    // A fresh test file starts with a small arena; this product's packing needs far more.
    const n = 700;
    const a = data(n * n, 7).reshape([n, n]);
    const b = data(n * n, 8).reshape([n, n]);
    const f = jit((x: NDArray, y: NDArray) => np.matmul(np.tanh(x).mul(2), y).add(1));
    const got = f(a, b);
    config.set({ backend: "js" });
    const ref = np.matmul(np.tanh(a).mul(2), b).add(1);
    const [g, r] = [got.toTypedArray(), ref.toTypedArray()];
    let worst = 0;
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - r[i]!));
    expect(worst).toBeLessThan(1e-3);
  });

  it("scan with ys (forward and reverse), whileLoop and cond inside jit equal the same program on the js reference", () => {
    const f = (xs: NDArray, h0: NDArray, k: NDArray) => {
      const [h, ys] = lax.scan((h: NDArray, x: NDArray) => {
        const hn = np.tanh(h.mul(0.9).add(x));
        return [hn, hn.mul(2)];
      }, h0, xs);
      const [, back] = lax.scan((c: NDArray, x: NDArray) => [c.add(x), c], np.zeros([8], "float32"), xs, { reverse: true });
      const w = lax.whileLoop((c: { i: NDArray; v: NDArray }) => np.less(c.i, 7), (c: { i: NDArray; v: NDArray }) => ({ i: c.i.add(1), v: c.v.mul(1.1).add(np.sum(c.v).mul(0.001)) }), { i: array(0, { dtype: "int32" }), v: h0 });
      const branch = lax.switch(k, [(a: NDArray) => a.mul(2), (a: NDArray) => np.exp(a), (a: NDArray) => a.sub(1)], h);
      return [h, ys, back, w.v, branch];
    };
    const xs = data(40, 1).reshape([5, 8]);
    const h0 = data(8, 2);
    for (const k of [0, 1, 2, 5]) {
      const kk = array(k, { dtype: "int32" });
      config.set({ backend: "js" });
      const want = f(xs, h0, kk).map((t) => Array.from(t.toTypedArray(), Number));
      config.set({ backend: "wasm" });
      const got = (jit(f)(xs, h0, kk) as NDArray[]).map((t) => Array.from(t.toTypedArray(), Number));
      expect(got.map((g) => g.length)).toEqual(want.map((w) => w.length));
      got.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(want[i]![j]!, 5)));
    }
  });
});
