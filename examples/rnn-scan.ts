// A recurrent network with lax.scan: an Elman RNN (h ← tanh(x·Wx + h·Wh + b)) learns to predict
// the next value of sine waves of random frequency and phase. scan traces the cell once, so
// grad and jit see one loop, not T copies of it; the backward pass runs the loop in reverse.
//
//   pnpm example rnn-scan
import { type NDArray, lax, nn, np, random } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { fixed4 } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

type Params = { readonly wx: NDArray; readonly wh: NDArray; readonly b: NDArray; readonly wo: NDArray; readonly bo: NDArray };

function init(key: NDArray, hidden: number): Params {
  const [k1, k2, k3] = random.split(key, 3) as [NDArray, NDArray, NDArray];
  const glorot = nn.initializers.glorotNormal();
  return { wx: glorot(k1, [1, hidden]), wh: glorot(k2, [hidden, hidden]), b: np.zeros([hidden]), wo: glorot(k3, [hidden, 1]), bo: np.zeros([1]) };
}

/** Batches of sine waves, time-major: [T, B, 1]. */
function sines(key: NDArray, steps: number, batch: number): NDArray {
  const [kf, kp] = random.split(key, 2) as [NDArray, NDArray];
  const freq = random.uniform(kf, [1, batch, 1], { minval: 0.1, maxval: 0.4 });
  const phase = random.uniform(kp, [1, batch, 1], { minval: 0, maxval: 2 * Math.PI });
  const t = np.arange(steps).reshape([steps, 1, 1]);
  return np.sin(t.mul(freq).add(phase));
}

/** Rows [from, to) of a time-major [T, B, 1] array. */
const timeSlice = (xs: NDArray, from: number, to: number) => lax.slice(xs, [from, 0, 0], [to, xs.shape[1]!, 1]);

/** Mean squared error of the predictions of x[t + 1] from x[0..t], over the whole sequence. */
function loss(p: Params, xs: NDArray): NDArray {
  const [steps, batch] = [xs.shape[0]!, xs.shape[1]!];
  const cell = (h: NDArray, x: NDArray) => {
    const next = np.tanh(np.matmul(x, p.wx).add(np.matmul(h, p.wh)).add(p.b));
    return [next, np.matmul(next, p.wo).add(p.bo)] as const;
  };
  const h0 = np.zeros([batch, p.wh.shape[0]!]);
  const [, predictions] = lax.scan(cell, h0, timeSlice(xs, 0, steps - 1));
  return np.mean(np.square(predictions.sub(timeSlice(xs, 1, steps))));
}

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const [kInit, kData, kTest] = random.split(random.key(3), 3) as [NDArray, NDArray, NDArray];
  const [steps, sequenceLength, batch] = opts.small ? [40, 20, 16] : [300, 40, 32];
  const opt = adam(1e-2);
  const step = jit((p: Params, s: ReturnType<typeof opt.init>, xs: NDArray) => {
    const [value, g] = valueAndGrad(loss)(p, xs);
    const [updates, next] = opt.update(g, s, p);
    return [applyUpdates(p, updates), next, value] as const;
  });
  let params = init(kInit, 16);
  let state = opt.init(params);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) {
    const [p, s, value] = step(params, state, sines(random.foldIn(kData, i), sequenceLength, batch));
    [params, state] = [p as Params, s];
    losses.push(value.item() as number);
    if (i % (steps / 5) === 0) print(`step ${String(i).padStart(3)}: loss ${fixed4(losses[i]!)}`);
  }
  const test = sines(kTest, sequenceLength, 64);
  const testLoss = loss(params, test).item() as number;
  // The naive forecast "the next value equals this one" for scale.
  const naive = np.mean(np.square(timeSlice(test, 1, sequenceLength).sub(timeSlice(test, 0, sequenceLength - 1)))).item() as number;
  print(`held-out loss ${fixed4(testLoss)} (repeating the last value: ${fixed4(naive)})`);
  return { losses, testLoss, naiveLoss: naive };
}

runIfMain(import.meta.url, main);
