// Index helper for the reference kernels: strided copies (transpose, broadcast, slice, rev).
import type { TypedArray } from "../../dtype.js";
import { sizeOf } from "../../shape.js";

/** out[i] = src[offset + Σ idx_d · strides_d] over the multi-index of `shape`, row-major. */
export function copyStrided(
  src: TypedArray,
  offset: number,
  strides: readonly number[],
  shape: readonly number[],
  out: TypedArray,
): TypedArray {
  const n = shape.length;
  const total = sizeOf(shape);
  if (total === 0) return out;
  if (n === 0) {
    out[0] = src[offset]!;
    return out;
  }
  const idx = new Array<number>(n).fill(0);
  const inner = shape[n - 1]!;
  const innerStride = strides[n - 1]!;
  let base = offset;
  for (let o = 0; o < total; o += inner) {
    for (let j = 0, s = base; j < inner; j++, s += innerStride) out[o + j] = src[s]!;
    // advance the outer multi-index
    for (let d = n - 2; d >= 0; d--) {
      idx[d]!++;
      base += strides[d]!;
      if (idx[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
  return out;
}
