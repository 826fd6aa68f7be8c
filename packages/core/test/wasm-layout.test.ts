// The wasm backend's data-movement kernels (broadcast_in_dim, transpose, rev, slice,
// concatenate, pad; layout.ts) equal the js backend bit for bit for every dtype over many
// shapes: empty arrays, rank-0 broadcasts, every permutation, reversed axes, strided slices,
// interior padding. The size threshold is lowered to 0 so every size runs on wasm; a call
// counter confirms the kernel (not the js fallback) ran.
import { array, config, type DType, lax, type NDArray, type TypedArray } from "@jaxts/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { kernelCalls, thresholds } from "../src/backend/wasm-backend/kernel-module.js";
import { layoutThreshold } from "../src/backend/wasm-backend/layout.js";
import { onBothArrays } from "./helpers/wasm.js";

const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];
const saved = { ...layoutThreshold };
const savedReduction = thresholds.reduction;
beforeAll(() => {
  Object.assign(layoutThreshold, { elements: 0 });
  thresholds.reduction = 0;
});
afterAll(() => {
  Object.assign(layoutThreshold, saved);
  thresholds.reduction = savedReduction;
});
afterEach(() => config.set({ backend: "js" }));

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, c) => p * c, 1);

/** Deterministic values of `dtype` (with −0 and NaN for floats) in `shape`. */
function arr(shape: readonly number[], dtype: DType, seed: number): NDArray {
  const n = sizeOf(shape);
  const specials = [0, -0, NaN, Infinity, -1.5];
  const vals = Array.from({ length: n }, (_, i) => {
    const h = Math.imul(i + 1, 2654435761 + seed * 97) >>> 0;
    if (dtype === "bool") return h & 1;
    if (dtype === "int32") return (h | 0) >> (h & 15);
    return h % 7 === 0 ? specials[h % specials.length]! : (h / 2 ** 32 - 0.5) * 1000;
  });
  return array(vals, { dtype }).reshape([...shape]);
}


const bits = (a: TypedArray): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v));

/** `f` on js and on wasm, compared element by element with Object.is (NaN equals NaN). */
function sameOnBoth(prim: string, f: () => NDArray): void {
  const [ref, got] = onBothArrays(prim, f);
  expect(got.shape).toEqual(ref.shape);
  expect(got.dtype).toBe(ref.dtype);
  expect(bits(got.toTypedArray())).toEqual(bits(ref.toTypedArray()));
}

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe.each(DTYPES)("wasm layout kernels on %s equal js bit for bit", (dtype) => {
  it("broadcast_in_dim: rank-0 to big arrays, size-1 axes, new leading/inner axes, empty outputs", () => {
    const cases: [number[], number[], number[]][] = [
      [[], [5000], []],
      [[], [3, 4, 5], []],
      [[], [0, 7], []],
      [[7], [3, 7], [1]],
      [[7], [7, 3], [0]],
      [[1, 5], [6, 5], [0, 1]],
      [[4, 1, 3], [2, 4, 5, 3], [1, 2, 3]],
      [[3, 1], [3, 9], [0, 1]],
      [[2, 3], [2, 1, 3, 17], [0, 2]],
      [[2, 3], [0, 2, 3], [1, 2]],
    ];
    for (const [inShape, shape, dims] of cases) sameOnBoth("broadcast_in_dim", () => lax.broadcastInDim(arr(inShape, dtype, 1), shape, dims));
  });

  it("transpose: every permutation of rank-2, rank-3 and rank-4 shapes, incl. empty ones, whole and ragged 4×4 blocks and tiles, batched", () => {
    for (const shape of [[3, 5], [2, 3, 4], [1, 6, 5], [2, 0, 3], [2, 3, 2, 5], [17, 33], [4, 4], [37, 70], [64, 64], [3, 40, 36], [2, 5, 8, 12]]) {
      for (const perm of permutations(shape.length)) {
        if (perm.every((p, i) => p === i)) continue;
        sameOnBoth("transpose", () => lax.transpose(arr(shape, dtype, 2), perm));
      }
    }
  });

  it("rev: every subset of axes of rank-1..3 shapes (negative strides)", () => {
    for (const shape of [[9], [4, 7], [3, 1, 5], [2, 0, 3], [5, 4, 6]]) {
      for (let mask = 1; mask < 1 << shape.length; mask++) {
        const dims = shape.map((_, i) => i).filter((i) => (mask >> i) & 1);
        sameOnBoth("rev", () => lax.rev(arr(shape, dtype, 3), dims));
      }
    }
  });

  it("slice: contiguous, strided, single-element and empty windows", () => {
    const cases: [number[], number[], number[], number[] | null][] = [
      [[10], [2], [9], null],
      [[10], [1], [10], [3]],
      [[6, 8], [1, 2], [5, 7], null],
      [[6, 8], [0, 1], [6, 8], [2, 3]],
      [[4, 5, 6], [1, 0, 2], [4, 5, 6], [2, 1, 2]],
      [[4, 5, 6], [1, 1, 1], [2, 2, 2], null],
      [[4, 5], [2, 2], [2, 5], null],
      [[3, 2, 2, 3, 2, 2, 3], [0, 0, 1, 0, 0, 1, 1], [3, 2, 2, 3, 2, 2, 3], [2, 1, 1, 2, 1, 1, 1]],
    ];
    for (const [shape, start, limit, strides] of cases) sameOnBoth("slice", () => lax.slice(arr(shape, dtype, 4), start, limit, strides));
  });

  it("concatenate: along every axis, with empty pieces", () => {
    sameOnBoth("concatenate", () => lax.concatenate([arr([3, 4], dtype, 5), arr([2, 4], dtype, 6), arr([0, 4], dtype, 7)], 0));
    sameOnBoth("concatenate", () => lax.concatenate([arr([3, 4], dtype, 5), arr([3, 1], dtype, 6), arr([3, 5], dtype, 7)], 1));
    sameOnBoth("concatenate", () => lax.concatenate([arr([2, 3, 4], dtype, 8), arr([2, 2, 4], dtype, 9)], 1));
    sameOnBoth("concatenate", () => lax.concatenate([arr([2, 3, 4], dtype, 8), arr([2, 3, 7], dtype, 9)], 2));
    sameOnBoth("concatenate", () => lax.concatenate([arr([100], dtype, 8), arr([999], dtype, 9)], 0));
  });

  it("pad: low/high/interior padding on every axis, empty operands", () => {
    const cases: [number[], [number, number, number][]][] = [
      [[5], [[2, 3, 0]]],
      [[5], [[0, 0, 2]]],
      [[3, 4], [[1, 2, 0], [0, 3, 1]]],
      [[2, 3, 4], [[1, 1, 1], [2, 0, 0], [0, 1, 3]]],
      [[0, 3], [[1, 1, 0], [1, 1, 1]]],
      [[], []],
    ];
    for (const [shape, cfg] of cases) sameOnBoth("pad", () => lax.pad(arr(shape, dtype, 10), arr([], dtype, 11), cfg));
  });
});

