// ONNX lowerings of the elementwise primitives. Each matches the js backend's reference
// semantics (packages/core/src/backend/scalar/primitives.ts): where an ONNX operator differs
// (sign of NaN and -0, integer division by zero, shifts past 31, float → int saturation,
// NaN in comparisons of bool), the difference is composed away here rather than left to the
// runtime. float64 forms of tan/sinh/cosh/atan/asin/acos/erf are composed from operators ONNX
// Runtime's CPU provider implements in float64 (it has float32 kernels only for those).
import type { DType } from "@jaxts/core";
import type { GraphBuilder } from "../graph-builder.js";
import { OnnxDataType } from "../onnx/proto.js";
import { cast, castOnnx, isFloatDType, type RuleTable, type Val, where } from "../rule-types.js";
import { erf64 } from "./erf64.js";

type ElementwiseName =
  | "neg" | "sign" | "floor" | "ceil" | "round" | "is_finite" | "not" | "exp" | "log" | "expm1" | "log1p"
  | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh" | "tanh" | "logistic" | "sqrt"
  | "rsqrt" | "abs" | "erf" | "erf_inv" | "square" | "integer_pow" | "stop_gradient" | "add" | "sub"
  | "mul" | "div" | "rem" | "pow" | "max" | "min" | "atan2" | "and" | "or" | "xor"
  | "shift_right_logical" | "shift_left" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "select_n"
  | "convert_element_type";

const unaryOp =
  (op: string) =>
  (b: GraphBuilder, [x]: readonly Val[]): string[] => [b.op(op, [x!.name])];
const binaryOp =
  (op: string) =>
  (b: GraphBuilder, [x, y]: readonly Val[]): string[] => [b.op(op, [x!.name, y!.name])];

const f64 = (x: Val): boolean => x.aval.dtype === "float64";
const one = (b: GraphBuilder, x: Val): string => b.scalar(1, x.aval.dtype);
const zero = (b: GraphBuilder, x: Val): string => b.scalar(0, x.aval.dtype);

/** erf: ONNX's Erf, or in float64 the composition of erf64.ts (ONNX Runtime's CPU provider
 * has no float64 Erf). */
function erf(b: GraphBuilder, x: string, d: DType): string {
  return d === "float64" ? erf64(b, x) : b.op("Erf", [x]);
}

/**
 * erf⁻¹ as the js backend computes it (scalar/js-math.ts): Giles' single-precision
 * approximation in w = −log((1 − y)(1 + y)), one polynomial below w = 5 and one above, then
 * two Newton steps on erf(x) = y; ±1 → ±inf, |y| > 1 → NaN. In float64 as the reference
 * computes it (its Newton steps on the float64 erf composition), halves through float32.
 */
function erfInv(b: GraphBuilder, [x]: readonly Val[]): string[] {
  const d = x!.aval.dtype;
  const work: DType = d === "float64" ? "float64" : "float32";
  const y = d === work ? x!.name : cast(b, x!.name, work);
  const c = (v: number): string => b.scalar(v, work);
  const w = b.op("Neg", [b.op("Log", [b.op("Mul", [b.op("Sub", [c(1), y]), b.op("Add", [c(1), y])])])]);
  const horner = (t: string, coeffs: readonly number[]): string => {
    let p = c(coeffs[0]!);
    for (const k of coeffs.slice(1)) p = b.op("Add", [c(k), b.op("Mul", [p, t])]);
    return p;
  };
  const lowP = horner(b.op("Sub", [w, c(2.5)]), [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]);
  const highP = horner(b.op("Sub", [b.op("Sqrt", [w]), c(3)]), [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]);
  let r = b.op("Mul", [where(b, b.op("Less", [w, c(5)]), lowP, highP), y]);
  for (let k = 0; k < 2; k++) {
    const err = b.op("Sub", [erf(b, r, work), y]);
    const slope = b.op("Mul", [c(2 / Math.sqrt(Math.PI)), b.op("Exp", [b.op("Neg", [b.op("Mul", [r, r])])])]);
    r = b.op("Sub", [r, b.op("Div", [err, slope])]);
  }
  // the edges, as the js reference: ±1 → ±inf, outside [−1, 1] (and NaN) → NaN
  const ay = b.op("Abs", [y]);
  const inf = b.op("Mul", [b.op("Sign", [y]), c(Number.POSITIVE_INFINITY)]);
  r = where(b, b.op("Equal", [ay, c(1)]), inf, where(b, b.op("Not", [b.op("LessOrEqual", [ay, c(1)])]), c(Number.NaN), r));
  return [d === work ? r : cast(b, r, d)];
}

