// Argument checks shared by the samplers: the float dtype, float parameters converted to
// it, and JAX's rule tying the `shape` argument to the parameters' shapes.
import { NDArray, type Operand } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray } from "../creation.js";
import { checkArrayShape, checkDType, type DType, isComplex, isHalf } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { broadcastShapes, describeValue, fmtShape } from "../shape.js";

/** A sampler's float dtype: the default float unless given; never an integer or bool. */
export function floatDType(dtype: unknown, where: string): DType {
  const d = dtype === undefined ? defaultFloat() : checkDType(dtype, where);
  if (isHalf(d)) {
    throw new DTypeError(`${where}: ${d} samples are not supported (the samplers work in float32 or float64); sample float32 and cast with astype("${d}")`);
  }
  if (d !== "float32" && d !== "float64") throw new ArgumentError(`${where}: dtype must be a float dtype ("float32" or "float64"), got "${d}"`);
  return d;
}

/**
 * A distribution parameter as an array of the sample dtype. With `safeCast` (JAX's
 * `_check_all_safe_to_cast`, used by beta, t and chisquare) a float64 array is refused for
 * float32 samples instead of being rounded silently; JS numbers are weak and always fit.
 */
export function floatParam(x: Operand, d: DType, where: string, name: string, safeCast = false): NDArray {
  if (!(x instanceof NDArray) && typeof x !== "number") throw new ArgumentError(`${where}: ${name} must be an NDArray or a number, got ${describeValue(x)}`);
  const a = asArray(x, where);
  if (a.dtype === "bool") throw new DTypeError(`${where}: ${name} must be numeric, got ${a.aval.str()}`);
  // (the samples are real: a complex parameter's imaginary part would be dropped in the cast)
  if (isComplex(a.dtype)) throw new DTypeError(`${where}: ${name} must be real, got ${a.aval.str()}`);
  if (safeCast && a.dtype === "float64" && !a.aval.weakType && d === "float32") {
    throw new DTypeError(`${where}: cannot safely cast ${name} of dtype float64 to the sample dtype float32; pass dtype "float64" or cast ${name} first`);
  }
  return a.dtype === d ? a : lax.convertElementType(a, d);
}

/**
 * The shape of the sample (JAX's `_check_broadcast_shapes`): without `shape`, the
 * parameters' broadcast shape; with it, it must already be that broadcast (parameters fill
 * its trailing axes), so a parameter is never silently truncated or a shape silently grown.
 */
export function sampleShape(shape: readonly number[] | null | undefined, d: DType, where: string, ...params: readonly NDArray[]): number[] {
  const paramShapes = params.map((p) => p.shape);
  if (shape === undefined || shape === null) return checkArrayShape(broadcastShapes(where, ...paramShapes), d, where);
  const s = checkArrayShape(shape, d, where);
  checkBroadcastsTo(s, paramShapes, where);
  return s;
}

/** Every parameter shape must broadcast to `shape` without growing it. */
export function checkBroadcastsTo(shape: readonly number[], paramShapes: readonly (readonly number[])[], where: string): void {
  for (const p of paramShapes) {
    const ok = p.length <= shape.length && p.every((dim, i) => dim === 1 || dim === shape[shape.length - p.length + i]);
    if (!ok) {
      throw new ShapeError(`${where}: parameter shape ${fmtShape(p)} must broadcast to the shape argument ${fmtShape(shape)} (the sample shape is the shape argument, or the parameters' broadcast shape when it is omitted)`);
    }
  }
}
