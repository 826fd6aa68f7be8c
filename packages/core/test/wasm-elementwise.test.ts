// The wasm backend's elementwise and reduction kernels equal the js backend: bit for bit for
// + − × ÷ max min neg abs sqrt square select convert and reduce_max, sums to the rounding of
// their documented order, and exp/log/tanh/logistic within the ulp bounds stated in
// vector-math.ts, over every size class (empty, below one vector, tails, large) and operand
// form (full, rank-0). Size thresholds are lowered to 0 here so every size runs on wasm;
// a call counter confirms the kernel (not the js fallback) ran.
import { array, config, type DType, lax, type NDArray, type TypedArray } from "@jaxts/core";
import { valueAndGrad } from "@jaxts/transforms";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kernelCalls, thresholds } from "../src/backend/wasm-backend/kernel-module.js";
import { emitExpF32, emitLogF32, emitLogisticF32, emitTanhF32 } from "../src/backend/wasm-backend/vector-math.js";
import { ModuleBuilder, wasmFeatures } from "../src/backend/wasm/index.js";
import { exactly, maxUlp, onBoth, runEverySizeOnWasm, specialData } from "./helpers/wasm.js";

const SIZES = [0, 1, 3, 4, 5, 17, 1000, 100001];
/** The thresholds as shipped (runEverySizeOnWasm lowers them for this file). */
const saved = { ...thresholds };
runEverySizeOnWasm();






const BINARY = { add: lax.add, sub: lax.sub, mul: lax.mul, div: lax.div, max: lax.max, min: lax.min } as const;
const INT_BINARY = ["add", "sub", "mul", "max", "min"] as const;

describe("wasm binary kernels equal js exactly", () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const prim of dtype === "int32" ? INT_BINARY : (Object.keys(BINARY) as (keyof typeof BINARY)[])) {
      it(`${prim} on ${dtype}: full, rank-0 left, rank-0 right and identical operands, every size`, () => {
        for (const n of SIZES) {
          const x = array(specialData(n, dtype, 1), { dtype });
          const y = array(specialData(n, dtype, 2), { dtype });
          const s = array(specialData(1, dtype, 3 + n), { dtype }).reshape([]);
          for (const [a, b] of [
            [x, y],
            [s, y],
            [x, s],
            [x, x],
          ] as const) {
            const [ref, got] = onBoth(prim, () => BINARY[prim](a, b));
            expect(exactly(got)).toEqual(exactly(ref));
          }
        }
      });
    }
  }

  it("max and min propagate NaN from either side and keep js's choice between +0 and −0", () => {
    const a = array(new Float32Array([NaN, 1, 0, -0, 0, 2]));
    const b = array(new Float32Array([1, NaN, -0, 0, 0, 2]));
    for (const prim of ["max", "min"] as const) {
      const [ref, got] = onBoth(prim, () => BINARY[prim](a, b));
      expect(exactly(got)).toEqual(exactly(ref));
    }
  });
});

const EXACT_UNARY = { neg: lax.neg, abs: lax.abs, sqrt: lax.sqrt, square: lax.square } as const;

