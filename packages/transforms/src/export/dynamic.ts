// dynamicAxes: the program is lowered once per traced size (traceSizes), with no constants
// shared, so the graphs have the same nodes and names when only sizes change. They are then
// merged into one graph: a constant that differs between them is computed in the graph from
// Shape(input) — as a function of the symbolic sizes (size-functions.ts: Reshape and Expand
// targets, Slice ends, Range limits, loop trip counts), or the reciprocal of one (a mean's 1/n) —
// and declared shapes that differ get symbolic dimensions. Anything else that changes with
// the sizes (the graph's structure, an attribute, a constant that is no such function of
// them) is refused with an error naming the equation it came from: tracing at a few sizes
// cannot vouch for it at the others.
import { type Eqn, Literal, ShapeError } from "@jaxts/core";
import { tensorValues } from "./dtypes.js";
import type { DynamicPlan } from "./dynamic-axes.js";
import { GraphBuilder, type ModelContext } from "./graph-builder.js";
import { type AttributeProto, type Dimension, type GraphProto, type NodeProto, OnnxDataType, type TensorProto, type ValueInfoProto } from "./onnx/proto.js";
import { castOnnx } from "./rule-types.js";
import { fitReciprocal, fitSizes, type SizeFunction, sizeText, type TraceDesign } from "./size-functions.js";

/** One trace's lowered main graph (initializers included) and the context that built it. */
export interface LoweredTrace {
  readonly graph: GraphProto;
  readonly ctx: ModelContext;
}

const FLOATS: ReadonlySet<number> = new Set([OnnxDataType.FLOAT, OnnxDataType.DOUBLE]);

/** `mul (f32[64,10], 64.0) → f32[64,10]`: an equation as the error messages name it. */
export function describeEqn(eqn: Eqn | undefined): string {
  if (eqn === undefined) return "the graph's inputs, outputs or captured constants";
  const ins = eqn.inputs.map((a) => (a instanceof Literal ? String(a.value) : a.aval.str()));
  return `the equation ${eqn.primitive} (${ins.join(", ")}) → ${eqn.outVars.map((v) => v.aval.str()).join(", ")}`;
}

class Merger {
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
const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const attributeKey = (a: AttributeProto): string => JSON.stringify([a.i, a.f, a.ints, a.floats, a.s === undefined ? undefined : Array.from(a.s)]);

/** Emits, at the top of the merged graph, the computations that replace size-dependent constants. */
class Prologue {
  readonly b: GraphBuilder;
  readonly #symbols = new Map<number, string>();
  readonly #products = new Map<string, string>();
  constructor(
    ctx: ModelContext,
    readonly plan: DynamicPlan,
    readonly inputNames: readonly string[],
  ) {
    this.b = new GraphBuilder(ctx);
  }

  /** Symbol j's size, an int64 scalar read from the first input axis that has it. */
  symbol(j: number): string {
    let v = this.#symbols.get(j);
    if (v === undefined) {
      const d = this.plan.dims.find((x) => x.symbol === j)!;
      const shape = this.b.op("Shape", [this.inputNames[d.input]!], { start: { int: d.axis }, end: { int: d.axis + 1 } });
      v = this.b.op("Squeeze", [shape, this.b.int64s([0])]);
      this.#symbols.set(j, v);
    }
    return v;
  }

  /** Π_{j ∈ symbols} size_j, an int64 scalar. */
  product(symbols: readonly number[]): string {
    const key = symbols.join(",");
    let v = this.#products.get(key);
    if (v === undefined) {
      v = symbols.length === 1 ? this.symbol(symbols[0]!) : this.b.op("Mul", [this.product(symbols.slice(0, -1)), this.symbol(symbols.at(-1)!)]);
      this.#products.set(key, v);
    }
    return v;
  }

  /** An int64 tensor of shape `dims` whose element i is fits[i] of the sizes. */
  sizes(fits: readonly SizeFunction[], dims: readonly number[]): string {
    const c = (values: readonly number[]) => this.b.ctx.constant(OnnxDataType.INT64, dims, values, "a dynamic size");
    let acc = c(fits.map((f) => f.constant));
    const monomials = new Map<string, readonly number[]>();
    for (const f of fits) for (const t of f.terms) monomials.set(t.symbols.join(","), t.symbols);
    for (const [key, symbols] of monomials) {
      const coeffs = fits.map((f) => f.terms.find((t) => t.symbols.join(",") === key)?.coeff ?? 0);
      acc = this.b.op("Add", [acc, this.b.op("Mul", [c(coeffs), this.product(symbols)])]);
    }
    return acc;
  }

