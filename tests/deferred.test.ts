// Eager elementwise primitives over big arrays on the wasm backend are deferred (core's
// compiler/deferred.ts): a chain of them runs as one fused program when its value is first
// read. What a user relies on: nothing observable changes — the values are those of the
// primitives run one by one (the js backend here), read as often as wanted; inputs are never
// touched; control flow on values, debugNans, jit and grad all work on deferred arrays; and
// no chain grows without bound.
import { array, type ConcreteArray, config, DEFER_MIN, deferredOf, deferredStats, lax, type NDArray, nn, np } from "@jaxts/core";
import { grad, jit, valueAndGrad } from "@jaxts/transforms";
import { test } from "@fast-check/vitest";
import { afterEach, describe, expect, it } from "vitest";
import { BASIC_BINARY, BASIC_UNARY, type ProgramSpace, programArb, runProgram } from "./random-programs.js";
import { BIG, bigData, expectClose } from "./big-arrays.js";

afterEach(() => config.set({ backend: "js", debugNans: false }));

const N = BIG;
if (N < 2 * DEFER_MIN) throw new Error("the test arrays must be above the deferral threshold");
const data = bigData;
const close = expectClose;
const isDeferred = (x: NDArray): boolean => deferredOf(x as ConcreteArray) !== undefined;

/** `run` on the js backend (every primitive at once) and on wasm (deferred). */
function bothWays<T>(run: () => T): { wasm: T; js: T; programs: number } {
  config.set({ backend: "js" });
  const js = run();
  config.set({ backend: "wasm" });
  const before = deferredStats.programs;
  const wasm = run();
  return { wasm, js, programs: deferredStats.programs - before };
}

