// PRNG keys (threefry-2x32, as JAX): creating, splitting, folding in, raw bits, and JAX's
// key-data views. The threefry scheme is JAX's partitionable one (`jax_threefry_partitionable
// = True`, its default since 0.5.0): element i of anything (the i-th key of `split`, the i-th
// word of `bits`) is the threefry-2x32 block of the key at the 64-bit counter i, split in two
// 32-bit words (hi, lo) = (0, i) (JAX's iota_2x32_shape). So `split(k, n)[i]` equals
// `foldIn(k, i)`; 32 random bits are the XOR of the block's two words, and 64 bits (float64
// uniforms) are (word0 << 32) | word1. Seeds are 64-bit, as JAX's: `key(s)` is [s >> 32, s & 0xFFFFFFFF].
import { ConcreteArray, NDArray } from "../array.js";
import { ShapedArray } from "../aval.js";
import { checkArrayShape, checkListLength } from "../dtype.js";
import { ArgumentError, OverflowError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { describeValue } from "../shape.js";

/**
 * A PRNG key: an int32 array of shape [2] holding the two uint32 words of threefry key data.
 * jaxts keys are JAX's key *data* (what `jax.random.key_data` returns, and what the legacy
 * `jax.random.PRNGKey` gives); there is no separate key dtype, so `keyData` and
 * `wrapKeyData` are views that check the layout and hand the same words back.
 */
export type PRNGKey = NDArray;

/** A key from an integer seed in the int64 or uint64 range (JAX raises OverflowError
 * outside it); negative seeds are taken modulo 2^64, as JAX's int64 seeds are.
 *
 * @example
 * const k = random.key(0);
 * k.shape; // [2]
 */
export function key(seed: number): PRNGKey {
  if (typeof seed !== "number" || !Number.isInteger(seed)) throw new ArgumentError(`random.key: the seed must be an integer, got ${describeValue(seed)}`);
  if (seed < -(2 ** 63) || seed >= 2 ** 64) {
    throw new OverflowError(`random.key: the seed ${seed} is outside the int64 and uint64 ranges [-2^63, 2^64)`);
  }
  // ToInt32 (`| 0`) takes the exact value modulo 2^32, for any integer-valued double.
  const data = new Int32Array([Math.floor(seed / 2 ** 32) | 0, seed | 0]);
  return new ConcreteArray(new ShapedArray([2], "int32"), data);
}

/** The key argument of every sampler: a single int32[2] key (batch keys with vmap, as JAX). */
export function checkKey(k: unknown, where: string): NDArray {
  if (!(k instanceof NDArray) || k.dtype !== "int32" || k.shape.length !== 1 || k.shape[0] !== 2) {
    const got = k instanceof NDArray ? k.aval.str() : describeValue(k);
    throw new ArgumentError(`${where}: expected a PRNG key (int32[2] from random.key or random.split), got ${got}`);
  }
  return k;
}

const keyWord = (k: NDArray, i: number, n: number): NDArray => lax.broadcastInDim(lax.reshape(lax.slice(k, [i], [i + 1]), []), [n], []);

/** The threefry blocks of counters 0..n-1 (as JAX's iota_2x32_shape: hi word 0, lo word i;
 * arrays never reach 2^32 elements, so the hi word is always 0). Returns both output words. */
export function blocks(k: NDArray, n: number): [NDArray, NDArray] {
  const zeros = lax.broadcastInDim(lax.convertElementType(0, "int32"), [n], []);
  return lax.threefry2x32(keyWord(k, 0, n), keyWord(k, 1, n), zeros, lax.iota("int32", [n], 0));
}

/** `num` new keys from one (JAX returns them stacked; a list destructures the same way).
 * Key i is the threefry block at counter i, so it equals foldIn(k, i) (JAX's partitionable split).
 *
 * @example
 * const [k1, k2] = random.split(random.key(0));
 * random.split(random.key(0), 3).length; // 3
 */
export function split(k: PRNGKey, num = 2): PRNGKey[] {
  const kk = checkKey(k, "random.split");
  if (!Number.isInteger(num) || num < 1) throw new ArgumentError(`random.split: num must be a positive integer, got ${describeValue(num)}`);
  checkListLength(num, "keys", "random.split");
  const [w0, w1] = blocks(kk, num);
  const keys = lax.concatenate([lax.reshape(w0, [num, 1]), lax.reshape(w1, [num, 1])], 1);
  return Array.from({ length: num }, (_, i) => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]));
}

