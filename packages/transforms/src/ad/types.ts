// Types of the public transformation API: arguments accept numbers where arrays are
// expected, and gradients have the structure of the differentiated arguments.
import type { NDArray, OptionSpec } from "@jaxts/core";

/** Any function: `never[]` parameters accept every parameter list (contravariance). */
export type AnyFn = (...args: never[]) => unknown;

/** A parameter type as callers may pass it: NDArray leaves also accept JS numbers. */
export type Loosen<T> = T extends NDArray
  ? NDArray | number
  : T extends readonly unknown[]
    ? { [K in keyof T]: Loosen<T[K]> }
    : T extends (...args: never[]) => unknown
      ? T
      : T extends object
        ? { [K in keyof T]: Loosen<T[K]> }
        : T;

export type LooseArgs<F extends AnyFn> = Loosen<Parameters<F>>;

/** The structure of a gradient: the argument's pytree with NDArray leaves. */
export type GradOf<T> = T extends NDArray | number
  ? NDArray
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: GradOf<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: GradOf<T[K]> }
      : NDArray;

export interface GradOptions {
  readonly argnums?: number | readonly number[];
  readonly hasAux?: boolean;
}

/** What grad, valueAndGrad, jacfwd, jacrev and hessian read from their options. */
export const gradOptionSpec: OptionSpec<GradOptions> = { argnums: "integers", hasAux: "boolean" };

/** grad's and valueAndGrad's options: GradOptions and JAX's `holomorphic` (f promised
 * holomorphic: complex inputs and a complex output, whose derivative f'(z) is returned). */
export interface HolomorphicGradOptions extends GradOptions {
  readonly holomorphic?: boolean;
}
export const holomorphicGradOptionSpec: OptionSpec<HolomorphicGradOptions> = { ...gradOptionSpec, holomorphic: "boolean" };

type Selected<A extends readonly unknown[], N> = N extends number
  ? GradOf<A[N]>
  : N extends readonly number[]
    ? { -readonly [K in keyof N]: GradOf<A[N[K] & number]> }
    : GradOf<A[0]>;

/** The gradient of the selected arguments (a tuple when argnums is an array). */
export type GradsOf<F extends AnyFn, O extends GradOptions> = Selected<Parameters<F>, O["argnums"]>;

export type GradResult<F extends AnyFn, O extends GradOptions> = O["hasAux"] extends true ? [GradsOf<F, O>, AuxOf<F>] : GradsOf<F, O>;

export type AuxOf<F extends AnyFn> = ReturnType<F> extends readonly [unknown, infer X] ? X : unknown;

export type ValueOf<F extends AnyFn, O extends GradOptions> = O["hasAux"] extends true ? [NDArray, AuxOf<F>] : NDArray;

/** Call a function of unknown parameter types with runtime-checked arguments (the one cast). */
export function call(f: AnyFn, args: readonly unknown[]): unknown {
  return (f as unknown as (...a: readonly unknown[]) => unknown)(...args);
}
