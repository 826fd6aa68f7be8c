// numpy's complex-number functions: real, imag, conj/conjugate, angle, iscomplexobj, as
// jax.numpy defines them on real inputs too (real(x) = x, imag(x) = 0, conj(x) = x).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isInexact } from "../dtype.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { toFloat } from "./promote.js";

/**
 * The real part (a real array is returned as it is).
 *
 * @example
 * np.real(array([{ re: 1, im: 2 }])); // [1]
 */
export function real(x: Operand): NDArray {
  const a = asArray(x, "real");
  return isComplex(a.dtype) ? lax.real(a) : a;
}

/**
 * The imaginary part (zeros of a real array's dtype).
 *
 * @example
 * np.imag(array([{ re: 1, im: 2 }])); // [2]
 */
export function imag(x: Operand): NDArray {
  const a = asArray(x, "imag");
  // (+0 everywhere: a·0 would give −0 for negative a, and angle(−2) would be −π)
  return isComplex(a.dtype) ? lax.imag(a) : lax.broadcastInDim(lax.convertElementType(0, a.dtype, a.weakType), a.shape, []);
}

/**
 * The complex conjugate (a real array is returned as it is, as jnp.conjugate).
 *
 * @example
 * np.conjugate(array([{ re: 1, im: 2 }])); // [{ re: 1, im: -2 }]
 */
export function conjugate(x: Operand): NDArray {
  const a = asArray(x, "conjugate");
  return isComplex(a.dtype) ? lax.conj(a) : a;
}
/**
 * The complex conjugate: np.conjugate's short name.
 *
 * @example
 * np.conj(array([{ re: 0, im: 1 }])); // [{ re: 0, im: -1 }]
 */
export const conj = conjugate;

/**
 * angle(z, { deg }): the argument atan2(imag z, real z), in radians or degrees (real inputs: 0 or π).
 *
 * @example
 * np.angle(array([{ re: 0, im: 1 }]), { deg: true }); // [90]
 */
export function angle(z: Operand, opts: { readonly deg?: boolean } = {}): NDArray {
  checkOptions(opts, "angle", { deg: "boolean" });
  const a = asArray(z, "angle");
  const x = isInexact(a.dtype) ? a : toFloat(a, "angle");
  const re = real(x);
  const out = lax.atan2(imag(x), re);
  return opts.deg === true ? lax.mul(out, 180 / Math.PI) : out;
}

/**
 * Whether x has a complex dtype (by dtype, not by value, as numpy).
 *
 * @example
 * np.iscomplexobj(array([{ re: 1, im: 0 }])); // true
 */
export function iscomplexobj(x: Operand): boolean {
  return isComplex(asArray(x, "iscomplexobj").dtype);
}

/**
 * Whether x has a real dtype.
 *
 * @example
 * np.isrealobj(array([1, 2])); // true
 */
export function isrealobj(x: Operand): boolean {
  return !iscomplexobj(x);
}
