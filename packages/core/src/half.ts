// The two 16-bit float formats, float16 (IEEE binary16) and bfloat16, stored as their bit
// patterns in Uint16Arrays (JS has no 16-bit float array on Node 20). Values are computed
// in float32 and rounded to nearest-even when stored, as XLA does on CPU.

/** Layout of a binary float format: mantissa bits (without the implicit 1) and exponent bits. */
interface HalfFormat {
  readonly mantissaBits: number;
  readonly exponentBits: number;
}

const F16: HalfFormat = { mantissaBits: 10, exponentBits: 5 };
const BF16: HalfFormat = { mantissaBits: 7, exponentBits: 8 };

/** Round half to even (exact on the integers-plus-fractions this file produces). */
function roundTiesEven(q: number): number {
  const f = Math.floor(q);
  const d = q - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** floor(log2(a)) for a finite a > 0, exactly (Math.log2 may be off by one near powers of 2). */
function exponentOf(a: number): number {
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  return e;
}

/** The bits of the format's value nearest `x` (ties to even; beyond the largest finite, ±inf),
 * rounded once from the exact double: scaling by powers of two is exact, so no double rounding. */
function encode(x: number, { mantissaBits, exponentBits }: HalfFormat): number {
  const bias = 2 ** (exponentBits - 1) - 1;
  const expMask = (2 ** exponentBits - 1) * 2 ** mantissaBits;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  if (Number.isNaN(x)) return expMask | (1 << (mantissaBits - 1)); // the canonical quiet NaN
  const a = Math.abs(x);
  if (a === Number.POSITIVE_INFINITY) return sign | expMask;
  const eMin = 1 - bias;
  if (a < 2 ** eMin) {
    // Subnormal: a multiple of 2^(eMin - mantissaBits); a carry into 2^mantissaBits is the
    // smallest normal's encoding, as it should be.
    return sign | roundTiesEven(a * 2 ** (mantissaBits - eMin));
  }
  let e = exponentOf(a);
  let m = roundTiesEven((a / 2 ** e - 1) * 2 ** mantissaBits);
  if (m === 2 ** mantissaBits) {
    e++;
    m = 0;
  }
  if (e > bias) return sign | expMask;
  return sign | ((e + bias) << mantissaBits) | m;
}

function decode(bits: number, { mantissaBits, exponentBits }: HalfFormat): number {
  const bias = 2 ** (exponentBits - 1) - 1;
  const eMax = 2 ** exponentBits - 1;
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >>> mantissaBits) & eMax;
  const m = bits & ((1 << mantissaBits) - 1);
  if (e === 0) return sign * m * 2 ** (1 - bias - mantissaBits);
  if (e === eMax) return m === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + m / 2 ** mantissaBits) * 2 ** (e - bias);
}

/** The float16 bit pattern nearest to `x` (round to nearest even, overflow to ±inf). */
export const float16Bits = (x: number): number => encode(x, F16);
/** The bfloat16 bit pattern nearest to `x` (round to nearest even, overflow to ±inf). */
export const bfloat16Bits = (x: number): number => encode(x, BF16);

// Decoding is a table lookup: 65536 float32 values per format, built on first use.
let f16Table: Float32Array | undefined;
let bf16Table: Float32Array | undefined;

function f16Values(): Float32Array {
  if (f16Table === undefined) {
    f16Table = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) f16Table[b] = decode(b, F16);
  }
  return f16Table;
}

function bf16Values(): Float32Array {
  if (bf16Table === undefined) {
    bf16Table = new Float32Array(65536);
    for (let b = 0; b < 65536; b++) bf16Table[b] = decode(b, BF16);
  }
  return bf16Table;
}

/** The value of a float16 bit pattern. */
export const float16Value = (bits: number): number => f16Values()[bits & 0xffff]!;
/** The value of a bfloat16 bit pattern. */
export const bfloat16Value = (bits: number): number => bf16Values()[bits & 0xffff]!;

/** The half format of a dtype name, for the bulk converters below. */
export type HalfDType = "float16" | "bfloat16";

/** Decode `n` bit patterns of `src` into `dst` (float32 or float64 values). */
export function decodeHalves(d: HalfDType, src: Uint16Array, dst: Float32Array | Float64Array): void {
  const table = d === "float16" ? f16Values() : bf16Values();
  const n = src.length;
  for (let i = 0; i < n; i++) dst[i] = table[src[i]!]!;
}

// float32 → half by bit manipulation (the hot path: every half result passes here). The
// float32 value is exact in the double that `encode` would take, so both agree bit for bit
// (tested exhaustively over the halves and their midpoints).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function float16BitsOfFloat32(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a >= 0x7f800000) return a > 0x7f800000 ? 0x7e00 : sign | 0x7c00;
  if (a >= 0x477ff000) return sign | 0x7c00; // ≥ 65520 rounds to inf
  if (a < 0x38800000) return sign | roundTiesEven(Math.abs(f32[0]!) * 2 ** 24); // subnormal
  // Normal: rebias the exponent (127 → 15) and round the 13 dropped mantissa bits to even.
  const rounded = a + 0xfff + ((a >>> 13) & 1);
  return sign | ((rounded - 0x38000000) >>> 13);
}

function bfloat16BitsOfFloat32(x: number): number {
  f32[0] = x;
  const u = u32[0]!;
  if ((u & 0x7fffffff) > 0x7f800000) return 0x7fc0;
  // Round the 16 dropped bits to even; a carry out of the exponent gives inf, as it should.
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Encode float32 values (`src`, exact in float32) as half bit patterns into `dst`. */
export function encodeHalvesFromFloat32(d: HalfDType, src: Float32Array, dst: Uint16Array): void {
  const n = src.length;
  if (d === "float16") for (let i = 0; i < n; i++) dst[i] = float16BitsOfFloat32(src[i]!);
  else for (let i = 0; i < n; i++) dst[i] = bfloat16BitsOfFloat32(src[i]!);
}

/** Encode any doubles as half bit patterns (one rounding from the double). */
export function encodeHalves(d: HalfDType, src: ArrayLike<number>, dst: Uint16Array): void {
  const n = src.length;
  if (d === "float16") for (let i = 0; i < n; i++) dst[i] = float16Bits(src[i]!);
  else for (let i = 0; i < n; i++) dst[i] = bfloat16Bits(src[i]!);
}

/** Internal, for tests of the fast path against `encode`. */
export const float32Encoders = { float16: float16BitsOfFloat32, bfloat16: bfloat16BitsOfFloat32 } as const;
