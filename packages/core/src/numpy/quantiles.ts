// numpy's order statistics: quantile, percentile, median and their NaN-ignoring forms. The
// slice is sorted along the axis and the q-th quantile read at position q·(n − 1) by
// numpy's methods (linear interpolation by default); q may be an array (its axes lead the
// result, as numpy's) and may be traced.
import { bufferOf, ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ArgumentError, DTypeError } from "../errors.js";
import { asArray } from "../creation.js";
import { isComplex, valuesOf } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { normalizeAxis } from "../shape.js";
import { add, ceil, divide, floor, greaterEqual, isnan, lessEqual, logicalAnd, logicalNot, multiply, subtract, where } from "./elementwise.js";
import { takeAlongAxis } from "./indexing.js";
import { any, sum } from "./reductions.js";
import { expandDims, moveaxis, ravel, reshape } from "./shape.js";
import { sort } from "./sorting.js";
import { promoteDTypes, realFloatOf } from "./promote.js";

export type QuantileMethod = "linear" | "lower" | "higher" | "nearest" | "midpoint";
export interface QuantileOptions {
  /** One axis, or undefined for the flattened array. */
  readonly axis?: number;
  readonly method?: QuantileMethod;
  readonly keepdims?: boolean;
}
const SPEC = { axis: "integer", method: ["linear", "lower", "higher", "nearest", "midpoint"], keepdims: "boolean" } as const;

function quantileOf(name: string, a: Operand, q: Operand, opts: QuantileOptions, ignoreNan: boolean): NDArray {
  const q0 = asArray(q, name);
  if (isComplex(q0.dtype)) throw new DTypeError(`${name}: q must be real, got ${q0.aval.str()}`);
  // a and q in one float dtype (JAX's promote_dtypes_inexact): a float64 q is not rounded to
  // a float32 a's precision, nor the other way round
  const [a1, qa] = promoteDTypes(name, [a, q0], "float") as [NDArray, NDArray];
  let x = realFloatOf(a1, name);
  const flat = opts.axis === undefined;
  const rank = x.ndim;
  if (flat) x = ravel(x);
  const axis = normalizeAxis(opts.axis ?? 0, x.ndim, name);
  // the reduced axis last; q's elements as new leading axes at the end
  const xs = sort(moveaxis(x, axis, -1));
  const n = xs.shape[xs.ndim - 1]!;
  // a q outside [0, 1] is an error when it is known now (numpy raises), and NaN when traced —
  // never a quantile clamped to the ends without a word
  if (qa instanceof ConcreteArray && valuesOf(bufferOf(qa), qa.dtype).some((v) => !(v >= 0 && v <= 1))) {
    throw new ArgumentError(`${name}: quantiles must be in [0, 1] (percentiles in [0, 100]), got ${valuesOf(bufferOf(qa), qa.dtype).join(", ")}`);
  }
  // per slice: how many values count (NaNs sort last)
  const valid = ignoreNan ? sum(lax.convertElementType(logicalNot(isnan(xs)), x.dtype), { axis: -1, keepdims: true }) : lax.convertElementType(n, x.dtype);
  // positions: slice dims + [q...] → broadcast q along new trailing axes
  const qFlat = reshape(qa, [qa.size]);
  const pos = multiply(reshape(qFlat, [...xs.shape.slice(0, -1).map(() => 1), qa.size]), subtract(valid, 1));
  const lo = floor(pos);
  const hi = ceil(pos);
  const at = (p: NDArray) => takeAlongAxis(xs, lax.convertElementType(lax.max(p, lax.convertElementType(0, p.dtype)), "int32"), -1, { mode: "clip" });
  const [vlo, vhi] = [at(lo), at(hi)];
  let out: NDArray;
  switch (opts.method ?? "linear") {
    case "lower":
      out = vlo;
      break;
    case "higher":
      out = vhi;
      break;
    case "nearest":
      // numpy rounds half to even
      out = at(lax.round(pos));
      break;
    case "midpoint":
      out = divide(add(vlo, vhi), 2);
      break;
    default:
      out = add(vlo, multiply(subtract(pos, lo), subtract(vhi, vlo)));
  }
  // a NaN in the slice makes every quantile NaN (not ignored), as does an all-NaN slice
  const bad = ignoreNan ? lax.eq(valid, lax.convertElementType(0, x.dtype)) : any(isnan(xs), { axis: -1, keepdims: true });
  out = where(bad, Number.NaN, out);
  const qOut = reshape(qFlat, [...xs.shape.slice(0, -1).map(() => 1), qa.size]);
  out = where(logicalNot(logicalAnd(greaterEqual(qOut, 0), lessEqual(qOut, 1))), Number.NaN, out);
  // [slice dims..., q] → [q dims..., slice dims...] (numpy puts q's axes first)
  out = moveaxis(out, -1, 0);
  out = reshape(out, [...qa.shape, ...out.shape.slice(1)]);
  if (opts.keepdims === true) {
    const at0 = qa.ndim;
    out = flat ? reshape(out, [...qa.shape, ...new Array<number>(rank).fill(1)]) : expandDims(out, at0 + axis);
  }
  return out;
}

