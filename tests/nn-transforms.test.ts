// The nn functions under transformations: derivatives (forward and reverse, orders 1 and 2)
// agree with finite differences in float64 away from kinks, derivatives at the kinks are the
// ones JAX's definitions give, vmap equals a loop, and jit equals eager.
import { array, type NDArray, nn, np, random } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { arrayArb, checkGrads } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectTreeClose, loopVmap } from "./vmap-helpers.js";

const RUNS = { numRuns: 4, seed: 7 };
type Fn = (x: NDArray) => NDArray;

const shape = fc.constantFrom<number[]>([3], [2, 2], [4, 1]);
/** |x| in [lo, hi] with a random sign: keeps finite differences off a kink at 0. */
const awayFromZero = (lo: number, hi: number) =>
  arrayArb({ shape, min: lo, max: hi }).map((x) => np.multiply(x, np.where(np.less(np.sin(np.multiply(x, 1000)), 0), -1, 1)));

const SELU = 1.0507009873554805 * 1.6732632423543772;

const elementwise: readonly [string, Fn, fc.Arbitrary<NDArray>][] = [
  ["celu", (x) => nn.celu(x, { alpha: 0.7 }), awayFromZero(0.05, 3)],
  ["selu", nn.selu, awayFromZero(0.05, 3)],
  ["elu", (x) => nn.elu(x, { alpha: 1.5 }), awayFromZero(0.05, 3)],
  ["leakyRelu", (x) => nn.leakyRelu(x, { negativeSlope: 0.2 }), awayFromZero(0.05, 3)],
  ["softSign", nn.softSign, awayFromZero(0.05, 3)],
  ["hardTanh", nn.hardTanh, arrayArb({ shape, min: -0.95, max: 0.95 })],
  ["mish", nn.mish, arrayArb({ shape, min: -4, max: 4 })],
  ["log1mexp (both branches)", nn.log1mexp, arrayArb({ shape, min: 0.1, max: 4 })],
];

describe("derivatives agree with finite differences (float64, fwd and rev, orders 1 and 2)", () => {
  for (const [name, f, arb] of elementwise) {
    it(name, () => {
      fc.assert(fc.property(arb, (x) => checkGrads(f, [x], { order: 2, modes: ["fwd", "rev"] })), RUNS);
    });
  }

  it("glu along either axis", () => {
    fc.assert(
      fc.property(arrayArb({ shape: [2, 4], min: -3, max: 3 }), fc.constantFrom(0, 1, -1), (x, axis) => checkGrads((a: NDArray) => nn.glu(a, { axis }), [x], { order: 2 })),
      RUNS,
    );
  });

  it("standardize, both variance algorithms and a given mean and variance", () => {
    fc.assert(
      // A spread of at least 1.5 between neighbours keeps each row's variance away from 0.
      fc.property(arrayArb({ shape: [2, 4], min: -0.5, max: 0.5 }).map((r) => np.add(r, np.multiply(np.arange(4, undefined, undefined, "float64"), 1.5))), (x) => {
        checkGrads((a: NDArray) => nn.standardize(a), [x], { order: 2 });
        checkGrads((a: NDArray) => nn.standardize(a, { axis: null, algorithm: "stable" }), [x], { order: 2 });
        checkGrads((a: NDArray, m: NDArray) => nn.standardize(a, { mean: m, variance: np.add(np.square(m), 1) }), [x, np.mean(x, { axis: -1, keepdims: true })], { order: 2 });
      }),
      RUNS,
    );
  });

  it("dotProductAttention in query, key, value and bias, with and without a causal mask", () => {
    const qArb = arrayArb({ shape: [1, 3, 2, 2], min: -1.5, max: 1.5 });
    const kvArb = arrayArb({ shape: [1, 4, 1, 2], min: -1.5, max: 1.5 });
    const biasArb = arrayArb({ shape: [2, 3, 4], min: -1, max: 1 });
    fc.assert(
      fc.property(qArb, kvArb, kvArb, biasArb, fc.boolean(), (q, k, v, bias, isCausal) => {
        const f = (qq: NDArray, kk: NDArray, vv: NDArray, bb: NDArray) => nn.dotProductAttention(qq, kk, vv, { bias: bb, isCausal, localWindowSize: [2, 1] });
        checkGrads(f, [q, k, v, bias], { order: 2 });
      }),
      { numRuns: 2, seed: 7 },
    );
  });
});

