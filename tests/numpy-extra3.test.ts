// np.linalg's compositions (norms, cross, tensordot, multiDot, matrixPower) and the counting
// and lookup functions (bincount, histogram, interp, isin, trapezoid) of issue 11: values
// against numpy's documented results, derivatives against finite differences, vmap against
// a loop, jit against eager.
import { array, lax, type NDArray, np } from "@jaxts/core";
import { jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape?: readonly number[]): NDArray => {
  const a = array([...xs], { dtype: "float64" });
  return shape === undefined ? a : a.reshape([...shape]);
};
const smooth = (n: number, seed: number, shape?: readonly number[]) => f64(Array.from({ length: n }, (_, i) => Math.cos(i * 1.3 + seed) * 2 + 0.1), shape);

function composes(f: (x: NDArray) => NDArray, batch: NDArray): void {
  const slices = Array.from({ length: batch.shape[0]! }, (_, i) => np.take(batch, array(i, { dtype: "int32" }), { axis: 0 }));
  vals(jit(f)(slices[0]!)).forEach((v, i) => expect(v).toBeCloseTo(vals(f(slices[0]!))[i]!, 12));
  const looped = vals(np.stack(slices.map(f)));
  vals(vmap(f)(batch)).forEach((v, i) => expect(v).toBeCloseTo(looped[i]!, 10));
}

describe("np.linalg", () => {
  const a = () => f64([1, -2, 3, 4], [2, 2]);
  it("norms: vector orders, matrix orders over two axes, numpy's defaults", () => {
    expect(vals(np.linalg.norm(a()))[0]).toBeCloseTo(Math.sqrt(30), 14);
    expect(vals(np.linalg.norm(a(), { ord: 1 }))).toEqual([6]);
    expect(vals(np.linalg.norm(a(), { ord: -1 }))).toEqual([4]);
    expect(vals(np.linalg.norm(a(), { ord: Number.POSITIVE_INFINITY }))).toEqual([7]);
    expect(vals(np.linalg.norm(a(), { ord: Number.NEGATIVE_INFINITY }))).toEqual([3]);
    expect(vals(np.linalg.norm(f64([3, 4])))).toEqual([5]);
    expect(vals(np.linalg.norm(a(), { axis: 1 }))).toEqual([Math.sqrt(5), 5]);
    expect(vals(np.linalg.vectorNorm(f64([3, -4, 0]), { ord: 1 }))).toEqual([7]);
    expect(vals(np.linalg.vectorNorm(f64([3, -4, 0]), { ord: 0 }))).toEqual([2]);
    expect(vals(np.linalg.vectorNorm(f64([3, -4, 0]), { ord: 3 }))[0]).toBeCloseTo(Math.cbrt(27 + 64), 12);
    expect(vals(np.linalg.matrixNorm(np.stack([a(), a().mul(2)]))).map((v) => v / Math.sqrt(30))).toEqual([1, 2].map((k) => expect.closeTo(k, 12) as unknown as number));
    expect(np.linalg.norm(a(), { keepdims: true }).shape).toEqual([1, 1]);
    // the largest singular value: √(largest eigenvalue of aᵀa = [[10, 10], [10, 20]])
    expect(vals(np.linalg.norm(a(), { ord: 2 }))[0]).toBeCloseTo(Math.sqrt(15 + Math.sqrt(125)), 12);
    expect(() => np.linalg.norm(a(), { ord: 7 as never })).toThrow(/ord/);
  });

  it("cross, tensordot, multiDot and matrixPower", () => {
    expect(vals(np.cross(array([1, 0, 0]), array([0, 1, 0])))).toEqual([0, 0, 1]);
    expect(vals(np.cross(array([[1, 2, 3], [4, 5, 6]]), array([[7, 8, 9], [1, 2, 3]])))).toEqual([-6, 12, -6, 3, -6, 3]);
    expect(vals(np.cross(array([1, 2]), array([3, 4])))).toEqual([-2]);
    expect(vals(np.cross(array([[1], [0], [0]]), array([[0], [1], [0]]), { axis: 0 }))).toEqual([0, 0, 1]);
    expect(vals(np.tensordot(np.arange(6).reshape([2, 3]), np.arange(6).reshape([3, 2]), [[1], [0]]))).toEqual([10, 13, 28, 40]);
    expect(np.tensordot(np.arange(24).reshape([2, 3, 4]), np.arange(12).reshape([3, 4])).shape).toEqual([2]);
    expect(vals(np.tensordot(array([1, 2]), array([3, 4]), 0))).toEqual([3, 4, 6, 8]);
    expect(vals(np.linalg.multiDot([array([1, 2]), array([[1, 0], [0, 1]]), array([[2], [3]])]))).toEqual([8]);
    const chain = [smooth(6, 1, [2, 3]), smooth(12, 2, [3, 4]), smooth(8, 3, [4, 2])];
    vals(np.linalg.multiDot(chain)).forEach((v, i) => expect(v).toBeCloseTo(vals(np.matmul(np.matmul(chain[0]!, chain[1]!), chain[2]!))[i]!, 12));
    expect(vals(np.linalg.matrixPower(array([[1, 1], [1, 0]]), 10))).toEqual([89, 55, 55, 34]);
    expect(vals(np.linalg.matrixPower(array([[1, 1], [1, 0]]), 0))).toEqual([1, 0, 0, 1]);
    expect(vals(np.linalg.matrixPower(array([[1, 1], [1, 0]]), -1))).toEqual([0, 1, 1, -1].map((v) => expect.closeTo(v, 6) as unknown as number));
  });

  it("differentiate, batch and jit", () => {
    const x = smooth(6, 4, [2, 3]);
    checkGrads((t: NDArray) => np.linalg.norm(t).add(np.linalg.norm(t, { axis: 0 }).sum()).add(np.linalg.vectorNorm(t, { ord: 3 })), [x]);
    checkGrads((t: NDArray) => np.sum(np.cross(t, f64([1, 2, 3])).mul(t)), [x]);
    checkGrads((t: NDArray) => np.sum(np.linalg.matrixPower(t.mul(0.5), 3)), [smooth(4, 9, [2, 2])]);
    checkGrads((t: NDArray, u: NDArray) => np.sum(np.linalg.multiDot([t, u, t.reshape([3, 2])])), [x, smooth(9, 10, [3, 3])]);
    composes((t) => np.linalg.norm(t.reshape([2, 2]), { ord: 1 }), smooth(12, 5, [3, 4]));
    composes((t) => np.tensordot(t, f64([1, 2, 3, 4]), 1), smooth(12, 6, [3, 4]));
  });
});

