// checkGrads: compare forward- and reverse-mode derivatives of f with central finite
// differences in float64 along random directions, at orders 1 to 3 (as jax.test_util).
// Complex arguments get random complex directions (so the differences run along real and
// imaginary directions at once), and complex values are compared part by part in complex128.
import { ArgumentError, array, checkOptions, flattenArgs, isComplex, isInexact, JaxtsError, lax, NDArray, np, tree } from "@jaxts/core";

const isArr = (x: unknown): x is NDArray => x instanceof NDArray;
import { jvp, vjp } from "../ad/api.js";
import { type AnyFn, call } from "../ad/types.js";
import { checkCallable } from "../ad/args.js";

/** Raised when a derivative disagrees with finite differences. */
export class GradientCheckError extends JaxtsError {}

export interface CheckGradsOptions {
  readonly order?: 1 | 2 | 3;
  readonly modes?: readonly ("fwd" | "rev")[];
  readonly eps?: number;
  readonly atol?: number;
  readonly rtol?: number;
  /** Seed of the random directions (deterministic by default). */
  readonly seed?: number;
}

/** Deterministic normal samples (mulberry32 + Box–Muller) for directions. */
function normals(seed: number): () => number {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
}

const f64 = (x: NDArray): NDArray =>
  x.dtype === "complex64" ? lax.convertElementType(x, "complex128") : isInexact(x.dtype) && !isComplex(x.dtype) && x.dtype !== "float64" ? lax.convertElementType(x, "float64") : x;
const toFloat64Tree = (t: unknown): unknown => tree.map((l) => (typeof l === "number" ? array(l, { dtype: "float64" }) : isArr(l) ? f64(l) : l), t);

function randomLike(x: NDArray, rnd: () => number): NDArray {
  if (!isInexact(x.dtype)) return np.zerosLike(x);
  if (isComplex(x.dtype)) {
    const zs = Array.from({ length: x.size }, () => ({ re: rnd(), im: rnd() }));
    return array(zs, { dtype: x.dtype }).reshape(x.shape);
  }
  const data = new Float64Array(x.size);
  for (let i = 0; i < data.length; i++) data[i] = rnd();
  // In x's own dtype: a float64 cotangent for a float32 output is an error, as in JAX.
  return array(data, { dtype: x.dtype }).reshape(x.shape);
}

function leavesOf(t: unknown): NDArray[] {
  return flattenArgs([t], "checkGrads")[0];
}

/**
 * Re Σ a·b over the leaves, with no conjugation: JAX's vjp is the linear transpose, so for
 * complex values ⟨vjp(ct), t⟩ = ⟨ct, jvp(t)⟩ holds for this bilinear form's real part (the
 * real inner product of the conjugates; for real values it is the plain dot product).
 */
function vdot(a: readonly NDArray[], b: readonly NDArray[]): number {
  let s = 0;
  a.forEach((x, i) => {
    if (!x.size) return;
    const v = np.sum(np.multiply(f64(x), f64(b[i]!))).item();
    s += typeof v === "object" ? v.re : Number(v);
  });
  return s;
}

/** What a passing checkGrads compared: how many derivative checks ran, and the largest error
 * met as a fraction of its tolerance (below 1 when all passed). */
export interface GradCheckReport {
  readonly order: number;
  readonly modes: readonly ("fwd" | "rev")[];
  readonly checks: number;
  readonly worstToleranceRatio: number;
}

interface Tally {
  checks: number;
  worst: number;
}

interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

function compare(where: string, got: readonly NDArray[], want: readonly NDArray[], tol: Tolerance, tally: Tally): void {
  got.forEach((g, i) => {
    tally.checks++;
    const gv = f64(g).toTypedArray();
    const wv = f64(want[i]!).toTypedArray();
    let worst = -1;
    let worstExcess = 0;
    for (let k = 0; k < gv.length; k++) {
      const a = gv[k]!;
      const b = wv[k]!;
      const bound = tol.atol + tol.rtol * Math.abs(b);
      const excess = Math.abs(a - b) - bound;
      tally.worst = Math.max(tally.worst, Math.abs(a - b) / bound);
      if (Number.isNaN(a) !== Number.isNaN(b) || excess > worstExcess) {
        worstExcess = Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess;
        worst = k;
      }
    }
    if (worst >= 0) {
      throw new GradientCheckError(
        `checkGrads: ${where}, output leaf ${i}: derivative ${gv[worst]} vs finite difference ${wv[worst]} at element ${worst} ` +
          `(atol ${tol.atol}, rtol ${tol.rtol}); derivative ${JSON.stringify(Array.from(gv).slice(0, 8))}, numeric ${JSON.stringify(Array.from(wv).slice(0, 8))}`,
      );
    }
  });
}

function scale(t: readonly unknown[], s: number, args: readonly unknown[]): unknown[] {
  return args.map((a, i) => tree.map((x: unknown, d: unknown) => (isArr(x) ? np.add(x, np.multiply(d as NDArray, s)) : x), a, t[i]));
}

/** Central difference of f at args along direction t (one entry per argument). */
function numericalJvp(f: AnyFn, args: readonly unknown[], t: readonly unknown[], eps: number): NDArray[] {
  const plus = leavesOf(call(f, scale(t, eps, args)));
  const minus = leavesOf(call(f, scale(t, -eps, args)));
  return plus.map((p, i) => np.divide(np.subtract(f64(p), f64(minus[i]!)), 2 * eps));
}

