// Row reductions for the dtypes and operations the float SIMD kernels of kernel-module.ts do
// not cover: reduce_sum of int32, reduce_max/min of int32 and bool, reduce_prod of every
// numeric dtype, reduce_and/or of bool, argmax/argmin of int32 and bool. The operand is first
// moved so the reduced axes are trailing (reduce-axes.ts), then one call reduces every row.
// Every result equals the js backend bit for bit:
// - the scalar kernels fold in f64 from the js init value in the js order (reduce_prod of f32
//   multiplies promoted values in f64, as js does; of int32 wraps with i32.mul, as js's imul) and write f64 rows that are stored into
//   the output by a typed-array `set`, the conversion js's stores make;
// - int32 sums add in i64 (SIMD, any order: exact), which equals js's f64 sum while every
//   partial sum is exact in f64 — guaranteed for rows under 2^22 elements (|sum| < 2^53);
//   longer rows take the scalar f64 kernel;
// - int32 max/min (i32x4, exact in any order), bool and/or (v128 any_true/all_true: nonzero
//   is true, as js's `&&`/`||`).
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { FunctionBuilder, Local, ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { type DataDType, BYTES, loadF64, lazyModule, locals, outFromF64, SHORT } from "./scalar.js";

export type RowOp = "sum" | "prod" | "max" | "min" | "and" | "or";
/** The js backend's initial values (an empty row gives this, converted to the output dtype). */
const INIT: { readonly [O in RowOp]: number } = { sum: 0, prod: 1, max: -Infinity, min: Infinity, and: 1, or: 0 };

/** Which (op, dtype) pairs have a kernel here: what each primitive's dtype rule allows, less
 * the float sums, maxima and minima (kernel-module.ts's SIMD kernels, via reduce.ts). */
export const ROW_DTYPES: { readonly [O in RowOp]: readonly DataDType[] } = {
  sum: ["int32"],
  prod: ["float32", "float64", "int32"],
  max: ["int32", "bool"],
  min: ["int32", "bool"],
  and: ["bool"],
  or: ["bool"],
};

/** Rows of 2^22 or more int32 elements may have sums past 2^53: the f64 kernel then matches js. */
const EXACT_I64_ROW = 2 ** 22;

type F = Local<"f64">;
function combine(b: FunctionBuilder, op: RowOp, acc: F, x: F, dt: DataDType): void {
  if (op === "sum") b.f64.add(acc, x);
  // An int32 product wraps modulo 2^32 at every step, as js's Math.imul fold (an f64 product
  // would lose its low bits past 2^53); acc and x are int32 values, so the truncations are exact.
  else if (op === "prod" && dt === "int32") b.f64.convert_i32_s(() => b.i32.mul(() => b.i32.trunc_f64_s(acc), () => b.i32.trunc_f64_s(x)));
  else if (op === "prod") b.f64.mul(acc, x);
  else if (op === "max" || op === "min") b.select(x, acc, () => b.i32.or(() => (op === "max" ? b.f64.gt(x, acc) : b.f64.lt(x, acc)), () => b.f64.ne(x, x)));
  else {
    const ne0 = (v: F) => () => b.f64.ne(v, 0);
    b.f64.convert_i32_u(() => (op === "and" ? b.i32.and(ne0(acc), ne0(x)) : b.i32.or(ne0(acc), ne0(x))));
  }
}

/** red_{op}_{dt}(px, rows, n, po): f64 fold of each row of n ≥ 1 elements, in order. */
function addScalar(m: ModuleBuilder, op: RowOp, dt: DataDType): string {
  const name = `red_${op}_${SHORT[dt]}`;
  const es = BYTES[dt];
  m.addFunction(name, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const { r, p, end } = locals(b, "r", "p", "end");
    const acc = b.newLocal("f64", "acc");
    const x = b.newLocal("f64", "x");
    b.forRange(r, 0, rows, () => {
      b.local.set(acc, INIT[op]);
      b.local.set(end, () => b.i32.add(px, () => b.i32.mul(n, es)));
      b.forRange(p, px, end, () => {
        b.local.set(x, () => loadF64(b, dt, p));
        b.local.set(acc, () => combine(b, op, acc, x, dt));
      }, es);
      b.f64.store(() => b.i32.add(po, () => b.i32.shl(r, 3)), acc);
      b.local.set(px, end);
    });
  });
  return name;
}

