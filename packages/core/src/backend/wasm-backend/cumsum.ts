// Wasm kernel of cumsum (any axis, forward or reverse) for float32, float64 and int32, equal
// to the js backend bit for bit: each running sum starts at +0 and adds the elements along
// the axis in the js order in an f64 accumulator, and every prefix is stored converted as a
// typed-array store converts it (f32 rounded to nearest even, int32 wrapped). A scan along
// the last axis keeps its sum in a register; any other axis keeps one f64 accumulator per
// inner position (a contiguous row of the arena), so memory is read in order.
import type { ShapedArray } from "../../aval.js";
import type { FunctionBuilder, Local, ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { countCall, thresholds } from "./kernel-module.js";
import { BYTES, type DataDType, fitsArena, lazyModule, loadF64, locals, SHORT, storeF64 } from "./scalar.js";

const DTYPES: readonly DataDType[] = ["float32", "float64", "int32"];

/** Byte offset of the k-th element along the axis (k = t, or n−1−t when reversed), times `unit`. */
function along(b: FunctionBuilder, t: Local<"i32">, n: Local<"i32">, reverse: Local<"i32">): void {
  b.select(() => b.i32.sub(() => b.i32.sub(n, 1), t), t, reverse);
}

/** cumsum_rows_{dt}(px, po, rows, n, reverse): scans of contiguous rows of n elements. */
function addRows(m: ModuleBuilder, dt: DataDType): string {
  const name = `cumsum_rows_${SHORT[dt]}`;
  const es = BYTES[dt];
  m.addFunction(name, { params: { px: "i32", po: "i32", rows: "i32", n: "i32", reverse: "i32" }, export: true }, (b, { px, po, rows, n, reverse }) => {
    const { r, t, off } = locals(b, "r", "t", "off");
    const acc = b.newLocal("f64", "acc");
    b.forRange(r, 0, rows, () => {
      b.local.set(acc, 0);
      b.forRange(t, 0, n, () => {
        b.local.set(off, () => b.i32.mul(() => along(b, t, n, reverse), es));
        b.local.set(acc, () => b.f64.add(acc, () => loadF64(b, dt, () => b.i32.add(px, off))));
        storeF64(b, dt, () => b.i32.add(po, off), acc);
      });
      b.local.set(px, () => b.i32.add(px, () => b.i32.mul(n, es)));
      b.local.set(po, () => b.i32.add(po, () => b.i32.mul(n, es)));
    });
  });
  return name;
}

/** cumsum_cols_{dt}(px, po, pacc, outer, n, inner, reverse): scans along a non-last axis. */
function addCols(m: ModuleBuilder, dt: DataDType): string {
  const name = `cumsum_cols_${SHORT[dt]}`;
  const es = BYTES[dt];
  const params = { px: "i32", po: "i32", pacc: "i32", outer: "i32", n: "i32", inner: "i32", reverse: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { px, po, pacc, outer, n, inner, reverse }) => {
    const { o, t, j, row, pa, end } = locals(b, "o", "t", "j", "row", "pa", "end");
    const acc = b.newLocal("f64", "acc");
    b.local.set(end, () => b.i32.add(pacc, () => b.i32.shl(inner, 3)));
    b.forRange(o, 0, outer, () => {
      b.memory.fill(pacc, 0, () => b.i32.shl(inner, 3));
      b.forRange(t, 0, n, () => {
        b.local.set(row, () => b.i32.mul(() => b.i32.mul(() => along(b, t, n, reverse), inner), es));
        b.local.set(j, row);
        b.forRange(pa, pacc, end, () => {
          b.local.set(acc, () => b.f64.add(() => b.f64.load(pa), () => loadF64(b, dt, () => b.i32.add(px, j))));
          b.f64.store(pa, acc);
          storeF64(b, dt, () => b.i32.add(po, j), acc);
          b.local.set(j, () => b.i32.add(j, es));
        }, 8);
      });
      const block = () => b.i32.mul(() => b.i32.mul(n, inner), es);
      b.local.set(px, () => b.i32.add(px, block));
      b.local.set(po, () => b.i32.add(po, block));
    });
  });
  return name;
}

const fn = lazyModule((m) => DTYPES.flatMap((dt) => [addRows(m, dt), addCols(m, dt)]));

const prod = (xs: readonly number[]): number => xs.reduce((p, c) => p * c, 1);

defineWasmKernel("cumsum", {
  supports: ([x]) => (DTYPES as readonly string[]).includes(x!.dtype) && x!.size >= thresholds.reduction && fitsArena(x!.size * 24),
  run([x], [xa], { axis, reverse }, _o, [out]) {
    countCall("cumsum");
    if (x!.length === 0) return;
    const dt = xa!.dtype as DataDType;
    const shape = (xa as ShapedArray).shape;
    const n = shape[axis]!;
    const inner = prod(shape.slice(axis + 1));
    const outer = prod(shape.slice(0, axis));
    const a = arena();
    a.reset();
    const px = a.copyIn(x!);
    const po = a.reserve(out!.byteLength);
    if (inner === 1) fn(`cumsum_rows_${SHORT[dt]}`)(px, po, outer, n, reverse ? 1 : 0);
    else fn(`cumsum_cols_${SHORT[dt]}`)(px, po, a.reserve(inner * 8), outer, n, inner, reverse ? 1 : 0);
    a.copyOut(po, out!);
  },
});
