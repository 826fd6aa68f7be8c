// Shared pieces of the non-elementwise wasm kernels (reductions over int32/bool, cumsum,
// gather, scatter, sort, iota, threefry, int32 dot): a lazily assembled module per kernel
// family over the arena's memory, and per-dtype element loads/stores that convert through
// f64 exactly as the js backend's typed-array stores do (Float32Array rounds to nearest
// even, Int32Array wraps modulo 2^32, Uint8Array keeps the low byte).
import type { DType, TypedArray } from "../../dtype.js";
import { exportedFunction, type FunctionBuilder, type Local, ModuleBuilder, type Operand, type WasmExportedFunction } from "../wasm/index.js";
import { arena, arenaMemoryLimits, instantiateOnArena } from "./arena.js";
import { onReady } from "./ready.js";

/** The dtypes of the four typed-array kinds (float32, float64, int32, bool as Uint8). */
export type DataDType = "float32" | "float64" | "int32" | "bool";
export const DATA_DTYPES: readonly DataDType[] = ["float32", "float64", "int32", "bool"];
export const isDataDType = (d: DType): d is DataDType => (DATA_DTYPES as readonly string[]).includes(d);

/** Bytes per element of each dtype. */
export const BYTES: { readonly [D in DataDType]: 1 | 4 | 8 } = { float32: 4, float64: 8, int32: 4, bool: 1 };
/** Short names for kernel exports. */
export const SHORT: { readonly [D in DataDType]: string } = { float32: "f32", float64: "f64", int32: "i32", bool: "u8" };

/** Push the element of `dt` at byte address `addr` as an f64 (exact for every dtype). */
export function loadF64(b: FunctionBuilder, dt: DataDType, addr: Operand): void {
  if (dt === "float32") b.f64.promote_f32(() => b.f32.load(addr, { align: 1 }));
  else if (dt === "float64") b.f64.load(addr, { align: 1 });
  else if (dt === "int32") b.f64.convert_i32_s(() => b.i32.load(addr, { align: 1 }));
  else b.f64.convert_i32_u(() => b.i32.load8_u(addr));
}

/** Store the f64 `value` at `addr` as a `dt` element, converting as a typed-array store does
 * (integers: truncated, then wrapped; exact for every |value| < 2^63). */
export function storeF64(b: FunctionBuilder, dt: DataDType, addr: Operand, value: Operand): void {
  if (dt === "float32") b.f32.store(addr, () => b.f32.demote_f64(value), { align: 1 });
  else if (dt === "float64") b.f64.store(addr, value, { align: 1 });
  else if (dt === "int32") b.i32.store(addr, () => b.i32.wrap_i64(() => b.i64.trunc_sat_f64_s(value)), { align: 1 });
  else b.i32.store8(addr, () => b.i32.wrap_i64(() => b.i64.trunc_sat_f64_s(value)));
}

/** Copy one element of `es` bytes from `from` to `to` (raw bits). */
export function moveElem(b: FunctionBuilder, es: 1 | 4 | 8, to: Operand, from: Operand): void {
  if (es === 1) b.i32.store8(to, () => b.i32.load8_u(from));
  else if (es === 4) b.i32.store(to, () => b.i32.load(from, { align: 1 }), { align: 1 });
  else b.i64.store(to, () => b.i64.load(from, { align: 1 }), { align: 1 });
}

/** i32 locals, by name, for a function body. */
export function locals<K extends string>(b: FunctionBuilder, ...names: K[]): Record<K, Local<"i32">> {
  return Object.fromEntries(names.map((n) => [n, b.newLocal("i32", n)])) as Record<K, Local<"i32">>;
}

/** A module assembled (by `build`, which returns the names it exported) and instantiated at
 * first use over the arena's memory; returns the lookup of its exports. Every kernel module
 * outside kernel-module.ts and dot-general.ts is built here, so the memory import (e.g.
 * becoming shared) is declared in one place. */
export function lazyModule(build: (m: ModuleBuilder) => readonly string[]): (name: string) => WasmExportedFunction {
  let fns: Map<string, WasmExportedFunction> | undefined;
  const get = (): Map<string, WasmExportedFunction> => {
    if (fns === undefined) {
      const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
      const names = build(m);
      const instance = instantiateOnArena(m);
      fns = new Map(names.map((n) => [n, exportedFunction(instance, n)]));
    }
    return fns;
  };
  // ready() (browsers) compiles this module ahead of its first use.
  onReady(get);
  return (name) => {
    const f = get().get(name);
    if (f === undefined) throw new Error(`internal: no wasm kernel ${name}`);
    return f;
  };
}

/** The f64 rows at byte offset `at` of the arena, stored into `out` (typed-array conversion). */
export function outFromF64(at: number, out: TypedArray): void {
  out.set(new Float64Array(arena().buffer, at, out.length));
}

/**
 * Smallest problem (elements; multiply-adds for dotInt) at which these kernels run on wasm;
 * below it js is as fast once the copies in/out and the call are counted. Measured with
 * `pnpm bench:kernels` (backend-level medians, f32 unless named, this noisy 2-vCPU machine;
 * js/wasm time ratio, above 1 = wasm faster):
 *   gather (elements)  64: 0.6–1.0   256: 1.4–1.9   1024: 1.5–5  — rows of 64: 1024: 2.6
 *   scatter_add        64: 0.5   256: 0.7–1.8   1024: 1.2–1.6 (three operands copied in)
 *   sort               16: 5.2   64: 6.2   (js's comparator sort has µs of fixed cost)
 *   iota (int32)       64: 0.9   256: 1.4   1024: 6.7
 *   threefry2x32       16: 3.5   64: 10
 *   int32 dot_general  4³ = 64 MACs: 0.8   8³ = 512 MACs: 2.5
 * cumsum and the reductions of reduce-rows.ts use `thresholds.reduction` (1024; cumsum
 * 256: 0.7–1.1, 1024: 1.9–2.1; int32 sum 256: 0.8, 1024: 3.5; f32 prod 1024: 1.4).
 * Tests lower them to 0.
 */
export const minSize = { gather: 256, scatter: 1024, sort: 16, iota: 256, threefry: 16, dotInt: 512 };

/** The most arena bytes one call of these kernels may use: the arena's memory tops out at
 * 2 GiB and a grow that large may fail, so bigger problems run on js. */
const MAX_ARENA_BYTES = 2 ** 30;
export const fitsArena = (bytes: number): boolean => bytes <= MAX_ARENA_BYTES;
