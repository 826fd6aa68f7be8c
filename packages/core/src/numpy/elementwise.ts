// Elementwise numpy functions: promotion and broadcasting, then one primitive each.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isFloat } from "../dtype.js";
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
export const add = binary("add", (a, b) => (a.dtype === "bool" ? lax.bitwiseOr(a, b) : lax.add(a, b)));
export const subtract = binary("subtract", lax.sub);
export const multiply = binary("multiply", (a, b) => (a.dtype === "bool" ? lax.bitwiseAnd(a, b) : lax.mul(a, b)));
export const divide = binary("divide", lax.div, "float");
export const maximum = binary("maximum", lax.max);
export const minimum = binary("minimum", lax.min);
export const arctan2 = binary("arctan2", lax.atan2, "float");
export const remainder = binary("remainder", (a, b) => {
  // numpy's sign convention: the result takes the divisor's sign.
  const r = lax.rem(a, b);
  const fix = lax.bitwiseAnd(lax.ne(r, 0), lax.ne(lax.lt(r, 0), lax.lt(b, 0)));
  return lax.select(fix, lax.add(r, b), r);
});
export const floorDivide = binary("floorDivide", (a, b) => (isFloat(a.dtype) ? lax.floor(lax.div(a, b)) : lax.div(lax.sub(a, remainder(a, b)), b)));

/** The exponent when it is a JS integer (JAX's power checks for a concrete integer with
 * operator.index). Arrays, even concrete ones, take the general path, so that eager and jit
 * agree on the result's dtype. */
const concreteIntExponent = (y: Operand): number | undefined => (typeof y === "number" && Number.isInteger(y) ? y : undefined);

/** x ** y. A concrete integer exponent becomes integer_pow (exact, defined for negative x);
 * an integer base with a negative one is a DTypeError, as in JAX (not a silent float). */
export function power(x: Operand, y: Operand): NDArray {
  const e = concreteIntExponent(y);
  if (e !== undefined) {
    const a = asArray(x, "power");
    const intBase = typeof x === "number" ? Number.isInteger(x) : !isFloat(a.dtype);
    if (e < 0 && intBase) {
      throw new DTypeError(`power: integers to negative integer powers are not allowed (base ${typeof x === "number" ? `the integer ${x}` : a.aval.str()}, exponent ${e}); use a float base`);
    }
    if (typeof x !== "number" && Math.abs(e) <= 64) return e === 1 ? a : lax.integerPow(a, e);
  }
  const [a, b] = promoteArgs("power", [x, y], "float");
  return lax.pow(a!, b!);
}

export const negative = numericUnary("negative", lax.neg);
export const positive = numericUnary("positive", (a) => a);
export const abs = numericUnary("abs", lax.abs);
export const absolute = abs;
export const sign = numericUnary("sign", lax.sign);
export const square = numericUnary("square", lax.square);
export const sqrt = floatUnary("sqrt", lax.sqrt);
export const exp = floatUnary("exp", lax.exp);
export const expm1 = floatUnary("expm1", lax.expm1);
export const log = floatUnary("log", lax.log);
export const log1p = floatUnary("log1p", lax.log1p);
export const log2 = floatUnary("log2", (a) => lax.div(lax.log(a), Math.LN2));
export const log10 = floatUnary("log10", (a) => lax.div(lax.log(a), Math.LN10));
export const sin = floatUnary("sin", lax.sin);
export const cos = floatUnary("cos", lax.cos);
export const tan = floatUnary("tan", lax.tan);
export const tanh = floatUnary("tanh", lax.tanh);
export const sinh = floatUnary("sinh", lax.sinh);
export const cosh = floatUnary("cosh", lax.cosh);
export const arcsin = floatUnary("arcsin", lax.asin);
export const arccos = floatUnary("arccos", lax.acos);
export const arctan = floatUnary("arctan", lax.atan);
export const floor = floatUnary("floor", lax.floor);
export const ceil = floatUnary("ceil", lax.ceil);
/** round(x, { decimals }): to the nearest multiple of 10^−decimals, halves to even (as JAX:
 * x·10^d rounded, then divided by 10^d; decimals may be negative). */
