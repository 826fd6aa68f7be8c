// M, second half: memory stays flat over 100,000 training steps, eager (issue 9) and jitted
// (issue 10). A fresh process (only jaxts loaded, on the default backend) trains an MLP with
// Adam, one valueAndGrad + update per step, in one synchronous loop as a training script does,
// and samples RSS every few thousand steps. After a warm-up (V8 sizes its heaps, the arena
// reaches its working size) RSS must stop growing: any per-step leak — an array, a jaxpr, a
// cache entry, a wasm arena that creeps, an array kept until the loop yields — shows as a slope.
// The eager run trains a 16-32-1 MLP; the jitted run `jit`s the whole step of a 64-256-1 MLP,
// whose first weight and its Adam moments (64 KiB each, fresh every step) are big enough for
// a compiled program to keep track of (its resident inputs). The big eager run (a fifth of the
// steps) trains a 64-512-1 MLP on batches of 256, whose hidden layer (131,072 elements) is big
// enough for the eager machinery that compiles behind the user's back: elementwise chains
// deferred into fused programs, and the backward pass run as a staged, cached program.
// Run by bench/run.ts (`pnpm bench flat`, and in a full run); `--flat-steps=N` for a shorter run.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childNodeArgs, kernelPeakRss, sampleRss } from "./harness.js";

export type FlatMode = "eager" | "eager-big" | "jit";
export const flatModes: readonly FlatMode[] = ["eager", "eager-big", "jit"];
const hiddenOf: Record<FlatMode, number> = { eager: 32, "eager-big": 512, jit: 256 };
const inputsOf: Record<FlatMode, number> = { eager: 16, "eager-big": 64, jit: 64 };
const batchOf: Record<FlatMode, number> = { eager: 32, "eager-big": 256, jit: 32 };
/** The steps a mode runs out of a run's `steps`: the big eager model a fifth of them. */
export const stepsOf = (mode: FlatMode, steps: number): number => (mode === "eager-big" ? Math.max(100, Math.floor(steps / 5)) : steps);
/** Warm-up steps before the first sample: a tenth of the run, at most WARMUP, except for the big
 * eager model, a quarter: its RSS climbs for the first 3,000–4,000 steps (V8's old space and
 * the cache of staged programs filling up; measured over 15,000 steps: 200 → 216 MiB, then
 * level or falling), which a tenth would count as growth. */
const warmupOf = (mode: FlatMode, steps: number): number => (mode === "eager-big" ? Math.floor(steps / 4) : Math.min(WARMUP, Math.floor(steps / 10)));

export interface FlatMemory {
  readonly mode: FlatMode;
  readonly model: string;
  readonly batch: number;
  readonly steps: number;
  readonly backend: string;
  /** [step, RSS bytes] every `every` steps, the first taken after the warm-up. */
  readonly samples: readonly (readonly [number, number])[];
  /** Median RSS of the last quarter of the samples minus that of the first quarter, bytes
   * (medians, because V8 resizes its heaps in steps of several MiB both ways). */
  readonly growth: number;
  readonly peak: number;
  readonly msPerStep: number;
  /** Deferred eager chains run as fused programs over the timed steps (core's deferredStats). */
  readonly deferredPrograms: number;
}

export const FLAT_STEPS = 100_000;
const WARMUP = 10_000;
const thisFile = fileURLToPath(import.meta.url);

