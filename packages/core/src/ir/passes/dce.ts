// Dead-code elimination: equations none of whose outputs are used are dropped (every
// primitive is pure), and a `pjit` whose outputs are partly used keeps only those outputs
// and the part of its inner jaxpr that computes them, with the inputs that part reads
// (JAX's dce_jaxpr and its pjit rule). Other higher-order equations are kept whole when any
// output is used. The compiler runs this before lowering, so a primal value that grad
// computes and drops (the `_` outputs of a linearized program) costs nothing.
import type { ParamsOf } from "../../primitives/params.js";
import { Eqn, Jaxpr, Literal, type Var } from "../jaxpr.js";

export interface DceResult {
  /** The jaxpr with dead equations removed; outputs are the used ones, inputs (and
   * constants) the used ones unless `keepInputs`. */
  readonly jaxpr: Jaxpr;
  /** For each input of the original jaxpr: does the result still read it? */
  readonly usedInputs: boolean[];
  /** For each constant of the original jaxpr: does the result still read it? */
  readonly usedConsts: boolean[];
}

/**
 * Removes what does not contribute to the outputs marked in `usedOutputs` (all by default).
 * With `keepInputs`, the result keeps the original inputs and constants (a top-level program
 * keeps its signature); otherwise unused ones are dropped too and reported.
 */
export function dceJaxpr(jaxpr: Jaxpr, usedOutputs: readonly boolean[] = jaxpr.outs.map(() => true), keepInputs = false): DceResult {
  const live = new Set<Var>();
  const outs = jaxpr.outs.filter((_, i) => usedOutputs[i]);
  for (const a of outs) if (!(a instanceof Literal)) live.add(a);
  const kept: Eqn[] = [];
  for (let k = jaxpr.eqns.length - 1; k >= 0; k--) {
    const eqn = jaxpr.eqns[k]!;
    const usedOuts = eqn.outVars.map((v) => live.has(v));
    if (!usedOuts.some(Boolean)) continue;
    const e = eqn.primitive === "pjit" && !usedOuts.every(Boolean) ? prunePjit(eqn as Eqn<"pjit">, usedOuts) : eqn;
    for (const a of e.inputs) if (!(a instanceof Literal)) live.add(a);
    kept.push(e);
  }
  kept.reverse();
  const usedInputs = jaxpr.inVars.map((v) => live.has(v));
  const usedConsts = jaxpr.constVars.map((v) => live.has(v));
  const inVars = keepInputs ? jaxpr.inVars : jaxpr.inVars.filter((_, i) => usedInputs[i]);
  const constVars = keepInputs ? jaxpr.constVars : jaxpr.constVars.filter((_, i) => usedConsts[i]);
  return { jaxpr: new Jaxpr(constVars, inVars, kept, outs), usedInputs, usedConsts };
}

/** A pjit equation computing only the outputs marked used, reading only what they need. */
function prunePjit(eqn: Eqn<"pjit">, usedOuts: readonly boolean[]): Eqn<"pjit"> {
  const { jaxpr, num_consts } = eqn.params;
  const inner = dceJaxpr(jaxpr, usedOuts);
  const inputs = eqn.inputs.filter((_, i) => inner.usedInputs[i]);
  const params: ParamsOf<"pjit"> = {
    ...eqn.params,
    jaxpr: inner.jaxpr,
    num_consts: inner.usedInputs.slice(0, num_consts).filter(Boolean).length,
  };
  return new Eqn("pjit", inputs, params, eqn.outVars.filter((_, i) => usedOuts[i]));
}
