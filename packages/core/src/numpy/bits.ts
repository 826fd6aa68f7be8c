// numpy's functions of a float's bits, through lax.bitcastConvertType: signbit, copysign,
// nextafter, and x.view(dtype) (the same bytes as another dtype, numpy's reshaping of the last
// axis). Bytes are little-endian, so a float64 viewed as two 32-bit words is [low, high].
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkDType, type DType, isFloat, itemSize } from "../dtype.js";
import { DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { fmtShape } from "../shape.js";
import { promoteArgs } from "./promote.js";

/** The signed integer of a float's width, holding its bits (float64: two int32 words). */
const WORDS: Partial<Record<DType, DType>> = { float16: "int16", bfloat16: "int16", float32: "int32", float64: "int32" };

/** The high (sign-holding) word of each element of a float array, as a signed integer. */
function highWord(x: NDArray): NDArray {
  const w = lax.bitcastConvertType(x, WORDS[x.dtype]!);
  if (x.dtype !== "float64") return w;
  // [..., 2]: low word first
  const hi = lax.slice(w, w.shape.map((_, k) => (k === w.ndim - 1 ? 1 : 0)), w.shape);
  return lax.reshape(hi, x.shape);
}

/**
 * signbit(x): whether the sign bit is set — true for −0 and a negative NaN too; x < 0 for integers.
 *
 * @example
 * np.signbit(array([-1, 0, -0, 2])); // [true, false, true, false]
 */
export function signbit(x: Operand): NDArray {
  const a = asArray(x, "signbit");
  if (a.dtype === "bool") return lax.convertElementType(lax.broadcastInDim(0, a.shape, []), "bool");
  if (!isFloat(a.dtype)) return lax.lt(a, lax.convertElementType(0, a.dtype));
  return lax.lt(highWord(a), lax.convertElementType(0, WORDS[a.dtype]!));
}

/**
 * copysign(x1, x2): |x1| with the sign bit of x2 (floats; integers are promoted to the default float).
 *
 * @example
 * np.copysign(array([1, 2]), array([-0, 3])); // [-1, 2]
 */
export function copysign(x1: Operand, x2: Operand): NDArray {
  const [a, b] = promoteArgs("copysign", [x1, x2], "float");
  const m = lax.abs(a!);
  const s = signbit(b!);
  return lax.select(s, lax.neg(m), m);
}

/**
 * nextafter(x1, x2): the float next to x1 in the direction of x2 (x2 itself when they are
 * equal, NaN when either is), by stepping x1's bits — as C's nextafter and JAX's lax.nextafter.
 *
 * @example
 * np.nextafter(array([1]), 2).sub(1); // [1.1920929e-7]
 */
export function nextafter(x1: Operand, x2: Operand): NDArray {
  const [a0, b0] = promoteArgs("nextafter", [x1, x2], "float");
  const shape = a0!.ndim >= b0!.ndim ? a0!.shape : b0!.shape;
  const full = (v: NDArray): NDArray => (v.ndim === shape.length ? v : lax.broadcastInDim(v, shape, []));
  const [a, b] = [full(a0!), full(b0!)];
  const d = a.dtype;
  const zero = lax.convertElementType(0, d);
  // away from zero when moving up from a positive x1 or down from a negative one: the bits grow
  const up = lax.bitwiseXor(lax.lt(a, b), lax.lt(a, zero));
  let stepped: NDArray;
  if (d === "float64") {
    const w = lax.bitcastConvertType(a, "uint32");
    const lo = lax.reshape(lax.slice(w, [...shape.map(() => 0), 0], [...shape, 1]), shape);
    const hi = lax.reshape(lax.slice(w, [...shape.map(() => 0), 1], [...shape, 2]), shape);
    const one = lax.convertElementType(1, "uint32");
    const zeroU = lax.convertElementType(0, "uint32");
    const loUp = lax.add(lo, one);
    const hiUp = lax.add(hi, lax.convertElementType(lax.eq(loUp, zeroU), "uint32"));
    const loDown = lax.sub(lo, one);
    const hiDown = lax.sub(hi, lax.convertElementType(lax.eq(lo, zeroU), "uint32"));
    const pair = (l: NDArray, h: NDArray): NDArray => lax.concatenate([lax.reshape(l, [...shape, 1]), lax.reshape(h, [...shape, 1])], shape.length);
    stepped = lax.bitcastConvertType(lax.select(lax.broadcastInDim(up, [...shape, 2], shape.map((_, k) => k)), pair(loUp, hiUp), pair(loDown, hiDown)), "float64");
  } else {
    const t = WORDS[d]!;
    const bits = lax.bitcastConvertType(a, t);
    const one = lax.convertElementType(1, t);
    stepped = lax.bitcastConvertType(lax.select(up, lax.add(bits, one), lax.sub(bits, one)), d);
  }
  // from ±0 the next float is the smallest subnormal, signed as the direction
  const magnitude = d === "float64" ? lax.convertElementType(5e-324, "float64") : lax.bitcastConvertType(lax.convertElementType(1, WORDS[d]!), d);
  const smallest = copysign(magnitude, b);
  let r = lax.select(lax.eq(a, zero), smallest, stepped);
  r = lax.select(lax.eq(a, b), b, r);
  const nan = lax.bitwiseOr(lax.ne(a, a), lax.ne(b, b));
  return lax.select(nan, lax.convertElementType(Number.NaN, d), r);
}

/**
 * x.view(dtype): the same bytes as `dtype`, numpy's way: the last axis grows or shrinks by the
 * ratio of the widths (float64[3] as int32 is int32[6]); a 0-d array only to the same width.
 *
 * @example
 * np.view(array([1], { dtype: "float32" }), "int32"); // [1065353216]
 * np.view(zeros([3], "float64"), "int32").shape; // [6]
 */
export function view(x: Operand, dtype: DType): NDArray {
  const a = asArray(x, "view");
  const d = checkDType(dtype, "view");
  if (a.dtype === d) return a;
  if (a.dtype === "bool" || d === "bool") throw new DTypeError(`view: bool has no bit pattern to reinterpret (from ${a.dtype} to ${d})`);
  const [from, to] = [itemSize(a.dtype), itemSize(d)];
  if (from === to) return lax.bitcastConvertType(a, d);
  if (a.ndim === 0) throw new ShapeError(`view: a 0-d array can only be viewed as a dtype of the same width (${a.dtype} is ${from} bytes, ${d} is ${to})`);
  const last = a.shape[a.ndim - 1]!;
  if (from > to) {
    const b = lax.bitcastConvertType(a, d);
    return lax.reshape(b, [...a.shape.slice(0, -1), last * (from / to)]);
  }
  const k = to / from;
  if (last % k !== 0) throw new ShapeError(`view: the last axis (${last} elements of ${a.dtype}) must be a multiple of ${k} to view as ${d}, got shape ${fmtShape(a.shape)}`);
  return lax.bitcastConvertType(lax.reshape(a, [...a.shape.slice(0, -1), last / k, k]), d);
}

