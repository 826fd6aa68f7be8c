// jax.random semantics: functional keys, JAX's threefry bits (known-answer vectors), and
// the distributions' statistics within generous (≥ 5σ) bounds.
import { describe, expect, it } from "vitest";
import { array, ArgumentError, lax, type NDArray, np, OverflowError, random } from "@jaxts/core";

const values = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const u32 = (x: NDArray): number[] => values(x).map((v) => v >>> 0);
const i32 = (v: number): NDArray => array([v | 0], { dtype: "int32" });

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
  return { mean, variance };
}

describe("keys", () => {
  it("key(seed) is an int32[2] holding the seed's two 32-bit words, as in JAX", () => {
    const k = random.key(0);
    expect([k.dtype, k.shape]).toEqual(["int32", [2]]);
    expect(k.toArray()).toEqual([0, 0]);
    expect(random.key(42).toArray()).toEqual([0, 42]);
  });

  it("split follows JAX's partitionable threefry (its default since 0.5.0): key i is foldIn(key, i)", () => {
    // JAX's testPRNGValues: fold_in(key(0), 4) = [2285895361, 433833334] (the same in both schemes)
    expect(u32(random.foldIn(random.key(0), 4))).toEqual([2285895361, 433833334]);
    expect(u32(random.split(random.key(0), 5)[4]!)).toEqual([2285895361, 433833334]);
    // JAX's test_threefry_split_fold_in_symmetry
    const k = random.key(72);
    expect(random.split(k, 3).map(u32)).toEqual([0, 1, 2].map((i) => u32(random.foldIn(k, i))));
  });

  it("uniform(key(0)) and uniform(split(key(0))[1]) are JAX's documented 0.947667 and 0.00729382", () => {
    // the jax.random module docs, with jax_threefry_partitionable = True
    expect(random.uniform(random.key(0)).item()).toBeCloseTo(0.947667, 6);
    expect(random.uniform(random.split(random.key(0))[1]!).item()).toBeCloseTo(0.00729382, 8);
  });

  it("bits are the XOR of the two words of the threefry block at counter i (partitionable random_bits)", () => {
    const k = random.key(1701);
    const [w0, w1] = lax.threefry2x32(array([0, 0, 0], { dtype: "int32" }), array([1701, 1701, 1701], { dtype: "int32" }), array([0, 0, 0], { dtype: "int32" }), array([0, 1, 2], { dtype: "int32" }));
    const want = values(w0).map((a, i) => (a ^ values(w1)[i]!) >>> 0);
    expect(u32(random.bits(k, [3]))).toEqual(want);
    // and not the legacy scheme's [56197195, 4200222568, 961309823] (JAX's testRngRandomBits, partitionable off)
    expect(u32(random.bits(k, [3]))).not.toEqual([56197195, 4200222568, 961309823]);
  });

  it("key(2 ** 64) is an OverflowError, not key(0); seeds keep their 64-bit words", () => {
    expect(() => random.key(2 ** 64)).toThrow(OverflowError);
    expect(() => random.key(-(2 ** 63) - 2 ** 11)).toThrow(/outside the int64 and uint64 ranges/);
    expect(u32(random.key(2 ** 63))).toEqual([2 ** 31, 0]);
    expect(u32(random.key(2 ** 32 + 5))).toEqual([1, 5]);
    // JAX's test_prng_seeds_and_keys (64-bit seeds): -1 -> [4294967295, 4294967295]
    expect(u32(random.key(-1))).toEqual([4294967295, 4294967295]);
    expect(() => random.key(Number.NaN)).toThrow(ArgumentError);
    expect(() => random.key(1.5)).toThrow(/the seed must be an integer/);
  });

  it("split(key, n) gives n distinct keys that all differ from the parent", () => {
    const k = random.key(7);
    const keys = random.split(k, 5);
    expect(keys.length).toBe(5);
    const seen = new Set([...keys, k].map((x) => values(x).join(",")));
    expect(seen.size).toBe(6);
    // splitting is deterministic
    expect(random.split(k, 5).map(values)).toEqual(keys.map(values));
  });

  it("foldIn gives a new key per datum, deterministically", () => {
    const k = random.key(3);
    const a = random.foldIn(k, 1);
    const b = random.foldIn(k, 2);
    expect(values(a)).not.toEqual(values(b));
    expect(values(a)).not.toEqual(values(k));
    expect(values(random.foldIn(k, 1))).toEqual(values(a));
  });

  it("foldIn folds in the datum as a uint32, as JAX does", () => {
    const k = random.key(3);
    expect(values(random.foldIn(k, -1))).toEqual(values(random.foldIn(k, 2 ** 32 - 1)));
    expect(values(random.foldIn(k, 2 ** 32 + 5))).toEqual(values(random.foldIn(k, 5)));
    // fold_in(key, d) = threefry_2x32(key, [0, d])
    const [y0, y1] = lax.threefry2x32(i32(0), i32(3), i32(0), i32(5));
    expect(values(random.foldIn(k, 5))).toEqual([...values(y0), ...values(y1)]);
  });

  it("split into more keys than a list may hold (2^20) is a ShapeError naming random.split", () => {
    expect(() => random.split(random.key(0), 2 ** 31)).toThrow(/random.split: would make 2147483648 keys \(one array each\); at most 1048576/);
    expect(random.split(random.key(0), 2 ** 10)).toHaveLength(2 ** 10);
  });

  it("uniform and categorical reject unknown options with a nearest-key hint", () => {
    expect(() => random.uniform(random.key(0), [2], { minVal: 2 } as unknown as { minval: number })).toThrow(/did you mean `minval`/);
    expect(() => random.categorical(random.key(0), np.zeros([3]), { axes: 0 } as unknown as { axis: number })).toThrow(/did you mean `axis`/);
  });

  it("rejects something that is not a key with an ArgumentError", () => {
    expect(() => random.uniform(np.zeros([3]), [2])).toThrow(ArgumentError);
    expect(() => random.split(np.zeros([2]))).toThrow(/PRNG key/);
    expect(() => random.key(0.5)).toThrow(ArgumentError);
  });
});

