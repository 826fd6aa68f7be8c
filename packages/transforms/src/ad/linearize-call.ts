// Linearizing a user function over pytrees: the shared front end of vjp, linearize,
// grad and the Jacobians (outputs flattened, aux split off), and the two ways of using
// the result — evaluating the linear map forward, or pulling cotangents back.
import { evalJaxprFlat, type NDArray, type tree } from "@jaxts/core";
import { expectPair, flattenOutputs, splitAux } from "./args.js";
import { backwardPass } from "./backward-pass.js";
import { compiledBackwardPass } from "./compiled-backward.js";
import { type Linearized, linearizeFlat } from "./linearize.js";
import { type AnyFn, call } from "./types.js";
import { instantiate, type Tangent, Zero } from "./zero.js";

export interface LinearizedCall {
  /** Outputs first, then the aux arrays (which get no cotangent). */
  readonly lin: Linearized;
  readonly outDef: tree.TreeDef;
  /** How many of lin.primalsOut are outputs (the rest are aux arrays). */
  readonly nOut: number;
  readonly aux: unknown;
}

export function linearizeCall(
  where: string,
  f: AnyFn,
  leaves: readonly NDArray[],
  rebuild: (leaves: readonly NDArray[]) => unknown[],
  hasAux: boolean,
): LinearizedCall {
  let outDef: tree.TreeDef | undefined;
  let nOut = 0;
  let aux: ReturnType<typeof splitAux> | undefined;
  const lin = linearizeFlat(
    (xs) => {
      let out = call(f, rebuild(xs));
      if (hasAux) {
        const [o, a] = expectPair(out, where);
        out = o;
        aux = splitAux(a);
      }
      const [outs, def] = flattenOutputs(out, where);
      outDef = def;
      nOut = outs.length;
      return [...outs, ...(aux?.arrays ?? [])];
    },
    leaves,
    where,
  );
  return { lin, outDef: outDef!, nOut, aux: aux?.rebuild(lin.primalsOut.slice(nOut)) };
}

/** The linear map forward: one tangent per output (symbolic zeros where it is zero). */
export function evalLinearized(lin: Linearized, tangents: readonly Tangent[]): Tangent[] {
  const live = evalJaxprFlat(lin.jaxpr, lin.residuals, tangents.map(instantiate));
  let k = 0;
  return lin.primalsOut.map((o, i) => (lin.outZero[i] ? new Zero(o.aval) : live[k++]!));
}

/** The backward pass from output cotangents (missing ones are zero). With `consume`, the
 * residuals are handed over and released after their last use (single-use callers). */
export function pullBack(lin: Linearized, cts: readonly Tangent[], consume: boolean): Tangent[] {
  const all = lin.primalsOut.map((o, i) => cts[i] ?? new Zero(o.aval));
  const live = all.filter((_, i) => !lin.outZero[i]);
  const compiled = compiledBackwardPass(lin.jaxpr, lin.residuals, live);
  if (compiled !== undefined) {
    if (consume) lin.residuals.length = 0;
    return compiled;
  }
  return backwardPass(lin.jaxpr, consume ? lin.residuals : [...lin.residuals], live, { consumeResiduals: consume });
}
