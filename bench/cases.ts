// The side-by-side cases: each one computes the same float32 function from the same input
// data in jaxts (eagerly and under jit) and in TensorFlow.js, and reads the results back to
// JS inside the timed call, so both libraries are timed to "result in a typed array".
// Each case also has a float64 reference in plain JS (from the same float32 inputs), so the
// report can say which library is more accurate when they differ.
import { array, lax, type NDArray, nn, np } from "@jaxts/core";
import { jit, valueAndGrad } from "@jaxts/transforms";
import { normalData, type Outputs } from "./harness.js";
import type { JX } from "./jaxjs.js";
import { readTensors, type TF } from "./tfjs.js";

export type Tensor = ReturnType<TF["tensor"]>;

/** One side of a case: `run` is the timed call; `dispose` frees that side's inputs. */
export interface Side {
  readonly run: () => Outputs;
  readonly dispose: () => void;
}

export type JaxtsMode = "eager" | "jit";

/** A side a library cannot run, with the reason printed in the report ("n/a: …"). */
export interface NotAvailable {
  readonly na: string;
}
export const notAvailable = (reason: string): NotAvailable => ({ na: reason });
export const isNotAvailable = (s: Side | NotAvailable): s is NotAvailable => "na" in s;

/** How a case reports a speed besides milliseconds (GFLOP/s, µs per call). */
export interface Unit {
  readonly label: string;
  /** The value of one call that took `ms` milliseconds; `higherIsBetter` decides the ratio's sense. */
  readonly fromMs: (ms: number) => number;
  readonly higherIsBetter: boolean;
}

/**
 * An issue-9 target on the jaxts side, in the case's unit (or ms): the value of `mode` ("best"
 * = the better of eager and jit) must be at least (`atLeast`) or at most `bound`, which may
 * depend on a peer's value in the same run (`peer("tfjs-wasm")`, undefined when it is missing).
 */
export interface Target {
  readonly text: string;
  readonly mode: JaxtsMode | "best";
  readonly atLeast: boolean;
  readonly bound: (peer: (label: string) => number | undefined) => number;
  /** What stands between jaxts and the target, as measured: printed under the targets table
   * of BENCHMARKS.md whenever a run does not meet it (the issues ask for "which is not, by how
   * much, and why"). */
  readonly inTheWay?: string;
}

export interface BenchCase {
  /** Short, filterable name: `pnpm bench <part-of-name>`. */
  readonly name: string;
  readonly what: string;
  /**
   * Largest normwise relative difference accepted between jaxts and tfjs, per output. float32
   * elementwise results agree to a few ulp (1e-5 leaves room); a float32 sum of 1e6 terms may
   * legitimately be off by ~1e-4 relative (tfjs-wasm accumulates in float32), hence 1e-3.
   */
  readonly tolerance: readonly number[];
  readonly jaxts: (mode: JaxtsMode) => Side;
  readonly tfjs: (tf: TF) => Side | NotAvailable;
  /** jax-js on its wasm device, eagerly and under its `jit`; absent for the older cases (a–f). */
  readonly jaxjs?: (jx: JX, mode: JaxtsMode) => Side | NotAvailable;
  /** The same outputs computed in float64 with plain loops. */
  readonly reference: () => Outputs;
  /** Issue-9 workload id (W1 …) for BENCHMARKS.md; absent for the older cases. */
  readonly workload?: string;
  readonly unit?: Unit;
  /** Calls per timed round, for calls too short to time one by one; times are per call. */
  readonly repeat?: number;
  readonly target?: Target;
  /** The issue-10 target of the jitted side (the compiler's). */
  readonly jitTarget?: Target;
}

export const f32 = (data: Float32Array, shape: readonly number[]): NDArray => np.reshape(array(data), [...shape]);
export const read = (...xs: NDArray[]): Outputs => xs.map((x) => x.toTypedArray());
const noop = () => {};
export const jaxtsSide = <A extends unknown[]>(mode: JaxtsMode, f: (...args: A) => NDArray[], ...args: A): Side => {
  const g = mode === "jit" ? jit(f) : f;
  return { run: () => read(...g(...args)), dispose: noop };
};
export const sigmoid64 = (v: number) => 1 / (1 + Math.exp(-v));

// (a) elementwise: y = tanh(x)·σ(x) + ½x²
export const chainJ = (x: NDArray): NDArray => np.tanh(x).mul(nn.sigmoid(x)).add(np.square(x).mul(0.5));
export const chainT = (tf: TF, x: Tensor): Tensor => tf.add(tf.mul(tf.tanh(x), tf.sigmoid(x)), tf.mul(tf.square(x), 0.5));

