// Shape and dtype rules of the elementwise primitives. Binary operands share a shape, or
// one of them is rank 0 (a scalar broadcast, as JAX allows for literals).
import { sameShape, ShapedArray } from "../aval.js";
import { type DType, isComplex, isFloat, isInteger, realPartOf } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import { fmtShape } from "../shape.js";
import type { AbstractEvalTable } from "./types.js";

/** A rule that reads no params, so it fits every elementwise primitive. */
type ShapeOnlyRule = (avals: readonly ShapedArray[]) => ShapedArray[];

export const unaryFloatPrims = [
  "exp", "log", "expm1", "log1p", "sin", "cos", "tan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "logistic", "sqrt", "rsqrt", "erf", "erf_inv", "floor", "ceil", "round",
] as const;
export const unaryNumericPrims = ["neg", "sign", "abs", "square", "integer_pow", "stop_gradient"] as const;
export const arithmeticPrims = ["add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2"] as const;
export const bitwisePrims = ["and", "or", "xor"] as const;
export const shiftPrims = ["shift_right_logical", "shift_left"] as const;
export const comparisonPrims = ["eq", "ne", "lt", "le", "gt", "ge"] as const;

export type UnaryFloatPrim = (typeof unaryFloatPrims)[number];
export type UnaryNumericPrim = (typeof unaryNumericPrims)[number];
export type ArithmeticPrim = (typeof arithmeticPrims)[number];
export type BitwisePrim = (typeof bitwisePrims)[number];
export type ShiftPrim = (typeof shiftPrims)[number];
export type ComparisonPrim = (typeof comparisonPrims)[number];
/** Every elementwise primitive, listed once (fusion and the jaxpr passes ask membership;
 * rule tables built from it are checked complete by their types). */
export const elementwisePrims = [
  ...unaryFloatPrims, ...unaryNumericPrims, ...arithmeticPrims, ...bitwisePrims, ...shiftPrims, ...comparisonPrims,
  "not", "is_finite", "select_n", "convert_element_type",
] as const;
export type ElementwisePrim = (typeof elementwisePrims)[number];
const elementwiseSet = new Set<string>(elementwisePrims);
export const isElementwisePrim = (p: string): p is ElementwisePrim => elementwiseSet.has(p);

function requireDType(prim: string, a: ShapedArray, ok: (d: DType) => boolean, expected: string): void {
  if (!ok(a.dtype)) throw new DTypeError(`${prim}: expected ${expected} operand, got ${a.str()}`);
}

const unaryRule =
  (prim: string, ok: (d: DType) => boolean, expected: string, out?: DType): ShapeOnlyRule =>
  (avals) => {
    const a = avals[0]!;
    requireDType(prim, a, ok, expected);
    return [out === undefined ? a : new ShapedArray(a.shape, out, false)];
  };

/** Shape of a binary elementwise op: equal shapes, or a rank-0 operand broadcast. */
export function binaryShape(prim: string, a: ShapedArray, b: ShapedArray): readonly number[] {
  if (sameShape(a.shape, b.shape) || b.ndim === 0) return a.shape;
  if (a.ndim === 0) return b.shape;
  throw new ShapeError(`${prim}: operand shapes must be equal (or one of them rank 0), got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}`);
}

const binaryRule =
  (prim: string, ok: (d: DType) => boolean, expected: string, out?: DType): ShapeOnlyRule =>
  (avals) => {
    const a = avals[0]!;
    const b = avals[1]!;
    requireDType(prim, a, ok, expected);
    if (a.dtype !== b.dtype) {
      throw new DTypeError(`${prim}: operands must have the same dtype, got ${a.str()} and ${b.str()}`);
    }
    const shape = binaryShape(prim, a, b);
    const dtype = out ?? a.dtype;
    const weak = out === undefined && a.weakType && b.weakType;
    // Avals are immutable: an operand's aval that already is the result's is shared (one
    // allocation less per eager primitive).
    if (shape === a.shape && dtype === a.dtype && weak === a.weakType) return [a];
    if (shape === b.shape && dtype === b.dtype && weak === b.weakType) return [b];
    return [new ShapedArray(shape, dtype, weak)];
  };

