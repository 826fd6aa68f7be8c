// np.linalg: norms (vector and matrix, the 2- and nuclear norms through the SVD), cross,
// tensordot, multiDot, matrixPower, re-exports (outer, trace, diagonal, matmul), and the
// factorisations with what numpy builds on them (factorisations.ts, decompositions.ts,
// linalg-decompositions.ts), gathered into the `linalg` namespace object.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { checkIntList, describeValue, fmtShape, normalizeAxes, normalizeAxis } from "../shape.js";
import { diagonal, trace } from "./construction.js";
import { eye } from "./creation.js";
import { abs, multiply, power, sqrt, subtract } from "./elementwise.js";
import { matmul, outer } from "./linalg.js";
import { cholesky, det, inv, slogdet, solve } from "./factorisations.js";
import { eigh, eigvalsh, lstsq, matrixRank, pinv, qr, spectralNorm, svd, svdvals } from "./linalg-decompositions.js";
import { eigGeneral, eigvals } from "./eig.js";
import { promoteDTypes } from "./promote.js";
import { max, min, sum } from "./reductions.js";
import { moveaxis, reshape, transpose } from "./shape.js";
import { abs2, inexactOf } from "./hermitian.js";
import { realPartOf } from "../dtype.js";

// Complex input is measured by |x| (JAX's norms of complex arrays are real).
const floatOf = inexactOf;

export type VectorOrd = number;
/**
 * vectorNorm(x, { ord, axis, keepdims }): (Σ|x|^ord)^(1/ord) over `axis` (all axes by default); ord ±Infinity for the largest/smallest |x|, 0 for the count of non-zeros.
 *
 * @example
 * np.linalg.vectorNorm(array([3, 4])); // 5
 * np.linalg.vectorNorm(array([3, -4]), { ord: 1 }); // 7
 * np.linalg.vectorNorm(array([[3, 4], [6, 8]]), { axis: 1 }); // [5, 10]
 */
export function vectorNorm(x: Operand, opts: { readonly ord?: number; readonly axis?: number | readonly number[]; readonly keepdims?: boolean } = {}): NDArray {
  checkOptions(opts, "vectorNorm", { ord: "number", axis: "axes", keepdims: "boolean" });
  const a = floatOf(x, "vectorNorm");
  const red = { ...(opts.axis === undefined ? {} : { axis: opts.axis }), ...(opts.keepdims === undefined ? {} : { keepdims: opts.keepdims }) };
  const ord = opts.ord ?? 2;
  const m = abs(a);
  if (ord === Number.POSITIVE_INFINITY) return max(m, red);
  if (ord === Number.NEGATIVE_INFINITY) return min(m, red);
  if (ord === 0) return sum(lax.convertElementType(lax.ne(a, lax.convertElementType(0, a.dtype)), realPartOf(a.dtype)), red);
  if (ord === 1) return sum(m, red);
  if (ord === 2) return sqrt(sum(abs2(a), red));
  return power(sum(power(m, ord), red), 1 / ord);
}

/**
 * matrixNorm(x, { ord, keepdims }): over the last two axes — "fro" (default), "nuc", 1, −1, 2, −2, Infinity, −Infinity.
 *
 * @example
 * np.linalg.matrixNorm(array([[3, 0], [0, 4]])); // 5
 * np.linalg.matrixNorm(array([[3, 0], [0, 4]]), { ord: "nuc" }); // 7
 */
export function matrixNorm(x: Operand, opts: { readonly ord?: number | "fro" | "nuc"; readonly keepdims?: boolean } = {}): NDArray {
  checkOptions(opts, "matrixNorm", { ord: "any", keepdims: "boolean" });
  const a = floatOf(x, "matrixNorm");
  if (a.ndim < 2) throw new ShapeError(`matrixNorm: expected at least 2 dimensions, got ${fmtShape(a.shape)}`);
  return normOverAxes("matrixNorm", a, opts.ord ?? "fro", [a.ndim - 2, a.ndim - 1], opts.keepdims ?? false);
}

