// The wasm backend's one linear memory, reused by every kernel call: operands are copied in,
// the kernel runs on byte offsets, results are copied out into the host buffers the caller
// handed over (issue 9's safe baseline: array data stays in GC-managed typed arrays, so
// nothing is ever freed by hand). The memory only grows; views are rebuilt after a grow.
//
// Where the engine has shared memory and atomics (Node ≥ 20; browsers only when
// cross-origin isolated), the memory is a shared one, so the thread pool's workers
// (./threads) run kernels over the very same bytes. Every module that imports it declares
// it with `arenaMemoryLimits()` (the one switch between shared and not) and is instantiated
// with `instantiateOnArena` (which also lets `ready()` compile it asynchronously first).
import type { TypedArray } from "../../dtype.js";
import { ERF_TABLE } from "../scalar/erf-table.js";
import type { MemoryLimits, ModuleBuilder } from "../wasm/module-builder.js";
import { wasmFeatures } from "../wasm/features.js";
import { compileWasm, instantiateWasm, newWasmMemory, type WasmInstance, type WasmMemory, type WasmModule } from "../wasm/js-api.js";

const PAGE = 65536;

/** Byte offset of float64 erf's coefficient table (../scalar/erf-table.ts), which the arena
 * keeps at its bottom for the vector erf (vector-math.ts emitErfF64) to read. */
export const ERF_TABLE_AT = 16;
/** Where reservations start: above the tables, whole SIMD steps. */
const TABLES_END = (ERF_TABLE_AT + ERF_TABLE.byteLength + 63) & ~63;
/** 2 GiB: the most a 32-bit memory can address safely from JS as unsigned offsets. */
const MAX_PAGES = 32768;

/** Reservations `untouchedBelow` remembers at most (rising starts: about the nesting depth). */
const MAX_HANDED = 256;

/** Epochs are counted across arenas, so two arenas never show the same one. */
let epochs = 0;

export class Arena {
  readonly memory: WasmMemory;
  /** Whether `memory` is a shared memory (workers can run kernels over it). */
  readonly shared: boolean;
  #top = 0;
  /** Where `reset` starts: above the regions of the compiled programs now running. */
  #base = 0;
  #bytes: Uint8Array;
  /** `memory.buffer`, kept here: the getter is not free (a shared memory's makes a new
   * object), and only `reserve` on this thread ever grows the memory. */
  #buffer: ArrayBufferLike;
  #f64: Float64Array;
  #epoch = ++epochs;

  constructor(initialPages = 16, shared = wasmFeatures().threads) {
    [this.memory, this.shared] = newArenaMemory(initialPages, shared);
    this.#buffer = this.memory.buffer;
    this.#bytes = new Uint8Array(this.#buffer);
    this.#f64 = new Float64Array(this.#buffer);
    this.#f64.set(ERF_TABLE, ERF_TABLE_AT / 8);
    this.#top = this.#base = TABLES_END;
  }

  /** The memory's current buffer (replaced when the memory grows). */
  get buffer(): ArrayBufferLike {
    return this.#buffer;
  }

  /** The whole memory as float64 (for reading kernels' f64 scratch without a new view). */
  get f64(): Float64Array {
    return this.#f64;
  }

  /**
   * Where memory was handed out, for `untouchedBelow`: the epochs of reservations (rising)
   * and their starts, each start below every later one (a reservation drops the entries it
   * starts at or below: they add nothing to the lowest start since any epoch).
   */
  #handedEpochs: number[] = [];
  #handedAt: number[] = [];

  /**
   * A count of the calls that hand out memory (reset, enter, reserve). A compiled program
   * reads it after it leaves, to ask on its next call (`untouchedBelow`) whether its region
   * still holds what it left there.
   */
  get epoch(): number {
    return this.#epoch;
  }

  /**
   * Whether nothing handed out since `epoch` (an `epoch` read earlier; negative: never)
   * starts below byte `end`: then nobody has been given memory below `end` to write since,
   * and what was left there is still there. (Memory is only written where it was handed out.)
   */
  untouchedBelow(epoch: number, end: number): boolean {
    if (epoch < 0) return false;
    const epochs = this.#handedEpochs;
    // the first entry after `epoch`: its start is the lowest of every one since
    let [lo, hi] = [0, epochs.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (epochs[mid]! > epoch) hi = mid;
      else lo = mid + 1;
    }
    return lo === epochs.length || this.#handedAt[lo]! >= end;
  }

