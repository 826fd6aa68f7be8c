// TensorFlow.js as the reference: the pure-JS `cpu` backend (from @tensorflow/tfjs) and, when
// it initialises, the `wasm` backend (XNNPACK; its .wasm files ship inside the npm package).
// tfjs-node is not used: its install downloads a native libtensorflow, which fails here.
//
// The module is imported on demand (by loadTfjs), so a process that never loads tfjs (the
// jaxts-only memory child, bench/rss.ts) does not pay for it.
import type * as TfModule from "@tensorflow/tfjs";

export type TF = typeof TfModule;
let tf: TF | undefined;

export interface TfBackend {
  /** Column name in the tables: "tfjs-cpu", "tfjs-wasm". */
  readonly label: string;
  /** tfjs backend name for tf.setBackend. */
  readonly name: "cpu" | "wasm";
  /** What the backend runs as here (SIMD, threads). */
  readonly detail: string;
}

export interface TfSetup {
  readonly tf: TF;
  readonly backends: readonly TfBackend[];
  /** Why a backend is missing, for the report. */
  readonly notes: readonly string[];
}

/** Loads the cpu backend and tries the wasm backend; never throws for a missing wasm backend. */
export async function loadTfjs(): Promise<TfSetup> {
  tf = await import("@tensorflow/tfjs");
  // Production mode skips tfjs's debug-only argument checks (a fair, fast configuration) and
  // silences the "install tfjs-node" banner that the cpu backend prints in Node.
  tf.enableProdMode();
  const backends: TfBackend[] = [];
  const notes: string[] = [];
  if (await tf.setBackend("cpu")) backends.push({ label: "tfjs-cpu", name: "cpu", detail: "plain JS typed-array kernels" });
  else notes.push("tfjs-cpu: tf.setBackend('cpu') failed");
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend("wasm")) {
      const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
      const threads = wasm.getThreadsCount();
      backends.push({ label: "tfjs-wasm", name: "wasm", detail: `XNNPACK, SIMD ${simd ? "on" : "off"}, ${threads} thread${threads === 1 ? "" : "s"}` });
    } else notes.push("tfjs-wasm: tf.setBackend('wasm') returned false (the module did not initialise)");
  } catch (e) {
    notes.push(`tfjs-wasm: could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { tf, backends, notes };
}

/** Runs `compute` under tf.tidy, reads every result back to JS and disposes it. */
export function readTensors(compute: () => TfModule.Tensor[]): Float32Array[] {
  if (tf === undefined) throw new Error("readTensors: call loadTfjs() first");
  const outs = tf.tidy(compute);
  const data = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return data;
}
