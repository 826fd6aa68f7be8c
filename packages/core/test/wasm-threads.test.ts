// The wasm backend's thread pool: config.set({ threads }) is checked and honoured, a split
// product equals the one-thread product bit for bit (each element of C is computed by one
// thread, in the same order), work really runs on a worker, the pool starts lazily, shrinks
// when asked, and never keeps a finished Node script alive.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ArgumentError, array, config, lax, type NDArray, np } from "@jaxts/core";
import { scalarCalls, scalarCalls2 } from "../src/backend/scalar/js-loops.js";
import { WORKER_INTRINSICS } from "../src/backend/wasm-backend/threads/protocol.js";
import { arena, arenaMemoryLimits, compileOnArena } from "../src/backend/wasm-backend/arena.js";
import { ModuleBuilder } from "../src/backend/wasm/index.js";
import { dotGeneralWasmStats } from "../src/backend/wasm-backend/dot-general.js";
import { parallelRows } from "../src/backend/wasm-backend/kernel-module.js";
import { type ParallelKernel, parallelFor, registerParallelKernel, threadPoolStats } from "../src/backend/wasm-backend/threads/pool.js";
import { thrown } from "./helpers/thrown.js";
import { randomArray } from "./helpers/wasm.js";

const initialThreads = config.get().threads;
const saved = { ...dotGeneralWasmStats };


/** f's result bytes with `threads` threads on the wasm backend. */
function withThreads(threads: number, f: () => NDArray): Float32Array | Float64Array {
  config.set({ backend: "wasm", threads });
  return f().toTypedArray() as Float32Array | Float64Array;
}


/**
 * Runs `round` until one of its runs put a chunk on a worker (at most 40 runs, with pauses
 * for the worker to be scheduled: on a busy machine the calling thread can take every chunk
 * of a round). Each run must be correct by itself; the caller then checks the counter.
 */
async function untilWorkerTakesChunk(round: () => void): Promise<void> {
  const before = threadPoolStats().chunksOnWorkers;
  for (let i = 0; i < 40 && threadPoolStats().chunksOnWorkers === before; i++) {
    round();
    if (threadPoolStats().chunksOnWorkers === before) await new Promise((r) => setTimeout(r, 25));
  }
}

/** A registered kernel fill(start, end, at, value): i32 words at..: word i += value + i, for i in [start, end). */
function fillKernel(): ParallelKernel {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  m.addFunction("fill", { params: { start: "i32", end: "i32", at: "i32", value: "i32" }, export: true }, (b, p) => {
    const i = b.newLocal("i32", "i");
    const addr = b.newLocal("i32", "addr");
    b.forRange(i, p.start, p.end, () => {
      b.local.set(addr, () => b.i32.add(p.at, () => b.i32.shl(i, 2)));
      b.i32.store(addr, () => b.i32.add(() => b.i32.load(addr), () => b.i32.add(p.value, i)));
    });
  });
  const { module, instance } = compileOnArena(m);
  return registerParallelKernel(module, instance, "fill");
}

/** Two threads, the fill kernel and n fresh i32 words in the arena (at `at`), read through
 * `words()` (a new view each time: the memory may have grown). */
function fillSetup(n: number): { fill: ParallelKernel; at: number; words: () => Int32Array } {
  const fill = fillKernel();
  config.set({ threads: 2 });
  const mem = arena();
  mem.reset();
  const at = mem.reserve(4 * n);
  return { fill, at, words: () => new Int32Array(mem.memory.buffer, at, n) };
}

/** A registered kernel trap(start, end) that traps on whichever thread runs it. */
function trapKernel(): ParallelKernel {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  m.addFunction("trap", { params: { start: "i32", end: "i32" }, export: true }, (b) => {
    b.unreachable();
  });
  const { module, instance } = compileOnArena(m);
  return registerParallelKernel(module, instance, "trap");
}

describe("config.set({ threads })", () => {
  afterEach(() => config.set({ threads: initialThreads }));

  it("defaults to the available cores and reads back what was set", () => {
    expect(Number.isInteger(initialThreads) && initialThreads >= 1).toBe(true);
    config.set({ threads: 3 });
    expect(config.get().threads).toBe(3);
  });

  it("threads that is not an integer from 1 to 64 is an ArgumentError naming config.set, and changes nothing (never silently capped)", () => {
    config.set({ threads: 64 });
    expect(config.get().threads).toBe(64);
    config.set({ threads: initialThreads });
    expect(initialThreads).toBeLessThanOrEqual(64);
    expect(thrown(() => config.set({ threads: 65 })).message).toMatch(/from 1 to 64.*got 65/);
    for (const bad of [0, -1, 1.5, Number.NaN, 65, 1000]) {
      const e = thrown(() => config.set({ threads: bad }));
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(/config\.set/);
      expect(e.message).toMatch(/threads/);
    }
    expect(thrown(() => config.set({ threads: "2" as unknown as number }))).toBeInstanceOf(ArgumentError);
    expect(config.get().threads).toBe(initialThreads);
  });
});

