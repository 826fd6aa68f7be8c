// Regression tests for bad inputs the fuzz suite (tests/fuzz) found in @jaxts/transforms and
// its testing kit: a non-function or a malformed option is an ArgumentError when it is given.
import { ArgumentError, array, DTypeError, type NDArray, np } from "@jaxts/core";
import { grad, jit, printSavedResiduals, savedResiduals } from "@jaxts/transforms";
import { arrayArb, checkGrads, pytreeArb, shapeArb } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";
import { thrown } from "../packages/core/test/helpers/thrown.js";

describe("transformations of a non-function", () => {
  it("jit(42) is an ArgumentError naming jit", () => {
    const e = thrown(() => jit(42 as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/^jit: expected a function/);
  });

  it("savedResiduals and printSavedResiduals of a non-function are ArgumentErrors", () => {
    expect(thrown(() => savedResiduals("f" as never, array([1])))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => printSavedResiduals(null as never, array([1])))).toBeInstanceOf(ArgumentError);
  });

  it("checkGrads needs a function and a list of arguments", () => {
    expect(thrown(() => checkGrads(42 as never, [array([1])]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => checkGrads((x: never) => np.sum(x), array([1]) as never))).toBeInstanceOf(ArgumentError);
  });

  it("a grad still works after each of these errors", () => {
    for (const bad of [() => jit(1 as never), () => checkGrads(1 as never, [])]) expect(bad).toThrow(ArgumentError);
    const g = grad((x: NDArray) => np.sum(np.square(x))) as unknown as (x: number) => NDArray;
    expect(g(3).item()).toBe(6);
  });
});

describe("the testing arbitraries check their options", () => {
  it("shapeArb and arrayArb with an empty or malformed range are ArgumentErrors, not fast-check errors", () => {
    expect(thrown(() => shapeArb(null as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => shapeArb({ minDim: 3, maxDim: 1 }))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => arrayArb({ min: 2, max: -2 }))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => arrayArb({ dtype: "int32", min: 0.2, max: 0.8 }))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => arrayArb({ shape: [2, -1] }))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => arrayArb({ dtype: "float8" as never }))).toBeInstanceOf(DTypeError);
  });

  it("pytreeArb needs an arbitrary as its leaf", () => {
    const e = thrown(() => pytreeArb("bool" as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/pytreeArb: the leaf must be a fast-check arbitrary/);
  });
});
