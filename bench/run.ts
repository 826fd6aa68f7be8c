// `pnpm bench [filter...]`: every case in jaxts and in TensorFlow.js, side by side, as a table
// of median times and ratios (jaxts / tfjs; above 1 means jaxts is slower). A filter keeps the
// cases whose name contains it; `pnpm bench memory` runs the memory benchmark (bench/memory.ts).
import { cpus } from "node:os";
import { type BenchCase, cases, type Side } from "./cases.js";
import { defaultTiming, fmtErr, fmtMs, fmtRatio, formatTable, type Outputs, relativeErrors, type Timing, time } from "./harness.js";
import { loadTfjs, type TfBackend, tf } from "./tfjs.js";

interface Measured {
  readonly timing?: Timing;
  readonly outputs?: Outputs;
  readonly error?: string;
}

function measure(makeSide: () => Side): Measured {
  let side: Side | undefined;
  try {
    side = makeSide();
    const { timing, last } = time(side.run, defaultTiming);
    return { timing, outputs: last };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e) };
  } finally {
    side?.dispose();
  }
}

const isMemoryFilter = (f: string) => f === "memory" || f === "mem";

async function main(): Promise<void> {
  const filters = process.argv.slice(2).map((a) => a.toLowerCase());
  const selected = cases.filter((c) => filters.length === 0 || filters.some((f) => c.name.toLowerCase().includes(f)));
  const runMemory = filters.length === 0 || filters.some(isMemoryFilter);
  if (selected.length === 0 && !runMemory) {
    console.error(`no case matches ${filters.join(", ")}; cases: ${cases.map((c) => c.name).join(", ")}, memory`);
    process.exitCode = 1;
    return;
  }

  if (selected.length > 0) {
    const setup = await loadTfjs();
    console.log(`jaxts vs TensorFlow.js ${tf.version.tfjs} — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus()[0]?.model ?? "?"} × ${cpus().length}`);
    for (const b of setup.backends) console.log(`  ${b.label}: ${b.detail}`);
    for (const n of setup.notes) console.log(`  note: ${n}`);
    console.log(
      `  timing: median of ${defaultTiming.minRounds}–${defaultTiming.maxRounds} rounds (~${defaultTiming.budgetMs} ms each side) after warm-up; float32 everywhere; results read back to JS inside each round\n`,
    );

    const labels = ["jaxts", "jaxts jit", ...setup.backends.map((b) => b.label)];
    const header = ["case", ...labels.map((l) => `${l} ms`), ...setup.backends.map((b) => `jaxts/${b.label.replace("tfjs-", "")}`), "check"];
    const rows: string[][] = [];
    const accuracyRows: string[][] = [];
    const problems: string[] = [];
    for (const c of selected) {
      const result = await runCase(c, setup.backends, problems);
      rows.push(result.row);
      accuracyRows.push(result.accuracy);
      console.error(`  done ${c.name}`);
    }
    console.log(formatTable(header, rows));
    console.log("\nratio = jaxts (eager) median / tfjs median: above 1 means jaxts is slower.");
    console.log("check = largest normwise relative difference max|a−b|/max|b| of any output of jaxts jit and each tfjs backend against jaxts eager.");
    for (const c of selected) console.log(`  ${c.name.padEnd(14)} ${c.what}`);
    console.log("\naccuracy: largest normwise relative error of any output against a float64 reference computed from the same float32 inputs");
    console.log(formatTable(["case", ...labels], accuracyRows));
    if (problems.length > 0) {
      console.log("\nproblems:");
      for (const p of problems) console.log(`  ${p}`);
      process.exitCode = 1;
    }
  }

  if (runMemory) {
    if (selected.length > 0) console.log("");
    const { runMemoryBenchmark } = await import("./memory.js");
    await runMemoryBenchmark();
  }
}

async function runCase(c: BenchCase, backends: readonly TfBackend[], problems: string[]): Promise<{ row: string[]; accuracy: string[] }> {
  const eager = measure(() => c.jaxts("eager"));
  const jitted = measure(() => c.jaxts("jit"));
  const others: Measured[] = [];
  for (const b of backends) {
    await tf.setBackend(b.name);
    const before = tf.memory().numTensors;
    others.push(measure(() => c.tfjs(tf)));
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) problems.push(`${c.name} ${b.label}: ${leaked} tensors left undisposed`);
  }
  const all = [eager, jitted, ...others];
  const labels = ["jaxts", "jaxts jit", ...backends.map((b) => b.label)];
  all.forEach((m, i) => {
    if (m.error !== undefined) problems.push(`${c.name} ${labels[i]}: ${m.error}`);
  });

  // Agreement with jaxts eager, output by output, each against its own tolerance.
  let worst = 0;
  let agree = true;
  if (eager.outputs !== undefined) {
    for (const [i, m] of all.entries()) {
      if (i === 0 || m.outputs === undefined) continue;
      relativeErrors(m.outputs, eager.outputs).forEach((err, k) => {
        worst = Math.max(worst, err);
        const tol = c.tolerance[k] ?? 0;
        if (!(err <= tol)) {
          agree = false;
          problems.push(`${c.name}: output ${k} of ${labels[i]} differs from jaxts eager by ${fmtErr(err)} (tolerance ${fmtErr(tol)})`);
        }
      });
    }
  }
  const reference = c.reference();
  const accuracy = all.map((m) => (m.outputs === undefined ? "-" : fmtErr(Math.max(...relativeErrors(m.outputs, reference)))));

  const ms = (m: Measured) => (m.timing === undefined ? "error" : fmtMs(m.timing.median));
  const ratio = (m: Measured) => (m.timing === undefined || eager.timing === undefined ? "-" : fmtRatio(eager.timing.median / m.timing.median));
  const check = eager.outputs === undefined ? "-" : `${agree ? "ok" : "FAIL"} ${fmtErr(worst)}`;
  return { row: [c.name, ...all.map(ms), ...others.map(ratio), check], accuracy: [c.name, ...accuracy] };
}

await main();
