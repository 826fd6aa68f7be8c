// Uniform and normal floats: the two samplers every continuous distribution is built on.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkArrayShape, type DType, isComplex, realPartOf } from "../dtype.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { blocks, checkKey, type PRNGKey, randomWords, split } from "./keys.js";
import { floatDType } from "./params.js";

/** uint32 words stored as int32, as floats holding their unsigned value. */
export const u32ToFloat = (x: NDArray, d: DType): NDArray => {
  const f = lax.convertElementType(x, d);
  return lax.select(lax.lt(x, 0), lax.add(f, 2 ** 32), f);
};

/** Floats in [0, 1) from the same bits JAX uses: the top 23 of 32 random bits (float32), or
 * the top 52 of 64 (float64, the 64 bits being (word0 << 32) | word1). */
export function unitFloats(k: NDArray, shape: readonly number[], d: DType): NDArray {
  if (d === "float32") {
    const b = randomWords(k, shape);
    return lax.mul(lax.convertElementType(lax.shiftRightLogical(b, 9), "float32"), 2 ** -23);
  }
  const [w0, w1] = blocks(k, shape.reduce((a, b) => a * b, 1));
  const top = lax.mul(u32ToFloat(lax.reshape(w0, shape), "float64"), 2 ** -32);
  return lax.add(top, lax.mul(lax.convertElementType(lax.shiftRightLogical(lax.reshape(w1, shape), 12), "float64"), 2 ** -52));
}

/**
 * Uniform floats in [minval, maxval); the bounds broadcast against `shape`.
 *
 * @example
 * const u = random.uniform(random.key(0), [1000], { minval: -1, maxval: 1 });
 * np.all(u.ge(-1).mul(u.lt(1))).item(); // true
 */
export function uniform(
  k: PRNGKey,
  shape: readonly number[] = [],
  opts: { readonly minval?: Operand; readonly maxval?: Operand; readonly dtype?: DType } = {},
): NDArray {
  checkOptions(opts, "random.uniform", { minval: "any", maxval: "any", dtype: "dtype" });
  const kk = checkKey(k, "random.uniform");
  const d = floatDType(opts.dtype, "random.uniform");
  const s = checkArrayShape(shape, d, "random.uniform");
  const lo = np.astype(asArray(opts.minval ?? 0, "random.uniform"), d);
  const hi = np.astype(asArray(opts.maxval ?? 1, "random.uniform"), d);
  const f = unitFloats(kk, s, d);
  return np.maximum(lo, np.add(np.multiply(f, np.subtract(hi, lo)), lo));
}

/**
 * Standard normal samples: √2 · erfinv(u) for u uniform in (-1, 1), as JAX. A complex dtype
 * gives standard complex normals, as JAX's: real and imaginary parts independent N(0, ½),
 * drawn from the two keys of split(k), so E|z|² = 1.
 *
 * @example
 * const z = random.normal(random.key(0), [10000]);
 * z.dtype; // "float32"
 * np.abs(np.mean(z)).lt(0.05).item(); // true
 * random.normal(random.key(0), [2], "complex64").dtype; // "complex64"
 */
export function normal(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const kk = checkKey(k, "random.normal");
  if (dtype !== undefined && isComplex(dtype)) {
    const part = realPartOf(dtype);
    const [kRe, kIm] = split(kk);
    const z = lax.complex(normalReal(kRe!, shape, part), normalReal(kIm!, shape, part));
    return lax.div(z, lax.convertElementType(Math.SQRT2, dtype));
  }
  return normalReal(kk, shape, floatDType(dtype, "random.normal"));
}

function normalReal(k: PRNGKey, shape: readonly number[], d: DType): NDArray {
  const lo = d === "float32" ? -1 + 2 ** -24 : -1 + 2 ** -53;
  const u = uniform(k, shape, { minval: lo, maxval: 1, dtype: d });
  return lax.mul(lax.erfInv(u), Math.SQRT2);
}

/** The smallest positive normal float of `d` (numpy's finfo.tiny). */
export const tiny = (d: DType): number => (d === "float32" ? 1.1754943508222875e-38 : 2.2250738585072014e-308);
/** The gap between 1 and the next float of `d` (finfo.eps). */
export const eps = (d: DType): number => (d === "float32" ? 2 ** -23 : 2 ** -52);
/** The gap between 1 and the float below it (finfo.epsneg). */
export const epsneg = (d: DType): number => (d === "float32" ? 2 ** -24 : 2 ** -53);
