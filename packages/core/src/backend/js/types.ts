// The reference backend's kernel signature: typed arrays in, results written into the
// output buffers the caller hands over (one per out aval, never aliasing an input, of
// unspecified contents, so every kernel writes every element). Kernels never write into
// their inputs.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import type { FirstOrderPrim } from "../backend.js";

export type { FirstOrderPrim } from "../backend.js";

export type Kernel<P extends FirstOrderPrim> = (
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
) => void;

/** Runs any first-order primitive's kernel by name: what the wrappers for halves and complex
 * values call back into after converting their operands. */
export type KernelRun = <P extends FirstOrderPrim>(
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
) => void;

export type KernelTable<Ps extends FirstOrderPrim> = { readonly [P in Ps]: Kernel<P> };

/** A kernel that reads no params (fits any primitive). */
export type SimpleKernel = (
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: unknown,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
) => void;
