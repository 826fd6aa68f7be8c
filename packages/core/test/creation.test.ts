// Creation functions with numpy's positional forms: array, zeros, ones, full, arange,
// linspace, eye, zerosLike, onesLike (from @jaxts/core and np alike).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as core from "@jaxts/core";
import { arange, array, eye, full, linspace, np, ones, onesLike, zeros, zerosLike } from "@jaxts/core";
import { runs, shapeArb } from "./helpers/reference.js";

describe("array()", () => {
  it("takes numbers, booleans and nested lists; numbers get the default float", () => {
    expect([array(3).dtype, array(3).shape]).toEqual(["float32", []]);
    expect(array(true).dtype).toBe("bool");
    expect(array([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(array([true, false]).dtype).toBe("bool");
    expect([array([]).shape, array([]).dtype]).toEqual([[0], "float32"]);
  });

  it("takes typed arrays with their dtype", () => {
    expect(array(new Float64Array([1, 2])).dtype).toBe("float64");
    expect(array(new Float32Array([1, 2])).dtype).toBe("float32");
    expect(array(new Int32Array([1, 2])).dtype).toBe("int32");
    expect(array(new Uint8Array([1, 0])).toArray()).toEqual([true, false]);
  });

  it("casts to an explicit dtype: ints truncate, bools test non-zero, float32 rounds", () => {
    expect(array([1.7, -1.7, 2], { dtype: "int32" }).toArray()).toEqual([1, -1, 2]);
    expect(array([0, 2, -0.5], { dtype: "bool" }).toArray()).toEqual([false, true, true]);
    expect(array([0.1], { dtype: "float32" }).toTypedArray()[0]).toBe(Math.fround(0.1));
    expect(array([0.1], { dtype: "float64" }).item()).toBe(0.1);
    expect(array([true, false], { dtype: "float32" }).toArray()).toEqual([1, 0]);
  });
});

describe("zeros, ones, full", () => {
  it("fill a shape (a list or a single length) with the default float or the dtype given", () => {
    fc.assert(
      fc.property(shapeArb(), fc.constantFrom(undefined, "float32", "float64", "int32", "bool" as const), (shape, dtype) => {
        const n = shape.reduce((a, b) => a * b, 1);
        const d = dtype ?? "float32";
        for (const [x, v] of [
          [zeros(shape, dtype), 0],
          [ones(shape, dtype), 1],
          [full(shape, 1, dtype), 1],
        ] as const) {
          expect([x.shape, x.dtype]).toEqual([shape, d]);
          expect(Array.from(x.toTypedArray(), Number)).toEqual(new Array<number>(n).fill(v));
        }
      }),
      runs,
    );
    expect(zeros(3).shape).toEqual([3]);
  });

  it("full takes the value's kind for booleans and casts to the dtype given", () => {
    expect(full([2], true).toArray()).toEqual([true, true]);
    expect(full([2], 7.9, "int32").toArray()).toEqual([7, 7]);
    expect(full([], 2.5).item()).toBe(2.5);
  });

  it("zerosLike and onesLike keep shape and dtype", () => {
    const x = array([[1, 2, 3]], { dtype: "int32" });
    expect([zerosLike(x).shape, zerosLike(x).dtype, zerosLike(x).toArray()]).toEqual([[1, 3], "int32", [[0, 0, 0]]]);
    expect(onesLike(array([true])).toArray()).toEqual([true]);
    expect(onesLike(x, "float64").dtype).toBe("float64");
  });
});

describe("arange", () => {
  it("arange(stop), arange(start, stop), arange(start, stop, step)", () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(arange(0, 10, 2).toArray()).toEqual([0, 2, 4, 6, 8]);
    expect(arange(5, 0, -2).toArray()).toEqual([5, 3, 1]);
    expect(arange(3, 1).toArray()).toEqual([]);
  });

  it("is int32 for integer arguments and the default float otherwise", () => {
    expect(arange(3).dtype).toBe("int32");
    expect(arange(0, 1, 0.25).dtype).toBe("float32");
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 3, 1, "float64").dtype).toBe("float64");
  });

  it("has ceil((stop - start) / step) elements start + i·step", () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 10 }), fc.integer({ min: -10, max: 10 }), fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0), (a, b, s) => {
        const n = Math.max(0, Math.ceil((b - a) / s));
        expect(arange(a, b, s).toArray()).toEqual(Array.from({ length: n }, (_, i) => a + i * s));
      }),
      runs,
    );
  });
});

