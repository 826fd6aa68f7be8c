// The wasm backend's thread pool: persistent workers (worker_threads in Node, Web Workers in
// a browser) that instantiate the same kernel modules over the arena's shared memory, and
// `parallelFor`, which splits one kernel call across them and the calling thread.
//
// - Size: `threads` workers in all, counting the calling thread (config.set({ threads }),
//   default the available cores); `threads: 1` means no workers. Where the arena cannot be
//   shared (no shared memory, a browser page without cross-origin isolation, Node without
//   process.getBuiltinModule), every kernel runs on the calling thread.
// - Lifetime: no worker starts until a kernel first asks for a split (programs that never
//   do big work never start one). Node workers are unref'd, so they never keep a finished
//   script alive; lowering `threads` terminates the extra ones.
// - Dispatch: the caller writes the kernel, the range, the chunk size and the arguments to
//   the control block (./protocol.ts), opens the batch (STATE), bumps each helping worker's
//   SEQ word and notifies it. Every thread, the caller included, then claims chunks with
//   Atomics.add on NEXT and runs `kernel(start, end, ...args)` on them until none is left (a
//   thread the OS delays simply gets fewer). A worker joins the batch first, and only while
//   it is open; the caller closes it when its own loop runs dry and waits (polls, then
//   blocks) only for the workers that joined. So a worker woken late, on a loaded machine,
//   never holds the caller up. A worker polls its SEQ for ~50 µs after a batch before it
//   blocks in Atomics.wait (so back-to-back kernels skip the ~30 µs wake-up, PERF-NOTES §3).
//   Each thread marks a chunk done (its DONE word := the batch's number) when it finishes
//   it, so a caller's `drain` can copy a chunk's results out while the others still run.
// - How a kernel opts in (dot-general.ts is the worked example): give its wasm module an
//   export `kernel(start, end, ...args)` that does the part [start, end) of the work (an
//   elementwise kernel: elements or v128 vectors start..end; a row reduction: rows
//   start..end), build the module with compileOnArena, register the export once with
//   registerParallelKernel(module, instance, name), and above a measured size call
//   parallelFor(kernel, n, args, grain) instead of calling it directly (grain: the unit a
//   chunk must be a multiple of, e.g. 4 f32 for whole vectors). Chunk boundaries depend on
//   the thread count, so a kernel's result must not: elementwise and per-row work qualify;
//   a single long sum should be split into a fixed number of partial sums (n = partials),
//   combined in order afterwards, so threads 1 and 2 give the same bits.
// - Modules reach a worker at start (Node: workerData; browser: the start message); modules
//   registered later are posted, and the worker is told to return to its event loop once to
//   receive them (RECEIVE) before its next kernel.
import type { WasmExportedFunction, WasmInstance, WasmModule } from "../../wasm/js-api.js";
import { exportedFunction } from "../../wasm/js-api.js";
import { arena } from "../arena.js";
import { ARGS_BYTE, CHUNK, CHUNKS, CHUNKS_PER_THREAD, CMD, CONTROL_BYTES, DONE_BYTE, FAILED, GEN, KERNEL, MAX_ARGS, MAX_CHUNKS, MAX_THREADS, MAX_WORKERS, NARGS, NEXT, OPEN, PENDING, RAN, READY, RECEIVE, RUN, SEQ, SLOT, STATE, THEN, THEN_NARGS, THEN_SCALE, TOTAL, WORKER_SOURCE } from "./protocol.js";

/** A kernel that can be split: a wasm export taking (start, end, ...args), which computes the
 * part [start, end) of its work; disjoint parts may run at the same time on different threads. */
export interface ParallelKernel {
  readonly id: number;
  /** The calling thread's instance of the export. */
  readonly fn: WasmExportedFunction;
}

// ---- the thread count (config.set({ threads })) ----

type Builtin = (id: string) => unknown;
const getBuiltin = (globalThis as { readonly process?: { readonly getBuiltinModule?: Builtin } }).process?.getBuiltinModule;

/** The cores this process may use: os.availableParallelism (Node), navigator.hardwareConcurrency. */
function availableCores(): number {
  try {
    const os = getBuiltin?.("node:os") as { availableParallelism?: () => number; cpus: () => unknown[] } | undefined;
    const n = os?.availableParallelism?.() ?? os?.cpus().length ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
    return typeof n === "number" && n >= 1 ? Math.floor(n) : 1;
  } catch {
    return 1;
  }
}

// (a machine with more cores than a pool runs gets the most it runs, and config.get() says so)
let threads = Math.min(availableCores(), MAX_THREADS);

/** Threads kernels may use, counting the calling thread (config.get().threads). */
export const threadCount = (): number => threads;

