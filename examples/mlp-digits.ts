// An MLP (64 → 128 → 10, ReLU) trained with Adam on the digits data: a fixed train/test split,
// one jit-ted training step, a progress bar, the held-out accuracy, and the training curves
// drawn as an SVG file.
//
//   pnpm example mlp-digits            (pnpm example mlp-digits --small: 2 epochs)
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { percent } from "./lib/format.js";
import { loadDigits } from "./lib/load-digits.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";
import { type MlpResult, trainMlp } from "./lib/mlp.js";
import { makeProgress } from "./lib/progress.js";
import { trainingPlot } from "./lib/training-plot.js";

export interface MlpDigitsOptions extends ExampleOptions {
  /** Where the SVG plot goes (default out/digits-training.svg at the repository root). */
  readonly svgPath?: string;
}

export const defaultSvgPath = fileURLToPath(new URL("../out/digits-training.svg", import.meta.url));

export function main(opts: MlpDigitsOptions = {}): MlpResult & { readonly svgPath: string } {
  const print = opts.print ?? console.log;
  const data = loadDigits();
  const [nTrain, nTest] = [data.xTrain.shape[0]!, data.xTest.shape[0]!];
  const epochs = opts.small ? 2 : 20;
  const batchSize = 64;
  print(`Training a 64-128-10 MLP with Adam on ${nTrain} digits (${nTest} held out), ${epochs} epochs of batches of ${batchSize}, jit-ted step`);
  // A bar only on a terminal; a test (its own print) or a CI log gets one line per epoch.
  const progress = makeProgress(batchSize, { print, plain: opts.print !== undefined });
  const t0 = performance.now();
  const result = trainMlp(data, {
    epochs,
    batchSize,
    onStep: (step, total, loss) => progress.step(step, total, loss),
    onEpoch: (r) => progress.epoch(r, epochs),
  });
  progress.stop();
  const seconds = (performance.now() - t0) / 1000;
  print(`Trained ${result.steps} steps in ${seconds.toFixed(1)} s (${Math.round(result.examples / seconds).toLocaleString("en-US")} examples/s)`);
  print(`Test accuracy: ${percent(result.testAccuracy)}`);
  const svgPath = opts.svgPath ?? defaultSvgPath;
  mkdirSync(dirname(svgPath), { recursive: true });
  writeFileSync(svgPath, trainingPlot(result.history));
  print(`Training curves written to ${relative(process.cwd(), svgPath) || svgPath}`);
  return { ...result, svgPath };
}

runIfMain(import.meta.url, main);
