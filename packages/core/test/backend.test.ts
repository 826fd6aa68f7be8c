// The backend layer: choosing a backend, per-call fallback to js, kernels that write into
// the buffers they are handed, and primitive results made into arrays in one place.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ArgumentError,
  type Backend,
  type BackendName,
  type BackendBuffer,
  config,
  defaultBackendOf,
  type FirstOrderPrim,
  FloatingPointError,
  jsBackend,
  lax,
  type NDArray,
  noParams,
  np,
  type ParamsOf,
  random,
  registerBackend,
  registeredBackends,
  type ShapedArray,
  unregisterBackend,
} from "@jaxts/core";
import { valueAndGrad, vmap } from "@jaxts/transforms";
import { bufferOf, type ConcreteArray } from "../src/array.js";

interface Call {
  readonly prim: FirstOrderPrim;
  readonly inputs: readonly BackendBuffer[];
  readonly inAvals: readonly ShapedArray[];
  readonly params: unknown;
  readonly outAvals: readonly ShapedArray[];
  readonly outputs: readonly BackendBuffer[];
}

/** A backend that runs js kernels, for the primitives `accepts` lets through, and records
 * every call and every buffer it allocated. */
function recordingBackend(name: string, accepts: (prim: FirstOrderPrim, inAvals: readonly ShapedArray[]) => boolean = () => true) {
  const calls: Call[] = [];
  const allocated = new Set<BackendBuffer>();
  const backend: Backend = {
    name,
    complete: false,
    supports: (prim, inAvals) => accepts(prim, inAvals),
    run: (prim, inputs, inAvals, params, outAvals, outputs) => {
      calls.push({ prim, inputs, inAvals, params, outAvals, outputs });
      jsBackend.run(prim, inputs, inAvals, params, outAvals, outputs);
    },
    allocate: (aval) => {
      const b = jsBackend.allocate(aval);
      allocated.add(b);
      return b;
    },
    upload: (data) => data,
    download: (buffer) => buffer,
  };
  return { backend, calls, allocated, prims: () => calls.map((c) => c.prim) };
}

const values = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const asConcrete = (x: NDArray): ConcreteArray => x.concrete("test");

/** Many primitives, several per family, with axes in every position. */
function workload(): NDArray[] {
  const x = np.arange(24).astype("float32").reshape([2, 3, 4]).div(7);
  const m = np.arange(6).astype("float32").reshape([2, 3]);
  return [
    np.exp(x).add(np.sin(x)).mul(x).sub(1).div(2),
    np.sum(x, { axis: 0 }),
    np.sum(x, { axis: 1 }),
    np.sum(x, { axis: 2 }),
    np.max(x, { axis: 1 }),
    np.prod(x, { axis: [0, 2] }),
    np.argmax(x, { axis: 1 }),
    np.cumsum(x, { axis: 2 }),
    np.transpose(x),
    np.flip(x, { axis: 1 }),
    lax.slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 2]),
    np.concatenate([x, x], { axis: 1 }),
    lax.pad(m, -1, [
      [1, 0, 1],
      [0, 2, 0],
    ]),
    np.take(x, [2, 0], { axis: 2 }),
    np.at(x, 1).add(5),
    np.matmul(m, np.transpose(m)),
    np.sort(x, { axis: 1 }),
    np.where(x.gt(1), x, 0),
    np.astype(x, "int32"),
    np.broadcastTo(m, [4, 2, 3]),
    lax.iota("int32", [3, 2], 1),
    random.normal(random.key(3), [5]),
  ];
}

// Each test starts on js whatever JAXTS_BACKEND says (CI runs the suite once per backend).
beforeEach(() => config.set({ backend: "js" }));

