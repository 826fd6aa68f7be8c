// numpy's discrete differences along an axis: diff (repeated) and ediff1d (flattened).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { isPlainObject } from "../tree/index.js";
import { abs, add, divide, equal, greater, less, logicalAnd, multiply, negative, remainder, subtract, where } from "./elementwise.js";
import { toFloat } from "./promote.js";
import { cumsum } from "./reductions.js";
import { broadcastTo, concatenate, ravel, reshape } from "./shape.js";

export interface DiffOptions {
  readonly axis?: number;
  /** Values put before / after `a` along the axis first (a scalar is broadcast to one slice). */
  readonly prepend?: Operand;
  readonly append?: Operand;
}

/**
 * diff(a, n, { axis, prepend, append }): the n-th discrete difference a[i+1] − a[i] along `axis` (the last by default).
 *
 * @example
 * np.diff(array([1, 4, 9, 16])); // [3, 5, 7]
 * np.diff(array([1, 4, 9, 16]), 2); // [2, 2]
 */
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

/**
 * ediff1d(ary, { toEnd, toBegin }): differences of the flattened array, with values prepended/appended.
 *
 * @example
 * np.ediff1d(array([1, 2, 4]), { toBegin: 0 }); // [0, 1, 2]
 */
export function ediff1d(ary: Operand, opts: { readonly toEnd?: Operand; readonly toBegin?: Operand } = {}): NDArray {
  checkOptions(opts, "ediff1d", { toEnd: "any", toBegin: "any" });
  const x = ravel(asArray(ary, "ediff1d"));
  const d = diff(x);
  const flat = (v: Operand) => ravel(lax.convertElementType(asArray(v, "ediff1d"), d.dtype));
  const parts = [...(opts.toBegin === undefined ? [] : [flat(opts.toBegin)]), d, ...(opts.toEnd === undefined ? [] : [flat(opts.toEnd)])];
  return parts.length === 1 ? d : concatenate(parts);
}

/** A spacing for gradient: one step for the axis, or its coordinates (a 1-D array as long as the axis). */
export type GradientSpacing = number | Operand;

export interface GradientOptions {
  /** The axis or axes to differentiate along (all by default). */
  readonly axis?: number | readonly number[];
  /** numpy's edgeOrder: only the first-order edges JAX computes exist; 1 is accepted, 2 raises. */
  readonly edgeOrder?: number;
}

/**
 * gradient(f, ...spacing, { axis, edgeOrder }): numpy's gradient as JAX computes it — second-order
 * central differences inside (for uneven coordinates, numpy's three-point weights) and first-order
 * one-sided differences at both ends. `spacing` is nothing (unit steps), one step or coordinate
 * array for every axis, or one per axis. Returns one array for one axis, else one per axis.
 *
 * @example
 * np.gradient(array([1, 4, 9, 16])); // [3, 4, 6, 7]
 */
export function gradient(f: Operand, ...rest: readonly (GradientSpacing | GradientOptions)[]): NDArray | NDArray[] {
  const last = rest[rest.length - 1];
  const hasOpts = last !== undefined && isPlainObject(last);
  const o = checkOptions((hasOpts ? last : undefined) as GradientOptions | undefined, "gradient", { axis: "any", edgeOrder: "integer" });
  if (o.edgeOrder !== undefined && o.edgeOrder !== 1) throw new ArgumentError(`gradient: only edgeOrder 1 (first-order one-sided differences at the ends, as JAX computes) is supported, got ${o.edgeOrder}`);
  const spacing = (hasOpts ? rest.slice(0, -1) : rest) as readonly GradientSpacing[];
  const a = toFloat(f, "gradient");
  const axes = o.axis === undefined ? a.shape.map((_, i) => i) : (typeof o.axis === "number" ? [o.axis] : Array.from(o.axis)).map((ax) => normalizeAxis(ax, a.ndim, "gradient"));
  if (new Set(axes).size !== axes.length) throw new ArgumentError(`gradient: repeated axis in ${describeValue(o.axis)}`);
  if (axes.length === 0) return [];
  for (const ax of axes) {
    if (a.shape[ax]! < 2) throw new ShapeError(`gradient: axis ${ax} has ${a.shape[ax]} element(s); a numerical gradient needs at least 2 (shape ${fmtShape(a.shape)})`);
  }
  let steps: readonly GradientSpacing[];
  if (spacing.length === 0) steps = axes.map(() => 1);
  else if (spacing.length === 1) steps = axes.map(() => spacing[0]!);
  else if (spacing.length === axes.length) steps = spacing;
  else throw new ArgumentError(`gradient: expected no spacing, one, or one per axis (${axes.length}), got ${spacing.length}`);
  const grads = axes.map((ax, i) => gradientAlong(a, steps[i]!, ax));
  return grads.length === 1 ? grads[0]! : grads;
}

