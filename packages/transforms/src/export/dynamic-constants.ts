// dynamicAxes: constants that differ between the traced sizes, computed in the graph from
// Shape(input) instead — sizes (Reshape and Expand targets, Slice ends, Range limits, loop
// trip counts), reciprocals of sizes (a mean's 1/n), fills and index arrays whose shape
// follows the sizes — or refused with a ShapeError naming the equation.
import { GraphBuilder, type ModelContext } from "./graph-builder.js";
import type { DynamicPlan } from "./dynamic-axes.js";
import { type Merger, sameList } from "./dynamic-compare.js";
import { tensorValues } from "./dtypes.js";
import { OnnxDataType, type TensorProto } from "./onnx/proto.js";
import { castOnnx } from "./rule-types.js";
import { fitReciprocal, fitSizes, type SizeFunction } from "./size-functions.js";

const FLOATS: ReadonlySet<number> = new Set([OnnxDataType.FLOAT, OnnxDataType.DOUBLE]);

/** Emits, at the top of the merged graph, the computations that replace size-dependent constants. */
export class Prologue {
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
export function generalizeConstant(m: Merger, pro: Prologue, tensors: readonly TensorProto[]): void {
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

