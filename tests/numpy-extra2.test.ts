// More numpy functions of issue 11: lax.associativeScan and the cumulative products and
// extrema built on it, the NaN-ignoring reductions, quantiles/percentiles/medians,
// searchsorted/digitize/select and np.pad's modes. Values against numpy's documented results
// (worked out by hand), derivatives against finite differences in float64, vmap against a
// loop, jit against eager.
import { array, lax, type NDArray, np } from "@jaxts/core";
import { jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape?: readonly number[]): NDArray => {
  const a = array([...xs], { dtype: "float64" });
  return shape === undefined ? a : a.reshape([...shape]);
};
const smooth = (n: number, seed: number, shape?: readonly number[]) => f64(Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 2 + 0.05 * i), shape);

function composes(f: (x: NDArray) => NDArray, batch: NDArray): void {
  const slices = Array.from({ length: batch.shape[0]! }, (_, i) => np.take(batch, array(i, { dtype: "int32" }), { axis: 0 }));
  const eager = vals(f(slices[0]!));
  vals(jit(f)(slices[0]!)).forEach((v, i) => (Number.isNaN(eager[i]!) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(eager[i]!, 12)));
  const looped = vals(np.stack(slices.map(f)));
  const batched = vmap(f)(batch);
  vals(batched).forEach((v, i) => (Number.isNaN(looped[i]!) ? expect(v).toBeNaN() : expect(v).toBeCloseTo(looped[i]!, 10)));
}

describe("associative scans and cumulative functions", () => {
  it("associativeScan gives every prefix for any length, along any axis, forwards and reversed, over lists of arrays", () => {
    for (let n = 1; n <= 33; n++) {
      const got = vals(lax.associativeScan((a: NDArray, b: NDArray) => lax.add(a, b), np.arange(1, n + 1)));
      expect(got).toEqual(Array.from({ length: n }, (_, i) => ((i + 1) * (i + 2)) / 2));
    }
    expect(vals(lax.associativeScan((a: NDArray, b: NDArray) => lax.add(a, b), np.arange(12).reshape([3, 4]), { axis: 1 }))).toEqual([0, 1, 3, 6, 4, 9, 15, 22, 8, 17, 27, 38]);
    expect(vals(lax.associativeScan((a: NDArray, b: NDArray) => lax.add(a, b), np.arange(5), { reverse: true }))).toEqual([10, 10, 9, 7, 4]);
    // a non-commutative associative op on pairs: affine maps x ↦ m·x + c composed in order
    const [m, c] = lax.associativeScan(
      ([m1, c1]: NDArray[], [m2, c2]: NDArray[]) => [lax.mul(m1!, m2!), lax.add(lax.mul(m2!, c1!), c2!)],
      [f64([2, 3, 0.5, 4]), f64([1, -1, 2, 0])],
    ) as NDArray[];
    expect(vals(m!)).toEqual([2, 6, 3, 12]);
    expect(vals(c!)).toEqual([1, 2, 3, 12]);
  });

  it("cumprod, cummax, cummin and the NaN-ignoring cumulative sums", () => {
    expect(vals(np.cumprod(array([1, 2, 3, 4])))).toEqual([1, 2, 6, 24]);
    expect(vals(np.cumprod(array([[1, 2], [3, 4]]), { axis: 0 }))).toEqual([1, 2, 3, 8]);
    expect(vals(np.cummax(array([1, 3, 2, 5, 4])))).toEqual([1, 3, 3, 5, 5]);
    expect(vals(np.cummin(array([[3, 1], [2, 4]]), { axis: 0 }))).toEqual([3, 1, 2, 1]);
    expect(vals(np.cummax(f64([1, Number.NaN, 3])))).toEqual([1, Number.NaN, Number.NaN]);
    expect(vals(np.nancumsum(f64([1, Number.NaN, 3])))).toEqual([1, 1, 4]);
    expect(vals(np.nancumprod(f64([2, Number.NaN, 3])))).toEqual([2, 2, 6]);
    expect(np.cumprod(array([true, true])).dtype).toBe("int32");
  });

  it("cumulative functions differentiate, batch and jit", () => {
    const x = smooth(7, 1);
    checkGrads((t: NDArray) => np.sum(np.cumprod(t).mul(f64([1, 2, 3, 4, 5, 6, 7]))), [x]);
    checkGrads((t: NDArray) => np.sum(np.cummax(t).mul(np.cummin(t))), [x]);
    composes((t) => np.cumprod(t), smooth(15, 2, [3, 5]));
    composes((t) => np.cummax(t), smooth(15, 3, [3, 5]));
  });
});