describe("derivatives at the kinks are JAX's", () => {
  const at = (f: Fn, x: number) => (grad((a: NDArray) => np.sum(f(a)))(array(x, { dtype: "float64" })) as NDArray).item();
  it.each([
    ["relu at 0", nn.relu, 0, 0],
    ["leakyRelu at 0 (the x ≥ 0 side)", (x: NDArray) => nn.leakyRelu(x), 0, 1],
    ["elu at 0 (alpha, from the expm1 side)", (x: NDArray) => nn.elu(x, { alpha: 3 }), 0, 3],
    ["celu at 0 (slope 1 from both sides)", (x: NDArray) => nn.celu(x, { alpha: 3 }), 0, 1],
    ["selu at 0 (scale·alpha)", nn.selu, 0, SELU],
    ["hardTanh at 1 (inside)", nn.hardTanh, 1, 1],
    ["hardTanh at -1 (inside)", nn.hardTanh, -1, 1],
    ["hardTanh at 2 (flat)", nn.hardTanh, 2, 0],
    ["softSign at 0", nn.softSign, 0, 1],
    ["log1mexp at ln 2 (1/expm1)", nn.log1mexp, Math.LN2, 1],
    ["log1mexp at 1e-8 (1/expm1, no cancellation)", nn.log1mexp, 1e-8, 1 / Math.expm1(1e-8)],
    ["mish at 0", nn.mish, 0, Math.tanh(Math.LN2)],
  ] as const)("%s", (_name, f, x, want) => {
    expect(at(f, x)).toBeCloseTo(want, 12);
  });

  it("log1mexp's gradient at large x is finite and tiny (no inf·0 from the other branch)", () => {
    const g = at(nn.log1mexp, 50);
    expect(g).toBeCloseTo(Math.exp(-50) / -Math.expm1(-50), 30);
  });

  it("masked attention positions get no gradient, and a fully masked row gives a finite one", () => {
    const q = random.normal(random.key(0), [1, 2, 1, 2], "float64");
    const k = random.normal(random.key(1), [1, 3, 1, 2], "float64");
    const mask = array([true, false, true, false, false, false]).reshape([2, 3]);
    const gk = grad((kk: NDArray) => np.sum(nn.dotProductAttention(q, kk, kk, { mask })))(k) as NDArray;
    const rows = gk.reshape([3, 2]).toArray() as number[][];
    rows.flat().forEach((g) => expect(Number.isFinite(g)).toBe(true));
    // Key 1 is masked for query 0, and query 1 (fully masked) weighs keys uniformly whatever k is:
    // key 1's only gradient is through the value path of query 1, 1/3 per element.
    expect(rows[1]).toEqual([1 / 3, 1 / 3]);
  });
});

describe("vmap equals a loop and jit equals eager", () => {
  const cases: readonly [string, Fn][] = [
    ...elementwise.map(([n, f]) => [n, f] as [string, Fn]),
    ["glu", (x) => nn.glu(x)],
    ["standardize", (x) => nn.standardize(x)],
    ["standardize (stable, axis 0)", (x) => nn.standardize(x, { axis: 0, algorithm: "stable" })],
  ];
  const x = random.uniform(random.key(5), [3, 4, 6], { minval: 0.1, maxval: 3, dtype: "float64" });
  for (const [name, f] of cases) {
    it(name, () => {
      expectTreeClose(vmap(f)(x), loopVmap(f, [0], [x]), { rtol: 1e-12, atol: 1e-14 });
      expectTreeClose(vmap(f, { inAxes: 2 })(x), loopVmap(f, [2], [x]), { rtol: 1e-12, atol: 1e-14 });
      expectTreeClose(jit(f)(x), f(x), { rtol: 1e-12, atol: 1e-14 });
    });
  }

  it("dotProductAttention: vmap over a batch of [T, N, H] problems (kv shared or not) and jit", () => {
    const q = random.normal(random.key(6), [3, 4, 4, 2], "float64");
    const k = random.normal(random.key(7), [3, 5, 2, 2], "float64");
    const v = random.normal(random.key(8), [3, 5, 2, 2], "float64");
    const f = (qq: NDArray, kk: NDArray, vv: NDArray) => nn.dotProductAttention(qq, kk, vv, { isCausal: true });
    expectTreeClose(vmap(f)(q, k, v), loopVmap(f, [0, 0, 0], [q, k, v]), { rtol: 1e-12, atol: 1e-14 });
    const k0 = random.normal(random.key(9), [5, 2, 2], "float64");
    expectTreeClose(vmap(f, { inAxes: [0, null, null] })(q, k0, k0), loopVmap(f, [0, null, null], [q, k0, k0]), { rtol: 1e-12, atol: 1e-14 });
    const mask = array([true, true, false, true, true]);
    const g = (qq: NDArray) => nn.dotProductAttention(qq, k, v, { mask, bias: np.multiply(qq.sum(), 0.1) });
    expectTreeClose(jit(g)(q.reshape([3, 4, 4, 2])), g(q), { rtol: 1e-12, atol: 1e-14 });
  });

  it("initializers: jit of an initializer equals eager, and vmap over keys equals a loop", () => {
    const keys = random.split(random.key(9), 3);
    const stacked = np.stack(keys);
    for (const init of [nn.initializers.heNormal(), nn.initializers.glorotUniform(), nn.initializers.truncatedNormal({ stddev: 2 })]) {
      const f = (key: NDArray) => init(key, [4, 3], "float64");
      expectTreeClose(jit(f)(keys[0]!), f(keys[0]!), { rtol: 1e-12, atol: 1e-14 });
      expectTreeClose(vmap(f)(stacked), loopVmap(f, [0], [stacked]), { rtol: 1e-12, atol: 1e-14 });
    }
  });
});
