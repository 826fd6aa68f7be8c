// The wasm lowering of a scalar expression: one SIMD loop over 4 elements per step (f32x4,
// i32x4, bool as 4 bytes widened to i32x4 lanes of 0/1, f64 as two f64x2 halves). Results
// equal the js lowering's bit for bit except the vector transcendentals (ulp bounds in
// vector-math.ts and the README):
// - f32 nodes run in f32 lanes only where that gives the js value rounded once (an exact
//   operation at the root over exact f32 values, or a comparison, select, max/min, neg, abs,
//   floor, ceil, round of them); elsewhere they run in f64 lanes (as js computes) and round at
//   the end, so e.g. f32 rsqrt = 1/√x rounds once, like js.
// - intrinsics with a vector emitter run it (f32 root: the f32x4 emitter; else the f64x2 one;
//   f32 sinh cosh tan atan asin acos pow: f64x2 versions accurate to f32; f64 erf and pow:
//   js's own formulas vectorised, bit for bit); the others (erf_inv atan2 rem, and f64 tan
//   sinh cosh atan asin acos) call the js function per lane through an import, so they equal
//   js exactly; sin/cos/tan lanes beyond SIN_COS_BOUND (and ±Inf), and f64 pow's special
//   lanes (emitPowF64), are redone the same way (the whole step of 4).
// Kernel signature: (p0, s0, p1, s1, …, po, steps): operand k at byte offset pk advancing sk
// bytes per step (0 for a splatted rank-0 operand), the result at po, `steps` steps of 4
// elements (operands and result padded to whole steps). A fused kernel (`wasmFused`) has
// several results: (p0, s0, …, po0, po1, …, steps).
import type { FunctionBuilder, FunctionRef, Local, WasmExportedFunction, WasmMemory } from "../wasm/index.js";
import { exportedFunction, instantiateWasm, ModuleBuilder } from "../wasm/index.js";
import type { WasmModule } from "../wasm/js-api.js";
import {
  emitCosF64, emitErfF32, emitErfF64, emitExpF32, emitExpF64, emitExpm1F64, emitLog1pF64, emitLogF32, emitLogF64,
  emitLogisticF32, emitLogisticF64, emitSinF64, emitTanhF32, emitTanhF64, highHalf, SIN_COS_BOUND,
} from "../wasm-backend/vector-math.js";
import { emitAcosF64ForF32, emitAsinF64ForF32, emitAtanF64ForF32 } from "../wasm-backend/vector-math.js";
import { emitCoshF64ForF32, emitPowF64, emitPowF64ForF32, emitSinhF64ForF32, emitTanF64ForF32 } from "../wasm-backend/vector-math.js";
import { type BinaryIntrinsic, type Expr, postOrder, type ScalarType, type UnaryIntrinsic } from "./expr.js";
import { arena, arenaMemoryLimits, compileKernelModule } from "../wasm-backend/arena.js";
import { type ParallelKernel, registerParallelKernel } from "../wasm-backend/threads/pool.js";
import { workerCanImport } from "../wasm-backend/threads/protocol.js";
import { scalarCalls, scalarCalls2 } from "./js-loops.js";

type V = Local<"v128">;
type Emit = (b: FunctionBuilder, x: V) => void;
type Val = { readonly k: "f32"; readonly v: V } | { readonly k: "f64"; readonly lo: V; readonly hi: V } | { readonly k: "i32"; readonly v: V };

/**
 * A fused kernel's reductions: sums, or max/min folded as the js backend folds them (from ∓Inf,
 * an element replacing the running value when it is greater (less) or NaN, so a NaN wins and,
 * among equal values, the first: for a result of zero, the first zero's sign).
 */
export type FusedReduce = "sum" | "max" | "min";

/** Bytes of one block's partials of a reduction (per step of a row, for column sums): 4 f64
 * lane sums; for max/min, the 4 lanes' running values, then the step (as f64, −1: none) at
 * which each lane's running value last changed (for a lane whose value is a zero: the step of
 * its first zero, which gives a zero result its sign: see Lowering.fold). */
export const partialBytes = (op: FusedReduce): number => (op === "sum" ? 32 : 64);

/** Bytes of one row's result of a reduction over rows (`rowLength` > 0): the row's sum, max
 * or min itself, in f64, its 4 lanes combined by the kernel at the row's end (a sum as
 * (l0 + l1) + (l2 + l3); a max or min as foldLanes does). */
export const ROW_SUM_BYTES = 8;

/** Steps per partial sum of a fused kernel's sums (a split across threads is a multiple). */
export const SUM_BLOCK = 1024;

/** Bytes of one step (4 elements) of an array of each type. */
export const STEP_BYTES: { readonly [T in ScalarType]: number } = { f32: 16, f64: 32, i32: 16, bool: 4, i16: 8, i8: 4, u32: 16, u8: 4 };
/** Bytes of one element of each type. */
const ELEMENT_BYTES: { readonly [T in ScalarType]: number } = { f32: 4, f64: 8, i32: 4, bool: 1, i16: 2, i8: 1, u32: 4, u8: 1 };

/** f32x4 emitters used at an f32 root. */
const F32_EMIT: { readonly [K in UnaryIntrinsic]?: Emit } = { exp: emitExpF32, log: emitLogF32, tanh: emitTanhF32, logistic: emitLogisticF32, erf: emitErfF32 };
/** f64x2 emitters (f32 values promoted run them too). */
const F64_EMIT: { readonly [K in UnaryIntrinsic]?: Emit } = {
  exp: emitExpF64, log: emitLogF64, log1p: emitLog1pF64, expm1: emitExpm1F64, tanh: emitTanhF64, logistic: emitLogisticF64, sin: emitSinF64, cos: emitCosF64, erf: emitErfF64,
};

/** f64x2 emitters accurate to f32 precision only: used for f32 nodes (on promoted lanes). */
const F32_VIA_F64_EMIT: { readonly [K in UnaryIntrinsic]?: Emit } = {
  sinh: emitSinhF64ForF32, cosh: emitCoshF64ForF32, tan: emitTanF64ForF32, atan: emitAtanF64ForF32, asin: emitAsinF64ForF32, acos: emitAcosF64ForF32,
};

const EXACT_F32_UNARY = new Set(["neg", "abs", "floor", "ceil", "round_even"]);
const ROUNDED_F32 = new Set(["add", "sub", "mul", "div"]);

/**
 * Whether f32 node `n` may run in f32 lanes: its value is then an exact f32 (leaves, rounded
 * conversions and exact operations of such), or it is the root (rounded anyway) and one
 * correctly rounded operation (+ − × ÷ √) or a vector f32 intrinsic of exact f32 operands.
 */
function narrowable(n: Expr, root: boolean): boolean {
  if (n.t !== "f32") return false;
  switch (n.k) {
    case "arg":
      return true;
    case "const":
      return Number.isNaN(n.value) || Math.fround(n.value) === n.value;
    case "convert":
      return n.mode === "round";
    case "unary":
      return EXACT_F32_UNARY.has(n.op) ? narrowable(n.a, false) : n.op === "sqrt" && root && narrowable(n.a, false);
    case "binary":
      if (n.op === "max" || n.op === "min") return narrowable(n.a, false) && narrowable(n.b, false);
      return ROUNDED_F32.has(n.op) && root && narrowable(n.a, false) && narrowable(n.b, false);
    case "select":
      return narrowable(n.onFalse, false) && narrowable(n.onTrue, false);
    case "call":
      return root && F32_EMIT[n.fn] !== undefined && narrowable(n.a, false);
    default:
      return false;
  }
}

const isFloat = (t: ScalarType): boolean => t === "f32" || t === "f64";

class Lowering {
  private readonly memo = new Map<Expr, Val>();
  private readonly argVals = new Map<number, Val>();
  /** The imported (per-lane js) functions this lowering called, by import field name. */
  readonly usedImports = new Set<string>();

  constructor(
    private readonly b: FunctionBuilder,
    /** The expressions stored to results: each is rounded by its store anyway. */
    private readonly roots: ReadonlySet<Expr>,
    private readonly ptrs: readonly Local<"i32">[],
    private readonly argTypes: readonly ScalarType[],
    private readonly imports: ReadonlyMap<string, FunctionRef>,
    /** Operands read one element per step, splatted (a column broadcast folded in). */
    private readonly splatted: readonly boolean[] = [],
    /** Per operand, 0, or the bytes between the 4 elements of a step of an operand read
     * through strides (a transpose, slice or broadcast folded in; 4 bytes apart: one plain load; 0: one element splatted). */
    private readonly laneBytes: readonly number[] = [],
    /** Per operand read through strides, whether it is read lane by lane at byte offsets from
     * its pointer (an i32x4 local: a layout op whose rows are not whole steps), or through
     * `laneBytes` (undefined: a step's 4 elements lie in one row). */
    private readonly laneOffsets: readonly (V | undefined)[] = [],
    /** Per operand, whether it is read through strides at all (a stride of 0 along the last
     * axis, a broadcast, reads one element splatted). */
    private readonly stridedArg: readonly boolean[] = [],
    /** With `laneOffsets`: an i32 local, 1 when this step's 4 elements lie in one row (then
     * an operand is read as in whole-row kernels, from its first lane's offset on). */
    private readonly inOneRow?: Local<"i32">,
  ) {}

