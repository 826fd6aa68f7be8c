// When the wasm lowering of a jaxpr fails (a compiler bug, not a user error), the executable
// still runs — equation by equation, the interpreter's way — and lower().asText() says why;
// under config.enableChecks (the test suites) the failure is thrown instead, so it cannot hide.
import { array, config, makeJaxpr, type NDArray, np } from "@jaxts/core";
import { compileProgram } from "../src/compiler/program.js";
import { describeProgram, executableOf, setLowering } from "../src/internals.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";

const fault = { on: false };
setLowering((...args) => {
  if (fault.on) throw new Error("injected lowering fault");
  return compileProgram(...args);
});

afterEach(() => {
  fault.on = false;
  config.set({ enableChecks: true });
});
afterAll(() => setLowering(undefined));

describe("a lowering failure", () => {
  const f = (x: NDArray) => np.sum(np.tanh(np.multiply(x, 2)));
  it("falls back to the interpreter with the same result, and asText names the reason", () => {
    if (config.get().backend !== "wasm") return expect(config.get().backend).toBe("js");
    config.set({ enableChecks: false });
    fault.on = true;
    const x = array([0.1, -0.4, 2], { dtype: "float64" });
    const closed = makeJaxpr(f)(x);
    expect(closed.consts).toHaveLength(0);
    const exe = executableOf(closed.jaxpr);
    expect(exe.run([x])[0]!.item()).toBeCloseTo(f(x).item() as number, 14);
    expect(describeProgram(exe, "wasm")[0]).toMatch(/not lowered \(injected lowering fault\)/);
    expect(() => exe.program).toThrow(/injected/);
  });

  it("throws under config.set({ enableChecks: true }), so the suites see every lowering bug", () => {
    if (config.get().backend !== "wasm") return expect(config.get().backend).toBe("js");
    config.set({ enableChecks: true });
    fault.on = true;
    const x = array([0.5, 1.5], { dtype: "float64" });
    const exe = executableOf(makeJaxpr((v: NDArray) => np.sum(np.exp(v)))(x).jaxpr);
    expect(() => exe.run([x])).toThrow(/injected lowering fault/);
  });
});
