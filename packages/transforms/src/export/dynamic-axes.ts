// The dynamicAxes option: which input axes are symbolic sizes, checked against the graph's
// inputs, and the sizes the program is traced at to learn how its shapes depend on them.
import { ArgumentError, tree } from "@jaxts/core";
import { MAX_DEGREE, type TraceDesign } from "./size-functions.js";

/**
 * Symbolic input dimensions, keyed by graph input name (`x`, `params.W0`) or by a top-level
 * argument's name (then every leaf under it): `{ x: { 0: "batch" } }` names axis 0 of `x`
 * `batch`; `{ x: [0] }` names it `x_dim0`. Inputs sharing a name share the size. Axes may be
 * negative (from the end). Outputs' dynamic dimensions follow from the inputs'.
 */
export type DynamicAxes = Readonly<Record<string, Readonly<Record<number, string>> | readonly number[]>>;

/** One symbolic input dimension. */
export interface DynamicDim {
  readonly input: number;
  readonly axis: number;
  readonly symbol: number;
}

export interface DynamicSymbol {
  readonly name: string;
  /** Its size in the example arguments. */
  readonly exampleSize: number;
  /** Where it was first named: `x axis 0`. */
  readonly at: string;
}

export interface DynamicPlan {
  readonly symbols: readonly DynamicSymbol[];
  readonly dims: readonly DynamicDim[];
}

function axesOf(key: string, spec: unknown, where: string): [number, string][] {
  if (Array.isArray(spec)) {
    return spec.map((a: unknown) => {
      if (!Number.isInteger(a)) throw new ArgumentError(`${where}: dynamicAxes.${key} lists ${String(a)}, which is not an axis (an integer)`);
      return [a as number, `${key}_dim${a as number}`];
    });
  }
  if (!tree.isPlainObject(spec)) throw new ArgumentError(`${where}: dynamicAxes.${key} must map axes to names ({ 0: "batch" }) or list axes ([0])`);
  return Object.entries(spec as Record<string, unknown>).map(([a, name]) => {
    const axis = Number(a);
    if (!Number.isInteger(axis) || a.trim() === "") throw new ArgumentError(`${where}: dynamicAxes.${key} has the key "${a}", which is not an axis (an integer)`);
    if (typeof name !== "string" || name.length === 0) throw new ArgumentError(`${where}: dynamicAxes.${key}[${a}] must be a non-empty name, got ${JSON.stringify(name)}`);
    if (/^\d+$/.test(name)) throw new ArgumentError(`${where}: dynamicAxes.${key}[${a}] is "${name}"; a dimension's name must not be a number`);
    return [axis, name];
  });
}

const list = (names: readonly string[]): string => (names.length <= 12 ? names.join(", ") : `${names.slice(0, 12).join(", ")}, … (${names.length} in all)`);

/** The option resolved against the graph inputs (their names and example shapes). */
export function resolveDynamicAxes(option: unknown, inputs: readonly string[], shapes: readonly (readonly number[])[], where: string): DynamicPlan {
  if (!tree.isPlainObject(option)) throw new ArgumentError(`${where}: dynamicAxes must be an object like { x: { 0: "batch" } }`);
  const symbols: DynamicSymbol[] = [];
  const dims: DynamicDim[] = [];
  for (const [key, spec] of Object.entries(option as Record<string, unknown>)) {
    const matched = inputs.flatMap((n, i) => (n === key || n.startsWith(`${key}.`) ? [i] : []));
    if (matched.length === 0) {
      throw new ArgumentError(`${where}: dynamicAxes names "${key}", which is not an input; the inputs are ${list(inputs)} (outputs' dynamic dimensions follow from the inputs')`);
    }
    for (const [given, name] of axesOf(key, spec, where)) {
      for (const input of matched) {
        const shape = shapes[input]!;
        const at = (a: number) => `${inputs[input]} axis ${a}`;
        if (given < -shape.length || given >= shape.length) {
          throw new ArgumentError(`${where}: dynamicAxes.${key} makes axis ${given} of input ${inputs[input]} dynamic, but its example shape [${shape.join(", ")}] has ${shape.length} axes`);
        }
        const axis = given < 0 ? given + shape.length : given;
        const size = shape[axis]!;
        let s = symbols.findIndex((x) => x.name === name);
        if (s < 0) s = symbols.push({ name, exampleSize: size, at: at(axis) }) - 1;
        const sym = symbols[s]!;
        if (sym.exampleSize !== size) {
          throw new ArgumentError(`${where}: dynamicAxes gives ${sym.at} and ${at(axis)} the same name "${name}", but their example sizes differ (${sym.exampleSize} and ${size})`);
        }
        const known = dims.find((d) => d.input === input && d.axis === axis);
        if (known === undefined) dims.push({ input, axis, symbol: s });
        else if (known.symbol !== s) throw new ArgumentError(`${where}: dynamicAxes names ${at(axis)} both "${symbols[known.symbol]!.name}" and "${name}"`);
      }
    }
  }
  return { symbols, dims };
}