/** Sets the thread count (an integer from 1 to MAX_THREADS, checked by config.set); extra
 * workers stop now, missing ones start at the next split. */
export function setThreadCount(n: number): void {
  threads = n;
  const keep = n - 1;
  while (pool.length > keep) stopWorker(pool.pop()!);
}

// ---- kernels and modules ----

const modules: WasmModule[] = [];
const moduleIndex = new Map<WasmModule, number>();
/** [kernel id, module index, export name] */
const kernels: [number, number, string][] = [];

/** Makes `instance`'s export `name` (of `module`) splittable with parallelFor. Register once
 * per export, when its module is built. */
export function registerParallelKernel(module: WasmModule, instance: WasmInstance, name: string): ParallelKernel {
  let m = moduleIndex.get(module);
  if (m === undefined) {
    m = modules.length;
    modules.push(module);
    moduleIndex.set(module, m);
  }
  const id = kernels.length;
  kernels.push([id, m, name]);
  return { id, fn: exportedFunction(instance, name) };
}

// ---- workers ----

interface WorkerHandle {
  terminate(): unknown;
  postMessage(message: unknown): void;
}

interface PoolWorker {
  readonly id: number;
  readonly handle: WorkerHandle;
  /** How many of `modules` / `kernels` this worker has. */
  modulesSent: number;
  kernelsSent: number;
}

const pool: PoolWorker[] = [];
let control: Int32Array | undefined;
let argsView: Float64Array | undefined;
let doneView: Int32Array | undefined;
/** The number of the last batch (GEN). */
let generation = 0;
/** Set when a worker failed to start or crashed: from then on everything runs on one thread. */
let broken = false;

type StartMessage = { type: "start"; id: number; control: SharedArrayBuffer; memory: unknown; modules: [number, WasmModule][]; kernels: [number, number, string][] };

function startMessage(id: number, ctl: Int32Array): StartMessage {
  return { type: "start", id, control: ctl.buffer as SharedArrayBuffer, memory: arena().memory, modules: modules.map((m, i) => [i, m]), kernels: kernels.slice() };
}

interface NodeWorker extends WorkerHandle {
  unref(): void;
  on(event: "error" | "exit", listener: (e: unknown) => void): void;
}
type NodeWorkerCtor = new (source: string, options: { eval: true; workerData: unknown; name?: string }) => NodeWorker;
type BrowserWorkerCtor = new (url: string, options?: { name?: string }) => WorkerHandle & { onerror: ((e: unknown) => void) | null };

let workerUrl: string | undefined;

/** Starts worker `id` (Node: from the source string with eval; a browser: from a Blob URL of
 * it, which a Content-Security-Policy must allow with `worker-src blob:`). */
function spawn(id: number, ctl: Int32Array): WorkerHandle | undefined {
  const message = startMessage(id, ctl);
  const nodeThreads = getBuiltin?.("node:worker_threads") as { Worker: NodeWorkerCtor } | undefined;
  if (nodeThreads !== undefined) {
    const w = new nodeThreads.Worker(WORKER_SOURCE, { eval: true, workerData: message, name: `jaxts-wasm-${id}` });
    w.unref();
    w.on("error", () => {
      broken = true;
    });
    return w;
  }
  const g = globalThis as { Worker?: BrowserWorkerCtor; Blob?: new (parts: string[], options: { type: string }) => unknown; URL?: { createObjectURL(b: unknown): string } };
  if (g.Worker === undefined || g.Blob === undefined || g.URL === undefined) return undefined;
  // One Blob URL for every worker, kept (a worker may fetch it after the constructor returns).
  workerUrl ??= g.URL.createObjectURL(new g.Blob([WORKER_SOURCE], { type: "text/javascript" }));
  const w = new g.Worker(workerUrl, { name: `jaxts-wasm-${id}` });
  w.onerror = () => {
    broken = true;
  };
  w.postMessage(message);
  return w;
}

function stopWorker(w: PoolWorker): void {
  try {
    const done = w.handle.terminate();
    if (done instanceof Promise) done.catch(() => undefined);
  } finally {
    const at = SLOT * (w.id + 1);
    if (control !== undefined) for (let i = 0; i < SLOT; i++) if (i !== RAN) Atomics.store(control, at + i, 0);
  }
}

/** Whether the calling thread may block in Atomics.wait (not a browser's main thread). */
let canBlock: boolean | undefined;
function blockingAllowed(ctl: Int32Array): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(ctl, PENDING, -1, 0);
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}

/** Starts the missing workers (up to threads − 1) and returns the ready ones. In Node a new
 * worker is waited for (up to a second: its start costs ~20-40 ms, once); a browser's main
 * thread cannot wait, so a new worker joins from the first split after it is ready. */
