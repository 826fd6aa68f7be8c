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
  /** Relaxed SIMD (relaxed_madd = fused multiply-add where the CPU has it): native from V8
   * 11.4, switched on by its V8 flag on Node 20, off with JAXTS_RELAXED_SIMD=0. */
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
  const relaxedSimd = simd && relaxedSimdAllowed() && (acceptsRelaxed() || (enableNodeRelaxedSimd() && acceptsRelaxed()));
  const threads = accepts((m) =>
    m.importMemory("env", "mem", { initial: 1, maximum: 1, shared: true }).addFunction("probe", { params: { p: "i32" }, results: ["i32"] }, (b, { p }) => {
      b.i32.atomic_rmw_add(p, 1);
    }),
  ) && canAllocateSharedMemory();
  return { simd, threads, relaxedSimd };
}

const acceptsRelaxed = (): boolean =>
  accepts((m) =>
    m.addFunction("probe", { params: { x: "v128" }, results: ["v128"] }, (b, { x }) => {
      b.f32x4.relaxed_madd(x, x, x);
    }),
  );

const RELAXED_ENV = "JAXTS_RELAXED_SIMD";
type Process = { readonly env?: Record<string, string | undefined>; readonly getBuiltinModule?: (id: string) => unknown };
const nodeProcess = (): Process | undefined => (globalThis as { readonly process?: Process }).process;

/** JAXTS_RELAXED_SIMD=0 keeps the kernels on plain mul+add (bit-identical products on every CPU). */
function relaxedSimdAllowed(): boolean {
  try {
    return nodeProcess()?.env?.[RELAXED_ENV]?.trim() !== "0";
  } catch {
    return true;
  }
}

/**
 * Relaxed SIMD ships on by default from V8 11.4 (Chrome 114, Node 22); Node 20's V8 11.3 has
 * it complete behind `--experimental-wasm-relaxed-simd`. There, turn that flag on (it takes
 * effect for modules compiled afterwards, workers included): the matmul's fused multiply-add
 * is 15–30 % faster than mul+add (PERF-NOTES §2). False where there is no Node `v8` module.
 */
function enableNodeRelaxedSimd(): boolean {
  try {
    const v8 = nodeProcess()?.getBuiltinModule?.("node:v8") as { setFlagsFromString?: (flags: string) => void } | undefined;
    if (v8?.setFlagsFromString === undefined) return false;
    v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
    return true;
  } catch {
    return false;
  }
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
