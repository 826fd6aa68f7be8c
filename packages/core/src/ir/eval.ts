// Evaluating a jaxpr means binding its equations in order under whatever trace is
// current: eagerly that computes values, under a transformation it re-traces.
import type { NDArray } from "../array.js";
import { ConcreteArray } from "../array.js";
import { ArgumentError } from "../errors.js";
import { allocate, toStorage } from "../dtype.js";
import { bind } from "../trace/core.js";
import { type Atom, type ClosedJaxpr, type Eqn, type Jaxpr, Literal, type Var } from "./jaxpr.js";
import type { PrimitiveName } from "../primitives/params.js";
import { VarEnv } from "./var-env.js";

/**
 * A jaxpr literal (a constant written inline) as a concrete array of its type.
 *
 * @example
 * import { array, type Literal, literalArray, makeJaxpr, type NDArray } from "@jaxts/core";
 *
 * const eqn = makeJaxpr((x: NDArray) => x.mul(2))(array([1])).jaxpr.eqns[0]!;
 * literalArray(eqn.inputs[1] as Literal).item(); // 2
 */
export function literalArray(l: Literal): ConcreteArray {
  const data = allocate(l.aval.dtype, 1);
  data[0] = toStorage(l.value, l.aval.dtype);
  return new ConcreteArray(l.aval, data);
}

/**
 * One equation applied to `args` (its primitive bound with its params under the current trace):
 * the building block of jaxpr interpreters.
 *
 * @example
 * import { array, bindEqn, makeJaxpr, type NDArray } from "@jaxts/core";
 *
 * const eqn = makeJaxpr((x: NDArray) => x.neg())(array([1])).jaxpr.eqns[0]!;
 * bindEqn(eqn, [array([5])])[0]; // [-5]
 */
export function bindEqn<P extends PrimitiveName>(eqn: Eqn<P>, args: readonly NDArray[]): NDArray[] {
  return bind(eqn.primitive, args, eqn.params);
}

const deadCache = new WeakMap<Jaxpr, Var[][]>();

/** For each equation, the variables whose last use it is (outputs of the jaxpr never die). */
function deadAfter(jaxpr: Jaxpr): Var[][] {
  let dead = deadCache.get(jaxpr);
  if (dead !== undefined) return dead;
  const last = new Map<Var, number>();
  jaxpr.eqns.forEach((eqn, k) => {
    for (const a of eqn.inputs) if (!(a instanceof Literal)) last.set(a, k);
    for (const v of eqn.outVars) if (!last.has(v)) last.set(v, k);
  });
  for (const a of jaxpr.outs) if (!(a instanceof Literal)) last.delete(a);
  dead = jaxpr.eqns.map(() => []);
  for (const [v, k] of last) dead[k]!.push(v);
  deadCache.set(jaxpr, dead);
  return dead;
}

/**
 * `jaxpr` evaluated on flat `consts` and `args` (in the order of its const and input vars), under
 * the current trace: the flat outputs.
 *
 * @example
 * import { array, evalJaxprFlat, makeJaxpr, type NDArray } from "@jaxts/core";
 *
 * const closed = makeJaxpr((x: NDArray) => x.add(1))(array([1]));
 * evalJaxprFlat(closed.jaxpr, closed.consts, [array([41])])[0]; // [42]
 */
export function evalJaxprFlat(jaxpr: Jaxpr, consts: readonly NDArray[], args: readonly NDArray[]): NDArray[] {
  if (args.length !== jaxpr.inVars.length || consts.length !== jaxpr.constVars.length) {
    throw new ArgumentError(
      `evalJaxpr: the jaxpr takes ${jaxpr.constVars.length} constants and ${jaxpr.inVars.length} arguments, got ${consts.length} and ${args.length}`,
    );
  }
  const env = new VarEnv<NDArray>(jaxpr);
  const read = (a: Atom): NDArray => (a instanceof Literal ? literalArray(a) : env.get(a)!);
  const { constVars, inVars, eqns } = jaxpr;
  for (let i = 0; i < constVars.length; i++) env.set(constVars[i]!, consts[i]!);
  for (let i = 0; i < inVars.length; i++) env.set(inVars[i]!, args[i]!);
  const dead = deadAfter(jaxpr);
  for (let k = 0; k < eqns.length; k++) {
    const eqn = eqns[k]!;
    const inputs = eqn.inputs;
    const ins = new Array<NDArray>(inputs.length);
    for (let i = 0; i < inputs.length; i++) ins[i] = read(inputs[i]!);
    const outs = bindEqn(eqn, ins);
    const outVars = eqn.outVars;
    for (let i = 0; i < outVars.length; i++) env.set(outVars[i]!, outs[i]!);
    // Drop every value right after its last use, so intermediates do not pile up.
    for (const v of dead[k]!) env.delete(v);
  }
  return jaxpr.outs.map(read);
}

export function evalClosedJaxpr(closed: ClosedJaxpr, args: readonly NDArray[]): NDArray[] {
  return evalJaxprFlat(closed.jaxpr, closed.consts, args);
}
