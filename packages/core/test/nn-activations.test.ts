// The activations jax.nn has beyond the basic ones (celu, selu, softSign, hardTanh, mish,
// glu, log1mexp, elu/leakyRelu with options) and standardize's options, against float64 JS
// formulas and high-precision values, including the large-|x| inputs where a naive formula
// overflows or cancels.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, array, type NDArray, nn, np, ShapeError } from "@jaxts/core";
import { axisArb, dataArb, expectClose, fromFn, get, refArb, runs, shapeArb, toND } from "./helpers/reference.js";
import { thrown } from "./helpers/thrown.js";

const f64 = (xs: number[]) => array(xs, { dtype: "float64" });
const vals = (x: NDArray) => Array.from(x.toTypedArray(), Number);
const softplusRef = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

describe("elementwise activations match their formulas in float64", () => {
  const cases: readonly [string, (x: NDArray) => NDArray, (x: number) => number][] = [
    ["celu", (x) => nn.celu(x), (x) => (x > 0 ? x : Math.expm1(x))],
    ["celu with alpha 0.5", (x) => nn.celu(x, { alpha: 0.5 }), (x) => (x > 0 ? x : 0.5 * Math.expm1(x / 0.5))],
    ["selu", nn.selu, (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x))],
    ["softSign", nn.softSign, (x) => x / (Math.abs(x) + 1)],
    ["hardTanh", nn.hardTanh, (x) => Math.min(1, Math.max(-1, x))],
    ["mish", nn.mish, (x) => x * Math.tanh(softplusRef(x))],
    ["elu with alpha 2", (x) => nn.elu(x, { alpha: 2 }), (x) => (x > 0 ? x : 2 * Math.expm1(x))],
    ["leakyRelu (slope 0.01 by default)", (x) => nn.leakyRelu(x), (x) => (x >= 0 ? x : 0.01 * x)],
    ["leakyRelu with slope 0.2", (x) => nn.leakyRelu(x, { negativeSlope: 0.2 }), (x) => (x >= 0 ? x : 0.2 * x)],
  ];
  for (const [name, fn, ref] of cases) {
    it(`${name} matches its formula`, () => {
      fc.assert(
        fc.property(refArb({ maxRank: 2 }), (r) => {
          expectClose(fn(toND(r)), { shape: r.shape, data: r.data.map(ref) }, 1e-13);
        }),
        runs,
      );
    });
  }

  it("stay finite for large |x| (no overflow in an unused branch)", () => {
    expect(vals(nn.mish(f64([1000, -1000])))).toEqual([1000, -0]);
    expect(vals(nn.selu(f64([-1000, 1000])))).toEqual([-SELU_SCALE * SELU_ALPHA, SELU_SCALE * 1000]);
    expect(vals(nn.celu(f64([-1000, 1000])))).toEqual([-1, 1000]);
    expect(vals(nn.elu(f64([1e308, -1e308])))).toEqual([1e308, -1]);
    expect(vals(nn.softSign(f64([1e300, -1e300])))).toEqual([1, -1]);
  });

  it("alpha and negativeSlope may be arrays broadcasting against x", () => {
    const x = f64([-1, -1, 2]);
    expect(vals(nn.elu(x, { alpha: f64([1, 2, 3]) }))).toEqual([Math.expm1(-1), 2 * Math.expm1(-1), 2]);
    expect(vals(nn.leakyRelu(x, { negativeSlope: f64([0.1, 0.5, 0.5]) }))).toEqual([-0.1, -0.5, 2]);
  });

  it("hardTanh keeps integer dtypes (as JAX); the others give the default float", () => {
    const ints = array([-3, 0, 3], { dtype: "int32" });
    expect([nn.hardTanh(ints).dtype, vals(nn.hardTanh(ints))]).toEqual(["int32", [-1, 0, 1]]);
    for (const f of [nn.celu, nn.selu, nn.softSign, nn.mish, nn.log1mexp, nn.elu, nn.leakyRelu]) expect(f(ints).dtype).toBe("float32");
  });

  it("bad options are ArgumentErrors naming the option", () => {
    expect(thrown(() => nn.elu(1, { alpa: 2 } as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => nn.elu(1, { alpa: 2 } as never)).message).toMatch(/did you mean `alpha`/);
    expect(thrown(() => nn.leakyRelu(1, { negativeSlope: "0.1" } as never)).message).toMatch(/negativeSlope.*number or an NDArray.*string/);
    expect(thrown(() => nn.celu(1, 2 as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("log1mexp", () => {
  // log(1 - exp(-x)) to 20 digits (mpmath at 40 digits).
  const exact: readonly [number, number][] = [
    [1e-10, -23.025850929990458],
    [1e-3, -6.908255237315471],
    [0.5, -0.9327521295671886],
    [0.69, -0.6963042971440566],
    [0.6932, -0.6930943639096365],
    [0.7, -0.6863410028083851],
    [3, -0.05106918094270159],
    [20, -2.061153624562735e-09],
    [40, -4.248354255291589e-18],
  ];
  it("is accurate to a few ulps on both sides of ln 2, where the naive formula cancels", () => {
    const got = vals(nn.log1mexp(f64(exact.map(([x]) => x))));
    exact.forEach(([x, want], i) => expect(Math.abs(got[i]! - want), `x = ${x}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(want)));
  });

  it("matches its series at the ends and the direct formula in between", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1e-4, noNaN: true }), fc.double({ min: 0.05, max: 5, noNaN: true }), fc.double({ min: 40, max: 700, noNaN: true }), (tiny, mid, big) => {
        const [a, b, c] = vals(nn.log1mexp(f64([tiny, mid, big])));
        expect(a).toBeCloseTo(Math.log(tiny) - tiny / 2 + (tiny * tiny) / 24, 12);
        expect(Math.abs(b! - Math.log(1 - Math.exp(-mid)))).toBeLessThan(1e-13);
        expect(c! / -Math.exp(-big)).toBeCloseTo(1, 14);
      }),
      runs,
    );
  });

  it("is -inf at 0, 0 at +inf and NaN below 0, as JAX", () => {
    expect(vals(nn.log1mexp(f64([0, Number.POSITIVE_INFINITY, -1])))).toEqual([Number.NEGATIVE_INFINITY, -0, Number.NaN]);
  });
});

describe("glu", () => {
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  it("is a·sigmoid(b) of the two halves along the axis", () => {
    const arb = shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 3 })
      .chain((s) => axisArb(s.length).map((axis) => ({ s, axis })))
      .chain(({ s, axis }) => {
        const ax = axis < 0 ? axis + s.length : axis;
        const shape = s.map((d, i) => (i === ax ? 2 * d : d));
        return dataArb(shape).map((r) => ({ r, axis, ax }));
      });
    fc.assert(
      fc.property(arb, ({ r, axis, ax }) => {
        const half = r.shape[ax]! / 2;
        const outShape = r.shape.map((d, i) => (i === ax ? half : d));
        const want = fromFn(outShape, (idx) => get(r, idx) * sigmoid(get(r, idx.map((c, i) => (i === ax ? c + half : c)))));
        expectClose(nn.glu(toND(r), { axis }), want, 1e-13);
      }),
      runs,
    );
  });

  it("an odd axis size is a ShapeError", () => {
    expect(thrown(() => nn.glu(np.zeros([2, 3])))).toBeInstanceOf(ShapeError);
    expect(thrown(() => nn.glu(np.zeros([2, 3]))).message).toMatch(/must be even, got 3/);
  });
});

describe("standardize", () => {
  function ref(r: { shape: readonly number[]; data: readonly number[] }, stable: boolean, eps = 1e-5) {
    const last = r.shape[r.shape.length - 1]!;
    return fromFn(r.shape, (idx) => {
      const lane = Array.from({ length: last }, (_, k) => get(r, [...idx.slice(0, -1), k]));
      const mean = lane.reduce((a, b) => a + b, 0) / last;
      const variance = stable
        ? lane.reduce((a, b) => a + (b - mean) ** 2, 0) / last
        : Math.max(lane.reduce((a, b) => a + b * b, 0) / last - mean * mean, 0);
      return (get(r, idx) - mean) / Math.sqrt(variance + eps);
    });
  }

  it("uses JAX's one-pass variance by default and the two-pass one with algorithm 'stable'", () => {
    fc.assert(
      fc.property(refArb({ minRank: 1, maxRank: 3, minDim: 1 }), (r) => {
        expectClose(nn.standardize(toND(r)), ref(r, false), 1e-9);
        expectClose(nn.standardize(toND(r), { algorithm: "stable", epsilon: 1e-3 }), ref(r, true, 1e-3), 1e-11);
      }),
      runs,
    );
  });

  it("the stable algorithm survives a mean far larger than the spread in float32", () => {
    const x = array([1e4 + 1, 1e4 - 1, 1e4 + 1, 1e4 - 1], { dtype: "float32" });
    vals(nn.standardize(x, { algorithm: "stable", epsilon: 0 })).forEach((v, i) => expect(v).toBeCloseTo(i % 2 === 0 ? 1 : -1, 5));
  });

  it("takes a given mean and variance instead of computing them", () => {
    const x = f64([1, 2, 3]);
    expect(vals(nn.standardize(x, { mean: 1, variance: 4, epsilon: 0 }))).toEqual([0, 0.5, 1]);
    expect(vals(nn.standardize(x, { mean: f64([0, 1, 2]), variance: 1, epsilon: 0 }))).toEqual([1, 1, 1]);
  });

  it("rejects an unknown algorithm", () => {
    expect(thrown(() => nn.standardize(f64([1, 2]), { algorithm: "exact" } as never)).message).toMatch(/algorithm.*"fast", "stable"/);
  });
});
