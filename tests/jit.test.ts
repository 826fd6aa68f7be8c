// jit stages a function once per signature and composes with differentiation.
import { array, ArgumentError, config, makeJaxpr, type NDArray, nn, np, tree, TreeStructureError } from "@jaxts/core";
import { adam, applyUpdates, sgd } from "@jaxts/optim";
import { grad, jit, valueAndGrad, vjp } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

describe("jit", () => {
  it("gives the same values as the plain function", () => {
    const f = (x: NDArray, y: NDArray) => np.sum(np.tanh(np.matmul(x, y)).mul(2));
    const x = array([[1, 2], [3, 4]]);
    const y = array([[0.5], [-0.25]]);
    // Equal but for tanh's rounding: jit runs it as a wasm kernel at any size, the plain call
    // (this small) on js, and the two may differ by tanh's stated 2 ulp (vector-math.ts).
    const [got, want] = [Number(jit(f)(x, y).item()), Number(f(x, y).item())];
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(want))) - 23);
    expect(Math.abs(got - want)).toBeLessThanOrEqual(2 * ulp);
  });

  it("traces once per input signature and replays from its cache", () => {
    let traces = 0;
    const f = jit((x: NDArray) => {
      traces++;
      return x.mul(2);
    });
    f(array([1, 2]));
    f(array([3, 4]));
    expect(traces).toBe(1);
    f(array([1, 2, 3]));
    f(array([1, 2], { dtype: "float64" }));
    expect(traces).toBe(3);
    expect(f(array([5, 6])).toArray()).toEqual([10, 12]);
    expect(traces).toBe(3);
  });

  it("re-traces for new static argument values, and keys them by value", () => {
    let traces = 0;
    const power = jit(
      (x: NDArray, n: number) => {
        traces++;
        let y = x;
        for (let i = 1; i < n; i++) y = y.mul(x);
        return y;
      },
      { staticArgnums: 1 },
    );
    expect(power(array(2), 3).item()).toBe(8);
    expect(power(array(3), 3).item()).toBe(27);
    expect(power(array(2), 4).item()).toBe(16);
    expect(traces).toBe(2);
  });

  it("shows up as one pjit equation holding the staged jaxpr", () => {
    const f = jit(function double(x: NDArray) {
      return x.mul(2);
    });
    const text = String(makeJaxpr((x: NDArray) => f(x).add(1))(array([1, 2])));
    expect(text).toContain("b:f32[2] = pjit[\n      jaxpr={ lambda ; c:f32[2]. let");
    expect(text).toContain("name=double");
    expect(text).toContain("mul c 2.0:f32[]");
  });

  it("composes with grad in both orders", () => {
    const f = (x: NDArray) => np.sum(np.sin(x).mul(x));
    const x = array([0.5, 1, 2]);
    const expected = grad(f)(x).toArray();
    expect(grad(jit(f))(x).toArray()).toEqual(expected);
    expect(jit(grad(f))(x).toArray()).toEqual(expected);
    const jf = jit(f);
    const [, vjpFn] = vjp(jf, x);
    expect((vjpFn(1)[0] as NDArray).toArray()).toEqual(expected);
  });

  it("differentiates a jitted closure over an outer traced value", () => {
    const g = grad((x: NDArray) => jit((y: NDArray) => y.mul(x))(3));
    expect(g(2).item()).toBe(3);
    expect(g(5).item()).toBe(3);
  });

  it("takes pytrees and returns pytrees", () => {
    const f = jit((p: { w: NDArray; b: NDArray }, x: NDArray) => ({ y: p.w.mul(x).add(p.b), n: [np.sum(x)] }));
    const out = f({ w: array(2), b: array(1) }, array([1, 2]));
    expect(out.y.toArray()).toEqual([3, 5]);
    expect(out.n[0]!.item()).toBe(3);
    const [value, g] = valueAndGrad((p: { w: NDArray; b: NDArray }) => np.sum(f(p, array([1, 2])).y))({ w: array(2), b: array(1) });
    expect(value.item()).toBe(8);
    expect([g.w.item(), g.b.item()]).toEqual([3, 2]);
  });

  it("rejects static argument positions out of range and unhashable static values", () => {
    const f = jit((x: NDArray) => x, { staticArgnums: 3 });
    expect(() => f(array(1))).toThrow(ArgumentError);
    expect(() => f(array(1))).toThrow(/staticArgnums 3 is out of range/);
    const g = jit((x: NDArray, _fn: unknown) => x, { staticArgnums: 1 });
    expect(() => g(array(1), () => 1)).toThrow(/static arguments must be/);
  });

  it("staticArgnums that is not an integer is an ArgumentError when jit is called, not 'out of range'", () => {
    expect(() => jit((x: NDArray) => x, { staticArgnums: 0.5 })).toThrow(ArgumentError);
    expect(() => jit((x: NDArray) => x, { staticArgnums: 0.5 })).toThrow(/staticArgnums.*integer.*0\.5/);
    expect(() => jit((x: NDArray) => x, { staticArgnums: [0, 1.5] })).toThrow(/integer/);
    expect(() => jit((x: NDArray) => x, { staticArgnums: 0.5 })).not.toThrow(/out of range/);
  });

  it("a misspelt option is an ArgumentError suggesting the right key, not a silently traced argument", () => {
    const opts = { staticArgNums: 1 } as unknown as { staticArgnums: number };
    expect(() => jit((x: NDArray, _n: number) => x, opts)).toThrow(ArgumentError);
    expect(() => jit((x: NDArray, _n: number) => x, opts)).toThrow(/did you mean `staticArgnums`/);
  });

  it("jit of something that is not a function is an ArgumentError", () => {
    const notFn = 42 as unknown as (x: NDArray) => NDArray;
    expect(() => jit(notFn)).toThrow(ArgumentError);
    expect(() => jit(notFn)).toThrow(/expected a function.*number/);
  });
});

