// The wasm backend's non-elementwise kernels (reductions of every dtype, cumsum, gather,
// scatter_add, sort, iota, threefry, int32 dot_general, layout ops) equal the js backend bit
// for bit over random shapes, rank 0 and empty arrays included. Size thresholds are lowered
// to 0 so every size runs on wasm; the operands go to both backends' `run` directly.
import type { DType } from "@jaxts/core";
import { describe, it } from "vitest";
import { operands, randomShape, rng, sameBits } from "./helpers/prim-check.js";
import { runEverySizeOnWasm } from "./helpers/wasm.js";

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
