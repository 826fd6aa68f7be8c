// Evaluating a jaxpr means binding its equations in order under whatever trace is
// current: eagerly that computes values, under a transformation it re-traces.
import type { NDArray } from "../array.js";
import { ConcreteArray } from "../array.js";
import { ArgumentError } from "../errors.js";
import { allocate } from "../dtype.js";
import { bind } from "../trace/core.js";
import { type Atom, type ClosedJaxpr, type Eqn, type Jaxpr, Literal, type Var } from "./jaxpr.js";
import type { PrimitiveName } from "../primitives/params.js";

export function literalArray(l: Literal): ConcreteArray {
  const data = allocate(l.aval.dtype, 1);
  data[0] = l.value;
  return new ConcreteArray(l.aval, data);
}

export function bindEqn<P extends PrimitiveName>(eqn: Eqn<P>, args: readonly NDArray[]): NDArray[] {
  return bind(eqn.primitive, args, eqn.params);
}

export function evalJaxprFlat(jaxpr: Jaxpr, consts: readonly NDArray[], args: readonly NDArray[]): NDArray[] {
  if (args.length !== jaxpr.inVars.length || consts.length !== jaxpr.constVars.length) {
    throw new ArgumentError(
      `evalJaxpr: the jaxpr takes ${jaxpr.constVars.length} constants and ${jaxpr.inVars.length} arguments, got ${consts.length} and ${args.length}`,
    );
  }
  const env = new Map<Var, NDArray>();
  const read = (a: Atom): NDArray => (a instanceof Literal ? literalArray(a) : env.get(a)!);
  jaxpr.constVars.forEach((v, i) => env.set(v, consts[i]!));
  jaxpr.inVars.forEach((v, i) => env.set(v, args[i]!));
  for (const eqn of jaxpr.eqns) {
    const outs = bindEqn(eqn, eqn.inputs.map(read));
    eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}

export function evalClosedJaxpr(closed: ClosedJaxpr, args: readonly NDArray[]): NDArray[] {
  return evalJaxprFlat(closed.jaxpr, closed.consts, args);
}
