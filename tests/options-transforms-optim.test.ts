// Every public function of @jaxts/transforms and @jaxts/optim that takes an options object
// checks its keys: a misspelt key is an ArgumentError naming the function and suggesting the
// key it meant, instead of being ignored (grad differentiating argument 0, adam keeping b1).
import { ArgumentError, array, type NDArray, np } from "@jaxts/core";
import {
  adafactor,
  adagrad,
  adam,
  adamw,
  addDecayedWeights,
  ema,
  injectHyperparams,
  lamb,
  lion,
  losses,
  multiSteps,
  rmsprop,
  scaleByAdam,
  scaleByFactoredRms,
  scaleByLearningRate,
  scaleByLion,
  scaleByParamBlockRms,
  scaleByRms,
  scaleByRss,
  scaleByStddev,
  scaleByTrustRatio,
  schedules,
  sgd,
  trace,
} from "@jaxts/optim";
import { checkpoint, grad, hessian, jacfwd, jacrev, valueAndGrad, vmap } from "@jaxts/transforms";
import { arrayArb, checkGrads, pytreeArb, shapeArb } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const f = (x: NDArray) => np.sum(np.sin(x));
const x = array([0.5, 1]);
const logits = array([[1, 2, 3]]);

type Call = (opts: never) => unknown;
/** [function, call with the options, misspelt key, the key the hint must suggest] */
const table: [string, Call, string, string][] = [
  ["grad", (o) => grad(f, o), "argnum", "argnums"],
  ["valueAndGrad", (o) => valueAndGrad(f, o), "hasaux", "hasAux"],
  ["jacfwd", (o) => jacfwd(f, o), "argnum", "argnums"],
  ["jacrev", (o) => jacrev(f, o), "argnum", "argnums"],
  ["hessian", (o) => hessian(f, o), "argnum", "argnums"],
  ["vmap", (o) => vmap(f, o), "inAxis", "inAxes"],
  ["checkpoint", (o) => checkpoint(f, o), "polcy", "policy"],
  ["checkGrads", (o) => checkGrads(f, [x], o), "oder", "order"],
  ["arrayArb", (o) => arrayArb(o), "dtyp", "dtype"],
  ["shapeArb", (o) => shapeArb(o), "maxrank", "maxRank"],
  ["pytreeArb", (o) => pytreeArb(arrayArb(), o), "maxDepht", "maxDepth"],
  ["sgd", (o) => sgd(0.1, o), "momentom", "momentum"],
  ["adam", (o) => adam(0.1, o), "beta1", "b1"],
  ["adamw", (o) => adamw(0.1, o), "weightdecay", "weightDecay"],
  ["rmsprop", (o) => rmsprop(0.1, o), "centred", "centered"],
  ["adagrad", (o) => adagrad(0.1, o), "epsilon", "eps"],
  ["adafactor", (o) => adafactor(0.1, o), "decay_rate", "decayRate"],
  ["lion", (o) => lion(0.1, o), "beta2", "b2"],
  ["lamb", (o) => lamb(0.1, o), "weight_decay", "weightDecay"],
  ["scaleByAdam", (o) => scaleByAdam(o), "beta1", "b1"],
  ["scaleByRms", (o) => scaleByRms(o), "initialscale", "initialScale"],
  ["scaleByStddev", (o) => scaleByStddev(o), "epsInSqr", "epsInSqrt"],
  ["scaleByRss", (o) => scaleByRss(o), "initialAccumulator", "initialAccumulatorValue"],
  ["scaleByLion", (o) => scaleByLion(o), "mudtype", "muDtype"],
  ["scaleByTrustRatio", (o) => scaleByTrustRatio(o), "minnorm", "minNorm"],
  ["scaleByParamBlockRms", (o) => scaleByParamBlockRms(o), "minscale", "minScale"],
  ["scaleByFactoredRms", (o) => scaleByFactoredRms(o), "eps", "epsilon"],
  ["scaleByLearningRate", (o) => scaleByLearningRate(0.1, o), "flipsign", "flipSign"],
  ["trace", (o) => trace(0.9, o), "nesterof", "nesterov"],
  ["ema", (o) => ema(0.9, o), "debais", "debias"],
  ["addDecayedWeights", (o) => addDecayedWeights(0.1, o), "masks", "mask"],
  ["multiSteps", (o) => multiSteps(sgd(0.1), 2, o), "useGradMeans", "useGradMean"],
  ["injectHyperparams", (o) => injectHyperparams((h: { lr: NDArray }) => sgd(h.lr), { lr: 0.1 }, o), "staticArg", "staticArgs"],
  ["polynomial", (o) => schedules.polynomial(1, 0, 1, 10, o), "transitionbegin", "transitionBegin"],
  ["linear", (o) => schedules.linear(1, 0, 10, o), "transition_begin", "transitionBegin"],
  ["exponentialDecay", (o) => schedules.exponentialDecay(1, 10, 0.5, o), "stairCase", "staircase"],
  ["cosineDecay", (o) => schedules.cosineDecay(1, 10, o), "alpah", "alpha"],
  ["warmupCosineDecay", (o) => schedules.warmupCosineDecay(0, 1, 10, 100, o), "end_value", "endValue"],
  ["huberLoss", (o) => losses.huberLoss(x, x, o), "delat", "delta"],
  ["softmaxCrossEntropy", (o) => losses.softmaxCrossEntropy(logits, array([[0, 0, 1]]), o), "axes", "axis"],
  ["softmaxCrossEntropyWithIntegerLabels", (o) => losses.softmaxCrossEntropyWithIntegerLabels(logits, array([2], { dtype: "int32" }), o), "axes", "axis"],
];

describe("a misspelt option is an ArgumentError with the nearest key", () => {
  for (const [name, call, wrong, meant] of table) {
    it(`${name}({ ${wrong} }) suggests \`${meant}\``, () => {
      let error: unknown;
      try {
        call({ [wrong]: 1 } as never);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as Error).message).toContain(`${name}: unknown option "${wrong}" (did you mean \`${meant}\`?)`);
    });
  }
});

describe("option values of the wrong kind are ArgumentErrors", () => {
  it("grad(f, { argnums: 1.5 }) says argnums must be an integer, not that it is out of range", () => {
    expect(() => grad(f, { argnums: 1.5 })).toThrow(ArgumentError);
    expect(() => grad(f, { argnums: 1.5 })).toThrow(/grad: option `argnums` must be an integer or a list of integers, got number 1.5/);
    expect(() => jacrev(f, { argnums: [0, 0.5] })).toThrow(/must be an integer or a list of integers/);
  });
  it("adam(lr, { b1: '0.9' }) and sgd(lr, { nesterov: 1 }) name the option and what it must be", () => {
    expect(() => adam(0.1, { b1: "0.9" as never })).toThrow(/b1 must be a number or an NDArray, got string 0.9/);
    expect(() => sgd(0.1, { nesterov: 1 as never })).toThrow(/sgd: option `nesterov` must be a boolean, got number 1/);
  });
  it("the correctly spelt option takes effect: grad(f, { argnums: 1 }) differentiates argument 1", () => {
    const g = grad((a: NDArray, b: NDArray) => np.sum(np.multiply(a, np.square(b))), { argnums: 1 })(array([2]), array([3])) as NDArray;
    expect(g.toArray()).toEqual([12]);
  });
});
