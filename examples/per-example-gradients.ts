// Per-example gradients with vmap: vmap(grad(loss)) gives one gradient per row of a batch in
// one batched computation (no loop), the building block of DP-SGD's per-example clipping and of
// gradient-noise diagnostics. Checked here against a plain loop over the rows.
//
//   pnpm example per-example-gradients
import { type NDArray, np, random, tree } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { fixed4 } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

type Params = { readonly w: NDArray; readonly b: NDArray };

/** The loss of ONE example: a scalar input row x [d] and target y []. */
const exampleLoss = (p: Params, x: NDArray, y: NDArray) => np.square(np.tanh(np.dot(x, p.w).add(p.b)).sub(y));

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const [kw, kx, ky] = random.split(random.key(1), 3) as [NDArray, NDArray, NDArray];
  const [batch, d] = opts.small ? [8, 4] : [256, 32];
  const params: Params = { w: random.normal(kw, [d]).mul(0.3), b: np.zeros([]) };
  const X = random.normal(kx, [batch, d]);
  const Y = random.uniform(ky, [batch], { minval: -1, maxval: 1 });

  // inAxes: the parameters are shared (null), x and y are mapped over their first axis.
  const perExample = jit(vmap(grad(exampleLoss), { inAxes: [null, 0, 0] }));
  const g = perExample(params, X, Y) as Params;
  print(`per-example gradients: w ${g.w.shape.join("×")}, b ${g.b.shape.join("×")} for a batch of ${batch}`);

  // The same by a loop over rows (what vmap saves you from writing, and its speed).
  const rows = Array.from({ length: batch }, (_, i) => grad(exampleLoss)(params, np.take(X, i, { axis: 0 }), np.take(Y, i)) as Params);
  const looped = { w: np.stack(rows.map((r) => r.w)), b: np.stack(rows.map((r) => r.b)) };
  const maxDiff = Math.max(...tree.leaves(tree.map((a, b) => np.max(np.abs((a as NDArray).sub(b as NDArray))), g, looped)).map((l) => (l as NDArray).item() as number));
  print(`largest difference from a loop over the rows: ${maxDiff.toExponential(1)}`);

  // DP-SGD's step: clip each example's gradient to norm 1, then average.
  const norms = np.sqrt(np.sum(np.square(g.w), { axis: 1 }).add(np.square(g.b)));
  const factor = np.minimum(1, np.divide(1, norms));
  const clipped = { w: np.mean(g.w.mul(factor.reshape([batch, 1])), { axis: 0 }), b: np.mean(g.b.mul(factor)) };
  const n = norms.toArray() as number[];
  print(`per-example gradient norms: min ${fixed4(Math.min(...n))}, median ${fixed4([...n].sort((a, b) => a - b)[n.length >> 1]!)}, max ${fixed4(Math.max(...n))}`);
  print(`clipped mean gradient norm ${fixed4(np.sqrt(np.sum(np.square(clipped.w)).add(np.square(clipped.b))).item() as number)} (each example counts at most 1)`);
  return { perExample: g, maxDiff };
}

runIfMain(import.meta.url, main);
