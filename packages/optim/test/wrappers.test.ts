// masked, multiSteps and injectHyperparams: what each wrapper promises, and equivalences
// between routes (a schedule-driven adam through injectHyperparams and directly).
import { array, config, type NDArray, np, tree } from "@jaxts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adam,
  applyUpdates,
  chain,
  injectHyperparams,
  masked,
  multiSteps,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  schedules,
  sgd,
} from "../src/index.js";
import { type Params, quadraticTo, toLeaves, trajectory } from "./helpers.js";

const f64 = (x: number[]) => array(x, { dtype: "float64" });
const values = (x: unknown) => Array.from((x as NDArray).toTypedArray());

// Schedules compute in the default float; float64 makes route comparisons exact.
beforeAll(() => config.set({ defaultFloat: "float64" }));
afterAll(() => config.set({ defaultFloat: "float32" }));

describe("masked", () => {
  const params = { dense: { w: f64([1, 2]), b: f64([3]) }, head: [f64([4]), f64([5])] };
  const grads = { dense: { w: f64([1, 1]), b: f64([1]) }, head: [f64([1]), f64([1])] };

  it("applies the inner transformation where the mask is true and passes the rest through", () => {
    const tx = masked(scale(-2), { dense: { w: true, b: false }, head: [false, true] });
    const [u] = tx.update(grads, tx.init(params), params);
    expect(values(u.dense.w)).toEqual([-2, -2]);
    expect(values(u.dense.b)).toEqual([1]);
    expect(values(u.head[0])).toEqual([1]);
    expect(values(u.head[1])).toEqual([-2]);
  });

  it("accepts a prefix of the tree (a boolean for a whole subtree) and a function of the params", () => {
    const prefix = masked(scale(0), { dense: true, head: false });
    const [u] = prefix.update(grads, prefix.init(params), params);
    expect(values(u.dense.w)).toEqual([0, 0]);
    expect(values(u.head[1])).toEqual([1]);
    const byRank = masked(scale(0), (p: unknown) => tree.map((x: unknown) => (x as NDArray).size > 1, p));
    const [v] = byRank.update(grads, byRank.init(params), params);
    expect(values(v.dense.w)).toEqual([0, 0]);
    expect(values(v.dense.b)).toEqual([1]);
  });

  it("keeps inner state only for the masked-in leaves", () => {
    const tx = masked(scaleByAdam(), { dense: { w: true, b: false }, head: false });
    const state = tx.init(params);
    const mu = (state.innerState as { mu: unknown }).mu;
    expect(tree.leaves(mu)).toHaveLength(1);
  });
});

describe("multiSteps", () => {
  const params = { w: f64([0, 0]) };
  const g = (a: number, b: number) => ({ w: f64([a, b]) });

  it("gives zero updates between every k-th step, then the inner update of the mean gradient", () => {
    const tx = multiSteps(sgd(0.1), 3);
    let state = tx.init(params);
    const grads = [g(1, 2), g(3, 4), g(5, 6), g(1, 1), g(1, 1), g(4, 1)];
    const seen: number[][] = [];
    const updated: boolean[] = [];
    for (const gr of grads) {
      let u: typeof params;
      [u, state] = tx.update(gr, state, params);
      seen.push(values(u.w));
      updated.push(tx.hasUpdated(state).item() as boolean);
    }
    const near = seen.map((row) => row.map((x) => Number(x.toFixed(12))));
    expect(near).toEqual([[0, 0], [0, 0], [-0.3, -0.4], [0, 0], [0, 0], [-0.2, -0.1]]);
    expect(updated).toEqual([false, false, true, false, false, true]);
    expect(state.gradientStep.item()).toBe(2);
    expect(state.miniStep.item()).toBe(0);
  });

  it("sums instead of averaging with useGradMean: false", () => {
    const tx = multiSteps(sgd(1), 2, { useGradMean: false });
    let state = tx.init(params);
    let u: typeof params;
    [u, state] = tx.update(g(1, 2), state, params);
    [u, state] = tx.update(g(3, 4), state, params);
    expect(values(u.w)).toEqual([-4, -6]);
  });

  it("advances the inner optimizer only on real steps: k identical gradients equal one adam step", () => {
    const k = 4;
    const direct = trajectory(adam(0.1), { w: f64([-1, 10, 1]) }, quadraticTo({ w: [1, -1, 1] }), 3);
    const tx = multiSteps(adam(0.1), k);
    let p: Params = { w: f64([-1, 10, 1]) };
    let state = tx.init(p);
    for (let step = 0; step < 3; step++) {
      const grads = quadraticTo({ w: [1, -1, 1] })(p);
      for (let i = 0; i < k; i++) {
        let u: typeof p;
        [u, state] = tx.update(grads, state, p);
        p = applyUpdates(p, u);
      }
      values(p.w).forEach((v, i) => expect(v).toBeCloseTo(values(direct[step]!.w)[i]!, 12));
    }
  });

  it("takes k from a schedule of the real step count", () => {
    const tx = multiSteps(sgd(1), (gradientStep) => np.add(gradientStep, 1)); // k = 1, then 2, then 3
    let state = tx.init(params);
    const nonzero: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      let u: typeof params;
      [u, state] = tx.update(g(1, 1), state, params);
      nonzero.push(values(u.w)[0] !== 0);
    }
    expect(nonzero).toEqual([true, false, true, false, false, true]);
  });
});

