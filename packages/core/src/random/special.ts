// The special functions the samplers need, from elementwise primitives, in the dtype of their
// argument: digamma (gamma's derivative) and log Γ (poisson's rejection test).
import type { NDArray } from "../array.js";
import * as lax from "../lax/index.js";

/**
 * ψ(z) for z ≥ 1: ψ(z) = ψ(z + 10) − Σ_{i<10} 1/(z + i), then the asymptotic series
 * ln w − 1/(2w) − Σ B_2k/(2k w^2k) to w^-10 at w = z + 10 ≥ 11 (truncation < 1e-14).
 */
export function digammaAtLeastOne(z: NDArray): NDArray {
  let shift = lax.div(1, z);
  for (let i = 1; i < 10; i++) shift = lax.add(shift, lax.div(1, lax.add(z, i)));
  const w = lax.add(z, 10);
  const r = lax.div(1, lax.mul(w, w));
  // 1/12 − r/120 + r²/252 − r³/240 + r⁴/132, in Horner form
  let poly = lax.add(lax.mul(r, 1 / 132), -1 / 240);
  poly = lax.add(lax.mul(r, poly), 1 / 252);
  poly = lax.add(lax.mul(r, poly), -1 / 120);
  poly = lax.add(lax.mul(r, poly), 1 / 12);
  const asym = lax.sub(lax.sub(lax.log(w), lax.div(0.5, w)), lax.mul(r, poly));
  return lax.sub(asym, shift);
}

/**
 * log Γ(z) for z ≥ 1 by the same shift: log Γ(z) = log Γ(z + 10) − Σ_{i<10} log(z + i), and
 * Stirling's series (z−½) ln w − w + ½ ln 2π + 1/(12w) − 1/(360w³) + 1/(1260w⁵) − 1/(1680w⁷) at w ≥ 11.
 */
export function lgammaAtLeastOne(z: NDArray): NDArray {
  // a sum of logs rather than the log of a product, which would overflow float32 near z = 7000
  let logShift = lax.log(z);
  for (let i = 1; i < 10; i++) logShift = lax.add(logShift, lax.log(lax.add(z, i)));
  const w = lax.add(z, 10);
  const inv = lax.div(1, w);
  const r = lax.mul(inv, inv);
  let poly = lax.add(lax.mul(r, -1 / 1680), 1 / 1260);
  poly = lax.add(lax.mul(r, poly), -1 / 360);
  poly = lax.add(lax.mul(r, poly), 1 / 12);
  const stirling = lax.add(lax.add(lax.sub(lax.mul(lax.sub(w, 0.5), lax.log(w)), w), 0.5 * Math.log(2 * Math.PI)), lax.mul(inv, poly));
  return lax.sub(stirling, logShift);
}
