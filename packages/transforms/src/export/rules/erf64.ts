// erf in float64 from standard ONNX operators: ONNX Runtime's CPU provider has Erf in float32
// only, and casting through float32 would lose half the digits. The composition evaluates
// jaxts's own float64 erf (the js backend's, scalar/js-math.ts) step for step, so the two
// agree to rounding (tested to 1e-15 relative across the range, tails and tiny x included).
import { ERF_STRIDE, ERF_TABLE, ERF_TERMS } from "@jaxts/core";
import type { GraphBuilder } from "../graph-builder.js";
import { OnnxDataType } from "../onnx/proto.js";
import { castOnnx, where } from "../rule-types.js";

/** The table's column `j` (one coefficient of every row k, expanding about c = k/4). */
function column(b: GraphBuilder, j: number): string {
  const rows = ERF_TABLE.length / ERF_STRIDE;
  const values = Array.from({ length: rows }, (_, k) => ERF_TABLE[k * ERF_STRIDE + j]!);
  return b.ctx.constant(OnnxDataType.DOUBLE, [rows], values, "the erf table");
}

/**
 * erf x = ±(hi_k + (lo_k + Σ_{n≤17} d_{k,n} h^n)) with k = round(4|x|), h = |x| − k/4, the
 * row gathered per element; ±1 from |x| = 6 on, NaN stays NaN, ±0 stays ±0.
 */
export function erf64(b: GraphBuilder, x: string): string {
  const c = (v: number): string => b.scalar(v, "float64");
  const ax = b.op("Abs", [x]);
  const inRange = b.op("Less", [ax, c(6)]); // false for NaN
  // Elements outside the table's range (and NaN) read row 0; their result is replaced below.
  const safe = where(b, inRange, ax, c(0));
  // round(4|x|) as Math.round rounds: half up (ONNX's Round is half to even).
  const kf = b.op("Floor", [b.op("Add", [b.op("Mul", [safe, c(4)]), c(0.5)])]);
  const h = b.op("Sub", [safe, b.op("Mul", [kf, c(0.25)])]);
  const k = castOnnx(b, kf, OnnxDataType.INT64);
  const coefficient = (j: number): string => b.op("Gather", [column(b, j), k], { axis: { int: 0 } });
  let s = coefficient(1 + ERF_TERMS);
  for (let n = ERF_TERMS - 1; n >= 1; n--) s = b.op("Add", [b.op("Mul", [s, h]), coefficient(1 + n)]);
  const r = b.op("Add", [coefficient(0), b.op("Add", [coefficient(1), b.op("Mul", [s, h])])]);
  const signed = where(b, b.op("Less", [x, c(0)]), b.op("Neg", [r]), r);
  const small = where(b, b.op("Equal", [ax, c(0)]), x, signed);
  // |x| ≥ 6: ±1 (Sign), and NaN passes through.
  return where(b, inRange, small, where(b, b.op("IsNaN", [x]), x, b.op("Sign", [x])));
}