export const N = 1_000_000;
export const xData = normalData(N, 1);
const chain64 = (): Float64Array => Float64Array.from(xData, (v) => Math.tanh(v) * sigmoid64(v) + 0.5 * v * v);
export const sum64 = (a: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
};

const elementwise: BenchCase = {
  name: "a-chain",
  what: "tanh(x)·σ(x) + ½x², 1e6 f32 → 1e6 f32",
  tolerance: [1e-5],
  jaxts: (mode) => jaxtsSide(mode, (x: NDArray) => [chainJ(x)], f32(xData, [N])),
  tfjs: (tf) => {
    const x = tf.tensor1d(xData, "float32");
    return { run: () => readTensors(() => [chainT(tf, x)]), dispose: () => x.dispose() };
  },
  reference: () => [chain64()],
};

const elementwiseSum: BenchCase = {
  name: "a-chain-sum",
  what: "sum(tanh(x)·σ(x) + ½x²), 1e6 f32 → scalar",
  tolerance: [1e-3],
  jaxts: (mode) => jaxtsSide(mode, (x: NDArray) => [np.sum(chainJ(x))], f32(xData, [N])),
  tfjs: (tf) => {
    const x = tf.tensor1d(xData, "float32");
    return { run: () => readTensors(() => [tf.sum(chainT(tf, x))]), dispose: () => x.dispose() };
  },
  reference: () => [[sum64(chain64())]],
};

// (b) the PERF-NOTES fused benchmark: value and gradient of the sum above.
// d/dx = (1 − t²)·s + t·s·(1 − s) + x with t = tanh x, s = σ(x).
export const valueGrad: BenchCase = {
  name: "b-value-grad",
  what: "value+grad of sum(tanh(x)·σ(x) + ½x²), 1e6 f32",
  tolerance: [1e-3, 1e-5],
  jaxts: (mode) => {
    const vg = valueAndGrad((x: NDArray) => np.sum(chainJ(x)));
    return jaxtsSide(mode, (x: NDArray) => vg(x), f32(xData, [N]));
  },
  tfjs: (tf) => {
    const x = tf.tensor1d(xData, "float32");
    const vg = tf.valueAndGrad((x: Tensor) => tf.sum(chainT(tf, x)));
    return {
      run: () =>
        readTensors(() => {
          const { value, grad } = vg(x);
          return [value, grad];
        }),
      dispose: () => x.dispose(),
    };
  },
  reference: () => {
    const grad = Float64Array.from(xData, (v) => {
      const t = Math.tanh(v);
      const s = sigmoid64(v);
      return (1 - t * t) * s + t * s * (1 - s) + v;
    });
    return [[sum64(chain64())], grad];
  },
};

// (c) matmul n×n · n×n
/** C = A·B for row-major A (m×k) and B (k×n), in float64; `ta`/`tb` read A or B transposed. */
export function matmul64(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, ta = false, tb = false): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = ta ? a[p * m + i]! : a[i * k + p]!;
      for (let j = 0; j < n; j++) c[i * n + j]! += av * (tb ? b[j * k + p]! : b[p * n + j]!);
    }
  }
  return c;
}

const matmul = (n: number): BenchCase => {
  const aData = normalData(n * n, 10 + n);
  const bData = normalData(n * n, 20 + n);
  return {
    name: `c-matmul-${n}`,
    what: `${n}×${n} · ${n}×${n} f32 (${((2 * n ** 3) / 1e6).toFixed(0)} MFLOP)`,
    tolerance: [1e-5],
    jaxts: (mode) => jaxtsSide(mode, (a: NDArray, b: NDArray) => [np.matmul(a, b)], f32(aData, [n, n]), f32(bData, [n, n])),
    tfjs: (tf) => {
      const a = tf.tensor2d(aData, [n, n], "float32");
      const b = tf.tensor2d(bData, [n, n], "float32");
      return { run: () => readTensors(() => [tf.matMul(a, b)]), dispose: () => tf.dispose([a, b]) };
    },
    reference: () => [matmul64(aData, bData, n, n, n)],
  };
};

