// Every error a user of @jaxts/optim can meet: its JaxtsError subclass and the words that
// say what was expected, what was given, and where.
import { ArgumentError, array, DTypeError, JaxtsError, np, ShapeError, TreeStructureError } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import {
  adafactor,
  adam,
  adamw,
  addDecayedWeights,
  applyUpdates,
  chain,
  clipByGlobalNorm,
  injectHyperparams,
  lamb,
  losses,
  masked,
  multiSteps,
  rmsprop,
  scale,
  scaleByAdam,
  scaleByTrustRatio,
  schedules,
  sgd,
} from "../src/index.js";

const v = (x: number[]) => array(x, { dtype: "float64" });
const params = { dense: { w: v([1, 2]), b: [v([1]), v([2])] } };
const mismatched = { dense: { w: v([1, 2]), b: v([1]) } };
const layers = { layers: [{ W: np.ones([3, 4]) }, { W: np.ones([3, 4]) }, { W: np.ones([3, 4]) }] };
const layerGrads = { layers: [{ W: np.ones([3, 4]) }, { W: np.ones([3, 4]) }, { W: np.ones([4, 3]) }] };

const table: { name: string; run: () => unknown; cls: typeof JaxtsError; words: RegExp[] }[] = [
  {
    name: "applyUpdates with updates of another structure names the path",
    run: () => applyUpdates(params, mismatched as unknown as typeof params),
    cls: TreeStructureError,
    words: [/applyUpdates/, /params and updates/, /\.dense\.b/],
  },
  {
    name: "update with params of another structure names the optimizer and the path",
    run: () => {
      const opt = adam(0.1);
      return opt.update(mismatched, opt.init(params), params as unknown as typeof mismatched);
    },
    cls: TreeStructureError,
    words: [/adam\.update/, /updates and params/, /\.dense\.b/],
  },
  {
    name: "update with a state made for another tree names the optimizer, the failing stage and the path",
    run: () => adam(0.1).update(params, adam(0.1).init({ dense: { w: v([1, 2]), b: [v([1])] } }), params),
    cls: TreeStructureError,
    words: [/adam\.update \(in scaleByAdam\.update\)/, /updates and the state differ/, /\.dense\.b/, /init/],
  },
  { name: "a negative learning rate", run: () => sgd(-0.1), cls: ArgumentError, words: [/sgd/, /learning rate must be non-negative/, /-0\.1/] },
  { name: "a negative learning rate (adamw)", run: () => adamw(-1e-3), cls: ArgumentError, words: [/adamw/, /non-negative/] },
  { name: "a NaN learning rate", run: () => adam(Number.NaN), cls: ArgumentError, words: [/adam/, /learning rate must be a finite number, got NaN/] },
  { name: "an infinite learning rate", run: () => lamb(Number.POSITIVE_INFINITY), cls: ArgumentError, words: [/lamb/, /finite number, got Infinity/] },
  { name: "a learning rate that is not a number", run: () => adam("0.1" as unknown as number), cls: ArgumentError, words: [/adam/, /number or an NDArray, got string/] },
  { name: "a non-finite b1", run: () => adam(0.1, { b1: Number.NaN }), cls: ArgumentError, words: [/scaleByAdam/, /b1 must be a finite number, got NaN/] },
  { name: "a non-finite momentum", run: () => sgd(0.1, { momentum: Number.POSITIVE_INFINITY }), cls: ArgumentError, words: [/sgd/, /momentum/, /Infinity/] },
  { name: "a non-finite rmsprop decay", run: () => rmsprop(0.1, { decay: Number.NaN }), cls: ArgumentError, words: [/decay must be a finite number/] },
  { name: "a non-finite weight decay", run: () => adamw(0.1, { weightDecay: Number.NaN }), cls: ArgumentError, words: [/addDecayedWeights/, /weightDecay/, /NaN/] },
  { name: "a non-finite scale", run: () => scale(Number.NEGATIVE_INFINITY), cls: ArgumentError, words: [/scale/, /-Infinity/] },
  {
    name: "a non-finite schedule value",
    run: () => schedules.cosineDecay(Number.NaN, 10),
    cls: ArgumentError,
    words: [/cosineDecay/, /initValue must be a finite number, got NaN/],
  },
  { name: "cosineDecay over no steps", run: () => schedules.cosineDecay(1, 0), cls: ArgumentError, words: [/decaySteps must be positive, got 0/] },
  { name: "a negative piecewise scale", run: () => schedules.piecewiseConstant(1, { 10: -1 }), cls: ArgumentError, words: [/non-negative/, /step 10/] },
  { name: "join with a wrong number of boundaries", run: () => schedules.join([schedules.constant(1), schedules.constant(2)], []), cls: ArgumentError, words: [/2 schedules need 1 boundaries, got 0/] },
  {
    name: "warmupCosineDecay whose decay ends before the warmup",
    run: () => schedules.warmupCosineDecay(0, 1, 10, 10),
    cls: ArgumentError,
    words: [/decaySteps \(10\) must exceed warmupSteps \(10\)/],
  },
  {
    name: "a transformation that needs params called without them",
    run: () => addDecayedWeights(0.1).update(params, {}),
    cls: ArgumentError,
    words: [/addDecayedWeights\.update/, /needs the parameters/],
  },
  { name: "lamb's trust ratio without params", run: () => scaleByTrustRatio().update(params, {}), cls: ArgumentError, words: [/scaleByTrustRatio/, /parameters/] },
  { name: "adafactor without params", run: () => adafactor().update(params, adafactor().init(params)), cls: ArgumentError, words: [/scaleByFactoredRms/, /parameters/] },
  { name: "multiSteps with k = 0", run: () => multiSteps(sgd(0.1), 0), cls: ArgumentError, words: [/multiSteps/, /positive integer/, /got 0/] },
  {
    name: "a mask of another structure",
    run: () => masked(scale(2), { dense: { w: true } }).init(params),
    cls: TreeStructureError,
    words: [/masked/, /\.dense/],
  },
  { name: "a mask leaf that is not a boolean", run: () => masked(scale(2), { dense: 1 }).init(params), cls: ArgumentError, words: [/mask leaves must be booleans/, /number 1/, /\.dense/] },
  { name: "chain of something that is not a transformation", run: () => chain(scale(1), {} as unknown as ReturnType<typeof scale>), cls: ArgumentError, words: [/chain: argument 2/, /GradientTransformation/] },
  { name: "a chain state of the wrong length", run: () => chain(scale(1), scale(2)).update(params, [{}] as unknown as [{}, {}]), cls: ArgumentError, words: [/list of 2 inner states/] },
  {
    name: "injectHyperparams with an unknown static argument",
    run: () => injectHyperparams(scaleByAdam, { b1: 0.9 }, { staticArgs: ["b3" as "b1"] }),
    cls: ArgumentError,
    words: [/staticArgs names "b3"/, /b1/],
  },
  {
    name: "update with a gradient leaf of another shape than its parameter names the optimizer, the leaf path and both shapes",
    run: () => {
      const opt = adam(0.1);
      return opt.update(layerGrads, opt.init(layers), layers);
    },
    cls: ShapeError,
    words: [/^adam\.update: updates\.layers\[2\]\.W has shape \[4, 3\] but params\.layers\[2\]\.W has shape \[3, 4\]/],
  },
  {
    name: "update without params, against a state made for other shapes, names the optimizer, the failing stage and the leaf path",
    run: () => {
      const opt = sgd(0.1, { momentum: 0.9 });
      return opt.update(layerGrads, opt.init(layers));
    },
    cls: ShapeError,
    words: [/^sgd\.update \(in trace\.update\): params\.layers\[2\]\.W: /, /shapes \[4, 3\] and \[3, 4\]/],
  },
  {
    name: "chained transformations name the chain and the failing stage",
    run: () => {
      const opt = chain(clipByGlobalNorm(1), scaleByAdam());
      return opt.update(layerGrads, opt.init(layers));
    },
    cls: ShapeError,
    words: [/^chain\.update \(in scaleByAdam\.update\): params\.layers\[2\]\.W: /],
  },
  {
    name: "applyUpdates with an update of another shape names the leaf path and both shapes (no broadcasting the parameter)",
    run: () => applyUpdates(layers, layerGrads),
    cls: ShapeError,
    words: [/^applyUpdates: updates\.layers\[2\]\.W has shape \[4, 3\] but params\.layers\[2\]\.W has shape \[3, 4\]/],
  },
  {
    name: "applyUpdates with a broadcastable update of another shape is refused too",
    run: () => applyUpdates({ w: v([1, 2]) }, { w: v([1]) }),
    cls: ShapeError,
    words: [/^applyUpdates: updates\.w has shape \[1\] but params\.w has shape \[2\]/],
  },
  {
    name: "softmaxCrossEntropy with labels that do not fit the logits names the loss and both shapes",
    run: () => losses.softmaxCrossEntropy(np.ones([2, 3]), np.ones([2, 4])),
    cls: ShapeError,
    words: [/^softmaxCrossEntropy: labels of shape \[2, 4\] do not broadcast against logits of shape \[2, 3\]/],
  },
  {
    name: "sigmoidBinaryCrossEntropy with labels that do not fit the logits names the loss and both shapes",
    run: () => losses.sigmoidBinaryCrossEntropy(np.ones([2, 3]), np.ones([3, 3])),
    cls: ShapeError,
    words: [/^sigmoidBinaryCrossEntropy: labels of shape \[3, 3\] do not broadcast against logits of shape \[2, 3\]/],
  },
  {
    name: "sigmoidBinaryCrossEntropy refuses complex labels (its cast to the logits' dtype dropped their imaginary part)",
    run: () => losses.sigmoidBinaryCrossEntropy(np.ones([2]), array([{ re: 1, im: 1 }, { re: 0, im: 0 }], { dtype: "complex64" })),
    cls: DTypeError,
    words: [/^sigmoidBinaryCrossEntropy: labels must be real, got c64\[2\]/],
  },
  {
    name: "softmaxCrossEntropy refuses complex labels",
    run: () => losses.softmaxCrossEntropy(np.ones([2]), array([{ re: 1, im: 1 }, { re: 0, im: 0 }], { dtype: "complex64" })),
    cls: DTypeError,
    words: [/^softmaxCrossEntropy: labels must be real, got c64\[2\]/],
  },
  {
    name: "squaredError with targets of another shape names the loss",
    run: () => losses.squaredError(np.ones([3]), np.ones([4])),
    cls: ShapeError,
    words: [/^squaredError: predictions and targets must have the same shape, got \[3\] and \[4\]/],
  },
  { name: "injectHyperparams with a non-finite value", run: () => injectHyperparams(scaleByAdam, { b1: Number.NaN }), cls: ArgumentError, words: [/b1 must be a finite number/] },
];

describe("errors", () => {
  it.each(table)("$name", ({ run, cls, words }) => {
    let caught: unknown;
    try {
      run();
    } catch (e) {
      caught = e;
    }
    expect(caught, "expected an error").toBeInstanceOf(cls);
    expect(caught).toBeInstanceOf(JaxtsError);
    for (const w of words) expect((caught as Error).message).toMatch(w);
  });
});

describe("options come in an options object", () => {
  it("a positional hyperparameter (sgd(0.1, 0.9)) is an ArgumentError, not a silently ignored momentum", () => {
    expect(() => sgd(0.1, 0.9 as never)).toThrow(ArgumentError);
    expect(() => sgd(0.1, 0.9 as never)).toThrow(/sgd: optional arguments go in an options object/);
    expect(() => adam(0.1, null as never)).toThrow(/adam: .*got null/);
  });
});
