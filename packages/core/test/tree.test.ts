// Pytrees: flatten/unflatten round trips over random nested arrays and objects; keys
// flatten in sorted order; null and undefined are empty subtrees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, type NDArray, TreeStructureError, tree } from "@jaxts/core";
import { runs } from "./helpers/reference.js";

const keyArb = fc.constantFrom("a", "b", "c", "x", "B", "Z", "aa", "1", "2", "10", "w_1");
const leafArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -100, max: 100 }),
  fc.integer({ min: 0, max: 3 }).map((n) => array(Array.from({ length: n }, (_, i) => i))),
);

const { node: pytreeArb } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.constantFrom(null, undefined),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(keyArb, tie("node"), { maxKeys: 3 }),
  ),
}));

const isPlainObject = (t: unknown): t is Record<string, unknown> =>
  typeof t === "object" && t !== null && [Object.prototype, null].includes(Object.getPrototypeOf(t));

/** The reference flattening order: depth first, arrays in order, object keys sorted. */
function referenceLeaves(t: unknown): unknown[] {
  if (t === null || t === undefined) return [];
  if (Array.isArray(t)) return t.flatMap(referenceLeaves);
  if (isPlainObject(t)) {
    return Object.keys(t)
      .sort()
      .flatMap((k) => referenceLeaves(t[k]));
  }
  return [t];
}

/** Same nesting with every leaf replaced by f(leaf). */
function referenceMap(t: unknown, f: (l: unknown) => unknown): unknown {
  if (t === null || t === undefined) return t;
  if (Array.isArray(t)) return t.map((c) => referenceMap(c, f));
  if (isPlainObject(t)) {
    return Object.fromEntries(Object.entries(t).map(([k, v]) => [k, referenceMap(v, f)]));
  }
  return f(t);
}

const sameItems = (a: readonly unknown[], b: readonly unknown[]) => {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(x).toBe(b[i]));
};

describe("tree.flatten / tree.unflatten", () => {
  it("unflatten(flatten(t)) rebuilds t, with the same leaf objects", () => {
    fc.assert(
      fc.property(pytreeArb, (t) => {
        const [leaves, def] = tree.flatten(t);
        const back = tree.unflatten(def, leaves);
        expect(back).toEqual(t);
        sameItems(tree.leaves(back), leaves);
      }),
      runs,
    );
  });

  it("leaves come depth first, arrays in order, object keys in sorted order; null/undefined hold none", () => {
    fc.assert(
      fc.property(pytreeArb, (t) => {
        sameItems(tree.leaves(t), referenceLeaves(t));
        sameItems(tree.flatten(t)[0], referenceLeaves(t));
        expect(tree.structure(t).numLeaves).toBe(referenceLeaves(t).length);
      }),
      runs,
    );
  });

  it("unflatten puts new leaves in the same places (sorted-key order, not insertion order)", () => {
    const def = tree.structure({ b: 1, a: [2, null, { d: 3, c: 4 }], e: undefined });
    expect(tree.unflatten(def, ["A", "C", "D", "B"])).toEqual({ a: ["A", null, { c: "C", d: "D" }], b: "B", e: undefined });
  });

  it("structure ignores leaf values and is equal for equal nestings", () => {
    fc.assert(
      fc.property(pytreeArb, (t) => {
        const other = referenceMap(t, () => 0);
        expect(tree.structure(t).equals(tree.structure(other))).toBe(true);
        expect(tree.structure(t).equals(tree.structure([t]))).toBe(false);
      }),
      runs,
    );
  });

  it("unflatten with the wrong number of leaves is a TreeStructureError", () => {
    const def = tree.structure([1, { a: 2 }]);
    expect(() => tree.unflatten(def, [1])).toThrow(TreeStructureError);
    expect(() => tree.unflatten(def, [1, 2, 3])).toThrow(/2 leaves, got 3/);
  });
});

describe("tree.map", () => {
  it("maps every leaf and keeps the structure", () => {
    fc.assert(
      fc.property(pytreeArb, (t) => {
        const f = (l: unknown) => (typeof l === "number" ? l * 2 : (l as NDArray).shape.length);
        expect(tree.map(f, t)).toEqual(referenceMap(t, f));
      }),
      runs,
    );
  });

  it("zips leaves of several trees of the same structure", () => {
    fc.assert(
      fc.property(pytreeArb, (t) => {
        let k = 0;
        const counter = referenceMap(t, () => k++);
        const r = tree.map((a: unknown, i: unknown) => (typeof a === "number" ? a + 1000 * (i as number) : i), t, counter);
        let j = 0;
        expect(r).toEqual(referenceMap(t, (l) => (typeof l === "number" ? l + 1000 * j++ : j++)));
      }),
      runs,
    );
  });

  it("treats a returned array as a leaf of the result and accepts arrays of NDArrays", () => {
    const out = tree.map((x: unknown) => (x as NDArray).add(1), { w: array([1, 2]), b: [array(0)] }) as { w: NDArray; b: NDArray[] };
    expect(out.w.toArray()).toEqual([2, 3]);
    expect(out.b[0]!.item()).toBe(1);
  });

  it("names where two trees differ in a TreeStructureError", () => {
    expect(() => tree.map((a: unknown) => a, { a: 1, b: [1, 2] }, { a: 1, b: [1] })).toThrow(TreeStructureError);
    expect(() => tree.map((a: unknown) => a, { a: 1, b: [1, 2] }, { a: 1, b: [1] })).toThrow(/\.b/);
  });
});
