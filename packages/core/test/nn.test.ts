// jax.nn activations and normalisers against their formulas in float64, including the
// large-|x| inputs where a naive formula overflows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, type NDArray, nn, np } from "@jaxts/core";
import { axisArb, dataArb, expectClose, fromFn, get, refArb, runs, shapeArb, toND, unravel } from "./helpers/reference.js";

const f64 = (xs: number[]) => array(xs, { dtype: "float64" });
const vals = (x: NDArray) => Array.from(x.toTypedArray(), Number);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe("elementwise activations", () => {
  const cases: readonly [string, (x: NDArray) => NDArray, (x: number) => number][] = [
    ["relu", nn.relu, (x) => Math.max(x, 0)],
    ["sigmoid", nn.sigmoid, sigmoid],
    ["softplus", nn.softplus, (x) => Math.log1p(Math.exp(x))],
    ["silu", nn.silu, (x) => x * sigmoid(x)],
    ["logSigmoid", nn.logSigmoid, (x) => Math.log(sigmoid(x))],
    ["tanh", nn.tanh, Math.tanh],
    ["gelu (tanh approximation by default)", (x) => nn.gelu(x), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
  ];
  for (const [name, fn, ref] of cases) {
    it(`${name} matches its formula`, () => {
      fc.assert(
        fc.property(refArb({ maxRank: 2 }), (r) => {
          expectClose(fn(toND(r)), { shape: r.shape, data: r.data.map(ref) }, 1e-12);
        }),
        runs,
      );
    });
  }

  it("stay finite and exact for large |x|", () => {
    expect(vals(nn.softplus(f64([1000, -1000])))).toEqual([1000, 0]);
    expect(vals(nn.logSigmoid(f64([-1000]))).map(Math.round)).toEqual([-1000]);
    expect(vals(nn.sigmoid(f64([-1000, 1000])))).toEqual([0, 1]);
  });

  it("relu gives +0 for negative inputs and keeps NaN", () => {
    const r = vals(nn.relu(f64([-1, 0, Number.NaN, 2])));
    expect(Object.is(r[0], 0)).toBe(true);
    expect(r.slice(1)).toEqual([0, Number.NaN, 2]);
  });

  it("gelu with { approximate: false } is the exact x·Φ(x)", () => {
    const exact = vals(nn.gelu(f64([-1, 1, 2]), { approximate: false }));
    [-0.15865525393145707, 0.8413447460685429, 1.9544997361036416].forEach((v, i) => expect(exact[i]).toBeCloseTo(v, 12));
    expect(vals(nn.gelu(f64([1])))[0]).toBeCloseTo(0.8411919906082768, 12);
  });

  it("activations of ints give the default float", () => {
    expect(nn.sigmoid(np.arange(3)).dtype).toBe("float32");
    expect(nn.relu(np.arange(3)).dtype).toBe("int32");
  });
});

describe("softmax, logSoftmax, logsumexp, oneHot", () => {
  it("nn.softmax and logSoftmax with { axis: null } normalise over all axes, as JAX's axis=None", () => {
    const x = array([[1, 2], [3, 4]], { dtype: "float64" });
    const total = [1, 2, 3, 4].reduce((s, v) => s + Math.exp(v), 0);
    const sm = vals(nn.softmax(x, { axis: null }));
    sm.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i + 1) / total, 14));
    vals(nn.logSoftmax(x, { axis: null })).forEach((v, i) => expect(v).toBeCloseTo(i + 1 - Math.log(total), 13));
    expect(vals(nn.softmax(x, { axis: [0, 1] }))).toEqual(sm);
    // the default is still the last axis
    expect(vals(nn.softmax(x)).slice(0, 2).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(() => nn.softmax(x, { axes: 0 } as unknown as { axis: number })).toThrow(/did you mean `axis`/);
  });

  it("gelu, oneHot and standardize reject unknown options with a nearest-key hint", () => {
    expect(() => nn.gelu(1, { aproximate: false } as unknown as { approximate: boolean })).toThrow(/did you mean `approximate`/);
    expect(() => nn.oneHot(1, 3, { dtyp: "int32" } as unknown as { dtype: "int32" })).toThrow(/did you mean `dtype`/);
    expect(() => nn.standardize(f64([1, 2]), { eps: 1 } as unknown as { epsilon: number })).toThrow(/unknown option/);
  });

  const axisCase = shapeArb({ minRank: 1, maxRank: 3, minDim: 1 })
    .chain((s) => dataArb(s))
    .chain((r) => fc.tuple(fc.constant(r), axisArb(r.shape.length)));

  function softmaxRef(r: { shape: readonly number[]; data: readonly number[] }, axis: number, log: boolean) {
    const ax = axis < 0 ? axis + r.shape.length : axis;
    return fromFn(r.shape, (idx) => {
      const lane = Array.from({ length: r.shape[ax]! }, (_, k) => get(r, idx.map((c, i) => (i === ax ? k : c))));
      const m = Math.max(...lane);
      const lse = m + Math.log(lane.reduce((s, v) => s + Math.exp(v - m), 0));
      const v = get(r, idx);
      return log ? v - lse : Math.exp(v - lse);
    });
  }

  it("softmax and logSoftmax along any axis match the formulas", () => {
    fc.assert(
      fc.property(axisCase, ([r, axis]) => {
        expectClose(nn.softmax(toND(r), { axis }), softmaxRef(r, axis, false), 1e-12);
        expectClose(nn.logSoftmax(toND(r), { axis }), softmaxRef(r, axis, true), 1e-12);
      }),
      runs,
    );
  });

  it("softmax sums to 1 along the last axis by default and is stable for large inputs", () => {
    fc.assert(
      fc.property(refArb({ minRank: 1, maxRank: 3, minDim: 1 }), (r) => {
        const s = np.sum(nn.softmax(toND(r)), { axis: -1 });
        for (const v of vals(s)) expect(v).toBeCloseTo(1, 12);
      }),
      runs,
    );
    expect(vals(nn.softmax(f64([1000, 1000])))).toEqual([0.5, 0.5]);
    expect(vals(nn.logSoftmax(f64([1000, 0])))).toEqual([0, -1000]);
    expect(nn.softmax(np.zeros([0])).shape).toEqual([0]);
  });

  it("nn.logsumexp is np.logsumexp", () => {
    expect(nn.logsumexp).toBe(np.logsumexp);
  });

  it("oneHot puts a 1 at each label along a new last axis (out-of-range labels give zeros)", () => {
    const labels = array([0, 2, 1, 3], { dtype: "int32" });
    const h = nn.oneHot(labels, 3);
    expect([h.shape, h.dtype]).toEqual([[4, 3], "float32"]);
    expect(h.toArray()).toEqual([[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0]]);
    fc.assert(
      fc.property(refArb({ maxRank: 2 }, fc.integer({ min: 0, max: 3 })), (r) => {
        const got = nn.oneHot(toND(r, "int32"), 4, { dtype: "int32" });
        expect(got.shape).toEqual([...r.shape, 4]);
        const data = vals(got);
        data.forEach((v, i) => {
          const idx = unravel(i, got.shape);
          expect(v).toBe(get(r, idx.slice(0, -1)) === idx[idx.length - 1] ? 1 : 0);
        });
      }),
      runs,
    );
  });
});
