// Checkpointing a deep chain (jax.checkpoint, tf.recompute_grad): the backward pass of a chain
// of layers normally keeps every layer's intermediates; checkpoint(segment) keeps only the
// segment's input and recomputes the rest when the gradient needs it — memory for compute.
// A policy chooses what is still saved ("dots_saveable": the matmul results).
//
//   pnpm example checkpointing
import { type NDArray, np, random } from "@jaxts/core";
import { checkpoint, checkpointPolicies, grad, savedResiduals } from "@jaxts/transforms";
import { bytes } from "./lib/format.js";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const [depth, segmentLength, width, batch] = opts.small ? [8, 4, 16, 8] : [32, 8, 256, 128];
  const keys = random.split(random.key(0), depth + 1);
  const weights = Array.from({ length: depth }, (_, i) => random.normal(keys[i]!, [width, width]).mul(1 / Math.sqrt(width)));
  const x0 = random.normal(keys[depth]!, [batch, width]);

  const layer = (h: NDArray, w: NDArray) => np.tanh(np.matmul(h, w));
  /** Layers [from, from + segmentLength) as one function of the activations. */
  const segment = (from: number) => (h: NDArray) => {
    for (let i = from; i < from + segmentLength; i++) h = layer(h, weights[i]!);
    return h;
  };
  const chain = (wrap: (f: (h: NDArray) => NDArray) => (h: NDArray) => NDArray) => (h: NDArray) => {
    for (let from = 0; from < depth; from += segmentLength) h = wrap(segment(from))(h);
    return np.sum(np.square(h));
  };
  const variants = {
    "no checkpoint": chain((f) => f),
    [`checkpoint every ${segmentLength} layers`]: chain((f) => checkpoint(f)),
    "checkpoint, saving matmul results": chain((f) => checkpoint(f, { policy: checkpointPolicies.dotsSaveable })),
  };
  const kept: Record<string, number> = {};
  let reference: NDArray | undefined;
  for (const [name, f] of Object.entries(variants)) {
    // The weights are kept in every variant (they are the layers' constants); count the rest.
    kept[name] = savedResiduals(f, x0)
      .filter((r) => r.source !== "a constant")
      .reduce((n, r) => n + r.bytes, 0);
    const t0 = performance.now();
    const g = grad(f)(x0);
    const ms = performance.now() - t0;
    reference ??= g;
    const same = np.allclose(g, reference, { rtol: 1e-5, atol: 1e-6 }).item() as boolean;
    print(`${name.padEnd(36)} keeps ${bytes(kept[name]!).padStart(9)} of activations; gradient in ${ms.toFixed(0).padStart(4)} ms, equal to the plain one: ${same}`);
  }
  print(`(${depth} layers of ${batch}×${width} float32 activations; a segment's input is ${bytes(batch * width * 4)})`);
  return { kept };
}

runIfMain(import.meta.url, main);