/** expm1 without exp(x) - 1's cancellation near 0 (Kahan: (u - 1)·x / log u with u = e^x). */
function expm1(b: GraphBuilder, x: Val): string {
  const u = b.op("Exp", [x.name]);
  const um1 = b.op("Sub", [u, one(b, x)]);
  const ratio = b.op("Div", [b.op("Mul", [um1, x.name]), b.op("Log", [u])]);
  const small = b.op("Equal", [um1, b.scalar(-1, x.aval.dtype)]);
  // u == 1: x itself; u == inf: inf; u - 1 == -1: -1 (the ratio would be 0/0 or inf/inf).
  return where(b, b.op("Equal", [u, one(b, x)]), x.name, where(b, b.op("IsInf", [u]), u, where(b, small, um1, ratio)));
}

/** log1p without log(1 + x)'s rounding of 1 + x (Goldberg: log(u)·x / (u - 1) with u = 1 + x). */
function log1p(b: GraphBuilder, x: Val): string {
  const u = b.op("Add", [x.name, one(b, x)]);
  const logu = b.op("Log", [u]);
  const ratio = b.op("Div", [b.op("Mul", [logu, x.name]), b.op("Sub", [u, one(b, x)])]);
  // u == 1: x; u == inf or 0: log u itself (the ratio would be inf/inf or -inf·-1/-1).
  const direct = b.op("Or", [b.op("IsInf", [u]), b.op("Equal", [u, zero(b, x)])]);
  return where(b, b.op("Equal", [u, one(b, x)]), x.name, where(b, direct, logu, ratio));
}

/** atan in float64: the float32 operator's value refined by two Newton steps on tan(y) = z
 * (each squares the relative error: 1e-7 → 1e-14 → below float64's rounding), on z = |x| or
 * 1/|x| in [0, 1] where Newton converges (atan x = π/2 - atan(1/x) for x > 1). */
function atan64(b: GraphBuilder, x: string): string {
  const ax = b.op("Abs", [x]);
  const one64 = b.scalar(1, "float64");
  const big = b.op("Greater", [ax, one64]);
  const z = where(b, big, b.op("Div", [one64, ax]), ax);
  let y = cast(b, b.op("Atan", [cast(b, z, "float32")]), "float64");
  for (let k = 0; k < 2; k++) {
    const s = b.op("Sin", [y]);
    const c = b.op("Cos", [y]);
    // y - (tan y - z)/(1 + tan² y) = y - (s·c - z·c²)
    y = b.op("Sub", [y, b.op("Sub", [b.op("Mul", [s, c]), b.op("Mul", [z, b.op("Mul", [c, c])])])]);
  }
  const r = where(b, big, b.op("Sub", [b.scalar(Math.PI / 2, "float64"), y]), y);
  return where(b, b.op("Less", [x, b.scalar(0, "float64")]), b.op("Neg", [r]), r);
}

function atan(b: GraphBuilder, x: Val): string {
  return f64(x) ? atan64(b, x.name) : b.op("Atan", [x.name]);
}

/** asin x = atan(x / √((1 - x)(1 + x))), acos x = 2·atan(√((1 - x)/(1 + x))) (float64 only). */
function asin64(b: GraphBuilder, x: Val): string {
  const o = one(b, x);
  const den = b.op("Sqrt", [b.op("Mul", [b.op("Sub", [o, x.name]), b.op("Add", [o, x.name])])]);
  return atan64(b, b.op("Div", [x.name, den]));
}
function acos64(b: GraphBuilder, x: Val): string {
  const o = one(b, x);
  const r = b.op("Sqrt", [b.op("Div", [b.op("Sub", [o, x.name]), b.op("Add", [o, x.name])])]);
  return b.op("Mul", [b.scalar(2, "float64"), atan64(b, r)]);
}

