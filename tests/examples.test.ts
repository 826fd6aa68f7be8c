// Every example in examples/ runs, at its small size (what `--small` selects), and shows what
// it claims: CI runs them all through this file.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as checkpointing from "../examples/checkpointing.js";
import * as cnnDigits from "../examples/cnn-digits.js";
import * as customGradient from "../examples/custom-gradient.js";
import * as linearRegression from "../examples/linear-regression.js";
import * as logisticRegression from "../examples/logistic-regression.js";
import * as mlpDigits from "../examples/mlp-digits.js";
import * as newtonHessian from "../examples/newton-hessian.js";
import * as onnxExport from "../examples/onnx-export.js";
import * as perExampleGradients from "../examples/per-example-gradients.js";
import * as propertyTestGradients from "../examples/property-test-gradients.js";
import * as rnnScan from "../examples/rnn-scan.js";

/** Runs an example's main at its small size, collecting what it prints. */
function run<R>(main: (opts: { small: boolean; print: (l: string) => void }) => R): { result: R; lines: string[] } {
  const lines: string[] = [];
  return { result: main({ small: true, print: (l) => lines.push(l) }), lines };
}

describe("the examples, at their small sizes", () => {
  it("linear regression: gradient descent finds the least-squares weights", () => {
    const { result } = run(linearRegression.main);
    const [w, ls] = [result.w.toArray() as number[], result.leastSquares.toArray() as number[]];
    w.forEach((v, i) => expect(v).toBeCloseTo(ls[i]!, 2));
    expect(result.b).toBeCloseTo(ls[3]!, 2);
  });

  it("logistic regression on breast cancer: above 90% held-out accuracy after 30 steps", () => {
    const { result, lines } = run(logisticRegression.main);
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    expect(lines.at(-1)).toMatch(/^Test accuracy: \d+\.\d% on 114 held-out tumours$/);
  });

  it("MLP on digits: two epochs already pass 85% and the SVG is written", () => {
    const svgPath = join(mkdtempSync(join(tmpdir(), "jaxts-example-")), "mlp.svg");
    const { result } = run((o) => mlpDigits.main({ ...o, svgPath }));
    expect(result.history).toHaveLength(2);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
  });

  it("CNN on digits: 20 steps lower the loss and beat chance", () => {
    const { result, lines } = run(cnnDigits.main);
    expect(result.testAccuracy).toBeGreaterThan(0.2);
    expect(lines.at(-1)).toContain("Test accuracy:");
  });

  it("per-example gradients: vmap(grad) equals a loop over the rows", () => {
    const { result } = run(perExampleGradients.main);
    expect(result.perExample.w.shape).toEqual([8, 4]);
    expect(result.maxDiff).toBeLessThan(1e-5);
  });

  it("Newton's method with hessian: reaches the Rosenbrock minimum (1, 1) to 1e-10", () => {
    const { result } = run(newtonHessian.main);
    expect(result.point[0]).toBeCloseTo(1, 10);
    expect(result.point[1]).toBeCloseTo(1, 10);
    // quadratic convergence: the last error before exact is far below the square of the one before
    const e = result.errors.filter((x) => x > 0);
    expect(e.at(-1)!).toBeLessThan(10 * e.at(-2)! ** 2);
  });

  it("RNN with scan: the loss falls over training", () => {
    const { result } = run(rnnScan.main);
    expect(result.losses.at(-1)!).toBeLessThan(result.losses[0]! / 2);
  });

  it("custom gradients: the stable log1pexp rule gives σ(x), even at ±100", () => {
    const { result, lines } = run(customGradient.main);
    expect(result.perExample).toEqual([0, 0.5, 1]);
    expect(lines[0]).toContain("d/dx 5·clip(x) = 1");
    expect(lines[3]).toContain("[0, 0, 0] with the rule, [NaN, NaN, NaN] without");
  });

  it("checkpointing: fewer activations kept, the same gradient", () => {
    const { result, lines } = run(checkpointing.main);
    const [plain, checkpointed] = Object.values(result.kept);
    expect(checkpointed!).toBeLessThan(plain!);
    expect(lines.slice(0, 3).every((l) => l.endsWith("equal to the plain one: true"))).toBe(true);
  });

  it("property-test your gradients: a right rule passes, a wrong one is caught with its counterexample", () => {
    const { result } = run(propertyTestGradients.main);
    expect(result.caught?.cause).toMatch(/^checkGrads: argument 0, mode rev, order 1/);
    expect(result.caught?.counterexample).toMatch(/^Counterexample/);
  });

  it("ONNX export: the jitted training step runs in ONNX Runtime with jaxts's losses, and the exported forward pass predicts", async () => {
    const lines: string[] = [];
    const result = await onnxExport.main({ small: true, print: (l) => lines.push(l) });
    expect(result.steps).toBe(20);
    expect(result.maxLossDifference).toBeLessThan(1e-5);
    expect(result.accuracy).toBeGreaterThan(0.8);
  });
});
