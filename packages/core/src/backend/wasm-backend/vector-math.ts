// Vector transcendentals (f32x4 and f64x2) for the wasm backend's elementwise kernels, after
// PERF-NOTES §4: the wasm lowering of the scalar vocabulary's intrinsics (../scalar/wasm.ts).
// Each emitter reads a v128 local and leaves the results on the operand stack. Special values
// (±0, ±Inf, NaN, denormals, overflow and underflow) give what the js backend gives (Math.*
// in f64, rounded to f32). Max error against the js backend, measured over the whole range by
// the property tests (wasm-elementwise, wasm-math, wasm-scalar .test.ts); f32 exp, tanh and
// logistic also over every f32 of their non-trivial ranges (each emitter says which), with and
// without relaxed SIMD's fused multiply-add (`madd` below; f32 log too, over every positive f32;
// `pnpm bench:ulp` repeats these scans):
//
//   function      f32 (f32x4 emitter, or the f64x2 one on promoted lanes)   f64 (f64x2)
//   exp           1 ulp                                                     2 ulp
//   log           1 ulp                                                     1 ulp
//   log1p         1 ulp (via f64)                                           2 ulp
//   expm1         1 ulp (via f64)                                           3 ulp
//   sin, cos      1 ulp (via f64)                                           2 ulp   (|x| > SIN_COS_BOUND: exact, per lane)
//   tanh          2 ulp                                                     4 ulp
//   logistic      2 ulp                                                     2 ulp
//   erf           exact (the f64 one, rounded once)                         exact   (js's erf vectorised, same operations: itself within 1 ulp of the true value)
//   tan, sinh,    1 ulp (f64x2 formulas accurate to f32 only: *ForF32 below)  exact   (per-lane call of Math.*)
//   cosh, atan,
//   asin, acos
//   pow           1 ulp (f64x2 formula accurate to f32 only)                exact   (js's own formula vectorised, bit
//                                                                                   for bit; special lanes per lane: emitPowF64)
// The other intrinsics (erf_inv atan2 rem) have no vector version yet: the kernels call the
// js function per lane, so they are exact.
import { type FunctionBuilder, type Local, type Operand, wasmFeatures } from "../wasm/index.js";
import { ERF_STRIDE, ERF_TABLE, ERF_TERMS } from "../scalar/erf-table.js";
import { ERF_TABLE_AT } from "./arena.js";

/** Rows of the erf table (k = 0..24). */
const ERF_ROWS = ERF_TABLE.length / ERF_STRIDE;

type V = Local<"v128">;

/** A vector's high 8 bytes moved to its low half (and kept in its high half): what an f64x2
 * promotion or conversion of the high two 32-bit lanes reads. */
export const highHalf = (b: FunctionBuilder, v: V) => (): void => {
  b.i8x16.shuffle([8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15], v, v);
};

const f32s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("f32x4", [c, c, c, c]);
const i32s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("i32x4", [c, c, c, c]);

/**
 * a·x + c on f32x4 (or f64x2) lanes (`a` already on the stack when undefined): one
 * relaxed_madd where the engine has relaxed SIMD (fused on x64 and arm64: one rounding), else
 * a mul and an add. The polynomials below use it throughout (not f64 erf, which must equal js
 * bit for bit); their stated bounds hold for both (the property tests run the fused form by
 * default, and `pnpm test:unfused`, a CI step, the unfused one).
 */
function madd(b: FunctionBuilder, a: Operand | undefined, x: Operand, c: Operand, lanes: "f32x4" | "f64x2" = "f32x4"): void {
  const v = b[lanes];
  if (wasmFeatures().relaxedSimd) {
    if (a === undefined) v.relaxed_madd(x, c);
    else v.relaxed_madd(a, x, c);
    return;
  }
  if (a === undefined) v.mul(x);
  else v.mul(a, x);
  v.add(c);
}

/** acc = acc·x + c, over the coefficients (highest degree first): Horner's scheme. */
function horner(b: FunctionBuilder, x: V, coefficients: readonly number[]): void {
  f32s(b, coefficients[0]!);
  for (const c of coefficients.slice(1)) madd(b, undefined, x, () => f32s(b, c));
}

/**
 * Σ c_k·x^k (coefficients lowest degree first) by Horner's scheme in x² over the pairs
 * c_2i + c_2i+1·x (Estrin's scheme, one level): as many operations as Horner's scheme, half
 * its dependency chain, so the out-of-order core overlaps more of it (measured 5–10% faster).
 */
function hornerByPairs(b: FunctionBuilder, x: V, x2: V, coefficients: readonly number[]): void {
  const pair = (i: number): void => {
    const [c0, c1] = [coefficients[i]!, coefficients[i + 1]];
    if (c1 === undefined) f32s(b, c0);
    else madd(b, x, () => f32s(b, c1), () => f32s(b, c0));
  };
  let i = 2 * Math.floor((coefficients.length - 1) / 2);
  pair(i);
  for (i -= 2; i >= 0; i -= 2) {
    const at = i;
    madd(b, undefined, x2, () => pair(at));
  }
}

// n = round(y·log2 e) by the magic add of 1.5·2^23: the sum m then holds n in its low
// mantissa bits, so n as an i32 is bits(m) − bits(1.5·2^23), with no float→int conversion
// (wasm's trunc_sat takes five x64 instructions).
const MAGIC = 12582912;
const MAGIC_BITS = 0x4b400000;

/**
 * Cody–Waite reduction y = n·ln2 + r with |r| ≤ ln2/2 (ln2 in two parts, the first with 9
 * significant bits so n·ln2_hi is exact for |n| < 2^15). Sets m (the magic sum) and r.
 */
function reduceByLn2F32(b: FunctionBuilder, y: V, m: V, r: V): void {
  const n = b.newLocal("v128", "ln2_n");
  b.local.set(m, () => madd(b, y, () => f32s(b, Math.LOG2E), () => f32s(b, MAGIC)));
  b.local.set(n, () => b.f32x4.sub(m, () => f32s(b, MAGIC)));
  // (n·ln2_hi is exact, so fused or not this first step rounds once)
  b.local.set(r, () => madd(b, n, () => f32s(b, -0.693359375), y));
  b.local.set(r, () => madd(b, n, () => f32s(b, 2.1219444e-4), r));
}

/** 2^n as f32 bits, (n + 127) << 23, for the i32x4 n in [−126, 127] that `n` emits. */
function powerOfTwoF32(b: FunctionBuilder, n: () => void): void {
  b.i32x4.add(() => b.i32x4.shl(n, 23), () => i32s(b, 0x3f800000));
}

/**
 * 2^(n + bias) as f32 bits straight from m = n + 1.5·2^23, the magic sum that
 * `reduceByLn2F32` leaves (its bits are MAGIC_BITS + n, and MAGIC_BITS << 23 wraps to 0 in
 * 32 bits, so m << 23 is n << 23): for n + bias in [−126, 127].
 */
function powerOfTwoFromMagicF32(b: FunctionBuilder, m: V, bias: number): void {
  b.i32x4.add(() => b.i32x4.shl(m, 23), () => i32s(b, (127 + bias) << 23));
}

