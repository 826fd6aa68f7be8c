// NDArray basics: properties, numpy-like printing, toArray/item, and the fluent methods
// that mirror np.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, array, makeJaxpr, NDArray, np } from "@jaxts/core";
import { dataArb, expectClose, refOf, runs, shapeArb, toND } from "./helpers/reference.js";

describe("properties", () => {
  it("shape, dtype, ndim and size", () => {
    const x = array([[1, 2, 3], [4, 5, 6]]);
    expect([x.shape, x.dtype, x.ndim, x.size]).toEqual([[2, 3], "float32", 2, 6]);
    const s = array(5);
    expect([s.shape, s.ndim, s.size]).toEqual([[], 0, 1]);
    const e = np.zeros([3, 0]);
    expect([e.shape, e.size]).toEqual([[3, 0], 0]);
  });

  it("every array is an NDArray, including traced ones inside makeJaxpr", () => {
    expect(array([1])).toBeInstanceOf(NDArray);
    let traced: unknown;
    makeJaxpr((x: NDArray) => {
      traced = x;
      return x.mul(2);
    })(array([1, 2]));
    expect(traced).toBeInstanceOf(NDArray);
  });
});

describe("toString prints like numpy", () => {
  const cases: readonly [string, () => NDArray, string][] = [
    ["a float matrix", () => array([[1, 2], [3, 4]]), "[[1. 2.]\n [3. 4.]]"],
    ["ints", () => np.arange(4), "[0 1 2 3]"],
    ["bools", () => array([true, false]), "[ True False]"],
    ["decimals aligned on the point", () => array([1, 2.5]), "[1.  2.5]"],
    ["negative numbers", () => array([-1.5, 2]), "[-1.5  2. ]"],
    ["nan", () => array([1, Number.NaN]), "[ 1. nan]"],
    ["inf", () => array([Number.NEGATIVE_INFINITY, 1]), "[-inf   1.]"],
    ["float32 at its own precision", () => array([0.1, 1 / 3]), "[0.1        0.33333334]"],
    ["float64 with at most 8 decimals", () => array([1 / 3], { dtype: "float64" }), "[0.33333333]"],
    ["a 3-d array with blank lines between blocks", () => np.arange(8).reshape([2, 2, 2]), "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]"],
    ["a 0-d float as its scalar", () => array(3), "3.0"],
    ["a 0-d int", () => array(7, { dtype: "int32" }), "7"],
    ["a 0-d bool", () => array(true), "True"],
    ["an empty array", () => np.zeros([2, 0]), "[]"],
  ];
  for (const [name, make, text] of cases) {
    it(name, () => {
      expect(make().toString()).toBe(text);
      expect(String(make())).toBe(text);
    });
  }
});

