// The rest of numpy that JAX has (issue 11): gradient and unwrap, fromfunction and piecewise,
// poly, unique and the array API's unique* functions, lexsort, partition and argpartition, and
// the bitwise functions. Values against numpy's documented results (hand-checked), derivatives
// against finite differences, vmap against a loop, jit against eager.
import { array, lax, type NDArray, np } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape?: readonly number[]): NDArray => {
  const a = array([...xs], { dtype: "float64" });
  return shape === undefined ? a : a.reshape([...shape]);
};
const i32 = (xs: readonly number[]): NDArray => array([...xs], { dtype: "int32" });
const smooth = (n: number, seed: number, shape?: readonly number[]) => f64(Array.from({ length: n }, (_, i) => Math.cos(i * 1.3 + seed) * 2 + 0.1), shape);
const close = (got: NDArray, want: readonly number[], digits = 12): void => {
  const g = vals(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, digits));
};

function composes(f: (x: NDArray) => NDArray, batch: NDArray): void {
  const slices = Array.from({ length: batch.shape[0]! }, (_, i) => np.take(batch, array(i, { dtype: "int32" }), { axis: 0 }));
  close(jit(f)(slices[0]!), vals(f(slices[0]!)));
  close(vmap(f)(batch), vals(np.stack(slices.map(f))), 10);
}

