// Property: any program of elementwise operations, numpy broadcasts (scalars and rows) and
// reductions gives the same values under jit on the wasm backend (fused kernels, fused sums,
// rows read in place, the arena plan) as evaluated eagerly on the js reference backend.
// The programs are random DAGs, so the fusion planner meets shared operands, values read by
// several clusters, sums read back by later operations, and outputs taken from the middle.
import { config, type NDArray } from "@jaxts/core";
import { test } from "@fast-check/vitest";
import { jit } from "@jaxts/transforms";
import { afterEach, describe, expect } from "vitest";
import { BASIC_BINARY, BASIC_UNARY, type ProgramSpace, programArb, programInputs, runProgram } from "./random-programs.js";

afterEach(() => config.set({ backend: "js" }));

const space: ProgramSpace = { kinds: ["unary", "binary", "sum", "sum0", "pick"], unary: BASIC_UNARY, binary: BASIC_BINARY, cols: [4, 6, 8, 12] };
const programs = programArb(space);

describe("jit on the wasm backend equals eager js on random elementwise programs", () => {
  test.prop([programs], { numRuns: 300 })("fused programs give the reference values", ([p, ops]) => {
    const [x, row, m] = programInputs(p);
    config.set({ backend: "js" });
    const want = runProgram(space, ops, p.outs, x, row, m);
    config.set({ backend: "wasm" });
    const got = jit((a: NDArray, b: NDArray) => runProgram(space, ops, p.outs, a, b, m))(x, row);
    expect(got.map((g) => g.shape)).toEqual(want.map((w) => w.shape));
    got.forEach((g, i) => {
      const [gv, wv] = [g.toTypedArray(), want[i]!.toTypedArray()];
      for (let j = 0; j < gv.length; j++) {
        const [a, b] = [Number(gv[j]), Number(wv[j])];
        if (Number.isNaN(b)) expect(a).toBeNaN();
        else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(b)));
      }
    });
  });
});
