// numpy's operand handling: JAX type promotion (JS numbers are weak) and broadcasting,
// expressed with convert_element_type and broadcast_in_dim.
import { NDArray, type Operand } from "../array.js";
import { sameShape } from "../aval.js";
import { defaultFloat } from "../config.js";
import { asArray, scalar } from "../creation.js";
import { type DType, isComplex, isDType, isInexact, jsNumberDType, resultTypeOf, type TypeInfo } from "../dtype.js";
import { ArgumentError, DTypeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { broadcastShapes } from "../shape.js";

function typeInfo(x: Operand | DType, where: string): TypeInfo {
  if (typeof x === "string" && isDType(x)) return { dtype: x, weakType: false };
  if (typeof x === "number") return { dtype: jsNumberDType(x, defaultFloat()), weakType: true };
  if (typeof x === "boolean") return { dtype: "bool", weakType: false };
  const a = asArray(x, where);
  return { dtype: a.dtype, weakType: a.weakType };
}

/**
 * jnp.result_type: the dtype (and weak type) that operands promote to together, on JAX's
 * lattice; arrays, JS numbers (weakly typed), booleans and dtype names (strongly typed).
 *
 * @example
 * np.resultType(array([1], { dtype: "int8" }), 2.5).dtype; // "float32"
 * np.resultType("uint8", "int8").dtype; // "int16"
 */
export function resultType(...xs: (Operand | DType)[]): TypeInfo {
  return resultTypeIn("resultType", xs);
}

/** resultType, naming `where` when an operand is not an array or a number. */
export function resultTypeIn(where: string, xs: readonly (Operand | DType)[]): TypeInfo {
  if (xs.length === 0) throw new ArgumentError(`${where}: needs at least one operand`);
  return resultTypeOf(xs.map((x) => typeInfo(x, where)), defaultFloat());
}

export function castTo(x: Operand, t: TypeInfo, where: string): NDArray {
  if (typeof x === "number") return scalar(x, t.dtype, t.weakType, where);
  const a = asArray(x, where);
  return a.dtype === t.dtype ? a : lax.convertElementType(a, t.dtype, t.weakType);
}

/** Broadcast to `shape` (rank-0 values stay scalars: the primitives broadcast those). */
export function broadcastTo(x: NDArray, shape: readonly number[], keepScalar = false): NDArray {
  if (sameShape(x.shape, shape) || (keepScalar && x.ndim === 0)) return x;
  const offset = shape.length - x.ndim;
  return lax.broadcastInDim(x, shape, x.shape.map((_, i) => i + offset));
}

/** Promote operands to one dtype, keeping their shapes (for contractions such as matmul). */
export function promoteDTypes(where: string, xs: readonly Operand[], minDType?: "float"): NDArray[] {
  let t = resultTypeIn(where, xs);
  // (complex values are inexact already: they stay complex)
  if (minDType === "float" && !isInexact(t.dtype)) t = { dtype: defaultFloat(), weakType: t.weakType };
  return xs.map((x) => castTo(x, t, where));
}

/** Promote operands to one dtype and broadcast them to one shape (scalars kept rank 0). */
export function promoteArgs(where: string, xs: readonly Operand[], minDType?: "float"): NDArray[] {
  if (xs.length === 2) {
    const fast = promotePair(where, xs[0]!, xs[1]!);
    if (fast !== undefined) return fast;
  }
  const arrays = promoteDTypes(where, xs, minDType);
  const shape = broadcastShapes(where, ...arrays.map((a) => a.shape));
  return arrays.map((a) => broadcastTo(a, shape, true));
}

/**
 * promoteArgs' answer for the two commonest eager pairs, without building type infos: two
 * strongly typed float arrays of one dtype and shape (returned as they are), and a strongly
 * typed float array with a JS number (which promotes to the array's dtype: a weak type never
 * widens a float). Undefined for any other pair, which takes the general path.
 */
function promotePair(where: string, a: Operand, b: Operand): NDArray[] | undefined {
  if (a instanceof NDArray) {
    if (a.weakType || (a.dtype !== "float32" && a.dtype !== "float64")) return undefined;
    if (b instanceof NDArray) return b.dtype === a.dtype && !b.weakType && sameShape(a.shape, b.shape) ? [a, b] : undefined;
    return typeof b === "number" ? [a, castTo(b, a.aval, where)] : undefined;
  }
  if (typeof a === "number" && b instanceof NDArray && !b.weakType && (b.dtype === "float32" || b.dtype === "float64")) {
    return [castTo(a, b.aval, where), b];
  }
  return undefined;
}

/** A float version of x (ints and bools become the default float; complex values stay complex,
 * so a function without a complex rule raises on them instead of dropping the imaginary part). */
export function toFloat(x: Operand, where: string): NDArray {
  const a = typeof x === "number" ? scalar(x, defaultFloat(), true, where) : asArray(x, where);
  return isInexact(a.dtype) ? a : lax.convertElementType(a, defaultFloat(), a.weakType);
}

/** A real float version of x for functions with no complex form here: integers and bools
 * become float32 (these functions' rule), a complex x is a DTypeError naming `where` (never
 * a cast that would drop its imaginary part). */
export function realFloatOf(x: Operand, where: string): NDArray {
  const a = asArray(x, where);
  if (isComplex(a.dtype)) throw new DTypeError(`${where}: not supported for complex input (${a.aval.str()}); take np.real / np.imag / np.abs first`);
  return isInexact(a.dtype) ? a : lax.convertElementType(a, "float32");
}

export const dtypeOf = (x: Operand): DType => typeInfo(x, "dtypeOf").dtype;
export { NDArray };
