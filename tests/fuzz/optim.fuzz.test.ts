// Fuzz every public function of @jaxts/optim — optimizers, gradient transformations and
// wrappers (whose init/update are then run on generated params, grads and states),
// schedules (then called with generated steps), losses and applyUpdates.
import * as optim from "@jaxts/optim";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { anyArb, hostileTreeArb, junkArb, maybeOptionsArb, numberArb, optionsArb, USER_FNS } from "./arbitraries.js";
import { type AnyFn, fuzzFunction, fuzzMixedPrecision, fuzzUnknownOption, RUNS, type Sig, stats } from "./harness.js";

const opts = maybeOptionsArb;
/** Learning rates and other hyperparameters: numbers, schedules, junk. */
const lrArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(0.1, 1e-3, 1) },
  { weight: 2, arbitrary: numberArb },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(optim.schedules.constant(0.1), optim.schedules.linear(1, 0, 10), (n: unknown) => n, () => "lr", () => Number.NaN) },
  { weight: 1, arbitrary: junkArb },
);
const txArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<() => unknown>(() => optim.sgd(0.1), () => optim.adam(0.01), () => optim.identity(), () => optim.clip(1)).map((make) => make()) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ init: () => ({}) }, { init: 1, update: 2 }, { init: (p: unknown) => p, update: () => "x" }) },
  { weight: 1, arbitrary: junkArb },
);
const scheduleArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: lrArb }, { weight: 1, arbitrary: fc.array(lrArb, { maxLength: 3 }) });
const boundariesArb: fc.Arbitrary<unknown> = fc.oneof(fc.array(numberArb, { maxLength: 3 }), fc.constantFrom<unknown>({ 5: 0.1, 10: 0.5 }, { a: 1 }, { "-1": 2 }, { 3: Number.NaN }), junkArb);
const maskArb: fc.Arbitrary<unknown> = fc.oneof(fc.boolean(), fc.constantFrom<unknown>({ a: true, b: false }, [true, false], (p: unknown) => p, () => true), anyArb);
const factoryArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 3, arbitrary: fc.constantFrom<unknown>(optim.sgd, optim.adam, optim.scale, optim.clip) }, { weight: 1, arbitrary: fc.constantFrom(...USER_FNS) });
const hyperArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>({ learningRate: 0.1 }, { learningRate: optim.schedules.constant(0.1) }, { stepSize: 2 }, { maxDelta: 1 }, {}),
  optionsArb,
);

const OPT: Sig = [lrArb, opts];
const H: Sig = [lrArb];

/** Argument kinds per function; a new export falls back to (hyperparameter, options). */
const SIGNATURES: Readonly<Record<string, Sig>> = {
  sgd: OPT, adam: OPT, adamw: OPT, rmsprop: OPT, adagrad: OPT, adafactor: OPT, lion: OPT, lamb: OPT,
  scaleByLearningRate: OPT, trace: OPT, ema: OPT, addDecayedWeights: OPT,
  clip: H, clipByBlockRms: H, clipByGlobalNorm: H, scale: H, scaleBySchedule: H,
  scaleByAdam: [opts], scaleByRms: [opts], scaleByStddev: [opts], scaleByRss: [opts], scaleByLion: [opts],
  scaleByTrustRatio: [opts], scaleByParamBlockRms: [opts], scaleByFactoredRms: [opts], identity: [],
  chain: [txArb, txArb, txArb], masked: [txArb, maskArb], multiSteps: [txArb, "I", opts], injectHyperparams: [factoryArb, hyperArb, opts],
  applyUpdates: ["T", "T"],
  // schedules
  "schedules.constant": ["N"], "schedules.linear": ["N", "N", "I", opts], "schedules.polynomial": ["N", "N", "N", "I", opts],
  "schedules.exponentialDecay": ["N", "I", "N", opts], "schedules.cosineDecay": ["N", "I", opts],
  "schedules.warmupCosineDecay": [opts], "schedules.piecewiseConstant": ["N", boundariesArb], "schedules.join": [scheduleArb, boundariesArb],
  // losses
  "losses.squaredError": ["A", "A"], "losses.l2Loss": ["A", "A"], "losses.huberLoss": ["A", "A", opts],
  "losses.softmaxCrossEntropy": ["A", "A", opts], "losses.softmaxCrossEntropyWithIntegerLabels": ["A", "A", opts],
  "losses.sigmoidBinaryCrossEntropy": ["A", "A"],
  // tree utilities
  treeAdd: ["T", "T", "T"], treeSub: ["T", "T"], treeMul: ["T", "T"], treeDiv: ["T", "T"], treeScale: ["A", "T"],
  treeAddScale: ["T", "A", "T"], treeVdot: ["T", "T"], treeSum: ["T"], treeMax: ["T"], treeMin: ["T"], treeSize: ["T"],
  treeNorm: ["T", opts], treeZerosLike: ["T", opts], treeOnesLike: ["T", opts], treeFullLike: ["T", "A", opts],
  treeClip: ["T", opts], treeWhere: ["A", "T", "T"], treeAllclose: ["T", "T", opts],
};

