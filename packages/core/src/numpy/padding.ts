// np.pad with numpy's modes. "constant" is the pad primitive; every other mode reads, for
// each output position along an axis, one input position (edge: the nearest end; wrap:
// modulo the length; reflect: mirrored without repeating the edge; symmetric: mirrored
// with it) — a constant index table and a gather, so values are exact and the derivative
// is the matching scatter-add. The statistic modes (maximum, minimum, mean) fill with the
// statistic of the whole axis, as numpy's default stat_length does.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { asArray } from "../creation.js";
import { allocate, checkArrayShape } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue } from "../shape.js";
import { take } from "./indexing.js";
import { max, mean, min } from "./reductions.js";
import { broadcastTo, concatenate } from "./shape.js";

export type PadMode = "constant" | "edge" | "wrap" | "reflect" | "symmetric" | "maximum" | "minimum" | "mean";
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number] | readonly [number])[];

/** numpy's pad_width forms: n, [before, after], or one [before, after] (or [n]) per axis. */
function widths(pw: PadWidth, ndim: number): [number, number][] {
  const ok = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
  const bad = () => new ArgumentError(`pad: pad_width must be a non-negative integer, a [before, after] pair, or one pair per axis (${ndim}), got ${describeValue(pw)}`);
  if (ok(pw)) return Array.from({ length: ndim }, () => [pw, pw]);
  if (!Array.isArray(pw)) throw bad();
  if (pw.length === 2 && pw.every(ok)) return Array.from({ length: ndim }, () => [pw[0] as number, pw[1] as number]);
  if (pw.length === 1 && ok(pw[0])) return Array.from({ length: ndim }, () => [pw[0] as number, pw[0] as number]);
  const rows = pw as readonly unknown[];
  const one = rows.length === 1 ? rows[0] : undefined;
  const per = one !== undefined ? Array.from({ length: ndim }, () => one) : rows;
  if (per.length !== ndim) throw bad();
  return per.map((r) => {
    if (!Array.isArray(r) || !r.every(ok) || (r.length !== 1 && r.length !== 2)) throw bad();
    return [r[0] as number, (r[1] ?? r[0]) as number];
  });
}

/** The input position read by output position i (of n + lo + hi) along an axis of length n. */
function source(mode: "edge" | "wrap" | "reflect" | "symmetric", i: number, n: number, lo: number): number {
  const j = i - lo;
  switch (mode) {
    case "edge":
      return Math.min(Math.max(j, 0), n - 1);
    case "wrap":
      return ((j % n) + n) % n;
    case "reflect": {
      if (n === 1) return 0;
      const p = 2 * (n - 1);
      const k = ((j % p) + p) % p;
      return k < n ? k : p - k;
    }
    case "symmetric": {
      const p = 2 * n;
      const k = ((j % p) + p) % p;
      return k < n ? k : p - 1 - k;
    }
  }
}

/**
 * pad(array, padWidth, { mode, constantValues }): the array with borders added, numpy's way.
 *
 * @example
 * np.pad(array([1, 2]), 1); // [0, 1, 2, 0]
 * np.pad(array([1, 2]), [1, 2], { mode: "edge" }); // [1, 1, 2, 2, 2]
 */
export function pad(array: Operand, padWidth: PadWidth, opts: { readonly mode?: PadMode; readonly constantValues?: number } = {}): NDArray {
  checkOptions(opts, "pad", { mode: ["constant", "edge", "wrap", "reflect", "symmetric", "maximum", "minimum", "mean"], constantValues: "number" });
  const x = asArray(array, "pad");
  const w = widths(padWidth, x.ndim);
  const mode = opts.mode ?? "constant";
  if (mode === "constant") {
    return lax.pad(x, lax.convertElementType(opts.constantValues ?? 0, x.dtype, x.weakType), w.map(([lo, hi]) => [lo, hi, 0] as const));
  }
  let out = x;
  w.forEach(([lo, hi], axis) => {
    if (lo === 0 && hi === 0) return;
    const n = out.shape[axis]!;
    if (n === 0) throw new ArgumentError(`pad: mode "${mode}" cannot pad an empty axis (axis ${axis})`);
    if (mode === "maximum" || mode === "minimum" || mode === "mean") {
      const stat = (mode === "maximum" ? max : mode === "minimum" ? min : mean)(out, { axis, keepdims: true });
      const fill = lax.convertElementType(stat, out.dtype);
      const side = (k: number) => broadcastTo(fill, out.shape.map((d, a) => (a === axis ? k : d)));
      out = concatenate([...(lo > 0 ? [side(lo)] : []), out, ...(hi > 0 ? [side(hi)] : [])], { axis });
      return;
    }
    const len = n + lo + hi;
    checkArrayShape([len], "int32", "pad");
    const index = allocate("int32", len);
    for (let i = 0; i < len; i++) index[i] = source(mode, i, n, lo);
    out = take(out, new ConcreteArray(new ShapedArray([len], "int32"), index), { axis });
  });
  return out;
}
