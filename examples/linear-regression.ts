// Linear regression on synthetic data: recover the weights of y = X·w + b + noise by gradient
// descent on the mean squared error (SGD from @jaxts/optim, a jit-ted step), and compare with
// the least-squares solution from the normal equations.
//
//   pnpm example linear-regression
import { type NDArray, np, random } from "@jaxts/core";
import { applyUpdates, sgd } from "@jaxts/optim";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { fixed4 } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

type Params = { readonly w: NDArray; readonly b: NDArray };

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const [kx, kn] = random.split(random.key(42), 2) as [NDArray, NDArray];
  const trueW = np.array([2, -3.5, 0.5]);
  const trueB = 1.25;
  const n = opts.small ? 64 : 1000;
  const X = random.normal(kx, [n, 3]);
  const Y = np.matmul(X, trueW).add(trueB).add(random.normal(kn, [n]).mul(0.1));

  const loss = (p: Params) => np.mean(np.square(np.matmul(X, p.w).add(p.b).sub(Y)));
  const opt = sgd(0.1);
  const step = jit((p: Params, s: ReturnType<typeof opt.init>) => {
    const [value, g] = valueAndGrad(loss)(p);
    const [updates, next] = opt.update(g, s, p);
    return [applyUpdates(p, updates), next, value] as const;
  });
  let params: Params = { w: np.zeros([3]), b: np.zeros([]) };
  let state = opt.init(params);
  const steps = 100;
  let last = Number.NaN;
  for (let i = 0; i < steps; i++) {
    const [p, s, value] = step(params, state);
    [params, state, last] = [p as Params, s, value.item() as number];
    if (i % (steps / 5) === 0) print(`step ${String(i).padStart(3)}: loss ${fixed4(last)}`);
  }
  // The least-squares answer: solve (AᵀA) θ = Aᵀy with a column of ones for the bias.
  const A = np.concatenate([X, np.ones([n, 1])], { axis: 1 });
  const theta = np.linalg.solve(np.matmul(A.T, A), np.matmul(A.T, Y));
  const show = (a: readonly number[]) => `[${a.map(fixed4).join(", ")}]`;
  const [l0, l1, l2, lb] = theta.toArray() as number[];
  print(`final loss ${fixed4(last)}`);
  print(`w by gradient descent ${show(params.w.toArray() as number[])}, b ${fixed4(params.b.item() as number)}`);
  print(`w by least squares    ${show([l0!, l1!, l2!])}, b ${fixed4(lb!)}`);
  print(`true w                ${show(trueW.toArray() as number[])}, b ${fixed4(trueB)}`);
  return { w: params.w, b: params.b.item() as number, leastSquares: theta, loss: last };
}

runIfMain(import.meta.url, main);
