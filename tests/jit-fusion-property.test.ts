// Property: any program of elementwise operations, numpy broadcasts (scalars and rows),
// reductions (sums full, over rows, over columns; maxima and row minima; np.all, and np.any over rows) and layout ops (slices, transposes) gives the same values under jit on the wasm backend (fused kernels, fused sums,
// rows read in place, the arena plan) as evaluated eagerly on the js reference backend.
// The programs are random DAGs, so the fusion planner meets shared operands, values read by
// several clusters, sums read back by later operations, and outputs taken from the middle.
import { array, config, type NDArray } from "@jaxts/core";
import { test } from "@fast-check/vitest";
import { jit } from "@jaxts/transforms";
import { afterEach, describe, expect } from "vitest";
import { BASIC_BINARY, BASIC_UNARY, CONTINUOUS_BINARY, type Op, type ProgramSpace, programArb, programInputs, runProgram } from "./random-programs.js";

afterEach(() => config.set({ backend: "js" }));

const space: ProgramSpace = { kinds: ["unary", "binary", "sum", "sum0", "sum1", "max", "min1", "logic", "pick", "layout"], unary: BASIC_UNARY, binary: BASIC_BINARY, cols: [4, 6, 8, 12, 16, 20] };
const programs = programArb(space);

function expectSameRun(ops: readonly Op[], outs: readonly number[], x: NDArray, row: NDArray, m: NDArray): void {
  config.set({ backend: "js" });
  const want = runProgram(space, ops, outs, x, row, m);
  config.set({ backend: "wasm" });
  const got = jit((a: NDArray, b: NDArray) => runProgram(space, ops, outs, a, b, m))(x, row);
  expect(got.map((g) => g.shape)).toEqual(want.map((w) => w.shape));
  got.forEach((g, i) => {
    const [gv, wv] = [g.toTypedArray(), want[i]!.toTypedArray()];
    for (let j = 0; j < gv.length; j++) {
      const [a, b] = [Number(gv[j]), Number(wv[j])];
      if (Number.isNaN(b)) expect(a).toBeNaN();
      else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b)));
    }
  });
}

describe("jit on the wasm backend equals eager js on random elementwise programs", () => {
  // Scalars and four-element rows: the groups small enough to run as js loops over the arena
  // (outputs over dying operands included), mixed with wasm kernels reading them splatted.
  test.prop([programs], { numRuns: 150 })("programs over scalars and short rows give the reference values", ([p, ops]) => {
    const rand = (k: number, n: number) => Array.from({ length: n }, (_, i) => Math.cos((i + 1) * 0.917 + p.seed * 0.011 + k) * 2);
    const [, , m] = programInputs(p);
    expectSameRun(ops, p.outs, array(rand(1, 1)[0]!, { dtype: "float32" }), array(rand(2, 4), { dtype: "float32" }), m);
  });

  test.prop([programs], { numRuns: 300 })("fused programs give the reference values", ([p, ops]) => {
    const [x, row, m] = programInputs(p);
    expectSameRun(ops, p.outs, x, row, m);
  });
});

// Big programs: products and layout ops over 512×512 matrices, where kernels split across
// threads and run as a product's epilogue on each chunk of rows it finishes (a kernel reading
// the product's result transposed once ran there, before the rows it read were written).
// (no select on a comparison: after a product of 512 terms, whose rounding differs between the
// blocked wasm matmul and the js one, a near tie may compare either way, and the select then
// jumps from x to y/2: seed 1475855780 found such a flip, 3e-3 apart, on elements near 0.007)
const bigSpace: ProgramSpace = { kinds: ["matmul", "layout", "unary", "binary"], unary: BASIC_UNARY, binary: CONTINUOUS_BINARY, cols: [512], rows: [512] };
const bigPrograms = programArb(bigSpace);

describe("jit on the wasm backend equals eager js on random programs over big matrices", () => {
  test.prop([bigPrograms], { numRuns: 24 })("products, layout ops and elementwise ops on 512×512 matrices give the reference values", ([p, ops]) => {
    const [x, row, m] = programInputs(p);
    config.set({ backend: "js" });
    const want = runProgram(bigSpace, ops, p.outs, x, row, m.mul(0.05));
    config.set({ backend: "wasm", threads: 2 });
    const got = jit((a: NDArray, b: NDArray, c: NDArray) => runProgram(bigSpace, ops, p.outs, a, b, c))(x, row, m.mul(0.05));
    got.forEach((g, i) => {
      const [gv, wv] = [g.toTypedArray(), want[i]!.toTypedArray()];
      expect(g.shape).toEqual(want[i]!.shape);
      let worst = 0;
      for (let j = 0; j < gv.length; j++) {
        const [a, b] = [Number(gv[j]), Number(wv[j])];
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
      }
      expect(worst).toBeLessThanOrEqual(1e-4);
    });
  }, 120_000);
});