describe("wasm unary kernels", () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    for (const prim of dtype === "int32" ? (["neg", "abs", "square"] as const) : (Object.keys(EXACT_UNARY) as (keyof typeof EXACT_UNARY)[])) {
      it(`${prim} on ${dtype} equals js exactly at every size`, () => {
        for (const n of SIZES) {
          const x = array(specialData(n, dtype, 7), { dtype });
          const [ref, got] = onBoth(prim, () => EXACT_UNARY[prim](x));
          expect(exactly(got)).toEqual(exactly(ref));
        }
      });
    }
  }

  // The bounds stated in vector-math.ts.
  const ULP = { exp: 1, log: 1, tanh: 2, logistic: 2 } as const;
  const TRANSCENDENTAL = { exp: lax.exp, log: lax.log, tanh: lax.tanh, logistic: lax.logistic } as const;
  // Where each emitter's error peaks: exp's denormal and overflow edges, tanh's and σ's
  // reduction cut-overs near 0, σ's denormal tail, log around 1.
  const HARD_REGIONS: Record<keyof typeof ULP, readonly (readonly [number, number])[]> = {
    exp: [[-104, -87], [80, 89], [-0.4, 0.4]],
    log: [[0.7, 1.5], [1e-45, 1e-37]],
    tanh: [[-0.001, 0.001], [-1.2, 1.2], [-10, 10]],
    logistic: [[-2, 2], [-104, -80]],
  };
  for (const prim of Object.keys(ULP) as (keyof typeof ULP)[]) {
    it(`f32 ${prim} is within ${ULP[prim]} ulp of js at every size`, () => {
      for (const n of SIZES) {
        const x = array(specialData(n, "float32", 11), { dtype: "float32" });
        const [ref, got] = onBoth(prim, () => TRANSCENDENTAL[prim](x));
        expect(maxUlp(ref, got, "float32")).toBeLessThanOrEqual(ULP[prim]);
      }
    });

    it(`f32 ${prim} is within ${ULP[prim]} ulp of js for any f32 (±0, ±Inf, NaN, denormals, huge)`, () => {
      const anyF32 = fc.float32Array({ minLength: 1, maxLength: 64 });
      const wide = fc.float32Array({ minLength: 1, maxLength: 64, min: -120, max: 120, noNaN: true });
      fc.assert(
        fc.property(fc.oneof(anyF32, wide), (values) => {
          const x = array(values, { dtype: "float32" });
          const [ref, got] = onBoth(prim, () => TRANSCENDENTAL[prim](x));
          expect(maxUlp(ref, got, "float32")).toBeLessThanOrEqual(ULP[prim]);
        }),
        { numRuns: 200 },
      );
    });

    it(`f32 ${prim} is within ${ULP[prim]} ulp of js on every 16381st f32 and on 100000 uniform samples of its hard regions`, () => {
      const sweep = new Uint32Array(Math.ceil(2 ** 32 / 16381)).map((_, i) => i * 16381);
      const regions = HARD_REGIONS[prim];
      const per = Math.floor(100000 / regions.length);
      const hard = regions.flatMap(([lo, hi]) => Array.from({ length: per }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / per));
      for (const values of [new Float32Array(sweep.buffer), Float32Array.from(hard)]) {
        const x = array(values, { dtype: "float32" });
        const [ref, got] = onBoth(prim, () => TRANSCENDENTAL[prim](x));
        expect(maxUlp(ref, got, "float32")).toBeLessThanOrEqual(ULP[prim]);
      }
    });
  }

  it("f32 exp, log, tanh and logistic evaluate their polynomials with fused multiply-adds exactly when relaxed SIMD is on", () => {
    // (JAXTS_RELAXED_SIMD=0 runs these tests unfused: `pnpm test:unfused`, a CI step)
    const emitters = { exp: emitExpF32, log: emitLogF32, tanh: emitTanhF32, logistic: emitLogisticF32 };
    for (const [name, emit] of Object.entries(emitters)) {
      const m = new ModuleBuilder();
      m.addFunction("f", { params: { x: "v128" }, results: ["v128"], export: true }, (b, { x }) => emit(b, x!));
      const bytes = m.build();
      // f32x4.relaxed_madd is 0xFD 0x105 (LEB128: 0x85 0x02)
      const fused = bytes.some((v, i) => v === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02);
      expect(fused, name).toBe(wasmFeatures().relaxedSimd);
    }
  });

  const ULP64 = { exp: 2, logistic: 2 } as const;
  for (const prim of Object.keys(ULP64) as (keyof typeof ULP64)[]) {
    it(`f64 ${prim} is within ${ULP64[prim]} ulp of js at every size and for any f64 (±0, ±Inf, NaN, denormals, huge)`, () => {
      for (const n of SIZES) {
        const x = array(specialData(n, "float64", 17), { dtype: "float64" });
        const [ref, got] = onBoth(prim, () => TRANSCENDENTAL[prim](x));
        expect(maxUlp(ref, got, "float64")).toBeLessThanOrEqual(ULP64[prim]);
      }
      const anyF64 = fc.float64Array({ minLength: 1, maxLength: 64 });
      const wide = fc.float64Array({ minLength: 1, maxLength: 64, min: -800, max: 800, noNaN: true });
      fc.assert(
        fc.property(fc.oneof(anyF64, wide), (values) => {
          const x = array(values, { dtype: "float64" });
          const [ref, got] = onBoth(prim, () => TRANSCENDENTAL[prim](x));
          expect(maxUlp(ref, got, "float64")).toBeLessThanOrEqual(ULP64[prim]);
        }),
        { numRuns: 200 },
      );
    });
  }

  it("exp overflows to +Inf and underflows through denormals to 0 as js does; log of negatives is NaN, log(±0) is −Inf", () => {
    const x = array(new Float32Array([88.7, 88.73, 89, 1000, -87.5, -100, -103.9, -104.5, -1000, Infinity, -Infinity, NaN]));
    const [ref, got] = onBoth("exp", () => lax.exp(x));
    expect(maxUlp(ref, got, "float32")).toBeLessThanOrEqual(1);
    expect(got[3]).toBe(Infinity);
    expect(got[8]).toBe(0);
    const y = array(new Float32Array([-1, -0, 0, 1e-45, 1e-40, 1, Infinity, -Infinity, NaN]));
    const [lref, lgot] = onBoth("log", () => lax.log(y));
    expect(Array.from(lgot.slice(0, 3))).toEqual([NaN, -Infinity, -Infinity]);
    expect(maxUlp(lref, lgot, "float32")).toBeLessThanOrEqual(1);
  });
});

