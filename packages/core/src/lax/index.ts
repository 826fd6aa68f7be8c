// jax.lax for TypeScript: one thin wrapper per primitive (operands checked, JS numbers
// turned into weak scalars of the other operand's dtype), and nothing else.
import type { NDArray, Operand } from "../array.js";
import { asArray, scalar } from "../creation.js";
import { defaultFloat } from "../config.js";
import { type DType, checkArrayShape, checkDType, isComplex, isInteger, jsNumberDType } from "../dtype.js";
import { warnOnce } from "../warn.js";
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

/**
 * Both operands as arrays; a JS number takes the other operand's dtype (weakly).
 * Both operands of a binary lax operation as arrays: a JS number next to an array becomes a
 * weakly typed scalar of the array's dtype; two JS numbers, one fractional, become weak floats.
 * `where` names the operation in errors.
 *
 * @example
 * const [a, b] = lax.binaryOperands("add", array([1, 2], { dtype: "int32" }), 3);
 * b.dtype; // "int32"
 */
export function binaryOperands(where: string, x: Operand, y: Operand): [NDArray, NDArray] {
  if (typeof x === "number" && typeof y !== "number") return [scalar(x, asArray(y, where).dtype, true, where), asArray(y, where)];
  if (typeof y === "number" && typeof x !== "number") return [asArray(x, where), scalar(y, asArray(x, where).dtype, true, where)];
  if (typeof x === "number" && typeof y === "number" && jsNumberDType(x, defaultFloat()) !== jsNumberDType(y, defaultFloat())) {
    // two JS numbers, one fractional: both weak floats (an int32 and a float never mix in lax)
    return [scalar(x, defaultFloat(), true, where), scalar(y, defaultFloat(), true, where)];
  }
  return [asArray(x, where), asArray(y, where)];
}

const binary =
  (p: BinaryPrim) =>
  (x: Operand, y: Operand): NDArray =>
    bind1(p, binaryOperands(p, x, y), noParams);

/**
 * `-x`, elementwise; any numeric dtype, same shape and dtype out.
 *
 * @example
 * lax.neg(array([1, -2])); // [-1, 2]
 */
export const neg = unary("neg");
/**
 * The sign of `x` (-1, 0 or 1; NaN stays NaN), elementwise, in `x`'s dtype.
 *
 * @example
 * lax.sign(array([-3, 0, 2])); // [-1, 0, 1]
 */
export const sign = unary("sign");
/**
 * The largest integer ≤ `x`, elementwise, for float dtypes (the result keeps the float dtype).
 *
 * @example
 * lax.floor(array([1.5, -1.5])); // [1, -2]
 */
export const floor = unary("floor");
/**
 * The smallest integer ≥ `x`, elementwise, for float dtypes.
 *
 * @example
 * lax.ceil(array([1.5, -1.5])); // [2, -1]
 */
export const ceil = unary("ceil");
/**
 * `x` rounded to the nearest integer, halves to even (as numpy), for float dtypes.
 *
 * @example
 * lax.round(array([0.5, 1.5, -2.5])); // [0, 2, -2]
 */
export const round = unary("round");
/**
 * Whether each element is finite (not ±Infinity, not NaN): a bool array of `x`'s shape.
 *
 * @example
 * lax.isFinite(array([1, Infinity, NaN])); // [true, false, false]
 */
export const isFinite = unary("is_finite");
/**
 * Logical not for bool arrays, bitwise not (`~x`) for integers; same shape and dtype.
 *
 * @example
 * lax.not(array([true, false])); // [false, true]
 * lax.not(array([0, 5], { dtype: "int32" })); // [-1, -6]
 */
export const not = unary("not");
/**
 * `e^x`, elementwise, for float dtypes.
 *
 * @example
 * lax.exp(array([0, 1])); // [1, 2.7183]
 */
