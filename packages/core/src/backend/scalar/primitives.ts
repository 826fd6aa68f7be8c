// Every elementwise primitive, defined once as a scalar expression per dtype class. The
// table is typed over the ElementwisePrim union, so a primitive missing here is a compile
// error; the js loops and the wasm kernels are both generated from these definitions.
import type { DType } from "../../dtype.js";
import type { ElementwisePrim } from "../../primitives/elementwise.js";
import type { ParamsOf } from "../../primitives/params.js";
import { arg, binary, call, call2, compare, convert, type Expr, isIntType, lit, type ScalarType, select, unary } from "./expr.js";

export function scalarType(d: DType): ScalarType {
  switch (d) {
    case "float32":
      return "f32";
    case "float64":
      return "f64";
    case "int32":
      return "i32";
    case "int16":
      return "i16";
    case "int8":
      return "i8";
    case "uint32":
      return "u32";
    case "uint8":
      return "u8";
    case "bool":
      return "bool";
    case "float16":
    case "bfloat16":
      // The js backend widens halves to float32 before any kernel runs (backend/js/halves.ts).
      throw new Error(`internal: ${d} has no scalar type; it is computed in float32`);
  }
}

/** A primitive's expression over its operand types (`ins`, in order) and parameters. */
export type ExprRule<P extends ElementwisePrim> = (ins: readonly ScalarType[], params: ParamsOf<P>) => Expr;

const x0 = (ins: readonly ScalarType[]): Expr => arg(0, ins[0]!);
const x1 = (ins: readonly ScalarType[]): Expr => arg(1, ins[1]!);
const f64 = (e: Expr): Expr => convert(e, "f64", "round");

/** Integer division and remainder: in float64 (exact for 32-bit operands), truncated and
 * wrapped to the operands' type (so INT_MIN / -1 is INT_MIN and INT_MIN % -1 is 0), and by
 * zero as XLA defines it: x / 0 is -1 (all ones: the largest unsigned value), x % 0 is x. */
const viaFloat64 = (f: (a: Expr, b: Expr) => Expr, byZero: (a: Expr, t: ScalarType) => Expr) => (ins: readonly ScalarType[]): Expr => {
  const t = ins[0]!;
  const q = convert(f(f64(x0(ins)), f64(x1(ins))), t, "wrap");
  return select(compare("eq", x1(ins), lit(0, t)), q, byZero(x0(ins), t));
};
const allOnes = (t: ScalarType): number => (t === "u8" ? 0xff : t === "u32" ? 0xffffffff : -1);

/** x^|y| by square and multiply (integers: wrapping products), then 1/· for y < 0. */
function integerPow(x: Expr, y: number): Expr {
  const e = Math.abs(y);
  let v: Expr;
  if (isIntType(x.t)) {
    let r: Expr | undefined;
    let base: Expr = x;
    for (let k = e; k > 0; k = Math.floor(k / 2)) {
      if (k % 2 === 1) r = r === undefined ? base : binary("imul", r, base);
      if (k > 1) base = binary("imul", base, base);
    }
    v = r ?? lit(1, x.t);
    // imul wraps to 32 bits; a narrower type's power is wrapped to its width before 1/·.
    const power = x.t === "i32" ? v : convert(v, x.t, "wrap");
    return y < 0 ? convert(binary("div", lit(1, "f64"), f64(power)), x.t, "wrap") : v;
  }
  v = e === 2 ? binary("mul", x, x) : e === 3 ? binary("mul", binary("mul", x, x), x) : call2("pow", x, lit(e, x.t));
  return y < 0 ? binary("div", lit(1, x.t), v) : v;
}

function convertTo(from: ScalarType, to: ScalarType, x: Expr): Expr {
  if (from === to) return x;
  if (to === "bool") return convert(x, "bool", "truthy");
  if (isIntType(to)) return convert(x, to, from === "bool" || isIntType(from) ? "wrap" : "saturate");
  return convert(x, to, "round");
}

const callOf = (fn: Parameters<typeof call>[0]): ExprRule<ElementwisePrim> => (ins) => call(fn, x0(ins));
const bin = (op: Parameters<typeof binary>[0]): ExprRule<ElementwisePrim> => (ins) => binary(op, x0(ins), x1(ins));
const cmp = (op: Parameters<typeof compare>[0]): ExprRule<ElementwisePrim> => (ins) => compare(op, x0(ins), x1(ins));

