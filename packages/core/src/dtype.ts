// DTypes, their typed-array storage, and JAX's type promotion with weak types.
import { ArgumentError, DTypeError, OverflowError, ShapeError } from "./errors.js";
import { bfloat16Bits, bfloat16Value, float16Bits, float16Value } from "./half.js";
import { describeValue } from "./shape.js";

export type DType =
  | "bool" | "int8" | "int16" | "int32" | "uint8" | "uint32" | "float16" | "bfloat16" | "float32" | "float64" | "complex64" | "complex128";
export const DTYPES: readonly DType[] = [
  "bool", "int8", "int16", "int32", "uint8", "uint32", "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
];

/** Storage: bool and uint8 are Uint8Arrays; float16 and bfloat16 are Uint16Arrays of bit patterns;
 * complex64 and complex128 are Float32Arrays and Float64Arrays of interleaved (re, im) pairs,
 * twice as long as the array has elements. */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Int8Array | Int16Array | Uint16Array | Uint32Array;

/**
 * Whether `x` is the name of a dtype jaxts supports.
 *
 * @example
 * import { isDType } from "@jaxts/core";
 *
 * isDType("float32"); // true
 * isDType("int64"); // false
 */
export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

/**
 * `x` as a DType, or a DTypeError naming `where` and listing the supported dtypes.
 *
 * @example
 * import { checkDType } from "@jaxts/core";
 *
 * checkDType("int32", "example"); // "int32"
 */
export function checkDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    const given = typeof x === "string" ? JSON.stringify(x) : describeValue(x);
    throw new DTypeError(`${where}: unknown dtype ${given}; expected one of ${DTYPES.join(", ")}`);
  }
  return x;
}

/**
 * Whether `d` is a real floating dtype (float16, bfloat16, float32, float64; complex ones are
 * not: see isComplex, isInexact).
 *
 * @example
 * isFloat("bfloat16"); // true
 * isFloat("int32"); // false
 */
export const isFloat = (d: DType): boolean => d === "float32" || d === "float64" || d === "float16" || d === "bfloat16";
/**
 * The 16-bit floats: stored as bit patterns, computed in float32.
 *
 * @example
 * isHalf("float16"); // true
 */
export const isHalf = (d: DType): d is "float16" | "bfloat16" => d === "float16" || d === "bfloat16";
/**
 * Whether `d` is a complex dtype (complex64, complex128).
 *
 * @example
 * isComplex("complex64"); // true
 * isComplex("float64"); // false
 */
export const isComplex = (d: DType): d is "complex64" | "complex128" => d === "complex64" || d === "complex128";
/**
 * Floats and complex numbers: numpy's `inexact`, the dtypes that carry derivatives.
 *
 * @example
 * isInexact("complex128"); // true
 * isInexact("int32"); // false
 */
export const isInexact = (d: DType): boolean => isFloat(d) || isComplex(d);
/**
 * The complex dtype with a real dtype's precision (complex128 for float64, else complex64), as
 * JAX's `_complex_dtype`; a complex dtype is its own.
 *
 * @example
 * complexOf("float64"); // "complex128"
 * complexOf("float32"); // "complex64"
 */
export const complexOf = (d: DType): "complex64" | "complex128" => (d === "float64" || d === "complex128" ? "complex128" : "complex64");
/**
 * The real dtype of a complex dtype's parts (float32 or float64); a real dtype is its own.
 *
 * @example
 * realPartOf("complex64"); // "float32"
 */
export const realPartOf = (d: DType): DType => (d === "complex64" ? "float32" : d === "complex128" ? "float64" : d);
/**
 * Whether `d` is an integer dtype, signed or unsigned (bool is not).
 *
 * @example
 * isInteger("uint8"); // true
 * isInteger("bool"); // false
 */
export const isInteger = (d: DType): boolean => d === "int32" || d === "int8" || d === "int16" || d === "uint8" || d === "uint32";
/**
 * Whether `d` is an unsigned integer dtype (uint8, uint32).
 *
 * @example
 * isUnsigned("uint32"); // true
 */
export const isUnsigned = (d: DType): boolean => d === "uint8" || d === "uint32";
/** The dtypes every backend and the compiled jit program implement natively; the others run
 * on the js backend's kernels (see backend/js/index.ts). */