  /**
   * An operand read lane by lane (rows not whole steps): when the step lies in one row (most
   * steps of long rows), as a whole-row kernel reads it from the first lane's element (one
   * load, a splat, or 4 lanes a constant stride apart); else each lane at its own offset.
   */
  private laneRead(index: number, p: Local<"i32">, off: V): Val {
    const b = this.b;
    const t = this.argTypes[index]!;
    const d = this.laneBytes[index] ?? 0;
    const at = b.newLocal("i32");
    const [lo, hi] = [this.v128(), this.v128()];
    const keep = (x: Val): void => {
      if (x.k === "f64") {
        b.local.set(lo, x.lo);
        b.local.set(hi, x.hi);
      } else b.local.set(lo, x.v);
    };
    b.if(this.inOneRow!, () => {
      b.local.set(at, () => b.i32.add(p, () => b.i32x4.extract_lane(0, off)));
      if (d === 0) keep(this.splatLoad(t, at));
      else if (d !== ELEMENT_BYTES[t]) keep(this.gather(index, at, d));
      else if (t === "f64") keep({ k: "f64", lo: this.set(() => b.v128.load(at, { align: 1 })), hi: this.set(() => b.v128.load(at, { offset: 16, align: 1 })) });
      else keep({ k: t === "f32" ? "f32" : "i32", v: this.set(() => b.v128.load(at, { align: 1 })) });
    }, () => keep(this.gatherLanes(index, p, off)));
    return t === "f64" ? { k: "f64", lo, hi } : { k: t === "f32" ? "f32" : "i32", v: lo };
  }

  /** One element at p, splatted over the step. */
  private splatLoad(t: ScalarType, p: Local<"i32">): Val {
    const b = this.b;
    if (t === "f64") {
      const x = this.set(() => b.v128.load64_splat(p));
      return { k: "f64", lo: x, hi: x };
    }
    return { k: t === "f32" ? "f32" : "i32", v: this.set(() => b.v128.load32_splat(p)) };
  }

  /** The 4 elements of a step at p + off[0], …, p + off[3] (byte offsets in an i32x4). */
  private gatherLanes(index: number, p: Local<"i32">, off: V): Val {
    const b = this.b;
    const t = this.argTypes[index]!;
    const at = (j: number) => () => b.i32.add(p, () => b.i32x4.extract_lane(j, off));
    if (t === "f64") {
      const half = (j: number) => this.set(() => b.v128.load64_lane(1, at(j + 1), () => b.v128.load64_zero(at(j))));
      return { k: "f64", lo: half(0), hi: half(2) };
    }
    let v = this.set(() => b.v128.load32_zero(at(0)));
    for (let j = 1; j < 4; j++) {
      const prev = v;
      v = this.set(() => b.v128.load32_lane(j, at(j), prev));
    }
    return t === "f32" ? { k: "f32", v } : { k: "i32", v };
  }

  /** The 4 elements of a step at p, p + d, p + 2d, p + 3d (d = laneBytes > element size). */
  private gather(index: number, p: Local<"i32">, d: number): Val {
    const b = this.b;
    const t = this.argTypes[index]!;
    if (t === "f64") {
      const half = (at: number) => this.set(() => b.v128.load64_lane(1, p, () => b.v128.load64_zero(p, { offset: at }), { offset: at + d }));
      return { k: "f64", lo: half(0), hi: half(2 * d) };
    }
    let v = this.set(() => b.v128.load32_zero(p));
    for (let j = 1; j < 4; j++) {
      const prev = v;
      v = this.set(() => b.v128.load32_lane(j, p, prev, { offset: j * d }));
    }
    return t === "f32" ? { k: "f32", v } : { k: "i32", v };
  }

  private v128(): V {
    return this.b.newLocal("v128");
  }

  /** A local holding what `emit` pushes. */
  private set(emit: () => void): V {
    const l = this.v128();
    this.b.local.set(l, emit);
    return l;
  }

  private f32x4(c: number): V {
    return this.set(() => this.b.v128.const("f32x4", [c, c, c, c]));
  }

  private f64x2(c: number): V {
    return this.set(() => this.b.v128.const("f64x2", [c, c]));
  }

  private i32x4(c: number): V {
    return this.set(() => this.b.v128.const("i32x4", [c, c, c, c]));
  }

  /** Promote 4 f32 lanes to two f64x2 halves (exact). */
  private wide(v: Val): { lo: V; hi: V } {
    const b = this.b;
    if (v.k === "f64") return v;
    if (v.k !== "f32") throw new Error("internal: widening an integer value");
    const lo = this.set(() => b.f64x2.promote_low_f32x4(v.v));
    const hi = this.set(() => b.f64x2.promote_low_f32x4(highHalf(b, v.v)));
    return { lo, hi };
  }

