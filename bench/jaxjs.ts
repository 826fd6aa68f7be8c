// jax-js (`@jax-js/jax`, pinned 0.1.25) as a peer: a JAX-style library for JS with a WebAssembly
// backend and a fusing `jit`. Set-up facts for Node 20 (see ../../shared/PERF-NOTES.md §7):
// - `init()` without arguments probes `navigator.gpu` and throws on Node 20, so the devices are
//   named: `init("wasm", "cpu")`, then `defaultDevice("wasm")`.
// - It runs single-threaded in Node (no global `Worker`), which is what its users get there.
// - Arrays are reference-counted: passing an array to any function consumes one reference, and
//   `x.ref` adds one. Eager code that does not consume every array leaks (RSS reaches GBs), so
//   every side here passes `x.ref` for inputs it keeps, and reads results with `dataSync()`,
//   which consumes the array. jit-compiled functions are `.dispose()`d when a side is done.
import type * as JaxJsModule from "@jax-js/jax";

export type JX = typeof JaxJsModule;
export type JxArray = JaxJsModule.Array;

export interface JaxJsSetup {
  readonly jx: JX | null;
  readonly version: string;
  readonly detail: string;
  /** Why jax-js is missing, for the report. */
  readonly note?: string;
}

const VERSION = "0.1.25";

/** Loads jax-js on its wasm device; never throws (a missing peer becomes a note). */
export async function loadJaxJs(): Promise<JaxJsSetup> {
  try {
    const jx = await import("@jax-js/jax");
    const devices = await jx.init("wasm", "cpu");
    if (!devices.includes("wasm")) return { jx: null, version: VERSION, detail: "", note: `jax-js: init("wasm", "cpu") gave only ${devices.join(", ")}` };
    jx.defaultDevice("wasm");
    const threads = typeof (globalThis as { Worker?: unknown }).Worker === "function" ? "workers available" : "1 thread (no global Worker in Node)";
    return { jx, version: VERSION, detail: `wasm device, ${threads}; eager, and jit (fused kernels) where the workload allows` };
  } catch (e) {
    return { jx: null, version: VERSION, detail: "", note: `jax-js: could not be loaded: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Reads each array back to a typed array; `dataSync()` consumes the array's reference. */
export function readArrays(...xs: JxArray[]): Float32Array[] {
  return xs.map((x) => x.dataSync() as Float32Array);
}