it("pad with negative padding crops on wasm and equals js", () => {
  config.set({ backend: "js" });
  const ref = lax.pad(arr([6, 5], "float32", 1), 0, [[-1, 2, 0], [1, -2, 1]]).toTypedArray();
  config.set({ backend: "wasm" });
  const before = kernelCalls.get("pad") ?? 0;
  const got = lax.pad(arr([6, 5], "float32", 1), 0, [[-1, 2, 0], [1, -2, 1]]).toTypedArray();
  expect(kernelCalls.get("pad") ?? 0).toBe(before + 1);
  expect(Array.from(got)).toEqual(Array.from(ref));
});

/** Every non-empty subset of the axes of a rank-`n` array. */
const axisSubsets = (n: number): number[][] =>
  Array.from({ length: (1 << n) - 1 }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => ((m + 1) >> i) & 1));

const RANK3 = [
  [3, 5, 7],
  [4, 1, 9],
  [2, 0, 3],
  [6, 33, 5],
];

describe.each(["float32", "float64"] as const)("wasm reductions over any axes on %s equal js", (dtype) => {
  it("reduce_max and reduce_min over every axis subset of rank-3 arrays are bit-identical (NaN, ±0, ±Infinity)", () => {
    for (const shape of RANK3) {
      for (const axes of axisSubsets(3)) {
        sameOnBoth("reduce_max", () => lax.reduceMax(arr(shape, dtype, 12), axes));
        sameOnBoth("reduce_min", () => lax.reduceMin(arr(shape, dtype, 13), axes));
      }
    }
  });

  it("argmax and argmin along every axis of rank-3 arrays give js's index (first extreme, first NaN, ties, ±0)", () => {
    const ties = array([1, 1, 0, -0, -0, 0, NaN, 2, NaN, 3, 3, -1], { dtype }).reshape([2, 3, 2]);
    for (const x of [...RANK3.filter((s) => !s.includes(0)).map((s) => arr(s, dtype, 15)), ties]) {
      for (let axis = 0; axis < 3; axis++) {
        sameOnBoth("argmax", () => lax.argmax(x, axis));
        sameOnBoth("argmin", () => lax.argmin(x, axis));
      }
    }
  });

  it("reduce_min on a row of zeros keeps the sign of the first zero, as js does", () => {
    const x = array([0, -0, 0, -0, -0, 0, -0, 0, 0, -0, -0, 0], { dtype }).reshape([2, 3, 2]);
    for (const axes of axisSubsets(3)) {
      sameOnBoth("reduce_min", () => lax.reduceMin(x, axes));
      sameOnBoth("reduce_max", () => lax.reduceMax(x, axes));
    }
  });

  it("reduce_sum over every axis subset of rank-3 arrays agrees with js to the rounding of an f64 sum", () => {
    const eps = dtype === "float32" ? 2 ** -23 : 0;
    for (const shape of RANK3) {
      for (const axes of axisSubsets(3)) {
        // Infinities clipped to ±1e6 (NaN stays): sums of mixed signs, a NaN row stays NaN.
        const finite = lax.min(lax.max(arr(shape, dtype, 14), array(-1e6, { dtype })), array(1e6, { dtype }));
        const [ref, got] = onBothArrays("reduce_sum", () => lax.reduceSum(finite, axes));
        const absSum = lax.reduceSum(lax.abs(finite), axes).toTypedArray();
        const n = axes.reduce((p, a) => p * shape[a]!, 1);
        const r = ref.toTypedArray();
        const g = got.toTypedArray();
        expect(got.shape).toEqual(ref.shape);
        r.forEach((v, i) => {
          if (!Number.isFinite(v)) expect(bits(g.subarray(i, i + 1))).toEqual(bits(r.subarray(i, i + 1)));
          else expect(Math.abs(g[i]! - v)).toBeLessThanOrEqual(eps * Math.abs(v) + n * 2 ** -52 * absSum[i]!);
        });
      }
    }
  });
});