describe("backend selection", () => {
  const registered: string[] = [];
  const register = (b: Backend): void => {
    registerBackend(b);
    registered.push(b.name);
  };
  afterEach(() => {
    config.set({ backend: "js", debugNans: false });
    for (const n of registered.splice(0)) unregisterBackend(n);
  });


  it("config.set({ backend }) runs eager primitives on the chosen backend, and config.get() reports it", () => {
    const rec = recordingBackend("recording");
    register(rec.backend);
    const expected = values(np.add(np.array([1, 2]), 3));
    config.set({ backend: "recording" as BackendName });
    expect(config.get().backend).toBe("recording");
    expect(values(np.add(np.array([1, 2]), 3))).toEqual(expected);
    expect(rec.prims()).toContain("add");
    config.set({ backend: "js" });
    const before = rec.calls.length;
    np.add(np.array([1, 2]), 3);
    expect(rec.calls.length).toBe(before);
  });

  it("config.set({ backend }) naming a backend that is not registered is an ArgumentError and keeps the current backend (no quiet run on js)", () => {
    const { threads } = config.get();
    expect(() => config.set({ backend: "webgpu" as BackendName })).toThrow(ArgumentError);
    expect(() => config.set({ backend: "webgpu" as BackendName, debugNans: true })).toThrow(
      /config.set\(backend\): no backend named "webgpu" is registered; registered backends: "js"/,
    );
    expect(config.get()).toEqual({ defaultFloat: "float32", debugNans: false, backend: "js", threads, enableChecks: true });
  });

  it("config.set with a misspelt backend name suggests the registered one", () => {
    register(recordingBackend("recording").backend);
    expect(() => config.set({ backend: "recordnig" as BackendName })).toThrow(/did you mean "recording"/);
    expect(() => config.set({ backend: 3 as unknown as BackendName })).toThrow(/backend` must be a string/);
  });

  it("a backend name is registered once; js cannot be unregistered", () => {
    register(recordingBackend("once").backend);
    expect(() => registerBackend(recordingBackend("once").backend)).toThrow(/already registered/);
    expect(() => unregisterBackend("js")).toThrow(ArgumentError);
    expect(() => unregisterBackend("never-registered")).toThrow(ArgumentError);
  });

  it("unregistering the chosen backend returns eager evaluation to the default", () => {
    const rec = recordingBackend("leaving");
    registerBackend(rec.backend);
    config.set({ backend: "leaving" as BackendName });
    unregisterBackend("leaving");
    expect(config.get().backend).not.toBe("leaving");
    np.add(np.array([1]), 1);
    expect(rec.calls).toEqual([]);
  });

  it("the default is wasm only once a complete wasm backend is registered", () => {
    const fake = (complete: boolean): Backend => ({ ...recordingBackend("wasm").backend, complete });
    expect(defaultBackendOf(new Map([["js", jsBackend]])).name).toBe("js");
    expect(defaultBackendOf(new Map([["js", jsBackend], ["wasm", fake(false)]])).name).toBe("js");
    expect(defaultBackendOf(new Map([["js", jsBackend], ["wasm", fake(true)]])).name).toBe("wasm");
  });

  it("debugNans checks the results of every backend", () => {
    register(recordingBackend("recording").backend);
    config.set({ backend: "recording" as BackendName, debugNans: true });
    expect(() => np.log(np.array([-1]))).toThrow(FloatingPointError);
  });
});

describe("per-primitive fallback", () => {
  afterEach(() => {
    config.set({ backend: "js" });
    for (const n of ["add-only", "big-only"]) if (registeredBackends().includes(n)) unregisterBackend(n);
  });

  it("a backend that implements only add runs add, and js runs every other primitive, call by call", () => {
    const rec = recordingBackend("add-only", (prim) => prim === "add");
    registerBackend(rec.backend);
    const f = (x: NDArray) => np.sum(np.tanh(x).mul(x).add(x).add(1));
    const x = np.array([0.5, -1, 2]);
    const [v, g] = valueAndGrad(f)(x) as [NDArray, NDArray];
    config.set({ backend: "add-only" as BackendName });
    const [v2, g2] = valueAndGrad(f)(x) as [NDArray, NDArray];
    expect(values(v2)).toEqual(values(v));
    expect(values(g2)).toEqual(values(g));
    expect(rec.calls.length).toBeGreaterThan(0);
    expect(new Set(rec.prims())).toEqual(new Set(["add"]));
  });

  it("a backend may decline by operand size (small arrays) and js runs those calls", () => {
    const rec = recordingBackend("big-only", (prim, inAvals) => prim === "mul" && inAvals[0]!.size >= 100);
    registerBackend(rec.backend);
    config.set({ backend: "big-only" as BackendName });
    np.multiply(np.ones([3]), 2);
    expect(rec.calls).toEqual([]);
    const big = np.multiply(np.ones([100]), 2);
    expect(rec.prims()).toEqual(["mul"]);
    expect(values(big)).toEqual(new Array<number>(100).fill(2));
  });
});

describe("output buffers", () => {
  afterEach(() => {
    config.set({ backend: "js" });
    if (registeredBackends().includes("recording")) unregisterBackend("recording");
  });

  it("every primitive result is an array over the very buffer its backend allocated and wrote (made in one place)", () => {
    const rec = recordingBackend("recording");
    registerBackend(rec.backend);
    config.set({ backend: "recording" as BackendName });
    const outs = [...workload(), vmap((r: NDArray) => np.sum(r.mul(r)))(np.ones([3, 4])) as NDArray];
    expect(outs.length).toBeGreaterThan(20);
    for (const o of outs) expect(rec.allocated.has(bufferOf(asConcrete(o)))).toBe(true);
    for (const c of rec.calls) c.outputs.forEach((b) => expect(rec.allocated.has(b)).toBe(true));
  });

  it("pure re-views (reshape, squeeze, expandDims, stopGradient, astype to the same dtype) share their input's buffer and reach no backend", () => {
    const rec = recordingBackend("recording");
    registerBackend(rec.backend);
    const x = np.arange(6).astype("float32");
    const buf = bufferOf(asConcrete(x));
    config.set({ backend: "recording" as BackendName });
    const views = [np.reshape(x, [2, 3]), np.squeeze(np.reshape(x, [1, 6])), np.expandDims(x, 0), lax.stopGradient(x), np.astype(x, "float32")];
    for (const v of views) expect(bufferOf(asConcrete(v))).toBe(buf);
    expect(rec.calls).toEqual([]);
  });

  it("a kernel's output buffer can be reused across calls: every js kernel writes every element of the buffer it is given", () => {
    const rec = recordingBackend("recording");
    registerBackend(rec.backend);
    config.set({ backend: "recording" as BackendName });
    workload();
    const seen = new Set(rec.prims());
    for (const p of ["add", "exp", "reduce_sum", "reduce_max", "reduce_prod", "argmax", "cumsum", "transpose", "rev", "slice", "concatenate", "pad", "gather", "scatter_add", "dot_general", "sort", "select_n", "convert_element_type", "broadcast_in_dim", "iota", "threefry2x32"]) {
      expect(seen, p).toContain(p);
    }
    // One dirty buffer per output, reused for every call whose output has its dtype and size.
    const pool = new Map<string, BackendBuffer>();
    const dirty = (aval: ShapedArray, i: number): BackendBuffer => {
      const key = `${i}:${aval.dtype}:${aval.size}`;
      const b = pool.get(key) ?? jsBackend.allocate(aval).fill(aval.dtype === "bool" ? 1 : 77);
      pool.set(key, b);
      return b;
    };
    for (const c of rec.calls) {
      const outputs = c.outAvals.map(dirty);
      rerun(c, outputs);
      c.outputs.forEach((expected, i) => expect(Array.from(outputs[i]!), c.prim).toEqual(Array.from(expected)));
    }
  });

  it("results are written into the buffers the backend is handed, so a caller may reuse them across calls", () => {
    const aval = asConcrete(np.ones([4])).aval;
    const out = jsBackend.allocate(aval);
    const x = bufferOf(asConcrete(np.array([1, 2, 3, 4])));
    const y = bufferOf(asConcrete(np.array([10, 20, 30, 40])));
    jsBackend.run("add", [x, y], [aval, aval], noParams, [aval], [out]);
    expect(Array.from(out)).toEqual([11, 22, 33, 44]);
    jsBackend.run("mul", [x, y], [aval, aval], noParams, [aval], [out]);
    expect(Array.from(out)).toEqual([10, 40, 90, 160]);
  });
});

function rerun(c: Call, outputs: readonly BackendBuffer[]): void {
  jsBackend.run(c.prim, c.inputs, c.inAvals, c.params as ParamsOf<FirstOrderPrim>, c.outAvals, outputs);
}

describe("JAXTS_BACKEND", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it("without JAXTS_BACKEND the backend is wasm where WebAssembly SIMD exists (Node 20 here), and config.get() reports it", async () => {
    vi.stubEnv("JAXTS_BACKEND", "");
    vi.resetModules();
    const fresh = await import("@jaxts/core");
    expect(fresh.registeredBackends()).toEqual(expect.arrayContaining(["js", "wasm"]));
    expect(fresh.config.get().backend).toBe("wasm");
    expect(fresh.activeBackend().name).toBe("wasm");
  });

  it("JAXTS_BACKEND, read when the library loads, chooses the backend, even one registered after loading", async () => {
    vi.stubEnv("JAXTS_BACKEND", "from-env");
    vi.resetModules();
    const fresh = await import("@jaxts/core");
    const rec = recordingBackend("from-env");
    fresh.registerBackend(rec.backend);
    expect(fresh.config.get().backend).toBe("from-env");
    fresh.np.add(fresh.np.array([1]), 1);
    expect(rec.prims()).toEqual(["add"]);
    fresh.config.set({ backend: "js" });
    expect(fresh.config.get().backend).toBe("js");
  });

  it("JAXTS_BACKEND naming an unregistered backend is an ArgumentError at first use that names the variable", async () => {
    vi.stubEnv("JAXTS_BACKEND", "webgpu");
    vi.resetModules();
    const fresh = await import("@jaxts/core");
    expect(() => fresh.np.add(fresh.np.array([1]), 1)).toThrow(fresh.ArgumentError);
    expect(() => fresh.np.add(fresh.np.array([1]), 1)).toThrow(/JAXTS_BACKEND="webgpu": no backend named "webgpu" is registered/);
    // an explicit choice overrides the environment
    fresh.config.set({ backend: "js" });
    expect(values(fresh.np.add(fresh.np.array([1]), 1) as NDArray)).toEqual([2]);
  });
});