export const exp = unary("exp");
/**
 * The natural logarithm, elementwise, for float dtypes (`log(0) = -Infinity`, NaN below 0).
 *
 * @example
 * lax.log(array([1, Math.E])); // [0, 1]
 */
export const log = unary("log");
/**
 * `e^x - 1`, accurate for small `x`, elementwise, for float dtypes.
 *
 * @example
 * lax.expm1(array([1e-5])); // [0.00001]  (exp(x) - 1 in float32 gives 0.0000100136)
 */
export const expm1 = unary("expm1");
/**
 * `log(1 + x)`, accurate for small `x`, elementwise, for float dtypes.
 *
 * @example
 * lax.log1p(array([1e-5])); // [0.00000999995]
 */
export const log1p = unary("log1p");
/**
 * The sine (radians), elementwise, for float dtypes.
 *
 * @example
 * lax.sin(array([0, Math.PI / 2])); // [0, 1]
 */
export const sin = unary("sin");
/**
 * The cosine (radians), elementwise, for float dtypes.
 *
 * @example
 * lax.cos(array([0, Math.PI])); // [1, -1]
 */
export const cos = unary("cos");
/**
 * The tangent (radians), elementwise, for float dtypes.
 *
 * @example
 * lax.tan(array([0, Math.PI / 4])); // [0, 1]
 */
export const tan = unary("tan");
/**
 * The inverse sine, in [-π/2, π/2], elementwise (NaN outside [-1, 1]).
 *
 * @example
 * lax.asin(array([0, 1])); // [0, 1.5708]
 */
export const asin = unary("asin");
/**
 * The inverse cosine, in [0, π], elementwise (NaN outside [-1, 1]).
 *
 * @example
 * lax.acos(array([1, 0])); // [0, 1.5708]
 */
export const acos = unary("acos");
/**
 * The inverse tangent, in (-π/2, π/2), elementwise.
 *
 * @example
 * lax.atan(array([0, 1])); // [0, 0.7854]
 */
export const atan = unary("atan");
/**
 * The hyperbolic sine, elementwise, for float dtypes.
 *
 * @example
 * lax.sinh(array([0, 1])); // [0, 1.1752]
 */
export const sinh = unary("sinh");
/**
 * The hyperbolic cosine, elementwise, for float dtypes.
 *
 * @example
 * lax.cosh(array([0, 1])); // [1, 1.5431]
 */
export const cosh = unary("cosh");
/**
 * The hyperbolic tangent, elementwise, for float dtypes.
 *
 * @example
 * lax.tanh(array([0, 1])); // [0, 0.7616]
 */
export const tanh = unary("tanh");
/**
 * The logistic sigmoid `1 / (1 + e^-x)`, elementwise, for float dtypes.
 *
 * @example
 * lax.logistic(array([0, 2])); // [0.5, 0.8808]
 */
export const logistic = unary("logistic");
/**
 * The square root, elementwise, for float dtypes (NaN below 0).
 *
 * @example
 * lax.sqrt(array([4, 2])); // [2, 1.4142]
 */
export const sqrt = unary("sqrt");
/**
 * `1 / √x`, elementwise, for float dtypes.
 *
 * @example
 * lax.rsqrt(array([4, 16])); // [0.5, 0.25]
 */
export const rsqrt = unary("rsqrt");
/**
 * `|x|`, elementwise, same dtype (for the most negative integer the result wraps, as in XLA).
 *
 * @example
 * lax.abs(array([-2, 3])); // [2, 3]
 */
export const abs = unary("abs");
/**
 * The error function `2/√π ∫₀ˣ e^(-t²) dt`, elementwise, for float dtypes.
 *
 * @example
 * lax.erf(array([0, 1])); // [0, 0.8427]
 */
export const erf = unary("erf");
/**
 * The inverse of `erf` on (-1, 1) (±Infinity at ±1), elementwise, for float dtypes.
 *
 * @example
 * lax.erfInv(array([0, 0.8427008])); // [0, 1]
 */