  /** Round two f64x2 halves to 4 f32 lanes (nearest even, as a Float32Array store). */
  private narrow(v: Val): V {
    const b = this.b;
    if (v.k === "f32") return v.v;
    if (v.k !== "f64") throw new Error("internal: narrowing an integer value");
    return this.set(() =>
      b.i8x16.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], () => b.f32x4.demote_f64x2_zero(v.lo), () => b.f32x4.demote_f64x2_zero(v.hi)),
    );
  }

  private i32(v: Val): V {
    if (v.k !== "i32") throw new Error("internal: an integer value expected");
    return v.v;
  }

  /** Two i64x2 masks (or halves of 32-bit results in their low lanes' low words) → one i32x4. */
  private join64(lo: V, hi: V): V {
    return this.set(() => this.b.i8x16.shuffle([0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27], lo, hi));
  }

  /** An all-ones/zero i32x4 mask → 0/1 lanes. */
  private bit(mask: V): Val {
    return { k: "i32", v: this.set(() => this.b.v128.and(mask, () => this.b.v128.const("i32x4", [1, 1, 1, 1]))) };
  }

  /** A float op on f32 lanes or on each f64 half. */
  private floatOp(n: Expr, operands: readonly Expr[], f32: (xs: V[]) => void, f64: (xs: V[]) => void): Val {
    if (narrowable(n, this.roots.has(n))) return { k: "f32", v: this.set(() => f32(operands.map((o) => this.narrow(this.value(o))))) };
    const halves = operands.map((o) => this.wide(this.value(o)));
    return { k: "f64", lo: this.set(() => f64(halves.map((h) => h.lo))), hi: this.set(() => f64(halves.map((h) => h.hi))) };
  }

  /** A comparison-like float test giving a mask: in f32 lanes when the operands are exact f32s. */
  private floatMask(operands: readonly Expr[], f32: (xs: V[]) => void, f64: (xs: V[]) => void): V {
    if (operands.every((o) => narrowable(o, false))) return this.set(() => f32(operands.map((o) => this.narrow(this.value(o)))));
    const halves = operands.map((o) => this.wide(this.value(o)));
    return this.join64(this.set(() => f64(halves.map((h) => h.lo))), this.set(() => f64(halves.map((h) => h.hi))));
  }

  value(n: Expr): Val {
    let v = this.memo.get(n);
    if (v === undefined) {
      v = this.compute(n);
      this.memo.set(n, v);
    }
    return v;
  }

  private load(index: number): Val {
    let v = this.argVals.get(index);
    if (v !== undefined) return v;
    const b = this.b;
    const p = this.ptrs[index]!;
    if (this.splatted[index] === true) {
      switch (this.argTypes[index]!) {
        case "f32":
          v = { k: "f32", v: this.set(() => b.v128.load32_splat(p)) };
          break;
        case "f64": {
          const x = this.set(() => b.v128.load64_splat(p));
          v = { k: "f64", lo: x, hi: x };
          break;
        }
        case "i32":
          v = { k: "i32", v: this.set(() => b.v128.load32_splat(p)) };
          break;
        case "bool":
          v = { k: "i32", v: this.set(() => b.i32x4.extend_low_i16x8_u(() => b.i16x8.extend_low_i8x16_u(() => b.v128.load8_splat(p)))) };
          break;
        default:
          throw new Error(`internal: no wasm lowering for ${this.argTypes[index]} operands`);
      }
      this.argVals.set(index, v);
      return v;
    }
    const off = this.laneOffsets[index];
    if (off !== undefined) {
      v = this.laneRead(index, p, off);
      this.argVals.set(index, v);
      return v;
    }
    const d = this.laneBytes[index] ?? 0;
    if (d > 0 && d !== ELEMENT_BYTES[this.argTypes[index]!]) {
      v = this.gather(index, p, d);
      this.argVals.set(index, v);
      return v;
    }
    if (d === 0 && this.stridedArg[index] === true) {
      // (a stride of 0 along the last axis: the step's 4 elements are one element, splatted)
      const one = this.splatLoad(this.argTypes[index]!, p);
      this.argVals.set(index, one);
      return one;
    }
    switch (this.argTypes[index]!) {
      case "f32":
        v = { k: "f32", v: this.set(() => b.v128.load(p)) };
        break;
      case "f64":
        v = { k: "f64", lo: this.set(() => b.v128.load(p)), hi: this.set(() => b.v128.load(p, { offset: 16 })) };
        break;
      case "i32":
        v = { k: "i32", v: this.set(() => b.v128.load(p)) };
        break;
      case "bool":
        v = { k: "i32", v: this.set(() => b.i32x4.extend_low_i16x8_u(() => b.i16x8.extend_low_i8x16_u(() => b.v128.load32_zero(p, { align: 1 })))) };
        break;
      default:
        throw new Error(`internal: no wasm lowering for ${this.argTypes[index]} operands`);
    }
    this.argVals.set(index, v);
    return v;
  }

  private compute(n: Expr): Val {
    const b = this.b;
    switch (n.k) {
      case "arg":
        return this.load(n.index);
      case "const":
        if (n.t === "f32" && narrowable(n, false)) return { k: "f32", v: this.f32x4(n.value) };
        if (isFloat(n.t)) {
          const c = this.f64x2(n.value);
          return { k: "f64", lo: c, hi: c };
        }
        return { k: "i32", v: this.i32x4(n.value) };
      case "unary":
        return this.unary(n);
      case "binary":
        return this.binary(n);
      case "compare":
        return this.compare(n);
      case "select": {
        const mask = this.set(() => b.i32x4.neg(this.i32(this.value(n.pred))));
        if (!isFloat(n.t)) return { k: "i32", v: this.set(() => b.v128.bitselect(this.i32(this.value(n.onTrue)), this.i32(this.value(n.onFalse)), mask)) };
        const mlo = this.set(() => b.i64x2.extend_low_i32x4_s(mask));
        const mhi = this.set(() => b.i64x2.extend_high_i32x4_s(mask));
        let half = 0;
        return this.floatOp(
          n,
          [n.onTrue, n.onFalse],
          ([t, f]) => b.v128.bitselect(t!, f!, mask),
          ([t, f]) => b.v128.bitselect(t!, f!, half++ === 0 ? mlo : mhi),
        );
      }
      case "convert":
        return this.convert(n);
      case "call":
        return this.call(n);
      case "call2": {
        const fn = this.imports.get(`b_${n.fn}`)!;
        const [x, y] = [this.wide(this.value(n.a)), this.wide(this.value(n.b))];
        if (n.fn === "pow" && n.t === "f32") return { k: "f64", lo: this.set(() => emitPowF64ForF32(b, x.lo, y.lo)), hi: this.set(() => emitPowF64ForF32(b, x.hi, y.hi)) };
        if (n.fn !== "pow") return { k: "f64", lo: this.perLane2(fn, x.lo, y.lo), hi: this.perLane2(fn, x.hi, y.hi) };
        // f64 pow: the vector path, and the whole step through js's pow when a lane needs it.
        const [slo, shi] = [this.v128(), this.v128()];
        const lo = this.set(() => emitPowF64(b, x.lo, y.lo, slo));
        const hi = this.set(() => emitPowF64(b, x.hi, y.hi, shi));
        this.redoStepWhere(() => b.v128.or(slo, shi), lo, hi, (h) => this.perLane2(fn, x[h], y[h]));
        return { k: "f64", lo, hi };
      }
    }
  }

  private unary(n: Extract<Expr, { k: "unary" }>): Val {
    const b = this.b;
    if (n.op === "is_finite") {
      const inf = Number.POSITIVE_INFINITY;
      return this.bit(this.floatMask([n.a], ([x]) => b.f32x4.lt(() => b.f32x4.abs(x!), () => b.v128.const("f32x4", [inf, inf, inf, inf])), ([x]) => b.f64x2.lt(() => b.f64x2.abs(x!), () => b.v128.const("f64x2", [inf, inf]))));
    }
    if (!isFloat(n.t)) {
      const x = this.i32(this.value(n.a));
      if (n.op === "neg") return { k: "i32", v: this.set(() => b.i32x4.neg(x)) };
      if (n.op === "abs") return { k: "i32", v: this.set(() => b.i32x4.abs(x)) };
      if (n.op === "bit_not") return { k: "i32", v: this.set(() => b.v128.not(x)) };
      throw new Error(`internal: ${n.op} on ${n.t}`);
    }
    const op = n.op === "round_even" ? "nearest" : n.op;
    if (op === "bit_not") throw new Error("internal: bit_not on a float");
    return this.floatOp(n, [n.a], ([x]) => b.f32x4[op](x!), ([x]) => b.f64x2[op](x!));
  }

  private binary(n: Extract<Expr, { k: "binary" }>): Val {
    const b = this.b;
    if (isFloat(n.t)) {
      const op = n.op;
      if (op === "max" || op === "min") {
        const cmp = op === "max" ? "gt" : "lt";
        // x > y || x ≠ x ? x : y (js's NaN and ±0 choices)
        return this.floatOp(
          n,
          [n.a, n.b],
          ([x, y]) => b.v128.bitselect(x!, y!, () => b.v128.or(() => b.f32x4[cmp](x!, y!), () => b.f32x4.ne(x!, x!))),
          ([x, y]) => b.v128.bitselect(x!, y!, () => b.v128.or(() => b.f64x2[cmp](x!, y!), () => b.f64x2.ne(x!, x!))),
        );
      }
      if (op !== "add" && op !== "sub" && op !== "mul" && op !== "div") throw new Error(`internal: ${op} on a float`);
      return this.floatOp(n, [n.a, n.b], ([x, y]) => b.f32x4[op](x!, y!), ([x, y]) => b.f64x2[op](x!, y!));
    }
    const [x, y] = [this.i32(this.value(n.a)), this.i32(this.value(n.b))];
    const r = (emit: () => void): Val => ({ k: "i32", v: this.set(emit) });
    switch (n.op) {
      case "add":
        return r(() => b.i32x4.add(x, y));
      case "sub":
        return r(() => b.i32x4.sub(x, y));
      case "mul":
      case "imul":
        return r(() => b.i32x4.mul(x, y));
      case "max":
        return r(() => b.i32x4.max_s(x, y));
      case "min":
        return r(() => b.i32x4.min_s(x, y));
      case "and":
        return r(() => b.v128.and(x, y));
      case "or":
        return r(() => b.v128.or(x, y));
      case "xor":
        return r(() => b.v128.xor(x, y));
      case "shl":
      case "shr_u":
        return { k: "i32", v: this.shift(n.op, x, y) };
      case "div":
        throw new Error("internal: integer div is expressed through f64");
    }
  }

  /** Per-lane shifts (wasm SIMD shifts take one count): a count outside [0, 32) gives 0. */
  private shift(op: "shl" | "shr_u", x: V, y: V): V {
    const b = this.b;
    const out = this.v128();
    const s = b.newLocal("i32");
    for (let lane = 0; lane < 4; lane++) {
      b.local.set(s, () => b.i32x4.extract_lane(lane, y));
      b.local.set(out, () =>
        b.i32x4.replace_lane(lane, lane === 0 ? x : out, () =>
          b.select(() => b.i32[op](() => b.i32x4.extract_lane(lane, x), s), () => b.i32.const(0), () => b.i32.lt_u(s, 32)),
        ),
      );
    }
    return out;
  }

  private compare(n: Extract<Expr, { k: "compare" }>): Val {
    const b = this.b;
    const op = n.op;
    if (isFloat(n.a.t)) return this.bit(this.floatMask([n.a, n.b], ([x, y]) => b.f32x4[op](x!, y!), ([x, y]) => b.f64x2[op](x!, y!)));
    const [x, y] = [this.i32(this.value(n.a)), this.i32(this.value(n.b))];
    const iop = op === "eq" || op === "ne" ? op : (`${op}_s` as const);
    return this.bit(this.set(() => b.i32x4[iop](x, y)));
  }

  private convert(n: Extract<Expr, { k: "convert" }>): Val {
    const b = this.b;
    const from = n.a.t;
    if (n.mode === "truthy") {
      if (!isFloat(from)) return this.bit(this.set(() => b.i32x4.ne(this.i32(this.value(n.a)), () => b.v128.const("i32x4", [0, 0, 0, 0]))));
      return this.bit(this.floatMask([n.a], ([x]) => b.f32x4.ne(x!, () => b.v128.const("f32x4", [0, 0, 0, 0])), ([x]) => b.f64x2.ne(x!, () => b.v128.const("f64x2", [0, 0]))));
    }
    if (n.t === "f32" || n.t === "f64") {
      if (isFloat(from)) {
        const v = this.value(n.a);
        return n.t === "f32" ? { k: "f32", v: this.narrow(v) } : { k: "f64", ...this.wide(v) };
      }
      const x = this.i32(this.value(n.a));
      if (n.t === "f32") return { k: "f32", v: this.set(() => b.f32x4.convert_i32x4_s(x)) };
      return {
        k: "f64",
        lo: this.set(() => b.f64x2.convert_low_i32x4_s(x)),
        hi: this.set(() => b.f64x2.convert_low_i32x4_s(highHalf(b, x))),
      };
    }
    // to int32
    if (!isFloat(from)) return this.value(n.a);
    const v = this.value(n.a);
    if (n.mode === "saturate" && v.k === "f32") return { k: "i32", v: this.set(() => b.i32x4.trunc_sat_f32x4_s(v.v)) };
    const { lo, hi } = this.wide(v);
    const toI32 = (h: V): V => (n.mode === "saturate" ? this.set(() => b.i32x4.trunc_sat_f64x2_s_zero(h)) : this.set(() => b.i32x4.trunc_sat_f64x2_s_zero(this.wrap(h))));
    return { k: "i32", v: this.set(() => b.i8x16.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23], toI32(lo), toI32(hi))) };
  }

  /** ToInt32 on f64 lanes, left as f64 in [−2^31, 2^31): truncate, NaN/±Inf → 0, modulo 2^32. */
  private wrap(h: V): V {
    const b = this.b;
    const t = this.set(() => b.f64x2.trunc(h));
    const inf = Number.POSITIVE_INFINITY;
    b.local.set(t, () => b.v128.and(t, () => b.f64x2.lt(() => b.f64x2.abs(t), () => b.v128.const("f64x2", [inf, inf]))));
    // m = t − 2^32·⌊t/2^32⌋ is exact and in [0, 2^32); then into [−2^31, 2^31).
    const m = this.set(() => b.f64x2.sub(t, () => b.f64x2.mul(() => b.f64x2.floor(() => b.f64x2.mul(t, () => b.v128.const("f64x2", [2 ** -32, 2 ** -32]))), () => b.v128.const("f64x2", [2 ** 32, 2 ** 32]))));
    return this.set(() =>
      b.f64x2.sub(m, () => b.v128.and(() => b.v128.const("f64x2", [2 ** 32, 2 ** 32]), () => b.f64x2.ge(m, () => b.v128.const("f64x2", [2 ** 31, 2 ** 31])))),
    );
  }

  private call(n: Extract<Expr, { k: "call" }>): Val {
    const b = this.b;
    const f32 = F32_EMIT[n.fn];
    if (f32 !== undefined && narrowable(n, this.roots.has(n))) {
      const x = this.narrow(this.value(n.a));
      return { k: "f32", v: this.set(() => f32(b, x)) };
    }
    const x = this.wide(this.value(n.a));
    const fn = this.imports.get(`u_${n.fn}`)!;
    const f64 = F64_EMIT[n.fn] ?? (n.t === "f32" ? F32_VIA_F64_EMIT[n.fn] : undefined);
    if (f64 === undefined) return { k: "f64", lo: this.perLane(fn, x.lo), hi: this.perLane(fn, x.hi) };
    const lo = this.set(() => f64(b, x.lo));
    const hi = this.set(() => f64(b, x.hi));
    if (n.fn === "sin" || n.fn === "cos" || n.fn === "tan") {
      // Lanes beyond the accurate reduction (and ±Inf): the whole step through Math.sin/cos.
      const beyond = (h: V): void => {
        b.v128.not(() => b.f64x2.le(() => b.f64x2.abs(h), () => b.v128.const("f64x2", [SIN_COS_BOUND, SIN_COS_BOUND])));
      };
      this.redoStepWhere(() => b.v128.or(() => beyond(x.lo), () => beyond(x.hi)), lo, hi, (h) => this.perLane(fn, x[h]));
    }
    return { k: "f64", lo, hi };
  }

  /** Recomputes a step's two f64 halves `lo` and `hi` with `perLane` (the js function per
   * lane, exact) when any lane of the mask that `mask` pushes is set. */
  private redoStepWhere(mask: () => void, lo: V, hi: V, perLane: (half: "lo" | "hi") => V): void {
    const b = this.b;
    b.if(() => b.v128.any_true(mask), () => {
      b.local.set(lo, perLane("lo"));
      b.local.set(hi, perLane("hi"));
    });
  }

  private perLane(fn: FunctionRef, x: V): V {
    const b = this.b;
    this.usedImports.add(fn.name);
    const r = this.v128();
    for (let lane = 0; lane < 2; lane++) {
      b.local.set(r, () => b.f64x2.replace_lane(lane, lane === 0 ? x : r, () => b.call(fn, () => b.f64x2.extract_lane(lane, x))));
    }
    return r;
  }

  private perLane2(fn: FunctionRef, x: V, y: V): V {
    const b = this.b;
    this.usedImports.add(fn.name);
    const r = this.v128();
    for (let lane = 0; lane < 2; lane++) {
      b.local.set(r, () =>
        b.f64x2.replace_lane(lane, lane === 0 ? x : r, () => b.call(fn, () => b.f64x2.extract_lane(lane, x), () => b.f64x2.extract_lane(lane, y))),
      );
    }
    return r;
  }

  /**
   * Adds the stored (rounded) value of `e` (an f32 or f64 node), in f64, to the accumulator
   * lanes `lo` (elements 0, 1 of the step) and `hi` (2, 3); with a `mask` (i32x4), lanes where
   * it is 0 add +0 (the same sum as not adding them: an accumulator starts at +0, so it is
   * never −0).
   */
  accumulate(e: Expr, lo: V, hi: V, mask: V | undefined): void {
    const b = this.b;
    const v = this.value(e);
    if (e.t === "f32") {
      const rounded = this.narrow(v);
      const w = this.wide({ k: "f32", v: mask === undefined ? rounded : this.set(() => b.v128.and(rounded, mask)) });
      b.local.set(lo, () => b.f64x2.add(lo, w.lo));
      b.local.set(hi, () => b.f64x2.add(hi, w.hi));
    } else {
      const w = this.wide(v);
      if (mask === undefined) {
        b.local.set(lo, () => b.f64x2.add(lo, w.lo));
        b.local.set(hi, () => b.f64x2.add(hi, w.hi));
        return;
      }
      b.local.set(lo, () => b.f64x2.add(lo, () => b.v128.and(w.lo, () => b.i64x2.extend_low_i32x4_s(mask))));
      b.local.set(hi, () => b.f64x2.add(hi, () => b.v128.and(w.hi, () => b.i64x2.extend_high_i32x4_s(mask))));
    }
  }

  /**
   * Folds e's 4 elements into a running max ("gt") or min ("lt") per lane, as js folds (NaN
   * wins, ties keep the earlier), leaving lanes off `mask` alone, and marks in each lane the
   * step (`stepNo`) at which its value last changed. A lane whose value ends a zero took it
   * at its first zero (a later zero ties, and a value that replaced a zero would be above
   * it), so the mark orders the lanes' first zeros, from which a zero result takes its sign
   * as the sequential fold would (foldLanes, program.ts foldPartials). A float32 value folds
   * in f32 lanes with its marks in i32 lanes (`narrow`; the max of float32 values is one of
   * them, so comparing them in float32 is exact), widened by `widenFold` when the block ends;
   * a float64 value in the f64 halves `acc` and `at` (FoldState).
   */
  fold(cmp: "gt" | "lt", e: Expr, { acc, at, narrow }: FoldState, stepNo: Local<"i32">, mask: V | undefined): void {
    const b = this.b;
    const v = this.value(e);
    if (narrow !== undefined) {
      const x = this.narrow(v);
      const take = this.set(() => b.v128.or(() => b.f32x4[cmp](x, narrow.val), () => b.f32x4.ne(x, x)));
      if (mask !== undefined) b.local.set(take, () => b.v128.and(take, mask));
      b.local.set(narrow.val, () => b.v128.bitselect(x, narrow.val, take));
      b.local.set(narrow.at, () => b.v128.bitselect(() => b.i32x4.splat(stepNo), narrow.at, take));
      return;
    }
    const w = this.wide(v);
    const step = this.set(() => b.f64x2.splat(() => b.f64.convert_i32_u(stepNo)));
    const halves = [
      { x: w.lo, a: acc.lo, m: mask === undefined ? undefined : this.set(() => b.i64x2.extend_low_i32x4_s(mask)) },
      { x: w.hi, a: acc.hi, m: mask === undefined ? undefined : this.set(() => b.i64x2.extend_high_i32x4_s(mask)) },
    ];
    halves.forEach(({ x, a, m }, h) => {
      // x replaces the running value where x ⋛ a or x is NaN (and the lane is on)
      const take = this.set(() => b.v128.or(() => b.f64x2[cmp](x, a), () => b.f64x2.ne(x, x)));
      if (m !== undefined) b.local.set(take, () => b.v128.and(take, m));
      b.local.set(a, () => b.v128.bitselect(x, a, take));
      b.local.set(at[h]!, () => b.v128.bitselect(step, at[h]!, take));
    });
  }

  /** Store the root's value (4 elements of `t`) at `po`. */

  store(v: Val, t: ScalarType, po: Local<"i32">): void {
    const b = this.b;
    if (t === "f32") b.v128.store(po, this.narrow(v));
    else if (t === "f64") {
      const { lo, hi } = this.wide(v);
      b.v128.store(po, lo);
      b.v128.store(po, hi, { offset: 16 });
    } else if (t === "i32") b.v128.store(po, this.i32(v));
    else {
      const x = this.i32(v);
      b.v128.store32_lane(0, po, () => b.i8x16.narrow_i16x8_u(() => b.i16x8.narrow_i32x4_u(x, x), () => b.i16x8.narrow_i32x4_u(x, x)), { align: 1 });
    }
  }
}

