// Losses against closed forms computed in plain JS, Optax's documented values, and
// numerical stability at logits far beyond exp's range.
import { array, DTypeError, type NDArray, ShapeError } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { losses } from "../src/index.js";
import * as subpath from "../src/losses.js";

const f64 = (x: number[] | number[][]) => array(x, { dtype: "float64" });
const i32 = (x: number[]) => array(x, { dtype: "int32" });
const values = (x: NDArray) => Array.from(x.toTypedArray());
const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));

function expectValues(got: NDArray, want: number[], tol = 1e-12): void {
  const g = values(got);
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: got ${v}, want ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}

describe("regression losses", () => {
  it("squaredError: (p - t)², or p² without targets", () => {
    expectValues(losses.squaredError(f64([1, 2, -3]), f64([0, 1, 1])), [1, 1, 16]);
    expectValues(losses.squaredError(f64([1, -2])), [1, 4]);
  });
  it("l2Loss: ½(p - t)²", () => {
    expectValues(losses.l2Loss(f64([1, 2]), f64([0, 4])), [0.5, 2]);
  });
  it("huberLoss: quadratic within δ, linear beyond", () => {
    expectValues(losses.huberLoss(f64([0.5, 3, -2])), [0.125, 2.5, 1.5]);
    expectValues(losses.huberLoss(f64([1.5, 3, -2]), f64([1, 0, 0]), { delta: 2 }), [0.125, 4, 2]);
  });
});

describe("classification losses", () => {
  const logits = [
    [1.2, -0.8, -0.5],
    [0.9, -1.2, 1.1],
  ];
  const closed = logits.map((row, i) => logSumExp(row) - row[i]!); // labels 0 and 1

  it("softmaxCrossEntropy: Optax's example [0.2761, 2.9518]", () => {
    const got = losses.softmaxCrossEntropy(f64(logits), f64([[1, 0, 0], [0, 1, 0]]));
    expectValues(got, closed);
    expectValues(got, [0.2761, 2.9518], 1e-4);
  });

  it("softmaxCrossEntropy with soft labels and along axis 0", () => {
    const soft = [0.2, 0.5, 0.3];
    expectValues(losses.softmaxCrossEntropy(f64([logits[0]!]), f64([soft])), [-soft.reduce((s, y, j) => s + y * (logits[0]![j]! - logSumExp(logits[0]!)), 0)]);
    const cols = [0, 1, 2].map((j) => logSumExp([logits[0]![j]!, logits[1]![j]!]) - logits[1]![j]!);
    expectValues(losses.softmaxCrossEntropy(f64(logits), f64([[0, 0, 0], [1, 1, 1]]), { axis: 0 }), cols);
  });

  it("softmaxCrossEntropyWithIntegerLabels equals the one-hot form", () => {
    expectValues(losses.softmaxCrossEntropyWithIntegerLabels(f64(logits), i32([0, 1])), closed);
    const cols = [logSumExp([1.2, 0.9]) - 0.9, logSumExp([-0.8, -1.2]) - -0.8, logSumExp([-0.5, 1.1]) - 1.1];
    expectValues(losses.softmaxCrossEntropyWithIntegerLabels(f64(logits), i32([1, 0, 1]), { axis: 0 }), cols);
  });

  it("softmaxCrossEntropyWithIntegerLabels with a label out of range gives NaN (as JAX), not a clamped finite loss", () => {
    const got = values(losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2, 3], [1, 2, 3]]), i32([3, 1])));
    expect(got[0]).toBeNaN();
    expect(got[1]).toBeCloseTo(logSumExp([1, 2, 3]) - 2, 12);
    // -1 counts from the end, as JAX's take_along_axis does
    expectValues(losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2, 3]]), i32([-1])), [logSumExp([1, 2, 3]) - 3]);
    expect(values(losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2, 3]]), i32([-4])))[0]).toBeNaN();
  });

  it("cross entropies stay finite and exact for logits far beyond exp's range", () => {
    expectValues(losses.softmaxCrossEntropy(f64([[1000, 0, -1000]]), f64([[0, 1, 0]])), [1000]);
    expectValues(losses.softmaxCrossEntropyWithIntegerLabels(f64([[1000, 0, -1000]]), i32([0])), [0]);
    expectValues(losses.softmaxCrossEntropyWithIntegerLabels(array([[100, 0]], { dtype: "float32" }), i32([1])), [100], 1e-6);
  });

  it("sigmoidBinaryCrossEntropy: -y·logσ(x) - (1-y)·logσ(-x), stable at ±1000", () => {
    const x = [0, 2, -3, 1000, -1000];
    const y = [1, 0, 0.25, 1, 1];
    const want = x.map((xi, i) => y[i]! * softplus(-xi) + (1 - y[i]!) * softplus(xi));
    expectValues(losses.sigmoidBinaryCrossEntropy(f64(x), f64(y)), want);
    expect(want[4]).toBe(1000);
  });

  it("is the same module through the @jaxts/optim/losses entry", () => {
    expect(subpath.huberLoss).toBe(losses.huberLoss);
  });
});

describe("loss errors", () => {
  it("predictions and targets of different shapes: ShapeError naming both", () => {
    expect(() => losses.squaredError(f64([1, 2]), f64([1, 2, 3]))).toThrow(ShapeError);
    expect(() => losses.squaredError(f64([1, 2]), f64([1, 2, 3]))).toThrow(/squaredError.*\[2\].*\[3\]/);
  });
  it("integer logits or float class labels: DTypeError", () => {
    expect(() => losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2]]), f64([1]))).toThrow(DTypeError);
    expect(() => losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2]]), f64([1]))).toThrow(/labels must be integers/);
    expect(() => losses.sigmoidBinaryCrossEntropy(i32([1, 2]), f64([1, 0]))).toThrow(/logits must be a float array, got int32/);
  });
  it("labels that do not fit the logits: ShapeError", () => {
    expect(() => losses.softmaxCrossEntropyWithIntegerLabels(f64([[1, 2], [3, 4]]), i32([1, 0, 1]))).toThrow(ShapeError);
  });
});
