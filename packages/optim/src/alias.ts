// The public optimizers (optax's alias.py): each a thin chain of building blocks, with
// Optax 0.2.8's defaults. Learning rates are numbers, scalar arrays or schedules.
import { checkOptions, type DType } from "@jaxts/core";
import { type EmptyState, type GradientTransformation, identity, namedChain, type ScalarOrSchedule } from "./base.js";
import { clipByBlockRms } from "./clipping.js";
import { scaleByFactoredRms } from "./factorized.js";
import {
  type AddDecayedWeightsState,
  addDecayedWeights,
  type LearningRateState,
  type ScaleByAdamOptions,
  type ScaleByAdamState,
  type ScaleByLionState,
  type ScaleByRssState,
  adamSpec,
  ema,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  scaleByLion,
  scaleByParamBlockRms,
  scaleByRms,
  scaleByRss,
  scaleByStddev,
  scaleByTrustRatio,
  trace,
} from "./transform.js";
import { checkLearningRate, checkOptionalHyper, type Hyper } from "./tree-util.js";
import type { MaskedState, MaskOrFn } from "./wrappers.js";

type DecayState = AddDecayedWeightsState | MaskedState<AddDecayedWeightsState>;

/** The learning rate, checked: a non-negative finite number, an array, or a schedule. */
function lr(where: string, learningRate: ScalarOrSchedule): GradientTransformation<LearningRateState> {
  checkLearningRate(where, learningRate);
  return scaleByLearningRate(learningRate);
}

export interface SgdOptions {
  /** Momentum decay; no momentum when absent. */
  readonly momentum?: Hyper;
  readonly nesterov?: boolean;
  readonly accumulatorDtype?: DType;
}

/**
 * Stochastic gradient descent: `u ← -α·g`; with momentum `m ← g + μm`, `u ← -α·m`
 * (`u ← -α(g + μm)` with `nesterov`).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, sgd } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = sgd(0.1, { momentum: 0.9 });
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 100; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function sgd(learningRate: ScalarOrSchedule, opts: SgdOptions = {}): GradientTransformation<readonly unknown[]> {
  checkOptions(opts, "sgd", { momentum: "any", nesterov: "boolean", accumulatorDtype: "dtype" });
  checkOptionalHyper("sgd", "momentum", opts.momentum);
  const momentum =
    opts.momentum === undefined
      ? identity()
      : trace(opts.momentum, { nesterov: opts.nesterov ?? false, ...(opts.accumulatorDtype === undefined ? {} : { accumulatorDtype: opts.accumulatorDtype }) });
  return namedChain("sgd", momentum, lr("sgd", learningRate));
}

/** adam's options are scaleByAdam's. */
export type AdamOptions = ScaleByAdamOptions;

export type AdamState = readonly [ScaleByAdamState, LearningRateState];

/**
 * Adam: `m ← β₁m + (1-β₁)g`, `v ← β₂v + (1-β₂)g²`, `u ← -α·m̂/(√(v̂ + ε_root) + ε)` with the
 * bias corrections `m̂ = m/(1-β₁^t)`, `v̂ = v/(1-β₂^t)` (defaults β₁ 0.9, β₂ 0.999, ε 1e-8).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, adam } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = adam(0.1);
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 300; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function adam(learningRate: ScalarOrSchedule, opts: AdamOptions = {}): GradientTransformation<AdamState> {
  checkOptions(opts, "adam", adamSpec);
  return namedChain("adam", scaleByAdam(opts), lr("adam", learningRate));
}

export interface AdamwOptions extends AdamOptions {
  /** Decoupled weight decay λ (multiplied by the learning rate); default 1e-4. */
  readonly weightDecay?: Hyper;
  /** Which leaves to decay: a tree of booleans (or a prefix of the params tree) or a function of the params. */
  readonly mask?: MaskOrFn | null;
}

export type AdamwState = readonly [ScaleByAdamState, DecayState, LearningRateState];