async function childMain(steps: number, mode: FlatMode): Promise<void> {
  const { config, deferredStats, np, random } = await import("@jaxts/core");
  const { jit, valueAndGrad } = await import("@jaxts/transforms");
  const { adam, applyUpdates } = await import("@jaxts/optim");
  type A = ReturnType<typeof np.zeros>;
  interface Params {
    readonly w1: A;
    readonly b1: A;
    readonly w2: A;
    readonly b2: A;
  }
  const [k1, k2, k3] = random.split(random.key(0), 3);
  const [d, h] = [inputsOf[mode], hiddenOf[mode]];
  const x = random.normal(k1!, [batchOf[mode], d]);
  const y = np.sin(np.sum(x, { axis: 1, keepdims: true }));
  let params: Params = { w1: random.normal(k2!, [d, h]).mul(0.2), b1: np.zeros([h]), w2: random.normal(k3!, [h, 1]).mul(0.2), b2: np.zeros([1]) };
  const loss = (p: Params): A => np.mean(np.square(np.tanh(x.matmul(p.w1).add(p.b1)).matmul(p.w2).add(p.b2).sub(y)));
  const vg = valueAndGrad(loss);
  const opt = adam(1e-3);
  type State = ReturnType<typeof opt.init>;
  const update = (p: Params, s: State): [Params, State, A] => {
    const [l, g] = vg(p);
    const [updates, next] = opt.update(g, s, p);
    return [applyUpdates(p, updates), next, l];
  };
  const run = mode === "jit" ? jit(update) : update;
  let state = opt.init(params);
  const step = (): number => {
    const [p, s, l] = run(params, state);
    params = p;
    state = s;
    return Number(l.item());
  };
  const warmup = warmupOf(mode, steps);
  const every = Math.max(1, Math.floor(steps / 50));
  for (let i = 0; i < warmup; i++) step();
  const samples: [number, number][] = [[warmup, sampleRss()]];
  const deferredBefore = deferredStats.programs;
  const t0 = performance.now();
  let last = 0;
  for (let i = warmup; i < steps; i++) {
    last = step();
    if ((i + 1) % every === 0) samples.push([i + 1, sampleRss()]);
  }
  const msPerStep = (performance.now() - t0) / Math.max(1, steps - warmup);
  if (!Number.isFinite(last)) throw new Error(`the loss is ${last}`);
  const median = (xs: readonly (readonly [number, number])[]): number => {
    const s = xs.map(([, r]) => r).sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
  };
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  const growth = median(samples.slice(-quarter)) - median(samples.slice(0, quarter));
  const deferredPrograms = deferredStats.programs - deferredBefore;
  const result: FlatMemory = { mode, model: `${d}-${h}-1`, batch: batchOf[mode], steps, backend: config.get().backend, samples, growth, peak: kernelPeakRss() ?? Math.max(...samples.map(([, r]) => r)), msPerStep, deferredPrograms };
  console.log(JSON.stringify(result));
}

/** Runs the child and returns its figures, or an error message. */
export function flatMemory(mode: FlatMode, steps = FLAT_STEPS): FlatMemory | string {
  // V8's young generation starts small and doubles once, to its 16 MiB semi-spaces, at a step
  // count that varies from run to run (measured: at 33,000 eager steps, +16 MiB of heap with
  // the live heap unchanged): a step, not a slope, but the quarter medians read it as growth.
  // Starting it at that size leaves only what the steps themselves keep.
  const args = ["--min-semi-space-size=16", ...childNodeArgs(thisFile, "--child", String(stepsOf(mode, steps)), mode)];
  const child = spawnSync(process.execPath, args, { cwd: join(dirname(thisFile), ".."), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 900_000 });
  if (child.status !== 0) return `the flat-memory child (${mode}) failed (status ${child.status}, signal ${child.signal})`;
  try {
    return JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "") as FlatMemory;
  } catch {
    return "the flat-memory child printed no result";
  }
}

/** Growth allowed after the warm-up: RSS moves by a few MiB as V8 resizes its heaps. */
export const FLAT_TOLERANCE = 16 * 2 ** 20;

export function describeFlat(f: FlatMemory): string {
  const mib = (b: number) => (b / 2 ** 20).toFixed(1);
  const first = f.samples[0]!;
  const lastSample = f.samples.at(-1)!;
  const deferred = f.mode === "eager-big" ? `, ${f.deferredPrograms.toLocaleString("en-US")} deferred programs run` : "";
  return `${f.steps} ${f.mode === "jit" ? "jitted" : "eager"} Adam steps of an MLP ${f.model} (batch ${f.batch}) on ${f.backend}, ${f.msPerStep.toFixed(3)} ms/step${deferred}: RSS ${mib(first[1])} MiB at step ${first[0]}, ${mib(lastSample[1])} MiB at step ${lastSample[0]}, growth from the first to the last quarter of the run ${mib(f.growth)} MiB (medians) (${f.growth <= FLAT_TOLERANCE ? "flat" : "NOT flat"}: tolerance ${mib(FLAT_TOLERANCE)} MiB)`;
}

const argv = process.argv;
if (argv[1] !== undefined && realpathSync(argv[1]) === realpathSync(thisFile) && argv.includes("--child")) {
  const at = argv.indexOf("--child");
  const mode = flatModes.find((m) => m === argv[at + 2]) ?? "eager";
  await childMain(Number(argv[at + 1] ?? FLAT_STEPS), mode);
}
