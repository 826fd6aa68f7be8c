// jax.lax for TypeScript: one thin wrapper per primitive (operands checked, JS numbers
// turned into weak scalars of the other operand's dtype), and nothing else.
import type { NDArray, Operand } from "../array.js";
import { asArray, scalar } from "../creation.js";
import { defaultFloat } from "../config.js";
import { type DType, checkArrayShape, checkDType, isInteger, jsNumberDType } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { checkOptions } from "../options.js";
import { checkIntList, describeValue, normalizeAxes, normalizeAxis } from "../shape.js";
import { type Axes, noParams, type PrimitiveName } from "../primitives/params.js";
import { bind, bind1 } from "../trace/core.js";

type UnaryPrim =
  | "neg" | "sign" | "floor" | "ceil" | "round" | "is_finite" | "not" | "exp" | "log" | "expm1" | "log1p"
  | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh" | "logistic" | "sqrt"
  | "rsqrt" | "abs" | "erf" | "erf_inv" | "square" | "stop_gradient";
type BinaryPrim =
  | "add" | "sub" | "mul" | "div" | "rem" | "pow" | "max" | "min" | "atan2" | "and" | "or" | "xor"
  | "shift_right_logical" | "shift_left" | "eq" | "ne" | "lt" | "le" | "gt" | "ge";

const unary = (p: UnaryPrim) => (x: Operand): NDArray => bind1(p, [asArray(x, p)], noParams);

/** Both operands as arrays; a JS number takes the other operand's dtype (weakly). */
export function binaryOperands(where: string, x: Operand, y: Operand): [NDArray, NDArray] {
  if (typeof x === "number" && typeof y !== "number") return [scalar(x, asArray(y, where).dtype, true), asArray(y, where)];
  if (typeof y === "number" && typeof x !== "number") return [asArray(x, where), scalar(y, asArray(x, where).dtype, true)];
  if (typeof x === "number" && typeof y === "number" && jsNumberDType(x, defaultFloat()) !== jsNumberDType(y, defaultFloat())) {
    // two JS numbers, one fractional: both weak floats (an int32 and a float never mix in lax)
    return [scalar(x, defaultFloat(), true), scalar(y, defaultFloat(), true)];
  }
  return [asArray(x, where), asArray(y, where)];
}

const binary =
  (p: BinaryPrim) =>
  (x: Operand, y: Operand): NDArray =>
    bind1(p, binaryOperands(p, x, y), noParams);

export const neg = unary("neg");
export const sign = unary("sign");
export const floor = unary("floor");
export const ceil = unary("ceil");
export const round = unary("round");
export const isFinite = unary("is_finite");
export const not = unary("not");
export const exp = unary("exp");
export const log = unary("log");
export const expm1 = unary("expm1");
export const log1p = unary("log1p");
export const sin = unary("sin");
export const cos = unary("cos");
export const tan = unary("tan");
export const asin = unary("asin");
export const acos = unary("acos");
export const atan = unary("atan");
export const sinh = unary("sinh");
export const cosh = unary("cosh");
export const tanh = unary("tanh");
export const logistic = unary("logistic");
export const sqrt = unary("sqrt");
export const rsqrt = unary("rsqrt");
export const abs = unary("abs");
export const erf = unary("erf");
export const erfInv = unary("erf_inv");
export const square = unary("square");
/** The identity whose derivative is zero. */
export const stopGradient = unary("stop_gradient");

export function integerPow(x: Operand, y: number): NDArray {
  if (!Number.isInteger(y)) throw new ArgumentError(`integer_pow: the exponent must be an integer, got ${describeValue(y)}`);
  const a = asArray(x, "integer_pow");
  // As JAX's dtype rule: checked when staged, so a traced base errors too.
  if (y < 0 && isInteger(a.dtype)) throw new DTypeError(`integer_pow: integers cannot be raised to negative powers, got integer_pow(${a.aval.str()}, ${y})`);
  return bind1("integer_pow", [a], { y });
}

export const add = binary("add");
export const sub = binary("sub");
export const mul = binary("mul");
export const div = binary("div");
export const rem = binary("rem");
export const pow = binary("pow");
export const max = binary("max");
export const min = binary("min");
export const atan2 = binary("atan2");
export const bitwiseAnd = binary("and");
export const bitwiseOr = binary("or");
export const bitwiseXor = binary("xor");
export const shiftRightLogical = binary("shift_right_logical");
export const shiftLeft = binary("shift_left");
export const eq = binary("eq");
export const ne = binary("ne");
export const lt = binary("lt");
export const le = binary("le");
export const gt = binary("gt");
export const ge = binary("ge");

/** `select(pred, onTrue, onFalse)`: elementwise choice (the primitive is select_n(pred, onFalse, onTrue)). */
export function select(pred: NDArray, onTrue: Operand, onFalse: Operand): NDArray {
  const [f, t] = binaryOperands("select", onFalse, onTrue);
  return bind1("select_n", [asArray(pred, "select"), f, t], noParams);
}