export function round(x: Operand, opts: { readonly decimals?: number } = {}): NDArray {
  checkOptions(opts, "round", { decimals: "integer" });
  const a = toFloat(x, "round");
  const d = opts.decimals ?? 0;
  if (d === 0) return lax.round(a);
  const factor = lax.convertElementType(10 ** d, a.dtype, a.weakType);
  return lax.div(lax.round(lax.mul(a, factor)), factor);
}
export const reciprocal = floatUnary("reciprocal", (a) => lax.div(1, a));

export const greater = binary("greater", lax.gt);
export const greaterEqual = binary("greaterEqual", lax.ge);
export const less = binary("less", lax.lt);
export const lessEqual = binary("lessEqual", lax.le);
export const equal = binary("equal", lax.eq);
export const notEqual = binary("notEqual", lax.ne);

const toBool = (x: Operand, name: string): NDArray => {
  const a = asArray(x, name);
  return a.dtype === "bool" ? a : lax.ne(a, 0);
};
export const logicalAnd = (x: Operand, y: Operand): NDArray => binary("logicalAnd", lax.bitwiseAnd)(toBool(x, "logicalAnd"), toBool(y, "logicalAnd"));
export const logicalOr = (x: Operand, y: Operand): NDArray => binary("logicalOr", lax.bitwiseOr)(toBool(x, "logicalOr"), toBool(y, "logicalOr"));
export const logicalNot = (x: Operand): NDArray => lax.not(toBool(x, "logicalNot"));

export const isnan = (x: Operand): NDArray => {
  const a = asArray(x, "isnan");
  return lax.ne(a, a);
};
export const isfinite = (x: Operand): NDArray => {
  const a = asArray(x, "isfinite");
  return isFloat(a.dtype) ? lax.isFinite(a) : lax.eq(a, a);
};
export const isinf = (x: Operand): NDArray => logicalAnd(logicalNot(isfinite(x)), logicalNot(isnan(x)));

/** where(cond, x, y): x where cond holds, else y (broadcast together). */
export function where(cond: Operand, x: Operand, y: Operand): NDArray {
  const c = toBool(cond, "where");
  const [a, b] = promoteArgs("where", [x, y]);
  const shape = broadcastShapes("where", c.shape, a!.shape, b!.shape);
  const bothScalar = a!.ndim === 0 && b!.ndim === 0;
  return lax.select(broadcastTo(c, shape, true), broadcastTo(a!, shape, !bothScalar), broadcastTo(b!, shape, true));
}

/** clip(x, lo, hi) = minimum(maximum(x, lo), hi); a bound may be omitted. */
export function clip(x: Operand, lo?: Operand | null, hi?: Operand | null): NDArray {
  let r = asArray(x, "clip");
  if (lo !== undefined && lo !== null) r = maximum(r, lo);
  if (hi !== undefined && hi !== null) r = minimum(r, hi);
  return r;
}

/** nanToNum(x, { nan, posinf, neginf }): NaN, +Inf and −Inf replaced by finite values (by default
 * 0 and the dtype's largest and lowest finite values); integer and bool arrays are returned as
 * they are. */
export function nanToNum(x: Operand, opts: { readonly copy?: boolean; readonly nan?: number; readonly posinf?: number; readonly neginf?: number } = {}): NDArray {
  checkOptions(opts, "nanToNum", { copy: "boolean", nan: "number", posinf: "number", neginf: "number" });
  const a = asArray(x, "nanToNum");
  if (!isFloat(a.dtype)) return a;
  const big = finfo(a.dtype).max;
  const fill = (v: number) => lax.convertElementType(v, a.dtype, a.weakType);
  const noNan = where(isnan(a), fill(opts.nan ?? 0), a);
  const noPos = where(lax.eq(a, fill(Number.POSITIVE_INFINITY)), fill(opts.posinf ?? big), noNan);
  return where(lax.eq(a, fill(Number.NEGATIVE_INFINITY)), fill(opts.neginf ?? -big), noPos);
}
