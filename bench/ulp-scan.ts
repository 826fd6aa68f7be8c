// `pnpm bench:ulp [f32|f64] [fn,...]`: the wasm vector transcendentals against the js backend's
// scalar functions, in ulp (the bounds in packages/core/src/backend/wasm-backend/vector-math.ts
// and the README table).
// - f32: every f32 of each function's non-trivial range (the ranges the emitters' comments
//   name), through the kernel as the fused-kernel lowering builds it. A minute or two.
// - f64: 8 M random bit patterns (every magnitude) plus dense samples around each emitter's
//   thresholds (where a hard-coded cut-over would show).
// Set JAXTS_RELAXED_SIMD=0 to check the unfused form (no relaxed_madd).
import { arg, call, type UnaryIntrinsic } from "../packages/core/src/backend/scalar/expr.js";
import { scalarCalls } from "../packages/core/src/backend/scalar/js-loops.js";
import { wasmFused } from "../packages/core/src/backend/scalar/wasm.js";
import { arena } from "../packages/core/src/backend/wasm-backend/arena.js";
import { wasmFeatures } from "../packages/core/src/backend/wasm/index.js";

const CHUNK = 1 << 20;
type Kernel = (...args: number[]) => unknown;

/** A chunk of input and of output in the arena, `fn`'s kernel over them, and js's `fn`. */
function setUp(fn: UnaryIntrinsic, t: "f32" | "f64") {
  const a = arena();
  const bytes = t === "f32" ? 4 : 8;
  const pin = a.reserve(CHUNK * bytes);
  const pout = a.reserve(CHUNK * bytes);
  const k = wasmFused([call(fn, arg(0, t))], [t], a.memory).run as unknown as Kernel;
  return { a, pin, pout, k, ref: scalarCalls[fn] };
}

/** [lo, hi] of |x| per function: below and above, the result is trivial (x, 0, ±1, ±Inf). */
const F32_RANGES: Partial<Record<UnaryIntrinsic, [number, number]>> = {
  exp: [2 ** -25, 104],
  tanh: [2 ** -13, 9.2],
  logistic: [2 ** -26, 105],
  log: [1.4e-45, 3.4028234663852886e38],
};

function scanF32(fn: UnaryIntrinsic): void {
  const [lo, hi] = F32_RANGES[fn]!;
  const { a, pin, pout, k, ref } = setUp(fn, "f32");
  const bits = new Uint32Array(1);
  const asF32 = new Float32Array(bits.buffer);
  const ordered = (b: number): number => (b & 0x80000000 ? -(b & 0x7fffffff) : b);
  let worst = 0;
  let at = 0;
  let count = 0;
  // log: positive inputs only; the others: both signs
  for (const sign of fn === "log" ? [0] : [0, 0x80000000]) {
    asF32[0] = lo;
    const b0 = bits[0]!;
    asF32[0] = hi;
    const b1 = bits[0]!;
    for (let b = b0; b <= b1; b += CHUNK) {
      const n = Math.min(CHUNK, b1 - b + 1);
      const inBits = new Uint32Array(a.buffer, pin, CHUNK);
      for (let i = 0; i < CHUNK; i++) inBits[i] = ((i < n ? b + i : b) | sign) >>> 0;
      k(pin, 16, pout, CHUNK / 4);
      const x = new Float32Array(a.buffer, pin, CHUNK);
      const got = new Uint32Array(a.buffer, pout, CHUNK);
      for (let i = 0; i < n; i++) {
        asF32[0] = ref(x[i]!);
        const u = Math.abs(ordered(bits[0]!) - ordered(got[i]!));
        if (u > worst) [worst, at] = [u, x[i]!];
      }
      count += n;
    }
  }
  console.log(`f32 ${fn.padEnd(9)} worst ${worst} ulp (at ${at}) over every one of ${count} f32s`);
}

const F64_THRESHOLDS: Partial<Record<UnaryIntrinsic, number[]>> = {
  exp: [710, -746, 709.782712893384, -745.1332191019411, -708.3964185322641, 0],
  log: [2.2250738585072014e-308, 1, Math.SQRT1_2, Math.SQRT2, 0],
  log1p: [-1, 2 ** -53, -(2 ** -53), 0, 1e300],
  expm1: [-37.5, 709.782712893384, 0, -745],
  tanh: [22, -22, 19.06, 0],
  logistic: [0, 745, -745, 36.7],
  sin: [1e6, -1e6, Math.PI / 4, 0],
  cos: [1e6, -1e6, Math.PI / 4, 0],
  erf: [6, -6, 0.125, 0],
};

function scanF64(fn: UnaryIntrinsic): void {
  const { a, pin, pout, k, ref } = setUp(fn, "f64");
  const one = new Float64Array(1);
  const oneBits = new BigInt64Array(one.buffer);
  const ordered = (b: bigint): bigint => (b < 0n ? -(b & 0x7fffffffffffffffn) : b);
  let seed = 987654321;
  const rnd = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  let worst = 0n;
  let at = 0;
  let nanMismatches = 0;
  const check = (): void => {
    k(pin, 32, pout, CHUNK / 4);
    const x = new Float64Array(a.buffer, pin, CHUNK);
    const got = new Float64Array(a.buffer, pout, CHUNK);
    const gotBits = new BigInt64Array(a.buffer, pout, CHUNK);
    for (let i = 0; i < CHUNK; i++) {
      one[0] = ref(x[i]!);
      if (Number.isNaN(one[0]) || Number.isNaN(got[i]!)) {
        if (Number.isNaN(one[0]) !== Number.isNaN(got[i]!)) nanMismatches++;
        continue;
      }
      let d = ordered(oneBits[0]!) - ordered(gotBits[i]!);
      if (d < 0n) d = -d;
      if (d > worst) [worst, at] = [d, x[i]!];
    }
  };
  for (let rep = 0; rep < 8; rep++) {
    const words = new Uint32Array(a.buffer, pin, CHUNK * 2);
    for (let i = 0; i < words.length; i++) words[i] = rnd();
    check();
  }
  for (const t of F64_THRESHOLDS[fn] ?? []) {
    for (const w of [1e-12, 1e-6, 1e-3]) {
      const span = Math.max(Math.abs(t) * w, 1e-300);
      const x = new Float64Array(a.buffer, pin, CHUNK);
      for (let i = 0; i < CHUNK; i++) x[i] = t + span * (2 * (rnd() / 2 ** 32) - 1);
      check();
    }
  }
  console.log(`f64 ${fn.padEnd(9)} worst ${worst} ulp (at ${at})${nanMismatches > 0 ? `, ${nanMismatches} NaN mismatches` : ""}`);
}

const which = process.argv[2] ?? "f32";
console.log(`relaxed SIMD (fused multiply-add): ${wasmFeatures().relaxedSimd}`);
if (which === "f32") {
  const fns = (process.argv[3]?.split(",") ?? Object.keys(F32_RANGES)) as UnaryIntrinsic[];
  for (const fn of fns) scanF32(fn);
} else {
  const fns = (process.argv[3]?.split(",") ?? Object.keys(F64_THRESHOLDS)) as UnaryIntrinsic[];
  for (const fn of fns) scanF64(fn);
}
