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
// - Kernel slots: a split names its kernel by a slot of a table of KERNEL_SLOTS (the workers
//   keep the same table), given to a registered kernel when a split first needs it. With
//   every slot taken, the kernel least recently split gives its slot up (on this thread, and
//   in each worker at its next install) and takes another when it is split again. So
//   programs that generate kernels without end (jit over ever-new shapes) keep a bounded
//   table here and in every worker, and a kernel never split never reaches a worker. Slots
//   change only before a batch opens, never those of the batch's own kernels.
// - Modules reach a worker at start (Node: workerData; browser: the start message); changes
//   to the table since are posted, and the worker is told to return to its event loop once to
//   receive them (RECEIVE) before its next kernel.
import type { WasmExportedFunction, WasmInstance, WasmModule } from "../../wasm/js-api.js";
import { exportedFunction } from "../../wasm/js-api.js";
import { arena } from "../arena.js";
import { ARGS_BYTE, BATCH, CHUNK, CHUNKS, CHUNKS_PER_THREAD, CMD, CONTROL_BYTES, DONE_BYTE, FAILED, GEN, HELD_KERNELS, HELD_MODULES, KERNEL, MAX_ARGS, MAX_CHUNKS, MAX_THREADS, MAX_WORKERS, NARGS, NEXT, OPEN, PENDING, RAN, READY, RECEIVE, RUN, SEQ, SLOT, STATE, THEN, THEN_NARGS, THEN_SCALE, TOTAL, WORKER_SOURCE } from "./protocol.js";

/** A kernel that can be split: a wasm export taking (start, end, ...args), which computes the
 * part [start, end) of its work; disjoint parts may run at the same time on different threads.
 * Made by registerParallelKernel; the pool keeps it only while it holds a slot. */
export class ParallelKernel {
  /** Its slot in the kernel table while it has one, else −1. */
  slot = -1;
  /** The pool's clock at its last split: the least recent gives its slot up first. */
  lastSplit = 0;

