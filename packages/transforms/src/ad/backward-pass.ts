// Reverse mode, step two: transpose a linear jaxpr. Equations are visited last to first;
// each linear equation's output cotangents are pulled back through its transpose rule.
// Cotangents are freed as soon as they are consumed, and (when the caller hands over
// ownership) each residual is released right after its last use.
import { type Eqn, type Jaxpr, Literal, literalArray, type NDArray, NotDifferentiableError, type PrimitiveName, ruleLookup, type Var, VarEnv, varLayout } from "@jaxts/core";
import { type LinearPrim, type TransposeArg, transposeRules, UndefinedPrimal } from "./transpose-rules.js";
import { addTangents, type Tangent, Zero } from "./zero.js";

const transposeLookup = ruleLookup(() => transposeRules);

export function isLinearPrim(p: PrimitiveName): p is LinearPrim {
  return transposeLookup.has(p);
}

/** Pulls `cts` back through `eqn`'s transpose rule (one lookup: this runs for every equation). */
function transposeEqn<P extends LinearPrim>(eqn: Eqn<P>, cts: readonly Tangent[], args: readonly TransposeArg[]): (Tangent | null)[] {
  const rule: (typeof transposeRules)[P] | undefined = transposeLookup.get(eqn.primitive);
  if (rule === undefined) throw new NotDifferentiableError(`reverse-mode differentiation: no transpose rule for primitive \`${eqn.primitive}\``);
  return rule(cts, args, eqn.params);
}

/** An equation input's role in the backward pass. */
const LITERAL = 0;
const LINEAR = 1;
const PRIMAL = 2;

export interface BackwardOptions {
  /** The residuals may be released after their last use (the caller keeps no reference). */
  readonly consumeResiduals?: boolean;
}

/** Transposes the linear `jaxpr`: pulls the output cotangents `cts` back through its equations
 * in reverse (each by its transpose rule, reading `residuals`) to one cotangent per input. */
export function backwardPass(jaxpr: Jaxpr, residuals: NDArray[], cts: readonly Tangent[], opts: BackwardOptions = {}): Tangent[] {
  // Plain loops and one map per role: this runs once per grad call, and at small sizes the
  // bookkeeping here is a visible share of an eager step.
  // Variables are keyed by id in arrays (VarEnv), not hashed: see core's ir/var-env.ts.
  const layout = varLayout(jaxpr);
  const linear = new VarEnv<true>(layout);
  for (const v of jaxpr.inVars) linear.set(v, true);
  const primalEnv = new VarEnv<NDArray>(layout);
  const constVars = jaxpr.constVars;
  for (let i = 0; i < constVars.length; i++) primalEnv.set(constVars[i]!, residuals[i]!);
  const consume = opts.consumeResiduals === true;
  if (consume) residuals.length = 0;

  // Partial evaluation stages only equations with a linear (tangent) input. Each input's
  // role is found once here (the loops below read it): LITERAL, LINEAR, or PRIMAL (a
  // residual); equation i's inputs start at roles[first[i]].
  const eqns = jaxpr.eqns;
  // (plain arrays of small integers: a typed array costs more to make than these loops)
  const roles: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < eqns.length; i++) {
    const eqn = eqns[i]!;
    first.push(roles.length);
    let hasLinear = false;
    for (const a of eqn.inputs) {
      const role = a instanceof Literal ? LITERAL : linear.has(a) ? LINEAR : PRIMAL;
      roles.push(role);
      if (role === LINEAR) hasLinear = true;
    }
    if (!hasLinear) throw new NotDifferentiableError(`internal: equation \`${eqn.primitive}\` of a linear jaxpr has no linear input`);
    for (const v of eqn.outVars) linear.set(v, true);
  }

  // Each residual is released right after its last use in backward order (the smallest
  // equation index that reads it).
  let releaseAt: Var[][] | undefined;
  if (consume) {
    releaseAt = [];
    const seen = new VarEnv<true>(layout);
    for (let i = 0; i < eqns.length; i++) {
      const inputs = eqns[i]!.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const a = inputs[k]! as Var;
        if (roles[first[i]! + k] !== PRIMAL || seen.has(a)) continue;
        seen.set(a, true);
        const list = releaseAt[i];
        if (list === undefined) releaseAt[i] = [a];
        else list.push(a);
      }
    }
  }

  const ctEnv = new VarEnv<Tangent>(layout);
  const accumulate = (v: Var, ct: Tangent): void => {
    const prev = ctEnv.get(v);
    ctEnv.set(v, prev === undefined ? ct : addTangents(prev, ct));
  };
  const outs = jaxpr.outs;
  for (let i = 0; i < outs.length; i++) {
    const a = outs[i]!;
    if (!(a instanceof Literal) && linear.has(a)) accumulate(a, cts[i]!);
  }

  for (let i = eqns.length - 1; i >= 0; i--) {
    const eqn = eqns[i]!;
    const outVars = eqn.outVars;
    const outCts = new Array<Tangent>(outVars.length);
    let anyNonZero = false;
    for (let k = 0; k < outVars.length; k++) {
      const v = outVars[k]!;
      const ct = ctEnv.get(v);
      if (ct === undefined) outCts[k] = new Zero(v.aval);
      else {
        ctEnv.delete(v);
        outCts[k] = ct;
        if (!(ct instanceof Zero)) anyNonZero = true;
      }
    }
    if (anyNonZero) {
      const inputs = eqn.inputs;
      const at = first[i]!;
      const args = new Array<TransposeArg>(inputs.length);
      for (let k = 0; k < inputs.length; k++) {
        const a = inputs[k]!;
        const role = roles[at + k];
        args[k] = role === LITERAL ? literalArray(a as Literal) : role === LINEAR ? new UndefinedPrimal(a.aval) : primalEnv.get(a as Var)!;
      }
      const inCts = transposeEqn(eqn as Eqn<LinearPrim>, outCts, args);
      for (let k = 0; k < inputs.length; k++) {
        const ct = inCts[k];
        if (roles[at + k] === LINEAR && ct !== null && ct !== undefined) accumulate(inputs[k]! as Var, ct);
      }
    }
    const done = releaseAt?.[i];
    if (done !== undefined) for (const v of done) primalEnv.delete(v);
  }
  const inVars = jaxpr.inVars;
  const result = new Array<Tangent>(inVars.length);
  for (let k = 0; k < inVars.length; k++) result[k] = ctEnv.get(inVars[k]!) ?? new Zero(inVars[k]!.aval);
  return result;
}
