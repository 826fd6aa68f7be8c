// dynamicAxes: the program is lowered once per traced size (traceSizes), with no constants
// shared, so the graphs have the same nodes and names when only sizes change. They are then
// merged into one graph: the nodes must agree (dynamic-compare.ts), a constant that differs
// between them is computed in the graph from Shape(input) (dynamic-constants.ts), and
// declared shapes that differ get symbolic dimensions. Anything else that changes with the
// sizes is refused with an error naming the equation it came from: tracing at a few sizes
// cannot vouch for it at the others.
import type { DynamicPlan } from "./dynamic-axes.js";
import { type LoweredTrace, Merger, sameList } from "./dynamic-compare.js";
import { generalizeConstant, Prologue } from "./dynamic-constants.js";
import type { Dimension, GraphProto } from "./onnx/proto.js";
import type { TraceDesign } from "./size-functions.js";

export type { LoweredTrace } from "./dynamic-compare.js";

/**
 * One graph valid at every size of the symbols, from the graphs lowered at `design.sizes`
 * (trace 0 is the base): size-dependent constants computed from Shape(input), declared shapes
 * symbolic. The inputs' dynamic axes are named by the plan.
 */
export function mergeTraces(traces: readonly LoweredTrace[], design: TraceDesign, plan: DynamicPlan, inputNames: readonly string[], where: string): GraphProto {
  const m = new Merger(traces, design, plan, where);
  const graphs = traces.map((t) => t.graph);
  const merged = m.graph(graphs, false);
  const base = graphs[0]!;
  const pro = new Prologue(traces[0]!.ctx, plan, inputNames);
  const original = [...base.initializer];
  graphs.forEach((g, k) => {
    if (g.initializer.length !== original.length) throw m.changed(k, `their number of constants (${original.length} and ${g.initializer.length})`, undefined);
  });
  const replaced = new Set<string>();
  original.forEach((t0, i) => {
    const tensors = graphs.map((g) => g.initializer[i]!);
    tensors.forEach((t, k) => {
      if (t.name !== t0.name || t.data_type !== t0.data_type) throw m.changed(k, `their constants (${t0.name} and ${t.name})`, t0.name);
    });
    const same = tensors.every((t) => sameList(t.dims.map(String), t0.dims.map(String)) && sameBytes(t.raw_data, t0.raw_data));
    if (same) return;
    generalizeConstant(m, pro, tensors);
    replaced.add(t0.name);
  });
  const inputs = base.input.map((info, i) => {
    const dim = info.type.tensor_type.shape.dim.map((d, axis): Dimension => {
      const dyn = plan.dims.find((x) => x.input === i && x.axis === axis);
      return dyn === undefined ? d : { dim_param: plan.symbols[dyn.symbol]!.name };
    });
    return { ...info, type: { tensor_type: { ...info.type.tensor_type, shape: { dim } } } };
  });
  return shareConstants({
    ...merged,
    node: [...pro.b.nodes, ...merged.node],
    initializer: traces[0]!.ctx.initializers.filter((t) => !replaced.has(t.name)),
    input: inputs,
  });
}

/** The graph with equal small constants stored once (the traces were lowered without sharing
 * them, so that every trace made the same constants in the same order). */
function shareConstants(g: GraphProto): GraphProto {
  const first = new Map<string, string>();
  const renamed = new Map<string, string>();
  const kept = g.initializer.filter((t) => {
    if (t.raw_data.length > 64) return true;
    const key = `${t.data_type}|${t.dims.join(",")}|${t.raw_data.join(",")}`;
    const known = first.get(key);
    if (known === undefined) first.set(key, t.name);
    else renamed.set(t.name, known);
    return known === undefined;
  });
  const rename = (graph: GraphProto): GraphProto => ({
    ...graph,
    node: graph.node.map((n) => ({
      ...n,
      input: n.input.map((i) => renamed.get(i) ?? i),
      attribute: n.attribute.map((a) => (a.g === undefined ? a : { ...a, g: rename(a.g) })),
    })),
  });
  return { ...rename(g), initializer: kept };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
