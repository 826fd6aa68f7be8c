// JVP rules of the elementwise primitives: derivatives written with lax, so that they
// are differentiable again (higher orders come from nesting).
import {
  bind1,
  type ComplexPrim,
  type ElementwisePrim,
  isComplex,
  isInexact,
  lax,
  type NDArray,
  noParams,
  type ParamsOf,
  type PrimitiveName,
} from "@jaxts/core";
import { instantiate, isZero, mulDerivative, type Tangent, Zero } from "../zero.js";
import { type JvpRule, type JvpTable, linearJvp, sumContributions, zeroJvp } from "./types.js";

type Unary =
  | "exp" | "log" | "expm1" | "log1p" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan" | "sinh" | "cosh"
  | "tanh" | "logistic" | "sqrt" | "rsqrt" | "abs" | "erf" | "erf_inv" | "square";

/** tangent_out = t · f'(x), with f' given in terms of the input x and the output y. */
const deriv =
  (prim: Unary, df: (x: NDArray, y: NDArray) => NDArray): JvpRule<Unary> =>
  ([x], [t]) => {
    const y = bind1(prim, [x!], noParams);
    return [[y], [mulDerivative(t as NDArray, df(x!, y))]];
  };

/** Per-operand partial derivatives of a binary primitive: d out = ∂x·tx + ∂y·ty. */
const binaryDeriv =
  <P extends PrimitiveName>(prim: P, dx: ((x: NDArray, y: NDArray, out: NDArray, t: NDArray) => NDArray) | null, dy: ((x: NDArray, y: NDArray, out: NDArray, t: NDArray) => NDArray) | null) =>
  ([x, y]: readonly NDArray[], [tx, ty]: readonly Tangent[], params: ParamsOf<P>): [NDArray[], Tangent[]] => {
    const out = bind1(prim, [x!, y!], params);
    const [ta, tb] = [tx!, ty!];
    const parts = [dx === null || isZero(ta) ? null : dx(x!, y!, out, ta), dy === null || isZero(tb) ? null : dy(x!, y!, out, tb)];
    return [[out], [sumContributions(out.shape, out.aval, parts)]];
  };

/** A weak rank-0 constant of x's dtype (a bare JS number in select would be the default float). */
const constant = (v: number, x: NDArray): NDArray => lax.convertElementType(v, x.dtype, true);
const one = (x: NDArray): NDArray => constant(1, x);
/** The share of max/min's derivative that goes to x, given the output z and the other operand y. */
const balancedEq = (x: NDArray, z: NDArray, y: NDArray): NDArray =>
  lax.div(lax.select(lax.eq(x, z), one(z), constant(0, z)), lax.select(lax.eq(y, z), constant(2, z), one(z)));
/** x with zeros replaced by ones (keeps log(x) finite where its coefficient vanishes). */
const replaceZero = (x: NDArray): NDArray => lax.select(lax.eq(x, 0), one(x), x);