/**
 * AdamW: Adam with decoupled weight decay, `u ← -α·(m̂/(√(v̂ + ε_root) + ε) + λ·p)`, the decay
 * applied only where `mask` is true.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { adamw, applyUpdates } from "@jaxts/optim";
 *
 * type Params = { w: NDArray; b: NDArray };
 * const loss = (p: Params) => np.sum(np.square(np.add(np.subtract(p.w, 1), p.b)));
 * const opt = adamw(1e-2, { weightDecay: 1e-2, mask: { w: true, b: false } }); // no decay on the bias
 * let params: Params = { w: array([3, -2]), b: array([0.5, 0.5]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 500; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function adamw(learningRate: ScalarOrSchedule, opts: AdamwOptions = {}): GradientTransformation<AdamwState> {
  checkOptions(opts, "adamw", { ...adamSpec, weightDecay: "any", mask: "any" });
  const { weightDecay = 1e-4, mask, ...adamOpts } = opts;
  return namedChain("adamw", scaleByAdam(adamOpts), addDecayedWeights(weightDecay, mask === undefined ? {} : { mask }), lr("adamw", learningRate));
}

export interface RmspropOptions {
  readonly decay?: Hyper;
  readonly eps?: Hyper;
  readonly initialScale?: Hyper;
  /** ε inside the square root (Optax's default) or outside it (PyTorch's form). */
  readonly epsInSqrt?: boolean;
  /** Divide by the standard deviation of the gradients instead of their root mean square. */
  readonly centered?: boolean;
  readonly momentum?: Hyper;
  readonly nesterov?: boolean;
  readonly biasCorrection?: boolean;
}

/**
 * RMSProp: `v ← βv + (1-β)g²`, `u ← -α·g/√(v + ε)` (centered: `v - m²` under the root);
 * with momentum the scaled updates are accumulated by `trace` after the learning rate.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, rmsprop } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = rmsprop(1e-2, { momentum: 0.9 });
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 200; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function rmsprop(learningRate: ScalarOrSchedule, opts: RmspropOptions = {}): GradientTransformation<readonly unknown[]> {
  checkOptions(opts, "rmsprop", { decay: "any", eps: "any", initialScale: "any", epsInSqrt: "boolean", centered: "boolean", momentum: "any", nesterov: "boolean", biasCorrection: "boolean" });
  const { centered = false, momentum, nesterov = false, ...rmsOpts } = opts;
  checkOptionalHyper("rmsprop", "momentum", momentum);
  const rescale = centered ? scaleByStddev(rmsOpts) : scaleByRms(rmsOpts);
  const accumulate = momentum === undefined ? identity() : trace(momentum, { nesterov });
  return namedChain("rmsprop", rescale, lr("rmsprop", learningRate), accumulate);
}

export type AdagradState = readonly [ScaleByRssState, LearningRateState];

/**
 * Adagrad: `s ← s + g²` (from `initialAccumulatorValue` 0.1), `u ← -α·g/√(s + ε)`.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, adagrad } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = adagrad(1.0);
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 300; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function adagrad(learningRate: ScalarOrSchedule, opts: { readonly initialAccumulatorValue?: Hyper; readonly eps?: Hyper } = {}): GradientTransformation<AdagradState> {
  checkOptions(opts, "adagrad", { initialAccumulatorValue: "any", eps: "any" });
  return namedChain("adagrad", scaleByRss(opts), lr("adagrad", learningRate));
}

export interface AdafactorOptions {
  /** Factor the second moment only when the two largest axes are at least this long. */
  readonly minDimSizeToFactor?: number;
  readonly decayRate?: number;
  readonly decayOffset?: number;
  /** Scale the step by the root mean square of each parameter (relative step size). */
  readonly multiplyByParameterScale?: boolean;
  /** Clip each update block's root mean square to this; null disables clipping. */
  readonly clippingThreshold?: Hyper | null;
  readonly momentum?: Hyper;
  /** The dtype of the momentum buffer (Optax's default: float32). */
  readonly dtypeMomentum?: DType;
  readonly weightDecayRate?: Hyper;
  readonly eps?: number;
  readonly factored?: boolean;
  readonly weightDecayMask?: MaskOrFn | null;
}

