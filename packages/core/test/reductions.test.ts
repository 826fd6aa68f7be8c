// Reductions with numpy's `axis` (undefined | number | number[]) and `keepdims`, against a
// nested-loop reference in float64, over random shapes including rank 0 and size-0 axes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AxisError, array, type NDArray, np, ShapeError } from "@jaxts/core";
import {
  axesSubsetArb,
  axisArb,
  expectClose,
  expectExact,
  type Ref,
  ravelIndex,
  refArb,
  runs,
  shapeArb,
  dataArb,
  sizeOf,
  toND,
  unravel,
} from "./helpers/reference.js";

type AxisOpt = number | number[] | undefined;

/** An `axis` option for a rank: all axes, one axis (maybe negative), or a list (maybe empty). */
const axisOptArb = (rank: number): fc.Arbitrary<AxisOpt> =>
  rank === 0
    ? fc.constantFrom<AxisOpt>(undefined, [])
    : fc.oneof(
        fc.constant<AxisOpt>(undefined),
        axisArb(rank),
        axesSubsetArb(rank).chain((axes) => fc.tuple(...axes.map((a) => fc.constantFrom(a, a - rank))).map((l): AxisOpt => l)),
      );

const caseArb = (value?: fc.Arbitrary<number>) =>
  refArb({}, value).chain((x) => fc.tuple(fc.constant(x), axisOptArb(x.shape.length), fc.boolean()));

function normAxes(axis: AxisOpt, rank: number): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === "number" ? [axis] : axis;
  return list.map((a) => (a < 0 ? a + rank : a));
}

/** Fold every element into its output position; `finish` maps (accumulator, count). */
function reduceRef(
  x: Ref,
  axes: readonly number[],
  keepdims: boolean,
  init: number,
  combine: (acc: number, v: number) => number,
  finish: (acc: number, count: number, outPos: number) => number = (a) => a,
): Ref {
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const acc = new Array<number>(sizeOf(kept)).fill(init);
  for (let i = 0; i < x.data.length; i++) {
    const idx = unravel(i, x.shape).map((v, d) => (axes.includes(d) ? 0 : v));
    const o = ravelIndex(idx, kept);
    acc[o] = combine(acc[o]!, x.data[i]!);
  }
  const count = axes.reduce((n, a) => n * x.shape[a]!, 1);
  return {
    shape: keepdims ? kept : x.shape.filter((_, i) => !axes.includes(i)),
    data: acc.map((a, o) => finish(a, count, o)),
  };
}

type Reducer = (x: NDArray, opts: { axis?: number | number[]; keepdims?: boolean }) => NDArray;
const opts = (axis: AxisOpt, keepdims: boolean) => (axis === undefined ? { keepdims } : { axis, keepdims });