export const isCoreDType = (d: DType): boolean => d === "float32" || d === "float64" || d === "int32" || d === "bool";

/** The short names of JAX's printed avals: f32, bf16, u8, i16, bool. */
export function shortName(d: DType): string {
  switch (d) {
    case "float32":
      return "f32";
    case "float64":
      return "f64";
    case "float16":
      return "f16";
    case "bfloat16":
      return "bf16";
    case "int8":
      return "i8";
    case "int16":
      return "i16";
    case "int32":
      return "i32";
    case "uint8":
      return "u8";
    case "uint32":
      return "u32";
    case "bool":
      return "bool";
    case "complex64":
      return "c64";
    case "complex128":
      return "c128";
  }
}

/**
 * Bytes per element of each dtype's storage.
 *
 * @example
 * itemSize("float64"); // 8
 * itemSize("bfloat16"); // 2
 */
export function itemSize(d: DType): number {
  switch (d) {
    case "complex128":
      return 16;
    case "complex64":
    case "float64":
      return 8;
    case "float32":
    case "int32":
    case "uint32":
      return 4;
    case "float16":
    case "bfloat16":
    case "int16":
      return 2;
    case "int8":
    case "uint8":
    case "bool":
      return 1;
  }
}

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
  const notIntegers = (): ArgumentError => new ArgumentError(`${where}: a shape must be a list of integers, got ${describeValue(shape)}`);
  if (!Array.isArray(s)) throw notIntegers();
  const dims = s as number[];
  // (plain loops, holes read as undefined, and the shape's text only for an error: this
  // runs for every broadcast)
  for (let i = 0; i < dims.length; i++) {
    const v = dims[i];
    if (typeof v !== "number" || !Number.isInteger(v)) throw notIntegers();
  }
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const v = dims[i]!;
    if (v < 0) throw new ShapeError(`${where}: shape [${dims.join(", ")}] has a negative dimension (${v} at axis ${i})`);
    count *= v;
  }
  if (!(count <= MAX_ARRAY_ELEMENTS)) checkElementCount(count, d, where, `[${dims.join(", ")}]`);
  return [...dims];
}

/**
 * The most arrays one call may return as a list (split's sections, unstack's slices, a key
 * split's keys, a Vandermonde matrix's columns). Each is a JS object, and a list of tens of
 * millions exhausts V8's heap, which kills the process (a fatal error, not an exception).
 */
export const MAX_LIST_ARRAYS = 2 ** 20;

/** A ShapeError when `count` arrays (what `what` names) exceed MAX_LIST_ARRAYS. */
export function checkListLength(count: number, what: string, where: string): void {
  if (count > MAX_LIST_ARRAYS) throw new ShapeError(`${where}: would make ${count} ${what} (one array each); at most ${MAX_LIST_ARRAYS} (a list that long would exhaust the heap)`);
}

/** Storage slots per element: 2 for the complex dtypes (re, im), else 1. */
export const lanesOf = (d: DType): number => (isComplex(d) ? 2 : 1);

// Array data over SHIFTED_FROM bytes sits SHIFT bytes into an ArrayBuffer SHIFT bytes longer
// at each end. glibc's memcpy copies 2 KiB to 1 MiB with `rep movsb`, which on this machine's
// AMD EPYC runs 10-17 times slower when the destination lies 1-31 bytes (mod 4096) above the
// source (measured 2026-12-04: 64 KiB in 21.5 µs against 1.3 µs), and that is exactly where
// malloc puts a buffer allocated right after another of a size that is a multiple of 4 KiB
// (its 16-byte chunk header): a kernel's result and then toTypedArray's copy of it, a user's
// array and then array()'s copy of it. The shift moves those copies 80 bytes apart (mod 4096).
const SHIFT = 64;
const SHIFTED_FROM = 2048;
/** Bytes of the ArrayBuffer that holds `bytes` of array data SHIFT bytes in. */
const withRoom = (bytes: number): number => bytes + 2 * SHIFT;

/** How many buffers allocate, allocateForOverwrite and allocateForCaller have handed out (tests
 * count what a call allocates). */
export const allocationStats = { buffers: 0 };

/** A zeroed buffer. Every buffer is allocated here, so the size check above is the only
 * one needed, and an engine's RangeError (allocation failure) becomes a ShapeError. */
