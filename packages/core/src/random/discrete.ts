// Integer and boolean samplers: bernoulli, rademacher, randint, permutation, categorical
// (Gumbel-max with replacement, Gumbel-top-k without) and choice.
import { NDArray, type Operand } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray } from "../creation.js";
import { checkArrayShape, type DType, INT32_MAX, INT32_MIN, isComplex } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { tiny, u32ToFloat, uniform } from "./floats.js";
import { checkKey, type PRNGKey, randomWords, split } from "./keys.js";
import { checkBroadcastsTo, floatDType } from "./params.js";

/**
 * Booleans that are true with probability `p` (default 0.5; an array of probabilities
 * broadcasts against `shape`, which defaults to `p`'s shape).
 *
 * @example
 * random.bernoulli(random.key(0), 0.3, [4]).dtype; // "bool"
 * random.bernoulli(random.key(0), array([0, 1])); // [false, true]
 */
export function bernoulli(k: PRNGKey, p: Operand = 0.5, shape?: readonly number[]): NDArray {
  const pa = asArray(p, "random.bernoulli");
  return np.less(uniform(checkKey(k, "random.bernoulli"), shape ?? pa.shape, { dtype: pa.dtype === "float64" ? "float64" : defaultFloat() }), pa);
}

/**
 * -1 or +1 with probability ½ each (JAX's default dtype is its default int, int32 here).
 *
 * @example
 * np.all(np.abs(random.rademacher(random.key(0), [10])).eq(1)).item(); // true
 */
export function rademacher(k: PRNGKey, shape: readonly number[] = [], dtype: DType = "int32"): NDArray {
  const kk = checkKey(k, "random.rademacher");
  if (dtype !== "int32" && dtype !== "float32" && dtype !== "float64") {
    throw new ArgumentError(`random.rademacher: dtype must be "int32", "float32" or "float64", got ${describeValue(dtype)}`);
  }
  const s = checkArrayShape(shape, dtype, "random.rademacher");
  const b = lax.convertElementType(bernoulli(kk, 0.5, s), dtype);
  return lax.sub(lax.mul(b, 2), 1);
}

/**
 * Gumbel(0, 1) samples: -log(-log u) with u uniform in [tiny, 1), as JAX's default ("low") mode.
 *
 * @example
 * random.gumbel(random.key(0), [3]).shape; // [3]
 */
export function gumbel(k: PRNGKey, shape: readonly number[] = [], dtype?: DType): NDArray {
  const d = floatDType(dtype, "random.gumbel");
  const u = uniform(checkKey(k, "random.gumbel"), shape, { minval: tiny(d), maxval: 1, dtype: d });
  return lax.neg(lax.log(lax.neg(lax.log(u))));
}

const u32 = (x: NDArray): NDArray => u32ToFloat(x, "float64");
/** A float64 holding an integer in [0, 2^32) back to its uint32 bits (stored as int32). */
const fromU32 = (f: NDArray): NDArray => lax.convertElementType(lax.select(lax.ge(f, 2 ** 31), lax.sub(f, 2 ** 32), f), "int32");

/**
 * Integers uniform in [minval, maxval), by JAX's algorithm (random.randint with int32): the
 * bounds clip to int32 (a number maxval above the range makes INT32_MAX reachable), maxval ≤
 * minval gives minval there, and two 32-bit draws from split(key) are reduced modulo the span
 * with uint32 arithmetic, so the values match JAX's bit for bit. The bounds are integers or
 * integer arrays broadcastable to `shape` (one span per element).
 *
 * @example
 * const r = random.randint(random.key(0), [100], 0, 10);
 * r.dtype; // "int32"
 * np.all(r.ge(0).mul(r.lt(10))).item(); // true
 * random.randint(random.key(0), [2], array([0, 10], { dtype: "int32" }), array([1, 11], { dtype: "int32" })); // [0, 10]
 */