function normOverAxes(where: string, a: NDArray, ord: unknown, [r, c]: readonly number[], keepdims: boolean): NDArray {
  const keep = { keepdims };
  switch (ord) {
    case "fro":
      return sqrt(sum(abs2(a), { axis: [r!, c!], ...keep }));
    case 1:
      return max(sum(abs(a), { axis: r!, keepdims: true }), { axis: [r!, c!], ...keep });
    case -1:
      return min(sum(abs(a), { axis: r!, keepdims: true }), { axis: [r!, c!], ...keep });
    case Number.POSITIVE_INFINITY:
      return max(sum(abs(a), { axis: c!, keepdims: true }), { axis: [r!, c!], ...keep });
    case Number.NEGATIVE_INFINITY:
      return min(sum(abs(a), { axis: c!, keepdims: true }), { axis: [r!, c!], ...keep });
    case 2:
    case -2:
    case "nuc":
      return spectralNorm(where, a, ord, [r!, c!], keepdims);
    default:
      throw new ArgumentError(`${where}: a matrix norm's ord must be "fro", "nuc", 1, -1, 2, -2, Infinity or -Infinity, got ${describeValue(ord)}`);
  }
}

/** norm(x, { ord, axis, keepdims }): numpy.linalg.norm — a vector norm over one axis (or the
 * flattened array), a matrix norm over two.
 *
 * @example
 * np.linalg.norm(array([3, 4])); // 5
 * np.linalg.norm(array([[1, 2], [3, 4]]), { ord: "fro" }); // 5.4772
 */
export function norm(x: Operand, opts: { readonly ord?: number | "fro" | "nuc"; readonly axis?: number | readonly number[]; readonly keepdims?: boolean } = {}): NDArray {
  checkOptions(opts, "norm", { ord: "any", axis: "axes", keepdims: "boolean" });
  const a = floatOf(x, "norm");
  const keepdims = opts.keepdims ?? false;
  if (opts.axis === undefined) {
    if (opts.ord === undefined) {
      const r = sqrt(sum(abs2(a)));
      return keepdims ? reshape(r, a.shape.map(() => 1)) : r;
    }
    if (a.ndim === 1) return vectorNorm(a, { ord: opts.ord as number, keepdims });
    if (a.ndim === 2) return normOverAxes("norm", a, opts.ord, [0, 1], keepdims);
    throw new ArgumentError(`norm: with an ord, give an axis for a ${a.ndim}-D array (1 axis: a vector norm, 2: a matrix norm)`);
  }
  const axes = normalizeAxes(opts.axis, a.ndim, "norm");
  if (axes.length === 1) {
    if (typeof opts.ord === "string") throw new ArgumentError(`norm: ord "${opts.ord}" is a matrix norm; give two axes`);
    return vectorNorm(a, { ord: opts.ord ?? 2, axis: axes[0]!, keepdims });
  }
  if (axes.length === 2) return normOverAxes("norm", a, opts.ord ?? "fro", axes, keepdims);
  throw new ArgumentError(`norm: axis must name 1 or 2 axes, got ${axes.length}`);
}

/**
 * cross(a, b, { axis }): the 3-vector cross product along `axis` (the last by default); 2-vectors give the z component.
 *
 * @example
 * np.cross(array([1, 0, 0]), array([0, 1, 0])); // [0, 0, 1]
 */
