// The optax.tree_utils functions over nested pytrees (objects, arrays, JS-number leaves,
// null subtrees) against plain-JS computations over the flattened leaves.
import { ArgumentError, array, type NDArray, np, tree, TreeStructureError } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import {
  treeAdd,
  treeAddScale,
  treeAllclose,
  treeClip,
  treeDiv,
  treeFullLike,
  treeMax,
  treeMin,
  treeMul,
  treeNorm,
  treeOnesLike,
  treeScale,
  treeSize,
  treeSub,
  treeSum,
  treeVdot,
  treeWhere,
  treeZerosLike,
} from "../src/index.js";

const f64 = (xs: number[] | number[][]) => array(xs, { dtype: "float64" });
const x = { w: f64([[1, -2], [3, -4]]), b: [f64([0.5, -6]), null], c: 2 };
const y = { w: f64([[-1, 1], [2, 0.5]]), b: [f64([4, 2]), null], c: -4 };
/** The leaves' values in flattening order, as one JS list. */
const flat = (t: unknown): number[] => tree.leaves(t).flatMap((l) => (typeof l === "number" ? [l] : Array.from((l as NDArray).toTypedArray(), Number)));
const num = (a: NDArray) => a.item() as number;
const xs = flat(x);
const ys = flat(y);

describe("leafwise arithmetic keeps the structure", () => {
  it.each([
    ["treeAdd", () => treeAdd(x, y), (a: number, b: number) => a + b],
    ["treeSub", () => treeSub(x, y), (a: number, b: number) => a - b],
    ["treeMul", () => treeMul(x, y), (a: number, b: number) => a * b],
    ["treeDiv", () => treeDiv(x, y), (a: number, b: number) => a / b],
    ["treeAddScale", () => treeAddScale(x, 0.5, y), (a: number, b: number) => a + 0.5 * b],
  ] as const)("%s", (_name, f, ref) => {
    const out = f();
    expect(String(tree.structure(out))).toBe(String(tree.structure(x)));
    expect(flat(out)).toEqual(xs.map((a, i) => ref(a, ys[i]!)));
  });

  it("treeAdd takes any number of trees; treeScale multiplies every leaf", () => {
    expect(flat(treeAdd(x, y, x, y))).toEqual(xs.map((a, i) => 2 * (a + ys[i]!)));
    expect(flat(treeScale(-2, x))).toEqual(xs.map((a) => -2 * a));
    expect(flat(treeScale(f64([2, 3]), { a: f64([1, 1]) }))).toEqual([2, 3]);
  });

  it("trees of different structures are a TreeStructureError", () => {
    expect(() => treeAdd(x, { w: x.w, b: x.b })).toThrow(TreeStructureError);
    expect(() => treeVdot([f64([1])], [f64([1]), f64([2])])).toThrow(TreeStructureError);
  });
});