export function convertElementType(x: Operand, dtype: DType, weakType = false): NDArray {
  const d = checkDType(dtype, "convert_element_type");
  // A JS number converts from its exact value (held as float64), as JAX converts a Python
  // scalar: through the default float32 it would be rounded twice, or to Infinity, silently.
  const a = typeof x === "number" ? scalar(x, "float64", true) : asArray(x, "convert_element_type");
  if (a.dtype === d && a.weakType === weakType) return a;
  return bind1("convert_element_type", [a], { new_dtype: d, weak_type: weakType });
}

type ReducePrim = "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod" | "reduce_and" | "reduce_or";
const reducer =
  (p: ReducePrim) =>
  (x: Operand, axes?: number | Axes): NDArray => {
    const a = asArray(x, p);
    return bind1(p, [a], { axes: normalizeAxes(axes, a.ndim, p) });
  };
export const reduceSum = reducer("reduce_sum");
export const reduceMax = reducer("reduce_max");
export const reduceMin = reducer("reduce_min");
export const reduceProd = reducer("reduce_prod");
export const reduceAnd = reducer("reduce_and");
export const reduceOr = reducer("reduce_or");

export function argmax(x: Operand, axis: number, indexDtype: DType = "int32"): NDArray {
  const a = asArray(x, "argmax");
  return bind1("argmax", [a], { axes: [normalizeAxis(axis, a.ndim, "argmax")], index_dtype: checkDType(indexDtype, "argmax") });
}
export function argmin(x: Operand, axis: number, indexDtype: DType = "int32"): NDArray {
  const a = asArray(x, "argmin");
  return bind1("argmin", [a], { axes: [normalizeAxis(axis, a.ndim, "argmin")], index_dtype: checkDType(indexDtype, "argmin") });
}
export function cumsum(x: Operand, axis = 0, reverse = false): NDArray {
  const a = asArray(x, "cumsum");
  return bind1("cumsum", [a], { axis: normalizeAxis(axis, a.ndim, "cumsum"), reverse });
}

export function broadcastInDim(x: Operand, shape: readonly number[], broadcastDimensions: Axes): NDArray {
  const where = "broadcast_in_dim";
  const a = asArray(x, where);
  return bind1(where, [a], {
    shape: checkArrayShape(shape, a.dtype, where),
    broadcast_dimensions: checkIntList(broadcastDimensions, where, "broadcast_dimensions"),
  });
}
export function reshape(x: Operand, newSizes: readonly number[]): NDArray {
  return bind1("reshape", [asArray(x, "reshape")], { new_sizes: checkIntList(newSizes, "reshape", "new_sizes") });
}
export function transpose(x: Operand, permutation: Axes): NDArray {
  return bind1("transpose", [asArray(x, "transpose")], { permutation: checkIntList(permutation, "transpose", "permutation") });
}
export function squeeze(x: Operand, dimensions: Axes): NDArray {
  return bind1("squeeze", [asArray(x, "squeeze")], { dimensions: checkIntList(dimensions, "squeeze", "dimensions") });
}
export function rev(x: Operand, dimensions: Axes): NDArray {
  return bind1("rev", [asArray(x, "rev")], { dimensions: checkIntList(dimensions, "rev", "dimensions") });
}
export function concatenate(xs: readonly Operand[], dimension: number): NDArray {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("concatenate: expected a non-empty list of arrays");
  return bind("concatenate", Array.from(xs, (x) => asArray(x, "concatenate")), { dimension })[0]!;
}
export function pad(x: Operand, paddingValue: Operand, paddingConfig: readonly (readonly [number, number, number])[]): NDArray {
  const [a, v] = binaryOperands("pad", x, paddingValue);
  if (!Array.isArray(paddingConfig)) throw new ArgumentError("pad: padding_config must be a list of (low, high, interior) triples");
  const config = paddingConfig.map((c) => {
    const triple = checkIntList(c, "pad", "each padding_config entry");
    if (triple.length !== 3) throw new ArgumentError(`pad: each padding_config entry must be (low, high, interior), got [${triple.join(", ")}]`);
    return [triple[0]!, triple[1]!, triple[2]!] as const;
  });
  return bind1("pad", [a, v], { padding_config: config });
}
export function slice(x: Operand, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): NDArray {
  return bind1("slice", [asArray(x, "slice")], {
    start_indices: checkIntList(startIndices, "slice", "start_indices"),
    limit_indices: checkIntList(limitIndices, "slice", "limit_indices"),
    strides: strides === null ? null : checkIntList(strides, "slice", "strides"),
  });
}
/** One-axis gather: out = x.shape[:axis] + indices.shape + x.shape[axis+1:]; indices clamp. */
export function gather(x: Operand, indices: NDArray, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "gather", { axis: "integer" });
  const a = asArray(x, "gather");
  return bind1("gather", [a, asArray(indices, "gather")], { axis: normalizeAxis(opts.axis ?? 0, a.ndim, "gather") });
}
/** Adds `updates` into `x` at `indices` along `axis` (out-of-range updates are dropped). */
export function scatterAdd(x: Operand, indices: NDArray, updates: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "scatterAdd", { axis: "integer" });
  const [a, u] = binaryOperands("scatter_add", x, updates);
  return bind1("scatter_add", [a, asArray(indices, "scatter_add"), u], { axis: normalizeAxis(opts.axis ?? 0, a.ndim, "scatter_add") });
}
export type DotDimensionNumbers = readonly [readonly [Axes, Axes], readonly [Axes, Axes]];
export function dotGeneral(lhs: Operand, rhs: Operand, dimensionNumbers: DotDimensionNumbers): NDArray {
  const where = "dot_general";
  const bad = () => new ArgumentError(`${where}: dimension_numbers must be ((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`);
  if (!Array.isArray(dimensionNumbers) || dimensionNumbers.length !== 2 || !Array.from(dimensionNumbers).every((p) => Array.isArray(p) && p.length === 2)) throw bad();
  const [[lc, rc], [lb, rb]] = dimensionNumbers;
  const list = (l: Axes) => checkIntList(l, where, "each dimension_numbers entry");
  return bind1(where, binaryOperands(where, lhs, rhs), {
    dimension_numbers: [
      [list(lc), list(rc)],
      [list(lb), list(rb)],
    ],
  });
}
export function iota(dtype: DType, shape: readonly number[], dimension = 0): NDArray {
  const d = checkDType(dtype, "iota");
  return bind1("iota", [], { dtype: d, shape: checkArrayShape(shape, d, "iota"), dimension });
}
/**
 * bitcastConvertType(x, newDtype): x's bytes read as newDtype (JAX's lax.bitcast_convert_type):
 * same width, same shape; to a narrower dtype a trailing axis of the ratio is added
 * (float64[3] → int32[3, 2], low word first: little-endian); to a wider one the last axis,
 * which must be the ratio, is dropped. Not differentiable (a zero derivative); bool refused.
 */
