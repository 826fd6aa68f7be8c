// Independent plain-JS float64 re-implementations of Optax 0.2.8's update rules, written
// from optax/_src/alias.py, transform.py, factorized.py and transforms/*.py, element by
// element with no jaxts code, to check the jaxts optimizers' trajectories against.
// A tree is a record of named 1-D leaves; an optimizer is a stateful step function.

export type Leaves = Record<string, number[]>;
export type RefStep = (grads: Leaves, params: Leaves) => Leaves;
export type RefLr = number | ((count: number) => number);

const lrAt = (lr: RefLr, count: number): number => (typeof lr === "number" ? lr : lr(count));
const mapLeaves = (t: Leaves, f: (x: number[], name: string) => number[]): Leaves =>
  Object.fromEntries(Object.entries(t).map(([k, v]) => [k, f(v, k)]));
const zeros = (t: Leaves): Leaves => mapLeaves(t, (x) => x.map(() => 0));
const norm = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0));
const rms = (x: number[]): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length);

/** Decoupled weight decay `u + λp` on the leaves the mask selects (all when no mask). */
function decay(u: Leaves, params: Leaves, wd: number, mask?: Record<string, boolean>): Leaves {
  return mapLeaves(u, (x, k) => (mask !== undefined && !mask[k] ? x : x.map((v, i) => v + wd * params[k]![i]!)));
}

export function refSgd(lr: RefLr, opts: { momentum?: number; nesterov?: boolean } = {}): RefStep {
  let trace: Leaves | undefined;
  let count = 0;
  return (grads) => {
    let u = grads;
    if (opts.momentum !== undefined) {
      const mu = opts.momentum;
      trace ??= zeros(grads);
      const t = trace;
      const next = mapLeaves(grads, (g, k) => g.map((v, i) => v + mu * t[k]![i]!));
      u = opts.nesterov ? mapLeaves(grads, (g, k) => g.map((v, i) => v + mu * next[k]![i]!)) : next;
      trace = next;
    }
    const a = lrAt(lr, count++);
    return mapLeaves(u, (x) => x.map((v) => -a * v));
  };
}

export interface RefAdamOptions {
  b1?: number;
  b2?: number;
  eps?: number;
  epsRoot?: number;
  nesterov?: boolean;
  /** adamw (decay after the Adam direction) when given. */
  weightDecay?: number;
  mask?: Record<string, boolean>;
}

/** Adam's direction m̂/(√(v̂+ε_root)+ε) with its moments; count is the step t ≥ 1. */
function adamDirection(opts: RefAdamOptions): (grads: Leaves) => Leaves {
  const { b1 = 0.9, b2 = 0.999, eps = 1e-8, epsRoot = 0, nesterov = false } = opts;
  let mu: Leaves | undefined;
  let nu: Leaves | undefined;
  let t = 0;
  return (grads) => {
    const m0 = mu ?? zeros(grads);
    const v0 = nu ?? zeros(grads);
    mu = mapLeaves(grads, (g, k) => g.map((x, i) => (1 - b1) * x + b1 * m0[k]![i]!));
    nu = mapLeaves(grads, (g, k) => g.map((x, i) => (1 - b2) * x * x + b2 * v0[k]![i]!));
    t++;
    const m = mu;
    const v = nu;
    return mapLeaves(grads, (g, k) =>
      g.map((x, i) => {
        const mHat = nesterov ? (b1 * m[k]![i]!) / (1 - b1 ** (t + 1)) + ((1 - b1) * x) / (1 - b1 ** t) : m[k]![i]! / (1 - b1 ** t);
        const vHat = v[k]![i]! / (1 - b2 ** t);
        return mHat / (Math.sqrt(vHat + epsRoot) + eps);
      }),
    );
  };
}

export function refAdam(lr: RefLr, opts: RefAdamOptions = {}): RefStep {
  const direction = adamDirection(opts);
  let count = 0;
  return (grads, params) => {
    let u = direction(grads);
    if (opts.weightDecay !== undefined) u = decay(u, params, opts.weightDecay, opts.mask);
    const a = lrAt(lr, count++);
    return mapLeaves(u, (x) => x.map((v) => -a * v));
  };
}