describe("injectHyperparams", () => {
  const init = { w: f64([-1, 10, 1]) };
  const grad = quadraticTo({ w: [1, -1, 1] });

  it("a schedule-driven adam equals the same adam through injectHyperparams", () => {
    const lr = schedules.warmupCosineDecay(0, 0.2, 3, 10, { endValue: 0.01 });
    const direct = trajectory(adam(lr, { b1: 0.8 }), init, grad, 10);
    const injected = trajectory(injectHyperparams((h) => adam(h.learningRate, { b1: h.b1 }), { learningRate: lr, b1: 0.8 }), init, grad, 10);
    injected.forEach((p, i) => expect(toLeaves(p).w).toEqual(toLeaves(direct[i]!).w));
  });

  it("exposes the current hyperparameters in the state, as arrays of the params' dtype", () => {
    const lr = schedules.linear(1, 0, 4);
    const tx = injectHyperparams((h) => sgd(h.learningRate, { momentum: h.momentum, nesterov: h.nesterov }), { learningRate: lr, momentum: 0.5, nesterov: true });
    let state = tx.init(init);
    expect(Object.keys(state.hyperparams).sort()).toEqual(["learningRate", "momentum"]);
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      [, state] = tx.update(grad(init), state, init);
      seen.push(state.hyperparams.learningRate!.item() as number);
      expect(state.hyperparams.learningRate!.dtype).toBe("float64");
    }
    expect(seen).toEqual([1, 0.75, 0.5]);
    expect(state.count.item()).toBe(3);
  });

  it("uses a hyperparameter changed in the state on the next update", () => {
    const tx = injectHyperparams((h) => chain(scaleByAdam({ b1: h.b1 }), scaleByLearningRate(h.learningRate)), { b1: 0.9, learningRate: 0.1 });
    const state = tx.init(init);
    const changed = { ...state, hyperparams: { ...state.hyperparams, learningRate: f64([0.5]).reshape([]) } };
    const [u] = tx.update(grad(init), changed, init);
    const [v] = adam(0.5).update(grad(init), adam(0.5).init(init), init);
    expect(values(u.w)).toEqual(values(v.w));
  });

  it("wraps a building block whose options are the hyperparameters", () => {
    const tx = injectHyperparams(scaleByAdam, { b1: schedules.constant(0.5), b2: 0.9, nesterov: true });
    const [u] = tx.update(grad(init), tx.init(init), init);
    const [v] = scaleByAdam({ b1: 0.5, b2: 0.9, nesterov: true }).update(grad(init), scaleByAdam().init(init), init);
    values(u.w).forEach((x, i) => expect(x).toBeCloseTo(values(v.w)[i]!, 12));
  });

  it("passes staticArgs through unchanged", () => {
    let seen: unknown;
    const tx = injectHyperparams(
      (h) => {
        seen = h.every;
        return multiSteps(sgd(h.learningRate), h.every);
      },
      { learningRate: 0.1, every: 2 },
      { staticArgs: ["every"] },
    );
    tx.init(init);
    expect(seen).toBe(2);
  });
});
