// Batching a sub-jaxpr (JAX's batch_jaxpr): the jaxpr with some inputs batched at axis 0,
// and which of its outputs come out batched. Higher-order primitives (pjit, checkpoint,
// control flow, custom rules) bind the batched jaxpr in place of their own.
import { evalJaxprFlat, hoistConsts, type Jaxpr, type NDArray, ShapedArray, traceToJaxpr } from "@jaxts/core";
import { flags, rewriteCache } from "../ad/rewrite-cache.js";
import { type BatchDim, batchAtFront, vmapRaw } from "./batch-trace.js";

export interface BatchedJaxpr {
  readonly jaxpr: Jaxpr;
  readonly consts: NDArray[];
  readonly outBatched: boolean[];
}

export const batchedAval = (a: ShapedArray, size: number): ShapedArray => new ShapedArray([size, ...a.shape], a.dtype, a.weakType);
export const batchedFlags = (dims: readonly BatchDim[]): boolean[] => dims.map((d) => d !== null);
export const outDimsOf = (batched: readonly boolean[]): BatchDim[] => batched.map((b) => (b ? 0 : null));

/** `jaxpr` batched at axis 0 on the inputs marked `inBatched`; outputs batched at 0 where
 * the computation makes them so or `force` asks for it, unbatched otherwise. Constants it
 * picks up while being traced are hoisted in front of its inputs. */
export function batchJaxpr(jaxpr: Jaxpr, size: number, inBatched: readonly boolean[], force: readonly boolean[]): BatchedJaxpr {
  let outBatched: boolean[] = [];
  const inAvals = jaxpr.inAvals.map((a, i) => (inBatched[i] ? batchedAval(a, size) : a));
  const { jaxpr: j, consts } = traceToJaxpr(
    (xs) => {
      const res = vmapRaw((ys) => evalJaxprFlat(jaxpr, [], ys), xs, outDimsOf(inBatched), size);
      outBatched = res.map(([, d], i) => d !== null || (force[i] ?? false));
      return res.map(([v, d], i) => (outBatched[i] ? batchAtFront(v, d, size) : v));
    },
    inAvals,
    "vmap",
  );
  return { jaxpr: hoistConsts(j), consts, outBatched };
}

const batchCache = rewriteCache<BatchedJaxpr>((b) => b.consts);

/** batchJaxpr with no output forced, made once per (jaxpr, batched inputs, batch size): a
 * second call of `vmap(jit(f))` binds the same jaxpr, so its executable is reused. */
export function batchJaxprCached(jaxpr: Jaxpr, size: number, inBatched: readonly boolean[]): BatchedJaxpr {
  const noForce = jaxpr.outs.map(() => false);
  return batchCache(jaxpr, `${flags(inBatched)}:${size}`, () => batchJaxpr(jaxpr, size, inBatched, noForce));
}

/** Operands at batch axis 0 where `batched` (broadcast if they had none), as they are otherwise. */
export const atFront = (vals: readonly NDArray[], dims: readonly BatchDim[], batched: readonly boolean[], size: number): NDArray[] =>
  vals.map((v, i) => (batched[i] ? batchAtFront(v, dims[i]!, size) : v));
