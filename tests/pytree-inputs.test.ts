// Arguments that cannot become arrays — bigint, Promise, Map, Date, class instances, cyclic or
// absurdly deep trees — are JaxtsErrors naming the type and the pytree path, in every
// transformation that turns arguments into arrays.
import { ArgumentError, array, type NDArray, np, TreeStructureError } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

class Layer {
  w = array(1);
}
const sum = (t: unknown): NDArray => np.sum(t as NDArray);

const transforms: readonly [string, (arg: unknown) => unknown][] = [
  ["grad", (a) => grad(sum)(a as NDArray)],
  ["jit", (a) => jit((t: unknown) => t)(a)],
  ["vmap", (a) => vmap((t: unknown) => t)(a)],
];
const badLeaves: readonly [string, unknown, RegExp][] = [
  ["a bigint", { w: 3n }, /\.w.*got a bigint \(3n\)/],
  ["a Promise", { w: Promise.resolve(array(1)) }, /\.w.*got a Promise: differentiate a synchronous function/],
  ["a Map", { w: new Map() }, /\.w.*got a Map/],
  ["a Set", { w: new Set() }, /\.w.*got a Set/],
  ["a Date", { w: new Date(0) }, /\.w.*got a Date/],
  ["a class instance", { layers: [new Layer()] }, /\.layers\[0\].*got a Layer/],
  ["a function", { w: Math.sin }, /\.w.*got a function \(sin\)/],
  ["a string", { w: "1.5" }, /\.w.*got a string "1\.5"/],
  ["a symbol", { w: Symbol.iterator }, /\.w.*got a symbol Symbol\(Symbol\.iterator\)/],
];

describe("bad pytree arguments to transformations", () => {
  for (const [tname, run] of transforms) {
    for (const [what, arg, msg] of badLeaves) {
      it(`${tname} with a leaf that is ${what} is an ArgumentError naming the type and path`, () => {
        expect(() => run(arg)).toThrow(ArgumentError);
        expect(() => run(arg)).toThrow(msg);
      });
    }

    it(`${tname} with a cyclic argument is a TreeStructureError, not a stack overflow`, () => {
      const t: Record<string, unknown> = { w: array([1, 2]) };
      t.self = t;
      expect(() => run(t)).toThrow(TreeStructureError);
      expect(() => run(t)).toThrow(/cyclic/);
    });

    it(`${tname} with a 100,000-deep argument is a TreeStructureError, not a stack overflow`, () => {
      let deep: unknown = array([1, 2]);
      for (let i = 0; i < 100_000; i++) deep = [deep];
      expect(() => run(deep)).toThrow(TreeStructureError);
    });
  }

  it("grad of an async function is an ArgumentError saying to differentiate a synchronous function", () => {
    const f = async (x: NDArray) => x.mul(x);
    expect(() => grad(f as unknown as (x: NDArray) => NDArray)(array(1))).toThrow(ArgumentError);
    expect(() => grad(f as unknown as (x: NDArray) => NDArray)(array(1))).toThrow(/got a Promise: differentiate a synchronous function/);
  });
});
