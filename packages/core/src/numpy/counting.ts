// numpy's counting and lookup: bincount, histogram, interp, isin, trapezoid.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isInteger } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { add, divide, equal, greater, greaterEqual, less, lessEqual, logicalAnd, logicalNot, multiply, subtract, where } from "./elementwise.js";
import { linspace } from "./creation.js";
import { take } from "./indexing.js";
import { any, max, min, sum } from "./reductions.js";
import { searchsorted } from "./searching.js";
import { diff } from "./differences.js";
import { ravel, reshape } from "./shape.js";
import { promoteDTypes, realFloatOf } from "./promote.js";

/** bincount(x, { weights, length, minlength }): how often each integer occurs (weighted);
 * `length` bins, by default max(x, minlength − 1) + 1 (which needs x's values: give `length`
 * under jit). As in JAX (numpy raises instead), negative values count in bin 0, and values
 * at or past `length` are dropped.
 *
 * @example
 * np.bincount(array([0, 1, 1, 3], { dtype: "int32" })); // [1, 2, 0, 1]
 */
export function bincount(x: Operand, opts: { readonly weights?: Operand; readonly length?: number; readonly minlength?: number } = {}): NDArray {
  checkOptions(opts, "bincount", { weights: "any", length: "integer", minlength: "integer" });
  const a = asArray(x, "bincount");
  if (a.ndim !== 1) throw new ShapeError(`bincount: expected a 1-D array, got ${fmtShape(a.shape)}`);
  if (!isInteger(a.dtype)) throw new DTypeError(`bincount: expected integers, got ${a.dtype}`);
  const idx = lax.max(a, 0);
  let length = opts.length;
  if (length === undefined) {
    const top = a.size === 0 ? -1 : Number(max(idx).concrete("bincount without a length").item());
    length = Math.max(top + 1, opts.minlength ?? 0);
  }
  if (!Number.isInteger(length) || length < 0) throw new ArgumentError(`bincount: length must be a non-negative integer, got ${describeValue(length)}`);
  const w = opts.weights === undefined ? lax.convertElementType(lax.broadcastInDim(1, [a.size], []), "int32") : asArray(opts.weights, "bincount");
  if (w.shape.join() !== a.shape.join()) throw new ShapeError(`bincount: weights must have x's shape ${fmtShape(a.shape)}, got ${fmtShape(w.shape)}`);
  // negative values and values ≥ length are dropped (scatter-add drops out-of-range updates)
  return lax.scatterAdd(lax.broadcastInDim(lax.convertElementType(0, w.dtype), [length], []), idx, w);
}

/**
 * histogram(a, { bins, range, weights, density }) → [counts, binEdges]: numpy's bins (the last one closed on the right).
 *
 * @example
 * const [counts, edges] = np.histogram(array([1, 2, 2, 3]), { bins: 2 });
 * counts; // [1, 3]
 * edges; // [1, 2, 3]
 */
export function histogram(
  a: Operand,
  opts: { readonly bins?: number | Operand; readonly range?: readonly [number, number]; readonly weights?: Operand; readonly density?: boolean } = {},
): [NDArray, NDArray] {
  checkOptions(opts, "histogram", { bins: "any", range: "any", weights: "any", density: "boolean" });
  const x = ravel(realFloatOf(a, "histogram"));
  let edges: NDArray;
  if (opts.bins === undefined || typeof opts.bins === "number") {
    const n = opts.bins ?? 10;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`histogram: bins must be a positive integer or an array of edges, got ${describeValue(n)}`);
    const [lo, hi] = opts.range !== undefined ? [lax.convertElementType(opts.range[0], x.dtype), lax.convertElementType(opts.range[1], x.dtype)] : [min(x), max(x)];
    // equal lo and hi widen to ±0.5 as numpy does
    const same = equal(lo, hi);
    const [l, h] = [where(same, subtract(lo, 0.5), lo), where(same, add(hi, 0.5), hi)];
    edges = add(l, multiply(subtract(h, l), linspace(0, 1, n + 1, { dtype: x.dtype })));
  } else {
    edges = lax.convertElementType(asArray(opts.bins, "histogram"), x.dtype);
    if (edges.ndim !== 1 || edges.shape[0]! < 2) throw new ShapeError(`histogram: bin edges must be a 1-D array of at least 2, got ${fmtShape(edges.shape)}`);
  }
  const nb = edges.shape[0]! - 1;
  const first = reshape(lax.slice(edges, [0], [1]), []);
  const last = reshape(lax.slice(edges, [nb], [nb + 1]), []);
  // bin i holds edges[i] ≤ x < edges[i+1]; the last edge belongs to the last bin
  const bin = subtract(searchsorted(edges, x, { side: "right" }), 1);
  const idx = where(equal(x, last), nb - 1, bin);
  const inside = logicalAnd(greaterEqual(x, first), lessEqual(x, last));
  // (weights keep their own dtype where it is the wider: float64 or complex weights sum as such)
  const w = opts.weights === undefined ? lax.convertElementType(inside, x.dtype) : where(inside, ravel(promoteDTypes("histogram", [x, opts.weights], "float")[1]!), 0);
  const counts = lax.scatterAdd(lax.broadcastInDim(lax.convertElementType(0, w.dtype), [nb], []), lax.convertElementType(where(inside, idx, -1), "int32"), w);
  if (opts.density !== true) return [opts.weights === undefined ? lax.convertElementType(counts, "int32") : counts, edges];
  return [divide(counts, multiply(sum(counts), diff(edges))), edges];
}

