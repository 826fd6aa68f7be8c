// A small convolutional network on the digits data: two 3×3 convolutions with ReLU and 2×2 max
// pooling, then a dense layer to the 10 classes, trained with Adam on a cosine-decayed learning
// rate under one jit-ted step. Images are NHWC ([batch, 8, 8, 1]), kernels HWIO.
//
//   pnpm example cnn-digits
import { lax, type NDArray, nn, np, random } from "@jaxts/core";
import { adam, applyUpdates, schedules } from "@jaxts/optim";
import { softmaxCrossEntropyWithIntegerLabels } from "@jaxts/optim/losses";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { fixed4, percent } from "./lib/format.js";
import { loadDigits } from "./lib/load-digits.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

type Params = { readonly c1: NDArray; readonly b1: NDArray; readonly c2: NDArray; readonly b2: NDArray; readonly w: NDArray; readonly b: NDArray };
const layout = { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] as const };

function init(key: NDArray): Params {
  const [k1, k2, k3] = random.split(key, 3) as [NDArray, NDArray, NDArray];
  const he = nn.initializers.heNormal();
  return { c1: he(k1, [3, 3, 1, 8]), b1: np.zeros([8]), c2: he(k2, [3, 3, 8, 16]), b2: np.zeros([16]), w: he(k3, [64, 10]), b: np.zeros([10]) };
}

function logits(p: Params, x: NDArray): NDArray {
  let h = nn.relu(lax.convGeneralDilated(x, p.c1, [1, 1], "SAME", layout).add(p.b1)); // 8×8×8
  h = nn.maxPool(h, [2, 2], { strides: [2, 2] }); // 4×4×8
  h = nn.relu(lax.convGeneralDilated(h, p.c2, [1, 1], "SAME", layout).add(p.b2)); // 4×4×16
  h = nn.maxPool(h, [2, 2], { strides: [2, 2] }); // 2×2×16
  return np.matmul(h.reshape([h.shape[0]!, 64]), p.w).add(p.b);
}

const loss = (p: Params, x: NDArray, y: NDArray) => np.mean(softmaxCrossEntropyWithIntegerLabels(logits(p, x), y));

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const data = loadDigits();
  const images = (x: NDArray) => x.reshape([x.shape[0]!, 8, 8, 1]);
  const [xTrain, xTest] = [images(data.xTrain), images(data.xTest)];
  const [steps, batch] = opts.small ? [20, 32] : [400, 64];
  const opt = adam(schedules.cosineDecay(0.01, steps, { alpha: 0.05 }));
  const step = jit((p: Params, s: ReturnType<typeof opt.init>, x: NDArray, y: NDArray) => {
    const [value, g] = valueAndGrad(loss)(p, x, y);
    const [updates, next] = opt.update(g, s, p);
    return [applyUpdates(p, updates), next, value] as const;
  });
  let params = init(random.key(0));
  let state = opt.init(params);
  const n = xTrain.shape[0]!;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const idx = random.randint(random.foldIn(random.key(1), i), [batch], 0, n);
    const [p, s, value] = step(params, state, np.take(xTrain, idx, { axis: 0 }), np.take(data.yTrain, idx, { axis: 0 }));
    [params, state] = [p as Params, s];
    if (i % (steps / 5) === 0) print(`step ${String(i).padStart(3)}: loss ${fixed4(value.item() as number)}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const predicted = np.argmax(logits(params, xTest), { axis: 1 });
  const testAccuracy = np.mean(np.equal(predicted, data.yTest).astype("float32")).item() as number;
  print(`${steps} steps in ${seconds.toFixed(1)} s; Test accuracy: ${percent(testAccuracy)}`);
  return { testAccuracy };
}

runIfMain(import.meta.url, main);
