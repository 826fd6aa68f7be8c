// The wasm backend's non-elementwise kernels (reductions of every dtype, cumsum, gather,
// scatter_add, sort, iota, threefry, int32 dot_general, layout ops) equal the js backend bit
// for bit over random shapes, rank 0 and empty arrays included. Size thresholds are lowered
// to 0 so every size runs on wasm; the operands go to both backends' `run` directly.
import { array, type DType, type NDArray, np, random, ShapedArray, type TypedArray } from "@jaxts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { radixFrom } from "../src/backend/wasm-backend/sort.js";
import { wasmBackend } from "../src/internals.js";
import { operands, randomData, randomShape, rng, sameBits } from "./helpers/prim-check.js";
import { onBoth, runEverySizeOnWasm } from "./helpers/wasm.js";

runEverySizeOnWasm();

/** Every subset of the axes of a rank-`n` array. */
const subsets = (n: number): number[][] => Array.from({ length: 1 << n }, (_, m) => Array.from({ length: n }, (_, i) => i).filter((i) => (m >> i) & 1));

const REDUCTIONS = [
  ["reduce_sum", ["int32"]],
  ["reduce_prod", ["float32", "float64", "int32"]],
  ["reduce_max", ["int32", "bool"]],
  ["reduce_min", ["int32", "bool"]],
  ["reduce_and", ["bool"]],
  ["reduce_or", ["bool"]],
] as const;

describe("wasm reductions equal js bit for bit", () => {
  for (const [prim, dtypes] of REDUCTIONS) {
    for (const dtype of dtypes as readonly DType[]) {
      it(`${prim} on ${dtype} over every axis subset of random shapes (rank 0, empty rows, long rows)`, () => {
        const r = rng(prim.length * 31 + dtype.length);
        const shapes = [...Array.from({ length: 25 }, () => randomShape(r)), [1000], [3, 37], [0, 4], [4, 0]];
        for (const shape of shapes) {
          for (const axes of subsets(shape.length)) {
            const { inputs, avals } = operands(r, [[shape, dtype]]);
            sameBits(prim, inputs, avals, { axes });
          }
        }
      });
    }
  }

  for (const prim of ["argmax", "argmin"] as const) {
    for (const dtype of ["int32", "bool"] as const) {
      it(`${prim} on ${dtype} along every axis gives js's index (first extreme)`, () => {
        const r = rng(prim.length + dtype.length * 7);
        for (let t = 0; t < 30; t++) {
          const shape = randomShape(r).map((d) => Math.max(d, 1));
          for (let axis = 0; axis < shape.length; axis++) {
            const { inputs, avals } = operands(r, [[shape, dtype]]);
            sameBits(prim, inputs, avals, { axes: [axis], index_dtype: "int32" });
          }
        }
      });
    }
  }
});

describe("wasm cumsum equals js bit for bit", () => {
  for (const dtype of ["float32", "float64", "int32"] as const) {
    it(`cumsum on ${dtype} along every axis, forward and reverse, of random shapes (rank 1..4, empty, long)`, () => {
      const r = rng(dtype.length * 13);
      const shapes = [...Array.from({ length: 30 }, () => randomShape(r)), [5000], [3, 700], [700, 3]].filter((s) => s.length > 0);
      for (const shape of shapes) {
        for (let axis = 0; axis < shape.length; axis++) {
          for (const reverse of [false, true]) {
            const { inputs, avals } = operands(r, [[shape, dtype]]);
            sameBits("cumsum", inputs, avals, { axis, reverse });
          }
        }
      }
    });
  }
});

/** Random int32 indices for an axis of length n: mostly in range, some negative or past the end. */
function indices(r: () => number, shape: readonly number[], n: number): Int32Array {
  const size = shape.reduce((p, c) => p * c, 1);
  return Int32Array.from({ length: size }, () => (r() < 0.2 ? Math.floor((r() - 0.5) * 4 * (n + 2)) : Math.floor(r() * n)));
}

describe("wasm gather and scatter_add equal js bit for bit", () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    it(`gather on ${dtype}: every axis, index arrays of rank 0..2, out-of-range indices clamped, empty axes`, () => {
      const r = rng(dtype.length * 17);
      for (let t = 0; t < 40; t++) {
        const shape = randomShape(r, 3, 6).concat(t % 5 === 0 ? [40] : []);
        if (shape.length === 0) continue;
        for (let axis = 0; axis < shape.length; axis++) {
          const ishape = randomShape(r, 2, 5);
          const { inputs, avals } = operands(r, [[shape, dtype]]);
          sameBits("gather", [inputs[0]!, indices(r, ishape, shape[axis]!)], [avals[0]!, new ShapedArray(ishape, "int32")], { axis });
        }
      }
    });
  }

  for (const dtype of ["float32", "float64", "int32"] as const) {
    it(`scatter_add on ${dtype}: repeated indices accumulate in order, out-of-range updates are dropped`, () => {
      const r = rng(dtype.length * 19);
      for (let t = 0; t < 40; t++) {
        const shape = randomShape(r, 3, 6).concat(t % 5 === 0 ? [40] : []);
        if (shape.length === 0) continue;
        for (let axis = 0; axis < shape.length; axis++) {
          const ishape = randomShape(r, 2, 6);
          const ushape = [...shape.slice(0, axis), ...ishape, ...shape.slice(axis + 1)];
          const { inputs, avals } = operands(r, [[shape, dtype], [ushape, dtype]]);
          const idx = indices(r, ishape, shape[axis]!);
          sameBits("scatter_add", [inputs[0]!, idx, inputs[1]!], [avals[0]!, new ShapedArray(ishape, "int32"), avals[1]!], { axis });
        }
      }
    });
  }
});

