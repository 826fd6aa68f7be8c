// A staged program (a jaxpr, its captured constants, the pytree paths of its inputs and
// outputs) as an ONNX ModelProto: constants become initializers, inputs and outputs get
// their pytree names, the body is lowered equation by equation.
import { ArgumentError, checkOptions, type DType, isFloat, type Jaxpr, type NDArray, type OptionSpec, ShapeError, Tracer, tree } from "@jaxts/core";
import { computeDType, onnxType, tensorBytes } from "./dtypes.js";
import { mergeTraces } from "./dynamic.js";
import { type DynamicAxes, resolveDynamicAxes, shapesAt, traceSizes } from "./dynamic-axes.js";
import { GraphBuilder, ModelContext, valueInfo } from "./graph-builder.js";
import { lowerJaxpr } from "./lower.js";
import { inputNames, outputNames } from "./naming.js";
import { encodeModel, type GraphProto } from "./onnx/proto.js";
import { cast } from "./rule-types.js";

export interface OnnxExportOptions {
  /** The ai.onnx opset to target, 18 to 21 (default 18). */
  readonly opset?: number;
  /** The graph's name (default: the function's name). */
  readonly name?: string;
  /** Symbolic dimensions, by input name or top-level argument name: `{ x: { 0: "batch" } }`
   * makes axis 0 of input `x` a named dynamic size (`{ x: [0] }` names it `x_dim0`); the
   * outputs' dimensions follow. See DynamicAxes. */
  readonly dynamicAxes?: DynamicAxes;
  /** Names of the top-level arguments (default `input0`, `input1`, ...). */
  readonly inputNames?: readonly string[];
  /** Names of the top-level outputs of a function returning a tuple (default `output0`, ...). */
  readonly outputNames?: readonly string[];
}

export const onnxExportSpec: OptionSpec<OnnxExportOptions> = {
  opset: "integer",
  name: "string",
  dynamicAxes: "any",
  inputNames: "any",
  outputNames: "any",
};

export const MIN_OPSET = 18;
export const MAX_OPSET = 21;
/** The IR version each opset was released with (ONNX's versioning table). */
const irVersionOf = (opset: number): number => (opset <= 18 ? 8 : opset <= 20 ? 9 : 10);

/** What `jit(f).lower(...)` knows about the staged program. */
export interface StagedProgram {
  /** Inputs: the captured constants first, then the flat arguments. */
  readonly jaxpr: Jaxpr;
  readonly consts: readonly NDArray[];
  /** The tree path of each flat argument in the argument list (`[0].W0`). */
  readonly inputPaths: readonly string[];
  /** The tree path of each flat output (`[0]`, `.loss`, `(root)`). */
  readonly outputPaths: readonly string[];
  readonly fnName: string;
  /** The same program traced with its flat arguments at these shapes (dynamicAxes). */
  readonly restage?: (shapes: readonly (readonly number[])[]) => StagedProgram;
}

function checkNames(v: unknown, what: string): readonly string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s.length > 0)) {
    throw new ArgumentError(`exportOnnx: ${what} must be a list of non-empty strings`);
  }
  return v;
}

function constantBytes(c: NDArray, stored: DType, where: string): Uint8Array {
  return tensorBytes(onnxType(stored, where), c.toTypedArray(), where);
}

