// random.bits as JAX returns it (uint32, or uint8), and complex normal samples (JAX's
// random.normal with a complex dtype: real and imaginary parts independent N(0, ½), drawn from
// the two keys of split(key)). The bits are checked against the threefry cipher run directly
// in this file; every sampler built on the bits keeps its numbers (JAX's documented values).
import { array, lax, type NDArray, np, random } from "@jaxts/core";
import { jit, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const nums = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

describe("random.bits returns unsigned words, JAX's dtype and JAX's bits", () => {
  const k = random.key(1701);
  // the block at counter i under key (0, 1701), its two words XORed: JAX's partitionable bits
  const [w0, w1] = lax.threefry2x32(array([0, 0, 0, 0], { dtype: "int32" }), array([1701, 1701, 1701, 1701], { dtype: "int32" }), array([0, 0, 0, 0], { dtype: "int32" }), array([0, 1, 2, 3], { dtype: "int32" }));
  const want = nums(w0!).map((a, i) => (a ^ nums(w1!)[i]!) >>> 0);

  it("uint32 by default, the same words as the threefry blocks", () => {
    const b = random.bits(k, [2, 2]);
    expect(b.dtype).toBe("uint32");
    expect(b.shape).toEqual([2, 2]);
    expect(nums(b)).toEqual(want);
    // values past 2^31 are positive, as JAX's uint32 words
    expect(want.some((v) => v >= 2 ** 31)).toBe(true);
  });

  it("uint8 keeps each word's low 8 bits (JAX narrows the 32-bit words)", () => {
    const b = random.bits(k, [4], { dtype: "uint8" });
    expect(b.dtype).toBe("uint8");
    expect(nums(b)).toEqual(want.map((v) => v & 0xff));
    expect(() => random.bits(k, [4], { dtype: "int32" as never })).toThrow(/dtype/);
  });

  it("the samplers built on the words are unchanged: JAX's documented uniform values", () => {
    expect(random.uniform(random.key(0)).item()).toBeCloseTo(0.947667, 6);
    expect(random.uniform(random.split(random.key(0))[1]!).item()).toBeCloseTo(0.00729382, 8);
    // permutation and randint read the same words as bits gives
    const kk = random.key(3);
    const [, sub] = random.split(kk);
    const order = nums(random.bits(sub!, [6])).map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    expect(nums(random.permutation(kk, 6))).toEqual(order);
  });

  it("vmap over keys equals a loop; jit equals eager", () => {
    const keys = np.stack(random.split(random.key(9), 3));
    const batched = vmap((kk: NDArray) => random.bits(kk, [2]))(keys);
    expect(batched.dtype).toBe("uint32");
    expect(nums(batched)).toEqual([0, 1, 2].flatMap((i) => nums(random.bits(random.split(random.key(9), 3)[i]!, [2]))));
    expect(nums(jit((kk: NDArray) => random.bits(kk, [5]))(random.key(4)))).toEqual(nums(random.bits(random.key(4), [5])));
  });
});

describe("random.normal with a complex dtype (JAX's complex normal)", () => {
  it("is (normal(k₁) + i·normal(k₂)) / √2 with [k₁, k₂] = split(k), in the dtype's part precision", () => {
    const k = random.key(11);
    const [k1, k2] = random.split(k);
    for (const [cd, rd] of [["complex64", "float32"], ["complex128", "float64"]] as const) {
      const z = random.normal(k, [5], cd);
      expect(z.dtype).toBe(cd);
      const re = nums(random.normal(k1!, [5], rd));
      const im = nums(random.normal(k2!, [5], rd));
      const got = nums(z);
      const tol = rd === "float32" ? 1e-7 : 1e-16;
      re.forEach((r, i) => {
        expect(Math.abs(got[2 * i]! - r / Math.SQRT2)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(r)));
        expect(Math.abs(got[2 * i + 1]! - im[i]! / Math.SQRT2)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(im[i]!)));
      });
    }
  });

  it("moments: E z = 0, E|z|² = 1, each part has variance ½, the parts are uncorrelated", () => {
    const n = 40000;
    const z = random.normal(random.key(5), [n], "complex128");
    const re = np.real(z);
    const im = np.imag(z);
    const se = 4 / Math.sqrt(n);
    expect(Math.abs(np.mean(re).item() as number)).toBeLessThan(se);
    expect(Math.abs(np.mean(im).item() as number)).toBeLessThan(se);
    expect(Math.abs((np.mean(np.square(np.abs(z))).item() as number) - 1)).toBeLessThan(2 * se);
    expect(Math.abs((np.mean(np.square(re)).item() as number) - 0.5)).toBeLessThan(se);
    expect(Math.abs((np.mean(np.square(im)).item() as number) - 0.5)).toBeLessThan(se);
    expect(Math.abs(np.mean(re.mul(im)).item() as number)).toBeLessThan(se);
  });

  it("vmap over keys equals a loop; jit equals eager; orthogonal is unitary; the other samplers still refuse complex dtypes", () => {
    const ks = random.split(random.key(2), 3);
    const batched = vmap((kk: NDArray) => random.normal(kk, [4], "complex64"))(np.stack(ks));
    expect(nums(batched)).toEqual(ks.flatMap((kk) => nums(random.normal(kk, [4], "complex64"))));
    expect(nums(jit((kk: NDArray) => random.normal(kk, [3], "complex128"))(ks[0]!))).toEqual(nums(random.normal(ks[0]!, [3], "complex128")));
    expect(() => random.uniform(random.key(0), [2], { dtype: "complex64" })).toThrow(/float/);
    // orthogonal with a complex dtype samples the unitary group (JAX's): Q·Qᴴ = I
    const q = random.orthogonal(random.key(6), 4, [2], "complex128");
    expect(q.dtype).toBe("complex128");
    const qqh = np.matmul(q, np.conj(np.swapaxes(q, -1, -2)));
    expect(np.max(np.abs(qqh.sub(np.eye(4, 4, { dtype: "complex128" })))).item()).toBeLessThan(1e-14);
    expect(np.max(np.abs(np.imag(q))).item()).toBeGreaterThan(0.1);
    expect(() => random.exponential(random.key(0), [2], "complex64")).toThrow(/float/);
  });
});
