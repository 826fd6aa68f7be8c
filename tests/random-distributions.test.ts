// jax.random's distributions: the same key gives the same values, the shapes and dtypes JAX
// gives, sample moments against the analytic ones (5σ bounds from the sample size), the
// support, Kolmogorov–Smirnov checks against float64 JS CDFs, jit-equals-eager,
// vmap-over-keys-equals-a-loop, and derivatives in the reparameterised parameters.
import { ArgumentError, array, DTypeError, type NDArray, np, random, ShapeError } from "@jaxts/core";
import { grad, jit, jvp, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const values = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (x: number | number[] | number[][]): NDArray => array(x, { dtype: "float64" });
const N = 100_000;

/** Sample mean and variance, with their 5σ bounds for N draws of a distribution with the
 * given variance and excess kurtosis: σ_mean = √(var/N), σ_var = √((μ4 − var²)/N). */
function expectMoments(xs: readonly number[], mean: number, variance: number, excessKurtosis: number): void {
  const n = xs.length;
  const m = xs.reduce((a, b) => a + b, 0) / n;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / n;
  expect(Math.abs(m - mean)).toBeLessThan(5 * Math.sqrt(variance / n));
  const mu4 = (excessKurtosis + 3) * variance ** 2;
  expect(Math.abs(v - variance)).toBeLessThan(5 * Math.sqrt((mu4 - variance ** 2) / n) + 1e-6 * variance);
}

/** Kolmogorov–Smirnov: √n·D stays below 2.3 (the asymptotic tail P(√n D > 2.3) ≈ 1e-4). */
function expectKs(xs: readonly number[], cdf: (x: number) => number): void {
  const s = [...xs].sort((a, b) => a - b);
  let d = 0;
  s.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length));
  });
  expect(Math.sqrt(s.length) * d).toBeLessThan(2.3);
}

// float64 JS references, independent of the library's code: Lanczos log Γ (g = 7), erf by
// its Taylor series / continued fraction, and the regularized incomplete gamma P(a, x).
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function lgammaRef(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgammaRef(1 - z);
  const x = z - 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (x + i);
  const t = x + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}
function gammaPRef(a: number, x: number): number {
  if (x <= 0) return 0;
  const front = Math.exp(a * Math.log(x) - x - lgammaRef(a));
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000 && term > sum * 1e-17; n++) sum += term *= x / (a + n);
    return front * sum;
  }
  // upper tail by the modified Lentz continued fraction for Q(a, x)
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    d = 1 / (Math.abs(d) < 1e-300 ? 1e-300 : d);
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - front * h;
}
const normalCdf = (x: number): number => (x < 0 ? 0.5 * (1 - gammaPRef(0.5, (x * x) / 2)) : 0.5 * (1 + gammaPRef(0.5, (x * x) / 2)));
const normalPdf = (x: number): number => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

const key = random.key(2024);

/** Every sampler at its default settings, as a function of the key (for the table tests). */
const samplers: Record<string, (k: NDArray) => NDArray> = {
  exponential: (k) => random.exponential(k, [7]),
  laplace: (k) => random.laplace(k, [7]),
  logistic: (k) => random.logistic(k, [7]),
  cauchy: (k) => random.cauchy(k, [7]),
  gumbel: (k) => random.gumbel(k, [7]),
  maxwell: (k) => random.maxwell(k, [7]),
  rademacher: (k) => random.rademacher(k, [7]),
  weibullMin: (k) => random.weibullMin(k, 2, 1.5, [7]),
  truncatedNormal: (k) => random.truncatedNormal(k, -1, 2, [7]),
  gamma: (k) => random.gamma(k, array([0.3, 1, 2.5, 7, 0.05, 40, 1.5])),
  loggamma: (k) => random.loggamma(k, 0.2, [7]),
  beta: (k) => random.beta(k, 2, 0.5, [7]),
  dirichlet: (k) => random.dirichlet(k, array([0.5, 1, 3]), [2]),
  chisquare: (k) => random.chisquare(k, 3, [7]),
  t: (k) => random.t(k, 4, [7]),
  poisson: (k) => random.poisson(k, array([0.5, 3, 9.5, 10, 30, 200, 0])),
  multivariateNormal: (k) => random.multivariateNormal(k, array([1, -1]), array([[2, 0.5], [0.5, 1]]), [3]),
  choice: (k) => random.choice(k, 10, [4], { replace: false }),
  choiceP: (k) => random.choice(k, 4, [7], { p: array([0.1, 0.2, 0.3, 0.4]) }),
  categorical: (k) => random.categorical(k, array([[0, 1, 2], [2, 1, 0]]), { shape: [3, 2] }),
  ball: (k) => random.ball(k, 3, [2]),
  generalizedNormal: (k) => random.generalizedNormal(k, 1.5, [7]),
};