function defaultTolerance(outs: readonly NDArray[]): Tolerance {
  const lowPrecision = outs.some((o) => o.dtype === "float32" || o.dtype === "complex64");
  return lowPrecision ? { atol: 2e-3, rtol: 2e-3 } : { atol: 1e-5, rtol: 1e-5 };
}

/**
 * Check f's first derivative, then (while `order` > 1) the derivatives of its jvp and vjp.
 * `outer` lists the modes of the derivatives taken so far, so a failure reports the true
 * order of the derivative that is wrong: order 1 is f's own derivative.
 */
function checkOrder(f: AnyFn, args: readonly unknown[], order: number, opts: CheckGradsOptions, rnd: () => number, outer: readonly string[], tally: Tally): void {
  const eps = opts.eps ?? 1e-4;
  const modes = opts.modes ?? ["fwd", "rev"];
  const outLeaves = leavesOf(call(f, args));
  const tol0 = defaultTolerance(outLeaves);
  const tol = { atol: opts.atol ?? tol0.atol, rtol: opts.rtol ?? tol0.rtol };
  args.forEach((arg, i) => {
    if (!leavesOf(arg).some((l) => isInexact(l.dtype))) return;
    // Perturb one argument at a time so a failure names it.
    const t = args.map((a, k) => tree.map((l: unknown) => (isArr(l) ? (k === i ? randomLike(l, rnd) : np.zerosLike(l)) : l), a));
    const numeric = numericalJvp(f, args, t, eps);
    const where = (mode: string) =>
      `argument ${i}, mode ${mode}, order ${outer.length + 1}${outer.length ? ` (${[mode, ...outer].join(" over ")})` : ""}`;
    if (modes.includes("fwd")) {
      const [, tangentOut] = jvp(f, args as never, t);
      compare(where("fwd"), leavesOf(tangentOut), numeric, tol, tally);
      if (order > 1) {
        const fJvp = (...xs: unknown[]) => jvp(f, xs as never, t)[1];
        checkOrder(fJvp, args, order - 1, opts, rnd, ["fwd", ...outer], tally);
      }
    }
    if (modes.includes("rev")) {
      const [out, vjpFn] = vjp(f, ...(args as never[]));
      const ct = tree.map((l: unknown) => (isArr(l) ? randomLike(l, rnd) : l), out);
      const cts = vjpFn(ct);
      const lhs = vdot(leavesOf(cts[i]), leavesOf(t[i]));
      const rhs = vdot(leavesOf(ct), numeric);
      const err = Math.abs(lhs - rhs);
      tally.checks++;
      tally.worst = Math.max(tally.worst, err / (tol.atol + tol.rtol * Math.abs(rhs)));
      if (!(err <= tol.atol + tol.rtol * Math.abs(rhs))) {
        throw new GradientCheckError(
          `checkGrads: ${where("rev")}: ⟨vjp(ct), t⟩ = ${lhs} but ⟨ct, jvp(t)⟩ = ${rhs} by finite differences (atol ${tol.atol}, rtol ${tol.rtol})`,
        );
      }
      if (order > 1) {
        const fVjp = (...xs: unknown[]) => vjp(f, ...(xs as never[]))[1](ct);
        checkOrder(fVjp, args, order - 1, opts, rnd, ["rev", ...outer], tally);
      }
    }
  });
}

/**
 * checkGrads(f, args, { order, modes, eps, atol, rtol }): throws a GradientCheckError naming the
 * argument, the mode, the order, both values and the worst element when a derivative of f
 * disagrees with central finite differences computed in float64.
 *
 * @example
 * import { np } from "@jaxts/core";
 * import { checkGrads } from "@jaxts/transforms/testing";
 *
 * checkGrads(np.sin, [0.3], { order: 2 }); // passes: both orders agree with finite differences
 */
export function checkGrads(f: AnyFn, args: readonly unknown[], opts: CheckGradsOptions = {}): void {
  runCheckGrads(f, args, opts);
}

/** checkGrads, returning what it compared (it throws the same errors). */
export function runCheckGrads(f: AnyFn, args: readonly unknown[], opts: CheckGradsOptions = {}): GradCheckReport {
  checkCallable("checkGrads", f);
  if (!Array.isArray(args)) throw new ArgumentError("checkGrads: args must be the list of arguments to call f with, such as [x]");
  checkOptions(opts, "checkGrads", { order: "integer", modes: "any", eps: "number", atol: "number", rtol: "number", seed: "integer" });
  if (opts.order !== undefined && (opts.order < 1 || opts.order > 3)) throw new ArgumentError(`checkGrads: order must be 1, 2 or 3, got ${opts.order}`);
  const modes: unknown = opts.modes;
  if (modes !== undefined && (!Array.isArray(modes) || !modes.every((m) => m === "fwd" || m === "rev"))) {
    throw new ArgumentError('checkGrads: modes must be a list of "fwd" and "rev"');
  }
  const order = opts.order ?? 2;
  const rnd = normals(opts.seed ?? 0x5eed);
  const args64 = args.map(toFloat64Tree);
  const tally: Tally = { checks: 0, worst: 0 };
  checkOrder(f, args64, order, opts, rnd, [], tally);
  return { order, modes: opts.modes ?? ["fwd", "rev"], checks: tally.checks, worstToleranceRatio: tally.worst };
}
