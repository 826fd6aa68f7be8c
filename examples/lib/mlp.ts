// A multilayer perceptron trained on the digits data with @jaxts/optim: parameters are a plain
// object of arrays, the loss is a pure function of them, and one jit-ted function takes a whole
// training step (loss, gradient, Adam update). No Node built-ins: the browser example runs it.
import { array, type NDArray, nn, np, random } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { softmaxCrossEntropyWithIntegerLabels } from "@jaxts/optim/losses";
import { jit, valueAndGrad } from "@jaxts/transforms";
import type { DigitsSplit } from "./digits.js";

export interface MlpParams {
  readonly w1: NDArray;
  readonly b1: NDArray;
  readonly w2: NDArray;
  readonly b2: NDArray;
}

export interface MlpOptions {
  readonly hidden?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly learningRate?: number;
  readonly seed?: number;
  /** Called after every step with the batch loss; `step` counts from 1 over all epochs. */
  readonly onStep?: (step: number, totalSteps: number, loss: number) => void;
  /** Called after every epoch with the curves so far. */
  readonly onEpoch?: (record: EpochRecord) => void;
}

export interface EpochRecord {
  readonly epoch: number;
  /** Mean of the batch losses of this epoch. */
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly testAccuracy: number;
}

export interface MlpResult {
  readonly params: MlpParams;
  readonly history: readonly EpochRecord[];
  readonly testAccuracy: number;
  readonly steps: number;
  readonly examples: number;
}

/** He-normal weights, zero biases: 64 → hidden → 10. */
export function initMlp(key: NDArray, hidden: number): MlpParams {
  const [k1, k2] = random.split(key, 2) as [NDArray, NDArray];
  const he = nn.initializers.heNormal();
  return { w1: he(k1, [64, hidden]), b1: np.zeros([hidden]), w2: he(k2, [hidden, 10]), b2: np.zeros([10]) };
}

export function mlpLogits(p: MlpParams, x: NDArray): NDArray {
  const h = nn.relu(np.matmul(x, p.w1).add(p.b1));
  return np.matmul(h, p.w2).add(p.b2);
}

export const mlpLoss = (p: MlpParams, x: NDArray, y: NDArray): NDArray => np.mean(softmaxCrossEntropyWithIntegerLabels(mlpLogits(p, x), y));

/** Loss and accuracy on a whole set, in one jit-ted call. */
const evaluate = jit((p: MlpParams, x: NDArray, y: NDArray) => {
  const logits = mlpLogits(p, x);
  const correct = np.equal(np.argmax(logits, { axis: 1 }), y).astype("float32");
  return [np.mean(softmaxCrossEntropyWithIntegerLabels(logits, y)), np.mean(correct)] as const;
});

export function trainMlp(data: DigitsSplit, opts: MlpOptions = {}): MlpResult {
  const { hidden = 128, epochs = 12, batchSize = 64, learningRate = 3e-3, seed = 0 } = opts;
  const opt = adam(learningRate);
  // One function for the whole step, so jit compiles forward, backward and update together.
  const step = jit((p: MlpParams, s: ReturnType<typeof opt.init>, x: NDArray, y: NDArray) => {
    const [loss, grads] = valueAndGrad(mlpLoss)(p, x, y);
    const [updates, next] = opt.update(grads, s, p);
    return [applyUpdates(p, updates), next, loss] as const;
  });

  const [initKey, shuffleKey] = random.split(random.key(seed), 2) as [NDArray, NDArray];
  let params = initMlp(initKey, hidden);
  let state = opt.init(params);
  const n = data.xTrain.shape[0]!;
  // The remainder of each shuffled epoch is dropped, so every step has one shape (one trace).
  const batches = Math.floor(n / batchSize);
  const totalSteps = epochs * batches;
  const history: EpochRecord[] = [];
  let stepCount = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = random.permutation(random.foldIn(shuffleKey, epoch), n).toArray() as number[];
    let lossSum = 0;
    for (let b = 0; b < batches; b++) {
      const idx = array(order.slice(b * batchSize, (b + 1) * batchSize), { dtype: "int32" });
      const [p, s, loss] = step(params, state, np.take(data.xTrain, idx, { axis: 0 }), np.take(data.yTrain, idx, { axis: 0 }));
      params = p as MlpParams;
      state = s;
      const l = loss.item() as number;
      lossSum += l;
      stepCount++;
      opts.onStep?.(stepCount, totalSteps, l);
    }
    const [testLoss, testAccuracy] = evaluate(params, data.xTest, data.yTest);
    const record = { epoch, trainLoss: lossSum / batches, testLoss: testLoss.item() as number, testAccuracy: testAccuracy.item() as number };
    history.push(record);
    opts.onEpoch?.(record);
  }
  const last = history[history.length - 1];
  return { params, history, testAccuracy: last?.testAccuracy ?? Number.NaN, steps: stepCount, examples: stepCount * batchSize };
}
