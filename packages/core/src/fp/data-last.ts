// Data-last, curried forms of the numpy namespace for fp-ts's `pipe` and `flow`:
// `pipe(x, multiply(2), add(1), sum({ axis: 0 }))`. Each is generated from the np function of
// the same name by `dataLast`, so signatures (options included) follow np's exactly; a
// function of the data alone (exp, tanh, ...) is already pipeable and is re-exported as is.
import * as np from "../numpy/index.js";

/** `f(x, ...rest)` as `(...rest) => (x) => f(x, ...rest)`. */
export type DataLast<F> = F extends (x: infer X, ...rest: infer R) => infer O ? (...rest: R) => (x: X) => O : never;

/**
 * Moves the data argument of `f` last: `dataLast(np.add)(1)(x)` is `np.add(x, 1)`.
 *
 * @example
 * import { array, np } from "@jaxts/core";
 * import { dataLast } from "@jaxts/core/fp";
 * import { pipe } from "fp-ts/function";
 *
 * pipe(array([1, 2]), dataLast(np.add)(1), dataLast(np.multiply)(10)); // [20, 30]
 */
export function dataLast<X, R extends readonly unknown[], O>(f: (x: X, ...rest: R) => O): (...rest: R) => (x: X) => O {
  return (...rest) =>
    (x) =>
      f(x, ...rest);
}

/** np functions whose first argument is the array being worked on and that take more. */
const CURRIED = [
  // elementwise binary: pipe(x, add(y)) is add(x, y)
  "add",
  "subtract",
  "multiply",
  "divide",
  "power",
  "maximum",
  "minimum",
  "remainder",
  "floorDivide",
  "arctan2",
  "greater",
  "greaterEqual",
  "less",
  "lessEqual",
  "equal",
  "notEqual",
  "logicalAnd",
  "logicalOr",
  "bitwiseAnd",
  "bitwiseOr",
  "bitwiseXor",
  "isclose",
  "allclose",
  "matmul",
  "dot",
  "clip",
  "round",
  // reductions and scans: pipe(x, sum({ axis: 0 }))
  "sum",
  "mean",
  "max",
  "min",
  "prod",
  "all",
  "any",
  "argmax",
  "argmin",
  "std",
  "variance",
  "logsumexp",
  "cumsum",
  "cumprod",
  "median",
  "quantile",
  "percentile",
  "nansum",
  "nanmean",
  "nanmax",
  "nanmin",
  // shapes and arrangement: pipe(x, reshape([2, -1]), transpose())
  "reshape",
  "transpose",
  "squeeze",
  "expandDims",
  "broadcastTo",
  "swapaxes",
  "moveaxis",
  "flip",
  "roll",
  "take",
  "takeAlongAxis",
  "pad",
  "repeat",
  "tile",
  "sort",
  "argsort",
  "diff",
  "astype",
] as const satisfies readonly (keyof typeof np)[];

/** np functions of the array alone: pipeable as they are. */
const UNARY = [
  "negative",
  "abs",
  "sign",
  "square",
  "sqrt",
  "exp",
  "expm1",
  "log",
  "log1p",
  "log2",
  "log10",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sinh",
  "cosh",
  "arcsin",
  "arccos",
  "arctan",
  "floor",
  "ceil",
  "reciprocal",
  "logicalNot",
  "isnan",
  "isfinite",
  "isinf",
  "ravel",
] as const satisfies readonly (keyof typeof np)[];

type Curried = { readonly [K in (typeof CURRIED)[number]]: DataLast<(typeof np)[K]> };
type Unary = { readonly [K in (typeof UNARY)[number]]: (typeof np)[K] };

/** The data-last numpy namespace: every function of CURRIED moved data-last, UNARY as is. */
// The namespace is read by name on purpose: this table is generated from it (and everything it
// names is kept by the named exports of ./index.ts anyway).
const npByName = np as Readonly<Record<string, unknown>>;
export const fpNumpy: Curried & Unary = Object.freeze(
  Object.fromEntries([
    ...CURRIED.map((name) => [name, dataLast(npByName[name] as (x: unknown, ...rest: readonly unknown[]) => unknown)]),
    ...UNARY.map((name) => [name, npByName[name]]),
  ]),
) as Curried & Unary;

/** The names fpNumpy holds, for tests and docs. */
export const FP_NUMPY_NAMES: readonly string[] = [...CURRIED, ...UNARY];