export const erfInv = unary("erf_inv");
/**
 * `x²`, elementwise, same dtype.
 *
 * @example
 * lax.square(array([3, -2])); // [9, 4]
 */
export const square = unary("square");
/**
 * The identity whose derivative is zero.
 *
 * The value passes through unchanged; `grad` (of @jaxts/transforms) treats it as a constant,
 * so `grad(x ↦ x · stopGradient(x))(3)` is 3, not 6.
 *
 * @example
 * lax.stopGradient(array([1, 2])); // [1, 2]
 */
export const stopGradient = unary("stop_gradient");

/**
 * `x^y` for a JS integer `y`, elementwise, by repeated multiplication (exact for integers;
 * negative `y` only for floats). Same shape and dtype as `x`.
 *
 * @example
 * lax.integerPow(array([2, 3]), 3); // [8, 27]
 */
export function integerPow(x: Operand, y: number): NDArray {
  if (!Number.isInteger(y)) throw new ArgumentError(`integer_pow: the exponent must be an integer, got ${describeValue(y)}`);
  const a = asArray(x, "integer_pow");
  // As JAX's dtype rule: checked when staged, so a traced base errors too.
  if (y < 0 && isInteger(a.dtype)) throw new DTypeError(`integer_pow: integers cannot be raised to negative powers, got integer_pow(${a.aval.str()}, ${y})`);
  return bind1("integer_pow", [a], { y });
}

/**
 * `x + y`, elementwise. Both operands must have the same shape and dtype (lax does not
 * broadcast or promote; use `np.add` for that); a JS number takes the other operand's dtype.
 *
 * @example
 * lax.add(array([1, 2]), 10); // [11, 12]
 */
export const add = binary("add");
/**
 * `x - y`, elementwise; same shapes and dtypes (a JS number takes the other's dtype).
 *
 * @example
 * lax.sub(array([5, 7]), array([1, 2])); // [4, 5]
 */
export const sub = binary("sub");
/**
 * `x · y`, elementwise; same shapes and dtypes (a JS number takes the other's dtype).
 *
 * @example
 * lax.mul(array([1, 2]), 3); // [3, 6]
 */
export const mul = binary("mul");
/**
 * `x / y`, elementwise; integer division rounds toward zero (as C and XLA); same shapes and dtypes.
 *
 * @example
 * lax.div(array([7, -7], { dtype: "int32" }), 2); // [3, -3]
 * lax.div(array([1, 3]), 2); // [0.5, 1.5]
 */
export const div = binary("div");
/**
 * The remainder `x - y·trunc(x/y)`, with the sign of `x` (C's fmod, not numpy's mod);
 * same shapes and dtypes.
 *
 * @example
 * lax.rem(array([7, -7], { dtype: "int32" }), 3); // [1, -1]
 */
export const rem = binary("rem");
/**
 * `x^y`, elementwise, for floats; same shapes and dtypes (`integerPow` takes a JS integer exponent).
 *
 * @example
 * lax.pow(array([2, 9]), array([3, 0.5])); // [8, 3]
 */
export const pow = binary("pow");
/**
 * The elementwise maximum; NaN propagates; same shapes and dtypes. Complex operands are
 * ordered by real part, then imaginary part (x where it is greater, else y: JAX's lowering).
 *
 * @example
 * lax.max(array([1, 5]), array([3, 2])); // [3, 5]
 */
export const max = binary("max");
/**
 * The elementwise minimum; NaN propagates; same shapes and dtypes (complex: lexicographic, as max).
 *
 * @example
 * lax.min(array([1, 5]), array([3, 2])); // [1, 2]
 */
export const min = binary("min");
/**
 * The angle of the point `(x, y)` = `atan2(y, x)` in (-π, π], elementwise (first operand `y`).
 * Complex operands give StableHLO's complex atan2, −i·log((x + iy) / √(x² + y²)).
 *
 * @example
 * lax.atan2(array([1, 0]), array([0, -1])); // [1.5708, 3.1416]
 */
