// The building blocks and the GradientTransformation contract: chain, applyUpdates,
// clipping, scaling, the factored second moment, states as pytrees of arrays, and whole
// training steps staged to a jaxpr (what jit will compile) giving the eager numbers.
import { array, evalJaxpr, makeJaxpr, NDArray, np, tree } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import {
  adafactor,
  adagrad,
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  clip,
  clipByBlockRms,
  clipByGlobalNorm,
  type GradientTransformation,
  identity,
  injectHyperparams,
  lamb,
  lion,
  multiSteps,
  rmsprop,
  scale,
  scaleByAdam,
  scaleByFactoredRms,
  scaleByLearningRate,
  scaleByParamBlockRms,
  scaleByTrustRatio,
  schedules,
  sgd,
  trace,
} from "../src/index.js";
import { refFactoredRms } from "./reference.js";

const f64 = (x: number[] | number[][]) => array(x, { dtype: "float64" });
const values = (x: unknown) => Array.from((x as NDArray).toTypedArray());

function expectClose(got: unknown, want: readonly number[], tol = 1e-12): void {
  const g = values(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

describe("chain and applyUpdates", () => {
  it("chain applies transformations in order and keeps their states as a list", () => {
    const tx = chain(scale(2), trace(0.5), scaleByLearningRate(0.1));
    const params = { w: f64([1, 2]) };
    let state = tx.init(params);
    expect(Array.isArray(state)).toBe(true);
    expect(state).toHaveLength(3);
    let u: typeof params;
    [u, state] = tx.update({ w: f64([1, -1]) }, state, params);
    expectClose(u.w, [-0.2, 0.2]);
    [u, state] = tx.update({ w: f64([1, -1]) }, state, params);
    expectClose(u.w, [-0.3, 0.3]); // trace: 2 + 0.5·2
  });

  it("applyUpdates adds leafwise and keeps the parameters' dtype", () => {
    const params = { a: array([1, 2], { dtype: "float32" }), b: [f64([3])] };
    const out = applyUpdates(params, { a: f64([0.5, 0.25]), b: [f64([-1])] });
    expect(out.a.dtype).toBe("float32");
    expectClose(out.a, [1.5, 2.25]);
    expectClose(out.b[0], [2]);
  });

  it("identity passes updates through", () => {
    const tx = identity();
    const [u] = tx.update({ w: f64([1, 2]) }, tx.init({ w: f64([0, 0]) }));
    expectClose(u.w, [1, 2]);
  });

  it("scaleByLearningRate flips the sign unless told not to, and takes a schedule", () => {
    const g = { w: f64([1, -2]) };
    expectClose(scaleByLearningRate(0.5).update(g, {})[0].w, [-0.5, 1]);
    expectClose(scaleByLearningRate(0.5, { flipSign: false }).update(g, {})[0].w, [0.5, -1]);
    const tx = scaleByLearningRate(schedules.linear(1, 0, 4));
    let state = tx.init(g);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      let u: typeof g;
      [u, state] = tx.update(g, state);
      seen.push(values(u.w)[0]!);
    }
    expect(seen.map((v) => Number(v.toFixed(12)))).toEqual([-1, -0.75, -0.5]);
  });

  it("addDecayedWeights adds λ·p (λ a schedule here) and needs the params", () => {
    const tx = addDecayedWeights(schedules.constant(0.1));
    const params = { w: f64([10, -20]) };
    const [u] = tx.update({ w: f64([1, 1]) }, tx.init(params), params);
    expectClose(u.w, [2, -1]);
  });
});

describe("clipping", () => {
  it("chain(clipByGlobalNorm(1), sgd(0.1)) rescales a large gradient to norm 1 and leaves a small one", () => {
    const tx = chain(clipByGlobalNorm(1), sgd(0.1));
    const params = { a: f64([0, 0]), b: f64([0]) };
    const state = tx.init(params);
    // global norm of {a: [3, 0], b: [4]} is 5: clipped to {a: [0.6, 0], b: [0.8]}
    const [big] = tx.update({ a: f64([3, 0]), b: f64([4]) }, state, params);
    expectClose(big.a, [-0.06, 0]);
    expectClose(big.b, [-0.08]);
    const [small] = tx.update({ a: f64([0.3, 0]), b: f64([0.4]) }, state, params);
    expectClose(small.a, [-0.03, 0]);
    expectClose(small.b, [-0.04]);
  });

  it("clip bounds every element; clipByBlockRms bounds each leaf's rms", () => {
    expectClose(clip(0.5).update({ w: f64([-2, 0.1, 3]) }, {})[0].w, [-0.5, 0.1, 0.5]);
    // rms([3, 4]) = √12.5; threshold 1 → divided by √12.5
    const r = Math.sqrt(12.5);
    expectClose(clipByBlockRms(1).update({ w: f64([3, 4]), b: f64([0.1]) }, {})[0].w, [3 / r, 4 / r]);
    expectClose(clipByBlockRms(1).update({ w: f64([3, 4]), b: f64([0.1]) }, {})[0].b, [0.1]);
  });
});

describe("scaling by parameter norms", () => {
  it("scaleByTrustRatio scales each leaf by ‖p‖/‖u‖, and by 1 when a norm is zero", () => {
    const params = { w: f64([3, 4]), z: f64([0, 0]) };
    const [u] = scaleByTrustRatio().update({ w: f64([0, 1]), z: f64([1, 1]) }, {}, params);
    expectClose(u.w, [0, 5]);
    expectClose(u.z, [1, 1]);
  });

  it("scaleByParamBlockRms scales by max(rms(p), 1e-3)", () => {
    const params = { w: f64([3, 4]), z: f64([0]) };
    const [u] = scaleByParamBlockRms().update({ w: f64([1, 1]), z: f64([1]) }, {}, params);
    expectClose(u.w, [Math.sqrt(12.5), Math.sqrt(12.5)]);
    expectClose(u.z, [1e-3]);
  });
});

describe("scaleByFactoredRms (Adafactor's factored second moment)", () => {
  const grads = [
    [0.5, -1, 2],
    [3, 0.25, -0.75],
  ];
  it("matches a plain-JS factored update on a [2, 3] matrix for 4 steps", () => {
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 });
    const params = { m: f64([[1, 2, 3], [4, 5, 6]]) };
    let state = tx.init(params);
    expect((state.vRow as { m: NDArray }).m.shape).toEqual([2]);
    expect((state.vCol as { m: NDArray }).m.shape).toEqual([3]);
    const ref = refFactoredRms(2, 3);
    for (let step = 0; step < 4; step++) {
      const g = grads.map((row) => row.map((x) => x * (step + 1)));
      let u: typeof params;
      [u, state] = tx.update({ m: f64(g) }, state, params);
      expectClose(u.m, ref(g.flat()), 1e-10);
    }
  });

  it("is symmetric: the update of gᵀ is the transpose of the update of g", () => {
    const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 });
    const g = f64(grads);
    const p = f64([[1, 2, 3], [4, 5, 6]]);
    const [u] = tx.update({ m: g }, tx.init({ m: p }), { m: p });
    const [ut] = tx.update({ m: np.transpose(g) }, tx.init({ m: np.transpose(p) }), { m: np.transpose(p) });
    expectClose(np.transpose(ut.m), values(u.m));
  });

  it("keeps a full second moment for leaves below the factoring size", () => {
    const tx = scaleByFactoredRms();
    const state = tx.init({ m: f64([[1, 2, 3], [4, 5, 6]]) });
    expect((state.v as { m: NDArray }).m.shape).toEqual([2, 3]);
    expect((state.vRow as { m: NDArray }).m.shape).toEqual([1]);
  });
});

