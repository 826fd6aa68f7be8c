// Sizes as functions of the symbolic dimensions, fitted to the values seen at the traced
// sizes: how a dynamic export learns that a Reshape's target is [batch·time, 10] or a mean's
// scale 1/(10·batch). The functions are multilinear with integer coefficients — a constant
// plus products of distinct symbols (2·batch + 1, batch·time), each symbol to the first
// power — which is what shapes built by reshaping, padding, slicing and concatenating are.

/** constant + Σ coeff·Π_{j ∈ symbols} size_j. */
export interface SizeFunction {
  readonly constant: number;
  readonly terms: readonly { readonly symbols: readonly number[]; readonly coeff: number }[];
}

/**
 * Where the program is traced (see traceSizes): `sizes[t]` holds every symbol's size at trace
 * t. Trace 0 is the base; trace t in 1 … subsets.length − 1 moves the symbols `subsets[t]` to
 * their `moved` sizes (every subset of up to MAX_DEGREE symbols), which determine the fit; the
 * traces after those (all symbols at third sizes, then sizes where programs may change) check it.
 */
export interface TraceDesign {
  readonly base: readonly number[];
  readonly moved: readonly number[];
  readonly subsets: readonly (readonly number[])[];
  readonly sizes: readonly (readonly number[])[];
  /** The traces the program must trace at (the fit's, and the third sizes); the later checks
   * are skipped where the function cannot run. */
  readonly required: number;
}

/** Products of at most this many distinct symbols are fitted (so at most 1 + k + C(k,2) +
 * C(k,3) + 1 traces for k symbols). */
export const MAX_DEGREE = 3;

export function evaluate(f: SizeFunction, sizes: readonly number[]): number {
  let v = f.constant;
  for (const t of f.terms) v += t.symbols.reduce((p, j) => p * sizes[j]!, t.coeff);
  return v;
}

const isSubset = (a: readonly number[], b: readonly number[]): boolean => a.every((j) => b.includes(j));

/** The multilinear function with integer coefficients through `values` (one per trace), or
 * undefined when there is none (then the last trace, or an integrality check, disagrees). A
 * check trace's value may be undefined: unconstrained there (a coefficient of an axis that
 * has fewer than two elements at that trace). */
export function fitSizes(values: readonly (number | undefined)[], d: TraceDesign): SizeFunction | undefined {
  if (values.slice(0, d.subsets.length).some((v) => v === undefined)) return undefined;
  // In the basis Π (s_j − base_j), coefficient a_S is the alternating sum of the values over
  // the subsets of S (inclusion–exclusion), divided by the moves' product.
  const shifted = d.subsets.map((S) => {
    let sum = 0;
    d.subsets.forEach((T, t) => {
      if (isSubset(T, S)) sum += (S.length - T.length) % 2 === 0 ? values[t]! : -values[t]!;
    });
    return sum / S.reduce((p, j) => p * (d.moved[j]! - d.base[j]!), 1);
  });
  // Back to monomials: c_U = Σ_{S ⊇ U} a_S · Π_{j ∈ S∖U} (−base_j).
  const coeffs = d.subsets.map((U) => {
    let c = 0;
    d.subsets.forEach((S, s) => {
      if (isSubset(U, S)) c += S.filter((j) => !U.includes(j)).reduce((p, j) => p * -d.base[j]!, shifted[s]!);
    });
    return Math.round(c);
  });
  const f: SizeFunction = {
    constant: coeffs[0]!,
    terms: d.subsets.flatMap((S, s) => (s === 0 || coeffs[s] === 0 ? [] : [{ symbols: S, coeff: coeffs[s]! }])),
  };
  return values.every((v, t) => v === undefined || evaluate(f, d.sizes[t]!) === v) ? f : undefined;
}

export const isConstant = (f: SizeFunction): boolean => f.terms.length === 0;

/** Values that are 1/n for such a function n, each rounded as `round` rounds (Math.fround
 * for float32): a mean's scale, a variance's 1/(n − 1). */
export function fitReciprocal(values: readonly number[], d: TraceDesign, round: (x: number) => number): SizeFunction | undefined {
  if (values.some((v) => v === 0 || !Number.isFinite(v))) return undefined;
  const ns = values.map((v) => Math.round(1 / v));
  if (ns.some((n, t) => n === 0 || round(1 / n) !== values[t])) return undefined;
  const f = fitSizes(ns, d);
  return f === undefined || isConstant(f) ? undefined : f;
}

/** A dimension's symbolic name: `batch`, `2*batch+1`, `seq-1`, `batch*time`. */
export function sizeText(f: SizeFunction, names: readonly string[]): string {
  let s = "";
  for (const t of f.terms) {
    const product = t.symbols.map((j) => names[j]).join("*");
    const term = Math.abs(t.coeff) === 1 ? product : `${Math.abs(t.coeff)}*${product}`;
    s += t.coeff < 0 ? `-${term}` : s === "" ? term : `+${term}`;
  }
  if (f.constant !== 0 || s === "") s += f.constant < 0 || s === "" ? String(f.constant) : `+${f.constant}`;
  return s;
}
