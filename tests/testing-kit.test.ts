// The gradient-testing kit a user brings to their own functions: checkGrads against
// finite differences, and fast-check arbitraries for arrays, shapes and pytrees.
import { array, JaxtsError, NDArray, np, tree } from "@jaxts/core";
import { customJvp } from "@jaxts/transforms";
import { arrayArb, checkGrads, GradientCheckError, pytreeArb, shapeArb } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { thrown } from "../packages/core/test/helpers/thrown.js";

const x3 = array([0.4, -1.1, 0.7], { dtype: "float64" });

/** sin with a deliberately wrong derivative: 2·t instead of cos(x)·t. */
const wrongSin = customJvp(
  (x: NDArray) => np.sin(x),
  ([x], [t]) => [np.sin(x as NDArray), (t as NDArray).mul(2)],
);

/** cos whose own derivative is wrong (5·t), used inside a rule so that only the second derivative is wrong. */
const wrongCos = customJvp(
  (x: NDArray) => np.cos(x),
  ([x], [t]) => [np.cos(x as NDArray), (t as NDArray).mul(5)],
);
const sinWrongSecond = customJvp(
  (x: NDArray) => np.sin(x),
  ([x], [t]) => [np.sin(x as NDArray), (t as NDArray).mul(wrongCos(x as NDArray))],
);

describe("checkGrads", () => {
  const good = (x: NDArray, y: NDArray) => np.sum(np.tanh(x).mul(np.sin(y)).add(x.mul(x).mul(y)));

  it.each([1, 2, 3] as const)("passes for a correct function at order %i in both modes", (order) => {
    expect(() => checkGrads(good, [x3, array([1.0, 0.5, -0.2])], { order })).not.toThrow();
    expect(() => checkGrads(good, [x3, array([1.0, 0.5, -0.2])], { order, modes: ["fwd"] })).not.toThrow();
    expect(() => checkGrads(good, [x3, array([1.0, 0.5, -0.2])], { order, modes: ["rev"] })).not.toThrow();
  });

  it("accepts float32 inputs, numbers and pytree arguments", () => {
    const f = (p: { w: NDArray; b: NDArray[] }, s: NDArray) => np.sum(np.tanh(p.w.mul(s)).add(p.b[0]!));
    expect(() => checkGrads(f, [{ w: array([0.3, -0.6]), b: [array(0.1)] }, 1.5], { order: 2 })).not.toThrow();
  });

  it("throws a GradientCheckError naming the argument, mode fwd and order 1 for a wrong customJvp rule", () => {
    const e = thrown(() => checkGrads((a: NDArray, b: NDArray) => np.sum(a.mul(wrongSin(b))), [x3, x3], { order: 1, modes: ["fwd"] }));
    expect(e).toBeInstanceOf(GradientCheckError);
    expect(e).toBeInstanceOf(JaxtsError);
    expect(e.message).toMatch(/argument 1, mode fwd, order 1\b/);
    expect(e.message).toMatch(/derivative -?\d.* vs finite difference -?\d/);
  });

  it("names mode rev when only reverse mode is checked", () => {
    const e = thrown(() => checkGrads(wrongSin, [x3], { order: 1, modes: ["rev"] }));
    expect(e).toBeInstanceOf(GradientCheckError);
    expect(e.message).toMatch(/argument 0, mode rev, order 1\b/);
  });

  it("reports order 1 (not the requested order) when the first derivative is already wrong", () => {
    const e = thrown(() => checkGrads(wrongSin, [x3], { order: 3 }));
    expect(e.message).toMatch(/argument 0, mode fwd, order 1\b/);
  });

  it("reports order 2 when only the second derivative is wrong", () => {
    expect(() => checkGrads(sinWrongSecond, [x3], { order: 1 })).not.toThrow();
    const fwd = thrown(() => checkGrads(sinWrongSecond, [x3], { order: 2, modes: ["fwd"] }));
    expect(fwd).toBeInstanceOf(GradientCheckError);
    expect(fwd.message).toMatch(/argument 0, mode fwd, order 2 \(fwd over fwd\)/);
    const rev = thrown(() => checkGrads(sinWrongSecond, [x3], { order: 2, modes: ["rev"] }));
    expect(rev.message).toMatch(/argument 0, mode rev, order 2 \(rev over rev\)/);
  });

  it("tolerances are options", () => {
    const slightlyWrong = customJvp(
      (x: NDArray) => np.sin(x),
      ([x], [t]) => [np.sin(x as NDArray), (t as NDArray).mul(np.cos(x as NDArray).mul(1.001))],
    );
    expect(() => checkGrads(slightlyWrong, [x3], { order: 1 })).toThrow(GradientCheckError);
    expect(() => checkGrads(slightlyWrong, [x3], { order: 1, atol: 1e-2, rtol: 1e-2 })).not.toThrow();
  });
});

