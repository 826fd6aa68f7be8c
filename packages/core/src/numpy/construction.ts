// numpy's matrix and grid constructors: triangles, diagonals, traces, meshes and log-spaced
// ranges. Masks and index tables depend only on shapes, so they are built once as constant
// arrays and applied with `where` or a gather: the result's values are selected, never
// computed (exact, −0 and NaN included), and its derivative is the same selection.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { asArray, fromValues } from "../creation.js";
import { defaultFloat } from "../config.js";
import { allocate, checkArrayShape, checkDType, type DType } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import * as tree from "../tree/index.js";
import { arange, linspace, zerosLike } from "./creation.js";
import { power, where } from "./elementwise.js";
import { takeAlongAxis } from "./indexing.js";
import { sum } from "./reductions.js";
import { broadcastTo, ravel, reshape, squeeze, stack, transpose } from "./shape.js";

/** A constant bool array of `shape` holding `f(i, j)` over its last two axes (broadcast over the rest). */
function mask2(rows: number, cols: number, f: (i: number, j: number) => boolean): NDArray {
  checkArrayShape([rows, cols], "bool", "mask");
  const data = allocate("bool", rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = f(i, j) ? 1 : 0;
  return new ConcreteArray(new ShapedArray([rows, cols], "bool"), data);
}

const checkInt = (v: unknown, where: string, what: string): number => {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ArgumentError(`${where}: ${what} must be an integer, got ${describeValue(v)}`);
  return v;
};

/**
 * tri(n, m?, { k, dtype }): ones at and below the k-th diagonal (j ≤ i + k), zeros above.
 *
 * @example
 * np.tri(3); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 */
export function tri(n: number, m?: number, opts: { readonly k?: number; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "tri", { k: "integer", dtype: "dtype" });
  const cols = m ?? n;
  checkInt(n, "tri", "n");
  checkInt(cols, "tri", "m");
  const k = opts.k ?? 0;
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "tri");
  return lax.convertElementType(mask2(n, cols, (i, j) => j <= i + k), d);
}

function triangle(where: string, m: Operand, keep: (i: number, j: number) => boolean): NDArray {
  const a = asArray(m, where);
  if (a.ndim < 2) throw new ShapeError(`${where}: the array must have at least 2 dimensions, got ${fmtShape(a.shape)}`);
  const [rows, cols] = a.shape.slice(-2) as [number, number];
  return whereMask(mask2(rows, cols, keep), a);
}
const whereMask = (mask: NDArray, a: NDArray): NDArray => where(mask, a, zerosLike(a));

/**
 * tril(m, { k }): m with the elements above the k-th diagonal zeroed (over the last two axes).
 *
 * @example
 * np.tril(array([[1, 2], [3, 4]])); // [[1, 0], [3, 4]]
 */
export function tril(m: Operand, opts: { readonly k?: number } = {}): NDArray {
  checkOptions(opts, "tril", { k: "integer" });
  const k = opts.k ?? 0;
  return triangle("tril", m, (i, j) => j <= i + k);
}

/**
 * triu(m, { k }): m with the elements below the k-th diagonal zeroed (over the last two axes).
 *
 * @example
 * np.triu(array([[1, 2], [3, 4]])); // [[1, 2], [0, 4]]
 * np.triu(array([[1, 2], [3, 4]]), { k: 1 }); // [[0, 2], [0, 0]]
 */
export function triu(m: Operand, opts: { readonly k?: number } = {}): NDArray {
  checkOptions(opts, "triu", { k: "integer" });
  const k = opts.k ?? 0;
  return triangle("triu", m, (i, j) => j >= i + k);
}

/** diagonal(a, { offset, axis1, axis2 }): the offset-th diagonal of the planes of axes
 * (axis1, axis2), as a new last axis (numpy's layout).
 *
 * @example
 * np.diagonal(array([[1, 2], [3, 4]])); // [1, 4]
 * np.diagonal(array([[1, 2], [3, 4]]), { offset: 1 }); // [2]
 */