/**
 * e^x for x already clamped to [−104, 88.8] (or NaN): a degree-6 near-minimax polynomial on
 * r (PERF-NOTES §4), then 2^n applied so that the one final rounding also produces denormal
 * results (x down to −103.97) and +Inf (x above 88.72). Over the whole range, as two
 * power-of-two factors 2^⌊n/2⌋·2^⌈n/2⌉. When x ≤ 0 (`nonPositive`: n in [−150, 0]), as
 * 2^(n+64) (exact: p·2^(n+64) stays normal) and then 2^−64 (the one rounding): the same
 * product rounded once, so the same bits, in 4 operations instead of 9.
 */
function emitExpClampedF32(b: FunctionBuilder, xc: V, nonPositive = false): void {
  const m = b.newLocal("v128", "exp_m");
  const r = b.newLocal("v128", "exp_r");
  reduceByLn2F32(b, xc, m, r);
  const r2 = b.newLocal("v128", "exp_r2");
  b.local.set(r2, () => b.f32x4.mul(r, r));
  // 1 + (r + r²·P(r)): the 1 added last, so that r keeps all its bits.
  hornerByPairs(b, r, r2, [0.49999994, 0.16666432, 0.041668002, 0.0083741555, 0.0013843655]);
  madd(b, undefined, r2, r);
  b.f32x4.add(() => f32s(b, 1));
  if (nonPositive) {
    b.f32x4.mul(() => powerOfTwoFromMagicF32(b, m, 64));
    b.f32x4.mul(() => f32s(b, 2 ** -64));
    return;
  }
  const ni = b.newLocal("v128", "exp_ni");
  const half = b.newLocal("v128", "exp_half");
  b.local.set(ni, () => b.i32x4.sub(m, () => i32s(b, MAGIC_BITS)));
  b.local.set(half, () => b.i32x4.shr_s(ni, 1));
  // p · 2^h (exact: stays normal) · 2^(n−h) (the one rounding).
  b.f32x4.mul(() => powerOfTwoF32(b, () => b.local.get(half)));
  b.f32x4.mul(() => powerOfTwoF32(b, () => b.i32x4.sub(ni, half)));
}

/**
 * e^x: x clamped to [−104, 88.8] (beyond, e^x is 0 or +Inf in f32), then emitExpClampedF32.
 * The clamp uses pmin/pmax (one x64 instruction each, where min/max take seven or eight):
 * with x as their first operand they return x when it is NaN. Max error: 1 ulp, denormal
 * results included (measured against Math.exp over every f32 with 2^−25 ≤ |x| ≤ 89; outside,
 * on every 3rd–5th f32).
 */
export function emitExpF32(b: FunctionBuilder, x: V): void {
  const xc = b.newLocal("v128", "exp_x");
  b.local.set(xc, () => b.f32x4.pmax(() => b.f32x4.pmin(x, () => f32s(b, 88.8)), () => f32s(b, -104)));
  emitExpClampedF32(b, xc);
}

/**
 * ln x: Cephes logf (mantissa m in [√½, √2), degree-8 polynomial in m−1, exponent added in
 * two parts). Denormal inputs are scaled by 2^23 first. x < 0 and NaN → NaN, ±0 → −Inf,
 * +Inf → +Inf. Max error: 1 ulp (measured in the property tests).
 */
export function emitLogF32(b: FunctionBuilder, x: V): void {
  const xs = b.newLocal("v128", "log_x");
  const e = b.newLocal("v128", "log_e");
  const m = b.newLocal("v128", "log_m");
  const z = b.newLocal("v128", "log_z");
  const y = b.newLocal("v128", "log_y");
  const mask = b.newLocal("v128", "log_mask");
  // Denormals: scale into the normal range and remember the 23 in the exponent.
  b.local.set(mask, () => b.f32x4.lt(x, () => f32s(b, 1.1754943508222875e-38)));
  b.local.set(xs, () => b.v128.bitselect(() => b.f32x4.mul(x, () => f32s(b, 8388608)), x, mask));
  b.local.set(e, () => b.i32x4.sub(() => b.i32x4.shr_u(xs, 23), () => b.v128.bitselect(() => i32s(b, 126 + 23), () => i32s(b, 126), mask)));
  b.local.set(m, () => b.v128.or(() => b.v128.and(xs, () => i32s(b, 0x007fffff)), () => i32s(b, 0x3f000000)));
  // m < √½: m ← 2m − 1 and e ← e − 1; else m ← m − 1.
  b.local.set(mask, () => b.f32x4.lt(m, () => f32s(b, Math.SQRT1_2)));
  b.local.set(e, () => b.f32x4.convert_i32x4_s(() => b.i32x4.add(e, mask)));
  b.local.set(m, () => b.f32x4.sub(() => b.f32x4.add(m, () => b.v128.and(m, mask)), () => f32s(b, 1)));
  b.local.set(z, () => b.f32x4.mul(m, m));
  horner(b, m, [
    7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
    3.3333331174e-1,
  ]);
  b.f32x4.mul(m);
  b.f32x4.mul(z);
  b.local.set(y);
  b.local.set(y, () => b.f32x4.sub(y, () => b.f32x4.mul(e, () => f32s(b, 2.12194440e-4))));
  b.local.set(y, () => b.f32x4.sub(y, () => b.f32x4.mul(z, () => f32s(b, 0.5))));
  b.local.set(y, () => b.f32x4.add(() => b.f32x4.add(m, y), () => b.f32x4.mul(e, () => f32s(b, 0.693359375))));
  // Special values, in order: +Inf → +Inf, 0 → −Inf, (x < 0 or NaN) → NaN.
  b.local.set(y, () => b.v128.bitselect(x, y, () => b.f32x4.eq(x, () => f32s(b, Number.POSITIVE_INFINITY))));
  b.local.set(y, () => b.v128.bitselect(() => f32s(b, Number.NEGATIVE_INFINITY), y, () => b.f32x4.eq(x, () => f32s(b, 0))));
  b.v128.bitselect(() => f32s(b, Number.NaN), y, () => b.v128.not(() => b.f32x4.ge(x, () => f32s(b, 0))));
}

/**
 * tanh x = E/(E + 2) with E = e^{2|x|} − 1, and x's sign. 2|x| is clamped to 20 (tanh rounds
 * to 1 beyond |x| = 9.01). E = 2^n·u + (2^n − 1) from the reduction 2|x| = n·ln2 + r, with
 * u = e^r − 1 = r + r²·Q(r) (Q: Taylor to r⁵), so nothing cancels near 0 (E = 2|x| for tiny
 * x: denormals and −0 come out exact) and E/(E + 2) never amplifies E's error. One
 * reduction, no exp, one division. NaN → NaN, ±Inf → ±1. Max error: 2 ulp (measured
 * against Math.tanh over every f32 with 2^−13 ≤ |x| ≤ 9.2; 0 ulp outside, checked on every
 * 3rd–5th f32).
 */