export function allocate(d: DType, size: number): TypedArray {
  checkElementCount(size, d, "allocate");
  allocationStats.buffers++;
  const bytes = size * itemSize(d);
  if (bytes > ON_HEAP_BYTES && bytes <= POOLED_BYTES) return pooled(d, size, bytes);
  try {
    return bytes > SHIFTED_FROM ? typedView(d, new ArrayBuffer(withRoom(bytes)), SHIFT, size) : typedArrayOf(d, size);
  } catch (e) {
    if (e instanceof RangeError) throw new ShapeError(`allocate: could not allocate ${formatBytes(size * itemSize(d))} (${size} elements of ${d}): ${e.message}`);
    throw e;
  }
}

/**
 * A buffer for `size` elements of `d` that the caller overwrites completely at once (a
 * kernel's output, a copy out of the arena). Its contents are unspecified: from
 * UNINITIALISED_BYTES on, where the host has Node's Buffer, it is uninitialised memory, which
 * skips the zeroing a new ArrayBuffer pays (a fresh 4 MB array costs 0.65 ms to make and fill
 * against 0.3 ms). Under `setPoisonUnwritten(true)` (the test suites) every such buffer starts
 * as 0xFF bytes (NaN, −1, 255), so an element a kernel forgets to write shows in the results
 * instead of passing as a zero.
 */
export function allocateForOverwrite(d: DType, size: number): TypedArray {
  checkElementCount(size, d, "allocate");
  const bytes = size * itemSize(d);
  if (bytes >= UNINITIALISED_BYTES) allocationStats.buffers++;
  const unsafe = bytes >= UNINITIALISED_BYTES ? uninitialised(withRoom(bytes)) : undefined;
  const out = unsafe === undefined ? allocate(d, size) : typedView(d, unsafe, SHIFT, size);
  if (poisonUnwritten) new Uint8Array(out.buffer, out.byteOffset, out.byteLength).fill(0xff);
  return out;
}

/**
 * A buffer of exactly `size` elements of `d`, from offset 0 of an ArrayBuffer of its own (what
 * a caller is handed: `toTypedArray`), which the caller overwrites completely at once:
 * uninitialised memory where the host allows, as allocateForOverwrite.
 */
export function allocateForCaller(d: DType, size: number): TypedArray {
  checkElementCount(size, d, "allocate");
  allocationStats.buffers++;
  const bytes = size * itemSize(d);
  const unsafe = bytes >= UNINITIALISED_BYTES ? uninitialised(bytes) : undefined;
  const out = unsafe === undefined ? typedArrayOf(d, size) : typedView(d, unsafe, 0, size);
  if (poisonUnwritten) new Uint8Array(out.buffer).fill(0xff);
  return out;
}

const UNINITIALISED_BYTES = 1 << 16;
let poisonUnwritten = false;
/** Tests: fill every allocateForOverwrite and allocateForCaller buffer with 0xFF bytes (see there). */
export function setPoisonUnwritten(on: boolean): void {
  poisonUnwritten = on;
}

