// `pnpm bench [filter...]`: every case in jaxts, TensorFlow.js (cpu, wasm) and jax-js (wasm,
// eager and jit), side by side, as tables of median times and ratios (jaxts / peer; above 1
// means jaxts is slower). A filter keeps the cases whose name contains it (`pnpm bench W1`);
// `pnpm bench memory` runs the memory benchmark (bench/memory.ts). A run without filters (or
// with `--write`) also writes BENCHMARKS.md at the repository root (bench/report.ts).
import { type ChildProcess, spawn } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, JaxtsMode } from "./cases.js";
import { childNodeArgs, defaultTiming, fmtErr, fmtMs, fmtRatio, formatTable, kernelPeakRss, sampledPeakRss, sampleRss, relativeErrors } from "./harness.js";
import type { MemoryTable } from "./memory.js";
import { type CaseResult, type Column, type Measured, type ProcessMemory, type RunInfo, writeReport, workloadTables } from "./report.js";
import { type JaxtsRss, jaxtsOnlyRss } from "./rss.js";
import { describeFlat, FLAT_TOLERANCE, type FlatMemory, flatMemory, flatModes } from "./flat.js";
import { allCases, type Library, type Loaded, type Reply, type Request } from "./sides.js";
import { workloads } from "./workloads.js";

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

const isMemoryFilter = (f: string) => f === "memory" || f === "mem";

/** A library's process (bench/sides.ts): asked for one side at a time. */
class LibraryProcess {
  readonly #proc: ChildProcess;
  #waiting: ((r: Reply) => void) | undefined;
  #failed: string | undefined;
  readonly loaded: Promise<Loaded>;

