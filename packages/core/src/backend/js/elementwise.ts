// Reference kernels of the elementwise primitives: plain typed-array loops. Values are
// computed in float64 and rounded on store, so float32 results are correctly rounded
// for + - * / sqrt, and int32 results wrap as XLA's do (Int32Array stores ToInt32).
import { floatToInt32 } from "../../dtype.js";
import type { ElementwisePrim } from "../../primitives/elementwise.js";
import { type Binary, binaryLoop, type Unary, unaryLoop } from "./loops.js";
import type { KernelTable, SimpleKernel } from "./types.js";

const unary = (f: Unary, intF: Unary = f): SimpleKernel => {
  const floatLoop = unaryLoop(f);
  const intLoop = intF === f ? floatLoop : unaryLoop(intF);
  return ([x], inAvals, _p, _o, [res]) => {
    (inAvals[0]!.dtype === "int32" ? intLoop : floatLoop)(x!, res!);
  };
};

const binary = (f: Binary, intF: Binary = f): SimpleKernel => {
  const floatLoop = binaryLoop(f);
  const intLoop = intF === f ? floatLoop : binaryLoop(intF);
  return ([x, y], inAvals, _p, _o, [res]) => {
    const loop = inAvals[0]!.dtype === "int32" ? intLoop : floatLoop;
    loop(x!, y!, inAvals[0]!.ndim === 0 ? 0 : 1, inAvals[1]!.ndim === 0 ? 0 : 1, res!);
  };
};

// Abramowitz–Stegun 7.1.26 is too coarse for float64; use a series / continued fraction.
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    // Maclaurin series: erf x = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    const x2 = ax * ax;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  // erfc continued fraction (Lentz) for the tail
  const x2 = ax * ax;
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-x2) / (Math.sqrt(Math.PI) * f);
  return Math.sign(x) * (1 - erfc);
}

/** Inverse error function: Giles' single-precision approximation refined by Newton steps. */
function erfInv(y: number): number {
  if (y <= -1) return y === -1 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (y >= 1) return y === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
    x = p * y;
  }
  for (let i = 0; i < 2; i++) {
    const err = erf(x) - y;
    x -= err / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  }
  return x;
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function intPow(x: number, y: number, isInt: boolean): number {
  if (!isInt) return y === 2 ? x * x : y === 3 ? x * x * x : x ** y;
  // Square and multiply (wrapping int32 products): O(log y) steps, so a huge exponent cannot hang.
  let r = 1;
  for (let base = x, e = y; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = Math.imul(r, base);
    base = Math.imul(base, base);
  }
  return r;
}

const logistic = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
// Eager evaluation shares the input's buffer instead (a pure re-view, see backend.ts).
const copyKernel: SimpleKernel = ([x], _i, _p, _o, [res]) => res!.set(x!);

export const elementwiseKernels: KernelTable<ElementwisePrim> = {
  neg: unary((x) => -x),
  sign: unary((x) => (Number.isNaN(x) ? x : x > 0 ? 1 : x < 0 ? -1 : x)),
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  round: unary(roundHalfEven),
  is_finite: unary((x) => (Number.isFinite(x) ? 1 : 0)),
  not: unary(
    (x) => (x ? 0 : 1),
    (x) => ~x,
  ),
  exp: unary(Math.exp),
  log: unary(Math.log),
  expm1: unary(Math.expm1),
  log1p: unary(Math.log1p),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tan: unary(Math.tan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  atan: unary(Math.atan),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  tanh: unary(Math.tanh),
  logistic: unary(logistic),
  sqrt: unary(Math.sqrt),
  rsqrt: unary((x) => 1 / Math.sqrt(x)),
  abs: unary(Math.abs),
  erf: unary(erf),
  erf_inv: unary(erfInv),
  square: unary(
    (x) => x * x,
    (x) => Math.imul(x, x),
  ),
  integer_pow: ([x], inAvals, { y }, _o, [out]) => {
    const src = x!;
    const res = out!;
    const isInt = inAvals[0]!.dtype === "int32";
    const e = Math.abs(y);
    for (let i = 0; i < src.length; i++) {
      const v = intPow(src[i]!, e, isInt);
      res[i] = y < 0 ? 1 / v : v;
    }
  },
  stop_gradient: copyKernel,
  add: binary((a, b) => a + b),
  sub: binary((a, b) => a - b),
  mul: binary((a, b) => a * b, Math.imul),
  div: binary((a, b) => a / b),
  rem: binary((a, b) => a % b),
  pow: binary((a, b) => a ** b),
  max: binary((a, b) => (a > b || Number.isNaN(a) ? a : b)),
  min: binary((a, b) => (a < b || Number.isNaN(a) ? a : b)),
  atan2: binary(Math.atan2),
  and: binary((a, b) => a & b),
  or: binary((a, b) => a | b),
  xor: binary((a, b) => a ^ b),
  shift_right_logical: binary((a, b) => (b >= 32 || b < 0 ? 0 : a >>> b)),
  shift_left: binary((a, b) => (b >= 32 || b < 0 ? 0 : a << b)),
  eq: binary((a, b) => (a === b ? 1 : 0)),
  ne: binary((a, b) => (a !== b ? 1 : 0)),
  lt: binary((a, b) => (a < b ? 1 : 0)),
  le: binary((a, b) => (a <= b ? 1 : 0)),
  gt: binary((a, b) => (a > b ? 1 : 0)),
  ge: binary((a, b) => (a >= b ? 1 : 0)),
  select_n: ([pred, f, t], inAvals, _p, _o, [out]) => {
    const res = out!;
    const n = res.length;
    const sp = inAvals[0]!.ndim === 0 ? 0 : 1;
    const sf = inAvals[1]!.ndim === 0 ? 0 : 1;
    const st = inAvals[2]!.ndim === 0 ? 0 : 1;
    for (let i = 0; i < n; i++) res[i] = pred![i * sp] ? t![i * st]! : f![i * sf]!;
  },
  convert_element_type: ([x], _i, _p, [out], [res]) => {
    const src = x!;
    if (out!.dtype === "bool") for (let i = 0; i < src.length; i++) res![i] = src[i] !== 0 ? 1 : 0;
    // float -> int32 saturates and sends NaN to 0 (XLA), rather than wrapping modulo 2^32
    else if (out!.dtype === "int32") for (let i = 0; i < src.length; i++) res![i] = floatToInt32(src[i]!);
    else res!.set(src);
  },
};

export { erf, erfInv };
