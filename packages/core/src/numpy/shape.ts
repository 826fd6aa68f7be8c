// Shape manipulation: reshape, transpose, expand/squeeze, broadcast, join and split, flip, tile.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkListLength } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { broadcastShapes, checkIntList, checkShape, describeValue, fmtShape, normalizeAxes, normalizeAxis, sizeOf } from "../shape.js";
import { checkOptions } from "../options.js";
import { broadcastTo as bcast, castTo, resultTypeIn } from "./promote.js";

/**
 * reshape(x, shape) with at most one -1 inferred.
 *
 * @example
 * np.reshape(arange(6), [3, -1]); // [[0, 1], [2, 3], [4, 5]]
 */
export function reshape(x: Operand, shape: readonly number[] | number): NDArray {
  const a = asArray(x, "reshape");
  const s = typeof shape === "number" ? [shape] : checkIntList(shape, "reshape", "the new shape");
  const unknown = s.filter((d) => d === -1).length;
  if (unknown > 1 || s.some((d) => !Number.isInteger(d) || d < -1)) {
    throw new ShapeError(`reshape: invalid target shape ${fmtShape(s)} (only one -1 allowed)`);
  }
  if (unknown === 1) {
    const known = sizeOf(s.filter((d) => d !== -1));
    if (known === 0 || a.size % known !== 0) {
      throw new ShapeError(`reshape: cannot reshape an array of shape ${fmtShape(a.shape)} (size ${a.size}) into shape ${fmtShape(s)}`);
    }
    s[s.indexOf(-1)] = a.size / known;
  }
  if (sizeOf(s) !== a.size) throw new ShapeError(`reshape: cannot reshape an array of shape ${fmtShape(a.shape)} (size ${a.size}) into shape ${fmtShape(s)}`);
  return s.join() === a.shape.join() ? a : lax.reshape(a, s);
}

/**
 * The elements as a 1-d array, in row-major order (`reshape(x, [-1])`).
 *
 * @example
 * np.ravel(array([[1, 2], [3, 4]])); // [1, 2, 3, 4]
 */
export const ravel = (x: Operand): NDArray => reshape(asArray(x, "ravel"), [-1]);

/**
 * The axes of `x` permuted by `axes` (reversed when omitted); same dtype.
 *
 * @example
 * np.transpose(array([[1, 2, 3]])); // [[1], [2], [3]]
 * np.transpose(zeros([2, 3, 4]), [1, 0, 2]).shape; // [3, 2, 4]
 */
export function transpose(x: Operand, axes?: readonly number[]): NDArray {
  const a = asArray(x, "transpose");
  if (axes !== undefined) checkIntList(axes, "transpose", "axes");
  const perm = axes === undefined ? a.shape.map((_, i) => a.ndim - 1 - i) : axes.map((ax) => normalizeAxis(ax, a.ndim, "transpose"));
  if (perm.length !== a.ndim || new Set(perm).size !== perm.length) {
    throw new ArgumentError(`transpose: axes (${axes?.join(", ")}) are not a permutation of the ${a.ndim} axes of ${fmtShape(a.shape)}`);
  }
  return perm.every((p, i) => p === i) ? a : lax.transpose(a, perm);
}

/**
 * `x` with `axis1` and `axis2` exchanged (negative axes count from the end).
 *
 * @example
 * np.swapaxes(zeros([2, 3, 4]), 0, -1).shape; // [4, 3, 2]
 */
export function swapaxes(x: Operand, axis1: number, axis2: number): NDArray {
  const a = asArray(x, "swapaxes");
  const i = normalizeAxis(axis1, a.ndim, "swapaxes");
  const j = normalizeAxis(axis2, a.ndim, "swapaxes");
  const perm = a.shape.map((_, k) => (k === i ? j : k === j ? i : k));
  return transpose(a, perm);
}

/**
 * `x` with axis `source` moved to position `destination`, the others in order.
 *
 * @example
 * np.moveaxis(zeros([2, 3, 4]), 0, -1).shape; // [3, 4, 2]
 */
export function moveaxis(x: Operand, source: number, destination: number): NDArray {
  const a = asArray(x, "moveaxis");
  const s = normalizeAxis(source, a.ndim, "moveaxis");
  const d = normalizeAxis(destination, a.ndim, "moveaxis");
  const perm = a.shape.map((_, i) => i).filter((i) => i !== s);
  perm.splice(d, 0, s);
  return transpose(a, perm);
}

/**
 * `x` with new axes of size 1 inserted at `axis` (positions in the result).
 *
 * @example
 * np.expandDims(array([1, 2]), 0).shape; // [1, 2]
 * np.expandDims(array([1, 2]), [0, 2]).shape; // [1, 2, 1]
 */
