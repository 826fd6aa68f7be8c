// The `js` reference backend: one plain typed-array kernel per first-order primitive.
// Every faster backend is tested against these, primitive by primitive.
import { elementwiseKernels } from "./elementwise.js";
import { indexingKernels } from "./indexing.js";
import { linalgKernels } from "./linalg.js";
import { miscKernels } from "./misc.js";
import { reduceKernels } from "./reduce.js";
import { shapeKernels } from "./shape.js";
import type { FirstOrderPrim, KernelTable } from "./types.js";

export const jsKernels: KernelTable<FirstOrderPrim> = {
  ...elementwiseKernels,
  ...reduceKernels,
  ...shapeKernels,
  ...indexingKernels,
  ...linalgKernels,
  ...miscKernels,
};

export type { FirstOrderPrim, Kernel, KernelTable } from "./types.js";
