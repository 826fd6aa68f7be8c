// A type checker for jaxprs: every variable is defined once before it is read, and every
// equation's output types are what its primitive's abstract evaluation gives for its input
// types (shape, dtype and weak type), recursively through sub-jaxprs. Passes and rewrites
// (JVP, partial evaluation, transpose, batching, the compiler's simplifications) must keep
// jaxprs well typed; tests run this on what they produce, and it names the first equation
// that is not.
import { type ShapedArray, sameType } from "../../aval.js";
import { JaxtsError } from "../../errors.js";
import { abstractEval } from "../../primitives/index.js";
import { type Atom, type Jaxpr, Literal, type Var } from "../jaxpr.js";
import { subJaxprs } from "./sub-jaxprs.js";

/** A jaxpr that is not well typed (a bug in whatever produced it). */
export class JaxprTypeError extends JaxtsError {}


/** Throws a JaxprTypeError naming the first problem; returns the jaxpr's output types. */
export function typecheckJaxpr(jaxpr: Jaxpr): ShapedArray[] {
  const defined = new Set<Var>();
  const define = (v: Var, where: string): void => {
    if (defined.has(v)) throw new JaxprTypeError(`typecheckJaxpr: ${where} defines a variable (${v.aval.str()}) that is already defined`);
    defined.add(v);
  };
  const read = (a: Atom, where: string): ShapedArray => {
    if (a instanceof Literal) return a.aval;
    if (!defined.has(a)) throw new JaxprTypeError(`typecheckJaxpr: ${where} reads a variable (${a.aval.str()}) that is not defined before it`);
    return a.aval;
  };
  for (const v of jaxpr.constVars) define(v, "a constant");
  for (const v of jaxpr.inVars) define(v, "an input");
  jaxpr.eqns.forEach((eqn, k) => {
    const where = `equation ${k} (${eqn.primitive})`;
    const inAvals = eqn.inputs.map((a) => read(a, where));
    for (const sub of subJaxprs(eqn)) {
      try {
        typecheckJaxpr(sub);
      } catch (e) {
        if (e instanceof JaxprTypeError) throw new JaxprTypeError(`${e.message}\n  inside the sub-jaxpr of ${where}`);
        throw e;
      }
    }
    let expected: ShapedArray[];
    try {
      expected = abstractEval(eqn.primitive, inAvals, eqn.params);
    } catch (e) {
      if (e instanceof JaxtsError) throw new JaxprTypeError(`typecheckJaxpr: ${where} is ill-typed: ${e.message}`);
      throw e;
    }
    if (expected.length !== eqn.outVars.length) {
      throw new JaxprTypeError(`typecheckJaxpr: ${where} has ${eqn.outVars.length} outputs; its primitive gives ${expected.length}`);
    }
    eqn.outVars.forEach((v, i) => {
      if (!sameType(v.aval, expected[i]!)) {
        throw new JaxprTypeError(
          `typecheckJaxpr: output ${i} of ${where} is declared ${fmt(v.aval)} but the primitive gives ${fmt(expected[i]!)} for inputs (${inAvals.map(fmt).join(", ")})`,
        );
      }
      define(v, where);
    });
  });
  return jaxpr.outs.map((a) => read(a, "the jaxpr's outputs"));
}

const fmt = (a: ShapedArray): string => `${a.str()}${a.weakType ? " (weak)" : ""}`;
