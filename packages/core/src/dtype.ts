// DTypes, their typed-array storage, and JAX's type promotion with weak types.
import { ArgumentError, DTypeError, OverflowError, ShapeError } from "./errors.js";
import { describeValue } from "./shape.js";

export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function checkDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    const given = typeof x === "string" ? JSON.stringify(x) : describeValue(x);
    throw new DTypeError(`${where}: unknown dtype ${given}; expected one of ${DTYPES.join(", ")}`);
  }
  return x;
}

export const isFloat = (d: DType): boolean => d === "float32" || d === "float64";
export const isInteger = (d: DType): boolean => d === "int32";

/** The short names of JAX's printed avals: f32, f64, i32, bool. */
export function shortName(d: DType): string {
  switch (d) {
    case "float32":
      return "f32";
    case "float64":
      return "f64";
    case "int32":
      return "i32";
    case "bool":
      return "bool";
  }
}

/** Bytes per element of each dtype's storage. */
export const itemSize = (d: DType): number => (d === "float64" ? 8 : d === "bool" ? 1 : 4);

/** The most elements one array may hold: int32 indices must reach every element, and
 * typed arrays beyond this are refused or fail to allocate on common engines. */
export const MAX_ARRAY_ELEMENTS = 2 ** 31 - 1;

function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`;
}

/** A ShapeError unless `count` elements of `d` fit in one array; says what they would need. */
export function checkElementCount(count: number, d: DType, where: string, shapeText?: string): void {
  if (Number.isInteger(count) && count >= 0 && count <= MAX_ARRAY_ELEMENTS) return;
  const what = shapeText === undefined ? "an array" : `shape ${shapeText}`;
  if (!(count >= 0)) throw new ShapeError(`${where}: ${what} has a negative size (${count} elements of ${d})`);
  throw new ShapeError(
    `${where}: ${what} would need ${formatBytes(count * itemSize(d))} (${count} elements of ${d}); ` +
      `one array holds at most ${MAX_ARRAY_ELEMENTS} elements`,
  );
}

/**
 * The one check of a requested array shape (creation functions, iota, random): a list of
 * integers (a single number is a rank-1 shape), none negative, whose product fits one array.
 * Non-integers are ArgumentErrors; negative or oversized shapes ShapeErrors that say how
 * much memory they would need.
 */
export function checkArrayShape(shape: unknown, d: DType, where: string): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((v) => typeof v === "number" && Number.isInteger(v))) {
    throw new ArgumentError(`${where}: a shape must be a list of integers, got ${describeValue(shape)}`);
  }
  const dims = s as number[];
  const text = `[${dims.join(", ")}]`;
  const neg = dims.findIndex((v) => v < 0);
  if (neg >= 0) throw new ShapeError(`${where}: shape ${text} has a negative dimension (${dims[neg]} at axis ${neg})`);
  checkElementCount(
    dims.reduce((a, b) => a * b, 1),
    d,
    where,
    text,
  );
  return [...dims];
}

/** A zeroed buffer. Every buffer is allocated here, so the size check above is the only
 * one needed, and an engine's RangeError (allocation failure) becomes a ShapeError. */
export function allocate(d: DType, size: number): TypedArray {
  checkElementCount(size, d, "allocate");
  const bytes = size * itemSize(d);
  if (bytes > ON_HEAP_BYTES && bytes <= POOLED_BYTES) return pooled(d, size, bytes);
  try {
    switch (d) {
      case "float32":
        return new Float32Array(size);
      case "float64":
        return new Float64Array(size);
      case "int32":
        return new Int32Array(size);
      case "bool":
        return new Uint8Array(size);
    }
  } catch (e) {
    if (e instanceof RangeError) throw new ShapeError(`allocate: could not allocate ${formatBytes(size * itemSize(d))} (${size} elements of ${d}): ${e.message}`);
    throw e;
  }
}

// Small buffers are carved out of shared slabs. A typed array over 64 bytes gets its own
// ArrayBuffer, and creating one costs about 1 µs here (backing store, external-memory
// bookkeeping) against 50 ns for a view into an existing slab: at the sizes of eager
// scalar and small-vector code that was the largest single cost of a primitive. Slab
// space is never handed out twice, so every buffer starts zeroed and no two arrays share
// bytes; a slab is freed by the garbage collector once no view into it is alive. The cost
// is that one long-lived small array keeps its 16 KiB slab alive (Node's Buffer pool makes
// the same trade with 8 KiB). Buffers are internal: users only ever see copies.
/** V8 keeps typed arrays up to this size on its own heap, already cheap. */
const ON_HEAP_BYTES = 64;
const POOLED_BYTES = 1024;
const SLAB_BYTES = 16384;
let slab = new ArrayBuffer(0);
let slabTop = 0;

function pooled(d: DType, size: number, bytes: number): TypedArray {
  if (slabTop + bytes > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabTop = 0;
  }
  const at = slabTop;
  slabTop = (at + bytes + 7) & ~7; // 8-byte alignment for the next Float64Array
  return typedView(d, slab, at, size);
}

/** A typed array of dtype `d` over `length` elements of `buffer` from byte `at`. */
export function typedView(d: DType, buffer: ArrayBufferLike, at: number, length: number): TypedArray {
  switch (d) {
    case "float32":
      return new Float32Array(buffer, at, length);
    case "float64":
      return new Float64Array(buffer, at, length);
    case "int32":
      return new Int32Array(buffer, at, length);
    case "bool":
      return new Uint8Array(buffer, at, length);
  }
}

export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Float -> int32 as XLA's convert_element_type: truncate toward zero, saturate at the
 * int32 range (±Infinity included), NaN -> 0. Never wraps modulo 2^32. */
export function floatToInt32(n: number): number {
  if (Number.isNaN(n)) return 0;
  if (n >= INT32_MAX) return INT32_MAX;
  if (n <= INT32_MIN) return INT32_MIN;
  return Math.trunc(n);
}

/** Store a JS number the way the dtype would (astype semantics): rounding, saturating
 * float -> int casts (see floatToInt32), truthiness. */
export function castScalar(v: number | boolean, d: DType): number {
  const n = typeof v === "boolean" ? (v ? 1 : 0) : v;
  switch (d) {
    case "float32":
      return Math.fround(n);
    case "float64":
      return n;
    case "int32":
      return floatToInt32(n);
    case "bool":
      return n !== 0 ? 1 : 0;
  }
}

/** Store a JS literal (a number written by the user, not an array being cast) in a dtype:
 * as castScalar, except that a number outside int32's range, or NaN, is an OverflowError,
 * as JAX raises for a Python int that does not fit. A fraction truncates (numpy's cast). */
export function castLiteral(v: number | boolean, d: DType, where: string): number {
  if (d === "int32" && typeof v === "number" && !(v > INT32_MIN - 1 && v < INT32_MAX + 1)) {
    throw new OverflowError(`${where}: the number ${v} does not fit in int32 (range [${INT32_MIN}, ${INT32_MAX}])`);
  }
  return castScalar(v, d);
}

// Promotion lattice: bool < int32 < float32 < float64, plus weak types. A weak
// value (from a JS number) takes the other operand's dtype unless it belongs to a
// higher kind (a fractional number meeting an integer array), as in JAX.
const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const kind = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

export interface TypeInfo {
  readonly dtype: DType;
  readonly weakType: boolean;
}

/** The join of two types. `_defaultFloat` is kept for callers; weak floats already carry theirs. */
export function promoteTypes(a: TypeInfo, b: TypeInfo, _defaultFloat?: DType): TypeInfo {
  for (const t of [a, b]) {
    if (typeof t !== "object" || t === null || !isDType(t.dtype) || typeof t.weakType !== "boolean") {
      throw new DTypeError(`promoteTypes: expected { dtype, weakType } (a dtype name and a boolean), got ${describeValue(t)}`);
    }
  }
  if (a.weakType === b.weakType) {
    const d = rank[a.dtype] >= rank[b.dtype] ? a.dtype : b.dtype;
    return { dtype: d, weakType: a.weakType };
  }
  const [weak, strong] = a.weakType ? [a, b] : [b, a];
  if (kind(weak.dtype) <= kind(strong.dtype)) return { dtype: strong.dtype, weakType: false };
  // The weak value already carries its dtype (JS numbers get the default float when they
  // are made arrays); keeping it makes promotion associative, and never narrows a weak float64.
  return { dtype: weak.dtype, weakType: true };
}

export function resultTypeOf(infos: readonly TypeInfo[], defaultFloat: DType): TypeInfo {
  if (infos.length === 0) throw new DTypeError("resultType: no operands");
  return infos.reduce((acc, t) => promoteTypes(acc, t, defaultFloat));
}

/**
 * The dtype a JS number takes as an operand (weakly typed). An integer that fits int32 is an
 * int32, as JAX treats a Python int; anything else — fractions, NaN, ±Infinity, -0, and
 * integers beyond int32 (which JS cannot tell from floats such as 3e9) — the default float,
 * so no value wraps or loses its sign. One rule for eager numpy and for jit's arguments.
 */
export function jsNumberDType(x: number, defaultFloat: DType): DType {
  const fitsInt32 = Number.isInteger(x) && x >= -2147483648 && x <= 2147483647 && !Object.is(x, -0);
  return fitsInt32 ? "int32" : defaultFloat;
}
