// Property: any program of elementwise operations, numpy broadcasts (scalars and rows) and
// reductions (full, over rows, over columns) gives the same values under jit on the wasm backend (fused kernels, fused sums,
// rows read in place, the arena plan) as evaluated eagerly on the js reference backend.
// The programs are random DAGs, so the fusion planner meets shared operands, values read by
// several clusters, sums read back by later operations, and outputs taken from the middle.
import { array, config, lax, type NDArray, np } from "@jaxts/core";
import { fc, test } from "@fast-check/vitest";
import { jit } from "@jaxts/transforms";
import { afterEach, describe, expect } from "vitest";

afterEach(() => config.set({ backend: "js" }));

type Op =
  | { readonly k: "unary"; readonly fn: number; readonly a: number }
  | { readonly k: "binary"; readonly fn: number; readonly a: number; readonly b: number }
  | { readonly k: "sum"; readonly a: number }
  | { readonly k: "sum0"; readonly a: number }
  | { readonly k: "sum1"; readonly a: number }
  | { readonly k: "pick"; readonly a: number; readonly at: number };

const UNARY: readonly ((x: NDArray) => NDArray)[] = [
  (x) => np.tanh(x),
  (x) => np.exp(x.mul(0.1)),
  (x) => np.negative(x),
  (x) => np.sqrt(np.abs(x)),
  (x) => x.mul(x),
];
const BINARY: readonly ((x: NDArray, y: NDArray) => NDArray)[] = [
  (x, y) => x.add(y),
  (x, y) => x.mul(y),
  (x, y) => x.sub(y),
  (x, y) => np.maximum(x, y),
  (x, y) => np.where(np.greater(x, y), x, y.mul(0.5)),
];

const opArb = (i: number): fc.Arbitrary<Op> => {
  const prev = fc.nat({ max: i - 1 });
  return fc.oneof(
    fc.record({ k: fc.constant("unary" as const), fn: fc.nat({ max: UNARY.length - 1 }), a: prev }),
    fc.record({ k: fc.constant("binary" as const), fn: fc.nat({ max: BINARY.length - 1 }), a: prev, b: prev }),
    fc.record({ k: fc.constant("sum" as const), a: prev }),
    fc.record({ k: fc.constant("sum0" as const), a: prev }),
    fc.record({ k: fc.constant("sum1" as const), a: prev }),
    // one element as a scalar: a [1] slice reshaped to rank 0 (a re-view of a kernel's result)
    fc.record({ k: fc.constant("pick" as const), a: prev, at: fc.nat() }),
  );
};

const programArb = fc
  .record({ rows: fc.constantFrom(1, 3, 5), cols: fc.constantFrom(4, 6, 8, 12), n: fc.integer({ min: 2, max: 10 }), seed: fc.nat(), outs: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) })
  .chain((p) => fc.tuple(fc.constant(p), fc.tuple(...Array.from({ length: p.n }, (_, i) => opArb(i + 2)))));

/** Runs the ops over the values [x (rows×cols), row (cols)]; returns the chosen outputs. */
function run(ops: readonly Op[], outs: readonly number[], x: NDArray, row: NDArray): NDArray[] {
  const vals: NDArray[] = [x, row];
  for (const op of ops) {
    const a = vals[op.a]!;
    switch (op.k) {
      case "unary":
        vals.push(UNARY[op.fn]!(a));
        break;
      case "binary":
        // numpy broadcasting: scalars, rows against matrices
        vals.push(BINARY[op.fn]!(a, vals[op.b]!));
        break;
      case "sum":
        vals.push(np.sum(a).mul(0.01));
        break;
      case "sum0":
        vals.push(a.ndim === 2 ? np.sum(a, { axis: 0 }).mul(0.1) : a.mul(0.5));
        break;
      case "sum1":
        // a row sum, broadcast back against the matrix (fused when a row is whole SIMD steps)
        vals.push(a.ndim === 2 ? np.sum(a, { axis: 1, keepdims: true }).mul(0.1) : a.mul(0.25));
        break;
      case "pick": {
        const flat = np.ravel(a);
        const i = op.at % flat.size;
        vals.push(lax.slice(flat, [i], [i + 1]).reshape([]));
        break;
      }
    }
  }
  return [...new Set(outs.map((o) => o % vals.length))].map((o) => vals[o]!);
}

function expectSameRun(ops: readonly Op[], outs: readonly number[], x: NDArray, row: NDArray): void {
    config.set({ backend: "js" });
    const want = run(ops, outs, x, row);
    config.set({ backend: "wasm" });
    const got = jit((a: NDArray, b: NDArray) => run(ops, outs, a, b))(x, row);
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
  test.prop([programArb], { numRuns: 150 })("programs over scalars and short rows give the reference values", ([p, ops]) => {
    const rand = (k: number, n: number) => Array.from({ length: n }, (_, i) => Math.cos((i + 1) * 0.917 + p.seed * 0.011 + k) * 2);
    expectSameRun(ops, p.outs, array(rand(1, 1)[0]!, { dtype: "float32" }), array(rand(2, 4), { dtype: "float32" }));
  });

  test.prop([programArb], { numRuns: 300 })("fused programs give the reference values", ([p, ops]) => {
    const rand = (k: number, n: number) => Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 0.731 + p.seed * 0.013 + k) * 2);
    const x = array(rand(1, p.rows * p.cols), { dtype: "float32" }).reshape([p.rows, p.cols]);
    const row = array(rand(2, p.cols), { dtype: "float32" });
    config.set({ backend: "js" });
    const want = run(ops, p.outs, x, row);
    config.set({ backend: "wasm" });
    const got = jit((a: NDArray, b: NDArray) => run(ops, p.outs, a, b))(x, row);
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
