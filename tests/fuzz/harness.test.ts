// The fuzz harness catches each failure class it is meant to: a non-JaxtsError, a mutated
// input, a polluted prototype, a malformed result. Each case feeds it a deliberately broken
// function and expects the property to fail with the matching message.
import { ArgumentError, NDArray, np } from "@jaxts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fuzzFunction, fuzzMixedPrecision } from "./harness.js";

/** The harness's message for the first failing case (fast-check keeps it as the cause). */
function failure(run: () => void): string {
  try {
    run();
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    return cause instanceof Error ? cause.message : String(e);
  }
  return "(no failure)";
}

// Each case ends in a (shrunk) failure; under a loaded machine that can take a few seconds.
describe("the fuzz harness", { timeout: 30_000 }, () => {
  it("fails on a TypeError escaping from a function", () => {
    const buggy = (x: unknown) => {
      if (x instanceof NDArray && x.size === 0) throw new TypeError("boom");
      return np.sin(x as NDArray);
    };
    expect(failure(() => fuzzFunction("buggy", buggy, ["A"], undefined, 200))).toMatch(/buggy\(.*\) threw TypeError: boom/);
  });

  it("lets a JaxtsError through", () => {
    const strict = (x: unknown) => {
      throw new ArgumentError(`strict: got ${typeof x}`);
    };
    expect(() => fuzzFunction("strict", strict, ["Any"], undefined, 50)).not.toThrow();
  });

  it("fails on a function that mutates its input", () => {
    const mutating = (x: unknown) => {
      if (Array.isArray(x)) x.push(0);
    };
    expect(failure(() => fuzzFunction("mutating", mutating, [fc.constantFrom([1], [2, 3])], undefined, 200))).toMatch(/mutated its input: args\.1: keys changed/);
  });

  it("fails on a function that writes to Object.prototype", () => {
    const polluting = (x: unknown) => {
      if (typeof x === "number") (Object.prototype as Record<string, unknown>).fuzzPolluted = x;
    };
    try {
      expect(failure(() => fuzzFunction("polluting", polluting, ["N"], undefined, 50))).toMatch(/polluting: Object\.prototype gained or lost keys/);
    } finally {
      delete (Object.prototype as Record<string, unknown>).fuzzPolluted;
    }
  });

  it("fails on a function that returns an array with a malformed shape", () => {
    const malformed = (x: unknown) => (x instanceof NDArray ? Object.assign(Object.create(NDArray.prototype) as object, { aval: { shape: [2, undefined], dtype: "float32" } }) : 0);
    expect(failure(() => fuzzFunction("malformed", malformed, ["A"], undefined, 50))).toMatch(/returned a malformed array: shape \[2, undefined\]/);
  });

  // The class of np.linalg.solve casting b to a's dtype (a float64 b rounded to float32).
  const a32 = np.array([1, 2, 3], { dtype: "float32" });
  const b64 = np.array([0.1, 0.2, 0.3], { dtype: "float64" });
  const operands = [fc.constant(a32), fc.constant(b64)];

  it("fails on a core function whose result is coarser than a finer operand it reads", () => {
    const castsB = (a: unknown, b: unknown) => np.add(a as NDArray, np.astype(b as NDArray, (a as NDArray).dtype));
    expect(failure(() => fuzzMixedPrecision("np.castsB", castsB, operands, 5))).toMatch(/computed a float32 result from argument 1, a float64 array it reads: its precision was dropped/);
  });

  it("fails on a core function that truncates a float operand to an integer operand's dtype", () => {
    const i32 = np.array([1, 2, 3], { dtype: "int32" });
    const truncatesB = (a: unknown, b: unknown) => np.add(a as NDArray, np.astype(b as NDArray, (a as NDArray).dtype));
    expect(failure(() => fuzzMixedPrecision("np.truncatesB", truncatesB, [fc.constant(i32), fc.constant(b64)], 5))).toMatch(/computed a int32 result from argument 1, a float64 array it reads/);
  });

  it("lets a core function ignore a finer extra argument, and promote the operands it reads", () => {
    const ignoresB = (a: unknown) => np.sin(a as NDArray);
    expect(() => fuzzMixedPrecision("np.ignoresB", ignoresB, operands, 5)).not.toThrow();
    const promotes = (a: unknown, b: unknown) => np.add(a as NDArray, b as NDArray);
    expect(() => fuzzMixedPrecision("np.promotes", promotes, operands, 5)).not.toThrow();
  });
});

describe("the property tests' generators", () => {
  it("reach the upper bound a property names: an array with maxLength 300 is generated past 10 elements (tests/setup.ts)", () => {
    // fast-check 4 would otherwise cap it at 10 ("small" size): FFTs of 11 to 300 points,
    // kernels over more than a few SIMD steps, long arena sequences would never run.
    const lengths = fc.sample(fc.array(fc.nat(), { maxLength: 300 }), { numRuns: 300, seed: 1 }).map((a) => a.length);
    expect(Math.max(...lengths)).toBeGreaterThan(100);
    const floats = fc.sample(fc.float32Array({ minLength: 1, maxLength: 64 }), { numRuns: 300, seed: 2 }).map((a) => a.length);
    expect(Math.max(...floats)).toBeGreaterThan(32);
  });
});
