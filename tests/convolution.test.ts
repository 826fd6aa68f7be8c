// Convolutions and pooling (issue 11): lax.convGeneralDilated against a direct float64
// reference (loops over every output element, written from the definition) for random
// shapes, strides, paddings, dilations, feature and batch groups and layouts; conv,
// convTranspose and reduceWindow against hand-worked numbers; nn.maxPool / avgPool as Flax
// defines them; derivatives against finite differences, vmap against a loop, jit against eager.
import { array, lax, type NDArray, nn, np } from "@jaxts/core";
import { fc, test } from "@fast-check/vitest";
import { grad, jit, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape: readonly number[]): NDArray => array([...xs], { dtype: "float64" }).reshape([...shape]);
const rand = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.91 + seed * 1.7) * 1.5);

/** The definition, in NCHW / OIHW with 2 spatial dims: out[n][o][y][x] = Σ lhs·rhs over the
 * (dilated, padded) input window and the kernel's input features of o's group. */
type Dims4 = readonly [number, number, number, number];
function reference(
  lhs: number[], [N, C, H, W]: Dims4, rhs: number[], [O, I, KH, KW]: Dims4,
  strides: number[], pad: [number, number][], lhsDil: number[], rhsDil: number[], groups: number, batchGroups: number,
): { out: number[]; shape: number[] } {
  const dil = (n: number, d: number) => (n - 1) * d + 1;
  const [Hd, Wd] = [dil(H, lhsDil[0]!) + pad[0]![0] + pad[0]![1], dil(W, lhsDil[1]!) + pad[1]![0] + pad[1]![1]];
  const [kh, kw] = [dil(KH, rhsDil[0]!), dil(KW, rhsDil[1]!)];
  const [OH, OW] = [Math.floor((Hd - kh) / strides[0]!) + 1, Math.floor((Wd - kw) / strides[1]!) + 1];
  const No = N / batchGroups;
  const out = new Array<number>(No * O * OH * OW).fill(0);
  const input = (n: number, c: number, y: number, x: number): number => {
    // position in the dilated, padded input → an original element, or 0
    const yy = y - pad[0]![0];
    const xx = x - pad[1]![0];
    if (yy < 0 || xx < 0 || yy % lhsDil[0]! !== 0 || xx % lhsDil[1]! !== 0) return 0;
    const [iy, ix] = [yy / lhsDil[0]!, xx / lhsDil[1]!];
    if (iy >= H || ix >= W) return 0;
    return lhs[((n * C + c) * H + iy) * W + ix]!;
  };
  for (let n = 0; n < No; n++)
    for (let o = 0; o < O; o++) {
      const g = Math.floor(o / (O / Math.max(groups, batchGroups)));
      for (let y = 0; y < OH; y++)
        for (let x = 0; x < OW; x++) {
          let s = 0;
          for (let i = 0; i < I; i++)
            for (let a = 0; a < KH; a++)
              for (let b = 0; b < KW; b++) {
                const [nn_, c] = batchGroups > 1 ? [g * No + n, i] : [n, g * I + i];
                s += input(nn_, c, y * strides[0]! + a * rhsDil[0]!, x * strides[1]! + b * rhsDil[1]!) * rhs[((o * I + i) * KH + a) * KW + b]!;
              }
          out[((n * O + o) * OH + y) * OW + x] = s;
        }
    }
  return { out, shape: [No, O, OH, OW] };
}

