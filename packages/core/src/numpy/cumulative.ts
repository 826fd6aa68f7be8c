// numpy's cumulative products and extrema (cumsum is its own primitive), as associative
// scans: exact selections and products, differentiable, batchable and jittable.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkDType, type DType } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { normalizeAxis } from "../shape.js";
import { isnan, maximum, minimum, where } from "./elementwise.js";
import { cumsum } from "./reductions.js";

type CumOptions = { readonly axis?: number; readonly dtype?: DType };

function cumulative(where: string, x: Operand, opts: CumOptions | undefined, op: (a: NDArray, b: NDArray) => NDArray, dtypeOk: boolean): NDArray {
  checkOptions(opts, where, { axis: "integer", dtype: "dtype" });
  let a = asArray(x, where);
  if (opts?.dtype !== undefined) a = lax.convertElementType(a, checkDType(opts.dtype, where));
  else if (dtypeOk && a.dtype === "bool") a = lax.convertElementType(a, "int32");
  // as cumsum: without an axis (or for a scalar) the array is flattened first
  if (opts?.axis === undefined || a.ndim === 0) a = lax.reshape(a, [a.size]);
  if (a.size === 0) return a;
  return lax.associativeScan(op, a, { axis: normalizeAxis(opts?.axis ?? 0, a.ndim, where) });
}

/**
 * cumprod(x, { axis, dtype }): running products (bool counts as int32).
 *
 * @example
 * np.cumprod(array([1, 2, 3, 4])); // [1, 2, 6, 24]
 */
export const cumprod = (x: Operand, opts?: CumOptions): NDArray => cumulative("cumprod", x, opts, (a, b) => lax.mul(a, b), true);
/**
 * cummax(x, { axis }): running maxima (a NaN propagates, as numpy's maximum.accumulate).
 *
 * @example
 * np.cummax(array([1, 3, 2, 5])); // [1, 3, 3, 5]
 */
export const cummax = (x: Operand, opts?: CumOptions): NDArray => cumulative("cummax", x, opts, maximum, false);
/**
 * cummin(x, { axis }): running minima (a NaN propagates).
 *
 * @example
 * np.cummin(array([4, 2, 3, 1])); // [4, 2, 2, 1]
 */
export const cummin = (x: Operand, opts?: CumOptions): NDArray => cumulative("cummin", x, opts, minimum, false);

/**
 * nancumsum / nancumprod: as cumsum / cumprod with NaNs counted as 0 / 1.
 *
 * @example
 * np.nancumsum(array([1, NaN, 2])); // [1, 1, 3]
 */
export const nancumsum = (x: Operand, opts?: { readonly axis?: number }): NDArray => {
  const a = asArray(x, "nancumsum");
  return cumsum(where(isnan(a), 0, a), opts);
};
/**
 * The running product along `axis` with NaN counted as 1.
 *
 * @example
 * np.nancumprod(array([2, NaN, 3])); // [2, 2, 6]
 */
export const nancumprod = (x: Operand, opts?: CumOptions): NDArray => {
  const a = asArray(x, "nancumprod");
  return cumprod(where(isnan(a), 1, a), opts);
};