describe("reductions and norms over every element of every leaf", () => {
  it("treeSum, treeMax, treeMin, treeSize, treeVdot", () => {
    expect(num(treeSum(x))).toBe(xs.reduce((a, b) => a + b, 0));
    expect(num(treeMax(x))).toBe(Math.max(...xs));
    expect(num(treeMin(x))).toBe(Math.min(...xs));
    expect(treeSize(x)).toBe(xs.length);
    expect(num(treeVdot(x, y))).toBe(xs.reduce((s, a, i) => s + a * ys[i]!, 0));
  });

  it("treeNorm of ord 2 (default), 1 and Infinity, plain and squared", () => {
    const l2sq = xs.reduce((s, a) => s + a * a, 0);
    const l1 = xs.reduce((s, a) => s + Math.abs(a), 0);
    const linf = Math.max(...xs.map(Math.abs));
    expect(num(treeNorm(x))).toBeCloseTo(Math.sqrt(l2sq), 14);
    expect(num(treeNorm(x, { ord: null }))).toBeCloseTo(Math.sqrt(l2sq), 14);
    expect(num(treeNorm(x, { squared: true }))).toBe(l2sq);
    expect(num(treeNorm(x, { ord: 1 }))).toBe(l1);
    expect(num(treeNorm(x, { ord: 1, squared: true }))).toBe(l1 * l1);
    for (const ord of [Number.POSITIVE_INFINITY, "inf", "infinity"] as const) expect(num(treeNorm(x, { ord }))).toBe(linf);
  });

  it("empty trees and empty leaves: sum 0, max -inf, min +inf, norm 0", () => {
    expect(num(treeSum({}))).toBe(0);
    expect(num(treeMax([]))).toBe(Number.NEGATIVE_INFINITY);
    expect(num(treeMin(null))).toBe(Number.POSITIVE_INFINITY);
    expect(num(treeMax([np.zeros([0]), f64([-3, -5])]))).toBe(-3);
    expect(num(treeNorm({}))).toBe(0);
    expect(num(treeVdot([], []))).toBe(0);
  });

  it("integer trees reduce to integers", () => {
    const ints = { a: array([1, 5], { dtype: "int32" }), b: array([[-7]], { dtype: "int32" }) };
    expect([treeSum(ints).dtype, num(treeSum(ints))]).toEqual(["int32", -1]);
    expect([treeMax(ints).dtype, num(treeMax(ints))]).toEqual(["int32", 5]);
    expect(num(treeVdot(ints, ints))).toBe(75);
  });

  it("treeVdot needs equal leaf shapes; treeNorm rejects other orders", () => {
    expect(() => treeVdot([f64([1, 2])], [f64([[1, 2]])])).toThrow(/leaf 0 has shapes \[2\] and \[1, 2\]/);
    expect(() => treeNorm(x, { ord: 3 })).toThrow(ArgumentError);
    expect(() => treeNorm(x, { ord: 3 })).toThrow(/ord.*got number 3/);
    expect(() => treeNorm(x, { order: 1 } as never)).toThrow(/did you mean `ord`/);
  });
});

describe("constructors, clip and where", () => {
  it("treeZerosLike, treeOnesLike and treeFullLike keep shapes and (unless asked) dtypes", () => {
    const t = { a: f64([1, 2]), b: array([3], { dtype: "int32" }) };
    const z = treeZerosLike(t) as { a: NDArray; b: NDArray };
    expect([z.a.dtype, z.b.dtype, flat(z)]).toEqual(["float64", "int32", [0, 0, 0]]);
    const o = treeOnesLike(t, { dtype: "float32" }) as { a: NDArray; b: NDArray };
    expect([o.a.dtype, o.b.dtype, flat(o)]).toEqual(["float32", "float32", [1, 1, 1]]);
    expect(flat(treeFullLike(t, 7))).toEqual([7, 7, 7]);
    expect(flat(treeFullLike({ a: np.zeros([2, 2]) }, f64([1, 2])))).toEqual([1, 2, 1, 2]);
    expect(() => treeFullLike(t, "7" as never)).toThrow(ArgumentError);
  });

  it("treeClip bounds each side independently", () => {
    expect(flat(treeClip(x, { minValue: -1, maxValue: 2 }))).toEqual(xs.map((a) => Math.min(2, Math.max(-1, a))));
    expect(flat(treeClip(x, { minValue: 0 }))).toEqual(xs.map((a) => Math.max(0, a)));
    expect(flat(treeClip(x, { maxValue: 0, minValue: null }))).toEqual(xs.map((a) => Math.min(0, a)));
    expect(flat(treeClip(x))).toEqual(xs);
    expect(() => treeClip(x, { min: 0 } as never)).toThrow(/did you mean `minValue`/);
  });

  it("treeWhere picks from x or y by a scalar or broadcasting condition", () => {
    expect(flat(treeWhere(true, x, y))).toEqual(xs);
    expect(flat(treeWhere(array(false), x, y))).toEqual(ys);
    const picked = treeWhere(array([true, false]), { a: f64([1, 2]) }, { a: f64([3, 4]) });
    expect(flat(picked)).toEqual([1, 4]);
  });

  it("treeAllclose compares every leaf", () => {
    expect(treeAllclose(x, treeAdd(x, treeScale(1e-12, y))).item()).toBe(true);
    expect(treeAllclose(x, y).item()).toBe(false);
    expect(treeAllclose(x, treeAdd(x, treeScale(1e-3, y)), { atol: 1e-2 }).item()).toBe(true);
  });
});
