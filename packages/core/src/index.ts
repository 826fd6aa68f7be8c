// @jaxts/core: immutable arrays, dtypes, primitives, the trace machinery, the jaxpr IR,
// and the numpy / lax / nn / random / tree namespaces.
import "./trace/eval-trace.js";
import * as lax from "./lax/public.js";
import * as nn from "./nn/index.js";
import * as np from "./numpy/index.js";
import * as random from "./random/index.js";
import * as tree from "./tree/index.js";

export { lax, nn, np, random, tree };
export { NDArray, ConcreteArray, type Operand, type NestedArray, type ReduceOptions } from "./array.js";
export { ShapedArray } from "./aval.js";
export { config, type BackendName, type Config } from "./config.js";
export { ready } from "./backend/wasm-backend/ready.js";
export { array, asArray, scalar } from "./creation.js";
export type { DType, TypedArray } from "./dtype.js";
export { isFloat, isInteger, isUnsigned, isHalf, itemSize, promoteTypes } from "./dtype.js";
export * from "./errors.js";
export { FloatingPointError } from "./trace/eval-trace.js";
export { arange, eye, full, linspace, ones, onesLike, zeros, zerosLike } from "./numpy/creation.js";
export { makeJaxpr, evalJaxpr, flattenArgs, leafToArray } from "./ir/make-jaxpr.js";
export { ClosedJaxpr, Eqn, Jaxpr, Literal, Var, type Atom, printJaxpr } from "./ir/jaxpr.js";
export { evalJaxprFlat, bindEqn, literalArray } from "./ir/eval.js";
export * from "./internals.js";
