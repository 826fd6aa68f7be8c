// numpy's unique and the array API's uniqueValues / uniqueCounts / uniqueInverse / uniqueAll,
// as JAX computes them: sort, mark the first of every run of equal values, gather those. The
// number of unique values is data-dependent, so under jit (or any transformation) `size` fixes
// it: the first `size` unique values, padded with `fillValue` (default: the smallest value).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isFloat } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, normalizeAxis } from "../shape.js";
import { isnan, logicalAnd, logicalNot } from "./elementwise.js";
import { any, cumsum, sum } from "./reductions.js";
import { moveaxis, ravel, reshape } from "./shape.js";
import { argsort, lexsort } from "./sorting.js";
import { type NamedTuple, namedTuple } from "./named-tuple.js";

export interface UniqueOptions {
  /** Also return the index of each unique value's first occurrence. */
  readonly returnIndex?: boolean;
  /** Also return, for every element (slice), the index of its value among the unique ones. */
  readonly returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  readonly returnCounts?: boolean;
  /** Unique slices along this axis (the array is flattened by default). */
  readonly axis?: number | null;
  /** NaNs count as one value (default true). */
  readonly equalNan?: boolean;
  /** The number of unique values to return (required under jit): truncated or padded. */
  readonly size?: number;
  /** The padding past the true number of unique values (default: the smallest value). */
  readonly fillValue?: Operand;
}
type NoExtras = UniqueOptions & { readonly returnIndex?: false; readonly returnInverse?: false; readonly returnCounts?: false };

/**
 * unique(ar, { returnIndex, returnInverse, returnCounts, axis, equalNan, size, fillValue }):
 * the sorted unique values; with any return flag, [values, ...the requested extras] in
 * numpy's order (index, inverse, counts).
 *
 * @example
 * np.unique(array([3, 1, 3, 2])); // [1, 2, 3]
 */
export function unique(ar: Operand, opts?: NoExtras): NDArray;
export function unique(ar: Operand, opts: UniqueOptions): NDArray[];
export function unique(ar: Operand, opts: UniqueOptions = {}): NDArray | NDArray[] {
  const o = checkOptions(opts, "unique", { returnIndex: "boolean", returnInverse: "boolean", returnCounts: "boolean", axis: "integerOrNull", equalNan: "boolean", size: "integer", fillValue: "any" });
  const out = uniqueParts(ar, o, "unique");
  const extras = [o.returnIndex === true ? out.indices() : undefined, o.returnInverse === true ? out.inverse() : undefined, o.returnCounts === true ? out.counts() : undefined].filter((v): v is NDArray => v !== undefined);
  return extras.length === 0 ? out.values : [out.values, ...extras];
}

type Sized = { readonly size?: number; readonly fillValue?: Operand };
const SIZED = { size: "integer", fillValue: "any" } as const;

/**
 * uniqueValues(x, { size, fillValue }): the sorted unique values of the flattened x (NaNs distinct, as the array API says).
 *
 * @example
 * np.uniqueValues(array([3, 1, 3])); // [1, 3]
 */
export function uniqueValues(x: Operand, opts: Sized = {}): NDArray {
  return uniqueParts(x, { ...checkOptions(opts, "uniqueValues", SIZED), equalNan: false }, "uniqueValues").values;
}

/**
 * uniqueCounts(x, { size, fillValue }) → [values, counts], also as .values / .counts.
 *
 * @example
 * const { values, counts } = np.uniqueCounts(array([3, 1, 3]));
 * counts; // [1, 2]
 */
export function uniqueCounts(x: Operand, opts: Sized = {}): NamedTuple<readonly [NDArray, NDArray], { readonly values: NDArray; readonly counts: NDArray }> {
  const p = uniqueParts(x, { ...checkOptions(opts, "uniqueCounts", SIZED), equalNan: false }, "uniqueCounts");
  return namedTuple(["values", "counts"], [p.values, p.counts()]);
}

/**
 * uniqueInverse(x, { size, fillValue }) → [values, inverseIndices] (inverse in x's shape), also by name.
 *
 * @example
 * const { values, inverseIndices } = np.uniqueInverse(array([3, 1, 3]));
 * inverseIndices; // [1, 0, 1]
 */
export function uniqueInverse(x: Operand, opts: Sized = {}): NamedTuple<readonly [NDArray, NDArray], { readonly values: NDArray; readonly inverseIndices: NDArray }> {
  const p = uniqueParts(x, { ...checkOptions(opts, "uniqueInverse", SIZED), equalNan: false }, "uniqueInverse");
  return namedTuple(["values", "inverseIndices"], [p.values, p.inverse()]);
}

/**
 * uniqueAll(x, { size, fillValue }) → [values, indices, inverseIndices, counts], also by name.
 *
 * @example
 * const { values, indices, inverseIndices, counts } = np.uniqueAll(array([3, 1, 3]));
 * indices; // [1, 0]
 */
export function uniqueAll(
  x: Operand,
  opts: Sized = {},
): NamedTuple<readonly [NDArray, NDArray, NDArray, NDArray], { readonly values: NDArray; readonly indices: NDArray; readonly inverseIndices: NDArray; readonly counts: NDArray }> {
  const p = uniqueParts(x, { ...checkOptions(opts, "uniqueAll", SIZED), equalNan: false }, "uniqueAll");
  return namedTuple(["values", "indices", "inverseIndices", "counts"], [p.values, p.indices(), p.inverse(), p.counts()]);
}

