// Shape functions (reshape with -1, transpose, swapaxes, expandDims, squeeze, broadcastTo,
// concatenate, stack, split, flip, tile) against index-by-index reference definitions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AxisError, array, np, ShapeError } from "@jaxts/core";
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
  sizeOf,
  smallInt,
  toND,
} from "./helpers/reference.js";

const intRef = (opts = {}) => refArb(opts, smallInt);
const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

describe("reshape", () => {
  const reshapeArb = intRef().chain((x) =>
    fc
      .tuple(fc.shuffledSubarray([...x.shape], { minLength: x.shape.length, maxLength: x.shape.length }), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 2 }), fc.boolean())
      .map(([dims, onesAt, useMinusOne]) => {
        const target = [...dims];
        for (const p of onesAt) target.splice(Math.min(p, target.length), 0, 1);
        const known = (i: number) => sizeOf(target.filter((_, j) => j !== i));
        if (useMinusOne && target.length > 0 && known(0) !== 0) target[0] = -1;
        return [x, target] as const;
      }),
  );

  it("keeps the row-major data and infers one -1", () => {
    fc.assert(
      fc.property(reshapeArb, ([x, target]) => {
        const got = np.reshape(toND(x), target);
        const shape = target.map((d) => (d === -1 ? sizeOf(x.shape) / sizeOf(target.filter((t) => t !== -1)) : d));
        expectExact(got, { shape, data: x.data });
        expectExact(toND(x).reshape(target), { shape, data: x.data });
      }),
      runs,
    );
  });

  it("rejects sizes that do not match, and two -1s, with a ShapeError naming both shapes", () => {
    expect(() => np.reshape(np.zeros([2, 3]), [4, 2])).toThrow(ShapeError);
    expect(() => np.reshape(np.zeros([2, 3]), [4, 2])).toThrow(/reshape.*\[2, 3\].*\[4, 2\]/);
    expect(() => np.reshape(np.zeros([2, 3]), [-1, -1])).toThrow(ShapeError);
    expect(() => np.reshape(np.zeros([2, 3]), [4, -1])).toThrow(/\[4, -1\]/);
  });
});

describe("transpose, swapaxes, expandDims, squeeze", () => {
  function transposeRef(x: Ref, perm: readonly number[]): Ref {
    return fromFn(
      perm.map((p) => x.shape[p]!),
      (idx) => {
        const inIdx = new Array<number>(perm.length);
        perm.forEach((p, i) => {
          inIdx[p] = idx[i]!;
        });
        return get(x, inIdx);
      },
    );
  }

  it("transpose permutes axes (reversed by default; negative axes allowed); .T reverses", () => {
    const arb = intRef().chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.option(
          fc.shuffledSubarray(
            x.shape.map((_, i) => i),
            { minLength: x.shape.length, maxLength: x.shape.length },
          ),
          { nil: undefined },
        ),
        fc.boolean(),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, perm, negative]) => {
        const r = x.shape.length;
        const rev = x.shape.map((_, i) => r - 1 - i);
        const axes = perm?.map((p) => (negative ? p - r : p));
        expectExact(np.transpose(toND(x), axes), transposeRef(x, perm ?? rev));
        expectExact(toND(x).T, transposeRef(x, rev));
      }),
      runs,
    );
  });

  it("swapaxes exchanges two axes", () => {
    const arb = intRef({ minRank: 1 }).chain((x) => fc.tuple(fc.constant(x), axisArb(x.shape.length), axisArb(x.shape.length)));
    fc.assert(
      fc.property(arb, ([x, a, b]) => {
        const r = x.shape.length;
        const [i, j] = [norm(a, r), norm(b, r)];
        const perm = x.shape.map((_, k) => (k === i ? j : k === j ? i : k));
        expectExact(np.swapaxes(toND(x), a, b), transposeRef(x, perm));
      }),
      runs,
    );
  });

  it("expandDims inserts a size-1 axis at any position of the result", () => {
    const arb = intRef({ maxRank: 3 }).chain((x) => fc.tuple(fc.constant(x), axisArb(x.shape.length + 1)));
    fc.assert(
      fc.property(arb, ([x, axis]) => {
        const shape = [...x.shape];
        shape.splice(norm(axis, x.shape.length + 1), 0, 1);
        expectExact(np.expandDims(toND(x), axis), { shape, data: x.data });
      }),
      runs,
    );
  });

  it("squeeze drops every size-1 axis, or only the named ones", () => {
    const arb = shapeArb({ maxDim: 2 })
      .chain((s) => dataArb(s, smallInt))
      .chain((x) => fc.tuple(fc.constant(x), fc.subarray(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])))));
    fc.assert(
      fc.property(arb, ([x, named]) => {
        expectExact(np.squeeze(toND(x)), { shape: x.shape.filter((d) => d !== 1), data: x.data });
        expectExact(np.squeeze(toND(x), { axis: named }), { shape: x.shape.filter((_, i) => !named.includes(i)), data: x.data });
      }),
      runs,
    );
  });

  it("squeeze of an axis whose size is not 1 is a ShapeError; a bad axis is an AxisError", () => {
    expect(() => np.squeeze(np.zeros([2, 1]), { axis: 0 })).toThrow(ShapeError);
    expect(() => np.squeeze(np.zeros([2, 1]), { axis: 2 })).toThrow(AxisError);
    expect(() => np.transpose(np.zeros([2, 1]), [0, 2])).toThrow(/axis 2.*rank 2/);
  });
});

