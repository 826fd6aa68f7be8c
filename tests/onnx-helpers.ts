// Running exported ONNX models in onnxruntime-node and comparing them with jaxts: values
// within a stated tolerance, and dtypes and shapes exactly.
import { type NDArray, tree } from "@jaxts/core";
import { float16Bits, float16Value } from "../packages/core/src/half.js";
import { exportOnnx, type OnnxExportOptions } from "@jaxts/transforms";
import * as ort from "onnxruntime-node";
import { expect } from "vitest";

/** An NDArray as an ONNX Runtime tensor (the dtypes' names coincide; float16 travels as its
 * bit patterns). onnxruntime-node has no bfloat16 tensor type, so bfloat16 values cannot be fed. */
export function toOrt(x: NDArray): ort.Tensor {
  const data = x.toTypedArray();
  const dims = [...x.shape];
  switch (x.dtype) {
    case "float32":
      return new ort.Tensor("float32", data as Float32Array, dims);
    case "float64":
      return new ort.Tensor("float64", data as Float64Array, dims);
    case "int32":
      return new ort.Tensor("int32", data as Int32Array, dims);
    case "int16":
      return new ort.Tensor("int16", data as Int16Array, dims);
    case "int8":
      return new ort.Tensor("int8", data as Int8Array, dims);
    case "uint8":
      return new ort.Tensor("uint8", data as Uint8Array, dims);
    case "uint32":
      return new ort.Tensor("uint32", data as Uint32Array, dims);
    case "float16":
      return new ort.Tensor("float16", Uint16Array.from(data, (v) => float16Bits(v)), dims);
    case "bool":
      return new ort.Tensor("bool", Uint8Array.from(data), dims);
    default:
      throw new Error(`toOrt: onnxruntime-node has no ${x.dtype} tensor; feed it through another dtype and convert inside the function`);
  }
}

/** An ONNX Runtime tensor's elements as numbers (float16 bit patterns decoded). */
export function ortValues(t: ort.Tensor): ArrayLike<number> {
  if (t.type === "float16") return Array.from(t.data as Uint16Array, (bits) => float16Value(bits));
  return t.data as ArrayLike<number>;
}

const sessions = new WeakMap<Uint8Array, Promise<ort.InferenceSession>>();

export function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  let s = sessions.get(bytes);
  if (s === undefined) {
    s = ort.InferenceSession.create(bytes);
    sessions.set(bytes, s);
  }
  return s;
}

/** Runs a model on inputs given in graph-input order; returns the outputs in graph order. */
export async function runModel(bytes: Uint8Array, inputs: readonly NDArray[]): Promise<ort.Tensor[]> {
  const s = await session(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  s.inputNames.forEach((n, i) => {
    feeds[n] = toOrt(inputs[i]!);
  });
  const out = await s.run(feeds);
  return s.outputNames.map((n) => out[n]!);
}

export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

/** Default bounds: ONNX Runtime's float32 transcendentals are a few ulp from jaxts's (which
 * rounds float64 results); float64 paths agree to rounding of a few operations. */
export function defaultTolerance(dtype: string): Required<Tolerance> {
  if (dtype === "float64") return { rtol: 1e-12, atol: 1e-300 };
  if (dtype === "float16" || dtype === "bfloat16") return { rtol: 0, atol: 0 };
  return { rtol: 2e-6, atol: 1e-30 };
}

/** One ONNX output equals one jaxts array: dtype and shape exactly, values within bounds
 * (NaN where jaxts has NaN, infinities equal, integers and bools exact). */
export function expectTensorClose(got: ort.Tensor, want: NDArray, where: string, tol: Tolerance = {}): void {
  expect(got.type, `${where}: dtype`).toBe(want.dtype);
  expect([...got.dims], `${where}: shape`).toEqual([...want.shape]);
  const w = want.toTypedArray();
  const g = ortValues(got);
  const { rtol, atol } = { ...defaultTolerance(want.dtype), ...tol };
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < w.length; i++) {
    const a = Number(g[i]);
    const b = Number(w[i]);
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) {
        worst = i;
        worstErr = Number.POSITIVE_INFINITY;
        break;
      }
      continue;
    }
    if (a === b) continue;
    const err = Math.abs(a - b) - (atol + rtol * Math.abs(b));
    if (err > worstErr || !Number.isFinite(err)) {
      worst = i;
      worstErr = Number.isFinite(err) ? err : Number.POSITIVE_INFINITY;
    }
  }
  if (worst >= 0) expect.fail(`${where}: element ${worst} is ${Number(g[worst])} in ONNX Runtime, ${Number(w[worst])} in jaxts (rtol ${rtol}, atol ${atol})`);
}

/** Exports `f` on `args`, runs it in ONNX Runtime, and checks every output against jaxts. */
export async function expectOnnxMatchesJaxts(
  f: (...args: never[]) => unknown,
  args: readonly unknown[],
  opts: { readonly tol?: Tolerance; readonly export?: OnnxExportOptions; readonly where?: string } = {},
): Promise<Uint8Array> {
  const bytes = opts.export === undefined ? exportOnnx(f, ...(args as never[])) : exportOnnx(f, ...(args as never[]), opts.export as never);
  const want = tree.leaves(f(...(args as never[])) as tree.PyTree) as NDArray[];
  const inputs = tree.leaves([...args] as tree.PyTree) as NDArray[];
  const got = await runModel(bytes, inputs);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expectTensorClose(g, want[i]!, `${opts.where ?? f.name ?? "f"} output ${i}`, opts.tol));
  return bytes;
}
