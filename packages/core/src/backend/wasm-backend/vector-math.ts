// Vector f32 transcendentals (f32x4) for the wasm backend's elementwise kernels, after
// PERF-NOTES §4. Each emitter reads a v128 local holding 4 f32 lanes and leaves the 4
// results on the operand stack. Special values (±0, ±Inf, NaN, denormals, overflow and
// underflow) give what the js backend gives (Math.* in f64, rounded to f32), which the
// property tests in wasm-elementwise.test.ts check; the error bounds below are measured
// there against the js backend over the whole f32 range.
import type { FunctionBuilder, Local } from "../wasm/index.js";

type V = Local<"v128">;

const f32s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("f32x4", [c, c, c, c]);
const i32s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("i32x4", [c, c, c, c]);

/** acc = acc·x + c, over the coefficients (highest degree first): Horner's scheme. */
function horner(b: FunctionBuilder, x: V, coefficients: readonly number[]): void {
  f32s(b, coefficients[0]!);
  for (const c of coefficients.slice(1)) {
    b.f32x4.mul(x);
    b.f32x4.add(() => f32s(b, c));
  }
}

/**
 * e^x. Cody–Waite reduction x = n·ln2 + r (|r| ≤ ln2/2), a degree-6 near-minimax polynomial,
 * and 2^n applied as two power-of-two factors 2^⌊n/2⌋·2^⌈n/2⌉, so that the one final rounding
 * also produces denormal results (x down to −103.97) and +Inf (x above 88.72) correctly.
 * Max error: 1 ulp, denormal results included (measured as for tanh).
 */
export function emitExpF32(b: FunctionBuilder, x: V): void {
  const xc = b.newLocal("v128", "exp_x");
  const n = b.newLocal("v128", "exp_n");
  const r = b.newLocal("v128", "exp_r");
  const ni = b.newLocal("v128", "exp_ni");
  const half = b.newLocal("v128", "exp_half");
  // Clamp (NaN stays NaN: f32x4.min/max propagate it): beyond these, e^x is 0 or Inf in f32.
  b.local.set(xc, () => b.f32x4.max(() => b.f32x4.min(x, () => f32s(b, 88.8)), () => f32s(b, -104)));
  // n = round(x·log2 e) by the magic add of 1.5·2^23.
  const magic = 12582912;
  b.local.set(n, () => b.f32x4.sub(() => b.f32x4.add(() => b.f32x4.mul(xc, () => f32s(b, Math.LOG2E)), () => f32s(b, magic)), () => f32s(b, magic)));
  b.local.set(r, () => b.f32x4.sub(xc, () => b.f32x4.mul(n, () => f32s(b, 0.693359375))));
  b.local.set(r, () => b.f32x4.add(r, () => b.f32x4.mul(n, () => f32s(b, 2.1219444e-4))));
  horner(b, r, [0.0013843655, 0.0083741555, 0.041668002, 0.16666432, 0.49999994, 1, 1]);
  b.local.set(ni, () => b.i32x4.trunc_sat_f32x4_s(n));
  b.local.set(half, () => b.i32x4.shr_s(ni, 1));
  // p · 2^h (exact: stays normal) · 2^(n−h) (the one rounding).
  b.f32x4.mul(() => b.i32x4.add(() => b.i32x4.shl(half, 23), () => i32s(b, 0x3f800000)));
  b.f32x4.mul(() => b.i32x4.add(() => b.i32x4.shl(() => b.i32x4.sub(ni, half), 23), () => i32s(b, 0x3f800000)));
}

/**
 * ln x: Cephes logf (mantissa m in [√½, √2), degree-8 polynomial in m−1, exponent added in
 * two parts). Denormal inputs are scaled by 2^23 first. x < 0 and NaN → NaN, ±0 → −Inf,
 * +Inf → +Inf. Max error: 1 ulp (measured as for tanh).
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
 * tanh x: Eigen's rational x·P(x²)/Q(x²) (P degree 13 odd, Q degree 6 even), inputs clamped
 * to ±7.90531, on 0.45 ≤ |x| < 0.55 only; a Taylor polynomial below, 1 − 2/(e^{2|x|}+1)
 * above (PERF-NOTES' 5–7 ulp of the rational alone occur there). NaN → NaN, ±Inf → ±1.
 * Max error: 3 ulp, from the rational on [0.45, 0.55] (measured against Math.tanh over 6.7e7
 * random f32 bit patterns and 2e7 uniform samples of ±0.001, ±0.3, ±0.6, ±10, ±100).
 */
