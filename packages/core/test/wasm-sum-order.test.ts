// A float reduce_sum on wasm adds in the order kernel-module.ts documents (at `addSum`), bit
// for bit: per row of the reduced elements (the reduced axes moved last, in increasing order),
// four f64 partial sums s_k = Σ_i x[4i+k] over the first 4⌊n/4⌋ elements, combined as
// (s0+s1)+(s2+s3), then the n mod 4 remaining elements one by one; an f32 result is that f64
// sum rounded once. Checked here against a model of that order, on the trailing-axes kernels
// and on the any-axes path (the operand moved first), for f32 and f64.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { array, type DType, np } from "../src/index.js";
import { onBoth, runEverySizeOnWasm } from "./helpers/wasm.js";

/** The documented order over one row, in f64. */
function documentedSum(row: readonly number[]): number {
  const whole = row.length - (row.length % 4);
  const s = [0, 0, 0, 0];
  for (let i = 0; i < whole; i += 4) for (let k = 0; k < 4; k++) s[k]! += row[i + k]!;
  let total = s[0]! + s[1]! + (s[2]! + s[3]!);
  for (let i = whole; i < row.length; i++) total += row[i]!;
  return total;
}

/** Values over many magnitudes and both signs, so that the order of the additions shows. */
const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), fc.integer({ min: -3, max: 3 }).map((k) => k * 2 ** 30));

describe("reduce_sum on wasm adds in its documented order", () => {
  runEverySizeOnWasm();
  const space = fc.record({
    dtype: fc.constantFrom<DType>("float32", "float64"),
    rows: fc.integer({ min: 1, max: 5 }),
    n: fc.integer({ min: 1, max: 70 }),
    seed: fc.array(value, { minLength: 350, maxLength: 350 }),
  });

  test.prop([space], { numRuns: 150 })("over the last axis, over the first axis (moved last first), and over all axes", ({ dtype, rows, n, seed }) => {
    const round = dtype === "float32" ? Math.fround : (v: number) => v;
    const flat = seed.slice(0, rows * n).map(round);
    const x = () => array(flat, { dtype }).reshape([rows, n]);
    const rowOf = (r: number) => flat.slice(r * n, r * n + n);
    const colOf = (c: number) => Array.from({ length: rows }, (_, r) => flat[r * n + c]!);
    const cases: [string, () => ReturnType<typeof np.sum>, number[]][] = [
      ["last axis", () => np.sum(x(), { axis: 1 }), Array.from({ length: rows }, (_, r) => round(documentedSum(rowOf(r))))],
      ["first axis", () => np.sum(x(), { axis: 0 }), Array.from({ length: n }, (_, c) => round(documentedSum(colOf(c))))],
      ["all axes", () => np.sum(x()), [round(documentedSum(flat))]],
    ];
    for (const [name, f, want] of cases) {
      const [, wasm] = onBoth("reduce_sum", f);
      expect(Array.from(wasm, Number), name).toEqual(want);
    }
  });
});
