// The js backend's own scalar formulas for the intrinsics Math has no function for (and
// round half to even). They are the reference values the wasm kernels are measured against.
import { ERF_STRIDE, ERF_TABLE, ERF_TERMS } from "./erf-table.js";

/**
 * erf x in float64 to about 1 ulp (measured against a 448-bit reference in
 * wasm-math.test.ts): the Taylor expansion about the nearest c = k/4 (|x − c| ≤ 1/8, exact),
 * erf(c + h) = hi + (lo + Σ_{n≤17} d_n h^n), from the generated ./erf-table.ts; ±1 from |x| = 6
 * on (1 − erf 6 < 2^-55). Odd, so −0 → −0.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < 6)) return Number.isNaN(x) ? x : x > 0 ? 1 : -1;
  if (ax === 0) return x;
  const k = Math.round(ax * 4);
  const h = ax - k * 0.25;
  const at = k * ERF_STRIDE;
  let s = ERF_TABLE[at + 1 + ERF_TERMS]!;
  for (let n = ERF_TERMS - 1; n >= 1; n--) s = s * h + ERF_TABLE[at + 1 + n]!;
  const r = ERF_TABLE[at]! + (ERF_TABLE[at + 1]! + s * h);
  return x < 0 ? -r : r;
}

/** Inverse error function: Giles' single-precision approximation refined by Newton steps. */
export function erfInv(y: number): number {
  if (y <= -1) return y === -1 ? Number.NEGATIVE_INFINITY : Number.NaN;
  if (y >= 1) return y === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
    x = p * y;
  }
  for (let i = 0; i < 2; i++) {
    const err = erf(x) - y;
    x -= err / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  }
  return x;
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** σ(x), split at 0 so neither branch overflows and the negative tail keeps its relative accuracy. */
export const logistic = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