const isClass = (f: unknown): boolean => typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));

function publicFunctions(): [string, AnyFn][] {
  const out: [string, AnyFn][] = [];
  const add = (prefix: string, ns: object): void => {
    for (const [k, v] of Object.entries(ns)) if (typeof v === "function" && !isClass(v)) out.push([`${prefix}${k}`, v as AnyFn]);
  };
  add("", optim);
  add("schedules.", optim.schedules);
  add("losses.", optim.losses);
  return out;
}
const FUNCTIONS = publicFunctions();

describe("fuzz @jaxts/optim: only JaxtsErrors escape, inputs unchanged, grad still works", () => {
  for (const [name, fn] of FUNCTIONS) {
    it(name, () => {
      // Factories get twice the runs: each also runs init/update or the schedule it returns.
      const loss = name.startsWith("losses.");
      fuzzFunction(name, fn, SIGNATURES[name] ?? OPT, undefined, loss ? RUNS : RUNS * 2, loss);
    });
  }
});

describe("mixed precision: no loss in a coarser dtype than an operand it reads", () => {
  for (const [name, fn] of FUNCTIONS) {
    if (!name.startsWith("losses.")) continue;
    it(name, () => {
      fuzzMixedPrecision(name, fn, SIGNATURES[name] ?? ["A", "A"]);
    });
  }
});

describe("fuzz optim with cyclic and 100,000-deep pytrees", () => {
  const targets: [string, AnyFn][] = [
    ["applyUpdates", (t) => optim.applyUpdates(t, t)],
    ["adam.init", (t) => optim.adam(0.1).init(t)],
  ];
  for (const [name, fn] of targets) {
    it(name, () => {
      fuzzFunction(`${name} (cyclic/deep input)`, fn, [hostileTreeArb], undefined, 10);
    });
  }
});

describe("an unknown option key is an error, never ignored", () => {
  for (const [name, fn] of FUNCTIONS) {
    const sig = SIGNATURES[name] ?? OPT;
    if (sig === undefined) continue;
    it(name, () => {
      fuzzUnknownOption(name, fn, sig);
    });
  }
});

describe("the optim fuzz covers the API", () => {
  it("enumerates optimizers, schedules and losses and has no stale signature rows", () => {
    const names = new Set(FUNCTIONS.map(([n]) => n));
    expect(["adam", "chain", "applyUpdates", "schedules.join", "losses.huberLoss"].every((n) => names.has(n))).toBe(true);
    expect(Object.keys(SIGNATURES).filter((n) => !names.has(n))).toEqual([]);
  });
});

afterAll(() => {
  if (RUNS >= 40) expect(stats.calls).toBeGreaterThanOrEqual(3_000);
  console.log(`optim fuzz: ${stats.calls} calls, ${stats.thrown} threw, allowed failures: ${JSON.stringify(Object.fromEntries(stats.allowed))}`);
});
