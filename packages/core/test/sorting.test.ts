// sort and argsort along an axis (last by default, flattened with axis null), stable, NaNs
// last, against a per-lane reference sort.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, lax, np } from "@jaxts/core";
import { axisArb, expectExact, fromFn, get, type Ref, refArb, runs, smallInt, toND } from "./helpers/reference.js";

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** Stable order of positions 0..n-1 by value, NaNs last. */
function order(values: readonly number[]): number[] {
  const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
  return values
    .map((_, i) => i)
    .sort((i, j) => {
      const a = values[i]!;
      const b = values[j]!;
      if (Number.isNaN(a) !== Number.isNaN(b)) return Number.isNaN(a) ? 1 : -1;
      return key(a) - key(b) || i - j;
    });
}

/** For each output position, the source position along `ax` (argsort) in its lane. */
function argsortRef(x: Ref, ax: number): Ref {
  return fromFn(x.shape, (idx) => {
    const lane = Array.from({ length: x.shape[ax]! }, (_, k) => get(x, idx.map((c, i) => (i === ax ? k : c))));
    return order(lane)[idx[ax]!]!;
  });
}

const withNaN = fc.oneof({ weight: 5, arbitrary: smallInt }, { weight: 1, arbitrary: fc.constant(Number.NaN) });
const sortArb = refArb({ minRank: 1 }, withNaN).chain((x) => fc.tuple(fc.constant(x), fc.option(axisArb(x.shape.length), { nil: undefined })));

describe("sort and argsort", () => {
  it("sort orders every lane along the axis (default last), NaNs last", () => {
    fc.assert(
      fc.property(sortArb, ([x, axis]) => {
        const ax = norm(axis ?? -1, x.shape.length);
        const perm = argsortRef(x, ax);
        const expected = fromFn(x.shape, (idx) => get(x, idx.map((c, i) => (i === ax ? get(perm, idx) : c))));
        expectExact(np.sort(toND(x), axis === undefined ? {} : { axis }), expected);
      }),
      runs,
    );
  });

  it("argsort is stable and int32", () => {
    fc.assert(
      fc.property(sortArb, ([x, axis]) => {
        const got = np.argsort(toND(x), axis === undefined ? {} : { axis });
        expect(got.dtype).toBe("int32");
        expectExact(got, argsortRef(x, norm(axis ?? -1, x.shape.length)));
      }),
      runs,
    );
  });

  it("axis null sorts the flattened array", () => {
    fc.assert(
      fc.property(refArb({}, withNaN), (x) => {
        const flat: Ref = { shape: [x.data.length], data: x.data };
        const perm = order(x.data);
        expectExact(np.sort(toND(x), { axis: null }), { shape: flat.shape, data: perm.map((i) => x.data[i]!) });
        expectExact(np.argsort(toND(x), { axis: null }), { shape: flat.shape, data: perm });
      }),
      runs,
    );
  });

  it("sorts int32 and keeps the dtype", () => {
    const got = np.sort(array([3, -1, 2], { dtype: "int32" }));
    expect(got.dtype).toBe("int32");
    expect(got.toArray()).toEqual([-1, 2, 3]);
  });

  it("lax.sort carries extra operands along with the keys", () => {
    const [k, v] = lax.sort([array([3, 1, 2], { dtype: "float64" }), array([30, 10, 20], { dtype: "int32" })]);
    expect(k!.toArray()).toEqual([1, 2, 3]);
    expect(v!.toArray()).toEqual([10, 20, 30]);
  });
});
