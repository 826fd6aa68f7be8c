// Indexing: static slices with strides, take, takeAlongAxis and the functional updates
// np.at(x, i).set / .add / .get, against index-by-index references.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, array, DTypeError, np, ShapeError } from "@jaxts/core";
import {
  axisArb,
  dataArb,
  expectExact,
  fromFn,
  get,
  getBroadcast,
  type Ref,
  refArb,
  runs,
  shapeArb,
  smallInt,
  toND,
} from "./helpers/reference.js";

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const intRef = (opts = {}) => refArb(opts, smallInt);
const idxND = (r: Ref) => toND(r, "int32");

describe("slice", () => {
  const sliceArb = intRef().chain((x) =>
    fc.tuple(
      fc.constant(x),
      fc.tuple(
        ...x.shape.map((d) =>
          fc.tuple(fc.integer({ min: -d - 2, max: d + 2 }), fc.integer({ min: -d - 2, max: d + 2 }), fc.integer({ min: 1, max: 3 })),
        ),
      ),
      fc.boolean(),
    ),
  );

  it("takes starts..limits by strides per axis; negative bounds count from the end and clamp", () => {
    fc.assert(
      fc.property(sliceArb, ([x, spec, withStrides]) => {
        const clamp = (v: number, d: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
        const starts = spec.map(([s]) => s);
        const limits = spec.map(([, l]) => l);
        const strides = spec.map(([, , st]) => (withStrides ? st : 1));
        const s = starts.map((v, i) => clamp(v, x.shape[i]!));
        const l = limits.map((v, i) => Math.max(clamp(v, x.shape[i]!), s[i]!));
        const shape = s.map((lo, i) => Math.ceil((l[i]! - lo) / strides[i]!));
        const expected = fromFn(shape, (idx) => get(x, idx.map((c, i) => s[i]! + c * strides[i]!)));
        const got = withStrides ? np.slice(toND(x), starts, limits, { strides }) : np.slice(toND(x), starts, limits);
        expectExact(got, expected);
      }),
      runs,
    );
  });

  it("needs one start and one limit per axis", () => {
    expect(() => np.slice(np.zeros([2, 3]), [0], [1])).toThrow(/slice.*\[2, 3\]/);
  });
});

describe("take", () => {
  const takeArb = shapeArb({ minRank: 1, maxRank: 3, minDim: 1 })
    .chain((s) => dataArb(s, smallInt))
    .chain((x) =>
      fc.option(axisArb(x.shape.length), { nil: undefined }).chain((axis) => {
        const n = axis === undefined ? x.data.length : x.shape[norm(axis, x.shape.length)]!;
        return fc.tuple(fc.constant(x), fc.constant(axis), refArb({ maxRank: 2, maxDim: 3 }, fc.integer({ min: -n, max: n - 1 })));
      }),
    );

  it("gathers along an axis (the flattened array without one); negative indices wrap", () => {
    fc.assert(
      fc.property(takeArb, ([x, axis, ind]) => {
        const wrap = (i: number, n: number) => (i < 0 ? i + n : i);
        if (axis === undefined) {
          const got = np.take(toND(x), idxND(ind));
          expectExact(got, { shape: ind.shape, data: ind.data.map((i) => x.data[wrap(i, x.data.length)]!) });
          return;
        }
        const ax = norm(axis, x.shape.length);
        const shape = [...x.shape.slice(0, ax), ...ind.shape, ...x.shape.slice(ax + 1)];
        const expected = fromFn(shape, (idx) => {
          const k = get(ind, idx.slice(ax, ax + ind.shape.length));
          return get(x, [...idx.slice(0, ax), wrap(k, x.shape[ax]!), ...idx.slice(ax + ind.shape.length)]);
        });
        expectExact(np.take(toND(x), idxND(ind), { axis }), expected);
      }),
      runs,
    );
  });

  it("accepts a JS number or list of indices, and rejects float indices with a DTypeError", () => {
    const x = array([10, 20, 30], { dtype: "int32" });
    expect(np.take(x, 1).item()).toBe(20);
    expect(np.take(x, [2, -1, 0]).toArray()).toEqual([30, 30, 10]);
    expect(() => np.take(x, array([0.5]))).toThrow(DTypeError);
  });

  it("np.take with a NaN, fractional or infinite JS index is an ArgumentError (not x[0])", () => {
    const x = array([10, 20, 30]);
    expect(() => np.take(x, Number.NaN)).toThrow(ArgumentError);
    expect(() => np.take(x, [0, 1.5])).toThrow(/take: indices must be integers, got number 1.5/);
    expect(() => np.take(x, Number.POSITIVE_INFINITY)).toThrow(ArgumentError);
  });

  it("np.take fills out-of-range indices by default: NaN for floats, INT32_MIN for int32, true for bool", () => {
    expect(np.take(array([10, 20, 30]), [0, 3, -1, -4]).toArray()).toEqual([10, Number.NaN, 30, Number.NaN]);
    expect(np.take(array([10, 20, 30], { dtype: "int32" }), [3]).toArray()).toEqual([-2147483648]);
    expect(np.take(array([false, false]), [2]).toArray()).toEqual([true]);
    expect(np.take(array([10, 20, 30]), [7], { fillValue: -1 }).toArray()).toEqual([-1]);
    // a JS index beyond int32 is out of range too, not wrapped into range
    expect(np.take(array([10, 20, 30]), [2 ** 32]).toArray()).toEqual([Number.NaN]);
  });

  it("np.take accepts a nested JS list of indices and checks every entry", () => {
    const x = array([10, 20, 30]);
    expect(np.take(x, [[0, 1], [2, 5]]).toArray()).toEqual([[10, 20], [30, Number.NaN]]);
    expect(() => np.take(x, [[0, 1], [2, 0.5]])).toThrow(ArgumentError);
  });

  it("np.take fills whole rows along an axis", () => {
    const x = array([[1, 2], [3, 4]]);
    expect(np.take(x, [1, 2], { axis: 0 }).toArray()).toEqual([[3, 4], [Number.NaN, Number.NaN]]);
    expect(np.take(x, [5, 0], { axis: 1 }).toArray()).toEqual([[Number.NaN, 1], [Number.NaN, 3]]);
  });

  it("np.take's clip mode clamps (negatives to 0, as JAX) and wrap mode takes indices modulo n", () => {
    const x = array([10, 20, 30]);
    expect(np.take(x, [5, -5, -1], { mode: "clip" }).toArray()).toEqual([30, 10, 10]);
    expect(np.take(x, [4, -4, 6, -1], { mode: "wrap" }).toArray()).toEqual([20, 30, 10, 30]);
  });

  it("np.take checks its options and refuses to take from an empty axis", () => {
    expect(() => np.take(array([1]), [0], { mode: "raise" as "fill" })).toThrow(ArgumentError);
    expect(() => np.take(array([1]), [0], { axes: 0 } as unknown as { axis: number })).toThrow(/did you mean `axis`/);
    expect(() => np.take(array([1]), [0], { fillValue: "x" as unknown as number })).toThrow(ArgumentError);
    expect(() => np.take(np.zeros([0]), [0])).toThrow(ShapeError);
    expect(np.take(np.zeros([0]), []).shape).toEqual([0]);
  });
});

describe("takeAlongAxis", () => {
  // x and the indices broadcast against each other outside `axis` (either may have 1s there).
  const arb = shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((full) =>
    axisArb(full.length).chain((axis) => {
      const ax = norm(axis, full.length);
      return fc
        .tuple(
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }),
          fc.integer({ min: 1, max: 3 }),
          fc.integer({ min: 0, max: 3 }),
        )
        .chain(([xOnes, iOnes, n, m]) => {
          const xs = full.map((d, i) => (i === ax ? n : xOnes[i] ? 1 : d));
          const is = full.map((d, i) => (i === ax ? m : iOnes[i] && !xOnes[i] ? 1 : d));
          return fc.tuple(dataArb(xs, smallInt), dataArb(is, fc.integer({ min: -n, max: n - 1 })), fc.constant(axis));
        });
    }),
  );

  it("picks x[..., indices[..., i, ...], ...] along the axis, broadcasting the other axes", () => {
    fc.assert(
      fc.property(arb, ([x, ind, axis]) => {
        const ax = norm(axis, x.shape.length);
        const shape = x.shape.map((d, i) => (i === ax ? ind.shape[i]! : d === 1 ? ind.shape[i]! : d));
        const expected = fromFn(shape, (idx) => {
          const k = getBroadcast(ind, idx);
          const kk = k < 0 ? k + x.shape[ax]! : k;
          return getBroadcast(
            x,
            idx.map((c, i) => (i === ax ? kk : c)),
          );
        });
        expectExact(np.takeAlongAxis(toND(x), idxND(ind), axis), expected);
      }),
      runs,
    );
  });

  it("takeAlongAxis fills out-of-range indices (never reads a neighbouring row); clip mode clamps", () => {
    const x = array([[1, 2], [3, 4]]);
    const idx = array([[0, 2], [-1, -3]], { dtype: "int32" });
    expect(np.takeAlongAxis(x, idx, 1).toArray()).toEqual([[1, Number.NaN], [4, Number.NaN]]);
    expect(np.takeAlongAxis(x, idx, 1, { mode: "clip" }).toArray()).toEqual([[1, 2], [4, 3]]);
    expect(np.takeAlongAxis(x, idx, 1, { fillValue: 0 }).toArray()).toEqual([[1, 0], [4, 0]]);
    expect(() => np.takeAlongAxis(x, [0.5, 1], 1)).toThrow(ArgumentError);
  });

  it("undoes argsort: takeAlongAxis(x, argsort(x)) is sort(x)", () => {
    const x = array([[3, 1, 2], [0, -1, 5]], { dtype: "float64" });
    expect(np.takeAlongAxis(x, np.argsort(x, { axis: 1 }), 1).toArray()).toEqual(np.sort(x, { axis: 1 }).toArray());
  });
});

