// Arrays are immutable: no function or method changes its inputs, and nothing hands out a
// buffer an array still uses (toTypedArray and toArray return copies).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, lax, type NDArray, nn, np, tree } from "@jaxts/core";
import { refArb, runs, toND } from "./helpers/reference.js";

const snapshot = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

const ops: readonly [string, (x: NDArray) => unknown][] = [
  ["add", (x) => np.add(x, x)],
  ["fluent chain", (x) => x.mul(2).sub(1).abs().sqrt().neg().exp()],
  ["where", (x) => np.where(x.gt(0), x, 0)],
  ["maximum", (x) => np.maximum(x, 0.5)],
  ["sum keepdims", (x) => np.sum(x, { keepdims: true })],
  ["mean/var", (x) => [np.mean(x), np.var(x)]],
  ["cumsum", (x) => np.cumsum(x)],
  ["sort", (x) => np.sort(x, { axis: null })],
  ["argsort", (x) => np.argsort(x, { axis: null })],
  ["reshape", (x) => np.reshape(x, [-1])],
  ["transpose", (x) => np.transpose(x)],
  ["flip", (x) => np.flip(x)],
  ["astype", (x) => np.astype(x, "int32")],
  ["astype same dtype", (x) => np.astype(x, x.dtype)],
  ["stopGradient", (x) => lax.stopGradient(x)],
  ["concatenate", (x) => np.concatenate([np.ravel(x), np.ravel(x)])],
  ["at set", (x) => (x.ndim > 0 && x.shape[0]! > 0 ? np.at(x, 0).set(7) : x)],
  ["at add", (x) => (x.ndim > 0 && x.shape[0]! > 0 ? np.at(x, [0, 0]).add(7) : x)],
  ["take", (x) => (x.size > 0 ? np.take(x, [0, -1]) : x)],
  ["softmax", (x) => (x.ndim > 0 ? nn.softmax(x) : x)],
  ["tree.map", (x) => tree.map((l: unknown) => (l as NDArray).add(1), { a: x, b: [x] })],
  ["array of array", (x) => array(x, { dtype: "float32" })],
];

describe("no function mutates its inputs", () => {
  for (const [name, op] of ops) {
    it(`${name} leaves its input unchanged, and its output keeps its value when copies are mutated`, () => {
      fc.assert(
        fc.property(refArb({ maxRank: 3 }), (r) => {
          const x = toND(r);
          const before = snapshot(x);
          const outs = tree.leaves(op(x)) as NDArray[];
          expect(snapshot(x)).toEqual(before);
          for (const o of outs) {
            const value = snapshot(o);
            const copy = o.toTypedArray();
            copy.fill(123);
            expect(snapshot(o)).toEqual(value);
          }
          // mutating copies of the input does not reach outputs that share its data
          x.toTypedArray().fill(-1);
          expect(snapshot(x)).toEqual(before);
        }),
        { numRuns: 20 },
      );
    });
  }
});

describe("copies handed out", () => {
  it("toTypedArray() returns a fresh copy each time", () => {
    const x = array([1, 2, 3]);
    const a = x.toTypedArray();
    const b = x.toTypedArray();
    expect(a).not.toBe(b);
    a[0] = 100;
    expect(x.toArray()).toEqual([1, 2, 3]);
    expect(b[0]).toBe(1);
  });

  it("toTypedArray() of a big array (a buffer of its own, not zeroed first) is a full, independent copy", () => {
    for (const dtype of ["float32", "float64", "int32", "complex64"] as const) {
      const x = np.arange(70_000).astype(dtype);
      const a = x.toTypedArray();
      expect(a.buffer.byteLength).toBe(a.byteLength); // no other array's bytes reachable through .buffer
      const b = x.toTypedArray();
      a.fill(-7);
      const stride = dtype === "complex64" ? 2 : 1;
      expect([b[0], b[stride * 69_999]]).toEqual([0, 69_999]);
      expect(Number(x.toTypedArray()[stride * 12_345])).toBe(12_345);
    }
  });

  it("a reshaped view's toTypedArray() does not alias its source", () => {
    const x = array([[1, 2], [3, 4]]);
    const y = x.reshape([4]);
    y.toTypedArray().fill(0);
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(y.toArray()).toEqual([1, 2, 3, 4]);
  });

  it("toArray() returns a nested copy", () => {
    const x = array([[1, 2], [3, 4]]);
    const nested = x.toArray() as number[][];
    nested[0]![0] = 99;
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it("array() copies the typed array or nested list it is given", () => {
    const src = new Float64Array([1, 2, 3]);
    const x = array(src);
    src[0] = 42;
    expect(x.toArray()).toEqual([1, 2, 3]);
    const list = [[1, 2]];
    const y = array(list);
    list[0]![0] = 42;
    expect(y.toArray()).toEqual([[1, 2]]);
  });

  it("shape is read-only", () => {
    const x = array([1, 2]);
    expect(Object.isFrozen(x.shape)).toBe(true);
    expect(() => {
      (x.shape as number[])[0] = 5;
    }).toThrow(TypeError);
    expect(x.shape).toEqual([2]);
  });

  it("works for every dtype", () => {
    fc.assert(
      fc.property(refArb({ maxRank: 2 }, fc.integer({ min: -3, max: 3 })), fc.constantFrom("bool", "int32", "float32", "float64" as const), (r, d) => {
        const x = toND(r, d);
        const before = snapshot(x);
        x.toTypedArray().fill(1);
        np.sort(np.ravel(x));
        expect(snapshot(x)).toEqual(before);
      }),
      runs,
    );
  });
});