describe("threefry2x32", () => {
  it("matches the Random123 known-answer vector", () => {
    // key (0x13198a2e, 0x03707344), counts (0x243f6a88, 0x85a308d3) → (0xc4923a9c, 0x483df7a0)
    const [y0, y1] = lax.threefry2x32(i32(0x13198a2e), i32(0x03707344), i32(0x243f6a88), i32(0x85a308d3));
    expect(u32(y0)).toEqual([0xc4923a9c]);
    expect(u32(y1)).toEqual([0x483df7a0]);
  });

  it("matches the all-zero and all-ones known-answer vectors", () => {
    const z = lax.threefry2x32(i32(0), i32(0), i32(0), i32(0));
    expect(z.map(u32)).toEqual([[0x6b200159], [0x99ba4efe]]);
    const f = lax.threefry2x32(i32(-1), i32(-1), i32(-1), i32(-1));
    expect(f.map(u32)).toEqual([[0x1cb996fc], [0xbb002be7]]);
  });
});

describe("determinism", () => {
  it("the same key gives the same numbers; different keys give different numbers", () => {
    const [k1, k2] = random.split(random.key(1));
    expect(values(random.uniform(k1!, [5]))).toEqual(values(random.uniform(k1!, [5])));
    expect(values(random.normal(k1!, [5]))).toEqual(values(random.normal(k1!, [5])));
    expect(values(random.uniform(k1!, [5]))).not.toEqual(values(random.uniform(k2!, [5])));
  });

  it("a sample of shape [2, 3] is the sample of shape [6] reshaped", () => {
    const k = random.key(5);
    expect(values(random.uniform(k, [2, 3]))).toEqual(values(random.uniform(k, [6])));
    expect(random.uniform(k, [2, 3]).shape).toEqual([2, 3]);
    expect(random.uniform(k).shape).toEqual([]);
    expect(random.uniform(k, [0, 3]).shape).toEqual([0, 3]);
  });
});