export function bitcastConvertType(x: Operand, newDtype: DType): NDArray {
  return bind1("bitcast_convert_type", [asArray(x, "bitcast_convert_type")], { new_dtype: checkDType(newDtype, "bitcast_convert_type") });
}
/** Sort every operand along `dimension` by the first. */
export function sort(operands: readonly NDArray[], opts: { readonly dimension?: number } = {}): NDArray[] {
  checkOptions(opts, "lax.sort", { dimension: "integer" });
  if (!Array.isArray(operands) || operands.length === 0) throw new ArgumentError("sort: expected a non-empty list of operands");
  const arrays = Array.from(operands, (x) => asArray(x, "sort"));
  const dimension = normalizeAxis(checkOptions(opts, "lax.sort", { dimension: "integer" }).dimension ?? -1, arrays[0]!.ndim, "sort");
  return bind("sort", arrays, { dimension, num_keys: 1 });
}
/**
 * topK(operand, k) → [values, indices]: the k largest elements along the last axis, largest
 * first; ties keep the lower index first; a NaN counts as the largest (as XLA's TopK).
 */
export function topK(operand: Operand, k: number): [NDArray, NDArray] {
  const x = asArray(operand, "topK");
  if (x.ndim === 0) throw new ShapeError("topK: the operand must have at least one dimension");
  const n = x.shape[x.ndim - 1]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ArgumentError(`topK: k must be an integer in [0, ${n}] (the last axis), got ${describeValue(k)}`);
  // an ascending key for a descending order: −x for floats (NaN first: −Inf, ahead of equal
  // keys by index), ~x for integers (no overflow at the most negative int32)
  const ints = isInteger(x.dtype) || x.dtype === "bool";
  const xi = x.dtype === "bool" ? convertElementType(x, "int32") : x;
  const key = ints ? not(xi) : select(ne(x, x), convertElementType(Number.NEGATIVE_INFINITY, x.dtype, x.weakType), neg(x));
  const [, values, indices] = sort([key, x, iota("int32", x.shape, x.ndim - 1)], { dimension: x.ndim - 1 });
  const lo = x.shape.map(() => 0);
  const hi = x.shape.map((d, i) => (i === x.ndim - 1 ? k : d));
  return [slice(values!, lo, hi), slice(indices!, lo, hi)];
}
export function threefry2x32(k0: NDArray, k1: NDArray, x0: NDArray, x1: NDArray): [NDArray, NDArray] {
  const args = [k0, k1, x0, x1].map((x) => asArray(x, "threefry2x32"));
  const [y0, y1] = bind("threefry2x32", args, noParams);
  return [y0!, y1!];
}

export type { PrimitiveName };
export { cond, forLoop, map, scan, switch, whileLoop, type ScanOptions, type Traced } from "./control.js";
export { associativeScan } from "./associative-scan.js";
export { conv, convGeneralDilated, convTranspose, reduceWindow, type ConvDimensionNumbers, type ConvOptions, type ConvPadding, type WindowReduction } from "./convolution.js";