describe("toArray and item", () => {
  it("toArray gives nested JS arrays of the shape (numbers, or booleans for bool)", () => {
    expect(array([[1, 2], [3, 4]]).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(array([true, false]).toArray()).toEqual([true, false]);
    expect(array(2.5).toArray()).toBe(2.5);
    expect(np.zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(np.zeros([0, 2]).toArray()).toEqual([]);
  });

  it("toArray round-trips through array() for random shapes", () => {
    fc.assert(
      fc.property(
        shapeArb().chain((s) => dataArb(s)),
        (r) => {
          const x = toND(r);
          const nested = x.toArray();
          if (r.shape.includes(0)) return;
          expectClose(array(nested as number[], { dtype: "float64" }), refOf(x), 0);
        },
      ),
      runs,
    );
  });

  it("item() returns the single value of a size-1 array of any rank", () => {
    expect(array(2.5).item()).toBe(2.5);
    expect(array([[7]], { dtype: "int32" }).item()).toBe(7);
    expect(array([true]).item()).toBe(true);
    expect(np.sum(array([1, 2])).item()).toBe(3);
  });

  it("item() on more than one element is an ArgumentError naming the shape", () => {
    expect(() => array([1, 2]).item()).toThrow(ArgumentError);
    expect(() => array([1, 2]).item()).toThrow(/item\(\).*\[2\]/);
    expect(() => np.zeros([0]).item()).toThrow(/\[0\]/);
  });
});

describe("fluent methods mirror np", () => {
  type Bin = (a: NDArray, b: NDArray | number) => NDArray;
  const binaries: readonly [string, (x: NDArray, o: NDArray | number) => NDArray, Bin][] = [
    ["add", (x, o) => x.add(o), np.add],
    ["sub", (x, o) => x.sub(o), np.subtract],
    ["mul", (x, o) => x.mul(o), np.multiply],
    ["div", (x, o) => x.div(o), np.divide],
    ["pow", (x, o) => x.abs().pow(o), (a, b) => np.power(np.abs(a), b)],
    ["gt", (x, o) => x.gt(o), np.greater],
    ["ge", (x, o) => x.ge(o), np.greaterEqual],
    ["lt", (x, o) => x.lt(o), np.less],
    ["le", (x, o) => x.le(o), np.lessEqual],
    ["eq", (x, o) => x.eq(o), np.equal],
    ["ne", (x, o) => x.ne(o), np.notEqual],
  ];
  const sameArb = shapeArb({ maxRank: 3 }).chain((s) => fc.tuple(dataArb(s), dataArb(s), fc.integer({ min: -3, max: 3 })));

  for (const [name, method, fn] of binaries) {
    it(`x.${name}(y) and x.${name}(number) equal np's function`, () => {
      fc.assert(
        fc.property(sameArb, ([a, b, k]) => {
          const x = toND(a);
          const y = toND(b);
          expectClose(method(x, y), refOf(fn(x, y)), 0);
          expectClose(method(x, k), refOf(fn(x, k)), 0);
        }),
        { numRuns: 20 },
      );
    });
  }

  const unaries: readonly [string, (x: NDArray) => NDArray, (x: NDArray) => NDArray][] = [
    ["neg", (x) => x.neg(), np.negative],
    ["exp", (x) => x.exp(), np.exp],
    ["log", (x) => x.abs().log(), (x) => np.log(np.abs(x))],
    ["sin", (x) => x.sin(), np.sin],
    ["cos", (x) => x.cos(), np.cos],
    ["tanh", (x) => x.tanh(), np.tanh],
    ["sqrt", (x) => x.abs().sqrt(), (x) => np.sqrt(np.abs(x))],
    ["abs", (x) => x.abs(), np.abs],
    ["square", (x) => x.square(), np.square],
    ["sum", (x) => x.sum({ axis: 0 }), (x) => np.sum(x, { axis: 0 })],
    ["mean", (x) => x.mean({ keepdims: true }), (x) => np.mean(x, { keepdims: true })],
    ["max", (x) => x.max({ axis: -1 }), (x) => np.max(x, { axis: -1 })],
    ["min", (x) => x.min(), (x) => np.min(x)],
    ["argmax", (x) => x.argmax({ axis: 0 }), (x) => np.argmax(x, { axis: 0 })],
    ["reshape", (x) => x.reshape([-1, 2]), (x) => np.reshape(x, [-1, 2])],
    ["transpose", (x) => x.transpose([1, 0]), (x) => np.transpose(x, [1, 0])],
    ["T", (x) => x.T, (x) => np.transpose(x)],
    ["astype", (x) => x.astype("int32"), (x) => np.astype(x, "int32")],
    ["matmul", (x) => x.matmul(x.T), (x) => np.matmul(x, np.transpose(x))],
  ];
  const matArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })).chain(([m, n]) => dataArb([m, 2 * n]));
  for (const [name, method, fn] of unaries) {
    it(`x.${name}(...) equals np's function`, () => {
      fc.assert(
        fc.property(matArb, (r) => {
          const x = toND(r);
          const got = method(x);
          expect(got.dtype).toBe(fn(x).dtype);
          expectClose(got, refOf(fn(x)), 0);
        }),
        { numRuns: 20 },
      );
    });
  }

  it("chains read left to right", () => {
    const x = array([1, 2, 3], { dtype: "float64" });
    expect(x.mul(2).add(1).sum().item()).toBe(15);
    expect(x.sub(2).abs().max().item()).toBe(1);
  });
});
