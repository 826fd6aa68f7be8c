// The digits MLP's training curves as an SVG chart (shared by the Node example and the page).
import type { EpochRecord } from "./mlp.js";
import { lineChart } from "./svg-plot.js";

export function trainingPlot(history: readonly EpochRecord[]): string {
  return lineChart(
    [
      { name: "train loss", color: "#1f77b4", values: history.map((r) => r.trainLoss) },
      { name: "test loss", color: "#ff7f0e", values: history.map((r) => r.testLoss) },
      { name: "test error", color: "#2ca02c", values: history.map((r) => 1 - r.testAccuracy) },
    ],
    { title: "MLP on digits: cross-entropy and error by epoch", xLabel: "epoch", yLabel: "loss / error rate" },
  );
}
