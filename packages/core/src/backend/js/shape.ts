// Reference kernels of data-movement primitives. Reshape and squeeze are copies here so that
// `run` is total; eager evaluation shares the input's buffer instead (arrays are immutable:
// see isPureReview in backend.ts).
import type { ShapePrim } from "../../primitives/shape.js";
import { sizeOf, stridesOf } from "../../shape.js";
import { copyStrided } from "./strided.js";
import type { KernelTable } from "./types.js";

export const shapeKernels: KernelTable<ShapePrim> = {
  broadcast_in_dim: ([x], [inAval], { shape, broadcast_dimensions: dims }, _o, [out]) => {
    const inStrides = stridesOf(inAval!.shape);
    const strides = new Array<number>(shape.length).fill(0);
    dims.forEach((d, i) => {
      strides[d] = inAval!.shape[i] === 1 ? 0 : inStrides[i]!;
    });
    copyStrided(x!, 0, strides, shape, out!);
  },
  reshape: ([x], _i, _p, _o, [out]) => out!.set(x!),
  squeeze: ([x], _i, _p, _o, [out]) => out!.set(x!),
  transpose: ([x], [inAval], { permutation }, [outAval], [out]) => {
    const inStrides = stridesOf(inAval!.shape);
    copyStrided(x!, 0, permutation.map((p) => inStrides[p]!), outAval!.shape, out!);
  },
  rev: ([x], [inAval], { dimensions }, _o, [out]) => {
    const shape = inAval!.shape;
    const strides = stridesOf(shape);
    let offset = 0;
    const s = strides.map((st, i) => {
      if (!dimensions.includes(i)) return st;
      offset += (shape[i]! - 1) * st;
      return -st;
    });
    copyStrided(x!, offset, s, shape, out!);
  },
  slice: ([x], [inAval], { start_indices, strides }, [outAval], [out]) => {
    const inStrides = stridesOf(inAval!.shape);
    const offset = start_indices.reduce((acc, s, i) => acc + s * inStrides[i]!, 0);
    const s = inStrides.map((st, i) => st * (strides?.[i] ?? 1));
    copyStrided(x!, offset, s, outAval!.shape, out!);
  },
  concatenate: (inputs, inAvals, { dimension }, [outAval], [res]) => {
    const outer = sizeOf(outAval!.shape.slice(0, dimension));
    const outRow = sizeOf(outAval!.shape.slice(dimension));
    let colOffset = 0;
    inputs.forEach((src, k) => {
      const row = sizeOf(inAvals[k]!.shape.slice(dimension));
      for (let o = 0; o < outer; o++) res!.set(src.subarray(o * row, (o + 1) * row), o * outRow + colOffset);
      colOffset += row;
    });
  },
  pad: ([x, v], [inAval], { padding_config }, [out], [buf]) => {
    const res = buf!.fill(v![0]!);
    const inShape = inAval!.shape;
    const outStrides = stridesOf(out!.shape);
    const n = inShape.length;
    const src = x!;
    const idx = new Array<number>(n).fill(0);
    for (let i = 0; i < src.length; i++) {
      let pos = 0;
      let inside = true;
      for (let d = 0; d < n; d++) {
        const [lo, , interior] = padding_config[d]!;
        const o = lo + idx[d]! * (interior + 1);
        if (o < 0 || o >= out!.shape[d]!) inside = false;
        pos += o * outStrides[d]!;
      }
      if (inside) res[pos] = src[i]!;
      for (let d = n - 1; d >= 0; d--) {
        idx[d]!++;
        if (idx[d]! < inShape[d]!) break;
        idx[d] = 0;
      }
    }
  },
};