describe("NaN-ignoring reductions", () => {
  const withNan = () => f64([1, Number.NaN, 3, Number.NaN, Number.NaN, Number.NaN], [2, 3]);
  it("ignore NaNs, and give NaN for a slice that is all NaN", () => {
    expect(vals(np.nansum(withNan()))).toEqual([4]);
    expect(vals(np.nansum(withNan(), { axis: 1 }))).toEqual([4, 0]);
    expect(vals(np.nanprod(withNan()))).toEqual([3]);
    expect(vals(np.nanmax(withNan(), { axis: 1 }))).toEqual([3, Number.NaN]);
    expect(vals(np.nanmin(withNan(), { axis: 1 }))).toEqual([1, Number.NaN]);
    expect(vals(np.nanmean(withNan(), { axis: 1 }))).toEqual([2, Number.NaN]);
    expect(vals(np.nanvar(withNan()))).toEqual([1]);
    expect(vals(np.nanstd(withNan(), { ddof: 1 }))).toEqual([Math.SQRT2]);
    expect(vals(np.nanargmax(f64([Number.NaN, 2, 5, 1])))).toEqual([2]);
    expect(vals(np.nanargmin(f64([Number.NaN, 2, 5, 1])))).toEqual([3]);
    expect(vals(np.nanmean(array([1, 2, 4])))).toEqual([7 / 3].map((v) => Math.fround(v)));
  });

  it("differentiate through the non-NaN elements, batch and jit", () => {
    const x = f64([0.5, Number.NaN, -1.2, 2, Number.NaN, 0.3]);
    const clean = f64([0.5, 0, -1.2, 2, 0, 0.3]);
    // checkGrads perturbs every input; NaN inputs stay NaN, so differentiate at a clean point
    checkGrads((t: NDArray) => np.nanmean(t).add(np.nanvar(t)).add(np.nanmax(t)), [clean]);
    composes((t) => np.nansum(t, { axis: 0 }).add(np.nanmax(t)), f64([1, Number.NaN, 2, 3, 4, Number.NaN, 5, 6, 7, 8, 9, 10], [2, 3, 2]));
    expect(vals(jit((t: NDArray) => np.nanmean(t))(x))).toEqual(vals(np.nanmean(x)));
  });
});

describe("quantiles", () => {
  it("quantile, percentile and median with numpy's methods, axes, q arrays and keepdims", () => {
    const a = array([1, 2, 3, 4]);
    expect(vals(np.quantile(a, 0.5))).toEqual([2.5]);
    expect(vals(np.quantile(a, array([0, 0.25, 1])))).toEqual([1, 1.75, 4]);
    expect(vals(np.median(array([[3, 1, 2], [6, 5, 4]]), { axis: 1 }))).toEqual([2, 5]);
    expect(vals(np.percentile(array([1, 2, 3, 4, 5]), 40, { method: "lower" }))).toEqual([2]);
    expect(vals(np.percentile(array([1, 2, 3, 4, 5]), 40, { method: "higher" }))).toEqual([3]);
    expect(vals(np.percentile(array([1, 2, 3, 4, 5]), 40, { method: "midpoint" }))).toEqual([2.5]);
    expect(vals(np.quantile(array([1, 2, 3, 4, 5]), 0.375, { method: "nearest" }))).toEqual([3]); // 1.5 rounds to even
    const q = np.quantile(np.arange(12).reshape([3, 4]), array([0.5, 1]), { axis: 0 });
    expect([q.shape, vals(q)]).toEqual([[2, 4], [4, 5, 6, 7, 8, 9, 10, 11]]);
    expect(np.median(np.arange(6).reshape([2, 3]), { keepdims: true }).shape).toEqual([1, 1]);
    expect(np.median(np.arange(6).reshape([2, 3]), { axis: 1, keepdims: true }).shape).toEqual([2, 1]);
    expect(vals(np.quantile(f64([1, Number.NaN]), 0.5))).toEqual([Number.NaN]);
    expect(vals(np.nanmedian(f64([1, Number.NaN, 3, 2])))).toEqual([2]);
    expect(vals(np.nanpercentile(f64([Number.NaN, 10, 20]), 50))).toEqual([15]);
    // a q outside [0, 1] is an error when known, NaN when traced — never clamped
    expect(() => np.quantile(a, 1.5)).toThrow(/in \[0, 1\]/);
    expect(() => np.percentile(a, -3)).toThrow(/percentiles in \[0, 100\]/);
    expect(vals(jit((qq: NDArray) => np.quantile(f64([1, 2, 3]), qq))(f64([0.5, 1.5])))).toEqual([2, Number.NaN]);
  });

  it("keep a float64 q's precision over a float32 array, and the array's over a float32 q", () => {
    // q = 0.1 + 2^-40 is not a float32: rounded to one, the interpolation weight loses it
    const q = 0.1 + 2 ** -40;
    const a32 = array([0, 2 ** 20], { dtype: "float32" });
    const r = np.quantile(a32, array(q, { dtype: "float64" }));
    expect(r.dtype).toBe("float64");
    expect(r.item()).toBe(q * 2 ** 20);
    expect(np.percentile(a32, array([10], { dtype: "float64" })).dtype).toBe("float64");
    expect(np.nanquantile(array([1, 2], { dtype: "float64" }), array(0.5, { dtype: "float32" })).dtype).toBe("float64");
    // a JS number q is weak: the array's dtype decides
    expect(np.quantile(a32, 0.5).dtype).toBe("float32");
    expect(() => np.quantile(a32, array({ re: 0.5, im: 0 }, { dtype: "complex64" }))).toThrow(/q must be real/);
  });

  it("differentiate (the interpolation between order statistics), batch and jit", () => {
    const x = smooth(9, 4);
    checkGrads((t: NDArray) => np.sum(np.quantile(t, f64([0.1, 0.5, 0.93]))), [x], { order: 1 });
    checkGrads((t: NDArray) => np.median(t.reshape([3, 3]), { axis: 1 }).sum(), [x], { order: 1 });
    composes((t) => np.quantile(t, 0.3), smooth(15, 5, [3, 5]));
    composes((t) => np.nanmedian(t), f64([1, Number.NaN, 2, 3, 4, 5, Number.NaN, 6, 7], [3, 3]));
  });
});

