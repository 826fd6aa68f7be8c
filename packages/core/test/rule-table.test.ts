// Rule tables read by primitive name through a Map (src/rule-table.ts): what the dispatch of
// bind, the JVP, transpose, batching and the kernels relies on.
import { describe, expect, it } from "vitest";
import { abstractEvalRules, ruleLookup } from "@jaxts/core";
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
