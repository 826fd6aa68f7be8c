// @jaxts/optim: Optax-style gradient transformations, schedules and losses for jaxts.
export {
  applyUpdates,
  chain,
  type ChainState,
  type EmptyState,
  type GradientTransformation,
  identity,
  type ScalarOrSchedule,
  type StateOf,
} from "./base.js";
export {
  type AdamOptions,
  type AdamState,
  type AdamwOptions,
  type AdamwState,
  type AdafactorOptions,
  type AdagradState,
  type LambOptions,
  type LambState,
  type LionOptions,
  type LionState,
  type RmspropOptions,
  type SgdOptions,
  adafactor,
  adagrad,
  adam,
  adamw,
  lamb,
  lion,
  rmsprop,
  sgd,
} from "./alias.js";
export { clip, clipByBlockRms, clipByGlobalNorm } from "./clipping.js";
export { type FactoredState, type ScaleByFactoredRmsOptions, scaleByFactoredRms } from "./factorized.js";
export {
  type AddDecayedWeightsState,
  type EmaState,
  type LearningRateState,
  type ScaleByAdamOptions,
  type ScaleByAdamState,
  type ScaleByLionState,
  type ScaleByRmsOptions,
  type ScaleByRmsState,
  type ScaleByRssState,
  type ScaleByScheduleState,
  type ScaleByStddevState,
  type TraceState,
  addDecayedWeights,
  ema,
  scale,
  scaleByAdam,
  scaleByLearningRate,
  scaleByLion,
  scaleByParamBlockRms,
  scaleByRms,
  scaleByRss,
  scaleBySchedule,
  scaleByStddev,
  scaleByTrustRatio,
  trace,
} from "./transform.js";
export {
  type InjectedHyperparams,
  type InjectHyperparamsOptions,
  type InjectHyperparamsState,
  type MaskedState,
  type MaskOrFn,
  type MultiSteps,
  type MultiStepsState,
  injectHyperparams,
  masked,
  multiSteps,
} from "./wrappers.js";
export type { Hyper } from "./tree-util.js";
export type { Schedule, Step } from "./schedules.js";
export * as schedules from "./schedules.js";
export * as losses from "./losses.js";