/** atan2(y, x) from atan(y/x) with the quadrant, signed-zero and infinity cases of C's atan2. */
function atan2(b: GraphBuilder, y: Val, x: Val): string {
  const d = y.aval.dtype;
  const pi = b.scalar(Math.PI, d);
  const z = zero(b, y);
  // sign bits, so that atan2(-0, -1) = -π and atan2(0, -0) = π
  const negative = (v: Val): string => b.op("Or", [b.op("Less", [v.name, z]), b.op("And", [b.op("Equal", [v.name, z]), b.op("Less", [b.op("Div", [one(b, v), v.name]), z])])]);
  const yNeg = negative(y);
  const xNeg = negative(x);
  const bothInf = b.op("And", [b.op("IsInf", [y.name]), b.op("IsInf", [x.name])]);
  const bothZero = b.op("And", [b.op("Equal", [y.name, z]), b.op("Equal", [x.name, z])]);
  // |y| / |x| with 0/0 and inf/inf replaced by the ratio whose atan is the answer's magnitude.
  const ratio = where(b, bothInf, one(b, y), where(b, bothZero, z, b.op("Div", [b.op("Abs", [y.name]), b.op("Abs", [x.name])])));
  const base = atan(b, { name: ratio, aval: y.aval });
  const magnitude = where(b, xNeg, b.op("Sub", [pi, base]), base);
  const nanIn = b.op("Or", [b.op("IsNaN", [y.name]), b.op("IsNaN", [x.name])]);
  const signed = where(b, yNeg, b.op("Neg", [magnitude]), magnitude);
  return where(b, nanIn, b.op("Add", [y.name, x.name]), signed);
}

/** x^y for a static integer y, by squaring (as the reference does; int32 products wrap). */
function integerPow(b: GraphBuilder, x: Val, y: number): string {
  const e = Math.abs(y);
  let result: string | undefined;
  let base = x.name;
  for (let k = e; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result = result === undefined ? base : b.op("Mul", [result, base]);
    if (k > 1) base = b.op("Mul", [base, base]);
  }
  const v = result ?? b.op("Expand", [one(b, x), b.int64s(x.aval.shape)]);
  if (y >= 0) return v === x.name ? b.op("Identity", [v]) : v;
  if (isFloatDType(x.aval.dtype)) return b.op("Div", [one(b, x), v]);
  // int32: 1/v in float64, then truncated; 1/0 is 0 (ToInt32 of ±inf).
  const vd = cast(b, v, "float64");
  const q = b.op("Div", [b.scalar(1, "float64"), vd]);
  return cast(b, where(b, b.op("Equal", [vd, b.scalar(0, "float64")]), b.scalar(0, "float64"), q), x.aval.dtype);
}

/** Integer division and remainder as the reference computes them: in float64 (exact for
 * 32-bit operands), truncated, wrapped to the type (INT_MIN / -1 is INT_MIN), and by zero as
 * XLA defines it: x / 0 is all ones (-1, or the largest unsigned value), x % 0 is x. */
function integerDivRem(b: GraphBuilder, x: Val, y: Val, op: "div" | "rem"): string {
  const d = x.aval.dtype;
  const a = cast(b, x.name, "float64");
  const den = cast(b, y.name, "float64");
  const zeroD = b.scalar(0, "float64");
  const isZero = b.op("Equal", [den, zeroD]);
  const safe = where(b, isZero, b.scalar(1, "float64"), den);
  const q = op === "div" ? b.op("Div", [a, safe]) : b.op("Mod", [a, safe], { fmod: { int: 1 } });
  // Truncation toward zero: float64 → int64 (exact, |q| ≤ 2^32), then int64 → the type wraps.
  const wrapped = cast(b, castOnnx(b, q, OnnxDataType.INT64), d);
  const byZero = op === "div" ? b.scalar(d === "uint32" ? 0xffffffff : -1, d) : x.name;
  return where(b, isZero, byZero, wrapped, d);
}

/** Logical shifts of int32 words: through uint32 (ONNX's BitShift is unsigned only), and 0
 * for counts outside [0, 32) as XLA defines them. */
function shift(b: GraphBuilder, x: Val, y: Val, direction: "LEFT" | "RIGHT"): string {
  const ux = castOnnx(b, x.name, OnnxDataType.UINT32);
  const uy = castOnnx(b, y.name, OnnxDataType.UINT32);
  const shifted = b.op("BitShift", [ux, uy], { direction: { str: direction } });
  const inRange = b.op("Less", [uy, b.ctx.constant(OnnxDataType.UINT32, [], [32], "a shift count")]);
  return where(b, inRange, cast(b, shifted, x.aval.dtype), zero(b, x), x.aval.dtype);
}