export function refLamb(lr: RefLr, opts: { b1?: number; b2?: number; eps?: number; weightDecay?: number; mask?: Record<string, boolean> } = {}): RefStep {
  const direction = adamDirection({ b1: opts.b1 ?? 0.9, b2: opts.b2 ?? 0.999, eps: opts.eps ?? 1e-6 });
  let count = 0;
  return (grads, params) => {
    const r = decay(direction(grads), params, opts.weightDecay ?? 0, opts.mask);
    const a = lrAt(lr, count++);
    return mapLeaves(r, (x, k) => {
      const pn = norm(params[k]!);
      const un = norm(x);
      const ratio = pn === 0 || un === 0 ? 1 : pn / un;
      return x.map((v) => -a * ratio * v);
    });
  };
}

export function refLion(lr: RefLr, opts: { b1?: number; b2?: number; weightDecay?: number; mask?: Record<string, boolean> } = {}): RefStep {
  const { b1 = 0.9, b2 = 0.99, weightDecay = 1e-3 } = opts;
  let mu: Leaves | undefined;
  let count = 0;
  return (grads, params) => {
    const m = mu ?? zeros(grads);
    const dir = mapLeaves(grads, (g, k) => g.map((x, i) => Math.sign((1 - b1) * x + b1 * m[k]![i]!)));
    mu = mapLeaves(grads, (g, k) => g.map((x, i) => (1 - b2) * x + b2 * m[k]![i]!));
    const u = decay(dir, params, weightDecay, opts.mask);
    const a = lrAt(lr, count++);
    return mapLeaves(u, (x) => x.map((v) => -a * v));
  };
}

export interface RefRmspropOptions {
  decay?: number;
  eps?: number;
  initialScale?: number;
  epsInSqrt?: boolean;
  centered?: boolean;
  momentum?: number;
  nesterov?: boolean;
  biasCorrection?: boolean;
}

export function refRmsprop(lr: RefLr, opts: RefRmspropOptions = {}): RefStep {
  const { decay: d = 0.9, eps = 1e-8, initialScale = 0, epsInSqrt = true, centered = false, biasCorrection = false } = opts;
  let mu: Leaves | undefined;
  let nu: Leaves | undefined;
  let t = 0;
  let count = 0;
  const momentum = opts.momentum === undefined ? undefined : refSgd(-1, { momentum: opts.momentum, nesterov: opts.nesterov ?? false });
  return (grads, params) => {
    const m0 = mu ?? zeros(grads);
    const v0 = nu ?? mapLeaves(grads, (g) => g.map(() => initialScale));
    mu = mapLeaves(grads, (g, k) => g.map((x, i) => (1 - d) * x + d * m0[k]![i]!));
    nu = mapLeaves(grads, (g, k) => g.map((x, i) => (1 - d) * x * x + d * v0[k]![i]!));
    t++;
    const m = mu;
    const v = nu;
    const a = lrAt(lr, count++);
    const scaled = mapLeaves(grads, (g, k) =>
      g.map((x, i) => {
        const bc = biasCorrection ? 1 - d ** t : 1;
        let n = v[k]![i]! / bc;
        if (centered) n -= (m[k]![i]! / bc) ** 2;
        const inv = epsInSqrt ? 1 / Math.sqrt(n + eps) : 1 / (Math.sqrt(n) + eps);
        return -a * inv * x;
      }),
    );
    // Momentum (optax's trace) runs after the learning rate; refSgd(-1) is a bare trace.
    return momentum === undefined ? scaled : momentum(scaled, params);
  };
}

export function refAdagrad(lr: RefLr, opts: { initialAccumulatorValue?: number; eps?: number } = {}): RefStep {
  const { initialAccumulatorValue = 0.1, eps = 1e-7 } = opts;
  let sum: Leaves | undefined;
  let count = 0;
  return (grads) => {
    const s0 = sum ?? mapLeaves(grads, (g) => g.map(() => initialAccumulatorValue));
    sum = mapLeaves(grads, (g, k) => g.map((x, i) => x * x + s0[k]![i]!));
    const s = sum;
    const a = lrAt(lr, count++);
    return mapLeaves(grads, (g, k) => g.map((x, i) => -a * (s[k]![i]! > 0 ? 1 / Math.sqrt(s[k]![i]! + eps) : 0) * x));
  };
}

