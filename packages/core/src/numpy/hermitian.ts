// The few operations that make a real matrix algorithm complex-ready: the conjugate transpose,
// |x|², and the inexact (float or complex) operand the factorisations accept. Each is the
// identity's real counterpart on real dtypes, so a real input computes exactly as before.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isInexact } from "../dtype.js";
import * as lax from "../lax/index.js";

/** x, or its complex conjugate (a real x is returned as it is). */
export const conjIf = (x: NDArray): NDArray => (isComplex(x.dtype) ? lax.conj(x) : x);

/** The transpose of the last two axes. */
export const mT = (x: NDArray): NDArray => lax.transpose(x, [...x.shape.map((_, i) => i).slice(0, -2), x.ndim - 1, x.ndim - 2]);

/** The conjugate transpose of the last two axes (the transpose for real x). */
export const mH = (x: NDArray): NDArray => conjIf(mT(x));

/** |x|², real: x·x for real x, re² + im² for complex x. */
export const abs2 = (x: NDArray): NDArray => (isComplex(x.dtype) ? lax.add(lax.square(lax.real(x)), lax.square(lax.imag(x))) : lax.mul(x, x));

/** x's real part as x's dtype (x itself when real). */
export const realAsSelf = (x: NDArray): NDArray => (isComplex(x.dtype) ? lax.convertElementType(lax.real(x), x.dtype) : x);

/** A float or complex array for the factorisations: integers and bools become float32 (their
 * rule so far), float and complex arrays are kept. */
export function inexactOf(x: Operand, where: string): NDArray {
  const a = asArray(x, where);
  return isInexact(a.dtype) ? a : lax.convertElementType(a, "float32");
}
