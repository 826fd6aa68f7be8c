// jax.random for TypeScript: functional counter-based keys (threefry-2x32, as JAX), so
// the same key gives the same numbers everywhere, and bit-for-bit JAX's raw bits.
import { NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { ConcreteArray } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray } from "../creation.js";
import { checkDType, type DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import { checkOptions } from "../options.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkShape, describeValue, normalizeAxis } from "../shape.js";

/** A raw PRNG key: an int32 array of shape [2] (two uint32 words). */
export type PRNGKey = NDArray;

export function key(seed: number): PRNGKey {
  if (!Number.isInteger(seed)) throw new ArgumentError(`random.key: the seed must be an integer, got ${describeValue(seed)}`);
  const data = new Int32Array([Math.floor(seed / 2 ** 32) | 0, seed | 0]);
  return new ConcreteArray(new ShapedArray([2], "int32"), data);
}

function checkKey(k: unknown, where: string): NDArray {
  if (!(k instanceof NDArray) || k.dtype !== "int32" || k.shape.length !== 1 || k.shape[0] !== 2) {
    const got = k instanceof NDArray ? k.aval.str() : typeof k;
    throw new ArgumentError(`${where}: expected a PRNG key (int32[2] from random.key or random.split), got ${got}`);
  }
  return k;
}

/** threefry_2x32 over a flat count vector, JAX's layout: halves as the two words. */
function threefry(k: NDArray, count: NDArray): NDArray {
  const n = count.size;
  const padded = n % 2 === 1 ? lax.concatenate([count, lax.broadcastInDim(lax.convertElementType(0, "int32"), [1], [])], 0) : count;
  const half = padded.size / 2;
  const x0 = lax.slice(padded, [0], [half]);
  const x1 = lax.slice(padded, [half], [2 * half]);
  const k0 = lax.broadcastInDim(lax.reshape(lax.slice(k, [0], [1]), []), [half], []);
  const k1 = lax.broadcastInDim(lax.reshape(lax.slice(k, [1], [2]), []), [half], []);
  const [y0, y1] = lax.threefry2x32(k0, k1, x0, x1);
  const out = lax.concatenate([y0, y1], 0);
  return n % 2 === 1 ? lax.slice(out, [0], [n]) : out;
}

/** `num` new keys from one (JAX returns them stacked; a list destructures the same way). */
export function split(k: PRNGKey, num = 2): PRNGKey[] {
  const kk = checkKey(k, "random.split");
  if (!Number.isInteger(num) || num < 1) throw new ArgumentError(`random.split: num must be a positive integer, got ${describeValue(num)}`);
  const keys = lax.reshape(threefry(kk, lax.iota("int32", [2 * num], 0)), [num, 2]);
  return Array.from({ length: num }, (_, i) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]));
}

export function foldIn(k: PRNGKey, data: number): PRNGKey {
  const kk = checkKey(k, "random.foldIn");
  if (!Number.isInteger(data)) throw new ArgumentError(`random.foldIn: data must be an integer, got ${describeValue(data)}`);
  // JAX folds in `uint32(data)`: the words are [0, data mod 2^32].
  return threefry(kk, np.array([0, data | 0], { dtype: "int32" }));
}

/** Raw uint32 bits (as int32) of the given shape. */
export function bits(k: PRNGKey, shape: readonly number[]): NDArray {
  const kk = checkKey(k, "random.bits");
  const s = checkShape(shape, "random.bits");
  const n = s.reduce((a, b) => a * b, 1);
  return lax.reshape(threefry(kk, lax.iota("int32", [n], 0)), s);
}

const u32ToFloat = (x: NDArray, d: DType): NDArray => {
  const f = lax.convertElementType(x, d);
  return lax.select(lax.lt(x, 0), lax.add(f, 2 ** 32), f);
};

/** Floats in [0, 1) from the same bits JAX uses (23 or 52 mantissa bits). */
function unitFloats(k: NDArray, shape: readonly number[], d: DType): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  if (d === "float32") {
    const b = bits(k, shape);
    return lax.mul(lax.convertElementType(lax.shiftRightLogical(b, 9), "float32"), 2 ** -23);
  }
  const words = threefry(k, lax.iota("int32", [2 * n], 0));
  const hi = lax.reshape(lax.slice(words, [0], [n]), shape);
  const lo = lax.reshape(lax.slice(words, [n], [2 * n]), shape);
  const top = lax.mul(u32ToFloat(hi, "float64"), 2 ** -32);
  return lax.add(top, lax.mul(lax.convertElementType(lax.shiftRightLogical(lo, 12), "float64"), 2 ** -52));
}