/** x[from:to] along `axis`. */
function sliceAlong(x: NDArray, from: number, to: number, axis: number): NDArray {
  return lax.slice(
    x,
    x.shape.map((_, k) => (k === axis ? from : 0)),
    x.shape.map((d, k) => (k === axis ? to : d)),
  );
}

function gradientAlong(a: NDArray, step: GradientSpacing, axis: number): NDArray {
  const n = a.shape[axis]!;
  const part = (x: NDArray, from: number, to: number): NDArray => sliceAlong(x, from, to, axis);
  let upper = subtract(part(a, 1, 2), part(a, 0, 1));
  let lower = subtract(part(a, n - 1, n), part(a, n - 2, n - 1));
  let inner: NDArray;
  const h = typeof step === "number" ? step : toFloat(step, "gradient");
  if (typeof h === "number" || h.ndim === 0) {
    inner = divide(multiply(subtract(part(a, 2, n), part(a, 0, n - 2)), 0.5), h);
    upper = divide(upper, h);
    lower = divide(lower, h);
  } else {
    if (h.ndim !== 1) throw new ShapeError(`gradient: a spacing must be a number or a 1-D array of coordinates, got ${fmtShape(h.shape)}`);
    if (h.shape[0] !== n) throw new ShapeError(`gradient: the coordinates for axis ${axis} must have ${n} elements (the axis' length), got ${h.shape[0]}`);
    const x = reshape(h, a.shape.map((_, k) => (k === axis ? n : 1)));
    upper = divide(upper, subtract(part(x, 1, 2), part(x, 0, 1)));
    lower = divide(lower, subtract(part(x, n - 1, n), part(x, n - 2, n - 1)));
    const dx1 = subtract(part(x, 1, n - 1), part(x, 0, n - 2));
    const dx2 = subtract(part(x, 2, n), part(x, 1, n - 1));
    const sum = add(dx1, dx2);
    const wa = divide(negative(dx2), multiply(dx1, sum));
    const wb = divide(subtract(dx2, dx1), multiply(dx1, dx2));
    const wc = divide(dx1, multiply(dx2, sum));
    inner = add(add(multiply(wa, part(a, 0, n - 2)), multiply(wb, part(a, 1, n - 1))), multiply(wc, part(a, 2, n)));
  }
  return concatenate([upper, inner, lower], { axis });
}

export interface UnwrapOptions {
  /** Jumps up to this size are kept (default and minimum: period / 2). */
  readonly discont?: number;
  readonly axis?: number;
  /** The period of the wrapped quantity (default 2π). */
  readonly period?: number;
}

/**
 * unwrap(p, { discont, axis, period }): p with every jump between neighbours larger than `discont` replaced by its complement modulo `period` (phase unwrapping), as numpy and JAX compute it.
 *
 * @example
 * np.unwrap(array([0, 3, 6.5])); // [0, 3, 0.2168]
 */
export function unwrap(p: Operand, opts: UnwrapOptions = {}): NDArray {
  const o = checkOptions(opts, "unwrap", { discont: "number", axis: "integer", period: "number" });
  const x = toFloat(p, "unwrap");
  if (x.ndim === 0) throw new ShapeError("unwrap: the array must have at least 1 dimension, got a scalar");
  const axis = normalizeAxis(o.axis ?? -1, x.ndim, "unwrap");
  const period = o.period ?? 2 * Math.PI;
  const discont = Math.max(o.discont ?? period / 2, period / 2);
  const n = x.shape[axis]!;
  if (n < 2) return x;
  const dd = diff(x, 1, { axis });
  const half = period / 2;
  // the jump mapped into [−period/2, period/2), with +period/2 kept for positive jumps
  let ddmod = subtract(remainder(add(dd, half), period), half);
  ddmod = where(logicalAnd(equal(ddmod, -half), greater(dd, 0)), half, ddmod);
  const correction = where(less(abs(dd), discont), 0, subtract(ddmod, dd));
  const first = sliceAlong(x, 0, 1, axis);
  const rest = add(sliceAlong(x, 1, n, axis), cumsum(correction, { axis }));
  return concatenate([first, rest], { axis });
}