/** Every subset of {0, …, k − 1} with at most `max` elements, smallest first ([] first). */
function subsetsUpTo(k: number, max: number): number[][] {
  let level: number[][] = [[]];
  const all: number[][] = [[]];
  for (let d = 1; d <= Math.min(k, max); d++) {
    level = level.flatMap((S) => Array.from({ length: k }, (_, j) => j).filter((j) => j > (S.at(-1) ?? -1)).map((j) => [...S, j]));
    all.push(...level);
  }
  return all;
}

/** At most this many extra traces check the sizes where the program might change. */
const MAX_CHECKS = 24;

/**
 * Where the program is traced: the base sizes (the example's, or a fresh size where that is 0
 * or 1, which broadcasting treats specially), one trace per subset of up to MAX_DEGREE symbols
 * moved together (which fixes a multilinear fit: batch, batch·time), and one with all moved to
 * third sizes, which checks it (a batch² seen at three sizes is no such function). Moved sizes
 * are larger than every static dimension. Then checks at the sizes where a program's
 * JavaScript or numpy broadcasting may take another path: each symbol at 2 and 3 (below the
 * example's, where `Math.min(n, 4)` shows) and at each static dimension ≥ 2 of the inputs
 * and captured constants (`a.shape[0] === b.shape[0] ? …`), and all symbols at one size.
 * Then two traces at fresh primes (where a size-dependent index that fits a polynomial by
 * chance at the other sizes shows), outside the MAX_CHECKS budget. A program that changes
 * there is refused rather than exported with a graph that is wrong at those sizes; one that
 * cannot run there (a convolution wider than the input) is not checked there.
 */
export function traceSizes(plan: DynamicPlan, shapes: readonly (readonly number[])[], constShapes: readonly (readonly number[])[] = []): TraceDesign {
  const statics = new Set<number>();
  shapes.forEach((shape, i) => {
    shape.forEach((d, axis) => {
      if (!plan.dims.some((x) => x.input === i && x.axis === axis)) statics.add(d);
    });
  });
  for (const shape of constShapes) for (const d of shape) statics.add(d);
  const top = Math.max(2, ...statics, ...plan.symbols.map((s) => s.exampleSize));
  const k = plan.symbols.length;
  const moved = plan.symbols.map((_, j) => top + 3 + j);
  const third = plan.symbols.map((_, j) => top + 3 + k + j);
  const base = plan.symbols.map((s, j) => (s.exampleSize >= 2 ? s.exampleSize : top + 3 + 2 * k + j));
  const subsets = subsetsUpTo(k, MAX_DEGREE);
  const checks: number[][] = [];
  const ascending = [...new Set([2, 3, ...statics])].filter((d) => d >= 2).sort((a, b) => a - b);
  for (const c of ascending) base.forEach((b, j) => c !== b && checks.push(base.map((x, i) => (i === j ? c : x))));
  if (k >= 2) checks.unshift(base.map(() => top + 3 + 3 * k));
  // Two traces at primes above every size so far, each symbol its own: a size-dependent
  // index such as `i % n` can agree with a linear fit at all the sizes above by chance (i ≡ −2
  // mod 90 fits n − 2 at 2, 3, 6, 9 and 10), but rarely also at two fresh primes.
  let p = top + 4 + 4 * k;
  const primes = Array.from({ length: 2 * k }, () => (p = nextPrime(p + 1)));
  const atPrimes = [primes.slice(0, k), primes.slice(k)];
  const sizes = [...subsets.map((S) => base.map((b, j) => (S.includes(j) ? moved[j]! : b))), third, ...atPrimes, ...checks.slice(0, MAX_CHECKS)];
  return { base, moved, subsets, sizes, required: subsets.length + 1 };
}

/** The smallest prime ≥ n (n ≥ 2). */
function nextPrime(n: number): number {
  const prime = (m: number): boolean => {
    for (let d = 2; d * d <= m; d++) if (m % d === 0) return false;
    return true;
  };
  while (!prime(n)) n++;
  return n;
}

/** The input shapes at one trace's sizes. */
export function shapesAt(plan: DynamicPlan, shapes: readonly (readonly number[])[], sizes: readonly number[]): number[][] {
  const out = shapes.map((s) => [...s]);
  for (const d of plan.dims) out[d.input]![d.axis] = sizes[d.symbol]!;
  return out;
}
