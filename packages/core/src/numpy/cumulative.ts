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

/** cumprod(x, { axis, dtype }): running products (bool counts as int32). */
export const cumprod = (x: Operand, opts?: CumOptions): NDArray => cumulative("cumprod", x, opts, (a, b) => lax.mul(a, b), true);
/** cummax(x, { axis }): running maxima (a NaN propagates, as numpy's maximum.accumulate). */
export const cummax = (x: Operand, opts?: CumOptions): NDArray => cumulative("cummax", x, opts, maximum, false);
/** cummin(x, { axis }): running minima (a NaN propagates). */
export const cummin = (x: Operand, opts?: CumOptions): NDArray => cumulative("cummin", x, opts, minimum, false);

/** nancumsum / nancumprod: as cumsum / cumprod with NaNs counted as 0 / 1. */
export const nancumsum = (x: Operand, opts?: { readonly axis?: number }): NDArray => {
  const a = asArray(x, "nancumsum");
  return cumsum(where(isnan(a), 0, a), opts);
};
export const nancumprod = (x: Operand, opts?: CumOptions): NDArray => {
  const a = asArray(x, "nancumprod");
  return cumprod(where(isnan(a), 1, a), opts);
};
