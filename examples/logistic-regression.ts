// Logistic regression on the Breast Cancer Wisconsin data (569 tumours × 30 features, data/):
// standardised features, sigmoid cross-entropy, Adam, accuracy on a held-out fifth.
//
//   pnpm example logistic-regression
import { readFileSync } from "node:fs";
import { array, type NDArray, np } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { sigmoidBinaryCrossEntropy } from "@jaxts/optim/losses";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { fixed4, percent } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

type Model = { readonly w: NDArray; readonly b: NDArray };

/** Rows of 30 features then the class (0 malignant, 1 benign); the first line is a count header. */
function loadBreastCancer(): number[][] {
  const text = readFileSync(new URL("./data/breast_cancer.csv", import.meta.url), "utf8");
  return text
    .trim()
    .split("\n")
    .slice(1)
    .map((r) => r.split(",").map(Number));
}

const logits = (m: Model, x: NDArray) => np.matmul(x, m.w).add(m.b);
const accuracy = (m: Model, x: NDArray, y: NDArray) => np.mean(np.equal(logits(m, x).gt(0), y.gt(0.5)).astype("float32")).item() as number;

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const rows = loadBreastCancer();
  // Every 5th tumour is held out; the features are standardised with the training set's statistics.
  const [train, test] = [rows.filter((_, i) => i % 5 !== 0), rows.filter((_, i) => i % 5 === 0)];
  const features = (rs: number[][]) => array(rs.map((r) => r.slice(0, 30)));
  const labels = (rs: number[][]) => array(rs.map((r) => r[30]!));
  const raw = features(train);
  const [mean, std] = [np.mean(raw, { axis: 0 }), np.std(raw, { axis: 0 })];
  const [xTrain, xTest] = [raw.sub(mean).div(std), features(test).sub(mean).div(std)];
  const [yTrain, yTest] = [labels(train), labels(test)];

  const objective = (m: Model) => np.mean(sigmoidBinaryCrossEntropy(logits(m, xTrain), yTrain));
  const opt = adam(0.05);
  const step = jit((m: Model, s: ReturnType<typeof opt.init>) => {
    const [value, g] = valueAndGrad(objective)(m);
    const [updates, next] = opt.update(g, s, m);
    return [applyUpdates(m, updates), next, value] as const;
  });
  let model: Model = { w: np.zeros([30]), b: np.zeros([]) };
  let state = opt.init(model);
  const steps = opts.small ? 30 : 200;
  for (let i = 0; i <= steps; i++) {
    const [m, s, value] = step(model, state);
    if (i % (steps / 5) === 0) print(`step ${String(i).padStart(3)}: loss ${fixed4(value.item() as number)}  train accuracy ${percent(accuracy(model, xTrain, yTrain))}`);
    if (i === steps) break;
    [model, state] = [m as Model, s];
  }
  const testAccuracy = accuracy(model, xTest, yTest);
  print(`Test accuracy: ${percent(testAccuracy)} on ${test.length} held-out tumours`);
  return { testAccuracy };
}

runIfMain(import.meta.url, main);