export const elementwiseExprs: { readonly [P in ElementwisePrim]: ExprRule<P> } = {
  exp: callOf("exp"),
  log: callOf("log"),
  expm1: callOf("expm1"),
  log1p: callOf("log1p"),
  sin: callOf("sin"),
  cos: callOf("cos"),
  tan: callOf("tan"),
  asin: callOf("asin"),
  acos: callOf("acos"),
  atan: callOf("atan"),
  sinh: callOf("sinh"),
  cosh: callOf("cosh"),
  tanh: callOf("tanh"),
  logistic: callOf("logistic"),
  erf: callOf("erf"),
  erf_inv: callOf("erf_inv"),
  sqrt: (ins) => unary("sqrt", x0(ins)),
  rsqrt: (ins) => binary("div", lit(1, ins[0]!), unary("sqrt", x0(ins))),
  floor: (ins) => unary("floor", x0(ins)),
  ceil: (ins) => unary("ceil", x0(ins)),
  // Round half to even (jnp.round's rule), as the js backend has always done.
  round: (ins) => unary("round_even", x0(ins)),
  neg: (ins) => unary("neg", x0(ins)),
  // NaN → NaN, ±0 → ±0 (both comparisons false keep x).
  sign: (ins) => {
    const [x, t] = [x0(ins), ins[0]!];
    return select(compare("gt", x, lit(0, t)), select(compare("lt", x, lit(0, t)), x, lit(-1, t)), lit(1, t));
  },
  abs: (ins) => unary("abs", x0(ins)),
  square: (ins) => binary(isIntType(ins[0]!) ? "imul" : "mul", x0(ins), x0(ins)),
  integer_pow: (ins, { y }) => integerPow(x0(ins), y),
  stop_gradient: (ins) => x0(ins),
  add: bin("add"),
  sub: bin("sub"),
  mul: (ins) => binary(isIntType(ins[0]!) ? "imul" : "mul", x0(ins), x1(ins)),
  div: (ins) => (isIntType(ins[0]!) ? viaFloat64((a, b) => binary("div", a, b), (_a, t) => lit(allOnes(t), t))(ins) : binary("div", x0(ins), x1(ins))),
  rem: (ins) => (isIntType(ins[0]!) ? viaFloat64((a, b) => call2("rem", a, b), (a) => a)(ins) : call2("rem", x0(ins), x1(ins))),
  pow: (ins) => call2("pow", x0(ins), x1(ins)),
  max: bin("max"),
  min: bin("min"),
  atan2: (ins) => call2("atan2", x0(ins), x1(ins)),
  and: bin("and"),
  or: bin("or"),
  xor: bin("xor"),
  // A logical shift reads the bits unsigned: a signed narrow type is masked to its width
  // first (int8 -1 >>> 1 is 127, not the int32 0x7fffffff that wraps back to -1).
  shift_right_logical: (ins) => {
    const t = ins[0]!;
    const mask = t === "i8" ? 0xff : t === "i16" ? 0xffff : 0;
    return binary("shr_u", mask === 0 ? x0(ins) : binary("and", x0(ins), lit(mask, t)), x1(ins));
  },
  shift_left: bin("shl"),
  eq: cmp("eq"),
  ne: cmp("ne"),
  lt: cmp("lt"),
  le: cmp("le"),
  gt: cmp("gt"),
  ge: cmp("ge"),
  not: (ins) => (ins[0] === "bool" ? binary("xor", x0(ins), lit(1, "bool")) : unary("bit_not", x0(ins))),
  is_finite: (ins) => unary("is_finite", x0(ins)),
  // select_n(pred, onFalse, onTrue)
  select_n: (ins) => select(arg(0, ins[0]!), arg(1, ins[1]!), arg(2, ins[2]!)),
  convert_element_type: (ins, { new_dtype }) => convertTo(ins[0]!, scalarType(new_dtype), x0(ins)),
};

/** The expression of `prim` on operands of dtypes `ins` with `params`. */
export function exprOf<P extends ElementwisePrim>(prim: P, ins: readonly DType[], params: ParamsOf<P>): Expr {
  const rule: ExprRule<P> = elementwiseExprs[prim];
  return rule(ins.map(scalarType), params);
}
