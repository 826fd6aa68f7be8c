// `@jaxts/optim/fp`: gradient transformations as an fp-ts Monoid under chain. Optax builds an
// optimizer by chaining transformations; chain is associative and the identity transformation
// is its unit, so a list of them folds with concatAll:
//
//   concatAll(transformationMonoid)([clipByGlobalNorm(1), scaleByAdam(), scale(-1e-3)])
//
// Equality here is behaviour: two transformations are equal when, from init on the same
// params, they turn the same gradients into the same updates step after step (their states'
// nesting differs — chain(a, chain(b, c)) nests where chain(chain(a, b), c) does not).
import type { Monoid } from "fp-ts/Monoid";
import type { Semigroup } from "fp-ts/Semigroup";
import { concatAll as concatAllOf } from "fp-ts/Monoid";
import { tree as fpTree } from "@jaxts/core/fp";
import { chain, type GradientTransformation, identity } from "./base.js";

type AnyTransformation = GradientTransformation<unknown>;

/** chain as a Semigroup of transformations. */
export const chainSemigroup: Semigroup<AnyTransformation> = {
  concat: (x, y) => chain(x, y) as AnyTransformation,
};

/** chain with identity() as its unit. */
export const transformationMonoid: Monoid<AnyTransformation> = {
  concat: chainSemigroup.concat,
  empty: identity() as AnyTransformation,
};

/**
 * One transformation from a list, in order (identity for an empty list).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scale, scaleByLearningRate } from "@jaxts/optim";
 * import { chainAll } from "@jaxts/optim/fp";
 *
 * const tx = chainAll([scale(2), scaleByLearningRate(0.1)]);
 * const [u] = tx.update([array([1])], tx.init([array([0])]));
 * u; // [[-0.2]]
 */
export const chainAll: (txs: readonly AnyTransformation[]) => AnyTransformation = concatAllOf(transformationMonoid);

/** Gradient pytrees summed leaf by leaf (gradient accumulation): concatAll over micro-batch gradients. */
export const gradientSum = fpTree.sumSemigroup;
