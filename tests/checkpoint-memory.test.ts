// Memory kept in check during the backward pass: `checkpoint` bounds how much array memory a
// gradient holds at once. Peak live array memory is read the way bench/memory.ts reads it:
// after every primitive the base trace evaluates, with a forced full GC whenever the reading
// is well above the peak so far, so garbage never counts. The grad runs synchronously, as a
// training step does: anything kept alive until the job ends counts.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { array, config, evalTrace, type NDArray, np, type ParamsOf, type PrimitiveName } from "@jaxts/core";
import { checkpoint, grad } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";

setFlagsFromString("--expose-gc");
setFlagsFromString("--no-concurrent-array-buffer-sweeping");
const gc = runInNewContext("gc") as () => void;

const before = config.get().backend;
afterEach(() => config.set({ backend: before }));

const layer = (x: NDArray): NDArray => np.tanh(x.mul(0.9).add(0.1));
const layers = (x: NDArray, n: number): NDArray => {
  for (let i = 0; i < n; i++) x = layer(x);
  return x;
};

/** The largest live array memory while `run` computes, above what was live before it, bytes
 * (to within `slack`: a reading only counts, after a GC, when it is that much above the peak
 * so far, which keeps the number of full GCs small). */
function peakLive(run: () => NDArray, slack: number): { peak: number; result: NDArray } {
  let peak = 0;
  const evaluate = evalTrace.processPrimitive;
  evalTrace.processPrimitive = function <P extends PrimitiveName>(this: typeof evalTrace, prim: P, args: readonly NDArray[], params: ParamsOf<P>) {
    const outs = evaluate.call(this, prim, args, params);
    if (process.memoryUsage().arrayBuffers > peak + slack) {
      gc();
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }
    return outs;
  };
  try {
    gc();
    const baseline = process.memoryUsage().arrayBuffers;
    peak = baseline;
    const result = run();
    result.toTypedArray();
    return { peak: peak - baseline, result };
  } finally {
    evalTrace.processPrimitive = evaluate;
  }
}

// 100 layers in 10 checkpointed segments: the backward pass holds the 10 segment inputs and
// one segment's recomputed residuals, 16–28 arrays measured (100 without checkpoint; 67 on
// wasm when compiled programs kept their inputs alive through WeakRefs until the job ended).
// Over 65,536 elements eager operations are fused and run as compiled programs (deferred.ts);
// below, kernel by kernel. The reading is within 8 arrays of the live peak (see peakLive).
describe("grad of a 100-layer tanh chain in 10 checkpointed segments", () => {
  it.each([
    ["wasm", 100_000],
    ["wasm", 25_000],
    ["js", 25_000],
  ] as const)("on %s holds at most 32 arrays of %i elements at once and gives the plain gradient", (backend, size) => {
    config.set({ backend });
    const bytes = 4 * size;
    const x = array(Float32Array.from({ length: size }, (_, i) => Math.sin(i) * 2));
    const segment = checkpoint((x: NDArray) => layers(x, 10));
    const { peak, result } = peakLive(
      () =>
        grad((x: NDArray) => {
          for (let s = 0; s < 10; s++) x = segment(x);
          return np.sum(x);
        })(x),
      8 * bytes,
    );
    const plain = grad((x: NDArray) => np.sum(layers(x, 100)))(x);
    expect(result.toTypedArray()).toEqual(plain.toTypedArray());
    expect(peak / bytes).toBeLessThanOrEqual(32);
  }, 60_000);
});
