// How the examples print numbers: a few significant digits a person can read, never the
// 17 digits of a float64 round trip.
import type { EpochRecord } from "./mlp.js";

/** A loss or any real value at a fixed 4 decimals: 0.0608, 13.5000. */
export const fixed4 = (x: number): string => x.toFixed(4);

/** A value that is exact in float32 (9, 18) prints as an integer, others with up to 4 decimals. */
export function short(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}

/** A fraction as a percentage with one decimal: 0.9723 → "97.2%". */
export const percent = (fraction: number): string => `${(100 * fraction).toFixed(1)}%`;

/** A count per second, with thousands separated: 12345.6 → "12,346". */
export const perSecond = (count: number, seconds: number): string =>
  Math.round(count / Math.max(seconds, 1e-9)).toLocaleString("en-US");

/** Bytes in KiB or MiB with one decimal. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 2 ** 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

/** One training epoch's numbers on one line. */
export const epochLine = (r: EpochRecord, epochs: number): string =>
  `epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${fixed4(r.trainLoss)}  test loss ${fixed4(r.testLoss)}  test accuracy ${percent(r.testAccuracy)}`;
