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
import type { WasmExportedFunction } from "../wasm/index.js";
import { type Arena, arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { copyInPadded, countCall, nameOf, thresholds, wasmFn } from "./kernel-module.js";
import { type Box, type ElemBytes, fits, runCopy } from "./layout.js";
import { argRows, isRowDType, reduceRows, type RowOp } from "./reduce-rows.js";
import { type DataDType, fitsArena, lazyModule } from "./scalar.js";

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

/** Copy `x` (any dtype) into the freshly reset arena with the reduced `axes` moved to the end
 * (one contiguous row per output element, rows in the js order); returns the byte offset. */
export function moveToRows(x: TypedArray, xa: ShapedArray, axes: readonly number[]): number {
  const a = arena();
  a.reset();
  const { box, identity } = moveBox(xa, axes);
  const px = copyInPadded(x);
  if (identity) return px;
  const moved = a.reserve((x.byteLength + 15) & ~15);
  runCopy(x.BYTES_PER_ELEMENT as ElemBytes, px, moved, box);
  return moved;
}

/** Whether `moveToRows` can move these axes (at most 6 after merging). */
export const movable = (x: ShapedArray, axes: readonly number[]): boolean => fits(moveBox(x, axes).box);

/**
 * `moveToRows` for a float `x`, negated when `negate` (min as −max(−x)). Returns the arena,
 * the rows' byte offset and the float dtype.
 */
function rowsInArena(x: TypedArray, xa: ShapedArray, axes: readonly number[], negate: boolean): { a: Arena; px: number; dt: "float32" | "float64" } {
  const a = arena();
  const dt = xa.dtype === "float32" ? "float32" : "float64";
  const px = moveToRows(x, xa, axes);
  if (negate) wasmFn(nameOf("u", "neg", dt))(px, px, (x.byteLength + 15) & ~15);
  return { a, px, dt };
}

/** Whether `reduceAnyAxes` takes this operand (float, big enough, at most 6 axes after merging). */
export const supportsAnyAxes = (x: ShapedArray, axes: readonly number[]): boolean =>
  (x.dtype === "float32" || x.dtype === "float64") && x.size >= thresholds.reduction && fits(moveBox(x, axes).box);

/** Reduce `x` over `axes` into `out` (see the file comment for the order and exactness). */
export function reduceAnyAxes(kind: AxesReduction, x: TypedArray, xa: ShapedArray, axes: readonly number[], out: TypedArray): void {
  const { a, px, dt } = rowsInArena(x, xa, axes, kind === "min");
  const es = x.BYTES_PER_ELEMENT;
  const rows = out.length;
  const n = rows === 0 ? 0 : x.length / rows;
  const suffix = dt === "float32" ? "f32" : "f64";
  if (kind === "sum") {
    const po = a.reserve(rows * 8);
    wasmFn(`sum_${suffix}`)(px, rows, n, po);
    out.set(new Float64Array(a.buffer, po, rows));
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

/** Whether the generic row kernels of reduce-rows.ts take `op` over these operands. */
export const supportsRows = (op: RowOp, x: ShapedArray, axes: readonly number[]): boolean =>
  isRowDType(op, x) && x.size >= thresholds.reduction && movable(x, axes) && fitsArena(x.size * 16 + 64);

/** `op` over `axes` by reduce-rows.ts's kernels (any dtype `op` allows). */
export function reduceByRows(op: RowOp, x: TypedArray, xa: ShapedArray, axes: readonly number[], out: TypedArray): void {
  const px = moveToRows(x, xa, axes);
  reduceRows(op, xa.dtype as DataDType, px, x.length, out);
}

const isFloat = (x: ShapedArray): boolean => x.dtype === "float32" || x.dtype === "float64";

defineWasmKernel("reduce_min", {
  supports: ([x], { axes }) => (isFloat(x!) ? supportsAnyAxes(x!, axes) : supportsRows("min", x!, axes)),
  run([x], [xa], { axes }, _o, [out]) {
    if (isFloat(xa!)) reduceAnyAxes("min", x!, xa!, axes, out!);
    else reduceByRows("min", x!, xa!, axes, out!);
    countCall("reduce_min");
  },
});

/**
 * argmax_{f32,f64}(px, rows, n, po): per contiguous row of n ≥ 1 elements, the index (i32) of
 * the first maximum, or of the first NaN: the js rule `v > best || isNaN(v)`, scanning stops
 * once best is NaN. argmin is argmax of −x (exact, same rule mirrored).
 */
const argFns = lazyModule((m) => {
  for (const dt of ["f32", "f64"] as const) {
    const es = dt === "f32" ? 4 : 8;
    m.addFunction(`argmax_${dt}`, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
      const ops = dt === "f32" ? b.f32 : b.f64;
      const r = b.newLocal("i32", "r");
      const k = b.newLocal("i32", "k");
      const bi = b.newLocal("i32", "bi");
      const p = b.newLocal("i32", "p");
      const best = b.newLocal(dt, "best");
      const v = b.newLocal(dt, "v");
      b.forRange(r, 0, rows, () => {
        b.local.set(best, () => ops.load(px));
        b.local.set(bi, 0);
        b.local.set(p, () => b.i32.add(px, es));
        b.forRange(k, 1, n, ({ exit }) => {
          b.br_if(exit, () => ops.ne(best, best));
          b.local.set(v, () => ops.load(p));
          b.if(() => b.i32.or(() => ops.gt(v, best), () => ops.ne(v, v)), () => {
            b.local.set(best, v);
            b.local.set(bi, k);
          });
          b.local.set(p, () => b.i32.add(p, es));
        });
        b.i32.store(() => b.i32.add(po, () => b.i32.shl(r, 2)), bi);
        b.local.set(px, () => b.i32.add(px, () => b.i32.mul(n, es)));
      });
    });
  }
  return ["argmax_f32", "argmax_f64"];
});
const argFn = (dt: "f32" | "f64"): WasmExportedFunction => argFns(`argmax_${dt}`);

/** Index of the first max (argmax) / min (argmin) along `axis`, as js computes it. */
function argReduce(kind: "argmax" | "argmin", x: TypedArray, xa: ShapedArray, axis: number, out: TypedArray): void {
  const { a, px, dt } = rowsInArena(x, xa, [axis], kind === "argmin");
  const rows = out.length;
  const po = a.reserve(rows * 4);
  argFn(dt === "float32" ? "f32" : "f64")(px, rows, xa.shape[axis]!, po);
  out.set(new Int32Array(a.buffer, po, rows));
}

for (const kind of ["argmax", "argmin"] as const) {
  defineWasmKernel(kind, {
    supports: ([x], { axes }) =>
      axes.length === 1 && x!.shape[axes[0]!]! > 0 && (isFloat(x!) ? supportsAnyAxes(x!, axes) : supportsRows("max", x!, axes)),
    run([x], [xa], { axes }, _o, [out]) {
      if (isFloat(xa!)) argReduce(kind, x!, xa!, axes[0]!, out!);
      else argRows(kind === "argmax" ? "max" : "min", xa!.dtype as "int32" | "bool", moveToRows(x!, xa!, axes), xa!.shape[axes[0]!]!, out!);
      countCall(kind);
    },
  });
}