export const atan2 = binary("atan2");
/**
 * Bitwise and for integers, logical and for bool; same shapes and dtypes.
 *
 * @example
 * lax.bitwiseAnd(array([12], { dtype: "int32" }), 10); // [8]
 */
export const bitwiseAnd = binary("and");
/**
 * Bitwise or for integers, logical or for bool; same shapes and dtypes.
 *
 * @example
 * lax.bitwiseOr(array([12], { dtype: "int32" }), 10); // [14]
 */
export const bitwiseOr = binary("or");
/**
 * Bitwise xor for integers, logical xor for bool; same shapes and dtypes.
 *
 * @example
 * lax.bitwiseXor(array([12], { dtype: "int32" }), 10); // [6]
 */
export const bitwiseXor = binary("xor");
/**
 * `x >>> y` for integers (zeros shifted in; a shift ≥ the bit width gives 0).
 *
 * @example
 * lax.shiftRightLogical(array([-1], { dtype: "int32" }), 28); // [15]
 */
export const shiftRightLogical = binary("shift_right_logical");
/**
 * `x << y` for integers (a shift ≥ the bit width gives 0).
 *
 * @example
 * lax.shiftLeft(array([1, 3], { dtype: "int32" }), 4); // [16, 48]
 */
export const shiftLeft = binary("shift_left");
/**
 * `x == y`, elementwise: a bool array; same shapes and dtypes (NaN is unequal to everything).
 *
 * @example
 * lax.eq(array([1, 2]), 2); // [false, true]
 */
export const eq = binary("eq");
/**
 * `x != y`, elementwise: a bool array; same shapes and dtypes.
 *
 * @example
 * lax.ne(array([1, 2]), 2); // [true, false]
 */
export const ne = binary("ne");
/**
 * `x < y`, elementwise: a bool array; same shapes and dtypes.
 *
 * @example
 * lax.lt(array([1, 2]), 2); // [true, false]
 */
export const lt = binary("lt");
/**
 * `x ≤ y`, elementwise: a bool array; same shapes and dtypes.
 *
 * @example
 * lax.le(array([1, 3]), 2); // [true, false]
 */
export const le = binary("le");
/**
 * `x > y`, elementwise: a bool array; same shapes and dtypes.
 *
 * @example
 * lax.gt(array([1, 3]), 2); // [false, true]
 */
export const gt = binary("gt");
/**
 * `x ≥ y`, elementwise: a bool array; same shapes and dtypes.
 *
 * @example
 * lax.ge(array([1, 2]), 2); // [false, true]
 */
export const ge = binary("ge");

/**
 * `select(pred, onTrue, onFalse)`: elementwise choice (the primitive is select_n(pred, onFalse, onTrue)).
 * `pred` is a bool array of the operands' shape; the operands share shape and dtype.
 *
 * @example
 * lax.select(array([true, false]), array([1, 2]), array([10, 20])); // [1, 20]
 */
export function select(pred: NDArray, onTrue: Operand, onFalse: Operand): NDArray {
  const [f, t] = binaryOperands("select", onFalse, onTrue);
  return bind1("select_n", [asArray(pred, "select"), f, t], noParams);
}

/**
 * `x` converted to `dtype` (floats to integers truncate toward zero; to bool, nonzero is true).
 * The shape is unchanged; `weakType` marks the result as weakly typed (as a JS number is).
 *
 * @example
 * lax.convertElementType(array([1.7, -1.7]), "int32"); // [1, -1]
 * lax.convertElementType(3, "float32").dtype; // "float32"
 */
