// The thread pool's kernel table stays bounded (KERNEL_SLOTS kernels and modules, here and in
// every worker) however many kernels a program generates: a kernel split least recently
// gives its slot up, and takes one again when it is split again, with the same results.
import { config, type NDArray, np } from "@jaxts/core";
import { jit } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";
import { arena, arenaMemoryLimits, compileOnArena } from "../src/backend/wasm-backend/arena.js";
import { PARALLEL_STEPS } from "../src/backend/wasm-backend/elementwise.js";
import { KERNEL_SLOTS, type ParallelKernel, parallelFor, registerParallelKernel, threadPoolStats } from "../src/backend/wasm-backend/threads/pool.js";
import { ModuleBuilder } from "../src/backend/wasm/index.js";
import { fusedKernelsCached } from "../src/internals.js";
import { randomArray } from "./helpers/wasm.js";

const initialThreads = config.get().threads;
afterEach(() => config.set({ backend: "js", threads: initialThreads }));

/** A kernel of its own module: add(start, end, at): i32 words at..: word i += i + bias. */
function addKernel(bias: number): ParallelKernel {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  m.addFunction("add", { params: { start: "i32", end: "i32", at: "i32" }, export: true }, (b, p) => {
    const i = b.newLocal("i32", "i");
    const addr = b.newLocal("i32", "addr");
    b.forRange(i, p.start, p.end, () => {
      b.local.set(addr, () => b.i32.add(p.at, () => b.i32.shl(i, 2)));
      b.i32.store(addr, () => b.i32.add(() => b.i32.load(addr), () => b.i32.add(i, bias)));
    });
  });
  const { module, instance } = compileOnArena(m);
  return registerParallelKernel(module, instance, "add");
}

/** `n` zeroed i32 words in the arena, read through `words()` (a new view each time). */
function zeroed(n: number): { at: number; words: () => Int32Array } {
  const a = arena();
  a.reset();
  const at = a.reserve(4 * n);
  const words = (): Int32Array => new Int32Array(a.memory.buffer, at, n);
  words().fill(0);
  return { at, words };
}

/** Whether word i of `words` is i + bias for every i. */
const holds = (words: Int32Array, bias: number): boolean => words.every((w, i) => w === i + bias);