export const elementwiseJvpRules: JvpTable<ElementwisePrim | ComplexPrim> = {
  exp: deriv("exp", (_x, y) => y),
  log: deriv("log", (x) => lax.div(1, x)),
  expm1: deriv("expm1", (_x, y) => lax.add(y, 1)),
  log1p: deriv("log1p", (x) => lax.div(1, lax.add(x, 1))),
  sin: deriv("sin", (x) => lax.cos(x)),
  cos: deriv("cos", (x) => lax.neg(lax.sin(x))),
  tan: deriv("tan", (_x, y) => lax.add(1, lax.square(y))),
  asin: deriv("asin", (x) => lax.rsqrt(lax.sub(1, lax.square(x)))),
  acos: deriv("acos", (x) => lax.neg(lax.rsqrt(lax.sub(1, lax.square(x))))),
  atan: deriv("atan", (x) => lax.div(1, lax.add(1, lax.square(x)))),
  sinh: deriv("sinh", (x) => lax.cosh(x)),
  cosh: deriv("cosh", (x) => lax.sinh(x)),
  tanh: deriv("tanh", (_x, y) => lax.sub(1, lax.square(y))),
  logistic: deriv("logistic", (_x, y) => lax.mul(y, lax.sub(1, y))),
  sqrt: deriv("sqrt", (_x, y) => lax.div(0.5, y)),
  rsqrt: deriv("rsqrt", (x, y) => lax.mul(lax.div(y, x), -0.5)),
  // As JAX: select(x >= 0, t, -t), so the derivative at 0 is 1 (not sign(0) = 0). For a
  // complex x, d|x| = real(t · conj(x) / |x|), with |x| = 0 replaced by 1 (so 0 there).
  abs: ([x], [t]) => {
    const y = lax.abs(x!);
    if (!isComplex(x!.dtype)) return [[y], [lax.select(lax.ge(x!, 0), t as NDArray, lax.neg(t as NDArray))]];
    const m = lax.convertElementType(replaceZero(y), x!.dtype);
    return [[y], [lax.real(lax.mul(t as NDArray, lax.div(lax.conj(x!), m)))]];
  },
  erf: deriv("erf", (x) => lax.mul(lax.exp(lax.neg(lax.square(x))), 2 / Math.sqrt(Math.PI))),
  erf_inv: deriv("erf_inv", (_x, y) => lax.mul(lax.exp(lax.square(y)), Math.sqrt(Math.PI) / 2)),
  square: deriv("square", (x) => lax.mul(x, 2)),
  integer_pow: ([x], [t], { y }) => {
    const out = lax.integerPow(x!, y);
    if (y === 0) return [[out], [new Zero(out.aval)]];
    const d = y === 1 ? one(x!) : lax.mul(y === 2 ? x! : lax.integerPow(x!, y - 1), y);
    return [[out], [lax.mul(t as NDArray, d)]];
  },
  neg: linearJvp("neg"),
  real: linearJvp("real"),
  imag: linearJvp("imag"),
  conj: linearJvp("conj"),
  complex: linearJvp("complex"),
  fft: linearJvp("fft"),
  stop_gradient: zeroJvp("stop_gradient"),
  sign: zeroJvp("sign"),
  floor: zeroJvp("floor"),
  ceil: zeroJvp("ceil"),
  round: zeroJvp("round"),
  is_finite: zeroJvp("is_finite"),
  not: zeroJvp("not"),
  and: zeroJvp("and"),
  or: zeroJvp("or"),
  xor: zeroJvp("xor"),
  shift_right_logical: zeroJvp("shift_right_logical"),
  shift_left: zeroJvp("shift_left"),
  eq: zeroJvp("eq"),
  ne: zeroJvp("ne"),
  lt: zeroJvp("lt"),
  le: zeroJvp("le"),
  gt: zeroJvp("gt"),
  ge: zeroJvp("ge"),
  add: binaryDeriv("add", (_x, _y, _o, t) => t, (_x, _y, _o, t) => t),
  sub: binaryDeriv("sub", (_x, _y, _o, t) => t, (_x, _y, _o, t) => lax.neg(t)),
  mul: binaryDeriv("mul", (_x, y, _o, t) => mulDerivative(t, y), (x, _y, _o, t) => mulDerivative(x, t)),
  div: binaryDeriv("div", (_x, y, _o, t) => lax.div(t, y), (_x, y, o, t) => lax.neg(lax.div(lax.mul(t, o), y))),
  rem: binaryDeriv("rem", (_x, _y, _o, t) => t, (x, y, _o, t) => {
    const q = lax.div(x, y);
    return lax.neg(lax.mul(t, lax.mul(lax.sign(q), lax.floor(lax.abs(q)))));
  }),
  pow: binaryDeriv(
    "pow",
    (x, y, _o, t) => {
      const d = lax.mul(y, lax.pow(x, lax.sub(y, 1)));
      return lax.mul(t, lax.select(lax.eq(y, 0), lax.mul(d, 0), d));
    },
    (x, _y, o, t) => lax.mul(t, lax.mul(lax.log(replaceZero(x)), o)),
  ),
  // At ties max/min split the derivative evenly between the operands, as JAX's
  // _balanced_eq does: ∂max/∂x = (x == out ? 1 : 0) / (y == out ? 2 : 1). Every constant
  // takes the operands' dtype (a bare literal would be the default float).
  max: binaryDeriv("max", (x, y, o, t) => lax.mul(t, balancedEq(x, o, y)), (x, y, o, t) => lax.mul(t, balancedEq(y, o, x))),
  min: binaryDeriv("min", (x, y, o, t) => lax.mul(t, balancedEq(x, o, y)), (x, y, o, t) => lax.mul(t, balancedEq(y, o, x))),
  atan2: binaryDeriv(
    "atan2",
    (x, y, _o, t) => lax.mul(t, lax.div(y, lax.add(lax.square(x), lax.square(y)))),
    (x, y, _o, t) => lax.mul(t, lax.neg(lax.div(x, lax.add(lax.square(x), lax.square(y))))),
  ),
  select_n: ([pred, f, t], [, tf, tt]) => {
    const out = bind1("select_n", [pred!, f!, t!], noParams);
    if (isZero(tf!) && isZero(tt!)) return [[out], [new Zero(out.aval)]];
    return [[out], [bind1("select_n", [pred!, instantiate(tf!), instantiate(tt!)], noParams)]];
  },
  convert_element_type: ([x], [t0], params) => {
    const t = t0!;
    const out = bind1("convert_element_type", [x!], params);
    // linear between inexact dtypes (float ↔ complex included: the real part, or a zero
    // imaginary part); integer and boolean sides carry no tangent
    const inexact = isInexact(x!.dtype) && isInexact(params.new_dtype);
    if (!inexact || isZero(t)) return [[out], [new Zero(out.aval)]];
    return [[out], [bind1("convert_element_type", [t], params)]];
  },
};
