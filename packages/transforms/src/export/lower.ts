// Lowering a jaxpr into a graph: each equation through its rule in the table, values named
// by the graph builder; unsupported primitives raise before any model exists.
import { type Atom, type Eqn, higherOrderPrims, type Jaxpr, JaxtsError, Literal, type PrimitiveName, ShapedArray, type Var } from "@jaxts/core";
import { computeDType } from "./dtypes.js";
import type { GraphBuilder } from "./graph-builder.js";
import { OnnxDataType } from "./onnx/proto.js";
import { onnxRules } from "./op-table.js";
import { cast, castOnnx, type OnnxRule, type Unsupported, type Val } from "./rule-types.js";

/** The primitive names a jaxpr uses that have no ONNX mapping, sub-jaxprs included. */
export class UnsupportedPrimitiveError extends JaxtsError {}

function ruleOf<P extends PrimitiveName>(p: P): OnnxRule<P> | Unsupported {
  return onnxRules[p];
}

/** Primitives whose operands pass through to sub-jaxprs unchanged (never widened). */
const calls: ReadonlySet<string> = new Set(higherOrderPrims);

/** An operand in its compute dtype (see computeDType). A logical right shift reads a signed
 * narrow integer's bits unsigned, so that one widens through the unsigned type of its width. */
function widen(b: GraphBuilder, v: Val, primitive: PrimitiveName): Val {
  const wide = computeDType(v.aval.dtype);
  if (wide === v.aval.dtype) return v;
  let name = v.name;
  if (primitive === "shift_right_logical" && (v.aval.dtype === "int8" || v.aval.dtype === "int16")) {
    name = castOnnx(b, name, v.aval.dtype === "int8" ? OnnxDataType.UINT8 : OnnxDataType.UINT16);
  }
  return { name: cast(b, name, wide), aval: new ShapedArray(v.aval.shape, wide, v.aval.weakType) };
}

function lowerEqn<P extends PrimitiveName>(b: GraphBuilder, eqn: Eqn<P>, operands: readonly Val[]): string[] {
  const rule = ruleOf(eqn.primitive);
  if ("unsupported" in rule) {
    throw new UnsupportedPrimitiveError(`exportOnnx: the primitive ${eqn.primitive} has no ONNX mapping: ${rule.unsupported}`);
  }
  const outAvals = eqn.outVars.map((v) => v.aval);
  if (calls.has(eqn.primitive)) return checked(eqn, rule(b, operands, eqn.params, outAvals, lowerJaxpr));
  const ins = operands.map((v) => widen(b, v, eqn.primitive));
  const wideOuts = outAvals.map((a) => new ShapedArray(a.shape, computeDType(a.dtype), a.weakType));
  const outs = rule(b, ins, eqn.params, wideOuts, lowerJaxpr);
  // Results computed wide are rounded (halves) or wrapped (narrow integers) back to their
  // dtype; a rule that already produced the narrow type (convert_element_type, iota) gets a
  // no-op cast.
  return checked(eqn, outs.map((o, i) => (outAvals[i]!.dtype === wideOuts[i]!.dtype ? o : cast(b, o, outAvals[i]!.dtype))));
}

function checked(eqn: Eqn, outs: string[]): string[] {
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
  const outer = b.ctx.origin;
  for (const eqn of jaxpr.eqns) {
    b.ctx.origin = eqn;
    const ins = eqn.inputs.map((a) => ({ name: read(a), aval: a.aval }));
    const outs = lowerEqn(b, eqn, ins);
    eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
  }
  b.ctx.origin = outer;
  return jaxpr.outs.map(read);
}
