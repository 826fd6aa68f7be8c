// Sorting and comparisons of whole arrays.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import * as lax from "../lax/index.js";
import { normalizeAxis } from "../shape.js";
import { checkOptions } from "../options.js";
import { abs, isnan, less, lessEqual, logicalAnd, logicalOr, subtract } from "./elementwise.js";
import { promoteArgs } from "./promote.js";
import { all } from "./reductions.js";
import { isComplex } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { describeValue, fmtShape } from "../shape.js";
import { takeAlongAxis } from "./indexing.js";
import { ravel, reshape } from "./shape.js";

/**
 * `x` sorted ascending along `axis` (default the last; `null` sorts the flattened array);
 * NaN last; complex values by real part, then imaginary part (as JAX and numpy).
 *
 * @example
 * np.sort(array([3, 1, NaN, 2])); // [1, 2, 3, NaN]
 * np.sort(array([[3, 1], [2, 4]]), { axis: 0 }); // [[2, 1], [3, 4]]
 */
export function sort(x: Operand, opts: { readonly axis?: number | null } = {}): NDArray {
  checkOptions(opts, "sort", { axis: "integerOrNull" });
  let a = asArray(x, "sort");
  if (opts.axis === null) a = ravel(a);
  if (a.ndim === 0) return a;
  return lax.sort([a], { dimension: normalizeAxis(opts.axis ?? -1, a.ndim, "sort") })[0]!;
}

/**
 * The indices that sort `x` along `axis` (default the last; `null`: the flattened array),
 * stably; int32.
 *
 * @example
 * np.argsort(array([3, 1, 2])); // [1, 2, 0]
 */
export function argsort(x: Operand, opts: { readonly axis?: number | null } = {}): NDArray {
  checkOptions(opts, "argsort", { axis: "integerOrNull" });
  let a = asArray(x, "argsort");
  if (opts.axis === null) a = ravel(a);
  const axis = normalizeAxis(opts.axis ?? -1, a.ndim, "argsort");
  return lax.sort([a, lax.iota("int32", a.shape, axis)], { dimension: axis })[1]!;
}

/** |a - b| <= atol + rtol·|b| everywhere (NaNs equal only with equalNan). */
export interface CloseOptions {
  readonly rtol?: number;
  readonly atol?: number;
  readonly equalNan?: boolean;
}
const CLOSE = { rtol: "number", atol: "number", equalNan: "boolean" } as const;

/**
 * Whether `|x - y| ≤ atol + rtol·|y|` elementwise (defaults rtol 1e-5, atol 1e-8; NaNs are
 * equal only with `equalNan`): a bool array of the broadcast shape.
 *
 * @example
 * np.isclose(array([1, 1.1]), 1); // [true, false]
 */
export function isclose(x: Operand, y: Operand, opts: CloseOptions = {}): NDArray {
  checkOptions(opts, "isclose", CLOSE);
  const [a, b] = promoteArgs("isclose", [x, y], "float");
  const close = lessEqual(abs(subtract(a!, b!)), lax.add(lax.mul(abs(b!), opts.rtol ?? 1e-5), opts.atol ?? 1e-8));
  const exact = lax.eq(a!, b!);
  const res = logicalOr(close, exact);
  return opts.equalNan ? logicalOr(res, logicalAnd(isnan(a!), isnan(b!))) : res;
}

/**
 * Whether `isclose` holds everywhere: a bool scalar.
 *
 * @example
 * np.allclose(array([1, 2]), array([1, 2.000001])).item(); // true
 */
export function allclose(x: Operand, y: Operand, opts: CloseOptions = {}): NDArray {
  checkOptions(opts, "allclose", CLOSE);
  const [a, b] = promoteArgs("allclose", [x, y], "float");
  return all(isclose(a!, b!, opts));
}

export { less };

/**
 * lexsort(keys, { axis }): the stable order that sorts by the last key, then the one before it,
 * and so on (numpy's convention: the primary key is last). `keys` is a list of arrays of one
 * shape, or a 2-D array whose rows are the keys. Returns int32 indices along `axis`.
 *
 * @example
 * // sort by the last key (surname), then by the first (age)
 * np.lexsort([array([30, 20, 10]), array([2, 1, 2])]); // [1, 2, 0]
 */
export function lexsort(keys: readonly Operand[] | Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "lexsort", { axis: "integer" });
  // (Array.from, not map: a hole in the list is a missing key, not one to skip)
  const list = Array.isArray(keys) ? Array.from(keys, (k) => asArray(k as Operand, "lexsort")) : unstackRows(asArray(keys as Operand, "lexsort"));
  if (list.length === 0) throw new ArgumentError("lexsort: expected at least one key");
  const shape = list[0]!.shape;
  list.forEach((k, i) => {
    if (k.shape.join() !== shape.join()) throw new ShapeError(`lexsort: every key must have the first key's shape ${fmtShape(shape)}; key ${i} has ${fmtShape(k.shape)}`);
  });
  if (shape.length === 0) throw new ShapeError("lexsort: the keys must have at least one dimension, got scalars");
  const axis = normalizeAxis(opts.axis ?? -1, shape.length, "lexsort");
  // stable sorts from the least significant key (the first) to the primary one (the last)
  let perm = lax.iota("int32", shape, axis);
  for (const key of list) {
    const arranged = takeAlongAxis(key, perm, axis);
    perm = takeAlongAxis(perm, argsort(arranged, { axis }), axis);
  }
  return perm;
}