export function emitTanhF32(b: FunctionBuilder, x: V): void {
  const y = b.newLocal("v128", "tanh_y");
  const m = b.newLocal("v128", "tanh_m");
  const r = b.newLocal("v128", "tanh_r");
  const s = b.newLocal("v128", "tanh_s");
  const e = b.newLocal("v128", "tanh_e");
  b.local.set(y, () => b.f32x4.pmin(() => b.f32x4.abs(() => b.f32x4.add(x, x)), () => f32s(b, 20)));
  reduceByLn2F32(b, y, m, r);
  const r2 = b.newLocal("v128", "tanh_r2");
  b.local.set(r2, () => b.f32x4.mul(r, r));
  hornerByPairs(b, r, r2, [1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040]);
  madd(b, undefined, r2, r);
  b.local.set(e);
  b.local.set(s, () => powerOfTwoFromMagicF32(b, m, 0));
  b.local.set(e, () => madd(b, s, e, () => b.f32x4.sub(s, () => f32s(b, 1))));
  b.f32x4.div(e, () => b.f32x4.add(e, () => f32s(b, 2)));
  b.v128.or(() => b.v128.and(x, () => i32s(b, -0x80000000)));
}

/**
 * σ(x) = 1/(1+e^−x) for x ≥ 0 and e^x/(1+e^x) for x < 0, as the js backend computes it, with
 * one exp of −|x| and one division (so the negative tail keeps its relative accuracy down to
 * denormals). Max error: 2 ulp (measured against js's logistic over every f32 with
 * 2^−26 ≤ |x| ≤ 105; outside, on every 3rd–5th f32).
 */
export function emitLogisticF32(b: FunctionBuilder, x: V): void {
  const e = b.newLocal("v128", "sig_e");
  // −|x| (sign bit set), clamped below only: it is ≤ 0 (or NaN).
  b.local.set(e, () => b.f32x4.pmax(() => b.v128.or(x, () => i32s(b, -0x80000000)), () => f32s(b, -104)));
  emitExpClampedF32(b, e, true);
  b.local.set(e);
  b.f32x4.div(
    () => b.v128.bitselect(e, () => f32s(b, 1), () => b.f32x4.lt(x, () => f32s(b, 0))),
    () => b.f32x4.add(e, () => f32s(b, 1)),
  );
}

const f64s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("f64x2", [c, c]);
const i64s = (b: FunctionBuilder, c: bigint): FunctionBuilder => b.v128.const("i64x2", [c, c]);

/**
 * acc = acc·x + c on f64x2 lanes, over the coefficients (highest degree first), with relaxed
 * SIMD's fused multiply-add where the engine has it (as `madd` for f32). (f64 erf, which must
 * equal js bit for bit, runs its own unfused Horner loop.)
 */
function hornerF64(b: FunctionBuilder, x: V, coefficients: readonly number[]): void {
  f64s(b, coefficients[0]!);
  for (const c of coefficients.slice(1)) madd(b, undefined, x, () => f64s(b, c), "f64x2");
}

/**
 * e^x on f64x2: n = round(x·log2 e) by the magic add of 1.5·2^52 (whose low bits then hold n
 * as an integer), Cody–Waite x = n·ln2 + r with fdlibm's split of ln2, the Taylor polynomial
 * of degree 13 on |r| ≤ ln2/2 (truncation below 1e-17 relative), and 2^n applied as two
 * power-of-two factors so denormal results and +Inf round once. Max error: 2 ulp against
 * Math.exp, which the js backend uses and which is itself within 1 ulp (measured: 1).
 */
export function emitExpF64(b: FunctionBuilder, x: V): void {
  const xc = b.newLocal("v128", "exp_x");
  const m = b.newLocal("v128", "exp_m");
  const n = b.newLocal("v128", "exp_n");
  const r = b.newLocal("v128", "exp_r");
  const ni = b.newLocal("v128", "exp_ni");
  const half = b.newLocal("v128", "exp_half");
  const magic = 6755399441055744;
  b.local.set(xc, () => b.f64x2.max(() => b.f64x2.min(x, () => f64s(b, 710)), () => f64s(b, -746)));
  b.local.set(m, () => b.f64x2.add(() => b.f64x2.mul(xc, () => f64s(b, Math.LOG2E)), () => f64s(b, magic)));
  b.local.set(n, () => b.f64x2.sub(m, () => f64s(b, magic)));
  b.local.set(r, () => b.f64x2.sub(xc, () => b.f64x2.mul(n, () => f64s(b, 0.6931471803691238))));
  b.local.set(r, () => b.f64x2.sub(r, () => b.f64x2.mul(n, () => f64s(b, 1.9082149292705877e-10))));
  const taylor: number[] = [];
  for (let k = 13, f = 6227020800; k >= 0; f /= Math.max(k, 1), k--) taylor.push(1 / f);
  hornerF64(b, r, taylor);
  // n as i64: the magic's bit pattern differs from m's by exactly n in the low bits.
  b.local.set(ni, () => b.i64x2.sub(m, () => f64s(b, magic)));
  b.local.set(half, () => b.i64x2.shr_s(ni, 1));
  b.f64x2.mul(() => b.i64x2.add(() => b.i64x2.shl(half, 52), () => i64s(b, 0x3ff0000000000000n)));
  b.f64x2.mul(() => b.i64x2.add(() => b.i64x2.shl(() => b.i64x2.sub(ni, half), 52), () => i64s(b, 0x3ff0000000000000n)));
}

/** σ(x) on f64x2, as emitLogisticF32 with emitExpF64. Max error: 2 ulp (measured). */
export function emitLogisticF64(b: FunctionBuilder, x: V): void {
  const e = b.newLocal("v128", "sig_e");
  const nx = b.newLocal("v128", "sig_nx");
  b.local.set(nx, () => b.f64x2.neg(() => b.f64x2.abs(x)));
  emitExpF64(b, nx);
  b.local.set(e);
  b.f64x2.div(
    () => b.v128.bitselect(e, () => f64s(b, 1), () => b.f64x2.lt(x, () => f64s(b, 0))),
    () => b.f64x2.add(e, () => f64s(b, 1)),
  );
}

/**
 * ln x on f64x2: fdlibm's __ieee754_log. x = 2^k·m with m in [√½, √2) (denormals scaled by
 * 2^54 first), f = m − 1, s = f/(2+f), ln(1+f) = f − ½f² + s(½f² + R(s²)) with fdlibm's
 * degree-14 minimax R, and k·ln2 added in two parts. x < 0 and NaN → NaN, ±0 → −Inf,
 * +Inf → +Inf. Max error: 1 ulp against Math.log (measured in wasm-math.test.ts).
 */