describe("sum, prod, mean, max, min, all, any", () => {
  const simple: readonly [string, Reducer, number, (a: number, v: number) => number][] = [
    ["sum", np.sum, 0, (a, v) => a + v],
    ["prod", np.prod, 1, (a, v) => a * v],
  ];
  for (const [name, fn, init, combine] of simple) {
    it(`${name} matches the reference for every axis option and keepdims`, () => {
      fc.assert(
        fc.property(caseArb(), ([x, axis, keepdims]) => {
          const got = fn(toND(x), opts(axis, keepdims));
          expect(got.dtype).toBe("float64");
          expectClose(got, reduceRef(x, normAxes(axis, x.shape.length), keepdims, init, combine));
        }),
        runs,
      );
    });
  }

  it("mean is the sum over the count (NaN for an empty reduction)", () => {
    fc.assert(
      fc.property(caseArb(), ([x, axis, keepdims]) => {
        const axes = normAxes(axis, x.shape.length);
        const got = np.mean(toND(x), opts(axis, keepdims));
        expectClose(got, reduceRef(x, axes, keepdims, 0, (a, v) => a + v, (a, n) => a / n));
      }),
      runs,
    );
  });

  for (const [name, fn, init, pick] of [
    ["max", np.max, Number.NEGATIVE_INFINITY, Math.max],
    ["min", np.min, Number.POSITIVE_INFINITY, Math.min],
  ] as const) {
    it(`${name} matches the reference, and refuses an empty reduction with a ShapeError`, () => {
      fc.assert(
        fc.property(caseArb(), ([x, axis, keepdims]) => {
          const axes = normAxes(axis, x.shape.length);
          const call = () => fn(toND(x), opts(axis, keepdims));
          if (axes.some((a) => x.shape[a] === 0)) {
            expect(call).toThrow(ShapeError);
            return;
          }
          expectClose(call(), reduceRef(x, axes, keepdims, init, pick));
        }),
        runs,
      );
    });
  }

  it("all and any are logical reductions of truthiness with bool results", () => {
    fc.assert(
      fc.property(caseArb(fc.integer({ min: 0, max: 2 })), ([x, axis, keepdims]) => {
        const axes = normAxes(axis, x.shape.length);
        const all = np.all(toND(x), opts(axis, keepdims));
        const any = np.any(toND(x), opts(axis, keepdims));
        expect([all.dtype, any.dtype]).toEqual(["bool", "bool"]);
        expectExact(all, reduceRef(x, axes, keepdims, 1, (a, v) => (a && v !== 0 ? 1 : 0)));
        expectExact(any, reduceRef(x, axes, keepdims, 0, (a, v) => (a || v !== 0 ? 1 : 0)));
      }),
      runs,
    );
  });

  it("sum of bools counts in int32; sum and prod of int32 stay int32", () => {
    expect(np.sum(array([true, true, false])).dtype).toBe("int32");
    expect(np.sum(array([true, true, false])).item()).toBe(2);
    const i = array([[1, 2], [3, 4]], { dtype: "int32" });
    expect(np.sum(i, { axis: 0 }).dtype).toBe("int32");
    expect(np.prod(i).item()).toBe(24);
  });

  it("the fluent forms agree: x.sum(), x.mean({ axis }), x.max({ keepdims })", () => {
    const x = array([[1, 5], [3, 2]], { dtype: "float64" });
    expect(x.sum().item()).toBe(11);
    expect(x.mean({ axis: 1 }).toArray()).toEqual([3, 2.5]);
    expect(x.max({ axis: 0, keepdims: true }).toArray()).toEqual([[3, 5]]);
    expect(x.min().item()).toBe(1);
  });

  it("a bad axis raises an AxisError naming the axis and the rank", () => {
    const x = np.zeros([2, 3]);
    expect(() => np.sum(x, { axis: 2 })).toThrow(AxisError);
    expect(() => np.sum(x, { axis: 2 })).toThrow(/axis 2.*rank 2/);
    expect(() => np.mean(x, { axis: -3 })).toThrow(/axis -3.*rank 2/);
    expect(() => np.sum(x, { axis: [0, 0] })).toThrow(AxisError);
  });
});

describe("var, std, logsumexp", () => {
  it("var and std are the mean squared deviation (with ddof) and its square root", () => {
    fc.assert(
      fc.property(caseArb(), fc.constantFrom(0, 1), ([x, axis, keepdims], ddof) => {
        const axes = normAxes(axis, x.shape.length);
        const mean = reduceRef(x, axes, true, 0, (a, v) => a + v, (a, n) => a / n);
        const kept = mean.shape;
        let pos = 0;
        const centered: Ref = {
          shape: x.shape,
          data: x.data.map((v) => {
            const idx = unravel(pos++, x.shape).map((c, d) => (axes.includes(d) ? 0 : c));
            return (v - mean.data[ravelIndex(idx, kept)]!) ** 2;
          }),
        };
        const expected = reduceRef(centered, axes, keepdims, 0, (a, v) => a + v, (a, n) => a / (n - ddof));
        expectClose(np.var(toND(x), { ...opts(axis, keepdims), ddof }), expected);
        expectClose(np.std(toND(x), { ...opts(axis, keepdims), ddof }), { shape: expected.shape, data: expected.data.map(Math.sqrt) });
      }),
      runs,
    );
  });

  it("logsumexp equals log(sum(exp(x))) and is -inf over an empty axis", () => {
    fc.assert(
      fc.property(caseArb(), ([x, axis, keepdims]) => {
        const axes = normAxes(axis, x.shape.length);
        const m = reduceRef(x, axes, true, Number.NEGATIVE_INFINITY, Math.max);
        const expected = reduceRef(
          { shape: x.shape, data: x.data.map((v, i) => Math.exp(v - shift(m, x, axes, i))) },
          axes,
          keepdims,
          0,
          (a, v) => a + v,
          (a, _n, o) => Math.log(a) + finite(m.data[o]!),
        );
        expectClose(np.logsumexp(toND(x), opts(axis, keepdims)), expected);
      }),
      runs,
    );
  });

  it("logsumexp does not overflow for large inputs", () => {
    const got = np.logsumexp(array([1000, 1000], { dtype: "float64" }));
    expect(got.item()).toBeCloseTo(1000 + Math.LN2, 10);
  });
});

const finite = (v: number): number => (Number.isFinite(v) ? v : 0);
function shift(m: Ref, x: Ref, axes: readonly number[], i: number): number {
  const idx = unravel(i, x.shape).map((c, d) => (axes.includes(d) ? 0 : c));
  return finite(m.data[ravelIndex(idx, m.shape)]!);
}

