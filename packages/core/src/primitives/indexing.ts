// Shape and dtype rules of the one-axis gather (np.take) and its transpose scatter_add.
import { ShapedArray } from "../aval.js";
import { DTypeError, ShapeError } from "../errors.js";
import { fmtShape } from "../shape.js";
import { checkAxes } from "./reduce.js";
import type { AbstractEvalTable } from "./types.js";

export type IndexingPrim = "gather" | "scatter_add";

/** gather(x, idx; axis) has shape x.shape[:axis] + idx.shape + x.shape[axis+1:]. */
export function gatherShape(x: readonly number[], idx: readonly number[], axis: number): number[] {
  return [...x.slice(0, axis), ...idx, ...x.slice(axis + 1)];
}

export const indexingAbstractEval: AbstractEvalTable<IndexingPrim> = {
  gather: ([x, idx], { axis }) => {
    checkAxes("gather", [axis], x!.ndim);
    if (idx!.dtype !== "int32") throw new DTypeError(`gather: indices must be int32, got ${idx!.str()}`);
    return [new ShapedArray(gatherShape(x!.shape, idx!.shape, axis), x!.dtype, x!.weakType)];
  },
  scatter_add: ([x, idx, upd], { axis }) => {
    checkAxes("scatter_add", [axis], x!.ndim);
    if (idx!.dtype !== "int32") throw new DTypeError(`scatter_add: indices must be int32, got ${idx!.str()}`);
    if (upd!.dtype !== x!.dtype) throw new DTypeError(`scatter_add: updates ${upd!.str()} must have the operand's dtype ${x!.dtype}`);
    if (x!.dtype === "bool") throw new DTypeError(`scatter_add: expected a numeric operand, got ${x!.str()}`);
    const want = gatherShape(x!.shape, idx!.shape, axis);
    if (want.length !== upd!.ndim || want.some((d, i) => d !== upd!.shape[i])) {
      throw new ShapeError(`scatter_add: updates must have shape ${fmtShape(want)}, got ${fmtShape(upd!.shape)}`);
    }
    return [x!];
  },
};
