// Sizes as affine functions of symbolic dimensions, fitted to values seen at traced sizes:
// how a dynamic export learns that a Reshape's target is [2·batch, 10] or a mean's scale
// 1/(10·batch). Traces follow traceSizes (dynamic-axes.ts): the base, one per symbol moving
// only it, and one moving all of them, which checks the fit.

/** constant + Σ coeffs[j]·symbol_j, with integer coefficients. */
export interface Affine {
  readonly constant: number;
  readonly coeffs: readonly number[];
}

/** The affine function with integer coefficients through `values` (one per trace at
 * `sizes`), or undefined when there is none (the last trace disagrees with the others). */
export function fitAffine(values: readonly number[], sizes: readonly (readonly number[])[]): Affine | undefined {
  const k = sizes[0]!.length;
  const v0 = values[0]!;
  const coeffs: number[] = [];
  for (let j = 0; j < k; j++) {
    const c = (values[j + 1]! - v0) / (sizes[j + 1]![j]! - sizes[0]![j]!);
    if (!Number.isInteger(c)) return undefined;
    coeffs.push(c);
  }
  const constant = v0 - coeffs.reduce((acc, c, j) => acc + c * sizes[0]![j]!, 0);
  if (!Number.isInteger(constant)) return undefined;
  const f = { constant, coeffs };
  return values.every((v, t) => evaluate(f, sizes[t]!) === v) ? f : undefined;
}

export function evaluate(f: Affine, sizes: readonly number[]): number {
  return f.coeffs.reduce((acc, c, j) => acc + c * sizes[j]!, f.constant);
}

export const isConstant = (f: Affine): boolean => f.coeffs.every((c) => c === 0);

/** Values that are 1/n for an affine n, each rounded as `round` rounds (Math.fround for
 * float32): a mean's scale, 1/(n − 1) of a variance. */
export function fitReciprocal(values: readonly number[], sizes: readonly (readonly number[])[], round: (x: number) => number): Affine | undefined {
  if (values.some((v) => v === 0 || !Number.isFinite(v))) return undefined;
  const ns = values.map((v) => Math.round(1 / v));
  if (ns.some((n, t) => n === 0 || round(1 / n) !== values[t])) return undefined;
  const f = fitAffine(ns, sizes);
  return f === undefined || isConstant(f) ? undefined : f;
}

/** A dimension's symbolic name: `batch`, `2*batch+1`, `seq-1`, `batch+time`. */
export function affineText(f: Affine, names: readonly string[]): string {
  let s = "";
  f.coeffs.forEach((c, j) => {
    if (c === 0) return;
    const term = `${Math.abs(c) === 1 ? "" : `${Math.abs(c)}*`}${names[j]}`;
    s += s === "" ? (c < 0 ? `-${term}` : term) : c < 0 ? `-${term}` : `+${term}`;
  });
  if (f.constant !== 0 || s === "") s += s === "" ? String(f.constant) : f.constant < 0 ? String(f.constant) : `+${f.constant}`;
  return s;
}
