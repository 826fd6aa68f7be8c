import { allocateForOverwrite, array, config, np, setPoisonUnwritten, wasmBackend, wasmPrimitives, Arena } from "@jaxts/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { wasmFeatures } from "../src/backend/wasm/features.js";
import { ERF_TABLE_AT } from "../src/backend/wasm-backend/arena.js";
import { ERF_TABLE } from "../src/backend/scalar/erf-table.js";

afterEach(() => config.set({ backend: "js" }));

describe("the wasm backend", () => {
  it("is registered and selectable; what it does not implement runs on js, with the same results", () => {
    config.set({ backend: "wasm" });
    expect(config.get().backend).toBe("wasm");
    const x = array([[1, 2], [3, 4]]);
    const y = np.sum(np.tanh(x).matmul(x.T), { axis: 0 });
    config.set({ backend: "js" });
    const ref = np.sum(np.tanh(x).matmul(x.T), { axis: 0 });
    expect(y.toArray()).toEqual(ref.toArray());
  });

  it("is complete (the default) where the engine has SIMD, and has a kernel for every first-order primitive", () => {
    expect(wasmBackend.complete).toBe(wasmFeatures().simd);
    expect(wasmBackend.complete).toBe(true);
    expect(wasmPrimitives().length).toBeGreaterThan(60);
  });
});

describe("the wasm arena", () => {
  it("copies data in and out and grows past its initial size, 16-byte aligned", () => {
    const a = new Arena(1);
    const big = Float32Array.from({ length: 50_000 }, (_, i) => i * 0.5);
    const at = a.copyIn(new Float64Array([1, 2, 3]));
    const at2 = a.copyIn(big);
    expect(at % 16).toBe(0);
    expect(at2 % 16).toBe(0);
    expect(a.memory.buffer.byteLength).toBeGreaterThanOrEqual(at2 + big.byteLength);
    const out = new Float32Array(big.length);
    a.copyOut(at2, out);
    expect(out).toEqual(big);
    const small = new Float64Array(3);
    a.copyOut(at, small);
    expect([...small]).toEqual([1, 2, 3]);
    a.reset();
    // after a reset, reservations start again where the first one did: above the tables the
    // arena keeps at its bottom (float64 erf's coefficients), which are never handed out
    expect(a.reserve(8)).toBe(at);
    expect(at).toBeGreaterThanOrEqual(ERF_TABLE_AT + ERF_TABLE.byteLength);
    expect(Array.from(a.f64.subarray(ERF_TABLE_AT / 8, ERF_TABLE_AT / 8 + ERF_TABLE.length))).toEqual(Array.from(ERF_TABLE));
  });
});

describe("the wasm arena's record of where memory was handed out", () => {
  it("answers whether anything since an epoch started below a byte, as the list of every reservation does", () => {
    // Random sequences of reserve, reset, enter, skip and leave, against a brute-force model:
    // every reservation (its epoch and start) kept.
    const op = fc.oneof(
      fc.record({ k: fc.constant("reserve" as const), n: fc.nat(3000) }),
      fc.record({ k: fc.constant("reset" as const), n: fc.constant(0) }),
      fc.record({ k: fc.constant("enter" as const), n: fc.nat(3000) }),
      fc.record({ k: fc.constant("skip" as const), n: fc.nat(3000) }),
      fc.record({ k: fc.constant("leave" as const), n: fc.constant(0) }),
      fc.record({ k: fc.constant("ask" as const), n: fc.nat(8000), e: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 20, maxLength: 400, size: "max" }), (ops) => {
        const a = new Arena(1);
        const all: { epoch: number; at: number }[] = [];
        const regions: number[] = [];
        const epochs: number[] = [a.epoch];
        for (const o of ops) {
          const { k, n } = o;
          if (k === "reserve") {
            const at = a.reserve(n);
            all.push({ epoch: a.epoch, at });
          } else if (k === "reset") a.reset();
          else if (k === "enter") {
            const at = a.enter(n);
            all.push({ epoch: a.epoch, at });
            regions.push(at);
          } else if (k === "skip") regions.push(a.skip(n));
          else if (k === "leave") {
            const at = regions.pop();
            if (at !== undefined) a.leave(at);
          } else {
            const since = epochs[("e" in o ? o.e : 0) % epochs.length]!;
            const end = n;
            const want = all.every((h) => h.epoch <= since || h.at >= end);
            if (a.untouchedBelow(since, end) !== want) return false;
          }
          epochs.push(a.epoch);
        }
        return !a.untouchedBelow(-1, 0);
      }),
      { numRuns: 300 },
    );
  });

  it("past the most reservations it remembers, says 'touched' for any earlier epoch (never 'untouched' wrongly)", () => {
    const a = new Arena(1);
    const e0 = a.epoch;
    const first = a.reserve(16);
    for (let i = 0; i < 300; i++) a.reserve(16);
    expect(a.untouchedBelow(e0, first)).toBe(false);
    const e1 = a.epoch;
    a.reserve(16);
    expect(a.untouchedBelow(e1, first)).toBe(true);
  });
});

describe("buffers handed out to be overwritten", () => {
  it("start poisoned (0xFF bytes: NaN, −1) in the test suites, at every size, and hold what is written into them", () => {
    for (const size of [3, 1000, 70_000]) {
      const f = allocateForOverwrite("float32", size);
      expect(f.length).toBe(size);
      expect(Number.isNaN(f[0]!) && Number.isNaN(f[size - 1]!)).toBe(true);
      const i = allocateForOverwrite("int32", size);
      expect(i[size - 1]).toBe(-1);
      f.fill(2.5);
      expect(f[size - 1]).toBe(2.5);
    }
    const c = allocateForOverwrite("complex64", 40_000);
    expect(c.length).toBe(80_000);
    setPoisonUnwritten(false);
    try {
      const big = allocateForOverwrite("float64", 100_000);
      expect(big.length).toBe(100_000);
      expect(big.byteOffset % 8).toBe(0);
    } finally {
      setPoisonUnwritten(true);
    }
  });
});
