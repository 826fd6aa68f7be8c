// nn.initializers: shapes, dtypes, determinism, the fans of dense and convolution kernels,
// and empirical moments of each scheme against its target variance.
import { describe, expect, it } from "vitest";
import { ArgumentError, type NDArray, nn, random, ShapeError } from "@jaxts/core";
import { thrown } from "./helpers/thrown.js";

const init = nn.initializers;
const vals = (x: NDArray) => Array.from(x.toTypedArray(), Number);
const KEY = random.key(42);

function moments(x: NDArray): { mean: number; variance: number; min: number; max: number } {
  const v = vals(x);
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length;
  return { mean, variance, min: v.reduce((a, b) => Math.min(a, b)), max: v.reduce((a, b) => Math.max(a, b)) };
}

// The variance of a standard normal truncated to (-2, 2): 1 - 4φ(2)/(Φ(2) - Φ(-2)).
const TRUNCATED_VARIANCE = 0.7737413035499232;

describe("the fans of a weight shape, as JAX's _compute_fans", () => {
  it.each([
    [[784, 128], {}, [784, 128]],
    [[3, 3, 16, 32], {}, [144, 288]],
    [[32, 16, 3, 3], { inAxis: 1, outAxis: 0 }, [144, 288]],
    [[5, 4, 6], { batchAxis: 0 }, [4, 6]],
    [[2, 3, 4, 5], { inAxis: [0, 1], outAxis: -1 }, [24, 20]],
  ] as const)("%j with %j has fans %j", (shape, opts, fans) => {
    expect(init.computeFans(shape, opts)).toEqual(fans);
  });

  it("a 1-D shape with the default inAxis is a ShapeError (as JAX)", () => {
    expect(thrown(() => init.lecunNormal()(KEY, [10]))).toBeInstanceOf(ShapeError);
    expect(init.lecunNormal({ inAxis: 0, outAxis: 0 })(KEY, [10]).shape).toEqual([10]);
  });
});

describe("variance-scaling initializers reach their target variance", () => {
  const shape = [256, 512];
  const [fanIn, fanOut] = shape as [number, number];
  const cases: readonly [string, nn.Initializer, number, "uniform" | "truncated" | "normal"][] = [
    ["glorotUniform", init.glorotUniform(), 2 / (fanIn + fanOut), "uniform"],
    ["glorotNormal", init.glorotNormal(), 2 / (fanIn + fanOut), "truncated"],
    ["lecunUniform", init.lecunUniform(), 1 / fanIn, "uniform"],
    ["lecunNormal", init.lecunNormal(), 1 / fanIn, "truncated"],
    ["heUniform", init.heUniform(), 2 / fanIn, "uniform"],
    ["heNormal", init.heNormal(), 2 / fanIn, "truncated"],
    ["varianceScaling(3, fan_out, normal)", init.varianceScaling(3, "fan_out", "normal"), 3 / fanOut, "normal"],
    ["varianceScaling(1, fanGeoAvg, uniform)", init.varianceScaling(1, "fanGeoAvg", "uniform"), 1 / Math.sqrt(fanIn * fanOut), "uniform"],
  ];
  for (const [name, f, target, kind] of cases) {
    it(`${name}: variance ${target.toPrecision(3)} within 3%, mean ≈ 0, support as the distribution's`, () => {
      const w = f(KEY, shape);
      expect([w.shape, w.dtype]).toEqual([shape, "float32"]);
      const m = moments(w);
      expect(Math.abs(m.variance / target - 1)).toBeLessThan(0.03);
      expect(Math.abs(m.mean)).toBeLessThan(4 * Math.sqrt(target / w.size));
      const sd = Math.sqrt(target);
      if (kind === "uniform") expect(Math.max(-m.min, m.max)).toBeLessThanOrEqual(Math.sqrt(3) * sd * (1 + 1e-6));
      // Truncated at two standard deviations of the untruncated normal, sd/0.8796.
      if (kind === "truncated") expect(Math.max(-m.min, m.max)).toBeLessThan((2 * sd) / 0.8796256610342398);
      if (kind === "normal") expect(Math.max(-m.min, m.max)).toBeGreaterThan(3 * sd);
    });
  }

  it("the aliases are the same functions", () => {
    expect(init.xavierUniform).toBe(init.glorotUniform);
    expect(init.xavierNormal).toBe(init.glorotNormal);
    expect(init.kaimingUniform).toBe(init.heUniform);
    expect(init.kaimingNormal).toBe(init.heNormal);
  });

  it("a convolution kernel's fans include its receptive field", () => {
    const w = init.heNormal()(KEY, [3, 3, 32, 64]);
    expect(Math.abs(moments(w).variance / (2 / (9 * 32)) - 1)).toBeLessThan(0.05);
  });
});

