// Turning JS values into arrays: scalars (weakly typed numbers), nested lists, typed
// arrays. Creation functions that fill shapes are in numpy/creation.ts, built on primitives.
import { bufferOf, ConcreteArray, NDArray, type NestedArray } from "./array.js";
import { ShapedArray } from "./aval.js";
import { defaultFloat } from "./config.js";
import { type Complex, isComplexValue } from "./complex-value.js";
import {
  allocate, castFrom, castLiteral, checkDType, checkElementCount, complexElementOf, complexOf, type DType, dtypeOfTypedArray, elementOf, isComplex, jsNumberDType,
  realPartOf, toStorage, type TypedArray,
} from "./dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "./errors.js";
import { checkOptions } from "./options.js";
import { describeValue } from "./shape.js";

/** A rank-0 array from a JS literal; a number that does not fit an integer dtype is an
 * OverflowError (as JAX's for a Python int), a fraction truncates. `{ re, im }` makes a complex
 * scalar.
 *
 * @example
 * scalar(3).dtype; // "float32"
 * scalar(3, "int32").item(); // 3
 */
export function scalar(v: number | boolean | Complex, dtype?: DType, weakType = false, where = "scalar"): ConcreteArray {
  if (typeof where !== "string") throw new ArgumentError(`scalar: where (the name errors give) must be a string, got ${describe(where)}`);
  if (typeof v !== "number" && typeof v !== "boolean" && !isComplexValue(v)) throw new ArgumentError(`${where}: expected a number, a boolean or { re, im }, got ${describe(v)}`);
  if (typeof weakType !== "boolean") throw new ArgumentError(`${where}: weakType must be a boolean, got ${describe(weakType)}`);
  const d = dtype === undefined ? (typeof v === "boolean" ? "bool" : isComplexValue(v) ? complexOf(defaultFloat()) : defaultFloat()) : checkDType(dtype, where);
  const data = allocate(d, 1);
  storeLiteral(data, 0, v, d, where);
  return new ConcreteArray(new ShapedArray([], d, weakType), data);
}

/** Stores the JS literal `v` as element `i` of a buffer of dtype `d`. A `{ re, im }` into a
 * real dtype is a DTypeError: JAX's cast of a Python complex to a real dtype raises. */
function storeLiteral(data: TypedArray, i: number, v: number | boolean | Complex, d: DType, where: string): void {
  if (isComplex(d)) {
    const z = isComplexValue(v) ? v : { re: typeof v === "boolean" ? Number(v) : v, im: 0 };
    data[2 * i] = castLiteral(z.re, d, where);
    data[2 * i + 1] = castLiteral(z.im, d, where);
    return;
  }
  if (isComplexValue(v)) throw new DTypeError(`${where}: the complex value {re: ${v.re}, im: ${v.im}} does not fit dtype ${d}; use a complex dtype (complex64, complex128)`);
  data[i] = toStorage(castLiteral(v, d, where), d);
}

function describe(x: unknown): string {
  if (Array.isArray(x)) return "a JS array";
  return describeValue(x);
}

/** An NDArray for an operand position: arrays pass through, JS numbers become weakly
 * typed scalars (int32 for int32-sized integers, else the default float: jsNumberDType, the
 * rule numpy's promotion and jit use too, so `f(5)` and `jit(f)(5)` agree), booleans bool scalars.
 * `where` names the calling function in errors.
 *
 * @example
 * asArray(2, "example").dtype; // "int32"
 * asArray(2.5, "example").weakType; // true
 */
export function asArray(x: unknown, where: string): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") return scalar(x, jsNumberDType(x, defaultFloat()), true);
  if (typeof x === "boolean") return scalar(x, "bool");
  // `where` is the caller's name; a helper exported as-is (lax.binaryOperands) may get anything.
  const name = typeof where === "string" ? where : "asArray";
  throw new ArgumentError(`${name}: expected an NDArray or a number, got ${describe(x)}`);
}

export type ArrayData = NestedArray | TypedArray | NDArray;

function isTypedArray(x: unknown): x is TypedArray {
  return (
    x instanceof Float32Array || x instanceof Float64Array || x instanceof Int32Array || x instanceof Uint8Array ||
    x instanceof Int8Array || x instanceof Int16Array || x instanceof Uint16Array || x instanceof Uint32Array
  );
}

/** Deeper nested lists than this are an error rather than a stack overflow (no real array has this rank). */
const MAX_NESTING = 1000;

/** The shape of a nested list, or a ShapeError naming the ragged position; a cyclic or
 * absurdly deep list is an ArgumentError. */
