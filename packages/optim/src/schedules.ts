// Learning-rate (and other hyperparameter) schedules: pure functions of the step count,
// written with np so that a traced, int32 step works as well as a JS number (Optax 0.2.8).
import { ArgumentError, config, NDArray, np, checkOptions } from "@jaxts/core";
import { describe } from "./tree-util.js";

/** A step: a JS number, or the int32 step counter an optimizer keeps in its state. */
export type Step = NDArray | number;

/** A schedule maps a step to a value; usable wherever a learning rate is. */
export type Schedule = (step: Step) => NDArray | number;

/** The step as a scalar of the default float dtype (schedules do their arithmetic in floats). */
function floatStep(step: Step, where: string): NDArray {
  if (typeof step === "number") {
    if (!Number.isFinite(step)) throw new ArgumentError(`${where}: the step must be a finite number, got ${step}`);
    return np.array(step, { dtype: config.get().defaultFloat });
  }
  if (!(step instanceof NDArray)) throw new ArgumentError(`${where}: the step must be a number or an NDArray, got ${typeof step}`);
  return np.astype(step, config.get().defaultFloat);
}

function checkFinite(where: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ArgumentError(`${where}: ${name} must be a finite number, got ${typeof value === "number" ? value : describe(value)}`);
  }
}

function checkInteger(where: string, name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new ArgumentError(`${where}: ${name} must be an integer, got ${typeof value === "number" ? value : describe(value)}`);
}

/** `transitionBegin`: a step count, so an integer ≥ 0. (Optax logs a negative one and uses 0;
 * jaxts refuses it rather than run a schedule other than the one written.) */
function transitionBegin(where: string, value: number | undefined): number {
  const begin = value ?? 0;
  checkInteger(where, "transitionBegin", begin);
  if (begin < 0) throw new ArgumentError(`${where}: transitionBegin must be an integer ≥ 0 (a step count), got ${begin}`);
  return begin;
}

/**
 * The same value at every step.
 *
 * @example
 * import { constant } from "@jaxts/optim/schedules";
 *
 * const lr = constant(0.1);
 * lr(0); // 0.1
 * lr(1000); // 0.1
 */
export function constant(value: number): Schedule {
  checkFinite("constant", "value", value);
  return () => value;
}

/**
 * Polynomial transition: `(init - end)·(1 - min(max(t - begin, 0), T)/T)^power + end`;
 * `init` before `transitionBegin`, `end` after `transitionBegin + transitionSteps`.
 * With `transitionSteps <= 0` the schedule is constant at `initValue` (as in Optax).
 *
 * @example
 * import { polynomial } from "@jaxts/optim/schedules";
 *
 * const lr = polynomial(1, 0.01, 2, 100, { transitionBegin: 5 });
 * lr(6).toString(); // "0.980299"  (Optax: 0.9803)
 * lr(200).toString(); // "0.01"
 */
export function polynomial(initValue: number, endValue: number, power: number, transitionSteps: number, opts: { readonly transitionBegin?: number } = {}): Schedule {
  checkOptions(opts, "polynomial", { transitionBegin: "number" });
  const where = "polynomial";
  checkFinite(where, "initValue", initValue);
  checkFinite(where, "endValue", endValue);
  checkFinite(where, "power", power);
  checkInteger(where, "transitionSteps", transitionSteps);
  const begin = transitionBegin(where, opts.transitionBegin);
  if (transitionSteps <= 0) return () => initValue;
  return (step) => {
    const count = np.clip(np.subtract(floatStep(step, where), begin), 0, transitionSteps);
    const frac = np.subtract(1, np.divide(count, transitionSteps));
    return np.add(np.multiply(initValue - endValue, np.power(frac, power)), endValue);
  };
}

/**
 * Linear transition from `initValue` to `endValue` over `transitionSteps`, starting at
 * `transitionBegin`: `init + (end - init)·min(max(t - begin, 0), T)/T`.
 *
 * @example
 * import { linear } from "@jaxts/optim/schedules";
 *
 * const warmup = linear(0, 1e-3, 100);
 * warmup(50).toString(); // "0.0005"
 * warmup(500).toString(); // "0.001"
 */
