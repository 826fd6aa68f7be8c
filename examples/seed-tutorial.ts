// The TensorFlow GradientTape tutorial that jaxts starts from, line by line, in functional
// style: where TensorFlow records operations on a tape and asks it for gradients, jaxts
// transforms the function itself. Each print matches the tutorial's.
//
//   pnpm example seed-tutorial
import { array, type NDArray, np, random } from "@jaxts/core";
import { checkpoint, customVjp, grad, savedResiduals, valueAndGrad } from "@jaxts/transforms";
import { bytes, fixed4, short } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

export interface SeedResult {
  readonly gradient: number;
  readonly losses: readonly number[];
  readonly W: number;
  readonly b: number;
  readonly secondDerivative: number;
  readonly residualBytes: { readonly plain: number; readonly checkpointed: number };
}

/** y = x² + 3x + 1 — the tutorial's first function. */
export const polynomial = (x: NDArray): NDArray => x.pow(2).add(x.mul(3)).add(1);

export function main(opts: ExampleOptions = {}): SeedResult {
  const print = opts.print ?? console.log;

  // tape.gradient(y, x) at x = 3.0  →  grad(f)(3)
  const gradient = grad(polynomial)(3).item() as number;
  print(`Gradient: ${short(gradient)}`);

  // Linear regression y = W·x + b by gradient descent on the mean squared error
  // (TensorFlow: tf.Variables updated in place; here: new parameters from old ones).
  const X = array([1, 2, 3, 4]);
  const Y = array([2, 3, 4, 5]);
  type Params = { readonly W: NDArray; readonly b: NDArray };
  const loss = (p: Params) => np.mean(np.square(p.W.mul(X).add(p.b).sub(Y)));
  const learningRate = 0.01;
  let params: Params = { W: array(0), b: array(0) };
  const losses: number[] = [];
  for (let step = 0; step < 100; step++) {
    const [value, g] = valueAndGrad(loss)(params);
    losses.push(value.item() as number);
    params = { W: params.W.sub(g.W.mul(learningRate)), b: params.b.sub(g.b.mul(learningRate)) };
    if (step % 10 === 0) print(`Step ${step}: Loss = ${fixed4(losses[step]!)}`);
  }

  // Nested tapes for a second derivative  →  grad(grad(f))
  const secondDerivative = grad(grad((x: NDArray) => x.pow(3)))(3).item() as number;
  print(`Second order derivative: ${short(secondDerivative)}`);

  // tf.custom_gradient  →  customVjp: log(1 + eˣ) with a backward pass that cannot overflow.
  const naive = (x: NDArray) => np.log(np.exp(x).add(1));
  const log1pexp = customVjp(
    naive,
    (x: NDArray) => [naive(x), x],
    (x: NDArray, ct: NDArray) => [ct.mul(np.subtract(1, np.divide(1, np.exp(x).add(1))))],
  );
  print(`Custom gradient of log(1 + exp(x)) at x = 100: ${short(grad(log1pexp)(100).item() as number)} (without it: ${short(grad(naive)(100).item() as number)})`);

  // tf.recompute_grad  →  checkpoint: keep only each segment's input, recompute the rest.
  const layer = (x: NDArray) => np.tanh(x.mul(0.9).add(0.1));
  const segment = checkpoint((x: NDArray) => {
    for (let i = 0; i < 10; i++) x = layer(x);
    return x;
  });
  const deep = (x: NDArray) => {
    for (let i = 0; i < 100; i++) x = layer(x);
    return np.sum(x);
  };
  const segmented = (x: NDArray) => {
    for (let s = 0; s < 10; s++) x = segment(x);
    return np.sum(x);
  };
  const x0 = random.normal(random.key(0), [10_000]);
  const kept = (f: (x: NDArray) => NDArray) => savedResiduals(f, x0).reduce((n, r) => n + r.bytes, 0);
  const residualBytes = { plain: kept(deep), checkpointed: kept(segmented) };
  const same = np.allclose(grad(deep)(x0), grad(segmented)(x0)).item() as boolean;
  print(
    `Checkpointed backward pass over 100 tanh layers: ${bytes(residualBytes.checkpointed)} kept instead of ${bytes(residualBytes.plain)} ` +
      `(saved ${bytes(residualBytes.plain - residualBytes.checkpointed)}), same gradient: ${same}`,
  );
  return { gradient, losses, W: params.W.item() as number, b: params.b.item() as number, secondDerivative, residualBytes };
}

runIfMain(import.meta.url, main);