function unstackRows(k: NDArray): NDArray[] {
  if (k.ndim < 2) throw new ShapeError(`lexsort: keys must be a list of arrays or an array of at least 2 dimensions (one key per row), got ${fmtShape(k.shape)}`);
  return Array.from({ length: k.shape[0]! }, (_, i) => reshape(lax.slice(k, k.shape.map((_, a) => (a === 0 ? i : 0)), k.shape.map((d, a) => (a === 0 ? i + 1 : d))), k.shape.slice(1)));
}

function checkKth(kth: unknown, n: number, where: string): number {
  if (typeof kth !== "number" || !Number.isInteger(kth) || kth < -n || kth >= n) throw new ArgumentError(`${where}: kth must be an integer in [${-n}, ${n - 1}] (the axis has ${n} elements), got ${describeValue(kth)}`);
  return kth < 0 ? kth + n : kth;
}

/**
 * partition(a, kth, { axis }): a copy of `a` with the element that would sit at index kth of the
 * sorted axis moved there, the smaller ones before it and the larger ones after. As JAX lays it
 * out: the first kth + 1 in ascending order, the rest in descending order (NaN sort last, as in
 * numpy's sort).
 *
 * @example
 * np.partition(array([5, 1, 4, 2, 3]), 2).toArray(); // [1, 2, 3, 5, 4]
 */
export function partition(a: Operand, kth: number, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "partition", { axis: "integer" });
  const x = asArray(a, "partition");
  if (x.ndim === 0) throw new ShapeError("partition: the array must have at least 1 dimension, got a scalar");
  // JAX builds it on lax.top_k, which refuses complex values
  if (isComplex(x.dtype)) throw new DTypeError(`partition: not supported for complex input (${x.aval.str()}), as in JAX; np.sort orders complex values`);
  const axis = normalizeAxis(opts.axis ?? -1, x.ndim, "partition");
  const n = x.shape[axis]!;
  const k = checkKth(kth, n, "partition");
  const sorted = lax.sort([x], { dimension: axis })[0]!;
  const bottom = sliceAlongAxis(sorted, 0, k + 1, axis);
  const top = lax.rev(sliceAlongAxis(sorted, k + 1, n, axis), [axis]);
  return lax.concatenate([bottom, top], axis);
}

/**
 * argpartition(a, kth, { axis }): indices that partition `a` (see partition): as JAX returns
 * them, the first kth + 1 are those of the smallest values in ascending order of value, the rest
 * those of the other values in ascending order of index.
 *
 * @example
 * np.argpartition(array([5, 1, 4, 2, 3]), 2).toArray(); // [1, 3, 4, 0, 2]
 */
export function argpartition(a: Operand, kth: number, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "argpartition", { axis: "integer" });
  const x = asArray(a, "argpartition");
  if (x.ndim === 0) throw new ShapeError("argpartition: the array must have at least 1 dimension, got a scalar");
  // JAX builds it on lax.top_k, which refuses complex values
  if (isComplex(x.dtype)) throw new DTypeError(`argpartition: not supported for complex input (${x.aval.str()}), as in JAX; np.sort orders complex values`);
  const axis = normalizeAxis(opts.axis ?? -1, x.ndim, "argpartition");
  const n = x.shape[axis]!;
  const k = checkKth(kth, n, "argpartition");
  const order = argsort(x, { axis });
  const bottom = sliceAlongAxis(order, 0, k + 1, axis);
  // the others by index: sort the indices, with the bottom ones keyed past every other
  const inBottom = lax.lt(rankAlong(order, axis), k + 1);
  const key = lax.select(inBottom, lax.broadcastInDim(n, x.shape, []), lax.iota("int32", x.shape, axis));
  const rest = lax.sort([key, lax.iota("int32", x.shape, axis)], { dimension: axis })[1]!;
  return lax.concatenate([bottom, sliceAlongAxis(rest, 0, n - k - 1, axis)], axis);
}

/** For a permutation `order` along `axis` (order[j] = the index at sorted position j), the sorted position of every index. */
function rankAlong(order: NDArray, axis: number): NDArray {
  return argsort(order, { axis });
}

function sliceAlongAxis(x: NDArray, from: number, to: number, axis: number): NDArray {
  return lax.slice(
    x,
    x.shape.map((_, k) => (k === axis ? from : 0)),
    x.shape.map((d, k) => (k === axis ? to : d)),
  );
}