export function randint(k: PRNGKey, shape: readonly number[], minval: number | NDArray, maxval: number | NDArray): NDArray {
  const kk = checkKey(k, "random.randint");
  const s = checkArrayShape(shape, "int32", "random.randint");
  const bound = (name: string, v: number | NDArray): NDArray => {
    if (typeof v === "number") {
      if (!Number.isInteger(v)) throw new ArgumentError(`random.randint: ${name} must be an integer, got ${describeValue(v)}`);
      return lax.convertElementType(Math.min(Math.max(v, INT32_MIN), INT32_MAX), "float64");
    }
    if (!(v instanceof NDArray)) throw new ArgumentError(`random.randint: ${name} must be an integer or an integer array, got ${describeValue(v)}`);
    if (v.dtype !== "int32" && v.dtype !== "int16" && v.dtype !== "int8" && v.dtype !== "uint8") throw new DTypeError(`random.randint: ${name} must hold int32 (or narrower) integers, got ${v.dtype}`);
    checkBroadcastsTo(s, [v.shape], `random.randint: ${name}`);
    return lax.broadcastInDim(lax.convertElementType(v, "float64"), s, v.shape.map((_, i) => s.length - v.ndim + i));
  };
  const lo = bound("minval", minval);
  const hi = bound("maxval", maxval);
  const full = (v: NDArray): NDArray => (v.ndim === s.length ? v : lax.broadcastInDim(v, s, []));
  // spans in float64 (exact below 2^33); a number maxval past INT32_MAX adds one
  const over = typeof maxval === "number" && maxval > INT32_MAX ? 1 : 0;
  const span = full(lax.select(lax.le(hi, lo), lax.convertElementType(1, "float64"), lax.add(lax.sub(hi, lo), over)));
  // (a · 2^32 + b) mod span, with 2^32 mod span computed as ((2^16 mod span)^2) mod span
  const m16 = lax.rem(lax.convertElementType(2 ** 16, "float64"), span);
  const multiplier = lax.rem(lax.mul(m16, m16), span);
  const [k1, k2] = split(kk);
  const higher = lax.rem(u32(randomWords(k1!, s)), span);
  const lower = lax.rem(u32(randomWords(k2!, s)), span);
  // uint32 products and sums wrap modulo 2^32, as JAX's do: int32 arithmetic has the same bits
  const wrapped = lax.add(lax.mul(fromU32(higher), fromU32(multiplier)), fromU32(lower));
  const offset = lax.rem(u32(wrapped), span);
  return lax.convertElementType(lax.add(offset, full(lo)), "int32");
}

/**
 * A random permutation of arange(n), or of x's first axis.
 *
 * @example
 * np.sort(random.permutation(random.key(0), 5)); // [0, 1, 2, 3, 4]
 */
export function permutation(k: PRNGKey, x: number | NDArray): NDArray {
  const kk = checkKey(k, "random.permutation");
  if (typeof x === "number" ? !Number.isInteger(x) || x < 0 : !(x instanceof NDArray) || x.ndim === 0) {
    throw new ArgumentError(`random.permutation: expected a non-negative integer or an array of rank ≥ 1, got ${x instanceof NDArray ? x.aval.str() : describeValue(x)}`);
  }
  const n = typeof x === "number" ? checkArrayShape([x], "int32", "random.permutation")[0]! : x.shape[0]!;
  const perm = shuffledIndices(kk, n);
  return typeof x === "number" ? perm : np.take(x, perm, { axis: 0 });
}

/** arange(n) shuffled as JAX's _shuffle: ceil(3 ln n / ln(2^32 - 1)) rounds, each sorting by
 * 32 fresh random bits of a subkey (split(key) -> [key, subkey]), so ties are unlikely to bias it. */
function shuffledIndices(k: NDArray, n: number): NDArray {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, n))) / Math.log(2 ** 32 - 1));
  let perm = lax.iota("int32", [n], 0);
  let current = k;
  for (let r = 0; r < rounds; r++) {
    const [next, sub] = split(current);
    current = next!;
    perm = lax.sort([u32ToFloat(randomWords(sub!, [n]), "float64"), perm], { dimension: 0 })[1]!;
  }
  return perm;
}

