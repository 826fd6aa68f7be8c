// M for jaxts alone: the peak RSS of a fresh process that loads only jaxts and runs the jaxts
// sides (eager and jit) of every workload W1–W6 a few times each. The main benchmark process
// also holds TensorFlow.js and jax-js (their wasm memories never shrink), so its own peak is
// an upper bound; this child gives the figure that belongs to jaxts. Run by bench/run.ts.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childNodeArgs, kernelPeakRss, sampledPeakRss, sampleRss } from "./harness.js";

export interface JaxtsRss {
  /** RSS right after loading jaxts and the workloads, bytes. */
  readonly baseline: number;
  /** Peak RSS (VmHWM, or the largest sample off Linux) after running every workload, bytes. */
  readonly peak: number;
  readonly calls: number;
}

const CALLS = 3;
const thisFile = fileURLToPath(import.meta.url);

async function childMain(): Promise<void> {
  const { workloads } = await import("./workloads.js");
  const baseline = sampleRss();
  let calls = 0;
  for (const c of workloads) {
    for (const mode of ["eager", "jit"] as const) {
      const side = c.jaxts(mode);
      for (let i = 0; i < CALLS; i++) {
        side.run();
        sampleRss();
        calls++;
      }
      side.dispose();
    }
  }
  const result: JaxtsRss = { baseline, peak: kernelPeakRss() ?? sampledPeakRss(), calls };
  console.log(JSON.stringify(result));
}

/** Runs the child and returns its figures, or an error message. */
export function jaxtsOnlyRss(): JaxtsRss | string {
  const args = childNodeArgs(thisFile, "--child");
  const child = spawnSync(process.execPath, args, { cwd: join(dirname(thisFile), ".."), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 300_000 });
  if (child.status !== 0) return `the jaxts-only RSS child failed (status ${child.status}, signal ${child.signal})`;
  try {
    return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "") as JaxtsRss;
  } catch {
    return "the jaxts-only RSS child printed no result";
  }
}

const argv = process.argv;
if (argv[1] !== undefined && realpathSync(argv[1]) === realpathSync(thisFile) && argv.includes("--child")) await childMain();
