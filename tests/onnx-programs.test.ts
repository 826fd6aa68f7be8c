// Whole programs exported to ONNX and run in onnxruntime-node equal jaxts: gradients, jvp,
// vmap (of control flow too), random programs of elementwise ops, broadcasts, reductions
// and matmuls, and the digits MLP's training step run for 100 steps in ONNX Runtime with
// the exported step's outputs fed back as its inputs — every loss equal to jaxts's own.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { array, lax, type NDArray, nn, np, random, tree } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { test } from "@fast-check/vitest";
import { exportOnnx, grad, hessian, jit, jvp, valueAndGrad, vmap } from "@jaxts/transforms";
import type * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { expectOnnxMatchesJaxts, expectTensorClose, session, toOrt } from "./onnx-helpers.js";
import { BASIC_BINARY, BASIC_UNARY, MORE_BINARY, MORE_UNARY, type ProgramSpace, programArb, programInputs, runProgram } from "./random-programs.js";

const f32 = (v: number[]) => array(v, { dtype: "float32" });
const wave = (n: number, k: number) => f32(Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 0.731 + k) * 2));

describe("transformed programs in ONNX Runtime equal jaxts", () => {
  const params = { W: wave(12, 1).reshape([3, 4]), b: wave(4, 2) };
  const x = wave(15, 3).reshape([5, 3]);
  const loss = (p: { W: NDArray; b: NDArray }, xs: NDArray) => np.mean(np.square(np.tanh(xs.matmul(p.W).add(p.b))));

  it("grad of an MLP-style loss (outputs named like the params)", async () => {
    await expectOnnxMatchesJaxts(grad(loss), [params, x], { tol: { rtol: 1e-5, atol: 1e-7 } });
  });
  it("valueAndGrad, hessian", async () => {
    await expectOnnxMatchesJaxts(valueAndGrad(loss), [params, x], { tol: { rtol: 1e-5, atol: 1e-7 } });
    await expectOnnxMatchesJaxts(hessian((v: NDArray) => np.sum(np.sin(v).mul(v))), [wave(4, 5)], { tol: { rtol: 1e-5, atol: 1e-6 } });
  });
  it("jvp", async () => {
    const f = (v: NDArray, t: NDArray) => jvp((u: NDArray) => np.exp(np.sin(u)).mul(u), [v], [t]);
    await expectOnnxMatchesJaxts(f, [wave(6, 1), wave(6, 2)], { tol: { rtol: 1e-5, atol: 1e-7 } });
  });
  it("vmap of a per-example gradient, and of cond and scan", async () => {
    const perExample = vmap(grad((p: { W: NDArray; b: NDArray }, xi: NDArray) => np.sum(np.tanh(xi.matmul(p.W).add(p.b)))), { inAxes: [null, 0] });
    await expectOnnxMatchesJaxts(perExample, [params, x], { tol: { rtol: 1e-5, atol: 1e-7 } });
    const branchy = vmap((v: NDArray) => lax.cond(lax.gt(v.sum(), 0), (u: NDArray) => u.mul(2), (u: NDArray) => np.cos(u), v));
    await expectOnnxMatchesJaxts(branchy, [x]);
    const cumulative = vmap((v: NDArray) => lax.scan((c: NDArray, e: NDArray) => [c.mul(0.9).add(e), c] as [NDArray, NDArray], f32([0]).reshape([]), v)[1]);
    await expectOnnxMatchesJaxts(cumulative, [x]);
  });
  it("grad through scan and whileLoop (reverse scans in the backward pass)", async () => {
    const rnn = (w: NDArray, xs: NDArray) => lax.scan((h: NDArray, xt: NDArray) => [np.tanh(h.mul(w).add(xt)), h] as [NDArray, NDArray], f32([0, 0, 0]), xs)[0].sum();
    await expectOnnxMatchesJaxts(grad(rnn), [wave(3, 4), x], { tol: { rtol: 1e-5, atol: 1e-7 } });
    const powerLoop = (v: NDArray) => lax.forLoop(0, 4, (_i: NDArray, c: NDArray) => np.sin(c).add(v), v).sum();
    await expectOnnxMatchesJaxts(jit(powerLoop), [wave(4, 1)], { tol: { rtol: 1e-5 } });
  });
  it("convolutions, pooling and topK (compositions of primitives) export", async () => {
    const img = wave(2 * 6 * 6 * 2, 1).reshape([2, 6, 6, 2]);
    const kernel = wave(3 * 3 * 2 * 4, 2).reshape([3, 3, 2, 4]);
    const cnn = (x: NDArray, k: NDArray) => nn.maxPool(nn.relu(lax.convGeneralDilated(x, k, [1, 1], "SAME", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] })), [2, 2], { strides: [2, 2] });
    await expectOnnxMatchesJaxts(cnn, [img, kernel], { tol: { rtol: 1e-5, atol: 1e-6 } });
    await expectOnnxMatchesJaxts(grad((x: NDArray, k: NDArray) => cnn(x, k).sum(), { argnums: 1 }), [img, kernel], { tol: { rtol: 1e-5, atol: 1e-5 } });
    await expectOnnxMatchesJaxts((v: NDArray) => lax.topK(v, 3), [f32([3, 1, 4, 1, 5, 9, 2, 6])]);
  });
  it("random numbers from keys (threefry) equal jaxts's bits", async () => {
    const draw = (k: NDArray) => random.uniform(k, [3, 4]);
    await expectOnnxMatchesJaxts(draw, [random.key(7)]);
    const dropout = (k: NDArray, v: NDArray) => np.where(random.bernoulli(k, 0.7, v.shape), v.div(0.7), 0);
    await expectOnnxMatchesJaxts(dropout, [random.key(3), x]);
  });
});