describe("searching, selecting, padding", () => {
  it("searchsorted, digitize (increasing and decreasing bins) and select", () => {
    expect(vals(np.searchsorted(array([1, 2, 3, 4, 5]), array([3, 0, 6])))).toEqual([2, 0, 5]);
    expect(vals(np.searchsorted(array([1, 2, 3, 4, 5]), 3, { side: "right" }))).toEqual([3]);
    expect(vals(np.searchsorted(array([5, 1, 3]), array([2, 4]), { sorter: array([1, 2, 0], { dtype: "int32" }) }))).toEqual([1, 2]);
    const x = array([0.2, 6.4, 3.0, 1.6]);
    expect(vals(np.digitize(x, array([0, 1, 2.5, 4, 10])))).toEqual([1, 4, 3, 2]);
    expect(vals(np.digitize(x, array([10, 4, 2.5, 1, 0])))).toEqual([4, 1, 2, 3]);
    expect(vals(np.digitize(array([1, 2]), array([1, 2]), { right: true }))).toEqual([0, 1]);
    const r = np.arange(6);
    expect(vals(np.select([np.less(r, 3), np.greater(r, 4)], [r, r.mul(10)], 42))).toEqual([0, 1, 2, 42, 42, 50]);
    expect(() => np.select([r], [r])).toThrow(/bool/);
  });

  it("pad in every mode, per axis, with numpy's pad_width forms", () => {
    const a = array([1, 2, 3]);
    expect(vals(np.pad(a, [2, 3]))).toEqual([0, 0, 1, 2, 3, 0, 0, 0]);
    expect(vals(np.pad(a, 1, { constantValues: 9 }))).toEqual([9, 1, 2, 3, 9]);
    expect(vals(np.pad(a, [2, 3], { mode: "edge" }))).toEqual([1, 1, 1, 2, 3, 3, 3, 3]);
    expect(vals(np.pad(a, [2, 3], { mode: "reflect" }))).toEqual([3, 2, 1, 2, 3, 2, 1, 2]);
    expect(vals(np.pad(a, [2, 3], { mode: "symmetric" }))).toEqual([2, 1, 1, 2, 3, 3, 2, 1]);
    expect(vals(np.pad(a, [2, 3], { mode: "wrap" }))).toEqual([2, 3, 1, 2, 3, 1, 2, 3]);
    expect(vals(np.pad(a, [7, 0], { mode: "wrap" }))).toEqual([3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(vals(np.pad(a, 1, { mode: "mean" }))).toEqual([2, 1, 2, 3, 2]);
    expect(vals(np.pad(array([[1, 2], [3, 4]]), [[1, 0], [0, 1]], { mode: "maximum" }))).toEqual([3, 4, 4, 1, 2, 2, 3, 4, 4]);
    expect(vals(np.pad(array([[1, 2], [3, 4]]), [[1, 0], [0, 1]], { mode: "minimum" }))).toEqual([1, 2, 1, 1, 2, 1, 3, 4, 3]);
    expect(() => np.pad(a, [-1, 2])).toThrow(/pad_width/);
    expect(() => np.pad(a, 1, { mode: "linear" as never })).toThrow();
  });

  it("pad and select differentiate, batch and jit", () => {
    const x = smooth(6, 6, [2, 3]);
    for (const mode of ["constant", "edge", "wrap", "reflect", "symmetric", "mean", "maximum"] as const) {
      checkGrads((t: NDArray) => np.sum(np.pad(t, [[1, 2], [2, 1]], { mode }).mul(np.arange(30).reshape([5, 6]).astype("float64"))), [x], { order: 1 });
    }
    composes((t) => np.pad(t, [2, 1], { mode: "reflect" }), smooth(12, 7, [3, 4]));
    composes((t) => np.select([np.greater(t, 0)], [t.mul(2)], t), smooth(12, 8, [3, 4]));
  });
});
