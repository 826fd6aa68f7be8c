// numpy's bitwise functions on integers and booleans (floats have no bits to combine: a
// DTypeError, as in JAX). Two's complement on int32, so bitwiseNot(x) = −x − 1.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isFloat } from "../dtype.js";
import { DTypeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { promoteArgs } from "./promote.js";

function integral(name: string, xs: readonly Operand[]): NDArray[] {
  const arrays = promoteArgs(name, xs);
  const t = arrays[0]!.dtype;
  if (isFloat(t)) throw new DTypeError(`${name}: expected integer or boolean arrays, got ${t} (bitwise operations are not defined on floats)`);
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
  if (isFloat(a.dtype)) throw new DTypeError(`bitwiseNot: expected an integer or boolean array, got ${a.dtype} (bitwise operations are not defined on floats)`);
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