/** The main graph of a staged program, its initializers included. */
function lowerProgram(p: StagedProgram, ctx: ModelContext, graphName: string, argNames: readonly string[] | undefined, outNames: readonly string[] | undefined): GraphProto {
  const b = new GraphBuilder(ctx);
  const consts = p.consts.map((c, i) => {
    if (c instanceof Tracer) throw new ArgumentError(`exportOnnx(${graphName}): the function closes over a value of an enclosing transformation; export outside of it`);
    const stored = isFloat(c.dtype) ? computeDType(c.dtype) : c.dtype;
    const name = ctx.rawConstant(onnxType(stored, `captured constant ${i}`), c.shape, constantBytes(c, stored, `captured constant ${i}`), "captured");
    // Halves are stored as their float32 values (exact) and cast back.
    return stored === c.dtype ? name : cast(b, name, c.dtype);
  });
  const ins = inputNames(p.inputPaths, argNames);
  const args = p.jaxpr.inVars.slice(consts.length);
  const seen = new Set<string>();
  for (const n of ins) {
    if (seen.has(n)) throw new ArgumentError(`exportOnnx(${graphName}): two inputs are both named ${JSON.stringify(n)}; pass distinct inputNames`);
    seen.add(n);
    ctx.reserve(n);
  }
  const outs = outputNames(p.outputPaths, outNames, seen);
  for (const n of outs) {
    if (seen.has(n)) throw new ArgumentError(`exportOnnx(${graphName}): two values are both named ${JSON.stringify(n)}; pass distinct outputNames`);
    seen.add(n);
    ctx.reserve(n);
  }
  if (p.jaxpr.outs.length === 0) throw new ArgumentError(`exportOnnx(${graphName}): the function returns no arrays, so the model would have no outputs`);
  const results = lowerJaxpr(b, p.jaxpr, [...consts, ...ins]);
  results.forEach((r, i) => b.node("Identity", [r], {}, [outs[i]!]));
  return {
    ...b.graph(
      graphName,
      args.map((v, i) => valueInfo(ins[i]!, onnxType(v.aval.dtype, `input ${ins[i]}`), v.aval.shape)),
      p.jaxpr.outs.map((a, i) => valueInfo(outs[i]!, onnxType(a.aval.dtype, `output ${outs[i]}`), a.aval.shape)),
    ),
    initializer: ctx.initializers,
    doc_string: `exported by jaxts from ${p.fnName}`,
  };
}

/** The graph with the dynamicAxes' dimensions symbolic: the program lowered at several sizes
 * of them and merged (dynamic.ts). */
function dynamicGraph(p: StagedProgram, option: unknown, opset: number, graphName: string, argNames: readonly string[] | undefined, outNames: readonly string[] | undefined): GraphProto {
  const where = `exportOnnx(${graphName})`;
  const names = inputNames(p.inputPaths, argNames);
  const shapes = p.jaxpr.inVars.slice(p.consts.length).map((v) => v.aval.shape);
  const plan = resolveDynamicAxes(option, names, shapes, where);
  if (p.restage === undefined) throw new ArgumentError(`${where}: dynamicAxes needs the function to trace again at other sizes; export it with exportOnnx or jit(f).lower(...).toOnnx`);
  const restage = p.restage;
  const design = traceSizes(plan, shapes, p.consts.map((c) => c.shape));
  const traced: { readonly at: readonly number[]; readonly q: StagedProgram }[] = [];
  design.sizes.forEach((at, t) => {
    try {
      traced.push({ at, q: restage(shapesAt(plan, shapes, at)) });
    } catch (e) {
      // A check the function cannot run at needs no graph; a size the fit needs does.
      if (t >= design.required) return;
      const sizes = plan.symbols.map((s, j) => `${s.name} = ${at[j]}`).join(", ");
      throw new ShapeError(`${where}: with dynamicAxes the function is traced again at other sizes, and at ${sizes} it failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  const traces = traced.map(({ q }) => {
    const ctx = new ModelContext(opset, false);
    return { graph: lowerProgram(q, ctx, graphName, argNames, outNames), ctx };
  });
  return mergeTraces(traces, { ...design, sizes: traced.map(({ at }) => at) }, plan, names, where);
}

/** The ONNX ModelProto bytes of a staged program. */
export function stagedToOnnx(p: StagedProgram, options?: OnnxExportOptions): Uint8Array {
  const o = checkOptions(options, "exportOnnx", onnxExportSpec);
  const opset = o.opset ?? MIN_OPSET;
  if (opset < MIN_OPSET || opset > MAX_OPSET) throw new ArgumentError(`exportOnnx: opset ${opset} is not supported; choose ${MIN_OPSET} to ${MAX_OPSET}`);
  const argNames = checkNames(o.inputNames, "inputNames");
  const outNames = checkNames(o.outputNames, "outputNames");
  const graphName = o.name ?? p.fnName;
  const dynamic = o.dynamicAxes !== undefined && !(tree.isPlainObject(o.dynamicAxes) && Object.keys(o.dynamicAxes).length === 0);
  const graph = dynamic ? dynamicGraph(p, o.dynamicAxes, opset, graphName, argNames, outNames) : lowerProgram(p, new ModelContext(opset), graphName, argNames, outNames);
  return encodeModel({
    ir_version: irVersionOf(opset),
    opset_import: [{ domain: "", version: opset }],
    producer_name: "jaxts",
    producer_version: "0.1.0",
    graph,
  });
}