describe("jit and the configuration", () => {
  it("retraces when defaultFloat changes: numbers and new float arrays inside take the new default (as JAX's cache keys on x64)", () => {
    let traces = 0;
    const f = (x: NDArray) => {
      traces++;
      return x.astype("int32").add(np.array(0.1));
    };
    const jf = jit(f);
    const x = array([1, 2], { dtype: "int32" });
    try {
      config.set({ defaultFloat: "float32" });
      expect(jf(x).dtype).toBe("float32");
      config.set({ defaultFloat: "float64" });
      const got = jf(x);
      expect(got.dtype).toBe("float64");
      expect(Array.from(got.toTypedArray())).toEqual([1.1, 2.1]);
      config.set({ defaultFloat: "float32" });
      expect(jf(x).dtype).toBe("float32");
      expect(traces).toBe(2); // f32, f64, then f32 again from the cache
    } finally {
      config.set({ defaultFloat: "float32" });
    }
  });
  it("grad and jvp of a jit-ted function follow defaultFloat too (the cached JVP and transpose rewrites key on it)", () => {
    const jf = jit((x: NDArray) => np.sum(x.mul(np.array(0.1)).add(np.array([1, 2]))));
    const x = array([1, 2], { dtype: "int32" }).astype("float32");
    try {
      config.set({ defaultFloat: "float32" });
      expect(grad(jf)(x).dtype).toBe("float32");
      config.set({ defaultFloat: "float64" });
      const x64 = array([1, 2], { dtype: "float64" });
      const g = grad(jf)(x64);
      expect(g.dtype).toBe("float64");
      expect(Array.from(g.toTypedArray())).toEqual([0.1, 0.1]);
    } finally {
      config.set({ defaultFloat: "float32" });
    }
  });
});

describe("jit's cache key is injective", () => {
  const sameValue = (a: unknown, b: unknown): boolean => {
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
    if (a !== null && b !== null && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
      const [ka, kb] = [Object.keys(a).sort(), Object.keys(b).sort()];
      return sameValue(ka, kb) && ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
    }
    return Object.is(a, b);
  };
  const statics: unknown[] = [NaN, Infinity, -Infinity, null, undefined, 0, -0, 1, "1", true, "true", [1], ["1"], [null], [undefined], { a: 1 }, { a: "1" }, { "a,b": 1 }];

  it("static NaN, ±Infinity, null, undefined, -0 and 0, strings and numbers each get their own trace", () => {
    let traces = 0;
    const f = jit(
      (x: NDArray, s: unknown) => {
        traces++;
        // the index of the static value this trace was made for, baked in as a constant
        return x.add(statics.findIndex((v) => sameValue(v, s)));
      },
      { staticArgnums: 1 },
    );
    for (let round = 0; round < 2; round++) {
      statics.forEach((s, i) => expect(f(array(0), s).item()).toBe(i));
    }
    expect(traces).toBe(statics.length);
  });

  it("f(x, Infinity) then f(x, -Infinity) computes with -Infinity", () => {
    const f = jit((x: NDArray, s: number) => x.mul(s), { staticArgnums: 1 });
    expect(f(array(1), Infinity).item()).toBe(Infinity);
    expect(f(array(1), -Infinity).item()).toBe(-Infinity);
    expect(Number.isNaN(f(array(1), NaN).item())).toBe(true);
  });

  it("a cyclic or symbol-keyed static argument is an ArgumentError, not a stack overflow", () => {
    const f = jit((x: NDArray, _s: unknown) => x, { staticArgnums: 1 });
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    expect(() => f(array(1), cyclic)).toThrow(ArgumentError);
    expect(() => f(array(1), { [Symbol("k")]: 1 })).toThrow(/symbol key/);
  });

  it("pytree keys are escaped: { a, 'b: *, c' } and { 'a: *, b', c } are different signatures", () => {
    let traces = 0;
    const f = jit((t: Record<string, NDArray>) => {
      traces++;
      return t;
    });
    const one = f({ a: array(1), "b: *, c": array(2) });
    const two = f({ "a: *, b": array(1), c: array(2) });
    expect(traces).toBe(2);
    expect(Object.keys(one).sort()).toEqual(["a", "b: *, c"]);
    expect(Object.keys(two).sort()).toEqual(["a: *, b", "c"]);
    expect(String(tree.structure({ a: 1, "b: *, c": 2 }))).not.toBe(String(tree.structure({ "a: *, b": 1, c: 2 })));
  });
});