function floatDType(dtype: DType | undefined, where: string): DType {
  const d = dtype === undefined ? defaultFloat() : checkDType(dtype, where);
  if (d !== "float32" && d !== "float64") throw new ArgumentError(`${where}: dtype must be a float dtype, got ${d}`);
  return d;
}

export function uniform(
  k: PRNGKey,
  shape: readonly number[] = [],
  opts: { readonly minval?: Operand; readonly maxval?: Operand; readonly dtype?: DType } = {},
): NDArray {
  checkOptions(opts, "random.uniform", { minval: "any", maxval: "any", dtype: "dtype" });
  const kk = checkKey(k, "random.uniform");
  const s = checkShape(shape, "random.uniform");
  const d = floatDType(opts.dtype, "random.uniform");
  const lo = np.astype(asArray(opts.minval ?? 0, "random.uniform"), d);
  const hi = np.astype(asArray(opts.maxval ?? 1, "random.uniform"), d);
  const f = unitFloats(kk, s, d);
  return np.maximum(lo, np.add(np.multiply(f, np.subtract(hi, lo)), lo));
}

/** Standard normal samples: √2 · erfinv(u) for u uniform in (-1, 1), as JAX. */
export function normal(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.normal");
  const lo = d === "float32" ? -1 + 2 ** -24 : -1 + 2 ** -53;
  const u = uniform(checkKey(k, "random.normal"), shape, { minval: lo, maxval: 1, dtype: d });
  return lax.mul(lax.erfInv(u), Math.SQRT2);
}

export function bernoulli(k: PRNGKey, p: Operand = 0.5, shape?: readonly number[]): NDArray {
  const pa = asArray(p, "random.bernoulli");
  return np.less(uniform(checkKey(k, "random.bernoulli"), shape ?? pa.shape, { dtype: pa.dtype === "float64" ? "float64" : defaultFloat() }), pa);
}

export function gumbel(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.gumbel");
  const tiny = d === "float32" ? 1.1754943508222875e-38 : 2.2250738585072014e-308;
  const u = uniform(checkKey(k, "random.gumbel"), shape, { minval: tiny, maxval: 1, dtype: d });
  return lax.neg(lax.log(lax.neg(lax.log(u))));
}

/** Samples class indices from unnormalised log-probabilities along `axis` (Gumbel-max). */
export function categorical(k: PRNGKey, logits: NDArray, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "categorical", { axis: "integer" });
  const l = asArray(logits, "random.categorical");
  const axis = normalizeAxis(opts.axis ?? -1, l.ndim, "random.categorical");
  const g = gumbel(checkKey(k, "random.categorical"), l.shape, l.dtype === "float64" ? "float64" : undefined);
  return np.argmax(np.add(g, l), { axis });
}

export function randint(k: PRNGKey, shape: readonly number[], minval: number, maxval: number): NDArray {
  const f = uniform(checkKey(k, "random.randint"), shape, { dtype: "float64" });
  return lax.convertElementType(lax.floor(lax.add(lax.mul(f, maxval - minval), minval)), "int32");
}

/** A random permutation of arange(n), or of x's first axis. */
export function permutation(k: PRNGKey, x: number | NDArray): NDArray {
  const kk = checkKey(k, "random.permutation");
  if (typeof x === "number" ? !Number.isInteger(x) || x < 0 : !(x instanceof NDArray) || x.ndim === 0) {
    throw new ArgumentError(`random.permutation: expected a non-negative integer or an array of rank ≥ 1, got ${x instanceof NDArray ? x.aval.str() : describeValue(x)}`);
  }
  const n = typeof x === "number" ? x : x.shape[0]!;
  const words = bits(kk, [n]);
  const sortKey = u32ToFloat(words, "float64");
  const perm = lax.sort([sortKey, lax.iota("int32", [n], 0)], { dimension: 0 })[1]!;
  return typeof x === "number" ? perm : np.take(x, perm, { axis: 0 });
}