/**
 * Adafactor: factored second moments `R, C` (full `v` for small leaves),
 * `u ← -α·max(rms(p), 1e-3)·clip_rms(g/√v̂)`; optional momentum and weight decay. Without a
 * learning rate only the relative step `max(rms(p), 1e-3)` scales the update.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, adafactor, schedules } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = adafactor(schedules.cosineDecay(0.2, 400), { momentum: 0.9 });
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 400; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function adafactor(learningRate?: ScalarOrSchedule | null, opts: AdafactorOptions = {}): GradientTransformation<readonly unknown[]> {
  checkOptions(opts, "adafactor", { minDimSizeToFactor: "number", decayRate: "number", decayOffset: "number", multiplyByParameterScale: "boolean", clippingThreshold: "any", momentum: "any", dtypeMomentum: "dtype", weightDecayRate: "any", eps: "number", factored: "boolean", weightDecayMask: "any" });
  const {
    minDimSizeToFactor = 128,
    decayRate = 0.8,
    decayOffset = 0,
    multiplyByParameterScale = true,
    clippingThreshold = 1.0,
    momentum,
    dtypeMomentum = "float32",
    weightDecayRate,
    eps = 1e-30,
    factored = true,
    weightDecayMask,
  } = opts;
  checkOptionalHyper("adafactor", "momentum", momentum);
  checkOptionalHyper("adafactor", "weightDecayRate", weightDecayRate);
  const txs: GradientTransformation<unknown>[] = [scaleByFactoredRms({ factored, decayRate, stepOffset: decayOffset, minDimSizeToFactor, epsilon: eps })];
  if (clippingThreshold !== null) txs.push(clipByBlockRms(clippingThreshold));
  if (learningRate !== undefined && learningRate !== null) {
    checkLearningRate("adafactor", learningRate);
    txs.push(scaleByLearningRate(learningRate, { flipSign: false }));
  }
  if (multiplyByParameterScale) txs.push(scaleByParamBlockRms());
  if (momentum !== undefined) txs.push(ema(momentum, { debias: false, accumulatorDtype: dtypeMomentum }));
  if (weightDecayRate !== undefined) {
    txs.push(addDecayedWeights(weightDecayRate, weightDecayMask === undefined ? {} : { mask: weightDecayMask }));
  }
  // Gradient descent follows the negative gradient.
  txs.push(scale(-1));
  return namedChain("adafactor", ...txs);
}

export interface LionOptions {
  readonly b1?: Hyper;
  readonly b2?: Hyper;
  readonly muDtype?: DType;
  /** Decoupled weight decay (multiplied by the learning rate); default 1e-3. */
  readonly weightDecay?: Hyper;
  readonly mask?: MaskOrFn | null;
}

export type LionState = readonly [ScaleByLionState, DecayState, LearningRateState];

/**
 * Lion: `u ← -α·(sign((1-β₁)g + β₁m) + λp)`, then `m ← β₂m + (1-β₂)g` (defaults β₁ 0.9,
 * β₂ 0.99, λ 1e-3).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, lion, schedules } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = lion(schedules.exponentialDecay(0.1, 300, 0.3));
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 1000; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function lion(learningRate: ScalarOrSchedule, opts: LionOptions = {}): GradientTransformation<LionState> {
  checkOptions(opts, "lion", { b1: "any", b2: "any", muDtype: "dtype", weightDecay: "any", mask: "any" });
  const { b1 = 0.9, b2 = 0.99, muDtype, weightDecay = 1e-3, mask } = opts;
  return namedChain(
    "lion",
    scaleByLion(muDtype === undefined ? { b1, b2 } : { b1, b2, muDtype }),
    addDecayedWeights(weightDecay, mask === undefined ? {} : { mask }),
    lr("lion", learningRate),
  );
}

export interface LambOptions {
  readonly b1?: Hyper;
  readonly b2?: Hyper;
  readonly eps?: Hyper;
  readonly epsRoot?: Hyper;
  readonly weightDecay?: Hyper;
  readonly mask?: MaskOrFn | null;
}

export type LambState = readonly [ScaleByAdamState, DecayState, EmptyState, LearningRateState];

/**
 * LAMB: Adam's direction plus weight decay, `r = m̂/(√(v̂ + ε_root) + ε) + λp`, scaled per
 * leaf by the trust ratio: `u ← -α·(‖p‖/‖r‖)·r` (ε default 1e-6, λ default 0).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, lamb, schedules } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(np.subtract(p.w, array([1, -1, 1]))));
 * const opt = lamb(schedules.exponentialDecay(0.1, 75, 0.3));
 * let params = { w: array([-1, 10, 1]) };
 * let state = opt.init(params);
 * for (let step = 0; step < 300; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function lamb(learningRate: ScalarOrSchedule, opts: LambOptions = {}): GradientTransformation<LambState> {
  checkOptions(opts, "lamb", { b1: "any", b2: "any", eps: "any", epsRoot: "any", weightDecay: "any", mask: "any" });
  const { b1 = 0.9, b2 = 0.999, eps = 1e-6, epsRoot = 0, weightDecay = 0, mask } = opts;
  return namedChain(
    "lamb",
    scaleByAdam({ b1, b2, eps, epsRoot }),
    addDecayedWeights(weightDecay, mask === undefined ? {} : { mask }),
    scaleByTrustRatio(),
    lr("lamb", learningRate),
  );
}