describe("jit agrees with eager evaluation on dtype and weak type", () => {
  // Each argument kind, passed to f eagerly and to jit(f): every output leaf must agree.
  const kinds: readonly [string, unknown][] = [
    ["an integer JS number", 5],
    ["an integer beyond int32", 3e9],
    ["-0", -0],
    ["zero", 0],
    ["a negative integer", -3],
    ["a fractional JS number", 2.5],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["true", true],
    ["false", false],
    ["a float32 array", array([1, 2])],
    ["a float64 array", array([1, 2], { dtype: "float64" })],
    ["an int32 array", array([1, 2], { dtype: "int32" })],
    ["a bool array", array([true, false])],
    ["a weakly typed int32 scalar", np.add(5, 1)],
    ["a weakly typed float32 scalar", np.add(2.5, 1)],
    ["a JS array of numbers", [1, 2.5, -4]],
    ["an object of numbers, booleans and arrays", { a: 1, b: [2, true, 0.5], c: array(3, { dtype: "int32" }) }],
  ];
  const fns: readonly [string, (x: unknown) => unknown][] = [
    ["np.add(x, 1)", (x) => np.add(x as NDArray, 1)],
    ["np.multiply(x, 0.5)", (x) => np.multiply(x as NDArray, 0.5)],
    ["np.sin(x)", (x) => np.sin(x as NDArray)],
    ["np.add(x, x)", (x) => np.add(x as NDArray, x as NDArray)],
    ["np.greater(x, 1)", (x) => np.greater(x as NDArray, 1)],
    ["np.where(x, x, 0)", (x) => np.where(x as NDArray, x as NDArray, 0)],
    ["np.negative(x)", (x) => np.negative(x as NDArray)],
    ["np.sum(x)", (x) => np.sum(x as NDArray)],
    ["np.reshape(x, [1])", (x) => np.reshape(x as NDArray, [1])],
    ["nn.relu(x)", (x) => nn.relu(x as NDArray)],
  ];
  const signature = (t: unknown): string[] => tree.leaves(t).map((l) => `${(l as NDArray).dtype}${(l as NDArray).weakType ? " weak" : ""}`);
  for (const [kind, arg] of kinds) {
    for (const [fname, fn] of fns) {
      const f = (t: unknown) => tree.map((l) => fn(l), t);
      const eager = (() => {
        try {
          return signature(f(arg));
        } catch (e) {
          return `throws ${(e as Error).name}`;
        }
      })();
      it(`${fname} of ${kind}: jit gives ${eager}`, () => {
        let jitted: string[] | string;
        try {
          jitted = signature(jit(f)(arg));
        } catch (e) {
          jitted = `throws ${(e as Error).name}`;
        }
        expect(jitted).toEqual(eager);
      });
    }
  }

  it("jit(f)(5) is int32 and weakly typed, like f(5)", () => {
    const f = (x: NDArray) => np.add(x, 1);
    const y = jit(f)(5);
    expect([y.dtype, y.weakType]).toEqual([f(5 as unknown as NDArray).dtype, true]);
    expect(y.dtype).toBe("int32");
    expect(jit(f)(2.5).dtype).toBe("float32");
    expect(jit(np.negative)(5).dtype).toBe(np.negative(5).dtype);
  });

  it("one-operand functions of a JS number give the same dtype and weak type eagerly and under jit", () => {
    const fns: readonly ((x: NDArray) => NDArray)[] = [np.negative, np.abs, np.square, np.sum, np.mean, np.sin, np.exp, np.cumsum, nn.relu, nn.sigmoid];
    for (const f of fns) {
      for (const v of [5, 2.5, -0, 3e9, -7]) {
        const eager = f(v as unknown as NDArray);
        const staged = jit(f)(v);
        expect([staged.dtype, staged.weakType, staged.shape]).toEqual([eager.dtype, eager.weakType, eager.shape]);
      }
    }
  });

  it("a JS integer beyond int32 is a weak float, not a wrapped int32, eagerly and under jit", () => {
    expect(np.add(3e9, 0).item()).toBe(3e9);
    expect(jit((x: NDArray) => np.add(x, 0))(3e9).item()).toBe(3e9);
    expect(Object.is(jit((x: NDArray) => np.multiply(x, 1))(-0).item(), -0)).toBe(true);
  });

  it("grad of a jitted function and jit of grad still take integer JS numbers", () => {
    const f = (x: NDArray) => x.mul(x);
    expect(grad(jit(f))(3).item()).toBe(6);
    expect(jit(grad(f))(3).item()).toBe(6);
    expect(jit(grad(f))(3).dtype).toBe("float32");
  });
});