  /** Records a reservation at `at` (the current epoch's). */
  #handOut(at: number): void {
    const [epochs, starts] = [this.#handedEpochs, this.#handedAt];
    while (starts.length > 0 && starts[starts.length - 1]! >= at) {
      starts.pop();
      epochs.pop();
    }
    if (starts.length === MAX_HANDED) {
      // (forgetting the low ones would be unsafe: collapse to "all of it was handed out now")
      starts.length = epochs.length = 0;
      at = 0;
    }
    starts.push(at);
    epochs.push(this.#epoch);
  }

  /** Forget every reservation above the base (call at the start of each kernel call). */
  reset(): void {
    this.#epoch = ++epochs;
    this.#top = this.#base;
  }

  /**
   * A region of `bytes` for a compiled program's values (compiler/program.ts), kept while the
   * program runs: kernels it calls reserve their scratch above it, and a program it calls
   * (a loop body) takes the next region. Returns the region's start; `leave(start)` ends it.
   * Regions nest strictly (a stack), as program calls do.
   */
  enter(bytes: number): number {
    this.#epoch = ++epochs;
    this.#top = this.#base;
    const at = this.reserve(bytes);
    this.#base = this.#top;
    return at;
  }

  /**
   * Keeps the next `bytes` as they are: regions entered until `leave(at)` (with the `at`
   * returned) start above them. Nothing is handed out, so whoever left values there (a loop
   * body between iterations: compiler/control.ts) finds them again (`untouchedBelow`).
   */
  skip(bytes: number): number {
    const at = (this.#base + 15) & ~15;
    this.#base = this.#top = at + bytes;
    return at;
  }

  /** Ends the region that `enter` returned `at` for (and every region above it). */
  leave(at: number): void {
    this.#base = at;
    this.#top = at;
  }

  /** Reserve `bytes` (16-byte aligned, for v128 loads) and return the byte offset. */
  reserve(bytes: number): number {
    this.#epoch = ++epochs;
    const at = (this.#top + 15) & ~15;
    const end = at + bytes;
    if (end > this.#buffer.byteLength) {
      const pages = Math.ceil((end - this.#buffer.byteLength) / PAGE);
      this.memory.grow(pages);
      this.#buffer = this.memory.buffer;
      this.#bytes = new Uint8Array(this.#buffer);
      this.#f64 = new Float64Array(this.#buffer);
    }
    this.#top = end;
    this.#handOut(at);
    return at;
  }

  /** Copy a host array in; returns its byte offset. */
  copyIn(data: TypedArray): number {
    const at = this.reserve(data.byteLength);
    this.#bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    return at;
  }

  /** Copy `out.length` elements from byte offset `at` into the host array `out`. */
  copyOut(at: number, out: TypedArray): void {
    out.set(this.view(at, out) as never);
  }

  /** A typed view of the arena of `like`'s type and length at byte offset `at`. */
  view(at: number, like: TypedArray): TypedArray {
    const Ctor = like.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray;
    return new Ctor(this.#buffer, at, like.length);
  }
}

/** A shared memory reserves its maximum up front; where 2 GiB of address space is not to be
 * had (32-bit browsers), fall back to an unshared memory (one thread). */
function newArenaMemory(initial: number, shared: boolean): [WasmMemory, boolean] {
  if (shared) {
    try {
      return [newWasmMemory({ initial, maximum: MAX_PAGES, shared: true }), true];
    } catch {
      // fall through to an unshared memory
    }
  }
  return [newWasmMemory({ initial, maximum: MAX_PAGES }), false];
}

let theArena: Arena | undefined;
/** Whether the arena, when made, is to be unshared whatever the engine offers. */
let refuseShared = false;
/** The process-wide arena every wasm kernel shares (kernels run one at a time). */
export const arena = (): Arena => (theArena ??= new Arena(16, !refuseShared && wasmFeatures().threads));

/**
 * Internal, for tests: the arena is made unshared (`on`), as where shared memory is not to be
 * had (a browser page without cross-origin isolation): one thread, and an unshared buffer
 * that a grow detaches. Kernels are instantiated over the arena's memory, so this has to come
 * before its first use (a test loads a fresh copy of the modules for it: vi.resetModules);
 * once the arena exists it throws rather than leave those kernels on another memory.
 */
export function refuseSharedArena(on: boolean): void {
  if (theArena !== undefined) throw new Error("internal: the arena exists already: refuseSharedArena must come before the first kernel");
  refuseShared = on;
}

/** The limits a module importing the arena's memory declares: shared exactly when the arena
 * is (an import must match), and no larger than its maximum. */
export const arenaMemoryLimits = (): MemoryLimits => (arena().shared ? { initial: 0, maximum: MAX_PAGES, shared: true } : { initial: 0 });

// ---- instantiation (sync, or precompiled by ready()) ----

/** A compiled module and its instance over the arena. */
export interface ArenaModule {
  readonly module: WasmModule;
  readonly instance: WasmInstance;
}

/** Modules instantiated ahead of time by `ready()` (asynchronously), by a hash of their bytes
 * (the bytes are kept and compared on a hit, so a collision can never pick the wrong one). */
const precompiled = new Map<string, { readonly bytes: Uint8Array; readonly compiled: ArenaModule }>();

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
/** While `ready()` collects module bytes, instantiateOnArena records them and throws this. */
let collecting: Uint8Array[] | undefined;
class Collected extends Error {}

const keyOf = (bytes: Uint8Array): string => {
  // FNV-1a over the bytes plus the length: modules differ early (types) or in length.
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `${bytes.length}:${(h >>> 0).toString(16)}`;
};

/**
 * For tests: kernel modules compiled synchronously (every one, on this thread: all go through
 * compileKernelModule) and the bytes of the largest, and modules taken from `ready()`.
 * `forbidSync` simulates a browser's main thread: a synchronous compile of a module over
 * `syncLimit` bytes throws there, as Chromium's does (8 MiB since Chrome 114, 4 KiB before;
 * Firefox and Safari have no limit).
 */
export const arenaCompileStats = { sync: 0, largestSync: 0, precompiled: 0, forbidSync: false, syncLimit: 8 * 1024 * 1024 };

/** Compiles a kernel module synchronously: the one place every kernel module of the wasm
 * backend is compiled on this thread (ready() compiles asynchronously). */
export function compileKernelModule(bytes: Uint8Array): WasmModule {
  const stats = arenaCompileStats;
  stats.sync++;
  stats.largestSync = Math.max(stats.largestSync, bytes.length);
  if (stats.forbidSync && bytes.length > stats.syncLimit) {
    throw new RangeError(`WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than ${stats.syncLimit} bytes (simulated: ${bytes.length} bytes)`);
  }
  return compileWasm(bytes);
}

/** Compiles `m` (importing the arena's memory as env.mem) and instantiates it over the arena.
 * Synchronous (Node, workers), unless `ready()` already compiled identical bytes. */
export function instantiateOnArena(m: ModuleBuilder): WasmInstance {
  return compileOnArena(m).instance;
}

/** instantiateOnArena, also giving the module (which workers instantiate too). */
export function compileOnArena(m: ModuleBuilder): ArenaModule {
  const bytes = m.build();
  if (collecting !== undefined) {
    collecting.push(bytes);
    throw new Collected();
  }
  const hit = precompiled.get(keyOf(bytes));
  if (hit !== undefined && sameBytes(hit.bytes, bytes)) {
    arenaCompileStats.precompiled++;
    return hit.compiled;
  }
  const module = compileKernelModule(bytes);
  return { module, instance: instantiateWasm(module, { env: { mem: arena().memory } }) };
}

/** Runs `build` (which ends in instantiateOnArena) only to collect its module's bytes. */
export function collectModuleBytes(build: () => unknown): Uint8Array[] {
  collecting = [];
  try {
    build();
  } catch (e) {
    if (!(e instanceof Collected)) {
      collecting = undefined;
      throw e;
    }
  }
  const out = collecting;
  collecting = undefined;
  return out;
}

/** Stores an instance compiled ahead of time for the module with these bytes. */
export function addPrecompiled(bytes: Uint8Array, compiled: ArenaModule): void {
  precompiled.set(keyOf(bytes), { bytes, compiled });
}
