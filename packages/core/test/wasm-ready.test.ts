// ready(): the asynchronous path browsers need (they refuse to compile or instantiate large
// modules synchronously on the main thread). After `await ready()`, every kernel module of
// the wasm backend is already compiled: with synchronous compilation forbidden, as on a
// browser's main thread, matmuls, elementwise kernels, reductions and layout copies all run.
// (Its own file: vitest gives each file fresh modules, so nothing was compiled before.)
import { afterAll, describe, expect, it } from "vitest";
import { config, np, ready } from "@jaxts/core";
import { arenaCompileStats } from "../src/backend/wasm-backend/arena.js";
import { dotGeneralWasmStats } from "../src/backend/wasm-backend/dot-general.js";
import { kernelCalls } from "../src/backend/wasm-backend/kernel-module.js";

afterAll(() => {
  arenaCompileStats.forbidSync = false;
  config.set({ backend: "js" });
});

describe("ready()", () => {
  it("after await ready(), the wasm kernels run without any synchronous compilation", async () => {
    expect(arenaCompileStats).toMatchObject({ sync: 0, precompiled: 0 });
    const p = ready();
    expect(ready()).toBe(p);
    await p;
    arenaCompileStats.forbidSync = true;
    config.set({ backend: "wasm" });
    const x = np.linspace(-2, 2, 4096).reshape([64, 64]);
    const calls = dotGeneralWasmStats.calls;
    const y = np.matmul(np.tanh(x), x.T).sum({ axis: 0 });
    const fromWasm = y.toTypedArray();
    config.set({ backend: "js" });
    const fromJs = np.matmul(np.tanh(x), x.T).sum({ axis: 0 }).toTypedArray();
    expect(dotGeneralWasmStats.calls).toBe(calls + 1);
    expect(kernelCalls.get("tanh") ?? 0).toBeGreaterThan(0);
    for (let i = 0; i < fromJs.length; i++) expect(fromWasm[i]).toBeCloseTo(fromJs[i]!, 3);
    expect(arenaCompileStats.sync).toBe(0);
    expect(arenaCompileStats.precompiled).toBeGreaterThan(0);
  });
});