describe("distributions", () => {
  const N = 10000;

  it("uniform lies in [minval, maxval) with mean (a+b)/2 and variance (b-a)²/12", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = random.uniform(random.key(11), [N], { minval: 2, maxval: 5, dtype });
      expect(x.dtype).toBe(dtype);
      const xs = values(x);
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...xs)).toBeLessThan(5);
      const { mean, variance } = moments(xs);
      expect(Math.abs(mean - 3.5)).toBeLessThan(0.045); // σ_mean ≈ 0.0087
      expect(Math.abs(variance - 0.75)).toBeLessThan(0.035); // σ_var ≈ 0.0067
    }
  });

  it("uniform defaults to [0, 1) in the default float dtype", () => {
    const x = random.uniform(random.key(2), [1000]);
    expect(x.dtype).toBe("float32");
    const xs = values(x);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });

  it("normal has mean ≈ 0 and variance ≈ 1 over 10000 samples", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = random.normal(random.key(12), [N], dtype);
      expect(x.dtype).toBe(dtype);
      const xs = values(x);
      expect(xs.every(Number.isFinite)).toBe(true);
      const { mean, variance } = moments(xs);
      expect(Math.abs(mean)).toBeLessThan(0.05); // σ_mean = 0.01
      expect(Math.abs(variance - 1)).toBeLessThan(0.075); // σ_var ≈ 0.014
      // about 68% within one standard deviation
      const within = xs.filter((v) => Math.abs(v) < 1).length / N;
      expect(Math.abs(within - 0.6827)).toBeLessThan(0.025);
    }
  });

  it("bernoulli(p) is a bool array that is true at rate p", () => {
    const x = random.bernoulli(random.key(13), 0.3, [N]);
    expect([x.dtype, x.shape]).toEqual(["bool", [N]]);
    const rate = values(x).filter((v) => v !== 0).length / N;
    expect(Math.abs(rate - 0.3)).toBeLessThan(0.025); // σ ≈ 0.0046
  });

  it("categorical samples classes with the softmax of the logits as frequencies", () => {
    const p = [0.2, 0.3, 0.5];
    const logits = np.broadcastTo(np.log(array(p, { dtype: "float64" })), [N, 3]);
    const x = random.categorical(random.key(14), logits);
    expect([x.dtype, x.shape]).toEqual(["int32", [N]]);
    const counts = [0, 0, 0];
    for (const v of values(x)) counts[v]!++;
    counts.forEach((c, i) => expect(Math.abs(c / N - p[i]!)).toBeLessThan(0.025));
  });

  it("permutation(key, n) is a permutation of 0..n-1, different for different keys", () => {
    const p = random.permutation(random.key(15), 50);
    expect(p.dtype).toBe("int32");
    expect([...values(p)].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const q = random.permutation(random.key(16), 50);
    expect(values(q)).not.toEqual(values(p));
    expect(values(random.permutation(random.key(15), 50))).toEqual(values(p));
  });

  it("permutation(key, n) sorts arange(n) by the bits of split(key)[1], as JAX's shuffle (one round below 1626)", () => {
    const k = random.key(21);
    const sortBits = u32(random.bits(random.split(k)[1]!, [40]));
    const want = Array.from({ length: 40 }, (_, i) => i).sort((a, b) => sortBits[a]! - sortBits[b]! || a - b);
    expect(values(random.permutation(k, 40))).toEqual(want);
    expect(values(random.permutation(k, 1))).toEqual([0]);
    expect(random.permutation(k, 0).shape).toEqual([0]);
  });

  it("permutation(key, x) shuffles the rows of x", () => {
    const x = array([[0, 0], [1, 1], [2, 2], [3, 3]], { dtype: "int32" });
    const y = random.permutation(random.key(17), x);
    expect(y.shape).toEqual([4, 2]);
    const rows = y.toArray() as number[][];
    expect(rows.every(([a, b]) => a === b)).toBe(true);
    expect(rows.map(([a]) => a).sort()).toEqual([0, 1, 2, 3]);
  });
});

