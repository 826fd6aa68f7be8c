// Symbolic zeros: a tangent or cotangent known to be zero is a `Zero` (just an aval)
// until something must add it to a real array.
import { lax, type NDArray, type ShapedArray, sameShape } from "@jaxts/core";

export class Zero {
  constructor(readonly aval: ShapedArray) {}
}

/** A tangent or cotangent: an array, or a symbolic zero. */
export type Tangent = NDArray | Zero;

export const isZero = (t: Tangent): t is Zero => t instanceof Zero;

export function zerosOf(aval: ShapedArray): NDArray {
  return lax.broadcastInDim(lax.convertElementType(0, aval.dtype), aval.shape, []);
}

export function instantiate(t: Tangent): NDArray {
  return t instanceof Zero ? zerosOf(t.aval) : t;
}

/** Broadcast a rank-0 tangent up to `shape` (the binary primitives allow scalar operands). */
export function broadcastTangent(t: NDArray, shape: readonly number[]): NDArray {
  return sameShape(t.shape, shape) ? t : lax.broadcastInDim(t, shape, []);
}

export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a instanceof Zero) return b;
  if (b instanceof Zero) return a;
  return lax.add(a, b);
}

/** The aval of a tangent for a primal of aval `a` (same shape and dtype, not weak). */
export const tangentAval = (a: ShapedArray): ShapedArray => a;
