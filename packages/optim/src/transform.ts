// The building blocks optimizers are chained from (optax's transform.py and transforms/):
// one factory per transformation, each returning { init, update } closures over its
// hyperparameters, with a readonly state type named after it.
import { ArgumentError, type DType, lax, type NDArray, np, checkOptions, type OptionSpec } from "@jaxts/core";
import { type EmptyState, emptyState, type GradientTransformation, requireParams, type ScalarOrSchedule, transformation } from "./base.js";
import type { Schedule } from "./schedules.js";
import {
  biasCorrection,
  castTree,
  checkFloatDtype,
  checkHyper,
  checkLearningRate,
  describe,
  fullLikeTree,
  type Hyper,
  hyperLike,
  mapArrays,
  negate,
  oneMinus,
  safeIncrement,
  safeNorm,
  safeRootMeanSquares,
  updateMoment,
  zeroCount,
  zerosLikeTree,
} from "./tree-util.js";
import { type MaskedState, type MaskOrFn, masked } from "./wrappers.js";
import { compiledWhenEager, numberKey } from "./compiled.js";

/**
 * Scales by a scalar: `u ← s·g`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scale } from "@jaxts/optim";
 *
 * const tx = scale(2);
 * const [u] = tx.update({ w: array([1, -1]) }, tx.init({})); // u.w = [2, -2]
 */
export function scale(stepSize: Hyper): GradientTransformation<EmptyState> {
  checkHyper("scale", "stepSize", stepSize);
  return transformation("scale", emptyState, (updates, state) => [mapArrays((g) => np.multiply(hyperLike(stepSize, g), g), updates), state]);
}

export interface ScaleByScheduleState {
  readonly count: NDArray;
}

/** The value of a schedule as a factor for `g`: a number stays weak, an array takes g's dtype. */
function scheduleFactor(v: NDArray | number, g: NDArray): NDArray | number {
  return typeof v === "number" ? v : lax.convertElementType(v, g.dtype);
}

/**
 * Scales by a schedule of the step count: `u_t ← s(t)·g_t`, t = 0, 1, ...
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleBySchedule, schedules } from "@jaxts/optim";
 *
 * const tx = scaleBySchedule(schedules.exponentialDecay(1, 1, 0.5));
 * const g = { w: array([1, 1]) };
 * let state = tx.init(g);
 * let u;
 * [u, state] = tx.update(g, state); // u.w = [1, 1]
 * [u, state] = tx.update(g, state); // u.w = [0.5, 0.5]
 */
export function scaleBySchedule(stepSizeFn: Schedule): GradientTransformation<ScaleByScheduleState> {
  if (typeof stepSizeFn !== "function") throw new ArgumentError(`scaleBySchedule: stepSizeFn must be a schedule (a function of the step), got ${describe(stepSizeFn)}`);
  return transformation(
    "scaleBySchedule",
    () => ({ count: zeroCount() }),
    (updates, state) => {
      const s = stepSizeFn(state.count);
      return [mapArrays((g) => np.multiply(scheduleFactor(s, g), g), updates), { count: safeIncrement(state.count) }];
    },
  );
}

export type LearningRateState = ScaleByScheduleState | EmptyState;

/**
 * Scales by the negated learning rate, `u ← -α_t·g` (or `+α_t·g` with `flipSign: false`);
 * `α` is a non-negative number, an array, or a schedule of the step.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { chain, scaleByAdam, scaleByLearningRate, schedules } from "@jaxts/optim";
 *
 * const [u] = scaleByLearningRate(0.1).update({ w: array([1, -2]) }, {}); // u.w = [-0.1, 0.2]
 * const myAdam = chain(scaleByAdam(), scaleByLearningRate(schedules.cosineDecay(1e-3, 1000)));
 */
export function scaleByLearningRate(learningRate: ScalarOrSchedule, opts: { readonly flipSign?: boolean } = {}): GradientTransformation<LearningRateState> {
  checkOptions(opts, "scaleByLearningRate", { flipSign: "boolean" });
  checkLearningRate("scaleByLearningRate", learningRate);
  const m = opts.flipSign === false ? 1 : -1;
  if (typeof learningRate === "function") {
    return scaleBySchedule((count) => {
      const v = learningRate(count);
      return typeof v === "number" ? m * v : np.multiply(v, m);
    });
  }
  return scale(m === 1 ? learningRate : negate(learningRate));
}

export interface AddDecayedWeightsState {
  readonly count?: NDArray;
}

