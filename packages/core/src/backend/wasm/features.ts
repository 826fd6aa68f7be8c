// Which optional WebAssembly features this engine has, found by validating tiny modules
// built with the assembler itself (so "supported" means "our encoding is accepted here").
import { ModuleBuilder } from "./module-builder.js";
import { hasWebAssembly, newWasmMemory, validateWasm } from "./js-api.js";

export interface WasmFeatures {
  /** SIMD128 (f32x4, f64x2, i32x4, ...): the wasm backend's baseline. */
  readonly simd: boolean;
  /** Shared memory and atomics, and a runtime that can allocate a shared Memory
   * (browsers need cross-origin isolation). */
  readonly threads: boolean;
  /** Relaxed SIMD (relaxed_madd = fused multiply-add where the CPU has it); off by
   * default on Node 20. */
  readonly relaxedSimd: boolean;
}

let cached: WasmFeatures | undefined;

/** The engine's features, probed once. */
export function wasmFeatures(): WasmFeatures {
  cached ??= probe();
  return cached;
}

function probe(): WasmFeatures {
  if (!hasWebAssembly) return { simd: false, threads: false, relaxedSimd: false };
  const simd = accepts((m) =>
    m.addFunction("probe", { params: { x: "f32" }, results: ["f32"] }, (b, { x }) => {
      b.f32x4.extract_lane(0, () => b.f32x4.add(() => b.f32x4.splat(x), () => b.f32x4.splat(x)));
    }),
  );
  const relaxedSimd = simd && accepts((m) =>
    m.addFunction("probe", { params: { x: "v128" }, results: ["v128"] }, (b, { x }) => {
      b.f32x4.relaxed_madd(x, x, x);
    }),
  );
  const threads = accepts((m) =>
    m.importMemory("env", "mem", { initial: 1, maximum: 1, shared: true }).addFunction("probe", { params: { p: "i32" }, results: ["i32"] }, (b, { p }) => {
      b.i32.atomic_rmw_add(p, 1);
    }),
  ) && canAllocateSharedMemory();
  return { simd, threads, relaxedSimd };
}

function accepts(define: (m: ModuleBuilder) => unknown): boolean {
  const m = new ModuleBuilder();
  define(m);
  return validateWasm(m.build());
}

function canAllocateSharedMemory(): boolean {
  try {
    newWasmMemory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}
