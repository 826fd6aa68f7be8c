// Peak memory of reverse mode with and without `checkpoint`: grad of a 200-layer tanh chain
// over 1e5 float32 elements, x ← tanh(0.9·x + 0.1). Run by `pnpm bench memory` or
// `pnpm bench:memory`; each variant runs in a fresh child process (node --expose-gc).
//
// How the peak is measured, and why this is honest:
// - Live array memory: `process.memoryUsage().arrayBuffers` counts the backing stores of every
//   ArrayBuffer, which is where jaxts keeps array data. Right after a forced full GC (`gc()`)
//   it is exactly the memory still reachable, provided the child runs with
//   `--no-concurrent-array-buffer-sweeping`: by default V8 frees dead backing stores on a
//   background thread after the GC, and the counter lags (measured here: the same baseline
//   read 0.8 MB or 104 MB from run to run).
// - When to sample: a timer cannot fire during synchronous work, so the sample is taken from
//   inside the computation, after every primitive that the base (eager) trace evaluates:
//   `evalTrace.processPrimitive`, exported by @jaxts/core for transformations, is wrapped.
//   Every concrete array a primitive makes passes through it, in the forward pass, in the
//   recomputation of checkpointed segments and in the backward pass. Memory only grows when a
//   kernel allocates its output, and at that moment the kernel's inputs are still held, so
//   the maximum over these samples is the peak of reachable array memory (exact up to arrays
//   made outside primitives, such as the all-ones seed cotangent).
// - Rejected: a `customVjp` identity in every layer whose fwd/bwd sample. It perturbs what it
//   measures: a customVjp call keeps its primal input alive until the backward pass ends
//   (measured: vjp of the chain holds 77 MB plain, 153 MB with the probes).
// - Peak RSS: the kernel's VmHWM (/proc/self/status) after one grad call with no forced GC,
//   minus VmRSS just before it. It includes garbage that V8 had not yet collected, the JS heap
//   and allocator slack, minus memory reused from before: what the OS saw, a rough figure.
// - Saved residuals: `savedResiduals(f, x)`, the arrays the linearized function keeps for its
//   backward pass (the library's own account, in bytes).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { array, evalTrace, type NDArray, np, type ParamsOf, type PrimitiveName } from "@jaxts/core";
import { checkpoint, grad, savedResiduals } from "@jaxts/transforms";
import { childNodeArgs, formatTable, normalData, relativeErrors } from "./harness.js";

const LAYERS = 200;
const SEGMENT = 10;
const SIZE = 100_000;
const MB = 2 ** 20;

type VariantName = "plain" | "segments" | "whole";
const variants: readonly { readonly name: VariantName; readonly label: string }[] = [
  { name: "plain", label: "no checkpoint" },
  { name: "segments", label: `checkpoint per ${SEGMENT} layers (${LAYERS / SEGMENT} segments)` },
  { name: "whole", label: "one checkpoint around all 200 layers" },
];

interface ChildResult {
  readonly variant: VariantName;
  readonly baselineArrayBuffers: number;
  readonly peakArrayBuffers: number;
  readonly samples: number;
  readonly rssBefore: number | null;
  readonly rssPeak: number | null;
  readonly residualBytes: number;
  readonly residualCount: number;
  readonly gradMs: number;
  readonly sampledEqualsPlain: boolean;
}

const layer = (x: NDArray): NDArray => np.tanh(x.mul(0.9).add(0.1));

function buildLoss(variant: VariantName): (x: NDArray) => NDArray {
  const layers = (x: NDArray, n: number) => {
    for (let i = 0; i < n; i++) x = layer(x);
    return x;
  };
  switch (variant) {
    case "plain":
      return (x) => np.sum(layers(x, LAYERS));
    case "segments": {
      const segment = checkpoint((x: NDArray) => layers(x, SEGMENT));
      return (x) => {
        for (let s = 0; s < LAYERS / SEGMENT; s++) x = segment(x);
        return np.sum(x);
      };
    }
    case "whole": {
      const all = checkpoint((x: NDArray) => layers(x, LAYERS));
      return (x) => np.sum(all(x));
    }
  }
}

/** VmHWM and VmRSS from /proc/self/status in bytes (null off Linux). */
function procMemory(): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

