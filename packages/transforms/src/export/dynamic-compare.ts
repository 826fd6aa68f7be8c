// dynamicAxes: the graphs lowered at several sizes compared node by node. They must agree
// in everything but constants and declared shapes; declared shapes that differ become
// symbolic dimensions (size-functions.ts), and any other difference is a ShapeError naming
// the equation the differing node came from.
import { type Eqn, Literal, ShapeError } from "@jaxts/core";
import type { DynamicPlan } from "./dynamic-axes.js";
import type { ModelContext } from "./graph-builder.js";
import type { AttributeProto, Dimension, GraphProto, NodeProto, ValueInfoProto } from "./onnx/proto.js";
import { fitSizes, sizeText, type TraceDesign } from "./size-functions.js";

/** One trace's lowered main graph (initializers included) and the context that built it. */
export interface LoweredTrace {
  readonly graph: GraphProto;
  readonly ctx: ModelContext;
}

/** `mul (f32[64,10], 64.0) → f32[64,10]`: an equation as the error messages name it. */
export function describeEqn(eqn: Eqn | undefined): string {
  if (eqn === undefined) return "the graph's inputs, outputs or captured constants";
  const ins = eqn.inputs.map((a) => (a instanceof Literal ? String(a.value) : a.aval.str()));
  return `the equation ${eqn.primitive} (${ins.join(", ")}) → ${eqn.outVars.map((v) => v.aval.str()).join(", ")}`;
}

/** The traces being merged, and the errors that name what differs between them. */
export class Merger {
  readonly #names: readonly string[];
  constructor(
    readonly traces: readonly LoweredTrace[],
    readonly design: TraceDesign,
    readonly plan: DynamicPlan,
    readonly where: string,
  ) {
    this.#names = plan.symbols.map((s) => s.name);
  }

  #at(t: number): string {
    return this.plan.symbols.map((s, j) => `${s.name} = ${this.design.sizes[t]![j]}`).join(", ");
  }

  /** The program differs between traces beyond its constants and shapes. */
  changed(t: number, what: string, origin: string | undefined): ShapeError {
    const from = describeEqn(origin === undefined ? undefined : this.traces[0]!.ctx.origins.get(origin));
    return new ShapeError(
      `${this.where}: with dynamicAxes, the program changes with the dynamic sizes beyond its shapes: the graphs traced at ${this.#at(0)} and at ${this.#at(t)} differ in ${what} (from ${from}); export it without dynamicAxes`,
    );
  }

  /** A constant or shape that depends on the sizes in a way the graph cannot compute. */
  notComputable(what: string, origin: string | undefined, seen: string, hint = "export it without dynamicAxes"): ShapeError {
    const eqn = origin === undefined ? undefined : this.traces[0]!.ctx.origins.get(origin);
    const from = eqn === undefined ? "" : ` from ${describeEqn(eqn)}`;
    const n = this.#names;
    const allowed =
      n.length === 1
        ? `affine in ${n[0]} (like 2·${n[0]} + 1, not ${n[0]}²)`
        : `made of sums of ${n.join(", ")} and products of distinct ones (like 2·${n[0]} + ${n[0]}·${n[1]} + 1, not ${n[0]}²)`;
    return new ShapeError(
      `${this.where}: with dynamicAxes, ${what}${from} depends on ${n.join(", ")} in a way the exported graph cannot compute (${seen}). Only sizes ${allowed} and their reciprocals (a mean's 1/n) are computed from the inputs' shapes; ${hint}`,
    );
  }

  /** What was seen at the first few traces (enough to show the dependence). */
  seenText(values: readonly (string | number)[]): string {
    const shown = values.slice(0, 4).map((v, t) => `${v} at ${this.#at(t)}`);
    return values.length > 4 ? `${shown.join("; ")}; …` : shown.join("; ");
  }

  /** A dimension across traces: its size, or its symbolic name. */
  dimension(values: readonly number[], what: string): Dimension {
    if (values.every((v) => v === values[0])) return { dim_value: values[0]! };
    const f = fitSizes(values, this.design);
    if (f === undefined) throw this.notComputable(what, undefined, this.seenText(values));
    return { dim_param: sizeText(f, this.#names) };
  }

  valueInfo(infos: readonly ValueInfoProto[]): ValueInfoProto {
    const base = infos[0]!;
    const dims = base.type.tensor_type.shape.dim;
    infos.forEach((info, t) => {
      const d = info.type.tensor_type;
      if (info.name !== base.name || d.elem_type !== base.type.tensor_type.elem_type || d.shape.dim.length !== dims.length) throw this.changed(t, `the value ${info.name}`, undefined);
    });
    const merged = dims.map((_, i) => this.dimension(infos.map((info) => dimValue(info.type.tensor_type.shape.dim[i]!)), `the shape of ${base.name}`));
    return { ...base, type: { tensor_type: { ...base.type.tensor_type, shape: { dim: merged } } } };
  }

  attribute(attrs: readonly AttributeProto[], node: NodeProto): AttributeProto {
    const a = attrs[0]!;
    attrs.forEach((b, t) => {
      if (b.name !== a.name || b.type !== a.type) throw this.changed(t, `the attributes of ${node.op_type} node ${node.name}`, node.name);
      if (a.g === undefined && attributeKey(a) !== attributeKey(b)) throw this.changed(t, `the ${a.name} attribute of ${node.op_type} node ${node.name}`, node.name);
    });
    return a.g === undefined ? a : { ...a, g: this.graph(attrs.map((b) => b.g!)) };
  }

  node(nodes: readonly NodeProto[]): NodeProto {
    const n = nodes[0]!;
    nodes.forEach((m, t) => {
      const same = m.op_type === n.op_type && sameList(m.input, n.input) && sameList(m.output, n.output) && m.attribute.length === n.attribute.length;
      if (!same) throw this.changed(t, `node ${n.op_type} ${n.name} (${m.op_type} ${m.name} in the other)`, n.name);
    });
    return { ...n, attribute: n.attribute.map((_, i) => this.attribute(nodes.map((m) => m.attribute[i]!), n)) };
  }

  /** Nodes and declared shapes of one graph (the main one or a subgraph) across traces. */
  graph(graphs: readonly GraphProto[], mergeInputs = true): GraphProto {
    const g = graphs[0]!;
    graphs.forEach((h, t) => {
      if (h.node.length !== g.node.length || h.input.length !== g.input.length || h.output.length !== g.output.length) {
        const first = g.node.findIndex((n, i) => h.node[i]?.op_type !== n.op_type);
        throw this.changed(t, `their nodes (${g.node.length} and ${h.node.length})`, g.node[Math.max(first, 0)]?.name);
      }
    });
    return {
      ...g,
      node: g.node.map((_, i) => this.node(graphs.map((h) => h.node[i]!))),
      input: mergeInputs ? g.input.map((_, i) => this.valueInfo(graphs.map((h) => h.input[i]!))) : g.input,
      output: g.output.map((_, i) => this.valueInfo(graphs.map((h) => h.output[i]!))),
    };
  }
}

const dimValue = (d: Dimension): number => ("dim_value" in d ? d.dim_value : Number.NaN);
export const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const attributeKey = (a: AttributeProto): string => JSON.stringify([a.i, a.f, a.ints, a.floats, a.s === undefined ? undefined : Array.from(a.s)]);