type UnsafeAllocator = { allocUnsafeSlow(bytes: number): { readonly buffer: ArrayBuffer; readonly byteOffset: number } };
const nodeBuffer = (globalThis as { Buffer?: UnsafeAllocator }).Buffer;
/** An ArrayBuffer of `bytes` uninitialised bytes (Node), or undefined. */
function uninitialised(bytes: number): ArrayBuffer | undefined {
  if (nodeBuffer === undefined || typeof nodeBuffer.allocUnsafeSlow !== "function") return undefined;
  const b = nodeBuffer.allocUnsafeSlow(bytes);
  // (a slow buffer owns its ArrayBuffer, from offset 0: aligned for every typed array)
  return b.byteOffset === 0 && b.buffer.byteLength === bytes ? b.buffer : undefined;
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

function typedArrayOf(d: DType, size: number): TypedArray {
  switch (d) {
    case "complex64":
      return new Float32Array(2 * size);
    case "complex128":
      return new Float64Array(2 * size);
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "int16":
      return new Int16Array(size);
    case "int8":
      return new Int8Array(size);
    case "uint32":
      return new Uint32Array(size);
    case "uint8":
    case "bool":
      return new Uint8Array(size);
    case "float16":
    case "bfloat16":
      return new Uint16Array(size);
  }
}

/** A typed array of dtype `d` over `length` elements of `buffer` from byte `at`. */
export function typedView(d: DType, buffer: ArrayBufferLike, at: number, length: number): TypedArray {
  switch (d) {
    case "complex64":
      return new Float32Array(buffer, at, 2 * length);
    case "complex128":
      return new Float64Array(buffer, at, 2 * length);
    case "float32":
      return new Float32Array(buffer, at, length);
    case "float64":
      return new Float64Array(buffer, at, length);
    case "int32":
      return new Int32Array(buffer, at, length);
    case "int16":
      return new Int16Array(buffer, at, length);
    case "int8":
      return new Int8Array(buffer, at, length);
    case "uint32":
      return new Uint32Array(buffer, at, length);
    case "uint8":
    case "bool":
      return new Uint8Array(buffer, at, length);
    case "float16":
    case "bfloat16":
      return new Uint16Array(buffer, at, length);
  }
}

/** The dtype a typed array's values take when it becomes an array. A Uint8Array is bool (as
 * before uint8 existed); a Uint16Array holds values, which no 16-bit dtype here stores as
 * such, so it becomes int32 (pass `{ dtype: "float16" }` to read values as halves). */
export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array || a instanceof Uint16Array) return "int32";
  if (a instanceof Int16Array) return "int16";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof Uint32Array) return "uint32";
  return "bool";
}

/** Element `i` of a buffer of dtype `d` as a JS number (halves decoded from their bits). A
 * complex element is no number: callers ask complexElementOf (this raises, never a real part). */
export function elementOf(buffer: TypedArray, d: DType, i: number): number {
  if (isComplex(d)) throw new DTypeError(`internal: a ${d} element read as a real number`);
  const v = buffer[i]!;
  if (d === "float16") return float16Value(v);
  if (d === "bfloat16") return bfloat16Value(v);
  return v;
}

/** Every element of a buffer of dtype `d` as JS numbers (halves decoded). */
export function valuesOf(buffer: TypedArray, d: DType): number[] {
  const out = new Array<number>(buffer.length);
  for (let i = 0; i < buffer.length; i++) out[i] = elementOf(buffer, d, i);
  return out;
}