interface Parts {
  readonly values: NDArray;
  indices(): NDArray;
  inverse(): NDArray;
  counts(): NDArray;
}

function uniqueParts(ar: Operand, o: UniqueOptions, where: string): Parts {
  const input = asArray(ar, where);
  const flat = o.axis === undefined || o.axis === null;
  const axis = flat ? 0 : normalizeAxis(o.axis!, input.ndim, where);
  // the slices to compare along axis 0
  const a = flat ? ravel(input) : moveaxis(input, axis, 0);
  const n = a.shape[0]!;
  const sliceSize = a.shape.slice(1).reduce((p, d) => p * d, 1);
  if (o.size !== undefined && o.size < 0) throw new ArgumentError(`${where}: size must be a non-negative integer, got ${describeValue(o.size)}`);
  if (n === 0 && o.size !== undefined && o.size > 0 && o.fillValue === undefined) throw new ArgumentError(`${where}: an empty array with a size > 0 needs a fillValue (there is no smallest value to pad with)`);
  // sort the slices lexicographically (first component most significant), stably
  const perm = a.ndim === 1 ? argsort(a) : sliceSize === 0 ? lax.iota("int32", [n], 0) : lexsort(columnsReversed(reshape(a, [n, sliceSize])), { axis: 0 });
  const aux = lax.gather(a, perm, { axis: 0 });
  // mask[i]: slice i of the sorted ones differs from slice i − 1 (NaNs equal when equalNan)
  let mask: NDArray;
  if (n === 0) mask = lax.broadcastInDim(lax.convertElementType(0, "bool"), [0], []);
  else {
    const cur = lax.slice(aux, aux.shape.map((_, k) => (k === 0 ? 1 : 0)), aux.shape);
    const prev = lax.slice(aux, aux.shape.map(() => 0), aux.shape.map((d, k) => (k === 0 ? n - 1 : d)));
    let ne = lax.ne(cur, prev);
    if (isFloat(a.dtype) && o.equalNan !== false) ne = logicalAnd(ne, logicalNot(logicalAnd(isnan(cur), isnan(prev))));
    const differs = a.ndim === 1 ? ne : any(ne, { axis: a.shape.slice(1).map((_, k) => k + 1) });
    mask = lax.concatenate([lax.broadcastInDim(lax.convertElementType(1, "bool"), [1], []), differs], 0);
  }
  const trueCount = sum(lax.convertElementType(mask, "int32"));
  const size = o.size ?? Number(trueCount.concrete(`${where} without a size (the number of unique values decides the result's shape: give size under jit)`).item());
  const ind = nonzeroSized(mask, size);
  let values = n === 0 ? aux : lax.gather(aux, ind, { axis: 0 });
  if (o.size !== undefined && o.fillValue !== undefined) {
    const fill = lax.convertElementType(asArray(o.fillValue, where), a.dtype);
    const shape = [size, ...a.shape.slice(1)];
    const fillFull = lax.broadcastInDim(fill, shape, fill.shape.map((_, k) => shape.length - fill.ndim + k));
    if (n === 0) values = fillFull;
    else {
      const valid = lax.broadcastInDim(lax.lt(lax.iota("int32", [size], 0), trueCount), shape, [0]);
      values = lax.select(valid, values, fillFull);
    }
  }
  if (!flat) values = moveaxis(values, 0, axis);
  return {
    values,
    indices: () => (n === 0 ? perm : lax.gather(perm, ind, { axis: 0 })),
    inverse: () => {
      if (n === 0) return flat ? reshape(perm, input.shape) : perm;
      const rank = lax.sub(cumsum(lax.convertElementType(mask, "int32")), 1);
      const inv = lax.scatterAdd(lax.broadcastInDim(lax.convertElementType(0, "int32"), [n], []), perm, rank);
      return flat ? reshape(inv, input.shape) : inv;
    },
    counts: () => {
      if (n === 0) return lax.broadcastInDim(lax.convertElementType(0, "int32"), [size], []);
      // starts of the runs, padded with n: consecutive differences are the run lengths
      const starts = nonzeroSized(mask, size + 1);
      const tail = lax.slice(starts, [1], [size + 1]);
      const ends = lax.concatenate([lax.slice(starts, [0], [1]), lax.select(lax.ne(tail, 0), tail, lax.broadcastInDim(lax.convertElementType(n, "int32"), [size], []))], 0);
      return lax.sub(lax.slice(ends, [1], [size + 1]), lax.slice(ends, [0], [size]));
    },
  };
}

/** The columns of a 2-D array, last first (lexsort's primary key is its last). */
function columnsReversed(m: NDArray): NDArray[] {
  const [rows, cols] = [m.shape[0]!, m.shape[1]!];
  return Array.from({ length: cols }, (_, j) => reshape(lax.slice(m, [0, cols - 1 - j], [rows, cols - j]), [rows]));
}

/** The positions of the true entries of a 1-D mask, in order: the first `size`, padded with 0. */
function nonzeroSized(mask: NDArray, size: number): NDArray {
  const n = mask.shape[0]!;
  const m = lax.convertElementType(mask, "int32");
  const slot = lax.sub(cumsum(m), 1);
  // a false entry (and a true one past `size`) goes to slot `size`: out of range, dropped
  const target = lax.select(mask, slot, lax.broadcastInDim(lax.convertElementType(size, "int32"), [n], []));
  return lax.scatterAdd(lax.broadcastInDim(lax.convertElementType(0, "int32"), [size], []), target, lax.iota("int32", [n], 0));
}
