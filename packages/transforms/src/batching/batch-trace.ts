// Batching as a trace: a BatchTracer carries a value with one extra axis (its batch
// dimension, or null when the value does not vary across the batch). Rules run under the
// parent trace and say where each output's batch dimension ends up.
import {
  type ConcreteArray,
  concretizationError,
  currentTrace,
  lax,
  type NDArray,
  type ParamsOf,
  type PrimitiveName,
  ShapedArray,
  Trace,
  Tracer,
  bind,
  withTrace,
  ruleLookup,
} from "@jaxts/core";
import { batchRules } from "./rules.js";

const batchLookup = ruleLookup(() => batchRules);

export type BatchDim = number | null;

export class BatchTracer extends Tracer {
  readonly #aval: ShapedArray;
  constructor(
    readonly trace: BatchTrace,
    readonly val: NDArray,
    readonly bdim: number,
  ) {
    super();
    const shape = val.shape.filter((_, i) => i !== bdim);
    this.#aval = new ShapedArray(shape, val.dtype, val.weakType);
  }
  get aval(): ShapedArray {
    return this.#aval;
  }
  concrete(what: string): ConcreteArray {
    throw concretizationError(what, this.aval, this.trace.transform, undefined);
  }
}

export class BatchTrace extends Trace {
  constructor(
    parent: Trace,
    readonly axisSize: number,
  ) {
    super(parent, "vmap");
  }

  unpack(x: NDArray): [NDArray, BatchDim] {
    if (x instanceof BatchTracer && x.trace === this) return [x.val, x.bdim];
    return [x, null];
  }

  pack(val: NDArray, bdim: BatchDim): NDArray {
    return bdim === null ? val : new BatchTracer(this, val, bdim);
  }

  processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    const vals: NDArray[] = [];
    const dims: BatchDim[] = [];
    for (const a of args) {
      const [v, d] = this.unpack(a);
      vals.push(v);
      dims.push(d);
    }
    const parent = this.parent!;
    if (dims.every((d) => d === null)) return withTrace(parent, () => bind(prim, vals, params));
    const rule: (typeof batchRules)[P] = batchLookup.require(prim, "vmap");
    const [outs, outDims] = withTrace(parent, () => rule(vals, dims, params, this.axisSize));
    return outs.map((o, i) => this.pack(o, outDims[i]!));
  }
}

/** Move axis `from` of x to position `to`. */
export function moveAxis(x: NDArray, from: number, to: number): NDArray {
  if (from === to) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}

/** x with its batch dimension at 0; an unbatched x is broadcast along a new leading axis. */
export function batchAtFront(x: NDArray, d: BatchDim, size: number): NDArray {
  if (d !== null) return moveAxis(x, d, 0);
  return lax.broadcastInDim(x, [size, ...x.shape], x.shape.map((_, i) => i + 1));
}

/** Run a flat function with inputs batched along `inDims`: each output and its batch dimension. */
export function vmapRaw(
  f: (args: readonly NDArray[]) => readonly NDArray[],
  vals: readonly NDArray[],
  inDims: readonly BatchDim[],
  size: number,
): [NDArray, BatchDim][] {
  const trace = new BatchTrace(currentTrace(), size);
  try {
    const ins = vals.map((v, i) => trace.pack(v, inDims[i]!));
    const outs = withTrace(trace, () => f(ins));
    return outs.map((o) => trace.unpack(o));
  } finally {
    trace.active = false;
  }
}

/** vmapRaw with every output's batch dimension moved to 0 (unbatched outputs broadcast). */
export function vmapFlat(
  f: (args: readonly NDArray[]) => readonly NDArray[],
  vals: readonly NDArray[],
  inDims: readonly BatchDim[],
  size: number,
): NDArray[] {
  return vmapRaw(f, vals, inDims, size).map(([v, d]) => batchAtFront(v, d, size));
}