export function emitLogF64(b: FunctionBuilder, x: V): void {
  const xs = b.newLocal("v128", "log_x");
  const k = b.newLocal("v128", "log_k");
  const m = b.newLocal("v128", "log_m");
  const f = b.newLocal("v128", "log_f");
  const s = b.newLocal("v128", "log_s");
  const z = b.newLocal("v128", "log_z");
  const h = b.newLocal("v128", "log_h");
  const y = b.newLocal("v128", "log_y");
  const mask = b.newLocal("v128", "log_mask");
  b.local.set(mask, () => b.f64x2.lt(x, () => f64s(b, 2.2250738585072014e-308)));
  b.local.set(xs, () => b.v128.bitselect(() => b.f64x2.mul(x, () => f64s(b, 2 ** 54)), x, mask));
  // k = biased exponent − 1022 (− 54 for scaled denormals), as f64: the exponent field ORed
  // into 2^52's bit pattern, minus 2^52 (exact).
  b.local.set(k, () => b.f64x2.sub(() => b.v128.or(() => b.i64x2.shr_u(xs, 52), () => f64s(b, 2 ** 52)), () => f64s(b, 2 ** 52 + 1022)));
  b.local.set(k, () => b.f64x2.sub(k, () => b.v128.and(mask, () => f64s(b, 54))));
  b.local.set(m, () => b.v128.or(() => b.v128.and(xs, () => i64s(b, 0x000fffffffffffffn)), () => i64s(b, 0x3fe0000000000000n)));
  // m in [½, 1) with x = 2^k·m: below √½ double m (exact) and take 1 from k.
  b.local.set(mask, () => b.f64x2.lt(m, () => f64s(b, Math.SQRT1_2)));
  b.local.set(m, () => b.v128.bitselect(() => b.f64x2.add(m, m), m, mask));
  b.local.set(k, () => b.f64x2.sub(k, () => b.v128.and(() => f64s(b, 1), mask)));
  b.local.set(f, () => b.f64x2.sub(m, () => f64s(b, 1)));
  b.local.set(s, () => b.f64x2.div(f, () => b.f64x2.add(f, () => f64s(b, 2))));
  b.local.set(z, () => b.f64x2.mul(s, s));
  b.local.set(h, () => b.f64x2.mul(() => b.f64x2.mul(f, f), () => f64s(b, 0.5)));
  hornerF64(b, z, [
    0.14798198605116586, 0.15313837699209373, 0.1818357216161805, 0.22222198432149784, 0.2857142874366239, 0.3999999999940942,
    0.6666666666666735,
  ]);
  b.f64x2.mul(z);
  b.local.set(y);
  // y = k·ln2_hi − ((h − (s·(h + R) + k·ln2_lo)) − f)
  b.local.set(y, () => b.f64x2.add(() => b.f64x2.mul(s, () => b.f64x2.add(h, y)), () => b.f64x2.mul(k, () => f64s(b, 1.9082149292705877e-10))));
  b.local.set(y, () => b.f64x2.sub(() => b.f64x2.sub(h, y), f));
  b.local.set(y, () => b.f64x2.sub(() => b.f64x2.mul(k, () => f64s(b, 0.6931471803691238)), y));
  b.local.set(y, () => b.v128.bitselect(x, y, () => b.f64x2.eq(x, () => f64s(b, Number.POSITIVE_INFINITY))));
  b.local.set(y, () => b.v128.bitselect(() => f64s(b, Number.NEGATIVE_INFINITY), y, () => b.f64x2.eq(x, () => f64s(b, 0))));
  b.v128.bitselect(() => f64s(b, Number.NaN), y, () => b.v128.not(() => b.f64x2.ge(x, () => f64s(b, 0))));
}

/**
 * ln(1+x) on f64x2: u = 1 ⊕ x, ln u (emitLogF64) plus the first-order correction
 * (x − (u − 1))/u for the rounding of u. |x| < 2^−53 → x (so ±0 and denormals are exact),
 * −1 → −Inf, x < −1 and NaN → NaN, +Inf → +Inf. Max error: 2 ulp against Math.log1p
 * (measured in wasm-math.test.ts).
 */
export function emitLog1pF64(b: FunctionBuilder, x: V): void {
  const u = b.newLocal("v128", "l1p_u");
  const y = b.newLocal("v128", "l1p_y");
  b.local.set(u, () => b.f64x2.add(x, () => f64s(b, 1)));
  emitLogF64(b, u);
  b.local.set(y);
  b.local.set(y, () => b.f64x2.add(y, () => b.f64x2.div(() => b.f64x2.sub(x, () => b.f64x2.sub(u, () => f64s(b, 1))), u)));
  b.local.set(y, () => b.v128.bitselect(x, y, () => b.f64x2.lt(() => b.f64x2.abs(x), () => f64s(b, 2 ** -53))));
  b.local.set(y, () => b.v128.bitselect(x, y, () => b.f64x2.eq(x, () => f64s(b, Number.POSITIVE_INFINITY))));
  b.local.set(y, () => b.v128.bitselect(() => f64s(b, Number.NEGATIVE_INFINITY), y, () => b.f64x2.eq(x, () => f64s(b, -1))));
  b.v128.bitselect(() => f64s(b, Number.NaN), y, () => b.v128.not(() => b.f64x2.ge(x, () => f64s(b, -1))));
}

/**
 * e^x − 1 on f64x2, by Kahan's trick: u = e^x (emitExpF64); u = 1 → x; else
 * (u − 1)·(x/ln u), which cancels the rounding of u (x/ln u first: no overflow near 709). u = +Inf → +Inf (x above ln(MAX_VALUE)),
 * x < −37.5 → −1, NaN → NaN, ±0 and denormals → x. Max error: 3 ulp against Math.expm1
 * (measured in wasm-math.test.ts).
 */
export function emitExpm1F64(b: FunctionBuilder, x: V): void {
  const u = b.newLocal("v128", "em1_u");
  const y = b.newLocal("v128", "em1_y");
  emitExpF64(b, x);
  b.local.set(u);
  emitLogF64(b, u);
  b.local.set(y);
  b.local.set(y, () => b.f64x2.mul(() => b.f64x2.sub(u, () => f64s(b, 1)), () => b.f64x2.div(x, y)));
  b.local.set(y, () => b.v128.bitselect(x, y, () => b.f64x2.eq(u, () => f64s(b, 1))));
  b.local.set(y, () => b.v128.bitselect(() => f64s(b, -1), y, () => b.f64x2.lt(x, () => f64s(b, -37.5))));
  // Overflow exactly where e^x does (u = +Inf, where the quotient above is Inf·0 = NaN).
  b.v128.bitselect(() => f64s(b, Number.POSITIVE_INFINITY), y, () => b.f64x2.eq(u, () => f64s(b, Number.POSITIVE_INFINITY)));
}

/**
 * tanh x on f64x2: t = e^{2|x|} − 1 (emitExpm1F64), tanh|x| = t/(t + 2), with x's sign;
 * |x| clamped to 22 (tanh = 1 in f64 beyond 19.06). No cancellation anywhere, so the
 * relative accuracy holds from denormals (tanh x = x, −0 kept) to ±1. NaN → NaN,
 * ±Inf → ±1. Max error: 4 ulp against Math.tanh (measured in wasm-math.test.ts).
 */
export function emitTanhF64(b: FunctionBuilder, x: V): void {
  const a = b.newLocal("v128", "tanh_a");
  const t = b.newLocal("v128", "tanh_t");
  b.local.set(a, () => b.f64x2.min(() => b.f64x2.abs(x), () => f64s(b, 22)));
  b.local.set(a, () => b.f64x2.add(a, a));
  emitExpm1F64(b, a);
  b.local.set(t);
  b.local.set(t, () => b.f64x2.div(t, () => b.f64x2.add(t, () => f64s(b, 2))));
  b.v128.or(t, () => b.v128.and(x, () => i64s(b, -0x8000000000000000n)));
}

/**
 * An f32x4 function computed as its f64x2 version on each half (promoted exactly) and
 * rounded to f32 once more: the f64 error (a few f64 ulp) vanishes in that rounding, so the
 * f32 result is the correctly rounded value or its neighbour (max error 1 ulp).
 */