describe("every sampler: determinism, jit, vmap", () => {
  const [k1, k2] = random.split(key);
  for (const [name, f] of Object.entries(samplers)) {
    it(`${name}: the same key gives the same values, another key others`, () => {
      expect(values(f(k1!))).toEqual(values(f(k1!)));
      expect(values(f(k1!))).not.toEqual(values(f(k2!)));
    });

    it(`${name}: jit(f)(key) equals f(key)`, () => {
      const eager = values(f(k1!));
      const compiled = values(jit(f)(k1!));
      expect(compiled.length).toBe(eager.length);
      compiled.forEach((v, i) => expect(v).toBeCloseTo(eager[i]!, 4));
    });

    it(`${name}: vmap over keys equals a loop over them`, () => {
      const keys = random.split(k2!, 3);
      const batched = vmap(f)(np.stack(keys)) as NDArray;
      const looped = np.stack(keys.map(f));
      expect(batched.shape).toEqual(looped.shape);
      const b = values(batched);
      values(looped).forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
    });
  }
});

describe("moments and support, over 1e5 samples", () => {
  it("exponential: mean 1, variance 1, ≥ 0, and its CDF 1 − e^{−x} (KS)", () => {
    const xs = values(random.exponential(key, [N]));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expectMoments(xs, 1, 1, 6);
    expectKs(xs.slice(0, 20_000), (x) => 1 - Math.exp(-x));
  });

  it("laplace: mean 0, variance 2; logistic: mean 0, variance π²/3", () => {
    expectMoments(values(random.laplace(key, [N])), 0, 2, 3);
    expectMoments(values(random.logistic(key, [N])), 0, Math.PI ** 2 / 3, 1.2);
  });

  it("cauchy: median 0 and quartiles ±1 (it has no moments)", () => {
    const xs = values(random.cauchy(key, [N]));
    const frac = (p: (x: number) => boolean) => xs.filter(p).length / N;
    // a proportion's σ is √(p(1−p)/N) ≤ 0.0016
    expect(Math.abs(frac((x) => x < 0) - 0.5)).toBeLessThan(0.008);
    expect(Math.abs(frac((x) => Math.abs(x) < 1) - 0.5)).toBeLessThan(0.008);
    expect(xs.every(Number.isFinite)).toBe(true);
  });

  it("gumbel: mean γ, variance π²/6", () => {
    expectMoments(values(random.gumbel(key, [N])), 0.5772156649015329, Math.PI ** 2 / 6, 2.4);
  });

  it("maxwell: mean 2√(2/π), variance (3π − 8)/π, > 0", () => {
    const xs = values(random.maxwell(key, [N]));
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expectMoments(xs, 2 * Math.sqrt(2 / Math.PI), (3 * Math.PI - 8) / Math.PI, 0.11);
  });

  it("rademacher: only ±1, int32 by default, mean 0", () => {
    const x = random.rademacher(key, [N]);
    expect(x.dtype).toBe("int32");
    const xs = values(x);
    expect(new Set(xs)).toEqual(new Set([-1, 1]));
    expectMoments(xs, 0, 1, -2);
    expect(random.rademacher(key, [3], "float32").dtype).toBe("float32");
  });

  it("weibullMin(scale 2, concentration 2) is Rayleigh: mean 2·Γ(3/2), variance 4(1 − π/4)", () => {
    const xs = values(random.weibullMin(key, 2, 2, [N]));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expectMoments(xs, Math.sqrt(Math.PI), 4 * (1 - Math.PI / 4), 0.245);
  });

  it("truncatedNormal(-1, 2) stays inside (-1, 2) with the truncated moments and CDF (KS)", () => {
    const [a, b] = [-1, 2];
    const z = normalCdf(b) - normalCdf(a);
    const mean = (normalPdf(a) - normalPdf(b)) / z;
    const variance = 1 + (a * normalPdf(a) - b * normalPdf(b)) / z - mean ** 2;
    for (const dtype of ["float32", "float64"] as const) {
      const x = random.truncatedNormal(key, a, b, [N], dtype);
      expect(x.dtype).toBe(dtype);
      const xs = values(x);
      expect(xs.every((v) => v > a && v < b)).toBe(true);
      expectMoments(xs, mean, variance, 0);
      expectKs(xs.slice(0, 20_000), (v) => (normalCdf(v) - normalCdf(a)) / z);
    }
  });

  it("truncatedNormal keeps samples strictly inside even a very narrow or a far-tail interval", () => {
    const narrow = values(random.truncatedNormal(key, 0.5, 0.5 + 1e-6, [1000]));
    expect(narrow.every((v) => v > 0.5 && v < 0.5 + 1e-6)).toBe(true);
    const tail = values(random.truncatedNormal(key, 3, 4, [1000], "float64"));
    expect(tail.every((v) => v > 3 && v < 4)).toBe(true);
  });

  it("gamma(a): mean a, variance a, > 0, for a below and above 1, and its CDF (KS)", () => {
    for (const a of [0.5, 3]) {
      const xs = values(random.gamma(key, a, [N / 2]));
      expect(Math.min(...xs)).toBeGreaterThan(0);
      expectMoments(xs, a, a, 6 / a);
      expectKs(xs.slice(0, 20_000), (x) => gammaPRef(a, x));
    }
  });

  it("loggamma(a) is the log of a gamma sample, precise where gamma underflows (a ≪ 1)", () => {
    const k = random.key(5);
    const lg = values(random.loggamma(k, 2.5, [1000], "float64"));
    const g = values(random.gamma(k, 2.5, [1000], "float64"));
    g.forEach((v, i) => expect(Math.exp(lg[i]!)).toBeCloseTo(v, 10));
    // for a = 0.01, P(x < 1e-45) = 1e-45^0.01 / Γ(1.01) ≈ 0.36: float32 gamma underflows to 0 there
    const tiny = values(random.loggamma(key, 0.01, [N / 2]));
    expect(tiny.every(Number.isFinite)).toBe(true);
    // E[log X] = ψ(a) ≈ -100.56 for a = 0.01; var = ψ'(a) ≈ 10001.6
    expectMoments(tiny, -100.5608, 10001.6, 6);
  });

  it("beta(2, 3): mean 0.4, variance 0.04, within [0, 1], and its CDF (KS)", () => {
    const xs = values(random.beta(key, 2, 3, [N / 2]));
    expect(xs.every((v) => v >= 0 && v <= 1)).toBe(true);
    expectMoments(xs, 0.4, 0.04, -0.6);
    // Beta(2, 3)'s CDF is 6x² − 8x³ + 3x⁴
    expectKs(xs.slice(0, 20_000), (x) => 6 * x ** 2 - 8 * x ** 3 + 3 * x ** 4);
  });

  it("dirichlet(alpha) lies on the simplex with means alpha/Σalpha", () => {
    const alpha = [1, 2, 3];
    const x = random.dirichlet(key, array(alpha), [N / 10]);
    expect(x.shape).toEqual([N / 10, 3]);
    const rows = x.toArray() as number[][];
    expect(rows.every((r) => Math.abs(r[0]! + r[1]! + r[2]! - 1) < 1e-5 && r.every((v) => v >= 0))).toBe(true);
    alpha.forEach((a, i) => {
      const variance = (a * (6 - a)) / (36 * 7);
      expectMoments(rows.map((r) => r[i]!), a / 6, variance, 1);
    });
  });

  it("chisquare(4): mean 4, variance 8; t(10): mean 0, variance 1.25", () => {
    expectMoments(values(random.chisquare(key, 4, [N / 2])), 4, 8, 3);
    expectMoments(values(random.t(key, 10, [N / 2])), 0, 1.25, 1);
  });

  it("poisson: int32 counts ≥ 0 with mean λ and variance λ, by Knuth (λ < 10) and by rejection (λ ≥ 10)", () => {
    for (const lam of [0.7, 4, 12, 250]) {
      const x = random.poisson(key, lam, [N / 5]);
      expect(x.dtype).toBe("int32");
      const xs = values(x);
      expect(xs.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      expectMoments(xs, lam, lam, 1 / lam);
    }
  });

  it("poisson(4) has the Poisson pmf (histogram within 5σ per bin)", () => {
    const n = N / 2;
    const xs = values(random.poisson(random.key(8), 4, [n]));
    let pmf = Math.exp(-4);
    for (let k = 0; k < 12; k++) {
      const freq = xs.filter((v) => v === k).length / n;
      expect(Math.abs(freq - pmf)).toBeLessThan(5 * Math.sqrt((pmf * (1 - pmf)) / n));
      pmf *= 4 / (k + 1);
    }
  });

  it("poisson follows JAX at the edges: λ = 0 gives 0, a negative rate gives -1", () => {
    expect(values(random.poisson(key, array([0, -2]), null))).toEqual([0, -1]);
    expect(random.poisson(key, 3, [2], "float32").dtype).toBe("float32");
  });

  it("multivariateNormal has the given mean and covariance", () => {
    const mean = [1, -2, 0.5];
    const cov = [[2, 0.6, -0.3], [0.6, 1, 0.2], [-0.3, 0.2, 0.5]];
    const x = random.multivariateNormal(key, array(mean), array(cov), [N / 2]);
    expect(x.shape).toEqual([N / 2, 3]);
    const rows = x.toArray() as number[][];
    const n = rows.length;
    const mu = mean.map((_, i) => rows.reduce((a, r) => a + r[i]!, 0) / n);
    mu.forEach((m, i) => expect(Math.abs(m - mean[i]!)).toBeLessThan(5 * Math.sqrt(cov[i]![i]! / n)));
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const c = rows.reduce((a, r) => a + (r[i]! - mu[i]!) * (r[j]! - mu[j]!), 0) / n;
        // Var of a sample covariance of normals: (Σii Σjj + Σij²)/n
        expect(Math.abs(c - cov[i]![j]!)).toBeLessThan(5 * Math.sqrt((cov[i]![i]! * cov[j]![j]! + cov[i]![j]! ** 2) / n));
      }
    }
  });

  it("ball(d) lies in the unit ℓp ball with E‖x‖₂² = d/(d+2) for p = 2", () => {
    const x = random.ball(key, 3, [N / 5]);
    expect(x.shape).toEqual([N / 5, 3]);
    const sq = (x.toArray() as number[][]).map((r) => r.reduce((a, v) => a + v * v, 0));
    expect(sq.every((v) => v <= 1)).toBe(true);
    // ‖x‖² = r² with r^3 uniform: mean 3/5, variance 3/7 − 9/25
    expectMoments(sq, 0.6, 3 / 7 - 0.36, -1.2);
    const l1 = (random.ball(key, 2, [1000], { p: 1 }).toArray() as number[][]).map((r) => Math.abs(r[0]!) + Math.abs(r[1]!));
    expect(l1.every((v) => v <= 1)).toBe(true);
  });

  it("generalizedNormal(p = 2) is N(0, ½)", () => {
    expectMoments(values(random.generalizedNormal(key, 2, [N / 2])), 0, 0.5, 0);
  });
});

