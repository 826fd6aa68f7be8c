// Indexing: take, takeAlongAxis, static slices, and functional updates `at(x, i).set/add`.
import { NDArray, type Operand } from "../array.js";
import { array, asArray } from "../creation.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkIntList, fmtShape, normalizeAxis } from "../shape.js";
import { checkOptions } from "../options.js";
import { castTo, resultTypeIn } from "./promote.js";
import { broadcastTo, ravel, reshape } from "./shape.js";

export type IndexLike = NDArray | number | readonly number[];

function indexArray(idx: IndexLike, where: string): NDArray {
  const a = idx instanceof NDArray ? idx : array(idx as number | number[], { dtype: "int32" });
  if (a.dtype === "bool" || a.dtype === "float32" || a.dtype === "float64") {
    throw new DTypeError(`${where}: indices must be integers, got ${a.dtype}`);
  }
  return a;
}

/** Negative indices count from the end, as in numpy. */
function wrap(idx: NDArray, n: number): NDArray {
  return lax.select(lax.lt(idx, 0), lax.add(idx, n), idx);
}

/** take(x, indices, { axis }): without an axis x is flattened first. Indices clamp into range. */
export function take(x: Operand, indices: IndexLike, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "take", { axis: "integer" });
  let a = asArray(x, "take");
  if (opts.axis === undefined) a = ravel(a);
  const axis = normalizeAxis(opts.axis ?? 0, a.ndim, "take");
  const idx = indexArray(indices, "take");
  return lax.gather(a, wrap(idx, a.shape[axis]!), { axis });
}

/** takeAlongAxis(x, indices, axis): out[..., i, ...] = x[..., indices[..., i, ...], ...]. */
export function takeAlongAxis(x: Operand, indices: IndexLike, axis: number): NDArray {
  const a = asArray(x, "takeAlongAxis");
  const idx = indexArray(indices, "takeAlongAxis");
  const ax = normalizeAxis(axis, a.ndim, "takeAlongAxis");
  if (idx.ndim !== a.ndim) throw new ArgumentError(`takeAlongAxis: indices of rank ${idx.ndim} for an array of rank ${a.ndim}`);
  const shape = a.shape.map((d, i) => {
    const k = idx.shape[i]!;
    if (i === ax || d === 1) return k;
    if (k === 1 || k === d) return d;
    throw new ShapeError(`takeAlongAxis: shapes ${fmtShape(a.shape)} and ${fmtShape(idx.shape)} do not broadcast outside axis ${ax}`);
  });
  const bi = broadcastTo(wrap(idx, a.shape[ax]!), shape);
  // flat index into a = Σ_i coord_i · stride_i, with coord_ax taken from the indices
  const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  let flat: NDArray = lax.mul(lax.convertElementType(bi, "int32"), strides[ax]!);
  for (let i = 0; i < a.ndim; i++) {
    if (i === ax) continue;
    const coord = lax.iota("int32", shape, i);
    flat = lax.add(flat, lax.mul(a.shape[i] === 1 ? lax.mul(coord, 0) : coord, strides[i]!));
  }
  return lax.gather(ravel(a), flat, { axis: 0 });
}

/** Static slice: starts and limits per axis (negative counts from the end), optional strides. */
export function slice(x: Operand, starts: readonly number[], limits: readonly number[], opts: { readonly strides?: readonly number[] } = {}): NDArray {
  checkOptions(opts, "slice", { strides: "integerList" });
  const a = asArray(x, "slice");
  checkIntList(starts, "slice", "starts");
  checkIntList(limits, "slice", "limits");
  if (starts.length !== a.ndim || limits.length !== a.ndim) {
    throw new ArgumentError(`slice: expected ${a.ndim} starts and limits for shape ${fmtShape(a.shape)}, got ${starts.length} and ${limits.length}`);
  }
  const norm = (v: number, d: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const s = starts.map((v, i) => norm(v, a.shape[i]!));
  const l = limits.map((v, i) => Math.max(norm(v, a.shape[i]!), s[i]!));
  return lax.slice(a, s, l, opts.strides ?? null);
}

/** Functional updates: `at(x, i).set(v)` and `.add(v)` return new arrays, along axis 0. */
export function at(x: Operand, index: IndexLike) {
  const a = asArray(x, "at");
  if (a.ndim === 0) throw new ArgumentError("at: cannot index a rank-0 array");
  const idx = wrap(indexArray(index, "at"), a.shape[0]!);
  const updShape = [...idx.shape, ...a.shape.slice(1)];
  // Bools are scattered as int32 counts and turned back into bools (add is logical or,
  // as np.add on bools), so a repeated index can never store a 2 in a bool array.
  const work = a.dtype === "bool" ? "int32" : a.dtype;
  const finish = (r: NDArray): NDArray => (a.dtype === "bool" ? lax.ne(r, 0) : r);
  // Updates take the array's dtype (as JAX's scatter does); only their shape broadcasts.
  const updates = (v: Operand): NDArray =>
    lax.convertElementType(broadcastTo(castTo(v, resultTypeIn("at", [a, v]), "at"), updShape).astype(a.dtype), work);
  const zerosOf = (shape: readonly number[]): NDArray => lax.broadcastInDim(lax.convertElementType(0, work), shape, []);
  return {
    add(v: Operand): NDArray {
      return finish(lax.scatterAdd(lax.convertElementType(a, work), idx, updates(v), { axis: 0 }));
    },
    /** Writes `v`; where an index repeats, the written values are averaged (JAX leaves that case unspecified). */
    set(v: Operand): NDArray {
      const ones = lax.broadcastInDim(lax.convertElementType(1, work), updShape, []);
      const count = lax.scatterAdd(zerosOf(a.shape), idx, ones, { axis: 0 });
      const vals = lax.scatterAdd(zerosOf(a.shape), idx, updates(v), { axis: 0 });
      const mean = finish(lax.div(vals, lax.max(count, 1)));
      return lax.select(lax.gt(count, 0), mean, a);
    },
    get(): NDArray {
      return lax.gather(a, idx, { axis: 0 });
    },
  };
}

export { reshape };
