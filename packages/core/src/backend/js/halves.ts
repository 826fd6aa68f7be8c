// float16 and bfloat16 on the js kernels: a half operand is decoded to float32, the primitive
// runs in float32, and each half result is rounded to nearest even from there — the way XLA
// computes the halves on CPU (one float32 operation, one rounding per primitive). Every
// primitive therefore works on halves with no kernel of its own. A cast is the exception:
// it runs to float64 and rounds once from the exact value (no double rounding through f32).
import type { KernelRun } from "./types.js";
import { ShapedArray } from "../../aval.js";
import { allocate, type DType, isHalf, type TypedArray } from "../../dtype.js";
import { decodeHalves, encodeHalves, encodeHalvesFromFloat32 } from "../../half.js";
import { noParams, type ParamsOf } from "../../primitives/params.js";
import type { FirstOrderPrim } from "../backend.js";

/** Whether a call touches a half: an operand, a result, or a dtype named in its params. */
export function involvesHalves(inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[], params: unknown): boolean {
  for (const a of inAvals) if (isHalf(a.dtype)) return true;
  for (const a of outAvals) if (isHalf(a.dtype)) return true;
  // (most calls: no params to read, and reading fields of every primitive's params object
  // at this one site would make it megamorphic)
  if (params === noParams) return false;
  const p = params as { readonly new_dtype?: unknown; readonly dtype?: unknown };
  return p.new_dtype === "float16" || p.new_dtype === "bfloat16" || p.dtype === "float16" || p.dtype === "bfloat16";
}

const widen = (a: ShapedArray, to: DType): ShapedArray => (isHalf(a.dtype) ? new ShapedArray(a.shape, to, a.weakType) : a);

/** Params with a named half dtype replaced by `to`. */
function widenParams<P extends FirstOrderPrim>(params: ParamsOf<P>, to: DType): ParamsOf<P> {
  const p = params as { readonly new_dtype?: unknown; readonly dtype?: unknown };
  const fix = (d: unknown): unknown => (d === "float16" || d === "bfloat16" ? to : d);
  if (fix(p.new_dtype) === p.new_dtype && fix(p.dtype) === p.dtype) return params;
  const out: Record<string, unknown> = { ...params };
  if ("new_dtype" in out) out.new_dtype = fix(p.new_dtype);
  if ("dtype" in out) out.dtype = fix(p.dtype);
  return out as ParamsOf<P>;
}

type Run = KernelRun;

/** Runs `prim` through `run` with its halves widened (see the file comment). */
export function runWithHalvesWidened<P extends FirstOrderPrim>(
  run: Run,
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
): void {
  const wide: DType = prim === "convert_element_type" ? "float64" : "float32";
  const wideIns = inputs.map((x, i) => {
    const d = inAvals[i]!.dtype;
    if (!isHalf(d)) return x;
    const v = allocate("float32", x.length) as Float32Array;
    decodeHalves(d, x as Uint16Array, v);
    return v;
  });
  const wideOutAvals = outAvals.map((a) => widen(a, wide));
  const wideOuts = outputs.map((o, i) => (isHalf(outAvals[i]!.dtype) ? allocate(wide, o.length) : o));
  run(prim, wideIns, inAvals.map((a) => widen(a, "float32")), widenParams(params, wide), wideOutAvals, wideOuts);
  outputs.forEach((o, i) => {
    const d = outAvals[i]!.dtype;
    if (!isHalf(d)) return;
    const w = wideOuts[i]!;
    if (w instanceof Float32Array) encodeHalvesFromFloat32(d, w, o as Uint16Array);
    else encodeHalves(d, w, o as Uint16Array);
  });
}
