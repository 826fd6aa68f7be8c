// The one WebAssembly module of the elementwise and reduction kernels, assembled at first use
// over the arena's memory. Every kernel works on byte offsets into the arena. Elementwise
// kernels run whole v128 vectors only: operands are copied in padded to 16 bytes (see
// `copyInPadded`), so the last partial vector computes a few harmless extra lanes that are
// never copied out, and no scalar tail is needed. Reductions, whose rows need not be
// multiples of 4, have a scalar tail per row.
import type { DType, TypedArray } from "../../dtype.js";
import { exportedFunction, type FunctionBuilder, type Local, ModuleBuilder, type WasmExportedFunction } from "../wasm/index.js";
import { arena, arenaMemoryLimits, instantiateOnArena } from "./arena.js";
import { onReady } from "./ready.js";
import { emitExpF32, emitExpF64, emitLogF32, emitLogisticF32, emitLogisticF64, emitTanhF32 } from "./vector-math.js";
import { emitCosF64, emitErfF32, emitExpm1F64, emitLog1pF64, emitLogF64, emitSinF64, emitTanhF64, viaF64 } from "./vector-math.js";

export type VecDType = "float32" | "float64" | "int32";
const SUFFIX: { readonly [D in VecDType]: string } = { float32: "f32", float64: "f64", int32: "i32" };

type V = Local<"v128">;
/** Emits the op's result (one v128) on the stack from the operand local(s). */
type UnaryEmit = (b: FunctionBuilder, x: V) => void;
type BinaryEmit = (b: FunctionBuilder, x: V, y: V) => void;

/**
 * max/min as the js backend computes them: `a > b || isNaN(a) ? a : b` (and `<` for min), so
 * a NaN in either operand gives NaN and equal operands (+0, −0) give the second one.
 */
const pick = (b: FunctionBuilder, x: V, y: V, cmp: "gt" | "lt", s: "f32x4" | "f64x2"): void => {
  const ops = s === "f32x4" ? b.f32x4 : b.f64x2;
  b.v128.bitselect(x, y, () => b.v128.or(() => ops[cmp](x, y), () => ops.ne(x, x)));
};

const floatBinary = (s: "f32x4" | "f64x2"): Readonly<Record<string, BinaryEmit>> => ({
  add: (b, x, y) => (s === "f32x4" ? b.f32x4 : b.f64x2).add(x, y),
  sub: (b, x, y) => (s === "f32x4" ? b.f32x4 : b.f64x2).sub(x, y),
  mul: (b, x, y) => (s === "f32x4" ? b.f32x4 : b.f64x2).mul(x, y),
  div: (b, x, y) => (s === "f32x4" ? b.f32x4 : b.f64x2).div(x, y),
  max: (b, x, y) => pick(b, x, y, "gt", s),
  min: (b, x, y) => pick(b, x, y, "lt", s),
});

/** The binary kernels, by dtype then primitive. int32 wraps (as Int32Array stores do). */
export const BINARY: { readonly [D in VecDType]: Readonly<Record<string, BinaryEmit>> } = {
  float32: floatBinary("f32x4"),
  float64: floatBinary("f64x2"),
  int32: {
    add: (b, x, y) => b.i32x4.add(x, y),
    sub: (b, x, y) => b.i32x4.sub(x, y),
    mul: (b, x, y) => b.i32x4.mul(x, y),
    max: (b, x, y) => b.i32x4.max_s(x, y),
    min: (b, x, y) => b.i32x4.min_s(x, y),
  },
};

const floatUnary = (s: "f32x4" | "f64x2"): Readonly<Record<string, UnaryEmit>> => ({
  neg: (b, x) => (s === "f32x4" ? b.f32x4 : b.f64x2).neg(x),
  abs: (b, x) => (s === "f32x4" ? b.f32x4 : b.f64x2).abs(x),
  sqrt: (b, x) => (s === "f32x4" ? b.f32x4 : b.f64x2).sqrt(x),
  square: (b, x) => (s === "f32x4" ? b.f32x4 : b.f64x2).mul(x, x),
});

/** The unary kernels (f32 log1p/expm1/sin/cos/erf run f64 versions on promoted lanes; erf is f32 only). */
export const UNARY: { readonly [D in VecDType]: Readonly<Record<string, UnaryEmit>> } = {
  float32: { ...floatUnary("f32x4"), exp: emitExpF32, log: emitLogF32, tanh: emitTanhF32, logistic: emitLogisticF32, log1p: viaF64(emitLog1pF64), expm1: viaF64(emitExpm1F64), sin: viaF64(emitSinF64), cos: viaF64(emitCosF64), erf: emitErfF32 },
  float64: { ...floatUnary("f64x2"), exp: emitExpF64, logistic: emitLogisticF64, log: emitLogF64, tanh: emitTanhF64, log1p: emitLog1pF64, expm1: emitExpm1F64, sin: emitSinF64, cos: emitCosF64 },
  int32: {
    neg: (b, x) => b.i32x4.neg(x),
    abs: (b, x) => b.i32x4.abs(x),
    square: (b, x) => b.i32x4.mul(x, x),
  },
};

