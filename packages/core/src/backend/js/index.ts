// The `js` reference backend: one plain typed-array kernel per first-order primitive.
// Every faster backend is tested against these, primitive by primitive, and falls back to
// them for whatever it does not support.
import type { ShapedArray } from "../../aval.js";
import { allocate, type TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { allEmpty, type Backend, type FirstOrderPrim } from "../backend.js";
import { involvesComplex, runComplex } from "./complex.js";
import { elementwiseKernels } from "./elementwise.js";
import { involvesHalves, runWithHalvesWidened } from "./halves.js";
import { indexingKernels } from "./indexing.js";
import { linalgKernels } from "./linalg.js";
import { miscKernels } from "./misc.js";
import { reduceKernels } from "./reduce.js";
import { shapeKernels } from "./shape.js";
import type { Kernel, KernelTable } from "./types.js";
import { ruleLookup } from "../../rule-table.js";

export const jsKernels: KernelTable<FirstOrderPrim> = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...shapeKernels,
  ...indexingKernels,
  ...linalgKernels,
  ...miscKernels,
  // Complex-only primitives: every call involves a complex value, so runKernel sends it to
  // ./complex.ts before this table is read.
  real: complexOnly("real"),
  imag: complexOnly("imag"),
  conj: complexOnly("conj"),
  complex: complexOnly("complex"),
  fft: complexOnly("fft"),
};
const jsKernelLookup = ruleLookup(() => jsKernels);

function complexOnly(prim: string): Kernel<FirstOrderPrim> {
  return () => {
    throw new Error(`internal: ${prim} reached the real kernels`);
  };
}

function runJs<P extends FirstOrderPrim>(
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
): void {
  // (no output element to write: nothing to run, however long an axis of an empty operand is)
  if (allEmpty(outAvals)) return;
  // A bitcast reads and writes the stored bits themselves, halves included.
  if (prim !== "bitcast_convert_type" && involvesHalves(inAvals, outAvals, params)) {
    runWithHalvesWidened(runKernel, prim, inputs, inAvals, params, outAvals, outputs);
    return;
  }
  runKernel(prim, inputs, inAvals, params, outAvals, outputs);
}

function runKernel<P extends FirstOrderPrim>(
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
): void {
  if (involvesComplex(inAvals, outAvals)) {
    runComplex(runKernel, prim, inputs, inAvals, params, outAvals, outputs);
    return;
  }
  const kernel: Kernel<P> = jsKernelLookup.get(prim);
  kernel(inputs, inAvals, params, outAvals, outputs);
}

/** Implements every first-order primitive; its buffers are plain typed arrays. */
export const jsBackend: Backend = {
  name: "js",
  complete: true,
  supports: () => true,
  run: runJs,
  allocate: (aval) => allocate(aval.dtype, aval.size),
  upload: (data) => data,
  download: (buffer) => buffer,
};

export type { FirstOrderPrim, Kernel, KernelTable } from "./types.js";
