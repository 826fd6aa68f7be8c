// @jaxts/optim's tree utilities under transformations: their derivatives agree with finite
// differences (float64, orders 1 and 2), vmap over a batch of trees equals a loop, and jit
// equals eager.
import { type NDArray, np, random } from "@jaxts/core";
import { treeAddScale, treeClip, treeMax, treeNorm, treeSum, treeVdot, treeWhere } from "@jaxts/optim";
import { grad, jit, vmap } from "@jaxts/transforms";
import { arrayArb, checkGrads } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectTreeClose, loopVmap } from "./vmap-helpers.js";

const RUNS = { numRuns: 4, seed: 11 };
/** A two-leaf tree { a: [3], b: [2, 2] } built from two flat arguments, away from 0 (the
 * kink of |x|) and without ties (the kink of max). */
const arg = (n: number[]) =>
  arrayArb({ shape: n, min: 0.2, max: 2 }).map((x) => np.multiply(x, np.where(np.less(np.sin(np.multiply(x, 1000)), 0), -1, 1)));
const asTree = (a: NDArray, b: NDArray) => ({ a, b });
/** The same seven leaves with distinct magnitudes (a grid, shuffled, random signs): no ties
 * at the kinks of max and |x|, which finite differences would straddle. */
const distinct = fc
  .tuple(fc.shuffledSubarray([0.3, 0.55, 0.8, 1.05, 1.3, 1.55, 1.8, 2.05], { minLength: 7, maxLength: 7 }), fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }))
  .map(([m, s]) => m.map((v, i) => (s[i] ? v : -v)))
  .map((v): [NDArray, NDArray] => [np.asarray(v.slice(0, 3), { dtype: "float64" }), np.asarray(v.slice(3), { dtype: "float64" }).reshape([2, 2])]);

describe("tree reductions have the derivatives of their formulas", () => {
  it.each([
    ["treeNorm (ord 2)", (t: object) => treeNorm(t)],
    ["treeNorm (ord 2, squared)", (t: object) => treeNorm(t, { squared: true })],
    ["treeNorm (ord 1)", (t: object) => treeNorm(t, { ord: 1 })],
    ["treeNorm (ord inf)", (t: object) => treeNorm(t, { ord: "inf" })],
    ["treeSum", (t: object) => treeSum(t)],
    ["treeMax", (t: object) => treeMax(t)],
  ] as const)("%s", (_name, f) => {
    fc.assert(fc.property(distinct, ([a, b]) => checkGrads((x: NDArray, y: NDArray) => f(asTree(x, y)), [a, b], { order: 2 })), RUNS);
  });

  it("treeVdot and treeAddScale in both trees", () => {
    fc.assert(
      fc.property(arg([3]), arg([2, 2]), arg([3]), arg([2, 2]), (a, b, c, d) => {
        checkGrads((w: NDArray, x: NDArray, y: NDArray, z: NDArray) => treeVdot(asTree(w, x), asTree(y, z)), [a, b, c, d], { order: 2 });
        checkGrads((w: NDArray, x: NDArray, y: NDArray, z: NDArray) => treeSum(treeAddScale(asTree(w, x), 0.3, asTree(np.sin(y), z))), [a, b, c, d], { order: 2 });
      }),
      RUNS,
    );
  });

  it("the gradient of treeNorm is t / ‖t‖, a tree of the same structure", () => {
    const t = { a: np.asarray([3, 0], { dtype: "float64" }), b: [np.asarray([4], { dtype: "float64" })] };
    const g = grad((p: typeof t) => treeNorm(p))(t) as { a: NDArray; b: NDArray[] };
    const [ga, gb] = [g.a.toArray() as number[], g.b[0]!.toArray() as number[]];
    expect(ga[0]).toBeCloseTo(0.6, 15);
    expect(ga[1]).toBe(0);
    expect(gb[0]).toBeCloseTo(0.8, 15);
  });
});

describe("vmap over a batch of trees equals a loop; jit equals eager", () => {
  const a = random.normal(random.key(1), [4, 3], "float64");
  const b = random.normal(random.key(2), [4, 2, 2], "float64");
  const fs: readonly [string, (x: NDArray, y: NDArray) => unknown][] = [
    ["treeNorm", (x, y) => treeNorm(asTree(x, y))],
    ["treeNorm ord 1", (x, y) => treeNorm(asTree(x, y), { ord: 1 })],
    ["treeMax", (x, y) => treeMax(asTree(x, y))],
    ["treeVdot", (x, y) => treeVdot(asTree(x, y), asTree(np.cos(x), y))],
    ["treeClip", (x, y) => treeClip(asTree(x, y), { minValue: -0.5, maxValue: 0.5 })],
    ["treeWhere", (x, y) => treeWhere(np.greater(np.sum(x), 0), asTree(x, y), asTree(np.negative(x), y))],
  ];
  for (const [name, f] of fs) {
    it(name, () => {
      expectTreeClose(vmap(f)(a, b), loopVmap(f, [0, 0], [a, b]), { rtol: 1e-12, atol: 1e-14 });
      expectTreeClose(jit(f)(a, b), f(a, b), { rtol: 1e-12, atol: 1e-14 });
    });
  }
});