/**
 * The `q`-th quantiles (q in [0, 1], a number or an array, whose shape leads the result's)
 * over `axis` (the flattened array when omitted); `method` interpolates between order
 * statistics: "linear" (default), "lower", "higher", "nearest", "midpoint". Float result.
 *
 * @example
 * np.quantile(array([1, 2, 3, 4]), 0.5); // 2.5
 * np.quantile(array([1, 2, 3, 4]), array([0, 1])); // [1, 4]
 * np.quantile(array([1, 2, 3, 4]), 0.5, { method: "lower" }); // 2
 */
export function quantile(a: Operand, q: Operand, opts: QuantileOptions = {}): NDArray {
  checkOptions(opts, "quantile", SPEC);
  return quantileOf("quantile", a, q, opts, false);
}
/**
 * `quantile` of the elements that are not NaN.
 *
 * @example
 * np.nanquantile(array([1, NaN, 3]), 0.5); // 2
 */
export function nanquantile(a: Operand, q: Operand, opts: QuantileOptions = {}): NDArray {
  checkOptions(opts, "nanquantile", SPEC);
  return quantileOf("nanquantile", a, q, opts, true);
}
/**
 * `quantile` with `q` in percent (0 to 100).
 *
 * @example
 * np.percentile(array([1, 2, 3, 4]), 25); // 1.75
 */
export function percentile(a: Operand, q: Operand, opts: QuantileOptions = {}): NDArray {
  checkOptions(opts, "percentile", SPEC);
  return quantileOf("percentile", a, divide(asArray(q, "percentile"), 100), opts, false);
}
/**
 * `percentile` of the elements that are not NaN.
 *
 * @example
 * np.nanpercentile(array([1, NaN, 3]), 50); // 2
 */
export function nanpercentile(a: Operand, q: Operand, opts: QuantileOptions = {}): NDArray {
  checkOptions(opts, "nanpercentile", SPEC);
  return quantileOf("nanpercentile", a, divide(asArray(q, "nanpercentile"), 100), opts, true);
}
/**
 * The median over `axis` (the flattened array when omitted): `quantile(a, 0.5)`.
 *
 * @example
 * np.median(array([3, 1, 2])); // 2
 * np.median(array([[1, 2], [3, 5]]), { axis: 1 }); // [1.5, 4]
 */
export function median(a: Operand, opts: Omit<QuantileOptions, "method"> = {}): NDArray {
  checkOptions(opts, "median", { axis: "integer", keepdims: "boolean" });
  return quantileOf("median", a, 0.5, opts, false);
}
/**
 * The median of the elements that are not NaN.
 *
 * @example
 * np.nanmedian(array([1, NaN, 3, 4])); // 3
 */
export function nanmedian(a: Operand, opts: Omit<QuantileOptions, "method"> = {}): NDArray {
  checkOptions(opts, "nanmedian", { axis: "integer", keepdims: "boolean" });
  return quantileOf("nanmedian", a, 0.5, opts, true);
}
