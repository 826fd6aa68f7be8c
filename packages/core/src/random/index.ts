// jax.random for TypeScript: functional counter-based keys (threefry-2x32, as JAX), so the
// same key gives the same numbers everywhere, and JAX's distributions with JAX's semantics.

export { bernoulli, type CategoricalOptions, type ChoiceOptions, categorical, choice, gumbel, permutation, rademacher, randint } from "./discrete.js";
export { normal, uniform } from "./floats.js";
export { ball, beta, chisquare, dirichlet, gamma, generalizedNormal, loggamma, t } from "./gamma.js";
export { bits, foldIn, key, keyData, type PRNGKey, split, wrapKeyData } from "./keys.js";
export { type MultivariateNormalOptions, multivariateNormal } from "./multivariate.js";
export { orthogonal } from "./orthogonal.js";
export { poisson } from "./poisson.js";
export { cauchy, exponential, laplace, logistic, maxwell, truncatedNormal, weibullMin } from "./univariate.js";
