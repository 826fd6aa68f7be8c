// The single-threaded fallback where shared memory is not to be had (a browser page without
// cross-origin isolation): with the arena made unshared (refuseSharedArena), a threaded-size
// matmul, big transcendental elementwise ops and a jitted fused program give the very bits
// the shared arena gives, no work goes to a worker, and the arena grows right although each
// grow detaches its old buffer. Each arena lives in a fresh copy of the modules
// (vi.resetModules): kernels are instantiated over the arena's memory, so one process-wide
// arena cannot change under them; the copy with the shared arena is untouched, and afterwards
// a fresh copy makes a shared arena again.
import { afterAll, describe, expect, it, vi } from "vitest";

/** A fresh copy of the modules, its arena unshared when `unshared`. */
async function load(unshared: boolean) {
  vi.resetModules();
  const arenaModule = await import("../src/backend/wasm-backend/arena.js");
  arenaModule.refuseSharedArena(unshared);
  const core = await import("@jaxts/core");
  const { jit, valueAndGrad } = await import("@jaxts/transforms");
  const { threadPoolStats } = await import("../src/backend/wasm-backend/threads/pool.js");
  const { dotGeneralWasmStats } = await import("../src/backend/wasm-backend/dot-general.js");
  const { kernelCalls } = await import("../src/backend/wasm-backend/kernel-module.js");
  const { PARALLEL_STEPS } = await import("../src/backend/wasm-backend/elementwise.js");
  const { wasmFeatures } = await import("../src/backend/wasm/features.js");
  return { ...core, arena: arenaModule.arena, refuseSharedArena: arenaModule.refuseSharedArena, jit, valueAndGrad, threadPoolStats, dotGeneralWasmStats, kernelCalls, PARALLEL_STEPS, wasmFeatures };
}
type Loaded = Awaited<ReturnType<typeof load>>;

/** Deterministic values in [-3, 3) (a xorshift): the same in every copy of the modules. */
function values(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 2 ** 32) * 6 - 3;
  });
}

/** The results compared, each as its bytes: what they are named by. */
type Results = Map<string, Uint8Array>;
const bytesOf = (a: { toTypedArray(): ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number } }): Uint8Array => {
  const t = a.toTypedArray();
  return new Uint8Array(t.buffer.slice(t.byteOffset, t.byteOffset + t.byteLength));
};

/** Runs every case on `m`'s wasm backend with 2 threads. */
function run(m: Loaded): Results {
  const { array, config, np, nn, jit, valueAndGrad } = m;
  config.set({ backend: "wasm", threads: 2 });
  const out: Results = new Map();
  // A product big enough to be split across threads (M·N·K ≥ parallelMinMacs).
  const [M, K, N] = [384, 256, 320];
  expect(M * N * K).toBeGreaterThanOrEqual(m.dotGeneralWasmStats.parallelMinMacs);
  const a = array(values(M * K, 1), { dtype: "float32" }).reshape([M, K]);
  const b = array(values(K * N, 2), { dtype: "float32" }).reshape([K, N]);
  const calls = m.dotGeneralWasmStats.calls;
  out.set("matmul", bytesOf(np.matmul(a, b)));
  expect(m.dotGeneralWasmStats.calls).toBe(calls + 1);
  // Big transcendental elementwise ops (past PARALLEL_STEPS steps of 4): eagerly (deferred
  // into a program and its fused kernel), and one primitive at a time through the
  // elementwise kernels themselves (debugNans turns deferral off).
  const n = 4 * m.PARALLEL_STEPS + 4 * 1000 + 3;
  const x = array(values(n, 3), { dtype: "float32" });
  out.set("tanh(exp(x/4)) deferred", bytesOf(np.tanh(np.exp(x.div(4)))));
  config.set({ debugNans: true });
  const tanhCalls = m.kernelCalls.get("tanh") ?? 0;
  out.set("tanh kernel", bytesOf(np.tanh(x)));
  out.set("sin kernel", bytesOf(np.sin(x.mul(3))));
  expect(m.kernelCalls.get("tanh") ?? 0).toBe(tanhCalls + 1);
  config.set({ debugNans: false });
  // A jitted fused program (W3's shape): value and gradient of sum(tanh(x)·sigmoid(x) + x²/2).
  const loss = (v: typeof x) => np.sum(np.tanh(v).mul(nn.sigmoid(v)).add(v.mul(v).mul(0.5)));
  const [value, grad] = jit(valueAndGrad(loss))(x);
  out.set("jit value", bytesOf(value!));
  out.set("jit grad", bytesOf(grad!));
  // One bigger than everything before, so the arena grows again in the middle of the run.
  const big = array(values(1 << 21, 4), { dtype: "float32" });
  out.set("big jit grad", bytesOf(jit(valueAndGrad(loss))(big)[1]!));
  config.set({ backend: "js", threads: 2 });
  return out;
}

