// Dtype queries as jax.numpy has them: iinfo, finfo, promoteTypes, canCast.
import { NDArray } from "../array.js";
import { defaultFloat } from "../config.js";
import { checkDType, type DType, intRange, isComplex, isFloat, isInteger, isUnsigned, itemSize, promoteTypes as promoteInfos, realPartOf } from "../dtype.js";
import { ArgumentError, DTypeError } from "../errors.js";
import { describeValue } from "../shape.js";

/** A dtype named directly or by an array of it. */
function dtypeArg(x: DType | NDArray, where: string): DType {
  return x instanceof NDArray ? x.dtype : checkDType(x, where);
}

/** numpy's iinfo: the range of an integer dtype. */
export interface IInfo {
  readonly dtype: DType;
  readonly kind: "i" | "u";
  readonly bits: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The machine limits of an integer dtype (bool is not one: a DTypeError, as numpy's ValueError).
 *
 * @example
 * np.iinfo("int8").max; // 127
 * np.iinfo("uint32").max; // 4294967295
 */
export function iinfo(dtype: DType | NDArray): IInfo {
  const d = dtypeArg(dtype, "iinfo");
  if (!isInteger(d)) throw new DTypeError(`iinfo: invalid integer data type ${JSON.stringify(d)}`);
  const [min, max] = intRange(d);
  return Object.freeze({ dtype: d, kind: isUnsigned(d) ? "u" : "i", bits: 8 * itemSize(d), min, max });
}

/** numpy's finfo (ml_dtypes' for bfloat16): the limits of a float dtype, as JS numbers. */
export interface FInfo {
  readonly dtype: DType;
  readonly bits: number;
  /** The gap between 1 and the next larger float. */
  readonly eps: number;
  /** The gap between 1 and the next smaller float. */
  readonly epsneg: number;
  readonly max: number;
  readonly min: number;
  /** The smallest positive normal number (numpy's `tiny`, also `smallestNormal`). */
  readonly tiny: number;
  readonly smallestNormal: number;
  readonly smallestSubnormal: number;
  /** Decimal digits of precision: floor(-log10(eps)). */
  readonly precision: number;
  /** 10^-precision. */
  readonly resolution: number;
  /** Mantissa bits (without the implicit leading 1). */
  readonly nmant: number;
  /** Exponent bits. */
  readonly nexp: number;
  /** Also numpy's `iexp`. */
  readonly iexp: number;
  /** The smallest power of 2 that overflows. */
  readonly maxexp: number;
  /** The exponent of the smallest normal number. */
  readonly minexp: number;
  /** log2(eps). */
  readonly machep: number;
  /** log2(epsneg). */
  readonly negep: number;
}

const LAYOUT: { readonly [d: string]: readonly [number, number] } = {
  float16: [10, 5],
  bfloat16: [7, 8],
  float32: [23, 8],
  float64: [52, 11],
};

/**
 * The machine limits of a float dtype, from its layout (mantissa and exponent bits).
 *
 * @example
 * np.finfo("float32").eps; // 1.1920928955078125e-7
 * np.finfo("float16").max; // 65504
 */
export function finfo(dtype: DType | NDArray): FInfo {
  // a complex dtype's finfo is its parts' (numpy's and JAX's)
  const d = realPartOf(dtypeArg(dtype, "finfo"));
  const layout = LAYOUT[d];
  if (!isFloat(d) || layout === undefined) throw new DTypeError(`finfo: data type ${JSON.stringify(d)} is not a floating-point type`);
  const [nmant, nexp] = layout;
  const bias = 2 ** (nexp - 1) - 1;
  const eps = 2 ** -nmant;
  const max = (2 - eps) * 2 ** bias;
  const precision = Math.floor(-Math.log10(eps));
  return Object.freeze({
    dtype: d,
    bits: 8 * itemSize(d),
    eps,
    epsneg: 2 ** -(nmant + 1),
    max,
    min: -max,
    tiny: 2 ** (1 - bias),
    smallestNormal: 2 ** (1 - bias),
    smallestSubnormal: 2 ** (1 - bias - nmant),
    precision,
    resolution: Number(`1e-${precision}`),
    nmant,
    nexp,
    iexp: nexp,
    maxexp: bias + 1,
    minexp: 1 - bias,
    machep: -nmant,
    negep: -(nmant + 1),
  });
}

/**
 * jnp.promote_types: the dtype two (strongly typed) dtypes promote to, on JAX's lattice.
 *
 * @example
 * np.promoteTypes("int32", "float16"); // "float16"
 * np.promoteTypes("uint8", "int8"); // "int16"
 */
export function promoteTypes(a: DType | NDArray, b: DType | NDArray): DType {
  const x = dtypeArg(a, "promoteTypes");
  const y = dtypeArg(b, "promoteTypes");
  return promoteInfos({ dtype: x, weakType: false }, { dtype: y, weakType: false }, defaultFloat()).dtype;
}

/** Exact representability: every value of `from` is a value of `to` (numpy's "safe"). */
function safeCast(from: DType, to: DType): boolean {
  if (from === to || from === "bool") return true;
  if (to === "bool") return false;
  // complex: only to a wider complex; into complex, as into its part dtype
  if (isComplex(from)) return to === "complex128";
  if (isComplex(to)) return safeCast(from, realPartOf(to));
  if (isFloat(from)) {
    if (!isFloat(to)) return false;
    if (to === "float64") return true;
    return to === "float32" && (from === "float16" || from === "bfloat16");
  }
  // from is an integer: its range must fit an integer `to`, or lie within a float's exact integers.
  const [lo, hi] = intRange(from);
  if (isInteger(to)) {
    const [tlo, thi] = intRange(to);
    return tlo <= lo && hi <= thi;
  }
  const exactBits = (LAYOUT[to]?.[0] ?? 0) + 1;
  return Math.max(-lo, hi) <= 2 ** exactBits;
}

/** numpy's kind order for "same_kind": bool < unsigned < signed < float < complex. */
const kindRank = (d: DType): number => (d === "bool" ? 0 : isUnsigned(d) ? 1 : isInteger(d) ? 2 : isComplex(d) ? 4 : 3);

export type Casting = "no" | "equiv" | "safe" | "same_kind" | "unsafe";
const CASTINGS: readonly Casting[] = ["no", "equiv", "safe", "same_kind", "unsafe"];

/**
 * jnp.can_cast(from, to, casting = "safe"), numpy's rules: "safe" when every value of `from`
 * is exactly a value of `to`, "same_kind" also within a kind or to a higher one (float64 to
 * float16, uint32 to int8; not float to int), "unsafe" always, "no"/"equiv" only the same dtype.
 *
 * @example
 * np.canCast("int8", "int32"); // true
 * np.canCast("float32", "int32"); // false
 * np.canCast("float64", "float16", "same_kind"); // true
 */
export function canCast(from: DType | NDArray, to: DType, casting: Casting = "safe"): boolean {
  const f = dtypeArg(from, "canCast");
  const t = checkDType(to, "canCast");
  if (!CASTINGS.includes(casting)) throw new ArgumentError(`canCast: casting must be one of ${CASTINGS.map((c) => JSON.stringify(c)).join(", ")}, got ${describeValue(casting)}`);
  switch (casting) {
    case "no":
    case "equiv":
      return f === t;
    case "safe":
      return safeCast(f, t);
    case "same_kind":
      return safeCast(f, t) || kindRank(t) >= kindRank(f);
    case "unsafe":
      return true;
  }
}