describe("convGeneralDilated", () => {
  const caseArb = fc.record({
    n: fc.integer({ min: 1, max: 2 }), groups: fc.constantFrom(1, 2), batchGroups: fc.constantFrom(1, 1, 2), ipg: fc.integer({ min: 1, max: 2 }), opg: fc.integer({ min: 1, max: 2 }),
    h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    sh: fc.integer({ min: 1, max: 3 }), sw: fc.integer({ min: 1, max: 2 }), lh: fc.integer({ min: 1, max: 2 }), lw: fc.integer({ min: 1, max: 2 }), rh: fc.integer({ min: 1, max: 2 }), rw: fc.integer({ min: 1, max: 2 }),
    pad: fc.oneof(fc.constantFrom("SAME", "VALID"), fc.tuple(fc.tuple(fc.integer({ min: -1, max: 2 }), fc.integer({ min: 0, max: 2 })), fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: -1, max: 2 })))),
    layout: fc.constantFrom("NCHW", "NHWC"), seed: fc.nat({ max: 1000 }),
  });
  test.prop([caseArb], { numRuns: 120 })("equals the definition for any strides, padding, dilations, groups and layout", (c) => {
    const g = c.batchGroups > 1 ? 1 : c.groups;
    const C = g * c.ipg;
    const O = Math.max(g, c.batchGroups) * c.opg;
    const N = c.n * c.batchGroups;
    const lhs = rand(N * C * c.h * c.w, c.seed);
    const rhs = rand(O * c.ipg * c.kh * c.kw, c.seed + 1);
    const dil = (n: number, d: number) => (n - 1) * d + 1;
    const inH = dil(c.h, c.lh);
    const inW = dil(c.w, c.lw);
    const [kh, kw] = [dil(c.kh, c.rh), dil(c.kw, c.rw)];
    const strides = [c.sh, c.sw];
    const same = (n: number, k: number, s: number): [number, number] => {
      const total = Math.max((Math.ceil(n / s) - 1) * s + k - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    };
    const pads: [number, number][] = c.pad === "VALID" ? [[0, 0], [0, 0]] : c.pad === "SAME" ? [same(inH, kh, c.sh), same(inW, kw, c.sw)] : [[...c.pad[0]], [...c.pad[1]]];
    if (inH + pads[0]![0] + pads[0]![1] < kh || inW + pads[1]![0] + pads[1]![1] < kw) return; // no output
    const want = reference(lhs, [N, C, c.h, c.w], rhs, [O, c.ipg, c.kh, c.kw], strides, pads, [c.lh, c.lw], [c.rh, c.rw], g, c.batchGroups);
    let x = f64(lhs, [N, C, c.h, c.w]);
    let w = f64(rhs, [O, c.ipg, c.kh, c.kw]);
    const dn = c.layout === "NHWC" ? (["NHWC", "HWIO", "NHWC"] as const) : undefined;
    if (dn !== undefined) {
      x = lax.transpose(x, [0, 2, 3, 1]);
      w = lax.transpose(w, [2, 3, 1, 0]);
    }
    let got = lax.convGeneralDilated(x, w, strides, c.pad === "SAME" || c.pad === "VALID" ? c.pad : pads, {
      lhsDilation: [c.lh, c.lw], rhsDilation: [c.rh, c.rw], featureGroupCount: g, batchGroupCount: c.batchGroups, ...(dn === undefined ? {} : { dimensionNumbers: dn }),
    });
    if (dn !== undefined) got = lax.transpose(got, [0, 3, 1, 2]);
    expect(got.shape).toEqual(want.shape);
    vals(got).forEach((v, i) => expect(v).toBeCloseTo(want.out[i]!, 10));
  });

  it("conv and convTranspose on hand-worked 1-D and 2-D cases; layouts as axis lists", () => {
    const x = f64([1, 2, 3, 4, 5], [1, 1, 5]);
    const k = f64([1, 0, -1], [1, 1, 3]);
    expect(vals(lax.conv(x, k, [1], "VALID"))).toEqual([-2, -2, -2]);
    expect(vals(lax.conv(x, k, [1], "SAME"))).toEqual([-2, -2, -2, -2, 4]);
    expect(vals(lax.conv(x, k, [2], "VALID"))).toEqual([-2, -2]);
    // the same as specs: lhs (N, C, W) = axes (0, 1, 2), …
    expect(vals(lax.convGeneralDilated(x, k, [1], "VALID", { dimensionNumbers: [[0, 1, 2], [0, 1, 2], [0, 1, 2]] }))).toEqual([-2, -2, -2]);
    // convTranspose (NWC / WIO by default): stride 2 spreads the input, the kernel sums into place
    const y = lax.convTranspose(f64([1, 2], [1, 2, 1]), f64([1, 1, 1], [3, 1, 1]), [2], "VALID");
    expect([y.shape, vals(y)]).toEqual([[1, 5, 1], [1, 1, 3, 2, 2]]);
    const ys = lax.convTranspose(f64([1, 2], [1, 2, 1]), f64([1, 10, 100], [3, 1, 1]), [2], "SAME");
    expect(ys.shape).toEqual([1, 4, 1]);
    // transposeKernel: the gradient of a forward conv with respect to its input
    const fwd = (t: NDArray) => lax.convGeneralDilated(t, f64([1, 2, 3], [3, 1, 1]), [2], "VALID", { dimensionNumbers: ["NWC", "WIO", "NWC"] });
    const ct = f64([1, -1], [1, 2, 1]);
    const viaGrad = grad((t: NDArray) => np.sum(fwd(t).mul(ct)))(f64([0, 0, 0, 0, 0], [1, 5, 1]));
    const viaTranspose = lax.convTranspose(ct, f64([1, 2, 3], [3, 1, 1]), [2], "VALID", { transposeKernel: true });
    expect(vals(viaTranspose)).toEqual(vals(viaGrad));
  });

  it("rejects mismatched features, groups and dtypes with clear errors", () => {
    const x = f64(rand(16, 1), [1, 2, 2, 4]);
    expect(() => lax.conv(x, f64(rand(9, 2), [1, 1, 3, 3]), [1, 1], "SAME")).toThrow(/input features/);
    expect(() => lax.convGeneralDilated(x, f64(rand(18, 2), [2, 1, 3, 3]), [1, 1], "SAME", { featureGroupCount: 3 })).toThrow();
    expect(() => lax.conv(x, array(rand(18, 2), { dtype: "float32" }).reshape([1, 2, 3, 3]), [1, 1], "SAME")).toThrow(/dtype/);
    expect(() => lax.conv(x, f64(rand(18, 2), [1, 2, 3, 3]), [1, 1], "FULL" as never)).toThrow(/padding/);
  });

  it("differentiates in both operands (orders 1 and 2), batches and jits", () => {
    const x = f64(rand(2 * 2 * 4 * 5, 3), [2, 2, 4, 5]);
    const w = f64(rand(4 * 1 * 2 * 3, 4), [4, 1, 2, 3]);
    const f = (a: NDArray, b: NDArray) => np.sum(np.tanh(lax.convGeneralDilated(a, b, [2, 1], [[1, 0], [1, 2]], { featureGroupCount: 2, rhsDilation: [1, 2] })));
    checkGrads(f, [x, w]);
    const one = (a: NDArray) => lax.conv(a.reshape([1, 2, 4, 5]), w.reshape([2, 2, 2, 3]), [1, 1], "SAME");
    const rows = x.reshape([2, 40]);
    const looped = np.stack([0, 1].map((i) => one(np.take(rows, array(i, { dtype: "int32" }), { axis: 0 }))));
    const batched = vmap(one)(rows);
    vals(batched).forEach((v, i) => expect(v).toBeCloseTo(vals(looped)[i]!, 10));
    const first = np.take(rows, array(0, { dtype: "int32" }), { axis: 0 });
    vals(jit(one)(first)).forEach((v, i) => expect(v).toBeCloseTo(vals(one(first))[i]!, 12));
  });
});