describe("counting and lookup", () => {
  it("bincount, histogram, interp, isin and trapezoid", () => {
    expect(vals(np.bincount(array([0, 1, 1, 3, 2, 1, 7], { dtype: "int32" })))).toEqual([1, 3, 1, 1, 0, 0, 0, 1]);
    expect(vals(np.bincount(array([0, 1, 1, 2], { dtype: "int32" }), { weights: f64([0.3, 0.5, 0.2, 0.7]), length: 4 }))).toEqual([0.3, 0.7, 0.7, 0]);
    expect(vals(np.bincount(array([1], { dtype: "int32" }), { minlength: 3 }))).toEqual([0, 1, 0]);
    // as JAX: a negative value counts in bin 0; one past the length is dropped
    expect(vals(np.bincount(array([-2, 1, 5], { dtype: "int32" }), { length: 3 }))).toEqual([1, 1, 0]);
    const [h, e] = np.histogram(array([1, 2, 1]), { bins: 3, range: [0, 3] });
    expect([vals(h), vals(e)]).toEqual([[0, 2, 1], [0, 1, 2, 3]]);
    expect(vals(np.histogram(np.arange(4), { bins: array([0, 1, 2, 3]) })[0])).toEqual([1, 1, 2]);
    const [d] = np.histogram(f64([0, 0.5, 1.5, 2]), { bins: 2, density: true });
    expect(vals(d)).toEqual([0.5, 0.5]);
    expect(vals(np.interp(array([2.5, 0, 3, 4]), array([1, 2, 3]), array([3, 2, 0])))).toEqual([1, 3, 0, 0]);
    expect(vals(np.interp(array([0.5, 9]), array([1, 2, 3]), array([3, 2, 0]), { left: -1, right: 7 }))).toEqual([-1, 7]);
    expect(vals(np.isin(array([1, 2, 3, 4]), array([2, 4])))).toEqual([0, 1, 0, 1]);
    expect(vals(np.isin(array([1, 2]), array([2]), { invert: true }))).toEqual([1, 0]);
    expect(vals(np.trapezoid(array([1, 2, 3])))).toEqual([4]);
    expect(vals(np.trapezoid(array([1, 2, 3]), { x: array([4, 6, 8]) }))).toEqual([8]);
    expect(vals(np.trapezoid(array([1, 2, 3]), { dx: 0.5 }))).toEqual([2]);
    expect(() => np.bincount(f64([1.5]))).toThrow(/integers/);
  });

  it("interp and trapezoid differentiate, batch and jit; weighted bincount and histogram differentiate in the weights", () => {
    const xp = f64([0, 1, 2.5, 4]);
    checkGrads((fp: NDArray, x: NDArray) => np.sum(np.interp(x, xp, fp)), [f64([1, -1, 2, 0.5]), f64([0.3, 1.7, 3.1])], { order: 1 });
    checkGrads((y: NDArray) => np.trapezoid(np.tanh(y), { x: f64([0, 0.5, 2, 2.2, 3, 4]) }), [smooth(6, 11)]);
    checkGrads((w: NDArray) => np.sum(np.bincount(array([0, 2, 2, 1], { dtype: "int32" }), { weights: w, length: 3 }).mul(f64([1, 2, 3]))), [smooth(4, 12)]);
    composes((x) => np.interp(x, xp, f64([1, -1, 2, 0.5])), smooth(12, 13, [3, 4]));
    composes((y) => np.trapezoid(y), smooth(12, 14, [3, 4]));
  });
});

