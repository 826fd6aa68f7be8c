// `@jaxts/core/fp`: jaxts for fp-ts code. Data-last numpy functions for pipe and flow, pytrees
// as a Traversable (and Semigroups over them), Either at the boundaries.
export { type DataLast, dataLast, FP_NUMPY_NAMES, fpNumpy } from "./data-last.js";
export { narrow, tryCatch, tryCatchK, validateOptions } from "./either.js";
export * as tree from "./tree.js";
export type { Tree } from "./tree.js";
import { fpNumpy } from "./data-last.js";

// Every data-last numpy function by name: import { add, sum } from "@jaxts/core/fp".
export const {
  add, subtract, multiply, divide, power, maximum, minimum, remainder, floorDivide, arctan2,
  greater, greaterEqual, less, lessEqual, equal, notEqual, logicalAnd, logicalOr, bitwiseAnd,
  bitwiseOr, bitwiseXor, isclose, allclose, matmul, dot, clip, round, sum, mean, max, min, prod,
  all, any, argmax, argmin, std, variance, logsumexp, cumsum, cumprod, median, quantile,
  percentile, nansum, nanmean, nanmax, nanmin, reshape, transpose, squeeze, expandDims,
  broadcastTo, swapaxes, moveaxis, flip, roll, take, takeAlongAxis, pad, repeat, tile, sort,
  argsort, diff, astype, negative, abs, sign, square, sqrt, exp, expm1, log, log1p, log2, log10,
  sin, cos, tan, tanh, sinh, cosh, arcsin, arccos, arctan, floor, ceil, reciprocal, logicalNot,
  isnan, isfinite, isinf, ravel,
} = fpNumpy;