/** An operand read through strides over the kernel's shape (a transpose, slice or broadcast
 * folded in): element (i₀, …) is at p + Σ i_d·strides[d] elements (a last axis not a multiple
 * of 4 is walked lane by lane: laneWalk). */
export interface StridedOperand {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
}

/** A compiled elementwise kernel: call with (p0, s0, …, po, steps). */
export type WasmElementwise = WasmExportedFunction;

/** A generated kernel, and its splittable form when it can run on the worker pool. */
export interface ElementwiseKernel {
  /** (p0, s0, …, po0, …, steps) on the calling thread. */
  readonly run: WasmElementwise;
  /** `range(start, end, p0, s0, …, po0, …)`: steps [start, end), for parallelFor; absent
   * when the kernel calls back into JS (per-lane intrinsics), which workers cannot. */
  readonly parallel: ParallelKernel | undefined;
}

const WASM_TYPES: ReadonlySet<ScalarType> = new Set<ScalarType>(["f32", "f64", "i32", "bool"]);

/** Assemble and instantiate the SIMD kernel of `e` over operands of `argTypes`, on `memory`. */
export function wasmElementwise(e: Expr, argTypes: readonly ScalarType[], memory: WasmMemory): WasmElementwise {
  return wasmFused([e], argTypes, memory).run;
}

/** How a fused kernel reads its operands and accumulates its reductions (wasmFused). */
export interface FusedLayout {
  /** Inner nodes rounded as stored (a fused equation's own result): lowered as roots are. */
  readonly rounded?: readonly Expr[];
  /** Reductions of member values, written as partials per block (compiler/fusion.ts SumKind). */
  readonly sums?: readonly { readonly of: Expr; readonly op: FusedReduce }[];
  /** Per operand, 0, or its period in steps (a row broadcast folded in). */
  readonly periods?: readonly number[];
  /** Steps per block of the reductions (SUM_BLOCK, a row, or whole rows). */
  readonly sumSteps?: number;
  /** Column sums: steps per row of kept elements (else 0). */
  readonly colSteps?: number;
  /** Per operand, 0, or the steps each of its elements covers (a column broadcast folded in). */
  readonly repeats?: readonly number[];
  /** Per operand, undefined, or its strided read (a transpose, slice or broadcast folded in). */
  readonly strided?: readonly (StridedOperand | undefined)[];
  /** Row reductions: the row length (the kernel writes each row's result; rows that are not
   * whole steps in blocks of whole rows); else 0. */
  readonly rowLength?: number;
}

/**
 * One SIMD loop computing several results from the same operands (a fused kernel of the
 * compiler): call with (p0, s0, …, po0, po1, …, steps). Shared sub-expressions of the roots
 * are computed once per step. `rounded` are inner nodes whose every use rounds them as a
 * store would (a fused equation's own result, read through `stored`): they are lowered as
 * roots are, so each fused equation computes exactly what its own kernel computes.
 */