function team(): PoolWorker[] {
  const want = threads - 1; // (threads ≤ MAX_THREADS: config.set refuses more)
  if (want <= 0 || broken || !arena().shared) return [];
  control ??= new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
  argsView ??= new Float64Array(control.buffer, ARGS_BYTE, MAX_ARGS);
  doneView ??= new Int32Array(control.buffer, DONE_BYTE, MAX_CHUNKS);
  const ctl = control;
  const started: PoolWorker[] = [];
  while (pool.length < want) {
    const id = pool.length;
    let handle: WorkerHandle | undefined;
    try {
      handle = spawn(id, ctl);
    } catch {
      // A Content-Security-Policy without `worker-src blob:`, or a sandbox without workers.
      handle = undefined;
    }
    if (handle === undefined) {
      broken = true;
      return [];
    }
    const w: PoolWorker = { id, handle, modulesSent: modules.length, kernelsSent: kernels.length };
    pool.push(w);
    started.push(w);
  }
  if (started.length > 0 && blockingAllowed(ctl)) {
    const deadline = Date.now() + 1000;
    for (const w of started) {
      const at = SLOT * (w.id + 1) + READY;
      while (Atomics.load(ctl, at) === 0 && !broken && Date.now() < deadline) Atomics.wait(ctl, at, 0, 50);
    }
  }
  return pool.filter((w) => Atomics.load(ctl, SLOT * (w.id + 1) + READY) === 1);
}

/** Bumps worker w's SEQ word with command `cmd` and wakes it. */
function signal(ctl: Int32Array, w: PoolWorker, cmd: number): void {
  const at = SLOT * (w.id + 1);
  Atomics.store(ctl, at + CMD, cmd);
  Atomics.add(ctl, at + SEQ, 1);
  Atomics.notify(ctl, at + SEQ);
}

/** How long (ms) the calling thread polls for the workers before it blocks: it has nothing
 * else to do, and a wake-up costs more than this. */
const MAIN_SPIN_MS = 0.2;

/** Waits until the word `at` is 0: every worker told to install has (PENDING), or every
 * worker that joined the batch has left it (STATE, once OPEN is cleared). */
function waitForWorkers(ctl: Int32Array, at = PENDING): void {
  let v = Atomics.load(ctl, at);
  const until = performance.now() + MAIN_SPIN_MS;
  while (v !== 0 && performance.now() < until) {
    for (let i = 0; v !== 0 && i < 64; i++) v = Atomics.load(ctl, at);
  }
  const block = blockingAllowed(ctl);
  while (v !== 0) {
    if (block) Atomics.wait(ctl, at, v, 100);
    v = Atomics.load(ctl, at);
  }
}

/** Sends each worker of the team the modules and kernels registered since it started. */
function installMissing(ctl: Int32Array, members: readonly PoolWorker[]): void {
  const behind = members.filter((w) => w.kernelsSent < kernels.length);
  if (behind.length === 0) return;
  Atomics.store(ctl, PENDING, behind.length);
  for (const w of behind) {
    w.handle.postMessage({ type: "install", modules: modules.slice(w.modulesSent).map((m, i) => [w.modulesSent + i, m]), kernels: kernels.slice(w.kernelsSent) });
    w.modulesSent = modules.length;
    w.kernelsSent = kernels.length;
    signal(ctl, w, RECEIVE);
  }
  waitForWorkers(ctl);
}

/**
 * Called on the calling thread with each chunk's range [start, end) once that chunk's kernel
 * (and `then`) is done, on whichever thread ran it, while the others may still run: what a
 * chunk's results are copied out with, overlapping the copy with the rest of the work. Every
 * range is passed exactly once, in no particular order, before parallelFor returns.
 */
export type Drain = (start: number, end: number) => void;

/** A kernel run after parallelFor's on each chunk: `kernel(start·scale, end·scale, ...args)`
 * once `kernel(start, end, …)` is done (a product's epilogue over the rows just computed). */
export interface ThenKernel {
  readonly kernel: ParallelKernel;
  readonly scale: number;
  readonly args: readonly number[];
}

/**
 * Runs `kernel(start, end, ...args)` over [0, n) in chunks (multiples of `grain`, except the
 * last) claimed by the calling thread and the pool's workers, and returns when all are done.
 * With no workers (threads: 1, no shared memory) it is one call on this thread. Callers split
 * only work that pays: waking a sleeping worker costs ~30 µs (a worker still polling after
 * its last chunk answers in ~1-3 µs), so the whole should be worth well over 100 µs.
 */
