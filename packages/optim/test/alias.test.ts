// Optimizer trajectories against Optax's numbers: the values Optax prints for sgd and adam
// on Σ(p - [1, -1, 1])², and for every other optimizer (and option) an independent
// plain-JS float64 re-implementation of Optax's update rule (reference.ts), to 1e-6.
import { describe, expect, it } from "vitest";
import { adafactor, adagrad, adam, adamw, type GradientTransformation, lamb, lion, rmsprop, schedules, sgd } from "../src/index.js";
import { expectLeavesClose, fromLeaves, quadraticTo, toLeaves, trajectory } from "./helpers.js";
import * as ref from "./reference.js";

const ONE_LEAF = { init: { w: [-1, 10, 1] }, target: { w: [1, -1, 1] } };
// Two leaves, so that masks and per-leaf norms (LAMB's trust ratio, Adafactor's rms) matter.
const TWO_LEAVES = { init: { w: [-1, 10, 1], b: [0.5, -2] }, target: { w: [1, -1, 1], b: [-1, 0.5] } };

describe("Optax's published trajectories (float64)", () => {
  const table = [
    { name: "sgd(0.1)", opt: () => sgd(0.1), want: [[-0.6, 7.8, 1], [-0.28, 6.04, 1], [-0.024, 4.632, 1]] },
    {
      name: "adam(0.1)",
      opt: () => adam(0.1),
      want: [[-0.9, 9.9, 1], [-0.800166, 9.800025, 1], [-0.700623, 9.700091, 1]],
    },
  ];
  it.each(table)("$name after steps 1, 2, 3", ({ opt, want }) => {
    const got = trajectory(opt(), fromLeaves(ONE_LEAF.init, "float64"), quadraticTo(ONE_LEAF.target), 3);
    got.forEach((p, i) => expectLeavesClose(toLeaves(p), { w: want[i]! }, 1e-6, `step ${i + 1}`));
  });
});

interface Case {
  readonly name: string;
  readonly opt: () => GradientTransformation<unknown>;
  readonly ref: () => ref.RefStep;
  readonly tree?: typeof TWO_LEAVES;
}