describe("gradient and unwrap", () => {
  it("gradient: central differences inside, one-sided at the ends, with steps or coordinates", () => {
    const y = f64([1, 2, 4, 7, 11, 16]);
    close(np.gradient(y) as NDArray, [1, 1.5, 2.5, 3.5, 4.5, 5]);
    close(np.gradient(y, 2) as NDArray, [0.5, 0.75, 1.25, 1.75, 2.25, 2.5]);
    close(np.gradient(y, f64([0, 1, 1.5, 3.5, 4, 6])) as NDArray, [1, 3, 3.5, 6.7, 6.9, 2.5]);
    const [d0, d1] = np.gradient(f64([1, 2, 6, 3, 4, 5], [2, 3])) as NDArray[];
    close(d0!, [2, 2, -1, 2, 2, -1]);
    close(d1!, [1, 2.5, 4, 1, 1, 1]);
    close(np.gradient(f64([1, 2, 6, 3, 4, 5], [2, 3]), { axis: 1 }) as NDArray, [1, 2.5, 4, 1, 1, 1]);
    const [e0, e1] = np.gradient(f64([1, 2, 6, 3, 4, 5], [2, 3]), 2, 0.5) as NDArray[];
    close(e0!, [1, 1, -0.5, 1, 1, -0.5]);
    close(e1!, [2, 5, 8, 2, 2, 2]);
    expect(() => np.gradient(f64([1]))).toThrow(/at least 2/);
    expect(() => np.gradient(y, { edgeOrder: 2 })).toThrow(/edgeOrder/);
    expect(() => np.gradient(y, f64([0, 1, 2]))).toThrow(/6 elements/);
    expect(() => np.gradient(f64([1, 2, 3, 4], [2, 2]), 1, 2, 3)).toThrow(/one per axis/);
  });

  it("unwrap removes jumps larger than half the period, keeping the first value", () => {
    const p = f64([0, Math.PI / 4, Math.PI / 2, (3 * Math.PI) / 4 + Math.PI, 2 * Math.PI]);
    close(np.unwrap(p), [0, Math.PI / 4, Math.PI / 2, -Math.PI / 4, 0]);
    close(np.unwrap(f64([0, 1, 2, 3, 4, 5, 0, 1, 2, 3]), { period: 6 }), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    close(np.unwrap(f64([2, 3, 4, 5, 2, 3, 4, 5]), { period: 4 }), [2, 3, 4, 5, 6, 7, 8, 9]);
    close(np.unwrap(f64([0, 5, 0, 5]), { discont: 6 }), [0, 5, 0, 5]);
  });

  it("differentiate, batch and jit", () => {
    checkGrads((t: NDArray) => np.sum((np.gradient(t, f64([0, 0.5, 1.7, 2, 3.1])) as NDArray).mul(t)), [smooth(5, 1)]);
    checkGrads((t: NDArray) => np.sum((np.gradient(t.reshape([2, 3])) as NDArray[])[1]!.mul(t.reshape([2, 3]))), [smooth(6, 2)]);
    checkGrads((t: NDArray) => np.sum(np.unwrap(t).mul(t)), [f64([0.1, 1.2, 4.5, 0.3, 6.9])]);
    composes((t) => np.gradient(t) as NDArray, smooth(12, 3, [3, 4]));
    composes((t) => np.unwrap(t.mul(3)), smooth(12, 4, [3, 4]));
  });
});

describe("fromfunction, piecewise and poly", () => {
  it("fromfunction calls the function with the index grid", () => {
    close(np.fromfunction((i, j) => i.add(j), [2, 3]), [0, 1, 2, 1, 2, 3]);
    expect(np.fromfunction((i, j) => np.equal(i, j), [3, 3], { dtype: "int32" }).dtype).toBe("bool");
    close(np.fromfunction(() => 7, [2, 2]), [7, 7, 7, 7]);
    expect(np.fromfunction((i) => i, [4], { dtype: "int32" }).dtype).toBe("int32");
    expect(() => np.fromfunction(() => f64([1, 2, 3]), [2, 2])).toThrow(/broadcast/);
  });

  it("piecewise: the last true condition's piece, the default where none holds, x's dtype", () => {
    const x = np.linspace(-2.5, 2.5, 6);
    close(np.piecewise(x, [np.less(x, 0), np.greaterEqual(x, 0)], [-1, 1]), [-1, -1, -1, 1, 1, 1]);
    close(np.piecewise(x, [np.less(x, 0)], [(v: NDArray) => np.negative(v), (v: NDArray) => v]), [2.5, 1.5, 0.5, 0.5, 1.5, 2.5]);
    // no default: 0 where nothing holds; overlapping conditions: the last wins
    close(np.piecewise(f64([-1, 0, 1, 2]), [np.greater(f64([-1, 0, 1, 2]), 0), np.greater(f64([-1, 0, 1, 2]), 1)], [10, 20]), [0, 0, 10, 20]);
    const xi = i32([1, 5, 9]);
    expect(np.piecewise(xi, [np.greater(xi, 4)], [(v: NDArray) => v.mul(2.7), 0]).dtype).toBe("int32");
    expect(() => np.piecewise(x, [np.less(x, 0)], [1, 2, 3])).toThrow(/1 or 2 entries/);
    expect(() => np.piecewise(x, [x], [1])).toThrow(/boolean/);
  });

  it("poly: the monic polynomial of given roots, or a matrix's characteristic polynomial", () => {
    close(np.poly(f64([1, 2, 3])), [1, -6, 11, -6]);
    close(np.poly(f64([-0.5, 0, 0.5])), [1, 0, -0.25, 0]);
    close(np.poly(f64([])), [1]);
    close(np.poly(f64([1, 2, 3, 4], [2, 2])), [1, -5, -2]);
    // a 3×3 matrix: det(λI − A) = λ³ − tr λ² + (sum of principal minors) λ − det
    const a = f64([2, 1, 0, 1, 3, 1, 0, 1, 4], [3, 3]);
    close(np.poly(a), [1, -9, 24, -18], 11);
    expect(np.poly(i32([1, 2])).dtype).toBe("float32");
    expect(() => np.poly(f64([1, 2, 3, 4, 5, 6], [2, 3]))).toThrow(/square/);
  });

  it("differentiate, batch and jit", () => {
    checkGrads((t: NDArray) => np.sum(np.piecewise(t, [np.less(t, 0)], [(v: NDArray) => v.mul(v), (v: NDArray) => np.sin(v)])), [f64([-1.3, -0.2, 0.4, 2.1])]);
    checkGrads((t: NDArray) => np.sum(np.poly(t).mul(f64([0.3, -1, 2, 0.5]))), [f64([0.4, -1.1, 2])]);
    checkGrads((t: NDArray) => np.sum(np.poly(t.reshape([2, 2]))), [smooth(4, 5)]);
    composes((t) => np.poly(t), smooth(9, 6, [3, 3]));
    composes((t) => np.piecewise(t, [np.greater(t, 0.5)], [(v: NDArray) => v.mul(3), (v: NDArray) => v]), smooth(12, 7, [3, 4]));
  });
});

describe("polyfit and vander", () => {
  it("fits numpy's documented example and recovers an exact polynomial", () => {
    const x = f64([0, 1, 2, 3, 4, 5]);
    const y = f64([0, 0.8, 0.9, 0.1, -0.8, -1]);
    close(np.polyfit(x, y, 3) as NDArray, [0.08703704, -0.81349206, 1.69312169, -0.03968254], 7);
    close(np.polyfit(f64([0, 1, 2, 3]), f64([1, 6, 17, 34]), 2) as NDArray, [3, 2, 1], 10);
    // one fit per column of a 2-D y
    const two = np.polyfit(f64([0, 1, 2]), f64([1, 2, 3, 5, 5, 7], [3, 2]), 1) as NDArray;
    expect(two.shape).toEqual([2, 2]);
    close(two, [2, 2.5, 1, 2.1666666666666665], 10);
    close(np.vander(f64([1, 2, 3]), 3), [1, 1, 1, 4, 2, 1, 9, 3, 1]);
    close(np.vander(f64([2, 3]), 3, { increasing: true }), [1, 2, 4, 1, 3, 9]);
  });

  it("weights, full and cov return what numpy returns", () => {
    const x = f64([0, 1, 2, 3, 4]);
    const y = f64([1.1, 2.9, 5.2, 7.1, 8.8]);
    // unit weights change nothing; zero weight on the last point drops it
    close(np.polyfit(x, y, 1, { w: f64([1, 1, 1, 1, 1]) }) as NDArray, vals(np.polyfit(x, y, 1) as NDArray), 10);
    close(np.polyfit(x, y, 1, { w: f64([1, 1, 1, 1, 0]) }) as NDArray, vals(np.polyfit(f64([0, 1, 2, 3]), f64([1.1, 2.9, 5.2, 7.1]), 1) as NDArray), 10);
    const [c, resid, rank, , rcond] = np.polyfit(x, y, 1, { full: true }) as NDArray[];
    const fit = vals(np.polyval(c!, x));
    close(resid!, [vals(y).reduce((acc, v, i) => acc + (v - fit[i]!) ** 2, 0)], 10);
    expect(vals(rank!)).toEqual([2]);
    expect(vals(rcond!)[0]).toBeCloseTo(5 * 2 ** -52, 20);
    const [, cov] = np.polyfit(x, y, 1, { cov: true }) as NDArray[];
    // the slope's variance: σ² / Σ(x − x̄)² with σ² = resid / (n − 2)
    expect(vals(cov!)[0]).toBeCloseTo(vals(resid!)[0]! / 3 / 10, 10);
    expect(() => np.polyfit(f64([0, 1]), f64([1, 2]), 1, { cov: true })).toThrow(/unscaled/);
    expect(() => np.polyfit(f64([]), f64([]), 1)).toThrow(/empty/);
  });

  it("differentiates, batches and compiles", () => {
    checkGrads((t: NDArray) => np.sum((np.polyfit(f64([0, 0.5, 1.2, 2, 3.1]), t, 2) as NDArray).mul(f64([1, -2, 0.5]))), [f64([0.3, 1.1, 0.7, 2.2, 1.9])]);
    composes((t) => np.polyfit(f64([0, 1, 2, 3]), t, 1) as NDArray, smooth(12, 10, [3, 4]));
  });
});

describe("unique", () => {
  const x = () => i32([3, 4, 1, 3, 1]);
  it("sorted unique values, with first indices, inverse and counts in numpy's order", () => {
    expect(vals(np.unique(x()))).toEqual([1, 3, 4]);
    const [v, idx, inv, counts] = np.unique(x(), { returnIndex: true, returnInverse: true, returnCounts: true });
    expect([vals(v!), vals(idx!), vals(inv!), vals(counts!)]).toEqual([[1, 3, 4], [2, 0, 1], [1, 2, 0, 1, 0], [2, 2, 1]]);
    const [, c] = np.unique(x(), { returnCounts: true });
    expect(vals(c!)).toEqual([2, 2, 1]);
    const inv2d = np.unique(i32([1, 2, 2, 1]).reshape([2, 2]), { returnInverse: true })[1]!;
    expect(inv2d.shape).toEqual([2, 2]);
    expect(vals(inv2d)).toEqual([0, 1, 1, 0]);
  });

  it("size truncates or pads (with the smallest value, or fillValue); counts of padding are 0", () => {
    expect(vals(np.unique(x(), { size: 2 }))).toEqual([1, 3]);
    expect(vals(np.unique(x(), { size: 5 }))).toEqual([1, 3, 4, 1, 1]);
    expect(vals(np.unique(x(), { size: 5, fillValue: 0 }))).toEqual([1, 3, 4, 0, 0]);
    const [, idx, counts] = np.unique(x(), { size: 5, returnIndex: true, returnCounts: true });
    expect(vals(idx!)).toEqual([2, 0, 1, 2, 2]);
    expect(vals(counts!)).toEqual([2, 2, 1, 0, 0]);
    expect(vals(np.unique(x(), { size: 2, returnCounts: true })[1]!)).toEqual([2, 2]);
    expect(vals(np.unique(i32([]), { size: 2, fillValue: 9 }))).toEqual([9, 9]);
    expect(() => np.unique(i32([]), { size: 2 })).toThrow(/fillValue/);
    expect(vals(np.unique(i32([])))).toEqual([]);
  });

  it("unique slices along an axis", () => {
    const m = i32([1, 2, 2, 3, 1, 2]).reshape([3, 2]);
    expect(np.unique(m, { axis: 0 }).toArray()).toEqual([[1, 2], [2, 3]]);
    const [, idx, inv, counts] = np.unique(m, { axis: 0, returnIndex: true, returnInverse: true, returnCounts: true });
    expect([vals(idx!), vals(inv!), vals(counts!)]).toEqual([[0, 1], [0, 1, 0], [2, 1]]);
    expect(np.unique(m, { axis: 1 }).toArray()).toEqual([[1, 2], [2, 3], [1, 2]]);
    expect(np.unique(i32([5, 1, 5, 0, 5, 1]).reshape([3, 2]), { axis: 0 }).toArray()).toEqual([[5, 0], [5, 1]]);
  });

  it("NaNs: one value by default, distinct with equalNan false and in the array API functions", () => {
    expect(vals(np.unique(f64([1, Number.NaN, 2, Number.NaN])))).toEqual([1, 2, Number.NaN]);
    expect(vals(np.unique(f64([1, Number.NaN, 2, Number.NaN]), { equalNan: false }))).toEqual([1, 2, Number.NaN, Number.NaN]);
    expect(vals(np.uniqueValues(f64([1, Number.NaN, Number.NaN])))).toEqual([1, Number.NaN, Number.NaN]);
  });

  it("the array API functions return tuples with named fields", () => {
    const all = np.uniqueAll(x());
    expect([vals(all.values), vals(all.indices), vals(all.inverseIndices), vals(all.counts)]).toEqual([[1, 3, 4], [2, 0, 1], [1, 2, 0, 1, 0], [2, 2, 1]]);
    const [values, counts] = np.uniqueCounts(x());
    expect([vals(values), vals(counts)]).toEqual([[1, 3, 4], [2, 2, 1]]);
    const inv = np.uniqueInverse(x().reshape([5, 1]));
    expect(inv.inverseIndices.shape).toEqual([5, 1]);
    expect(vals(np.uniqueValues(x(), { size: 4 }))).toEqual([1, 3, 4, 1]);
  });

  it("needs size under jit (a clear error without it), and then compiles", () => {
    expect(() => jit((t: NDArray) => np.unique(t))(x())).toThrow(/size/);
    expect(vals(jit((t: NDArray) => np.unique(t, { size: 4 }))(x()))).toEqual([1, 3, 4, 1]);
    const rows = i32([3, 3, 1, 2, 2, 2]).reshape([2, 3]);
    expect(vmap((t: NDArray) => np.unique(t, { size: 2, fillValue: -1 }))(rows).toArray()).toEqual([[1, 3], [2, -1]]);
  });

  it("values are differentiable where they are selected", () => {
    const g = grad((t: NDArray) => np.sum(np.unique(t, { size: 3 }).mul(f64([1, 10, 100]))))(f64([2, 0.5, 2, 7]));
    // 0.5 → 1, 2 (first occurrence after the stable sort: index 0) → 10, 7 → 100
    expect(vals(g)).toEqual([10, 1, 0, 100]);
  });
});

describe("lexsort, partition and argpartition", () => {
  it("lexsort sorts by the last key first, stably", () => {
    const surnames = i32([1, 5, 1, 4, 3, 4, 4]);
    const firsts = i32([9, 4, 0, 4, 0, 2, 1]);
    expect(vals(np.lexsort([firsts, surnames]))).toEqual([2, 0, 4, 6, 5, 3, 1]);
    expect(vals(np.lexsort(np.stack([firsts, surnames])))).toEqual([2, 0, 4, 6, 5, 3, 1]);
    expect(vals(np.lexsort([i32([0, 0, 0])]))).toEqual([0, 1, 2]);
    expect(np.lexsort([i32([2, 1, 1, 2]).reshape([2, 2])], { axis: 0 }).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(vals(jit((a: NDArray, b: NDArray) => np.lexsort([a, b]))(firsts, surnames))).toEqual([2, 0, 4, 6, 5, 3, 1]);
    expect(() => np.lexsort([i32([1, 2]), i32([1, 2, 3])])).toThrow(/shape/);
  });

  it("partition puts the kth smallest at kth: the smaller ascending before it, the rest descending (JAX's layout)", () => {
    const a = f64([3, 4, 2, 1, 5, 0]);
    expect(vals(np.partition(a, 2))).toEqual([0, 1, 2, 5, 4, 3]);
    expect(vals(np.partition(a, -1))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(vals(np.argpartition(a, 2))).toEqual([5, 3, 2, 0, 1, 4]);
    expect(np.partition(f64([3, 1, 2, 9, 8, 7], [2, 3]), 0, { axis: 1 }).toArray()).toEqual([[1, 3, 2], [7, 9, 8]]);
    expect(np.argpartition(f64([3, 1, 2, 9, 8, 7], [2, 3]), 1, { axis: 0 }).toArray()).toEqual([[0, 0, 0], [1, 1, 1]]);
    expect(vals(np.partition(f64([Number.NaN, 1, 0]), 1))).toEqual([0, 1, Number.NaN]);
    expect(() => np.partition(a, 6)).toThrow(/kth/);
  });

  it("partition differentiates, batches and compiles", () => {
    checkGrads((t: NDArray) => np.sum(np.partition(t, 1).mul(f64([1, 2, 3, 4]))), [f64([0.3, -1.2, 2.5, 0.9])]);
    composes((t) => np.partition(t, 1), smooth(12, 8, [3, 4]));
    composes((t) => np.argpartition(t, 2), smooth(12, 9, [3, 4]));
  });
});

describe("JAX's named-tuple results", () => {
  it("read by position and by name: qr, eigh, svd, slogdet, uniqueAll", () => {
    const a = f64([4, 1, 1, 3], [2, 2]);
    const res = np.linalg.qr(a);
    const [q, r] = res;
    expect([res.Q, res.R]).toEqual([q, r]);
    const [w, v] = np.linalg.eigh(a);
    expect([np.linalg.eigh(a).eigenvalues.shape, v!.shape]).toEqual([w!.shape, [2, 2]]);
    const [u, sv, vh] = np.linalg.svd(a);
    expect([u!.shape, sv!.shape, vh!.shape]).toEqual([[2, 2], [2], [2, 2]]);
    const [sign, logabsdet] = np.linalg.slogdet(a);
    const named = np.linalg.slogdet(a);
    expect([vals(named.sign), vals(named.logabsdet)]).toEqual([vals(sign!), vals(logabsdet!)]);
    expect(vals(sign!)[0]! * Math.exp(vals(logabsdet!)[0]!)).toBeCloseTo(11, 12);
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.keys(res)).toEqual(["0", "1"]);
  });
});

describe("bits of floats: bitcastConvertType, view, signbit, copysign, nextafter", () => {
  /** An independent reference: C's nextafter through a DataView of the bits. */
  function nextafterRef(x: number, y: number, bytes: 4 | 8): number {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
    if (x === y) return y;
    if (x === 0) return (y > 0 ? 1 : -1) * (bytes === 8 ? 5e-324 : 2 ** -149);
    const dv = new DataView(new ArrayBuffer(8));
    if (bytes === 4) {
      dv.setFloat32(0, x);
      dv.setInt32(0, dv.getInt32(0) + ((y > x) === (x > 0) ? 1 : -1));
      return dv.getFloat32(0);
    }
    dv.setFloat64(0, x);
    dv.setBigInt64(0, dv.getBigInt64(0) + ((y > x) === (x > 0) ? 1n : -1n));
    return dv.getFloat64(0);
  }

  it("bitcastConvertType reads the same bytes (little-endian words), adding or dropping the trailing axis", () => {
    expect(vals(lax.bitcastConvertType(array([1, -2], { dtype: "float32" }), "int32"))).toEqual([1065353216, -1073741824]);
    const w = lax.bitcastConvertType(f64([1, -2]), "int32");
    expect(w.shape).toEqual([2, 2]);
    expect(vals(w)).toEqual([0, 1072693248, 0, -1073741824]);
    expect(vals(lax.bitcastConvertType(w, "float64"))).toEqual([1, -2]);
    expect(vals(lax.bitcastConvertType(array([15360], { dtype: "int16" }), "float16"))).toEqual([1]);
    expect(() => lax.bitcastConvertType(i32([1, 2, 3]), "float64")).toThrow(/last axis of 2/);
    expect(() => lax.bitcastConvertType(array([true]), "uint8")).toThrow(/bool/);
    // not differentiable: a zero derivative, as in JAX
    expect(vals(grad((t: NDArray) => np.sum(lax.bitcastConvertType(lax.bitcastConvertType(t, "int32"), "float32").mul(t)))(array([2], { dtype: "float32" })))).toEqual([2]);
    expect(vmap((t: NDArray) => lax.bitcastConvertType(t, "int32"))(f64([1, -2])).shape).toEqual([2, 2]);
    expect(vals(jit((t: NDArray) => lax.bitcastConvertType(t, "int32"))(array([1], { dtype: "float32" })))).toEqual([1065353216]);
  });

  it("x.view scales the last axis as numpy's view does", () => {
    const v = f64([1, -2]).view("int32");
    expect([v.shape, vals(v)]).toEqual([[4], [0, 1072693248, 0, -1073741824]]);
    expect(vals(v.view("float64"))).toEqual([1, -2]);
    expect(array([1, 2, 3, 4], { dtype: "float32" }).view("float64").shape).toEqual([2]);
    expect(array([7], { dtype: "uint32" }).view("int32").dtype).toBe("int32");
    expect(() => array([1, 2, 3], { dtype: "float32" }).view("float64")).toThrow(/multiple of 2/);
    expect(() => array(1, { dtype: "float64" }).view("float32")).toThrow(/0-d/);
  });

  it("signbit sees −0 and negative NaN bits; copysign takes the sign bit", () => {
    const negNaN = lax.bitcastConvertType(i32([-4194304]), "float32");
    expect(vals(np.signbit(np.concatenate([array([-1, 0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], { dtype: "float32" }), negNaN])))).toEqual([1, 0, 1, 0, 0, 1, 1]);
    expect(vals(np.signbit(f64([-1, 0, -0, -5e-324, 5e-324])))).toEqual([1, 0, 1, 1, 0]);
    expect(vals(np.signbit(array([-1, 0, 3], { dtype: "int8" })))).toEqual([1, 0, 0]);
    expect(vals(np.signbit(array([0.5, -0.5], { dtype: "float16" })))).toEqual([0, 1]);
    const c = np.copysign(f64([1, -2, 3, 0]), f64([-0, 5, -1, -1]));
    expect(vals(c).map((v) => (Object.is(v, -0) ? "-0" : v))).toEqual([-1, 2, -3, "-0"]);
    expect(np.copysign(i32([1]), i32([-1])).dtype).toBe("float32");
    checkGrads((t: NDArray) => np.sum(np.copysign(t, f64([-1, 2, -3])).mul(t)), [f64([0.5, -1.5, 2])]);
  });

  it("nextafter steps one float toward the target, for float64, float32 and the halves", () => {
    const xs = [1, 1, 0, 0, -1, Number.POSITIVE_INFINITY, 3.4028234663852886e38, Number.NaN, 2, -0, 1e-310, 2 ** 53, -5e-324];
    const ys = [2, 0, 1, -1, -2, 0, Number.POSITIVE_INFINITY, 1, 2, 1, 0, 0, 0];
    expect(vals(np.nextafter(f64(xs), f64(ys)))).toEqual(xs.map((x, i) => nextafterRef(x, ys[i]!, 8)));
    const x32 = Array.from(array(xs, { dtype: "float32" }).toTypedArray(), Number);
    expect(vals(np.nextafter(array(xs, { dtype: "float32" }), array(ys, { dtype: "float32" })))).toEqual(x32.map((x, i) => nextafterRef(x, ys[i]!, 4)));
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.double({ noNaN: true }), (x, y) => {
        expect(vals(np.nextafter(f64([x]), f64([y])))[0]).toBe(nextafterRef(x, y, 8));
      }),
      { numRuns: 200 },
    );
    expect(vals(np.nextafter(array([1, 0], { dtype: "float16" }), array([2, -1], { dtype: "float16" })))).toEqual([1 + 2 ** -10, -(2 ** -24)]);
    expect(vals(np.nextafter(array([1], { dtype: "bfloat16" }), array([0], { dtype: "bfloat16" })))).toEqual([1 - 2 ** -8]);
    expect(vals(jit((a: NDArray, b: NDArray) => np.nextafter(a, b))(f64([1]), f64([2])))).toEqual([1 + 2 ** -52]);
  });
});

