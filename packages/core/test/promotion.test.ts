// JAX's promotion lattice bool < int32 < float32 < float64, with JS numbers weakly typed,
// and the default float dtype that config.set changes.
import { afterEach, describe, expect, it } from "vitest";
import { arange, array, config, type DType, type NDArray, np, promoteTypes, zeros } from "@jaxts/core";

type TypeInfo = ReturnType<typeof promoteTypes>;

type CoreDType = "bool" | "int32" | "float32" | "float64";
const DTYPES: readonly CoreDType[] = ["bool", "int32", "float32", "float64"];
const arr = (d: DType) => (d === "bool" ? array([true, false], { dtype: d }) : array([1, 2], { dtype: d }));

afterEach(() => {
  config.set({ defaultFloat: "float32" });
});

describe("promotion of two arrays is the join of bool < int32 < float32 < float64", () => {
  const expected: Record<CoreDType, Record<CoreDType, DType>> = {
    bool: { bool: "bool", int32: "int32", float32: "float32", float64: "float64" },
    int32: { bool: "int32", int32: "int32", float32: "float32", float64: "float64" },
    float32: { bool: "float32", int32: "float32", float32: "float32", float64: "float64" },
    float64: { bool: "float64", int32: "float64", float32: "float64", float64: "float64" },
  };
  for (const a of DTYPES) {
    for (const b of DTYPES) {
      it(`${a} with ${b} gives ${expected[a][b]}`, () => {
        expect(np.maximum(arr(a), arr(b)).dtype).toBe(expected[a][b]);
        expect(np.where(array([true, false]), arr(a), arr(b)).dtype).toBe(expected[a][b]);
      });
    }
  }

  it("promoteTypes is commutative, associative and idempotent over dtypes and weak types", () => {
    // bool is never weak (as in JAX: a weak bool promotes as a strong one).
    const infos: TypeInfo[] = DTYPES.flatMap((dtype): TypeInfo[] => (dtype === "bool" ? [{ dtype, weakType: false }] : [
      { dtype, weakType: false },
      { dtype, weakType: true },
    ]));
    const p = (x: TypeInfo, y: TypeInfo): TypeInfo => promoteTypes(x, y, "float32");
    for (const x of infos) {
      expect(p(x, x)).toEqual(x);
      for (const y of infos) {
        expect(p(x, y)).toEqual(p(y, x));
        for (const z of infos) expect(p(p(x, y), z)).toEqual(p(x, p(y, z)));
      }
    }
  });

  it("a rank-0 array is strongly typed: float32 array + float64 0-d array gives float64", () => {
    expect(np.add(array([1, 2], { dtype: "float32" }), array(1, { dtype: "float64" })).dtype).toBe("float64");
  });
});

describe("JS numbers are weakly typed", () => {
  it("int32 array + 1 stays int32", () => {
    const r = arange(3).add(1);
    expect(r.dtype).toBe("int32");
    expect(r.toArray()).toEqual([1, 2, 3]);
  });

  it("int32 array + 0.5 becomes the default float (weakly typed, as in JAX)", () => {
    const r = np.add(arange(3), 0.5);
    expect(r.dtype).toBe("float32");
    expect(r.weakType).toBe(true);
    expect(r.toArray()).toEqual([0.5, 1.5, 2.5]);
  });

  it("a number never widens a float array: float32 + 0.5 → float32, float64 + 1 → float64", () => {
    expect(np.add(array([1], { dtype: "float32" }), 0.5).dtype).toBe("float32");
    expect(np.multiply(array([1], { dtype: "float64" }), 1).dtype).toBe("float64");
    expect(array([1], { dtype: "float32" }).mul(1e300).dtype).toBe("float32");
  });

  it("bool array + 1 → int32, bool array + 0.5 → float32", () => {
    const t = array([true, false]);
    expect(t.dtype).toBe("bool");
    expect(np.add(t, 1).dtype).toBe("int32");
    expect(np.add(t, 1).toArray()).toEqual([2, 1]);
    expect(np.add(t, 0.5).dtype).toBe("float32");
  });

  it("two numbers give a weak int32 or a weak default float", () => {
    const i = np.add(1, 2);
    expect([i.dtype, i.weakType, i.item()]).toEqual(["int32", true, 3]);
    const f = np.add(1, 0.5);
    expect([f.dtype, f.weakType, f.item()]).toEqual(["float32", true, 1.5]);
  });

  it("a weak result then meets a strong array and takes its dtype", () => {
    const weak = np.add(1, 0.5);
    expect(np.add(weak, array([1], { dtype: "float64" })).dtype).toBe("float64");
    expect(np.add(weak, array([1], { dtype: "int32" })).dtype).toBe("float32");
  });

  it("comparisons with numbers compare in the promoted type", () => {
    expect(np.less(arange(3), 1.5).toArray()).toEqual([true, true, false]);
    expect(arange(3).gt(0).toArray()).toEqual([false, true, true]);
  });

  it("divide of ints and true functions of ints give the default float", () => {
    expect(np.divide(arange(3), 2).dtype).toBe("float32");
    expect(np.divide(arange(4), 2).toArray()).toEqual([0, 0.5, 1, 1.5]);
    expect(np.mean(arange(4)).dtype).toBe("float32");
  });
});