describe("linspace and eye", () => {
  it("linspace(a, b, n) includes both ends", () => {
    expect(linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(linspace(2, 3, 1).toArray()).toEqual([2]);
    expect(linspace(2, 3, 0).shape).toEqual([0]);
    expect(linspace(0, 1, 5).dtype).toBe("float32");
    expect(linspace(0, 1).shape).toEqual([50]);
  });

  it("linspace values are evenly spaced from start to exactly stop", () => {
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 2, max: 9 }), (a, b, n) => {
        const x = linspace(a, b, n, { dtype: "float64" }).toArray() as number[];
        expect(x.length).toBe(n);
        expect(x[0]).toBe(a);
        expect(x[n - 1]).toBe(b);
        x.forEach((v, i) => expect(v).toBeCloseTo(a + ((b - a) * i) / (n - 1), 12));
      }),
      runs,
    );
  });

  it("eye(n) is the identity, eye(n, m) rectangular, k shifts the diagonal", () => {
    expect(eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(eye(2, 3).toArray()).toEqual([[1, 0, 0], [0, 1, 0]]);
    expect(eye(3, 3, { k: 1 }).toArray()).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]]);
    expect(eye(2).dtype).toBe("float32");
    expect(eye(0).shape).toEqual([0, 0]);
  });
});