export interface RefAdafactorOptions {
  decayRate?: number;
  clippingThreshold?: number | null;
  multiplyByParameterScale?: boolean;
  momentum?: number;
  weightDecayRate?: number;
  eps?: number;
}

/** Adafactor's second-moment decay 1 - (t+1)^(-rate), which Optax computes in float32. */
const decayRateAt = (count: number, rate: number): number => Math.fround(1 - Math.fround((count + 1) ** Math.fround(-rate)));

/** Adafactor for leaves too small to factor (Optax's default min_dim_size_to_factor = 128). */
export function refAdafactor(lr: RefLr | undefined, opts: RefAdafactorOptions = {}): RefStep {
  const { decayRate = 0.8, clippingThreshold = 1, multiplyByParameterScale = true, eps = 1e-30 } = opts;
  let v: Leaves | undefined;
  let emaState: Leaves | undefined;
  let count = 0;
  return (grads, params) => {
    const beta = decayRateAt(count, decayRate);
    const v0 = v ?? zeros(grads);
    v = mapLeaves(grads, (g, k) => g.map((x, i) => beta * v0[k]![i]! + (1 - beta) * (x * x + eps)));
    const vv = v;
    let u = mapLeaves(grads, (g, k) => g.map((x, i) => x * vv[k]![i]! ** -0.5));
    if (clippingThreshold !== null) u = mapLeaves(u, (x) => x.map((e) => e / Math.max(1, rms(x) / clippingThreshold)));
    if (lr !== undefined) {
      const a = lrAt(lr, count);
      u = mapLeaves(u, (x) => x.map((e) => a * e));
    }
    if (multiplyByParameterScale) u = mapLeaves(u, (x, k) => x.map((e) => e * Math.max(rms(params[k]!), 1e-3)));
    if (opts.momentum !== undefined) {
      const b = opts.momentum;
      const e0 = emaState ?? zeros(grads);
      // Optax keeps the momentum buffer in float32 (dtype_momentum); the update uses the unrounded value.
      const next = mapLeaves(u, (x, k) => x.map((e, i) => (1 - b) * e + b * e0[k]![i]!));
      emaState = mapLeaves(next, (x) => x.map(Math.fround));
      u = next;
    }
    if (opts.weightDecayRate !== undefined) u = decay(u, params, opts.weightDecayRate);
    count++;
    return mapLeaves(u, (x) => x.map((e) => -e));
  };
}

/** One factored Adafactor step for a single [rows, cols] matrix leaf (rows ≤ cols, both ≥ the factoring size),
 * no clipping, parameter scaling or learning rate: u = g / √(R/mean(R) ⊗ C), as Optax. */
export function refFactoredRms(rows: number, cols: number, decayRate = 0.8, eps = 1e-30): (g: number[]) => number[] {
  // With rows <= cols, d1 = 0 (rows) and d0 = 1 (cols): R averages over columns, C over rows.
  let r = new Array<number>(rows).fill(0);
  let c = new Array<number>(cols).fill(0);
  let count = 0;
  return (g) => {
    const beta = decayRateAt(count, decayRate);
    const sq = g.map((x) => x * x + eps);
    r = r.map((x, i) => beta * x + ((1 - beta) * sq.slice(i * cols, (i + 1) * cols).reduce((s, y) => s + y, 0)) / cols);
    c = c.map((x, j) => {
      let s = 0;
      for (let i = 0; i < rows; i++) s += sq[i * cols + j]!;
      return beta * x + ((1 - beta) * s) / rows;
    });
    const rMean = r.reduce((s, y) => s + y, 0) / rows;
    count++;
    return g.map((x, idx) => x * (r[Math.floor(idx / cols)]! / rMean) ** -0.5 * c[idx % cols]! ** -0.5);
  };
}

/** Runs `step` on Σ‖p - target‖² from `init` and returns the params after each step. */
export function refTrajectory(step: RefStep, init: Leaves, target: Leaves, steps: number): Leaves[] {
  let params = init;
  const out: Leaves[] = [];
  for (let s = 0; s < steps; s++) {
    const p = params;
    const grads = mapLeaves(p, (x, k) => x.map((v, i) => 2 * (v - target[k]![i]!)));
    const u = step(grads, p);
    params = mapLeaves(p, (x, k) => x.map((v, i) => v + u[k]![i]!));
    out.push(params);
  }
  return out;
}
