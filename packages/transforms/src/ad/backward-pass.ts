// Reverse mode, step two: transpose a linear jaxpr. Equations are visited last to first;
// each linear equation's output cotangents are pulled back through its transpose rule.
// Cotangents are freed as soon as they are consumed, and (when the caller hands over
// ownership) each residual is released right after its last use.
import { type Eqn, type Jaxpr, Literal, literalArray, type NDArray, NotDifferentiableError, type PrimitiveName, type Var } from "@jaxts/core";
import { type LinearPrim, type TransposeArg, transposeRules, UndefinedPrimal } from "./transpose-rules.js";
import { addTangents, type Tangent, Zero } from "./zero.js";

export function isLinearPrim(p: PrimitiveName): p is LinearPrim {
  return p in transposeRules;
}

function transposeEqn<P extends LinearPrim>(eqn: Eqn<P>, cts: readonly Tangent[], args: readonly TransposeArg[]): (Tangent | null)[] {
  const rule: (typeof transposeRules)[P] = transposeRules[eqn.primitive];
  return rule(cts, args, eqn.params);
}

export interface BackwardOptions {
  /** The residuals may be released after their last use (the caller keeps no reference). */
  readonly consumeResiduals?: boolean;
}

export function backwardPass(jaxpr: Jaxpr, residuals: NDArray[], cts: readonly Tangent[], opts: BackwardOptions = {}): Tangent[] {
  const linear = new Set<Var>(jaxpr.inVars);
  const primalEnv = new Map<Var, NDArray>();
  jaxpr.constVars.forEach((v, i) => primalEnv.set(v, residuals[i]!));
  if (opts.consumeResiduals) residuals.length = 0;

  // Partial evaluation stages only equations with a linear (tangent) input.
  const linearEqns = jaxpr.eqns;
  for (const eqn of linearEqns) {
    if (!eqn.inputs.some((a) => !(a instanceof Literal) && linear.has(a))) {
      throw new NotDifferentiableError(`internal: equation \`${eqn.primitive}\` of a linear jaxpr has no linear input`);
    }
    for (const v of eqn.outVars) linear.add(v);
  }

  // Last use of every residual, counted in backward order (the smallest equation index).
  const lastUse = new Map<Var, number>();
  linearEqns.forEach((eqn, i) => {
    for (const a of eqn.inputs) if (!(a instanceof Literal) && !linear.has(a) && !lastUse.has(a)) lastUse.set(a, i);
  });
  const releaseAt = new Map<number, Var[]>();
  if (opts.consumeResiduals) for (const [v, i] of lastUse) releaseAt.set(i, [...(releaseAt.get(i) ?? []), v]);

  const ctEnv = new Map<Var, Tangent>();
  const accumulate = (v: Var, ct: Tangent): void => {
    const prev = ctEnv.get(v);
    ctEnv.set(v, prev === undefined ? ct : addTangents(prev, ct));
  };
  jaxpr.outs.forEach((a, i) => {
    if (!(a instanceof Literal) && linear.has(a)) accumulate(a, cts[i]!);
  });

  for (let i = linearEqns.length - 1; i >= 0; i--) {
    const eqn = linearEqns[i]!;
    const outCts = eqn.outVars.map((v) => {
      const ct = ctEnv.get(v) ?? new Zero(v.aval);
      ctEnv.delete(v);
      return ct;
    });
    if (outCts.some((c) => !(c instanceof Zero))) {
      if (!isLinearPrim(eqn.primitive)) {
        throw new NotDifferentiableError(`reverse-mode differentiation: no transpose rule for primitive \`${eqn.primitive}\``);
      }
      const args: TransposeArg[] = eqn.inputs.map((a) =>
        a instanceof Literal ? literalArray(a) : linear.has(a) ? new UndefinedPrimal(a.aval) : primalEnv.get(a)!,
      );
      const inCts = transposeEqn(eqn as Eqn<LinearPrim>, outCts, args);
      eqn.inputs.forEach((a, k) => {
        const ct = inCts[k];
        if (!(a instanceof Literal) && linear.has(a) && ct !== null && ct !== undefined) accumulate(a, ct);
      });
    }
    for (const v of releaseAt.get(i) ?? []) primalEnv.delete(v);
  }
  return jaxpr.inVars.map((v) => ctEnv.get(v) ?? new Zero(v.aval));
}