export function diagonal(a: Operand, opts: { readonly offset?: number; readonly axis1?: number; readonly axis2?: number } = {}): NDArray {
  checkOptions(opts, "diagonal", { offset: "integer", axis1: "integer", axis2: "integer" });
  const x = asArray(a, "diagonal");
  if (x.ndim < 2) throw new ShapeError(`diagonal: the array must have at least 2 dimensions, got ${fmtShape(x.shape)}`);
  const a1 = normalizeAxis(opts.axis1 ?? 0, x.ndim, "diagonal");
  const a2 = normalizeAxis(opts.axis2 ?? 1, x.ndim, "diagonal");
  if (a1 === a2) throw new ArgumentError(`diagonal: axis1 and axis2 must differ, got ${a1} twice`);
  const offset = opts.offset ?? 0;
  // the plane last: [..., rows, cols], then the sub-block that starts on the diagonal
  const rest = x.shape.map((_, i) => i).filter((i) => i !== a1 && i !== a2);
  const y = transpose(x, [...rest, a1, a2]);
  const [rows, cols] = y.shape.slice(-2) as [number, number];
  const [r0, c0] = offset >= 0 ? [0, offset] : [-offset, 0];
  const len = Math.max(0, Math.min(rows - r0, cols - c0));
  const lead = y.shape.slice(0, -2);
  const block = lax.slice(y, [...lead.map(() => 0), Math.min(r0, rows), Math.min(c0, cols)], [...lead, Math.min(r0, rows) + len, Math.min(c0, cols) + len]);
  if (len === 0) return reshape(block, [...lead, 0]);
  const index = broadcastTo(reshape(arange(len, undefined, 1, "int32"), [len, 1]), [...lead, len, 1]);
  return squeeze(takeAlongAxis(block, index, -1), { axis: -1 });
}

/**
 * trace(a, { offset, axis1, axis2, dtype }): the sum of the offset-th diagonal.
 *
 * @example
 * np.trace(array([[1, 2], [3, 4]])); // 5
 */
export function trace(a: Operand, opts: { readonly offset?: number; readonly axis1?: number; readonly axis2?: number; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "trace", { offset: "integer", axis1: "integer", axis2: "integer", dtype: "dtype" });
  const { dtype, ...rest } = opts;
  return sum(diagonal(a, rest), { axis: -1, ...(dtype === undefined ? {} : { dtype }) });
}

/**
 * diag(v, { k }): a 1-D v placed on the k-th diagonal of a square matrix; a 2-D v's k-th diagonal.
 *
 * @example
 * np.diag(array([1, 2])); // [[1, 0], [0, 2]]
 * np.diag(array([[1, 2], [3, 4]])); // [1, 4]
 */
export function diag(v: Operand, opts: { readonly k?: number } = {}): NDArray {
  checkOptions(opts, "diag", { k: "integer" });
  const x = asArray(v, "diag");
  const k = opts.k ?? 0;
  if (x.ndim === 2) return diagonal(x, { offset: k });
  if (x.ndim !== 1) throw new ShapeError(`diag: expected a 1-D or 2-D array, got ${fmtShape(x.shape)}`);
  const n = x.shape[0]! + Math.abs(k);
  // v (padded to n) along the rows (k ≥ 0: out[i][i+k] = v[i]) or along the columns (k < 0:
  // out[j−k][j] = v[j]), kept where j − i = k.
  const padded = lax.pad(x, lax.convertElementType(0, x.dtype, x.weakType), [[0, Math.abs(k), 0]]);
  const spread = k >= 0 ? broadcastTo(reshape(padded, [n, 1]), [n, n]) : broadcastTo(reshape(padded, [1, n]), [n, n]);
  return whereMask(mask2(n, n, (i, j) => j - i === k), spread);
}

/**
 * diagflat(v, { k }): the flattened v on the k-th diagonal of a square matrix.
 *
 * A matrix with the flattened `v` on diagonal `k`.
 *
 * @example
 * np.diagflat(array([[1, 2]])); // [[1, 0], [0, 2]]
 */
export const diagflat = (v: Operand, opts: { readonly k?: number } = {}): NDArray => diag(ravel(asArray(v, "diagflat")), opts);

export interface MeshgridOptions {
  /** "xy" (the default: the first two output axes swapped, as for plotting) or "ij". */
  readonly indexing?: "xy" | "ij";
  /** Return arrays broadcastable to the grid (size 1 along the other axes) instead of full ones. */
  readonly sparse?: boolean;
  /** Accepted for numpy compatibility: arrays are immutable, so there is nothing to copy. */
  readonly copy?: boolean;
}

/**
 * meshgrid(x1, x2, …, { indexing, sparse }): coordinate arrays of the grid the 1-D inputs span.
 *
 * @example
 * const [X, Y] = np.meshgrid(array([1, 2, 3]), array([10, 20]));
 * X; // [[1, 2, 3], [1, 2, 3]]
 * Y; // [[10, 10, 10], [20, 20, 20]]
 */