// Random programs (the fusion property test's generator, with matmuls, softmax, cumsum and
// atan2 added).
const space: ProgramSpace = {
  kinds: ["unary", "binary", "sum", "sum0", "sum1", "pick", "matmul"],
  unary: [...BASIC_UNARY, ...MORE_UNARY],
  binary: [...BASIC_BINARY, ...MORE_BINARY],
  cols: [2, 4, 6],
};

describe("random programs in ONNX Runtime equal jaxts", () => {
  test.prop([programArb(space)], { numRuns: 40 })("values, dtypes and shapes", async ([p, ops]) => {
    const [x, row, m] = programInputs(p);
    const f = (a: NDArray, b: NDArray, c: NDArray) => runProgram(space, ops, p.outs, a, b, c);
    await expectOnnxMatchesJaxts(f, [x, row, m], { tol: { rtol: 1e-4, atol: 1e-5 } });
  }, 120_000);
});

// The digits MLP: 64 → 32 → 10 with ReLU, Adam, batches of 64.
const rows = gunzipSync(readFileSync(new URL("../data/digits.csv.gz", import.meta.url)))
  .toString("utf8")
  .trim()
  .split("\n")
  .map((l) => l.split(",").map(Number));
const images = array(rows.flatMap((r) => r.slice(0, 64).map((v) => v / 16)), { dtype: "float32" }).reshape([rows.length, 64]);
const labels = array(rows.map((r) => r[64]!), { dtype: "int32" });

type Params = { W0: NDArray; b0: NDArray; W1: NDArray; b1: NDArray };
function initParams(): Params {
  const [k0, k1] = random.split(random.key(0), 2);
  return { W0: random.uniform(k0!, [64, 32], { minval: -0.2, maxval: 0.2 }), b0: np.zeros([32]), W1: random.uniform(k1!, [32, 10], { minval: -0.3, maxval: 0.3 }), b1: np.zeros([10]) };
}
const logits = (p: Params, xb: NDArray) => nn.relu(xb.matmul(p.W0).add(p.b0)).matmul(p.W1).add(p.b1);
const lossOf = (p: Params, xb: NDArray, yb: NDArray) => np.mean(np.sum(nn.logSoftmax(logits(p, xb)).mul(nn.oneHot(yb, 10)), { axis: 1 })).mul(-1);

describe("the digits MLP's training step in ONNX Runtime", () => {
  const opt = adam(0.01);
  const step = (p: Params, s: ReturnType<typeof opt.init>, xb: NDArray, yb: NDArray) => {
    const [l, g] = valueAndGrad(lossOf)(p, xb, yb);
    const [u, s2] = opt.update(g, s, p);
    return [l, applyUpdates(p, u), s2] as const;
  };
  const batch = (i: number) => {
    const idx = array(Array.from({ length: 64 }, (_, j) => (i * 64 + j * 7919) % rows.length), { dtype: "int32" });
    return [np.take(images, idx, { axis: 0 }), np.take(labels, idx, { axis: 0 })] as const;
  };

  it("runs 100 steps, (params, optState, x, y) → (loss, params', optState'), with jaxts's losses", async () => {
    const p0 = initParams();
    const s0 = opt.init(p0);
    const [xb0, yb0] = batch(0);
    const bytes = exportOnnx(step, p0, s0, xb0, yb0, { inputNames: ["params", "optState", "x", "y"], outputNames: ["loss", "params", "optState"] });
    const s = await session(bytes);
    expect(s.inputNames.slice(0, 4)).toEqual(["params.W0", "params.W1", "params.b0", "params.b1"]);
    expect(s.outputNames.slice(0, 3)).toEqual(["loss", "params_out.W0", "params_out.W1"]);
    // State names: every input but x and y has an output "<top>_out<rest>" to feed it from.
    const stateNames = s.inputNames.filter((n) => n !== "x" && n !== "y");
    const outOf = (n: string) => n.replace(/^([^.]*)/, "$1_out");
    for (const n of stateNames) expect(s.outputNames).toContain(outOf(n));

    const jstep = jit(step);
    let p = p0;
    let st = s0;
    const [leaves] = tree.flatten([p0, s0] as tree.PyTree);
    let feeds: Record<string, ort.Tensor> = Object.fromEntries(stateNames.map((n, i) => [n, toOrt(leaves[i] as NDArray)]));
    const jaxtsLosses: number[] = [];
    const ortLosses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const [xb, yb] = batch(i);
      const [l, p2, s2] = jstep(p, st, xb, yb);
      jaxtsLosses.push(Number(l));
      [p, st] = [p2, s2];
      const out = await s.run({ ...feeds, x: toOrt(xb), y: toOrt(yb) });
      ortLosses.push(Number(out.loss!.data[0]));
      feeds = Object.fromEntries(stateNames.map((n) => [n, out[outOf(n)]!]));
    }
    // float32 sums in a different order drift apart slowly; over 100 Adam steps the losses
    // stay within 1e-5 (measured: 1.2e-7).
    ortLosses.forEach((l, i) => expect(Math.abs(l - jaxtsLosses[i]!), `step ${i}: ${l} vs ${jaxtsLosses[i]}`).toBeLessThan(1e-5 * Math.max(1, jaxtsLosses[i]!)));
    expect(jaxtsLosses[99]!).toBeLessThan(jaxtsLosses[0]! * 0.5);
    // The trained parameters agree too.
    expectTensorClose(feeds["params.W1"]!, p.W1, "W1 after 100 steps", { rtol: 1e-4, atol: 1e-5 });
  });
});