// Every optimizer and wrapper, for the state and staging checks below.
const everyOptimizer: [string, () => GradientTransformation<unknown>][] = [
  ["sgd", () => sgd(0.1, { momentum: 0.9 })],
  ["adam", () => adam(schedules.cosineDecay(0.1, 10))],
  ["adamw", () => adamw(0.1, { mask: { w: true, b: false } })],
  ["rmsprop", () => rmsprop(0.1, { centered: true, momentum: 0.9, biasCorrection: true })],
  ["adagrad", () => adagrad(0.1)],
  ["adafactor", () => adafactor(0.1, { minDimSizeToFactor: 2, momentum: 0.9, weightDecayRate: 1e-3 })],
  ["lion", () => lion(0.1)],
  ["lamb", () => lamb(0.1, { weightDecay: 0.01 })],
  ["chain(clipByGlobalNorm, scaleByAdam, ...)", () => chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1))],
  ["multiSteps(adam, 2)", () => multiSteps(adam(0.1), 2)],
  ["injectHyperparams(adam)", () => injectHyperparams((h) => adam(h.learningRate, { b1: h.b1 }), { learningRate: schedules.linear(0.1, 0, 5), b1: 0.9 })],
];

describe("states are pytrees of arrays and whole steps are traceable", () => {
  const params = { w: f64([-1, 10, 1]), b: f64([[0.5, -2], [1, 3]]) };
  const grads = tree.map((x: unknown) => np.multiply(x as NDArray, 0.3), params) as typeof params;

  it.each(everyOptimizer)("%s: every state leaf is an NDArray; step counts are int32 scalars", (_, make) => {
    const opt = make();
    let state = opt.init(params);
    [, state] = opt.update(grads, state, params);
    const leaves = tree.leaves(state);
    expect(leaves.length).toBeGreaterThan(0);
    for (const leaf of leaves) expect(leaf).toBeInstanceOf(NDArray);
    const counts = tree.leafPaths(state).filter((p) => /count|Step$/.test(p));
    for (const path of counts) {
      const leaf = leaves[tree.leafPaths(state).indexOf(path)] as NDArray;
      expect(leaf.dtype, path).toBe("int32");
      expect(leaf.shape, path).toEqual([]);
    }
  });

  it.each(everyOptimizer)("%s: a training step staged with makeJaxpr gives the eager result", (_, make) => {
    const opt = make();
    const state0 = opt.init(params);
    const step = (p: typeof params, g: typeof params, s: unknown) => {
      const [u, s1] = opt.update(g, s, p);
      return [applyUpdates(p, u), s1];
    };
    // Two steps, so that the second sees a non-initial state.
    const state1 = step(params, grads, state0)[1];
    const closed = makeJaxpr(step)(params, grads, state1);
    const staged = evalJaxpr(closed, ...(tree.leaves([params, grads, state1]) as NDArray[]));
    const eager = tree.leaves(step(params, grads, state1)) as NDArray[];
    expect(staged.length).toBe(eager.length);
    staged.forEach((x, i) => {
      expect(x.dtype).toBe(eager[i]!.dtype);
      expectClose(x, values(eager[i]), 1e-12);
    });
  });
});