describe("eager elementwise chains over big arrays run as one program when read", () => {
  it("tanh(x)·σ(x) + ½x² is deferred until read, then equals the primitives run one by one", () => {
    const x = data(1);
    const { wasm, js, programs } = bothWays(() => {
      const y = np.tanh(x).mul(nn.sigmoid(x)).add(np.square(x).mul(0.5));
      if (config.get().backend === "wasm") expect(isDeferred(y)).toBe(true);
      return y;
    });
    expect(programs).toBe(0); // nothing ran yet
    close(wasm, js, 2e-6);
    expect(isDeferred(wasm)).toBe(false);
  });

  it("the sum of a chain is one program that makes no array of the chain's size", () => {
    const x = data(2);
    const { wasm, js, programs } = bothWays(() => np.sum(np.exp(x.mul(-0.5)).mul(x)));
    expect(programs).toBe(1);
    expect(isDeferred(wasm)).toBe(false);
    close(wasm, js, 1e-6);
  });

  it("a deferred value reads the same every time, and its inputs are never changed", () => {
    config.set({ backend: "wasm" });
    const x = data(3);
    const before = x.toTypedArray().slice();
    const y = np.sin(x).add(1);
    const first = y.toTypedArray().slice();
    expect(y.toTypedArray()).toEqual(first);
    expect(String(y.reshape([2, N / 2]).shape)).toBe(`2,${N / 2}`);
    expect(x.toTypedArray()).toEqual(before);
  });

  it("a value shared by two chains is right in both (each recomputes it or reads it)", () => {
    const x = data(4);
    const { wasm, js } = bothWays(() => {
      const t = np.tanh(x);
      const a = t.mul(2);
      const b = t.add(x);
      return [np.sum(a), b, t];
    });
    close(wasm[0]!, js[0]!, 1e-6);
    close(wasm[1]!, js[1]!, 2e-6);
    close(wasm[2]!, js[2]!, 2e-6);
  });

  it("a loop of 200 updates does not build an unbounded chain", () => {
    const x = data(5);
    const { wasm, js } = bothWays(() => {
      let y = x;
      for (let i = 0; i < 200; i++) y = y.mul(0.999).add(0.001);
      return y;
    });
    close(wasm, js, 1e-5);
  });

  it("control flow on a deferred value's elements works as on any array", () => {
    config.set({ backend: "wasm" });
    const x = data(6);
    const y = np.abs(x).add(1);
    expect(isDeferred(y)).toBe(true);
    const m = Number(np.min(y).item());
    expect(m).toBeGreaterThanOrEqual(1);
    const z = m > 0.5 ? y.mul(2) : y;
    expect(Number(np.min(z).item())).toBeCloseTo(2 * m, 5);
  });

  it("row and column broadcasts feed a chain in place: a bias add and a per-row scale", () => {
    const x = data(7).reshape([512, 256]);
    const [b, s] = [data(8, 256), data(9, 512).reshape([512, 1])];
    const { wasm, js } = bothWays(() => nn.relu(x.add(b)).mul(s));
    close(wasm, js, 1e-6);
  });

  it("a transpose or a slice of a big array feeds a chain without a copy of its own, and matches", () => {
    const x = data(17).reshape([256, 512]);
    const { wasm, js } = bothWays(() => {
      const t = lax.transpose(x, [1, 0]);
      if (config.get().backend === "wasm") expect(isDeferred(t)).toBe(true);
      return [np.tanh(t).mul(2), lax.slice(x, [0, 1], [256, 512], [1, 2]).add(lax.slice(t, [0, 0], [256, 256]))];
    });
    close(wasm[0]!, js[0]!, 2e-6);
    close(wasm[1]!, js[1]!, 2e-6);
  });

  it("a chain read by a matmul runs with it, and matches", () => {
    const [x, w] = [data(10).reshape([256, 512]), data(11, 512 * 64).reshape([512, 64]).mul(0.05)];
    const { wasm, js } = bothWays(() => np.matmul(nn.relu(x.mul(1.5)), w));
    close(wasm, js, 1e-4);
  });

  it("a matmul of a big transposed operand (x·wᵀ, xᵀ·y) runs in one program with the transpose (folded into the product), and equals the product of the transpose made first", () => {
    config.set({ backend: "wasm" });
    const [x, w] = [data(12, 128 * 512).reshape([128, 512]), data(13).reshape([256, 512]).mul(0.05)];
    const wT = np.array(lax.transpose(w, [1, 0]).toTypedArray()).reshape([512, 256]);
    const before = deferredStats.programs;
    const folded = np.matmul(x, lax.transpose(w, [1, 0]));
    expect(deferredStats.programs - before).toBe(1);
    expect(Array.from(folded.toTypedArray())).toEqual(Array.from(np.matmul(x, wT).toTypedArray()));
    const y = data(14, 256 * 64).reshape([256, 64]);
    expect(Array.from(np.matmul(lax.transpose(w, [1, 0]), y).toTypedArray())).toEqual(Array.from(np.matmul(wT, y).toTypedArray()));
  });

  it("jit and grad take deferred arrays", () => {
    const x = data(12);
    const f = (v: NDArray) => np.sum(np.tanh(v).mul(v));
    const { wasm, js } = bothWays(() => {
      const d = x.mul(0.5).add(0.25);
      return [jit(f)(d), grad(f)(d) as NDArray];
    });
    close(wasm[0]!, js[0]!, 1e-5);
    close(wasm[1]!, js[1]!, 2e-6);
  });

  it("eager valueAndGrad over a big array runs its forward chain and backward pass as two programs", () => {
    const x = data(13);
    const f = (v: NDArray) => np.sum(np.tanh(v).mul(nn.sigmoid(v)).add(np.square(v).mul(0.5)));
    const { wasm, js, programs } = bothWays(() => valueAndGrad(f)(x));
    // the value's sum is one program; the residuals are computed inside the compiled backward pass
    expect(programs).toBe(1);
    close(wasm[0], js[0], 1e-6);
    close(wasm[1] as NDArray, js[1] as NDArray, 2e-6);
  });

  it("float64 chains are deferred too, and match", () => {
    const x = data(14).astype("float64");
    const { wasm, js } = bothWays(() => np.log1p(np.exp(x.mul(-1))).add(np.cos(x)));
    close(wasm, js, 1e-13);
  });

  it("under debugNans nothing is deferred: the primitive that makes a NaN is named at once", () => {
    config.set({ backend: "wasm", debugNans: true });
    const x = data(15);
    expect(isDeferred(np.sin(x))).toBe(false);
    expect(() => np.log(x)).toThrow(/debugNans: primitive `log`/);
  });

  it("small arrays run at once, as before", () => {
    config.set({ backend: "wasm" });
    expect(isDeferred(data(16, 1000).mul(2))).toBe(false);
  });
});

describe("random eager programs over big arrays give the same values deferred (wasm) as run at once (js)", () => {
  // Elementwise chains, row and column broadcasts, sums of every kind, single-element picks
  // and layout ops (slices of concatenations, transposes), over 8192 rows: every matrix
  // result (65536 elements or more) is deferred, and what reads it runs with its chain.
  const space: ProgramSpace = { kinds: ["unary", "binary", "sum", "sum0", "sum1", "pick", "layout"], unary: BASIC_UNARY, binary: BASIC_BINARY, cols: [8, 12] };
  const ROWS = 8192;
  test.prop([programArb(space)], { numRuns: 12, interruptAfterTimeLimit: 50_000 })("each output matches", ([p, ops]) => {
    const rand = (k: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 0.731 + p.seed * 0.013 + k) * 2);
    const x = array(rand(1, ROWS * p.cols)).reshape([ROWS, p.cols]);
    const row = array(rand(2, p.cols));
    const m = array(rand(3, p.cols * p.cols)).reshape([p.cols, p.cols]);
    config.set({ backend: "js" });
    const want = runProgram(space, ops, p.outs, x, row, m);
    config.set({ backend: "wasm" });
    const got = runProgram(space, ops, p.outs, x, row, m);
    got.forEach((g, i) => {
      expect(g.shape).toEqual(want[i]!.shape);
      const [gv, wv] = [g.toTypedArray(), want[i]!.toTypedArray()];
      for (let j = 0; j < gv.length; j++) {
        const [a, b] = [Number(gv[j]), Number(wv[j])];
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b)));
      }
    });
  }, 60_000);
});
