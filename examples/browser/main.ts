// The page's program: fetch the digits data, train the MLP with jaxts in the page, print the
// held-out accuracy and draw the curves. Bundled by build.ts; no Node built-ins.
import { config, ready } from "@jaxts/core";
import { parseDigits, splitDigits } from "../lib/digits.js";
import { epochLine, percent } from "../lib/format.js";
import { trainMlp } from "../lib/mlp.js";
import { trainingPlot } from "../lib/training-plot.js";

/** The few DOM parts the page uses, typed here: the project type-checks against Node's types
 * (its lib has no DOM), and this file is bundled for the browser by build.ts. */
interface Page {
  readonly document: { getElementById(id: string): { textContent: string | null; innerHTML: string } | null };
  readonly location: { readonly search: string };
  jaxtsResult?: PageResult;
}
const page = globalThis as unknown as Page;

interface PageResult {
  readonly accuracy: number;
  readonly backend: string;
  readonly seconds: number;
  readonly error?: string;
}

const log = page.document.getElementById("log")!;
const say = (line: string) => {
  log.textContent += `${line}\n`;
};
/** Lets the browser paint what was said before a long synchronous stretch. */
const paint = () => new Promise((resolve) => setTimeout(resolve, 0));

async function fetchDigits(): Promise<string> {
  const response = await fetch("./digits.csv.gz");
  if (!response.ok || response.body === null) throw new Error(`digits.csv.gz: HTTP ${response.status}`);
  return await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
}

async function run(): Promise<PageResult> {
  log.textContent = "";
  await ready(); // compiles the wasm kernel modules asynchronously, as a page must
  const data = splitDigits(parseDigits(await fetchDigits()));
  const epochs = Number(new URLSearchParams(page.location.search).get("epochs") ?? 20);
  say(`backend ${config.get().backend}; ${data.xTrain.shape[0]} training digits, ${data.xTest.shape[0]} held out; ${epochs} epochs`);
  await paint();
  const t0 = performance.now();
  const result = trainMlp(data, { epochs, onEpoch: (r) => say(epochLine(r, epochs)) });
  const seconds = (performance.now() - t0) / 1000;
  say(`Test accuracy: ${percent(result.testAccuracy)} (${seconds.toFixed(1)} s)`);
  page.document.getElementById("plot")!.innerHTML = trainingPlot(result.history);
  return { accuracy: result.testAccuracy, backend: config.get().backend, seconds };
}

// The test reads window.jaxtsResult once it is set (a result or the error).
run().then(
  (r) => {
    page.jaxtsResult = r;
  },
  (e: unknown) => {
    say(`error: ${String(e)}`);
    page.jaxtsResult = { accuracy: Number.NaN, backend: "none", seconds: 0, error: String(e) };
  },
);