/** The indices of the `count` largest entries along the last axis, largest first (top-k). */
function topIndices(x: NDArray, count: number): NDArray {
  const last = x.ndim - 1;
  const idx = lax.broadcastInDim(lax.iota("int32", [x.shape[last]!], 0), x.shape, [last]);
  const sorted = lax.sort([lax.neg(x), idx], { dimension: last })[1]!;
  return lax.slice(sorted, x.shape.map(() => 0), [...x.shape.slice(0, last), count]);
}

export interface CategoricalOptions {
  /** the axis of `logits` along which the classes lie (default -1) */
  readonly axis?: number;
  /** the result shape; it must end with logits' shape without `axis` (default: exactly that) */
  readonly shape?: readonly number[];
  /** false: draw the leading `shape` entries without replacement (Gumbel-top-k) */
  readonly replace?: boolean;
}

/**
 * Class indices drawn from unnormalised log-probabilities along `axis` (Gumbel-max; without
 * replacement, Gumbel-top-k). The result has `shape`, which must end with the batch shape
 * (logits' shape without `axis`); its leading axes are independent draws.
 *
 * @example
 * random.categorical(random.key(0), array([0, 100, 0])).item(); // 1
 */
export function categorical(k: PRNGKey, logits: NDArray, opts: CategoricalOptions = {}): NDArray {
  const o = checkOptions(opts, "random.categorical", { axis: "integer", shape: "integerList", replace: "boolean" });
  const kk = checkKey(k, "random.categorical");
  const l = asArray(logits, "random.categorical");
  if (isComplex(l.dtype)) throw new DTypeError(`random.categorical: logits must be real, got ${l.aval.str()} (its imaginary part would be dropped)`);
  if (l.ndim === 0) throw new ShapeError("random.categorical: logits must have at least one axis (the classes), got a rank-0 array");
  const axis = normalizeAxis(o.axis ?? -1, l.ndim, "random.categorical");
  const batch = l.shape.filter((_, i) => i !== axis);
  const shape = o.shape === undefined ? batch : checkArrayShape(o.shape, "int32", "random.categorical");
  checkBroadcastsTo(shape, [batch], "random.categorical");
  const prefix = shape.slice(0, shape.length - batch.length);
  const d = l.dtype === "float64" ? "float64" : defaultFloat();
  const lf = l.dtype === d ? l : lax.convertElementType(l, d);
  if (o.replace === false) {
    const count = prefix.reduce((a, b) => a * b, 1);
    if (count > l.shape[axis]!) {
      throw new ArgumentError(`random.categorical: cannot draw ${count} samples without replacement from ${l.shape[axis]} categories`);
    }
    const perturbed = np.moveaxis(lax.add(lf, gumbel(kk, l.shape, d)), axis, -1);
    const top = topIndices(perturbed, count); // batch + [count]
    return np.reshape(np.moveaxis(top, -1, 0), shape);
  }
  // One Gumbel draw per (leading draw, batch entry, class); the classes sit at `axis` counted
  // from the end, so logits broadcast over the leading draw axes.
  const fromEnd = axis - l.ndim;
  const full = [...shape];
  full.splice(full.length + fromEnd + 1, 0, l.shape[axis]!);
  const g = gumbel(kk, full, d);
  return np.argmax(lax.add(g, np.broadcastTo(lf, full)), { axis: full.length + fromEnd });
}

export interface ChoiceOptions {
  /** sample with replacement (default true) */
  readonly replace?: boolean;
  /** the probabilities of the entries (a vector as long as `a`'s `axis`); default uniform */
  readonly p?: NDArray | readonly number[];
  /** the axis of `a` to choose along (default 0) */
  readonly axis?: number;
}