describe("exports", () => {
  it("are the same functions from @jaxts/core and from np", () => {
    for (const name of ["array", "zeros", "ones", "full", "arange", "linspace", "eye", "zerosLike", "onesLike"] as const) {
      expect((np as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
    }
  });
});

describe("casts to int32 saturate and literals that do not fit are errors (JAX)", () => {
  it("float -> int32 astype saturates at the int32 range and sends NaN to 0 instead of wrapping", () => {
    const x = array([1e10, -1e10, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN, 2.9, -2.9, 2147483647.5], { dtype: "float64" });
    expect(x.astype("int32").toArray()).toEqual([2147483647, -2147483648, 2147483647, -2147483648, 0, 2, -2, 2147483647]);
    expect(array([1e10, Number.NaN]).astype("int32").toArray()).toEqual([2147483647, 0]);
    // casting an existing array or typed array has astype semantics too
    expect(array(new Float64Array([3e9, -3e9]), { dtype: "int32" }).toArray()).toEqual([2147483647, -2147483648]);
    expect(array(array([3e9]), { dtype: "int32" }).toArray()).toEqual([2147483647]);
  });

  it("array(3e9, { dtype: 'int32' }) is an OverflowError (a literal that does not fit), not a wrapped value", () => {
    expect(() => array(3e9, { dtype: "int32" })).toThrow(core.OverflowError);
    expect(() => array([1, -3e9], { dtype: "int32" })).toThrow(/array: the number -3000000000 does not fit in int32/);
    expect(() => array(Number.NaN, { dtype: "int32" })).toThrow(core.OverflowError);
    expect(() => full([2], 2 ** 31, "int32")).toThrow(/full: the number 2147483648 does not fit in int32/);
    expect(array(2147483647, { dtype: "int32" }).item()).toBe(2147483647);
    expect(array(-2147483648, { dtype: "int32" }).item()).toBe(-2147483648);
    expect(new core.OverflowError("x")).toBeInstanceOf(core.JaxtsError);
  });

  it("a JS number that does not fit a narrow integer operand's dtype is an OverflowError naming the operation it was passed to", () => {
    const x = array([1, 2], { dtype: "uint8" });
    expect(() => np.add(x, 300)).toThrow(/^add: the number 300 does not fit in uint8/);
    expect(() => x.mul(-1)).toThrow(/^multiply: the number -1 does not fit in uint8/);
    expect(() => np.where(np.greater(x, 1), x, 256)).toThrow(core.OverflowError);
    expect(() => core.lax.add(array([1], { dtype: "int8" }), 200)).toThrow(/add: the number 200 does not fit in int8/);
  });

  it("a JS integer outside int32 is a weak float, never wrapped: with an int32 array the result is float (eager and jit alike)", () => {
    const x = array([1, 2], { dtype: "int32" });
    const y = np.add(x, 3e9);
    expect(y.dtype).toBe("float32");
    expect(y.toArray()).toEqual([3000000001, 3000000002].map(Math.fround));
    expect(np.add(x, 2 ** 31 - 3).toArray()).toEqual([2147483646, 2147483647]);
    expect(np.add(x, 2 ** 31 - 3).dtype).toBe("int32");
  });

  it("full with a value that is not a number or a boolean is an ArgumentError, not NaN", () => {
    const bad = <T>(v: unknown) => v as T;
    expect(() => full([2], bad("abc"))).toThrow(core.ArgumentError);
    expect(() => full([2], bad("abc"))).toThrow(/full: the fill value must be a number or a boolean, got string abc/);
    expect(() => full([2], bad(null), "int32")).toThrow(core.ArgumentError);
  });
});

describe("impossible sizes are ShapeErrors that say how much memory they would need", () => {
  const tooBig = (f: () => unknown, ...parts: (string | RegExp)[]) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(core.ShapeError);
    for (const p of parts) expect((err as Error).message).toMatch(p);
  };

  it("ones / zeros / full of a 2^20 x 2^20 shape name the size in TiB and elements", () => {
    tooBig(() => ones([2 ** 20, 2 ** 20]), "ones:", "would need 4 TiB (1099511627776 elements of float32)");
    tooBig(() => zeros([2 ** 20, 2 ** 20], "float64"), "zeros:", "8 TiB");
    tooBig(() => full([2 ** 16, 2 ** 16], true), "full:", "4 GiB (4294967296 elements of bool)");
    tooBig(() => zeros([2 ** 31]), "zeros:", "2147483648 elements", "at most 2147483647 elements");
  });

  it("negative sizes are ShapeErrors: lax.iota, eye, linspace, zeros", () => {
    tooBig(() => core.lax.iota("int32", [-1]), "iota:", "negative dimension");
    tooBig(() => eye(-1), "eye:", "negative");
    tooBig(() => linspace(0, 1, -1), "linspace:", "non-negative");
    tooBig(() => zeros([3, -2]), "zeros:", "negative dimension");
  });

  it("arange with 1e12 elements and random with a huge shape are ShapeErrors, not RangeErrors", () => {
    tooBig(() => arange(0, 1e12), "arange:", "1000000000000 elements of int32");
    tooBig(() => core.random.uniform(core.random.key(0), [2 ** 40]), "random.uniform:", "TiB");
    tooBig(() => core.lax.broadcastInDim(1, [2 ** 20, 2 ** 20], []), "broadcast_in_dim:", "4 TiB");
  });

  it("sizes at the limit are refused before any buffer is allocated", () => {
    tooBig(() => np.broadcastTo(array(1), [2 ** 31]), "2147483648 elements");
  });
});

describe("creation options are checked", () => {
  it("eye with a fractional k or an unknown option is an ArgumentError (not a silent all-zero matrix)", () => {
    expect(() => eye(3, 3, { k: 0.5 })).toThrow(core.ArgumentError);
    expect(() => eye(3, 3, { kk: 1 } as unknown as { k: number })).toThrow(/did you mean `k`/);
    expect(eye(2, 2, { k: 1 }).toArray()).toEqual([[0, 1], [0, 0]]);
  });

  it("linspace rejects unknown options and a non-boolean endpoint", () => {
    expect(() => linspace(0, 1, 3, { endPoint: false } as unknown as { endpoint: boolean })).toThrow(/did you mean `endpoint`/);
    expect(() => linspace(0, 1, 3, { endpoint: 0 as unknown as boolean })).toThrow(core.ArgumentError);
    expect(linspace(0, 1, 2, { endpoint: false }).toArray()).toEqual([0, 0.5]);
  });
});

describe("array() of bad nested lists", () => {
  it("a 100,000-deep nested list is an ArgumentError, not a stack overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => array(deep as number[])).toThrow(core.ArgumentError);
    expect(() => array(deep as number[])).toThrow(/deeper than 1000 levels/);
  });

  it("a cyclic nested list is an ArgumentError naming where it contains itself", () => {
    const a: unknown[] = [1];
    a.push(a);
    expect(() => array(a as number[])).toThrow(core.ArgumentError);
    expect(() => array(a as number[])).toThrow(/cyclic: \[1\] contains itself/);
  });

  it("a list nested 500 deep (deep, but sane) still works", () => {
    let deep: unknown = 2;
    for (let i = 0; i < 500; i++) deep = [deep];
    const x = array(deep as number[]);
    expect([x.ndim, x.size]).toEqual([500, 1]);
  });
});
