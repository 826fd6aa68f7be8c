// nn.dotProductAttention against a hand-written float64 loop: softmax(q·k·scale + bias,
// masked)·v per batch row, query head and query position, with JAX's layouts, grouped-query
// heads, causal/boolean/window/padding masks, and its errors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArgumentError, array, DTypeError, type NDArray, nn, np, random, ShapeError } from "@jaxts/core";
import { dataArb, expectClose, fromFn, get, type Ref, runs, toND } from "./helpers/reference.js";
import { thrown } from "./helpers/thrown.js";

const MASKED = -0.7 * 3.4028234663852886e38;

interface RefOptions {
  readonly bias?: Ref; // rank 4, broadcastable to [B, N, T, S]
  readonly mask?: (b: number, n: number, t: number, s: number) => boolean;
  readonly scale?: number;
  readonly causal?: boolean;
  readonly window?: readonly [number, number];
  readonly qLen?: readonly number[];
  readonly kvLen?: readonly number[];
}

/** The definition, one output element at a time. */
function attentionRef(q: Ref, k: Ref, v: Ref, o: RefOptions = {}): Ref {
  const [, , N, H] = q.shape as [number, number, number, number];
  const [, S, K] = k.shape as [number, number, number, number];
  const G = N / K;
  const scale = o.scale ?? 1 / Math.sqrt(H);
  const biasAt = (b: number, n: number, t: number, s: number) =>
    o.bias === undefined ? 0 : get(o.bias, [b, n, t, s].map((c, i) => (o.bias!.shape[i] === 1 ? 0 : c)));
  return fromFn(q.shape, ([b, t, n, h]) => {
    const kh = Math.floor(n! / G);
    if (o.qLen !== undefined && t! >= o.qLen[b!]!) return 0;
    const logits = Array.from({ length: S }, (_, s) => {
      let dot = 0;
      for (let i = 0; i < H; i++) dot += get(q, [b!, t!, n!, i]) * get(k, [b!, s, kh, i]);
      const allowed =
        (o.mask === undefined || o.mask(b!, n!, t!, s)) &&
        (!o.causal || s <= t!) &&
        (o.window === undefined || (t! <= s + o.window[0] && t! >= s - o.window[1])) &&
        (o.kvLen === undefined || s < o.kvLen[b!]!);
      return allowed ? dot * scale + biasAt(b!, n!, t!, s) : MASKED;
    });
    const m = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - m));
    const z = e.reduce((a, c) => a + c, 0);
    return e.reduce((acc, w, s) => acc + (w / z) * get(v, [b!, s, kh, h!]), 0);
  });
}

/** Random [B, T, N, H] queries and [B, S, K, H] keys/values with N = K·G. */
const problemArb = fc
  .record({
    B: fc.integer({ min: 1, max: 2 }),
    T: fc.integer({ min: 1, max: 4 }),
    S: fc.integer({ min: 1, max: 4 }),
    K: fc.integer({ min: 1, max: 2 }),
    G: fc.integer({ min: 1, max: 3 }),
    H: fc.integer({ min: 1, max: 3 }),
  })
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      q: dataArb([d.B, d.T, d.K * d.G, d.H]),
      k: dataArb([d.B, d.S, d.K, d.H]),
      v: dataArb([d.B, d.S, d.K, d.H]),
    }),
  );

