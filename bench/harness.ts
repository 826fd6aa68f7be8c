// The benchmark harness: warm-up, timed rounds, medians, a numerical agreement check and
// a plain-text table. Benchmarks report ratios side by side; they never assert a speed.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Where this process loaded jaxts from. `pnpm bench` builds the packages and runs them from
 * `dist/`, as a user who installs them from npm does; `--conditions=@jaxts/source` runs the
 * TypeScript sources through tsx instead, which wraps every function in esbuild's `__name`
 * helper and so measures slower (W4 and W6: 10–20 %) than anything a user runs.
 */
export const jaxtsSource: "built" | "source" = fileURLToPath(import.meta.resolve("@jaxts/core")).endsWith(".ts") ? "source" : "built";

/**
 * The node arguments that run the benchmark module `file` (a `bench/*.ts` path) as a child
 * process loading jaxts the way this one did, followed by `args`.
 *
 * A built run bundles the module with its `bench/` imports by esbuild (packages stay imports,
 * so jaxts still comes from `dist/`) into `node_modules/.cache/jaxts-bench/` and runs it under
 * plain `node`: the children measure memory, and tsx's loader thread and its compiled sources
 * add about 70 MiB of RSS that no jaxts user's process holds. A source run keeps tsx.
 */
export function childNodeArgs(file: string, ...args: string[]): string[] {
  if (jaxtsSource === "source") return ["--import", "tsx", "--conditions=@jaxts/source", file, ...args];
  const outfile = join(fileURLToPath(new URL("../node_modules/.cache/jaxts-bench/", import.meta.url)), `${basename(file, ".ts")}.mjs`);
  // Loaded here, not imported: the bundled children import this module and must not load esbuild.
  const { buildSync } = createRequire(import.meta.url)("esbuild") as typeof import("esbuild");
  buildSync({ entryPoints: [file], outfile, bundle: true, packages: "external", platform: "node", format: "esm", target: "node20", logLevel: "error" });
  return [outfile, ...args];
}

export interface Timing {
  /** Median wall time of one call, in milliseconds. */
  readonly median: number;
  readonly min: number;
  readonly rounds: number;
}

export interface TimingOptions {
  /** Warm-up calls before timing (V8 tiers code up; first-touch page faults). */
  readonly warmupCalls: number;
  /** Keep warming up until this much time has passed as well. */
  readonly warmupMs: number;
  /**
   * Then, for calls shorter than `settleBelowMs`, keep warming up in windows of
   * `settleWindowMs` (at least 3 calls) until the per-call time stops improving: a window's
   * median not 10 % below the median two windows back (V8 still optimising shows as a
   * steady fall), or `settleMaxMs` of warm-up in all.
   */
  readonly settleWindowMs: number;
  readonly settleBelowMs: number;
  readonly settleMaxMs: number;
  readonly minRounds: number;
  readonly maxRounds: number;
  /** Stop adding rounds past minRounds once this much time has been spent timing. */
  readonly budgetMs: number;
}

// Warm-up to the steady state a training loop runs in, the same for every library: half a
// second, then on until the per-call time stops falling. V8 optimises a large eager call
// graph over thousands of calls (W4: 3,000–5,000; W6: its per-call time fell from 9 to 3.6 ms
// between 0.5 and 0.8 s of warm-up on 2026-12-03), which half a second alone does not cover.
export const defaultTiming: TimingOptions = {
  warmupCalls: 2,
  warmupMs: 500,
  settleWindowMs: 250,
  settleBelowMs: 50,
  settleMaxMs: 4000,
  minRounds: 5,
  maxRounds: 40,
  budgetMs: 1000,
};

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The largest resident set size seen so far, in bytes: sampled after every call that `time`
 * makes (a timer cannot fire during synchronous work, so sampling between calls is what can
 * be seen from JS). `peakRssBytes()` adds the kernel's own high-water mark where it exists.
 */