/**
 * Entries of `a` (or of arange(a) for an integer) drawn along `axis`, with or without
 * replacement, uniformly or with probabilities `p`, as JAX's choice. The result has `shape`
 * for an integer `a`, else a's shape with `axis` replaced by `shape`.
 *
 * @example
 * random.choice(random.key(0), 10, [3], { replace: false }).shape; // [3]
 */
export function choice(k: PRNGKey, a: number | NDArray, shape: readonly number[] = [], opts: ChoiceOptions = {}): NDArray {
  const where = "random.choice";
  const o = checkOptions(opts, where, { replace: "boolean", p: "any", axis: "integer" });
  const kk = checkKey(k, where);
  const s = checkArrayShape(shape, "int32", where);
  const arr = typeof a === "number" ? null : a instanceof NDArray ? (a.ndim === 0 ? null : a) : undefined;
  if (arr === undefined) throw new ArgumentError(`${where}: a must be an integer or an NDArray, got ${describeValue(a)}`);
  const axis = arr === null ? 0 : normalizeAxis(o.axis ?? 0, arr.ndim, where);
  const nInputs = arr === null ? populationSize(a, where) : arr.shape[axis]!;
  const nDraws = s.reduce((x, y) => x * y, 1);
  const outShape = arr === null ? s : [...arr.shape.slice(0, axis), ...s, ...arr.shape.slice(axis + 1)];
  if (nDraws === 0) return np.zeros(outShape, arr === null ? "int32" : arr.dtype);
  if (nInputs <= 0) throw new ArgumentError(`${where}: a must be greater than 0 unless no samples are taken, got ${nInputs}`);
  const replace = o.replace ?? true;
  if (!replace && nDraws > nInputs) {
    throw new ArgumentError(`${where}: cannot take a larger sample (size ${nDraws}) than the population (size ${nInputs}) when replace is false`);
  }
  let ind: NDArray;
  if (o.p === undefined) {
    ind = replace ? randint(kk, s, 0, nInputs) : lax.slice(shuffledIndices(kk, nInputs), [0], [nDraws]);
  } else {
    const p = probabilities(o.p, nInputs, where);
    if (replace) {
      // inverse CDF: the number of cumulative weights below r (searchsorted, side "left")
      const cum = np.cumsum(p);
      const total = lax.slice(cum, [nInputs - 1], [nInputs]);
      const r = np.multiply(total, lax.sub(1, uniform(kk, [nDraws], { dtype: p.dtype })));
      const below = lax.lt(lax.broadcastInDim(cum, [nDraws, nInputs], [1]), lax.broadcastInDim(r, [nDraws, nInputs], [0]));
      ind = lax.reduceSum(lax.convertElementType(below, "int32"), [1]);
    } else {
      ind = topIndices(lax.add(gumbel(kk, [nInputs], p.dtype), lax.log(p)), nDraws);
    }
  }
  const flatInd = np.reshape(ind, [nDraws]);
  if (arr === null) return np.reshape(flatInd, s);
  return np.reshape(np.take(arr, flatInd, { axis }), outShape);
}

function populationSize(a: number | NDArray, where: string): number {
  const n = typeof a === "number" ? a : Number(a.item());
  if (!Number.isInteger(n)) throw new ArgumentError(`${where}: an integer a must be a whole number, got ${describeValue(n)}`);
  return n;
}

function probabilities(p: NDArray | readonly number[], n: number, where: string): NDArray {
  const arr = p instanceof NDArray ? p : Array.isArray(p) ? np.array(p as number[]) : undefined;
  if (arr === undefined) throw new ArgumentError(`${where}: p must be an NDArray or a list of numbers, got ${describeValue(p)}`);
  if (arr.ndim !== 1 || arr.shape[0] !== n) {
    throw new ShapeError(`${where}: p must be a vector as long as a's axis (${n}), got shape ${fmtShape(arr.shape)}`);
  }
  if (arr.dtype === "bool") throw new DTypeError(`${where}: p must be numeric, got ${arr.aval.str()}`);
  return arr.dtype === "float64" ? arr : lax.convertElementType(arr, defaultFloat());
}
