// The layout of the pool's control block (one SharedArrayBuffer of Int32 words, apart from the
// wasm memory) and the worker's source. The worker is started from this source string, not
// from a file: the source run (tsx, vitest) and the built package (tsup, ESM and CJS) can then
// both start it, with no extra build output to locate. It receives the compiled modules and
// the shared memory by message (or workerData in Node) and instantiates them itself.

import type { BinaryIntrinsic, UnaryIntrinsic } from "../../scalar/expr.js";

/** Word 0: how many workers of the current batch have not finished yet. */
export const PENDING = 0;
/** Word 1: how many kernel arguments (f64, from ARGS_BYTE) the current batch passes. */
export const NARGS = 1;
/** Words 2-6: the current batch: the next chunk to claim, how many chunks, the chunk size,
 * the end of the range, the kernel. Threads claim chunks with Atomics.add on NEXT, so a
 * thread that the OS delays (a loaded machine) simply gets fewer chunks. */
export const NEXT = 2;
export const CHUNKS = 3;
export const CHUNK = 4;
export const TOTAL = 5;
export const KERNEL = 6;
/** Words 7-9: a second kernel run after the first on each chunk, or −1 (an epilogue: a
 * product's fused elementwise consumer over the rows its chunk just finished), the units of
 * its range per unit of the first's, and how many arguments it takes (after the first's). */
export const THEN = 7;
export const THEN_SCALE = 8;
export const THEN_NARGS = 9;
/** Word 10: the current batch's membership: OPEN while the caller still admits workers, plus
 * how many have joined and not yet left. A worker joins (compare-and-swap, only while OPEN)
 * before it reads the batch; the caller clears OPEN once its own chunk loop finds nothing
 * left and then waits only for the workers that joined. So a worker the OS wakes late (a
 * loaded machine) costs the caller nothing: it finds the batch closed and goes back to sleep. */
export const STATE = 10;
export const OPEN = 1 << 30;
/** Word 11: the current batch's number. A thread that finishes chunk c stores it in word c of
 * the DONE block, so the caller can pass on a chunk's results while others still run
 * (parallelFor's `drain`); the number makes a stale flag from an earlier batch mismatch. */
export const GEN = 11;
/** Each worker w owns SLOT words from (w + 1)·SLOT. */
export const SLOT = 16;
/** Offsets within a worker's slot. */
export const SEQ = 0;
export const CMD = 1;
export const READY = 2;
/** Chunks this worker has run (an inspection hook: tests check work ran on a worker). */
export const RAN = 3;
export const FAILED = 4;
/** The number (GEN) of the last batch this worker was asked to run: a worker that finds
 * another batch open (it woke late for an earlier one) leaves it, since only the batch's
 * crew was brought up to date with the kernel table. */
export const BATCH = 5;
/** Kernels and modules this worker holds (an inspection hook: tests check the table stays
 * bounded in the workers too). */
export const HELD_KERNELS = 6;
export const HELD_MODULES = 7;
/** Commands. */
export const RUN = 1;
export const RECEIVE = 2;
export const MAX_WORKERS = 63;
/** The most threads a pool runs, counting the calling one (config.set refuses more). */
export const MAX_THREADS = MAX_WORKERS + 1;
/** Kernel arguments a batch can pass: a fused kernel takes two per operand and one per result. */
export const MAX_ARGS = 512;
export const ARGS_BYTE = MAX_THREADS * SLOT * 4;
/** Chunks per thread (at most; `grain` bounds them too): enough that a thread the OS delays
 * or preempts (a loaded machine) costs little, since the others take its share and the
 * batch waits for at most one of its chunks; few enough that a chunk stays worth a call. */
