// jax.random for TypeScript: functional counter-based keys (threefry-2x32, as JAX), so
// the same key gives the same numbers everywhere, and bit-for-bit JAX's raw bits.
//
// Which of JAX's threefry schemes: the partitionable one, `jax_threefry_partitionable =
// True`, JAX's default since 0.5.0. Element i of anything (the i-th key of `split`, the i-th
// word of `bits`) is the threefry-2x32 block of the key at the 64-bit counter i, split in
// two 32-bit words (hi, lo) = (0, i) (JAX's iota_2x32_shape): `split(k, n)[i]` is that block's
// two output words, so `split(k, n)[i]` equals `foldIn(k, i)`; 32 random bits are the XOR of
// the two words, and 64 bits (float64 uniforms) are (word0 << 32) | word1. Keys hold seeds as
// JAX does with 64-bit seeds: `key(s)` is [s >> 32, s & 0xFFFFFFFF].
import { NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { ConcreteArray } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray } from "../creation.js";
import { checkArrayShape, checkDType, type DType, INT32_MAX, INT32_MIN } from "../dtype.js";
import { ArgumentError, OverflowError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { describeValue, normalizeAxis } from "../shape.js";

/** A raw PRNG key: an int32 array of shape [2] (two uint32 words). */
export type PRNGKey = NDArray;

/** A key from an integer seed in the int64 or uint64 range (JAX raises OverflowError
 * outside it); negative seeds are taken modulo 2^64, as JAX's int64 seeds are. */
export function key(seed: number): PRNGKey {
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw new ArgumentError(`random.key: the seed must be an integer, got ${describeValue(seed)}`);
  if (seed < -(2 ** 63) || seed >= 2 ** 64) {
    throw new OverflowError(`random.key: the seed ${seed} is outside the int64 and uint64 ranges [-2^63, 2^64)`);
  }
  // ToInt32 (`| 0`) takes the exact value modulo 2^32, for any integer-valued double.
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

const keyWord = (k: NDArray, i: number, n: number): NDArray => lax.broadcastInDim(lax.reshape(lax.slice(k, [i], [i + 1]), []), [n], []);

/** The threefry blocks of counters 0..n-1 (as JAX's iota_2x32_shape: hi word 0, lo word i;
 * arrays never reach 2^32 elements, so the hi word is always 0). Returns both output words. */
function blocks(k: NDArray, n: number): [NDArray, NDArray] {
  const zeros = lax.broadcastInDim(lax.convertElementType(0, "int32"), [n], []);
  return lax.threefry2x32(keyWord(k, 0, n), keyWord(k, 1, n), zeros, lax.iota("int32", [n], 0));
}

/** `num` new keys from one (JAX returns them stacked; a list destructures the same way).
 * Key i is the threefry block at counter i, so it equals foldIn(k, i) (JAX's partitionable split). */
export function split(k: PRNGKey, num = 2): PRNGKey[] {
  const kk = checkKey(k, "random.split");
  if (!Number.isInteger(num) || num < 1) throw new ArgumentError(`random.split: num must be a positive integer, got ${describeValue(num)}`);
  checkArrayShape([num, 2], "int32", "random.split");
  const [w0, w1] = blocks(kk, num);
  const keys = lax.concatenate([lax.reshape(w0, [num, 1]), lax.reshape(w1, [num, 1])], 1);
  return Array.from({ length: num }, (_, i) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]));
}

export function foldIn(k: PRNGKey, data: number): PRNGKey {
  const kk = checkKey(k, "random.foldIn");
  if (!Number.isInteger(data)) throw new ArgumentError(`random.foldIn: data must be an integer, got ${describeValue(data)}`);
  // JAX folds in `uint32(data)`: the block at counter words [0, data mod 2^32].
  const [y0, y1] = lax.threefry2x32(keyWord(kk, 0, 1), keyWord(kk, 1, 1), np.array([0], { dtype: "int32" }), np.array([data | 0], { dtype: "int32" }));
  return lax.concatenate([y0, y1], 0);
}

/** Raw uint32 bits (as int32) of the given shape: the XOR of each block's two words (JAX's
 * 32-bit random_bits with jax_threefry_partitionable). */
export function bits(k: PRNGKey, shape: readonly number[]): NDArray {
  const kk = checkKey(k, "random.bits");
  const s = checkArrayShape(shape, "int32", "random.bits");
  const [w0, w1] = blocks(kk, s.reduce((a, b) => a * b, 1));
  return lax.reshape(lax.bitwiseXor(w0, w1), s);
}

const u32ToFloat = (x: NDArray, d: DType): NDArray => {
  const f = lax.convertElementType(x, d);
  return lax.select(lax.lt(x, 0), lax.add(f, 2 ** 32), f);
};