let sampledRss = 0;
export function sampleRss(): number {
  const rss = process.memoryUsage.rss();
  if (rss > sampledRss) sampledRss = rss;
  return rss;
}
export const sampledPeakRss = (): number => sampledRss;

/** VmHWM from /proc/self/status (the exact peak RSS of this process), or null off Linux. */
export function kernelPeakRss(): number | null {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN);
    return Number.isFinite(kb) ? kb * 1024 : null;
  } catch {
    return null;
  }
}

/** Times `fn` (one call = one round); the result of the last call is returned for checking. */
export function time<R>(fn: () => R, opts: TimingOptions = defaultTiming): { timing: Timing; last: R } {
  let last: R;
  /** One call of fn, its result kept in `last`: its time in ms. */
  const call = (): number => {
    const t0 = performance.now();
    last = fn();
    const ms = performance.now() - t0;
    sampleRss();
    return ms;
  };
  const first = call();
  // Keep the whole run near 10 minutes: a call over 5 s is timed once (its first, cold call;
  // warm-up is noise at that length), a call over 1 s gets no extra warm-up and 3 rounds.
  if (first > 5000) return { timing: { median: first, min: first, rounds: 1 }, last: last! };
  if (first > 1000) opts = { ...opts, warmupCalls: 1, warmupMs: 0, minRounds: Math.min(opts.minRounds, 3), budgetMs: 0 };
  const warmStart = performance.now();
  const warmCalls: number[] = [];
  for (let i = 1; i < opts.warmupCalls || performance.now() - warmStart < opts.warmupMs; i++) warmCalls.push(call());
  if (warmCalls.length > 0 && median(warmCalls.slice(-3)) < opts.settleBelowMs) {
    // Windows until the time per call stops falling (or the cap).
    const windows: number[] = [];
    while (performance.now() - warmStart < opts.settleMaxMs) {
      const calls: number[] = [];
      const w0 = performance.now();
      while (calls.length < 3 || performance.now() - w0 < opts.settleWindowMs) calls.push(call());
      windows.push(median(calls));
      const k = windows.length - 1;
      if (k >= 2 && windows[k]! > 0.9 * windows[k - 2]!) break;
    }
  }
  const samples: number[] = [];
  const start = performance.now();
  while (samples.length < opts.minRounds || (samples.length < opts.maxRounds && performance.now() - start < opts.budgetMs)) samples.push(call());
  return { timing: { median: median(samples), min: Math.min(...samples), rounds: samples.length }, last: last! };
}

/** The outputs of one call, flattened to plain number arrays (read back from either library). */
export type Outputs = readonly ArrayLike<number>[];

/**
 * Normwise relative difference max|a−b| / max|b| of each output (each scaled by its own
 * largest magnitude, so a sum of 1e6 terms and a 1e6-element array are judged alike).
 * A NaN anywhere or a length mismatch gives Infinity.
 */
export function relativeErrors(a: Outputs, b: Outputs): number[] {
  if (a.length !== b.length) return [Number.POSITIVE_INFINITY];
  return b.map((y, k) => {
    const x = a[k]!;
    if (x.length !== y.length) return Number.POSITIVE_INFINITY;
    let diff = 0;
    let scale = 0;
    let nan = false;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(x[i]! - y[i]!);
      if (Number.isNaN(d)) nan = true;
      else if (d > diff) diff = d;
      scale = Math.max(scale, Math.abs(y[i]!));
    }
    return nan ? Number.POSITIVE_INFINITY : diff / Math.max(scale, Number.MIN_VALUE);
  });
}

export const fmtMs = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));
export const fmtRatio = (r: number): string => (r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2));
export const fmtErr = (e: number): string => (e === 0 ? "0" : e.toExponential(0));

/** A table with a header row; columns after the first are right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Deterministic float32 samples from N(0, 1) (mulberry32 + Box–Muller), shared by both libraries. */
export function normalData(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const th = 2 * Math.PI * uniform();
    out[i] = scale * r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = scale * r * Math.sin(th);
  }
  return out;
}