// (d) one SGD training step of a 2-layer MLP 64→128→10 (relu), batch 128, softmax
// cross-entropy: loss, gradients and updated parameters.
const [BATCH, IN, HIDDEN, OUT, LR] = [128, 64, 128, 10, 0.1];
const mlpData = {
  x: normalData(BATCH * IN, 31),
  w1: normalData(IN * HIDDEN, 32, 1 / Math.sqrt(IN)),
  b1: normalData(HIDDEN, 33, 0.1),
  w2: normalData(HIDDEN * OUT, 34, 1 / Math.sqrt(HIDDEN)),
  b2: normalData(OUT, 35, 0.1),
  // one-hot labels, class (7·row) mod 10
  y: Float32Array.from({ length: BATCH * OUT }, (_, i) => (i % OUT === (Math.floor(i / OUT) * 7) % OUT ? 1 : 0)),
};

interface Mlp {
  readonly w1: NDArray;
  readonly b1: NDArray;
  readonly w2: NDArray;
  readonly b2: NDArray;
}

const mlpLossJ = (p: Mlp, x: NDArray, y: NDArray): NDArray => {
  const h = nn.relu(np.add(np.matmul(x, p.w1), p.b1));
  const logits = np.add(np.matmul(h, p.w2), p.b2);
  return np.negative(np.mean(np.sum(np.multiply(y, nn.logSoftmax(logits, { axis: -1 })), { axis: -1 })));
};

/** Forward and backward pass by hand in float64 (the labels are one-hot rows). */
function mlpReference(): Outputs {
  const { x, w1, b1, w2, b2, y } = mlpData;
  const z1 = matmul64(x, w1, BATCH, IN, HIDDEN);
  for (let i = 0; i < z1.length; i++) z1[i]! += b1[i % HIDDEN]!;
  const h = z1.map((v) => Math.max(v, 0));
  const logits = matmul64(h, w2, BATCH, HIDDEN, OUT);
  let loss = 0;
  const dLogits = new Float64Array(BATCH * OUT);
  for (let r = 0; r < BATCH; r++) {
    const row = logits.subarray(r * OUT, (r + 1) * OUT);
    for (let j = 0; j < OUT; j++) row[j]! += b2[j]!;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    for (let j = 0; j < OUT; j++) {
      loss -= (y[r * OUT + j]! * (row[j]! - lse)) / BATCH;
      dLogits[r * OUT + j] = (Math.exp(row[j]! - lse) - y[r * OUT + j]!) / BATCH;
    }
  }
  const gw2 = matmul64(h, dLogits, HIDDEN, BATCH, OUT, true);
  const gb2 = Float64Array.from({ length: OUT }, (_, j) => sum64(Array.from({ length: BATCH }, (_, r) => dLogits[r * OUT + j]!)));
  const dz1 = matmul64(dLogits, w2, BATCH, OUT, HIDDEN, false, true).map((v, i) => (z1[i]! > 0 ? v : 0));
  const gw1 = matmul64(x, dz1, IN, BATCH, HIDDEN, true);
  const gb1 = Float64Array.from({ length: HIDDEN }, (_, j) => sum64(Array.from({ length: BATCH }, (_, r) => dz1[r * HIDDEN + j]!)));
  const sgd = (w: Float32Array, g: Float64Array) => Float64Array.from(w, (v, i) => v - LR * g[i]!);
  return [[loss], gw1, gb1, gw2, gb2, sgd(w1, gw1), sgd(b1, gb1), sgd(w2, gw2), sgd(b2, gb2)];
}

