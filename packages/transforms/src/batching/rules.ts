// Batching rules: for each primitive, how to apply it to operands that carry a batch
// dimension, and where the outputs' batch dimension lands. Rules run under the parent
// trace. The table is typed over every primitive; rare cases (batched indices of a
// scatter, a batched padding value) fall back to a loop over the batch.
import { splitAt } from "fp-ts/ReadonlyArray";
import {
  abstractEval,
  bind,
  type ComplexPrim,
  elementwisePrims,
  lax,
  type NDArray,
  type ParamsOf,
  type PrimitiveName,
  ShapedArray,
  type CustomBwd,
  type CustomFwd,
  type CustomJvpRule,
  type CustomLinFwd,
  type Jaxpr,
} from "@jaxts/core";
import { atFront, batchedAval, type BatchedJaxpr, batchedFlags, batchJaxpr, batchJaxprCached, outDimsOf } from "./batch-jaxpr.js";
import { type BatchDim, batchAtFront, moveAxis, vmapFlat } from "./batch-trace.js";
import { condBatch, scanBatch, whileBatch } from "./control.js";

export type BatchRule<P extends PrimitiveName> = (
  vals: readonly NDArray[],
  dims: readonly BatchDim[],
  params: ParamsOf<P>,
  size: number,
) => [NDArray[], BatchDim[]];

type Table<Ps extends PrimitiveName> = { readonly [P in Ps]: BatchRule<P> };

/** One rule per primitive of a family listed `as const` (a tuple, so its element type is
 * exactly the names listed): a name left out is a key missing from `batchRules`, a
 * compile error. */
function familyRules<const Ps extends readonly [PrimitiveName, ...PrimitiveName[]]>(
  names: Ps,
  rule: <P extends Ps[number]>(prim: P) => BatchRule<P>,
): Table<Ps[number]> {
  const table: { -readonly [P in Ps[number]]?: BatchRule<P> } = {};
  const list: readonly Ps[number][] = names;
  for (const p of list) table[p] = rule(p);
  // every name of the tuple now has its rule
  return table as Table<Ps[number]>;
}

/** Apply the primitive to each batch element and stack the results (always correct). */
function loopRule<P extends PrimitiveName>(prim: P): BatchRule<P> {
  return (vals, dims, params, size) => {
    if (size === 0) {
      // An empty batch: the output shapes come from the shape rule of one (sliced) element.
      const avals = vals.map((v, i) => (dims[i] === null ? v.aval : new ShapedArray(v.shape.filter((_, k) => k !== dims[i]), v.dtype, v.weakType)));
      const outs = abstractEval(prim, avals, params).map((a) => lax.broadcastInDim(lax.convertElementType(0, a.dtype), [0, ...a.shape], []));
      return [outs, outs.map(() => 0)];
    }
    const perElement: NDArray[][] = [];
    for (let b = 0; b < size; b++) {
      const args = vals.map((v, i) => {
        const d = dims[i];
        if (d === null || d === undefined) return v;
        const starts = v.shape.map((_, k) => (k === d ? b : 0));
        const limits = v.shape.map((n, k) => (k === d ? b + 1 : n));
        return lax.squeeze(lax.slice(v, starts, limits), [d]);
      });
      perElement.push(bind(prim, args, params));
    }
    const nOut = perElement[0]?.length ?? 0;
    const outs = Array.from({ length: nOut }, (_, k) =>
      lax.concatenate(
        perElement.map((outs) => lax.broadcastInDim(outs[k]!, [1, ...outs[k]!.shape], outs[k]!.shape.map((_, i) => i + 1))),
        0,
      ),
    );
    return [outs, outs.map(() => 0)];
  };
}

/** Elementwise primitives: operands share a shape or are rank 0. Batched operands go to
 * axis 0; unbatched ones stay rank-0 scalars or are broadcast along the batch. */
function elementwiseRule<P extends PrimitiveName>(prim: P, scalarsAllowed = true): BatchRule<P> {
  return (vals, dims, params, size) => {
    const unbatchedRank = (v: NDArray, d: BatchDim) => (d === null ? v.ndim : v.ndim - 1);
    const ref = vals.findIndex((v, i) => unbatchedRank(v, dims[i]!) > 0);
    const shape = ref < 0 ? [] : vals[ref]!.shape.filter((_, k) => k !== dims[ref]);
    const args = vals.map((v, i) => {
      const d = dims[i]!;
      if (d === null) {
        if (scalarsAllowed && v.ndim === 0) return v;
        return lax.broadcastInDim(v, [size, ...shape], v.ndim === 0 ? [] : shape.map((_, k) => k + 1));
      }
      const front = moveAxis(v, d, 0);
      return front.ndim === 1 && shape.length > 0 ? lax.broadcastInDim(front, [size, ...shape], [0]) : front;
    });
    const outs = bind(prim, args, params);
    return [outs, outs.map(() => 0)];
  };
}

