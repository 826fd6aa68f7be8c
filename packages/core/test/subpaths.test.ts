// The subpath exports give the same functions as the namespaces of the main entry.
import { describe, expect, it } from "vitest";
import { lax, nn, np, random, tree } from "@jaxts/core";
import * as laxSub from "@jaxts/core/lax";
import * as nnSub from "@jaxts/core/nn";
import * as npSub from "@jaxts/core/numpy";
import * as randomSub from "@jaxts/core/random";
import * as treeSub from "@jaxts/core/tree";

const namespaces = [
  ["@jaxts/core/numpy", npSub, np],
  ["@jaxts/core/lax", laxSub, lax],
  ["@jaxts/core/nn", nnSub, nn],
  ["@jaxts/core/random", randomSub, random],
  ["@jaxts/core/tree", treeSub, tree],
] as const;

describe("subpath imports", () => {
  for (const [path, sub, main] of namespaces) {
    it(`${path} exports exactly the namespace's functions, as the same objects`, () => {
      const subKeys = Object.keys(sub).sort();
      expect(subKeys).toEqual(Object.keys(main).sort());
      expect(subKeys.length).toBeGreaterThan(3);
      for (const k of subKeys) expect((sub as Record<string, unknown>)[k], k).toBe((main as Record<string, unknown>)[k]);
    });
  }

  it("work on their own: functional-style numpy code runs from the subpath", () => {
    const x = npSub.arange(4);
    expect(npSub.sum(npSub.multiply(x, x)).item()).toBe(14);
    expect(x.add(1).toArray()).toEqual([1, 2, 3, 4]);
    expect(treeSub.leaves({ b: 2, a: 1 })).toEqual([1, 2]);
    expect(randomSub.key(0).toArray()).toEqual([0, 0]);
    expect(nnSub.relu(npSub.array([-1, 2])).toArray()).toEqual([0, 2]);
    expect(laxSub.add(npSub.array([1]), 1).toArray()).toEqual([2]);
  });

  it("named functions of the API exist in each namespace", () => {
    for (const name of ["add", "where", "sum", "logsumexp", "matmul", "einsum", "reshape", "take", "takeAlongAxis", "slice", "at", "cumsum", "sort", "allclose", "var", "std"]) {
      expect(typeof (npSub as Record<string, unknown>)[name], name).toBe("function");
    }
    for (const name of ["dotGeneral", "broadcastInDim", "reduceSum", "select", "convertElementType", "gather", "scatterAdd", "iota", "stopGradient"]) {
      expect(typeof (laxSub as Record<string, unknown>)[name], name).toBe("function");
    }
    for (const name of ["relu", "gelu", "sigmoid", "softplus", "silu", "tanh", "logSigmoid", "softmax", "logSoftmax", "logsumexp", "oneHot"]) {
      expect(typeof (nnSub as Record<string, unknown>)[name], name).toBe("function");
    }
    for (const name of ["key", "split", "foldIn", "normal", "uniform", "bernoulli", "categorical", "permutation"]) {
      expect(typeof (randomSub as Record<string, unknown>)[name], name).toBe("function");
    }
    for (const name of ["map", "flatten", "unflatten", "leaves", "structure"]) {
      expect(typeof (treeSub as Record<string, unknown>)[name], name).toBe("function");
    }
  });
});