export function emitTanhF32(b: FunctionBuilder, x: V): void {
  const xc = b.newLocal("v128", "tanh_x");
  const x2 = b.newLocal("v128", "tanh_x2");
  const p = b.newLocal("v128", "tanh_p");
  b.local.set(xc, () => b.f32x4.max(() => b.f32x4.min(x, () => f32s(b, 7.905311107635498)), () => f32s(b, -7.905311107635498)));
  b.local.set(x2, () => b.f32x4.mul(xc, xc));
  horner(b, x2, [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3]);
  b.f32x4.mul(xc);
  b.local.set(p);
  b.f32x4.div(p, () => horner(b, x2, [1.19825839466702e-6, 1.18534705686654e-4, 2.268434632439e-3, 4.89352518554385e-3]));
  b.local.set(p);
  // |x| < 0.45: the Taylor series of tanh to x¹³ (the rational loses 4 ulp there);
  // −0 and denormals come out exact.
  b.local.set(p, () =>
    b.v128.bitselect(
      () => {
        horner(b, x2, [21844 / 6081075, -1382 / 155925, 62 / 2835, -17 / 315, 2 / 15, -1 / 3]);
        b.f32x4.mul(x2);
        b.f32x4.mul(x);
        b.f32x4.add(x);
      },
      p,
      () => b.f32x4.lt(() => b.f32x4.abs(x), () => f32s(b, 0.45)),
    ),
  );
  // |x| ≥ 0.55 (|tanh| ≥ ½): 1 − 2/(e^{2|x|} + 1) with x's sign, 2 ulp where the rational
  // reaches 7 (the cancellation this form suffers near 0 is below 0.55 only).
  const ax = b.newLocal("v128", "tanh_ax");
  b.local.set(ax, () => b.f32x4.abs(x));
  const e2 = b.newLocal("v128", "tanh_e2");
  b.local.set(e2, () => b.f32x4.add(ax, ax));
  emitExpF32(b, e2);
  b.local.set(e2);
  b.local.set(e2, () => b.f32x4.sub(() => f32s(b, 1), () => b.f32x4.div(() => f32s(b, 2), () => b.f32x4.add(e2, () => f32s(b, 1)))));
  b.local.set(e2, () => b.v128.or(e2, () => b.v128.and(x, () => i32s(b, -0x80000000))));
  b.v128.bitselect(p, e2, () => b.f32x4.lt(ax, () => f32s(b, 0.55)));
}

/**
 * σ(x) = 1/(1+e^−x) for x ≥ 0 and e^x/(1+e^x) for x < 0, as the js backend computes it, with
 * one exp of −|x| and one division (so the negative tail keeps its relative accuracy down to
 * denormals). Max error: 2 ulp (measured as for tanh).
 */
export function emitLogisticF32(b: FunctionBuilder, x: V): void {
  const e = b.newLocal("v128", "sig_e");
  const nx = b.newLocal("v128", "sig_nx");
  b.local.set(nx, () => b.f32x4.neg(() => b.f32x4.abs(x)));
  emitExpF32(b, nx);
  b.local.set(e);
  b.f32x4.div(
    () => b.v128.bitselect(e, () => f32s(b, 1), () => b.f32x4.lt(x, () => f32s(b, 0))),
    () => b.f32x4.add(e, () => f32s(b, 1)),
  );
}

const f64s = (b: FunctionBuilder, c: number): FunctionBuilder => b.v128.const("f64x2", [c, c]);
const i64s = (b: FunctionBuilder, c: bigint): FunctionBuilder => b.v128.const("i64x2", [c, c]);

function hornerF64(b: FunctionBuilder, x: V, coefficients: readonly number[]): void {
  f64s(b, coefficients[0]!);
  for (const c of coefficients.slice(1)) {
    b.f64x2.mul(x);
    b.f64x2.add(() => f64s(b, c));
  }
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
