// A compiled program's input copies (packages/core/src/compiler/program.ts, "resident
// inputs"): calling a jitted function again with the same big array skips copying it into
// the arena when its slot still holds it — and never serves stale bytes: any other use of
// the arena in between (an eager kernel, another program, a loop body) makes the next call
// copy again.
import { array, config, lax, type NDArray, np } from "@jaxts/core";
import { programStats } from "../packages/core/src/internals.js";
import { kernelModuleStats } from "../packages/core/src/backend/wasm-backend/kernel-module.js";
import { dotGeneralWasmStats } from "../packages/core/src/backend/wasm-backend/dot-general.js";
import { jit } from "@jaxts/transforms";
import fc from "fast-check";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterEach, describe, expect, it } from "vitest";

const before = config.get().backend;
afterEach(() => config.set({ backend: before }));

/** A float32 array of n elements (n ≥ 16384 is over the 64 KB below which inputs are always copied). */
const data = (n: number, seed: number): NDArray => array(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 2));
// (sums of 32768 terms: the compiled and the eager reduction may round differently)
const same = (a: NDArray, b: NDArray): void => {
  const [p, q] = [a.toTypedArray(), b.toTypedArray()];
  expect(p.length).toBe(q.length);
  let worst = 0;
  for (let i = 0; i < p.length; i++) worst = Math.max(worst, Math.abs(p[i]! - q[i]!) / (1 + Math.abs(q[i]!)));
  expect(worst).toBeLessThanOrEqual(1e-5);
};

const N = 1 << 15;
const fEager = (x: NDArray, y: NDArray): NDArray => np.sum(np.tanh(x).mul(y)).sub(np.sum(y.mul(y)));
const gEager = (x: NDArray): NDArray => np.sum(np.exp(x.mul(-0.5)).sub(x));
// (an elementwise result, which could have taken a dying input's slot: inputs keep theirs)
const hEager = (x: NDArray, y: NDArray): NDArray => np.tanh(x).mul(y).add(1);
// (a scan whose body reads x, a constant of the loop, at every step: kept in the body's slot)
const sEager = (x: NDArray, y: NDArray): NDArray => {
  const [c] = lax.scan((c: NDArray, row: NDArray) => [c.add(np.sum(np.tanh(x).mul(np.sum(row).mul(1e-3)))), np.sum(row)] as const, np.zeros([]), y.reshape([8, N / 8]));
  return c;
};

// (a whileLoop whose body reads x, a constant of the loop, at every step, and whose
// condition runs kernels of its own: kept in the body's slot, the condition running above it)
const wEager = (x: NDArray, y: NDArray): NDArray => {
  const [, c] = lax.whileLoop(
    ([i, c]: [NDArray, NDArray]) => np.logicalAnd(i.lt(5), np.sum(np.cos(y).mul(c)).lt(1e30)),
    ([i, c]: [NDArray, NDArray]) => [i.add(1), c.mul(0.5).add(np.tanh(x.mul(c.add(1))))] as [NDArray, NDArray],
    [array(0, { dtype: "int32" }), y],
  );
  return c;
};