describe("broadcastTo", () => {
  it("repeats size-1 and missing leading axes", () => {
    const arb = shapeArb().chain((full) =>
      fc
        .tuple(fc.integer({ min: 0, max: full.length }), fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }))
        .chain(([drop, ones]) => fc.tuple(dataArb(full.map((d, i) => (ones[i] ? 1 : d)).slice(drop), smallInt), fc.constant(full))),
    );
    fc.assert(
      fc.property(arb, ([x, full]) => {
        expectExact(np.broadcastTo(toND(x), full), fromFn(full, (idx) => getBroadcast(x, idx)));
      }),
      runs,
    );
  });

  it("refuses to shrink or to change a non-1 axis", () => {
    expect(() => np.broadcastTo(np.zeros([2, 3]), [3])).toThrow(ShapeError);
    expect(() => np.broadcastTo(np.zeros([2]), [2, 3])).toThrow(/broadcastTo.*\[2\].*\[2, 3\]/);
  });
});

describe("concatenate, stack, split", () => {
  const concatArb = fc
    .tuple(shapeArb({ minRank: 1, maxRank: 3 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }))
    .chain(([shape, lens]) =>
      axisArb(shape.length).chain((axis) => {
        const ax = norm(axis, shape.length);
        return fc.tuple(fc.tuple(...lens.map((n) => dataArb(shape.map((d, i) => (i === ax ? n : d)), smallInt))), fc.constant(axis));
      }),
    );

  function concatRef(xs: readonly Ref[], ax: number): Ref {
    const shape = xs[0]!.shape.map((d, i) => (i === ax ? xs.reduce((n, x) => n + x.shape[ax]!, 0) : d));
    return fromFn(shape, (idx) => {
      let k = idx[ax]!;
      for (const x of xs) {
        if (k < x.shape[ax]!) return get(x, idx.map((c, i) => (i === ax ? k : c)));
        k -= x.shape[ax]!;
      }
      throw new Error("unreachable");
    });
  }

  it("concatenate joins along an axis (size-0 pieces included)", () => {
    fc.assert(
      fc.property(concatArb, ([xs, axis]) => {
        const got = np.concatenate(
          xs.map((x) => toND(x)),
          { axis },
        );
        expectExact(got, concatRef(xs, norm(axis, xs[0]!.shape.length)));
      }),
      runs,
    );
  });

  it("concatenate promotes dtypes and rejects rank 0 and mismatched shapes", () => {
    expect(np.concatenate([array([1], { dtype: "int32" }), array([0.5], { dtype: "float64" })]).dtype).toBe("float64");
    expect(() => np.concatenate([array(1), array(2)])).toThrow(ShapeError);
    expect(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 4])])).toThrow(/concatenate.*\[2, 3\].*\[2, 4\]/);
  });

  it("stack inserts a new axis and concatenates along it", () => {
    const arb = fc
      .tuple(shapeArb({ maxRank: 3 }), fc.integer({ min: 1, max: 3 }))
      .chain(([shape, n]) => fc.tuple(fc.array(dataArb(shape, smallInt), { minLength: n, maxLength: n }), axisArb(shape.length + 1)));
    fc.assert(
      fc.property(arb, ([xs, axis]) => {
        const ax = norm(axis, xs[0]!.shape.length + 1);
        const expanded = xs.map((x) => {
          const shape = [...x.shape];
          shape.splice(ax, 0, 1);
          return { shape, data: x.data };
        });
        expectExact(
          np.stack(
            xs.map((x) => toND(x)),
            { axis },
          ),
          concatRef(expanded, ax),
        );
      }),
      runs,
    );
  });

  it("stack rejects arrays of different shapes", () => {
    expect(() => np.stack([np.zeros([2]), np.zeros([3])])).toThrow(/stack.*\[2\].*\[3\]/);
  });

  it("split into equal sections or at indices gives the pieces between the cuts", () => {
    const arb = intRef({ minRank: 1, maxRank: 3 }).chain((x) =>
      axisArb(x.shape.length).chain((axis) => {
        const n = x.shape[norm(axis, x.shape.length)]!;
        const sections = [1, 2, 3, 4].filter((k) => n % k === 0);
        return fc.tuple(
          fc.constant(x),
          fc.constant(axis),
          fc.oneof(fc.constantFrom(...sections), fc.array(fc.integer({ min: -n - 1, max: n + 1 }), { maxLength: 3 })),
        );
      }),
    );
    fc.assert(
      fc.property(arb, ([x, axis, spec]) => {
        const ax = norm(axis, x.shape.length);
        const n = x.shape[ax]!;
        const cuts =
          typeof spec === "number"
            ? Array.from({ length: spec - 1 }, (_, i) => ((i + 1) * n) / spec)
            : spec.map((c) => Math.min(Math.max(c < 0 ? c + n : c, 0), n));
        const bounds = [0, ...cuts, n];
        const pieces = np.split(toND(x), spec, { axis });
        expect(pieces.length).toBe(bounds.length - 1);
        pieces.forEach((p, i) => {
          const lo = bounds[i]!;
          const hi = Math.max(lo, bounds[i + 1]!);
          const shape = x.shape.map((d, k) => (k === ax ? hi - lo : d));
          expectExact(p, fromFn(shape, (idx) => get(x, idx.map((c, k) => (k === ax ? c + lo : c)))));
        });
      }),
      runs,
    );
  });

  it("split into sections that do not divide the axis is a ShapeError", () => {
    expect(() => np.split(np.zeros([5]), 2)).toThrow(ShapeError);
  });
});

