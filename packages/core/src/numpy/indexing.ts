// Indexing: take, takeAlongAxis, static slices, and functional updates `at(x, i).set/add/get`.
//
// Out-of-range indices follow JAX's modes. Reads (take, takeAlongAxis, at().get) default to
// "fill": an index outside [-n, n) reads the fill value (NaN for floats, the most negative
// int32 for int32, true for bool); "clip" clamps into range; take's "wrap" takes the index
// modulo n. Writes (at().set/add) default to "drop": an update outside [-n, n) is discarded;
// "clip" clamps. Negative indices in [-n, 0) count from the end everywhere except take's
// "clip" (as JAX: it clamps them to 0). The gather/scatter_add primitives themselves clamp
// and drop; the fill is a select on top, so derivatives and batching need no extra rules.
import { NDArray, type NestedArray, type Operand } from "../array.js";
import { array, asArray, scalar } from "../creation.js";
import { type DType, intRange, isComplex, isInteger, isUnsigned } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { checkIntList, describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { castTo, resultTypeIn } from "./promote.js";
import { broadcastTo, ravel, reshape } from "./shape.js";

export type IndexLike = NDArray | number | readonly number[] | readonly (readonly number[])[];

export type TakeMode = "fill" | "clip" | "wrap";
export type GetMode = "fill" | "clip";
/** Out-of-range updates: "drop" (JAX's default; "fill" is JAX's synonym for it) or "clip". */
export type UpdateMode = "drop" | "fill" | "clip";

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** JS index values must be integers; NaN, ±Infinity and fractions are errors, not truncated. */
function checkIndexValue(v: unknown, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new ArgumentError(`${where}: indices must be integers, got ${describeValue(v)}`);
  }
  // Beyond int32 an index is out of range of any array; clamping keeps it out of range.
  return Math.min(Math.max(v, INT32_MIN), INT32_MAX);
}

function indexArray(idx: IndexLike, where: string): NDArray {
  if (idx instanceof NDArray) return int32Index(idx, where);
  if (typeof idx === "number") return array(checkIndexValue(idx, where), { dtype: "int32" });
  if (!Array.isArray(idx)) throw new ArgumentError(`${where}: indices must be an int32 NDArray, an integer or a list of integers, got ${describeValue(idx)}`);
  return array(checkedList(idx, where), { dtype: "int32" });
}

/** Integer index arrays as int32 (the gather's index type): uint32 through float64, so an
 * index past int32 saturates (out of range, as it is) instead of wrapping to a negative one. */
function int32Index(idx: NDArray, where: string): NDArray {
  if (idx.dtype === "int32") return idx;
  if (!isInteger(idx.dtype)) throw new DTypeError(`${where}: indices must be integers, got ${idx.dtype}`);
  const exact = idx.dtype === "uint32" ? lax.convertElementType(idx, "float64") : idx;
  return lax.convertElementType(exact, "int32");
}

/** A (possibly nested) JS list of indices with every entry checked by checkIndexValue. */
function checkedList(list: readonly unknown[], where: string): NestedArray[] {
  return list.map((v) => (Array.isArray(v) ? checkedList(v, where) : checkIndexValue(v, where)));
}

/** JAX's default fill for out-of-range reads: NaN, an integer extreme, or true. */
function fillScalar(dtype: DType, fillValue: unknown, where: string): NDArray {
  if (fillValue === undefined) {
    // As jnp.take: the most negative signed integer, the largest unsigned one.
    return scalar(isInteger(dtype) ? intRange(dtype)[isUnsigned(dtype) ? 1 : 0] : dtype === "bool" ? true : Number.NaN, dtype);
  }
  if (typeof fillValue !== "number" && typeof fillValue !== "boolean") {
    throw new ArgumentError(`${where}: fillValue must be a number or a boolean, got ${describeValue(fillValue)}`);
  }
  return scalar(fillValue, dtype);
}

/** Negative indices in [-n, 0) count from the end, as in numpy. */
function wrapNegative(idx: NDArray, n: number): NDArray {
  return lax.select(lax.lt(idx, 0), lax.add(idx, n), idx);
}

const clampIndex = (idx: NDArray, n: number): NDArray => lax.max(lax.min(idx, Math.max(n - 1, 0)), 0);

/** Whether each index lies in [0, n). */
const inRange = (idx: NDArray, n: number): NDArray => lax.bitwiseAnd(lax.ge(idx, 0), lax.lt(idx, n));

/** `got` (an array whose axes axis..axis+valid.ndim-1 are the index axes) with the rows of
 * out-of-range indices replaced by the fill value. */
function fillInvalid(got: NDArray, valid: NDArray, axis: number, fill: NDArray): NDArray {
  const same = valid.ndim === got.ndim && valid.shape.every((d, i) => d === got.shape[i]);
  const mask = same ? valid : lax.broadcastInDim(valid, got.shape, valid.shape.map((_, i) => axis + i));
  return lax.select(mask, got, fill);
}

