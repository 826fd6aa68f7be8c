// jax.nn.dot_product_attention: softmax(Q·Kᵀ·scale + bias, masked)·V per head, with JAX's
// layouts ([B, T, N, H] queries, [B, S, K, H] keys and values), grouped-query heads
// (N a multiple of K), boolean and causal masks, local windows and padding lengths.
import { NDArray, type Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isFloat } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import { softmax } from "./normalize.js";

const WHERE = "dotProductAttention";

export interface DotProductAttentionOptions {
  /** Added to the logits; rank ≤ 4, broadcastable to [B, N, T, S] (its head axis 1 or N). */
  readonly bias?: Operand | null;
  /** Boolean, true where a query may attend to a key; rank ≤ 4, broadcastable to [B, N, T, S]. */
  readonly mask?: NDArray | null;
  /** The logits' scale; 1/√H by default. */
  readonly scale?: number;
  /** Query t attends only to keys s ≤ t (JAX's tril mask, aligned at the first position). */
  readonly isCausal?: boolean;
  /** int32 [B]: query positions at or past each length are padding, and their outputs are 0. */
  readonly querySeqLengths?: NDArray | null;
  /** int32 [B]: key/value positions at or past each length are not attended to. */
  readonly keyValueSeqLengths?: NDArray | null;
  /** Query t attends only to keys in [t − left, t + right]; a number w means [w, w]. */
  readonly localWindowSize?: number | readonly [number, number] | null;
}

/** The logit a masked position gets: finite (so a fully masked row gives a uniform softmax,
 * not NaN), -0.7 × float32's max as JAX, whatever the dtype. */
const LARGE_NEGATIVE = -0.7 * 3.4028234663852886e38;

interface Dims {
  readonly B: number;
  readonly T: number;
  readonly S: number;
  readonly N: number;
  readonly K: number;
  readonly H: number;
}

/** A rank-3 [T, N, H] operand as [1, T, N, H]; rank 4 as is. */
function as4d(x: NDArray, name: string): NDArray {
  if (x.ndim === 4) return x;
  if (x.ndim === 3) return np.expandDims(x, 0);
  throw new ShapeError(`${WHERE}: ${name} must have rank 3 ([T, N, H]) or 4 ([B, T, N, H]), got shape ${fmtShape(x.shape)}`);
}

function dimsOf(q: NDArray, k: NDArray, v: NDArray): Dims {
  const [B, S, K, H] = k.shape as [number, number, number, number];
  const [qB, T, N, qH] = q.shape as [number, number, number, number];
  if (!v.shape.every((d, i) => d === k.shape[i])) {
    throw new ShapeError(`${WHERE}: value must have key's shape ${fmtShape(k.shape)} ([B, S, K, H]), got ${fmtShape(v.shape)}`);
  }
  if (qB !== B || qH !== H) {
    throw new ShapeError(`${WHERE}: query ${fmtShape(q.shape)} must have key's batch and head sizes [${B}, T, N, ${H}] (key ${fmtShape(k.shape)})`);
  }
  if (K === 0 || N % K !== 0) {
    throw new ShapeError(`${WHERE}: the number of query heads must be a multiple of key/value heads, got ${N} vs ${K}`);
  }
  return { B, T, S, N, K, H };
}

/** bias or mask as [b, K|1, G|1, t, s], ready to broadcast against the grouped logits
 * [B, K, G, T, S] (query head n = k·G + g, as JAX groups them). */
function grouped(x: NDArray, name: string, d: Dims): NDArray {
  if (x.ndim > 4) throw new ShapeError(`${WHERE}: ${name} must have rank ≤ 4 (broadcastable to [B, N, T, S]), got shape ${fmtShape(x.shape)}`);
  const full = x.ndim === 4 ? x : np.reshape(x, [...Array<number>(4 - x.ndim).fill(1), ...x.shape]);
  const [b, n, t, s] = full.shape as [number, number, number, number];
  const want = [d.B, d.N, d.T, d.S];
  if ([b, n, t, s].some((size, i) => size !== 1 && size !== want[i])) {
    throw new ShapeError(`${WHERE}: ${name} of shape ${fmtShape(x.shape)} does not broadcast to [B, N, T, S] = ${fmtShape(want)}`);
  }
  const G = d.N / d.K;
  return np.reshape(full, n === 1 ? [b, 1, 1, t, s] : [b, d.K, G, t, s]);
}

function seqLengths(x: NDArray | null | undefined, name: string, B: number): NDArray | undefined {
  if (x === undefined || x === null) return undefined;
  if (!(x instanceof NDArray)) throw new ArgumentError(`${WHERE}: option \`${name}\` must be an int32 NDArray of shape [${B}], got ${describeValue(x)}`);
  if (x.dtype !== "int32") throw new DTypeError(`${WHERE}: ${name} must be int32, got ${x.dtype}`);
  if (x.ndim !== 1 || x.shape[0] !== B) throw new ShapeError(`${WHERE}: ${name} must have shape [${B}] (one length per batch row), got ${fmtShape(x.shape)}`);
  return x;
}

function windowOf(w: number | readonly number[] | null | undefined): readonly [number, number] | undefined {
  if (w === undefined || w === null) return undefined;
  const pair = typeof w === "number" ? [w, w] : w;
  if (pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new ArgumentError(`${WHERE}: option \`localWindowSize\` must be a non-negative integer or a pair [left, right] of them, got ${describeValue(w)}`);
  }
  return [pair[0]!, pair[1]!];
}

