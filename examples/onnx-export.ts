// Running a jaxts program in ONNX Runtime: the digits MLP's whole training step (loss,
// gradient and Adam update) exported with exportOnnx, run for 100 steps in onnxruntime-node
// beside jaxts's own jitted step (the losses agree), then the trained forward pass exported
// with its weights inside and served: a prediction for held-out digits.
//
//   pnpm example onnx-export            (--small: 20 steps)
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { array, type NDArray, nn, np, random, tree } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { exportOnnx, jit, valueAndGrad } from "@jaxts/transforms";
import * as ort from "onnxruntime-node";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

// ── data: 1797 8×8 digits, every 6th held out ──────────────────────────────────
const rows = gunzipSync(readFileSync(new URL("../data/digits.csv.gz", import.meta.url)))
  .toString("utf8")
  .trim()
  .split("\n")
  .map((l) => l.split(",").map(Number));
const pick = (test: boolean) => rows.filter((_, i) => (i % 6 === 0) === test);
const images = (rs: number[][]) => array(rs.flatMap((r) => r.slice(0, 64).map((v) => v / 16)), { dtype: "float32" }).reshape([rs.length, 64]);
const labels = (rs: number[][]) => array(rs.map((r) => r[64]!), { dtype: "int32" });
const [train, test] = [pick(false), pick(true)];
const [xTrain, yTrain, xTest, yTest] = [images(train), labels(train), images(test), labels(test)];

// ── the model: 64 → 64 → 10, ReLU, Adam ────────────────────────────────────────
type Params = { W0: NDArray; b0: NDArray; W1: NDArray; b1: NDArray };
const [k0, k1] = random.split(random.key(0), 2);
const params0: Params = {
  W0: random.uniform(k0!, [64, 64], { minval: -0.15, maxval: 0.15 }),
  b0: np.zeros([64]),
  W1: random.uniform(k1!, [64, 10], { minval: -0.2, maxval: 0.2 }),
  b1: np.zeros([10]),
};
const logits = (p: Params, x: NDArray) => nn.relu(x.matmul(p.W0).add(p.b0)).matmul(p.W1).add(p.b1);
const loss = (p: Params, x: NDArray, y: NDArray) => np.mean(np.sum(nn.logSoftmax(logits(p, x)).mul(nn.oneHot(y, 10)), { axis: 1 })).mul(-1);
const opt = adam(0.01);
const step = (p: Params, s: ReturnType<typeof opt.init>, x: NDArray, y: NDArray) => {
  const [l, g] = valueAndGrad(loss)(p, x, y);
  const [updates, s2] = opt.update(g, s, p);
  return [l, applyUpdates(p, updates), s2] as const;
};
const batchSize = 64;
const batch = (i: number) => {
  const idx = array(Array.from({ length: batchSize }, (_, j) => (i * batchSize + j * 7919) % train.length), { dtype: "int32" });
  return [np.take(xTrain, idx, { axis: 0 }), np.take(yTrain, idx, { axis: 0 })] as const;
};

const toTensor = (x: NDArray): ort.Tensor =>
  x.dtype === "int32" ? new ort.Tensor("int32", x.toTypedArray() as Int32Array, [...x.shape]) : new ort.Tensor("float32", x.toTypedArray() as Float32Array, [...x.shape]);

export interface OnnxExportResult {
  readonly steps: number;
  /** The largest |ONNX Runtime loss - jaxts loss| over the steps. */
  readonly maxLossDifference: number;
  /** Held-out accuracy of the served forward pass. */
  readonly accuracy: number;
}

export async function main(opts: ExampleOptions = {}): Promise<OnnxExportResult> {
  const print = opts.print ?? console.log;
  const steps = opts.small ? 20 : 100;
  // ── 1. export the training step ────────────────────────────────────────────────
  const optState0 = opt.init(params0);
  const [x0, y0] = batch(0);
  const stepModel = exportOnnx(step, params0, optState0, x0, y0, { inputNames: ["params", "optState", "x", "y"], outputNames: ["loss", "params", "optState"] });
  const trainer = await ort.InferenceSession.create(stepModel);
  print(`Training step exported: ${(stepModel.length / 1024).toFixed(0)} KiB of ONNX (opset 18)`);
  print(`  inputs:  ${trainer.inputNames.join(", ")}`);
  print(`  outputs: ${trainer.outputNames.join(", ")}`);

  // Every state input `top.rest` is fed next step from the output `top_out.rest`.
  const state = trainer.inputNames.filter((n) => n !== "x" && n !== "y");
  const outputFor = (input: string) => input.replace(/^([^.]*)/, "$1_out");

  // ── 2. the steps in ONNX Runtime beside 100 jitted jaxts steps ─────────────────
  const jstep = jit(step);
  let [p, s] = [params0, optState0];
  // The graph's inputs are the flattened pytrees, in tree.leaves order (sorted keys).
  const leaves = tree.leaves([params0, optState0] as tree.PyTree) as NDArray[];
  let feeds: Record<string, ort.Tensor> = Object.fromEntries(state.map((n, i) => [n, toTensor(leaves[i]!)]));
  let worst = 0;
  for (let i = 0; i < steps; i++) {
    const [x, y] = batch(i);
    const [l, p2, s2] = jstep(p, s, x, y);
    [p, s] = [p2, s2];
    const out = await trainer.run({ ...feeds, x: toTensor(x), y: toTensor(y) });
    const ortLoss = Number(out.loss!.data[0]);
    worst = Math.max(worst, Math.abs(ortLoss - Number(l)));
    if (i % 10 === 0 || i === steps - 1) print(`step ${String(i).padStart(3)}: loss ${Number(l).toFixed(6)} (jaxts)  ${ortLoss.toFixed(6)} (ONNX Runtime)`);
    feeds = Object.fromEntries(state.map((n) => [n, out[outputFor(n)]!]));
  }
  print(`Largest loss difference over ${steps} steps: ${worst.toExponential(2)}`);

  // ── 3. export the trained forward pass and serve a prediction ──────────────────
  // The trained parameters are closed over, so they become the model's initializers: the
  // served model takes only a batch of images.
  const trained = p;
  const predict = (x: NDArray) => nn.softmax(logits(trained, x), { axis: -1 });
  const server = await ort.InferenceSession.create(exportOnnx(predict, xTest, { inputNames: ["images"], outputNames: ["probabilities"] }));
  const served = await server.run({ images: toTensor(xTest) });
  const probs = served[server.outputNames[0]!]!.data as Float32Array;
  const truth = yTest.toTypedArray();
  let correct = 0;
  const guesses: number[] = [];
  for (let i = 0; i < truth.length; i++) {
    const row = probs.subarray(i * 10, i * 10 + 10);
    const guess = row.indexOf(Math.max(...row));
    guesses.push(guess);
    if (guess === truth[i]) correct++;
  }
  print(`Served by ONNX Runtime: held-out accuracy ${((100 * correct) / truth.length).toFixed(1)}% after ${steps} steps`);
  print(`  first ten predictions: ${guesses.slice(0, 10).join(" ")}`);
  print(`  first ten labels:      ${Array.from(truth.slice(0, 10)).join(" ")}`);
  return { steps, maxLossDifference: worst, accuracy: correct / truth.length };
}

runIfMain(import.meta.url, main);