export function wasmFused(roots: readonly Expr[], argTypes: readonly ScalarType[], memory: WasmMemory, layout: FusedLayout = {}): ElementwiseKernel {
  const { rounded = [], periods = [], sumSteps = SUM_BLOCK, colSteps = 0, repeats = [], strided = [], rowLength = 0 } = layout;
  const sums = (layout.sums ?? []).map((x) => x.of);
  // The wasm lowering knows f32, f64, i32 and bool lanes; the other integer types run on the
  // js kernels (the wasm backend declines them and programs holding them are not compiled).
  for (const t of argTypes) if (!WASM_TYPES.has(t)) throw new Error(`internal: no wasm lowering for ${t} operands`);
  for (const root of [...roots, ...sums]) for (const n of postOrder(root)) if (!WASM_TYPES.has(n.t)) throw new Error(`internal: no wasm lowering for ${n.t} values`);
  // First with every intrinsic importable, to learn which ones the lowering really calls per
  // lane (most have vector emitters); then for real with only those imports, so that a
  // kernel with none, or only Math's (WORKER_INTRINSICS: workers have those too), can run on
  // the worker pool.
  if (!Number.isInteger(sumSteps) || sumSteps < 1) throw new Error(`internal: a fused kernel's sum block must be a whole number of steps, got ${sumSteps}`);
  if (colSteps > 0 && sumSteps % colSteps !== 0) throw new Error(`internal: a column-sum block (${sumSteps} steps) must be whole rows of ${colSteps} steps`);
  const ops = (layout.sums ?? []).map((x) => x.op);
  if (colSteps > 0 && ops.some((op) => op !== "sum")) throw new Error("internal: column reductions are sums only");
  const rowsPerBlock = rowLength > 0 ? (4 * sumSteps) / rowLength : 1;
  if (rowLength > 0 && (colSteps > 0 || !Number.isInteger(rowsPerBlock) || (rowLength % 4 === 0 && rowsPerBlock !== 1))) throw new Error(`internal: a block of ${sumSteps} steps must hold whole rows of ${rowLength} elements`);
  if (rowLength % 4 !== 0 && ops.some((op) => op !== "sum")) throw new Error("internal: reductions over rows that are not whole steps are sums only");
  for (const [k, st] of strided.entries()) {
    if (st === undefined) continue;
    if (st.shape.length === 0 || st.strides.length !== st.shape.length || !st.strides.every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`internal: operand ${k}'s strided read needs a stride per axis, each a non-negative integer`);
    if (strided.some((o) => o !== undefined && o.shape.join() !== st.shape.join())) throw new Error("internal: a kernel's strided reads share the kernel's shape");
    if (argTypes[k] !== "f32" && argTypes[k] !== "f64" && argTypes[k] !== "i32") throw new Error(`internal: a strided read of ${argTypes[k]} operands`);
  }
  const shape: Required<FusedLayout> = { rounded, sums: layout.sums ?? [], periods, sumSteps, colSteps, repeats, strided, rowLength };
  const used = assembleFused(roots, argTypes, shape, undefined, false).used;
  // Generated on demand (one per primitive and dtypes, or per fused group), so compiled here,
  // synchronously, rather than ahead of time by ready(): 0.5-5 KB for one primitive (twice
  // that unrolled), 3.3 KB (f32) and 11.6 KB (f64) for W3's fused kernel run one step at a
  // time, but a long fused chain has no bound (200 f64 tanh∘sin steps: 1.1 MB), and a
  // browser's main thread refuses a module over its limit (Chromium: 8 MiB, 4 KiB before
  // Chrome 114). Refused unrolled, the kernel is built again one step at a time (about half
  // the size: every eager primitive fits 4 KiB then); refused still, the program that asked
  // for it, which builds its kernels while it is lowered, runs equation by equation
  // (compiler/program.ts).
  const compile = (unroll: boolean): { module: WasmModule; fns: Record<string, (...xs: number[]) => number> } => {
    const { m, fns } = assembleFused(roots, argTypes, shape, used, unroll);
    return { module: compileKernelModule(m.build()), fns };
  };
  const unroll = shouldUnroll([...roots, ...sums], used);
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(unroll);
  } catch (e) {
    if (!(e instanceof RangeError) || !unroll) throw e;
    compiled = compile(false);
  }
  const { module, fns } = compiled;
  const instance = instantiateWasm(module, { env: { mem: memory }, m: fns });
  const parallel = workerCanImport(used) && arena().shared ? registerParallelKernel(module, instance, "range") : undefined;
  return { run: exportedFunction(instance, "kernel"), parallel };
}

/** A fused max or min's running fold (Lowering.fold): per lane, the value in the f64 halves
 * `acc` and the step it last changed at in `at`, or, for a float32 value, both in 4 lanes
 * (`narrow`: f32 values, i32 steps) until widenFold copies them into the halves. */
interface FoldState {
  readonly acc: { readonly lo: V; readonly hi: V };
  readonly at: readonly [V, V];
  readonly narrow: { readonly val: V; readonly at: V } | undefined;
}

/** A fused max or min's folds of one row (or block): `main`, and, in an unrolled loop, `alt`
 * for each pair's second step (merged into `main` by mergeFold at the block's end). */
interface FoldPair {
  readonly main: FoldState;
  readonly alt: FoldState | undefined;
}

/**
 * Merges the fold in lanes `x` (values, and marks in `xAt`: i32 for "f32x4", f64 for "f64x2")
 * into the fold in `a`/`aAt`, lane by lane, as one sequential fold over both whose marks order
 * their elements: x's value where it is better, NaN, or equal with an earlier mark (of two
 * zeros, the first's sign); its mark goes with it.
 */
function mergeLanes(b: FunctionBuilder, f: "f32x4" | "f64x2", cmp: "gt" | "lt", x: V, xAt: V, a: V, aAt: V, take: V): void {
  const earlier = (): void => {
    if (f === "f32x4") b.i32x4.lt_s(xAt, aAt);
    else b.f64x2.lt(xAt, aAt);
  };
  b.local.set(take, () => b.v128.or(() => b.v128.or(() => b[f][cmp](x, a), () => b[f].ne(x, x)), () => b.v128.and(() => b[f].eq(x, a), earlier)));
  b.local.set(a, () => b.v128.bitselect(x, a, take));
  b.local.set(aAt, () => b.v128.bitselect(xAt, aAt, take));
}

/** Scratch vectors of foldLanes. */
interface LaneFold {
  readonly val: V;
  readonly pos: V;
  readonly x: V;
  readonly xPos: V;
  readonly take: V;
}

/**
 * A row's max ("gt") or min ("lt") from its 4 lanes' running values and marks (Lowering fold),
 * into `best`, as the sequential js fold gives it: NaN if a lane holds one; else the best lane
 * value; a zero result takes the sign of the row's first zero: of the lanes whose value is a
 * zero, the earliest element (4·mark + lane). A tree of two vector merges (mergeLanes over
 * the elements' positions): the lanes 2, 3 into 0, 1, then lane 1 into lane 0.
 */
function foldLanes(b: FunctionBuilder, cmp: "gt" | "lt", acc: { readonly lo: V; readonly hi: V }, at: readonly [V, V], best: Local<"f64">, t: LaneFold): void {
  const position = (marks: V, lanes: [number, number]) => (): void => {
    b.f64x2.add(() => b.f64x2.mul(marks, () => b.v128.const("f64x2", [4, 4])), () => b.v128.const("f64x2", lanes));
  };
  b.local.set(t.val, acc.lo);
  b.local.set(t.pos, position(at[0], [0, 1]));
  b.local.set(t.x, acc.hi);
  b.local.set(t.xPos, position(at[1], [2, 3]));
  mergeLanes(b, "f64x2", cmp, t.x, t.xPos, t.val, t.pos, t.take);
  b.local.set(t.x, highHalf(b, t.val));
  b.local.set(t.xPos, highHalf(b, t.pos));
  mergeLanes(b, "f64x2", cmp, t.x, t.xPos, t.val, t.pos, t.take);
  b.local.set(best, () => b.f64x2.extract_lane(0, t.val));
}

/**
 * Lane-by-lane coordinates for strided reads over `shape` whose rows are not whole steps: an
 * i32x4 of each lane's coordinate per axis, from element 4·first + lane on, and per strided
 * operand (byte strides per axis) an i32x4 of its lanes' byte offsets. `advance` moves every
 * lane 4 elements on: the last coordinate by 4, then each axis from the last wraps where it
 * reached its size (as often as the increment it got can make it: several times along an
 * axis shorter than 4), carrying into the axis before it. The first axis wraps too, so the
 * lanes of the last step that lie past the end read inside the operand (and are not stored).
 */
