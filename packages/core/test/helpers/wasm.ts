// Shared helpers of the wasm backend's kernel tests: run every size on wasm, compare one
// computation on both backends (checking the wasm kernel really ran), and measure ulps.
import { array, config, type DType, type NDArray, type TypedArray } from "@jaxts/core";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { kernelCalls, thresholds } from "../../src/backend/wasm-backend/kernel-module.js";
import { dotGeneralWasmStats } from "../../src/backend/wasm-backend/dot-general.js";
import { layoutThreshold } from "../../src/backend/wasm-backend/layout.js";
import { minSize } from "../../src/backend/wasm-backend/scalar.js";

/** Lower the kernels' size thresholds to 0 for this test file (every size runs on wasm), and
 * select js again after each test. */
export function runEverySizeOnWasm(): void {
  const saved = { ...thresholds };
  const savedSizes = { ...minSize };
  const savedLayout = { ...layoutThreshold };
  const savedMacs = dotGeneralWasmStats.minMacs;
  beforeAll(() => {
    dotGeneralWasmStats.minMacs = 0;
    Object.assign(thresholds, { arithmetic: 0, transcendental: 0, reduction: 0 });
    for (const k of Object.keys(minSize) as (keyof typeof minSize)[]) minSize[k] = 0;
    layoutThreshold.elements = 0;
  });
  afterAll(() => {
    Object.assign(thresholds, saved);
    Object.assign(minSize, savedSizes);
    Object.assign(layoutThreshold, savedLayout);
    dotGeneralWasmStats.minMacs = savedMacs;
  });
  afterEach(() => config.set({ backend: "js" }));
}

/** `f` evaluated on js and on wasm, as arrays; the wasm side must have run `prim`'s kernel,
 * unless its result is empty (then no backend runs a kernel: backend.ts allEmpty). */
export function onBothArrays(prim: string, f: () => NDArray): [js: NDArray, wasm: NDArray] {
  config.set({ backend: "js" });
  const ref = f();
  config.set({ backend: "wasm" });
  const before = kernelCalls.get(prim) ?? 0;
  const got = f();
  got.toTypedArray(); // (read on wasm: a deferred result runs now)
  config.set({ backend: "js" });
  const calls = kernelCalls.get(prim) ?? 0;
  if (got.size > 0) expect(calls, `${prim} ran on wasm`).toBeGreaterThan(before);
  else expect(calls, `${prim} ran on wasm for an empty result`).toBe(before);
  return [ref, got];
}

/** onBothArrays, read back to typed arrays. */
export function onBoth(prim: string, f: () => NDArray): [js: TypedArray, wasm: TypedArray] {
  const [ref, got] = onBothArrays(prim, f);
  return [ref.toTypedArray(), got.toTypedArray()];
}

/** A float's bits as an integer ordered like the floats, so ulp distance is a difference. */
export function orderedBits(v: number, dtype: DType): bigint {
  if (dtype === "float32") {
    const i = new Int32Array(new Float32Array([v]).buffer)[0]!;
    return BigInt(i < 0 ? -2147483648 - i : i);
  }
  const i = new BigInt64Array(new Float64Array([v]).buffer)[0]!;
  return i < 0n ? -(2n ** 63n) - i : i;
}

/** Deterministic data with the special values of each dtype. */
export function specialData(n: number, dtype: DType, seed: number): TypedArray {
  const specials =
    dtype === "bool" ? [0, 1] : dtype === "int32" ? [0, -1, 1, 2, 31, 32, 33, -32, 2147483647, -2147483648, 65536, 3] : [0, -0, 1, -1, 0.5, -0.5, 2.5, -1.5, Infinity, -Infinity, NaN, 1e-40, -3e-39, 3e38, -7.5, 1e10, -3e9, 0.999];
  let s = seed * 2654435761 + 1;
  const next = (): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const out = dtype === "float32" ? new Float32Array(n) : dtype === "float64" ? new Float64Array(n) : dtype === "int32" ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const u = next();
    if (dtype === "bool") out[i] = u < 0.5 ? 1 : 0;
    else if (u < 0.3) out[i] = specials[Math.floor(next() * specials.length)]!;
    else if (dtype === "int32") out[i] = next() < 0.5 ? Math.floor((next() - 0.5) * 100) : Math.floor((next() - 0.5) * 2 ** 32);
    else out[i] = (next() - 0.5) * 10 ** Math.floor(next() * 8 - 4);
  }
  return out;
}

/** Values with −0 and NaN made explicit, so equality is Object.is per element. */
export const exactly = (a: TypedArray): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v));

/** Largest distance in units in the last place (NaN must match NaN). */
export function maxUlp(ref: TypedArray, got: TypedArray, dtype: DType): number {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const [r, g] = [ref[i]!, got[i]!];
    if (Number.isNaN(r) || Number.isNaN(g)) {
      if (Number.isNaN(r) !== Number.isNaN(g)) return Number.POSITIVE_INFINITY;
      continue;
    }
    const d = orderedBits(r, dtype) - orderedBits(g, dtype);
    worst = Math.max(worst, Number(d < 0n ? -d : d));
  }
  return worst;
}

/** Deterministic pseudo-random data in [-1, 1) (or small integers in [-3, 3]). */
export function randomArray(shape: readonly number[], dtype: DType, seed: number, integers = false): NDArray {
  let s = seed >>> 0 || 1;
  const n = shape.reduce((p, d) => p * d, 1);
  const xs = Array.from({ length: n }, () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    const u = s / 2 ** 32;
    return integers ? Math.floor(u * 7) - 3 : 2 * u - 1;
  });
  return array(xs, { dtype }).reshape([...shape]);
}
