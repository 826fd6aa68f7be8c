// Pytrees: flatten/unflatten round trips over random nested arrays and objects; keys
// flatten in sorted order; null and undefined are empty subtrees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, array, type NDArray, TreeStructureError, tree } from "@jaxts/core";
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

  it("an own __proto__ key (as JSON.parse makes) comes back as an own key, not as the prototype", () => {
    const t = JSON.parse('{"__proto__": 1, "a": 2}') as Record<string, unknown>;
    const [leaves, def] = tree.flatten(t);
    const back = tree.unflatten(def, leaves.map((x) => (x as number) * 10)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back).sort()).toEqual(["__proto__", "a"]);
    expect(Object.getOwnPropertyDescriptor(back, "__proto__")?.value).toBe(10);
    expect(back.a).toBe(20);
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

describe("pytree structures are told apart exactly", () => {
  it('tree.map treats { "a\\0b": … } and { a, b } as different structures', () => {
    expect(() => tree.map((x: unknown) => x, { "a\0b": 1 }, { a: 1, b: 2 })).toThrow(TreeStructureError);
    expect(() => tree.map((x: unknown) => x, { a: 1, b: 2 }, { "a\0b": 1, c: 2 })).toThrow(TreeStructureError);
    expect(tree.structure({ "a\0b": 1 }).equals(tree.structure({ a: 1, b: 2 }))).toBe(false);
  });

  it("printed structures escape keys, so different structures never print alike", () => {
    const one = tree.structure({ a: 1, "b: *, c": 2 });
    const two = tree.structure({ "a: *, b": 1, c: 2 });
    expect(String(one)).not.toBe(String(two));
    expect(String(one)).toBe('{a: *, "b: *, c": *}');
    expect(String(tree.structure({ "a\0b": 1 }))).not.toBe(String(tree.structure({ a: 1, b: 2 })));
  });

  it("a leaf path with an odd key is written so it can be read back", () => {
    expect(tree.leafPaths({ "a b": 1, w: [2] })).toEqual(['["a b"]', ".w[0]"]);
  });
});

describe("bad pytrees are clear errors", () => {
  it("a symbol-keyed entry is a TreeStructureError naming the key, not silently dropped", () => {
    const params = { w: array(1), [Symbol("bias")]: array(2) };
    expect(() => tree.flatten(params)).toThrow(TreeStructureError);
    expect(() => tree.flatten(params)).toThrow(/symbol key Symbol\(bias\)/);
    expect(() => tree.map((x: unknown) => x, { layer: params })).toThrow(/at \.layer has a symbol key/);
  });

  it("a non-enumerable symbol (an implementation detail of an object) is ignored", () => {
    const t = { w: 1 };
    Object.defineProperty(t, Symbol("hidden"), { value: 2, enumerable: false });
    expect(tree.leaves(t)).toEqual([1]);
  });

  it("a cyclic pytree is a TreeStructureError naming the path, not a stack overflow", () => {
    const t: Record<string, unknown> = { w: 1, layers: [] };
    (t.layers as unknown[]).push({ next: t });
    expect(() => tree.flatten(t)).toThrow(TreeStructureError);
    expect(() => tree.flatten(t)).toThrow(/cyclic: \.layers\[0\]\.next refers back to \(root\)/);
  });

  it("a shared (non-cyclic) subtree is fine: it appears twice", () => {
    const shared = { w: 1 };
    expect(tree.leaves([shared, shared])).toEqual([1, 1]);
  });

  it("a 100,000-deep pytree is a TreeStructureError, not a stack overflow", () => {
    let deepObject: unknown = 1;
    let deepArray: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deepObject = { d: deepObject };
      deepArray = [deepArray];
    }
    expect(() => tree.flatten(deepObject)).toThrow(TreeStructureError);
    expect(() => tree.map((x: unknown) => x, deepArray)).toThrow(/tree.map: the pytree is nested deeper than 1000 levels/);
  });

  it("tree.map with a non-function is an ArgumentError", () => {
    expect(() => tree.map(42 as unknown as (x: unknown) => unknown, [1])).toThrow(ArgumentError);
    expect(() => tree.map(42 as unknown as (x: unknown) => unknown, [1])).toThrow(/tree\.map: the first argument must be the function to apply, got number/);
  });

  it("tree.map over non-array leaves (strings, class instances) is allowed: they are leaves", () => {
    class P {
      constructor(readonly v: number) {}
    }
    expect(tree.map((x: unknown) => (x instanceof P ? x.v : String(x).length), { s: "abc", p: new P(7) })).toEqual({ p: 7, s: 3 });
  });
});