function laneWalk(
  b: FunctionBuilder,
  shape: readonly number[],
  byteStrides: readonly (readonly number[] | undefined)[],
  first: Local<"i32">,
): { offsets: (V | undefined)[]; advance: () => void; inOneRow: Local<"i32">; checkRow: () => void } {
  const r = shape.length - 1;
  const lanes = shape.map((_, d) => b.newLocal("v128", `lc${d}`));
  const offsets = byteStrides.map((st, k) => (st === undefined ? undefined : b.newLocal("v128", `lo${k}`)));
  const splat = (c: number) => (): void => {
    b.v128.const("i32x4", [c, c, c, c]);
  };
  // each lane's coordinates from its element index (4·first + lane), by division per axis
  const rest = b.newLocal("i32", "lane_rest");
  for (let j = 0; j < 4; j++) {
    b.local.set(rest, () => b.i32.add(() => b.i32.shl(first, 2), j));
    for (let d = r; d >= 0; d--) {
      b.local.set(lanes[d]!, () => b.i32x4.replace_lane(j, lanes[d]!, () => b.i32.rem_u(rest, shape[d]!)));
      if (d > 0) b.local.set(rest, () => b.i32.div_u(rest, shape[d]!));
    }
  }
  byteStrides.forEach((st, k) => {
    if (st === undefined) return;
    const off = offsets[k]!;
    b.local.set(off, splat(0));
    st.forEach((x, d) => {
      if (x !== 0) b.local.set(off, () => b.i32x4.add(off, () => b.i32x4.mul(lanes[d]!, splat(x))));
    });
  });
  // How many times each axis may need to wrap per step: the last gets +4, each one before it
  // as many carries as the one after it wraps.
  const wraps: number[] = [];
  for (let d = r, inc = 4; d >= 0; d--) {
    wraps[d] = Math.floor((shape[d]! - 1 + inc) / shape[d]!);
    inc = wraps[d]!;
  }
  const mask = b.newLocal("v128", "wrap");
  const advance = (): void => {
    b.local.set(lanes[r]!, () => b.i32x4.add(lanes[r]!, splat(4)));
    byteStrides.forEach((st, k) => {
      if (st !== undefined && st[r] !== 0) b.local.set(offsets[k]!, () => b.i32x4.add(offsets[k]!, splat(4 * st[r]!)));
    });
    for (let d = r; d >= 0; d--) {
      for (let w = 0; w < wraps[d]!; w++) {
        // lanes at the axis's end: back by its size, one on along the axis before (mask = −1)
        b.local.set(mask, () => b.i32x4.ge_s(lanes[d]!, splat(shape[d]!)));
        b.local.set(lanes[d]!, () => b.i32x4.sub(lanes[d]!, () => b.v128.and(mask, splat(shape[d]!))));
        if (d > 0) b.local.set(lanes[d - 1]!, () => b.i32x4.sub(lanes[d - 1]!, mask));
        byteStrides.forEach((st, k) => {
          if (st === undefined) return;
          const delta = (d > 0 ? st[d - 1]! : 0) - shape[d]! * st[d]!;
          if (delta !== 0) b.local.set(offsets[k]!, () => b.i32x4.add(offsets[k]!, () => b.v128.and(mask, splat(delta))));
        });
      }
    }
  };
  // (lane 3 is 3 on from lane 0 along the last axis: no lane wrapped)
  const inOneRow = b.newLocal("i32", "one_row");
  const checkRow = (): void => {
    b.local.set(inOneRow, () => b.i32.eq(() => b.i32x4.extract_lane(3, lanes[r]!), () => b.i32.add(() => b.i32x4.extract_lane(0, lanes[r]!), 3)));
  };
  return { offsets, advance, inOneRow, checkRow };
}

/**
 * Whether a kernel runs two steps per loop iteration: unless it calls a js function per lane
 * (the call dominates) or its body has more than UNROLL_MAX_NODES distinct expression nodes
 * (emitted twice, the module grows, and kernels are assembled in JS while a program compiles).
 * Small bodies (one binary primitive, a sum of squares) are short next to the loop's own
 * counter, branch and stack check, and gained most (1e6 f32, one thread, 2026-12-03: sum 0.51
 * → 0.29 ms, sum of squares 0.81 → 0.52, a·x + b 0.81 → 0.69). Bodies with inline
 * transcendentals gained too, since each iteration then holds two independent chains of
 * dependent operations (sums of 1e6 f32, one thread, medians of 3 alternating runs,
 * 2026-12-05: σ 1.74 → 1.45 ms, tanh 1.62 → 1.41, log 3.27 → 2.57, x·σ(x) 1.84 → 1.47, exp
 * 1.23 → 1.13, W3's value and gradient 3.9 → 3.2); an Adam update, memory-bound, the same.
 */
const UNROLL_MAX_NODES = 256;
function shouldUnroll(exprs: readonly Expr[], used: ReadonlySet<string>): boolean {
  if (used.size > 0) return false;
  const seen = new Set<Expr>();
  for (const e of exprs) for (const n of postOrder(e)) seen.add(n);
  return seen.size <= UNROLL_MAX_NODES;
}

/** The fused kernel's module: `kernel` and `range`, importing the intrinsics in `allowed`
 * (all when undefined); returns the ones the lowering called. `unroll`: two steps per loop
 * iteration (see shouldUnroll). */