describe("simple initializers", () => {
  it("zeros, ones and constant fill the shape, in the default float or the dtype asked for", () => {
    expect(vals(init.zeros(KEY, [2, 3]))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(init.zeros(KEY, [2], "int32").dtype).toBe("int32");
    expect([init.ones(KEY, [3], "float64").dtype, vals(init.ones(KEY, [3]))]).toEqual(["float64", [1, 1, 1]]);
    const c = init.constant(-7, { dtype: "float64" })(KEY, [2, 2]);
    expect([c.dtype, vals(c)]).toEqual(["float64", [-7, -7, -7, -7]]);
  });

  it("uniform is in [0, scale) with variance scale²/12; normal has variance stddev²", () => {
    const u = moments(init.uniform({ scale: 2 })(KEY, [100_000]));
    expect(u.min).toBeGreaterThanOrEqual(0);
    expect(u.max).toBeLessThan(2);
    expect(Math.abs(u.variance / (4 / 12) - 1)).toBeLessThan(0.03);
    const n = moments(init.normal({ stddev: 3 })(KEY, [100_000]));
    expect(Math.abs(n.variance / 9 - 1)).toBeLessThan(0.03);
    expect(Math.abs(moments(init.normal()(KEY, [100_000])).variance / 1e-4 - 1)).toBeLessThan(0.03);
  });

  it("truncatedNormal stays strictly inside (lower·stddev, upper·stddev) with the truncated variance", () => {
    const t = moments(init.truncatedNormal({ stddev: 0.5 })(KEY, [100_000], "float64"));
    expect(t.min).toBeGreaterThan(-1);
    expect(t.max).toBeLessThan(1);
    expect(Math.abs(t.variance / (0.25 * TRUNCATED_VARIANCE) - 1)).toBeLessThan(0.03);
    const oneSided = moments(init.truncatedNormal({ stddev: 1, lower: 0, upper: 1 })(KEY, [50_000]));
    expect(oneSided.min).toBeGreaterThan(0);
    expect(oneSided.max).toBeLessThan(1);
    // The mean of a standard normal truncated to (0, 1): (φ(0) − φ(1)) / (Φ(1) − Φ(0)).
    expect(oneSided.mean).toBeCloseTo(0.4598622, 2);
  });
});

describe("every random initializer is a pure function of its key", () => {
  const all: readonly [string, nn.Initializer][] = [
    ["uniform", init.uniform()],
    ["normal", init.normal()],
    ["truncatedNormal", init.truncatedNormal()],
    ["glorotUniform", init.glorotUniform()],
    ["heNormal", init.heNormal()],
    ["varianceScaling", init.varianceScaling(1, "fan_avg", "normal")],
  ];
  for (const [name, f] of all) {
    it(`${name}: same key same numbers, another key other numbers, dtype from the call or the factory`, () => {
      expect(vals(f(KEY, [4, 5]))).toEqual(vals(f(random.key(42), [4, 5])));
      expect(vals(f(KEY, [4, 5]))).not.toEqual(vals(f(random.key(43), [4, 5])));
      expect(f(KEY, [4, 5], "float64").dtype).toBe("float64");
      expect(f(KEY, [4, 5]).dtype).toBe("float32");
    });
  }
  it("a factory's dtype is the default its initializer returns", () => {
    expect(init.heUniform({ dtype: "float64" })(KEY, [2, 2]).dtype).toBe("float64");
    expect(init.normal({ dtype: "float64" })(KEY, [2]).dtype).toBe("float64");
  });
});

describe("initializer errors", () => {
  it.each([
    ["an integer dtype for a random initializer", () => init.heNormal()(KEY, [2, 2], "int32"), ArgumentError, /float dtype, got int32/],
    ["an unknown mode", () => init.varianceScaling(1, "fan_sum" as never, "normal"), ArgumentError, /mode must be one of "fan_in"/],
    ["an unknown distribution", () => init.varianceScaling(1, "fan_in", "cauchy" as never), ArgumentError, /distribution must be one of/],
    ["a non-positive scale", () => init.varianceScaling(0, "fan_in", "normal"), ArgumentError, /scale must be positive/],
    ["an unknown option", () => init.glorotUniform({ in_axis: 0 } as never), ArgumentError, /did you mean `inAxis`/],
    ["an out-of-range axis", () => init.glorotUniform({ inAxis: 5 })(KEY, [2, 2]), ShapeError, /axis 5 is out of bounds/],
    ["lower ≥ upper", () => init.truncatedNormal({ lower: 1, upper: 1 }), ArgumentError, /lower must be below upper/],
    ["a bad key", () => init.normal()(random.key(0).reshape([1, 2]), [2]), ArgumentError, /PRNG key/],
  ] as const)("%s", (_name, f, cls, message) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(message);
  });
});
