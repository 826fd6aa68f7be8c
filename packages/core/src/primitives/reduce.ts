// Shape and dtype rules of reductions and scans over axes.
import { ShapedArray } from "../aval.js";
import { type DType, isFloat, isInteger } from "../dtype.js";
import { AxisError, DTypeError } from "../errors.js";
import { describeValue } from "../shape.js";
import type { AbstractEvalTable } from "./types.js";

export type ReducePrim = "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod" | "reduce_and" | "reduce_or" | "argmax" | "argmin" | "cumsum";

export function checkAxes(prim: string, axes: readonly number[], ndim: number): void {
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= ndim) throw new AxisError(`${prim}: axis ${describeValue(a)} is out of bounds for an array of rank ${ndim}`);
  }
  // (pairwise: axes are few, and this runs for every reduction applied)
  for (let i = 1; i < axes.length; i++) {
    for (let j = 0; j < i; j++) if (axes[i] === axes[j]) throw new AxisError(`${prim}: repeated axes (${axes.join(", ")})`);
  }
}

export function reducedShape(shape: readonly number[], axes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) if (!axes.includes(i)) out.push(shape[i]!);
  return out;
}

const reduceRule =
  (prim: string, ok: (d: DType) => boolean, expected: string) =>
  ([x]: readonly ShapedArray[], { axes }: { readonly axes: readonly number[] }): ShapedArray[] => {
    checkAxes(prim, axes, x!.ndim);
    if (!ok(x!.dtype)) throw new DTypeError(`${prim}: expected ${expected} operand, got ${x!.str()}`);
    return [new ShapedArray(reducedShape(x!.shape, axes), x!.dtype, x!.weakType)];
  };

const argRule =
  (prim: string) =>
  ([x]: readonly ShapedArray[], { axes, index_dtype }: { readonly axes: readonly number[]; readonly index_dtype: DType }): ShapedArray[] => {
    checkAxes(prim, axes, x!.ndim);
    if (axes.length !== 1) throw new AxisError(`${prim}: expects exactly one axis, got (${axes.join(", ")})`);
    if (x!.shape[axes[0]!] === 0) throw new AxisError(`${prim}: cannot take ${prim} over an empty axis of ${x!.str()}`);
    // (JAX's rule: an index is an integer)
    if (!isInteger(index_dtype)) throw new DTypeError(`${prim}: index_dtype must be an integer dtype, got ${describeValue(index_dtype)}`);
    return [new ShapedArray(reducedShape(x!.shape, axes), index_dtype)];
  };

const notBool = (d: DType): boolean => d !== "bool";
const boolOnly = (d: DType): boolean => d === "bool";

export const reduceAbstractEval: AbstractEvalTable<ReducePrim> = {
  reduce_sum: reduceRule("reduce_sum", notBool, "a numeric"),
  reduce_prod: reduceRule("reduce_prod", notBool, "a numeric"),
  reduce_max: reduceRule("reduce_max", () => true, "any"),
  reduce_min: reduceRule("reduce_min", () => true, "any"),
  reduce_and: reduceRule("reduce_and", boolOnly, "a boolean"),
  reduce_or: reduceRule("reduce_or", boolOnly, "a boolean"),
  argmax: argRule("argmax"),
  argmin: argRule("argmin"),
  cumsum: ([x], { axis }) => {
    checkAxes("cumsum", [axis], x!.ndim);
    if (!notBool(x!.dtype)) throw new DTypeError(`cumsum: expected a numeric operand, got ${x!.str()}`);
    return [x!];
  },
};

export const isFloatAval = (a: ShapedArray): boolean => isFloat(a.dtype);