function assembleFused(
  roots: readonly Expr[],
  argTypes: readonly ScalarType[],
  layout: Required<FusedLayout>,
  allowed: ReadonlySet<string> | undefined,
  unroll: boolean,
): { m: ModuleBuilder; fns: Record<string, (...xs: number[]) => number>; used: Set<string> } {
  const { rounded, periods, sumSteps, colSteps, repeats, strided, rowLength } = layout;
  const sums = layout.sums.map((x) => x.of);
  const ops = layout.sums.map((x) => x.op);
  // The import must match the arena's memory (shared where the worker pool runs).
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  const imports = new Map<string, FunctionRef>();
  const fns: Record<string, (...xs: number[]) => number> = {};
  const allow = (field: string): boolean => !imports.has(field) && (allowed === undefined || allowed.has(`m.${field}`));
  for (const root of [...roots, ...sums]) {
    for (const n of postOrder(root)) {
      if (n.k === "call" && allow(`u_${n.fn}`)) {
        imports.set(`u_${n.fn}`, m.importFunction("m", `u_${n.fn}`, { params: ["f64"], results: ["f64"] }));
        fns[`u_${n.fn}`] = scalarCalls[n.fn];
      }
      if (n.k === "call2" && allow(`b_${n.fn}`)) {
        imports.set(`b_${n.fn}`, m.importFunction("m", `b_${n.fn}`, { params: ["f64", "f64"], results: ["f64"] }));
        fns[`b_${n.fn}`] = scalarCalls2[n.fn satisfies BinaryIntrinsic];
      }
    }
  }
  const params: Record<string, "i32"> = {};
  argTypes.forEach((_, k) => {
    params[`p${k}`] = "i32";
    params[`s${k}`] = "i32";
  });
  roots.forEach((_, r) => {
    params[`po${r}`] = "i32";
  });
  sums.forEach((_, j) => {
    params[`ps${j}`] = "i32";
  });
  // Sums: the elements below `limit` (counted from this call's first step) are added.
  if (sums.length > 0) params.limit = "i32";
  // Periodic operands (a row broadcast folded in): operand k's step i is its step
  // (first + i) mod periods[k]; `first` is the global index of this call's first step.
  // Repeated operands (a column broadcast folded in): operand k's element for step i is its
  // element (first + i) div repeats[k], splatted over the step.
  // Strided operands (a transpose, slice or broadcast folded in) are read through their strides from
  // the group's coordinates, which the kernel keeps in counters from `first` on.
  const periodic = periods.some((q) => q > 0) || repeats.some((r) => r > 0) || strided.some((st) => st !== undefined);
  if (periodic) params.first = "i32";
  const splatted = argTypes.map((_, k) => (repeats[k] ?? 0) > 0);
  const rootSet = new Set([...roots, ...rounded, ...sums]);
  const used = new Set<string>();
  const kernelParams: Record<string, "i32"> = { ...params, steps: "i32" };
  const rangeParams: Record<string, "i32"> = { start: "i32", end: "i32", ...params };
  const kernel = m.addFunction("kernel", { params: kernelParams, export: true }, (b, locals) => {
    const indexed = (k: number): boolean => (periods[k] ?? 0) > 0 || (repeats[k] ?? 0) > 0 || strided[k] !== undefined;
    const ptrs = argTypes.map((_, k) => (indexed(k) ? b.newLocal("i32", `q${k}`) : locals[`p${k}`]!));
    const outs = roots.map((_, r) => locals[`po${r}`]!);
    const i = b.newLocal("i32", "i");
    // Reductions, per block of `sumSteps` steps (SUM_BLOCK, a row, or whole rows), in f64
    // lanes (elements 4i+k, k = 0..3), written at the block's end to ps: over every axis, the
    // block's lane partials (partialBytes); over rows (`rowLength` > 0), each row's result
    // (ROW_SUM_BYTES); a mask drops the elements at or past `limit`. Rows that are not whole
    // steps: a block holds `rows` whole rows, each with its own accumulators, and each step of
    // the block adds its lanes to the rows they lie in, known when the kernel is built
    // (`rowMasks`). Column sums add into a row of partials in memory instead (`lanes` and the
    // block and row counters: column sums only).
    const rows = rowLength > 0 ? (4 * sumSteps) / rowLength : 1;
    const byRowPattern = rowLength > 0 && rowLength % 4 !== 0;
    const accs = sums.map(() => Array.from({ length: rows }, () => ({ lo: b.newLocal("v128", "sum_lo"), hi: b.newLocal("v128", "sum_hi") })));
    // (a row's max or min and the scratch of its fold: foldLanes, mergeFold)
    const best = b.newLocal("f64", "best");
    const laneFold: LaneFold = { val: b.newLocal("v128", "lf_val"), pos: b.newLocal("v128", "lf_pos"), x: b.newLocal("v128", "lf_x"), xPos: b.newLocal("v128", "lf_x_pos"), take: b.newLocal("v128", "take") };
    // (max/min: the step (−1: none yet) at which each lane's value last changed, per half;
    // the step counts steps from the call's first, so it orders a block's steps; a float32
    // value folds in f32 lanes, its marks in i32 lanes, widened into the halves by widenFold.
    // Unrolled, the second step of each pair folds into a fold of its own (`alt`), merged
    // into the first at the block's end: two dependency chains instead of one, whose
    // latency, not the arithmetic, bounds a max's loop)
    const foldState = (j: number, acc: { readonly lo: V; readonly hi: V }): FoldState => ({
      acc,
      at: [b.newLocal("v128", "at_lo"), b.newLocal("v128", "at_hi")],
      narrow: sums[j]!.t === "f32" ? { val: b.newLocal("v128", "best_f32"), at: b.newLocal("v128", "at_i32") } : undefined,
    });
    const marks = ops.map((op, j) =>
      Array.from({ length: rows }, (_, r): FoldPair | undefined =>
        op === "sum" ? undefined : { main: foldState(j, accs[j]![r]!), alt: unroll ? foldState(j, { lo: b.newLocal("v128", "alt_lo"), hi: b.newLocal("v128", "alt_hi") }) : undefined },
      ),
    );
    /** A float32 fold's lanes and marks, widened into the f64 halves the block's end writes. */
    const widenFold = (st: FoldState): void => {
      const n = st.narrow;
      if (n === undefined) return;
      b.local.set(st.acc.lo, () => b.f64x2.promote_low_f32x4(n.val));
      b.local.set(st.acc.hi, () => b.f64x2.promote_low_f32x4(highHalf(b, n.val)));
      b.local.set(st.at[0], () => b.f64x2.convert_low_i32x4_s(n.at));
      b.local.set(st.at[1], () => b.f64x2.convert_low_i32x4_s(highHalf(b, n.at)));
    };
    /** The fold of a block's second steps (`alt`) merged into its first's (`main`), lane by
     * lane, as one sequential fold of both: alt's value where it is better, NaN, or equal
     * with an earlier mark (of two zeros, the first's sign). */
    const mergeFold = (cmp: "gt" | "lt", main: FoldState, alt: FoldState): void => {
      if (main.narrow !== undefined && alt.narrow !== undefined) {
        mergeLanes(b, "f32x4", cmp, alt.narrow.val, alt.narrow.at, main.narrow.val, main.narrow.at, laneFold.take);
        return;
      }
      mergeLanes(b, "f64x2", cmp, alt.acc.lo, alt.at[0], main.acc.lo, main.at[0], laneFold.take);
      mergeLanes(b, "f64x2", cmp, alt.acc.hi, alt.at[1], main.acc.hi, main.at[1], laneFold.take);
    };
    /** A max or min's fold at its block's end: the alternate merged in, widened to f64. */
    const finishFold = (j: number, mark: FoldPair): FoldState => {
      if (mark.alt !== undefined) mergeFold(ops[j] === "max" ? "gt" : "lt", mark.main, mark.alt);
      widenFold(mark.main);
      return mark.main;
    };
    const stepNo = b.newLocal("i32", "step_no");
    const identity = (op: FusedReduce): number => (op === "max" ? Number.NEGATIVE_INFINITY : op === "min" ? Number.POSITIVE_INFINITY : 0);
    const resetAcc = (j: number): void => {
      const c = identity(ops[j]!);
      const reset = (acc: { readonly lo: V; readonly hi: V }): void => {
        b.local.set(acc.lo, () => b.v128.const("f64x2", [c, c]));
        b.local.set(acc.hi, () => b.v128.const("f64x2", [c, c]));
      };
      for (let r = 0; r < rows; r++) {
        reset(accs[j]![r]!);
        const z = marks[j]![r];
        if (z === undefined) continue;
        for (const st of z.alt === undefined ? [z.main] : [z.main, z.alt]) {
          if (st !== z.main) reset(st.acc);
          for (const h of [0, 1]) b.local.set(st.at[h]!, () => b.v128.const("f64x2", [-1, -1]));
          if (st.narrow === undefined) continue;
          b.local.set(st.narrow.val, () => b.v128.const("f32x4", [c, c, c, c]));
          b.local.set(st.narrow.at, () => b.v128.const("i32x4", [-1, -1, -1, -1]));
        }
      }
    };
    const lanes = b.newLocal("v128", "lanes");
    const limitV = b.newLocal("v128", "limit");
    const mask = b.newLocal("v128", "mask");
    const inBlock = b.newLocal("i32", "in_block");
    const inRow = b.newLocal("i32", "in_row");
    const flush = (): void => {
      sums.forEach((_, j) => {
        const ps = locals[`ps${j}`]!;
        if (rowLength > 0) {
          // each row's result: a sum as (l0 + l1) + (l2 + l3), a max or min by foldLanes
          for (let r = 0; r < rows; r++) {
            const a = accs[j]![r]!;
            const z = marks[j]![r];
            if (z !== undefined) {
              foldLanes(b, ops[j] === "max" ? "gt" : "lt", a, finishFold(j, z).at, best, laneFold);
              b.f64.store(ps, best, { offset: r * ROW_SUM_BYTES });
              continue;
            }
            const lanes = (v: V) => (): void => {
              b.f64.add(() => b.f64x2.extract_lane(0, v), () => b.f64x2.extract_lane(1, v));
            };
            b.f64.store(ps, () => b.f64.add(lanes(a.lo), lanes(a.hi)), { offset: r * ROW_SUM_BYTES });
          }
          b.local.set(ps, () => b.i32.add(ps, rows * ROW_SUM_BYTES));
          resetAcc(j);
          return;
        }
        const bytes = partialBytes(ops[j]!);
        for (let r = 0; r < rows; r++) {
          const a = accs[j]![r]!;
          const z = marks[j]![r];
          const at = z === undefined ? undefined : finishFold(j, z).at;
          b.v128.store(ps, a.lo, { offset: r * bytes });
          b.v128.store(ps, a.hi, { offset: r * bytes + 16 });
          if (at !== undefined) {
            b.v128.store(ps, at[0], { offset: r * bytes + 32 });
            b.v128.store(ps, at[1], { offset: r * bytes + 48 });
          }
        }
        b.local.set(ps, () => b.i32.add(ps, rows * bytes));
        resetAcc(j);
      });
    };
    if (sums.length > 0) {
      if (colSteps > 0) b.local.set(lanes, () => b.v128.const("i32x4", [0, 1, 2, 3]));
      b.local.set(limitV, () => b.i32x4.splat(locals.limit!));
      sums.forEach((_, j) => resetAcc(j));
      b.local.set(stepNo, () => b.i32.const(0));
    }
    // Periodic and repeated operands are walked with a counter each (no division per step):
    // phase[k] counts the steps of the current period (or of the current element's repeat).
    const phase = argTypes.map((_, k) => ((periods[k] ?? 0) > 0 || (repeats[k] ?? 0) > 0 ? b.newLocal("i32", `ph${k}`) : undefined));
    periods.forEach((q, k) => {
      if (q <= 0) return;
      b.local.set(phase[k]!, () => b.i32.rem_u(locals.first!, q));
      b.local.set(ptrs[k]!, () => b.i32.add(locals[`p${k}`]!, () => b.i32.mul(phase[k]!, STEP_BYTES[argTypes[k]!])));
    });
    repeats.forEach((r, k) => {
      if (r <= 0) return;
      b.local.set(phase[k]!, () => b.i32.rem_u(locals.first!, r));
      b.local.set(ptrs[k]!, () => b.i32.add(locals[`p${k}`]!, () => b.i32.mul(() => b.i32.div_u(locals.first!, r), ELEMENT_BYTES[argTypes[k]!])));
    });
    // Strided operands: the coordinates of the step's first element (shared by all of them;
    // every strided operand has the group's shape), from first·4, and each operand's pointer.
    // When rows are not whole steps (the last axis not a multiple of 4, so a step's elements
    // may lie in two rows or more), each lane keeps its own coordinates instead, in i32x4
    // vectors, and each operand its 4 lanes' byte offsets (`laneWalk`).
    const shape = strided.find((st) => st !== undefined)?.shape ?? [];
    const byLane = shape.length > 0 && shape[shape.length - 1]! % 4 !== 0;
    const coords = byLane ? [] : shape.map((_, d) => b.newLocal("i32", `c${d}`));
    const walk = byLane ? laneWalk(b, shape, strided.map((st, k) => (st === undefined ? undefined : st.strides.map((x) => x * ELEMENT_BYTES[argTypes[k]!]))), locals.first!) : undefined;
    if (byLane) strided.forEach((st, k) => st !== undefined && b.local.set(ptrs[k]!, locals[`p${k}`]!));
    if (shape.length > 0 && !byLane) {
      const rest = b.newLocal("i32", "rest");
      b.local.set(rest, () => b.i32.shl(locals.first!, 2));
      for (let d = shape.length - 1; d >= 0; d--) {
        b.local.set(coords[d]!, () => b.i32.rem_u(rest, shape[d]!));
        b.local.set(rest, () => b.i32.div_u(rest, shape[d]!));
      }
      strided.forEach((st, k) => {
        if (st === undefined) return;
        const e = ELEMENT_BYTES[argTypes[k]!];
        b.local.set(ptrs[k]!, locals[`p${k}`]!);
        st.strides.forEach((sd, d) => {
          if (sd !== 0) b.local.set(ptrs[k]!, () => b.i32.add(ptrs[k]!, () => b.i32.mul(coords[d]!, sd * e)));
        });
      });
    }
    // One step of 4 elements: its own lowering (constants and loads re-emitted, shared
    // sub-expressions computed once), stores, sums, and the pointers moved to the next step.
    /** Per step of a block of rows that are not whole steps, each row it touches and the
     * lanes (−1/0) that lie in it. */
    const rowMasks = Array.from({ length: byRowPattern ? sumSteps : 0 }, (_, st) => {
      const rowOf = [0, 1, 2, 3].map((l) => Math.floor((4 * st + l) / rowLength));
      return [...new Set(rowOf)].map((r) => ({ r, lanes: rowOf.map((x) => (x === r ? -1 : 0)) }));
    });
    const step = (masked = false, blockStep = -1, second = false): void => {
      const laneBytes = argTypes.map((t, k) => (strided[k] === undefined ? 0 : strided[k]!.strides[strided[k]!.strides.length - 1]! * ELEMENT_BYTES[t]));
      if (walk !== undefined) walk.checkRow();
      const lowering = new Lowering(b, rootSet, ptrs, argTypes, imports, splatted, laneBytes, walk?.offsets ?? [], strided.map((st) => st !== undefined), walk?.inOneRow);
      roots.forEach((e, r) => lowering.store(lowering.value(e), e.t, outs[r]!));
      if (sums.length > 0 && colSteps > 0) {
        // Column sums: this step's 4 columns of the block's partial sums, at ps, are loaded,
        // added to and stored back; ps walks a row of partials, back to its start at each
        // row's end, and on to the next block's partials at each block's end.
        b.local.set(mask, () => b.i32x4.lt_s(lanes, limitV));
        sums.forEach((e, j) => {
          const ps = locals[`ps${j}`]!;
          const acc = accs[j]![0]!;
          b.local.set(acc.lo, () => b.v128.load(ps));
          b.local.set(acc.hi, () => b.v128.load(ps, { offset: 16 }));
          lowering.accumulate(e, acc.lo, acc.hi, mask);
          b.v128.store(ps, acc.lo);
          b.v128.store(ps, acc.hi, { offset: 16 });
          b.local.set(ps, () => b.i32.add(ps, 32));
        });
        b.local.set(lanes, () => b.i32x4.add(lanes, () => b.v128.const("i32x4", [4, 4, 4, 4])));
        b.local.set(inRow, () => b.i32.add(inRow, 1));
        b.if(() => b.i32.eq(inRow, colSteps), () => {
          b.local.set(inRow, () => b.i32.const(0));
          sums.forEach((_, j) => b.local.set(locals[`ps${j}`]!, () => b.i32.sub(locals[`ps${j}`]!, colSteps * 32)));
        });
        b.local.set(inBlock, () => b.i32.add(inBlock, 1));
        b.if(() => b.i32.eq(inBlock, sumSteps), () => {
          b.local.set(inBlock, () => b.i32.const(0));
          sums.forEach((_, j) => b.local.set(locals[`ps${j}`]!, () => b.i32.add(locals[`ps${j}`]!, colSteps * 32)));
        });
      } else if (sums.length > 0) {
        // (blocks are flushed by the loop below; only a step reaching past `limit` is masked)
        if (masked) b.local.set(mask, () => b.i32x4.lt_s(() => b.i32x4.add(() => b.i32x4.splat(() => b.i32.shl(i, 2)), () => b.v128.const("i32x4", [0, 1, 2, 3])), limitV));
        sums.forEach((e, j) => {
          const into = (r: number, m: V | undefined): void => {
            const z = marks[j]![r];
            if (z === undefined) lowering.accumulate(e, accs[j]![r]!.lo, accs[j]![r]!.hi, m);
            else {
              const st = second && z.alt !== undefined ? z.alt : z.main;
              lowering.fold(ops[j] === "max" ? "gt" : "lt", e, st, stepNo, m);
            }
          };
          if (blockStep < 0) into(0, masked ? mask : undefined);
          else
            for (const { r, lanes: on } of rowMasks[blockStep]!) {
              // (lanes past the end lie in rows past the last, whose partials nobody reads)
              if (on.every((x) => x !== 0)) into(r, undefined);
              else {
                b.local.set(mask, () => b.v128.const("i32x4", on));
                into(r, mask);
              }
            }
        });
        if (ops.some((op) => op !== "sum")) b.local.set(stepNo, () => b.i32.add(stepNo, 1));
      }
      for (const u of lowering.usedImports) used.add(u);
      argTypes.forEach((_, k) => {
        if (!indexed(k)) {
          b.local.set(ptrs[k]!, () => b.i32.add(ptrs[k]!, locals[`s${k}`]!));
          return;
        }
        if (strided[k] !== undefined) return; // (advanced with the coordinates below)
        const [q, r, ph, ptr] = [periods[k] ?? 0, repeats[k] ?? 0, phase[k]!, ptrs[k]!];
        b.local.set(ph, () => b.i32.add(ph, 1));
        if (q > 0) {
          // the next step of the period; back to its first at the period's end
          b.local.set(ptr, () => b.i32.add(ptr, STEP_BYTES[argTypes[k]!]));
          b.if(() => b.i32.eq(ph, q), () => {
            b.local.set(ph, () => b.i32.const(0));
            b.local.set(ptr, locals[`p${k}`]!);
          });
        } else {
          // the next element once this one has covered its r steps
          b.if(() => b.i32.eq(ph, r), () => {
            b.local.set(ph, () => b.i32.const(0));
            b.local.set(ptr, () => b.i32.add(ptr, ELEMENT_BYTES[argTypes[k]!]));
          });
        }
      });
      roots.forEach((e, r) => b.local.set(outs[r]!, () => b.i32.add(outs[r]!, STEP_BYTES[e.t])));
      if (walk !== undefined) walk.advance();
      else if (shape.length > 0) {
        // The next step: 4 elements on along the last axis; at a row's end, carry into the
        // axes before it, each strided pointer moving by its stride there minus the span of
        // the axis that wrapped.
        const r = shape.length - 1;
        const move = (delta: (st: StridedOperand) => number): void => {
          strided.forEach((st, k) => {
            if (st === undefined) return;
            const bytes = delta(st) * ELEMENT_BYTES[argTypes[k]!];
            if (bytes !== 0) b.local.set(ptrs[k]!, () => b.i32.add(ptrs[k]!, bytes));
          });
        };
        move((st) => 4 * st.strides[r]!);
        b.local.set(coords[r]!, () => b.i32.add(coords[r]!, 4));
        const carry = (d: number): void => {
          // coordinate d + 1 reached its end: back to 0, and one on along d
          b.if(() => b.i32.eq(coords[d + 1]!, shape[d + 1]!), () => {
            b.local.set(coords[d + 1]!, () => b.i32.const(0));
            move((st) => st.strides[d]! - shape[d + 1]! * st.strides[d + 1]!);
            b.local.set(coords[d]!, () => b.i32.add(coords[d]!, 1));
            if (d > 0) carry(d - 1);
          });
        };
        if (r > 0) carry(r - 1);
      }
    };
    // Steps [i, end) unmasked. An unrolled body (see `shouldUnroll`) runs two steps per iteration
    // (and a last odd one after the loop). Each element is computed by the same operations,
    // sums add in the same order, and a max or min folds each pair's second step apart and
    // merges it back exactly (mergeFold), so results are unchanged bit for bit.
    const stepsUpTo = (end: Local<"i32">): void => {
      if (!unroll) {
        b.forRange(i, i, end, () => step());
        return;
      }
      const pairsEnd = b.newLocal("i32", "pairs_end");
      b.local.set(pairsEnd, () => b.i32.add(i, () => b.i32.and(() => b.i32.sub(end, i), -2)));
      b.forRange(i, i, pairsEnd, () => {
        step();
        step(false, -1, true);
      }, 2);
      b.if(() => b.i32.lt_u(i, end), () => {
        step();
        b.local.set(i, () => b.i32.add(i, 1));
      });
    };
    b.local.set(i, () => b.i32.const(0));
    if (sums.length === 0 || colSteps > 0) stepsUpTo(locals.steps!);
    else if (byRowPattern) {
      // Rows that are not whole steps: block by block, each block's steps written out one by
      // one (each adds its lanes to its own rows), those past the call's last step skipped.
      b.block((done) => {
        b.br_if(done, () => b.i32.ge_u(i, locals.steps!));
        b.loop((block) => {
          for (let st = 0; st < sumSteps; st++) {
            b.if(() => b.i32.lt_u(i, locals.steps!), () => {
              step(false, st);
              b.local.set(i, () => b.i32.add(i, 1));
            });
          }
          flush();
          b.br_if(block, () => b.i32.lt_u(i, locals.steps!));
        });
      });
    } else {
      // Sums: block by block (each flushed at its end, so the partial sums do not depend on
      // how the steps are split between calls), and within a block, the steps whose 4
      // elements are all below `limit` with no mask and no counter, then the last one, which
      // reaches past it (at most one per call), masked.
      const full = b.newLocal("i32", "full");
      const blockEnd = b.newLocal("i32", "block_end");
      const fullEnd = b.newLocal("i32", "full_end");
      const minS = (x: Local<"i32">, y: Local<"i32">): void => {
        b.select(x, y, () => b.i32.lt_s(x, y));
      };
      b.local.set(full, () => b.i32.shr_s(locals.limit!, 2));
      b.local.set(full, () => minS(full, locals.steps!));
      b.local.set(full, () => b.select(full, () => b.i32.const(0), () => b.i32.gt_s(full, () => b.i32.const(0))));
      b.block((done) => {
        b.br_if(done, () => b.i32.ge_u(i, locals.steps!));
        b.loop((block) => {
          b.local.set(blockEnd, () => b.i32.add(i, sumSteps));
          b.local.set(blockEnd, () => minS(blockEnd, locals.steps!));
          b.local.set(fullEnd, () => minS(blockEnd, full));
          stepsUpTo(fullEnd);
          b.forRange(i, i, blockEnd, () => step(true));
          flush();
          b.br_if(block, () => b.i32.lt_u(i, locals.steps!));
        });
      });
    }
  });
  // range(start, end, …): the same loop over steps [start, end) (pointers advanced by start).
  m.addFunction("range", { params: rangeParams, export: true }, (b, locals) => {
    const start = locals.start!;
    b.call(
      kernel,
      ...argTypes.flatMap((_, k) => [() => b.i32.add(locals[`p${k}`]!, () => b.i32.mul(start, locals[`s${k}`]!)), locals[`s${k}`]!]),
      ...roots.map((e, r) => () => b.i32.add(locals[`po${r}`]!, () => b.i32.mul(start, STEP_BYTES[e.t]))),
      // (start is a multiple of sumSteps when there are sums: parallelFor's grain)
      // (a block's partials: 32 bytes, or a row of them for column sums)
      ...sums.map((_, j) => () => b.i32.add(locals[`ps${j}`]!, () => b.i32.mul(() => b.i32.div_u(start, sumSteps), (rowLength > 0 ? ROW_SUM_BYTES * ((4 * sumSteps) / rowLength) : partialBytes(ops[j]!) * Math.max(colSteps, 1))))),
      ...(sums.length > 0 ? [() => b.i32.sub(locals.limit!, () => b.i32.mul(start, 4))] : []),
      ...(periodic ? [() => b.i32.add(locals.first!, start)] : []),
      () => b.i32.sub(locals.end!, start),
    );
  });
  return { m, fns, used };
}
