// The lax primitives used directly: no broadcasting or promotion beyond weak scalars, exact
// XLA semantics (pad with negative and interior padding, dot_general dimension numbers,
// integer wrap-around, reverse cumsum).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, DTypeError, lax, type NDArray, np, ShapeError } from "@jaxts/core";
import { dataArb, expectClose, expectExact, fromFn, get, refArb, runs, shapeArb, sizeOf, smallInt, toND } from "./helpers/reference.js";

const vals = (x: NDArray) => Array.from(x.toTypedArray(), Number);

describe("pad", () => {
  it("adds low/high padding (negative trims) and interior padding per axis", () => {
    const arb = refArb({ maxRank: 3, maxDim: 3 }, smallInt).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.tuple(...x.shape.map(() => fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 })))),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, config]) => {
        const shape = x.shape.map((d, i) => {
          const [lo, hi, interior] = config[i]!;
          return lo + hi + d + Math.max(0, d - 1) * interior;
        });
        if (shape.some((d) => d < 0)) {
          expect(() => lax.pad(toND(x), 9, config)).toThrow(ShapeError);
          return;
        }
        const expected = fromFn(shape, (idx) => {
          const src = idx.map((o, i) => {
            const [lo, , interior] = config[i]!;
            const p = o - lo;
            return p >= 0 && p % (interior + 1) === 0 && p / (interior + 1) < x.shape[i]! ? p / (interior + 1) : -1;
          });
          return src.includes(-1) ? 9 : get(x, src);
        });
        expectExact(lax.pad(toND(x), 9, config), expected);
      }),
      runs,
    );
  });
});

describe("dotGeneral", () => {
  it("contracts and batches the given dimensions: output = batch, lhs free, rhs free", () => {
    // lhs (b, m, k) and rhs (b, k, n) laid out with permuted axes
    const arb = fc
      .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }))
      .chain(([b, m, k, n]) =>
        fc.tuple(
          fc.constant([b, m, k, n] as const),
          fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
          fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }),
        ),
      )
      .chain(([[b, m, k, n], lp, rp]) => {
        const lDims = [b, m, k];
        const rDims = [b, k, n];
        return fc.tuple(fc.constant({ b, m, k, n, lp, rp }), dataArb(lp.map((p) => lDims[p]!)), dataArb(rp.map((p) => rDims[p]!)));
      });
    fc.assert(
      fc.property(arb, ([{ b, m, k, n, lp, rp }, lhs, rhs]) => {
        // position in the operand of logical axis (0 = batch, 1 = free, 2 = contract for lhs; 0 = batch, 1 = contract, 2 = free for rhs)
        const lAt = (logical: number) => lp.indexOf(logical);
        const rAt = (logical: number) => rp.indexOf(logical);
        const got = lax.dotGeneral(toND(lhs), toND(rhs), [
          [[lAt(2)], [rAt(1)]],
          [[lAt(0)], [rAt(0)]],
        ]);
        const expected = fromFn([b, m, n], ([bi, i, j]) => {
          let s = 0;
          for (let t = 0; t < k; t++) {
            const l = [bi!, i!, t];
            const r = [bi!, t, j!];
            s += get(lhs, lp.map((p) => l[p]!)) * get(rhs, rp.map((p) => r[p]!));
          }
          return s;
        });
        expectClose(got, expected);
      }),
      runs,
    );
  });

  it("wraps int32 products and sums like XLA", () => {
    const big = array([2 ** 20, 2 ** 20], { dtype: "int32" });
    const r = lax.dotGeneral(big, big, [[[0], [0]], [[], []]]);
    expect(r.item()).toBe((2 ** 41) | 0);
  });
});