function addUnary(m: ModuleBuilder, name: string, emit: UnaryEmit): void {
  m.addFunction(name, { params: { px: "i32", po: "i32", bytes: "i32" }, export: true }, (b, { px, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    const x = b.newLocal("v128", "x");
    b.forRange(i, 0, bytes, () => {
      b.local.set(x, () => b.v128.load(() => b.i32.add(px, i)));
      b.v128.store(() => b.i32.add(po, i), () => emit(b, x));
    }, 16);
  });
}

/** `sa`/`sb`: 16 for a full operand, 0 for a rank-0 one (stored splatted in 16 bytes). */
function addBinary(m: ModuleBuilder, name: string, emit: BinaryEmit): void {
  const params = { pa: "i32", sa: "i32", pb: "i32", sb: "i32", po: "i32", bytes: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { pa, sa, pb, sb, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    const x = b.newLocal("v128", "x");
    const y = b.newLocal("v128", "y");
    b.forRange(i, 0, bytes, () => {
      b.local.set(x, () => b.v128.load(pa));
      b.local.set(y, () => b.v128.load(pb));
      b.v128.store(() => b.i32.add(po, i), () => emit(b, x, y));
      b.local.set(pa, () => b.i32.add(pa, sa));
      b.local.set(pb, () => b.i32.add(pb, sb));
    }, 16);
  });
}

/**
 * select_n(pred, onFalse, onTrue) with a bool (byte) predicate. `sp` is the predicate bytes per
 * vector (lanes, or 0 for a rank-0 predicate stored splatted), `sf`/`st` 16 or 0.
 */
function addSelect(m: ModuleBuilder, name: string, lanes: 2 | 4): void {
  const params = { pp: "i32", sp: "i32", pf: "i32", sf: "i32", pt: "i32", st: "i32", po: "i32", bytes: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { pp, sp, pf, sf, pt, st, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    const mask = b.newLocal("v128", "mask");
    b.forRange(i, 0, bytes, () => {
      // bytes → i32 lanes (→ i64 lanes for f64), then lane ≠ 0 as an all-ones mask.
      if (lanes === 4) {
        b.local.set(mask, () => b.i32x4.extend_low_i16x8_u(() => b.i16x8.extend_low_i8x16_u(() => b.v128.load32_zero(pp, { align: 1 }))));
        b.local.set(mask, () => b.i32x4.ne(mask, () => b.v128.const("i32x4", [0, 0, 0, 0])));
      } else {
        b.local.set(mask, () => b.i64x2.extend_low_i32x4_u(() => b.i32x4.extend_low_i16x8_u(() => b.i16x8.extend_low_i8x16_u(() => b.v128.load16_splat(pp, { align: 1 })))));
        b.local.set(mask, () => b.i64x2.ne(mask, () => b.v128.const("i32x4", [0, 0, 0, 0])));
      }
      b.v128.store(() => b.i32.add(po, i), () => b.v128.bitselect(() => b.v128.load(pt), () => b.v128.load(pf), mask));
      b.local.set(pp, () => b.i32.add(pp, sp));
      b.local.set(pf, () => b.i32.add(pf, sf));
      b.local.set(pt, () => b.i32.add(pt, st));
    }, 16);
  });
}

/** f32 → f64: `bytes` counts output bytes (each 16 in come from 8 in). */
function addConvert(m: ModuleBuilder): void {
  m.addFunction("convert_f32_f64", { params: { px: "i32", po: "i32", bytes: "i32" }, export: true }, (b, { px, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    b.forRange(i, 0, bytes, () => {
      b.v128.store(() => b.i32.add(po, i), () => b.f64x2.promote_low_f32x4(() => b.v128.load64_zero(px)));
      b.local.set(px, () => b.i32.add(px, 8));
    }, 16);
  });
  // f64 → f32 rounds to nearest even, as a Float32Array store does; `bytes` counts input bytes.
  m.addFunction("convert_f64_f32", { params: { px: "i32", po: "i32", bytes: "i32" }, export: true }, (b, { px, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    b.forRange(i, 0, bytes, () => {
      b.v128.store64_lane(0, po, () => b.f32x4.demote_f64x2_zero(() => b.v128.load(() => b.i32.add(px, i))), { align: 1 });
      b.local.set(po, () => b.i32.add(po, 8));
    }, 16);
  });
}

/**
 * Sum of each of `rows` contiguous rows of `n` elements, written as f64 to `po` (f32 rows are
 * promoted lane by lane and accumulated in f64). The summation order, per row: four partial
 * sums s_k = Σ_i x[4i+k] over the first 4⌊n/4⌋ elements, combined as (s0+s1)+(s2+s3), then
 * the n mod 4 remaining elements added one by one, in order.
 */
function addSum(m: ModuleBuilder, dt: "f32" | "f64"): void {
  const es = dt === "f32" ? 4 : 8;
  m.addFunction(`sum_${dt}`, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const r = b.newLocal("i32", "r");
    const p = b.newLocal("i32", "p");
    const vend = b.newLocal("i32", "vend");
    const end = b.newLocal("i32", "end");
    const a = b.newLocal("v128", "a");
    const c = b.newLocal("v128", "c");
    const s = b.newLocal("f64", "s");
    b.forRange(r, 0, rows, () => {
      b.local.set(end, () => b.i32.add(px, () => b.i32.mul(n, es)));
      b.local.set(vend, () => b.i32.add(px, () => b.i32.mul(() => b.i32.and(n, -4), es)));
      b.local.set(a, () => b.v128.const("f64x2", [0, 0]));
      b.local.set(c, () => b.v128.const("f64x2", [0, 0]));
      b.forRange(p, px, vend, () => {
        if (dt === "f32") {
          b.local.set(a, () => b.f64x2.add(a, () => b.f64x2.promote_low_f32x4(() => b.v128.load64_zero(p, { align: 1 }))));
          b.local.set(c, () => b.f64x2.add(c, () => b.f64x2.promote_low_f32x4(() => b.v128.load64_zero(p, { offset: 8, align: 1 }))));
        } else {
          b.local.set(a, () => b.f64x2.add(a, () => b.v128.load(p, { align: 1 })));
          b.local.set(c, () => b.f64x2.add(c, () => b.v128.load(p, { offset: 16, align: 1 })));
        }
      }, 4 * es);
      b.local.set(s, () =>
        b.f64.add(
          () => b.f64.add(() => b.f64x2.extract_lane(0, a), () => b.f64x2.extract_lane(1, a)),
          () => b.f64.add(() => b.f64x2.extract_lane(0, c), () => b.f64x2.extract_lane(1, c)),
        ),
      );
      b.forRange(p, vend, end, () => {
        b.local.set(s, () => b.f64.add(s, () => (dt === "f32" ? b.f64.promote_f32(() => b.f32.load(p)) : b.f64.load(p))));
      }, es);
      b.f64.store(() => b.i32.add(po, () => b.i32.shl(r, 3)), s);
      b.local.set(px, end);
    });
  });
}

/**
 * Max of each contiguous row, as the js backend folds it from −Inf: an element replaces the
 * running max when greater or NaN. Lanes fold vectors of elements k mod lanes, then lanes
 * and the tail fold in order. Written in the input dtype to `po`. (Which of +0/−0 the js
 * order keeps is restored by the caller.)
 */
function addMax(m: ModuleBuilder, dt: "f32" | "f64"): void {
  const es = dt === "f32" ? 4 : 8;
  const lanes = 16 / es;
  m.addFunction(`max_${dt}`, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const r = b.newLocal("i32", "r");
    const p = b.newLocal("i32", "p");
    const vend = b.newLocal("i32", "vend");
    const end = b.newLocal("i32", "end");
    const acc = b.newLocal("v128", "acc");
    const v = b.newLocal("v128", "v");
    const s = b.newLocal(dt, "s");
    const t = b.newLocal(dt, "t");
    const sc = dt === "f32" ? b.f32 : b.f64;
    const foldScalar = (): void => {
      // s = t > s || t ≠ t ? t : s
      b.local.set(s, () => b.select(t, s, () => b.i32.or(() => sc.gt(t, s), () => sc.ne(t, t))));
    };
    b.forRange(r, 0, rows, () => {
      b.local.set(end, () => b.i32.add(px, () => b.i32.mul(n, es)));
      b.local.set(vend, () => b.i32.add(px, () => b.i32.mul(() => b.i32.and(n, -lanes), es)));
      b.local.set(acc, () => (dt === "f32" ? b.v128.const("f32x4", [-Infinity, -Infinity, -Infinity, -Infinity]) : b.v128.const("f64x2", [-Infinity, -Infinity])));
      b.forRange(p, px, vend, () => {
        b.local.set(v, () => b.v128.load(p, { align: 1 }));
        b.local.set(acc, () => pick(b, v, acc, "gt", dt === "f32" ? "f32x4" : "f64x2"));
      }, 16);
      b.local.set(s, () => (dt === "f32" ? b.f32x4.extract_lane(0, acc) : b.f64x2.extract_lane(0, acc)));
      for (let k = 1; k < lanes; k++) {
        b.local.set(t, () => (dt === "f32" ? b.f32x4.extract_lane(k, acc) : b.f64x2.extract_lane(k, acc)));
        foldScalar();
      }
      b.forRange(p, vend, end, () => {
        b.local.set(t, () => sc.load(p));
        foldScalar();
      }, es);
      sc.store(() => b.i32.add(po, () => b.i32.mul(r, es)), s);
      b.local.set(px, end);
    });
  });
}

function buildModule(): Map<string, WasmExportedFunction> {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  const names: string[] = [];
  for (const dt of Object.keys(UNARY) as VecDType[]) {
    for (const [op, emit] of Object.entries(UNARY[dt])) {
      names.push(nameOf("u", op, dt));
      addUnary(m, nameOf("u", op, dt), emit);
    }
    for (const [op, emit] of Object.entries(BINARY[dt])) {
      names.push(nameOf("b", op, dt));
      addBinary(m, nameOf("b", op, dt), emit);
    }
    names.push(nameOf("select", "n", dt));
    addSelect(m, nameOf("select", "n", dt), dt === "float64" ? 2 : 4);
  }
  addConvert(m);
  addSum(m, "f32");
  addSum(m, "f64");
  addMax(m, "f32");
  addMax(m, "f64");
  names.push("convert_f32_f64", "convert_f64_f32", "sum_f32", "sum_f64", "max_f32", "max_f64");
  const instance = instantiateOnArena(m);
  return new Map(names.map((n) => [n, exportedFunction(instance, n)]));
}

export const nameOf = (kind: string, op: string, dt: VecDType): string => `${kind}_${op}_${SUFFIX[dt]}`;

let fns: Map<string, WasmExportedFunction> | undefined;
onReady(() => (fns ??= buildModule()));
/** The exported kernel `name` (the module is assembled and instantiated at first use). */
export function wasmFn(name: string): WasmExportedFunction {
  fns ??= buildModule();
  const f = fns.get(name);
  if (f === undefined) throw new Error(`internal: no wasm kernel ${name}`);
  return f;
}

export const isVecDType = (d: DType): d is VecDType => d === "float32" || d === "float64" || d === "int32";

/** Reserve the bytes of `data` rounded up to a whole v128 and copy it in. */
export function copyInPadded(data: TypedArray): number {
  const a = arena();
  const at = a.reserve((data.byteLength + 15) & ~15);
  a.view(at, data).set(data as never);
  return at;
}

/** A rank-0 operand: its one element repeated over 16 bytes, so a stride-0 v128 load splats it. */
export function copyInSplat(data: TypedArray): number {
  const a = arena();
  const at = a.reserve(16);
  const Ctor = data.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray;
  new Ctor(a.memory.buffer, at, 16 / data.BYTES_PER_ELEMENT).fill(data[0]!);
  return at;
}

/** Room for `length` elements of `like`'s type, rounded up to a whole v128. */
export function reservePadded(like: TypedArray): number {
  return arena().reserve((like.byteLength + 15) & ~15);
}

/**
 * Smallest operand size (elements) a kernel takes; below it the js backend is as fast or
 * faster once the copies in and out and the call are counted. Measured (f32, medians of
 * eager calls, this 2-vCPU machine): add js/wasm 1.1/2.1 µs at 64, 4.8/4.7 µs at 1024,
 * 21/12 µs at 4096; exp 2.9/2.2 µs already at 16, 20/3.8 µs at 1024; tanh 2.0/1.5 µs at 16;
 * sum 1.2/1.6 µs at 256, 1.9/1.6 µs at 1024, 6.6/2.7 µs at 2048. Hence arithmetic (binary,
 * neg abs sqrt square, select, convert) ≥ 1024, transcendentals ≥ 16, reductions ≥ 1024.
 * Tests lower them to 0 to run every size on wasm.
 */
export const thresholds = { arithmetic: 1024, transcendental: 16, reduction: 1024 };

/** Kernel runs per primitive (tests check that wasm, not the js fallback, ran). */
export const kernelCalls = new Map<string, number>();
export function countCall(prim: string): void {
  kernelCalls.set(prim, (kernelCalls.get(prim) ?? 0) + 1);
}
