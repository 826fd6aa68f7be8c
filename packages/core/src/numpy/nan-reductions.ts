// numpy's NaN-ignoring reductions: each replaces the NaNs by the reduction's identity (or
// masks them out of the count) and reduces as usual. A slice that is all NaN gives NaN for
// max, min, mean, var and std (numpy warns and returns NaN; so does JAX).
import type { NDArray, Operand, ReduceOptions } from "../array.js";
import { asArray } from "../creation.js";
import { isFloat } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { divide, isnan, logicalNot, multiply, sqrt, subtract, where } from "./elementwise.js";
import { all, argmax, argmin, max, min, prod, sum, type SumOptions, type VarOptions } from "./reductions.js";
import { realFloatOf } from "./promote.js";

const REDUCE = { axis: "axes", keepdims: "boolean" } as const;
const floatIn = realFloatOf;
/** x with NaNs replaced by `fill` (integers and bools have none). */
const filled = (a: NDArray, fill: number): NDArray => (isFloat(a.dtype) ? where(isnan(a), fill, a) : a);
/** NaN where every element of the slice was NaN. */
const nanIfAllNan = (a: NDArray, out: NDArray, opts: ReduceOptions | undefined): NDArray =>
  isFloat(a.dtype) ? where(all(isnan(a), opts), Number.NaN, out) : out;

/**
 * The sum over `axis` (all when omitted) with NaN counted as 0.
 *
 * @example
 * np.nansum(array([1, NaN, 2])); // 3
 */
export function nansum(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "nansum", { ...REDUCE, dtype: "dtype" });
  return sum(filled(asArray(x, "nansum"), 0), opts);
}
/**
 * The product over `axis` (all when omitted) with NaN counted as 1.
 *
 * @example
 * np.nanprod(array([2, NaN, 3])); // 6
 */
export function nanprod(x: Operand, opts?: SumOptions): NDArray {
  checkOptions(opts, "nanprod", { ...REDUCE, dtype: "dtype" });
  return prod(filled(asArray(x, "nanprod"), 1), opts);
}
/**
 * The maximum over `axis` ignoring NaN (NaN only where every element is NaN).
 *
 * @example
 * np.nanmax(array([1, NaN, 3])); // 3
 */
export function nanmax(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "nanmax", REDUCE);
  const a = asArray(x, "nanmax");
  return nanIfAllNan(a, max(filled(a, Number.NEGATIVE_INFINITY), opts), opts);
}
/**
 * The minimum over `axis` ignoring NaN (NaN only where every element is NaN).
 *
 * @example
 * np.nanmin(array([1, NaN, 3])); // 1
 */
export function nanmin(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "nanmin", REDUCE);
  const a = asArray(x, "nanmin");
  return nanIfAllNan(a, min(filled(a, Number.POSITIVE_INFINITY), opts), opts);
}
/** The number of non-NaN elements reduced, in a's float dtype. */
const countIn = (a: NDArray, opts: ReduceOptions | undefined): NDArray => sum(lax.convertElementType(logicalNot(isnan(a)), a.dtype), opts);

/**
 * The mean over `axis` of the elements that are not NaN.
 *
 * @example
 * np.nanmean(array([1, NaN, 3])); // 2
 */
export function nanmean(x: Operand, opts?: ReduceOptions): NDArray {
  checkOptions(opts, "nanmean", REDUCE);
  const a = floatIn(x, "nanmean");
  return divide(sum(filled(a, 0), opts), countIn(a, opts));
}
/**
 * The variance over `axis` of the elements that are not NaN (`ddof` as in `variance`).
 *
 * @example
 * np.nanvar(array([1, NaN, 3])); // 1
 */
export function nanvar(x: Operand, opts?: VarOptions): NDArray {
  checkOptions(opts, "nanvar", { ...REDUCE, ddof: "integer" });
  const a = floatIn(x, "nanvar");
  const centred = subtract(a, nanmean(a, { ...(opts?.axis === undefined ? {} : { axis: opts.axis }), keepdims: true }));
  const sq = filled(multiply(centred, centred), 0);
  const red: ReduceOptions = { ...(opts?.axis === undefined ? {} : { axis: opts.axis }), ...(opts?.keepdims === undefined ? {} : { keepdims: opts.keepdims }) };
  return divide(sum(sq, red), subtract(countIn(a, red), opts?.ddof ?? 0));
}
/**
 * The standard deviation over `axis` of the elements that are not NaN.
 *
 * @example
 * np.nanstd(array([1, NaN, 3])); // 1
 */
export function nanstd(x: Operand, opts?: VarOptions): NDArray {
  checkOptions(opts, "nanstd", { ...REDUCE, ddof: "integer" });
  return sqrt(nanvar(x, opts));
}
/**
 * The index of the largest element that is not NaN (of the flattened array, or along `axis`), int32.
 *
 * @example
 * np.nanargmax(array([1, NaN, 3])); // 2
 */
export function nanargmax(x: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray {
  checkOptions(opts, "nanargmax", { axis: "integer", keepdims: "boolean" });
  return argmax(filled(asArray(x, "nanargmax"), Number.NEGATIVE_INFINITY), opts);
}
/**
 * The index of the smallest element that is not NaN (of the flattened array, or along `axis`), int32.
 *
 * @example
 * np.nanargmin(array([4, NaN, 3])); // 2
 */
export function nanargmin(x: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray {
  checkOptions(opts, "nanargmin", { axis: "integer", keepdims: "boolean" });
  return argmin(filled(asArray(x, "nanargmin"), Number.POSITIVE_INFINITY), opts);
}
