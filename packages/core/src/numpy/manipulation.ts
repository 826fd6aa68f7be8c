// numpy's array manipulation beyond the basics of shape.ts: rolling and rotating, uneven
// and directional splits, and the directional stacks. Every one is slicing, concatenation,
// reversal and transposition, so every transformation handles it.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkListLength } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { checkIntList, describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { concatenate, flip, ravel, reshape, split, transpose } from "./shape.js";

const sliceAlong = (a: NDArray, axis: number, lo: number, hi: number): NDArray =>
  lax.slice(
    a,
    a.shape.map((_, k) => (k === axis ? lo : 0)),
    a.shape.map((d, k) => (k === axis ? hi : d)),
  );

/** roll(a, shift, { axis }): elements shifted along `axis` (or the flattened array), wrapping
 * around; `shift` and `axis` may be lists of the same length (each pair applied in turn).
 *
 * @example
 * np.roll(array([1, 2, 3, 4]), 1); // [4, 1, 2, 3]
 * np.roll(array([[1, 2], [3, 4]]), -1, { axis: 1 }); // [[2, 1], [4, 3]]
 */
export function roll(a: Operand, shift: number | readonly number[], opts: { readonly axis?: number | readonly number[] } = {}): NDArray {
  checkOptions(opts, "roll", { axis: "axes" });
  const x = asArray(a, "roll");
  const shifts = typeof shift === "number" ? [shift] : checkIntList(shift, "roll", "shift");
  if (shifts.some((s) => !Number.isInteger(s))) throw new ArgumentError(`roll: shift must be an integer or a list of integers, got ${describeValue(shift)}`);
  if (opts.axis === undefined) {
    if (shifts.length !== 1) throw new ArgumentError(`roll: without an axis, shift must be one integer, got ${shifts.length}`);
    return reshape(roll(ravel(x), shifts[0]!, { axis: 0 }), x.shape);
  }
  const axes = typeof opts.axis === "number" ? [opts.axis] : checkIntList(opts.axis, "roll", "axis");
  // one shift for every axis, or one axis for every shift (numpy broadcasts the pair)
  const n = Math.max(shifts.length, axes.length);
  if ((shifts.length !== 1 && shifts.length !== n) || (axes.length !== 1 && axes.length !== n)) {
    throw new ArgumentError(`roll: shift (${shifts.length} values) and axis (${axes.length} values) must have the same length, or one of them a single value`);
  }
  let out = x;
  for (let i = 0; i < n; i++) {
    const axis = normalizeAxis(axes[axes.length === 1 ? 0 : i]!, x.ndim, "roll");
    const len = x.shape[axis]!;
    if (len === 0) continue;
    const s = (((shifts[shifts.length === 1 ? 0 : i]! % len) + len) % len) | 0;
    if (s === 0) continue;
    out = lax.concatenate([sliceAlong(out, axis, len - s, len), sliceAlong(out, axis, 0, len - s)], axis);
  }
  return out;
}

/** rot90(m, { k, axes }): m rotated by 90° k times in the plane of `axes`, from the first axis
 * towards the second (numpy's direction).
 *
 * @example
 * np.rot90(array([[1, 2], [3, 4]])); // [[2, 4], [1, 3]]
 */
export function rot90(m: Operand, opts: { readonly k?: number; readonly axes?: readonly [number, number] } = {}): NDArray {
  checkOptions(opts, "rot90", { k: "integer", axes: "integerList" });
  const x = asArray(m, "rot90");
  const axes = opts.axes ?? [0, 1];
  if (axes.length !== 2) throw new ArgumentError(`rot90: axes must be two axes, got ${describeValue(axes)}`);
  if (x.ndim < 2) throw new ShapeError(`rot90: the array must have at least 2 dimensions, got ${fmtShape(x.shape)}`);
  const [a0, a1] = [normalizeAxis(axes[0]!, x.ndim, "rot90"), normalizeAxis(axes[1]!, x.ndim, "rot90")];
  if (a0 === a1) throw new ArgumentError(`rot90: the two axes must differ, got ${axes[0]} and ${axes[1]}`);
  const k = (((opts.k ?? 1) % 4) + 4) % 4;
  if (k === 0) return x;
  if (k === 2) return flip(x, { axis: [a0, a1] });
  const perm = x.shape.map((_, i) => (i === a0 ? a1 : i === a1 ? a0 : i));
  return k === 1 ? transpose(flip(x, { axis: a1 }), perm) : flip(transpose(x, perm), { axis: a1 });
}

/** arraySplit(a, sectionsOrIndices, { axis }): like split, but n sections need not divide the
 * axis: the first (length mod n) sections get one element more.
 *
 * @example
 * np.arraySplit(arange(5), 2).map((p) => p.toArray()); // [[0, 1, 2], [3, 4]]
 */
export function arraySplit(a: Operand, sectionsOrIndices: number | readonly number[], opts: { readonly axis?: number } = {}): NDArray[] {
  checkOptions(opts, "arraySplit", { axis: "integer" });
  const x = asArray(a, "arraySplit");
  if (typeof sectionsOrIndices !== "number") return split(x, sectionsOrIndices, opts);
  const n = sectionsOrIndices;
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`arraySplit: the number of sections must be a positive integer, got ${describeValue(n)}`);
  const axis = normalizeAxis(opts.axis ?? 0, x.ndim, "arraySplit");
  const len = x.shape[axis]!;
  checkListLength(n, "sections", "arraySplit");
  const [base, extra] = [Math.floor(len / n), len % n];
  const cuts: number[] = [];
  for (let i = 1, at = 0; i < n; i++) {
    at += base + (i <= extra ? 1 : 0);
    cuts.push(at);
  }
  return split(x, cuts, { axis });
}

