// Newton's method with `hessian`: minimise the Rosenbrock function f(x, y) = (1 − x)² +
// 100 (y − x²)² from (−1.2, 1). Each step solves H·Δ = ∇f; near the minimum at (1, 1) the
// error squares each step (quadratic convergence), where gradient descent crawls.
//
//   pnpm example newton-hessian
import { array, config, type NDArray, np } from "@jaxts/core";
import { grad, hessian, jit } from "@jaxts/transforms";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

export const rosenbrock = (p: NDArray): NDArray => {
  const [x, y] = [np.take(p, 0), np.take(p, 1)];
  return np.square(np.subtract(1, x)).add(np.square(y.sub(np.square(x))).mul(100));
};

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const previous = config.get().defaultFloat;
  config.set({ defaultFloat: "float64" }); // Newton's quadratic convergence needs the digits
  try {
    const newtonStep = jit((p: NDArray) => p.sub(np.linalg.solve(hessian(rosenbrock)(p) as NDArray, grad(rosenbrock)(p))));
    let p = array([-1.2, 1]);
    const errors: number[] = [];
    const maxSteps = opts.small ? 8 : 20;
    for (let i = 0; i < maxSteps; i++) {
      p = newtonStep(p);
      const [x, y] = p.toArray() as number[];
      const error = Math.hypot(x! - 1, y! - 1);
      errors.push(error);
      print(`step ${String(i + 1).padStart(2)}: (x, y) = (${x!.toFixed(10)}, ${y!.toFixed(10)})  distance to (1, 1) ${error.toExponential(2)}`);
      if (error < 1e-12) break;
    }
    print(`Hessian at the minimum: ${JSON.stringify((hessian(rosenbrock)(array([1, 1])) as NDArray).toArray())}`);
    return { point: p.toArray() as number[], errors };
  } finally {
    config.set({ defaultFloat: previous });
  }
}

runIfMain(import.meta.url, main);