export function viaF64(emitF64: (b: FunctionBuilder, x: V) => void): (b: FunctionBuilder, x: V) => void {
  return (b, x) => {
    const lo = b.newLocal("v128", "via_lo");
    const hi = b.newLocal("v128", "via_hi");
    b.local.set(lo, () => b.f64x2.promote_low_f32x4(x));
    b.local.set(hi, () => b.f64x2.promote_low_f32x4(highHalf(b, x)));
    emitF64(b, lo);
    b.f32x4.demote_f64x2_zero();
    b.local.set(lo);
    emitF64(b, hi);
    b.f32x4.demote_f64x2_zero();
    b.local.set(hi);
    b.i8x16.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], lo, hi);
  };
}

/**
 * |x| up to which emitSinF64/emitCosF64 reduce accurately: n = round(x·2/π) < 2^20, so each
 * n·(33-bit part of π/2) is exact. Beyond it (and ±Inf) the kernels' lanes are recomputed
 * with Math.sin/Math.cos by the caller (elementwise.ts).
 */
export const SIN_COS_BOUND = 1e6;

/**
 * sin x (quadrant offset 0) or cos x (offset 1) on f64x2 for |x| ≤ SIN_COS_BOUND: n =
 * round(x·2/π), r = x − n·π/2 with π/2 in three parts (fdlibm's pio2_1, pio2_2, pio2_2t:
 * the first two products exact), then fdlibm's __kernel_sin / __kernel_cos polynomials on
 * |r| ≤ π/4, chosen and signed by the quadrant n + offset. −0 → sin −0, NaN → NaN.
 */
function emitSinCosF64(b: FunctionBuilder, x: V, offset: bigint): void {
  const m = b.newLocal("v128", "sc_m");
  const n = b.newLocal("v128", "sc_n");
  const r = b.newLocal("v128", "sc_r");
  const z = b.newLocal("v128", "sc_z");
  const s = b.newLocal("v128", "sc_s");
  const c = b.newLocal("v128", "sc_c");
  const w = b.newLocal("v128", "sc_w");
  const q = b.newLocal("v128", "sc_q");
  const magic = 6755399441055744;
  b.local.set(m, () => b.f64x2.add(() => b.f64x2.mul(x, () => f64s(b, 2 / Math.PI)), () => f64s(b, magic)));
  b.local.set(n, () => b.f64x2.sub(m, () => f64s(b, magic)));
  b.local.set(r, () => b.f64x2.sub(x, () => b.f64x2.mul(n, () => f64s(b, 1.5707963267341256))));
  b.local.set(r, () => b.f64x2.sub(r, () => b.f64x2.mul(n, () => f64s(b, 6.077100506303966e-11))));
  b.local.set(r, () => b.f64x2.sub(r, () => b.f64x2.mul(n, () => f64s(b, 2.0222662487959506e-21))));
  b.local.set(z, () => b.f64x2.mul(r, r));
  // sin r = r + r·z·S(z)
  hornerF64(b, z, [1.58969099521155e-10, -2.5050760253406863e-08, 2.7557313707070068e-06, -0.0001984126982985795, 0.00833333333332249, -0.16666666666666632]);
  b.local.set(s);
  b.local.set(s, () => b.f64x2.add(r, () => b.f64x2.mul(() => b.f64x2.mul(r, z), s)));
  // cos r = w + (((1 − w) − z/2) + z²·C(z)) with w = 1 − z/2 (fdlibm's compensated form)
  hornerF64(b, z, [-1.1359647557788195e-11, 2.087572321298175e-09, -2.7557314351390663e-07, 2.480158728947673e-05, -0.001388888888887411, 0.0416666666666666]);
  b.local.set(c);
  b.local.set(w, () => b.f64x2.sub(() => f64s(b, 1), () => b.f64x2.mul(z, () => f64s(b, 0.5))));
  b.local.set(c, () => b.f64x2.add(() => b.f64x2.sub(() => b.f64x2.sub(() => f64s(b, 1), w), () => b.f64x2.mul(z, () => f64s(b, 0.5))), () => b.f64x2.mul(() => b.f64x2.mul(z, z), c)));
  b.local.set(c, () => b.f64x2.add(w, c));
  // quadrant q = n + offset (n's integer bits sit in m's low bits): odd → cos r, bit 1 → negate.
  b.local.set(q, () => b.i64x2.add(() => b.i64x2.sub(m, () => f64s(b, magic)), () => i64s(b, offset)));
  b.v128.bitselect(c, s, () => b.i64x2.eq(() => b.v128.and(q, () => i64s(b, 1n)), () => i64s(b, 1n)));
  b.v128.xor(() => b.i64x2.shl(() => b.v128.and(q, () => i64s(b, 2n)), 62));
}

/** sin x on f64x2 for |x| ≤ SIN_COS_BOUND. Max error: 2 ulp against Math.sin (measured in wasm-math.test.ts). */
export function emitSinF64(b: FunctionBuilder, x: V): void {
  emitSinCosF64(b, x, 0n);
}

/** cos x on f64x2 for |x| ≤ SIN_COS_BOUND. Max error: 2 ulp against Math.cos (measured in wasm-math.test.ts). */
export function emitCosF64(b: FunctionBuilder, x: V): void {
  emitSinCosF64(b, x, 1n);
}

/**
 * erf x on f64x2, bit for bit js's erf (../scalar/js-math.ts): the same Taylor expansion
 * about c = k/4 with k = Math.round(4|x|) (round half up: floor, then +1 from a fraction of
 * ½), the same table (kept in the arena at ERF_TABLE_AT, one row per lane loaded as
 * v128.load64_splat/load64_lane: a gather of two rows), the same Horner order and rounding
 * (no fused multiply-add). |x| ≥ 6 → ±1, NaN and ±0 → x, x's sign on the rest.
 */
export function emitErfF64(b: FunctionBuilder, x: V): void {
  const ax = b.newLocal("v128", "erf_ax");
  const v = b.newLocal("v128", "erf_v");
  const k = b.newLocal("v128", "erf_k");
  const h = b.newLocal("v128", "erf_h");
  const acc = b.newLocal("v128", "erf_s");
  const row0 = b.newLocal("i32", "erf_row0");
  const row1 = b.newLocal("i32", "erf_row1");
  b.local.set(ax, () => b.f64x2.abs(x));
  b.local.set(v, () => b.f64x2.mul(ax, () => f64s(b, 4)));
  b.local.set(k, () => b.f64x2.floor(v));
  b.local.set(k, () => b.f64x2.add(k, () => b.v128.and(() => b.f64x2.ge(() => b.f64x2.sub(v, k), () => f64s(b, 0.5)), () => f64s(b, 1))));
  // (lanes past the table, |x| ≥ 6 or NaN, read row 24 and are replaced below)
  b.local.set(k, () => b.f64x2.min(k, () => f64s(b, ERF_ROWS - 1)));
  b.local.set(h, () => b.f64x2.sub(ax, () => b.f64x2.mul(k, () => f64s(b, 0.25))));
  const rowOf = (lane: number) => () =>
    b.i32.add(() => b.i32.mul(() => b.i32x4.extract_lane(lane, () => b.i32x4.trunc_sat_f64x2_s_zero(k)), ERF_STRIDE * 8), ERF_TABLE_AT);
  b.local.set(row0, rowOf(0));
  b.local.set(row1, rowOf(1));
  /** Column j of each lane's row. */
  const column = (j: number) => () => b.v128.load64_lane(1, row1, () => b.v128.load64_splat(row0, { offset: 8 * j }), { offset: 8 * j });
  b.local.set(acc, column(1 + ERF_TERMS));
  for (let n = ERF_TERMS - 1; n >= 1; n--) b.local.set(acc, () => b.f64x2.add(() => b.f64x2.mul(acc, h), column(1 + n)));
  b.local.set(acc, () => b.f64x2.add(column(0), () => b.f64x2.add(column(1), () => b.f64x2.mul(acc, h))));
  b.local.set(acc, () => b.v128.bitselect(() => f64s(b, 1), acc, () => b.f64x2.ge(ax, () => f64s(b, 6))));
  b.local.set(acc, () => b.v128.bitselect(x, acc, () => b.v128.or(() => b.f64x2.ne(x, x), () => b.f64x2.eq(x, () => f64s(b, 0)))));
  b.v128.or(acc, () => b.v128.and(x, () => i64s(b, -0x8000000000000000n)));
}

