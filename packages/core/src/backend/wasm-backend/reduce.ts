// Wasm kernels of reduce_sum and reduce_max over trailing axes (the last axis, or all axes:
// each output element reduces one contiguous row), f32 and f64; other axis patterns go to
// reduce-axes.ts, other dtypes (and reduce_prod/and/or) to reduce-rows.ts's kernels, which
// equal js bit for bit. Small inputs (< thresholds.reduction) decline and run on js.
// - reduce_sum accumulates in f64 (f32 rows promoted lane by lane), in the order documented
//   at `addSum` in kernel-module.ts: four interleaved partial sums, (s0+s1)+(s2+s3), then the
//   tail in order. The js backend adds sequentially, so results agree to rounding of the
//   f64 sum (exactly, for f32 outputs, except when the f64 sums straddle an f32 rounding boundary).
// - reduce_max equals the js backend bit for bit (NaN if any element is NaN; of +0 and −0
//   the first in the row, as js's strict `>` keeps).
import type { ShapedArray } from "../../aval.js";
import { arena } from "./arena.js";
import type { TypedArray } from "../../dtype.js";
import { defineWasmKernel, type WasmKernel } from "./backend.js";
import { countCall, readInArena, runRows, thresholds } from "./kernel-module.js";
import { reduceAnyAxes, reduceByRows, supportsAnyAxes, supportsRows } from "./reduce-axes.js";

/** The row length when `axes` are the trailing axes of `aval` (in any order), else undefined. */
function trailingRow(aval: ShapedArray, axes: readonly number[]): number | undefined {
  const nd = aval.ndim;
  const sorted = [...axes].sort((p, q) => p - q);
  if (!sorted.every((ax, i) => ax === nd - sorted.length + i)) return undefined;
  return sorted.reduce((p, ax) => p * aval.shape[ax]!, 1);
}

const isFloat = (x: ShapedArray): boolean => x.dtype === "float32" || x.dtype === "float64";

/** Floats: the SIMD row kernels below or `reduceAnyAxes`; other dtypes: reduce-rows.ts. */
const supportsFloatRows = (x: ShapedArray, axes: readonly number[]): boolean =>
  (isFloat(x) && x.size >= thresholds.reduction && trailingRow(x, axes) !== undefined) || supportsAnyAxes(x, axes);

/** A reduction kernel: non-trailing axes go to `reduceAnyAxes`; trailing ones copy the rows
 * into the arena and let `runRows` reduce them into `out`. */
function rowReduction(
  kind: "sum" | "max",
  runRows: (x: TypedArray, xa: ShapedArray, px: number, rows: number, n: number, out: TypedArray) => void,
): WasmKernel<"reduce_sum" | "reduce_max"> {
  return {
    supports: ([x], { axes }) => (isFloat(x!) ? supportsFloatRows(x!, axes) : supportsRows(kind, x!, axes)),
    run([x], [xa], { axes }, _o, [out]) {
      const n = trailingRow(xa!, axes);
      if (!isFloat(xa!)) reduceByRows(kind, x!, xa!, axes, out!);
      else if (n === undefined) reduceAnyAxes(kind, x!, xa!, axes, out!);
      else {
        arena().reset();
        runRows(x!, xa!, readInArena(x!), out!.length, n, out!);
      }
      countCall(`reduce_${kind}`);
    },
  };
}

defineWasmKernel(
  "reduce_sum",
  rowReduction("sum", (_x, xa, px, rows, n, out) => {
    const a = arena();
    const po = a.reserve(rows * 8);
    runRows(xa.dtype === "float32" ? "sum_f32" : "sum_f64", px, rows, n, po);
    // Float64 → the output dtype (a Float32Array store rounds to nearest even).
    out.set(new Float64Array(a.buffer, po, rows));
  }),
);

defineWasmKernel(
  "reduce_max",
  rowReduction("max", (x, xa, px, rows, n, out) => {
    const a = arena();
    const po = a.reserve(rows * x.BYTES_PER_ELEMENT);
    runRows(xa.dtype === "float32" ? "max_f32" : "max_f64", px, rows, n, po);
    a.copyOut(po, out);
    // A max of 0: js keeps the first zero of the row (its sign), lanes may have kept another.
    for (let r = 0; r < rows; r++) {
      if (out[r] !== 0) continue;
      for (let j = r * n; j < (r + 1) * n; j++) {
        if (x[j] === 0) {
          out[r] = x[j]!;
          break;
        }
      }
    }
  }),
);

// reduce_prod (every numeric dtype), reduce_and / reduce_or (bool): reduce-rows.ts's kernels,
// equal to js bit for bit (prod folds in f64 in the js order).
for (const [prim, op] of [["reduce_prod", "prod"], ["reduce_and", "and"], ["reduce_or", "or"]] as const) {
  defineWasmKernel(prim, {
    supports: ([x], { axes }) => supportsRows(op, x!, axes),
    run([x], [xa], { axes }, _o, [out]) {
      reduceByRows(op, x!, xa!, axes, out!);
      countCall(prim);
    },
  });
}