  constructor(
    /** The module the workers instantiate. */
    readonly module: WasmModule,
    readonly name: string,
    /** The calling thread's instance of the export. */
    readonly fn: WasmExportedFunction,
  ) {}
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

/** Kernels the table (here and in each worker) holds at most: more than a program splits in
 * a loop, few enough that what a worker instantiates stays small. */
export const KERNEL_SLOTS = 256;

/** The kernel table: the kernel in each slot, and a number naming that placement (0: empty),
 * new at each, by which a worker's copy is compared. */
const slotKernels: (ParallelKernel | undefined)[] = [];
const slotPlacements: number[] = [];
/** The modules of the kernels in the table, each once, in slots of their own (a worker holds
 * one instance per slot); `users`: its kernels in the table. */
interface ModuleSlot {
  readonly module: WasmModule;
  readonly placement: number;
  users: number;
}
const moduleSlots: (ModuleSlot | undefined)[] = [];
const moduleSlotOf = new Map<WasmModule, number>();
let placements = 0;
/** Bumped at every change of the table: a worker whose copy is of this version needs nothing. */
let tableVersion = 0;
/** Counts splits (for lastSplit), and placements made so far (tests: a kernel given a slot again). */
let clock = 0;
let kernelsPlaced = 0;

/** Makes `instance`'s export `name` (of `module`) splittable with parallelFor. Register once
 * per export, when its module is built; it costs nothing until it is split. */
export function registerParallelKernel(module: WasmModule, instance: WasmInstance, name: string): ParallelKernel {
  return new ParallelKernel(module, name, exportedFunction(instance, name));
}

/** The first empty slot of `slots` below `limit`, or −1. */
function emptySlot(slots: readonly unknown[], limit: number): number {
  for (let i = 0; i < limit; i++) if (slots[i] === undefined) return i;
  return -1;
}

/** Empties kernel slot `s` (and its module's slot when no other kernel there uses it). */
function vacate(s: number): void {
  const k = slotKernels[s]!;
  k.slot = -1;
  slotKernels[s] = undefined;
  slotPlacements[s] = 0;
  const m = moduleSlotOf.get(k.module)!;
  const ms = moduleSlots[m]!;
  if (--ms.users === 0) {
    moduleSlots[m] = undefined;
    moduleSlotOf.delete(k.module);
  }
  tableVersion++;
}

/** Gives `k` a slot if it has none: an empty one, or the least recently split kernel's
 * (never `keep`'s: the other kernel of the same batch). */
function place(k: ParallelKernel, keep: ParallelKernel | undefined): void {
  if (k.slot >= 0) return;
  let s = emptySlot(slotKernels, KERNEL_SLOTS);
  if (s < 0) {
    for (let i = 0; i < KERNEL_SLOTS; i++) {
      const other = slotKernels[i]!;
      if (other !== keep && (s < 0 || other.lastSplit < slotKernels[s]!.lastSplit)) s = i;
    }
    vacate(s);
  }
  let m = moduleSlotOf.get(k.module);
  if (m === undefined) {
    // (at most one module per kernel in the table: an empty module slot below KERNEL_SLOTS)
    m = emptySlot(moduleSlots, KERNEL_SLOTS);
    moduleSlots[m] = { module: k.module, placement: ++placements, users: 0 };
    moduleSlotOf.set(k.module, m);
  }
  moduleSlots[m]!.users++;
  slotKernels[s] = k;
  slotPlacements[s] = ++placements;
  k.slot = s;
  kernelsPlaced++;
  tableVersion++;
}

// ---- workers ----

interface WorkerHandle {
  terminate(): unknown;
  postMessage(message: unknown): void;
}

/** The kernel table as a worker has it: its version, and the placement in each kernel and
 * module slot (0: empty). */
interface WorkerTable {
  version: number;
  readonly kernelPlacements: number[];
  readonly modulePlacements: number[];
}

interface PoolWorker {
  readonly id: number;
  readonly handle: WorkerHandle;
  readonly table: WorkerTable;
}

const pool: PoolWorker[] = [];
let control: Int32Array | undefined;
let argsView: Float64Array | undefined;
let doneView: Int32Array | undefined;
/** The number of the last batch (GEN). */
let generation = 0;
/** Set when a worker failed to start or crashed: from then on everything runs on one thread. */
let broken = false;
/** Whether a split is running: parallelFor is not reentrant (a split asked for by a `drain`
 * runs on the calling thread alone). */
let splitting = false;

/** What a worker is sent of the table: module slots to drop and to instantiate
 * ([slot, module]), kernel slots to clear and to set ([slot, module slot, export name]). */
interface TableChanges {
  readonly drop: number[];
  readonly modules: [number, WasmModule][];
  readonly clear: number[];
  readonly kernels: [number, number, string][];
}
type StartMessage = TableChanges & { type: "start"; id: number; control: SharedArrayBuffer; memory: unknown };

/** The changes that bring a worker's table `w` up to this thread's (recorded as sent). */
function changesFor(w: WorkerTable): TableChanges {
  const changes: TableChanges = { drop: [], modules: [], clear: [], kernels: [] };
  for (let m = 0; m < Math.max(moduleSlots.length, w.modulePlacements.length); m++) {
    const now = moduleSlots[m];
    const placement = now?.placement ?? 0;
    if ((w.modulePlacements[m] ?? 0) === placement) continue;
    if ((w.modulePlacements[m] ?? 0) !== 0) changes.drop.push(m);
    if (now !== undefined) changes.modules.push([m, now.module]);
    w.modulePlacements[m] = placement;
  }
  for (let s = 0; s < Math.max(slotKernels.length, w.kernelPlacements.length); s++) {
    const placement = slotPlacements[s] ?? 0;
    if ((w.kernelPlacements[s] ?? 0) === placement) continue;
    const k = slotKernels[s];
    if (k === undefined) changes.clear.push(s);
    else changes.kernels.push([s, moduleSlotOf.get(k.module)!, k.name]);
    w.kernelPlacements[s] = placement;
  }
  w.version = tableVersion;
  return changes;
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
function spawn(id: number, ctl: Int32Array, table: TableChanges): WorkerHandle | undefined {
  const message: StartMessage = { type: "start", id, control: ctl.buffer as SharedArrayBuffer, memory: arena().memory, ...table };
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
    const table: WorkerTable = { version: 0, kernelPlacements: [], modulePlacements: [] };
    let handle: WorkerHandle | undefined;
    try {
      handle = spawn(id, ctl, changesFor(table));
    } catch {
      // A Content-Security-Policy without `worker-src blob:`, or a sandbox without workers.
      handle = undefined;
    }
    if (handle === undefined) {
      broken = true;
      return [];
    }
    const w: PoolWorker = { id, handle, table };
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

/** Brings each worker of the team up to this thread's kernel table. */
function installMissing(ctl: Int32Array, members: readonly PoolWorker[]): void {
  const behind = members.filter((w) => w.table.version !== tableVersion);
  if (behind.length === 0) return;
  Atomics.store(ctl, PENDING, behind.length);
  for (const w of behind) {
    w.handle.postMessage({ type: "install", ...changesFor(w.table) });
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
  // (a split from inside a split, through `drain`, would overwrite the running batch)
  const members = units > 1 && !splitting ? team() : [];
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
  kernel.lastSplit = ++clock;
  place(kernel, then?.kernel);
  if (then !== undefined) {
    then.kernel.lastSplit = clock;
    place(then.kernel, kernel);
  }
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
  Atomics.store(ctl, KERNEL, kernel.slot);
  Atomics.store(ctl, THEN, then?.kernel.slot ?? -1);
  Atomics.store(ctl, THEN_SCALE, then?.scale ?? 0);
  Atomics.store(ctl, THEN_NARGS, then?.args.length ?? 0);
  Atomics.store(ctl, TOTAL, n);
  Atomics.store(ctl, CHUNK, chunk);
  Atomics.store(ctl, CHUNKS, total);
  Atomics.store(ctl, GEN, gen);
  Atomics.store(ctl, NEXT, 0);
  // (only the crew is up to date with the table: a worker woken late for an earlier batch
  // that finds this one open must leave it, not run a slot it may hold another kernel in)
  for (const w of crew) Atomics.store(ctl, SLOT * (w.id + 1) + BATCH, gen);
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
  splitting = true;
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
    try {
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
    } finally {
      waitForWorkers(ctl, STATE);
      splitting = false;
    }
    for (const w of crew) failed = Atomics.exchange(ctl, SLOT * (w.id + 1) + FAILED, 0) !== 0 || failed;
  }
  if (failed) throw new Error("internal: a wasm kernel failed on a worker thread");
}

/** What threadPoolStats reports. */
export interface ThreadPoolStats {
  /** Workers started, and those of them ready. */
  readonly workers: number;
  readonly ready: number;
  /** Chunks workers have run so far. */
  readonly chunksOnWorkers: number;
  readonly shared: boolean;
  /** Kernels and modules in this thread's kernel table (at most KERNEL_SLOTS each). */
  readonly kernels: number;
  readonly modules: number;
  /** The most kernels and modules any worker holds. */
  readonly workerKernels: number;
  readonly workerModules: number;
  /** Kernels given a slot so far (a kernel given one again after losing it counts again). */
  readonly kernelsPlaced: number;
}

/** Inspection for tests and benchmarks. */
export function threadPoolStats(): ThreadPoolStats {
  const ctl = control;
  let [ready, chunks, workerKernels, workerModules] = [0, 0, 0, 0];
  if (ctl !== undefined) {
    for (const w of pool) {
      const at = SLOT * (w.id + 1);
      ready += Atomics.load(ctl, at + READY);
      workerKernels = Math.max(workerKernels, Atomics.load(ctl, at + HELD_KERNELS));
      workerModules = Math.max(workerModules, Atomics.load(ctl, at + HELD_MODULES));
    }
    for (let id = 0; id < MAX_WORKERS; id++) chunks += Atomics.load(ctl, SLOT * (id + 1) + RAN);
  }
  const kernels = slotKernels.filter((k) => k !== undefined).length;
  return { workers: pool.length, ready, chunksOnWorkers: chunks, shared: arena().shared, kernels, modules: moduleSlotOf.size, workerKernels, workerModules, kernelsPlaced };
}
