// Custom derivative rules: customVjp replaces the backward pass of a function (gradient
// clipping, a numerically stable rule), customJvp its forward-mode rule, from which reverse
// mode is derived. The jaxts forms of tf.custom_gradient and jax.custom_vjp / custom_jvp.
//
//   pnpm example custom-gradient
import { array, type NDArray, np } from "@jaxts/core";
import { customJvp, customVjp, grad, jvp, vmap } from "@jaxts/transforms";
import { short } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

/** The identity forward; the backward pass clips the cotangent to [−1, 1]. */
export const clipGradient = customVjp(
  (x: NDArray) => x,
  (x: NDArray) => [x, null],
  (_: null, ct: NDArray) => [np.clip(ct, -1, 1)],
);

/** log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|), finite everywhere. */
const stableLog1pexp = (x: NDArray) => np.maximum(x, 0).add(np.log1p(np.exp(np.negative(np.abs(x)))));

/** log(1 + eˣ) whose derivative 1 − 1/(1 + eˣ) = σ(x) is given by hand. */
export const log1pexp = customJvp(stableLog1pexp, ([x], [t]) => [stableLog1pexp(x as NDArray), (t as NDArray).mul(np.subtract(1, np.divide(1, np.exp(x as NDArray).add(1))))],
);

/** ‖x‖ with the subgradient 0 at the origin (the plain formula's derivative there is 0/0 = NaN). */
export const safeNorm = customJvp(
  (x: NDArray) => np.sqrt(np.sum(np.square(x))),
  ([x], [t]) => {
    const norm = np.sqrt(np.sum(np.square(x as NDArray)));
    const direction = np.where(norm.gt(0), (x as NDArray).div(np.where(norm.gt(0), norm, 1)), 0);
    return [norm, np.sum(direction.mul(t as NDArray))];
  },
);

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const item = (a: NDArray) => short(a.item() as number);
  const list = (a: NDArray) => `[${(a.toArray() as number[]).map(short).join(", ")}]`;
  print(`clipGradient: value at 2 is ${item(clipGradient(array(2)))}; d/dx 5·clip(x) = ${item(grad((x: NDArray) => clipGradient(x).mul(5))(2))} (the cotangent 5 clipped to 1)`);
  const naive = (x: NDArray) => np.log1p(np.exp(x));
  print(`log1pexp at 100: value ${item(log1pexp(array(100)))}, gradient ${item(grad(log1pexp)(100))} (the plain formula's gradient: ${item(grad(naive)(100))})`);
  print(`forward mode uses the same rule: jvp at 100 gives ${item(jvp(log1pexp, [100], [1])[1] as NDArray)}`);
  const plainNorm = (x: NDArray) => np.sqrt(np.sum(np.square(x)));
  const zero = np.zeros([3]);
  print(`gradient of ‖x‖ at 0: ${list(grad(safeNorm)(zero))} with the rule, ${list(grad(plainNorm)(zero))} without`);
  // Custom rules compose with the other transformations: per-example gradients of log1pexp.
  const perExample = vmap(grad(log1pexp))(array([-100, 0, 100]));
  print(`vmap(grad(log1pexp)) at [−100, 0, 100]: ${list(perExample)}`);
  return { perExample: perExample.toArray() as number[] };
}

runIfMain(import.meta.url, main);