/** vred_sum_i32: i64x2 partial sums (exact), converted to f64 per row. */
function addSumI32(m: ModuleBuilder): string {
  m.addFunction("vred_sum_i32", { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const { r, p, end, vend } = locals(b, "r", "p", "end", "vend");
    const a0 = b.newLocal("v128", "a0");
    const a1 = b.newLocal("v128", "a1");
    const v = b.newLocal("v128", "v");
    const s = b.newLocal("i64", "s");
    b.forRange(r, 0, rows, () => {
      b.local.set(a0, () => b.v128.const("i32x4", [0, 0, 0, 0]));
      b.local.set(a1, () => b.v128.const("i32x4", [0, 0, 0, 0]));
      b.local.set(end, () => b.i32.add(px, () => b.i32.shl(n, 2)));
      b.local.set(vend, () => b.i32.add(px, () => b.i32.and(() => b.i32.shl(n, 2), ~15)));
      b.forRange(p, px, vend, () => {
        b.local.set(v, () => b.v128.load(p, { align: 1 }));
        b.local.set(a0, () => b.i64x2.add(a0, () => b.i64x2.extend_low_i32x4_s(v)));
        b.local.set(a1, () => b.i64x2.add(a1, () => b.i64x2.extend_high_i32x4_s(v)));
      }, 16);
      b.local.set(a0, () => b.i64x2.add(a0, a1));
      b.local.set(s, () => b.i64.add(() => b.i64x2.extract_lane(0, a0), () => b.i64x2.extract_lane(1, a0)));
      b.forRange(p, vend, end, () => {
        b.local.set(s, () => b.i64.add(s, () => b.i64.extend_i32_s(() => b.i32.load(p, { align: 1 }))));
      }, 4);
      b.f64.store(() => b.i32.add(po, () => b.i32.shl(r, 3)), () => b.f64.convert_i64_s(s));
      b.local.set(px, end);
    });
  });
  return "vred_sum_i32";
}

/** vred_{max,min}_i32: i32x4 max/min from the row's first element, then lanes and tail. */
function addMaxMinI32(m: ModuleBuilder, op: "max" | "min"): string {
  const name = `vred_${op}_i32`;
  m.addFunction(name, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const { r, p, end, vend, best } = locals(b, "r", "p", "end", "vend", "best");
    const acc = b.newLocal("v128", "acc");
    const pick = (x: () => void, y: () => void): void => {
      const t = b.newLocal("i32");
      const u = b.newLocal("i32");
      b.local.set(t, x);
      b.local.set(u, y);
      b.select(t, u, () => (op === "max" ? b.i32.gt_s(t, u) : b.i32.lt_s(t, u)));
    };
    b.forRange(r, 0, rows, () => {
      b.local.set(acc, () => b.i32x4.splat(() => b.i32.load(px, { align: 1 })));
      b.local.set(end, () => b.i32.add(px, () => b.i32.shl(n, 2)));
      b.local.set(vend, () => b.i32.add(px, () => b.i32.and(() => b.i32.shl(n, 2), ~15)));
      b.forRange(p, px, vend, () => {
        const v = () => b.v128.load(p, { align: 1 });
        b.local.set(acc, () => (op === "max" ? b.i32x4.max_s(acc, v) : b.i32x4.min_s(acc, v)));
      }, 16);
      b.local.set(best, () =>
        pick(
          () => pick(() => b.i32x4.extract_lane(0, acc), () => b.i32x4.extract_lane(1, acc)),
          () => pick(() => b.i32x4.extract_lane(2, acc), () => b.i32x4.extract_lane(3, acc)),
        ),
      );
      b.forRange(p, vend, end, () => {
        b.local.set(best, () => pick(() => b.local.get(best), () => b.i32.load(p, { align: 1 })));
      }, 4);
      b.f64.store(() => b.i32.add(po, () => b.i32.shl(r, 3)), () => b.f64.convert_i32_s(best));
      b.local.set(px, end);
    });
  });
  return name;
}