describe("wasm select_n and convert_element_type", () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    it(`select on ${dtype} with full and rank-0 predicate and cases equals js at every size`, () => {
      for (const n of SIZES) {
        const pred = array(Uint8Array.from(specialData(n, "int32", 5), (v) => (v & 1 ? 1 : 0)), { dtype: "bool" });
        const p0 = array(new Uint8Array([1]), { dtype: "bool" }).reshape([]);
        const t = array(specialData(n, dtype, 8), { dtype });
        const f = array(specialData(n, dtype, 9), { dtype });
        const s = array(specialData(1, dtype, 10), { dtype }).reshape([]);
        for (const [p, a, b] of [
          [pred, t, f],
          [pred, s, f],
          [pred, t, s],
          [p0, t, f],
        ] as const) {
          const [ref, got] = onBoth("select_n", () => lax.select(p, a, b));
          expect(exactly(got)).toEqual(exactly(ref));
        }
      }
    });
  }

  it("f32 → f64 and f64 → f32 (round to nearest even) equal js at every size", () => {
    for (const n of SIZES) {
      const x32 = array(specialData(n, "float32", 12), { dtype: "float32" });
      const x64 = array(specialData(n, "float64", 13), { dtype: "float64" });
      const [r1, g1] = onBoth("convert_element_type", () => lax.convertElementType(x32, "float64"));
      expect(exactly(g1)).toEqual(exactly(r1));
      const [r2, g2] = onBoth("convert_element_type", () => lax.convertElementType(x64, "float32"));
      expect(exactly(g2)).toEqual(exactly(r2));
    }
  });
});