export function linear(initValue: number, endValue: number, transitionSteps: number, opts: { readonly transitionBegin?: number } = {}): Schedule {
  checkOptions(opts, "linear", { transitionBegin: "number" });
  return polynomial(initValue, endValue, 1, transitionSteps, opts);
}

/**
 * Exponential decay: `init · rate^((t - begin)/T)` for `t > begin`, `init` before; with
 * `staircase` the exponent is floored; `endValue` bounds the result (a floor when
 * `rate < 1`, a ceiling otherwise).
 *
 * @example
 * import { exponentialDecay } from "@jaxts/optim/schedules";
 *
 * exponentialDecay(1, 10, 0.5)(20).toString(); // "0.25"
 * exponentialDecay(1, 10, 0.5, { staircase: true })(15).toString(); // "0.5"
 */
export function exponentialDecay(
  initValue: number,
  transitionSteps: number,
  decayRate: number,
  opts: { readonly transitionBegin?: number; readonly staircase?: boolean; readonly endValue?: number } = {},
): Schedule {
  const where = "exponentialDecay";
  checkOptions(opts, where, { transitionBegin: "number", staircase: "boolean", endValue: "number" });
  checkFinite(where, "initValue", initValue);
  checkInteger(where, "transitionSteps", transitionSteps);
  checkFinite(where, "decayRate", decayRate);
  if (opts.endValue !== undefined) checkFinite(where, "endValue", opts.endValue);
  const begin = transitionBegin(where, opts.transitionBegin);
  if (transitionSteps <= 0 || decayRate === 0) return () => initValue;
  const endValue = opts.endValue;
  return (step) => {
    const decreased = np.subtract(floatStep(step, where), begin);
    let p = np.divide(decreased, transitionSteps);
    if (opts.staircase) p = np.floor(p);
    let value = np.where(np.lessEqual(decreased, 0), initValue, np.multiply(initValue, np.power(decayRate, p)));
    if (endValue !== undefined) value = decayRate < 1 ? np.maximum(value, endValue) : np.minimum(value, endValue);
    return value;
  };
}

/**
 * Cosine decay over `decaySteps`: `init · ((1 - α)·(½(1 + cos(π·min(t, T)/T)))^exponent + α)`.
 *
 * @example
 * import { cosineDecay } from "@jaxts/optim/schedules";
 *
 * const lr = cosineDecay(1, 100, { alpha: 0.1 });
 * lr(50).toString(); // "0.55"
 * lr(100).toString(); // "0.1"
 */
export function cosineDecay(initValue: number, decaySteps: number, opts: { readonly alpha?: number; readonly exponent?: number } = {}): Schedule {
  checkOptions(opts, "cosineDecay", { alpha: "number", exponent: "number" });
  const where = "cosineDecay";
  checkFinite(where, "initValue", initValue);
  checkInteger(where, "decaySteps", decaySteps);
  if (decaySteps <= 0) throw new ArgumentError(`${where}: decaySteps must be positive, got ${decaySteps}`);
  const alpha = opts.alpha ?? 0;
  const exponent = opts.exponent ?? 1;
  checkFinite(where, "alpha", alpha);
  checkFinite(where, "exponent", exponent);
  return (step) => {
    const count = np.minimum(floatStep(step, where), decaySteps);
    const cosine = np.multiply(0.5, np.add(1, np.cos(np.multiply(Math.PI / decaySteps, count))));
    return np.multiply(initValue, np.add(np.multiply(1 - alpha, np.power(cosine, exponent)), alpha));
  };
}

/**
 * Sequentially applied schedules: `schedules[i]` runs from `boundaries[i-1]` on, and is
 * given the steps since that boundary (Optax's join_schedules).
 *
 * @example
 * import { constant, join, linear } from "@jaxts/optim/schedules";
 *
 * const lr = join([linear(0, 1, 10), constant(1)], [10]);
 * lr(5).toString(); // "0.5"
 * lr(50).toString(); // "1"
 */