/** Element `i` of a buffer of any dtype as { re, im } (a real one with im = 0). */
export function complexElementOf(buffer: TypedArray, d: DType, i: number): { re: number; im: number } {
  if (isComplex(d)) return { re: buffer[2 * i]!, im: buffer[2 * i + 1]! };
  return { re: elementOf(buffer, d, i), im: 0 };
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** The value range of an integer dtype (bool as 0..1). */
export function intRange(d: DType): readonly [number, number] {
  switch (d) {
    case "int8":
      return [-128, 127];
    case "int16":
      return [-32768, 32767];
    case "int32":
      return [INT32_MIN, INT32_MAX];
    case "uint8":
      return [0, 255];
    case "uint32":
      return [0, 4294967295];
    case "bool":
      return [0, 1];
    default:
      throw new DTypeError(`intRange: ${d} is not an integer dtype`);
  }
}

/** Float -> int32 as XLA's convert_element_type: truncate toward zero, saturate at the
 * int32 range (±Infinity included), NaN -> 0. Never wraps modulo 2^32. */
export function floatToInt32(n: number): number {
  if (Number.isNaN(n)) return 0;
  if (n >= INT32_MAX) return INT32_MAX;
  if (n <= INT32_MIN) return INT32_MIN;
  return Math.trunc(n);
}

/** Float -> any integer dtype as XLA on CPU converts: truncate toward zero, saturate at the
 * target's range (so -1.0 -> uint8 is 0 and 300.0 is 255; numpy would wrap), NaN -> 0. */
export function floatToInt(n: number, d: DType): number {
  if (Number.isNaN(n)) return 0;
  const [lo, hi] = intRange(d);
  if (n >= hi) return hi;
  if (n <= lo) return lo;
  return Math.trunc(n);
}

/** An integer value wrapped into integer dtype `d` (two's complement truncation, as a
 * typed-array store does; the int -> int cast). */
export function wrapInt(n: number, d: DType): number {
  switch (d) {
    case "int8":
      return (n << 24) >> 24;
    case "int16":
      return (n << 16) >> 16;
    case "uint8":
      return n & 0xff;
    case "uint32":
      return n >>> 0;
    default:
      return n | 0;
  }
}

/** Store a JS number the way the dtype would (astype semantics): rounding (halves to nearest
 * even), saturating float -> int casts (see floatToInt), truthiness. */
export function castScalar(v: number | boolean, d: DType): number {
  const n = typeof v === "boolean" ? (v ? 1 : 0) : v;
  switch (d) {
    case "float32":
      return Math.fround(n);
    case "float64":
      return n;
    case "float16":
      return float16Value(float16Bits(n));
    case "bfloat16":
      return bfloat16Value(bfloat16Bits(n));
    case "int8":
    case "int16":
    case "int32":
    case "uint8":
    case "uint32":
      return floatToInt(n, d);
    case "bool":
      return n !== 0 ? 1 : 0;
    case "complex64":
      return Math.fround(n);
    case "complex128":
      return n;
  }
}

/** What a buffer of dtype `d` stores for a value already of dtype `d`: a half's bit pattern,
 * else the value itself. */
export function toStorage(n: number, d: DType): number {
  if (d === "float16") return float16Bits(n);
  if (d === "bfloat16") return bfloat16Bits(n);
  return n;
}

/** What a buffer of dtype `d` stores for the value `v` (castScalar, then a half's bits). */
export const storedScalar = (v: number | boolean, d: DType): number => toStorage(castScalar(v, d), d);

/** A value of dtype `from` cast to `to` as convert_element_type casts: an integer (or bool)
 * into an integer type wraps (two's complement), anything else as castScalar. */
export function castFrom(v: number, from: DType, to: DType): number {
  if (isInteger(to) && (isInteger(from) || from === "bool")) return wrapInt(v, to);
  return castScalar(v, to);
}

/** Store a JS literal (a number written by the user, not an array being cast) in a dtype:
 * as castScalar, except that a number outside an integer dtype's range, or NaN, is an
 * OverflowError, as JAX raises for a Python int that does not fit. A fraction truncates
 * (numpy's cast). */
export function castLiteral(v: number | boolean, d: DType, where: string): number {
  if (isInteger(d) && typeof v === "number") {
    const [lo, hi] = intRange(d);
    if (!(v > lo - 1 && v < hi + 1)) throw new OverflowError(`${where}: the number ${v} does not fit in ${d} (range [${lo}, ${hi}])`);
  }
  return castScalar(v, d);
}

// Promotion: JAX's lattice (jax/_src/dtypes.py, the non-strict lattice with x64 disabled for
// integers, since there are no 64-bit integers here; float64 is kept). Weak values (JS
// numbers, and arrays made from them) enter as the weak nodes `int*`, `float*` and
// `complex*`, so they take a strong operand's dtype unless they belong to a higher kind (a
// fraction meeting an integer array). uint16, uint64 and int64 are lattice nodes only: no
// join of two of our dtypes lands on them. Complex joins as JAX's: float32 + complex64 is
// complex64, float64 + complex64 is complex128, and a weak complex meets any float to give
// that float's complex counterpart.
type Node = DType | "int*" | "float*" | "complex*" | "uint16" | "uint64" | "int64";

const LATTICE: { readonly [N in Node]: readonly Node[] } = {
  bool: ["int*"],
  "int*": ["uint8", "int8"],
  uint8: ["int16", "uint16"],
  uint16: ["int32", "uint32"],
  // With x64 off JAX promotes uint32 with a signed int to int32 (not int64).
  uint32: ["int32", "uint64"],
  uint64: ["float*"],
  int8: ["int16"],
  int16: ["int32"],
  int32: ["int64"],
  int64: ["float*"],
  "float*": ["bfloat16", "float16", "complex*"],
  bfloat16: ["float32"],
  float16: ["float32"],
  float32: ["float64", "complex64"],
  float64: ["complex128"],
  "complex*": ["complex64"],
  complex64: ["complex128"],
  complex128: [],
};

/** Every node's upper set (itself and everything above it). */
const UPPER: ReadonlyMap<Node, ReadonlySet<Node>> = (() => {
  const m = new Map<Node, Set<Node>>();
  const up = (n: Node): Set<Node> => {
    let s = m.get(n);
    if (s === undefined) {
      s = new Set<Node>([n]);
      for (const p of LATTICE[n]) for (const q of up(p)) s.add(q);
      m.set(n, s);
    }
    return s;
  };
  for (const n of Object.keys(LATTICE) as Node[]) up(n);
  return m;
})();

/** The least upper bound of `nodes` in the lattice. */
function join(nodes: readonly Node[]): Node {
  let common: Node[] = [...UPPER.get(nodes[0]!)!];
  for (const n of nodes.slice(1)) {
    const u = UPPER.get(n)!;
    common = common.filter((c) => u.has(c));
  }
  const least = common.filter((c) => common.every((d) => UPPER.get(c)!.has(d)));
  if (least.length !== 1) throw new DTypeError(`internal: no unique join of ${nodes.join(", ")}`);
  return least[0]!;
}

export interface TypeInfo {
  readonly dtype: DType;
  readonly weakType: boolean;
}

function checkTypeInfo(t: unknown): TypeInfo {
  const o = t as { dtype?: unknown; weakType?: unknown } | null;
  if (typeof t !== "object" || o === null || !isDType(o.dtype) || typeof o.weakType !== "boolean") {
    throw new DTypeError(`promoteTypes: expected { dtype, weakType } (a dtype name and a boolean), got ${describeValue(t)}`);
  }
  return t as TypeInfo;
}

/** A value's lattice node: a weak value by its kind (any weak integer is int*, any weak float
 * float*); bool is never weak. */
const nodeOf = (t: TypeInfo): Node =>
  !t.weakType || t.dtype === "bool" ? t.dtype : isComplex(t.dtype) ? "complex*" : isFloat(t.dtype) ? "float*" : "int*";

/**
 * The result type of operands of these types, as JAX's `result_type`: the join of their
 * lattice nodes. A weak result (the join is int* or float*) is int32, or a float: the widest
 * weak float32/float64 among the operands (a JS number already carries the default float
 * when it is made an array, so this keeps promotion associative and never narrows a weak
 * float64), else `defaultFloat`. A weak complex result (complex*) is the complex dtype of
 * the widest weak float or complex operand, else of `defaultFloat`. Operands all weak stay weak.
 */
export function resultTypeOf(infos: readonly TypeInfo[], defaultFloat: DType): TypeInfo {
  if (infos.length === 0) throw new DTypeError("resultType: no operands");
  for (const t of infos) checkTypeInfo(t);
  const first = infos[0]!;
  if (infos.every((t) => t.dtype === first.dtype && t.weakType === first.weakType)) {
    if (!first.weakType || first.dtype === "int32" || first.dtype === "float32" || first.dtype === "float64" || isComplex(first.dtype)) {
      return { dtype: first.dtype, weakType: first.dtype !== "bool" && first.weakType };
    }
  }
  const top = join(infos.map(nodeOf));
  if (top === "int*") return { dtype: "int32", weakType: true };
  if (top === "float*") {
    let d: DType | undefined;
    for (const t of infos) {
      if (!t.weakType || (t.dtype !== "float32" && t.dtype !== "float64")) continue;
      if (d === undefined || t.dtype === "float64") d = t.dtype;
    }
    return { dtype: d ?? defaultFloat, weakType: true };
  }
  if (top === "complex*") {
    let wide = false;
    for (const t of infos) if (t.weakType && (t.dtype === "float64" || t.dtype === "complex128")) wide = true;
    return { dtype: wide ? "complex128" : complexOf(defaultFloat), weakType: true };
  }
  if (top === "uint16" || top === "uint64" || top === "int64") throw new DTypeError(`internal: promotion reached ${top}`);
  return { dtype: top, weakType: false };
}

/**
 * The join of two types (resultTypeOf of the pair).
 *
 * @example
 * promoteTypes({ dtype: "int32", weakType: false }, { dtype: "float32", weakType: true }).dtype; // "float32"
 * promoteTypes({ dtype: "int32", weakType: false }, { dtype: "float16", weakType: false }).dtype; // "float16"
 */
export function promoteTypes(a: TypeInfo, b: TypeInfo, defaultFloat: DType = "float32"): TypeInfo {
  return resultTypeOf([checkTypeInfo(a), checkTypeInfo(b)], defaultFloat);
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