describe("bitwise functions", () => {
  it("and, or, xor, not on integers (two's complement) and booleans; floats are refused", () => {
    expect(vals(np.bitwiseAnd(i32([12, -1, 7]), 10))).toEqual([8, 10, 2]);
    expect(vals(np.bitwiseOr(i32([12, -1, 7]), 10))).toEqual([14, -1, 15]);
    expect(vals(np.bitwiseXor(i32([12, -1, 7]), 10))).toEqual([6, -11, 13]);
    expect(vals(np.invert(i32([0, 5, -2147483648])))).toEqual([-1, -6, 2147483647]);
    expect(vals(np.bitwiseNot(array([true, false])))).toEqual([0, 1]);
    expect(vals(np.bitwiseXor(array([true, false]), array([true, true])))).toEqual([0, 1]);
    expect(() => np.bitwiseAnd(f64([1.5]), 1)).toThrow(/float64/);
    expect(() => np.invert(f64([1]))).toThrow(/floats/);
    expect(vals(jit((a: NDArray) => np.bitwiseXor(a, 3))(i32([1, 2])))).toEqual([2, 1]);
  });

  it("shifts: left wraps to the width, right is arithmetic on signed and logical on unsigned, counts past the width saturate", () => {
    expect(vals(np.rightShift(i32([-8, -7, 7, -1, -2147483648, 100]), i32([1, 1, 1, 40, 31, 32])))).toEqual([-4, -4, 3, -1, -1, 0]);
    expect(vals(np.rightShift(array([200, 255, 128], { dtype: "uint8" }), array([1, 4, 8], { dtype: "uint8" })))).toEqual([100, 15, 0]);
    expect(vals(np.bitwiseRightShift(array([-128, -1, 64], { dtype: "int8" }), array([1, 7, 9], { dtype: "int8" })))).toEqual([-64, -1, 0]);
    expect(vals(np.leftShift(i32([1, -1, 3]), i32([3, 31, 32])))).toEqual([8, -2147483648, 0]);
    expect(vals(np.bitwiseLeftShift(array([1, 200], { dtype: "uint8" }), array([7, 1], { dtype: "uint8" })))).toEqual([128, 144]);
    // arithmetic right shift is floor division by 2^n, for every n in [0, 31]
    const xs = [-1000003, -17, -1, 0, 5, 123456789];
    for (let n = 0; n < 32; n++) expect(vals(np.rightShift(i32(xs), n)), `n = ${n}`).toEqual(xs.map((v) => Math.floor(v / 2 ** n)));
    expect(vals(np.leftShift(array([true]), 1))).toEqual([2]);
    expect(() => np.leftShift(array([true]), array([true]))).toThrow(/bool/);
    expect(() => np.rightShift(f64([1]), 1)).toThrow(/float64/);
  });

  it("bitwiseCount counts the 1 bits of |x| (numpy's rule) as uint8, for every integer width", () => {
    const c = np.bitwiseCount(i32([0, 1, 7, -1, -2147483648, 2147483647, 255]));
    expect([c.dtype, vals(c)]).toEqual(["uint8", [0, 1, 3, 1, 1, 31, 8]]);
    expect(vals(np.bitwiseCount(array([-128, 127, -1], { dtype: "int8" })))).toEqual([1, 7, 1]);
    expect(vals(np.bitwiseCount(array([4294967295, 65535], { dtype: "uint32" })))).toEqual([32, 16]);
    expect(vals(np.bitwiseCount(array([-32768, -1], { dtype: "int16" })))).toEqual([1, 1]);
    expect(vals(np.bitwiseCount(array([true, false])))).toEqual([1, 0]);
    const popcount = (v: number): number => Math.abs(v).toString(2).split("").filter((b) => b === "1").length;
    const xs = Array.from({ length: 64 }, (_, k) => Math.round(Math.sin(k * 12.9898) * 2 ** 30));
    expect(vals(np.bitwiseCount(i32(xs)))).toEqual(xs.map(popcount));
    expect(vals(jit((a: NDArray) => np.bitwiseCount(a))(i32(xs)))).toEqual(xs.map(popcount));
  });

  it("refuse complex arrays as they refuse floats (bitwiseCount once counted the bits of |z|)", () => {
    const z = array([{ re: 3, im: 1 }], { dtype: "complex64" });
    expect(() => np.bitwiseCount(z)).toThrow(/bitwiseCount: expected an integer or boolean array, got complex64/);
    expect(() => np.bitwiseAnd(z, z)).toThrow(/bitwiseAnd: expected integer or boolean arrays, got complex64/);
    expect(() => np.bitwiseNot(z)).toThrow(/bitwiseNot: expected an integer or boolean array, got complex64/);
  });
});