describe("binary operations promote as np.resultType says, whatever the operand kinds", () => {
  // Arrays of every core dtype, strongly and weakly typed, of two shapes, and JS numbers: the
  // common pairs take a shortcut in numpy's promotion, the rest the lattice.
  const operands: { readonly name: string; readonly make: () => NDArray | number }[] = [
    ...DTYPES.flatMap((d) => [
      { name: `${d}[2]`, make: () => arr(d) },
      { name: `${d}[]`, make: () => (d === "bool" ? array(true) : array(3, { dtype: d })) },
    ]),
    // (made from numbers: weakly typed)
    { name: "weak int32[]", make: () => np.add(3, 0) },
    { name: "weak float[]", make: () => np.add(2.5, 0) },
    { name: "2.5", make: () => 2.5 },
    { name: "7", make: () => 7 },
    { name: "-0", make: () => -0 },
  ];
  for (const defaultFloat of ["float32", "float64"] as const) {
    it(`add, multiply and maximum of every pair (defaultFloat ${defaultFloat})`, () => {
      config.set({ defaultFloat });
      for (const x of operands) {
        for (const y of operands) {
          if (typeof x.make() !== "object" && typeof y.make() !== "object") continue;
          const want = np.resultType(x.make(), y.make());
          for (const op of [np.add, np.multiply, np.maximum]) {
            const r = op(x.make(), y.make());
            expect({ pair: `${x.name}, ${y.name}`, dtype: r.dtype, weakType: r.weakType }).toEqual({ pair: `${x.name}, ${y.name}`, ...want });
          }
        }
      }
    });
  }
  it("a float array times a number rounds the number to the array's dtype, once", () => {
    const x = array([1], { dtype: "float32" });
    expect(x.mul(0.1).toArray()).toEqual([Math.fround(0.1)]);
    expect(array([1], { dtype: "float64" }).mul(0.1).toArray()).toEqual([0.1]);
    expect(Object.is(x.mul(-0).toTypedArray()[0], -0)).toBe(true);
  });
});

describe("config.set({ defaultFloat })", () => {
  it("is float32 by default", () => {
    expect(config.get().defaultFloat).toBe("float32");
    expect(array([1.5]).dtype).toBe("float32");
    expect(zeros([2]).dtype).toBe("float32");
  });

  it("float64 changes every place the default float is chosen, and not explicit dtypes", () => {
    config.set({ defaultFloat: "float64" });
    expect(config.get().defaultFloat).toBe("float64");
    expect(array([1.5]).dtype).toBe("float64");
    expect(array(0.1).item()).toBe(0.1);
    expect(zeros([2]).dtype).toBe("float64");
    expect(arange(0, 1, 0.25).dtype).toBe("float64");
    expect(np.add(arange(3), 0.5).dtype).toBe("float64");
    expect(np.divide(arange(3), 2).dtype).toBe("float64");
    expect(np.exp(arange(3)).dtype).toBe("float64");
    expect(np.mean(arange(3)).dtype).toBe("float64");
    // an explicitly float32 array stays float32 with a weak number
    expect(np.add(array([1], { dtype: "float32" }), 0.5).dtype).toBe("float32");
    expect(arange(3).dtype).toBe("int32");
  });

  it("rejects a non-float default", () => {
    expect(() => config.set({ defaultFloat: "int32" })).toThrow(/defaultFloat/);
    expect(config.get().defaultFloat).toBe("float32");
  });
});
