// The per-workload tables and BENCHMARKS.md, both made from one run's measurements.
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { loadavg, release } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BenchCase, JaxtsMode } from "./cases.js";
import { defaultTiming, fmtErr, fmtMs, fmtRatio, jaxtsSource, type Outputs, type Timing } from "./harness.js";
import type { MemoryTable } from "./memory.js";
import type { JaxtsRss } from "./rss.js";
import { describeFlat, FLAT_TOLERANCE, type FlatMemory, type FlatMode } from "./flat.js";

/** One column of the report: a library in a mode (and, for tfjs, a backend). */
export interface Column {
  readonly label: string;
  readonly lib: "jaxts" | "tfjs" | "jax-js";
  readonly mode: JaxtsMode;
  readonly detail: string;
  readonly backend?: "cpu" | "wasm";
}

/** A process of the run (bench/sides.ts: one per library; the orchestrator): RSS in bytes. */
export interface ProcessMemory {
  readonly label: string;
  /** After loading its library (0 for the orchestrator). */
  readonly loaded: number;
  /** VmHWM (the largest sample off Linux). */
  readonly peak: number;
  /** The largest RSS sampled after a timed call. */
  readonly sampled: number;
}

/** One side's measurement: a timing with outputs, an error, or "n/a" with the reason. */
export interface Measured {
  readonly timing?: Timing;
  readonly outputs?: Outputs;
  readonly error?: string;
  readonly na?: string;
  /** RSS after the side's rounds minus before it was built, in bytes. */
  readonly rssGrowth?: number;
}

export interface CaseResult {
  readonly c: BenchCase;
  /** One per column, in column order. */
  readonly measured: readonly Measured[];
  readonly accuracy: readonly string[];
  /** Worst normwise error against the float64 reference, per column. */
  readonly errors: readonly (number | undefined)[];
  /** Worst normwise difference from jaxts eager, per column (undefined for jaxts eager). */
  readonly vsEager: readonly (number | undefined)[];
  readonly check: string;
  readonly agree: boolean;
  /** The jaxts column a peer's ratio is taken against (index into `measured`). */
  readonly ratioBase: (peer: Column) => number;
}

export interface RunInfo {
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  /** The jaxts backend measured, in words. */
  readonly backend: string;
  readonly tfjs: string;
  readonly jaxjs: string;
  readonly columns: readonly Column[];
  readonly notes: readonly string[];
  /** os.loadavg() when the run started. */
  readonly loadStart: readonly number[];
}

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const fmtUnit = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));

/** The case's speed figure of one side: its unit (GFLOP/s, µs) or the median in ms. */
export function value(c: BenchCase, m: Measured | undefined): number | undefined {
  if (m?.timing === undefined) return undefined;
  return c.unit === undefined ? m.timing.median : c.unit.fromMs(m.timing.median);
}

/** One table per workload case: every column as a row, with ratios and agreement. */
export function workloadTables(results: readonly CaseResult[], columns: readonly Column[]): Table[] {
  return results
    .filter((r) => r.c.workload !== undefined)
    .map((r) => {
      const eager = r.measured[0]?.timing;
      const jit = r.measured[1]?.timing;
      const ratio = (base: Timing | undefined, m: Measured) => (base === undefined || m.timing === undefined ? "-" : fmtRatio(base.median / m.timing.median));
      const rows = columns.map((col, i) => {
        const m = r.measured[i]!;
        const v = value(r.c, m);
        const status = m.na !== undefined ? "n/a" : m.error !== undefined ? "error" : undefined;
        return [
          col.label,
          status ?? fmtMs(m.timing!.median),
          ...(r.c.unit === undefined ? [] : [v === undefined ? (status ?? "-") : fmtUnit(v)]),
          col.lib === "jaxts" ? "" : ratio(eager, m),
          col.lib === "jaxts" ? "" : ratio(jit, m),
          i === 0 ? "" : r.vsEager[i] === undefined ? "-" : fmtErr(r.vsEager[i]!),
          r.accuracy[i] ?? "-",
          m.timing === undefined ? "-" : String(m.timing.rounds),
          m.na ?? m.error ?? "",
        ];
      });
      const header = [
        "library",
        "median ms",
        ...(r.c.unit === undefined ? [] : [r.c.unit.label]),
        "jaxts eager / this",
        "jaxts jit / this",
        "diff vs jaxts eager",
        "error vs float64",
        "rounds",
        "note",
      ];
      return { title: `${r.c.name} — ${r.c.what}`, header, rows };
    });
}

