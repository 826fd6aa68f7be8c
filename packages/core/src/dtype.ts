// DTypes, their typed-array storage, and JAX's type promotion with weak types.
import { DTypeError } from "./errors.js";
import { describeValue } from "./shape.js";

export type DType = "float32" | "float64" | "int32" | "bool";
export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function checkDType(x: unknown, where: string): DType {
  if (!isDType(x)) {
    const given = typeof x === "string" ? JSON.stringify(x) : describeValue(x);
    throw new DTypeError(`${where}: unknown dtype ${given}; expected one of ${DTYPES.join(", ")}`);
  }
  return x;
}

export const isFloat = (d: DType): boolean => d === "float32" || d === "float64";
export const isInteger = (d: DType): boolean => d === "int32";

/** The short names of JAX's printed avals: f32, f64, i32, bool. */
export function shortName(d: DType): string {
  switch (d) {
    case "float32":
      return "f32";
    case "float64":
      return "f64";
    case "int32":
      return "i32";
    case "bool":
      return "bool";
  }
}

export function allocate(d: DType, size: number): TypedArray {
  switch (d) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

/** Store a JS number the way the dtype would: rounding, wrapping, truthiness. */
export function castScalar(v: number | boolean, d: DType): number {
  const n = typeof v === "boolean" ? (v ? 1 : 0) : v;
  switch (d) {
    case "float32":
      return Math.fround(n);
    case "float64":
      return n;
    case "int32":
      return Number.isFinite(n) ? Math.trunc(n) | 0 : 0;
    case "bool":
      return n !== 0 ? 1 : 0;
  }
}

// Promotion lattice: bool < int32 < float32 < float64, plus weak types. A weak
// value (from a JS number) takes the other operand's dtype unless it belongs to a
// higher kind (a fractional number meeting an integer array), as in JAX.
const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const kind = (d: DType): number => (d === "bool" ? 0 : d === "int32" ? 1 : 2);

export interface TypeInfo {
  readonly dtype: DType;
  readonly weakType: boolean;
}

/** The join of two types. `_defaultFloat` is kept for callers; weak floats already carry theirs. */
export function promoteTypes(a: TypeInfo, b: TypeInfo, _defaultFloat?: DType): TypeInfo {
  for (const t of [a, b]) {
    if (typeof t !== "object" || t === null || !isDType(t.dtype) || typeof t.weakType !== "boolean") {
      throw new DTypeError(`promoteTypes: expected { dtype, weakType } (a dtype name and a boolean), got ${describeValue(t)}`);
    }
  }
  if (a.weakType === b.weakType) {
    const d = rank[a.dtype] >= rank[b.dtype] ? a.dtype : b.dtype;
    return { dtype: d, weakType: a.weakType };
  }
  const [weak, strong] = a.weakType ? [a, b] : [b, a];
  if (kind(weak.dtype) <= kind(strong.dtype)) return { dtype: strong.dtype, weakType: false };
  // The weak value already carries its dtype (JS numbers get the default float when they
  // are made arrays); keeping it makes promotion associative, and never narrows a weak float64.
  return { dtype: weak.dtype, weakType: true };
}

export function resultTypeOf(infos: readonly TypeInfo[], defaultFloat: DType): TypeInfo {
  if (infos.length === 0) throw new DTypeError("resultType: no operands");
  return infos.reduce((acc, t) => promoteTypes(acc, t, defaultFloat));
}