const directional = (where: string, axisOf: (ndim: number) => number, minRank: number) => (a: Operand, sectionsOrIndices: number | readonly number[]): NDArray[] => {
  const x = asArray(a, where);
  if (x.ndim < minRank) throw new ShapeError(`${where}: the array must have at least ${minRank} dimension${minRank === 1 ? "" : "s"}, got ${fmtShape(x.shape)}`);
  return split(x, sectionsOrIndices, { axis: axisOf(x.ndim) });
};
/**
 * hsplit: split along axis 1 (axis 0 for a 1-D array).
 *
 * @example
 * np.hsplit(arange(4), 2).map((p) => p.toArray()); // [[0, 1], [2, 3]]
 */
export const hsplit = directional("hsplit", (nd) => (nd === 1 ? 0 : 1), 1);
/**
 * vsplit: split along axis 0 (at least 2-D).
 *
 * @example
 * np.vsplit(array([[1, 2], [3, 4]]), 2).map((p) => p.toArray()); // [[[1, 2]], [[3, 4]]]
 */
export const vsplit = directional("vsplit", () => 0, 2);
/**
 * dsplit: split along axis 2 (at least 3-D).
 *
 * @example
 * np.dsplit(zeros([1, 2, 4]), 2).map((p) => p.shape); // [[1, 2, 2], [1, 2, 2]]
 */
export const dsplit = directional("dsplit", () => 2, 3);

/**
 * unstack(x, { axis }): the slices of x along `axis`, each without that axis.
 *
 * @example
 * np.unstack(array([[1, 2], [3, 4]])).map((r) => r.toArray()); // [[1, 2], [3, 4]]
 */
export function unstack(x: Operand, opts: { readonly axis?: number } = {}): NDArray[] {
  checkOptions(opts, "unstack", { axis: "integer" });
  const a = asArray(x, "unstack");
  if (a.ndim === 0) throw new ShapeError("unstack: the array must have at least 1 dimension, got a scalar");
  const axis = normalizeAxis(opts.axis ?? 0, a.ndim, "unstack");
  checkListLength(a.shape[axis]!, "slices", "unstack");
  return Array.from({ length: a.shape[axis]! }, (_, i) => lax.squeeze(sliceAlong(a, axis, i, i + 1), [axis]));
}

const atLeast = (a: NDArray, rank: 1 | 2 | 3): NDArray => {
  if (a.ndim >= rank) return a;
  if (rank === 1) return reshape(a, [1]);
  if (rank === 2) return reshape(a, [1, ...(a.ndim === 0 ? [1] : a.shape)]);
  // numpy's atleast_3d: a scalar → (1,1,1), (n) → (1,n,1), (m,n) → (m,n,1)
  return reshape(a, a.ndim === 0 ? [1, 1, 1] : a.ndim === 1 ? [1, a.shape[0]!, 1] : [...a.shape, 1]);
};

const arraysOf = (where: string, xs: readonly Operand[]): NDArray[] => {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError(`${where}: expected a non-empty list of arrays`);
  return Array.from(xs, (x) => asArray(x, where));
};

/**
 * hstack: concatenate along axis 1 (along axis 0 when the arrays are 1-D).
 *
 * @example
 * np.hstack([array([1, 2]), array([3])]); // [1, 2, 3]
 * np.hstack([array([[1], [2]]), array([[3], [4]])]); // [[1, 3], [2, 4]]
 */
export function hstack(xs: readonly Operand[]): NDArray {
  const arrays = arraysOf("hstack", xs).map((a) => atLeast(a, 1));
  return concatenate(arrays, { axis: arrays[0]!.ndim === 1 ? 0 : 1 });
}

/**
 * vstack: concatenate along axis 0, 1-D arrays taken as rows.
 *
 * The arrays stacked as rows: 1-d arrays become rows of a matrix, others join along axis 0.
 *
 * @example
 * np.vstack([array([1, 2]), array([3, 4])]); // [[1, 2], [3, 4]]
 */
export const vstack = (xs: readonly Operand[]): NDArray => concatenate(arraysOf("vstack", xs).map((a) => atLeast(a, 2)), { axis: 0 });

/**
 * dstack: concatenate along axis 2 (depth), after making every array at least 3-D.
 *
 * The arrays joined along axis 2 (depth), each first made at least 3-d.
 *
 * @example
 * np.dstack([array([1, 2]), array([3, 4])]); // [[[1, 3], [2, 4]]]
 */
export const dstack = (xs: readonly Operand[]): NDArray => concatenate(arraysOf("dstack", xs).map((a) => atLeast(a, 3)), { axis: 2 });

/**
 * columnStack: 1-D arrays become columns, then concatenate along axis 1.
 *
 * @example
 * np.columnStack([array([1, 2]), array([3, 4])]); // [[1, 3], [2, 4]]
 */
export const columnStack = (xs: readonly Operand[]): NDArray =>
  concatenate(arraysOf("columnStack", xs).map((a) => (a.ndim < 2 ? reshape(a, [a.size, 1]) : a)), { axis: 1 });