const cases: Case[] = [
  { name: "sgd(0.1, momentum 0.9)", opt: () => sgd(0.1, { momentum: 0.9 }), ref: () => ref.refSgd(0.1, { momentum: 0.9 }) },
  { name: "sgd(0.1, nesterov)", opt: () => sgd(0.1, { momentum: 0.9, nesterov: true }), ref: () => ref.refSgd(0.1, { momentum: 0.9, nesterov: true }) },
  {
    name: "sgd(exponentialDecay schedule)",
    opt: () => sgd(schedules.exponentialDecay(0.1, 2, 0.5)),
    ref: () => ref.refSgd((t) => 0.1 * 0.5 ** (t / 2)),
  },
  { name: "adam(0.1)", opt: () => adam(0.1), ref: () => ref.refAdam(0.1) },
  { name: "adam(0.1, nesterov)", opt: () => adam(0.1, { nesterov: true }), ref: () => ref.refAdam(0.1, { nesterov: true }) },
  {
    name: "adam(0.05, b1 .8, b2 .99, eps 1e-3, epsRoot 1e-4)",
    opt: () => adam(0.05, { b1: 0.8, b2: 0.99, eps: 1e-3, epsRoot: 1e-4 }),
    ref: () => ref.refAdam(0.05, { b1: 0.8, b2: 0.99, eps: 1e-3, epsRoot: 1e-4 }),
  },
  { name: "adamw(0.1) (weightDecay 1e-4)", opt: () => adamw(0.1), ref: () => ref.refAdam(0.1, { weightDecay: 1e-4 }) },
  {
    name: "adamw(0.1, weightDecay 0.1, mask {w})",
    opt: () => adamw(0.1, { weightDecay: 0.1, mask: { w: true, b: false } }),
    ref: () => ref.refAdam(0.1, { weightDecay: 0.1, mask: { w: true, b: false } }),
    tree: TWO_LEAVES,
  },
  {
    name: "adamw(0.1, mask function)",
    opt: () => adamw(0.1, { weightDecay: 0.1, mask: (p: unknown) => ({ w: false, b: p !== undefined }) }),
    ref: () => ref.refAdam(0.1, { weightDecay: 0.1, mask: { w: false, b: true } }),
    tree: TWO_LEAVES,
  },
  { name: "rmsprop(0.1)", opt: () => rmsprop(0.1), ref: () => ref.refRmsprop(0.1) },
  { name: "rmsprop(0.1, centered)", opt: () => rmsprop(0.1, { centered: true }), ref: () => ref.refRmsprop(0.1, { centered: true }) },
  {
    name: "rmsprop(0.1, momentum .9, nesterov)",
    opt: () => rmsprop(0.1, { momentum: 0.9, nesterov: true }),
    ref: () => ref.refRmsprop(0.1, { momentum: 0.9, nesterov: true }),
  },
  {
    name: "rmsprop(0.1, eps outside the root, bias correction, initialScale .1, centered)",
    opt: () => rmsprop(0.1, { epsInSqrt: false, biasCorrection: true, initialScale: 0.1, centered: true, eps: 1e-3 }),
    ref: () => ref.refRmsprop(0.1, { epsInSqrt: false, biasCorrection: true, initialScale: 0.1, centered: true, eps: 1e-3 }),
  },
  { name: "adagrad(0.1)", opt: () => adagrad(0.1), ref: () => ref.refAdagrad(0.1) },
  {
    name: "adagrad(0.5, initial 0, eps 1e-5)",
    opt: () => adagrad(0.5, { initialAccumulatorValue: 0, eps: 1e-5 }),
    ref: () => ref.refAdagrad(0.5, { initialAccumulatorValue: 0, eps: 1e-5 }),
  },
  { name: "adafactor() (no learning rate)", opt: () => adafactor(), ref: () => ref.refAdafactor(undefined), tree: TWO_LEAVES },
  { name: "adafactor(0.1)", opt: () => adafactor(0.1), ref: () => ref.refAdafactor(0.1), tree: TWO_LEAVES },
  {
    name: "adafactor(0.1, momentum, weight decay, no clipping)",
    opt: () => adafactor(0.1, { momentum: 0.9, weightDecayRate: 0.01, clippingThreshold: null, decayRate: 0.7 }),
    ref: () => ref.refAdafactor(0.1, { momentum: 0.9, weightDecayRate: 0.01, clippingThreshold: null, decayRate: 0.7 }),
    tree: TWO_LEAVES,
  },
  {
    name: "adafactor(0.5, no parameter scale, clipping 0.5)",
    opt: () => adafactor(0.5, { multiplyByParameterScale: false, clippingThreshold: 0.5 }),
    ref: () => ref.refAdafactor(0.5, { multiplyByParameterScale: false, clippingThreshold: 0.5 }),
    tree: TWO_LEAVES,
  },
  { name: "lion(0.1) (weightDecay 1e-3)", opt: () => lion(0.1), ref: () => ref.refLion(0.1) },
  {
    name: "lion(0.1, b1 .8, b2 .9, weightDecay .1, mask {b})",
    opt: () => lion(0.1, { b1: 0.8, b2: 0.9, weightDecay: 0.1, mask: { w: false, b: true } }),
    ref: () => ref.refLion(0.1, { b1: 0.8, b2: 0.9, weightDecay: 0.1, mask: { w: false, b: true } }),
    tree: TWO_LEAVES,
  },
  { name: "lamb(0.1)", opt: () => lamb(0.1), ref: () => ref.refLamb(0.1), tree: TWO_LEAVES },
  {
    name: "lamb(0.1, weightDecay .1, mask {w})",
    opt: () => lamb(0.1, { weightDecay: 0.1, mask: { w: true, b: false } }),
    ref: () => ref.refLamb(0.1, { weightDecay: 0.1, mask: { w: true, b: false } }),
    tree: TWO_LEAVES,
  },
];

describe("trajectories match a plain-JS re-implementation of Optax (float64, 6 steps, 1e-6)", () => {
  it.each(cases)("$name", ({ opt, ref: makeRef, tree = ONE_LEAF }) => {
    const steps = 6;
    const got = trajectory(opt(), fromLeaves(tree.init, "float64"), quadraticTo(tree.target), steps);
    const want = ref.refTrajectory(makeRef(), tree.init, tree.target, steps);
    got.forEach((p, i) => expectLeavesClose(toLeaves(p), want[i]!, 1e-6, `step ${i + 1}`));
    // the trajectory moved: a transformation that returned zeros would match nothing above
    expect(toLeaves(got[steps - 1]!)).not.toEqual(tree.init);
  });
});
