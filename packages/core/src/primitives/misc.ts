// Shape and dtype rules of generators (iota), sort, the threefry cipher, and the
// higher-order primitives that carry sub-jaxprs.
import { sameShape, ShapedArray } from "../aval.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { itemSize } from "../dtype.js";
import { describeValue, fmtShape } from "../shape.js";
import { checkAxes } from "./reduce.js";
import type { AbstractEvalTable } from "./types.js";
import type { Jaxpr } from "../ir/jaxpr.js";

export type MiscPrim = "iota" | "sort" | "threefry2x32" | "bitcast_convert_type";
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
  bitcast_convert_type: ([x], { new_dtype }) => {
    const from = x!.dtype;
    if (from === "bool" || new_dtype === "bool") throw new DTypeError(`bitcast_convert_type: bool has no bit pattern to reinterpret (from ${from} to ${new_dtype})`);
    const [a, b] = [itemSize(from), itemSize(new_dtype)];
    if (a === b) return [new ShapedArray(x!.shape, new_dtype)];
    if (a > b) return [new ShapedArray([...x!.shape, a / b], new_dtype)];
    if (x!.shape.at(-1) !== b / a) {
      throw new ShapeError(`bitcast_convert_type: ${from} to the wider ${new_dtype} needs a last axis of ${b / a} (its ${b / a} ${from}s make one ${new_dtype}), got shape ${fmtShape(x!.shape)}`);
    }
    return [new ShapedArray(x!.shape.slice(0, -1), new_dtype)];
  },
  custom_jvp_call: (avals, { call_jaxpr }) => checkCallArgs("custom_jvp_call", call_jaxpr, avals),
  custom_vjp_call: (avals, { call_jaxpr }) => checkCallArgs("custom_vjp_call", call_jaxpr, avals),
  custom_lin: (_, { out_avals }) => [...out_avals],
  checkpoint: (avals, { jaxpr }) => checkCallArgs("checkpoint", jaxpr, avals),
  pjit: (avals, { jaxpr }) => checkCallArgs("pjit", jaxpr, avals),
};