function nestedShape(data: NestedArray, path: string, onPath = new Set<unknown>()): number[] {
  if (!Array.isArray(data)) {
    if (typeof data !== "number" && typeof data !== "boolean" && !isComplexValue(data)) {
      throw new ArgumentError(`array: elements must be numbers, booleans or { re, im } objects, got ${describe(data)} at ${path || "the top"}`);
    }
    return [];
  }
  if (onPath.has(data)) throw new ArgumentError(`array: the nested list is cyclic: ${path || "the top"} contains itself`);
  if (onPath.size >= MAX_NESTING) throw new ArgumentError(`array: the nested list is nested deeper than ${MAX_NESTING} levels`);
  if (data.length === 0) return [0];
  onPath.add(data);
  const first = nestedShape(data[0]!, `${path}[0]`, onPath);
  for (let i = 1; i < data.length; i++) {
    const s = nestedShape(data[i]!, `${path}[${i}]`, onPath);
    if (s.length !== first.length || s.some((d, k) => d !== first[k])) {
      throw new ShapeError(
        `array: ragged nested list: element ${path}[${i}] has shape [${s.join(", ")}] but ${path}[0] has shape [${first.join(", ")}]`,
      );
    }
  }
  onPath.delete(data);
  return [data.length, ...first];
}

function allBoolean(data: NestedArray): boolean {
  return Array.isArray(data) ? data.every(allBoolean) : typeof data === "boolean";
}

function anyComplex(data: NestedArray): boolean {
  return Array.isArray(data) ? data.some(anyComplex) : isComplexValue(data);
}

/**
 * `array(data, { dtype })`: from a number, boolean, nested JS array, typed array or NDArray.
 * Numbers become the default float (float32) unless `dtype` says otherwise; booleans become
 * bool; `{ re, im }` elements make a complex64 array (complex128 under a float64 default); a
 * typed array keeps its dtype (Int32Array → int32, ...); an NDArray passes through
 * (converted if `dtype` differs). Nested lists must be rectangular (else a ShapeError).
 *
 * @example
 * array([[1, 2], [3, 4]]).shape; // [2, 2]
 * array([1, 2]).dtype; // "float32"
 * array([1, 2], { dtype: "int32" }).dtype; // "int32"
 * array(new Int32Array([1, 2])).dtype; // "int32"
 * array([{ re: 1, im: 2 }]).dtype; // "complex64"
 */
export function array(data: ArrayData, opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "array", { dtype: "dtype" });
  const dtype = opts.dtype === undefined ? undefined : checkDType(opts.dtype, "array");
  if (data instanceof NDArray) {
    if (dtype === undefined || dtype === data.dtype) return data;
    const c = data.concrete("array(x, { dtype })");
    const out = allocate(dtype, c.size);
    const src = bufferOf(c);
    if (isComplex(c.dtype) && !isComplex(dtype)) {
      throw new DTypeError(`array: a ${c.dtype} array does not convert to ${dtype} here; take np.real(x) (or x.astype("${dtype}"), which warns as JAX does)`);
    }
    if (isComplex(dtype)) {
      for (let i = 0; i < c.size; i++) {
        const z = complexElementOf(src, c.dtype, i);
        out[2 * i] = castFrom(z.re, realPartOf(c.dtype), realPartOf(dtype));
        out[2 * i + 1] = castFrom(z.im, realPartOf(c.dtype), realPartOf(dtype));
      }
    } else for (let i = 0; i < c.size; i++) out[i] = toStorage(castFrom(elementOf(src, c.dtype, i), c.dtype, dtype), dtype);
    return new ConcreteArray(new ShapedArray(c.shape, dtype), out);
  }
  if (isTypedArray(data)) {
    // A typed array holds values (a Uint16Array too: not half bit patterns).
    const from = dtypeOfTypedArray(data);
    const d = dtype ?? from;
    const out = allocate(d, data.length);
    if (isComplex(d)) for (let i = 0; i < data.length; i++) out[2 * i] = castFrom(data[i]!, from, d);
    else for (let i = 0; i < data.length; i++) out[i] = toStorage(castFrom(data[i]!, from, d), d);
    return new ConcreteArray(new ShapedArray([data.length], d), out);
  }
  if (data === null || data === undefined || (typeof data !== "object" && typeof data !== "number" && typeof data !== "boolean")) {
    throw new ArgumentError(`array: expected a number, boolean, nested array or typed array, got ${describe(data)}`);
  }
  const shape = nestedShape(data, "");
  const d = dtype ?? (allBoolean(data) && !shape.includes(0) ? "bool" : anyComplex(data) ? complexOf(defaultFloat()) : defaultFloat());
  const flat: (number | boolean | Complex)[] = [];
  const collect = (x: NestedArray): void => {
    if (Array.isArray(x)) for (const c of x) collect(c);
    else flat.push(x);
  };
  collect(data);
  const out = allocate(d, flat.length);
  // JS numbers are literals: one that does not fit int32 is an OverflowError, not wrapped.
  for (let i = 0; i < flat.length; i++) storeLiteral(out, i, flat[i]!, d, "array");
  return new ConcreteArray(new ShapedArray(shape, d), out);
}

/** A rank-1 array of `n` values f(0..n-1), each cast to `dtype` as a literal is (an integer
 * that does not fit is an OverflowError, a half is stored as its bits, a complex element gets
 * a zero imaginary part): the size is checked before anything is built, and no JS list of n
 * numbers is ever made. Every generated sequence (arange, linspace, geomspace, the FFT
 * frequencies) is written through here. */
export function fromValues(n: number, f: (i: number) => number, dtype: DType, where: string): NDArray {
  checkElementCount(n, dtype, where, `[${n}]`);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) storeLiteral(data, i, f(i), dtype, where);
  return new ConcreteArray(new ShapedArray([n], dtype), data);
}
