// Shape and dtype rules of generators (iota), sort, the threefry cipher, and the
// higher-order primitives that carry sub-jaxprs.
import { sameShape, ShapedArray } from "../aval.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { describeValue, fmtShape } from "../shape.js";
import { checkAxes } from "./reduce.js";
import type { AbstractEvalTable } from "./types.js";
import type { Jaxpr } from "../ir/jaxpr.js";

export type MiscPrim = "iota" | "sort" | "threefry2x32";
export type ControlFlowPrim = "cond" | "while" | "scan";
export type HigherOrderPrim = "custom_jvp_call" | "custom_vjp_call" | "custom_lin" | "checkpoint" | "pjit" | ControlFlowPrim;
export const higherOrderPrims: readonly HigherOrderPrim[] = ["custom_jvp_call", "custom_vjp_call", "custom_lin", "checkpoint", "pjit", "cond", "while", "scan"];

/** The input types of a call of `jaxpr` (by `prim`), checked against `avals`; a type error names
 * the primitive and both lists of types. */
export function checkCallArgs(prim: string, jaxpr: Jaxpr, avals: readonly ShapedArray[]): ShapedArray[] {
  const want = jaxpr.inAvals;
  if (want.length !== avals.length || want.some((w, i) => !w.equals(avals[i]!))) {
    throw new ShapeError(`${prim}: arguments (${avals.map((a) => a.str()).join(", ")}) do not match the jaxpr's (${want.map((a) => a.str()).join(", ")})`);
  }
  return jaxpr.outAvals;
}

export const miscAbstractEval: AbstractEvalTable<MiscPrim | Exclude<HigherOrderPrim, ControlFlowPrim>> = {
  iota: (_, { dtype, shape, dimension }) => {
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= shape.length) {
      throw new ArgumentError(`iota: dimension ${describeValue(dimension)} out of range for shape ${fmtShape(shape)}`);
    }
    return [new ShapedArray(shape, dtype)];
  },
  sort: (avals, { dimension }) => {
    const first = avals[0];
    if (first === undefined) throw new ArgumentError("sort: needs at least one operand");
    checkAxes("sort", [dimension], first.ndim);
    for (const a of avals) {
      if (!sameShape(a.shape, first.shape)) throw new ShapeError(`sort: operands must share a shape, got ${first.str()} and ${a.str()}`);
    }
    return [...avals];
  },
  threefry2x32: (avals) => {
    const first = avals[0]!;
    for (const a of avals) {
      if (a.dtype !== "int32") throw new DTypeError(`threefry2x32: operands must be int32 words, got ${a.str()}`);
      if (!sameShape(a.shape, first.shape)) throw new ShapeError(`threefry2x32: operands must share a shape, got ${first.str()} and ${a.str()}`);
    }
    return [avals[2]!, avals[3]!];
  },
  custom_jvp_call: (avals, { call_jaxpr }) => checkCallArgs("custom_jvp_call", call_jaxpr, avals),
  custom_vjp_call: (avals, { call_jaxpr }) => checkCallArgs("custom_vjp_call", call_jaxpr, avals),
  custom_lin: (_, { out_avals }) => [...out_avals],
  checkpoint: (avals, { jaxpr }) => checkCallArgs("checkpoint", jaxpr, avals),
  pjit: (avals, { jaxpr }) => checkCallArgs("pjit", jaxpr, avals),
};
