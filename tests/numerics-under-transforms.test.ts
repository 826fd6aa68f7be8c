// Numerics under grad, vmap and jit: out-of-range index modes (fill / clip / drop) and the
// last-write-wins `at().set` — the derivative of a filled read is zero at the filled
// positions, only the winning update of a repeated index receives a cotangent — and random
// numbers, which are the same eagerly, under jit and under vmap.
import { array, type NDArray, np, random } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const idx = (v: number[]) => array(v, { dtype: "int32" });

describe("indexing modes under transformations", () => {
  it("grad of a filled np.take is the scatter of ones at in-range indices only", () => {
    const f = (x: NDArray) => np.sum(np.where(np.isnan(np.take(x, [0, 5, 2, 2])), 0, np.take(x, [0, 5, 2, 2])));
    expect(grad(f)(array([1, 2, 3])).toArray()).toEqual([1, 0, 2]);
  });

  it("grad of at().set with a repeated index flows to the last update only", () => {
    const f = (u: NDArray) => np.sum(np.multiply(np.at(np.zeros([3]), idx([1, 1, 0])).set(u), array([1, 10, 100])));
    expect(grad(f)(array([5, 6, 7])).toArray()).toEqual([0, 10, 1]);
    const g = (x: NDArray) => np.sum(np.at(x, idx([1, 5])).set(array([0, 0])));
    expect(grad(g)(array([1, 2, 3])).toArray()).toEqual([1, 0, 1]);
  });

  it("jit and vmap agree with eager on fill reads and last-wins writes", () => {
    const f = (x: NDArray, i: NDArray) => np.add(np.at(x, i).set(array([7, 8, 9])), np.take(x, i, { mode: "fill", fillValue: 0 }).sum());
    const x = array([1, 2, 3, 4]);
    const i = idx([2, 9, 2]);
    const eager = f(x, i).toArray();
    expect(eager).toEqual([7, 8, 15, 10]);
    expect(jit(f)(x, i).toArray()).toEqual(eager);
    const xs = np.stack([x, np.multiply(x, 2)]);
    const is = np.stack([i, idx([0, 0, -1])]);
    const batched = vmap(f)(xs, is).toArray();
    expect(batched).toEqual([eager, f(np.multiply(x, 2), idx([0, 0, -1])).toArray()]);
  });
});

describe("random under jit and vmap", () => {
  it("jit(random.uniform) and vmap over split keys give the eager (partitionable threefry) numbers", () => {
    const k = random.key(0);
    const f = (key: NDArray) => random.uniform(key, [5]);
    expect(jit(f)(k).toArray()).toEqual(f(k).toArray());
    const keys = np.stack(random.split(k, 3));
    const eager = random.split(k, 3).map((kk) => f(kk).toArray());
    expect(vmap(f)(keys).toArray()).toEqual(eager);
  });
});