export function join(schedules: readonly Schedule[], boundaries: readonly number[]): Schedule {
  // Dense copies: a hole is then checked (some/forEach skip holes), and later edits to the
  // caller's lists do not change the schedule.
  if (!Array.isArray(schedules) || schedules.length === 0 || !Array.from(schedules).every((s) => typeof s === "function")) {
    throw new ArgumentError("join: expected a non-empty list of schedules");
  }
  schedules = Array.from(schedules);
  if (!Array.isArray(boundaries) || boundaries.length !== schedules.length - 1) {
    throw new ArgumentError(`join: ${schedules.length} schedules need ${schedules.length - 1} boundaries, got ${Array.isArray(boundaries) ? boundaries.length : describe(boundaries)}`);
  }
  boundaries = Array.from(boundaries);
  boundaries.forEach((b, i) => checkInteger("join", `boundaries[${i}]`, b));
  return (step) => {
    let output: NDArray | number = schedules[0]!(step);
    boundaries.forEach((boundary, i) => {
      const shifted = typeof step === "number" ? step - boundary : np.subtract(step, boundary);
      output = np.where(np.less(step, boundary), output, schedules[i + 1]!(shifted));
    });
    return output;
  };
}

/**
 * Linear warmup from `initValue` to `peakValue` over `warmupSteps`, then cosine decay to
 * `endValue` at step `decaySteps` (which includes the warmup).
 *
 * @example
 * import { warmupCosineDecay } from "@jaxts/optim/schedules";
 *
 * const lr = warmupCosineDecay(0, 1e-3, 100, 1000, { endValue: 1e-5 });
 * lr(50).toString(); // "0.0005"
 * lr(100).toString(); // "0.001"
 * lr(1000).toString(); // "0.00001"
 */
export function warmupCosineDecay(
  initValue: number,
  peakValue: number,
  warmupSteps: number,
  decaySteps: number,
  opts: { readonly endValue?: number; readonly exponent?: number } = {},
): Schedule {
  const where = "warmupCosineDecay";
  checkOptions(opts, where, { endValue: "number", exponent: "number" });
  checkFinite(where, "peakValue", peakValue);
  checkInteger(where, "warmupSteps", warmupSteps);
  checkInteger(where, "decaySteps", decaySteps);
  const endValue = opts.endValue ?? 0;
  checkFinite(where, "endValue", endValue);
  if (decaySteps - warmupSteps <= 0) {
    throw new ArgumentError(`${where}: decaySteps (${decaySteps}) must exceed warmupSteps (${warmupSteps}): it counts the warmup too`);
  }
  const alpha = peakValue === 0 ? 0 : endValue / peakValue;
  const decay = cosineDecay(peakValue, decaySteps - warmupSteps, opts.exponent === undefined ? { alpha } : { alpha, exponent: opts.exponent });
  return join([linear(initValue, peakValue, warmupSteps), decay], [warmupSteps]);
}

/**
 * `initValue` times every scale whose boundary has been reached (`t >= boundary`).
 *
 * @example
 * import { piecewiseConstant } from "@jaxts/optim/schedules";
 *
 * const lr = piecewiseConstant(1, { 100: 0.1, 200: 0.1 });
 * lr(150).toString(); // "0.1"
 * lr(250).toString(); // "0.01"
 */
export function piecewiseConstant(initValue: number, boundariesAndScales: Readonly<Record<number, number>> = {}): Schedule {
  const where = "piecewiseConstant";
  checkFinite(where, "initValue", initValue);
  if (typeof boundariesAndScales !== "object" || boundariesAndScales === null) {
    throw new ArgumentError(`${where}: boundariesAndScales must be an object { step: scale }, got ${describe(boundariesAndScales)}`);
  }
  const entries = Object.entries(boundariesAndScales)
    .map(([b, s]) => [Number(b), s] as const)
    .sort((x, y) => x[0] - y[0]);
  for (const [b, s] of entries) {
    checkInteger(where, "a boundary", b);
    checkFinite(where, `the scale at ${b}`, s);
    if (s < 0) throw new ArgumentError(`${where}: scales must be non-negative, got ${s} at step ${b}`);
  }
  return (step) => {
    const t = floatStep(step, where);
    let v: NDArray = np.full([], initValue, t.dtype);
    for (const [threshold, scale] of entries) {
      // 1 before the boundary, 0 from it on (sign(0) = 0), exactly as Optax.
      const before = np.maximum(0, np.sign(np.subtract(threshold, t)));
      v = np.add(np.multiply(v, before), np.multiply(np.multiply(np.subtract(1, before), scale), v));
    }
    return v;
  };
}