export const CHUNKS_PER_THREAD = 8;
/** The most chunks a batch has. */
export const MAX_CHUNKS = MAX_THREADS * CHUNKS_PER_THREAD;
/** Int32 words, one per chunk: the batch number (GEN) of the batch whose chunk it last was, once done. */
export const DONE_BYTE = ARGS_BYTE + MAX_ARGS * 8;
export const CONTROL_BYTES = DONE_BYTE + MAX_CHUNKS * 4;
/** How long (µs) a worker polls for its next command before it blocks in Atomics.wait: kernels
 * issued back to back (a batch: B's packing then the product, or the steps of a training
 * loop) then skip the wake-up (~30 µs on a quiet machine, several hundred on a loaded one),
 * while an idle worker sleeps and burns nothing. */
export const WORKER_SPIN_US = 50;

/**
 * The per-lane intrinsics a worker gives its kernels to import (the wasm lowering calls these
 * for the lanes it has no vector formula for: ../../scalar/wasm.ts), as source text, since the
 * worker is plain JS: those of js-loops.ts's scalarCalls and scalarCalls2 that are Math
 * functions or operators (the same functions in every realm, so the same bits). logistic, erf
 * and erf_inv are jaxts's own: a kernel that calls them per lane runs on the calling thread.
 */
export const WORKER_INTRINSICS = {
  "m.u_exp": "Math.exp", "m.u_log": "Math.log", "m.u_log1p": "Math.log1p", "m.u_expm1": "Math.expm1", "m.u_sin": "Math.sin",
  "m.u_cos": "Math.cos", "m.u_tan": "Math.tan", "m.u_asin": "Math.asin", "m.u_acos": "Math.acos", "m.u_atan": "Math.atan",
  "m.u_sinh": "Math.sinh", "m.u_cosh": "Math.cosh", "m.u_tanh": "Math.tanh",
  "m.b_pow": "Math.pow", "m.b_atan2": "Math.atan2", "m.b_rem": "(a, b) => a % b",
} as const satisfies Partial<Record<`m.u_${UnaryIntrinsic}` | `m.b_${BinaryIntrinsic}`, string>>;

/** Whether a worker can instantiate a kernel that imports these (`module.field`) functions. */
export const workerCanImport = (imports: Iterable<string>): boolean => [...imports].every((name) => Object.hasOwn(WORKER_INTRINSICS, name));

const workerIntrinsics = Object.entries(WORKER_INTRINSICS)
  .map(([name, source]) => `${JSON.stringify(name.slice(2))}: ${source}`)
  .join(", ");

