// The numpy functions of issue 11 built from existing primitives: manipulation (roll, rot90,
// splits and stacks), construction (triangles, diagonals, traces, grids, log ranges),
// differences, weighted statistics, polynomials, convolution, kron and nanToNum. Each: values
// against numbers worked out by hand (numpy's documented results), derivatives against finite
// differences in float64 (forward and reverse, orders 1 and 2), vmap against a loop, and jit
// against eager.
import { array, type NDArray, np, random, ShapeError, OverflowError } from "@jaxts/core";
import { jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape?: readonly number[]): NDArray => {
  const a = array([...xs], { dtype: "float64" });
  return shape === undefined ? a : a.reshape([...shape]);
};
const a34 = () => np.arange(12).reshape([3, 4]);
const smooth = (n: number, seed: number, shape?: readonly number[]) => f64(Array.from({ length: n }, (_, i) => Math.sin(i * 1.3 + seed) + 0.1 * i), shape);

/** jit(f) equals f, and vmap(f) over a leading axis equals f on each slice stacked. */
function composes(f: (x: NDArray) => NDArray, batch: NDArray): void {
  const slices = Array.from({ length: batch.shape[0]! }, (_, i) => np.take(batch, array(i, { dtype: "int32" }), { axis: 0 }));
  vals(jit(f)(slices[0]!)).forEach((v, i) => expect(v).toBeCloseTo(vals(f(slices[0]!))[i]!, 12));
  const looped = np.stack(slices.map(f));
  const batched = vmap(f)(batch);
  expect(batched.shape).toEqual(looped.shape);
  vals(batched).forEach((v, i) => expect(v).toBeCloseTo(vals(looped)[i]!, 10));
}

