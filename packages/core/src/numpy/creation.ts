// Creation functions. Fills are broadcast_in_dim of a scalar (as jax.lax.full), so they
// stage cheaply under jit; arange/linspace/eye are static and built directly.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { defaultFloat } from "../config.js";
import { asArray, fromValues, scalar } from "../creation.js";
import { allocate, checkArrayShape, checkDType, type DType, lanesOf } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue } from "../shape.js";

/** `shape` filled with `value`; `where` names the public function in errors. */
function filled(shape: readonly number[] | number, value: number | boolean, dtype: DType | undefined, where: string): NDArray {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ArgumentError(`${where}: the fill value must be a number or a boolean, got ${describeValue(value)}`);
  }
  const d = dtype === undefined ? (typeof value === "boolean" ? "bool" : defaultFloat()) : checkDType(dtype, where);
  const s = checkArrayShape(shape, d, where);
  return lax.broadcastInDim(scalar(value, d, false, where), s, []);
}

/**
 * An array of `shape` filled with `value`, in `dtype` (default: float32 for a number, bool for
 * a boolean).
 *
 * @example
 * full([2, 2], 7); // [[7, 7], [7, 7]]
 * full(3, true).dtype; // "bool"
 */
export const full = (shape: readonly number[] | number, value: number | boolean, dtype?: DType): NDArray => filled(shape, value, dtype, "full");
/**
 * An array of `shape` filled with 0, in `dtype` (default float32).
 *
 * @example
 * zeros([2, 3]).shape; // [2, 3]
 * zeros(2, "int32"); // [0, 0]
 */
export const zeros = (shape: readonly number[] | number, dtype?: DType): NDArray => filled(shape, 0, dtype, "zeros");
/**
 * An array of `shape` filled with 1, in `dtype` (default float32).
 *
 * @example
 * ones([2]); // [1, 1]
 */
export const ones = (shape: readonly number[] | number, dtype?: DType): NDArray => filled(shape, 1, dtype, "ones");
/**
 * Zeros of `x`'s shape and dtype (or `dtype`).
 *
 * @example
 * zerosLike(array([[1, 2]], { dtype: "int32" })).dtype; // "int32"
 */
export const zerosLike = (x: Operand, dtype?: DType): NDArray => {
  const a = asArray(x, "zerosLike");
  return filled(a.shape, 0, dtype ?? a.dtype, "zerosLike");
};
/**
 * Ones of `x`'s shape and dtype (or `dtype`).
 *
 * @example
 * onesLike(array([5, 6])); // [1, 1]
 */
export const onesLike = (x: Operand, dtype?: DType): NDArray => {
  const a = asArray(x, "onesLike");
  return filled(a.shape, 1, dtype ?? a.dtype, "onesLike");
};
/**
 * `value` in `x`'s shape and dtype (or `dtype`).
 *
 * @example
 * np.fullLike(array([1, 2, 3]), 9); // [9, 9, 9]
 */
export const fullLike = (x: Operand, value: number | boolean, dtype?: DType): NDArray => {
  const a = asArray(x, "fullLike");
  return filled(a.shape, value, dtype ?? a.dtype, "fullLike");
};

/**
 * arange(stop) | arange(start, stop, step?, dtype?): int32 when every argument is an integer.
 * Values from `start` (0 when only `stop` is given) up to but excluding `stop`, by `step`.
 *
 * @example
 * arange(4); // [0, 1, 2, 3]
 * arange(1, 2, 0.25); // [1, 1.25, 1.5, 1.75]
 * arange(4).dtype; // "int32"
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): NDArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  for (const v of [lo, hi, step]) if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`arange: arguments must be finite numbers, got ${describeValue(v)}`);
  if (step === 0) throw new ArgumentError("arange: step must not be zero");
  const d = dtype !== undefined ? checkDType(dtype, "arange") : [lo, hi, step].every(Number.isInteger) ? "int32" : defaultFloat();
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  return fromValues(n, (i) => lo + i * step, d, "arange");
}

/**
 * `num` (default 50) evenly spaced values from `start` to `stop`, including `stop` unless
 * `endpoint: false`; default dtype float32.
 *
 * @example
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 * linspace(0, 1, 4, { endpoint: false }); // [0, 0.25, 0.5, 0.75]
 */
export function linspace(start: number, stop: number, num = 50, opts: { readonly endpoint?: boolean; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "linspace", { endpoint: "boolean", dtype: "dtype" });
  if (!Number.isInteger(num)) throw new ArgumentError(`linspace: num must be a non-negative integer, got ${describeValue(num)}`);
  if (num < 0) throw new ShapeError(`linspace: num must be non-negative (it is the output's length), got ${num}`);
  if (typeof start !== "number" || typeof stop !== "number") throw new ArgumentError(`linspace: start and stop must be numbers, got ${typeof start} and ${typeof stop}`);
  const endpoint = opts.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const value = (i: number) => (endpoint && i === num - 1 && num > 1 ? stop : start + i * step);
  return fromValues(num, value, opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "linspace"), "linspace");
}

/**
 * An `n × m` matrix (m defaults to n) with ones on diagonal `k` (0: main, > 0: above) and zeros
 * elsewhere; default dtype float32.
 *
 * @example
 * eye(2); // [[1, 0], [0, 1]]
 * eye(2, 3, { k: 1 }); // [[0, 1, 0], [0, 0, 1]]
 */
export function eye(n: number, m?: number, opts: { readonly k?: number; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "eye", { k: "integer", dtype: "dtype" });
  const cols = m ?? n;
  const k = opts.k ?? 0;
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "eye");
  checkArrayShape([n, cols], d, "eye");
  const data = allocate(d, n * cols);
  // Only the rows that meet the diagonal: eye(2 ** 33, 0) is empty and must not loop 2 ** 33 times.
  const lanes = lanesOf(d);
  for (let i = Math.max(0, -k); i < Math.min(n, cols - k); i++) data[lanes * (i * cols + i + k)] = 1;
  return new ConcreteArray(new ShapedArray([n, cols], d), data);
}
/**
 * The `n × n` identity matrix (`eye(n)`), in `dtype` (default float32).
 *
 * @example
 * np.identity(2, "int32"); // [[1, 0], [0, 1]]
 */
export const identity = (n: number, dtype?: DType): NDArray => eye(n, n, dtype === undefined ? {} : { dtype });