describe.each([
  ["merge sort", Number.POSITIVE_INFINITY],
  ["radix sort", 0],
])("wasm sort (%s) equals js bit for bit (ascending, NaN last, stable)", (_, from) => {
  const saved = radixFrom.n;
  beforeAll(() => {
    radixFrom.n = from;
  });
  afterAll(() => {
    radixFrom.n = saved;
  });
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    it(`sort by ${dtype} keys along every axis, with companion operands of every dtype`, () => {
      const r = rng(dtype.length * 23);
      const shapes = [...Array.from({ length: 30 }, () => randomShape(r, 3, 7)), [1000], [3, 257], [257, 3], [0, 5]].filter((s) => s.length > 0);
      for (const shape of shapes) {
        for (let dimension = 0; dimension < shape.length; dimension++) {
          const { inputs, avals } = operands(r, [[shape, dtype], [shape, "float32"], [shape, "int32"], [shape, "bool"], [shape, "float64"]]);
          // Few distinct keys, so ties (and ±0, several NaNs) are common.
          const keys = inputs[0]!;
          if (dtype !== "bool") for (let i = 0; i < keys.length; i++) if (r() < 0.5) keys[i] = keys[Math.floor(r() * keys.length)]! - (r() < 0.2 ? keys[i]! * 0 : 0);
          sameBits("sort", inputs, avals, { dimension, num_keys: 1 });
          sameBits("sort", [keys], [avals[0]!], { dimension, num_keys: 1 });
        }
      }
    });
  }
});

describe("wasm generators equal js bit for bit", () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    it(`iota of ${dtype} along every axis of random shapes (empty ones, axes past 256 for bool's wrap)`, () => {
      const r = rng(dtype.length * 29);
      const shapes = [...Array.from({ length: 20 }, () => randomShape(r, 4, 6)), [300], [2, 300, 3], [0, 4]].filter((s) => s.length > 0);
      for (const shape of shapes) for (let dimension = 0; dimension < shape.length; dimension++) sameBits("iota", [], [], { dtype, shape, dimension });
    });
  }

  it("threefry2x32 on random uint32 words of random shapes (sizes not multiples of 4, rank 0, empty)", () => {
    const r = rng(31);
    const shapes = [...Array.from({ length: 30 }, () => randomShape(r, 3, 7)), [1001], []];
    for (const shape of shapes) {
      const { inputs, avals } = operands(r, [[shape, "int32"], [shape, "int32"], [shape, "int32"], [shape, "int32"]]);
      sameBits("threefry2x32", inputs, avals, {});
    }
  });
});

describe("wasm layout and dot_general cover every dtype, bit for bit", () => {
  for (const dtype of ["float32", "float64", "int32", "bool"] as const) {
    it(`pad on ${dtype} with negative (cropping), zero, positive and interior padding`, () => {
      const r = rng(dtype.length * 37);
      for (let t = 0; t < 60; t++) {
        const shape = randomShape(r, 3, 6);
        const cfg = shape.map(() => [Math.floor(r() * 7) - 3, Math.floor(r() * 7) - 3, Math.floor(r() * 3)] as const);
        // Skip configurations whose output would have a negative size (the rule rejects them).
        if (shape.some((n, i) => cfg[i]![0] + cfg[i]![1] + n + Math.max(0, n - 1) * cfg[i]![2] < 0)) continue;
        const { inputs, avals } = operands(r, [[shape, dtype], [[], dtype]]);
        sameBits("pad", inputs, avals, { padding_config: cfg });
      }
    });

    it(`reshape and squeeze on ${dtype} copy the elements in order`, () => {
      const r = rng(dtype.length * 41);
      const { inputs, avals } = operands(r, [[[3, 1, 4], dtype]]);
      sameBits("reshape", inputs, avals, { new_sizes: [2, 6] });
      sameBits("squeeze", inputs, avals, { dimensions: [1] });
    });
  }

  it("dot_general on int32 wraps like js: matrix products, batches, transposed and multi-axis contractions", () => {
    const r = rng(43);
    type DN = readonly [readonly [readonly number[], readonly number[]], readonly [readonly number[], readonly number[]]];
    const cases: [number[], number[], DN][] = [
      [[5, 7], [7, 9], [[[1], [0]], [[], []]]],
      [[7, 5], [7, 9], [[[0], [0]], [[], []]]],
      [[5, 7], [9, 7], [[[1], [1]], [[], []]]],
      [[3, 4, 6], [3, 6, 5], [[[2], [1]], [[0], [0]]]],
      [[2, 3, 4, 5], [4, 3, 7], [[[1, 2], [1, 0]], [[], []]]],
      [[6], [6], [[[0], [0]], [[], []]]],
      [[4, 0], [0, 3], [[[1], [0]], [[], []]]],
      [[0, 5], [5, 3], [[[1], [0]], [[], []]]],
      [[33, 17], [17, 13], [[[1], [0]], [[], []]]],
      [[2, 3], [4], [[[], []], [[], []]]],
    ];
    for (const [ls, rs, dn] of cases) {
      const { inputs, avals } = operands(r, [[ls, "int32"], [rs, "int32"]]);
      sameBits("dot_general", inputs, avals, { dimension_numbers: dn });
    }
  });
});