/** Floats in [0, 1) from the same bits JAX uses: the top 23 of 32 random bits (float32), or
 * the top 52 of 64 (float64, the 64 bits being (word0 << 32) | word1). */
function unitFloats(k: NDArray, shape: readonly number[], d: DType): NDArray {
  if (d === "float32") {
    const b = bits(k, shape);
    return lax.mul(lax.convertElementType(lax.shiftRightLogical(b, 9), "float32"), 2 ** -23);
  }
  const [w0, w1] = blocks(k, shape.reduce((a, b) => a * b, 1));
  const top = lax.mul(u32ToFloat(lax.reshape(w0, shape), "float64"), 2 ** -32);
  return lax.add(top, lax.mul(lax.convertElementType(lax.shiftRightLogical(lax.reshape(w1, shape), 12), "float64"), 2 ** -52));
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
  const d = floatDType(opts.dtype, "random.uniform");
  const s = checkArrayShape(shape, d, "random.uniform");
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
  checkOptions(opts, "random.categorical", { axis: "integer" });
  const l = asArray(logits, "random.categorical");
  const axis = normalizeAxis(opts.axis ?? -1, l.ndim, "random.categorical");
  const g = gumbel(checkKey(k, "random.categorical"), l.shape, l.dtype === "float64" ? "float64" : undefined);
  return np.argmax(np.add(g, l), { axis });
}

const u32 = (x: NDArray): NDArray => u32ToFloat(x, "float64");
/** A float64 holding an integer in [0, 2^32) back to its uint32 bits (stored as int32). */
const fromU32 = (f: NDArray): NDArray => lax.convertElementType(lax.select(lax.ge(f, 2 ** 31), lax.sub(f, 2 ** 32), f), "int32");

/**
 * Integers uniform in [minval, maxval), by JAX's algorithm (random.randint with int32): the
 * bounds clip to int32 (a maxval above the range makes INT32_MAX reachable), maxval ≤ minval
 * gives minval everywhere, and two 32-bit draws from split(key) are reduced modulo the span
 * with uint32 arithmetic, so the values match JAX's bit for bit. Bounds must be integers.
 */
export function randint(k: PRNGKey, shape: readonly number[], minval: number, maxval: number): NDArray {
  const kk = checkKey(k, "random.randint");
  const s = checkArrayShape(shape, "int32", "random.randint");
  for (const [name, v] of [["minval", minval], ["maxval", maxval]] as const) {
    if (typeof v !== "number" || !Number.isInteger(v)) throw new ArgumentError(`random.randint: ${name} must be an integer, got ${describeValue(v)}`);
  }
  const clip = (v: number) => Math.min(Math.max(v, INT32_MIN), INT32_MAX);
  const lo = clip(minval);
  const hi = clip(maxval);
  const span = hi <= lo ? 1 : hi - lo + (maxval > INT32_MAX ? 1 : 0);
  // (a · 2^32 + b) mod span, with 2^32 mod span computed as ((2^16 mod span)^2) mod span
  const multiplier = ((2 ** 16 % span) ** 2) % span;
  const [k1, k2] = split(kk);
  const higher = lax.rem(u32(bits(k1!, s)), span);
  const lower = lax.rem(u32(bits(k2!, s)), span);
  // uint32 products and sums wrap modulo 2^32, as JAX's do: int32 arithmetic has the same bits
  const wrapped = lax.add(lax.mul(fromU32(higher), multiplier | 0), fromU32(lower));
  const offset = lax.rem(u32(wrapped), span);
  return lax.convertElementType(lax.add(offset, lo), "int32");
}

/** A random permutation of arange(n), or of x's first axis. */
export function permutation(k: PRNGKey, x: number | NDArray): NDArray {
  const kk = checkKey(k, "random.permutation");
  if (typeof x === "number" ? !Number.isInteger(x) || x < 0 : !(x instanceof NDArray) || x.ndim === 0) {
    throw new ArgumentError(`random.permutation: expected a non-negative integer or an array of rank ≥ 1, got ${x instanceof NDArray ? x.aval.str() : describeValue(x)}`);
  }
  const n = typeof x === "number" ? checkArrayShape([x], "int32", "random.permutation")[0]! : x.shape[0]!;
  // JAX's _shuffle: ceil(3 ln n / ln(2^32 - 1)) rounds, each sorting by 32 fresh random bits
  // of a subkey (split(key) -> [key, subkey]), so that ties are unlikely to bias the result.
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let perm = lax.iota("int32", [n], 0);
  let current = kk;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current);
    current = next!;
    perm = lax.sort([u32ToFloat(bits(sub!, [n]), "float64"), perm], { dimension: 0 })[1]!;
  }
  return typeof x === "number" ? perm : np.take(x, perm, { axis: 0 });
}
