// Eager optimizer steps, compiled. An update like Adam's is a dozen elementwise operations per
// parameter; called eagerly, each makes a fresh array the size of the parameter. Made of the
// library's own code only — no user callbacks (a schedule or a mask function could read
// values, which tracing forbids) and hyperparameters that are plain numbers (baked into the
// program as the constants they are) — it is the same computation staged once per tree
// structure and shapes and run as fused kernels: the values are the eager ones (jit equals
// eager elementwise; on js it runs equation by equation). Under a transformation (a user's
// jit, grad, vmap) the plain function runs, so the caller's own program stays one program
// that fuses across it.
import { currentTrace, evalTrace } from "@jaxts/core";
import { jit } from "@jaxts/transforms";

/** Compiled updates by what determines them (the transformation and its numbers), so an
 * optimizer rebuilt with the same numbers reuses its program; the oldest go first. */
const compiled = new Map<string, (...args: never[]) => unknown>();
const MAX_COMPILED = 32;

/**
 * `f` compiled when called eagerly; `key` names everything `f` computes with besides its
 * arguments (the transformation's name and hyperparameters, exactly), so that two functions
 * with one key are the same function.
 */
export function compiledWhenEager<A extends unknown[], R>(key: string, f: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    if (currentTrace() !== evalTrace) return f(...args);
    let g = compiled.get(key) as ((...args: A) => R) | undefined;
    if (g === undefined) {
      g = jit(f) as unknown as (...args: A) => R;
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, g as (...args: never[]) => unknown);
    }
    return g(...args);
  };
}

/** A number as a key part: exact, −0 kept apart from 0. */
export const numberKey = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));