export function convertElementType(x: Operand, dtype: DType, weakType = false): NDArray {
  const d = checkDType(dtype, "convert_element_type");
  if (typeof weakType !== "boolean") throw new ArgumentError(`convert_element_type: weakType must be a boolean, got ${describeValue(weakType)}`);
  // A JS number converts from its exact value (held as float64), as JAX converts a Python
  // scalar: through the default float32 it would be rounded twice, or to Infinity, silently.
  const a = typeof x === "number" ? scalar(x, "float64", true) : asArray(x, "convert_element_type");
  if (a.dtype === d && a.weakType === weakType) return a;
  if (isComplex(a.dtype) && !isComplex(d)) {
    warnOnce("ComplexWarning", `convert_element_type: casting ${a.dtype} values to ${d} discards the imaginary part (take np.real(x) to say so)`);
  }
  return bind1("convert_element_type", [a], { new_dtype: d, weak_type: weakType });
}

type ReducePrim = "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod" | "reduce_and" | "reduce_or";
const reducer =
  (p: ReducePrim) =>
  (x: Operand, axes?: number | Axes): NDArray => {
    const a = asArray(x, p);
    return bind1(p, [a], { axes: normalizeAxes(axes, a.ndim, p) });
  };
/**
 * The sum over `axes` (a number or a list; all axes when omitted); those axes are removed
 * from the shape; the dtype is `x`'s.
 *
 * @example
 * const x = array([[1, 2], [3, 4]]);
 * lax.reduceSum(x, 0); // [4, 6]
 * lax.reduceSum(x); // 10
 */
export const reduceSum = reducer("reduce_sum");
/**
 * The maximum over `axes` (all when omitted); those axes are removed; NaN propagates.
 *
 * @example
 * lax.reduceMax(array([[1, 5], [3, 2]]), 1); // [5, 3]
 */
export const reduceMax = reducer("reduce_max");
/**
 * The minimum over `axes` (all when omitted); those axes are removed; NaN propagates.
 *
 * @example
 * lax.reduceMin(array([[1, 5], [3, 2]]), 1); // [1, 2]
 */
export const reduceMin = reducer("reduce_min");
/**
 * The product over `axes` (all when omitted); those axes are removed.
 *
 * @example
 * lax.reduceProd(array([[1, 2], [3, 4]]), 1); // [2, 12]
 */
export const reduceProd = reducer("reduce_prod");
/**
 * Logical and over `axes` of a bool array (bitwise for integers); those axes are removed.
 *
 * @example
 * lax.reduceAnd(array([[true, false], [true, true]]), 1); // [false, true]
 */
export const reduceAnd = reducer("reduce_and");
/**
 * Logical or over `axes` of a bool array (bitwise for integers); those axes are removed.
 *
 * @example
 * lax.reduceOr(array([[false, false], [true, false]]), 1); // [false, true]
 */
export const reduceOr = reducer("reduce_or");

/**
 * The index of the largest element along `axis` (the first on ties; a NaN counts as largest),
 * as `indexDtype` (int32); `axis` is removed from the shape.
 *
 * @example
 * lax.argmax(array([[1, 9, 3], [7, 2, 7]]), 1); // [1, 0]
 */
export function argmax(x: Operand, axis: number, indexDtype: DType = "int32"): NDArray {
  const a = asArray(x, "argmax");
  return bind1("argmax", [a], { axes: [normalizeAxis(axis, a.ndim, "argmax")], index_dtype: checkDType(indexDtype, "argmax") });
}
/**
 * The index of the smallest element along `axis` (the first on ties), as `indexDtype` (int32);
 * `axis` is removed from the shape.
 *
 * @example
 * lax.argmin(array([[1, 9, 3], [7, 2, 7]]), 1); // [0, 1]
 */
export function argmin(x: Operand, axis: number, indexDtype: DType = "int32"): NDArray {
  const a = asArray(x, "argmin");
  return bind1("argmin", [a], { axes: [normalizeAxis(axis, a.ndim, "argmin")], index_dtype: checkDType(indexDtype, "argmin") });
}
/**
 * The running sum along `axis` (default 0), from the end when `reverse`; same shape and dtype.
 *
 * @example
 * lax.cumsum(array([1, 2, 3])); // [1, 3, 6]
 * lax.cumsum(array([1, 2, 3]), 0, true); // [6, 5, 3]
 */
