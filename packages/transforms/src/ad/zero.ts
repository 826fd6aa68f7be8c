// Symbolic zeros: a tangent or cotangent known to be zero is a `Zero` (just an aval)
// until something must add it to a real array.
import { checkNotLeaked, ConcreteArray, lax, type NDArray, type ShapedArray, sameShape } from "@jaxts/core";

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

/** Is `x` a concrete rank-0 one (such as grad's seed cotangent)? */
function isConcreteOne(x: NDArray): boolean {
  return x instanceof ConcreteArray && x.ndim === 0 && x.item() === 1;
}

/**
 * a·b for the products that derivative rules form with tangents and cotangents. grad seeds
 * its backward pass with a cotangent of exactly 1, and every product with it (or with its
 * JVP under an outer grad) would be a primitive applied eagerly at every level of nesting;
 * x·1 = x exactly in IEEE arithmetic, so when one factor is a concrete scalar 1 and the
 * product's type would be the other factor's (same dtype, and not made strong by the 1),
 * the other factor is the product. Anything else, dtype mismatches included, is lax.mul;
 * the factor returned is checked for leaks as the skipped `mul` would have checked it (a
 * residual of an escaped vjp function may be a tracer of a finished transformation).
 */
export function mulDerivative(a: NDArray, b: NDArray): NDArray {
  if (a.dtype === b.dtype) {
    if ((a.weakType || !b.weakType) && isConcreteOne(a)) {
      checkNotLeaked(b, "mul");
      return b;
    }
    if ((b.weakType || !a.weakType) && isConcreteOne(b)) {
      checkNotLeaked(a, "mul");
      return a;
    }
  }
  return lax.mul(a, b);
}

export function addTangents(a: Tangent, b: Tangent): Tangent {
  if (a instanceof Zero) return b;
  if (b instanceof Zero) return a;
  return lax.add(a, b);
}

/** The aval of a tangent for a primal of aval `a` (same shape and dtype, not weak). */
export const tangentAval = (a: ShapedArray): ShapedArray => a;