function childMain(variant: VariantName, gradFile: string): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("bench/memory.ts --child needs node --expose-gc");
  const x0 = array(normalData(SIZE, 7));
  const loss = buildLoss(variant);

  // 1. Peak RSS of one grad call as a user runs it: no forced GC, no sampling.
  gc();
  const before = procMemory();
  const g = grad(loss)(x0);
  const after = procMemory();

  // 2. Time of one warm grad call.
  const t0 = performance.now();
  grad(loss)(x0);
  const gradMs = performance.now() - t0;

  // 3. Peak reachable array memory: a reading after every primitive, a forced GC before it counts.
  let sampling = false;
  let peak = 0;
  let samples = 0;
  const evaluate = evalTrace.processPrimitive;
  evalTrace.processPrimitive = function <P extends PrimitiveName>(this: typeof evalTrace, prim: P, args: readonly NDArray[], params: ParamsOf<P>) {
    const outs = evaluate.call(this, prim, args, params);
    // Garbage only adds to the counter, so a reading at or below the peak so far cannot
    // hide a higher live peak: collect (the costly part) only when the reading is higher.
    if (sampling && process.memoryUsage().arrayBuffers > peak) {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      samples++;
    }
    return outs;
  };
  gc();
  const baseline = process.memoryUsage().arrayBuffers;
  peak = baseline;
  sampling = true;
  const gSampled = grad(loss)(x0);
  sampling = false;
  evalTrace.processPrimitive = evaluate;

  // 4. What the function saves for its backward pass.
  const residuals = savedResiduals(loss, x0);

  const gData = g.toTypedArray() as Float32Array;
  const sData = gSampled.toTypedArray() as Float32Array;
  writeFileSync(gradFile, gData);
  const result: ChildResult = {
    variant,
    baselineArrayBuffers: baseline,
    peakArrayBuffers: peak,
    samples,
    rssBefore: before?.rss ?? null,
    rssPeak: after?.hwm ?? null,
    residualBytes: residuals.reduce((n, r) => n + r.bytes, 0),
    residualCount: residuals.length,
    gradMs,
    sampledEqualsPlain: gData.every((v, i) => Object.is(v, sData[i])),
  };
  console.log(JSON.stringify(result));
}

const thisFile = fileURLToPath(import.meta.url);
const repoRoot = join(dirname(thisFile), "..");

function runChild(variant: VariantName, gradFile: string): ChildResult {
  const args = ["--expose-gc", "--no-concurrent-array-buffer-sweeping", ...childNodeArgs(thisFile, "--child", variant, gradFile)];
  const child = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 300_000 });
  if (child.status !== 0) throw new Error(`memory benchmark child "${variant}" failed (status ${child.status}, signal ${child.signal})`);
  const last = child.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(last) as ChildResult;
}

/** Max |a−b| / max |b|, and whether the two gradients are bit-for-bit identical. */
function compareGrads(a: Float32Array, b: Float32Array): { identical: boolean; rel: number } {
  const identical = a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
  return { identical, rel: relativeErrors([a], [b])[0]! };
}

/** The memory table, for BENCHMARKS.md. */
export interface MemoryTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export async function runMemoryBenchmark(): Promise<MemoryTable> {
  console.log(`memory: grad of ${LAYERS} layers x ← tanh(0.9·x + 0.1) over ${SIZE.toExponential(0)} float32 (${((SIZE * 4) / MB).toFixed(2)} MB per array), one fresh process per variant`);
  const dir = mkdtempSync(join(tmpdir(), "jaxts-bench-memory-"));
  try {
    const results: { result: ChildResult; grad: Float32Array }[] = [];
    for (const v of variants) {
      const file = join(dir, `${v.name}.f32`);
      const result = runChild(v.name, file);
      const buf = readFileSync(file);
      results.push({ result, grad: new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4) });
      console.error(`  done ${v.name}`);
    }
    const reference = results[0]!.grad;
    const mb = (bytes: number | null) => (bytes === null ? "n/a" : (bytes / MB).toFixed(1));
    const rows = results.map(({ result: r, grad: g }, i) => {
      const cmp = compareGrads(g, reference);
      const check = i === 0 ? "reference" : cmp.identical ? "identical" : `rel ${cmp.rel.toExponential(0)}`;
      return [
        variants[i]!.label,
        mb(r.peakArrayBuffers - r.baselineArrayBuffers),
        mb(r.residualBytes),
        String(r.residualCount),
        r.rssPeak === null || r.rssBefore === null ? "n/a" : mb(r.rssPeak - r.rssBefore),
        r.gradMs.toFixed(0),
        String(r.samples),
        r.sampledEqualsPlain ? check : `${check}; sampled run differs!`,
      ];
    });
    const header = ["variant", "peak live MB", "saved residual MB", "#res", "peak RSS MB", "grad ms", "GCs", "gradient vs no checkpoint"];
    console.log(formatTable(header, rows));
    console.log(
      "\npeak live   = max of process.memoryUsage().arrayBuffers read after every primitive (after a gc() whenever it exceeds the peak so far), minus the same before grad.",
    );
    console.log("peak RSS    = VmHWM after one plain grad call minus VmRSS before it (includes uncollected garbage). grad ms = one warm call.");
    const bad = results.some(({ result: r, grad: g }) => !r.sampledEqualsPlain || !compareGrads(g, reference).identical && compareGrads(g, reference).rel > 1e-6);
    if (bad) process.exitCode = 1;
    return { header, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv;
const isMain = argv[1] !== undefined && realpathSync(argv[1]) === realpathSync(thisFile);
if (isMain) {
  const i = argv.indexOf("--child");
  if (i >= 0) childMain(argv[i + 1] as VariantName, argv[i + 2]!);
  else await runMemoryBenchmark();
}
