// `@jaxts/transforms/fp`: the transformations for fp-ts code. Each transformation is already a
// function of a function, so `pipe(loss, grad, jit)` and `flow(grad, grad)` compose as they
// are; these are the option-taking forms curried options-first — `pipe(loss, gradWith({
// argnums: 1 }), jit)` — typed so the result's signature is the one grad(f, opts) has. And
// checkGradsE: the gradient check as an Either.
import { type Either, left, right } from "fp-ts/Either";
import { checkpoint, type CheckpointOptions } from "../ad/checkpoint.js";
import { grad, valueAndGrad } from "../ad/api.js";
import type { AnyFn, GradOptions, GradResult, GradsOf, LooseArgs, ValueOf } from "../ad/types.js";
import { vmap, type VmapOptions } from "../batching/vmap.js";
import { jit, type JitOptions, type Jitted } from "../jit/jit.js";
import { type CheckGradsOptions, type GradCheckReport, GradientCheckError, runCheckGrads } from "../testing/check-grads.js";

/**
 * gradWith(opts)(f) = grad(f, opts).
 *
 * @example
 * import { type NDArray, np } from "@jaxts/core";
 * import { gradWith } from "@jaxts/transforms/fp";
 * import { pipe } from "fp-ts/function";
 *
 * const df = pipe((x: NDArray, y: NDArray) => np.multiply(x, y), gradWith({ argnums: 1 }));
 * df(3, 4).item(); // 3
 */
export const gradWith =
  <const O extends GradOptions>(opts: O) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => GradResult<F, O>) =>
    grad<F, O>(f, opts);

/**
 * valueAndGradWith(opts)(f) = valueAndGrad(f, opts).
 *
 * @example
 * import { type NDArray } from "@jaxts/core";
 * import { valueAndGradWith } from "@jaxts/transforms/fp";
 *
 * const [v, g] = valueAndGradWith({})((x: NDArray) => x.square())(3);
 * g.item(); // 6
 */
export const valueAndGradWith =
  <const O extends GradOptions>(opts: O) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => [ValueOf<F, O>, GradsOf<F, O>]) =>
    valueAndGrad<F, O>(f, opts);

/**
 * vmapWith(opts)(f) = vmap(f, opts).
 *
 * @example
 * import { array, type NDArray } from "@jaxts/core";
 * import { vmapWith } from "@jaxts/transforms/fp";
 *
 * vmapWith({ inAxes: 1 })((col: NDArray) => col.sum())(array([[1, 2], [3, 4]])); // [4, 6]
 */
export const vmapWith =
  (opts: VmapOptions) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => ReturnType<F>) =>
    vmap(f, opts) as (...args: LooseArgs<F>) => ReturnType<F>;

/**
 * jitWith(opts)(f) = jit(f, opts).
 *
 * @example
 * import { array, type NDArray } from "@jaxts/core";
 * import { jitWith } from "@jaxts/transforms/fp";
 *
 * jitWith({})((x: NDArray) => x.mul(2))(array([1, 2])); // [2, 4]
 */
export const jitWith =
  (opts: JitOptions) =>
  <F extends AnyFn>(f: F): Jitted<F> =>
    jit(f, opts);

/**
 * checkpointWith(opts)(f) = checkpoint(f, opts).
 *
 * @example
 * import { type NDArray } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { checkpointWith } from "@jaxts/transforms/fp";
 *
 * grad(checkpointWith({})((x: NDArray) => x.sin().sin()))(0).item(); // 1
 */
export const checkpointWith =
  (opts: CheckpointOptions) =>
  <A extends unknown[], R>(f: (...args: A) => R): ((...args: A) => R) =>
    checkpoint(f, opts);

/**
 * checkGradsE(f, args, opts): Right with what was compared when every derivative of f agrees
 * with finite differences, Left with the GradientCheckError (argument, mode, order, worst
 * element) when one does not. Misuse (bad options, a non-function) still throws.
 *
 * @example
 * import { np } from "@jaxts/core";
 * import { checkGradsE } from "@jaxts/transforms/fp";
 *
 * checkGradsE(np.tanh, [0.5])._tag; // "Right"
 */
export function checkGradsE(f: AnyFn, args: readonly unknown[], opts: CheckGradsOptions = {}): Either<GradientCheckError, GradCheckReport> {
  try {
    return right(runCheckGrads(f, args, opts));
  } catch (e) {
    if (e instanceof GradientCheckError) return left(e);
    throw e;
  }
}

export type { GradCheckReport };