export function cumsum(x: Operand, axis = 0, reverse = false): NDArray {
  const a = asArray(x, "cumsum");
  return bind1("cumsum", [a], { axis: normalizeAxis(axis, a.ndim, "cumsum"), reverse });
}

/**
 * `x` broadcast to `shape`: dimension `i` of `x` becomes dimension `broadcastDimensions[i]`
 * of the result (its size must be 1 or equal); the other dimensions are new.
 *
 * @example
 * lax.broadcastInDim(array([1, 2]), [3, 2], [1]).shape; // [3, 2]
 * lax.broadcastInDim(array([1, 2]), [2, 3], [0]); // [[1, 1, 1], [2, 2, 2]]
 */
export function broadcastInDim(x: Operand, shape: readonly number[], broadcastDimensions: Axes): NDArray {
  const where = "broadcast_in_dim";
  const a = asArray(x, where);
  return bind1(where, [a], {
    shape: checkArrayShape(shape, a.dtype, where),
    broadcast_dimensions: checkIntList(broadcastDimensions, where, "broadcast_dimensions"),
  });
}
/**
 * `x`'s elements in row-major order with shape `newSizes` (same size, no -1).
 *
 * @example
 * lax.reshape(arange(6), [2, 3]); // [[0, 1, 2], [3, 4, 5]]
 */
export function reshape(x: Operand, newSizes: readonly number[]): NDArray {
  return bind1("reshape", [asArray(x, "reshape")], { new_sizes: checkIntList(newSizes, "reshape", "new_sizes") });
}
/**
 * The axes of `x` permuted: dimension `i` of the result is dimension `permutation[i]` of `x`.
 *
 * @example
 * lax.transpose(zeros([2, 3, 4]), [2, 0, 1]).shape; // [4, 2, 3]
 */
export function transpose(x: Operand, permutation: Axes): NDArray {
  return bind1("transpose", [asArray(x, "transpose")], { permutation: checkIntList(permutation, "transpose", "permutation") });
}
/**
 * `x` without the listed `dimensions`, each of which must have size 1.
 *
 * @example
 * lax.squeeze(zeros([1, 3, 1]), [0, 2]).shape; // [3]
 */
export function squeeze(x: Operand, dimensions: Axes): NDArray {
  return bind1("squeeze", [asArray(x, "squeeze")], { dimensions: checkIntList(dimensions, "squeeze", "dimensions") });
}
/**
 * `x` reversed along each of `dimensions`.
 *
 * @example
 * lax.rev(array([[1, 2], [3, 4]]), [1]); // [[2, 1], [4, 3]]
 */
export function rev(x: Operand, dimensions: Axes): NDArray {
  return bind1("rev", [asArray(x, "rev")], { dimensions: checkIntList(dimensions, "rev", "dimensions") });
}
/**
 * The arrays joined along `dimension`; they share a dtype and every other dimension.
 *
 * @example
 * lax.concatenate([array([1, 2]), array([3])], 0); // [1, 2, 3]
 */
export function concatenate(xs: readonly Operand[], dimension: number): NDArray {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError("concatenate: expected a non-empty list of arrays");
  return bind("concatenate", Array.from(xs, (x) => asArray(x, "concatenate")), { dimension })[0]!;
}
/**
 * `x` padded with `paddingValue` (a scalar of its dtype): per dimension `(low, high, interior)`
 * elements before, after and between elements. Negative low/high crop.
 *
 * @example
 * lax.pad(array([1, 2]), 0, [[1, 2, 1]]); // [0, 1, 0, 2, 0, 0]
 */
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
/**
 * The block `[startIndices, limitIndices)` of `x`, with optional `strides`; the result has
 * shape `ceil((limit - start) / stride)` per dimension.
 *
 * @example
 * lax.slice(arange(10), [2], [8], [3]); // [2, 5]
 */
