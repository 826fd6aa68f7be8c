// Helpers for the tests of what eager code does with big arrays (compiled backward passes,
// deferred chains): smooth float32 data of 131072 elements (above both thresholds), and a
// comparison of two arrays by their largest relative difference.
import { array, type NDArray } from "@jaxts/core";
import { expect } from "vitest";

/** Elements of the default test array: twice the size from which eager chains are deferred and backward passes compiled. */
export const BIG = 1 << 17;

/** n smooth float32 values in [−2, 2] that vary with the seed. */
export const bigData = (seed: number, n = BIG): NDArray => array(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed) * 2));

/** Same shape and dtype, and every element within `tol` (relative to max(1, |want|)). */
export function expectClose(got: NDArray, want: NDArray, tol: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const [x, y] = [got.toTypedArray(), want.toTypedArray()];
  let worst = 0;
  for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(Number(x[i]) - Number(y[i])) / Math.max(1, Math.abs(Number(y[i]))));
  expect(worst).toBeLessThanOrEqual(tol);
}