describe.runIf(arena().shared)("the wasm thread pool", () => {
  beforeAll(() => {
    // Every product is split, however small (the default threshold keeps small ones whole).
    dotGeneralWasmStats.minMacs = 0;
    dotGeneralWasmStats.parallelMinMacs = 0;
  });
  afterAll(() => Object.assign(dotGeneralWasmStats, { minMacs: saved.minMacs, parallelMinMacs: saved.parallelMinMacs }));
  afterEach(() => config.set({ backend: "js", threads: initialThreads }));

  it("a matmul split over 2 threads equals the 1-thread matmul bit for bit (f32 and f64, transposed forms, batches)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const a = randomArray([67, 129], dtype, 3);
      const b = randomArray([129, 45], dtype, 4);
      const bt = randomArray([45, 129], dtype, 5);
      const batched = [randomArray([3, 33, 20], dtype, 6), randomArray([3, 20, 41], dtype, 7)] as const;
      const cases: (() => NDArray)[] = [
        () => np.matmul(a, b),
        () => lax.dotGeneral(a, bt, [[[1], [1]], [[], []]]), // A·Bᵀ
        () => lax.dotGeneral(b, b, [[[0], [0]], [[], []]]), // Aᵀ·B
        () => np.matmul(batched[0], batched[1]),
        () => np.matmul(a, randomArray([129], dtype, 12)), // matrix·vector
      ];
      for (const f of cases) expect(withThreads(2, f)).toEqual(withThreads(1, f));
    }
  });

  it("a split product's result, copied out a chunk of rows at a time as the chunks finish, is exactly the js result: ragged rows and columns, batches, f32 and f64", async () => {
    dotGeneralWasmStats.parallelMinMacs = 0;
    for (const dtype of ["float32", "float64"] as const) {
      // (small integers: every partial sum is exact, so any row copied early, late or twice shows)
      const cases: [NDArray, NDArray][] = [
        [randomArray([67, 129], dtype, 3, true), randomArray([129, 45], dtype, 4, true)],
        [randomArray([130, 64], dtype, 5, true), randomArray([64, 24], dtype, 6, true)],
        [randomArray([3, 41, 20], dtype, 7, true), randomArray([3, 20, 37], dtype, 8, true)],
      ];
      for (const [a, b] of cases) {
        config.set({ backend: "js" });
        const want = np.matmul(a, b).toTypedArray();
        await untilWorkerTakesChunk(() => {
          expect(withThreads(2, () => np.matmul(a, b)), `${dtype} ${a.shape}·${b.shape}`).toEqual(want);
        });
        expect(withThreads(1, () => np.matmul(a, b))).toEqual(want);
      }
    }
  });

  it("with threads: 2 part of a big product runs on a worker (its chunk counter moves)", async () => {
    const a = randomArray([256, 256], "float32", 8);
    const before = threadPoolStats().chunksOnWorkers;
    // The calling thread and the worker claim chunks as they come; over a few products the
    // worker gets some unless the OS never runs it.
    await untilWorkerTakesChunk(() => withThreads(2, () => np.matmul(a, a)));
    expect(threadPoolStats().workers).toBe(1);
    expect(threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);
  });

  it("row reductions (sum, max) split their rows across threads and equal the 1-thread result bit for bit", async () => {
    const savedRows = { ...parallelRows };
    parallelRows.minElements = 0;
    try {
      for (const dtype of ["float32", "float64"] as const) {
        const x = randomArray([120, 500], dtype, 9);
        for (const f of [() => np.sum(x, { axis: 1 }), () => np.max(x, { axis: -1 }), () => np.sum(x.reshape([12, 10, 500]), { axis: [1, 2] })]) {
          const before = threadPoolStats().chunksOnWorkers;
          const one = withThreads(1, f);
          await untilWorkerTakesChunk(() => expect(withThreads(2, f)).toEqual(one));
          expect(threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);
        }
      }
    } finally {
      Object.assign(parallelRows, savedRows);
    }
  });

  it("a kernel module built after the workers started (f64 after f32) reaches them", () => {
    const f32 = randomArray([40, 40], "float32", 9);
    withThreads(2, () => np.matmul(f32, f32));
    const f64 = randomArray([96, 96], "float64", 10);
    const f = () => np.matmul(f64, f64);
    expect(withThreads(2, f)).toEqual(withThreads(1, f));
  });

  it("a product that grows the shared arena after the workers started is computed right by them", () => {
    const small = randomArray([16, 16], "float32", 13);
    withThreads(2, () => np.matmul(small, small));
    const bytesBefore = arena().memory.buffer.byteLength;
    const a = randomArray([400, 300], "float32", 14);
    const b = randomArray([300, 400], "float32", 15);
    const f = () => np.matmul(a, b);
    const split = withThreads(2, f);
    expect(arena().memory.buffer.byteLength).toBeGreaterThan(bytesBefore);
    expect(split).toEqual(withThreads(1, f));
  });

  it("parallelFor runs any registered (start, end, ...args) kernel over the whole range, exactly once per index", async () => {
    const n = 100_003;
    const { fill, at, words } = fillSetup(n);
    words().fill(0);
    const before = threadPoolStats().chunksOnWorkers;
    // On a busy machine a worker may not get a chunk in one round (the calling thread takes
    // them all): every round must be exactly right, and within a few rounds (with pauses
    // for the worker to be scheduled) one must run on the worker.
    await untilWorkerTakesChunk(() => {
      words().fill(0);
      parallelFor(fill, n, [at, 7], 4);
      expect(words().findIndex((v, i) => v !== 7 + i)).toBe(-1);
    });
    expect(threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);

    // A kernel that traps on every thread is an error, and leaves the pool working.
    expect(() => parallelFor(trapKernel(), 1000, [])).toThrow();
    words().fill(0);
    parallelFor(fill, n, [at, 7], 4);
    expect(words().findIndex((v, i) => v !== 7 + i)).toBe(-1);
  });

  it("parallelFor's drain is handed every chunk's range exactly once, on the calling thread, only after that chunk (run on any thread) is complete, and before parallelFor returns", async () => {
    const n = 100_003;
    const { fill, at, words } = fillSetup(n);
    const before = threadPoolStats().chunksOnWorkers;
    // Batches of several sizes back to back (a chunk's done word from an earlier, bigger batch
    // must not pass for this one's), each checked on its own.
    const batch = (size: number, value: number): void => {
      words().fill(0, 0, size);
      const seen = new Uint8Array(size);
      parallelFor(fill, size, [at, value], 4, undefined, (start, end) => {
        const w = words();
        for (let i = start; i < end; i++) {
          if (seen[i] !== 0) expect.fail(`index ${i} drained twice`);
          seen[i] = 1;
          if (w[i] !== value + i) expect.fail(`index ${i} drained before its chunk was done (${w[i]}, not ${value + i})`);
        }
      });
      expect(seen.indexOf(0)).toBe(-1);
    };
    await untilWorkerTakesChunk(() => {
      for (const [size, value] of [[n, 5], [37, 9], [n, 11], [4096, 2], [1, 3]] as const) batch(size, value);
    });
    expect(threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);

    // A kernel that traps on every thread is an error (never a wait for chunks no thread finished).
    expect(() => parallelFor(trapKernel(), 1000, [], 1, undefined, () => {})).toThrow();
    batch(n, 13);
  });

  it("a worker woken after the caller has run every chunk is not waited for, and batches stay exact", async () => {
    const n = 50_000;
    const { fill, at, words } = fillSetup(n);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    const before = threadPoolStats().chunksOnWorkers;
    // Tiny batches right after the worker has gone to sleep (it polls ~50 µs, then blocks):
    // the caller usually runs every chunk before the worker wakes, closes the batch, and
    // returns; the late worker must then neither run a closed batch nor upset the next one.
    for (let round = 0; round < 300; round++) {
      if (round % 3 === 0) Atomics.wait(nap, 0, 0, 1);
      const size = round % 5 === 4 ? n : 2 + (round % 7);
      words().fill(0, 0, size);
      parallelFor(fill, size, [at, round], 1);
      const w = words();
      for (let i = 0; i < size; i++) if (w[i] !== round + i) expect.fail(`round ${round}: word ${i} is ${w[i]}, not ${round + i}`);
    }
    await untilWorkerTakesChunk(() => {
      words().fill(0);
      parallelFor(fill, n, [at, 3], 4);
      expect(words().findIndex((v, i) => v !== 3 + i)).toBe(-1);
    });
    expect(threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);
  });

  it("elementwise kernels that call Math's functions per lane (f64 pow's special lanes, f64 tan, atan2, rem) split across threads and equal js bit for bit", async () => {
    // PARALLEL_STEPS steps of 4 elements and more: 2^17 + 3 elements
    const n = (1 << 17) + 3;
    const base = Float64Array.from({ length: n }, (_, i) => (i % 17 === 0 ? -1.5 : 0.25 + (i % 997) / 97));
    const expo = Float64Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 1e300 : ((i * 7919) % 2001) / 100 - 10));
    const cases = [
      ["float64", (x: NDArray, y: NDArray) => lax.pow(x, y)],
      ["float64", (x: NDArray, y: NDArray) => lax.atan2(x, y)],
      ["float64", (x: NDArray) => np.tan(x)],
      ["float32", (x: NDArray, y: NDArray) => lax.rem(x, y)],
      ["float32", (x: NDArray, y: NDArray) => lax.atan2(x, y)],
    ] as const;
    for (const [dtype, g] of cases) {
      const [x, y] = [array(base, { dtype }), array(expo, { dtype })];
      const f = (): NDArray => g(x, y);
      config.set({ backend: "js" });
      const ref = f().toTypedArray();
      const before = threadPoolStats().chunksOnWorkers;
      await untilWorkerTakesChunk(() => {
        const got = withThreads(2, f);
        const at = ref.findIndex((v, i) => !Object.is(v, got[i]));
        expect(at, `${dtype} ${g}: first difference`).toBe(-1);
      });
      expect(threadPoolStats().chunksOnWorkers, `${dtype} ${g}`).toBeGreaterThan(before);
    }
  });

  it("a worker's per-lane intrinsics are the calling thread's functions: the same bits on special and ordinary values", () => {
    const values = [0, -0, 1, -1, 0.5, 2, -2.5, 1e-310, 1e300, -1e300, 710, -745, Math.PI / 2, Infinity, -Infinity, NaN, 3.7, 1e6 + 0.5];
    for (const [name, source] of Object.entries(WORKER_INTRINSICS)) {
      // (the worker evaluates this source text; a test may evaluate it the same way)
      const inWorker = new Function(`return ${source};`)() as (a: number, b?: number) => number;
      const [kind, fn] = [name.slice(2, 3), name.slice(4)];
      const here = kind === "u" ? (a: number) => scalarCalls[fn as keyof typeof scalarCalls](a) : (a: number, b: number) => scalarCalls2[fn as keyof typeof scalarCalls2](a, b);
      for (const a of values) for (const b of values) expect(Object.is(inWorker(a, b), here(a, b)), `${name}(${a}, ${b})`).toBe(true);
    }
  });

  it("threads: 1 stops the workers and runs everything on the calling thread", () => {
    const a = randomArray([64, 64], "float32", 11);
    withThreads(2, () => np.matmul(a, a));
    expect(threadPoolStats().workers).toBe(1);
    config.set({ threads: 1 });
    expect(threadPoolStats().workers).toBe(0);
    const before = threadPoolStats().chunksOnWorkers;
    withThreads(1, () => np.matmul(a, a));
    expect(threadPoolStats()).toMatchObject({ workers: 0, chunksOnWorkers: before });
  });
});

describe.runIf(arena().shared)("the thread pool and the Node process", () => {
  it("a Node script that does a big matmul on wasm (starting a worker) exits promptly when done", () => {
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const script = [
      'import { config, np } from "@jaxts/core";',
      'import { threadPoolStats } from "./packages/core/src/backend/wasm-backend/threads/pool.ts";',
      'config.set({ backend: "wasm", threads: 2 });',
      "const a = np.ones([512, 512]);",
      "const c = np.matmul(a, a).toTypedArray();",
      "console.log(JSON.stringify({ c0: c[0], workers: threadPoolStats().workers }));",
    ].join("\n");
    const started = Date.now();
    const run = spawnSync(process.execPath, ["--import", "tsx", "--conditions=@jaxts/source", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.stderr).toBe("");
    expect(run.signal).toBe(null);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toEqual({ c0: 512, workers: 1 });
    // Loading TypeScript through tsx takes a few seconds here; a worker that kept the process
    // alive would hold it until the 60 s timeout.
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
