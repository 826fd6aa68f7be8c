// reduce_sum / reduce_max / reduce_min of f32 and f64 over ANY set of axes, on wasm: the
// operand is first moved (by layout.ts's strided copy, inside the arena) so the reduced axes,
// in increasing order, are trailing and contiguous — the element order the js backend
// reduces in — then the row kernels of kernel-module.ts run. reduce_min is −max(−x) (the
// negation is exact, so NaN, ±Infinity and the first-zero rule carry over). reduce.ts's
// kernels delegate non-trailing axes here; reduce_min is registered here for every pattern.
// Results: max/min bit for bit with js (NaN compares as NaN), sums in kernel-module.ts's
// documented order (f64 accumulation), within the rounding of that order.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import { stridesOf } from "../../shape.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { copyInPadded, countCall, nameOf, thresholds, wasmFn } from "./kernel-module.js";
import { type Box, type ElemBytes, fits, runCopy } from "./layout.js";

export type AxesReduction = "sum" | "max" | "min";

/** The copy that moves the reduced axes (sorted) after the kept ones, and whether it is the identity. */
function moveBox(aval: ShapedArray, axes: readonly number[]): { box: Box; identity: boolean } {
  const shape = aval.shape;
  const sorted = [...axes].sort((p, q) => p - q);
  const perm = [...shape.map((_, i) => i).filter((i) => !axes.includes(i)), ...sorted];
  const strides = stridesOf(shape);
  const n = perm.map((p) => shape[p]!);
  return { box: { n, s: perm.map((p) => strides[p]!), d: stridesOf(n) }, identity: perm.every((p, i) => p === i) };
}

/** Whether `reduceAnyAxes` takes this operand (float, big enough, at most 6 axes after merging). */
export const supportsAnyAxes = (x: ShapedArray, axes: readonly number[]): boolean =>
  (x.dtype === "float32" || x.dtype === "float64") && x.size >= thresholds.reduction && fits(moveBox(x, axes).box);

/** Reduce `x` over `axes` into `out` (see the file comment for the order and exactness). */
export function reduceAnyAxes(kind: AxesReduction, x: TypedArray, xa: ShapedArray, axes: readonly number[], out: TypedArray): void {
  const a = arena();
  a.reset();
  const dt = xa.dtype === "float32" ? "float32" : "float64";
  const es = x.BYTES_PER_ELEMENT as ElemBytes;
  const padded = (x.byteLength + 15) & ~15;
  const rows = out.length;
  const n = rows === 0 ? 0 : x.length / rows;
  const { box, identity } = moveBox(xa, axes);
  let px = copyInPadded(x);
  if (!identity) {
    const moved = a.reserve(padded);
    runCopy(es, px, moved, box);
    px = moved;
  }
  if (kind === "min") wasmFn(nameOf("u", "neg", dt))(px, px, padded);
  const suffix = dt === "float32" ? "f32" : "f64";
  if (kind === "sum") {
    const po = a.reserve(rows * 8);
    wasmFn(`sum_${suffix}`)(px, rows, n, po);
    out.set(new Float64Array(a.memory.buffer, po, rows));
    return;
  }
  const po = a.reserve(rows * es);
  wasmFn(`max_${suffix}`)(px, rows, n, po);
  a.copyOut(po, out);
  // A max of 0: js keeps the first zero of the row (its sign), lanes may have kept another.
  const src = a.view(px, x);
  for (let r = 0; r < rows; r++) {
    if (out[r] !== 0) continue;
    for (let j = r * n; j < (r + 1) * n; j++) {
      if (src[j] === 0) {
        out[r] = src[j]!;
        break;
      }
    }
  }
  if (kind === "min") for (let r = 0; r < rows; r++) out[r] = -out[r]!;
}

defineWasmKernel("reduce_min", {
  supports: ([x], { axes }) => supportsAnyAxes(x!, axes),
  run([x], [xa], { axes }, _o, [out]) {
    reduceAnyAxes("min", x!, xa!, axes, out!);
    countCall("reduce_min");
  },
});