/**
 * A new key derived from `k` and the integer `data` (a step number, a layer index): the same
 * inputs always give the same key, different data give independent keys.
 *
 * @example
 * const k = random.key(0);
 * const perStep = random.foldIn(k, 7);
 * np.all(random.keyData(perStep).eq(random.keyData(random.foldIn(k, 7)))).item(); // true
 */
export function foldIn(k: PRNGKey, data: number): PRNGKey {
  const kk = checkKey(k, "random.foldIn");
  if (!Number.isInteger(data)) throw new ArgumentError(`random.foldIn: data must be an integer, got ${describeValue(data)}`);
  // JAX folds in `uint32(data)`: the block at counter words [0, data mod 2^32].
  const [y0, y1] = lax.threefry2x32(keyWord(kk, 0, 1), keyWord(kk, 1, 1), np.array([0], { dtype: "int32" }), np.array([data | 0], { dtype: "int32" }));
  return lax.concatenate([y0, y1], 0);
}

/** The random uint32 words of the given shape, stored as int32 (what the samplers compute
 * with): the XOR of each block's two words (JAX's 32-bit random_bits with
 * jax_threefry_partitionable). */
export function randomWords(k: PRNGKey, shape: readonly number[], where = "random.bits"): NDArray {
  const kk = checkKey(k, where);
  const s = checkArrayShape(shape, "int32", where);
  const [w0, w1] = blocks(kk, s.reduce((a, b) => a * b, 1));
  return lax.reshape(lax.bitwiseXor(w0, w1), s);
}

/**
 * Raw random bits of the given shape as unsigned integers, JAX's `random.bits`: uint32 by
 * default (the XOR of each threefry block's two words, bit for bit JAX's), or uint8 (those
 * words' low 8 bits, as JAX narrows them).
 *
 * @example
 * random.bits(random.key(0), [4]).dtype; // "uint32"
 * random.bits(random.key(0), [4], { dtype: "uint8" }).dtype; // "uint8"
 */
export function bits(k: PRNGKey, shape: readonly number[], opts: { readonly dtype?: "uint32" | "uint8" } = {}): NDArray {
  checkOptions(opts, "random.bits", { dtype: ["uint32", "uint8"] });
  const words = lax.bitcastConvertType(randomWords(k, shape), "uint32");
  return opts.dtype === "uint8" ? lax.convertElementType(words, "uint8") : words;
}

/** Key data must be int32 words with a trailing axis of 2 (threefry-2x32's key size). */
function checkKeyData(x: unknown, where: string): NDArray {
  if (!(x instanceof NDArray) || x.dtype !== "int32" || x.ndim < 1 || x.shape[x.ndim - 1] !== 2) {
    const got = x instanceof NDArray ? x.aval.str() : describeValue(x);
    throw new ArgumentError(`${where}: expected threefry2x32 key data, an int32 array of shape [..., 2], got ${got}`);
  }
  return x;
}

/**
 * The uint32 words (stored as int32) under a key or keys, shape [..., 2], as
 * `jax.random.key_data`. A list of keys (what `split` returns) gives them stacked, [n, 2],
 * as JAX's stacked split does. jaxts keys already are their data, so this checks and returns it.
 *
 * @example
 * random.keyData(random.key(0)).shape; // [2]
 */
export function keyData(keys: PRNGKey | readonly PRNGKey[]): NDArray {
  if (Array.isArray(keys)) {
    const list = (keys as readonly unknown[]).map((k, i) => checkKey(k, `random.keyData (key ${i})`));
    if (list.length === 0) throw new ArgumentError("random.keyData: expected a key or a non-empty list of keys, got an empty list");
    return lax.concatenate(list.map((k) => lax.reshape(k, [1, 2])), 0);
  }
  return checkKeyData(keys, "random.keyData");
}

/**
 * Keys from their data (uint32 words as int32, trailing axis 2), as `jax.random.wrap_key_data`:
 * `wrapKeyData(keyData(k))` is `k`. A batch of key data [n, 2] stays one array; map a sampler
 * over it with `vmap`. Only JAX's default implementation, threefry2x32, exists.
 *
 * @example
 * const k = random.wrapKeyData(random.keyData(random.key(42)));
 * random.normal(k, [3]).shape; // [3]
 */
export function wrapKeyData(data: NDArray, opts: { readonly impl?: "threefry2x32" } = {}): PRNGKey {
  checkOptions(opts, "random.wrapKeyData", { impl: ["threefry2x32"] });
  return checkKeyData(data, "random.wrapKeyData");
}