describe("np.at(x, i) functional updates", () => {
  const atArb = shapeArb({ minRank: 1, maxRank: 3, minDim: 1, maxDim: 4 })
    .chain((s) => dataArb(s, smallInt))
    .chain((x) => {
      const n = x.shape[0]!;
      const rest = x.shape.slice(1);
      return fc.oneof(
        // a single (maybe negative) index
        fc.tuple(fc.constant(x), fc.integer({ min: -n, max: n - 1 }).map((i): number | number[] => i), fc.boolean()),
        // a list of distinct indices
        fc.tuple(fc.constant(x), fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: n }).map((l): number | number[] => l), fc.boolean()),
      ).chain(([xx, index, scalarUpdate]) => {
        const updShape = [...(typeof index === "number" ? [] : [index.length]), ...rest];
        return fc.tuple(fc.constant(xx), fc.constant(index), scalarUpdate ? smallInt.map((v): Ref | number => v) : dataArb(updShape, smallInt));
      });
    });

  function updateRef(x: Ref, index: number | number[], v: Ref | number, op: (old: number, u: number) => number): Ref {
    const n = x.shape[0]!;
    const list = typeof index === "number" ? [index] : index;
    const data = [...x.data];
    const row = x.data.length / Math.max(n, 1);
    list.forEach((i, j) => {
      const r = i < 0 ? i + n : i;
      for (let t = 0; t < row; t++) {
        const u = typeof v === "number" ? v : v.data[(typeof index === "number" ? 0 : j) * row + t]!;
        data[r * row + t] = op(data[r * row + t]!, u);
      }
    });
    return { shape: x.shape, data };
  }
  const upd = (v: Ref | number) => (typeof v === "number" ? v : toND(v));

  it(".set(v) writes rows (v a number or an array of the indexed shape) and leaves x unchanged", () => {
    fc.assert(
      fc.property(atArb, ([x, index, v]) => {
        const xa = toND(x);
        expectExact(np.at(xa, index).set(upd(v)), updateRef(x, index, v, (_, u) => u));
        expectExact(xa, x);
      }),
      runs,
    );
  });

  it(".add(v) adds into rows, accumulating repeated indices", () => {
    fc.assert(
      fc.property(atArb, ([x, index, v]) => {
        expectExact(np.at(toND(x), index).add(upd(v)), updateRef(x, index, v, (old, u) => old + u));
      }),
      runs,
    );
    const got = np.at(array([0, 0, 0], { dtype: "int32" }), [1, 1, 2]).add(1);
    expect(got.toArray()).toEqual([0, 2, 1]);
  });

  it(".get() reads the indexed rows", () => {
    const x = array([[1, 2], [3, 4], [5, 6]], { dtype: "int32" });
    expect(np.at(x, -1).get().toArray()).toEqual([5, 6]);
    expect(np.at(x, [2, 0]).get().toArray()).toEqual([[5, 6], [1, 2]]);
  });

  it(".set with a repeated index writes a value that was given (not their sum), for every dtype", () => {
    expect(np.at(array([0, 0, 0], { dtype: "int32" }), [1, 1]).set(5).toArray()).toEqual([0, 5, 0]);
    expect(np.at(array([0, 0, 0], { dtype: "float64" }), [2, 2]).set(array([4, 4], { dtype: "float64" })).toArray()).toEqual([0, 0, 4]);
    const b = np.at(array([false, false, true]), [0, 0]).set(array(true));
    expect(b.toArray()).toEqual([true, false, true]);
    expect(Array.from(b.toTypedArray())).toEqual([1, 0, 1]);
    expect(np.sum(b).item()).toBe(2);
  });

  it("np.at with a NaN or fractional index is an ArgumentError (not index 1)", () => {
    const x = array([1, 2, 3]);
    expect(() => np.at(x, 1.5).set(9)).toThrow(ArgumentError);
    expect(() => np.at(x, Number.NaN).get()).toThrow(/at: indices must be integers/);
    expect(() => np.at(x, [0, 0.5]).add(1)).toThrow(ArgumentError);
  });

  it("np.at(x, i).set with a repeated index writes the last of its values, not their mean", () => {
    const x = array([0, 0, 0]);
    expect(np.at(x, [1, 1, 0]).set(array([5, 6, 7])).toArray()).toEqual([7, 6, 0]);
    expect(np.at(x, [2, 0, 2, 2]).set(array([1, 2, 3, 4])).toArray()).toEqual([2, 0, 4]);
    // -1 and 2 name the same row: the later one wins
    expect(np.at(x, [-1, 2]).set(array([5, 6])).toArray()).toEqual([0, 0, 6]);
    expect(np.at(array([[0, 0], [0, 0]], { dtype: "int32" }), [0, 0]).set(array([[1, 2], [3, 4]], { dtype: "int32" })).toArray()).toEqual([
      [3, 4],
      [0, 0],
    ]);
  });

  it("np.at(x, i).set keeps the sign of a written -0 and writes infinities and NaN exactly", () => {
    const r = np.at(array([1, 2, 3]), [0, 1, 2]).set(array([-0, Number.POSITIVE_INFINITY, Number.NaN])).toArray() as number[];
    expect(Object.is(r[0], -0)).toBe(true);
    expect(r.slice(1)).toEqual([Number.POSITIVE_INFINITY, Number.NaN]);
  });

  it("np.at out of range: get fills (NaN) by default, set and add drop the update; clip mode clamps both", () => {
    const x = array([1, 2, 3]);
    expect(np.at(x, [3, -4, 0]).get().toArray()).toEqual([Number.NaN, Number.NaN, 1]);
    expect(np.at(x, [3]).get({ mode: "clip" }).toArray()).toEqual([3]);
    expect(np.at(x, [3]).get({ fillValue: 0 }).toArray()).toEqual([0]);
    expect(np.at(array([1, 2, 3], { dtype: "int32" }), 5).get().item()).toBe(-2147483648);
    expect(np.at(x, [3, -4]).set(9).toArray()).toEqual([1, 2, 3]);
    expect(np.at(x, [3, -4]).add(9).toArray()).toEqual([1, 2, 3]);
    expect(np.at(x, [3]).set(9, { mode: "clip" }).toArray()).toEqual([1, 2, 9]);
    expect(np.at(x, [-7]).add(9, { mode: "clip" }).toArray()).toEqual([10, 2, 3]);
    expect(() => np.at(x, 0).set(1, { mode: "wrap" as "drop" })).toThrow(ArgumentError);
    expect(() => np.at(x, 0).get({ mod: "clip" } as unknown as { mode: "clip" })).toThrow(/did you mean `mode`/);
  });

  it("on bool arrays, .add is logical or and the result stays a bool array", () => {
    const b = np.at(array([false, false, true]), [0, 0, 2]).add(array(true));
    expect(b.dtype).toBe("bool");
    expect(Array.from(b.toTypedArray())).toEqual([1, 0, 1]);
  });

  it("updates take the array's dtype", () => {
    const x = array([1, 2, 3], { dtype: "int32" });
    const r = np.at(x, 0).set(7);
    expect(r.dtype).toBe("int32");
    expect(r.toArray()).toEqual([7, 2, 3]);
    expect(np.at(array([1, 2], { dtype: "float32" }), 1).add(0.5).toArray()).toEqual([1, 2.5]);
  });
});