  constructor(readonly library: Library) {
    const file = join(dirname(fileURLToPath(import.meta.url)), "sides.ts");
    this.#proc = spawn(process.execPath, childNodeArgs(file, "--library", library), {
      cwd: join(dirname(fileURLToPath(import.meta.url)), ".."),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "advanced",
    });
    this.#proc.on("message", (r: Reply) => {
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.(r);
    });
    this.#proc.on("exit", (code, signal) => {
      this.#failed = `the ${library} process ended (status ${code}, signal ${signal})`;
      const w = this.#waiting;
      this.#waiting = undefined;
      w?.({ kind: "measured", measured: { error: this.#failed }, leaked: 0 });
    });
    // (a process that ends before it has loaded its library leaves that library's columns out)
    const missing: Loaded = { kind: "loaded", version: "", detail: "", backends: [], notes: [`${library}: its process ended before loading it`], available: false, rss: 0 };
    this.loaded = new Promise((resolve) => {
      this.#waiting = (r) => resolve(r.kind === "loaded" ? r : missing);
    });
  }

  ask(req: Request): Promise<Reply> {
    if (this.#failed !== undefined) return Promise.resolve({ kind: "measured", measured: { error: this.#failed }, leaked: 0 });
    return new Promise((resolve) => {
      this.#waiting = resolve;
      this.#proc.send(req);
    });
  }

  async memory(): Promise<ProcessMemory | undefined> {
    const r = await this.ask({ kind: "memory" });
    const loaded = await this.loaded;
    return r.kind === "memory" ? { label: this.library, loaded: loaded.rss, peak: r.peak, sampled: r.sampled } : undefined;
  }

  close(): void {
    if (this.#proc.connected) this.#proc.disconnect();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const loadStart = loadavg();
  const args = process.argv.slice(2);
  const forceWrite = args.includes("--write");
  const filters = args.filter((a) => !a.startsWith("--")).map((a) => a.toLowerCase());
  const selected = allCases.filter((c) => filters.length === 0 || filters.some((f) => c.name.toLowerCase().includes(f)));
  const runMemory = filters.length === 0 || filters.some(isMemoryFilter);
  const runRss = filters.length === 0 || filters.includes("rss");
  const runFlat = filters.length === 0 || filters.includes("flat");
  if (selected.length === 0 && !runMemory && !runRss && !runFlat) {
    console.error(`no case matches ${filters.join(", ")}; cases: ${allCases.map((c) => c.name).join(", ")}, memory, rss, flat`);
    process.exitCode = 1;
    return;
  }

  const results: CaseResult[] = [];
  const problems: string[] = [];
  let info: RunInfo | undefined;
  const processes: ProcessMemory[] = [];
  if (selected.length > 0) {
    const procs = { jaxts: new LibraryProcess("jaxts"), tfjs: new LibraryProcess("tfjs"), "jax-js": new LibraryProcess("jax-js") };
    const [jx, tfs, jj] = await Promise.all([procs.jaxts.loaded, procs.tfjs.loaded, procs["jax-js"].loaded]);
    const notes = [...tfs.notes, ...jj.notes];
    const columns: Column[] = [
      { label: "jaxts", lib: "jaxts", mode: "eager", detail: `${jx.detail}, eager` },
      { label: "jaxts jit", lib: "jaxts", mode: "jit", detail: "jit: the compiled program (fused SIMD kernels with their sums, an arena plan, compiled loops)" },
      ...tfs.backends.map((b): Column => ({ label: b.label, lib: "tfjs", mode: "eager", detail: b.detail, backend: b.name })),
      ...(!jj.available
        ? []
        : [
            { label: "jax-js", lib: "jax-js", mode: "eager", detail: jj.detail } satisfies Column,
            { label: "jax-js jit", lib: "jax-js", mode: "jit", detail: "jit (fused wasm kernels)" } satisfies Column,
          ]),
    ];
    info = {
      date: new Date().toISOString(),
      node: process.version,
      cpu: `${cpus()[0]?.model ?? "?"} × ${cpus().length}`,
      backend: jx.detail,
      tfjs: tfs.version,
      jaxjs: jj.version,
      columns,
      notes,
      loadStart,
    };
    console.log(`jaxts vs TensorFlow.js ${tfs.version} vs jax-js ${jj.version} — ${info.date.slice(0, 10)}, Node ${process.version}, ${info.cpu}`);
    for (const c of columns) console.log(`  ${c.label}: ${c.detail}`);
    for (const n of notes) console.log(`  note: ${n}`);
    console.log(
      `  timing: median of ${defaultTiming.minRounds}–${defaultTiming.maxRounds} rounds (~${defaultTiming.budgetMs} ms each side) after warm-up; float32 everywhere; results read back to JS inside each round; each library in a process of its own\n`,
    );

    try {
      for (const c of selected) {
        results.push(await runCase(c, columns, procs, problems));
        console.error(`  done ${c.name}`);
      }
      for (const p of [procs.jaxts, procs.tfjs, procs["jax-js"]]) {
        const m = await p.memory();
        if (m !== undefined) processes.push(m);
      }
    } finally {
      for (const p of Object.values(procs)) p.close();
    }
    printSummary(results, columns);
    for (const t of workloadTables(results, columns)) console.log(`\n${t.title}\n${formatTable(t.header, t.rows)}`);
  }

  let memory: MemoryTable | undefined;
  if (runMemory) {
    if (selected.length > 0) console.log("");
    const { runMemoryBenchmark } = await import("./memory.js");
    memory = await runMemoryBenchmark();
  }

  let jaxtsRss: JaxtsRss | string | undefined;
  if (runRss) {
    jaxtsRss = jaxtsOnlyRss();
    if (typeof jaxtsRss === "string") problems.push(jaxtsRss);
    else console.log(`\nM (jaxts alone): peak RSS ${mib(jaxtsRss.peak)} MiB of a fresh process running every workload's jaxts sides ${jaxtsRss.calls / 2 / workloads.length} times (eager and jit); ${mib(jaxtsRss.baseline)} MiB after loading`);
  }

  const flat: FlatMemory[] = [];
  if (runFlat) {
    const given = args.find((a) => a.startsWith("--flat-steps="))?.slice("--flat-steps=".length);
    const steps = given === undefined ? undefined : Number(given);
    if (steps !== undefined && !(Number.isInteger(steps) && steps >= 100)) throw new Error(`--flat-steps must be an integer ≥ 100, got ${JSON.stringify(given)}`);
    for (const mode of flatModes) {
      const f = flatMemory(mode, steps);
      if (typeof f === "string") problems.push(f);
      else {
        flat.push(f);
        console.log(`\nM (flat, ${mode}): ${describeFlat(f)}`);
        if (f.growth > FLAT_TOLERANCE) problems.push(`memory is not flat: ${describeFlat(f)}`);
      }
    }
  }

  sampleRss();
  processes.push({ label: "orchestrator", loaded: 0, peak: kernelPeakRss() ?? sampledPeakRss(), sampled: sampledPeakRss() });
  for (const p of processes) console.log(`M (${p.label} process): peak RSS ${mib(p.peak)} MiB (VmHWM; largest sample between calls ${mib(p.sampled)} MiB)${p.loaded > 0 ? `; ${mib(p.loaded)} MiB after loading` : ""}${p.label === "jaxts" ? "; target ≤ 250 MiB" : ""}`);
  if (problems.length > 0) {
    console.log("\nproblems:");
    for (const p of problems) console.log(`  ${p}`);
    process.exitCode = 1;
  }
  if (info !== undefined && (filters.length === 0 || forceWrite)) {
    const file = writeReport({ info, results, memory, problems, processes, jaxtsRss: typeof jaxtsRss === "object" ? jaxtsRss : undefined, flat, seconds: (performance.now() - started) / 1000, filters });
    console.log(`\nwrote ${file}`);
  } else if (info !== undefined) console.log("\n(filtered run: BENCHMARKS.md not written; add --write to write it anyway)");
}

function printSummary(results: readonly CaseResult[], columns: readonly Column[]): void {
  const peers = columns.filter((c) => c.lib !== "jaxts");
  const ms = (m: Measured | undefined) => (m === undefined ? "-" : m.na !== undefined ? "n/a" : m.timing === undefined ? "error" : fmtMs(m.timing.median));
  const header = ["case", ...columns.map((c) => `${c.label} ms`), ...peers.map((p) => `jaxts/${p.label.replace("tfjs-", "")}`), "check"];
  const rows = results.map((r) => {
    return [
      r.c.name,
      ...columns.map((_, i) => ms(r.measured[i])),
      ...peers.map((p) => {
        const i = columns.indexOf(p);
        const j = r.ratioBase(p);
        const a = r.measured[j]?.timing;
        const b = r.measured[i]?.timing;
        return a === undefined || b === undefined ? "-" : fmtRatio(a.median / b.median);
      }),
      r.check,
    ];
  });
  console.log(formatTable(header, rows));
  console.log("\nratio = jaxts median / peer median (jaxts eager against eager peers, jaxts jit against jax-js jit): above 1 means jaxts is slower.");
  console.log("check = largest normwise relative difference max|a−b|/max|b| of any output of every other column against jaxts eager.");
  for (const r of results) console.log(`  ${r.c.name.padEnd(20)} ${r.c.what}`);
  console.log("\naccuracy: largest normwise relative error of any output against a float64 reference computed from the same float32 inputs");
  console.log(formatTable(["case", ...columns.map((c) => c.label)], results.map((r) => [r.c.name, ...r.accuracy])));
}

async function runCase(c: BenchCase, columns: readonly Column[], procs: Record<Library, LibraryProcess>, problems: string[]): Promise<CaseResult> {
  const measured: Measured[] = [];
  for (const col of columns) {
    const mode: JaxtsMode = col.mode;
    const r = await procs[col.lib].ask({ kind: "measure", name: c.name, mode, ...(col.backend === undefined ? {} : { backend: col.backend }) });
    if (r.kind !== "measured") throw new Error(`internal: the ${col.lib} process answered ${r.kind}`);
    measured.push(r.measured);
    if (r.leaked !== 0) problems.push(`${c.name} ${col.label}: ${r.leaked} tensors left undisposed`);
  }
  measured.forEach((m, i) => {
    if (m.error !== undefined) problems.push(`${c.name} ${columns[i]!.label}: ${m.error}`);
  });
  const rss = measured.map((m, i) => `${columns[i]!.label} ${m.rssGrowth === undefined ? "-" : `${m.rssGrowth >= 0 ? "+" : ""}${(m.rssGrowth / 2 ** 20).toFixed(0)}`}`);
  console.error(`  ${c.name}: RSS growth MiB: ${rss.join(", ")}`);

  // Agreement with jaxts eager, output by output, each against its own tolerance.
  const eager = measured[0]!;
  let worst = 0;
  let agree = true;
  if (eager.outputs !== undefined) {
    for (const [i, m] of measured.entries()) {
      if (i === 0 || m.outputs === undefined) continue;
      relativeErrors(m.outputs, eager.outputs).forEach((err, k) => {
        worst = Math.max(worst, err);
        const tol = c.tolerance[k] ?? 0;
        if (!(err <= tol)) {
          agree = false;
          problems.push(`${c.name}: output ${k} of ${columns[i]!.label} differs from jaxts eager by ${fmtErr(err)} (tolerance ${fmtErr(tol)})`);
        }
      });
    }
  }
  const reference = c.reference();
  const errors = measured.map((m) => (m.outputs === undefined ? undefined : Math.max(...relativeErrors(m.outputs, reference))));
  const accuracy = errors.map((e) => (e === undefined ? "-" : fmtErr(e)));
  const check = eager.outputs === undefined ? "-" : `${agree ? "ok" : "FAIL"} ${fmtErr(worst)}`;
  const vsEager = measured.map((m, i) => (i === 0 || m.outputs === undefined || eager.outputs === undefined ? undefined : Math.max(...relativeErrors(m.outputs, eager.outputs))));
  // jaxts jit is compared with jax-js jit; everything else with jaxts eager.
  const jitIndex = columns.findIndex((x) => x.lib === "jaxts" && x.mode === "jit");
  const ratioBase = (peer: Column) => (peer.lib === "jax-js" && peer.mode === "jit" && jitIndex >= 0 ? jitIndex : 0);
  return { c, measured, accuracy, errors, vsEager, check, agree, ratioBase };
}

await main();