describe("arbitraries", () => {
  it("reach the bounds a user names past 10 (rank, children), with fast-check's own default sizes", () => {
    // (a user's suite has not set what tests/setup.ts sets: fast-check 4 then caps every
    // length at 10 unless the arbitrary asks for its full range)
    const saved = fc.readConfigureGlobal();
    fc.configureGlobal({ ...saved, defaultSizeToMaxWhenMaxSpecified: false });
    try {
      const ranks = fc.sample(shapeArb({ maxRank: 14, maxDim: 1 }), { numRuns: 300, seed: 3 }).map((s) => s.length);
      expect(Math.max(...ranks)).toBeGreaterThan(10);
      const widths = fc.sample(pytreeArb(fc.constant(0), { maxChildren: 16, maxDepth: 1 }), { numRuns: 300, seed: 4 }).map((t) => (Array.isArray(t) ? t.length : 0));
      expect(Math.max(...widths)).toBeGreaterThan(10);
    } finally {
      fc.configureGlobal(saved);
    }
  });

  it("shapeArb generates shapes within the rank and dimension bounds", () => {
    fc.assert(
      fc.property(shapeArb({ maxRank: 2, maxDim: 3 }), (s) => {
        expect(s.length).toBeLessThanOrEqual(2);
        for (const d of s) expect(d >= 1 && d <= 3 && Number.isInteger(d)).toBe(true);
      }),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(shapeArb({ minRank: 1, maxRank: 1, minDim: 0, maxDim: 0 }), (s) => {
        expect(s).toEqual([0]);
      }),
      { numRuns: 5 },
    );
    const ranks = new Set(fc.sample(shapeArb(), 200).map((s) => s.length));
    expect([...ranks].sort()).toEqual([0, 1, 2, 3]);
  });

  it("arrayArb generates arrays of the given shape, dtype and range", () => {
    fc.assert(
      fc.property(arrayArb({ shape: [2, 3], min: -1, max: 1 }), (x) => {
        expect(x.shape).toEqual([2, 3]);
        expect(x.dtype).toBe("float64");
        for (const v of x.toTypedArray()) expect(Math.abs(Number(v))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(arrayArb({ shape: [4], dtype: "int32", min: -3, max: 3 }), (x) => {
        expect(x.dtype).toBe("int32");
        for (const v of x.toTypedArray()) expect(Number.isInteger(v) && Math.abs(Number(v)) <= 3).toBe(true);
      }),
      { numRuns: 20 },
    );
    fc.assert(
      fc.property(arrayArb({ shape: [2], dtype: "bool" }), (x) => {
        expect(x.dtype).toBe("bool");
        for (const v of x.toArray() as boolean[]) expect(typeof v).toBe("boolean");
      }),
      { numRuns: 10 },
    );
    fc.assert(
      fc.property(arrayArb({ shape: shapeArb({ maxRank: 2, maxDim: 2 }), dtype: "float32" }), (x) => {
        expect(x.ndim).toBeLessThanOrEqual(2);
        expect(x.dtype).toBe("float32");
        expect(x.size).toBe(x.shape.reduce((a, b) => a * b, 1));
      }),
      { numRuns: 20 },
    );
  });

  it("pytreeArb generates nested arrays and objects whose leaves come from the leaf arbitrary", () => {
    let nodes = 0;
    fc.assert(
      fc.property(pytreeArb(arrayArb({ shape: [2] }), { maxDepth: 2 }), (t) => {
        const [leaves, def] = tree.flatten(t);
        for (const l of leaves) expect((l as NDArray).shape).toEqual([2]);
        expect(tree.leaves(tree.unflatten(def, leaves))).toHaveLength(leaves.length);
        if (!(t instanceof NDArray)) nodes++;
      }),
      { numRuns: 50, seed: 7 },
    );
    expect(nodes).toBeGreaterThan(0);
  });
});

describe("a user's own property test", () => {
  it("reads in five lines", () => {
    fc.assert(
      fc.property(arrayArb({ shape: [3] }), (x) => {
        checkGrads((x: NDArray) => np.sum(np.tanh(x).mul(x)), [x], { order: 2 });
      }),
      { numRuns: 10 },
    );
  });

  it("over pytrees of parameters", () => {
    fc.assert(
      fc.property(pytreeArb(arrayArb({ shape: [2], min: -1, max: 1 }), { maxDepth: 2 }), (params) => {
        const loss = (p: unknown) => tree.leaves(p).reduce<NDArray>((acc, l) => acc.add(np.sum(np.sin(l as NDArray))), array(0, { dtype: "float64" }));
        checkGrads(loss, [params], { order: 1 });
      }),
      { numRuns: 10, seed: 3 },
    );
  });

  it("finds a wrong rule and reports checkGrads' message", () => {
    const run = () =>
      fc.assert(
        fc.property(arrayArb({ shape: [3] }), (x) => {
          checkGrads(wrongSin, [x], { order: 1 });
        }),
        { numRuns: 10, seed: 1 },
      );
    const e = thrown(run);
    // fast-check reports the counterexample and keeps checkGrads' error as the cause
    expect(e.message).toMatch(/Counterexample/);
    expect(e.cause).toBeInstanceOf(GradientCheckError);
    expect((e.cause as Error).message).toMatch(/argument 0, mode fwd, order 1/);
  });
});
