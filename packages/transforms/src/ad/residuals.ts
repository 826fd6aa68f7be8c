// What a function saves for its backward pass (JAX's print_saved_residuals): the
// constants of its linearized jaxpr, with where each came from.
import { flattenArgs, itemSize, type NDArray, tree } from "@jaxts/core";
import { checkCallable, flattenOutputs } from "./args.js";
import { linearizeFlat } from "./linearize.js";
import { type Loosen, call } from "./types.js";

export interface SavedResidual {
  /** e.g. "f32[3]" */
  readonly aval: string;
  readonly bytes: number;
  /** "argument 0", "output of sin", ... */
  readonly source: string;
}


/**
 * What reverse mode keeps of `f(...args)` for its backward pass (JAX's
 * `print_saved_residuals`): one entry per residual with its type (`"f32[128,256]"`), size in
 * bytes and where it came from (an argument, the output of a primitive, a constant).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { savedResiduals } from "@jaxts/transforms";
 *
 * savedResiduals((x: NDArray) => np.sum(np.sin(x)), array([1, 2])).map((r) => `${r.aval} ${r.bytes} B, ${r.source}`); // ["f32[2] 8 B, output of cos"]
 */
export function savedResiduals<A extends unknown[], R>(f: (...args: A) => R, ...args: Loosen<A>): SavedResidual[] {
  checkCallable("savedResiduals", f);
  const [flat, inDef] = flattenArgs(args, "savedResiduals");
  const lin = linearizeFlat((xs) => flattenOutputs(call(f, tree.unflatten(inDef, xs) as unknown[]), "savedResiduals")[0], flat, "savedResiduals", true);
  return lin.residuals.map((r: NDArray, i) => {
    const arg = flat.indexOf(r);
    const producer = lin.residualProducers[i];
    const source = arg >= 0 ? `argument leaf ${arg}` : producer ? `output of ${producer}` : "a constant";
    return { aval: r.aval.str(), bytes: r.size * itemSize(r.dtype), source };
  });
}

/**
 * One line per residual, like jax.ad_checkpoint.print_saved_residuals; returned, not printed.
 *
 * @example
 * import { array, np, type NDArray } from "@jaxts/core";
 * import { printSavedResiduals } from "@jaxts/transforms";
 *
 * printSavedResiduals((x: NDArray) => np.sum(np.sin(x)), array([1, 2])); // "f32[2] output of cos"
 */
export function printSavedResiduals<A extends unknown[], R>(f: (...args: A) => R, ...args: Loosen<A>): string {
  return savedResiduals(f, ...args)
    .map((r) => `${r.aval} ${r.source}`)
    .join("\n");
}