/** The worker's program: Node (worker_threads, eval) or a browser (Blob URL). Plain JS. */
export const WORKER_SOURCE = `"use strict";
const PENDING = ${PENDING}, NARGS = ${NARGS}, NEXT = ${NEXT}, CHUNKS = ${CHUNKS}, CHUNK = ${CHUNK}, TOTAL = ${TOTAL}, KERNEL = ${KERNEL}, SLOT = ${SLOT};
const THEN = ${THEN}, THEN_SCALE = ${THEN_SCALE}, THEN_NARGS = ${THEN_NARGS}, STATE = ${STATE}, OPEN = ${OPEN};
const SEQ = ${SEQ}, CMD = ${CMD}, READY = ${READY}, RAN = ${RAN}, FAILED = ${FAILED}, BATCH = ${BATCH};
const HELD_KERNELS = ${HELD_KERNELS}, HELD_MODULES = ${HELD_MODULES};
const RUN = ${RUN}, RECEIVE = ${RECEIVE}, ARGS_BYTE = ${ARGS_BYTE}, SPIN_MS = ${WORKER_SPIN_US / 1000};
const GEN = ${GEN}, DONE_BYTE = ${DONE_BYTE};
let ctl, args, done, base, memory, seen = 0;
const instances = [], fns = [];
const intrinsics = { ${workerIntrinsics} };

// Applies changes to the kernel table: slots emptied first (a slot may be refilled at once).
function install(msg) {
  for (const i of msg.drop) instances[i] = undefined;
  for (const k of msg.clear) fns[k] = undefined;
  for (const [i, mod] of msg.modules) instances[i] = new WebAssembly.Instance(mod, { env: { mem: memory }, m: intrinsics });
  for (const [k, i, name] of msg.kernels) fns[k] = instances[i].exports[name];
  Atomics.store(ctl, base + HELD_KERNELS, fns.filter((f) => f !== undefined).length);
  Atomics.store(ctl, base + HELD_MODULES, instances.filter((x) => x !== undefined).length);
}

function finish() {
  if (Atomics.sub(ctl, PENDING, 1) === 1) Atomics.notify(ctl, PENDING);
}

// Joins the current batch if the caller still admits workers (see STATE).
function join() {
  for (;;) {
    const s = Atomics.load(ctl, STATE);
    if ((s & OPEN) === 0) return false;
    if (Atomics.compareExchange(ctl, STATE, s, s + 1) === s) return true;
  }
}

function leave() {
  if (Atomics.sub(ctl, STATE, 1) === 1) Atomics.notify(ctl, STATE);
}

// Claims and runs chunks of the current batch until none is left (nothing if it has closed).
function run() {
  if (!join()) return;
  const n = Atomics.load(ctl, NARGS), chunks = ctl[CHUNKS], chunk = ctl[CHUNK], total = ctl[TOTAL], gen = ctl[GEN];
  if (Atomics.load(ctl, base + BATCH) !== gen) return leave();
  const fn = fns[ctl[KERNEL]];
  const a = [0, 0];
  for (let i = 0; i < n; i++) a.push(args[i]);
  const then = ctl[THEN] >= 0 ? fns[ctl[THEN]] : undefined, scale = ctl[THEN_SCALE];
  const b = [0, 0];
  if (then !== undefined) for (let i = 0, m = ctl[THEN_NARGS]; i < m; i++) b.push(args[n + i]);
  try {
    for (let c = Atomics.add(ctl, NEXT, 1); c < chunks; c = Atomics.add(ctl, NEXT, 1)) {
      a[0] = c * chunk;
      a[1] = Math.min(total, a[0] + chunk);
      fn(...a);
      if (then !== undefined) {
        b[0] = a[0] * scale;
        b[1] = a[1] * scale;
        then(...b);
      }
      Atomics.store(done, c, gen);
      Atomics.add(ctl, base + RAN, 1);
    }
  } catch (e) {
    Atomics.store(ctl, base + FAILED, 1);
  }
  leave();
}

// The next value of this worker's SEQ word: polled for SPIN_MS, then waited for.
function next() {
  let s = Atomics.load(ctl, base + SEQ);
  const until = performance.now() + SPIN_MS;
  while (s === seen && performance.now() < until) {
    for (let i = 0; s === seen && i < 64; i++) s = Atomics.load(ctl, base + SEQ);
  }
  while (s === seen) {
    Atomics.wait(ctl, base + SEQ, seen);
    s = Atomics.load(ctl, base + SEQ);
  }
  return s;
}

// Runs commands until told to receive new modules: it returns to the event loop, whose
// message handler installs them and re-enters it.
function loop() {
  for (;;) {
    seen = next();
    if (Atomics.load(ctl, base + CMD) === RECEIVE) return;
    run();
  }
}

function start(msg) {
  ctl = new Int32Array(msg.control);
  args = new Float64Array(msg.control, ARGS_BYTE);
  done = new Int32Array(msg.control, DONE_BYTE);
  base = SLOT * (msg.id + 1);
  memory = msg.memory;
  install(msg);
  seen = Atomics.load(ctl, base + SEQ);
  Atomics.store(ctl, base + READY, 1);
  Atomics.notify(ctl, base + READY);
  loop();
}

function onMessage(msg) {
  if (msg.type === "start") return start(msg);
  install(msg);
  // (every signal so far is consumed: a worker that read the SEQ of a RUN it had not taken
  // yet and then the RECEIVE stored after it must not, back here, take that SEQ for a second
  // RECEIVE and return to an event loop with no message in it, idle until the next install)
  seen = Atomics.load(ctl, base + SEQ);
  finish();
  loop();
}

if (typeof require === "function") {
  const { parentPort, workerData } = require("node:worker_threads");
  parentPort.on("message", onMessage);
  if (workerData) start(workerData);
} else {
  self.onmessage = (e) => onMessage(e.data);
}
`;