/**
 * interp(x, xp, fp, { left, right }): piecewise-linear interpolation of (xp, fp), xp increasing; outside, fp's ends (or left / right).
 *
 * @example
 * np.interp(array([0.5, 1.5]), array([0, 1, 2]), array([0, 10, 0])); // [5, 5]
 */
export function interp(x: Operand, xp: Operand, fp: Operand, opts: { readonly left?: number; readonly right?: number } = {}): NDArray {
  checkOptions(opts, "interp", { left: "number", right: "number" });
  let [xs, xps, fps] = [asArray(x, "interp"), asArray(xp, "interp"), asArray(fp, "interp")];
  // as JAX: complex x or xp values are refused; complex fp is interpolated part by part
  for (const [name, a] of [["x", xs], ["xp", xps]] as const) {
    if (isComplex(a.dtype)) throw new DTypeError(`interp: complex ${name} values are not supported, got ${a.aval.str()}`);
  }
  if (isComplex(fps.dtype)) {
    // (a real left / right value has a zero imaginary part)
    const imagOpts = { ...(opts.left === undefined ? {} : { left: 0 }), ...(opts.right === undefined ? {} : { right: 0 }) };
    return lax.complex(interp(xs, xps, lax.real(fps), opts), interp(xs, xps, lax.imag(fps), imagOpts));
  }
  // (as JAX: x and xp promoted together, fp on its own, the arithmetic in the wider of the two,
  // so a float64 x is never rounded to a float32 fp's precision before it is placed)
  [xs, xps, fps] = promoteDTypes("interp", [xs, xps, fps], "float") as [NDArray, NDArray, NDArray];
  if (xps.ndim !== 1 || fps.ndim !== 1 || xps.shape[0] !== fps.shape[0] || xps.shape[0]! < 1) {
    throw new ShapeError(`interp: xp and fp must be 1-D of the same non-zero length, got ${fmtShape(xps.shape)} and ${fmtShape(fps.shape)}`);
  }
  const n = xps.shape[0]!;
  if (n === 1) return add(multiply(xs, 0), reshape(fps, []));
  const i = lax.max(lax.min(searchsorted(xps, xs, { side: "right" }), n - 1), 1);
  const [x0, x1] = [take(xps, subtract(i, 1)), take(xps, i)];
  const [f0, f1] = [take(fps, subtract(i, 1)), take(fps, i)];
  const dx = subtract(x1, x0);
  const t = where(equal(dx, 0), 0, divide(subtract(xs, x0), where(equal(dx, 0), 1, dx)));
  const inner = add(f0, multiply(t, subtract(f1, f0)));
  const lo = reshape(lax.slice(xps, [0], [1]), []);
  const hi = reshape(lax.slice(xps, [n - 1], [n]), []);
  const left = opts.left ?? reshape(lax.slice(fps, [0], [1]), []);
  const right = opts.right ?? reshape(lax.slice(fps, [n - 1], [n]), []);
  return where(less(xs, lo), left, where(greater(xs, hi), right, inner));
}

/**
 * isin(element, testElements, { invert }): whether each element occurs in testElements.
 *
 * @example
 * np.isin(array([1, 2, 3]), array([2, 4])); // [false, true, false]
 */
export function isin(element: Operand, testElements: Operand, opts: { readonly invert?: boolean } = {}): NDArray {
  checkOptions(opts, "isin", { invert: "boolean" });
  const e = asArray(element, "isin");
  const t = ravel(asArray(testElements, "isin"));
  const found = any(equal(reshape(e, [...e.shape, 1]), reshape(t, [...e.shape.map(() => 1), t.size])), { axis: -1 });
  return opts.invert === true ? logicalNot(found) : found;
}

/**
 * trapezoid(y, { x, dx, axis }): the integral of y by the trapezoidal rule (samples at x, or dx apart).
 *
 * @example
 * np.trapezoid(array([1, 2, 3])); // 4
 */
export function trapezoid(y: Operand, opts: { readonly x?: Operand; readonly dx?: number; readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "trapezoid", { x: "any", dx: "number", axis: "integer" });
  const a = realFloatOf(y, "trapezoid");
  const axis = normalizeAxis(opts.axis ?? -1, a.ndim, "trapezoid");
  const n = a.shape[axis]!;
  if (n < 2) return sum(multiply(a, 0), { axis });
  const cut = (lo: number, hi: number) => lax.slice(a, a.shape.map((_, k) => (k === axis ? lo : 0)), a.shape.map((d, k) => (k === axis ? hi : d)));
  const mids = divide(add(cut(1, n), cut(0, n - 1)), 2);
  if (opts.x === undefined) return multiply(sum(mids, { axis }), opts.dx ?? 1);
  const xs = asArray(opts.x, "trapezoid");
  const widths = diff(xs.ndim === 1 ? reshape(xs, a.shape.map((d, k) => (k === axis ? d : 1))) : xs, 1, { axis: xs.ndim === 1 ? axis : axis });
  return sum(multiply(mids, widths), { axis });
}