describe("public functions built on these kernels give the same bits on both backends", () => {
  const bitsOf = (a: TypedArray): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v));
  const same = (prim: string, f: () => NDArray): void => {
    const [ref, got] = onBoth(prim, f);
    expect(bitsOf(got)).toEqual(bitsOf(ref));
  };

  it("random.bits, random.uniform and random.normal draw identical numbers on wasm (threefry2x32)", () => {
    const k = random.key(42);
    same("threefry2x32", () => random.bits(k, [3000]));
    same("threefry2x32", () => random.uniform(k, [257, 3]));
    same("threefry2x32", () => random.normal(random.split(k)[1]!, [1001]));
  });

  it("np.sort and np.argsort along each axis, with NaN, ±0 and ties", () => {
    const r = rng(47);
    const x = array(Array.from(randomData(r, "float32", 40 * 70)).map((v, i) => (i % 3 === 0 ? Math.round(v / 50) : v)), { dtype: "float32" }).reshape([40, 70]);
    for (const axis of [0, 1]) {
      same("sort", () => np.sort(x, { axis }));
      same("sort", () => np.argsort(x, { axis }));
    }
  });

  it("np.take in fill, clip and wrap modes and at().add with dropped and clipped updates", () => {
    const r = rng(53);
    const x = array(Array.from(randomData(r, "float64", 300 * 5)), { dtype: "float64" }).reshape([300, 5]);
    const idx = array(Array.from({ length: 400 }, (_, i) => ((i * 37) % 700) - 200), { dtype: "int32" });
    for (const mode of ["fill", "clip", "wrap"] as const) same("gather", () => np.take(x, idx, { axis: 0, mode }));
    for (const mode of ["drop", "clip"] as const) same("scatter_add", () => np.at(x, idx).add(1.5, { mode }));
  });

  it("np.cumsum over each axis of int32 and float32 arrays", () => {
    const r = rng(59);
    for (const dtype of ["int32", "float32"] as const) {
      const x = array(Array.from(randomData(r, dtype, 64 * 33)), { dtype }).reshape([64, 33]);
      for (const axis of [0, 1]) same("cumsum", () => np.cumsum(x, { axis }));
    }
  });
});

describe("problems too big for the wasm arena (1 GiB per call) run on js", () => {
  it("sort, gather, scatter_add, cumsum, iota, threefry and reductions decline 2^28-element operands", () => {
    const big = new ShapedArray([2 ** 28], "float32");
    const bigI = new ShapedArray([2 ** 28], "int32");
    const idx = new ShapedArray([2 ** 28], "int32");
    expect(wasmBackend.supports("sort", [big], { dimension: 0, num_keys: 1 })).toBe(false);
    expect(wasmBackend.supports("gather", [big, idx], { axis: 0 })).toBe(false);
    expect(wasmBackend.supports("scatter_add", [big, idx, big], { axis: 0 })).toBe(false);
    expect(wasmBackend.supports("cumsum", [big], { axis: 0, reverse: false })).toBe(false);
    expect(wasmBackend.supports("iota", [], { dtype: "float64", shape: [2 ** 28], dimension: 0 })).toBe(false);
    expect(wasmBackend.supports("threefry2x32", [bigI, bigI, bigI, bigI], {})).toBe(false);
    expect(wasmBackend.supports("reduce_prod", [big], { axes: [0] })).toBe(false);
    // The same kernels take a 2^20-element problem.
    const mid = new ShapedArray([2 ** 20], "float32");
    expect(wasmBackend.supports("sort", [mid], { dimension: 0, num_keys: 1 })).toBe(true);
    expect(wasmBackend.supports("reduce_prod", [mid], { axes: [0] })).toBe(true);
  });
});