describe("dotProductAttention equals softmax(q·kᵀ·scale + bias, masked)·v", () => {
  it("with multi-head, grouped-query and multi-query heads, default scale 1/√H", () => {
    fc.assert(
      fc.property(problemArb, ({ q, k, v }) => {
        expectClose(nn.dotProductAttention(toND(q), toND(k), toND(v)), attentionRef(q, k, v), 1e-12);
      }),
      runs,
    );
  });

  it("with isCausal, a window, padding lengths and an explicit scale", () => {
    fc.assert(
      fc.property(problemArb, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.double({ min: 0.1, max: 2, noNaN: true }), ({ d, q, k, v }, left, right, scale) => {
        const qLen = Array.from({ length: d.B }, (_, b) => Math.max(0, d.T - b));
        const kvLen = Array.from({ length: d.B }, (_, b) => Math.max(1, d.S - b));
        const got = nn.dotProductAttention(toND(q), toND(k), toND(v), {
          isCausal: true,
          localWindowSize: [left, right],
          querySeqLengths: array(qLen, { dtype: "int32" }),
          keyValueSeqLengths: array(kvLen, { dtype: "int32" }),
          scale,
        });
        expectClose(got, attentionRef(q, k, v, { causal: true, window: [left, right], qLen, kvLen, scale }), 1e-12);
      }),
      runs,
    );
  });

  it("with a bias per head or shared by the heads, and a boolean mask", () => {
    const arb = problemArb.chain((p) =>
      fc.record({
        p: fc.constant(p),
        perHead: fc.boolean(),
        maskBits: fc.array(fc.boolean(), { minLength: p.d.T * p.d.S, maxLength: p.d.T * p.d.S }),
      }).chain(({ p, perHead, maskBits }) =>
        dataArb([1, perHead ? p.d.K * p.d.G : 1, p.d.T, p.d.S]).map((bias) => ({ ...p, bias, maskBits })),
      ),
    );
    fc.assert(
      fc.property(arb, ({ d, q, k, v, bias, maskBits }) => {
        const mask = array(maskBits).reshape([d.T, d.S]);
        const got = nn.dotProductAttention(toND(q), toND(k), toND(v), { bias: toND(bias), mask });
        const want = attentionRef(q, k, v, { bias, mask: (_b, _n, t, s) => maskBits[t * d.S + s]! });
        expectClose(got, want, 1e-12);
      }),
      runs,
    );
  });

  it("isCausal is the lower-triangular boolean mask, aligned at the first position", () => {
    const [q, k, v] = [random.normal(random.key(0), [2, 3, 4, 5], "float64"), random.normal(random.key(1), [2, 6, 2, 5], "float64"), random.normal(random.key(2), [2, 6, 2, 5], "float64")];
    const tril = np.lessEqual(np.arange(6).reshape([1, 6]), np.arange(3).reshape([3, 1]));
    const a = nn.dotProductAttention(q, k, v, { isCausal: true });
    const b = nn.dotProductAttention(q, k, v, { mask: tril });
    expect(vals(a)).toEqual(vals(b));
  });

  it("a query with nothing to attend to averages the values (as JAX), never NaN", () => {
    const q = np.ones([1, 2, 1, 2], "float64");
    const k = np.ones([1, 3, 1, 2], "float64");
    const v = array([1, 2, 3, 4, 5, 6], { dtype: "float64" }).reshape([1, 3, 1, 2]);
    const out = nn.dotProductAttention(q, k, v, { mask: array([false, false, false, true, true, true]).reshape([2, 3]) });
    expect(vals(out)).toEqual([3, 4, 3, 4]);
  });

  it("takes rank-3 [T, N, H] operands and returns the query's shape and dtype", () => {
    const q = random.normal(random.key(3), [4, 2, 3]);
    const kv = random.normal(random.key(4), [5, 1, 3]);
    const out = nn.dotProductAttention(q, kv, kv);
    expect([out.shape, out.dtype]).toEqual([[4, 2, 3], "float32"]);
    const batched = nn.dotProductAttention(q.reshape([1, 4, 2, 3]), kv.reshape([1, 5, 1, 3]), kv.reshape([1, 5, 1, 3]));
    expect(vals(out)).toEqual(vals(batched));
  });
});

const vals = (x: NDArray) => Array.from(x.toTypedArray(), Number);

describe("dotProductAttention's errors say what was expected", () => {
  const q = np.zeros([1, 2, 4, 3]);
  const kv = np.zeros([1, 5, 2, 3]);
  it.each([
    ["query heads not a multiple of kv heads", () => nn.dotProductAttention(np.zeros([1, 2, 3, 3]), kv, kv), ShapeError, /multiple of key\/value heads, got 3 vs 2/],
    ["value shape differs from key", () => nn.dotProductAttention(q, kv, np.zeros([1, 4, 2, 3])), ShapeError, /value must have key's shape/],
    ["head sizes differ", () => nn.dotProductAttention(np.zeros([1, 2, 4, 2]), kv, kv), ShapeError, /batch and head sizes/],
    ["rank 2 query", () => nn.dotProductAttention(np.zeros([2, 3]), kv, kv), ShapeError, /rank 3.*or 4/],
    ["mixed dtypes", () => nn.dotProductAttention(np.zeros([1, 2, 4, 3], "float64"), kv, kv), DTypeError, /share one float dtype/],
    ["non-boolean mask", () => nn.dotProductAttention(q, kv, kv, { mask: np.ones([2, 5]) }), DTypeError, /mask must be bool/],
    ["bias that does not broadcast", () => nn.dotProductAttention(q, kv, kv, { bias: np.zeros([3, 5]) }), ShapeError, /bias of shape \[3, 5\] does not broadcast to \[B, N, T, S\] = \[1, 4, 2, 5\]/],
    ["bias with 2 of 4 heads", () => nn.dotProductAttention(q, kv, kv, { bias: np.zeros([1, 2, 2, 5]) }), ShapeError, /does not broadcast/],
    ["bad seq lengths", () => nn.dotProductAttention(q, kv, kv, { querySeqLengths: np.zeros([2], "int32") }), ShapeError, /querySeqLengths must have shape \[1\]/],
    ["negative window", () => nn.dotProductAttention(q, kv, kv, { localWindowSize: -1 }), ArgumentError, /localWindowSize/],
    ["unknown option", () => nn.dotProductAttention(q, kv, kv, { causal: true } as never), ArgumentError, /did you mean `isCausal`/],
  ] as const)("%s", (_name, f, cls, message) => {
    const e = thrown(f);
    expect(e).toBeInstanceOf(cls);
    expect(e.message).toMatch(message);
  });
});