export function expandDims(x: Operand, axis: number | readonly number[]): NDArray {
  const a = asArray(x, "expandDims");
  const list = typeof axis === "number" ? [axis] : checkIntList(axis, "expandDims", "axis");
  const outRank = a.ndim + list.length;
  const axes = normalizeAxes(list, outRank, "expandDims");
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < outRank; i++) shape.push(axes.includes(i) ? 1 : a.shape[k++]!);
  return lax.reshape(a, shape);
}

/**
 * `x` without its axes of size 1 (all of them, or those in `axis`, which must have size 1).
 *
 * @example
 * np.squeeze(zeros([1, 3, 1])).shape; // [3]
 * np.squeeze(zeros([1, 3, 1]), { axis: 0 }).shape; // [3, 1]
 */
export function squeeze(x: Operand, opts: { readonly axis?: number | readonly number[] } = {}): NDArray {
  checkOptions(opts, "squeeze", { axis: "axes" });
  const a = asArray(x, "squeeze");
  const axes =
    opts.axis === undefined ? a.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0) : normalizeAxes(opts.axis, a.ndim, "squeeze");
  return axes.length === 0 ? a : lax.squeeze(a, axes);
}

/**
 * `x` broadcast to `shape` by numpy's rules (trailing dimensions align; size 1 stretches).
 *
 * @example
 * np.broadcastTo(array([1, 2]), [2, 2]); // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Operand, shape: readonly number[]): NDArray {
  const a = asArray(x, "broadcastTo");
  const s = checkShape(shape, "broadcastTo");
  const b = broadcastShapes("broadcastTo", a.shape, s);
  if (b.join() !== s.join()) throw new ShapeError(`broadcastTo: cannot broadcast an array of shape ${fmtShape(a.shape)} to ${fmtShape(s)}`);
  return bcast(a, s);
}

/**
 * The operands broadcast to their common shape.
 *
 * @example
 * np.broadcastArrays(array([[1], [2]]), array([10, 20, 30])).map((a) => a.shape); // [[2, 3], [2, 3]]
 */
export function broadcastArrays(...xs: Operand[]): NDArray[] {
  const arrays = xs.map((x) => asArray(x, "broadcastArrays"));
  const shape = broadcastShapes("broadcastArrays", ...arrays.map((a) => a.shape));
  return arrays.map((a) => bcast(a, shape));
}

/**
 * The arrays joined along an existing `axis` (default 0); they must agree on every other
 * dimension; dtypes promote.
 *
 * @example
 * np.concatenate([array([[1, 2]]), array([[3, 4]])]); // [[1, 2], [3, 4]]
 * np.concatenate([array([[1], [2]]), array([[3], [4]])], { axis: 1 }); // [[1, 3], [2, 4]]
 */
export function concatenate(xs: readonly Operand[], opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "concatenate", { axis: "integer" });
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("concatenate: expected a non-empty list of arrays");
  xs = Array.from(xs); // holes become undefined, so the operand check names them
  const t = resultTypeIn("concatenate", xs);
  const arrays = xs.map((x) => castTo(x, t, "concatenate"));
  if (arrays.some((a) => a.ndim === 0)) throw new ShapeError("concatenate: zero-dimensional arrays cannot be concatenated");
  const axis = normalizeAxis(opts.axis ?? 0, arrays[0]!.ndim, "concatenate");
  return arrays.length === 1 ? arrays[0]! : lax.concatenate(arrays, axis);
}

/**
 * The arrays (all of one shape) joined along a new `axis` (default 0).
 *
 * @example
 * np.stack([array([1, 2]), array([3, 4])]); // [[1, 2], [3, 4]]
 * np.stack([array([1, 2]), array([3, 4])], { axis: 1 }); // [[1, 3], [2, 4]]
 */
export function stack(xs: readonly Operand[], opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "stack", { axis: "integer" });
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("stack: expected a non-empty list of arrays");
  const arrays = Array.from(xs, (x) => asArray(x, "stack"));
  const first = arrays[0]!;
  for (const a of arrays) {
    if (a.shape.join() !== first.shape.join()) throw new ShapeError(`stack: all arrays must have the same shape, got ${fmtShape(first.shape)} and ${fmtShape(a.shape)}`);
  }
  const axis = normalizeAxis(opts.axis ?? 0, first.ndim + 1, "stack");
  return concatenate(arrays.map((a) => expandDims(a, axis)), { axis });
}