interface TargetRow {
  readonly id: string;
  readonly text: string;
  readonly today: string;
  readonly met: string;
  /** Set when the run measured the target unmet: the case's account of what is in the way. */
  readonly unmet?: string;
  /** The same figure for tfjs-wasm and for jax-js (the better of eager and jit). */
  readonly tfjsWasm: string;
  readonly jaxjs: string;
}

function targetRows(results: readonly CaseResult[], columns: readonly Column[], which: "target" | "jitTarget" = "target"): TargetRow[] {
  const out: TargetRow[] = [];
  for (const r of results) {
    const t = r.c[which];
    if (t === undefined) continue;
    const unit = r.c.unit?.label ?? "ms";
    const higher = r.c.unit?.higherIsBetter ?? false;
    const eager = value(r.c, r.measured[0]);
    const jit = value(r.c, r.measured[1]);
    const candidates = t.mode === "eager" ? [eager] : t.mode === "jit" ? [jit] : [eager, jit];
    const known = candidates.filter((v): v is number => v !== undefined);
    const v = known.length === 0 ? undefined : higher ? Math.max(...known) : Math.min(...known);
    const peer = (label: string) => value(r.c, r.measured[columns.findIndex((c) => c.label === label)]);
    const bound = t.bound(peer);
    const today = v === undefined ? "error" : `${fmtUnit(v)} ${unit}${t.mode === "best" ? ` (${v === jit && v !== eager ? "jit" : "eager"})` : ""}`;
    let met = "-";
    let unmet: string | undefined;
    if (v !== undefined && Number.isFinite(bound)) {
      const ok = t.atLeast ? v >= bound : v <= bound;
      if (!ok) unmet = t.inTheWay ?? "no account yet: measure and profile it (bench/README.md).";
      const factor = t.atLeast ? bound / v : v / bound;
      met = ok ? `**yes** (bound ${fmtUnit(bound)})` : t.atLeast ? `no: ${fmtRatio(factor)}× short of ${fmtUnit(bound)} ${unit}` : `no: ${fmtRatio(factor)}× over`;
    }
    const fmtPeer = (v: number | undefined, suffix = "") => (v === undefined ? "-" : `${fmtUnit(v)} ${unit}${suffix}`);
    const jxEager = peer("jax-js");
    const jxJit = peer("jax-js jit");
    const jxKnown = [jxEager, jxJit].filter((x): x is number => x !== undefined);
    const jxBest = jxKnown.length === 0 ? undefined : higher ? Math.max(...jxKnown) : Math.min(...jxKnown);
    const jaxjs = fmtPeer(jxBest, jxBest === undefined ? "" : jxBest === jxJit ? " (jit)" : " (eager)");
    out.push({ id: r.c.name, text: t.text, today, met, ...(unmet === undefined ? {} : { unmet }), tfjsWasm: fmtPeer(peer("tfjs-wasm")), jaxjs });
  }
  return out;
}

/** What is in the way when the jaxts process's peak passes 250 MiB. */
const JAXTS_PROCESS_M_IN_THE_WAY =
  "the process runs every case's jaxts sides, eager and jit, the older cases (a–f) included, for about a second of calls each. Most of its peak is memory already freed: after each case of the same sequence in one plain-node process (2026-12-05), the arena held at most 20 MiB, V8's heap 16–50 MiB and the ArrayBuffers not yet collected 30–97 MiB, while RSS reached 329 MiB after W4; with glibc told to hand every large freed block back to the kernel (`MALLOC_MMAP_THRESHOLD_=131072`) the same sequence peaked at 227 MiB and ended at 197, but ran the jitted value+grad at 5.4 ms instead of about 3 (each fresh result page faults again). By default glibc keeps freed blocks of a few MB for reuse, and RSS counts them. The workloads W1–W6 alone, 3 calls each, peak at the next row's figure.";

/** Under a targets table: each target the run did not meet, and what is in the way. */
function inTheWay(rows: readonly { readonly id: string; readonly unmet?: string }[]): string[] {
  const unmet = rows.filter((r) => r.unmet !== undefined);
  if (unmet.length === 0) return [];
  return ["Not met in this run, and what is in the way:", "", ...unmet.map((r) => `- **${r.id}**: ${r.unmet}`), ""];
}

