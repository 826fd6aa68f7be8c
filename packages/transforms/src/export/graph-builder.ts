// Builds ONNX graphs node by node: fresh value names (unique across the model and its
// subgraphs, as ONNX requires), attributes, and constants shared through the top graph's
// initializers (subgraphs read them from the outer scope).
import { type DType, type Eqn, isFloat } from "@jaxts/core";
import { computeDType, onnxType, tensorBytes } from "./dtypes.js";
import { type AttributeProto, AttributeType, type GraphProto, type NodeProto, OnnxDataType, type TensorProto, type ValueInfoProto } from "./onnx/proto.js";

/** An attribute value, tagged with its ONNX type (a JS number alone cannot say int or float). */
export type Attr =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly str: string }
  | { readonly graph: GraphProto };

function attributeProto(name: string, a: Attr): AttributeProto {
  if ("int" in a) return { name, type: AttributeType.INT, i: a.int };
  if ("float" in a) return { name, type: AttributeType.FLOAT, f: a.float };
  if ("ints" in a) return { name, type: AttributeType.INTS, ints: a.ints };
  if ("floats" in a) return { name, type: AttributeType.FLOATS, floats: a.floats };
  if ("str" in a) return { name, type: AttributeType.STRING, s: new TextEncoder().encode(a.str) };
  return { name, type: AttributeType.GRAPH, g: a.graph };
}

/** What every graph of one model shares: the name counter, the opset, the constants, and
 * which equation each node and constant came from (for errors about the exported graph). */
export class ModelContext {
  #next = 0;
  readonly initializers: TensorProto[] = [];
  readonly #constants = new Map<string, string>();
  readonly #taken = new Set<string>();
  /** The equation being lowered (the innermost, inside calls and loops). */
  origin: Eqn | undefined;
  /** Node and constant names → the equation they were made for. */
  readonly origins = new Map<string, Eqn>();
  /** `shareConstants: false` gives every constant its own initializer, so traces at different
   * sizes produce the same names in the same order (dynamicAxes compares them). */
  constructor(
    readonly opset: number,
    readonly shareConstants = true,
  ) {}

  /** Records that `name` was made for the equation being lowered. */
  noteOrigin(name: string): void {
    if (this.origin !== undefined) this.origins.set(name, this.origin);
  }

  /** Reserve a name chosen by the user (graph inputs and outputs). */
  reserve(name: string): string {
    this.#taken.add(name);
    return name;
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}_${this.#next++}`;
    while (this.#taken.has(name));
    this.#taken.add(name);
    return name;
  }

  /** A constant tensor, stored once per distinct (type, shape, values). */
  constant(type: OnnxDataType, dims: readonly number[], values: ArrayLike<number>, where: string): string {
    const raw = tensorBytes(type, values, where);
    const shared = this.shareConstants && raw.length <= 64;
    const key = `${type}|${dims.join(",")}|${shared ? Array.from(raw).join(",") : ""}`;
    if (shared) {
      const known = this.#constants.get(key);
      if (known !== undefined) return known;
    }
    const name = this.fresh("const");
    this.initializers.push({ name, dims: [...dims], data_type: type, raw_data: raw });
    this.noteOrigin(name);
    if (shared) this.#constants.set(key, name);
    return name;
  }

  /** A constant from bytes already in ONNX's layout (an exported array's own storage). */
  rawConstant(type: OnnxDataType, dims: readonly number[], raw: Uint8Array, hint: string): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dims: [...dims], data_type: type, raw_data: raw });
    return name;
  }
}

/** The nodes of one graph (the model's, or an If branch's or Loop body's). */
export class GraphBuilder {
  readonly nodes: NodeProto[] = [];
  constructor(readonly ctx: ModelContext) {}

  /** Append a node; returns its output names (fresh unless given). */
  node(op: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}, outputs: number | readonly string[] = 1): string[] {
    const outs = typeof outputs === "number" ? Array.from({ length: outputs }, () => this.ctx.fresh(op.toLowerCase())) : [...outputs];
    const name = this.ctx.fresh(`n_${op}`);
    this.ctx.noteOrigin(name);
    this.nodes.push({
      name,
      op_type: op,
      input: inputs,
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
    });
    return outs;
  }

  /** A node with one output. */
  op(op: string, inputs: readonly string[], attrs: Readonly<Record<string, Attr>> = {}): string {
    return this.node(op, inputs, attrs)[0]!;
  }

  /** A rank-0 constant of a jaxts dtype. */
  scalar(value: number, dtype: DType): string {
    return this.tensor([value], [], dtype);
  }

  /** A constant of a jaxts dtype and shape (a half-precision one is stored as float32 and
   * cast, so its value is rounded exactly as jaxts rounds it). */
  tensor(values: ArrayLike<number>, dims: readonly number[], dtype: DType): string {
    const wide = computeDType(dtype);
    if (wide !== dtype && isFloat(dtype)) {
      const stored = this.ctx.constant(onnxType(wide, "a constant"), dims, values, "a constant");
      return this.op("Cast", [stored], { to: { int: onnxType(dtype, "a constant") } });
    }
    return this.ctx.constant(onnxType(dtype, "a constant"), dims, values, "a constant");
  }

  /** A 1-d int64 constant (shapes, axes, starts: what ONNX's shape operators take). */
  int64s(values: readonly number[]): string {
    return this.ctx.constant(OnnxDataType.INT64, [values.length], values, "a shape constant");
  }

  int64(value: number): string {
    return this.ctx.constant(OnnxDataType.INT64, [], [value], "a shape constant");
  }

  graph(name: string, inputs: readonly ValueInfoProto[], outputs: readonly ValueInfoProto[]): GraphProto {
    return { name, node: this.nodes, initializer: [], input: inputs, output: outputs };
  }
}

/** A value's declared type (its element type and static shape, or symbolic dimensions). */
export function valueInfo(name: string, elemType: OnnxDataType, dims: readonly (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}
