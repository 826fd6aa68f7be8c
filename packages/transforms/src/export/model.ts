// A staged program (a jaxpr, its captured constants, the pytree paths of its inputs and
// outputs) as an ONNX ModelProto: constants become initializers, inputs and outputs get
// their pytree names, the body is lowered equation by equation.
import { ArgumentError, checkOptions, type DType, isFloat, type Jaxpr, type NDArray, type OptionSpec, Tracer } from "@jaxts/core";
import { computeDType, onnxType, tensorBytes } from "./dtypes.js";
import { cast } from "./rule-types.js";
import { GraphBuilder, ModelContext, valueInfo } from "./graph-builder.js";
import { lowerJaxpr } from "./lower.js";
import { inputNames, outputNames } from "./naming.js";
import { encodeModel } from "./onnx/proto.js";

export interface OnnxExportOptions {
  /** The ai.onnx opset to target, 18 to 21 (default 18). */
  readonly opset?: number;
  /** The graph's name (default: the function's name). */
  readonly name?: string;
  /** Symbolic dimensions: `{ x: { 0: "batch" } }` makes axis 0 of input `x` (and of every
   * value that follows it) a named dynamic size. */
  readonly dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>>>>;
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

/** The ONNX ModelProto bytes of a staged program. */
export function stagedToOnnx(p: StagedProgram, options?: OnnxExportOptions): Uint8Array {
  const o = checkOptions(options, "exportOnnx", onnxExportSpec);
  const opset = o.opset ?? MIN_OPSET;
  if (opset < MIN_OPSET || opset > MAX_OPSET) throw new ArgumentError(`exportOnnx: opset ${opset} is not supported; choose ${MIN_OPSET} to ${MAX_OPSET}`);
  if (o.dynamicAxes !== undefined && Object.keys(o.dynamicAxes).length > 0) {
    throw new ArgumentError("exportOnnx: dynamicAxes is not supported yet: the exported graph has the example arguments' static shapes");
  }
  const argNames = checkNames(o.inputNames, "inputNames");
  const ctx = new ModelContext(opset);
  const b = new GraphBuilder(ctx);
  const where = o.name ?? p.fnName;
  const consts = p.consts.map((c, i) => {
    if (c instanceof Tracer) throw new ArgumentError(`exportOnnx(${where}): the function closes over a value of an enclosing transformation; export outside of it`);
    const stored = isFloat(c.dtype) ? computeDType(c.dtype) : c.dtype;
    const name = ctx.rawConstant(onnxType(stored, `captured constant ${i}`), c.shape, constantBytes(c, stored, `captured constant ${i}`), "captured");
    // Halves are stored as their float32 values (exact) and cast back.
    return stored === c.dtype ? name : cast(b, name, c.dtype);
  });
  const ins = inputNames(p.inputPaths, argNames);
  const args = p.jaxpr.inVars.slice(consts.length);
  const seen = new Set<string>();
  for (const n of ins) {
    if (seen.has(n)) throw new ArgumentError(`exportOnnx(${where}): two inputs are both named ${JSON.stringify(n)}; pass distinct inputNames`);
    seen.add(n);
    ctx.reserve(n);
  }
  const outs = outputNames(p.outputPaths, checkNames(o.outputNames, "outputNames"), seen);
  for (const n of outs) {
    if (seen.has(n)) throw new ArgumentError(`exportOnnx(${where}): two values are both named ${JSON.stringify(n)}; pass distinct outputNames`);
    seen.add(n);
    ctx.reserve(n);
  }
  if (p.jaxpr.outs.length === 0) throw new ArgumentError(`exportOnnx(${where}): the function returns no arrays, so the model would have no outputs`);
  const results = lowerJaxpr(b, p.jaxpr, [...consts, ...ins]);
  results.forEach((r, i) => b.node("Identity", [r], {}, [outs[i]!]));
  const graph = {
    ...b.graph(
      where,
      args.map((v, i) => valueInfo(ins[i]!, onnxType(v.aval.dtype, `input ${ins[i]}`), v.aval.shape)),
      p.jaxpr.outs.map((a, i) => valueInfo(outs[i]!, onnxType(a.aval.dtype, `output ${outs[i]}`), a.aval.shape)),
    ),
    initializer: ctx.initializers,
    doc_string: `exported by jaxts from ${p.fnName}`,
  };
  return encodeModel({
    ir_version: irVersionOf(opset),
    opset_import: [{ domain: "", version: opset }],
    producer_name: "jaxts",
    producer_version: "0.1.0",
    graph,
  });
}
