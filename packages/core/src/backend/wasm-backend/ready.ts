// `ready()`: compiles and instantiates every wasm kernel module asynchronously, ahead of the
// first kernel call, so that a browser's main thread never blocks on a compile (Chromium
// refused any module over 4 KiB synchronously before Chrome 114, and still refuses one over
// 8 MiB; browsers may keep such limits). Node (and workers) have none, so there the modules
// are still built synchronously at first use and `ready()` is optional (it only moves that
// cost earlier).
//
// Every kernel file registers the lazy getter of its module with `onReady`; `ready()` runs each
// getter once in a collecting mode (instantiateOnArena records the module's bytes instead of
// compiling them), compiles and instantiates those bytes asynchronously, and then runs the
// getter for real, which finds its instance ready.
import { wasmFeatures } from "../wasm/features.js";
import { compileWasmAsync, hasWebAssembly, instantiateWasmAsync } from "../wasm/js-api.js";
import { addPrecompiled, arena, collectModuleBytes } from "./arena.js";

const getters: (() => unknown)[] = [];

/** Registers the lazy getter of a kernel module (it must end in instantiateOnArena or
 * compileOnArena), so that `ready()` prepares that module. */
export function onReady(getter: () => unknown): void {
  getters.push(getter);
}

let pending: Promise<void> | undefined;

/**
 * Prepares the wasm backend: compiles and instantiates its kernel modules asynchronously.
 * Await it once before the first computation in a browser (`await ready()`), where large
 * modules cannot be compiled synchronously on the main thread; in Node it is optional.
 * Calling it again returns the same promise; it resolves at once without WebAssembly.
 *
 * @example
 * import { array, ready } from "@jaxts/core";
 *
 * await ready(); // the kernel modules are compiled: the first computation does not wait
 * array([1, 2]).add(1); // [2, 3]
 */
export function ready(): Promise<void> {
  pending ??= prepare();
  return pending;
}

async function prepare(): Promise<void> {
  // Without SIMD the wasm backend declines every kernel: nothing to prepare.
  if (!hasWebAssembly || !wasmFeatures().simd) return;
  const imports = { env: { mem: arena().memory } };
  for (const getter of getters) {
    for (const bytes of collectModuleBytes(getter)) {
      const module = await compileWasmAsync(bytes);
      addPrecompiled(bytes, { module, instance: await instantiateWasmAsync(module, imports) });
    }
    getter();
  }
}
