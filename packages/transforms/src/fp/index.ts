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

/** gradWith(opts)(f) = grad(f, opts). */
export const gradWith =
  <const O extends GradOptions>(opts: O) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => GradResult<F, O>) =>
    grad<F, O>(f, opts);

/** valueAndGradWith(opts)(f) = valueAndGrad(f, opts). */
export const valueAndGradWith =
  <const O extends GradOptions>(opts: O) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => [ValueOf<F, O>, GradsOf<F, O>]) =>
    valueAndGrad<F, O>(f, opts);

/** vmapWith(opts)(f) = vmap(f, opts). */
export const vmapWith =
  (opts: VmapOptions) =>
  <F extends AnyFn>(f: F): ((...args: LooseArgs<F>) => ReturnType<F>) =>
    vmap(f, opts) as (...args: LooseArgs<F>) => ReturnType<F>;

/** jitWith(opts)(f) = jit(f, opts). */
export const jitWith =
  (opts: JitOptions) =>
  <F extends AnyFn>(f: F): Jitted<F> =>
    jit(f, opts);

/** checkpointWith(opts)(f) = checkpoint(f, opts). */
export const checkpointWith =
  (opts: CheckpointOptions) =>
  <A extends unknown[], R>(f: (...args: A) => R): ((...args: A) => R) =>
    checkpoint(f, opts);

/**
 * checkGradsE(f, args, opts): Right with what was compared when every derivative of f agrees
 * with finite differences, Left with the GradientCheckError (argument, mode, order, worst
 * element) when one does not. Misuse (bad options, a non-function) still throws.
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