/** erf x on f32x4: emitErfF64 (js's erf, bit for bit) on promoted lanes, rounded once, so it
 * equals the js backend's f32 erf exactly. */
export const emitErfF32 = viaF64(emitErfF64);

// f64x2 versions accurate enough for f32 results (a few 1e-16 relative, rounded once to f32:
// within 1 ulp there). The f32 kernels run them on promoted lanes; f64 kernels do not use them.

/** sinh x = (u + u/(u+1))/2 with u = e^|x| − 1 (no cancellation near 0), with x's sign; u = +Inf → +Inf. */
export function emitSinhF64ForF32(b: FunctionBuilder, x: V): void {
  const u = b.newLocal("v128", "sinh_u");
  const ax = b.newLocal("v128", "sinh_ax");
  b.local.set(ax, () => b.f64x2.abs(x));
  emitExpm1F64(b, ax);
  b.local.set(u);
  b.local.set(u, () =>
    b.v128.bitselect(
      u,
      () => b.f64x2.mul(() => f64s(b, 0.5), () => b.f64x2.add(u, () => b.f64x2.div(u, () => b.f64x2.add(u, () => f64s(b, 1))))),
      () => b.f64x2.eq(u, () => f64s(b, Number.POSITIVE_INFINITY)),
    ),
  );
  b.v128.or(u, () => b.v128.and(x, () => i64s(b, -0x8000000000000000n)));
}

/** cosh x = (e + 1/e)/2 with e = e^|x|. */
export function emitCoshF64ForF32(b: FunctionBuilder, x: V): void {
  const e = b.newLocal("v128", "cosh_e");
  const ax = b.newLocal("v128", "cosh_ax");
  b.local.set(ax, () => b.f64x2.abs(x));
  emitExpF64(b, ax);
  b.local.set(e);
  b.f64x2.mul(() => f64s(b, 0.5), () => b.f64x2.add(e, () => b.f64x2.div(() => f64s(b, 1), e)));
}

/** tan x = sin x / cos x for |x| ≤ SIN_COS_BOUND (both relative-accurate, also near the poles). */
export function emitTanF64ForF32(b: FunctionBuilder, x: V): void {
  const s = b.newLocal("v128", "tan_s");
  emitSinF64(b, x);
  b.local.set(s);
  b.f64x2.div(s, () => emitCosF64(b, x));
}

/**
 * x ** y as JS computes it (special cases included: y = ±0 → 1, NaN → NaN, |x| = 1 with
 * y = ±Inf → NaN, signed zeros and infinities, negative x with an integer y signed by its
 * parity, with a non-integer y NaN) from e^{y·ln|x|} in f64.
 */
export function emitPowF64ForF32(b: FunctionBuilder, x: V, y: V): void {
  const t = b.newLocal("v128", "pow_t");
  const r = b.newLocal("v128", "pow_r");
  const isInt = b.newLocal("v128", "pow_int");
  const odd = b.newLocal("v128", "pow_odd");
  const h = b.newLocal("v128", "pow_h");
  b.local.set(t, () => b.f64x2.abs(x));
  emitLogF64(b, t);
  b.local.set(t);
  b.local.set(t, () => b.f64x2.mul(y, t));
  emitExpF64(b, t);
  b.local.set(r);
  b.local.set(isInt, () => b.f64x2.eq(() => b.f64x2.trunc(y), y));
  b.local.set(h, () => b.f64x2.mul(y, () => f64s(b, 0.5)));
  b.local.set(odd, () => b.v128.and(isInt, () => b.f64x2.ne(() => b.f64x2.trunc(h), h)));
  // negative x (−0 and −Inf included) with an odd integer y: −r
  b.local.set(r, () => b.v128.xor(r, () => b.v128.and(() => b.v128.and(x, odd), () => i64s(b, -0x8000000000000000n))));
  // finite negative x with a non-integer y: NaN
  b.local.set(r, () =>
    b.v128.bitselect(
      () => f64s(b, Number.NaN),
      r,
      () =>
        b.v128.and(
          () => b.v128.and(() => b.f64x2.lt(x, () => f64s(b, 0)), () => b.f64x2.gt(x, () => f64s(b, Number.NEGATIVE_INFINITY))),
          () => b.v128.not(isInt),
        ),
    ),
  );
  b.v128.bitselect(() => f64s(b, 1), r, () => b.f64x2.eq(y, () => f64s(b, 0)));
}

// x ** y on f64x2 as the js backend computes it (V8's Math.pow: fdlibm's
// __ieee754_pow; an engine with another pow, such as a C library's, may differ by 1 ulp),
// for the lanes its main path covers, with the same operations in the same order (no fused
// multiply-add): so bit for bit. log2 x is computed as t1 + t2 (t1 with 32 zero low bits)
// from s = (m − b)/(m + b), b = 1 or 1.5 by m's interval, and 2^(y·log2 x) from the sum
// p_h + p_l split at its nearest integer. Constants: fdlibm's.
const POW_L = [0.5999999999999946, 0.4285714285785502, 0.33333332981837743, 0.272728123808534, 0.23066074577556175, 0.20697501780033842];
const POW_P = [0.16666666666666602, -0.0027777777777015593, 0.00006613756321437934, -0.0000016533902205465252, 4.1381367970572385e-8];
const POW_DP_H = 0.5849624872207642; // log2 1.5, 32 zero low bits
const POW_DP_L = 1.350039202129749e-8; // its tail
const POW_CP = 0.9617966939259756; // 2/(3 ln 2)
const POW_CP_H = 0.9617967009544373; // as f32
const POW_CP_L = -7.028461650952758e-9;
const POW_LG2 = Math.LN2;
const POW_LG2_H = 0.6931471824645996; // 32 zero low bits
const POW_LG2_L = -1.904654299957768e-9;
/** |y·log2 x| from which a lane goes per lane: overflow, underflow and denormal results. */
const POW_Z_BOUND = 1020;
const HIGH_HALF = -0x100000000n; // 0xFFFFFFFF_00000000

/**
 * x ** y on f64x2 for positive normal x, |y| ≤ 2^31 (up to fdlibm's high-word test) and
 * |y·log2 x| < 1020, and for y = ±0, ±1, 2 (any x) and ½ (x ≥ +0) as fdlibm's shortcuts
 * (1, x, 1/x, x·x, √x): equal to js bit for bit there. Sets `special` to the lanes outside
 * (x ≤ 0, x denormal, ±Inf or NaN; y huge, ±Inf or NaN; results near overflow or in the
 * denormal range), which the caller recomputes with js's pow.
 */