/** The positions each query may attend to under isCausal, localWindowSize and the padding
 * lengths, as a boolean broadcastable to [B, K, G, T, S]; undefined when nothing is masked. */
function structuralMask(d: Dims, opts: DotProductAttentionOptions): NDArray | undefined {
  const masks: NDArray[] = [];
  const queryPos = lax.iota("int32", [d.T, d.S], 0);
  const keyPos = lax.iota("int32", [d.T, d.S], 1);
  const asLogits = (m: NDArray) => np.reshape(m, [1, 1, 1, d.T, d.S]);
  if (opts.isCausal === true) masks.push(asLogits(lax.ge(queryPos, keyPos)));
  const window = windowOf(opts.localWindowSize);
  if (window !== undefined) {
    const [left, right] = window;
    masks.push(asLogits(np.logicalAnd(lax.le(queryPos, lax.add(keyPos, left)), lax.ge(queryPos, lax.sub(keyPos, right)))));
  }
  const qLen = seqLengths(opts.querySeqLengths, "querySeqLengths", d.B);
  const kvLen = seqLengths(opts.keyValueSeqLengths, "keyValueSeqLengths", d.B);
  if (qLen !== undefined) masks.push(np.less(np.reshape(lax.iota("int32", [d.T], 0), [1, 1, 1, d.T, 1]), np.reshape(qLen, [d.B, 1, 1, 1, 1])));
  if (kvLen !== undefined) masks.push(np.less(np.reshape(lax.iota("int32", [d.S], 0), [1, 1, 1, 1, d.S]), np.reshape(kvLen, [d.B, 1, 1, 1, 1])));
  return masks.length === 0 ? undefined : masks.reduce((a, b) => np.logicalAnd(a, b));
}

/**
 * Scaled dot-product attention, as jax.nn.dot_product_attention:
 * out[b, t, n] = Σ_s softmax_s(q[b, t, n]·k[b, s, n/G]·scale + bias, masked) · v[b, s, n/G].
 *
 * `query` is [B, T, N, H] (or [T, N, H]); `key` and `value` are [B, S, K, H] with N a multiple
 * of K (K = N is multi-head, 1 < K < N grouped-query, K = 1 multi-query attention). The result
 * has the query's shape. Masked logits get a large finite negative value, so a row with
 * nothing to attend to averages the values uniformly (as JAX) instead of giving NaN.
 * Differences from JAX: the softmax runs in the logits' dtype (JAX casts to float32 even for
 * float64); `implementation` and `returnResidual` are not offered.
 *
 * @example
 * const q = random.normal(random.key(0), [2, 5, 4, 8]);  // B T N H
 * const kv = random.normal(random.key(1), [2, 7, 2, 8]); // B S K H: two query heads per kv head
 * nn.dotProductAttention(q, kv, kv, { isCausal: false }).shape; // [2, 5, 4, 8]
 */
export function dotProductAttention(query: Operand, key: Operand, value: Operand, opts: DotProductAttentionOptions = {}): NDArray {
  checkOptions(opts, WHERE, {
    bias: "any",
    mask: "any",
    scale: "number",
    isCausal: "boolean",
    querySeqLengths: "any",
    keyValueSeqLengths: "any",
    localWindowSize: "integers",
  });
  const [q0, k0, v0] = [asArray(query, WHERE), asArray(key, WHERE), asArray(value, WHERE)];
  if (!isFloat(k0.dtype) || q0.dtype !== k0.dtype || v0.dtype !== k0.dtype) {
    throw new DTypeError(`${WHERE}: query, key and value must share one float dtype, got ${q0.dtype}, ${k0.dtype} and ${v0.dtype}`);
  }
  const [q, k, v] = [as4d(q0, "query"), as4d(k0, "key"), as4d(v0, "value")];
  const d = dimsOf(q, k, v);
  const G = d.N / d.K;
  const scale = opts.scale ?? 1 / Math.sqrt(d.H);

  let logits = lax.mul(np.einsum("btkgh,bskh->bkgts", np.reshape(q, [d.B, d.T, d.K, G, d.H]), k), scale);
  if (opts.bias !== undefined && opts.bias !== null) {
    logits = np.astype(np.add(logits, grouped(asArray(opts.bias, WHERE), "bias", d)), logits.dtype);
  }
  let keep = structuralMask(d, opts);
  if (opts.mask !== undefined && opts.mask !== null) {
    const m = asArray(opts.mask, WHERE);
    if (m.dtype !== "bool") throw new DTypeError(`${WHERE}: mask must be bool (true where attention is allowed; pass an additive mask as bias), got ${m.dtype}`);
    const g = grouped(m, "mask", d);
    keep = keep === undefined ? g : np.logicalAnd(g, keep);
  }
  if (keep !== undefined) logits = np.where(keep, logits, LARGE_NEGATIVE);

  const probs = softmax(logits, { axis: -1 });
  let encoded = np.reshape(np.einsum("bkgts,bskh->btkgh", probs, v), [d.B, d.T, d.N, d.H]);
  const qLen = seqLengths(opts.querySeqLengths, "querySeqLengths", d.B);
  if (qLen !== undefined) {
    const valid = np.less(np.reshape(lax.iota("int32", [d.T], 0), [1, d.T, 1, 1]), np.reshape(qLen, [d.B, 1, 1, 1]));
    encoded = np.multiply(encoded, np.astype(valid, encoded.dtype));
  }
  return np.reshape(encoded, q0.shape);
}