/** Comparisons: ONNX orders numbers only, so bools compare as int32 0/1. */
function compare(op: string, negate = false) {
  return (b: GraphBuilder, [x, y]: readonly Val[]): string[] => {
    const asNumber = (v: Val): string => (v.aval.dtype === "bool" && op !== "Equal" ? cast(b, v.name, "int32") : v.name);
    const r = b.op(op, [asNumber(x!), asNumber(y!)]);
    return [negate ? b.op("Not", [r]) : r];
  };
}

/** Max/min: ONNX's propagate NaN as the reference does; bools go through int32. */
function extremum(op: "Max" | "Min") {
  return (b: GraphBuilder, [x, y]: readonly Val[]): string[] => {
    if (x!.aval.dtype !== "bool") return [b.op(op, [x!.name, y!.name])];
    return [cast(b, b.op(op, [cast(b, x!.name, "int32"), cast(b, y!.name, "int32")]), "bool")];
  };
}

function bitwise(boolOp: string, intOp: string) {
  return (b: GraphBuilder, [x, y]: readonly Val[]): string[] => [b.op(x!.aval.dtype === "bool" ? boolOp : intOp, [x!.name, y!.name])];
}

const intRange: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
  uint8: [0, 255],
  uint32: [0, 4294967295],
};

/** The largest float32 (or float64) value that is at most `v`. */
function floorToFloat(v: number, d: DType): number {
  if (d === "float64") return v;
  const f = Math.fround(v);
  if (f <= v) return f;
  const bits = new Float32Array([f]);
  new Uint32Array(bits.buffer)[0]! -= v > 0 ? 1 : -1;
  return bits[0]!;
}

/** convert_element_type as the reference converts: float → int truncates and saturates to the
 * type's range (NaN → 0), anything → bool is "≠ 0" (NaN → true), int → int wraps (Cast),
 * everything else is ONNX's Cast. */
function convert(b: GraphBuilder, x: Val, to: DType): string {
  const from = x.aval.dtype;
  if (from === to) return b.op("Identity", [x.name]);
  if (to === "bool") return b.op("Not", [b.op("Equal", [x.name, zero(b, x)])]);
  const range = intRange[to];
  if (isFloatDType(from) && range !== undefined) {
    const [lo, hi] = range;
    const noNan = where(b, b.op("IsNaN", [x.name]), zero(b, x), x.name);
    // Clip to the largest value the float type holds below the top (2^31 - 1 is not a
    // float32), then send everything at or past the top to the top itself.
    const clipped = b.op("Clip", [noNan, b.scalar(lo, from), b.scalar(floorToFloat(hi, from), from)]);
    // Saturated in int64 (every target's range fits, and ONNX Runtime has Where for it).
    const top = b.ctx.constant(OnnxDataType.INT64, [], [hi], "a saturation bound");
    const saturated = b.op("Where", [b.op("GreaterOrEqual", [x.name, b.scalar(hi + 1, from)]), top, castOnnx(b, clipped, OnnxDataType.INT64)]);
    return cast(b, saturated, to);
  }
  return cast(b, x.name, to);
}

/** sign: ONNX's Sign maps ±0 to +0; jaxts keeps -0 (and NaN) as they are. */
function sign(b: GraphBuilder, x: Val): string {
  const s = b.op("Sign", [x.name]);
  if (!isFloatDType(x.aval.dtype)) return s;
  return where(b, b.op("Equal", [s, zero(b, x)]), x.name, s);
}

function sinh(b: GraphBuilder, x: Val): string {
  if (!f64(x)) return b.op("Sinh", [x.name]);
  // (expm1(x) - expm1(-x)) / 2: no cancellation near 0, unlike (e^x - e^-x) / 2.
  const neg = { name: b.op("Neg", [x.name]), aval: x.aval };
  return b.op("Mul", [b.op("Sub", [expm1(b, x), expm1(b, neg)]), b.scalar(0.5, "float64")]);
}

function cosh(b: GraphBuilder, x: Val): string {
  if (!f64(x)) return b.op("Cosh", [x.name]);
  return b.op("Mul", [b.op("Add", [b.op("Exp", [x.name]), b.op("Exp", [b.op("Neg", [x.name])])]), b.scalar(0.5, "float64")]);
}

