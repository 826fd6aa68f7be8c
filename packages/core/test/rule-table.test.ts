// Rule tables read by primitive name through a Map (src/rule-table.ts): what the dispatch of
// bind, the JVP, transpose, batching and the kernels relies on.
import { describe, expect, it } from "vitest";
import { abstractEvalRules, ArgumentError, array, bind, type NDArray, type PrimitiveName, ruleLookup } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { jsKernels } from "../src/backend/js/index.js";

describe("a rule table read by name", () => {
  it("finds every rule of its table, the same function, and nothing the table does not own", () => {
    for (const table of [abstractEvalRules, jsKernels] as const) {
      const lookup = ruleLookup(() => table);
      const names = Object.keys(table);
      expect(names.length).toBeGreaterThan(50);
      for (const name of names) {
        expect(lookup.has(name)).toBe(true);
        expect(lookup.get(name as keyof typeof table)).toBe(table[name as keyof typeof table]);
      }
      // (an object's `in` would also find what it inherits)
      for (const name of ["toString", "constructor", "__proto__", "hasOwnProperty", "not_a_primitive"]) expect(lookup.has(name)).toBe(false);
    }
  });

  it("reads its table at the first lookup, so a table a module defines after it imports the reader still works", () => {
    let table: { readonly a: number; readonly b: number } | undefined;
    const lookup = ruleLookup(() => table!);
    table = { a: 1, b: 2 };
    expect(lookup.get("a")).toBe(1);
    expect(lookup.get("b")).toBe(2);
    expect(lookup.has("c")).toBe(false);
  });
});

describe("bind given a name that is no primitive", () => {
  it("throws an ArgumentError naming it, eagerly and under jit, grad and vmap, for names every object inherits too", () => {
    const x = array([1, 2]);
    for (const name of ["no_such_primitive", "toString", "constructor", "__proto__", "hasOwnProperty"]) {
      const f = (a: NDArray): NDArray => bind(name as PrimitiveName, [a], {} as never)[0]!;
      for (const run of [f, jit(f), vmap(f), grad((a: NDArray) => f(a).sum())]) {
        expect(() => run(x)).toThrow(ArgumentError);
        expect(() => run(x)).toThrow(`unknown primitive "${name}"`);
      }
    }
  });
});