export function meshgrid(...args: readonly (Operand | MeshgridOptions)[]): NDArray[] {
  const last = args[args.length - 1];
  const hasOpts = last !== undefined && tree.isPlainObject(last);
  const o = checkOptions((hasOpts ? last : undefined) as MeshgridOptions | undefined, "meshgrid", { indexing: ["xy", "ij"], sparse: "boolean", copy: "boolean" });
  const xs = (hasOpts ? args.slice(0, -1) : args).map((x) => ravel(asArray(x as Operand, "meshgrid")));
  const n = xs.length;
  const xy = (o.indexing ?? "xy") === "xy" && n >= 2;
  // output axis of input i: i, except that "xy" swaps the first two
  const axisOf = (i: number): number => (xy && i < 2 ? 1 - i : i);
  const shape = Array.from({ length: n }, (_, ax) => xs[xy && ax < 2 ? 1 - ax : ax]!.size);
  return xs.map((x, i) => {
    const at = axisOf(i);
    const own = shape.map((d, ax) => (ax === at ? d : 1));
    const r = reshape(x, own);
    return o.sparse === true ? r : broadcastTo(r, shape);
  });
}

/**
 * indices(dimensions, { dtype, sparse }): the index grid of a shape, stacked ([n, ...dims]) or, sparse, one broadcastable array per axis.
 *
 * @example
 * (np.indices([2, 3]) as NDArray).shape; // [2, 2, 3]
 * const [rows, cols] = np.indices([2, 2], { sparse: true }) as NDArray[];
 * rows; // [[0], [1]]
 * cols; // [[0, 1]]
 */
export function indices(dimensions: readonly number[], opts: { readonly dtype?: DType; readonly sparse?: boolean } = {}): NDArray | NDArray[] {
  checkOptions(opts, "indices", { dtype: "dtype", sparse: "boolean" });
  if (!Array.isArray(dimensions)) throw new ArgumentError(`indices: dimensions must be a list of sizes, got ${describeValue(dimensions)}`);
  const dims = dimensions.map((d) => checkInt(d, "indices", "every dimension"));
  const d = opts.dtype === undefined ? "int32" : checkDType(opts.dtype, "indices");
  const axes = dims.map((n, i) => reshape(arange(n, undefined, 1, d), dims.map((_, j) => (j === i ? n : 1))));
  return opts.sparse === true ? axes : dims.length === 0 ? reshape(arange(0, undefined, 1, d), [0]) : stack(axes.map((a) => broadcastTo(a, dims)));
}

/**
 * logspace(start, stop, num, { endpoint, base, dtype }): base ** linspace(start, stop, num).
 *
 * @example
 * np.logspace(0, 2, 3); // [1, 10, 100]
 */
export function logspace(start: number, stop: number, num = 50, opts: { readonly endpoint?: boolean; readonly base?: number; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "logspace", { endpoint: "boolean", base: "number", dtype: "dtype" });
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "logspace");
  const exps = linspace(start, stop, num, { endpoint: opts.endpoint ?? true, dtype: "float64" });
  return lax.convertElementType(power(lax.convertElementType(opts.base ?? 10, "float64"), exps), d);
}

/** geomspace(start, stop, num, { endpoint, dtype }): a geometric progression from start to stop
 * (both of one sign, neither zero), with the endpoints exactly start and stop.
 *
 * @example
 * np.geomspace(1, 1000, 4); // [1, 10, 100, 1000]
 */
export function geomspace(start: number, stop: number, num = 50, opts: { readonly endpoint?: boolean; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "geomspace", { endpoint: "boolean", dtype: "dtype" });
  if (typeof start !== "number" || typeof stop !== "number" || !Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ArgumentError(`geomspace: start and stop must be finite numbers, got ${describeValue(start)} and ${describeValue(stop)}`);
  }
  if (!Number.isInteger(num) || num < 0) throw new ArgumentError(`geomspace: num must be a non-negative integer, got ${describeValue(num)}`);
  if (start === 0 || stop === 0) throw new ArgumentError("geomspace: a geometric sequence cannot include zero");
  if (Math.sign(start) !== Math.sign(stop)) throw new ArgumentError(`geomspace: start and stop must have the same sign (a real geometric sequence), got ${start} and ${stop}`);
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "geomspace");
  const endpoint = opts.endpoint ?? true;
  const sign = Math.sign(start);
  const [l0, l1] = [Math.log10(Math.abs(start)), Math.log10(Math.abs(stop))];
  const div = endpoint ? num - 1 : num;
  return fromValues(
    num,
    (i) => {
      if (i === 0) return start;
      if (endpoint && i === num - 1) return stop;
      return sign * 10 ** (l0 + ((l1 - l0) * i) / div);
    },
    d,
    "geomspace",
  );
}
