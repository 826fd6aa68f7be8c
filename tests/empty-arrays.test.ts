// An array with no elements costs nothing to compute with, however long its other axes are
// (a shape such as [10¹², 0] is a valid empty array): every backend runs no kernel for a
// primitive whose outputs are all empty. Before, a reduction over the long axis looped over
// it (10⁹ steps of nothing), and `grad` of `tile(x, [10¹²])` at an empty x never returned.
import { config, type NDArray, np } from "@jaxts/core";
import { grad, jit } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";

afterEach(() => config.set({ backend: "js" }));

const LONG = 1e12;

describe.each(["js", "wasm"] as const)("empty arrays with a long axis on the %s backend", (backend) => {
  it("reduce, scan and compare along the long axis at once, eagerly and under jit", () => {
    config.set({ backend });
    const z = np.zeros([LONG, 0]);
    expect(np.sum(z, { axis: 0 }).shape).toEqual([0]);
    expect(np.max(z, { axis: 0 }).shape).toEqual([0]);
    expect(np.argmax(z, { axis: 0 }).shape).toEqual([0]);
    expect(np.cumsum(z, { axis: 0 }).shape).toEqual([LONG, 0]);
    expect(np.sort(z, { axis: 0 }).shape).toEqual([LONG, 0]);
    const f = jit((a: NDArray) => np.sum(a.mul(2), { axis: 0 }));
    expect(f(z).shape).toEqual([0]);
    // the other way round the result has elements: a sum over the empty axis is zeros
    expect(Array.from(np.sum(np.zeros([3, 0]), { axis: 1 }).toTypedArray())).toEqual([0, 0, 0]);
  }, 20_000);

  it("differentiate a tile of an empty array by a huge count", () => {
    config.set({ backend });
    const g = grad((x: NDArray) => np.sum(np.tile(x, [LONG])))(np.zeros([0])) as NDArray;
    expect(g.shape).toEqual([0]);
  }, 20_000);
});
