// config: get() is a read-only snapshot; set() checks every key and value.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArgumentError, config } from "@jaxts/core";

describe("config", () => {
  // Independent of JAXTS_BACKEND (CI runs the suite once per backend).
  let backend: string;
  let threads: number;
  beforeEach(() => {
    backend = config.get().backend;
    threads = config.get().threads;
  });
  afterEach(() => config.set({ defaultFloat: "float32", debugNans: false }));

  it("config.get() returns a frozen snapshot: writing to it is an ArgumentError and changes nothing", () => {
    const c = config.get() as { debugNans: boolean; defaultFloat: string };
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => {
      c.debugNans = true;
    }).toThrow(ArgumentError);
    expect(() => {
      c.defaultFloat = "int32";
    }).toThrow(/read-only snapshot; change defaultFloat with config.set/);
    expect(config.get()).toEqual({ defaultFloat: "float32", debugNans: false, backend, threads, enableChecks: true });
  });

  it("a snapshot keeps its values after config.set; config.get() shows the new ones", () => {
    const before = config.get();
    config.set({ defaultFloat: "float64" });
    expect(before.defaultFloat).toBe("float32");
    expect(config.get().defaultFloat).toBe("float64");
  });

  it("config.set with a misspelt key is an ArgumentError suggesting the nearest one", () => {
    const bad = { debugNaNs: true } as unknown as { debugNans: boolean };
    expect(() => config.set(bad)).toThrow(ArgumentError);
    expect(() => config.set(bad)).toThrow(/did you mean `debugNans`/);
    const unknown = { thread: 4 } as unknown as { debugNans: boolean };
    expect(() => config.set(unknown)).toThrow(/did you mean `threads`/);
  });

  it("config.set checks value kinds and leaves the config unchanged on error", () => {
    expect(() => config.set({ debugNans: "yes" as unknown as boolean })).toThrow(/debugNans` must be a boolean, got the string "yes"/);
    expect(() => config.set({ defaultFloat: "int32" })).toThrow(/float32" or "float64/);
    expect(() => config.set({ backend: "webgpu" as "js" })).toThrow(ArgumentError);
    expect(() => config.set(5 as unknown as { debugNans: boolean })).toThrow(ArgumentError);
    expect(config.get()).toEqual({ defaultFloat: "float32", debugNans: false, backend, threads, enableChecks: true });
  });

  it("an option given as undefined keeps its value", () => {
    config.set({ defaultFloat: "float64" });
    config.set({ defaultFloat: undefined, debugNans: false } as unknown as { debugNans: boolean });
    expect(config.get().defaultFloat).toBe("float64");
  });
});
