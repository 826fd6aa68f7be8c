// Gradient clipping (optax's transforms/_clipping.py): elementwise, per block, and by the
// global norm of the whole update tree.
import { lax, np } from "@jaxts/core";
import { type EmptyState, emptyState, type GradientTransformation, transformation } from "./base.js";
import { absSquare, checkHyper, globalNorm, type Hyper, hyperLike, mapArrays, negate } from "./tree-util.js";

/**
 * Clips every element into `[-maxDelta, maxDelta]`: `u ← clip(g, -δ, δ)`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { clip } from "@jaxts/optim";
 *
 * const [u] = clip(1).update({ w: array([-3, 0.5, 2]) }, {}); // u.w = [-1, 0.5, 1]
 */
export function clip(maxDelta: Hyper): GradientTransformation<EmptyState> {
  checkHyper("clip", "maxDelta", maxDelta);
  return transformation("clip", emptyState, (updates, state) => [
    mapArrays((g) => np.clip(g, hyperLike(negate(maxDelta), g), hyperLike(maxDelta, g)), updates),
    state,
  ]);
}

/**
 * Rescales each leaf whose root mean square exceeds `threshold`: `u ← g / max(1, rms(g)/τ)`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { clipByBlockRms } from "@jaxts/optim";
 *
 * const [u] = clipByBlockRms(1).update({ w: array([3, 4]), b: array([0.5]) }, {}); // w / √12.5, b unchanged
 */
export function clipByBlockRms(threshold: Hyper): GradientTransformation<EmptyState> {
  checkHyper("clipByBlockRms", "threshold", threshold);
  return transformation("clipByBlockRms", emptyState, (updates, state) => [
    mapArrays((g) => np.divide(g, np.maximum(1, np.divide(np.sqrt(np.mean(absSquare(g))), hyperLike(threshold, g)))), updates),
    state,
  ]);
}

/**
 * Rescales the whole tree when its global norm `‖g‖ = √(Σ g²)` exceeds `maxNorm`:
 * `u ← g` if `‖g‖ < c`, else `u ← g · c/‖g‖`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { adam, chain, clipByGlobalNorm } from "@jaxts/optim";
 *
 * const [u] = clipByGlobalNorm(1).update({ a: array([3]), b: array([4]) }, {}); // norm 5 → { a: [0.6], b: [0.8] }
 * const clippedAdam = chain(clipByGlobalNorm(1), adam(1e-3));
 */
export function clipByGlobalNorm(maxNorm: Hyper): GradientTransformation<EmptyState> {
  checkHyper("clipByGlobalNorm", "maxNorm", maxNorm);
  return transformation("clipByGlobalNorm", emptyState, (updates, state) => {
    const norm = globalNorm(updates);
    const trigger = np.less(norm, maxNorm);
    const out = mapArrays((t) => lax.select(trigger, t, np.multiply(np.divide(t, lax.convertElementType(norm, t.dtype)), hyperLike(maxNorm, t))), updates);
    return [out, state];
  });
}