/**
 * Adds the parameters scaled by the weight decay: `u ← g + λ_t·p` (decoupled weight decay
 * once followed by scaleByLearningRate). `mask` (a tree of booleans or a function of the
 * params) selects the leaves it applies to.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { addDecayedWeights } from "@jaxts/optim";
 *
 * const tx = addDecayedWeights(0.1, { mask: { w: true, b: false } });
 * const params = { w: array([10, 20]), b: array([5]) };
 * const [u] = tx.update({ w: array([1, 1]), b: array([1]) }, tx.init(params), params); // u = { w: [2, 3], b: [1] }
 */
export function addDecayedWeights(
  weightDecay: ScalarOrSchedule = 0,
  opts: { readonly mask?: MaskOrFn | null } = {},
): GradientTransformation<AddDecayedWeightsState | MaskedState<AddDecayedWeightsState>> {
  checkOptions(opts, "addDecayedWeights", { mask: "any" });
  if (typeof weightDecay !== "function") checkHyper("addDecayedWeights", "weightDecay", weightDecay);
  const tx = transformation<AddDecayedWeightsState>(
    "addDecayedWeights",
    () => (typeof weightDecay === "function" ? { count: zeroCount() } : {}),
    (updates, state, params) => {
      requireParams("addDecayedWeights", params);
      let s: NDArray | number;
      let next: AddDecayedWeightsState = state;
      if (typeof weightDecay === "function") {
        const count = state.count as NDArray;
        s = weightDecay(count);
        next = { count: safeIncrement(count) };
      } else {
        if (weightDecay === 0) return [updates, state];
        s = weightDecay;
      }
      return [mapArrays((g, p) => np.add(g, np.multiply(typeof s === "number" ? s : hyperLike(s, g), p)), updates, params), next];
    },
  );
  return opts.mask === undefined || opts.mask === null ? tx : masked(tx, opts.mask);
}

export interface TraceState {
  readonly trace: unknown;
}

/**
 * Momentum: `m ← g + β·m`, `u ← m` (or `u ← g + β·m` with `nesterov`).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { trace } from "@jaxts/optim";
 *
 * const tx = trace(0.9);
 * const g = { w: array([1]) };
 * let state = tx.init(g);
 * let u;
 * [u, state] = tx.update(g, state); // u.w = [1]
 * [u, state] = tx.update(g, state); // u.w = [1.9]
 */
export function trace(decay: Hyper, opts: { readonly nesterov?: boolean; readonly accumulatorDtype?: DType } = {}): GradientTransformation<TraceState> {
  checkOptions(opts, "trace", { nesterov: "boolean", accumulatorDtype: "dtype" });
  checkHyper("trace", "decay", decay);
  checkFloatDtype("trace", "accumulatorDtype", opts.accumulatorDtype);
  const step = (g: NDArray, t: NDArray): NDArray => np.add(g, np.multiply(hyperLike(decay, t), t));
  return transformation(
    "trace",
    (params) => ({ trace: zerosLikeTree(params, opts.accumulatorDtype) }),
    (updates, state) => {
      const newTrace = mapArrays(step, updates, state.trace);
      const out = opts.nesterov ? mapArrays(step, updates, newTrace) : newTrace;
      return [out, { trace: castTree(newTrace, opts.accumulatorDtype) }];
    },
  );
}

export interface EmaState {
  readonly count: NDArray;
  readonly ema: unknown;
}

/**
 * Exponential moving average: `m ← (1-β)·g + β·m`, `u ← m / (1 - β^t)` (or `u ← m`
 * without `debias`).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { ema } from "@jaxts/optim";
 *
 * const tx = ema(0.9, { debias: false });
 * const g = { w: array([1]) };
 * let state = tx.init(g);
 * let u;
 * [u, state] = tx.update(g, state); // u.w = [0.1]
 * [u, state] = tx.update(g, state); // u.w = [0.19]
 */
export function ema(decay: Hyper, opts: { readonly debias?: boolean; readonly accumulatorDtype?: DType } = {}): GradientTransformation<EmaState> {
  checkOptions(opts, "ema", { debias: "boolean", accumulatorDtype: "dtype" });
  checkHyper("ema", "decay", decay);
  checkFloatDtype("ema", "accumulatorDtype", opts.accumulatorDtype);
  return transformation(
    "ema",
    (params) => ({ count: zeroCount(), ema: zerosLikeTree(params, opts.accumulatorDtype) }),
    (updates, state) => {
      const newEma = updateMoment(updates, state.ema, decay, 1);
      const count = safeIncrement(state.count);
      const out = opts.debias === false ? newEma : biasCorrection(newEma, decay, count);
      return [out, { count, ema: castTree(newEma, opts.accumulatorDtype) }];
    },
  );
}