export function emitPowF64(b: FunctionBuilder, x: V, y: V, special: V): void {
  const [ix, n, j, big, k1, ax, bp, dph, u, w, ss, sh, th, tl, sl, s2, r, ph, pl, zh, zl, t, t1, t2, y1, z, az, tt] = b.newLocals(
    "v128",
    ["ix", "n", "j", "big", "k1", "ax", "bp", "dph", "u", "w", "ss", "sh", "th", "tl", "sl", "s2", "r", "ph", "pl", "zh", "zl", "t", "t1", "t2", "y1", "z", "az", "tt"],
    "pow_",
  );
  const low0 = (e: Operand): FunctionBuilder => b.v128.and(e, () => i64s(b, HIGH_HALF));
  const magic = 6755399441055744;
  // m = x's mantissa in [1, 2); past √3 (j ≥ 0xBB67A) it is halved and n counts one more.
  b.local.set(ix, () => b.i64x2.shr_u(x, 32));
  b.local.set(j, () => b.v128.and(ix, () => i64s(b, 0xfffffn)));
  b.local.set(big, () => b.i64x2.gt_s(j, () => i64s(b, 0xbb679n)));
  b.local.set(k1, () => b.v128.andnot(() => b.i64x2.gt_s(j, () => i64s(b, 0x3988en)), big));
  b.local.set(n, () => b.i64x2.sub(() => b.i64x2.sub(() => b.i64x2.shr_u(ix, 20), () => i64s(b, 0x3ffn)), big));
  b.local.set(ix, () => b.i64x2.sub(() => b.v128.or(j, () => i64s(b, 0x3ff00000n)), () => b.v128.and(big, () => i64s(b, 0x100000n))));
  b.local.set(ax, () => b.v128.or(() => b.i64x2.shl(ix, 32), () => b.v128.and(x, () => i64s(b, 0xffffffffn))));
  b.local.set(bp, () => b.v128.bitselect(() => f64s(b, 1.5), () => f64s(b, 1), k1));
  // s = u·w = (m − b)/(m + b) as s_h + s_l.
  b.local.set(u, () => b.f64x2.sub(ax, bp));
  b.local.set(w, () => b.f64x2.div(() => f64s(b, 1), () => b.f64x2.add(ax, bp)));
  b.local.set(ss, () => b.f64x2.mul(u, w));
  b.local.set(sh, () => low0(ss));
  b.local.set(th, () =>
    b.i64x2.shl(() => b.i64x2.add(() => b.i64x2.add(() => b.v128.or(() => b.i64x2.shr_u(ix, 1), () => i64s(b, 0x20000000n)), () => i64s(b, 0x80000n)), () => b.v128.and(k1, () => i64s(b, 0x40000n))), 32),
  );
  b.local.set(tl, () => b.f64x2.sub(ax, () => b.f64x2.sub(th, bp)));
  b.local.set(sl, () => b.f64x2.mul(w, () => b.f64x2.sub(() => b.f64x2.sub(u, () => b.f64x2.mul(sh, th)), () => b.f64x2.mul(sh, tl))));
  // log m (scaled by 3/2) = s·(3 + s² + r) as u + w, then times 2/(3 ln 2), plus log2 b and n.
  b.local.set(s2, () => b.f64x2.mul(ss, ss));
  b.local.set(r, () => b.f64x2.mul(() => b.f64x2.mul(s2, s2), () => polyUnfusedF64(b, s2, POW_L)));
  b.local.set(r, () => b.f64x2.add(r, () => b.f64x2.mul(sl, () => b.f64x2.add(sh, ss))));
  b.local.set(s2, () => b.f64x2.mul(sh, sh));
  b.local.set(th, () => low0(() => b.f64x2.add(() => b.f64x2.add(() => f64s(b, 3), s2), r)));
  b.local.set(tl, () => b.f64x2.sub(r, () => b.f64x2.sub(() => b.f64x2.sub(th, () => f64s(b, 3)), s2)));
  b.local.set(u, () => b.f64x2.mul(sh, th));
  b.local.set(w, () => b.f64x2.add(() => b.f64x2.mul(sl, th), () => b.f64x2.mul(tl, ss)));
  b.local.set(ph, () => low0(() => b.f64x2.add(u, w)));
  b.local.set(pl, () => b.f64x2.sub(w, () => b.f64x2.sub(ph, u)));
  b.local.set(zh, () => b.f64x2.mul(() => f64s(b, POW_CP_H), ph));
  b.local.set(zl, () =>
    b.f64x2.add(() => b.f64x2.add(() => b.f64x2.mul(() => f64s(b, POW_CP_L), ph), () => b.f64x2.mul(pl, () => f64s(b, POW_CP))), () => b.v128.and(k1, () => f64s(b, POW_DP_L))),
  );
  b.local.set(t, () => b.f64x2.sub(() => b.i64x2.add(n, () => f64s(b, magic)), () => f64s(b, magic)));
  b.local.set(dph, () => b.v128.and(k1, () => f64s(b, POW_DP_H)));
  b.local.set(t1, () => low0(() => b.f64x2.add(() => b.f64x2.add(() => b.f64x2.add(zh, zl), dph), t)));
  b.local.set(t2, () => b.f64x2.sub(zl, () => b.f64x2.sub(() => b.f64x2.sub(() => b.f64x2.sub(t1, t), dph), zh)));
  // y·log2 x = p_h + p_l with y split at its 32 high bits.
  b.local.set(y1, () => low0(y));
  b.local.set(pl, () => b.f64x2.add(() => b.f64x2.mul(() => b.f64x2.sub(y, y1), t1), () => b.f64x2.mul(y, t2)));
  b.local.set(ph, () => b.f64x2.mul(y1, t1));
  b.local.set(z, () => b.f64x2.add(pl, ph));
  b.local.set(az, () => b.f64x2.abs(z));
  // n = the integer nearest z, halves away from 0, where |z|'s high word is above ½'s.
  b.local.set(tt, () =>
    b.v128.and(
      () => b.v128.or(() => b.f64x2.floor(() => b.f64x2.add(az, () => f64s(b, 0.5))), () => b.v128.and(z, () => i64s(b, -0x8000000000000000n))),
      () => b.i64x2.gt_s(() => b.i64x2.shr_u(az, 32), () => i64s(b, 0x3fe00000n)),
    ),
  );
  b.local.set(ph, () => b.f64x2.sub(ph, tt));
  // 2^(p_h + p_l) = 1 + z + z·t1/(2 − t1) − …, fdlibm's rational form, then times 2^n.
  b.local.set(t, () => low0(() => b.f64x2.add(pl, ph)));
  b.local.set(u, () => b.f64x2.mul(t, () => f64s(b, POW_LG2_H)));
  b.local.set(w, () => b.f64x2.add(() => b.f64x2.mul(() => b.f64x2.sub(pl, () => b.f64x2.sub(t, ph)), () => f64s(b, POW_LG2)), () => b.f64x2.mul(t, () => f64s(b, POW_LG2_L))));
  b.local.set(z, () => b.f64x2.add(u, w));
  b.local.set(w, () => b.f64x2.sub(w, () => b.f64x2.sub(z, u)));
  b.local.set(t, () => b.f64x2.mul(z, z));
  b.local.set(t1, () => b.f64x2.sub(z, () => b.f64x2.mul(t, () => polyUnfusedF64(b, t, POW_P))));
  b.local.set(r, () =>
    b.f64x2.div(() => b.f64x2.mul(z, t1), () => b.f64x2.sub(() => b.f64x2.sub(t1, () => f64s(b, 2)), () => b.f64x2.add(w, () => b.f64x2.mul(z, w)))),
  );
  b.local.set(z, () => b.f64x2.sub(() => f64s(b, 1), () => b.f64x2.sub(r, z)));
  b.local.set(z, () => b.i64x2.add(z, () => b.i64x2.shl(() => b.i64x2.sub(() => b.f64x2.add(tt, () => f64s(b, magic)), () => f64s(b, magic)), 52)));
  // The lanes the main path covers, and fdlibm's shortcuts.
  const eqY = (c: number): FunctionBuilder => b.f64x2.eq(y, () => f64s(b, c));
  const shortcut = b.newLocal("v128", "pow_short");
  b.local.set(shortcut, () => b.v128.or(() => b.v128.or(() => eqY(0), () => eqY(1)), () => b.v128.or(() => eqY(-1), () => eqY(2))));
  b.local.set(t, () => b.v128.and(() => eqY(0.5), () => b.i64x2.ge_s(x, () => i64s(b, 0n))));
  b.local.set(special, () =>
    b.v128.andnot(
      () =>
        b.v128.not(() =>
          b.v128.and(
            () => b.v128.and(() => b.i64x2.ge_s(x, () => i64s(b, 0x10000000000000n)), () => b.i64x2.lt_s(x, () => i64s(b, 0x7ff0000000000000n))),
            () => b.v128.and(() => b.i64x2.le_s(() => b.i64x2.shr_u(() => b.f64x2.abs(y), 32), () => i64s(b, 0x41e00000n)), () => b.f64x2.lt(az, () => f64s(b, POW_Z_BOUND))),
          ),
        ),
      () => b.v128.or(shortcut, t),
    ),
  );
  b.local.set(z, () => b.v128.bitselect(() => b.f64x2.sqrt(x), z, t));
  b.local.set(z, () => b.v128.bitselect(() => b.f64x2.mul(x, x), z, () => eqY(2)));
  b.local.set(z, () => b.v128.bitselect(() => b.f64x2.div(() => f64s(b, 1), x), z, () => eqY(-1)));
  b.local.set(z, () => b.v128.bitselect(x, z, () => eqY(1)));
  b.v128.bitselect(() => f64s(b, 1), z, () => eqY(0));
}