describe("elementwise primitives", () => {
  it("require equal shapes or a rank-0 operand, and equal dtypes", () => {
    expect(lax.add(np.ones([2]), array(3)).toArray()).toEqual([4, 4]);
    expect(() => lax.add(np.ones([2]), np.ones([1]))).toThrow(ShapeError);
    expect(() => lax.mul(np.ones([2], "int32"), np.ones([2]))).toThrow(DTypeError);
  });

  it("take JS numbers as weak scalars of the other operand's dtype", () => {
    const r = lax.add(np.arange(3), 1);
    expect([r.dtype, r.toArray()]).toEqual(["int32", [1, 2, 3]]);
  });

  it("int32 arithmetic wraps around and divides toward zero", () => {
    const i = (xs: number[]) => array(xs, { dtype: "int32" });
    expect(vals(lax.add(i([2 ** 31 - 1]), i([1])))).toEqual([-(2 ** 31)]);
    expect(vals(lax.mul(i([65536]), i([65536])))).toEqual([0]);
    expect(vals(lax.div(i([7, -7]), i([2, 2])))).toEqual([3, -3]);
    expect(vals(lax.rem(i([7, -7]), i([2, 2])))).toEqual([1, -1]);
  });

  it("bitwise and shift operations on int32", () => {
    const i = (xs: number[]) => array(xs, { dtype: "int32" });
    expect(vals(lax.bitwiseAnd(i([12]), i([10])))).toEqual([8]);
    expect(vals(lax.bitwiseOr(i([12]), i([10])))).toEqual([14]);
    expect(vals(lax.bitwiseXor(i([12]), i([10])))).toEqual([6]);
    expect(vals(lax.shiftLeft(i([1]), i([31])))).toEqual([-(2 ** 31)]);
    expect(vals(lax.shiftRightLogical(i([-1]), i([28])))).toEqual([15]);
    expect(vals(lax.shiftRightLogical(i([-1]), i([32])))).toEqual([0]);
  });

  it("select(pred, onTrue, onFalse) and integerPow", () => {
    const p = array([true, false, true]);
    expect(vals(lax.select(p, array([1, 2, 3]), 0))).toEqual([1, 0, 3]);
    expect(vals(lax.integerPow(array([-2, 3], { dtype: "float64" }), 3))).toEqual([-8, 27]);
    expect(vals(lax.integerPow(array([2], { dtype: "float64" }), -2))).toEqual([0.25]);
  });

  it("convertElementType truncates floats to int32 and records weak types", () => {
    expect(vals(lax.convertElementType(array([1.9, -1.9, Number.NaN]), "int32"))).toEqual([1, -1, 0]);
    expect(lax.convertElementType(array([1]), "float64", true).weakType).toBe(true);
    expect(lax.convertElementType(array([1]), "float64").weakType).toBe(false);
  });
});

describe("structural primitives", () => {
  it("iota counts along one dimension", () => {
    expect(lax.iota("int32", [2, 3], 1).toArray()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(lax.iota("float32", [2, 2], 0).toArray()).toEqual([[0, 0], [1, 1]]);
  });

  it("broadcastInDim maps operand axes to output axes", () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 3, maxDim: 3 }), fc.array(fc.boolean(), { maxLength: 3 }), (out, keep) => {
        const dims = out.map((_, i) => i).filter((i) => keep[i]);
        const inShape = dims.map((d) => out[d]!);
        const x = { shape: inShape, data: Array.from({ length: sizeOf(inShape) }, (_, i) => i) };
        expectExact(
          lax.broadcastInDim(toND(x), out, dims),
          fromFn(out, (idx) => get(x, dims.map((d) => idx[d]!))),
        );
      }),
      runs,
    );
  });

  it("cumsum runs forwards or in reverse", () => {
    const x = array([[1, 2, 3], [4, 5, 6]], { dtype: "int32" });
    expect(lax.cumsum(x, 1).toArray()).toEqual([[1, 3, 6], [4, 9, 15]]);
    expect(lax.cumsum(x, 1, true).toArray()).toEqual([[6, 5, 3], [15, 11, 6]]);
    expect(lax.cumsum(x, 0).toArray()).toEqual([[1, 2, 3], [5, 7, 9]]);
  });

  it("gather clamps indices and scatterAdd drops out-of-range ones", () => {
    const x = array([10, 20, 30], { dtype: "int32" });
    expect(lax.gather(x, array([0, 5, -3], { dtype: "int32" })).toArray()).toEqual([10, 30, 10]);
    expect(lax.scatterAdd(x, array([0, 5, 0], { dtype: "int32" }), array([1, 1, 1], { dtype: "int32" })).toArray()).toEqual([12, 20, 30]);
  });

  it("reductions over explicit axes", () => {
    fc.assert(
      fc.property(refArb({ minRank: 1, maxRank: 3 }), (x) => {
        const got = lax.reduceSum(toND(x), [0]);
        const outShape = x.shape.slice(1);
        const expected = fromFn(outShape, (idx) => {
          let s = 0;
          for (let t = 0; t < x.shape[0]!; t++) s += get(x, [t, ...idx]);
          return s;
        });
        expectClose(got, expected);
      }),
      runs,
    );
  });
});
