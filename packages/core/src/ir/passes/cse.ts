// Common-subexpression elimination: a first-order equation with the same primitive, the same
// inputs and the same params as an earlier one computes the same values (every primitive is
// pure and deterministic, the random cipher included: same key, same bits), so its outputs
// are replaced by the earlier outputs. Higher-order equations are compared by their
// sub-jaxprs' identity, which is what tracing the same function twice under a cache gives.
import { ShapedArray, sameType } from "../../aval.js";
import { type Atom, Eqn, Jaxpr, Literal, type Var } from "../jaxpr.js";

/** Common-subexpression elimination: equations with the same primitive, params and inputs
 * are computed once, and later uses read the first result. */
export function cseJaxpr(jaxpr: Jaxpr): Jaxpr {
  const subst = new Map<Var, Atom>();
  const read = (a: Atom): Atom => (a instanceof Literal ? a : (subst.get(a) ?? a));
  const seen = new Map<string, Eqn[]>();
  const eqns: Eqn[] = [];
  for (const original of jaxpr.eqns) {
    const eqn = new Eqn(original.primitive, original.inputs.map(read), original.params, original.outVars);
    const key = `${eqn.primitive}/${eqn.inputs.length}/${eqn.outVars.length}`;
    const candidates = seen.get(key) ?? [];
    const twin = candidates.find((c) => (sameInputs(c.inputs, eqn.inputs) || swappedInputs(eqn, c.inputs)) && sameParams(c.params, eqn.params) && c.outVars.every((v, i) => sameType(v.aval, eqn.outVars[i]!.aval)));
    if (twin !== undefined) {
      eqn.outVars.forEach((v, i) => subst.set(v, twin.outVars[i]!));
      continue;
    }
    candidates.push(eqn);
    seen.set(key, candidates);
    eqns.push(eqn);
  }
  return new Jaxpr(jaxpr.constVars, jaxpr.inVars, eqns, jaxpr.outs.map(read));
}


function sameAtom(a: Atom, b: Atom): boolean {
  if (a instanceof Literal) return b instanceof Literal && Object.is(a.value, b.value) && sameType(a.aval, b.aval);
  return a === b;
}

const sameInputs = (a: readonly Atom[], b: readonly Atom[]): boolean => a.every((x, i) => sameAtom(x, b[i]!));

/**
 * Binary primitives whose result does not depend on operand order, bit for bit: `mul a 0.5`
 * and `mul 0.5 a` (a gradient makes both) are one value. Not max and min: max(+0, −0) is −0
 * and max(−0, +0) is +0 here, as in XLA.
 */
const COMMUTATIVE: ReadonlySet<string> = new Set(["add", "mul", "and", "or", "xor", "eq", "ne"]);

/** Whether `eqn` is a commutative binary equation over `inputs` in the other order. */
const swappedInputs = (eqn: Eqn, inputs: readonly Atom[]): boolean =>
  COMMUTATIVE.has(eqn.primitive) && inputs.length === 2 && sameAtom(eqn.inputs[0]!, inputs[1]!) && sameAtom(eqn.inputs[1]!, inputs[0]!);

/** Structural equality of params: numbers by Object.is, arrays and plain objects by their
 * entries, avals by type, anything else (jaxprs, functions) by identity. */
function sameParams(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof ShapedArray) return b instanceof ShapedArray && sameType(a, b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameParams(x, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && sameParams(a[k], b[k]));
  }
  return false;
}

const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);
