// One plain loop per node kind of the scalar vocabulary: the js lowering of each node. Each
// loop is its own function literal, so V8 keeps each one's element accesses and its one
// operation specialised (no call through a shared loop, no `new Function`: a strict
// Content-Security-Policy page runs them). `o[oo + i] = op(a[ao + i], ...)` for i < n; the
// offsets let one loop serve whole arrays and chunks of them alike.
import { floatToInt, floatToInt32, type TypedArray } from "../../dtype.js";
import type { BinaryIntrinsic, BinaryOp, CompareOp, ConvertMode, ScalarType, UnaryIntrinsic, UnaryOp } from "./expr.js";
import { erf, erfInv, logistic, roundHalfEven } from "./js-math.js";

/** Typed arrays of any dtype (results) or the float64 scratch chunks (intermediates). */
export type Arr = TypedArray;
export type Loop1 = (o: Arr, oo: number, a: Arr, ao: number, n: number) => void;
export type Loop2 = (o: Arr, oo: number, a: Arr, ao: number, b: Arr, bo: number, n: number) => void;
export type Loop3 = (o: Arr, oo: number, p: Arr, po: number, a: Arr, ao: number, b: Arr, bo: number, n: number) => void;

export const unaryLoops: { readonly [K in UnaryOp]: Loop1 } = {
  neg: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = -a[ao + i]!; },
  abs: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.abs(a[ao + i]!); },
  sqrt: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.sqrt(a[ao + i]!); },
  floor: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.floor(a[ao + i]!); },
  ceil: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.ceil(a[ao + i]!); },
  round_even: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = roundHalfEven(a[ao + i]!); },
  bit_not: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = ~a[ao + i]!; },
  is_finite: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Number.isFinite(a[ao + i]!) ? 1 : 0; },
};

export const binaryLoops: { readonly [K in BinaryOp]: Loop2 } = {
  add: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! + b[bo + i]!; },
  sub: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! - b[bo + i]!; },
  mul: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! * b[bo + i]!; },
  div: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! / b[bo + i]!; },
  max: (o, oo, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      const y = b[bo + i]!;
      o[oo + i] = x > y || Number.isNaN(x) ? x : y;
    }
  },
  min: (o, oo, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const x = a[ao + i]!;
      const y = b[bo + i]!;
      o[oo + i] = x < y || Number.isNaN(x) ? x : y;
    }
  },
  imul: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.imul(a[ao + i]!, b[bo + i]!); },
  and: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! & b[bo + i]!; },
  or: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! | b[bo + i]!; },
  xor: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! ^ b[bo + i]!; },
  shl: (o, oo, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const s = b[bo + i]!;
      o[oo + i] = s >= 32 || s < 0 ? 0 : a[ao + i]! << s;
    }
  },
  shr_u: (o, oo, a, ao, b, bo, n) => {
    for (let i = 0; i < n; i++) {
      const s = b[bo + i]!;
      o[oo + i] = s >= 32 || s < 0 ? 0 : a[ao + i]! >>> s;
    }
  },
};

export const compareLoops: { readonly [K in CompareOp]: Loop2 } = {
  eq: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i] === b[bo + i] ? 1 : 0; },
  ne: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i] !== b[bo + i] ? 1 : 0; },
  lt: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! < b[bo + i]! ? 1 : 0; },
  le: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! <= b[bo + i]! ? 1 : 0; },
  gt: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! > b[bo + i]! ? 1 : 0; },
  ge: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! >= b[bo + i]! ? 1 : 0; },
};

/** Conversions: `round` to f32 rounds (Math.fround), to f64 copies; see ConvertMode. */
export const convertLoops: { readonly [K in ConvertMode | "round_f32"]: Loop1 } = {
  round: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]!; },
  round_f32: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.fround(a[ao + i]!); },
  wrap: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! | 0; },
  saturate: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = floatToInt32(a[ao + i]!); },
  truthy: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i] !== 0 ? 1 : 0; },
};

/** Wrapping and saturating conversions to the narrow integer types and uint32 (int32's are above). */
const narrowConvertLoops: { readonly [K in "wrap" | "saturate"]: { readonly [T in "i16" | "i8" | "u32" | "u8"]: Loop1 } } = {
  wrap: {
    i16: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = (a[ao + i]! << 16) >> 16; },
    i8: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = (a[ao + i]! << 24) >> 24; },
    u32: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! >>> 0; },
    u8: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! & 0xff; },
  },
  saturate: {
    i16: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = floatToInt(a[ao + i]!, "int16"); },
    i8: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = floatToInt(a[ao + i]!, "int8"); },
    u32: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = floatToInt(a[ao + i]!, "uint32"); },
    u8: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = floatToInt(a[ao + i]!, "uint8"); },
  },
};

/** The loop of a conversion node of `mode` to type `t`. */
export function convertLoopOf(mode: ConvertMode, t: ScalarType): Loop1 {
  if (mode === "round") return t === "f32" ? convertLoops.round_f32 : convertLoops.round;
  if ((mode === "wrap" || mode === "saturate") && (t === "i16" || t === "i8" || t === "u32" || t === "u8")) return narrowConvertLoops[mode][t];
  return convertLoops[mode];
}

export const callLoops: { readonly [K in UnaryIntrinsic]: Loop1 } = {
  exp: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.exp(a[ao + i]!); },
  log: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.log(a[ao + i]!); },
  log1p: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.log1p(a[ao + i]!); },
  expm1: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.expm1(a[ao + i]!); },
  sin: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.sin(a[ao + i]!); },
  cos: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.cos(a[ao + i]!); },
  tan: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.tan(a[ao + i]!); },
  asin: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.asin(a[ao + i]!); },
  acos: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.acos(a[ao + i]!); },
  atan: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.atan(a[ao + i]!); },
  sinh: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.sinh(a[ao + i]!); },
  cosh: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.cosh(a[ao + i]!); },
  tanh: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.tanh(a[ao + i]!); },
  logistic: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = logistic(a[ao + i]!); },
  erf: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = erf(a[ao + i]!); },
  erf_inv: (o, oo, a, ao, n) => { for (let i = 0; i < n; i++) o[oo + i] = erfInv(a[ao + i]!); },
};

export const call2Loops: { readonly [K in BinaryIntrinsic]: Loop2 } = {
  pow: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! ** b[bo + i]!; },
  atan2: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = Math.atan2(a[ao + i]!, b[bo + i]!); },
  rem: (o, oo, a, ao, b, bo, n) => { for (let i = 0; i < n; i++) o[oo + i] = a[ao + i]! % b[bo + i]!; },
};

export const selectLoop: Loop3 = (o, oo, p, po, a, ao, b, bo, n) => {
  for (let i = 0; i < n; i++) o[oo + i] = p[po + i] ? b[bo + i]! : a[ao + i]!;
};

/** The same scalar functions one value at a time (the wasm kernels import the ones they call per lane). */
export const scalarCalls: { readonly [K in UnaryIntrinsic]: (x: number) => number } = {
  exp: Math.exp, log: Math.log, log1p: Math.log1p, expm1: Math.expm1, sin: Math.sin, cos: Math.cos, tan: Math.tan,
  asin: Math.asin, acos: Math.acos, atan: Math.atan, sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh,
  logistic, erf, erf_inv: erfInv,
};
export const scalarCalls2: { readonly [K in BinaryIntrinsic]: (a: number, b: number) => number } = {
  pow: Math.pow,
  atan2: Math.atan2,
  rem: (a, b) => a % b,
};