export function slice(x: Operand, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): NDArray {
  return bind1("slice", [asArray(x, "slice")], {
    start_indices: checkIntList(startIndices, "slice", "start_indices"),
    limit_indices: checkIntList(limitIndices, "slice", "limit_indices"),
    strides: strides === null ? null : checkIntList(strides, "slice", "strides"),
  });
}
/**
 * One-axis gather: out = x.shape[:axis] + indices.shape + x.shape[axis+1:]; indices clamp.
 *
 * @example
 * lax.gather(array([10, 20, 30]), array([2, 0, 0], { dtype: "int32" })); // [30, 10, 10]
 * lax.gather(array([[1, 2], [3, 4]]), array([1], { dtype: "int32" }), { axis: 1 }); // [[2], [4]]
 */
export function gather(x: Operand, indices: NDArray, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "gather", { axis: "integer" });
  const a = asArray(x, "gather");
  return bind1("gather", [a, asArray(indices, "gather")], { axis: normalizeAxis(opts.axis ?? 0, a.ndim, "gather") });
}
/**
 * Adds `updates` into `x` at `indices` along `axis` (out-of-range updates are dropped).
 * `indices` are integers; `updates` has shape `x.shape[:axis] + indices.shape + x.shape[axis+1:]`;
 * repeated indices add up. Same shape and dtype as `x`.
 *
 * @example
 * lax.scatterAdd(zeros([3]), array([0, 2, 0], { dtype: "int32" }), array([1, 2, 3])); // [4, 0, 2]
 */
export function scatterAdd(x: Operand, indices: NDArray, updates: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "scatterAdd", { axis: "integer" });
  const [a, u] = binaryOperands("scatter_add", x, updates);
  return bind1("scatter_add", [a, asArray(indices, "scatter_add"), u], { axis: normalizeAxis(opts.axis ?? 0, a.ndim, "scatter_add") });
}
export type DotDimensionNumbers = readonly [readonly [Axes, Axes], readonly [Axes, Axes]];
/**
 * The general tensor contraction: `dimensionNumbers` is `[[lhsContract, rhsContract], [lhsBatch,
 * rhsBatch]]`. The result's shape is the batch dimensions, then `lhs`'s free dimensions, then
 * `rhs`'s. Operands share a dtype.
 *
 * @example
 * const a = ones([5, 2, 3]);
 * const b = ones([5, 3, 4]);
 * lax.dotGeneral(a, b, [[[2], [1]], [[0], [0]]]).shape; // [5, 2, 4]
 * lax.dotGeneral(array([1, 2]), array([3, 4]), [[[0], [0]], [[], []]]); // 11
 */
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
/**
 * An array of `shape` and `dtype` whose elements are their index along `dimension`.
 *
 * @example
 * lax.iota("int32", [4]); // [0, 1, 2, 3]
 * lax.iota("int32", [2, 3], 1); // [[0, 1, 2], [0, 1, 2]]
 */
export function iota(dtype: DType, shape: readonly number[], dimension = 0): NDArray {
  const d = checkDType(dtype, "iota");
  return bind1("iota", [], { dtype: d, shape: checkArrayShape(shape, d, "iota"), dimension });
}
/**
 * bitcastConvertType(x, newDtype): x's bytes read as newDtype (JAX's lax.bitcast_convert_type):
 * same width, same shape; to a narrower dtype a trailing axis of the ratio is added
 * (float64[3] → int32[3, 2], low word first: little-endian); to a wider one the last axis,
 * which must be the ratio, is dropped. Not differentiable (a zero derivative); bool refused.
 *
 * @example
 * lax.bitcastConvertType(array([1], { dtype: "float32" }), "int32"); // [1065353216]
 * lax.bitcastConvertType(array([1, 2], { dtype: "float64" }), "int32").shape; // [2, 2]
 */