/** Σ c_k·s^k (coefficients lowest degree first) by Horner's scheme with a separate multiply
 * and add at every step, c_0 + s·(c_1 + s·(…)): the roundings of C's own expression, for
 * formulas that must equal js bit for bit (hornerF64 may fuse). */
function polyUnfusedF64(b: FunctionBuilder, s: V, coefficients: readonly number[]): void {
  const at = (i: number): void => {
    if (i === coefficients.length - 1) f64s(b, coefficients[i]!);
    else b.f64x2.add(() => f64s(b, coefficients[i]!), () => b.f64x2.mul(s, () => at(i + 1)));
  };
  at(0);
}

/** fdlibm's atan polynomial: atan t for |t| ≤ 7/16 (t − t·(s1 + s2), odd and even coefficients by z² = t⁴). */
function emitAtanPolyF64(b: FunctionBuilder, t: V): void {
  const z = b.newLocal("v128", "atp_z");
  const w = b.newLocal("v128", "atp_w");
  const s1 = b.newLocal("v128", "atp_s1");
  b.local.set(z, () => b.f64x2.mul(t, t));
  b.local.set(w, () => b.f64x2.mul(z, z));
  hornerF64(b, w, [0.016285820115365782, 0.049768779946159324, 0.06661073137387531, 0.09090887133436507, 0.14285714272503466, 0.3333333333333293]);
  b.f64x2.mul(z);
  b.local.set(s1);
  hornerF64(b, w, [-0.036531572744216916, -0.058335701337905735, -0.0769187620504483, -0.11111110405462356, -0.19999999999876483]);
  b.f64x2.mul(w);
  b.f64x2.add(s1);
  b.f64x2.mul(t);
  b.local.set(s1);
  b.f64x2.sub(t, s1);
}

/**
 * atan x: |x| > 1 → π/2 − atan(1/|x|); then above tan(π/8) → π/4 + atan((u−1)/(u+1)); the
 * fdlibm polynomial on what is left (|t| ≤ 0.4143), x's sign restored. ±Inf → ±π/2, −0 kept.
 */
export function emitAtanF64ForF32(b: FunctionBuilder, x: V): void {
  const a = b.newLocal("v128", "atan_a");
  const inv = b.newLocal("v128", "atan_inv");
  const mid = b.newLocal("v128", "atan_mid");
  const u = b.newLocal("v128", "atan_u");
  const r = b.newLocal("v128", "atan_r");
  b.local.set(a, () => b.f64x2.abs(x));
  b.local.set(inv, () => b.f64x2.gt(a, () => f64s(b, 1)));
  b.local.set(u, () => b.v128.bitselect(() => b.f64x2.div(() => f64s(b, 1), a), a, inv));
  b.local.set(mid, () => b.f64x2.gt(u, () => f64s(b, 0.41421356237309503)));
  b.local.set(u, () => b.v128.bitselect(() => b.f64x2.div(() => b.f64x2.sub(u, () => f64s(b, 1)), () => b.f64x2.add(u, () => f64s(b, 1))), u, mid));
  emitAtanPolyF64(b, u);
  b.local.set(r);
  b.local.set(r, () => b.v128.bitselect(() => b.f64x2.add(r, () => f64s(b, Math.PI / 4)), r, mid));
  b.local.set(r, () => b.v128.bitselect(() => b.f64x2.sub(() => f64s(b, Math.PI / 2), r), r, inv));
  b.v128.or(r, () => b.v128.and(x, () => i64s(b, -0x8000000000000000n)));
}

/** asin x = atan(x / √((1−x)(1+x))): ±1 → ±π/2, |x| > 1 → NaN. */
export function emitAsinF64ForF32(b: FunctionBuilder, x: V): void {
  const q = b.newLocal("v128", "asin_q");
  b.local.set(q, () => b.f64x2.div(x, () => b.f64x2.sqrt(() => b.f64x2.mul(() => b.f64x2.sub(() => f64s(b, 1), x), () => b.f64x2.add(() => f64s(b, 1), x)))));
  emitAtanF64ForF32(b, q);
}

/** acos x = 2·atan √((1−x)/(1+x)): 1 → 0, −1 → π, |x| > 1 → NaN. */
export function emitAcosF64ForF32(b: FunctionBuilder, x: V): void {
  const q = b.newLocal("v128", "acos_q");
  b.local.set(q, () => b.f64x2.sqrt(() => b.f64x2.div(() => b.f64x2.sub(() => f64s(b, 1), x), () => b.f64x2.add(() => f64s(b, 1), x))));
  emitAtanF64ForF32(b, q);
  b.f64x2.mul(() => f64s(b, 2));
}
