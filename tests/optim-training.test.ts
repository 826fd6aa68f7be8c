// A whole training step — valueAndGrad → opt.update → applyUpdates — is pure, so it can be
// jit-ted as one function and gives the same numbers as the eager step.
import { compileCount, config, makeJaxpr, NDArray, nn, np, random, tree } from "@jaxts/core";
import { adam, adamw, applyUpdates, chain, clipByGlobalNorm, type GradientTransformation, injectHyperparams, lamb, sgd, schedules } from "@jaxts/optim";
import { softmaxCrossEntropyWithIntegerLabels } from "@jaxts/optim/losses";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

beforeAll(() => config.set({ defaultFloat: "float64" }));
afterAll(() => config.set({ defaultFloat: "float32" }));

type Params = { w1: NDArray; b1: NDArray; w2: NDArray; b2: NDArray };

function setup() {
  const [k1, k2, k3, k4] = random.split(random.key(0), 4) as NDArray[];
  const params: Params = {
    w1: random.normal(k1!, [4, 8]).mul(0.5),
    b1: np.zeros([8]),
    w2: random.normal(k2!, [8, 3]).mul(0.5),
    b2: np.zeros([3]),
  };
  const x = random.normal(k3!, [16, 4]);
  const y = random.randint(k4!, [16], 0, 3);
  return { params, x, y };
}

const loss = (p: Params, x: NDArray, y: NDArray) => {
  const h = nn.relu(np.add(np.matmul(x, p.w1), p.b1));
  return np.mean(softmaxCrossEntropyWithIntegerLabels(np.add(np.matmul(h, p.w2), p.b2), y));
};

function makeStep<S>(opt: GradientTransformation<S>) {
  return (params: Params, state: S, x: NDArray, y: NDArray): [Params, S, NDArray] => {
    const [value, grads] = valueAndGrad(loss)(params, x, y);
    const [updates, next] = opt.update(grads, state, params);
    return [applyUpdates(params, updates) as Params, next, value];
  };
}

const optimizers: [string, () => GradientTransformation<unknown>][] = [
  ["sgd with nesterov momentum", () => sgd(0.1, { momentum: 0.9, nesterov: true }) as GradientTransformation<unknown>],
  ["adam", () => adam(0.01) as GradientTransformation<unknown>],
  ["adamw", () => adamw(0.01, { weightDecay: 0.1 }) as GradientTransformation<unknown>],
  ["lamb", () => lamb(0.01) as GradientTransformation<unknown>],
  ["clipped adam with a cosine schedule", () => chain(clipByGlobalNorm(1), adam(schedules.cosineDecay(0.05, 10))) as GradientTransformation<unknown>],
  [
    "adam through injectHyperparams",
    () => injectHyperparams((h: { learningRate: unknown }) => adam(h.learningRate as number), { learningRate: 0.02 }) as GradientTransformation<unknown>,
  ],
];

describe("a jit-ted training step", () => {
  for (const [name, make] of optimizers) {
    it(`${name}: the jit-ted step equals the eager step, and the loss falls`, () => {
      const { params, x, y } = setup();
      const opt = make();
      const step = makeStep(opt);
      const jitted = jit(step);
      let [pe, se] = [params, opt.init(params)];
      let [pj, sj] = [params, opt.init(params)];
      const losses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const [p1, s1, l1] = step(pe, se, x, y);
        const [p2, s2, l2] = jitted(pj, sj, x, y);
        expect(l2.item()).toBeCloseTo(l1.item() as number, 12);
        losses.push(l1.item() as number);
        [pe, se, pj, sj] = [p1, s1, p2, s2];
      }
      for (const k of ["w1", "b1", "w2", "b2"] as const) {
        expect(np.allclose(pj[k], pe[k], { rtol: 1e-12, atol: 1e-12 }).item()).toBe(true);
      }
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    });
  }

  it("keeps the optimizer state a pytree of arrays, step count included", () => {
    const { params } = setup();
    const leaves = tree.leaves(adam(0.1).init(params));
    expect(leaves.length).toBeGreaterThan(0);
    expect(leaves.every((l) => l instanceof NDArray)).toBe(true);
    expect(leaves.some((l) => (l as NDArray).dtype === "int32" && (l as NDArray).ndim === 0)).toBe(true);
  });
});

describe("an eager Adam step", () => {
  it("runs compiled (staged once per tree and shapes), equals the same step traced, and adds no nested program to a jit-ted step", () => {
    config.set({ backend: "wasm" });
    try {
      const params = { w: np.linspace(-1, 1, 300).reshape([20, 15]), b: np.linspace(0, 1, 15) };
      const grads = tree.map((p) => np.sin((p as NDArray).mul(3)), params) as typeof params;
      const opt = adam(0.01);
      const s0 = opt.init(params);
      const [u1, s1] = opt.update(grads, s0);
      const compiles = compileCount();
      const [u2] = opt.update(grads, s1);
      expect(compileCount()).toBe(compiles); // the second eager step reuses the first's program
      // the same two steps, traced inside a user's jit: the same numbers
      const traced = jit((g: typeof params, s: ReturnType<typeof opt.init>) => {
        const [a, t] = opt.update(g, s);
        const [b] = opt.update(g, t);
        return [a, b];
      })(grads, s0) as [typeof params, typeof params];
      for (const k of ["w", "b"] as const) {
        expect(Array.from(u1[k].toTypedArray())).toEqual(Array.from(traced[0][k].toTypedArray()));
        expect(Array.from(u2[k].toTypedArray())).toEqual(Array.from(traced[1][k].toTypedArray()));
      }
      // inside a user's trace the update is plain code: one program, fusable across it
      const jaxpr = makeJaxpr((g: typeof params, s: ReturnType<typeof opt.init>) => opt.update(g, s))(grads, s0);
      expect(String(jaxpr)).not.toContain("pjit");
    } finally {
      config.set({ backend: "js" });
    }
  });
});
