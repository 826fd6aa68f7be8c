// numpy's bitwise functions on integers and booleans (floats have no bits to combine: a
// DTypeError, as in JAX). Two's complement on int32, so bitwiseNot(x) = −x − 1.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isInexact } from "../dtype.js";
import { DTypeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { promoteArgs } from "./promote.js";

function integral(name: string, xs: readonly Operand[]): NDArray[] {
  const arrays = promoteArgs(name, xs);
  const t = arrays[0]!.dtype;
  if (isInexact(t)) throw new DTypeError(`${name}: expected integer or boolean arrays, got ${t} (bitwise operations are not defined on floats or complex numbers)`);
  return arrays;
}

const bitwiseBinary =
  (name: string, op: (a: NDArray, b: NDArray) => NDArray) =>
  (x: Operand, y: Operand): NDArray => {
    const [a, b] = integral(name, [x, y]);
    return op(a!, b!);
  };

/**
 * bitwiseAnd(x, y): x & y elementwise (logical and on booleans).
 *
 * @example
 * np.bitwiseAnd(array([12], { dtype: "int32" }), array([10], { dtype: "int32" })); // [8]
 */
export const bitwiseAnd = bitwiseBinary("bitwiseAnd", lax.bitwiseAnd);
/**
 * bitwiseOr(x, y): x | y elementwise (logical or on booleans).
 *
 * @example
 * np.bitwiseOr(array([12], { dtype: "int32" }), array([10], { dtype: "int32" })); // [14]
 */
export const bitwiseOr = bitwiseBinary("bitwiseOr", lax.bitwiseOr);
/**
 * bitwiseXor(x, y): x ^ y elementwise (logical xor on booleans).
 *
 * @example
 * np.bitwiseXor(array([true, true]), array([true, false])); // [false, true]
 */
export const bitwiseXor = bitwiseBinary("bitwiseXor", lax.bitwiseXor);

/**
 * bitwiseNot(x) (also invert, bitwiseInvert): ~x elementwise (logical not on booleans).
 *
 * @example
 * np.bitwiseNot(array([0, 5], { dtype: "int32" })); // [-1, -6]
 */
export function bitwiseNot(x: Operand): NDArray {
  const a = asArray(x, "bitwiseNot");
  if (isInexact(a.dtype)) throw new DTypeError(`bitwiseNot: expected an integer or boolean array, got ${a.dtype} (bitwise operations are not defined on floats or complex numbers)`);
  return lax.not(a);
}
/**
 * The same function as `bitwiseNot`: `~x` (logical not on booleans).
 *
 * @example
 * np.invert(array([true, false])); // [false, true]
 */
export const invert = bitwiseNot;
/**
 * The same function as `bitwiseNot`: `~x` (logical not on booleans).
 *
 * @example
 * np.bitwiseInvert(array([1], { dtype: "int32" })); // [-2]
 */
export const bitwiseInvert = bitwiseNot;

/**
 * leftShift(x, n) (also bitwiseLeftShift): x << n on integers, 0 once n reaches the width (XLA's rule).
 *
 * @example
 * np.leftShift(array([1, 3], { dtype: "int32" }), 2); // [4, 12]
 */
export const leftShift = bitwiseBinary("leftShift", (a, n) => {
  if (a.dtype === "bool") throw new DTypeError("leftShift: expected integer arrays, got bool");
  return lax.shiftLeft(a, n);
});
/**
 * The same function as `leftShift`: `x << n` on integers.
 *
 * @example
 * np.bitwiseLeftShift(array([1], { dtype: "int32" }), 4); // [16]
 */
export const bitwiseLeftShift = leftShift;

/**
 * rightShift(x, n) (also bitwiseRightShift): x >> n — arithmetic (sign-filling) on signed
 * integers, logical on unsigned ones, as numpy and JAX; a count at or past the width gives 0,
 * or −1 for a negative signed x. The arithmetic shift is ~((~x) >>> n) where x < 0.
 *
 * @example
 * np.rightShift(array([-8, 8], { dtype: "int32" }), 1); // [-4, 4]
 */
export const rightShift = bitwiseBinary("rightShift", (a, n) => {
  if (a.dtype === "bool") throw new DTypeError("rightShift: expected integer arrays, got bool");
  if (a.dtype.startsWith("uint")) return lax.shiftRightLogical(a, n);
  return lax.select(lax.lt(a, lax.convertElementType(0, a.dtype)), lax.not(lax.shiftRightLogical(lax.not(a), n)), lax.shiftRightLogical(a, n));
});
/**
 * The same function as `rightShift`: `x >> n` (arithmetic on signed integers).
 *
 * @example
 * np.bitwiseRightShift(array([16], { dtype: "int32" }), 4); // [1]
 */
export const bitwiseRightShift = rightShift;

const BITS: Partial<Record<string, number>> = { int8: 8, uint8: 8, int16: 16 };

/**
 * bitwiseCount(x): the number of 1 bits of |x| (numpy's rule, so −x counts as x), as uint8.
 *
 * @example
 * np.bitwiseCount(array([7, -7, 0], { dtype: "int32" })); // [3, 3, 0]
 */
export function bitwiseCount(x: Operand): NDArray {
  const a = asArray(x, "bitwiseCount");
  if (isInexact(a.dtype)) throw new DTypeError(`bitwiseCount: expected an integer or boolean array, got ${a.dtype}`);
  if (a.dtype === "bool") return lax.convertElementType(a, "uint8");
  const signed = !a.dtype.startsWith("uint");
  // |x| in its own width (|min| wraps to min, whose one bit is right), zero-extended to 32 bits
  let v = lax.convertElementType(signed ? lax.abs(a) : a, "int32");
  const bits = BITS[a.dtype];
  if (bits !== undefined) v = lax.bitwiseAnd(v, 2 ** bits - 1);
  let u = lax.convertElementType(v, "uint32");
  const k = (c: number): NDArray => lax.convertElementType(c, "uint32");
  // the SWAR population count: pairs, nibbles, bytes, then the bytes summed by a multiply
  u = lax.sub(u, lax.bitwiseAnd(lax.shiftRightLogical(u, k(1)), k(0x55555555)));
  u = lax.add(lax.bitwiseAnd(u, k(0x33333333)), lax.bitwiseAnd(lax.shiftRightLogical(u, k(2)), k(0x33333333)));
  u = lax.bitwiseAnd(lax.add(u, lax.shiftRightLogical(u, k(4))), k(0x0f0f0f0f));
  u = lax.shiftRightLogical(lax.mul(u, k(0x01010101)), k(24));
  return lax.convertElementType(u, "uint8");
}