describe("manipulation", () => {
  it("roll shifts with wrap-around along an axis, over the flattened array, and by several (shift, axis) pairs", () => {
    expect(vals(np.roll(a34(), 1, { axis: 1 }))).toEqual([3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10]);
    expect(vals(np.roll(a34(), -5))).toEqual([5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 4]);
    expect(vals(np.roll(a34(), [1, 1], { axis: [0, 1] }))).toEqual([11, 8, 9, 10, 3, 0, 1, 2, 7, 4, 5, 6]);
    expect(vals(np.roll(a34(), 4, { axis: 1 }))).toEqual(vals(a34()));
    expect(() => np.roll(a34(), [1, 2, 3], { axis: [0, 1] })).toThrow(/same length/);
  });

  it("rot90 turns the plane of two axes from the first towards the second", () => {
    expect(vals(np.rot90(a34()))).toEqual([3, 7, 11, 2, 6, 10, 1, 5, 9, 0, 4, 8]);
    expect(np.rot90(a34()).shape).toEqual([4, 3]);
    expect(vals(np.rot90(a34(), { k: 2 }))).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(vals(np.rot90(a34(), { k: 3 }))).toEqual([8, 4, 0, 9, 5, 1, 10, 6, 2, 11, 7, 3]);
    expect(vals(np.rot90(a34(), { k: -1 }))).toEqual(vals(np.rot90(a34(), { k: 3 })));
    expect(vals(np.rot90(a34(), { axes: [1, 0] }))).toEqual(vals(np.rot90(a34(), { k: 3 })));
  });

  it("arraySplit gives the first sections one element more; the directional splits and stacks pick numpy's axes", () => {
    expect(np.arraySplit(np.arange(7), 3).map(vals)).toEqual([[0, 1, 2], [3, 4], [5, 6]]);
    expect(np.hsplit(a34(), 2).map((p) => p.shape)).toEqual([[3, 2], [3, 2]]);
    expect(np.vsplit(a34(), [1]).map((p) => p.shape)).toEqual([[1, 4], [2, 4]]);
    expect(np.dsplit(np.arange(8).reshape([1, 2, 4]), 2).map(vals)).toEqual([[0, 1, 4, 5], [2, 3, 6, 7]]);
    expect(np.unstack(a34(), { axis: 1 }).map(vals)).toEqual([[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]);
    expect(vals(np.hstack([array([1, 2]), array([3])]))).toEqual([1, 2, 3]);
    expect(np.vstack([array([1, 2]), array([3, 4])]).shape).toEqual([2, 2]);
    const d = np.dstack([array([1, 2]), array([3, 4])]);
    expect([d.shape, vals(d)]).toEqual([[1, 2, 2], [1, 3, 2, 4]]);
    expect(vals(np.columnStack([array([1, 2]), array([3, 4])]))).toEqual([1, 3, 2, 4]);
    expect(() => np.vsplit(np.arange(3), 1)).toThrow(/at least 2 dimensions/);
  });

  it("roll and rot90 differentiate, batch and jit", () => {
    const x = smooth(12, 1, [3, 4]);
    checkGrads((t: NDArray) => np.sum(np.roll(t, 2, { axis: 1 }).mul(np.arange(12).reshape([3, 4]))), [x]);
    checkGrads((t: NDArray) => np.sum(np.rot90(t).mul(np.tanh(np.rot90(t)))), [x]);
    composes((t) => np.roll(t, 1), smooth(15, 2, [3, 5]));
    composes((t) => np.rot90(t.reshape([1, 5]).add(t.reshape([5, 1])), { k: 1 }), smooth(15, 2, [3, 5]));
  });
});

describe("construction", () => {
  it("tri, tril and triu keep the elements on the right side of the k-th diagonal, exactly", () => {
    expect(vals(np.tri(3, 4, { k: 1 }))).toEqual([1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1]);
    expect(vals(np.tril(a34(), { k: -1 }))).toEqual([0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0]);
    expect(vals(np.triu(a34(), { k: 1 }))).toEqual([0, 1, 2, 3, 0, 0, 6, 7, 0, 0, 0, 11]);
    // selected, never multiplied: infinities elsewhere do not leak in as NaN
    const m = f64([Number.POSITIVE_INFINITY, 1, 2, 3], [2, 2]);
    expect(vals(np.triu(m, { k: 1 }))).toEqual([0, 1, 0, 0]);
  });

  it("diag builds and extracts diagonals, diagonal and trace read any offset and pair of axes", () => {
    expect(vals(np.diag(array([1, 2, 3]), { k: -1 }))).toEqual([0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0]);
    expect(vals(np.diag(a34(), { k: 1 }))).toEqual([1, 6, 11]);
    expect(vals(np.diagflat(array([[1, 2]])))).toEqual([1, 0, 0, 2]);
    expect(vals(np.trace(a34()))).toEqual([15]);
    expect(vals(np.trace(a34(), { offset: -1 }))).toEqual([4 + 9]);
    const cube = np.arange(24).reshape([2, 3, 4]);
    expect(vals(np.diagonal(cube, { axis1: 1, axis2: 2 }))).toEqual([0, 5, 10, 12, 17, 22]);
    expect(vals(np.diagonal(cube, { offset: 1, axis1: 0, axis2: 2 }))).toEqual([1, 14, 5, 18, 9, 22]);
    expect(np.diagonal(a34(), { offset: 9 }).shape).toEqual([0]);
  });

  it("meshgrid (xy and ij, dense and sparse), indices, logspace and geomspace", () => {
    const [gx, gy] = np.meshgrid(array([1, 2, 3]), array([10, 20]));
    expect([gx!.shape, vals(gx!), vals(gy!)]).toEqual([[2, 3], [1, 2, 3, 1, 2, 3], [10, 10, 10, 20, 20, 20]]);
    const [ix] = np.meshgrid(array([1, 2, 3]), array([10, 20]), { indexing: "ij" });
    expect(ix!.shape).toEqual([3, 2]);
    expect(np.meshgrid(array([1, 2, 3]), array([10, 20]), { sparse: true }).map((t) => t.shape)).toEqual([[1, 3], [2, 1]]);
    const grid = np.indices([2, 3]) as NDArray;
    expect([grid.shape, vals(grid)]).toEqual([[2, 2, 3], [0, 0, 0, 1, 1, 1, 0, 1, 2, 0, 1, 2]]);
    expect(vals(np.logspace(0, 2, 3))).toEqual([1, 10, 100]);
    expect(vals(np.logspace(0, 3, 4, { base: 2 }))).toEqual([1, 2, 4, 8]);
    const g = vals(np.geomspace(1, 1000, 4, { dtype: "float64" }));
    expect(g[0]).toBe(1);
    expect(g[3]).toBe(1000);
    expect(g[1]).toBeCloseTo(10, 12);
    expect(vals(np.geomspace(-1, -100, 3, { dtype: "float64" }))).toEqual([-1, -10, -100]);
    expect(() => np.geomspace(-1, 10, 3)).toThrow(/same sign/);
    expect(() => np.geomspace(0, 10, 3)).toThrow(/zero/);
    expect(() => np.geomspace(1, 10, 2.5)).toThrow(/num/);
  });

  it("triangles, diagonals and traces differentiate, batch and jit", () => {
    const x = smooth(16, 3, [4, 4]);
    checkGrads((t: NDArray) => np.sum(np.tril(t).mul(np.triu(t, { k: -1 }))), [x]);
    checkGrads((t: NDArray) => np.trace(np.matmul(t, t)), [x]);
    checkGrads((t: NDArray) => np.sum(np.diag(np.diagonal(t, { offset: 1 })).mul(2)), [x]);
    composes((t) => np.tril(t.reshape([2, 3])), smooth(18, 4, [3, 6]));
    composes((t) => np.diag(t, { k: 1 }), smooth(12, 5, [3, 4]));
    composes((t) => np.trace(t.reshape([2, 2])).reshape([1]), smooth(12, 6, [3, 4]));
  });
});

describe("differences, statistics, polynomials, convolution", () => {
  it("diff and ediff1d", () => {
    expect(vals(np.diff(array([1, 4, 9, 16]), 2))).toEqual([2, 2]);
    expect(vals(np.diff(a34(), 1, { axis: 0 }))).toEqual([4, 4, 4, 4, 4, 4, 4, 4]);
    expect(vals(np.diff(array([1, 2]), 1, { prepend: 0, append: array([5]) }))).toEqual([1, 1, 3]);
    expect(vals(np.diff(array([true, false, false]), 1))).toEqual([1, 0]);
    expect(vals(np.ediff1d(array([1, 2, 4]), { toBegin: -1, toEnd: array([8, 9]) }))).toEqual([-1, 1, 2, 8, 9]);
  });

  it("average with and without weights, cov and corrcoef as numpy defines them", () => {
    expect(vals(np.average(a34(), { axis: 1, weights: array([1, 0, 0, 1]) }) as NDArray)).toEqual([1.5, 5.5, 9.5]);
    const [avg, wsum] = np.average(a34(), { axis: 0, returned: true }) as [NDArray, NDArray];
    expect([vals(avg), vals(wsum)]).toEqual([[4, 5, 6, 7], [3, 3, 3, 3]]);
    expect(vals(np.cov(array([[0, 1, 2], [2, 1, 0]])))).toEqual([1, -1, -1, 1]);
    expect(vals(np.cov(array([1, 2, 3, 4]), { bias: true }))).toEqual([1.25]);
    // frequency weights count observations: the same as repeating them
    const fw = vals(np.cov(f64([1, 2, 4]), { fweights: array([1, 2, 1]) }));
    expect(fw[0]).toBeCloseTo(vals(np.cov(f64([1, 2, 2, 4])))[0]!, 12);
    const r = vals(np.corrcoef(f64([0, 1, 2, 2, 1, 0.5], [2, 3])));
    // rows [0, 1, 2] and [2, 1, 0.5]: covariance −0.75, variances 1 and 7/12
    const ref = -0.75 / Math.sqrt(7 / 12);
    expect(r[1]).toBeCloseTo(ref, 12);
    expect(r[0]).toBe(1);
  });

  it("polyval, polyder and polyint", () => {
    expect(vals(np.polyval(array([3, 0, 1]), array([5, 1])))).toEqual([76, 4]);
    expect(vals(np.polyval(array([1, 0]), array([Number.POSITIVE_INFINITY])))).toEqual([Number.POSITIVE_INFINITY]);
    expect(vals(np.polyder(array([1, 1, 1, 1])))).toEqual([3, 2, 1]);
    expect(vals(np.polyder(array([1, 1, 1, 1]), { m: 2 }))).toEqual([6, 2]);
    expect(vals(np.polyint(array([3, 2, 1])))).toEqual([1, 1, 1, 0]);
    expect(vals(np.polyint(array([6]), { m: 2, k: [1, 2] }))).toEqual([3, 1, 2]);
  });

  it("convolve and correlate in every mode, either operand longer", () => {
    const [a, v] = [array([1, 2, 3]), array([0, 1, 0.5])];
    expect(vals(np.convolve(a, v))).toEqual([0, 1, 2.5, 4, 1.5]);
    expect(vals(np.convolve(a, v, { mode: "same" }))).toEqual([1, 2.5, 4]);
    expect(vals(np.convolve(a, v, { mode: "valid" }))).toEqual([2.5]);
    expect(vals(np.correlate(a, v, { mode: "full" }))).toEqual([0.5, 2, 3.5, 3, 0]);
    expect(vals(np.correlate(a, v))).toEqual([3.5]);
    expect(vals(np.correlate(v, a, { mode: "full" }))).toEqual([0, 3, 3.5, 2, 0.5]);
    expect(vals(np.convolve(array([1, 2, 3, 4, 5]), array([1, 1]), { mode: "same" }))).toEqual([1, 3, 5, 7, 9]);
    expect(vals(np.convolve(array([1, 2]), array([1, 2, 3, 4, 5]), { mode: "same" }))).toEqual([1, 4, 7, 10, 13]);
    expect(() => np.convolve(array([1]), array([1]), { mode: "circular" as never })).toThrow();
  });

  it("kron and nanToNum", () => {
    expect(vals(np.kron(array([1, 10, 100]), array([5, 6, 7])))).toEqual([5, 6, 7, 50, 60, 70, 500, 600, 700]);
    expect(vals(np.kron(np.eye(2), array([[1, 2], [3, 4]])))).toEqual([1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4]);
    expect(vals(np.nanToNum(f64([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1])))).toEqual([0, Number.MAX_VALUE, -Number.MAX_VALUE, 1]);
    expect(vals(np.nanToNum(f64([Number.NaN, Number.POSITIVE_INFINITY]), { nan: 7, posinf: 8 }))).toEqual([7, 8]);
  });

  it("differentiate (forward and reverse, orders 1 and 2), batch and jit", () => {
    const x = smooth(8, 7);
    const w = smooth(3, 8);
    checkGrads((t: NDArray) => np.sum(np.diff(t, 2).mul(np.diff(t, 2, { prepend: 0 }).sum())), [x]);
    checkGrads((t: NDArray, u: NDArray) => np.sum(np.convolve(t, u).mul(np.convolve(t, u, { mode: "same" }).sum())), [x, w]);
    checkGrads((t: NDArray, u: NDArray) => np.sum(np.correlate(t, u, { mode: "full" }).mul(np.tanh(np.correlate(u, t)).sum())), [x, w]);
    checkGrads((p: NDArray, t: NDArray) => np.sum(np.polyval(p, t)), [w, x]);
    checkGrads((t: NDArray) => np.sum(np.cov(t.reshape([2, 4])).mul(f64([1, 2, 3, 4], [2, 2]))), [x]);
    checkGrads((t: NDArray) => np.sum(np.corrcoef(t.reshape([2, 4]))), [x]);
    checkGrads((t: NDArray) => np.sum(np.average(t.reshape([2, 4]), { axis: 1, weights: f64([1, 2, 3, 4]) }) as NDArray), [x]);
    checkGrads((t: NDArray, u: NDArray) => np.sum(np.kron(t.reshape([2, 4]), u)), [x, w]);
    composes((t) => np.convolve(t, f64([1, -2, 0.5])), smooth(15, 9, [3, 5]));
    composes((t) => np.polyval(t, f64([0.5, -1])), smooth(12, 10, [3, 4]));
    composes((t) => np.diff(t, 1), smooth(12, 11, [3, 4]));
    composes((t) => np.kron(t, f64([1, 2])), smooth(12, 12, [3, 4]));
  });
});

describe("generated sequences are cast as literals are, in every dtype", () => {
  it("geomspace and the FFT frequencies store halves as halves (geomspace wrote raw numbers into their bits)", () => {
    for (const dtype of ["float16", "bfloat16", "float32", "int32", "complex64"] as const) {
      expect(np.geomspace(1, 1000, 4, { dtype }).astype("float64").toArray()).toEqual([1, 10, 100, 1000]);
    }
    expect(np.fft.fftfreq(4, 1, { dtype: "float16" }).astype("float64").toArray()).toEqual([0, 0.25, -0.5, -0.25]);
    expect(np.fft.rfftfreq(4, 1, { dtype: "bfloat16" }).astype("float64").toArray()).toEqual([0, 0.25, 0.5]);
  });
  it("geomspace into an integer dtype that cannot hold a value is an OverflowError (it wrapped)", () => {
    expect(() => np.geomspace(1, 1e12, 3, { dtype: "int32" })).toThrow(OverflowError);
  });
});

describe("a function that returns a list of arrays refuses more than 2^20 of them (a longer list kills the process)", () => {
  const huge = 2 ** 53;
  it.each([
    ["arraySplit", () => np.arraySplit(array([]), huge)],
    ["split", () => np.split(np.zeros([0]), 2 ** 21)],
    ["unstack", () => np.unstack(np.zeros([2 ** 21, 0]))],
    ["random.split", () => random.split(random.key(0), 2 ** 21)],
    ["vander", () => np.vander(array([], { dtype: "float32" }), 2 ** 21)],
  ])("%s raises a ShapeError naming the limit", (_, call) => {
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/at most 1048576/);
  });
  it("up to the limit they work (empty sections of an empty axis included)", () => {
    expect(np.arraySplit(array([1, 2, 3]), 5).map((p) => p.shape)).toEqual([[1], [1], [1], [0], [0]]);
    expect(np.split(np.zeros([0]), 4)).toHaveLength(4);
  });
});