describe("wasm reductions over the last axis and over all axes", () => {
  const finite = (n: number, dtype: DType, seed: number): TypedArray => specialData(n, dtype, seed).map((v) => (Number.isFinite(v) && Math.abs(v) < 1e30 ? v : 0.25));
  for (const dtype of ["float32", "float64"] as const) {
    it(`reduce_sum on ${dtype} matches js within the rounding of its summation order`, () => {
      for (const n of SIZES) {
        const values = finite(n, dtype, 21);
        const abs = Array.from(values).reduce((p, v) => p + Math.abs(v), 0);
        // All axes of a flat array, and the last axis of [rows, cols] views of the same data.
        const shapes = [[n], ...(n % 5 === 0 && n > 0 ? [[5, n / 5]] : []), ...(n % 17 === 0 && n > 0 ? [[17, n / 17]] : [])];
        for (const shape of shapes) {
          const x = array(values, { dtype }).reshape(shape);
          for (const axes of shape.length === 1 ? [[0]] : [[1], [0, 1]]) {
            const [ref, got] = onBoth("reduce_sum", () => lax.reduceSum(x, axes));
            const tol = (n + 4) * 2 ** -52 * abs + (dtype === "float32" ? 2 ** -24 * Math.max(...Array.from(ref, Math.abs), 0) : 0);
            for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i]! - ref[i]!)).toBeLessThanOrEqual(tol);
          }
        }
      }
    });

    it(`reduce_max on ${dtype} equals js exactly (NaN wins, first of ±0 kept)`, () => {
      for (const n of SIZES) {
        const x = array(specialData(n, dtype, 31), { dtype });
        if (n === 0) continue;
        const [ref, got] = onBoth("reduce_max", () => lax.reduceMax(x, [0]));
        expect(exactly(got)).toEqual(exactly(ref));
        const zeros = array(dtype === "float32" ? new Float32Array([-1, -0, 0, -0, 0, -2]) : new Float64Array([-1, -0, 0, -0, 0, -2]), { dtype }).reshape([2, 3]);
        const [zr, zg] = onBoth("reduce_max", () => lax.reduceMax(zeros, [1]));
        expect(exactly(zg)).toEqual(exactly(zr));
        const finiteX = array(finite(n, dtype, 32), { dtype });
        const [fr, fg] = onBoth("reduce_max", () => lax.reduceMax(finiteX, [0]));
        expect(exactly(fg)).toEqual(exactly(fr));
      }
    });
  }

  it("a reduction over a leading axis runs on wasm (reduce-axes.ts) and equals js bit for bit", () => {
    const x = array(specialData(4000, "float32", 41), { dtype: "float32" }).reshape([40, 100]);
    config.set({ backend: "js" });
    const ref = lax.reduceMax(x, [0]).toTypedArray();
    config.set({ backend: "wasm" });
    const before = kernelCalls.get("reduce_max") ?? 0;
    const got = lax.reduceMax(x, [0]).toTypedArray();
    expect(kernelCalls.get("reduce_max") ?? 0).toBe(before + 1);
    expect(exactly(got)).toEqual(exactly(ref));
  });
});

describe("wasm kernels in use", () => {
  it("reuse of the arena across calls of different sizes gives each call its own correct result", () => {
    const big = array(specialData(100001, "float32", 51), { dtype: "float32" });
    const small = array(specialData(5, "float32", 52), { dtype: "float32" });
    config.set({ backend: "js" });
    const refs = [lax.exp(big), lax.exp(small), lax.add(small, small), lax.exp(big)].map((a) => a.toTypedArray());
    config.set({ backend: "wasm" });
    const gots = [lax.exp(big), lax.exp(small), lax.add(small, small), lax.exp(big)].map((a) => a.toTypedArray());
    refs.forEach((r, i) => expect(maxUlp(r, gots[i]!, "float32")).toBeLessThanOrEqual(1));
  });

  it("below the size thresholds small arrays stay on js", () => {
    Object.assign(thresholds, saved);
    try {
      config.set({ backend: "wasm" });
      const before = kernelCalls.get("add") ?? 0;
      const x = array(new Float32Array([1, 2, 3]));
      expect(Array.from(lax.add(x, x).toTypedArray())).toEqual([2, 4, 6]);
      expect(kernelCalls.get("add") ?? 0).toBe(before);
    } finally {
      Object.assign(thresholds, { arithmetic: 0, transcendental: 0, reduction: 0 });
    }
  });

  it("value and grad of sum(tanh(x)·σ(x) + ½x²) on wasm equals js within f32 tolerance", () => {
    const f = (x: NDArray): NDArray => lax.reduceSum(lax.add(lax.mul(lax.tanh(x), lax.logistic(x)), lax.mul(lax.square(x), 0.5)), [0]);
    const x = array(Float32Array.from({ length: 10001 }, (_, i) => Math.sin(i) * 4), { dtype: "float32" });
    const vg = valueAndGrad(f);
    config.set({ backend: "js" });
    const [v0, g0] = vg(x);
    const ref = [Number(v0.item()), g0.toTypedArray()] as const;
    config.set({ backend: "wasm" });
    const before = kernelCalls.get("tanh") ?? 0;
    const [v1, g1] = vg(x);
    expect(kernelCalls.get("tanh") ?? 0).toBeGreaterThan(before);
    expect(Math.abs(Number(v1.item()) - ref[0])).toBeLessThanOrEqual(1e-6 * Math.abs(ref[0]));
    const g = g1.toTypedArray();
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i]! - ref[1][i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(ref[1][i]!)));
  });
});
