// Shape and dtype rules of the structured control-flow primitives. Their sub-jaxprs take
// hoisted constants as leading inputs; these rules check the flat avals (the lax API checks
// pytrees first, so its errors can name a branch or a carry leaf by path).
import { ShapedArray } from "../aval.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import type { Jaxpr } from "../ir/jaxpr.js";
import type { ControlFlowPrim } from "./misc.js";
import type { AbstractEvalTable } from "./types.js";

const strs = (avals: readonly ShapedArray[]): string => `(${avals.map((a) => a.str()).join(", ")})`;

function checkAvals(where: string, what: string, want: readonly ShapedArray[], got: readonly ShapedArray[]): void {
  if (want.length !== got.length || want.some((w, i) => !w.equals(got[i]!))) {
    throw new ShapeError(`${where}: ${what} ${strs(got)} do not match ${strs(want)}`);
  }
}

/** The avals of a stacked array's elements (axis 0 removed), checked against `length`. */
export function unstackedAval(where: string, a: ShapedArray, length: number): ShapedArray {
  if (a.ndim === 0 || a.shape[0] !== length) {
    throw new ShapeError(`${where}: every scanned input needs a leading axis of length ${length}, got ${a.str()}`);
  }
  return new ShapedArray(a.shape.slice(1), a.dtype, a.weakType);
}

/** `a` with a leading axis of `length`: the type of a scan's stacked outputs. */
export const stackedAval = (a: ShapedArray, length: number): ShapedArray => new ShapedArray([length, ...a.shape], a.dtype, a.weakType);

function checkIndex(where: string, a: ShapedArray | undefined, dtype: "int32" | "bool"): void {
  if (a === undefined || a.ndim !== 0 || a.dtype !== dtype) {
    throw new DTypeError(`${where}: expected a scalar ${dtype} ${where === "while" ? "predicate" : "index"}, got ${a === undefined ? "nothing" : a.str()}`);
  }
}

/** A branch's outputs are weak only if every branch's is. */
function joinOutAvals(branches: readonly Jaxpr[]): ShapedArray[] {
  const first = branches[0]!.outAvals;
  branches.forEach((b, i) => checkAvals("cond", `the outputs of branch ${i}`, first, b.outAvals));
  return first.map((a, k) => new ShapedArray(a.shape, a.dtype, branches.every((b) => b.outAvals[k]!.weakType)));
}

export const controlAbstractEval: AbstractEvalTable<ControlFlowPrim> = {
  cond: (avals, { branches }) => {
    if (branches.length === 0) throw new ArgumentError("cond: needs at least one branch");
    checkIndex("cond", avals[0], "int32");
    branches.forEach((b, i) => checkAvals("cond", `the operands of branch ${i}`, b.inAvals, avals.slice(1)));
    return joinOutAvals(branches);
  },
  while: (avals, { cond_jaxpr, body_jaxpr, cond_nconsts, body_nconsts }) => {
    const carry = avals.slice(cond_nconsts + body_nconsts);
    checkAvals("while", "the cond function's inputs", cond_jaxpr.inAvals, [...avals.slice(0, cond_nconsts), ...carry]);
    checkAvals("while", "the body function's inputs", body_jaxpr.inAvals, avals.slice(cond_nconsts));
    if (cond_jaxpr.outAvals.length !== 1) throw new ShapeError("while: the cond function must return one boolean scalar");
    checkIndex("while", cond_jaxpr.outAvals[0], "bool");
    checkAvals("while", "the body function's outputs", carry, body_jaxpr.outAvals);
    return [...body_jaxpr.outAvals];
  },
  scan: (avals, { jaxpr, length, num_carry, num_consts }) => {
    if (!Number.isInteger(length) || length < 0) throw new ArgumentError(`scan: length must be a non-negative integer, got ${length}`);
    const consts = avals.slice(0, num_consts);
    const carry = avals.slice(num_consts, num_consts + num_carry);
    const xs = avals.slice(num_consts + num_carry).map((a) => unstackedAval("scan", a, length));
    checkAvals("scan", "the body's inputs", jaxpr.inAvals, [...consts, ...carry, ...xs]);
    const outs = jaxpr.outAvals;
    checkAvals("scan", "the body's carry outputs", carry, outs.slice(0, num_carry));
    return [...carry, ...outs.slice(num_carry).map((y) => stackedAval(y, length))];
  },
};
