// Reference kernels of the one-axis gather and scatter_add. Gather clamps indices into
// range; scatter_add drops out-of-range updates (what XLA does for JAX's
// "promise_in_bounds"). JAX's user-facing modes (fill for reads, drop or clip for writes)
// are built on top of these in numpy/indexing.ts.
import type { IndexingPrim } from "../../primitives/indexing.js";
import { sizeOf } from "../../shape.js";
import type { KernelTable } from "./types.js";

export const indexingKernels: KernelTable<IndexingPrim> = {
  gather: ([x, idx], [xAval], { axis }, _o, [out]) => {
    const shape = xAval!.shape;
    const n = shape[axis]!;
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const indices = idx!;
    const res = out!;
    const src = x!;
    let pos = 0;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < indices.length; j++) {
        const k = Math.min(Math.max(indices[j]!, 0), n - 1);
        const start = (o * n + k) * inner;
        for (let t = 0; t < inner; t++) res[pos++] = src[start + t]!;
      }
    }
  },
  scatter_add: ([x, idx, upd], [xAval], { axis }, _o, [out]) => {
    const shape = xAval!.shape;
    const n = shape[axis]!;
    const outer = sizeOf(shape.slice(0, axis));
    const inner = sizeOf(shape.slice(axis + 1));
    const indices = idx!;
    const res = out!;
    res.set(x!);
    const u = upd!;
    let pos = 0;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < indices.length; j++) {
        const k = indices[j]!;
        if (k < 0 || k >= n) {
          pos += inner;
          continue;
        }
        const start = (o * n + k) * inner;
        for (let t = 0; t < inner; t++) res[start + t] = res[start + t]! + u[pos++]!;
      }
    }
  },
};
