// The digits data set (8×8 grey images of handwritten digits, scikit-learn's copy of the UCI
// set; data/README.md) as arrays, with the fixed train/test split every example uses.
// No Node built-ins: the browser example bundles this file too.
import { array, type NDArray } from "@jaxts/core";

export interface DigitsSplit {
  /** [n, 64] float32 pixels scaled to [0, 1]. */
  readonly xTrain: NDArray;
  /** [n] int32 digit labels 0–9. */
  readonly yTrain: NDArray;
  readonly xTest: NDArray;
  readonly yTest: NDArray;
}

/** Rows of 64 pixel values (0–16) then the label, from the CSV text. */
export function parseDigits(csv: string): number[][] {
  return csv
    .trim()
    .split("\n")
    .map((line) => line.split(",").map(Number));
}

/** Every 6th row held out for testing (300 of 1797): a fixed split, the same in every run. */
export function splitDigits(rows: readonly number[][]): DigitsSplit {
  const train = rows.filter((_, i) => i % 6 !== 0);
  const test = rows.filter((_, i) => i % 6 === 0);
  const pixels = (rs: readonly number[][]) => array(rs.flatMap((r) => r.slice(0, 64).map((v) => v / 16)), { dtype: "float32" }).reshape([rs.length, 64]);
  const labels = (rs: readonly number[][]) => array(rs.map((r) => r[64]!), { dtype: "int32" });
  return { xTrain: pixels(train), yTrain: labels(train), xTest: pixels(test), yTest: labels(test) };
}