/**
 * split(x, sections | indices, { axis }) → list of arrays.
 *
 * @example
 * np.split(arange(6), 3).map((p) => p.toArray()); // [[0, 1], [2, 3], [4, 5]]
 * np.split(arange(6), [1, 4]).map((p) => p.shape[0]); // [1, 3, 2]
 */
export function split(x: Operand, indicesOrSections: number | readonly number[], opts: { readonly axis?: number } = {}): NDArray[] {
  checkOptions(opts, "split", { axis: "integer" });
  const a = asArray(x, "split");
  const axis = normalizeAxis(opts.axis ?? 0, a.ndim, "split");
  const n = a.shape[axis]!;
  let cuts: number[];
  if (typeof indicesOrSections === "number") {
    if (!Number.isInteger(indicesOrSections) || indicesOrSections <= 0 || n % indicesOrSections !== 0) {
      throw new ShapeError(`split: an axis of size ${n} cannot be split into ${indicesOrSections} equal sections`);
    }
    checkListLength(indicesOrSections, "sections", "split");
    const step = n / indicesOrSections;
    cuts = Array.from({ length: indicesOrSections - 1 }, (_, i) => (i + 1) * step);
  } else cuts = checkIntList(indicesOrSections, "split", "indices_or_sections").map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n));
  const bounds = [0, ...cuts, n];
  return bounds.slice(0, -1).map((lo, i) => {
    const hi = Math.max(lo, bounds[i + 1]!);
    const starts = a.shape.map((_, k) => (k === axis ? lo : 0));
    const limits = a.shape.map((d, k) => (k === axis ? hi : d));
    return lax.slice(a, starts, limits);
  });
}

/**
 * `x` reversed along `axis` (all axes when omitted).
 *
 * @example
 * np.flip(array([[1, 2], [3, 4]])); // [[4, 3], [2, 1]]
 * np.flip(array([[1, 2], [3, 4]]), { axis: 1 }); // [[2, 1], [4, 3]]
 */
export function flip(x: Operand, opts: { readonly axis?: number | readonly number[] } = {}): NDArray {
  checkOptions(opts, "flip", { axis: "axes" });
  const a = asArray(x, "flip");
  return lax.rev(a, normalizeAxes(opts.axis, a.ndim, "flip"));
}

/**
 * `x` repeated `reps` times along each axis (`reps` is aligned with the trailing axes).
 *
 * @example
 * np.tile(array([1, 2]), 2); // [1, 2, 1, 2]
 * np.tile(array([1, 2]), [2, 1]); // [[1, 2], [1, 2]]
 */
export function tile(x: Operand, reps: number | readonly number[]): NDArray {
  let a = asArray(x, "tile");
  const r = typeof reps === "number" ? [reps] : checkIntList(reps, "tile", "reps");
  if (r.some((k) => !Number.isInteger(k) || k < 0)) throw new ArgumentError(`tile: repetitions must be non-negative integers, got ${fmtShape(r)}`);
  const rank = Math.max(a.ndim, r.length);
  const reps2 = [...new Array<number>(rank - r.length).fill(1), ...r];
  a = lax.reshape(a, [...new Array<number>(rank - a.ndim).fill(1), ...a.shape]);
  // broadcast to (r0, d0, r1, d1, ...) then merge pairs
  const inter = a.shape.flatMap((d, i) => [reps2[i]!, d]);
  const b = lax.broadcastInDim(a, inter, a.shape.map((_, i) => 2 * i + 1));
  return lax.reshape(b, a.shape.map((d, i) => d * reps2[i]!));
}

/**
 * Each element repeated `repeats` times along `axis` (of the flattened array when omitted).
 *
 * @example
 * np.repeat(array([1, 2]), 2); // [1, 1, 2, 2]
 * np.repeat(array([[1, 2]]), 2, { axis: 0 }); // [[1, 2], [1, 2]]
 */
export function repeat(x: Operand, repeats: number, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "repeat", { axis: "integer" });
  let a = asArray(x, "repeat");
  if (!Number.isInteger(repeats) || repeats < 0) throw new ArgumentError(`repeat: repeats must be a non-negative integer, got ${describeValue(repeats)}`);
  if (opts.axis === undefined) a = ravel(a);
  const axis = normalizeAxis(opts.axis ?? 0, a.ndim, "repeat");
  const inter = [...a.shape.slice(0, axis + 1), repeats, ...a.shape.slice(axis + 1)];
  const b = lax.broadcastInDim(a, inter, a.shape.map((_, i) => (i <= axis ? i : i + 1)));
  return lax.reshape(b, a.shape.map((d, i) => (i === axis ? d * repeats : d)));
}
