// `pnpm demo` prints the seed tutorial's lines exactly as the TensorFlow tutorial does and
// trains the digits MLP to at least 95% held-out accuracy — checked here at the demo's sizes.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main as mlpDigits } from "../examples/mlp-digits.js";
import { main as seedTutorial } from "../examples/seed-tutorial.js";

describe("the demo", () => {
  it("prints the seed tutorial's lines exactly", () => {
    const lines: string[] = [];
    const result = seedTutorial({ print: (l) => lines.push(l) });
    expect(lines.slice(0, 13)).toEqual([
      "Gradient: 9",
      "Step 0: Loss = 13.5000",
      "Step 10: Loss = 0.4028",
      "Step 20: Loss = 0.0608",
      "Step 30: Loss = 0.0490",
      "Step 40: Loss = 0.0460",
      "Step 50: Loss = 0.0433",
      "Step 60: Loss = 0.0408",
      "Step 70: Loss = 0.0384",
      "Step 80: Loss = 0.0362",
      "Step 90: Loss = 0.0341",
      "Second order derivative: 18",
      "Custom gradient of log(1 + exp(x)) at x = 100: 1 (without it: NaN)",
    ]);
    // 100 layers of 10,000 float32 values: the plain backward pass keeps each layer's tanh;
    // checkpointing every 10 layers keeps only the 10 segment inputs.
    expect(lines[13]).toBe("Checkpointed backward pass over 100 tanh layers: 390.6 KiB kept instead of 3.8 MiB (saved 3.4 MiB), same gradient: true");
    expect(lines).toHaveLength(14);
    expect(result.residualBytes.checkpointed).toBe(10 * 10_000 * 4);
    expect(result.losses.every((l, i) => i === 0 || l < result.losses[i - 1]!)).toBe(true);
  });

  it("trains the digits MLP to at least 95% held-out accuracy and writes the curves as SVG", () => {
    const lines: string[] = [];
    const svgPath = join(mkdtempSync(join(tmpdir(), "jaxts-demo-")), "curves.svg");
    const result = mlpDigits({ print: (l) => lines.push(l), svgPath });
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(lines).toContain(`Test accuracy: ${(100 * result.testAccuracy).toFixed(1)}%`);
    expect(result.history).toHaveLength(20);
    expect(result.history[19]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss / 10);
    const svg = readFileSync(svgPath, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(lines.at(-1)).toContain("curves.svg");
  }, 60_000);
});