describe("jit with bad pytree arguments", () => {
  const id = jit((x: unknown) => x);
  class Params {
    w = 1;
  }
  const bad: readonly [string, unknown, RegExp][] = [
    ["a bigint", { w: 1n }, /argument 0 at \.w .*got a bigint/],
    ["a Promise", [array(1), Promise.resolve(1)], /argument 0 at \[1\] .*got a Promise: differentiate a synchronous function/],
    ["a Map", new Map(), /argument 0 .*got a Map/],
    ["a Set", { s: new Set([1]) }, /\.s .*got a Set/],
    ["a Date", new Date(0), /got a Date/],
    ["a class instance", { p: new Params() }, /\.p .*got a Params/],
    ["a function", { f: () => 1 }, /\.f .*got a function/],
    ["a string", { name: "w" }, /\.name .*got a string "w"/],
    ["a symbol", [Symbol("s")], /got a symbol Symbol\(s\)/],
    ["a typed array", new Float32Array(2), /got a Float32Array; wrap it with array\(\)/],
  ];
  for (const [what, arg, msg] of bad) {
    it(`a leaf that is ${what} is an ArgumentError naming its type and path`, () => {
      expect(() => id(arg)).toThrow(ArgumentError);
      expect(() => id(arg)).toThrow(msg);
    });
  }

  it("a function returning a Promise is an ArgumentError saying to use a synchronous function", () => {
    const f = jit(async (x: NDArray) => x);
    expect(() => f(array(1))).toThrow(ArgumentError);
    expect(() => f(array(1))).toThrow(/got a Promise: differentiate a synchronous function/);
  });

  it("a cyclic pytree argument is a TreeStructureError, not a stack overflow", () => {
    const cyclic: Record<string, unknown> = { w: array(1) };
    cyclic.self = cyclic;
    expect(() => id(cyclic)).toThrow(TreeStructureError);
    expect(() => id(cyclic)).toThrow(/cyclic: \[0\]\.self refers back to \[0\]/);
  });

  it("a 100,000-deep pytree argument is a TreeStructureError, not a stack overflow", () => {
    let deep: unknown = array(1);
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    expect(() => id(deep)).toThrow(TreeStructureError);
    expect(() => id(deep)).toThrow(/deeper than 1000 levels/);
  });

  it("a symbol-keyed entry of a pytree argument is a TreeStructureError naming the key", () => {
    expect(() => id({ w: array(1), [Symbol("bias")]: array(2) })).toThrow(TreeStructureError);
    expect(() => id({ w: array(1), [Symbol("bias")]: array(2) })).toThrow(/symbol key Symbol\(bias\)/);
  });
});

describe("jit of a training step with JS-number parameters", () => {
  it("trains like the eager step (an integer parameter is not truncated to int32)", () => {
    const loss = (p: { w: NDArray }) => np.square(np.subtract(p.w, 3));
    for (const opt of [sgd(0.1), adam(0.1)]) {
      const step = (p: { w: NDArray }, s: unknown) => {
        const [u, next] = opt.update(grad(loss)(p), s as never, p);
        return [applyUpdates(p, u), next] as const;
      };
      const p0 = { w: 1 } as unknown as { w: NDArray };
      const eager = step(p0, opt.init(p0))[0].w;
      const jitted = jit(step)(p0, opt.init(p0))[0].w;
      expect(eager.item()).toBeGreaterThan(1);
      expect(jitted.item()).toBeCloseTo(eager.item() as number, 6);
    }
  });
});