export interface ScaleByAdamState {
  readonly count: NDArray;
  readonly mu: unknown;
  readonly nu: unknown;
}

export interface ScaleByAdamOptions {
  readonly b1?: Hyper;
  readonly b2?: Hyper;
  readonly eps?: Hyper;
  readonly epsRoot?: Hyper;
  readonly muDtype?: DType;
  readonly nesterov?: boolean;
}

/** The keys scaleByAdam (and adam, adamw) read; hyperparameters are checked by checkHyper. */
export const adamSpec: OptionSpec<ScaleByAdamOptions> = { b1: "any", b2: "any", eps: "any", epsRoot: "any", muDtype: "dtype", nesterov: "boolean" };

/**
 * Adam's rescaling: `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`,
 * `u ← m̂ / (√(v̂ + ε_root) + ε)` with `m̂ = m/(1-β₁^t)`, `v̂ = v/(1-β₂^t)`; with `nesterov`,
 * `m̂ = β₁m/(1-β₁^(t+1)) + (1-β₁)g/(1-β₁^t)`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByAdam } from "@jaxts/optim";
 *
 * const tx = scaleByAdam();
 * const g = { w: array([0.5, -4]) };
 * const [u] = tx.update(g, tx.init(g)); // first step: ≈ sign(g) = [1, -1]
 */
export function scaleByAdam(opts: ScaleByAdamOptions = {}): GradientTransformation<ScaleByAdamState> {
  checkOptions(opts, "scaleByAdam", adamSpec);
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, muDtype, nesterov = false } = opts;
  for (const [name, v] of [["b1", b1], ["b2", b2], ["eps", eps], ["epsRoot", epsRoot]] as const) checkHyper("scaleByAdam", name, v);
  checkFloatDtype("scaleByAdam", "muDtype", muDtype);
  const plain = (updates: unknown, state: ScaleByAdamState): readonly [unknown, ScaleByAdamState] => {
    const mu = updateMoment(updates, state.mu, b1, 1);
    const nu = updateMoment(updates, state.nu, b2, 2);
    const count = safeIncrement(state.count);
    const muHat = nesterov
      ? mapArrays(
          (m, g) => np.add(np.multiply(hyperLike(b1, m), m), np.multiply(hyperLike(oneMinus(b1), g), g)),
          biasCorrection(mu, b1, safeIncrement(count)),
          biasCorrection(updates, b1, count),
        )
      : biasCorrection(mu, b1, count);
    const nuHat = biasCorrection(nu, b2, count);
    const out = mapArrays((m, v) => np.divide(m, np.add(np.sqrt(np.add(v, hyperLike(epsRoot, v))), hyperLike(eps, v))), muHat, nuHat);
    return [out, { count, mu: castTree(mu, muDtype), nu }];
  };
  // Numbers only: an array hyperparameter (injectHyperparams passes them) stays eager.
  const hypers = [b1, b2, eps, epsRoot];
  const step = hypers.every((h) => typeof h === "number")
    ? compiledWhenEager(`scaleByAdam:${hypers.map((h) => numberKey(h as number)).join(",")}:${muDtype ?? ""}:${nesterov}`, plain)
    : plain;
  return transformation(
    "scaleByAdam",
    (params) => ({ count: zeroCount(), mu: zerosLikeTree(params, muDtype), nu: zerosLikeTree(params) }),
    (updates, state) => step(updates, state),
  );
}

export interface ScaleByRmsState {
  readonly count?: NDArray;
  readonly nu: unknown;
}

export interface ScaleByRmsOptions {
  readonly decay?: Hyper;
  readonly eps?: Hyper;
  readonly initialScale?: Hyper;
  readonly epsInSqrt?: boolean;
  readonly biasCorrection?: boolean;
}

const rmsSpec: OptionSpec<ScaleByRmsOptions> = { decay: "any", eps: "any", initialScale: "any", epsInSqrt: "boolean", biasCorrection: "boolean" };

/** `1/√(n + ε)` or `1/(√n + ε)`. */
const rootInverse = (n: NDArray, eps: Hyper, epsInSqrt: boolean): NDArray =>
  epsInSqrt ? lax.rsqrt(np.add(n, hyperLike(eps, n))) : np.divide(1, np.add(np.sqrt(n), hyperLike(eps, n)));

