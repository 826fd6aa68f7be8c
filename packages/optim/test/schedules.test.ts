// Every schedule against its closed form at several steps, given the step as a JS number
// and as the int32 counter optimizers keep, plus Optax's documented examples.
import { array, config, type NDArray } from "@jaxts/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Schedule, schedules } from "../src/index.js";
import * as subpath from "../src/schedules.js";

beforeAll(() => config.set({ defaultFloat: "float64" }));
afterAll(() => config.set({ defaultFloat: "float32" }));

const value = (v: NDArray | number): number => (typeof v === "number" ? v : (v.item() as number));
const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

const cosine = (init: number, steps: number, alpha = 0, exponent = 1) => (t: number) =>
  init * ((1 - alpha) * (0.5 * (1 + Math.cos((Math.PI * Math.min(t, steps)) / steps))) ** exponent + alpha);

const table: { name: string; schedule: Schedule; closed: (t: number) => number }[] = [
  { name: "constant(0.3)", schedule: schedules.constant(0.3), closed: () => 0.3 },
  { name: "linear(1, 0.1, 10)", schedule: schedules.linear(1, 0.1, 10), closed: (t) => 1 + (0.1 - 1) * (clamp(t, 0, 10) / 10) },
  {
    name: "linear(0, 2, 8, begin 4)",
    schedule: schedules.linear(0, 2, 8, { transitionBegin: 4 }),
    closed: (t) => 2 * (clamp(t - 4, 0, 8) / 8),
  },
  {
    name: "polynomial(1, 0.01, 2, 100, begin 5)",
    schedule: schedules.polynomial(1, 0.01, 2, 100, { transitionBegin: 5 }),
    closed: (t) => (1 - 0.01) * (1 - clamp(t - 5, 0, 100) / 100) ** 2 + 0.01,
  },
  { name: "exponentialDecay(1, 10, 0.5)", schedule: schedules.exponentialDecay(1, 10, 0.5), closed: (t) => 0.5 ** (t / 10) },
  {
    name: "exponentialDecay(2, 5, 0.1, staircase, begin 3, end 0.05)",
    schedule: schedules.exponentialDecay(2, 5, 0.1, { staircase: true, transitionBegin: 3, endValue: 0.05 }),
    closed: (t) => (t <= 3 ? 2 : Math.max(2 * 0.1 ** Math.floor((t - 3) / 5), 0.05)),
  },
  { name: "exponentialDecay(1, 4, 2, end 3) (growth, capped)", schedule: schedules.exponentialDecay(1, 4, 2, { endValue: 3 }), closed: (t) => Math.min(2 ** (t / 4), 3) },
  { name: "cosineDecay(0.1, 20)", schedule: schedules.cosineDecay(0.1, 20), closed: cosine(0.1, 20) },
  { name: "cosineDecay(1, 20, alpha .1, exponent 2)", schedule: schedules.cosineDecay(1, 20, { alpha: 0.1, exponent: 2 }), closed: cosine(1, 20, 0.1, 2) },
  {
    name: "warmupCosineDecay(0, 1, 5, 25, end 0.1)",
    schedule: schedules.warmupCosineDecay(0, 1, 5, 25, { endValue: 0.1 }),
    closed: (t) => (t < 5 ? t / 5 : cosine(1, 20, 0.1)(t - 5)),
  },
  {
    name: "piecewiseConstant(1, {10: 0.5, 20: 0.1})",
    schedule: schedules.piecewiseConstant(1, { 20: 0.1, 10: 0.5 }),
    closed: (t) => (t < 10 ? 1 : t < 20 ? 0.5 : 0.05),
  },
  {
    name: "join([linear(0, 1, 4), constant(1), exponentialDecay(1, 1, 0.5)], [4, 10])",
    schedule: schedules.join([schedules.linear(0, 1, 4), schedules.constant(1), schedules.exponentialDecay(1, 1, 0.5)], [4, 10]),
    closed: (t) => (t < 4 ? t / 4 : t < 10 ? 1 : 0.5 ** (t - 10)),
  },
];

const steps = [0, 1, 3, 4, 5, 7, 9, 10, 11, 12, 19, 20, 21, 24, 25, 30, 104, 105, 200];

describe("schedules match their closed forms", () => {
  it.each(table)("$name", ({ schedule, closed }) => {
    for (const t of steps) {
      const fromNumber = value(schedule(t));
      const fromCounter = value(schedule(array(t, { dtype: "int32" })));
      expect(Math.abs(fromNumber - closed(t)), `step ${t}: got ${fromNumber}, want ${closed(t)}`).toBeLessThanOrEqual(1e-12);
      expect(fromCounter, `step ${t} as an int32 counter`).toBe(fromNumber);
    }
  });
});

describe("schedules: Optax's documented values and edge cases", () => {
  it("polynomial with a non-positive transition is constant", () => {
    expect(value(schedules.linear(3, 0, 0)(100))).toBe(3);
  });
  it("a negative or fractional transitionBegin is an ArgumentError naming the schedule (never silently taken as 0)", () => {
    for (const make of [
      (b: number) => schedules.polynomial(1, 0, 2, 10, { transitionBegin: b }),
      (b: number) => schedules.linear(1, 0, 10, { transitionBegin: b }),
      (b: number) => schedules.exponentialDecay(1, 10, 0.5, { transitionBegin: b }),
      (b: number) => schedules.exponentialDecay(1, 0, 0.5, { transitionBegin: b }),
    ]) {
      expect(() => make(-3)).toThrow(/transitionBegin must be an integer ≥ 0.*got -3/);
      expect(() => make(-0.5)).toThrow(/transitionBegin must be an integer, got -0.5/);
      expect(value(make(2)(0))).toBe(1);
    }
  });
  it("Optax's piecewise_constant example: 1.0, 0.1, 0.001", () => {
    const s = schedules.piecewiseConstant(1.0, { 100: 0.1, 200: 0.01 });
    expect(value(s(50))).toBeCloseTo(1, 12);
    expect(value(s(150))).toBeCloseTo(0.1, 12);
    expect(value(s(250))).toBeCloseTo(0.001, 12);
  });
  it("Optax's polynomial example: count 6 → 0.9803, 104 → 0.0101", () => {
    const s = schedules.polynomial(1, 0.01, 2, 100, { transitionBegin: 5 });
    expect(value(s(6))).toBeCloseTo(0.9803, 4);
    expect(value(s(104))).toBeCloseTo(0.0101, 4);
  });
  it("is the same module through the @jaxts/optim/schedules entry", () => {
    expect(subpath.cosineDecay).toBe(schedules.cosineDecay);
  });
  it("computes in float32 when that is the default float", () => {
    config.set({ defaultFloat: "float32" });
    try {
      const v = schedules.cosineDecay(1, 10)(3) as NDArray;
      expect(v.dtype).toBe("float32");
    } finally {
      config.set({ defaultFloat: "float64" });
    }
  });
});