export function cross(a: Operand, b: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "cross", { axis: "integer" });
  let [x, y] = promoteDTypes("cross", [a, b]);
  const ax = opts.axis ?? -1;
  x = moveaxis(x!, normalizeAxis(ax, x!.ndim, "cross"), -1);
  y = moveaxis(y!, normalizeAxis(ax, y!.ndim, "cross"), -1);
  const nx = x.shape[x.ndim - 1]!;
  const ny = y.shape[y.ndim - 1]!;
  if ((nx !== 2 && nx !== 3) || (ny !== 2 && ny !== 3)) throw new ShapeError(`cross: the vectors must have 2 or 3 components, got ${nx} and ${ny}`);
  const comp = (v: NDArray, i: number, n: number): NDArray => (i < n ? reshape(lax.slice(v, [...v.shape.slice(0, -1).map(() => 0), i], [...v.shape.slice(0, -1), i + 1]), v.shape.slice(0, -1)) : multiply(reshape(lax.slice(v, [...v.shape.slice(0, -1).map(() => 0), 0], [...v.shape.slice(0, -1), 1]), v.shape.slice(0, -1)), 0));
  const [x0, x1, x2] = [comp(x, 0, nx), comp(x, 1, nx), comp(x, 2, nx)];
  const [y0, y1, y2] = [comp(y, 0, ny), comp(y, 1, ny), comp(y, 2, ny)];
  const z = subtract(multiply(x0, y1), multiply(x1, y0));
  if (nx === 2 && ny === 2) return z;
  const parts = [subtract(multiply(x1, y2), multiply(x2, y1)), subtract(multiply(x2, y0), multiply(x0, y2)), z];
  const stacked = lax.concatenate(parts.map((p) => reshape(p, [...p.shape, 1])), parts[0]!.ndim);
  return moveaxis(stacked, -1, normalizeAxis(ax, stacked.ndim, "cross"));
}

/**
 * tensordot(a, b, axes): contraction over the last `axes` axes of a and the first of b, or over explicit axis lists.
 *
 * @example
 * np.tensordot(ones([2, 3, 4]), ones([3, 4, 5])).shape; // [2, 5]
 * np.tensordot(array([1, 2]), array([3, 4]), 1); // 11
 */
export function tensordot(a: Operand, b: Operand, axes: number | readonly [readonly number[], readonly number[]] = 2): NDArray {
  const [x, y] = promoteDTypes("tensordot", [a, b]);
  let [ax, bx]: [number[], number[]] = [[], []];
  if (typeof axes === "number") {
    if (!Number.isInteger(axes) || axes < 0 || axes > x!.ndim || axes > y!.ndim) throw new ArgumentError(`tensordot: axes must be an integer in [0, ${Math.min(x!.ndim, y!.ndim)}], got ${describeValue(axes)}`);
    ax = Array.from({ length: axes }, (_, i) => x!.ndim - axes + i);
    bx = Array.from({ length: axes }, (_, i) => i);
  } else {
    if (!Array.isArray(axes) || axes.length !== 2) throw new ArgumentError(`tensordot: axes must be an integer or two lists of axes, got ${describeValue(axes)}`);
    ax = checkIntList(axes[0], "tensordot", "a's axes").map((v) => normalizeAxis(v, x!.ndim, "tensordot"));
    bx = checkIntList(axes[1], "tensordot", "b's axes").map((v) => normalizeAxis(v, y!.ndim, "tensordot"));
    if (ax.length !== bx.length) throw new ArgumentError(`tensordot: the two axis lists must have the same length, got ${ax.length} and ${bx.length}`);
  }
  ax.forEach((v, i) => {
    if (x!.shape[v] !== y!.shape[bx[i]!]) throw new ShapeError(`tensordot: a's axis ${v} (${x!.shape[v]}) and b's axis ${bx[i]} (${y!.shape[bx[i]!]}) differ`);
  });
  const xc = x!.dtype === "bool" ? lax.convertElementType(x!, "int32") : x!;
  const yc = y!.dtype === "bool" ? lax.convertElementType(y!, "int32") : y!;
  return lax.dotGeneral(xc, yc, [[ax, bx], [[], []]]);
}

/**
 * multiDot(arrays): the product of a chain of matrices (1-D ends as row / column vectors), multiplied in the cheapest order.
 *
 * @example
 * np.linalg.multiDot([ones([10, 100]), ones([100, 5]), ones([5, 50])]).shape; // [10, 50]
 */