describe("flip and tile", () => {
  it("flip reverses the named axes (all of them by default)", () => {
    const arb = intRef().chain((x) =>
      fc.tuple(fc.constant(x), x.shape.length === 0 ? fc.constant(undefined) : fc.option(fc.oneof(axisArb(x.shape.length), fc.subarray(x.shape.map((_, i) => i))), { nil: undefined })),
    );
    fc.assert(
      fc.property(arb, ([x, axis]) => {
        const r = x.shape.length;
        const axes = axis === undefined ? x.shape.map((_, i) => i) : typeof axis === "number" ? [norm(axis, r)] : axis;
        const got = np.flip(toND(x), axis === undefined ? {} : { axis });
        expectExact(got, fromFn(x.shape, (idx) => get(x, idx.map((c, i) => (axes.includes(i) ? x.shape[i]! - 1 - c : c)))));
      }),
      runs,
    );
  });

  it("tile repeats the array, padding reps or shape with leading 1s", () => {
    const arb = fc.tuple(intRef({ maxRank: 3, maxDim: 3 }), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 3 }));
    fc.assert(
      fc.property(arb, ([x, reps]) => {
        const rank = Math.max(x.shape.length, reps.length);
        const shape = [...new Array<number>(rank - x.shape.length).fill(1), ...x.shape];
        const r = [...new Array<number>(rank - reps.length).fill(1), ...reps];
        const padded = { shape, data: x.data };
        const expected = fromFn(
          shape.map((d, i) => d * r[i]!),
          (idx) => get(padded, idx.map((c, i) => c % shape[i]!)),
        );
        expectExact(np.tile(toND(x), reps), expected);
      }),
      runs,
    );
  });

  it("tile of a number of repetitions tiles the last axis", () => {
    expect(np.tile(array([1, 2], { dtype: "int32" }), 2).toArray()).toEqual([1, 2, 1, 2]);
  });
});
