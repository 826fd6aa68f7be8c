// Loads the wasm backend and its kernels and registers it (selectable with
// config.set({ backend: "wasm" }) or JAXTS_BACKEND=wasm; the default once complete).
import { hasWebAssembly } from "../wasm/js-api.js";
import { registerBackend } from "../registry.js";
import { wasmBackend } from "./backend.js";
import "./dot-general.js";

if (hasWebAssembly) registerBackend(wasmBackend);

export { wasmBackend, defineWasmKernel, wasmPrimitives, type WasmKernel } from "./backend.js";
export { arena, Arena, arenaMemoryLimits, compileOnArena, instantiateOnArena } from "./arena.js";
export { parallelFor, type ParallelKernel, registerParallelKernel, threadPoolStats } from "./threads/pool.js";
export { onReady, ready } from "./ready.js";
import "./elementwise.js";
import "./reduce.js";
import "./layout.js";
import "./cumsum.js";
import "./gather.js";
import "./sort.js";
import "./random.js";