/** A gather along `axis` with normalised (non-negative when in range) indices, in a read mode. */
function gatherMode(a: NDArray, idx: NDArray, axis: number, mode: GetMode, fillValue: unknown, where: string): NDArray {
  const n = a.shape[axis]!;
  if (mode === "clip") return lax.gather(a, clampIndex(idx, n), { axis });
  const fill = fillScalar(a.dtype, fillValue, where);
  return fillInvalid(lax.gather(a, clampIndex(idx, n), { axis }), inRange(idx, n), axis, fill);
}

function checkNonEmptyAxis(n: number, idx: NDArray, where: string): void {
  if (n === 0 && idx.size > 0) throw new ShapeError(`${where}: cannot take ${fmtShape(idx.shape)} indices from an empty axis`);
}

export interface TakeOptions {
  /** The axis to take along; without one (or null) x is flattened first. */
  readonly axis?: number | null;
  /** Out-of-range indices: "fill" (default), "clip" or "wrap". */
  readonly mode?: TakeMode;
  /** The value read for out-of-range indices in "fill" mode (default NaN / INT32_MIN / true). */
  readonly fillValue?: number | boolean;
}

/**
 * take(x, indices, { axis, mode, fillValue }): JAX's np.take; see the file header for modes.
 *
 * @example
 * np.take(array([10, 20, 30]), array([2, 0], { dtype: "int32" })); // [30, 10]
 * np.take(array([[1, 2], [3, 4]]), [1], { axis: 1 }); // [[2], [4]]
 */
export function take(x: Operand, indices: IndexLike, opts: TakeOptions = {}): NDArray {
  const o = checkOptions(opts, "take", { axis: "integerOrNull", mode: ["fill", "clip", "wrap"], fillValue: "any" });
  let a = asArray(x, "take");
  if (o.axis === undefined || o.axis === null) a = ravel(a);
  const axis = normalizeAxis(o.axis ?? 0, a.ndim, "take");
  const idx = indexArray(indices, "take");
  const n = a.shape[axis]!;
  checkNonEmptyAxis(n, idx, "take");
  switch (o.mode ?? "fill") {
    case "clip":
      return lax.gather(a, clampIndex(idx, n), { axis });
    case "wrap": {
      if (idx.size === 0) return lax.gather(a, idx, { axis });
      const r = lax.rem(idx, n);
      return lax.gather(a, lax.select(lax.lt(r, 0), lax.add(r, n), r), { axis });
    }
    default:
      return gatherMode(a, wrapNegative(idx, n), axis, "fill", o.fillValue, "take");
  }
}

export interface TakeAlongAxisOptions {
  /** Out-of-range indices: "fill" (default) or "clip". */
  readonly mode?: GetMode;
  readonly fillValue?: number | boolean;
}

/**
 * takeAlongAxis(x, indices, axis, { mode, fillValue }): out[..., i, ...] = x[..., indices[..., i, ...], ...].
 *
 * @example
 * const x = array([[3, 1], [2, 4]]);
 * np.takeAlongAxis(x, np.argsort(x, { axis: 1 }), 1); // [[1, 3], [2, 4]]
 */
export function takeAlongAxis(x: Operand, indices: IndexLike, axis: number, opts: TakeAlongAxisOptions = {}): NDArray {
  const o = checkOptions(opts, "takeAlongAxis", { mode: ["fill", "clip"], fillValue: "any" });
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
  const n = a.shape[ax]!;
  // As JAX: an empty axis gives zeros of the output shape.
  if (n === 0) return lax.broadcastInDim(scalar(0, a.dtype), shape, []);
  const bi = broadcastTo(wrapNegative(idx, n), shape);
  // flat index into a = Σ_i coord_i · stride_i, with coord_ax taken from the (clamped) indices
  const strides = a.shape.map((_, i) => a.shape.slice(i + 1).reduce((p, d) => p * d, 1));
  let flat: NDArray = lax.mul(clampIndex(bi, n), strides[ax]!);
  for (let i = 0; i < a.ndim; i++) {
    if (i === ax) continue;
    const coord = lax.iota("int32", shape, i);
    flat = lax.add(flat, lax.mul(a.shape[i] === 1 ? lax.mul(coord, 0) : coord, strides[i]!));
  }
  const got = lax.gather(ravel(a), flat, { axis: 0 });
  if ((o.mode ?? "fill") === "clip") return got;
  return lax.select(inRange(bi, n), got, fillScalar(a.dtype, o.fillValue, "takeAlongAxis"));
}

/**
 * Static slice: starts and limits per axis (negative counts from the end), optional strides.
 *
 * @example
 * np.slice(arange(10), [2], [8], { strides: [2] }); // [2, 4, 6]
 */
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

/** For a flat list of indices, 1 where no later position holds the same index, else 0:
 * the update that wins a repeated index in `set` (the last one, as XLA's sequential
 * scatter writes). Two stable sorts, so it also works on traced indices. */
