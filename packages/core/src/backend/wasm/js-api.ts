// A typed view of the WebAssembly JavaScript API. The project compiles with lib "ES2022",
// which has no WebAssembly declarations, so the few entry points the backend needs are
// typed here (and looked up on globalThis, so a runtime without WebAssembly is detected,
// not crashed on).
import { WasmAssemblyError } from "./types.js";

/** A compiled module (postable to workers; identical bytes hit V8's module cache). */
export interface WasmModule {
  readonly [Symbol.toStringTag]: string;
}

export interface WasmInstance {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** A linear memory; `buffer` is a SharedArrayBuffer when the memory is shared. Views on it
 * must be rebuilt after `grow`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(deltaPages: number): number;
}

export interface WasmMemoryDescriptor {
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

/** Import object: module name → field name → value (a WasmMemory, a JS function, ...). */
export type WasmImports = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** An exported WebAssembly function as JS sees it: i64 is passed and returned as bigint. */
export type WasmExportedFunction = (...args: (number | bigint)[]) => unknown;

interface WasmJsApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports?: WasmImports): Promise<WasmInstance>;
  readonly Module: new (bytes: Uint8Array) => WasmModule;
  readonly Instance: new (module: WasmModule, imports?: WasmImports) => WasmInstance;
  readonly Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
}

const api: WasmJsApi | undefined = (globalThis as { readonly WebAssembly?: WasmJsApi }).WebAssembly;

/** True when this runtime has WebAssembly at all. */
export const hasWebAssembly: boolean = api !== undefined;

function wasm(where: string): WasmJsApi {
  if (api === undefined) throw new WasmAssemblyError(`${where}: this JavaScript runtime has no WebAssembly`);
  return api;
}

/** `WebAssembly.validate`: whether the engine accepts the bytes (with its current features). */
export function validateWasm(bytes: Uint8Array): boolean {
  return wasm("validateWasm").validate(bytes);
}

/** Synchronous compile (fine in Node and workers; browsers refuse large modules on the
 * main thread: use `compileWasmAsync` there). Engine errors become WasmAssemblyErrors. */
export function compileWasm(bytes: Uint8Array): WasmModule {
  const { Module } = wasm("compileWasm");
  try {
    return new Module(bytes);
  } catch (e) {
    throw compileError("compileWasm", e);
  }
}

export async function compileWasmAsync(bytes: Uint8Array): Promise<WasmModule> {
  const w = wasm("compileWasmAsync");
  try {
    return await w.compile(bytes);
  } catch (e) {
    throw compileError("compileWasmAsync", e);
  }
}

/** Synchronous instantiation (small modules; compiling is the costly part). */
export function instantiateWasm(module: WasmModule, imports: WasmImports = {}): WasmInstance {
  return new (wasm("instantiateWasm").Instance)(module, imports);
}

/** Asynchronous instantiation of a compiled module (browsers refuse synchronous
 * instantiation of large modules on the main thread). */
export function instantiateWasmAsync(module: WasmModule, imports: WasmImports = {}): Promise<WasmInstance> {
  return wasm("instantiateWasmAsync").instantiate(module, imports);
}

/** A new linear memory (64 KiB pages); `shared` needs `maximum`. */
export function newWasmMemory(descriptor: WasmMemoryDescriptor): WasmMemory {
  return new (wasm("newWasmMemory").Memory)(descriptor);
}

/** The exported function `name` of an instance, or a WasmAssemblyError naming the exports. */
export function exportedFunction(instance: WasmInstance, name: string): WasmExportedFunction {
  const f = instance.exports[name];
  if (typeof f !== "function") {
    throw new WasmAssemblyError(`exportedFunction: the instance has no exported function '${name}' (exports: ${Object.keys(instance.exports).join(", ")})`);
  }
  // Returned as is (no wrapper) so a kernel call costs what the engine's call costs.
  return f as WasmExportedFunction;
}

function compileError(where: string, e: unknown): WasmAssemblyError {
  const message = e instanceof Error ? e.message : String(e);
  const err = new WasmAssemblyError(`${where}: the engine rejected the module: ${message}`);
  (err as { cause?: unknown }).cause = e;
  return err;
}