describe("choice and categorical", () => {
  it("choice with replacement and p draws entry i with frequency p_i", () => {
    const p = [0.1, 0, 0.6, 0.3];
    const xs = values(random.choice(key, 4, [N], { p: array(p) }));
    p.forEach((pi, i) => {
      const freq = xs.filter((v) => v === i).length / N;
      expect(Math.abs(freq - pi)).toBeLessThan(5 * Math.sqrt((pi * (1 - pi)) / N) + 1e-9);
    });
  });

  it("choice without replacement gives distinct entries; with p, the first draw has frequency p", () => {
    for (let s = 0; s < 5; s++) {
      const xs = values(random.choice(random.key(s), 20, [20], { replace: false }));
      expect([...xs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }
    const p = array([0.5, 0.3, 0.2, 0]);
    const firsts = vmap((k: NDArray) => random.choice(k, 4, [3], { replace: false, p }))(np.stack(random.split(key, 4000))) as NDArray;
    const rows = firsts.toArray() as number[][];
    expect(rows.every((r) => new Set(r).size === 3 && !r.includes(3))).toBe(true);
    [0.5, 0.3, 0.2].forEach((pi, i) => {
      const freq = rows.filter((r) => r[0] === i).length / rows.length;
      expect(Math.abs(freq - pi)).toBeLessThan(5 * Math.sqrt((pi * (1 - pi)) / rows.length));
    });
  });

  it("choice from an array takes rows (axis 0) or columns (axis 1)", () => {
    const a = array([[0, 1, 2], [10, 11, 12]]);
    const cols = random.choice(key, a, [4], { axis: 1 });
    expect(cols.shape).toEqual([2, 4]);
    const [top, bottom] = cols.toArray() as number[][];
    top!.forEach((v, i) => expect(bottom![i]).toBe(v + 10));
    expect(random.choice(key, a, [5, 2]).shape).toEqual([5, 2, 3]);
    expect(random.choice(key, 3).shape).toEqual([]);
  });

  it("choice rejects a sample larger than the population without replacement, and a p of the wrong length", () => {
    expect(() => random.choice(key, 3, [4], { replace: false })).toThrow(/cannot take a larger sample \(size 4\) than the population \(size 3\)/);
    expect(() => random.choice(key, 3, [2], { p: array([0.5, 0.5]) })).toThrow(ShapeError);
    expect(() => random.choice(key, 3, [2], { replce: false } as never)).toThrow(/did you mean `replace`/);
  });

  it("categorical with shape draws independent leading samples of the batch's distributions", () => {
    const logits = np.log(array([[0.2, 0.8], [0.9, 0.1]]));
    const x = random.categorical(key, logits, { shape: [N / 4, 2] });
    expect([x.dtype, x.shape]).toEqual(["int32", [N / 4, 2]]);
    const rows = x.toArray() as number[][];
    const rate = (j: number) => rows.filter((r) => r[j] === 1).length / rows.length;
    expect(Math.abs(rate(0) - 0.8)).toBeLessThan(5 * Math.sqrt(0.16 / rows.length));
    expect(Math.abs(rate(1) - 0.1)).toBeLessThan(5 * Math.sqrt(0.09 / rows.length));
    // classes along axis 0
    expect(random.categorical(key, logits, { axis: 0, shape: [5, 2] }).shape).toEqual([5, 2]);
    expect(() => random.categorical(key, logits, { shape: [3] })).toThrow(ShapeError);
  });

  it("categorical without replacement draws distinct classes per batch entry", () => {
    const x = random.categorical(key, np.zeros([2, 5]), { shape: [5, 2], replace: false });
    const rows = x.toArray() as number[][];
    for (const j of [0, 1]) expect(rows.map((r) => r[j]).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(() => random.categorical(key, np.zeros([2, 5]), { shape: [6, 2], replace: false })).toThrow(ArgumentError);
  });
});

describe("shapes, dtypes and argument checks", () => {
  it("parameter shapes broadcast into the sample shape; the shape defaults to theirs", () => {
    expect(random.gamma(key, array([1, 2, 3])).shape).toEqual([3]);
    expect(random.gamma(key, array([1, 2, 3]), [4, 3]).shape).toEqual([4, 3]);
    expect(random.beta(key, array([[1], [2]]), array([1, 2, 3])).shape).toEqual([2, 3]);
    expect(random.truncatedNormal(key, array([-1, 0]), 1).shape).toEqual([2]);
    expect(random.dirichlet(key, np.ones([4, 3])).shape).toEqual([4, 3]);
    expect(random.multivariateNormal(key, np.zeros([5, 2]), np.eye(2)).shape).toEqual([5, 2]);
    expect(random.poisson(key, array([1, 2]), [3, 2]).shape).toEqual([3, 2]);
  });

  it("a shape argument that the parameters do not broadcast to is a ShapeError", () => {
    expect(() => random.gamma(key, array([1, 2, 3]), [2])).toThrow(ShapeError);
    expect(() => random.truncatedNormal(key, array([-1, 0]), 1, [2, 3])).toThrow(/must broadcast to the shape argument \[2, 3\]/);
    expect(() => random.multivariateNormal(key, np.zeros([2]), np.eye(3))).toThrow(/cov must have shape \[\.\.\., 2, 2\]/);
  });

  it("float samplers default to float32, honour float64, and refuse integer dtypes", () => {
    expect(random.exponential(key, [2]).dtype).toBe("float32");
    expect(random.gamma(key, 2, [2], "float64").dtype).toBe("float64");
    expect(random.multivariateNormal(key, f64([0, 0]), np.eye(2)).dtype).toBe("float64");
    expect(() => random.cauchy(key, [2], "int32")).toThrow(/dtype must be a float dtype/);
    expect(() => random.laplace(key, [2], "float16" as never)).toThrow(DTypeError);
  });

  it("beta, t and chisquare refuse a float64 parameter for float32 samples, as JAX", () => {
    expect(() => random.beta(key, f64(2), 3)).toThrow(DTypeError);
    expect(() => random.t(key, f64(2))).toThrow(/cannot safely cast df of dtype float64/);
    expect(random.chisquare(key, f64(2), null, "float64").dtype).toBe("float64");
  });

  it("refuse a complex parameter instead of dropping its imaginary part", () => {
    const z = array([{ re: 1.5, im: 0.5 }], { dtype: "complex64" });
    expect(() => random.generalizedNormal(key, z)).toThrow(/generalizedNormal: p must be real, got c64\[1\]/);
    expect(() => random.weibullMin(key, 1, z)).toThrow(/weibullMin: concentration must be real/);
    expect(() => random.multivariateNormal(key, z, np.eye(1))).toThrow(/multivariateNormal: mean must be real/);
    expect(() => random.gamma(key, z)).toThrow(DTypeError);
  });

  it("options objects reject unknown keys and wrong kinds with what was expected", () => {
    expect(() => random.ball(key, 2, [1], { q: 2 } as never)).toThrow(/did you mean `p`/);
    expect(() => random.ball(key, 2, [1], { p: "2" } as never)).toThrow(ArgumentError);
    expect(random.multivariateNormal(key, np.zeros([2]), np.eye(2), null, { method: "eigh" }).shape).toEqual([2]);
    expect(() => random.multivariateNormal(key, np.zeros([2]), np.eye(2), null, { method: "qr" } as never)).toThrow(ArgumentError);
  });
});

describe("key data", () => {
  it("keyData returns the key's uint32 words and wrapKeyData gives the key back", () => {
    const k = random.key(42);
    const data = random.keyData(k);
    expect([data.dtype, data.shape, values(data)]).toEqual(["int32", [2], [0, 42]]);
    expect(values(random.uniform(random.wrapKeyData(data), [3]))).toEqual(values(random.uniform(k, [3])));
  });

  it("keyData of split keys stacks them [n, 2], and vmap maps a sampler over wrapped data", () => {
    const keys = random.split(key, 3);
    const data = random.keyData(keys);
    expect(data.shape).toEqual([3, 2]);
    const batched = vmap((k: NDArray) => random.normal(k, [2]))(random.wrapKeyData(data)) as NDArray;
    expect(values(batched)).toEqual(keys.flatMap((k) => values(random.normal(k, [2]))));
  });

  it("wrapKeyData refuses what is not threefry key data", () => {
    expect(() => random.wrapKeyData(np.zeros([3]))).toThrow(/int32 array of shape \[\.\.\., 2\]/);
    expect(() => random.wrapKeyData(array([1, 2], { dtype: "int32" }), { impl: "rbg" } as never)).toThrow(ArgumentError);
    expect(() => random.keyData([])).toThrow(ArgumentError);
  });
});

describe("derivatives in the reparameterised parameters (float64)", () => {
  const k = random.key(31);

  it("truncatedNormal is differentiable in its bounds (fwd and rev, orders 1 and 2)", () => {
    checkGrads((lo: NDArray, hi: NDArray) => np.sum(random.truncatedNormal(k, lo, hi, [5], "float64")), [f64([-1, -0.5, 0, 0.3, 1]), f64(1.7)]);
  });

  it("weibullMin is differentiable in scale and concentration", () => {
    checkGrads((scale: NDArray, c: NDArray) => np.sum(random.weibullMin(k, scale, c, [4], "float64")), [f64(1.3), f64([0.8, 1.5, 2, 3])]);
  });

  it("multivariateNormal is differentiable in mean and cov", () => {
    const cov = f64([[2, 0.5, 0.1], [0.5, 1, -0.2], [0.1, -0.2, 0.7]]);
    checkGrads((m: NDArray, c: NDArray) => np.sum(np.square(random.multivariateNormal(k, m, c, [2], { dtype: "float64" }))), [f64([0.5, -1, 2]), cov], { order: 1 });
  });

  it("gamma's derivative in a is the implicit one, −(∂F/∂a)/f, against a float64 CDF reference", () => {
    const a = f64([0.3, 1, 2.5, 7, 40, 1000]);
    const x = values(random.gamma(k, a, null, "float64"));
    const g = values(grad((aa: NDArray) => np.sum(random.gamma(k, aa, null, "float64")))(a) as NDArray);
    const [, tangent] = jvp((aa: NDArray) => random.gamma(k, aa, null, "float64"), [a], [np.onesLike(a)]);
    values(a).forEach((ai, i) => {
      const xi = x[i]!;
      const h = 1e-5 * Math.max(1, ai);
      const dFda = (gammaPRef(ai + h, xi) - gammaPRef(ai - h, xi)) / (2 * h);
      const density = Math.exp((ai - 1) * Math.log(xi) - xi - lgammaRef(ai));
      const want = -dFda / density;
      expect(Math.abs(g[i]! - want)).toBeLessThan(1e-6 * Math.max(1, Math.abs(want)));
      expect(values(tangent as NDArray)[i]).toBeCloseTo(g[i]!, 12);
    });
  });

  it("the gradients are unbiased: E[dx/dθ] = dE[x]/dθ for gamma, beta, chisquare and t", () => {
    const M = 10_000;
    // per-sample derivatives by forward mode; the bound is 5 standard errors of their mean
    const check = (f: (p: NDArray) => NDArray, p: number, want: number) => {
      const [, tangent] = jvp(f, [f64(p)], [f64(1)]);
      const ds = values(tangent as NDArray);
      const mean = ds.reduce((a, b) => a + b, 0) / M;
      const sd = Math.sqrt(ds.reduce((a, b) => a + (b - mean) ** 2, 0) / M);
      expect(Math.abs(mean - want)).toBeLessThan((5 * sd) / Math.sqrt(M));
      // and reverse mode agrees with forward mode on the mean
      expect(Number(grad((pp: NDArray) => np.mean(f(pp)))(f64(p)))).toBeCloseTo(mean, 10);
    };
    // E[gamma(a)] = a, E[chisquare(df)] = df, E[beta(a, b)] = a/(a+b), E[t(df)²] = df/(df − 2)
    check((a) => random.gamma(k, a, [M], "float64"), 0.7, 1);
    check((df) => random.chisquare(k, df, [M], "float64"), 3, 1);
    check((a) => random.beta(k, a, 2, [M], "float64"), 1.5, 2 / 3.5 ** 2);
    check((df) => np.square(random.t(k, df, [M], "float64")), 6, -2 / 16);
  });

  it("dirichlet's gradient keeps the simplex: the components' derivatives sum to 0", () => {
    const alpha = f64([0.5, 2, 3]);
    const total = values(grad((al: NDArray) => np.sum(random.dirichlet(k, al, [4], "float64")))(alpha) as NDArray);
    total.forEach((v) => expect(Math.abs(v)).toBeLessThan(1e-9));
    const g = values(grad((al: NDArray) => np.sum(np.take(random.dirichlet(k, al, [4], "float64"), 0, { axis: 1 })))(alpha) as NDArray);
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g.some((v) => Math.abs(v) > 1e-6)).toBe(true);
  });

  it("gamma's a-derivative jits and vmaps", () => {
    const f = (aa: NDArray) => np.sum(random.gamma(k, aa, [3], "float64"));
    const a = f64(2.2);
    expect(Number(jit(grad(f))(a))).toBeCloseTo(Number(grad(f)(a)), 10);
    const as = f64([0.5, 2.2]);
    const batched = values(vmap(grad(f))(as) as NDArray);
    values(as).forEach((ai, i) => expect(batched[i]).toBeCloseTo(Number(grad(f)(f64(ai))), 10));
  });
});
