// M, second half: memory stays flat over 100,000 training steps, eager (issue 9) and jitted
// (issue 10). A fresh process (only jaxts loaded, on the default backend) trains an MLP with
// Adam, one valueAndGrad + update per step, in one synchronous loop as a training script does,
// and samples RSS every few thousand steps. After a warm-up (V8 sizes its heaps, the arena
// reaches its working size) RSS must stop growing: any per-step leak — an array, a jaxpr, a
// cache entry, a wasm arena that creeps, an array kept until the loop yields — shows as a slope.
// The eager run trains a 16-32-1 MLP; the jitted run `jit`s the whole step of a 64-256-1 MLP,
// whose first weight and its Adam moments (64 KiB each, fresh every step) are big enough for
// a compiled program to keep track of (its resident inputs).
// Run by bench/run.ts (`pnpm bench flat`, and in a full run); `--flat-steps=N` for a shorter run.
import { spawnSync } from "node:child_process";
import { realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { childNodeArgs, kernelPeakRss, sampleRss } from "./harness.js";

export type FlatMode = "eager" | "jit";
export const flatModes: readonly FlatMode[] = ["eager", "jit"];
const hiddenOf: Record<FlatMode, number> = { eager: 32, jit: 256 };
const inputsOf: Record<FlatMode, number> = { eager: 16, jit: 64 };

export interface FlatMemory {
  readonly mode: FlatMode;
  readonly model: string;
  readonly steps: number;
  readonly backend: string;
  /** [step, RSS bytes] every `every` steps, the first taken after the warm-up. */
  readonly samples: readonly (readonly [number, number])[];
  /** Median RSS of the last quarter of the samples minus that of the first quarter, bytes
   * (medians, because V8 resizes its heaps in steps of several MiB both ways). */
  readonly growth: number;
  readonly peak: number;
  readonly msPerStep: number;
}

export const FLAT_STEPS = 100_000;
const WARMUP = 10_000;
const thisFile = fileURLToPath(import.meta.url);

async function childMain(steps: number, mode: FlatMode): Promise<void> {
  const { config, np, random } = await import("@jaxts/core");
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
  const x = random.normal(k1!, [32, d]);
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
  const warmup = Math.min(WARMUP, Math.floor(steps / 10));
  const every = Math.max(1, Math.floor(steps / 50));
  for (let i = 0; i < warmup; i++) step();
  const samples: [number, number][] = [[warmup, sampleRss()]];
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
  const result: FlatMemory = { mode, model: `${d}-${h}-1`, steps, backend: config.get().backend, samples, growth, peak: kernelPeakRss() ?? Math.max(...samples.map(([, r]) => r)), msPerStep };
  console.log(JSON.stringify(result));
}

/** Runs the child and returns its figures, or an error message. */
export function flatMemory(mode: FlatMode, steps = FLAT_STEPS): FlatMemory | string {
  // V8's young generation starts small and doubles once, to its 16 MiB semi-spaces, at a step
  // count that varies from run to run (measured: at 33,000 eager steps, +16 MiB of heap with
  // the live heap unchanged): a step, not a slope, but the quarter medians read it as growth.
  // Starting it at that size leaves only what the steps themselves keep.
  const args = ["--min-semi-space-size=16", ...childNodeArgs(thisFile, "--child", String(steps), mode)];
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
  return `${f.steps} ${f.mode === "jit" ? "jitted" : "eager"} Adam steps of an MLP ${f.model} (batch 32) on ${f.backend}, ${f.msPerStep.toFixed(3)} ms/step: RSS ${mib(first[1])} MiB at step ${first[0]}, ${mib(lastSample[1])} MiB at step ${lastSample[0]}, growth from the first to the last quarter of the run ${mib(f.growth)} MiB (medians) (${f.growth <= FLAT_TOLERANCE ? "flat" : "NOT flat"}: tolerance ${mib(FLAT_TOLERANCE)} MiB)`;
}

const argv = process.argv;
if (argv[1] !== undefined && realpathSync(argv[1]) === realpathSync(thisFile) && argv.includes("--child")) {
  const at = argv.indexOf("--child");
  await childMain(Number(argv[at + 1] ?? FLAT_STEPS), argv[at + 2] === "jit" ? "jit" : "eager");
}
