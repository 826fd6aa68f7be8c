// Lowering a jaxpr into a graph: each equation through its rule in the table, values named
// by the graph builder; unsupported primitives raise before any model exists.
import { type Atom, type Eqn, type Jaxpr, JaxtsError, Literal, type PrimitiveName, type Var } from "@jaxts/core";
import type { GraphBuilder } from "./graph-builder.js";
import { onnxRules } from "./op-table.js";
import type { OnnxRule, Unsupported, Val } from "./rule-types.js";

/** The primitive names a jaxpr uses that have no ONNX mapping, sub-jaxprs included. */
export class UnsupportedPrimitiveError extends JaxtsError {}

function ruleOf<P extends PrimitiveName>(p: P): OnnxRule<P> | Unsupported {
  return onnxRules[p];
}

function lowerEqn<P extends PrimitiveName>(b: GraphBuilder, eqn: Eqn<P>, ins: readonly Val[]): string[] {
  const rule = ruleOf(eqn.primitive);
  if ("unsupported" in rule) {
    throw new UnsupportedPrimitiveError(`exportOnnx: the primitive ${eqn.primitive} has no ONNX mapping: ${rule.unsupported}`);
  }
  const outs = rule(b, ins, eqn.params, eqn.outVars.map((v) => v.aval), lowerJaxpr);
  if (outs.length !== eqn.outVars.length) {
    throw new JaxtsError(`exportOnnx: internal error: the ${eqn.primitive} lowering gave ${outs.length} outputs for ${eqn.outVars.length}`);
  }
  return outs;
}

/** Lower `jaxpr` into `b` with its constVars then inVars bound to `inputs`. */
export function lowerJaxpr(b: GraphBuilder, jaxpr: Jaxpr, inputs: readonly string[]): string[] {
  const params = [...jaxpr.constVars, ...jaxpr.inVars];
  if (params.length !== inputs.length) {
    throw new JaxtsError(`exportOnnx: internal error: a jaxpr of ${params.length} inputs was given ${inputs.length}`);
  }
  const env = new Map<Var, string>();
  params.forEach((v, i) => env.set(v, inputs[i]!));
  const read = (a: Atom): string => {
    if (a instanceof Literal) return a.aval.ndim === 0 ? b.scalar(a.value, a.aval.dtype) : b.tensor(new Array<number>(a.aval.size).fill(a.value), a.aval.shape, a.aval.dtype);
    const name = env.get(a);
    if (name === undefined) throw new JaxtsError("exportOnnx: internal error: a variable is read before it is defined");
    return name;
  };
  for (const eqn of jaxpr.eqns) {
    const ins = eqn.inputs.map((a) => ({ name: read(a), aval: a.aval }));
    const outs = lowerEqn(b, eqn, ins);
    eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}