describe("reduceWindow and pooling", () => {
  it("reduceWindow sums, maxes and mins over windows with strides, padding and dilations", () => {
    const x = np.arange(1, 10).reshape([3, 3]).astype("float64");
    expect(vals(lax.reduceWindow(x, 0, "sum", [2, 2], [1, 1], "VALID"))).toEqual([12, 16, 24, 28]);
    expect(vals(lax.reduceWindow(x, Number.NEGATIVE_INFINITY, "max", [2, 2], [1, 1], "SAME"))).toEqual([5, 6, 6, 8, 9, 9, 8, 9, 9]);
    expect(vals(lax.reduceWindow(x, Number.POSITIVE_INFINITY, lax.min, [3, 1], [1, 1], "VALID"))).toEqual([1, 2, 3]);
    expect(vals(lax.reduceWindow(x, 0, "sum", [2, 1], [1, 1], "VALID", { windowDilation: [2, 1] }))).toEqual([8, 10, 12]);
    expect(vals(lax.reduceWindow(f64([1, 2], [2]), 0, "sum", [2], [1], "VALID", { baseDilation: [2] }))).toEqual([1, 2]);
    expect(vals(lax.reduceWindow(x, 10, "sum", [3, 3], [1, 1], "VALID"))).toEqual([55]);
    expect(() => lax.reduceWindow(x, 0, (a: NDArray) => a, [2, 2])).toThrow(/computation/);
  });

  it("maxPool and avgPool work on (batch, spatial…, features) and on a single example, in 1, 2 and 3 dimensions", () => {
    const img = np.arange(16).reshape([1, 4, 4, 1]).astype("float32");
    const mp = nn.maxPool(img, [2, 2], { strides: [2, 2] });
    expect([mp.shape, vals(mp)]).toEqual([[1, 2, 2, 1], [5, 7, 13, 15]]);
    const ap = nn.avgPool(img, [2, 2], { strides: [2, 2] });
    expect(vals(ap)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect(nn.maxPool(np.arange(16).reshape([4, 4, 1]), [2, 2]).shape).toEqual([3, 3, 1]);
    expect(vals(nn.maxPool(f64([1, 5, 2, 4], [4, 1]), [2]))).toEqual([5, 5, 4]);
    expect(nn.avgPool(np.ones([2, 4, 4, 4, 3]), [2, 2, 2], { strides: [2, 2, 2] }).shape).toEqual([2, 2, 2, 2, 3]);
    // padding counted as zeros, or left out of the mean
    const edge = f64([2, 4, 6], [3, 1]);
    expect(vals(nn.avgPool(edge, [2], { padding: "SAME" }))).toEqual([3, 5, 3]);
    expect(vals(nn.avgPool(edge, [2], { padding: "SAME", countIncludePad: false }))).toEqual([3, 5, 6]);
    expect(() => nn.maxPool(img, [2, 2], { strides: [2] })).toThrow(/strides/);
  });

  it("pooling differentiates, batches and jits", () => {
    const x = f64(rand(2 * 5 * 4 * 2, 6), [2, 5, 4, 2]);
    checkGrads((t: NDArray) => np.sum(nn.avgPool(t, [2, 2], { strides: [1, 2], padding: "SAME" }).mul(nn.avgPool(t, [3, 1]).sum())), [x]);
    checkGrads((t: NDArray) => np.sum(nn.maxPool(t, [2, 2], { padding: "SAME" })), [x], { order: 1 });
    const one = (t: NDArray) => nn.maxPool(t, [2, 2]);
    const batched = vmap(one)(x);
    expect(vals(batched)).toEqual(vals(np.stack([0, 1].map((i) => one(np.take(x, array(i, { dtype: "int32" }), { axis: 0 }))))));
    expect(vals(jit(one)(x))).toEqual(vals(one(x)));
  });
});
