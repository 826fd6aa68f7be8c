// jax.numpy for TypeScript: broadcasting, promotion and numpy's names, all written in
// terms of lax primitives (so every transformation handles them).
import { installArrayMethods, type Operand } from "../array.js";
import { checkDType, type DType } from "../dtype.js";
import * as lax from "../lax/index.js";
import { array, type ArrayData, asArray } from "../creation.js";
import { checkOptions } from "../options.js";
import * as ew from "./elementwise.js";
import { matmul } from "./linalg.js";
import * as red from "./reductions.js";
import * as bits from "./bits.js";
import { reshape, transpose } from "./shape.js";

export * from "./creation.js";
export * from "./elementwise.js";
export * from "./indexing.js";
export * from "./linalg.js";
export {
  all,
  amax,
  amin,
  any,
  argmax,
  argmin,
  cumsum,
  logsumexp,
  max,
  mean,
  min,
  prod,
  std,
  sum,
  variance,
  variance as var,
} from "./reductions.js";
export * from "./shape.js";
export * from "./manipulation.js";
export * from "./construction.js";
export * from "./differences.js";
export * from "./statistics.js";
export * from "./polynomial.js";
export * from "./convolution.js";
export * from "./cumulative.js";
export * from "./nan-reductions.js";
export * from "./quantiles.js";
export * from "./searching.js";
export * from "./padding.js";
export { angle, conj, conjugate, imag, iscomplexobj, isrealobj, real } from "./complex.js";
export * as fft from "./fft.js";
export { roots } from "./roots.js";
export { cross, linalg, matrixTranspose, tensordot } from "./linalg-namespace.js";
export { allclose, argpartition, argsort, isclose, lexsort, partition, sort } from "./sorting.js";
export { array } from "../creation.js";
export { resultType } from "./promote.js";
export { type Casting, canCast, type FInfo, finfo, type IInfo, iinfo, promoteTypes } from "./dtypes.js";

/** jnp.asarray(x, { dtype }): an NDArray passes through unchanged, anything else is converted
 * as by `array` (the second argument is an options object, as everywhere in np).
 *
 * @example
 * const x = array([1, 2]);
 * np.asarray(x) === x; // true
 * np.asarray([1, 2], { dtype: "int32" }).dtype; // "int32"
 */
export function asarray(x: ArrayData, opts?: { readonly dtype?: DType }): NDArray {
  return array(x, checkOptions(opts, "asarray", { dtype: "dtype" }));
}

/**
 * `x` converted to `dtype` (floats to integers truncate toward zero); same shape.
 *
 * @example
 * np.astype(array([1.9, -1.9]), "int32"); // [1, -1]
 */
export function astype(x: Operand, dtype: DType): NDArray {
  return lax.convertElementType(asArray(x, "astype"), checkDType(dtype, "astype"));
}

installArrayMethods({
  add: ew.add,
  subtract: ew.subtract,
  multiply: ew.multiply,
  divide: ew.divide,
  power: ew.power,
  negative: ew.negative,
  exp: ew.exp,
  log: ew.log,
  sin: ew.sin,
  cos: ew.cos,
  tanh: ew.tanh,
  sqrt: ew.sqrt,
  abs: ew.abs,
  square: ew.square,
  matmul,
  sum: red.sum,
  mean: red.mean,
  max: red.max,
  min: red.min,
  argmax: red.argmax,
  reshape,
  transpose,
  astype,
  view: bits.view,
  greater: ew.greater,
  greaterEqual: ew.greaterEqual,
  less: ew.less,
  lessEqual: ew.lessEqual,
  equal: ew.equal,
  notEqual: ew.notEqual,
});

import type { NDArray } from "../array.js";
export { bincount, histogram, interp, isin, trapezoid } from "./counting.js";
export { cholesky, det, inv, lu, slogdet, solve, triangularSolve } from "./factorisations.js";
export * from "./functional.js";
export * from "./unique.js";
export * from "./bitwise.js";
export { copysign, nextafter, signbit, view } from "./bits.js";