/**
 * RMSProp's rescaling: `v ← βv + (1-β)g²`, `u ← g / √(v + ε)` (`g / (√v + ε)` with
 * `epsInSqrt: false`, PyTorch's form); `v` starts at `initialScale`, and is divided by
 * `1 - β^t` with `biasCorrection`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByRms } from "@jaxts/optim";
 *
 * const tx = scaleByRms({ decay: 0.99 });
 * const g = { w: array([2]) };
 * const [u] = tx.update(g, tx.init(g)); // 2 / √(0.01·4 + 1e-8) ≈ [10]
 */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation<ScaleByRmsState> {
  checkOptions(opts, "scaleByRms", rmsSpec);
  const { decay = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, biasCorrection: debias = false } = opts;
  for (const [name, v] of [["decay", decay], ["eps", eps], ["initialScale", initialScale]] as const) checkHyper("scaleByRms", name, v);
  return transformation(
    "scaleByRms",
    (params) => {
      const nu = fullLikeTree(params, initialScale);
      return debias ? { count: zeroCount(), nu } : { nu };
    },
    (updates, state) => {
      const nu = updateMoment(updates, state.nu, decay, 2);
      const count = debias ? safeIncrement(state.count as NDArray) : undefined;
      const nuHat = count === undefined ? nu : biasCorrection(nu, decay, count);
      const out = mapArrays((n, g) => np.multiply(rootInverse(n, eps, epsInSqrt), g), nuHat, updates);
      return [out, count === undefined ? { nu } : { count, nu }];
    },
  );
}

export interface ScaleByStddevState {
  readonly count?: NDArray;
  readonly mu: unknown;
  readonly nu: unknown;
}

/**
 * Centered RMSProp's rescaling: `m ← βm + (1-β)g`, `v ← βv + (1-β)g²`,
 * `u ← g / √(v - m² + ε)` (or `g / (√(v - m²) + ε)`).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByStddev } from "@jaxts/optim";
 *
 * const tx = scaleByStddev({ decay: 0.5 });
 * const g = { w: array([2]) };
 * const [u] = tx.update(g, tx.init(g)); // v - m² = 2 - 1: u ≈ [2]
 */
export function scaleByStddev(opts: ScaleByRmsOptions = {}): GradientTransformation<ScaleByStddevState> {
  checkOptions(opts, "scaleByStddev", rmsSpec);
  const { decay = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, biasCorrection: debias = false } = opts;
  for (const [name, v] of [["decay", decay], ["eps", eps], ["initialScale", initialScale]] as const) checkHyper("scaleByStddev", name, v);
  return transformation(
    "scaleByStddev",
    (params) => {
      const mu = zerosLikeTree(params);
      const nu = fullLikeTree(params, initialScale);
      return debias ? { count: zeroCount(), mu, nu } : { mu, nu };
    },
    (updates, state) => {
      const mu = updateMoment(updates, state.mu, decay, 1);
      const nu = updateMoment(updates, state.nu, decay, 2);
      const count = debias ? safeIncrement(state.count as NDArray) : undefined;
      const muHat = count === undefined ? mu : biasCorrection(mu, decay, count);
      const nuHat = count === undefined ? nu : biasCorrection(nu, decay, count);
      const out = mapArrays((m, n, g) => np.multiply(rootInverse(np.subtract(n, np.square(m)), eps, epsInSqrt), g), muHat, nuHat, updates);
      return [out, count === undefined ? { mu, nu } : { count, mu, nu }];
    },
  );
}

export interface ScaleByRssState {
  readonly sumOfSquares: unknown;
}

/**
 * Adagrad's rescaling: `s ← s + g²` (from `initialAccumulatorValue`), `u ← g / √(s + ε)`
 * (0 where `s = 0`).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByRss } from "@jaxts/optim";
 *
 * const tx = scaleByRss({ initialAccumulatorValue: 0 });
 * const g = { w: array([3, -4]) };
 * const [u] = tx.update(g, tx.init(g)); // g / √(g² + 1e-7) ≈ [1, -1]
 */
export function scaleByRss(opts: { readonly initialAccumulatorValue?: Hyper; readonly eps?: Hyper } = {}): GradientTransformation<ScaleByRssState> {
  checkOptions(opts, "scaleByRss", { initialAccumulatorValue: "any", eps: "any" });
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = opts;
  checkHyper("scaleByRss", "initialAccumulatorValue", initialAccumulatorValue);
  checkHyper("scaleByRss", "eps", eps);
  return transformation(
    "scaleByRss",
    (params) => ({ sumOfSquares: fullLikeTree(params, initialAccumulatorValue) }),
    (updates, state) => {
      const sumOfSquares = mapArrays((g, s) => np.add(np.square(g), s), updates, state.sumOfSquares);
      const out = mapArrays(
        (s, g) => np.multiply(np.where(np.greater(s, 0), lax.rsqrt(np.add(s, hyperLike(eps, s))), 0), g),
        sumOfSquares,
        updates,
      );
      return [out, { sumOfSquares }];
    },
  );
}