export function bitcastConvertType(x: Operand, newDtype: DType): NDArray {
  return bind1("bitcast_convert_type", [asArray(x, "bitcast_convert_type")], { new_dtype: checkDType(newDtype, "bitcast_convert_type") });
}
/**
 * Sort every operand along `dimension` by the first `numKeys` (default 1), lexicographically.
 * `operands` share a shape; the result is one array per operand, in ascending order of the keys
 * along `dimension` (default the last), stably; NaN sorts last; a complex key orders by its real
 * part, then its imaginary part (JAX's order).
 *
 * @example
 * const [keys, vals] = lax.sort([array([3, 1, 2]), array([30, 10, 20])]);
 * vals; // [10, 20, 30]
 */
export function sort(operands: readonly NDArray[], opts: { readonly dimension?: number; readonly numKeys?: number } = {}): NDArray[] {
  checkOptions(opts, "lax.sort", { dimension: "integer", numKeys: "integer" });
  if (!Array.isArray(operands) || operands.length === 0) throw new ArgumentError("sort: expected a non-empty list of operands");
  const arrays = Array.from(operands, (x) => asArray(x, "sort"));
  const dimension = normalizeAxis(opts.dimension ?? -1, arrays[0]!.ndim, "sort");
  const numKeys = opts.numKeys ?? 1;
  if (numKeys < 1 || numKeys > arrays.length) throw new ArgumentError(`sort: numKeys must be between 1 and the number of operands (${arrays.length}), got ${numKeys}`);
  return bind("sort", arrays, { dimension, num_keys: numKeys });
}
/**
 * topK(operand, k) → [values, indices]: the k largest elements along the last axis, largest
 * first; ties keep the lower index first; a NaN counts as the largest (as XLA's TopK).
 *
 * @example
 * const [values, indices] = lax.topK(array([1, 5, 3, 5]), 2);
 * values; // [5, 5]
 * indices; // [1, 3]
 */
export function topK(operand: Operand, k: number): [NDArray, NDArray] {
  const x = asArray(operand, "topK");
  if (x.ndim === 0) throw new ShapeError("topK: the operand must have at least one dimension");
  if (isComplex(x.dtype)) throw new DTypeError(`topK: not supported for complex operands (${x.aval.str()}), as JAX's top_k; lax.sort orders complex values`);
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
/**
 * The Threefry-2x32 block cipher (as JAX's) applied to counters `(x0, x1)` under key `(k0, k1)`:
 * four int32 arrays of one shape holding uint32 words; returns two int32 arrays of that
 * shape. The bit generator under `random.*`.
 *
 * @example
 * const w = (v: number) => array([v], { dtype: "int32" });
 * const [y0, y1] = lax.threefry2x32(w(0), w(0), w(0), w(0));
 * y0.shape; // [1]
 */
export function threefry2x32(k0: NDArray, k1: NDArray, x0: NDArray, x1: NDArray): [NDArray, NDArray] {
  const args = [k0, k1, x0, x1].map((x) => asArray(x, "threefry2x32"));
  const [y0, y1] = bind("threefry2x32", args, noParams);
  return [y0!, y1!];
}

export type { PrimitiveName };
export { cond, forLoop, map, scan, switch, whileLoop, type ScanOptions, type Traced } from "./control.js";
export { associativeScan } from "./associative-scan.js";
export { complex, conj, fft, imag, real } from "./complex.js";
export { acosh, asinh, atanh } from "./hyperbolic.js";
export type { FftType } from "../primitives/params.js";
export { conv, convGeneralDilated, convTranspose, reduceWindow, type ConvDimensionNumbers, type ConvOptions, type ConvPadding, type WindowReduction } from "./convolution.js";
