// numpy's operand handling: JAX type promotion (JS numbers are weak) and broadcasting,
// expressed with convert_element_type and broadcast_in_dim.
import { NDArray, type Operand } from "../array.js";
import { sameShape } from "../aval.js";
import { defaultFloat } from "../config.js";
import { asArray, scalar } from "../creation.js";
import { type DType, isFloat, promoteTypes, type TypeInfo } from "../dtype.js";
import * as lax from "../lax/index.js";
import { broadcastShapes } from "../shape.js";

function typeInfo(x: Operand): TypeInfo {
  if (typeof x === "number") return { dtype: Number.isInteger(x) ? "int32" : defaultFloat(), weakType: true };
  if (typeof x === "boolean") return { dtype: "bool", weakType: false };
  return { dtype: x.dtype, weakType: x.weakType };
}

export function resultType(...xs: Operand[]): TypeInfo {
  return xs.map(typeInfo).reduce((a, b) => promoteTypes(a, b, defaultFloat()));
}

export function castTo(x: Operand, t: TypeInfo, where: string): NDArray {
  if (typeof x === "number") return scalar(x, t.dtype, t.weakType);
  const a = asArray(x, where);
  return a.dtype === t.dtype ? a : lax.convertElementType(a, t.dtype, t.weakType);
}

/** Broadcast to `shape` (rank-0 values stay scalars: the primitives broadcast those). */
export function broadcastTo(x: NDArray, shape: readonly number[], keepScalar = false): NDArray {
  if (sameShape(x.shape, shape) || (keepScalar && x.ndim === 0)) return x;
  const offset = shape.length - x.ndim;
  return lax.broadcastInDim(x, shape, x.shape.map((_, i) => i + offset));
}

/** Promote operands to one dtype and broadcast them to one shape (scalars kept rank 0). */
export function promoteArgs(where: string, xs: readonly Operand[], minDType?: "float"): NDArray[] {
  let t = resultType(...xs);
  if (minDType === "float" && !isFloat(t.dtype)) t = { dtype: defaultFloat(), weakType: t.weakType };
  const arrays = xs.map((x) => castTo(x, t, where));
  const shape = broadcastShapes(where, ...arrays.map((a) => a.shape));
  return arrays.map((a) => broadcastTo(a, shape, true));
}

/** A float version of x (ints and bools become the default float). */
export function toFloat(x: Operand, where: string): NDArray {
  const a = typeof x === "number" ? scalar(x, defaultFloat(), true) : asArray(x, where);
  return isFloat(a.dtype) ? a : lax.convertElementType(a, defaultFloat(), a.weakType);
}

export const dtypeOf = (x: Operand): DType => typeInfo(x).dtype;
export { NDArray };