const mlp: BenchCase = {
  name: "d-mlp-step",
  what: `MLP ${IN}→${HIDDEN}→${OUT} step, batch ${BATCH}: loss, grads, SGD update`,
  tolerance: Array.from({ length: 9 }, () => 1e-5),
  jaxts: (mode) => {
    const lossAndGrad = valueAndGrad(mlpLossJ);
    const sgd = (w: NDArray, gw: NDArray) => w.sub(gw.mul(LR));
    const step = (p: Mlp, x: NDArray, y: NDArray): NDArray[] => {
      const [loss, g] = lossAndGrad(p, x, y);
      return [loss, g.w1, g.b1, g.w2, g.b2, sgd(p.w1, g.w1), sgd(p.b1, g.b1), sgd(p.w2, g.w2), sgd(p.b2, g.b2)];
    };
    const p: Mlp = { w1: f32(mlpData.w1, [IN, HIDDEN]), b1: f32(mlpData.b1, [HIDDEN]), w2: f32(mlpData.w2, [HIDDEN, OUT]), b2: f32(mlpData.b2, [OUT]) };
    return jaxtsSide(mode, step, p, f32(mlpData.x, [BATCH, IN]), f32(mlpData.y, [BATCH, OUT]));
  },
  tfjs: (tf) => {
    const x = tf.tensor2d(mlpData.x, [BATCH, IN], "float32");
    const y = tf.tensor2d(mlpData.y, [BATCH, OUT], "float32");
    const params = [
      tf.tensor2d(mlpData.w1, [IN, HIDDEN], "float32"),
      tf.tensor1d(mlpData.b1, "float32"),
      tf.tensor2d(mlpData.w2, [HIDDEN, OUT], "float32"),
      tf.tensor1d(mlpData.b2, "float32"),
    ];
    const loss = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) => {
      const h = tf.relu(tf.add(tf.matMul(x, w1), b1));
      const logits = tf.add(tf.matMul(h, w2), b2);
      return tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits, -1)), -1))) as ReturnType<TF["scalar"]>;
    };
    const vg = tf.valueAndGrads((...ps: Tensor[]) => loss(ps[0]!, ps[1]!, ps[2]!, ps[3]!));
    return {
      run: () =>
        readTensors(() => {
          const { value, grads } = vg(params);
          const next = params.map((w, i) => tf.sub(w, tf.mul(grads[i]!, LR)));
          return [value, ...grads, ...next];
        }),
      dispose: () => tf.dispose([x, y, ...params]),
    };
  },
  reference: mlpReference,
};

// (e) reductions over one axis of a 1000×1000 matrix.
const R = 1000;
const mData = normalData(R * R, 41);
const reduceAxis = (axis: 0 | 1): BenchCase => ({
  name: `e-sum-axis${axis}`,
  what: `sum over axis ${axis} of ${R}×${R} f32`,
  tolerance: [1e-5],
  jaxts: (mode) => jaxtsSide(mode, (m: NDArray) => [np.sum(m, { axis })], f32(mData, [R, R])),
  tfjs: (tf) => {
    const m = tf.tensor2d(mData, [R, R], "float32");
    return { run: () => readTensors(() => [tf.sum(m, axis)]), dispose: () => m.dispose() };
  },
  reference: () => {
    const out = new Float64Array(R);
    for (let i = 0; i < R; i++) for (let j = 0; j < R; j++) out[axis === 0 ? j : i]! += mData[i * R + j]!;
    return [out];
  },
});

// (f) a recurrence of 10,000 steps as one scan: h ← tanh(0.9·h + x_t), y_t = Σh. jaxts stages
// one body (not 10,000 copies) and loops over it; tfjs has no scan, so its side is a JS loop.
const T = 10_000;
const H = 16;
const seqData = normalData(T * H, 51);
const scanJ = (xs: NDArray): NDArray[] => {
  const [h, ys] = lax.scan((h: NDArray, x: NDArray) => {
    const hn = np.tanh(h.mul(0.9).add(x));
    return [hn, np.sum(hn)] as const;
  }, np.zeros([H]), xs);
  return [h, ys];
};
const scan10k: BenchCase = {
  name: "f-scan-10k",
  what: `scan of ${T} steps, h ← tanh(0.9h + x), carry f32[${H}], y = Σh`,
  tolerance: [1e-4, 1e-4],
  jaxts: (mode) => jaxtsSide(mode, scanJ, f32(seqData, [T, H])),
  tfjs: (tf) => {
    const xs = tf.tensor2d(seqData, [T, H], "float32");
    const rows = tf.unstack(xs);
    return {
      run: () =>
        readTensors(() => {
          let h = tf.zeros([H]);
          const ys = [];
          for (const x of rows) {
            h = tf.tanh(tf.add(tf.mul(h, 0.9), x));
            ys.push(tf.sum(h));
          }
          return [h, tf.stack(ys)];
        }),
      dispose: () => {
        xs.dispose();
        for (const r of rows) r.dispose();
      },
    };
  },
  reference: () => {
    const h = new Float64Array(H);
    const ys = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let j = 0; j < H; j++) {
        h[j] = Math.tanh(0.9 * h[j]! + seqData[t * H + j]!);
        s += h[j]!;
      }
      ys[t] = s;
    }
    return [h, ys];
  },
};

export const cases: readonly BenchCase[] = [
  elementwise,
  elementwiseSum,
  valueGrad,
  matmul(256),
  matmul(512),
  mlp,
  reduceAxis(0),
  reduceAxis(1),
  scan10k,
];