describe("topK and round with decimals", () => {
  it("lax.topK: the k largest along the last axis, ties by lower index, NaN largest, integers without overflow", () => {
    const [v, i] = lax.topK(array([3, 1, 4, 1, 5, 9, 2, 6]), 3);
    expect([vals(v), vals(i)]).toEqual([[9, 6, 5], [5, 7, 4]]);
    const [v2, i2] = lax.topK(f64([1, 3, 3, 2, 5, Number.NaN, 0, 5], [2, 4]), 2);
    expect(vals(v2)).toEqual([3, 3, Number.NaN, 5]);
    expect(vals(i2)).toEqual([1, 2, 1, 0]);
    const [v3] = lax.topK(array([-2147483648, 7, 7, 0], { dtype: "int32" }), 4);
    expect(vals(v3)).toEqual([7, 7, 0, -2147483648]);
    expect(() => lax.topK(array([1, 2]), 3)).toThrow(/k must be/);
  });

  it("round with decimals rounds halves to even at that place, and topK's values differentiate, batch and jit", () => {
    expect(vals(np.round(f64([1.234, -2.5, 123.456]), { decimals: 1 }))).toEqual([1.2, -2.5, 123.5]);
    expect(vals(np.round(f64([1234.5, 1250]), { decimals: -2 }))).toEqual([1200, 1200]);
    expect(vals(np.round(f64([0.5, 1.5, 2.5])))).toEqual([0, 2, 2]);
    checkGrads((t: NDArray) => np.sum(lax.topK(t, 3)[0].mul(f64([3, 2, 1]))), [smooth(7, 15)]);
    composes((t) => lax.topK(t, 2)[0], smooth(12, 16, [3, 4]));
  });
});

describe("two-operand numpy functions compute in the wider dtype of their operands (never a silent cast down)", () => {
  const c64 = (pairs: readonly [number, number][]) => array(pairs.map(([re, im]) => ({ re, im })) as never, { dtype: "complex64" });
  it("histogram sums complex or float64 weights as such", () => {
    const x = array([0.1, 0.5, 0.9], { dtype: "float32" });
    const [c] = np.histogram(x, { bins: 2, weights: c64([[1, 1], [1, 2], [1, 3]]) });
    expect(c.dtype).toBe("complex64");
    expect(vals(c)).toEqual([1, 1, 2, 5]); // (1+1j), (1+2j)+(1+3j) as interleaved (re, im)
    const [d] = np.histogram(x, { bins: 2, weights: f64([1 / 3, 1 / 3, 1 / 3]) });
    expect(d.dtype).toBe("float64");
    expect(vals(d)[1]).toBe(2 / 3);
  });
  it("interp places a float64 x at float64 precision with a float32 fp", () => {
    const y = np.interp(f64([0.1234567891]), f64([0, 1]), array([0, 1], { dtype: "float32" }));
    expect(y.dtype).toBe("float64");
    expect(vals(y)[0]).toBe(0.1234567891);
  });
  it("cov with float64 weights of float32 observations is float64", () => {
    const aweights = f64([1 / 3, 1 / 7, 1 / 11]);
    const m = array([[1, 2, 4], [2, 1, 0]], { dtype: "float32" });
    const got = np.cov(m, { aweights });
    expect(got.dtype).toBe("float64");
    vals(got).forEach((v, i) => expect(v).toBeCloseTo(vals(np.cov(m.astype("float64"), { aweights }))[i]!, 15));
  });
});
