// jax.nn for TypeScript: activations, normalisers, attention and weight initializers.
export {
  type AlphaOptions,
  celu,
  elu,
  gelu,
  glu,
  hardTanh,
  leakyRelu,
  log1mexp,
  logSigmoid,
  mish,
  relu,
  selu,
  sigmoid,
  silu,
  softplus,
  softSign,
  swish,
  tanh,
} from "./activations.js";
export { type SoftmaxOptions, type StandardizeOptions, logSoftmax, logsumexp, oneHot, softmax, standardize } from "./normalize.js";
export { type DotProductAttentionOptions, dotProductAttention } from "./attention.js";
export * as initializers from "./initializers.js";
export type { Initializer } from "./initializers.js";
export { avgPool, maxPool, type PoolOptions } from "./pooling.js";