const md = (header: readonly string[], rows: readonly (readonly string[])[]): string => {
  const esc = (s: string) => s.replaceAll("|", "\\|");
  const textColumns = new Set(["note", "target", "met?", "jaxts today", "gradient vs no checkpoint", "check"]);
  const align = header.map((h, j) => (j === 0 || textColumns.has(h) ? "---" : "--:"));
  return [header, align, ...rows].map((r) => `| ${r.map(esc).join(" | ")} |`).join("\n");
};

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

function gitCommit(): string {
  try {
    const sha = execSync("git rev-parse --short HEAD", { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execSync("git status --porcelain --untracked-files=no", { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() !== "";
    return dirty ? `${sha} + uncommitted changes` : sha;
  } catch {
    return "unknown";
  }
}

export interface Report {
  readonly info: RunInfo;
  readonly results: readonly CaseResult[];
  readonly memory: MemoryTable | undefined;
  readonly problems: readonly string[];
  /** The run's processes: one per library (jaxts first), then the orchestrator. */
  readonly processes: readonly ProcessMemory[];
  readonly jaxtsRss: JaxtsRss | undefined;
  /** Memory over 100,000 training steps, eager and jitted (bench/flat.ts); empty when not run. */
  readonly flat: readonly FlatMemory[];
  readonly seconds: number;
  readonly filters: readonly string[];
}

/** TensorFlow.js-wasm's W4 time (µs per call) in a quiet full run, in its own process (2026-12-05, 03:00 UTC). */
const QUIET_GAUGE_US = 1382;

/** TensorFlow.js-wasm's W4 time in this run (µs per call), if both were measured. */
function machineGauge(results: readonly CaseResult[], columns: readonly Column[]): number | undefined {
  const r = results.find((x) => x.c.workload === "W4");
  const i = columns.findIndex((c) => c.lib === "tfjs" && c.backend === "wasm");
  const t = r === undefined || i < 0 ? undefined : r.measured[i]?.timing;
  return t === undefined ? undefined : t.median * 1000;
}

/** Writes BENCHMARKS.md at the repository root; returns its path. */
export function writeReport(rep: Report): string {
  const { info, results, columns } = { ...rep, columns: rep.info.columns };
  const mib = (b: number) => (b / 2 ** 20).toFixed(0);
  const L: string[] = [];
  L.push("# Benchmarks");
  L.push("");
  L.push(
    `Generated by \`pnpm bench\`${rep.filters.length > 0 ? ` (filters: ${rep.filters.join(" ")})` : ""} on ${info.date.replace("T", " ").slice(0, 16)} UTC in ${(rep.seconds / 60).toFixed(1)} min. Do not edit by hand: run \`pnpm bench\` again. How the numbers are taken: [bench/README.md](bench/README.md).`,
  );
  L.push("");
  const load = (l: readonly number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  L.push(
    `- Machine: ${info.cpu}, Linux ${release()}, Node ${info.node}. Shared and noisy: the same configuration moves 10–30 % between runs, and more when other jobs run (load average 1 / 5 / 15 min at the start ${load(info.loadStart)}, at the end ${load(loadavg())}; above 2 means the benchmark shared its 2 cores).`,
  );
  const gauge = machineGauge(results, columns);
  if (gauge !== undefined) {
    L.push(
      `- How busy the machine was: TensorFlow.js-wasm took ${gauge.toFixed(0)} µs per W4 call in this run, against ${QUIET_GAUGE_US} µs on a quiet machine in its own process (2026-12-05; 1,525 µs when it shared one process with jaxts and jax-js, 2026-12-03, and 2,000–3,900 µs in the busy runs of that day). Its code does not change between runs, so it gauges the machine: every library's times scale with it, a 2-thread jaxts more than the 1-thread peers.`,
    );
  }
  L.push(`- jaxts at commit ${gitCommit()}, ${info.backend}, ${jaxtsSource === "built" ? "run from its built packages (`dist/`, what npm installs)" : "run from its TypeScript sources through tsx (`pnpm bench:source`: esbuild's `__name` wrappers make this slower than the built packages)"}.`);
  L.push(`- TensorFlow.js ${info.tfjs}; jax-js (\`@jax-js/jax\`) ${info.jaxjs}, \`init("wasm", "cpu")\`.`);
  for (const c of columns) L.push(`  - **${c.label}**: ${c.detail}`);
  for (const n of info.notes) L.push(`- Note: ${n}`);
  L.push(
    `- Times are medians of ${defaultTiming.minRounds}–${defaultTiming.maxRounds} timed rounds (about ${defaultTiming.budgetMs / 1000} s per side) after a warm-up of at least ${defaultTiming.warmupMs} ms that goes on, for calls under ${defaultTiming.settleBelowMs} ms, in windows of ${defaultTiming.settleWindowMs} ms until the time per call stops falling (a window's median not 10 % below the one two windows back; at most ${defaultTiming.settleMaxMs / 1000} s in all), the same for every library (a call over 1 s: 3 rounds; over 5 s: its first call alone), float32 everywhere, results read back into JS typed arrays inside every call. Ratios are times: **jaxts / peer above 1 means jaxts is slower**. "jaxts jit / this" compares against the jit column of jaxts.`,
  );
  L.push(
    "- Agreement: \"diff vs jaxts eager\" is the largest normwise relative difference max|a−b|/max|b| of any output against jaxts eager (each case has a tolerance; a run fails when it is exceeded); \"error vs float64\" is the same against a float64 reference in plain JS from the same float32 inputs.",
  );
  L.push("");

  L.push("## Targets of issue 9");
  L.push("");
  const targets = targetRows(results, columns);
  const jaxtsProcess = rep.processes.find((p) => p.label === "jaxts");
  const mLimit = 250 * 2 ** 20;
  const mMet = (b: number) => (b <= mLimit ? "**yes**" : `no: ${fmtRatio(b / mLimit)}× over`);
  const flatRows = (mode: FlatMode): string[][] =>
    rep.flat
      .filter((f) => f.mode === mode)
      .map((f) => [
        `M — flat over ${f.steps.toLocaleString("en-US")} ${mode === "jit" ? "jitted" : "eager"} training steps${mode === "eager-big" ? ` of a ${f.model} MLP, batch ${f.batch} (deferred and compiled eager code)` : ""} (growth, first → last quarter)`,
        `flat (≤ ${mib(FLAT_TOLERANCE)} MiB)`,
        `${(f.growth / 2 ** 20).toFixed(1)} MiB (peak ${mib(f.peak)} MiB)`,
        f.growth <= FLAT_TOLERANCE ? "**yes**" : "no",
        "-",
        "-",
      ]);
  const mRows = [
    ...(jaxtsProcess === undefined ? [] : [["M — peak RSS of the run's jaxts process (every case, eager and jit)", "≤ 250 MiB", `${mib(jaxtsProcess.peak)} MiB`, mMet(jaxtsProcess.peak), "-", "-"]]),
    ...(rep.jaxtsRss === undefined
      ? []
      : [["M — peak RSS of jaxts alone (W1–W6, fresh plain-node process)", "≤ 250 MiB", `${mib(rep.jaxtsRss.peak)} MiB`, mMet(rep.jaxtsRss.peak), "-", "-"]]),
    ...flatRows("eager"),
    ...flatRows("eager-big"),
  ];
  L.push(
    md(
      ["workload", "target", "jaxts today", "met?", "tfjs-wasm", "jax-js (better of eager, jit)"],
      [...targets.map((t) => [t.id, t.text, t.today, t.met, t.tfjsWasm, t.jaxjs]), ...mRows],
    ),
  );
  L.push("");
  const wholeRunUnmet = jaxtsProcess !== undefined && jaxtsProcess.peak > mLimit ? [{ id: "M — peak RSS of the run's jaxts process", unmet: JAXTS_PROCESS_M_IN_THE_WAY }] : [];
  L.push(...inTheWay([...targets, ...wholeRunUnmet]));
  L.push("## Targets of issue 10 (`jit`)");
  L.push("");
  const jitTargets = targetRows(results, columns, "jitTarget");
  L.push(
    md(
      ["workload", "target", "jaxts today", "met?", "tfjs-wasm", "jax-js (better of eager, jit)"],
      [...jitTargets.map((t) => [t.id, t.text, t.today, t.met, t.tfjsWasm, t.jaxjs]), ...flatRows("jit")],
    ),
  );
  L.push("");
  L.push(...inTheWay(jitTargets));
  L.push(
    `W5 and the jitted W2–W4 and W6j are issue 10's (the compiler); M is shared by both issues.${rep.flat.map((f) => ` Flat memory: ${describeFlat(f)} (bench/flat.ts).`).join("")} M is the kernel's high-water mark (VmHWM) of the process that ran jaxts's sides: each library runs in a process of its own (bench/sides.ts), so TensorFlow.js's and jax-js's memories (their wasm memories never shrink) are theirs, listed under "M — peak memory"; the second M row runs the workloads' jaxts sides alone in a fresh process, a few calls each.`,
  );
  L.push("");

  for (const t of workloadTables(results, columns)) {
    L.push(`## ${t.title}`);
    L.push("");
    L.push(md(t.header, t.rows));
    L.push("");
  }

  L.push("## M — peak memory");
  L.push("");
  L.push(
    md(
      ["measure", "MiB"],
      [
        ...rep.processes.flatMap((p) => {
          const name = p.label === "orchestrator" ? "the orchestrator (references, agreement, the memory children)" : `the ${p.label === "tfjs" ? "TensorFlow.js (cpu, wasm)" : p.label} process`;
          return [
            ...(p.loaded > 0 ? [[`${name}: RSS after loading, before any case`, mib(p.loaded)]] : []),
            [`${name}: peak RSS (VmHWM)`, mib(p.peak)],
            ...(p.label === "orchestrator" ? [] : [[`${name}: largest RSS sampled after a timed call`, mib(p.sampled)]]),
          ];
        }),
        ...(rep.jaxtsRss === undefined
          ? []
          : [
              ["jaxts alone: RSS after loading jaxts and the workloads (fresh process)", mib(rep.jaxtsRss.baseline)],
              [`jaxts alone: peak RSS after running every workload's jaxts sides (eager and jit, ${rep.jaxtsRss.calls} calls)`, mib(rep.jaxtsRss.peak)],
            ]),
      ],
    ),
  );
  L.push("");
  L.push(
    "jax-js's eager mode grows RSS by about 4 MB per W3 call and 10 MB per W6 call even with every array disposed (its `jit` sides stay flat); see bench/README.md, \"jax-js set-up\".",
  );
  L.push("");
  const growth = results.flatMap((r) => r.measured.map((m, i) => ({ r, m, i }))).filter(({ m }) => (m.rssGrowth ?? 0) > 64 * 2 ** 20);
  if (growth.length > 0) {
    L.push("Sides whose RSS grew by more than 64 MiB while they ran (RSS rarely shrinks, so this is where memory was first needed):");
    L.push("");
    for (const { r, m, i } of growth) L.push(`- ${r.c.name}, ${columns[i]!.label}: +${mib(m.rssGrowth!)} MiB`);
    L.push("");
  }

  const older = results.filter((r) => r.c.workload === undefined);
  if (older.length > 0) {
    L.push("## The earlier cases (a–f)");
    L.push("");
    const peers = columns.filter((c) => c.lib !== "jaxts" && c.lib !== "jax-js");
    const header = ["case", ...columns.filter((c) => c.lib !== "jax-js").map((c) => `${c.label} ms`), ...peers.map((p) => `jaxts/${p.label.replace("tfjs-", "")}`), "check"];
    const rows = older.map((r) => [
      `${r.c.name}: ${r.c.what}`,
      ...columns.flatMap((c, i) => (c.lib === "jax-js" ? [] : [r.measured[i]?.timing === undefined ? "error" : fmtMs(r.measured[i]!.timing!.median)])),
      ...peers.map((p) => {
        const a = r.measured[0]?.timing;
        const b = r.measured[columns.indexOf(p)]?.timing;
        return a === undefined || b === undefined ? "-" : fmtRatio(a.median / b.median);
      }),
      r.check,
    ]);
    L.push(md(header, rows));
    L.push("");
    L.push("Accuracy against the float64 reference:");
    L.push("");
    L.push(md(["case", ...columns.filter((c) => c.lib !== "jax-js").map((c) => c.label)], older.map((r) => [r.c.name, ...r.accuracy.filter((_, i) => columns[i]!.lib !== "jax-js")])));
    L.push("");
  }

  if (rep.memory !== undefined) {
    L.push("## Memory of reverse mode with and without `checkpoint`");
    L.push("");
    L.push("`grad` of a 200-layer tanh chain over 1e5 float32, each variant in a fresh process (jaxts only; see bench/README.md).");
    L.push("");
    L.push(md(rep.memory.header, rep.memory.rows));
    L.push("");
  }

  if (rep.problems.length > 0) {
    L.push("## Problems in this run");
    L.push("");
    for (const p of rep.problems) L.push(`- ${p}`);
    L.push("");
  }
  const file = join(repoRoot, "BENCHMARKS.md");
  writeFileSync(file, L.join("\n"));
  return file;
}
