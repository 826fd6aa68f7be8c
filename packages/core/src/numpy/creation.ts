// Creation functions. Fills are broadcast_in_dim of a scalar (as jax.lax.full), so they
// stage cheaply under jit; arange/linspace/eye are static and built directly.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { defaultFloat } from "../config.js";
import { asArray, scalar } from "../creation.js";
import { allocate, castScalar, checkDType, type DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import { checkOptions } from "../options.js";
import * as lax from "../lax/index.js";
import { checkShape, describeValue } from "../shape.js";

export function full(shape: readonly number[] | number, value: number | boolean, dtype?: DType): NDArray {
  const s = checkShape(shape, "full");
  const d = dtype === undefined ? (typeof value === "boolean" ? "bool" : defaultFloat()) : checkDType(dtype, "full");
  return lax.broadcastInDim(scalar(value, d), s, []);
}
export const zeros = (shape: readonly number[] | number, dtype?: DType): NDArray => full(shape, 0, dtype);
export const ones = (shape: readonly number[] | number, dtype?: DType): NDArray => full(shape, 1, dtype);
export const zerosLike = (x: Operand, dtype?: DType): NDArray => {
  const a = asArray(x, "zerosLike");
  return full(a.shape, 0, dtype ?? a.dtype);
};
export const onesLike = (x: Operand, dtype?: DType): NDArray => {
  const a = asArray(x, "onesLike");
  return full(a.shape, 1, dtype ?? a.dtype);
};
export const fullLike = (x: Operand, value: number | boolean, dtype?: DType): NDArray => {
  const a = asArray(x, "fullLike");
  return full(a.shape, value, dtype ?? a.dtype);
};

function fromValues(values: readonly number[], dtype: DType): NDArray {
  const data = allocate(dtype, values.length);
  values.forEach((v, i) => {
    data[i] = castScalar(v, dtype);
  });
  return new ConcreteArray(new ShapedArray([values.length], dtype), data);
}

/** arange(stop) | arange(start, stop, step?, dtype?): int32 when every argument is an integer. */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): NDArray {
  const [lo, hi] = stop === undefined ? [0, start] : [start, stop];
  for (const v of [lo, hi, step]) if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`arange: arguments must be finite numbers, got ${describeValue(v)}`);
  if (step === 0) throw new ArgumentError("arange: step must not be zero");
  const d = dtype !== undefined ? checkDType(dtype, "arange") : [lo, hi, step].every(Number.isInteger) ? "int32" : defaultFloat();
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  return fromValues(Array.from({ length: n }, (_, i) => lo + i * step), d);
}

export function linspace(start: number, stop: number, num = 50, opts: { readonly endpoint?: boolean; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "linspace", { endpoint: "boolean", dtype: "dtype" });
  if (!Number.isInteger(num) || num < 0) throw new ArgumentError(`linspace: num must be a non-negative integer, got ${describeValue(num)}`);
  if (typeof start !== "number" || typeof stop !== "number") throw new ArgumentError(`linspace: start and stop must be numbers, got ${typeof start} and ${typeof stop}`);
  const endpoint = opts.endpoint ?? true;
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const values = Array.from({ length: num }, (_, i) => (endpoint && i === num - 1 && num > 1 ? stop : start + i * step));
  return fromValues(values, opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "linspace"));
}

export function eye(n: number, m?: number, opts: { readonly k?: number; readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "eye", { k: "integer", dtype: "dtype" });
  const cols = m ?? n;
  checkShape([n, cols], "eye");
  const k = opts.k ?? 0;
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "eye");
  const data = allocate(d, n * cols);
  // Only the rows that meet the diagonal: eye(2 ** 33, 0) is empty and must not loop 2 ** 33 times.
  for (let i = Math.max(0, -k); i < Math.min(n, cols - k); i++) data[i * cols + i + k] = 1;
  return new ConcreteArray(new ShapedArray([n, cols], d), data);
}
export const identity = (n: number, dtype?: DType): NDArray => eye(n, n, dtype === undefined ? {} : { dtype });
