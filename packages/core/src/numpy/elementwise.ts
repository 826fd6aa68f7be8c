// Elementwise numpy functions: promotion and broadcasting, then one primitive each.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isFloat } from "../dtype.js";
import { DTypeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { finfo } from "./dtypes.js";
import { checkOptions } from "../options.js";
import { broadcastShapes } from "../shape.js";
import { broadcastTo, promoteArgs, toFloat } from "./promote.js";

type Bin = (a: NDArray, b: NDArray) => NDArray;
const binary =
  (name: string, op: Bin, float?: "float") =>
  (x: Operand, y: Operand): NDArray => {
    const [a, b] = promoteArgs(name, [x, y], float);
    return op(a!, b!);
  };
const floatUnary =
  (name: string, op: (a: NDArray) => NDArray) =>
  (x: Operand): NDArray =>
    op(toFloat(x, name));
const numericUnary =
  (name: string, op: (a: NDArray) => NDArray) =>
  (x: Operand): NDArray =>
    op(asArray(x, name));

// On bools numpy's add is logical or and multiply logical and (jnp.add does the same).
/**
 * `x + y` with numpy broadcasting and JAX's type promotion (a JS number is weakly typed: it
 * takes the array's dtype); logical or on bools.
 *
 * @example
 * np.add(array([1, 2]), 1); // [2, 3]
 * np.add(array([[1], [2]]), array([10, 20])); // [[11, 21], [12, 22]]
 * np.add(array([1], { dtype: "int32" }), array([0.5])).dtype; // "float32"
 */
export const add = binary("add", (a, b) => (a.dtype === "bool" ? lax.bitwiseOr(a, b) : lax.add(a, b)));
/**
 * `x - y`, broadcasting and promoting.
 *
 * @example
 * np.subtract(array([5, 7]), array([1, 2])); // [4, 5]
 */
export const subtract = binary("subtract", lax.sub);
/**
 * `x · y`, elementwise, broadcasting and promoting (logical and on bools).
 *
 * @example
 * np.multiply(array([1, 2]), array([[1], [10]])); // [[1, 2], [10, 20]]
 */
export const multiply = binary("multiply", (a, b) => (a.dtype === "bool" ? lax.bitwiseAnd(a, b) : lax.mul(a, b)));
/**
 * True division `x / y`, broadcasting; integer operands give the default float.
 *
 * @example
 * np.divide(array([1, 3], { dtype: "int32" }), 2); // [0.5, 1.5]
 */
export const divide = binary("divide", lax.div, "float");
/**
 * The elementwise maximum, broadcasting and promoting; NaN propagates. Complex values are
 * ordered as JAX orders them: by real part, then by imaginary part.
 *
 * @example
 * np.maximum(array([1, 5]), 3); // [3, 5]
 */
export const maximum = binary("maximum", lax.max);
/**
 * The elementwise minimum, broadcasting and promoting; NaN propagates. Complex values are
 * ordered by real part, then by imaginary part (JAX's order).
 *
 * @example
 * np.minimum(array([1, 5]), 3); // [1, 3]
 */
export const minimum = binary("minimum", lax.min);
/**
 * The angle of the point `(x2, x1)` = `atan2(x1, x2)` in (-π, π], broadcasting; a float result.
 * Complex operands are accepted, as JAX's: −i·log((x2 + i·x1) / √(x1² + x2²)) (StableHLO's atan2).
 *
 * @example
 * np.arctan2(array([1, -1]), array([0, 0])); // [1.5708, -1.5708]
 */
export const arctan2 = binary("arctan2", lax.atan2, "float");
/**
 * The remainder with the sign of the divisor (numpy's `%`, Python's `mod`), broadcasting.
 *
 * @example
 * np.remainder(array([7, -7]), 3); // [1, 2]
 */
export const remainder = binary("remainder", (a, b) => {
  // numpy's sign convention: the result takes the divisor's sign.
  const r = lax.rem(a, b);
  const fix = lax.bitwiseAnd(lax.ne(r, 0), lax.ne(lax.lt(r, 0), lax.lt(b, 0)));
  return lax.select(fix, lax.add(r, b), r);
});
/**
 * `floor(x / y)` (Python's `//`), broadcasting; integers stay integers.
 *
 * @example
 * np.floorDivide(array([7, -7], { dtype: "int32" }), 2); // [3, -4]
 */
export const floorDivide = binary("floorDivide", (a, b) => (isFloat(a.dtype) ? lax.floor(lax.div(a, b)) : lax.div(lax.sub(a, remainder(a, b)), b)));

/** The exponent when it is a JS integer (JAX's power checks for a concrete integer with
 * operator.index). Arrays, even concrete ones, take the general path, so that eager and jit
 * agree on the result's dtype. */
const concreteIntExponent = (y: Operand): number | undefined => (typeof y === "number" && Number.isInteger(y) ? y : undefined);

/** x ** y. A concrete integer exponent becomes integer_pow (exact, defined for negative x);
 * an integer base with a negative one is a DTypeError, as in JAX (not a silent float).
 *
 * @example
 * np.power(array([2, 3]), 2); // [4, 9]
 * np.power(array([4]), 0.5); // [2]
 * np.power(array([2], { dtype: "int32" }), 3).dtype; // "int32"
 */
export function power(x: Operand, y: Operand): NDArray {
  const e = concreteIntExponent(y);
  if (e !== undefined) {
    const a = asArray(x, "power");
    const intBase = typeof x === "number" ? Number.isInteger(x) : !isFloat(a.dtype) && !isComplex(a.dtype);
    if (e < 0 && intBase) {
      throw new DTypeError(`power: integers to negative integer powers are not allowed (base ${typeof x === "number" ? `the integer ${x}` : a.aval.str()}, exponent ${e}); use a float base`);
    }
    if (typeof x !== "number" && Math.abs(e) <= 64) return e === 1 ? a : lax.integerPow(a, e);
  }
  const [a, b] = promoteArgs("power", [x, y], "float");
  return lax.pow(a!, b!);
}

/**
 * `-x`, elementwise.
 *
 * @example
 * np.negative(array([1, -2])); // [-1, 2]
 */
export const negative = numericUnary("negative", lax.neg);
/**
 * `x` itself (numpy's unary `+`), for numeric dtypes.
 *
 * @example
 * np.positive(array([-1])); // [-1]
 */
export const positive = numericUnary("positive", (a) => a);
/**
 * `|x|`, elementwise, same dtype (also exported as `absolute`).
 *
 * @example
 * np.abs(array([-2, 3])); // [2, 3]
 */
export const abs = numericUnary("abs", lax.abs);
/**
 * The same function as `abs`.
 *
 * @example
 * np.absolute(array([-2])); // [2]
 */
export const absolute = abs;
/**
 * -1, 0 or 1 by the sign of each element (NaN stays NaN), same dtype.
 *
 * @example
 * np.sign(array([-3, 0, 2])); // [-1, 0, 1]
 */
export const sign = numericUnary("sign", lax.sign);
/**
 * `x²`, elementwise, same dtype.
 *
 * @example
 * np.square(array([3, -2])); // [9, 4]
 */
export const square = numericUnary("square", lax.square);
/**
 * The square root, elementwise; integers give the default float; NaN below 0.
 *
 * @example
 * np.sqrt(array([4, 2])); // [2, 1.4142]
 */
export const sqrt = floatUnary("sqrt", lax.sqrt);
/**
 * `e^x`, elementwise; integers give the default float.
 *
 * @example
 * np.exp(array([0, 1])); // [1, 2.7183]
 */
export const exp = floatUnary("exp", lax.exp);
/**
 * `e^x - 1`, accurate near 0, elementwise.
 *
 * @example
 * np.expm1(array([0, 1])); // [0, 1.7183]
 */
export const expm1 = floatUnary("expm1", lax.expm1);
/**
 * The natural logarithm, elementwise (`log 0 = -Infinity`, NaN below 0).
 *
 * @example
 * np.log(array([1, Math.E])); // [0, 1]
 */
export const log = floatUnary("log", lax.log);
/**
 * `log(1 + x)`, accurate near 0, elementwise.
 *
 * @example
 * np.log1p(array([0, Math.E - 1])); // [0, 1]
 */
export const log1p = floatUnary("log1p", lax.log1p);
/**
 * The base-2 logarithm, elementwise.
 *
 * @example
 * np.log2(array([1, 8])); // [0, 3]
 */
export const log2 = floatUnary("log2", (a) => lax.div(lax.log(a), Math.LN2));
/**
 * The base-10 logarithm, elementwise.
 *
 * @example
 * np.log10(array([1, 1000])); // [0, 3]
 */
export const log10 = floatUnary("log10", (a) => lax.div(lax.log(a), Math.LN10));
/**
 * The sine (radians), elementwise; integers give the default float.
 *
 * @example
 * np.sin(array([0, Math.PI / 2])); // [0, 1]
 */
export const sin = floatUnary("sin", lax.sin);
/**
 * The cosine (radians), elementwise.
 *
 * @example
 * np.cos(array([0, Math.PI])); // [1, -1]
 */
export const cos = floatUnary("cos", lax.cos);
/**
 * The tangent (radians), elementwise.
 *
 * @example
 * np.tan(array([0, Math.PI / 4])); // [0, 1]
 */
export const tan = floatUnary("tan", lax.tan);
/**
 * The hyperbolic tangent, elementwise.
 *
 * @example
 * np.tanh(array([0, 1])); // [0, 0.7616]
 */
export const tanh = floatUnary("tanh", lax.tanh);
/**
 * The hyperbolic sine, elementwise.
 *
 * @example
 * np.sinh(array([0, 1])); // [0, 1.1752]
 */
export const sinh = floatUnary("sinh", lax.sinh);
/**
 * The hyperbolic cosine, elementwise.
 *
 * @example
 * np.cosh(array([0, 1])); // [1, 1.5431]
 */
export const cosh = floatUnary("cosh", lax.cosh);
/**
 * The inverse sine in [-π/2, π/2], elementwise (NaN outside [-1, 1]); a complex x takes the
 * principal branch (cuts on the real axis beyond ±1, as numpy and JAX).
 *
 * @example
 * np.arcsin(array([0, 1])); // [0, 1.5708]
 */
export const arcsin = floatUnary("arcsin", lax.asin);
/**
 * The inverse cosine in [0, π], elementwise (NaN outside [-1, 1]); a complex x takes the
 * principal branch (real part in [0, π], cuts on the real axis beyond ±1).
 *
 * @example
 * np.arccos(array([1, -1])); // [0, 3.1416]
 */
export const arccos = floatUnary("arccos", lax.acos);
/**
 * The inverse tangent in (-π/2, π/2), elementwise; a complex x takes the principal branch
 * (cuts on the imaginary axis beyond ±i).
 *
 * @example
 * np.arctan(array([0, 1])); // [0, 0.7854]
 */
export const arctan = floatUnary("arctan", lax.atan);
/**
 * The inverse hyperbolic sine, elementwise (complex: cuts on the imaginary axis beyond ±i).
 *
 * @example
 * np.arcsinh(array([0, 1])); // [0, 0.8814]
 */
export const arcsinh = floatUnary("arcsinh", lax.asinh);
/**
 * The inverse hyperbolic cosine, elementwise: NaN below 1 (complex: real part ≥ 0, cut on the
 * real axis below 1).
 *
 * @example
 * np.arccosh(array([1, 2])); // [0, 1.317]
 */
export const arccosh = floatUnary("arccosh", lax.acosh);
/**
 * The inverse hyperbolic tangent, elementwise: ±inf at ±1, NaN beyond (complex: cuts on the
 * real axis beyond ±1).
 *
 * @example
 * np.arctanh(array([0, 0.5])); // [0, 0.5493]
 */
export const arctanh = floatUnary("arctanh", lax.atanh);
/**
 * The largest integer ≤ x, elementwise (float result).
 *
 * @example
 * np.floor(array([1.5, -1.5])); // [1, -2]
 */
export const floor = floatUnary("floor", lax.floor);
/**
 * The smallest integer ≥ x, elementwise (float result).
 *
 * @example
 * np.ceil(array([1.5, -1.5])); // [2, -1]
 */
export const ceil = floatUnary("ceil", lax.ceil);
/** round(x, { decimals }): to the nearest multiple of 10^−decimals, halves to even (as JAX:
 * x·10^d rounded, then divided by 10^d; decimals may be negative).
 *
 * @example
 * np.round(array([0.5, 1.5, 2.5])); // [0, 2, 2]
 * np.round(array([1.234]), { decimals: 2 }); // [1.23]
 */
export function round(x: Operand, opts: { readonly decimals?: number } = {}): NDArray {
  checkOptions(opts, "round", { decimals: "integer" });
  const a = toFloat(x, "round");
  const d = opts.decimals ?? 0;
  if (d === 0) return lax.round(a);
  const factor = lax.convertElementType(10 ** d, a.dtype, a.weakType);
  return lax.div(lax.round(lax.mul(a, factor)), factor);
}
/**
 * `1 / x`, elementwise (float result).
 *
 * @example
 * np.reciprocal(array([2, 4])); // [0.5, 0.25]
 */
export const reciprocal = floatUnary("reciprocal", (a) => lax.div(1, a));

/** An order comparison that also takes complex operands, ordered as jnp's comparisons order
 * them: by the real parts, and by the imaginary parts where the real parts are equal. */
const lexicographic =
  (cmp: Bin): Bin =>
  (a, b) => {
    if (!isComplex(a.dtype)) return cmp(a, b);
    const [ra, rb] = [lax.real(a), lax.real(b)];
    return lax.select(lax.eq(ra, rb), cmp(lax.imag(a), lax.imag(b)), cmp(ra, rb));
  };

/**
 * `x > y`, broadcasting and promoting: a bool array. Complex values compare by real part,
 * then by imaginary part (as jnp's comparisons; lax.gt refuses them).
 *
 * @example
 * np.greater(array([1, 3]), 2); // [false, true]
 */
export const greater = binary("greater", lexicographic(lax.gt));
/**
 * `x ≥ y`, broadcasting and promoting: a bool array (complex: by real part, then imaginary).
 *
 * @example
 * np.greaterEqual(array([1, 2]), 2); // [false, true]
 */
export const greaterEqual = binary("greaterEqual", lexicographic(lax.ge));
/**
 * `x < y`, broadcasting and promoting: a bool array (complex: by real part, then imaginary).
 *
 * @example
 * np.less(array([1, 3]), 2); // [true, false]
 */
export const less = binary("less", lexicographic(lax.lt));
/**
 * `x ≤ y`, broadcasting and promoting: a bool array (complex: by real part, then imaginary).
 *
 * @example
 * np.lessEqual(array([2, 3]), 2); // [true, false]
 */
export const lessEqual = binary("lessEqual", lexicographic(lax.le));
/**
 * `x == y`, broadcasting and promoting: a bool array (NaN is unequal to everything).
 *
 * @example
 * np.equal(array([1, NaN]), array([1, NaN])); // [true, false]
 */
export const equal = binary("equal", lax.eq);
/**
 * `x != y`, broadcasting and promoting: a bool array.
 *
 * @example
 * np.notEqual(array([1, 2]), 1); // [false, true]
 */
export const notEqual = binary("notEqual", lax.ne);

const toBool = (x: Operand, name: string): NDArray => {
  const a = asArray(x, name);
  return a.dtype === "bool" ? a : lax.ne(a, 0);
};
/**
 * Logical and of the truth values (nonzero is true), broadcasting: a bool array.
 *
 * @example
 * np.logicalAnd(array([1, 0, 2]), array([true, true, false])); // [true, false, false]
 */
export const logicalAnd = (x: Operand, y: Operand): NDArray => binary("logicalAnd", lax.bitwiseAnd)(toBool(x, "logicalAnd"), toBool(y, "logicalAnd"));
/**
 * Logical or of the truth values (nonzero is true), broadcasting: a bool array.
 *
 * @example
 * np.logicalOr(array([1, 0]), array([0, 0])); // [true, false]
 */
export const logicalOr = (x: Operand, y: Operand): NDArray => binary("logicalOr", lax.bitwiseOr)(toBool(x, "logicalOr"), toBool(y, "logicalOr"));
/**
 * Logical not of the truth values (nonzero is true): a bool array.
 *
 * @example
 * np.logicalNot(array([0, 3])); // [true, false]
 */
export const logicalNot = (x: Operand): NDArray => lax.not(toBool(x, "logicalNot"));

/**
 * Whether each element is NaN: a bool array (false for integers and bools).
 *
 * @example
 * np.isnan(array([1, NaN])); // [false, true]
 */
export const isnan = (x: Operand): NDArray => {
  const a = asArray(x, "isnan");
  return lax.ne(a, a);
};
/**
 * Whether each element is finite (not ±Infinity, not NaN): a bool array.
 *
 * @example
 * np.isfinite(array([1, Infinity, NaN])); // [true, false, false]
 */
export const isfinite = (x: Operand): NDArray => {
  const a = asArray(x, "isfinite");
  // a complex number is finite when both its parts are
  if (isComplex(a.dtype)) return lax.bitwiseAnd(lax.isFinite(lax.real(a)), lax.isFinite(lax.imag(a)));
  return isFloat(a.dtype) ? lax.isFinite(a) : lax.eq(a, a);
};
/**
 * Whether each element is +Infinity or -Infinity: a bool array.
 *
 * @example
 * np.isinf(array([1, -Infinity, NaN])); // [false, true, false]
 */
export const isinf = (x: Operand): NDArray => logicalAnd(logicalNot(isfinite(x)), logicalNot(isnan(x)));

/**
 * where(cond, x, y): x where cond holds, else y (broadcast together).
 *
 * @example
 * np.where(array([true, false]), array([1, 2]), 0); // [1, 0]
 * const x = array([-1, 2]);
 * np.where(x.gt(0), x, x.neg()); // [1, 2]
 */
export function where(cond: Operand, x: Operand, y: Operand): NDArray {
  const c = toBool(cond, "where");
  const [a, b] = promoteArgs("where", [x, y]);
  const shape = broadcastShapes("where", c.shape, a!.shape, b!.shape);
  const bothScalar = a!.ndim === 0 && b!.ndim === 0;
  return lax.select(broadcastTo(c, shape, true), broadcastTo(a!, shape, !bothScalar), broadcastTo(b!, shape, true));
}

/**
 * clip(x, lo, hi) = minimum(maximum(x, lo), hi); a bound may be omitted. Complex values are
 * refused (as JAX refuses them, although maximum and minimum order them).
 *
 * @example
 * np.clip(array([-2, 0.5, 3]), -1, 1); // [-1, 0.5, 1]
 * np.clip(array([-2, 3]), null, 0); // [-2, 0]
 */
export function clip(x: Operand, lo?: Operand | null, hi?: Operand | null): NDArray {
  let r = asArray(x, "clip");
  for (const v of [r, lo, hi]) {
    if (v !== undefined && v !== null && isComplex(asArray(v, "clip").dtype)) {
      throw new DTypeError("clip: complex values have no ordering to clip by (JAX refuses them too); clip np.real / np.imag instead");
    }
  }
  if (lo !== undefined && lo !== null) r = maximum(r, lo);
  if (hi !== undefined && hi !== null) r = minimum(r, hi);
  return r;
}

/** nanToNum(x, { nan, posinf, neginf }): NaN, +Inf and −Inf replaced by finite values (by default
 * 0 and the dtype's largest and lowest finite values); integer and bool arrays are returned as
 * they are.
 *
 * @example
 * np.nanToNum(array([NaN, 1])); // [0, 1]
 * np.nanToNum(array([Infinity]), { posinf: 9 }); // [9]
 */
export function nanToNum(x: Operand, opts: { readonly copy?: boolean; readonly nan?: number; readonly posinf?: number; readonly neginf?: number } = {}): NDArray {
  checkOptions(opts, "nanToNum", { copy: "boolean", nan: "number", posinf: "number", neginf: "number" });
  const a = asArray(x, "nanToNum");
  // complex: each part on its own, as numpy's
  if (isComplex(a.dtype)) return lax.complex(nanToNum(lax.real(a), opts), nanToNum(lax.imag(a), opts));
  if (!isFloat(a.dtype)) return a;
  const big = finfo(a.dtype).max;
  const fill = (v: number) => lax.convertElementType(v, a.dtype, a.weakType);
  const noNan = where(isnan(a), fill(opts.nan ?? 0), a);
  const noPos = where(lax.eq(a, fill(Number.POSITIVE_INFINITY)), fill(opts.posinf ?? big), noNan);
  return where(lax.eq(a, fill(Number.NEGATIVE_INFINITY)), fill(opts.neginf ?? -big), noPos);
}