  /** Defines `name` (a former initializer) as `value`. */
  define(name: string, value: string): void {
    this.b.node("Identity", [value], {}, [name]);
  }
}

/** An array's elements as a + Σ_k c_k·i_k over its multi-index i (the index arrays jaxts
 * builds in JavaScript for pooling windows, np.arange), with integer a and c; a coefficient is
 * undefined along an axis of fewer than two elements. */
function indexAffine(values: readonly number[], dims: readonly number[]): { a: number | undefined; c: (number | undefined)[] } | undefined {
  if (values.length === 0) return { a: undefined, c: dims.map(() => undefined) };
  const strides = dims.map((_, k) => dims.slice(k + 1).reduce((p, d) => p * d, 1));
  const a = values[0]!;
  const c = dims.map((d, k) => (d >= 2 ? values[strides[k]!]! - a : undefined));
  if (!Number.isInteger(a) || c.some((x) => x !== undefined && !Number.isInteger(x))) return undefined;
  for (let flat = 0; flat < values.length; flat++) {
    let rest = flat;
    let want = a;
    for (let k = 0; k < dims.length; k++) {
      const i = Math.floor(rest / strides[k]!);
      rest -= i * strides[k]!;
      want += (c[k] ?? 0) * i;
    }
    if (values[flat] !== want) return undefined;
  }
  return { a, c };
}

const ONE: SizeFunction = { constant: 1, terms: [] };

/** An array whose shape follows the sizes: every element one value (an Expand), or an index
 * array a + Σ c_k·i_k with a, c and the shape functions of the sizes (Ranges, broadcast). */
function shapedConstant(m: Merger, pro: Prologue, tensors: readonly TensorProto[], values: readonly (readonly number[])[]): string | undefined {
  const t0 = tensors[0]!;
  const rank = t0.dims.length;
  if (tensors.some((t) => t.dims.length !== rank)) return undefined;
  const dims: SizeFunction[] = [];
  for (let k = 0; k < rank; k++) {
    const f = fitSizes(tensors.map((t) => t.dims[k]!), m.design);
    if (f === undefined) return undefined;
    dims.push(f);
  }
  const shape = pro.sizes(dims, [rank]);
  const fill = values[0]![0];
  if (fill !== undefined && values.every((vs) => vs.every((v) => Object.is(v, fill)))) {
    return pro.b.op("Expand", [pro.b.ctx.constant(t0.data_type, [], [fill], "a fill value"), shape]);
  }
  const forms = tensors.map((t, i) => indexAffine(values[i]!, t.dims));
  if (forms.some((f) => f === undefined)) return undefined;
  // (an axis that never has two elements has no coefficient: 0)
  const fit = (vs: readonly (number | undefined)[]) => (vs.every((v) => v === undefined) ? { constant: 0, terms: [] } : fitSizes(vs, m.design));
  const a = fit(forms.map((f) => f!.a));
  const c = t0.dims.map((_, k) => fit(forms.map((f) => f!.c[k])));
  if (a === undefined || c.some((f) => f === undefined)) return undefined;
  let acc = pro.sizes([a], []);
  c.forEach((ck, k) => {
    if (ck!.terms.length === 0 && ck!.constant === 0) return;
    const range = pro.b.op("Range", [pro.b.int64(0), pro.sizes([dims[k]!], []), pro.b.int64(1)]);
    const along = pro.b.op("Reshape", [pro.b.op("Mul", [range, pro.sizes([ck!], [])]), pro.sizes(dims.map((f, i) => (i === k ? f : ONE)), [rank])], { allowzero: { int: 1 } });
    acc = pro.b.op("Add", [acc, along]);
  });
  const full = pro.b.op("Expand", [acc, shape]);
  return t0.data_type === OnnxDataType.INT64 ? full : castOnnx(pro.b, full, t0.data_type);
}

/** A constant that differs between traces, computed in the graph instead (or refused). */
function generalizeConstant(m: Merger, pro: Prologue, tensors: readonly TensorProto[]): void {
  const t0 = tensors[0]!;
  const type = t0.data_type;
  const values = tensors.map((t) => tensorValues(type, t.raw_data));
  const captured = t0.name.startsWith("captured");
  const what = captured ? "an array the function builds from a dynamic size (array([...]), a captured constant)" : "a constant";
  const hint = captured ? "build it with traced operations from the inputs (lax.iota, np.onesLike), or export without dynamicAxes" : undefined;
  const refuse = (detail: (string | number)[]) => m.notComputable(what, t0.name, m.seenText(detail), hint);
  const show = (vs: readonly number[]) => (vs.length <= 4 ? `[${vs.join(", ")}]` : `[${vs.slice(0, 4).join(", ")}, …]`);
  if (!tensors.every((t) => sameList(t.dims.map(String), t0.dims.map(String)))) {
    const v = type === OnnxDataType.BOOL ? undefined : shapedConstant(m, pro, tensors, values);
    if (v === undefined) throw refuse(tensors.map((t, i) => `shape [${t.dims.join(", ")}] holding ${show(values[i]!)}`));
    pro.define(t0.name, v);
    return;
  }
  if (type === OnnxDataType.BOOL) throw refuse(values.map(show));
  const n = values[0]!.length;
  const column = (i: number) => values.map((vs) => vs[i]!);
  const fits = Array.from({ length: n }, (_, i) => fitSizes(column(i), m.design));
  if (fits.every((f) => f !== undefined)) {
    const v = pro.sizes(fits, t0.dims);
    pro.define(t0.name, type === OnnxDataType.INT64 ? v : castOnnx(pro.b, v, type));
    return;
  }
  if (FLOATS.has(type)) {
    const round = type === OnnxDataType.FLOAT ? Math.fround : (x: number) => x;
    const reciprocal = Array.from({ length: n }, (_, i) => fitReciprocal(column(i), m.design, round));
    if (reciprocal.every((f) => f !== undefined)) {
      const denominator = castOnnx(pro.b, pro.sizes(reciprocal, t0.dims), type);
      pro.define(t0.name, pro.b.op("Div", [pro.b.ctx.constant(type, [], [1], "one"), denominator]));
      return;
    }
  }
  throw refuse(values.map(show));
}

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