describe("a jitted function called again with the same big input", () => {
  it("skips copying it in and still gives the eager result", () => {
    config.set({ backend: "wasm" });
    const f = jit(fEager);
    const [x, y] = [data(N, 1), data(N, 2)];
    const first = f(x, y);
    const hits = programStats.residentInputs;
    const again = f(x, y);
    expect(programStats.residentInputs - hits).toBe(2);
    same(first, fEager(x, y));
    same(again, fEager(x, y));
  });

  it("keeps inputs whose last reader makes a result of their size (a call's arguments are left intact, as in JAX)", () => {
    config.set({ backend: "wasm" });
    const h = jit(hEager);
    const [x, y] = [data(N, 12), data(N, 13)];
    const want = hEager(x, y);
    same(h(x, y), want);
    expect(h.lower(x, y).asText()).toMatch(/0 kernels in place/);
    const hits = programStats.residentInputs;
    same(h(x, y), want);
    same(h(x, y), want);
    expect(programStats.residentInputs - hits).toBe(4);
  });

  it("keeps a product's operands that are the call's inputs, which the product then reads where they are", () => {
    config.set({ backend: "wasm" });
    const f = (a: NDArray, b: NDArray): NDArray => np.matmul(a, b);
    const g = jit(f);
    const [a, b, c] = [data(128 * 128, 14).reshape([128, 128]), data(128 * 128, 15).reshape([128, 128]), data(128 * 128, 16).reshape([128, 128])];
    const want = f(a, b).toTypedArray();
    expect(g(a, b).toTypedArray()).toEqual(want);
    const [hits, inPlace] = [programStats.residentInputs, dotGeneralWasmStats.inPlace];
    expect(g(a, b).toTypedArray()).toEqual(want);
    expect(programStats.residentInputs - hits).toBe(2);
    expect(dotGeneralWasmStats.inPlace).toBeGreaterThan(inPlace);
    // a new right operand: copied in, the left one kept
    const hits2 = programStats.residentInputs;
    expect(g(a, c).toTypedArray()).toEqual(f(a, c).toTypedArray());
    expect(programStats.residentInputs - hits2).toBe(1);
  });

  it("copies again after an eager kernel, another program or a new array, and stays right", () => {
    config.set({ backend: "wasm" });
    const [f, g] = [jit(fEager), jit(gEager)];
    const [x, y, z] = [data(N, 3), data(N, 4), data(N, 5)];
    const want = fEager(x, y);
    same(f(x, y), want);
    // another program at the same region base
    same(g(z), gEager(z));
    let hits = programStats.residentInputs;
    same(f(x, y), want);
    expect(programStats.residentInputs).toBe(hits);
    // an eager wasm kernel (over the size threshold: it runs on wasm, in the arena)
    np.sin(z).mul(3).toTypedArray();
    hits = programStats.residentInputs;
    same(f(x, y), want);
    expect(programStats.residentInputs).toBe(hits);
    // one input replaced: only the other one is kept
    hits = programStats.residentInputs;
    same(f(x, z), fEager(x, z));
    expect(programStats.residentInputs - hits).toBe(1);
  });

  it("a scan's body keeps the loop's constants in their slots from one iteration to the next (the carry it copies every time)", () => {
    config.set({ backend: "wasm" });
    const n = 160; // a 160×160 float32 weight: 100 KB, kept
    const w = data(n * n, 17).reshape([n, n]).mul(0.05);
    const xs = data(8 * n, 18).reshape([8, n]);
    const rnn = (wt: NDArray, h0: NDArray, seq: NDArray): NDArray => {
      const [h, ys] = lax.scan((h: NDArray, x: NDArray) => {
        const hn = np.tanh(np.matmul(wt, h).add(x));
        return [hn, np.sum(hn)] as const;
      }, h0, seq);
      return np.sum(ys).add(np.sum(h));
    };
    const h0 = data(n, 19).mul(0.1);
    const want = rnn(w, h0, xs).item() as number;
    const f = jit(rnn);
    expect(f(w, h0, xs).item()).toBeCloseTo(want, 4);
    const hits = programStats.residentInputs;
    expect(f(w, h0, xs).item()).toBeCloseTo(want, 4);
    // 8 iterations: the first copies the weight in, the other 7 find it there (and the
    // program itself keeps it between calls: one more)
    expect(programStats.residentInputs - hits).toBeGreaterThanOrEqual(7);
    // a new weight of the same shape: the body copies it once, then keeps it
    const w2 = w.mul(-1);
    expect(f(w2, h0, xs).item()).toBeCloseTo(rnn(w2, h0, xs).item() as number, 4);
  });

  it("a whileLoop's body keeps its constants in their slots from one iteration to the next while its condition runs kernels above them", () => {
    config.set({ backend: "wasm" });
    const n = 160; // a 160×160 float32 weight: 100 KB, kept
    const w = data(n * n, 21).reshape([n, n]).mul(0.05);
    const h0 = data(n, 22).mul(0.1);
    // the condition has a product of its own (scratch reserved while the body's region is kept)
    const power = (wt: NDArray, v0: NDArray): NDArray => {
      const [, v] = lax.whileLoop(
        ([i, v]: [NDArray, NDArray]) => np.logicalAnd(i.lt(8), np.sum(np.matmul(wt, v)).lt(1e30)),
        ([i, v]: [NDArray, NDArray]) => [i.add(1), np.tanh(np.matmul(wt, v).add(v))] as [NDArray, NDArray],
        [array(0, { dtype: "int32" }), v0],
      );
      return v;
    };
    const want = power(w, h0).toTypedArray();
    const f = jit(power);
    const close = (got: NDArray, ref: ArrayLike<number>) => {
      const g = got.toTypedArray();
      for (let i = 0; i < n; i++) expect(g[i]!).toBeCloseTo(ref[i]!, 5);
    };
    close(f(w, h0), want);
    const hits = programStats.residentInputs;
    close(f(w, h0), want);
    // 8 iterations: the first copies the weight into the body's slot, the other 7 find it there
    expect(programStats.residentInputs - hits).toBeGreaterThanOrEqual(7);
    // a new weight of the same shape: copied once, then kept; the values follow it
    const w2 = w.mul(-1);
    close(f(w2, h0), power(w2, h0).toTypedArray());
  });

  it("is never kept by a loop body, whose carry buffers are rewritten every iteration", () => {
    config.set({ backend: "wasm" });
    const body = (_: unknown, c: NDArray): NDArray => c.mul(0.5).add(np.cos(c));
    const loop = jit((c: NDArray) => lax.forLoop(0, 7, body, c));
    const c0 = data(N, 6);
    let want = c0;
    for (let i = 0; i < 7; i++) want = body(i, want);
    for (let k = 0; k < 3; k++) {
      const got = loop(c0).toTypedArray();
      const w = want.toTypedArray();
      for (let i = 0; i < N; i += 997) expect(got[i]!).toBeCloseTo(w[i]!, 4);
    }
  });

  it("any interleaving of five programs (a scan and a whileLoop over a loop constant), eager kernels and repeated or fresh arrays gives the eager results", () => {
    config.set({ backend: "wasm" });
    const [f, g, h, sc, wl] = [jit(fEager), jit(gEager), jit(hEager), jit(sEager), jit(wEager)];
    const pool = [data(N, 7), data(N, 8), data(N, 9)];
    // Every expected result computed up front, so that checking one touches no arena: only
    // the sequence's own steps run between two calls (a call right after a call of the same
    // program can find its inputs resident).
    const read = (x: NDArray): Float32Array => x.toTypedArray() as Float32Array;
    const wantF = pool.map((x) => pool.map((y) => read(fEager(x, y))));
    const wantG = pool.map((x) => read(gEager(x)));
    const wantH = pool.map((x) => pool.map((y) => read(hEager(x, y))));
    const wantS = pool.map((x) => pool.map((y) => read(sEager(x, y))));
    const wantW = pool.map((x) => pool.map((y) => read(wEager(x, y))));
    const close = (got: NDArray, want: Float32Array): boolean => {
      const p = read(got);
      for (let i = 0; i < p.length; i++) if (!(Math.abs(p[i]! - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!)))) return false;
      return true;
    };
    // a: which array; fresh: a new array with the same values (another buffer, not resident)
    const arg = fc.record({ a: fc.nat(2), fresh: fc.boolean() });
    const op = fc.oneof(
      fc.record({ k: fc.constant("f" as const), x: arg, y: arg }),
      fc.record({ k: fc.constant("g" as const), x: arg, y: arg }),
      fc.record({ k: fc.constant("h" as const), x: arg, y: arg }),
      fc.record({ k: fc.constant("s" as const), x: arg, y: arg }),
      fc.record({ k: fc.constant("w" as const), x: arg, y: arg }),
      fc.record({ k: fc.constant("eager" as const), x: arg, y: arg }),
    );
    const hits = programStats.residentInputs;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 16 }), (ops) => {
        for (const { k, x, y } of ops) {
          const pick = ({ a, fresh }: { a: number; fresh: boolean }): NDArray => (fresh ? array(read(pool[a]!)) : pool[a]!);
          const [u, v] = [pick(x), pick(y)];
          if (k === "f" && !close(f(u, v), wantF[x.a]![y.a]!)) return false;
          if (k === "g" && !close(g(u), wantG[x.a]!)) return false;
          if (k === "h" && !close(h(u, v), wantH[x.a]![y.a]!)) return false;
          if (k === "s" && !close(sc(u, v), wantS[x.a]![y.a]!)) return false;
          if (k === "w" && !close(wl(u, v), wantW[x.a]![y.a]!)) return false;
          if (k === "eager") np.cos(u).add(1).toTypedArray();
        }
        return true;
      }),
      { numRuns: 60 },
    );
    // (the sequences did reuse resident inputs: the property exercised the cache)
    expect(programStats.residentInputs).toBeGreaterThan(hits);
  }, 60_000);
});

