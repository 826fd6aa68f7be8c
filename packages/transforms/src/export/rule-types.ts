// The signature of a primitive's ONNX lowering, and the helpers every rule module shares.
import type { DType, Jaxpr, ParamsOf, PrimitiveName, ShapedArray } from "@jaxts/core";
import { isFloat } from "@jaxts/core";
import { onnxType } from "./dtypes.js";
import type { GraphBuilder } from "./graph-builder.js";
import type { OnnxDataType } from "./onnx/proto.js";

/** A value in the graph being built: its ONNX name and its jaxts type. */
export interface Val {
  readonly name: string;
  readonly aval: ShapedArray;
}

/** Lowers a sub-jaxpr (a call's body, a branch, a loop body) into `b`, its inputs bound to
 * the given names; returns the names of its outputs. */
export type LowerSub = (b: GraphBuilder, jaxpr: Jaxpr, inputs: readonly string[]) => string[];

/** A primitive's lowering: appends nodes to `b` and returns one output name per result. */
export type OnnxRule<P extends PrimitiveName> = (
  b: GraphBuilder,
  ins: readonly Val[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  lowerSub: LowerSub,
) => string[];

/** A primitive with no ONNX form: exporting a program that uses it raises, naming it and why. */
export interface Unsupported {
  readonly unsupported: string;
}

export type RuleTable<Ps extends PrimitiveName> = { readonly [P in Ps]: OnnxRule<P> | Unsupported };

export function cast(b: GraphBuilder, name: string, to: DType): string {
  return b.op("Cast", [name], { to: { int: onnxType(to, "a cast") } });
}

/** A cast to an ONNX element type that need not be a jaxts dtype (uint32 words, int64 indices). */
export function castOnnx(b: GraphBuilder, name: string, to: OnnxDataType): string {
  return b.op("Cast", [name], { to: { int: to } });
}

/** Where(cond, a, b). ONNX Runtime has no uint32 Where: pass the dtype where it can be
 * uint32, and those go through int64. */
export function where(b: GraphBuilder, cond: string, onTrue: string, onFalse: string, dtype?: DType): string {
  if (dtype !== "uint32") return b.op("Where", [cond, onTrue, onFalse]);
  const wide = (v: string): string => castOnnx(b, v, 7);
  return cast(b, b.op("Where", [cond, wide(onTrue), wide(onFalse)]), dtype);
}

export const isFloatDType = (d: DType): boolean => isFloat(d);
