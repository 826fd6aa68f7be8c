// Shared helpers of the wasm backend's kernel tests: run every size on wasm, compare one
// computation on both backends (checking the wasm kernel really ran), and measure ulps.
import { config, type DType, type NDArray, type TypedArray } from "@jaxts/core";
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

/** `f` evaluated on js and on wasm; the wasm side must have run `prim`'s kernel. */
export function onBoth(prim: string, f: () => NDArray): [js: TypedArray, wasm: TypedArray] {
  config.set({ backend: "js" });
  const ref = f().toTypedArray();
  config.set({ backend: "wasm" });
  const before = kernelCalls.get(prim) ?? 0;
  const got = f().toTypedArray();
  config.set({ backend: "js" });
  expect(kernelCalls.get(prim) ?? 0, `${prim} ran on wasm`).toBeGreaterThan(before);
  return [ref, got];
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