const shared = await load(false);
const threaded = shared.wasmFeatures().threads && shared.arena().shared;

describe.runIf(threaded)("an unshared arena (no shared memory: one thread)", () => {
  afterAll(async () => {
    // Back to the normal arena: a fresh copy of the modules makes a shared one again.
    const fresh = await load(false);
    expect(fresh.arena().shared).toBe(true);
  });

  it("a split matmul, big transcendental elementwise ops and a jitted fused program give the shared arena's bits, on the calling thread alone, across arena grows", async () => {
    const before = shared.threadPoolStats().chunksOnWorkers;
    const fromShared = run(shared);
    // (the shared run is a threaded one: its worker ran chunks)
    expect(shared.threadPoolStats().chunksOnWorkers).toBeGreaterThan(before);

    const unshared = await load(true);
    const a = unshared.arena();
    expect(a.shared).toBe(false);
    expect(a.memory.buffer).toBeInstanceOf(ArrayBuffer);
    const initialBytes = a.buffer.byteLength;
    const fromUnshared = run(unshared);
    expect([...fromUnshared.keys()]).toEqual([...fromShared.keys()]);
    // (the first byte that differs, per result: −1 for none; toEqual over megabytes is slow)
    const firstDifference = (x: Uint8Array, y: Uint8Array | undefined): number => (y === undefined || x.length !== y.length ? 0 : x.findIndex((v, i) => v !== y[i]));
    for (const [name, bytes] of fromShared) expect({ name, at: firstDifference(bytes, fromUnshared.get(name)) }).toEqual({ name, at: -1 });
    // The arena grew (several times: the big program is far past its first 1 MiB)...
    expect(a.buffer.byteLength).toBeGreaterThan(8 * initialBytes);
    // ... and no work went to a worker: none started.
    expect(unshared.threadPoolStats()).toMatchObject({ workers: 0, chunksOnWorkers: 0, shared: false });
    // Too late to change the arena now.
    expect(() => unshared.refuseSharedArena(false)).toThrow(/before the first kernel/);
  }, 120_000);

  it("a grow detaches the unshared buffer, and the arena's own views follow it", async () => {
    const { arena } = await load(true);
    const a = arena();
    a.reset();
    const at = a.copyIn(Float64Array.of(1.5, -2.5));
    const old = a.buffer;
    const oldBytes = old.byteLength;
    // (past the end of the memory: it grows)
    a.reserve(oldBytes + (1 << 16));
    expect(old.byteLength).toBe(0);
    expect(a.buffer.byteLength).toBeGreaterThan(oldBytes);
    expect(a.buffer).toBe(a.memory.buffer);
    expect(a.f64[at / 8]).toBe(1.5);
    const out = new Float64Array(2);
    a.copyOut(at, out);
    expect(Array.from(out)).toEqual([1.5, -2.5]);
    const again = a.copyIn(Float64Array.of(7));
    expect(a.view(again, new Float64Array(1))[0]).toBe(7);
  });
});