/** Primitives of one operand with axis parameters: the batch goes to 0, axes shift by one. */
function unaryWithAxes<P extends PrimitiveName>(prim: P, shift: (p: ParamsOf<P>) => ParamsOf<P>): BatchRule<P> {
  return ([x], [d], params) => [bind(prim, [moveAxis(x!, d!, 0)], shift(params)), [0]];
}
const inc = (axes: readonly number[]): number[] => axes.map((a) => a + 1);

/** A closure of a higher-order primitive (two argument lists, e.g. residuals and
 * cotangents) applied per batch element: every argument and result batched at axis 0. */
function batched2(g: (a: readonly NDArray[], b: readonly NDArray[]) => NDArray[], size: number) {
  return (a: readonly NDArray[], b: readonly NDArray[]): NDArray[] =>
    vmapFlat((xs) => g(...splitAt(a.length)(xs)), [...a, ...b], [...a, ...b].map(() => 0), size);
}

/** Every operand at batch axis 0, the unbatched ones broadcast. */
const allAtFront = (vals: readonly NDArray[], dims: readonly BatchDim[], size: number): NDArray[] => vals.map((v, i) => batchAtFront(v, dims[i]!, size));

/** A sub-jaxpr batched at axis 0 on every input and output (for the custom rules, whose
 * closures see every argument batched). */
const batchJaxprFully = (jaxpr: Jaxpr, size: number): BatchedJaxpr =>
  batchJaxpr(jaxpr, size, jaxpr.inAvals.map(() => true), jaxpr.outs.map(() => true));

/** pjit and checkpoint: the inner jaxpr batched on the batched operands only (the others,
 * weights say, stay as they are, as JAX's batch_jaxpr), made once per pattern so that a
 * second call binds the same jaxpr and reuses its executable. */
function innerJaxprRule<P extends "pjit" | "checkpoint">(prim: P): BatchRule<P> {
  return (vals, dims, params, size) => {
    const inB = batchedFlags(dims);
    const b = batchJaxprCached(params.jaxpr, size, inB);
    const outs = bind(prim, [...b.consts, ...atFront(vals, dims, inB, size)], { ...params, jaxpr: b.jaxpr, num_consts: b.consts.length + params.num_consts });
    return [outs, outDimsOf(b.outBatched)];
  };
}

// real, imag, conj and complex map element to element too; fft (the other complex
// primitive) has its own rule below.
const complexPartPrims = ["real", "imag", "conj", "complex"] as const satisfies readonly ComplexPrim[];

