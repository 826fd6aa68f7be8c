// Wasm kernels of the elementwise primitives (SIMD f32x4 / f64x2 / i32x4, from kernel-module.ts):
//   add sub mul div max min   f32, f64 (int32: add sub mul max min), full or rank-0 operands
//   neg abs sqrt square        f32, f64 (int32: neg abs square)
//   exp logistic log tanh      f32 and f64; ulp bounds in vector-math.ts
//   log1p expm1                f32 and f64
//   erf                        f32 only (f64 runs on js)
//   sin cos                    f32 and f64; lanes with |x| > SIN_COS_BOUND (and ±Inf) recomputed on js
//   select_n                   bool predicate, f32 / f64 / int32 cases, full or rank-0 operands
//   convert_element_type       f32 → f64 and f64 → f32
// Results equal the js backend's bit for bit except the four transcendentals. Each kernel
// declines operands below its measured size threshold (`thresholds`).
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { FirstOrderPrim } from "../backend.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { SIN_COS_BOUND } from "./vector-math.js";
import { BINARY, copyInPadded, copyInSplat, countCall, isVecDType, nameOf, reservePadded, thresholds, UNARY, wasmFn } from "./kernel-module.js";

const TRANSCENDENTAL = new Set(["exp", "log", "tanh", "logistic", "log1p", "expm1", "sin", "cos", "erf"]);
const pad16 = (bytes: number): number => (bytes + 15) & ~15;
const largest = (avals: readonly ShapedArray[]): number => avals.reduce((m, a) => Math.max(m, a.size), 0);

type UnaryPrim = "neg" | "abs" | "sqrt" | "square" | "exp" | "log" | "tanh" | "logistic" | "log1p" | "expm1" | "sin" | "cos" | "erf";
type BinaryPrim = "add" | "sub" | "mul" | "div" | "max" | "min";

function defineUnary(prim: UnaryPrim): void {
  const threshold = (): number => (TRANSCENDENTAL.has(prim) ? thresholds.transcendental : thresholds.arithmetic);
  defineWasmKernel(prim, {
    supports: ([x]) => isVecDType(x!.dtype) && UNARY[x!.dtype][prim] !== undefined && x!.size >= threshold(),
    run([x], [xa], _p, _o, [out]) {
      const a = arena();
      a.reset();
      const px = copyInPadded(x!);
      const po = reservePadded(out!);
      if (!isVecDType(xa!.dtype)) throw new Error(`internal: wasm ${prim} on ${xa!.dtype}`);
      wasmFn(nameOf("u", prim, xa!.dtype))(px, po, pad16(out!.byteLength));
      a.copyOut(po, out!);
      if (prim === "sin" || prim === "cos") redoHugeOnJs(prim === "sin" ? Math.sin : Math.cos, x!, out!);
      countCall(prim);
    },
  });
}

/**
 * The wasm sin/cos reduce |x| ≤ SIN_COS_BOUND only: lanes beyond it (and ±Inf) are
 * recomputed with Math.sin/Math.cos, as the js backend computes every lane.
 */
function redoHugeOnJs(f: (v: number) => number, x: TypedArray, out: TypedArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    if (!(Math.abs(v) <= SIN_COS_BOUND) && !Number.isNaN(v)) out[i] = f(v);
  }
}

/** A full operand is copied in (stride 16 bytes per vector); a rank-0 one is splatted (stride 0). */
function operand(data: TypedArray, aval: ShapedArray): [at: number, stride: number] {
  return aval.ndim === 0 ? [copyInSplat(data), 0] : [copyInPadded(data), 16];
}

function defineBinary(prim: BinaryPrim): void {
  defineWasmKernel(prim, {
    supports: (avals) => isVecDType(avals[0]!.dtype) && BINARY[avals[0]!.dtype][prim] !== undefined && largest(avals) >= thresholds.arithmetic,
    run([x, y], [xa, ya], _p, _o, [out]) {
      const a = arena();
      a.reset();
      const [pa, sa] = operand(x!, xa!);
      // x·x, x+x (common in gradients): one copy serves both operands.
      const [pb, sb] = y === x ? [pa, sa] : operand(y!, ya!);
      const po = reservePadded(out!);
      if (!isVecDType(xa!.dtype)) throw new Error(`internal: wasm ${prim} on ${xa!.dtype}`);
      wasmFn(nameOf("b", prim, xa!.dtype))(pa, sa, pb, sb, po, pad16(out!.byteLength));
      a.copyOut(po, out!);
      countCall(prim);
    },
  });
}

for (const p of ["neg", "abs", "sqrt", "square", "exp", "log", "tanh", "logistic", "log1p", "expm1", "sin", "cos", "erf"] as const) defineUnary(p);
for (const p of ["add", "sub", "mul", "div", "max", "min"] as const) defineBinary(p);

defineWasmKernel("select_n", {
  supports: (avals) =>
    avals.length === 3 &&
    avals[0]!.dtype === "bool" &&
    isVecDType(avals[1]!.dtype) &&
    avals[2]!.dtype === avals[1]!.dtype &&
    largest(avals) >= thresholds.arithmetic,
  run([pred, f, t], [pa, fa, ta], _p, _o, [out]) {
    const a = arena();
    a.reset();
    const dt = fa!.dtype;
    if (!isVecDType(dt)) throw new Error(`internal: wasm select_n on ${dt}`);
    const lanes = dt === "float64" ? 2 : 4;
    const [pp, sp] = operand(pred!, pa!);
    const [pf, sf] = operand(f!, fa!);
    const [pt, st] = operand(t!, ta!);
    const po = reservePadded(out!);
    wasmFn(nameOf("select", "n", dt))(pp, sp === 0 ? 0 : lanes, pf, sf, pt, st, po, pad16(out!.byteLength));
    a.copyOut(po, out!);
    countCall("select_n");
  },
});

defineWasmKernel("convert_element_type", {
  supports: ([x], { new_dtype }) =>
    ((x!.dtype === "float32" && new_dtype === "float64") || (x!.dtype === "float64" && new_dtype === "float32")) && x!.size >= thresholds.arithmetic,
  run([x], [xa], _p, _o, [out]) {
    const a = arena();
    a.reset();
    const px = copyInPadded(x!);
    const po = reservePadded(out!);
    const up = xa!.dtype === "float32";
    wasmFn(up ? "convert_f32_f64" : "convert_f64_f32")(px, po, pad16(up ? out!.byteLength : x!.byteLength));
    a.copyOut(po, out!);
    countCall("convert_element_type");
  },
});

export type WasmElementwisePrim = Extract<FirstOrderPrim, UnaryPrim | BinaryPrim | "select_n" | "convert_element_type">;
