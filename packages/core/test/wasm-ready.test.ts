// ready(): the asynchronous path browsers need (a browser's main thread refuses to compile or
// instantiate a module over its limit synchronously: Chromium 8 MiB, 4 KiB before Chrome
// 114). After `await ready()` the fixed kernel modules (products, reductions) are compiled:
// they run where every synchronous compile is refused. The modules generated on demand (one
// per elementwise primitive and dtypes, one per fused group of a program) cannot be compiled
// ahead: they are compiled synchronously at first use, each counted (arenaCompileStats). A
// program's fused kernels are built while it is lowered, so one over the limit leaves the
// program to run equation by equation (a primitive's own module is 0.5-5 KB). The simulated
// main thread is arenaCompileStats' forbidSync with its syncLimit.
// (Its own file: vitest gives each file fresh modules, so nothing was compiled before.)
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { config, type NDArray, nn, np, ready } from "@jaxts/core";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { arenaCompileStats } from "../src/backend/wasm-backend/arena.js";
import { dotGeneralWasmStats } from "../src/backend/wasm-backend/dot-general.js";
import { kernelCalls } from "../src/backend/wasm-backend/kernel-module.js";
import { fusedKernelCount } from "../src/compiler/program.js";

const defaultLimit = arenaCompileStats.syncLimit;
afterEach(() => Object.assign(arenaCompileStats, { forbidSync: false, syncLimit: defaultLimit }));
afterAll(() => config.set({ backend: "js" }));

/** W3's shape: sum(tanh(x)·sigmoid(x) + x²/2), its value and gradient under jit. */
const loss = (x: NDArray): NDArray => np.sum(np.tanh(x).mul(nn.sigmoid(x)).add(np.power(x, 2).mul(0.5)));

describe("ready()", () => {
  it("after await ready(), products and reductions run where every synchronous compile is refused", async () => {
    expect(arenaCompileStats).toMatchObject({ sync: 0, precompiled: 0 });
    const p = ready();
    expect(ready()).toBe(p);
    await p;
    Object.assign(arenaCompileStats, { forbidSync: true, syncLimit: 0 });
    config.set({ backend: "wasm" });
    const x = np.linspace(-2, 2, 4096).reshape([64, 64]);
    const calls = dotGeneralWasmStats.calls;
    const sums = kernelCalls.get("reduce_sum") ?? 0;
    const fromWasm = np.matmul(x, x.T).sum({ axis: 0 }).toTypedArray();
    config.set({ backend: "js" });
    const fromJs = np.matmul(x, x.T).sum({ axis: 0 }).toTypedArray();
    expect(dotGeneralWasmStats.calls).toBe(calls + 1);
    expect(kernelCalls.get("reduce_sum") ?? 0).toBeGreaterThan(sums);
    for (let i = 0; i < fromJs.length; i++) expect(fromWasm[i]).toBeCloseTo(fromJs[i]!, 3);
    expect(arenaCompileStats.sync).toBe(0);
    expect(arenaCompileStats.precompiled).toBeGreaterThan(0);
  });

  it("generated elementwise and fused modules are compiled synchronously at first use, each counted once, all far below 8 MiB", () => {
    Object.assign(arenaCompileStats, { forbidSync: true });
    config.set({ backend: "wasm" });
    const x = np.linspace(-2, 2, 4096);
    // One primitive's module: compiled at its first call, taken from the cache after.
    const tanhCalls = kernelCalls.get("tanh") ?? 0;
    const sync = arenaCompileStats.sync;
    np.tanh(x).toTypedArray();
    expect(kernelCalls.get("tanh")).toBe(tanhCalls + 1);
    expect(arenaCompileStats.sync).toBe(sync + 1);
    np.tanh(x.mul(2)).toTypedArray();
    expect(arenaCompileStats.sync).toBe(sync + 2); // (mul's module; tanh's is cached)
    // A program's fused kernels: one synchronous compile each (and nothing else compiled).
    for (const dtype of ["float32", "float64"] as const) {
      const xs = np.linspace(-2, 2, 1 << 16).astype(dtype).toTypedArray();
      const [fused, before] = [fusedKernelCount(), arenaCompileStats.sync];
      const [value, grad] = jit(valueAndGrad(loss))(np.asarray(xs));
      expect(value!.dtype).toBe(dtype);
      expect(Number.isFinite(value!.item())).toBe(true);
      expect(grad!.shape).toEqual([1 << 16]);
      expect(fusedKernelCount()).toBeGreaterThan(fused);
      expect(arenaCompileStats.sync - before).toBe(fusedKernelCount() - fused);
    }
    // W3's f64 fused kernel is over Chromium's old 4 KiB limit, and far below today's 8 MiB.
    expect(arenaCompileStats.largestSync).toBeGreaterThan(4096);
    expect(arenaCompileStats.largestSync).toBeLessThan(64 * 1024);
  });

  it("where the main thread refuses modules over 4 KiB (Chromium before 114), a program whose fused kernel is over it runs equation by equation with the same values; under enableChecks the refusal throws", () => {
    config.set({ backend: "wasm" });
    const x = np.linspace(-2, 2, 1 << 16).astype("float64");
    // The f64 kernel of this program is new here (its constant differs from the test above).
    const loss = (v: NDArray) => np.sum(np.tanh(v).mul(nn.sigmoid(v)).add(np.power(v, 2).mul(0.25)));
    const [want, wantGrad] = valueAndGrad(loss)(x);
    Object.assign(arenaCompileStats, { forbidSync: true, syncLimit: 4096 });
    expect(() => jit(valueAndGrad(loss))(x)).toThrow(/disallowed on the main thread/);
    config.set({ enableChecks: false });
    try {
      const f = jit(valueAndGrad(loss));
      const [value, grad] = f(x);
      expect(f.lower(x).asText()).toMatch(/not lowered \(.*disallowed on the main thread/);
      expect(value!.item()).toBeCloseTo(want!.item() as number, 8);
      const [g, w] = [grad!.toTypedArray(), wantGrad!.toTypedArray()];
      for (const i of [0, 1, 20000, (1 << 16) - 1]) expect(g[i]!).toBeCloseTo(w[i]!, 10);
    } finally {
      config.set({ enableChecks: true });
    }
    // Without the limit the same program compiles and runs.
    arenaCompileStats.forbidSync = false;
    expect(Number.isFinite(jit(valueAndGrad(loss))(x)[0]!.item())).toBe(true);
  });
});
