// Shape and dtype rules of dot_general: contraction and batch dimensions as in XLA.
import { ShapedArray } from "../aval.js";
import { DTypeError, ShapeError } from "../errors.js";
import { fmtShape } from "../shape.js";
import { checkAxes } from "./reduce.js";
import type { AbstractEvalTable } from "./types.js";

/** Output = batch dims, then lhs free dims, then rhs free dims. */
export function dotGeneralShape(
  lhs: readonly number[],
  rhs: readonly number[],
  [[lc, rc], [lb, rb]]: readonly [readonly [readonly number[], readonly number[]], readonly [readonly number[], readonly number[]]],
): number[] {
  checkAxes("dot_general", [...lc, ...lb], lhs.length);
  checkAxes("dot_general", [...rc, ...rb], rhs.length);
  const bad = (what: string, l: readonly number[], r: readonly number[]) =>
    new ShapeError(
      `dot_general: ${what} dimensions (${l.join(", ")}) of lhs ${fmtShape(lhs)} and (${r.join(", ")}) of rhs ${fmtShape(rhs)} do not match`,
    );
  if (lc.length !== rc.length || lc.some((d, i) => lhs[d] !== rhs[rc[i]!])) throw bad("contracting", lc, rc);
  if (lb.length !== rb.length || lb.some((d, i) => lhs[d] !== rhs[rb[i]!])) throw bad("batch", lb, rb);
  const batch = lb.map((d) => lhs[d]!);
  const lFree = lhs.filter((_, i) => !lc.includes(i) && !lb.includes(i));
  const rFree = rhs.filter((_, i) => !rc.includes(i) && !rb.includes(i));
  return [...batch, ...lFree, ...rFree];
}

export const linalgAbstractEval: AbstractEvalTable<"dot_general"> = {
  dot_general: ([a, b], { dimension_numbers }) => {
    if (a!.dtype !== b!.dtype) throw new DTypeError(`dot_general: operands must share a dtype, got ${a!.str()} and ${b!.str()}`);
    if (a!.dtype === "bool") throw new DTypeError(`dot_general: expected numeric operands, got ${a!.str()}`);
    const shape = dotGeneralShape(a!.shape, b!.shape, dimension_numbers);
    return [new ShapedArray(shape, a!.dtype, a!.weakType && b!.weakType)];
  },
};
