// config.debugNans: the first primitive that produces a NaN throws a FloatingPointError naming
// it; under jit the call re-runs un-jitted so the error comes from the user's own line.
import { array, config, FloatingPointError, type NDArray, np } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";

const caught = (f: () => unknown): Error => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected an error");
};

describe("config.debugNans", () => {
  afterEach(() => config.set({ debugNans: false }));

  it("is off by default and then NaNs flow through silently, as in JAX", () => {
    expect(config.get().debugNans).toBe(false);
    expect(Number.isNaN(np.log(array(-1)).item())).toBe(true);
    expect(Number.isNaN(jit((x: NDArray) => np.sqrt(x))(array(-1)).item())).toBe(true);
  });

  it("eagerly, the primitive that produces a NaN throws a FloatingPointError naming it", () => {
    config.set({ debugNans: true });
    const e = caught(() => np.log(array([1, -1])));
    expect(e).toBeInstanceOf(FloatingPointError);
    expect(e.message).toMatch(/primitive `log` produced a NaN/);
    expect(caught(() => np.divide(array(0), array(0))).message).toMatch(/`div`/);
  });

  it("computations without NaNs (also infinities and integer ops) are unaffected", () => {
    config.set({ debugNans: true });
    expect(np.log(array(0)).item()).toBe(-Infinity);
    expect(np.add(array([1, 2], { dtype: "int32" }), 1).toArray()).toEqual([2, 3]);
    expect(jit((x: NDArray) => np.exp(x).sum())(array([0, 0])).item()).toBe(2);
    expect(grad((x: NDArray) => np.sin(x))(0).item()).toBe(1);
  });

  it("under jit, a NaN re-runs the function un-jitted and the error points at the user's operation", () => {
    config.set({ debugNans: true });
    let calls = 0;
    const f = jit(function logLoss(x: NDArray) {
      calls++;
      const y = np.log(x); // the NaN comes from here
      return y.mul(2);
    });
    const e = caught(() => f(array(-1)));
    expect(e).toBeInstanceOf(FloatingPointError);
    expect(e.message).toMatch(/primitive `log` produced a NaN/);
    expect(e.message).toMatch(/re-running jit\(logLoss\) un-jitted/);
    // traced once, then run eagerly once: the error's stack goes through the user's function
    expect(calls).toBe(2);
    expect(e.stack).toMatch(/\n\s+at logLoss /);
  });

  it("a jitted function inside grad or vmap is re-run un-jitted too", () => {
    config.set({ debugNans: true });
    const f = jit(function sqrtLoss(x: NDArray) {
      return np.sum(np.sqrt(x));
    });
    for (const run of [() => grad(f)(array([-1, 4])), () => vmap(f)(array([[-1], [4]]))]) {
      const e = caught(run);
      expect(e).toBeInstanceOf(FloatingPointError);
      expect(e.message).toMatch(/primitive `sqrt` produced a NaN.*; found by re-running jit\(sqrtLoss\) un-jitted/);
    }
  });

  it("a jitted call without NaNs runs once from the cache (no re-run)", () => {
    config.set({ debugNans: true });
    let calls = 0;
    const f = jit((x: NDArray) => {
      calls++;
      return np.sqrt(x);
    });
    expect(f(array(4)).item()).toBe(2);
    expect(f(array(9)).item()).toBe(3);
    expect(calls).toBe(1);
  });

  it("a NaN in the backward pass of grad is reported by the primitive that made it", () => {
    config.set({ debugNans: true });
    // d/dx sqrt(x) * 0 at x = 0: the cotangent 0 times the derivative 1/(2·0) = inf gives NaN
    const e = caught(() => grad((x: NDArray) => np.sqrt(x).mul(0))(0));
    expect(e).toBeInstanceOf(FloatingPointError);
    expect(e.message).toMatch(/primitive `\w+` produced a NaN/);
  });

  it("config.set({ debugNaNs: true }) is an ArgumentError suggesting debugNans, and changes nothing", () => {
    const opts = { debugNaNs: true } as unknown as { debugNans: boolean };
    expect(() => config.set(opts)).toThrow(/unknown option "debugNaNs" \(did you mean `debugNans`\?\)/);
    expect(config.get().debugNans).toBe(false);
  });
});
