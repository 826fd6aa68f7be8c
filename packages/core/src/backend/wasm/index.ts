/**
 * An in-tree WebAssembly binary assembler: the foundation of the wasm backend's kernels.
 * No native toolchain, no prebuilt .wasm, no eval: kernels are TypeScript that emits bytes.
 *
 * - `ModuleBuilder` holds a memory (imported or own, optionally shared), functions, globals,
 *   data segments and exports; `build()` gives the bytes, `compile()` / `compileAsync()` a
 *   WebAssembly.Module.
 * - `FunctionBuilder` (the `b` in a function body) has one typed method per instruction,
 *   named as in the text format: the part before the first dot is a namespace and later dots
 *   become underscores (`f32x4.add` → `b.f32x4.add()`, `i32.atomic.rmw.add` →
 *   `b.i32.atomic_rmw_add()`, `memory.atomic.wait32` → `b.memory.atomic_wait32()`).
 *   Instructions pop their inputs from the stack; inline operands (a Local, a number, or a
 *   callback emitting one value) fill the last inputs, so `b.f32x4.mul(x, s)` is
 *   `local.get x; local.get s; f32x4.mul`. Memory accesses take a trailing
 *   `{ offset, align }` (bytes; default the natural alignment).
 * - Control flow is structured: `b.block`, `b.loop`, `b.if` take callbacks that receive a
 *   Label; `b.br(label)` computes the depth. `b.if(cond, then, otherwise?)` takes its
 *   condition inline (or `undefined` when it is on the stack); block types go first:
 *   `b.block("f32", (done) => ...)`, `b.if(["i32", "i32"], cond, ...)`. `b.forRange(i, from, to, body, step)` is the
 *   counted loop every kernel needs.
 * - Every instruction is type-checked against the operand stack as it is emitted, so misuse
 *   (an f32 where a v128 is expected, values left at the end of a block, a label used outside
 *   its block, a local of another function) throws a WasmAssemblyError naming the function
 *   and the instruction.
 *
 * @example An f32x4 kernel `scale(ptr, n, a)`: x[i] *= a for n floats at byte address ptr
 * (n a multiple of 4 here; a real kernel adds a scalar tail loop).
 * ```ts
 * import { exportedFunction, instantiateWasm, ModuleBuilder, newWasmMemory } from "./index.js";
 *
 * const m = new ModuleBuilder().importMemory("env", "mem", { initial: 1 });
 * m.addFunction("scale", { params: { ptr: "i32", n: "i32", a: "f32" }, export: true }, (b, { ptr, n, a }) => {
 *   const va = b.newLocal("v128", "va");
 *   const end = b.newLocal("i32", "end");
 *   const p = b.newLocal("i32", "p");
 *   b.local.set(va, () => b.f32x4.splat(a));
 *   b.local.set(end, () => b.i32.add(ptr, () => b.i32.shl(n, 2)));
 *   b.forRange(p, ptr, end, () => {
 *     b.v128.store(p, () => b.f32x4.mul(() => b.v128.load(p), va));
 *   }, 16);
 * });
 * const memory = newWasmMemory({ initial: 1 });
 * const instance = instantiateWasm(m.compile(), { env: { mem: memory } });
 * const scale = exportedFunction(instance, "scale");
 * new Float32Array(memory.buffer, 0, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
 * scale(0, 8, 0.5); // memory now holds 0.5, 1, ..., 4
 * ```
 */
export { ModuleBuilder, type FunctionSpec, type MemoryLimits, type ParamLocals } from "./module-builder.js";
export { FunctionBuilder, type LoopLabels, type MemArg, type Operand, type Ops, type V128Shape } from "./function-builder.js";
export { type BlockType, type FuncType, FunctionRef, GlobalRef, Label, Local, type ValType, WasmAssemblyError } from "./types.js";
export {
  compileWasm,
  compileWasmAsync,
  exportedFunction,
  hasWebAssembly,
  instantiateWasm,
  instantiateWasmAsync,
  newWasmMemory,
  validateWasm,
  type WasmExportedFunction,
  type WasmImports,
  type WasmInstance,
  type WasmMemory,
  type WasmMemoryDescriptor,
  type WasmModule,
} from "./js-api.js";
export { type WasmFeatures, wasmFeatures } from "./features.js";
