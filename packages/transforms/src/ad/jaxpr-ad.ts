// Differentiating a closed-over jaxpr (the body of a higher-order primitive): forward
// tangents and pulled-back cotangents, each by re-evaluating the body under jvp or vjp.
import { type Jaxpr, type NDArray, evalJaxprFlat } from "@jaxts/core";
import { backwardPass } from "./backward-pass.js";
import { jvpFlat } from "./jvp.js";
import { linearizeFlat } from "./linearize.js";
import { instantiate, type Tangent } from "./zero.js";

export type FlatFn = (args: readonly NDArray[]) => readonly NDArray[];

export const jaxprFn =
  (jaxpr: Jaxpr): FlatFn =>
  (args) =>
    evalJaxprFlat(jaxpr, [], args);

/** Tangents of f's outputs at `primals` along `tangents` (zeros instantiated). */
export function jvpTangents(f: FlatFn, primals: readonly NDArray[], tangents: readonly Tangent[]): NDArray[] {
  return jvpFlat(f, primals, tangents)[1].map(instantiate);
}

/** Cotangents of f's inputs at `primals` for output cotangents `cts` (zeros instantiated). */
export function vjpCotangents(f: FlatFn, primals: readonly NDArray[], cts: readonly Tangent[]): NDArray[] {
  const lin = linearizeFlat(f, primals, "vjp");
  const liveCts = cts.filter((_, i) => !lin.outZero[i]);
  return backwardPass(lin.jaxpr, lin.residuals, liveCts, { consumeResiduals: true }).map(instantiate);
}