export const batchRules: Table<PrimitiveName> = {
  ...familyRules(elementwisePrims, elementwiseRule),
  ...familyRules(complexPartPrims, elementwiseRule),
  // The transform acts on trailing axes: a batch axis at the front is never one of them.
  fft: unaryWithAxes("fft", (p) => p),
  reduce_sum: unaryWithAxes("reduce_sum", (p) => ({ axes: inc(p.axes) })),
  reduce_max: unaryWithAxes("reduce_max", (p) => ({ axes: inc(p.axes) })),
  reduce_min: unaryWithAxes("reduce_min", (p) => ({ axes: inc(p.axes) })),
  reduce_prod: unaryWithAxes("reduce_prod", (p) => ({ axes: inc(p.axes) })),
  reduce_and: unaryWithAxes("reduce_and", (p) => ({ axes: inc(p.axes) })),
  reduce_or: unaryWithAxes("reduce_or", (p) => ({ axes: inc(p.axes) })),
  argmax: unaryWithAxes("argmax", (p) => ({ ...p, axes: inc(p.axes) })),
  argmin: unaryWithAxes("argmin", (p) => ({ ...p, axes: inc(p.axes) })),
  cumsum: unaryWithAxes("cumsum", (p) => ({ ...p, axis: p.axis + 1 })),
  broadcast_in_dim: ([x], [d], { shape, broadcast_dimensions }, size) => [
    [lax.broadcastInDim(moveAxis(x!, d!, 0), [size, ...shape], [0, ...inc(broadcast_dimensions)])],
    [0],
  ],
  reshape: ([x], [d], { new_sizes }, size) => [[lax.reshape(moveAxis(x!, d!, 0), [size, ...new_sizes])], [0]],
  transpose: unaryWithAxes("transpose", (p) => ({ permutation: [0, ...inc(p.permutation)] })),
  squeeze: unaryWithAxes("squeeze", (p) => ({ dimensions: inc(p.dimensions) })),
  rev: unaryWithAxes("rev", (p) => ({ dimensions: inc(p.dimensions) })),
  slice: ([x], [d], p, size) => [
    [
      bind("slice", [moveAxis(x!, d!, 0)], {
        start_indices: [0, ...p.start_indices],
        limit_indices: [size, ...p.limit_indices],
        strides: p.strides === null ? null : [1, ...p.strides],
      })[0]!,
    ],
    [0],
  ],
  concatenate: (vals, dims, { dimension }, size) => [[lax.concatenate(allAtFront(vals, dims, size), dimension + 1)], [0]],
  pad: (vals, dims, params, size) => {
    if (dims[1] !== null) return loopRule("pad")(vals, dims, params, size);
    return [[lax.pad(moveAxis(vals[0]!, dims[0]!, 0), vals[1]!, [[0, 0, 0], ...params.padding_config])], [0]];
  },
  gather: (vals, dims, { axis }, size) => {
    const [dx, di] = [dims[0]!, dims[1]!];
    if (di === null) return [[lax.gather(moveAxis(vals[0]!, dx as number, 0), vals[1]!, { axis: axis + 1 })], [0]];
    // Batched indices index an unbatched operand: the batch axis sits where the index axes land.
    if (dx === null) return [[lax.gather(vals[0]!, vals[1]!, { axis })], [axis + di]];
    return loopRule("gather")(vals, dims, { axis }, size);
  },
  scatter_add: (vals, dims, params, size) => {
    if (dims[1] !== null) return loopRule("scatter_add")(vals, dims, params, size);
    const x = batchAtFront(vals[0]!, dims[0]!, size);
    const u = batchAtFront(vals[2]!, dims[2]!, size);
    return [[lax.scatterAdd(x, vals[1]!, u, { axis: params.axis + 1 })], [0]];
  },
  dot_general: ([x, y], [dx, dy], { dimension_numbers: [[lc, rc], [lb, rb]] }, size) => {
    void size;
    if (dx !== null && dy !== null) {
      const out = lax.dotGeneral(moveAxis(x!, dx!, 0), moveAxis(y!, dy!, 0), [
        [inc(lc), inc(rc)],
        [[0, ...inc(lb)], [0, ...inc(rb)]],
      ]);
      return [[out], [0]];
    }
    if (dx !== null) {
      const out = lax.dotGeneral(moveAxis(x!, dx as number, 0), y!, [
        [inc(lc), rc],
        [inc(lb), rb],
      ]);
      return [[out], [lb.length]];
    }
    const lhsFree = x!.ndim - lc.length - lb.length;
    const out = lax.dotGeneral(x!, moveAxis(y!, dy!, 0), [
      [lc, inc(rc)],
      [lb, inc(rb)],
    ]);
    return [[out], [lb.length + lhsFree]];
  },
  iota: loopRule("iota"),
  sort: (vals, dims, params, size) => {
    const outs = bind("sort", allAtFront(vals, dims, size), { ...params, dimension: params.dimension + 1 });
    return [outs, outs.map(() => 0)];
  },
  threefry2x32: elementwiseRule("threefry2x32", false),
  // the batch axis in front, away from the trailing axis a bitcast may add or drop
  bitcast_convert_type: (vals, dims, params, size) => [bind("bitcast_convert_type", allAtFront(vals, dims, size), params), [0]],
  custom_jvp_call: (vals, dims, params, size) => {
    const { jaxpr, consts } = batchJaxprFully(params.call_jaxpr, size);
    const jvp: CustomJvpRule = (primals, tangents) => {
      const outs = batched2((p, t) => params.jvp(p, t).flat(), size)(primals, tangents);
      return [outs.slice(0, outs.length / 2), outs.slice(outs.length / 2)];
    };
    // The rule is called with the arguments after all num_consts constants (see its JVP rule).
    const operands = allAtFront(vals, dims, size);
    const outs = bind("custom_jvp_call", [...consts, ...operands], { call_jaxpr: jaxpr, jvp, num_consts: consts.length + params.num_consts });
    return [outs, outs.map(() => 0)];
  },
  custom_vjp_call: (vals, dims, params, size) => {
    const { jaxpr, consts } = batchJaxprFully(params.call_jaxpr, size);
    let nOut = 0;
    const fwd: CustomFwd = (primals) => {
      const outs = vmapFlat((xs) => {
        const [o, r] = params.fwd(xs);
        nOut = o.length;
        return [...o, ...r];
      }, primals, primals.map(() => 0), size);
      const [out, residuals] = splitAt(nOut)(outs);
      return [[...out], [...residuals]];
    };
    const bwd: CustomBwd = batched2(params.bwd, size);
    const operands = allAtFront(vals, dims, size);
    const outs = bind("custom_vjp_call", [...consts, ...operands], { call_jaxpr: jaxpr, fwd, bwd, num_consts: consts.length + params.num_consts });
    return [outs, outs.map(() => 0)];
  },
  custom_lin: (vals, dims, params, size) => {
    const fwd: CustomLinFwd | null = params.fwd === null ? null : batched2(params.fwd, size);
    const bwd: CustomBwd = batched2(params.bwd, size);
    const outs = bind("custom_lin", allAtFront(vals, dims, size), {
      ...params,
      out_avals: params.out_avals.map((a) => batchedAval(a, size)),
      fwd,
      bwd,
    });
    return [outs, outs.map(() => 0)];
  },
  checkpoint: innerJaxprRule("checkpoint"),
  pjit: innerJaxprRule("pjit"),
  cond: (vals, dims, params, size) => condBatch(vals, dims, params, size),
  while: (vals, dims, params, size) => whileBatch(vals, dims, params, size),
  scan: (vals, dims, params, size) => scanBatch(vals, dims, params, size),
};