export function parallelFor(kernel: ParallelKernel, n: number, args: readonly number[], grain = 1, then?: ThenKernel, drain?: Drain): void {
  const units = Math.ceil(n / grain);
  const members = units > 1 ? team() : [];
  const helpers = Math.min(members.length, units - 1);
  const nargs = args.length + (then?.args.length ?? 0);
  // (a kernel with more arguments than the control block holds runs on this thread alone)
  if (helpers <= 0 || control === undefined || argsView === undefined || doneView === undefined || nargs > MAX_ARGS) {
    kernel.fn(0, n, ...args);
    then?.kernel.fn(0, n * then.scale, ...then.args);
    drain?.(0, n);
    return;
  }
  const ctl = control;
  const done = doneView;
  const crew = members.slice(0, helpers);
  installMissing(ctl, crew);
  const chunks = Math.min(units, (helpers + 1) * CHUNKS_PER_THREAD);
  const chunk = Math.ceil(units / chunks) * grain;
  const total = Math.ceil(n / chunk);
  // (0 never numbers a batch, and this batch's words start at 0: no stale word can match)
  generation = generation === 0x7fffffff ? 1 : generation + 1;
  const gen = generation;
  if (drain !== undefined) done.fill(0, 0, total);
  argsView.set(args);
  if (then !== undefined) argsView.set(then.args, args.length);
  Atomics.store(ctl, NARGS, args.length);
  Atomics.store(ctl, KERNEL, kernel.id);
  Atomics.store(ctl, THEN, then?.kernel.id ?? -1);
  Atomics.store(ctl, THEN_SCALE, then?.scale ?? 0);
  Atomics.store(ctl, THEN_NARGS, then?.args.length ?? 0);
  Atomics.store(ctl, TOTAL, n);
  Atomics.store(ctl, CHUNK, chunk);
  Atomics.store(ctl, CHUNKS, total);
  Atomics.store(ctl, GEN, gen);
  Atomics.store(ctl, NEXT, 0);
  Atomics.store(ctl, STATE, OPEN);
  for (const w of crew) signal(ctl, w, RUN);
  // Chunks whose results `drain` has had (any thread's, once their DONE word says this batch).
  const drained = drain === undefined ? undefined : new Uint8Array(total);
  let left = total;
  const drainReady = (): void => {
    for (let c = 0; c < total; c++) {
      if (drained![c] === 0 && Atomics.load(done, c) === gen) {
        drained![c] = 1;
        left--;
        drain!(c * chunk, Math.min(n, (c + 1) * chunk));
      }
    }
  };
  let failed = false;
  try {
    for (let c = Atomics.add(ctl, NEXT, 1); c < total; c = Atomics.add(ctl, NEXT, 1)) {
      const [start, end] = [c * chunk, Math.min(n, (c + 1) * chunk)];
      kernel.fn(start, end, ...args);
      then?.kernel.fn(start * then.scale, end * then.scale, ...then.args);
      if (drained !== undefined) {
        Atomics.store(done, c, gen);
        drainReady();
      }
    }
  } finally {
    // Workers that have not joined yet never will; those that have use the arena until they
    // leave: never return (or throw) before. (After a throw here, the joined workers run out
    // the remaining chunks; the result is discarded.)
    Atomics.and(ctl, STATE, ~OPEN);
    // Every chunk is claimed: pass on each as it is done, until the workers have all left
    // (polling, then, past MAIN_SPIN_MS, napping 0.1 ms at a time where blocking is allowed:
    // a worker the OS has descheduled must not be kept from a core by this loop).
    if (drained !== undefined) {
      const until = performance.now() + MAIN_SPIN_MS;
      const nap = blockingAllowed(ctl);
      while (left > 0) {
        const state = Atomics.load(ctl, STATE);
        const before = left;
        drainReady();
        if ((state & ~OPEN) === 0) break;
        if (left === before && nap && performance.now() > until) Atomics.wait(ctl, STATE, state, 0.1);
      }
    }
    waitForWorkers(ctl, STATE);
    for (const w of crew) failed = Atomics.exchange(ctl, SLOT * (w.id + 1) + FAILED, 0) !== 0 || failed;
  }
  if (failed) throw new Error("internal: a wasm kernel failed on a worker thread");
}

/** Inspection for tests and benchmarks: workers started and ready, and the chunks workers
 * have run so far. */
export function threadPoolStats(): { readonly workers: number; readonly ready: number; readonly chunksOnWorkers: number; readonly shared: boolean } {
  const ctl = control;
  let ready = 0;
  let chunks = 0;
  if (ctl !== undefined) {
    for (const w of pool) ready += Atomics.load(ctl, SLOT * (w.id + 1) + READY);
    for (let id = 0; id < MAX_WORKERS; id++) chunks += Atomics.load(ctl, SLOT * (id + 1) + RAN);
  }
  return { workers: pool.length, ready, chunksOnWorkers: chunks, shared: arena().shared };
}
