// One library's sides of the benchmark, in a process of its own. bench/run.ts starts one such
// process per library (jaxts, TensorFlow.js, jax-js) and asks each for its sides one at a
// time, in the order the tables list them, so the libraries still take turns on the machine
// but never share a heap, a garbage collector or a peak RSS: TensorFlow.js's and jax-js's
// wasm memories, which never shrink, no longer count in jaxts's memory, and no library's
// collector walks another's objects. The parent computes the references and the agreement.
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { config } from "@jaxts/core";
import { type BenchCase, cases, isNotAvailable, type JaxtsMode, type Side } from "./cases.js";
import { defaultTiming, kernelPeakRss, sampledPeakRss, sampleRss, time } from "./harness.js";
import type { JX } from "./jaxjs.js";
import type { Measured } from "./report.js";
import type { TF, TfBackend } from "./tfjs.js";
import { workloads } from "./workloads.js";

export const libraries = ["jaxts", "tfjs", "jax-js"] as const;
export type Library = (typeof libraries)[number];

/** What a library's process says once it has loaded. */
export interface Loaded {
  readonly kind: "loaded";
  /** jaxts: the backend; tfjs: its version; jax-js: its version. */
  readonly version: string;
  /** jaxts: the backend's description; jax-js: the device's. */
  readonly detail: string;
  /** tfjs: the backends that initialised. */
  readonly backends: readonly TfBackend[];
  /** Why a library or backend is missing. */
  readonly notes: readonly string[];
  /** Whether the library loaded at all (jax-js may not). */
  readonly available: boolean;
  /** RSS right after loading, bytes. */
  readonly rss: number;
}

export type Request =
  | { readonly kind: "measure"; readonly name: string; readonly mode: JaxtsMode; readonly backend?: TfBackend["name"] }
  | { readonly kind: "memory" };

export type Reply =
  | Loaded
  | { readonly kind: "measured"; readonly measured: Measured; readonly leaked: number }
  | { readonly kind: "memory"; readonly peak: number; readonly sampled: number };

export const allCases: readonly BenchCase[] = [...cases, ...workloads];

/** Builds a side (or says why it cannot), times it, disposes it. */
export function measure(makeSide: () => Side | { readonly na: string }, repeat: number): Measured {
  let side: Side | undefined;
  const rssBefore = sampleRss();
  try {
    const made = makeSide();
    if (isNotAvailable(made)) return { na: made.na };
    side = made;
    const s = side;
    const fn = repeat <= 1 ? s.run : () => {
      let out = s.run();
      for (let i = 1; i < repeat; i++) out = s.run();
      return out;
    };
    const { timing, last } = time(fn, defaultTiming);
    const perCall = { median: timing.median / repeat, min: timing.min / repeat, rounds: timing.rounds };
    return { timing: perCall, outputs: last, rssGrowth: sampleRss() - rssBefore };
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message.split("\n")[0]}` : String(e) };
  } finally {
    side?.dispose();
  }
}

/** The jaxts backend this run measures (the default, or JAXTS_BACKEND). */
export function backendText(): string {
  const { backend, threads } = config.get() as { backend: string; threads?: number };
  return backend === "wasm" ? `wasm backend (WebAssembly SIMD kernels${threads === undefined ? "" : `, ${threads} thread${threads === 1 ? "" : "s"}`})` : `${backend} backend (plain JS kernels)`;
}

async function childMain(library: Library): Promise<void> {
  const send = (r: Reply): void => {
    process.send!(r);
  };
  let tf: TF | undefined;
  let jx: JX | null = null;
  let loaded: Omit<Loaded, "kind" | "rss">;
  if (library === "jaxts") loaded = { version: "", detail: backendText(), backends: [], notes: [], available: true };
  else if (library === "tfjs") {
    const { loadTfjs } = await import("./tfjs.js");
    const setup = await loadTfjs();
    tf = setup.tf;
    loaded = { version: tf.version.tfjs, detail: "", backends: setup.backends, notes: setup.notes, available: true };
  } else {
    const { loadJaxJs } = await import("./jaxjs.js");
    const setup = await loadJaxJs();
    jx = setup.jx;
    loaded = { version: setup.version, detail: setup.detail, backends: [], notes: setup.note === undefined ? [] : [setup.note], available: jx !== null };
  }
  send({ kind: "loaded", ...loaded, rss: sampleRss() });

  process.on("message", async (req: Request) => {
    if (req.kind === "memory") {
      send({ kind: "memory", peak: kernelPeakRss() ?? sampledPeakRss(), sampled: sampledPeakRss() });
      return;
    }
    const c = allCases.find((x) => x.name === req.name);
    if (c === undefined) throw new Error(`no case ${req.name}`);
    const repeat = c.repeat ?? 1;
    if (library === "jaxts") send({ kind: "measured", measured: measure(() => c.jaxts(req.mode), repeat), leaked: 0 });
    else if (library === "tfjs") {
      const t = tf!;
      await t.setBackend(req.backend!);
      const before = t.memory().numTensors;
      const measured = measure(() => c.tfjs(t), repeat);
      send({ kind: "measured", measured, leaked: t.memory().numTensors - before });
    } else {
      const measured: Measured = c.jaxjs === undefined ? { na: "not written for the older cases (a–f)" } : measure(() => c.jaxjs!(jx!, req.mode), repeat);
      send({ kind: "measured", measured, leaked: 0 });
    }
  });
  // (the parent closes the channel when the run is done: then this process ends)
  process.on("disconnect", () => process.exit(0));
}

const thisFile = fileURLToPath(import.meta.url);
const argv = process.argv;
const at = argv.indexOf("--library");
if (argv[1] !== undefined && realpathSync(argv[1]) === realpathSync(thisFile) && at > 0) {
  const library = argv[at + 1] as Library;
  if (!libraries.includes(library)) throw new Error(`--library must be one of ${libraries.join(", ")}`);
  await childMain(library);
}
