// The one WebAssembly module of the reduction kernels, assembled at first use over the
// arena's memory, and what every wasm kernel shares (size thresholds, call counts, copies
// into the arena). Every kernel works on byte offsets into the arena. Reductions, whose rows
// need not be multiples of 4, have a scalar tail per row. (The elementwise kernels are
// generated from scalar expressions: elementwise.ts.)
import type { DType, TypedArray } from "../../dtype.js";
import { exportedFunction, type FunctionBuilder, type FunctionRef, type Local, ModuleBuilder, type WasmExportedFunction } from "../wasm/index.js";
import { arena, arenaMemoryLimits, compileOnArena } from "./arena.js";
import { onReady } from "./ready.js";
import { type ParallelKernel, parallelFor, registerParallelKernel } from "./threads/pool.js";

export type VecDType = "float32" | "float64" | "int32";
const SUFFIX: { readonly [D in VecDType]: string } = { float32: "f32", float64: "f64", int32: "i32" };

type V = Local<"v128">;

/**
 * max/min as the js backend computes them: `a > b || isNaN(a) ? a : b` (and `<` for min), so
 * a NaN in either operand gives NaN and equal operands (+0, −0) give the second one.
 */
const pick = (b: FunctionBuilder, x: V, y: V, cmp: "gt" | "lt", s: "f32x4" | "f64x2"): void => {
  const ops = s === "f32x4" ? b.f32x4 : b.f64x2;
  b.v128.bitselect(x, y, () => b.v128.or(() => ops[cmp](x, y), () => ops.ne(x, x)));
};

/**
 * Negation of `bytes` (a multiple of 16) from `px` into `po` (reduce_min and argmin negate
 * their operand in the arena and reduce with max: reduce-axes.ts).
 */
function addNeg(m: ModuleBuilder, dt: "float32" | "float64"): void {
  m.addFunction(nameOf("u", "neg", dt), { params: { px: "i32", po: "i32", bytes: "i32" }, export: true }, (b, { px, po, bytes }) => {
    const i = b.newLocal("i32", "i");
    b.forRange(i, 0, bytes, () => {
      b.v128.store(() => b.i32.add(po, i), () => (dt === "float32" ? b.f32x4 : b.f64x2).neg(() => b.v128.load(() => b.i32.add(px, i))));
    }, 16);
  });
}

/**
 * Sum of each of `rows` contiguous rows of `n` elements, written as f64 to `po` (f32 rows are
 * promoted lane by lane and accumulated in f64). The summation order, per row: four partial
 * sums s_k = Σ_i x[4i+k] over the first 4⌊n/4⌋ elements, combined as (s0+s1)+(s2+s3), then
 * the n mod 4 remaining elements added one by one, in order.
 */
function addSum(m: ModuleBuilder, dt: "f32" | "f64"): FunctionRef {
  const es = dt === "f32" ? 4 : 8;
  return m.addFunction(`sum_${dt}`, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
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
function addMax(m: ModuleBuilder, dt: "f32" | "f64"): FunctionRef {
  const es = dt === "f32" ? 4 : 8;
  const lanes = 16 / es;
  return m.addFunction(`max_${dt}`, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
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

/**
 * `${name}_rows(start, end, px, n, po)`: rows [start, end) of a row reduction (each row's
 * result is computed the same way on any thread), for parallelFor. `outBytes` per row.
 */
function addRowRange(m: ModuleBuilder, name: string, fn: FunctionRef, inBytes: number, outBytes: number): void {
  const params = { start: "i32", end: "i32", px: "i32", n: "i32", po: "i32" } as const;
  m.addFunction(`${name}_rows`, { params, export: true }, (b, { start, end, px, n, po }) => {
    b.call(
      fn,
      () => b.i32.add(px, () => b.i32.mul(() => b.i32.mul(start, n), inBytes)),
      () => b.i32.sub(end, start),
      n,
      () => b.i32.add(po, () => b.i32.mul(start, outBytes)),
    );
  });
}

const ROW_KERNELS = ["sum_f32", "sum_f64", "max_f32", "max_f64"] as const;
export type RowKernel = (typeof ROW_KERNELS)[number];
let rowRanges: ReadonlyMap<RowKernel, ParallelKernel> | undefined;

function buildModule(): Map<string, WasmExportedFunction> {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  const names: string[] = [nameOf("u", "neg", "float32"), nameOf("u", "neg", "float64")];
  addNeg(m, "float32");
  addNeg(m, "float64");
  // sum writes one f64 per row; max one element of the input dtype.
  addRowRange(m, "sum_f32", addSum(m, "f32"), 4, 8);
  addRowRange(m, "sum_f64", addSum(m, "f64"), 8, 8);
  addRowRange(m, "max_f32", addMax(m, "f32"), 4, 4);
  addRowRange(m, "max_f64", addMax(m, "f64"), 8, 8);
  names.push(...ROW_KERNELS);
  const { module, instance } = compileOnArena(m);
  if (arena().shared) rowRanges = new Map(ROW_KERNELS.map((k) => [k, registerParallelKernel(module, instance, `${k}_rows`)]));
  return new Map(names.map((n) => [n, exportedFunction(instance, n)]));
}

/** Rows from which a row reduction (sum, max) splits its rows across the worker pool, and
 * elements it must reduce in all. Measured (eager np.sum over the last axis, f32, threads
 * 1 → 2): 1M elements 0.38 → 0.38 ms, 4M 2.0–2.3 → 1.9–2.0 ms. A reduction is bound by
 * memory bandwidth and its operand's copy into the arena, so only the biggest gain. */
export const parallelRows = { minRows: 2, minElements: 1 << 22 };

/**
 * Runs row kernel `name` over `rows` rows of `n` elements at `px` into `po`: split across the
 * worker pool when big enough (each row is reduced the same way on any thread, so the bits
 * do not depend on the split), else on this thread.
 */
export function runRows(name: RowKernel, px: number, rows: number, n: number, po: number): void {
  const f = wasmFn(name);
  const par = rowRanges?.get(name);
  if (par !== undefined && rows >= parallelRows.minRows && rows * n >= parallelRows.minElements) parallelFor(par, rows, [px, n, po]);
  else f(px, rows, n, po);
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

/**
 * The byte offset of `data` in the arena, for a kernel that only reads it: in place when it
 * already lives there below this call's scratch (a compiled program's value), else a padded
 * copy. Call right after `arena().reset()`. (Never for an operand a kernel then writes over:
 * in place, that would be the program's own value.)
 */
export function readInArena(data: TypedArray): number {
  const a = arena();
  if (data.buffer === a.buffer && data.byteOffset + data.byteLength <= a.reserve(0)) {
    kernelModuleStats.readsInPlace++;
    return data.byteOffset;
  }
  return copyInPadded(data);
}

/** Counts for tests: operands read where they already were in the arena. */
export const kernelModuleStats = { readsInPlace: 0 };

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