describe("randint", () => {
  it("reduces two 32-bit draws from split(key) modulo the span with uint32 arithmetic, as JAX", () => {
    const k = random.key(9);
    const [k1, k2] = random.split(k);
    const hi = u32(random.bits(k1!, [50]));
    const lo = u32(random.bits(k2!, [50]));
    for (const [a, b] of [[0, 8], [-5, 1000003], [-(2 ** 31), 2 ** 31 - 1]] as const) {
      const span = BigInt(b - a);
      const mult = (BigInt(2 ** 16) % span) ** 2n % span;
      const want = hi.map((h, i) => Number(((((BigInt(h) % span) * mult) % 2n ** 32n + (BigInt(lo[i]!) % span)) % 2n ** 32n) % span) + a);
      expect(values(random.randint(k, [50], a, b))).toEqual(want);
    }
  });

  it("randint takes array bounds broadcast to the shape, one span per element, with the same arithmetic", () => {
    const k = random.key(4);
    const [k1, k2] = random.split(k);
    const hi = u32(random.bits(k1!, [2, 3]));
    const lo = u32(random.bits(k2!, [2, 3]));
    const mins = [0, -7, 100];
    const maxs = [[5, 20, 1000003], [1, -7, 90]];
    const want = hi.map((h, i) => {
      const [a, b] = [mins[i % 3]!, maxs[Math.floor(i / 3)]![i % 3]!];
      if (b <= a) return a;
      const span = BigInt(b - a);
      const mult = (BigInt(2 ** 16) % span) ** 2n % span;
      return Number(((((BigInt(h) % span) * mult) % 2n ** 32n + (BigInt(lo[i]!) % span)) % 2n ** 32n) % span) + a;
    });
    const got = random.randint(k, [2, 3], array(mins, { dtype: "int32" }), array(maxs, { dtype: "int32" }));
    expect([got.dtype, values(got)]).toEqual(["int32", want]);
    expect(() => random.randint(k, [2, 3], array([1, 2], { dtype: "int32" }), 5)).toThrow(/broadcast/);
    expect(() => random.randint(k, [3], array([0.5, 1, 2]), 5)).toThrow(/int32/);
  });

  it("randint with minval > maxval returns minval everywhere, as JAX", () => {
    expect(values(random.randint(random.key(0), [4], 5, 2))).toEqual([5, 5, 5, 5]);
    expect(values(random.randint(random.key(0), [3], 7, 7))).toEqual([7, 7, 7]);
  });

  it("randint(k, [n], 0, 1e10) never returns negatives: maxval clips to the int32 range", () => {
    const xs = values(random.randint(random.key(3), [2000], 0, 1e10));
    expect(xs.every((v) => v >= 0 && v <= 2 ** 31 - 1)).toBe(true);
    // spread over the whole range, not stuck near 0 or wrapped
    expect(Math.max(...xs)).toBeGreaterThan(2 ** 30);
    const neg = values(random.randint(random.key(3), [2000], -1e12, 0));
    expect(neg.every((v) => v >= -(2 ** 31) && v < 0)).toBe(true);
  });

  it("randint is int32, lies in [minval, maxval) and hits every value", () => {
    const x = random.randint(random.key(4), [3000], -3, 4);
    expect(x.dtype).toBe("int32");
    expect(new Set(values(x))).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
  });

  it("fractional or non-finite bounds are ArgumentErrors", () => {
    expect(() => random.randint(random.key(0), [2], 0.5, 3)).toThrow(ArgumentError);
    expect(() => random.randint(random.key(0), [2], 0, 2.5)).toThrow(/maxval must be an integer, got number 2.5/);
    expect(() => random.randint(random.key(0), [2], 0, Number.POSITIVE_INFINITY)).toThrow(ArgumentError);
  });
});