function lastOccurrence(flat: NDArray): NDArray {
  const m = flat.shape[0]!;
  const ones = (n: number) => lax.broadcastInDim(scalar(1, "int32"), [n], []);
  if (m <= 1) return ones(m);
  const one = ones(1);
  const [sorted, perm] = lax.sort([flat, lax.iota("int32", [m], 0)], { dimension: 0 });
  const differs = lax.convertElementType(lax.ne(lax.slice(sorted!, [0], [m - 1]), lax.slice(sorted!, [1], [m])), "int32");
  const lastSorted = lax.concatenate([differs, one], 0);
  return lax.sort([perm!, lastSorted], { dimension: 0 })[1]!;
}

export interface AtGetOptions {
  /** Out-of-range indices: "fill" (default, as JAX's at[].get) or "clip". */
  readonly mode?: GetMode;
  readonly fillValue?: number | boolean;
}
export interface AtUpdateOptions {
  /** Out-of-range indices: "drop" (default, as JAX; "fill" means the same) or "clip". */
  readonly mode?: UpdateMode;
}

/** Functional updates along axis 0: `at(x, i).set(v)`, `.add(v)` return new arrays, `.get()`
 * reads. Negative indices count from the end; see the file header for out-of-range modes.
 *
 * @example
 * const x = zeros([3]);
 * np.at(x, 1).set(5); // [0, 5, 0]
 * np.at(x, -1).add(2); // [0, 0, 2]
 * np.at(array([10, 20]), 1).get(); // 20
 */
export function at(x: Operand, index: IndexLike) {
  const a = asArray(x, "at");
  if (a.ndim === 0) throw new ArgumentError("at: cannot index a rank-0 array");
  const n = a.shape[0]!;
  const idx = wrapNegative(indexArray(index, "at"), n);
  const m = idx.size;
  const rest = a.shape.slice(1);
  const updShape = [...idx.shape, ...rest];
  // Bools are scattered as int32 counts and turned back into bools (add is logical or,
  // as np.add on bools), so a repeated index can never store a 2 in a bool array.
  const work = a.dtype === "bool" ? "int32" : a.dtype;
  const finish = (r: NDArray): NDArray => (a.dtype === "bool" ? lax.ne(r, 0) : r);
  // Updates take the array's dtype (as JAX's scatter does); only their shape broadcasts.
  // They are scattered with flat indices: [m] indices, [m, ...rest] updates.
  const updates = (v: Operand): NDArray => {
    const u = typeof v === "number" ? v : asArray(v, "at");
    if (typeof u !== "number" && isComplex(u.dtype) && !isComplex(a.dtype)) {
      throw new DTypeError(`at: complex updates ${u.aval.str()} into a ${a.dtype} array would drop their imaginary part; update a complex array, or pass np.real(updates)`);
    }
    return reshape(lax.convertElementType(broadcastTo(castTo(u, resultTypeIn("at", [a, u]), "at"), updShape).astype(a.dtype), work), [m, ...rest]);
  };
  const flatIndex = (mode: UpdateMode | undefined): NDArray => {
    const flat = reshape(idx, [m]);
    return mode === "clip" ? clampIndex(flat, n) : flat;
  };
  const updateOptions = (opts: AtUpdateOptions | undefined, where: string) => checkOptions(opts, where, { mode: ["drop", "fill", "clip"] });
  return {
    /** Adds `v` at the indices; repeated indices accumulate. */
    add(v: Operand, opts?: AtUpdateOptions): NDArray {
      const o = updateOptions(opts, "at().add");
      return finish(lax.scatterAdd(lax.convertElementType(a, work), flatIndex(o.mode), updates(v), { axis: 0 }));
    },
    /** Writes `v`; where an index repeats, the last of its values is written. */
    set(v: Operand, opts?: AtUpdateOptions): NDArray {
      const o = updateOptions(opts, "at().set");
      const flat = flatIndex(o.mode);
      const u = updates(v);
      const keep = lax.broadcastInDim(lax.ne(lastOccurrence(flat), 0), u.shape, [0]);
      // Floats scatter onto -0 so that writing -0 keeps its sign (-0 + v is v for every v).
      const base = lax.broadcastInDim(scalar(work === "int32" ? 0 : -0, work), a.shape, []);
      const zero = scalar(0, work);
      const hit = lax.scatterAdd(lax.broadcastInDim(zero, a.shape, []), flat, lax.broadcastInDim(scalar(1, work), u.shape, []), { axis: 0 });
      const written = lax.scatterAdd(base, flat, lax.select(keep, u, zero), { axis: 0 });
      return finish(lax.select(lax.gt(hit, 0), written, lax.convertElementType(a, work)));
    },
    /** Reads the indexed rows. */
    get(opts?: AtGetOptions): NDArray {
      const o = checkOptions(opts, "at().get", { mode: ["fill", "clip"], fillValue: "any" });
      return gatherMode(a, idx, 0, o.mode ?? "fill", o.fillValue, "at().get");
    },
  };
}

export { reshape };