/** vred_{and,or}_u8: whole v128s tested with all_true / any_true, then the tail bytes. */
function addAndOr(m: ModuleBuilder, op: "and" | "or"): string {
  const name = `vred_${op}_u8`;
  m.addFunction(name, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const { r, p, end, vend, res } = locals(b, "r", "p", "end", "vend", "res");
    const settled = op === "and" ? 0 : 1;
    b.forRange(r, 0, rows, () => {
      b.local.set(res, 1 - settled);
      b.local.set(end, () => b.i32.add(px, n));
      b.local.set(vend, () => b.i32.add(px, () => b.i32.and(n, ~15)));
      b.block((done) => {
        b.forRange(p, px, vend, () => {
          const hit = op === "and" ? () => b.i32.eqz(() => b.i8x16.all_true(() => b.v128.load(p, { align: 1 }))) : () => b.v128.any_true(() => b.v128.load(p, { align: 1 }));
          b.if(hit, () => {
            b.local.set(res, settled);
            b.br(done);
          });
        }, 16);
        b.forRange(p, vend, end, () => {
          const hit = op === "and" ? () => b.i32.eqz(() => b.i32.load8_u(p)) : () => b.i32.load8_u(p);
          b.if(hit, () => {
            b.local.set(res, settled);
            b.br(done);
          });
        });
      });
      b.f64.store(() => b.i32.add(po, () => b.i32.shl(r, 3)), () => b.f64.convert_i32_u(res));
      b.local.set(px, end);
    });
  });
  return name;
}

/** arg_{max,min}_{i32,u8}(px, rows, n, po): index (i32) of the first max/min of each row (n ≥ 1). */
function addArg(m: ModuleBuilder, op: "max" | "min", dt: "int32" | "bool"): string {
  const name = `arg_${op}_${SHORT[dt]}`;
  const es = BYTES[dt];
  m.addFunction(name, { params: { px: "i32", rows: "i32", n: "i32", po: "i32" }, export: true }, (b, { px, rows, n, po }) => {
    const { r, k, bi, best, v } = locals(b, "r", "k", "bi", "best", "v");
    const load = (at: () => void): void => void (dt === "int32" ? b.i32.load(at, { align: 1 }) : b.i32.load8_u(at));
    b.forRange(r, 0, rows, () => {
      b.local.set(best, () => load(() => b.local.get(px)));
      b.local.set(bi, 0);
      b.forRange(k, 1, n, () => {
        b.local.set(v, () => load(() => b.i32.add(px, () => b.i32.mul(k, es))));
        b.if(() => (op === "max" ? b.i32.gt_s(v, best) : b.i32.lt_s(v, best)), () => {
          b.local.set(best, v);
          b.local.set(bi, k);
        });
      });
      b.i32.store(() => b.i32.add(po, () => b.i32.shl(r, 2)), bi);
      b.local.set(px, () => b.i32.add(px, () => b.i32.mul(n, es)));
    });
  });
  return name;
}

const fn = lazyModule((m) => {
  const names: string[] = [];
  for (const op of Object.keys(ROW_DTYPES) as RowOp[]) for (const dt of ROW_DTYPES[op]) names.push(addScalar(m, op, dt));
  names.push(addSumI32(m), addMaxMinI32(m, "max"), addMaxMinI32(m, "min"), addAndOr(m, "and"), addAndOr(m, "or"));
  for (const op of ["max", "min"] as const) for (const dt of ["int32", "bool"] as const) names.push(addArg(m, op, dt));
  return names;
});

/** The kernel for `op` over rows of `n` elements of `dt`. */
function kernelName(op: RowOp, dt: DataDType, n: number): string {
  if (dt === "int32" && op === "sum" && n < EXACT_I64_ROW) return "vred_sum_i32";
  if (dt === "int32" && (op === "max" || op === "min")) return `vred_${op}_i32`;
  if (dt === "bool" && (op === "and" || op === "or")) return `vred_${op}_u8`;
  return `red_${op}_${SHORT[dt]}`;
}

/**
 * Reduce the rows at arena offset `px` (`out.length` rows; `total` elements in all) into
 * `out`. Rows of length 0 give the js init value.
 */
export function reduceRows(op: RowOp, dt: DataDType, px: number, total: number, out: TypedArray): void {
  const rows = out.length;
  if (rows === 0) return;
  const n = total / rows;
  if (n === 0) {
    out.fill(INIT[op]);
    return;
  }
  const po = arena().reserve(rows * 8);
  fn(kernelName(op, dt, n))(px, rows, n, po);
  outFromF64(po, out);
}

/** argmax/argmin of int32 or bool rows of n ≥ 1 elements at `px` into the int32 `out`. */
export function argRows(op: "max" | "min", dt: "int32" | "bool", px: number, n: number, out: TypedArray): void {
  const rows = out.length;
  if (rows === 0) return;
  const a = arena();
  const po = a.reserve(rows * 4);
  fn(`arg_${op}_${SHORT[dt]}`)(px, rows, n, po);
  out.set(new Int32Array(a.buffer, po, rows));
}

export const isRowDType = (op: RowOp, x: ShapedArray): x is ShapedArray & { dtype: DataDType } => (ROW_DTYPES[op] as readonly string[]).includes(x.dtype);
