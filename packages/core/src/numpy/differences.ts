// numpy's discrete differences along an axis: diff (repeated) and ediff1d (flattened).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { subtract } from "./elementwise.js";
import { broadcastTo, concatenate, ravel } from "./shape.js";

export interface DiffOptions {
  readonly axis?: number;
  /** Values put before / after `a` along the axis first (a scalar is broadcast to one slice). */
  readonly prepend?: Operand;
  readonly append?: Operand;
}

/** diff(a, n, { axis, prepend, append }): the n-th discrete difference a[i+1] − a[i] along `axis` (the last by default). */
export function diff(a: Operand, n = 1, opts: DiffOptions = {}): NDArray {
  checkOptions(opts, "diff", { axis: "integer", prepend: "any", append: "any" });
  if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`diff: the order n must be a non-negative integer, got ${describeValue(n)}`);
  let x = asArray(a, "diff");
  if (x.ndim === 0) throw new ShapeError("diff: the array must have at least 1 dimension, got a scalar");
  const axis = normalizeAxis(opts.axis ?? -1, x.ndim, "diff");
  const edge = (v: Operand, what: string): NDArray => {
    const e = asArray(v, "diff");
    if (e.ndim === 0) return broadcastTo(e, x.shape.map((d, k) => (k === axis ? 1 : d)));
    if (e.ndim !== x.ndim) throw new ShapeError(`diff: ${what} must be a scalar or have ${x.ndim} dimensions, got ${fmtShape(e.shape)}`);
    return e;
  };
  const parts = [...(opts.prepend === undefined ? [] : [edge(opts.prepend, "prepend")]), x, ...(opts.append === undefined ? [] : [edge(opts.append, "append")])];
  if (parts.length > 1) x = concatenate(parts, { axis });
  for (let i = 0; i < n; i++) {
    const len = x.shape[axis]!;
    if (len === 0) break;
    const lo = x.shape.map(() => 0);
    const hi = [...x.shape];
    const upper = lax.slice(x, lo.map((z, k) => (k === axis ? 1 : z)), hi);
    const lower = lax.slice(x, lo, hi.map((d, k) => (k === axis ? len - 1 : d)));
    // booleans differ by "not equal", as numpy's diff does for them
    x = x.dtype === "bool" ? lax.ne(upper, lower) : subtract(upper, lower);
  }
  return x;
}

/** ediff1d(ary, { toEnd, toBegin }): differences of the flattened array, with values prepended/appended. */
export function ediff1d(ary: Operand, opts: { readonly toEnd?: Operand; readonly toBegin?: Operand } = {}): NDArray {
  checkOptions(opts, "ediff1d", { toEnd: "any", toBegin: "any" });
  const x = ravel(asArray(ary, "ediff1d"));
  const d = diff(x);
  const flat = (v: Operand) => ravel(lax.convertElementType(asArray(v, "ediff1d"), d.dtype));
  const parts = [...(opts.toBegin === undefined ? [] : [flat(opts.toBegin)]), d, ...(opts.toEnd === undefined ? [] : [flat(opts.toEnd)])];
  return parts.length === 1 ? d : concatenate(parts);
}