export const elementwiseRules: RuleTable<ElementwiseName> = {
  // ONNX has no unsigned Neg; 0 - x wraps the same way.
  neg: (b, [x]) => [x!.aval.dtype === "uint32" ? b.op("Sub", [zero(b, x!), x!.name]) : b.op("Neg", [x!.name])],
  sign: (b, [x]) => [sign(b, x!)],
  floor: unaryOp("Floor"),
  ceil: unaryOp("Ceil"),
  // ONNX's Round is half to even, as jnp.round.
  round: unaryOp("Round"),
  is_finite: (b, [x]) => [b.op("Equal", [b.op("Sub", [x!.name, x!.name]), zero(b, x!)])],
  not: (b, [x]) => [b.op(x!.aval.dtype === "bool" ? "Not" : "BitwiseNot", [x!.name])],
  exp: unaryOp("Exp"),
  log: unaryOp("Log"),
  expm1: (b, [x]) => [expm1(b, x!)],
  log1p: (b, [x]) => [log1p(b, x!)],
  sin: unaryOp("Sin"),
  cos: unaryOp("Cos"),
  tan: (b, [x]) => [f64(x!) ? b.op("Div", [b.op("Sin", [x!.name]), b.op("Cos", [x!.name])]) : b.op("Tan", [x!.name])],
  asin: (b, [x]) => [f64(x!) ? asin64(b, x!) : b.op("Asin", [x!.name])],
  acos: (b, [x]) => [f64(x!) ? acos64(b, x!) : b.op("Acos", [x!.name])],
  atan: (b, [x]) => [atan(b, x!)],
  sinh: (b, [x]) => [sinh(b, x!)],
  cosh: (b, [x]) => [cosh(b, x!)],
  tanh: unaryOp("Tanh"),
  // 1/(1 + e^-x): ONNX Runtime's Sigmoid loses relative accuracy in the negative tail.
  logistic: (b, [x]) => [b.op("Div", [one(b, x!), b.op("Add", [one(b, x!), b.op("Exp", [b.op("Neg", [x!.name])])])])],
  sqrt: unaryOp("Sqrt"),
  rsqrt: (b, [x]) => [b.op("Div", [one(b, x!), b.op("Sqrt", [x!.name])])],
  abs: unaryOp("Abs"),
  erf: (b, [x]) => [erf(b, x!.name, x!.aval.dtype)],
  erf_inv: erfInv,
  square: (b, [x]) => [b.op("Mul", [x!.name, x!.name])],
  integer_pow: (b, [x], { y }) => [integerPow(b, x!, y)],
  stop_gradient: unaryOp("Identity"),
  add: binaryOp("Add"),
  sub: binaryOp("Sub"),
  mul: binaryOp("Mul"),
  div: (b, [x, y]) => [isFloatDType(x!.aval.dtype) ? b.op("Div", [x!.name, y!.name]) : integerDivRem(b, x!, y!, "div")],
  // C's fmod (the result takes the dividend's sign), as lax.rem.
  rem: (b, [x, y]) => [isFloatDType(x!.aval.dtype) ? b.op("Mod", [x!.name, y!.name], { fmod: { int: 1 } }) : integerDivRem(b, x!, y!, "rem")],
  // JavaScript's ** (the reference): (±1) ** ±inf and (±1) ** NaN are NaN, where C's pow gives 1.
  pow: (b, [x, y]) => {
    const unit = b.op("Equal", [b.op("Abs", [x!.name]), one(b, x!)]);
    const odd = b.op("And", [unit, b.op("Or", [b.op("IsInf", [y!.name]), b.op("IsNaN", [y!.name])])]);
    return [where(b, odd, b.scalar(Number.NaN, x!.aval.dtype), b.op("Pow", [x!.name, y!.name]))];
  },
  max: extremum("Max"),
  min: extremum("Min"),
  atan2: (b, [y, x]) => [atan2(b, y!, x!)],
  and: bitwise("And", "BitwiseAnd"),
  or: bitwise("Or", "BitwiseOr"),
  xor: bitwise("Xor", "BitwiseXor"),
  shift_right_logical: (b, [x, y]) => [shift(b, x!, y!, "RIGHT")],
  shift_left: (b, [x, y]) => [shift(b, x!, y!, "LEFT")],
  eq: compare("Equal"),
  ne: compare("Equal", true),
  lt: compare("Less"),
  le: compare("LessOrEqual"),
  gt: compare("Greater"),
  ge: compare("GreaterOrEqual"),
  // select_n(pred, onFalse, onTrue)
  select_n: (b, [p, f, t]) => [where(b, p!.name, t!.name, f!.name, f!.aval.dtype)],
  convert_element_type: (b, [x], { new_dtype }) => [convert(b, x!, new_dtype)],
};