describe("a reduction step of a compiled program", () => {
  it("reads its operand where it already lives in the arena (no copy) and equals the eager result", () => {
    config.set({ backend: "wasm" });
    // a max over rows of 2 (not whole SIMD steps) is not fused: a kernel step over the fused
    // kernel's result in the arena
    const fMax = (x: NDArray): NDArray => np.max(np.tanh(x).mul(2), { axis: -1 });
    const x = data(N, 11).reshape([N / 2, 2]);
    const text = jit(fMax).lower(x).asText();
    expect(text).toMatch(/reduce_max/);
    const reads = kernelModuleStats.readsInPlace;
    const got = jit(fMax)(x);
    expect(kernelModuleStats.readsInPlace).toBeGreaterThan(reads);
    expect(Array.from(got.toTypedArray())).toEqual(Array.from(fMax(x).toTypedArray()));
  });
});

describe("a jitted function called in one synchronous loop on fresh big arrays", () => {
  it("keeps none of them alive (memory stays bounded without returning to the event loop)", () => {
    // The loop below never yields, as a training loop does not: anything the program holds
    // on to through the job (a WeakRef does, until the job ends) is still reachable at gc().
    setFlagsFromString("--expose-gc");
    setFlagsFromString("--no-concurrent-array-buffer-sweeping");
    const gc = runInNewContext("gc") as () => void;
    config.set({ backend: "wasm" });
    const f = jit((x: NDArray) => np.sum(x.mul(2)));
    const n = 1 << 18; // 1 MiB of float32 per call
    const calls = 150;
    gc();
    const before = process.memoryUsage().arrayBuffers;
    let total = 0;
    for (let i = 0; i < calls; i++) total += Number(f(array(new Float32Array(n).fill(i % 3))).item());
    gc();
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(total).toBe(2 * n * 150);
    expect(grown).toBeLessThan(32 * n * 4);
  });
});