describe("argmax, argmin", () => {
  const argCaseArb = refArb({}, fc.integer({ min: -3, max: 3 })).chain((x) =>
    fc.tuple(fc.constant(x), x.shape.length === 0 ? fc.constant(undefined) : fc.option(axisArb(x.shape.length), { nil: undefined }), fc.boolean()),
  );

  function argRef(x: Ref, axis: number | undefined, keepdims: boolean, better: (v: number, best: number) => boolean): Ref {
    if (axis === undefined) {
      let bi = 0;
      for (let i = 1; i < x.data.length; i++) if (better(x.data[i]!, x.data[bi]!)) bi = i;
      return { shape: keepdims ? x.shape.map(() => 1) : [], data: [bi] };
    }
    const ax = axis < 0 ? axis + x.shape.length : axis;
    const n = x.shape[ax]!;
    const kept = x.shape.map((d, i) => (i === ax ? 1 : d));
    const data: number[] = [];
    for (let o = 0; o < sizeOf(kept); o++) {
      const idx = unravel(o, kept);
      const at = (k: number) => x.data[ravelIndex(idx.map((c, d) => (d === ax ? k : c)), x.shape)]!;
      let bi = 0;
      for (let k = 1; k < n; k++) if (better(at(k), at(bi))) bi = k;
      data.push(bi);
    }
    return { shape: keepdims ? kept : x.shape.filter((_, i) => i !== ax), data };
  }

  for (const [name, fn, better] of [
    ["argmax", np.argmax, (v: number, b: number) => v > b],
    ["argmin", np.argmin, (v: number, b: number) => v < b],
  ] as const) {
    it(`${name} gives the first extreme index, as int32, with keepdims keeping the rank`, () => {
      fc.assert(
        fc.property(argCaseArb, ([x, axis, keepdims]) => {
          const call = () => fn(toND(x), axis === undefined ? { keepdims } : { axis, keepdims });
          const ax = axis === undefined ? undefined : axis < 0 ? axis + x.shape.length : axis;
          if (ax === undefined ? x.data.length === 0 : x.shape[ax] === 0) {
            expect(call).toThrow(ShapeError);
            return;
          }
          const got = call();
          expect(got.dtype).toBe("int32");
          expectExact(got, argRef(x, axis, keepdims, better));
        }),
        runs,
      );
    });
  }

  it("argmax over a NaN picks the NaN, as numpy does", () => {
    expect(np.argmax(array([1, Number.NaN, 3])).item()).toBe(1);
    expect(np.argmin(array([1, Number.NaN, -3])).item()).toBe(1);
  });
});

describe("cumsum", () => {
  it("is the running sum along an axis, or over the flattened array without one", () => {
    const cumArb = shapeArb()
      .chain((s) => dataArb(s))
      .chain((x) => fc.tuple(fc.constant(x), x.shape.length === 0 ? fc.constant(undefined) : fc.option(axisArb(x.shape.length), { nil: undefined })));
    fc.assert(
      fc.property(cumArb, ([x, axis]) => {
        const got = np.cumsum(toND(x), axis === undefined ? {} : { axis });
        if (axis === undefined) {
          let acc = 0;
          expectClose(got, { shape: [x.data.length], data: x.data.map((v) => (acc += v)) });
          return;
        }
        const ax = axis < 0 ? axis + x.shape.length : axis;
        const data = x.data.map((_, i) => {
          const idx = unravel(i, x.shape);
          let s = 0;
          for (let k = 0; k <= idx[ax]!; k++) s += x.data[ravelIndex(idx.map((c, d) => (d === ax ? k : c)), x.shape)]!;
          return s;
        });
        expectClose(got, { shape: x.shape, data });
      }),
      runs,
    );
  });

  it("np.cumsum(5, { axis: 0 }) is [5]: a rank-0 input is flattened first, as in JAX", () => {
    expect(np.cumsum(5, { axis: 0 }).toArray()).toEqual([5]);
    expect(np.cumsum(array(3, { dtype: "int32" }), { axis: -1 }).toArray()).toEqual([3]);
    expect(np.cumsum(array(2)).toArray()).toEqual([2]);
    expect(() => np.cumsum(5, { axis: 1 })).toThrow(AxisError);
    expect(() => np.cumsum(5, { axes: 0 } as unknown as { axis: number })).toThrow(/did you mean `axis`/);
  });

  it("of bools counts in int32", () => {
    const got = np.cumsum(array([true, false, true]));
    expect(got.dtype).toBe("int32");
    expect(got.toArray()).toEqual([1, 1, 2]);
  });
});