describe.runIf(arena().shared)("the thread pool's kernel table", () => {
  it("2,000 distinct jitted fused kernels, each split across 2 threads, keep it bounded here and in the worker; an evicted kernel split again gives the same bits", () => {
    // Big enough that the fused kernel is split (PARALLEL_STEPS steps of 4 elements).
    const n = 4 * PARALLEL_STEPS;
    config.set({ backend: "wasm", threads: 1 });
    const x = randomArray([n], "float32", 7);
    // One distinct fused kernel per scale (the constant is part of the kernel).
    const programs = Array.from({ length: 2000 }, (_, i) => {
      const scale = 1 + i / 4096;
      return { scale, f: jit((a: NDArray) => np.tanh(a.mul(scale)).mul(a).add(0.5)) };
    });
    // The one-thread results of a few (the kernel called directly, not split).
    const sampled = [0, 1, 777, 1999];
    const oneThread = new Map(sampled.map((i) => [i, programs[i]!.f(x).toTypedArray().slice()]));
    config.set({ threads: 2 });
    const before = threadPoolStats();
    const xs = x.toTypedArray();
    programs.forEach(({ scale, f }, i) => {
      const got = f(x).toTypedArray();
      for (const j of [0, 1, 4097, n - 1]) expect(Math.abs(got[j]! - (Math.tanh(xs[j]! * scale) * xs[j]! + 0.5))).toBeLessThan(2e-6);
      if (oneThread.has(i)) expect(got).toEqual(oneThread.get(i));
    });
    const after = threadPoolStats();
    // The compiler's cache of fused kernels by structure is bounded too (the programs hold theirs).
    expect(fusedKernelsCached()).toBeLessThanOrEqual(1024);
    // Every kernel was given a slot (it was split), and the worker ran chunks of them.
    expect(after.kernelsPlaced - before.kernelsPlaced).toBeGreaterThanOrEqual(2000);
    expect(after.chunksOnWorkers).toBeGreaterThan(before.chunksOnWorkers);
    for (const count of [after.kernels, after.modules, after.workerKernels, after.workerModules]) {
      expect(count).toBeGreaterThan(0);
      expect(count).toBeLessThanOrEqual(KERNEL_SLOTS);
    }
    // The first kernels lost their slots long ago: split again, they take one and agree.
    for (const i of [0, 777]) {
      const placed = threadPoolStats().kernelsPlaced;
      expect(programs[i]!.f(x).toTypedArray()).toEqual(oneThread.get(i));
      expect(threadPoolStats().kernelsPlaced).toBe(placed + 1);
    }
    expect(threadPoolStats().kernels).toBeLessThanOrEqual(KERNEL_SLOTS);
  }, 180_000);

  it("kernels of modules of their own, registered past KERNEL_SLOTS, run right on every split, and the least recently split ones give up their slots", () => {
    config.set({ threads: 2 });
    const n = 4096;
    const kernels = Array.from({ length: KERNEL_SLOTS + 40 }, (_, i) => addKernel(i));
    const { at, words } = zeroed(n);
    kernels.forEach((k, i) => {
      words().fill(0);
      parallelFor(k, n, [at]);
      expect(holds(words(), i)).toBe(true);
    });
    const stats = threadPoolStats();
    expect(stats.kernels).toBe(KERNEL_SLOTS);
    expect(stats.modules).toBeLessThanOrEqual(KERNEL_SLOTS);
    // The most recent KERNEL_SLOTS kept their slots: splitting them again places nothing.
    const placed = stats.kernelsPlaced;
    for (const i of [KERNEL_SLOTS + 39, 40]) {
      words().fill(0);
      parallelFor(kernels[i]!, n, [at]);
      expect(holds(words(), i)).toBe(true);
    }
    expect(threadPoolStats().kernelsPlaced).toBe(placed);
    // The first 40 lost theirs: kernel 0 takes the slot of the least recently split (41).
    words().fill(0);
    parallelFor(kernels[0]!, n, [at]);
    expect(holds(words(), 0)).toBe(true);
    expect(threadPoolStats().kernelsPlaced).toBe(placed + 1);
    expect(kernels[0]!.slot).toBeGreaterThanOrEqual(0);
    expect(kernels[41]!.slot).toBe(-1);
    expect(kernels[40]!.slot).toBeGreaterThanOrEqual(0);
  });

  it("a split with an epilogue, both without a slot in a full table, keeps both for the batch", () => {
    config.set({ threads: 2 });
    const n = 4096;
    const filler = Array.from({ length: KERNEL_SLOTS }, (_, i) => addKernel(1000 + i));
    const { at, words } = zeroed(n);
    for (const k of filler) parallelFor(k, n, [at]);
    const [first, then] = [addKernel(3), addKernel(5)];
    words().fill(0);
    parallelFor(first, n, [at], 1, { kernel: then, scale: 1, args: [at] });
    // word i: (i + 3) + (i + 5)
    expect(words().every((w, i) => w === 2 * i + 8)).toBe(true);
    expect(first.slot).toBeGreaterThanOrEqual(0);
    expect(then.slot).toBeGreaterThanOrEqual(0);
    expect(threadPoolStats().kernels).toBe(KERNEL_SLOTS);
  });

  it("a split started from another split's drain runs on the calling thread alone, and both are right", () => {
    config.set({ threads: 2 });
    const n = 4096;
    const [outer, inner] = [addKernel(1), addKernel(2)];
    const a = arena();
    a.reset();
    const [atOuter, atInner] = [a.reserve(4 * n), a.reserve(4 * n)];
    const view = (at: number): Int32Array => new Int32Array(a.memory.buffer, at, n);
    view(atOuter).fill(0);
    view(atInner).fill(0);
    const ranges: [number, number][] = [];
    parallelFor(outer, n, [atOuter], 1, undefined, (start, end) => {
      ranges.push([start, end]);
      parallelFor(inner, end - start, [atInner + 4 * start]);
    });
    expect(holds(view(atOuter), 1)).toBe(true);
    // each range [start, end) was drained once, and its inner split added (i − start) + 2
    const expected = new Int32Array(n);
    for (const [start, end] of ranges) for (let i = start; i < end; i++) expected[i]! += i - start + 2;
    expect(ranges.reduce((sum, [start, end]) => sum + end - start, 0)).toBe(n);
    expect(view(atInner)).toEqual(expected);
  });
});