const notBool = (d: DType): boolean => d !== "bool";
const intOrBool = (d: DType): boolean => isInteger(d) || d === "bool";
const any = (): boolean => true;

function table<Ps extends string>(names: readonly Ps[], rule: (p: Ps) => ShapeOnlyRule): Record<Ps, ShapeOnlyRule> {
  return Object.fromEntries(names.map((n) => [n, rule(n)])) as Record<Ps, ShapeOnlyRule>;
}

// exp, log, sin, cos, tan, tanh, sinh, cosh, sqrt, rsqrt, expm1, log1p, asin, acos and atan take complex operands too (the others are refused before
// their rule runs: primitives/complex.ts).
const floatOrComplex = (d: DType): boolean => isFloat(d) || isComplex(d);
const COMPLEX_UNARY = new Set<string>(["exp", "log", "sin", "cos", "tanh", "sqrt", "rsqrt", "tan", "sinh", "cosh", "expm1", "log1p", "asin", "acos", "atan"]);

export const elementwiseAbstractEval: AbstractEvalTable<ElementwisePrim> = {
  ...table(unaryFloatPrims, (p) => (COMPLEX_UNARY.has(p) ? unaryRule(p, floatOrComplex, "a floating-point or complex") : unaryRule(p, isFloat, "a floating-point"))),
  ...table(unaryNumericPrims, (p) => unaryRule(p, notBool, "a numeric")),
  // |z| of a complex z is real, as JAX's abs_p (weak type kept).
  abs: (avals) => {
    const a = avals[0]!;
    requireDType("abs", a, notBool, "a numeric");
    return [isComplex(a.dtype) ? new ShapedArray(a.shape, realPartOf(a.dtype), a.weakType) : a];
  },
  ...table(arithmeticPrims, (p) =>
    p === "pow" || p === "atan2"
      ? binaryRule(p, floatOrComplex, "floating-point or complex")
      : // max and min order bools too (False < True), as lax.max_p accepts any dtype.
        p === "max" || p === "min"
        ? binaryRule(p, any, "any")
        : binaryRule(p, notBool, "numeric"),
  ),
  ...table(bitwisePrims, (p) => binaryRule(p, intOrBool, "a boolean or integer")),
  ...table(shiftPrims, (p) => binaryRule(p, isInteger, "an integer")),
  ...table(comparisonPrims, (p) => binaryRule(p, any, "any", "bool")),
  not: unaryRule("not", intOrBool, "a boolean or integer"),
  is_finite: unaryRule("is_finite", isFloat, "a floating-point", "bool"),
  select_n: (avals) => {
    const [pred, f, t] = [avals[0]!, avals[1]!, avals[2]!];
    if (pred.dtype !== "bool") throw new DTypeError(`select_n: the predicate must be bool, got ${pred.str()}`);
    if (f.dtype !== t.dtype) throw new DTypeError(`select_n: cases must have the same dtype, got ${f.str()} and ${t.str()}`);
    // Every operand has the output's shape or is rank 0 (broadcast).
    const shape = [pred, f, t].find((a) => a.ndim > 0)?.shape ?? [];
    for (const a of [pred, f, t]) {
      if (a.ndim !== 0 && !sameShape(a.shape, shape)) {
        throw new ShapeError(`select_n: operand shapes must be equal or rank 0, got ${fmtShape(pred.shape)}, ${fmtShape(f.shape)} and ${fmtShape(t.shape)}`);
      }
    }
    return [new ShapedArray(shape, f.dtype, f.weakType && t.weakType)];
  },
  convert_element_type: (avals, p) => [new ShapedArray(avals[0]!.shape, p.new_dtype, p.weak_type)],
};
