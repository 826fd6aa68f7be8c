// The reference backend's kernel signature: typed arrays in, freshly allocated (or
// shared, for pure re-views such as reshape) typed arrays out. Kernels never write
// into their inputs.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { HigherOrderPrim } from "../../primitives/misc.js";
import type { PrimitiveName } from "../../primitives/params.js";
import type { ParamsOf } from "../../primitives/params.js";

export type FirstOrderPrim = Exclude<PrimitiveName, HigherOrderPrim>;

export type Kernel<P extends FirstOrderPrim> = (
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
) => TypedArray[];

export type KernelTable<Ps extends FirstOrderPrim> = { readonly [P in Ps]: Kernel<P> };

/** A kernel that reads no params (fits any primitive). */
export type SimpleKernel = (inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], params: unknown, outAvals: readonly ShapedArray[]) => TypedArray[];