export function multiDot(arrays: readonly Operand[]): NDArray {
  if (!Array.isArray(arrays) || arrays.length < 2) throw new ArgumentError("multiDot: expected a list of at least two arrays");
  // (Array.from, not map: a hole in the list is an operand that is missing, not one to skip)
  const ms = Array.from(arrays, (x) => asArray(x, "multiDot"));
  const first1 = ms[0]!.ndim === 1;
  const last1 = ms[ms.length - 1]!.ndim === 1;
  const mats = ms.map((m, i) => (m.ndim === 1 ? (i === 0 ? reshape(m, [1, m.size]) : reshape(m, [m.size, 1])) : m));
  for (const m of mats) if (m.ndim !== 2) throw new ShapeError(`multiDot: every array but the ends must be 2-D, got ${fmtShape(m.shape)}`);
  // the classic chain-order dynamic programme over the dimensions p0 … pn
  const n = mats.length;
  const p = [mats[0]!.shape[0]!, ...mats.map((m) => m.shape[1]!)];
  const cost: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const cut: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let len = 1; len < n; len++) {
    for (let i = 0; i + len < n; i++) {
      const j = i + len;
      cost[i]![j] = Number.POSITIVE_INFINITY;
      for (let k = i; k < j; k++) {
        const c = cost[i]![k]! + cost[k + 1]![j]! + p[i]! * p[k + 1]! * p[j + 1]!;
        if (c < cost[i]![j]!) {
          cost[i]![j] = c;
          cut[i]![j] = k;
        }
      }
    }
  }
  const product = (i: number, j: number): NDArray => (i === j ? mats[i]! : matmul(product(i, cut[i]![j]!), product(cut[i]![j]! + 1, j)));
  let out = product(0, n - 1);
  if (first1 && last1) out = reshape(out, []);
  else if (first1) out = reshape(out, [out.shape[1]!]);
  else if (last1) out = reshape(out, [out.shape[0]!]);
  return out;
}

/**
 * matrixPower(a, n): a multiplied by itself n times (over the last two axes), by repeated squaring; a negative n powers the inverse.
 *
 * @example
 * np.linalg.matrixPower(array([[1, 1], [0, 1]]), 3); // [[1, 3], [0, 1]]
 * np.linalg.matrixPower(array([[2, 0], [0, 4]]), -1); // [[0.5, 0], [0, 0.25]]
 */
export function matrixPower(a: Operand, n: number): NDArray {
  const x = asArray(a, "matrixPower");
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) throw new ShapeError(`matrixPower: expected square matrices in the last two axes, got ${fmtShape(x.shape)}`);
  if (!Number.isInteger(n)) throw new ArgumentError(`matrixPower: n must be an integer, got ${describeValue(n)}`);
  const k = x.shape[x.ndim - 1]!;
  let result: NDArray | undefined;
  let base = n < 0 ? inv(x) : x;
  for (let m = Math.abs(n); m > 0; m = Math.floor(m / 2)) {
    if (m % 2 === 1) result = result === undefined ? base : matmul(result, base);
    if (m > 1) base = matmul(base, base);
  }
  return result ?? lax.broadcastInDim(eye(k, k, { dtype: x.dtype === "bool" ? "int32" : x.dtype }), x.shape, [x.ndim - 2, x.ndim - 1]);
}

/** numpy.linalg, as far as jaxts has it. */
export const linalg = { norm, vectorNorm, matrixNorm, cross, outer, tensordot, multiDot, matrixPower, trace, diagonal, matmul, matrixTranspose, cholesky, solve, inv, det, slogdet, qr, eigh, eigvalsh, eig: eigGeneral, eigvals, svd, svdvals, lstsq, pinv, matrixRank };

/**
 * matrixTranspose(x): x with its last two axes swapped.
 *
 * @example
 * np.matrixTranspose(zeros([5, 2, 3])).shape; // [5, 3, 2]
 */
export function matrixTranspose(x: Operand): NDArray {
  const a = asArray(x, "matrixTranspose");
  if (a.ndim < 2) throw new ShapeError(`matrixTranspose: expected at least 2 dimensions, got ${fmtShape(a.shape)}`);
  return transpose(a, [...a.shape.map((_, i) => i).slice(0, -2), a.ndim - 1, a.ndim - 2]);
}
