// Wasm kernels of every elementwise primitive, for every dtype its rule allows: SIMD loops
// generated from the primitives' scalar expressions (../scalar/primitives.ts) by the wasm
// lowering (../scalar/wasm.ts), one small module per (primitive, operand dtypes, params),
// assembled at first use and cached. Operands are full (same shape as the result) or rank 0
// (splatted, stride 0), as the elementwise rule allows. Results equal the js backend's bit
// for bit except the vector transcendentals, within the ulp bounds stated in
// vector-math.ts and the README. Each kernel declines operands below its measured size
// threshold (`thresholds`).
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import { type ElementwisePrim, arithmeticPrims, bitwisePrims, comparisonPrims, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../../primitives/elementwise.js";
import type { ParamsOf } from "../../primitives/params.js";
import { paramsKey } from "../js/elementwise.js";
import { postOrder } from "../scalar/expr.js";
import { exprOf, scalarType } from "../scalar/primitives.js";
import { type ElementwiseKernel, STEP_BYTES, wasmFused } from "../scalar/wasm.js";
import { parallelFor } from "./threads/pool.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { countCall, thresholds } from "./kernel-module.js";

/** Primitives whose kernels pay from small sizes on (a transcendental per element). */
const TRANSCENDENTAL: ReadonlySet<string> = new Set([
  ...unaryFloatPrims.filter((p) => !["sqrt", "rsqrt", "floor", "ceil", "round"].includes(p)),
  "pow", "atan2", "rem",
]);

/** Steps (of 4 elements) from which a transcendental kernel is split across threads. */
export const PARALLEL_STEPS = 1 << 15;

/** A primitive's kernel for some operand dtypes and params, and whether its expression calls
 * an intrinsic (a transcendental per element: worth splitting, like TRANSCENDENTAL's; e.g.
 * f64 integer_pow beyond cubes is a pow). */
interface Compiled {
  readonly kernel: ElementwiseKernel;
  readonly calls: boolean;
}

const kernels = new Map<string, Compiled>();

function kernelFor<P extends ElementwisePrim>(prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>): Compiled {
  let key = `${prim}${paramsKey(params)}`;
  for (const a of inAvals) key += a.dtype;
  let k = kernels.get(key);
  if (k === undefined) {
    const dtypes = inAvals.map((a) => a.dtype);
    const expr = exprOf(prim, dtypes, params);
    k = { kernel: wasmFused([expr], dtypes.map(scalarType), arena().memory), calls: postOrder(expr).some((n) => n.k === "call" || n.k === "call2") };
    kernels.set(key, k);
  }
  return k;
}

/** Copy an operand in: a full one padded to whole steps, a rank-0 one splatted over one step. */
export function copyIn(data: TypedArray, aval: ShapedArray, steps: number): [at: number, stride: number] {
  const a = arena();
  const step = STEP_BYTES[scalarType(aval.dtype)];
  if (aval.ndim === 0) {
    const at = a.reserve(Math.max(step, 16));
    const Ctor = data.constructor as new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray;
    new Ctor(a.buffer, at, 4).fill(data[0]!);
    return [at, 0];
  }
  const at = a.reserve(Math.max(steps * step, 16));
  a.view(at, data).set(data as never);
  return [at, step];
}

function defineElementwise<P extends ElementwisePrim>(prim: P): void {
  const transcendental = TRANSCENDENTAL.has(prim);
  // (read per call: tests lower the thresholds)
  const minSize = (): number => (transcendental ? thresholds.transcendental : thresholds.arithmetic);
  defineWasmKernel(prim, {
    // (asked for every eager elementwise call that minSize does not rule out: a plain loop)
    supports: (avals) => {
      let largest = 0;
      for (let i = 0; i < avals.length; i++) if (avals[i]!.size > largest) largest = avals[i]!.size;
      return largest >= minSize();
    },
    minSize,
    run(inputs, inAvals, params, [outAval], [out]) {
      const { kernel, calls } = kernelFor(prim, inAvals, params);
      const a = arena();
      a.reset();
      const steps = Math.ceil(out!.length / 4);
      const args: number[] = [];
      inputs.forEach((x, k) => {
        // x·x, x+x (common in gradients): one copy serves both operands.
        const same = inputs.findIndex((y, j) => j < k && y === x && inAvals[j]!.ndim === inAvals[k]!.ndim);
        args.push(...(same >= 0 ? [args[2 * same]!, args[2 * same + 1]!] : copyIn(x, inAvals[k]!, steps)));
      });
      const po = a.reserve(Math.max(steps * STEP_BYTES[scalarType(outAval!.dtype)], 16));
      // A big transcendental kernel splits across the worker pool (PARALLEL_STEPS); the
      // memory-bound arithmetic ones gain nothing from a second core here.
      if (kernel.parallel !== undefined && (transcendental || calls) && steps >= PARALLEL_STEPS) parallelFor(kernel.parallel, steps, [...args, po]);
      else kernel.run(...args, po, steps);
      a.copyOut(po, out!);
      countCall(prim);
    },
  });
}

for (const p of [...unaryFloatPrims, ...unaryNumericPrims, ...arithmeticPrims, ...bitwisePrims, ...shiftPrims, ...comparisonPrims]) defineElementwise(p);
for (const p of ["not", "is_finite", "select_n", "convert_element_type"] as const) defineElementwise(p);