export interface ScaleByLionState {
  readonly count: NDArray;
  readonly mu: unknown;
}

/**
 * Lion's rescaling: `u ← sign((1-β₁)g + β₁m)`, then `m ← β₂m + (1-β₂)g`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByLion } from "@jaxts/optim";
 *
 * const tx = scaleByLion();
 * const g = { w: array([0.3, -2, 0]) };
 * const [u] = tx.update(g, tx.init(g)); // sign(0.1·g) = [1, -1, 0]
 */
export function scaleByLion(opts: { readonly b1?: Hyper; readonly b2?: Hyper; readonly muDtype?: DType } = {}): GradientTransformation<ScaleByLionState> {
  checkOptions(opts, "scaleByLion", { b1: "any", b2: "any", muDtype: "dtype" });
  const { b1 = 0.9, b2 = 0.99, muDtype } = opts;
  checkHyper("scaleByLion", "b1", b1);
  checkHyper("scaleByLion", "b2", b2);
  checkFloatDtype("scaleByLion", "muDtype", muDtype);
  const oneMinusB1 = oneMinus(b1);
  return transformation(
    "scaleByLion",
    (params) => ({ count: zeroCount(), mu: zerosLikeTree(params, muDtype) }),
    (updates, state) => {
      const out = mapArrays((g, m) => np.sign(np.add(np.multiply(hyperLike(oneMinusB1, g), g), np.multiply(hyperLike(b1, m), m))), updates, state.mu);
      const mu = castTree(updateMoment(updates, state.mu, b2, 1), muDtype);
      return [out, { count: safeIncrement(state.count), mu }];
    },
  );
}

/**
 * Scales each leaf by its trust ratio `c·‖p‖ / (‖u‖ + ε)` (1 when either norm is 0), as in
 * LARS and LAMB; norms are floored at `minNorm`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByTrustRatio } from "@jaxts/optim";
 *
 * const params = { w: array([3, 4]) };
 * const [u] = scaleByTrustRatio().update({ w: array([0, 1]) }, {}, params); // ‖p‖/‖u‖ = 5: u.w = [0, 5]
 */
export function scaleByTrustRatio(opts: { readonly minNorm?: Hyper; readonly trustCoefficient?: Hyper; readonly eps?: Hyper } = {}): GradientTransformation<EmptyState> {
  checkOptions(opts, "scaleByTrustRatio", { minNorm: "any", trustCoefficient: "any", eps: "any" });
  const { minNorm = 0, trustCoefficient = 1, eps = 0 } = opts;
  for (const [name, v] of [["minNorm", minNorm], ["trustCoefficient", trustCoefficient], ["eps", eps]] as const) checkHyper("scaleByTrustRatio", name, v);
  return transformation("scaleByTrustRatio", emptyState, (updates, state, params) => {
    requireParams("scaleByTrustRatio", params);
    const out = mapArrays(
      (u, p) => {
        const paramNorm = safeNorm(p, minNorm);
        const updateNorm = safeNorm(u, minNorm);
        const ratio = np.divide(np.multiply(hyperLike(trustCoefficient, paramNorm), paramNorm), np.add(updateNorm, hyperLike(eps, updateNorm)));
        const zeroNorm = np.logicalOr(np.equal(paramNorm, 0), np.equal(updateNorm, 0));
        return np.multiply(u, np.where(zeroNorm, np.ones([], p.dtype), ratio));
      },
      updates,
      params,
    );
    return [out, state];
  });
}

/**
 * Scales each leaf by the root mean square of its parameter, floored at `minScale`:
 * `u ← g · max(rms(p), minScale)` (Adafactor's relative step size).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByParamBlockRms } from "@jaxts/optim";
 *
 * const params = { w: array([3, 4]) };
 * const [u] = scaleByParamBlockRms().update({ w: array([1, 1]) }, {}, params); // rms = √12.5 ≈ 3.54
 */
export function scaleByParamBlockRms(opts: { readonly minScale?: Hyper } = {}): GradientTransformation<EmptyState> {
  checkOptions(opts, "scaleByParamBlockRms", { minScale: "any" });
  const { minScale = 1e-3 } = opts;
  checkHyper("scaleByParamBlockRms", "minScale", minScale);
  return transformation("scaleByParamBlockRms", emptyState, (updates, state, params) => {
    requireParams("scaleByParamBlockRms", params);
    return [mapArrays((u, p) => np.multiply(u, safeRootMeanSquares(p, minScale)), updates, params), state];
  });
}
