// The wasm kernel of dot_general: a packed, register-blocked, cache-tiled SIMD matmul
// (PERF-NOTES §2), for float32 and float64.
//
// Every dot_general becomes, per batch index, C[M,N] = A[M,K]·B[K,N] with M the lhs free
// dims flattened, N the rhs free dims flattened and K the contracting dims flattened. The
// operands are copied into the arena anyway, so the copy IS the packing, and it reads each
// operand through offset tables of its own strides: a transposed form (A·Bᵀ, Aᵀ·B, any
// batch or contracting dim in any position) costs the same copy and never materialises a
// transposed array.
//
// Packed layouts (bytes; E = element size, 4 or 8):
// - A: panels of MR = 4 rows, k-major: panel p, step k holds rows 4p..4p+3 (4·E bytes), so
//   the micro-kernel reads A with one pointer and immediate offsets (load32/64_splat).
// - B: panels of NR columns (8 for f32, 4 for f64: 32 bytes), k-major: panel q, step k holds
//   columns NR·q..NR·q+NR-1, two v128 loads per k.
// - C: rows padded to a multiple of MR and columns to a multiple of NR, so the 4×NR
//   micro-tile never needs an edge kernel; the padding of A and B is zero (never garbage:
//   denormals or NaNs there would only land in discarded cells, but could slow the kernel).
//   Only the real M×N cells are copied out.
//
// The micro-kernel keeps the 4×NR block of C in 8 v128 locals (k innermost): per k, 2 loads
// of B, 4 splat loads of A, 8 mul+add (relaxed_madd where the engine has relaxed SIMD).
// Loop order: K block (KC) → row block (MC) → B panel → 4-row tile → k. The first K block
// stores C, later ones load, accumulate and store it. f32 accumulates in f32 (as XLA and
// tfjs do), so results differ from the js backend's float64 accumulation by rounding only.
import type { ShapedArray } from "../../aval.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import { exportedFunction, instantiateWasm, type Local, ModuleBuilder, wasmFeatures } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";

/** Rows of the micro-tile. */
const MR = 4;
/** Bytes of one k-step of a packed B panel (8 f32 or 4 f64 columns: two v128). */
const PANEL_ROW_BYTES = 32;
/** K block: a B micro-panel of KC·32 bytes (8 KiB) stays in L1 across the row tiles. */
const KC = 256;
/** Row block: an A block of MC·KC elements stays in L2 across the B panels. */
const MC = 128;

type FloatDType = "float32" | "float64";
type Floats = Float32Array | Float64Array;

/** Below this many multiply-adds per batch element the js backend is faster (measured:
 * packing and the call cost about as much as js spends on a ~16³ product). */
const DEFAULT_MIN_MACS = 4096;

/** Tuning and a call counter, for tests and benchmarks: `minMacs` is the size (M·N·K per
 * batch element) below which `supports` declines; `calls` counts kernel runs. */
export const dotGeneralWasmStats = { minMacs: DEFAULT_MIN_MACS, calls: 0 };

type DimNums = ParamsOf<"dot_general">["dimension_numbers"];
type I32 = Local<"i32">;

// ---- the module (built once, on first use) ----

type Gemm = (a: number, b: number, c: number, mp: number, panels: number, k: number) => void;
interface Kernels {
  readonly float32: Gemm;
  readonly float64: Gemm;
}
let kernels: Kernels | undefined;

function buildKernels(): Kernels {
  const m = new ModuleBuilder().importMemory("env", "mem", { initial: 0 });
  const madd = wasmFeatures().relaxedSimd;
  defineGemm(m, "gemm_f32", 4, madd);
  defineGemm(m, "gemm_f64", 8, madd);
  const instance = instantiateWasm(m.compile(), { env: { mem: arena().memory } });
  return {
    float32: exportedFunction(instance, "gemm_f32") as Gemm,
    float64: exportedFunction(instance, "gemm_f64") as Gemm,
  };
}

/** gemm(a, b, c, mp, panels, k): C (mp × panels·NR, row stride panels·32 bytes) = packed A
 * (mp/4 panels of 4 rows × k) · packed B (panels of k × NR). mp is a multiple of 4, k > 0. */
function defineGemm(m: ModuleBuilder, name: string, elem: 4 | 8, madd: boolean): void {
  const params = { a: "i32", b: "i32", c: "i32", mp: "i32", panels: "i32", k: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, p) => {
    const v = elem === 4 ? b.f32x4 : b.f64x2;
    const splat = (ptr: Local, offset: number) => (elem === 4 ? b.v128.load32_splat(ptr, { offset }) : b.v128.load64_splat(ptr, { offset }));
    const aStep = MR * elem;
    const [k0, kc, i0, iEnd, jp, i, pa, paEnd, pb, pbBase, ldc, aPanel, bPanel] = [
      "k0", "kc", "i0", "iEnd", "jp", "i", "pa", "paEnd", "pb", "pbBase", "ldc", "aPanel", "bPanel",
    ].map((n) => b.newLocal("i32", n)) as [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32];
    const acc = Array.from({ length: 2 * MR }, (_, n) => b.newLocal("v128", `c${n >> 1}${n & 1}`));
    const b0 = b.newLocal("v128", "b0");
    const b1 = b.newLocal("v128", "b1");
    const av = b.newLocal("v128", "a");
    const rowPtr = Array.from({ length: MR }, (_, r) => b.newLocal("i32", `pc${r}`));

    b.local.set(ldc, () => b.i32.mul(p.panels, PANEL_ROW_BYTES));
    b.local.set(aPanel, () => b.i32.mul(p.k, aStep));
    b.local.set(bPanel, () => b.i32.mul(p.k, PANEL_ROW_BYTES));
    b.forRange(k0, 0, p.k, () => {
      b.local.set(kc, () => b.i32.sub(p.k, k0));
      b.local.set(kc, () => b.select(() => b.i32.const(KC), kc, () => b.i32.gt_u(kc, KC)));
      b.forRange(i0, 0, p.mp, () => {
        b.local.set(iEnd, () => b.i32.add(i0, MC));
        b.local.set(iEnd, () => b.select(p.mp, iEnd, () => b.i32.gt_u(iEnd, p.mp)));
        b.forRange(jp, 0, p.panels, () => {
          // pbBase = b + jp·bPanel + k0·32
          b.local.set(pbBase, () => b.i32.add(() => b.i32.add(p.b, () => b.i32.mul(jp, bPanel)), () => b.i32.mul(k0, PANEL_ROW_BYTES)));
          b.forRange(i, i0, iEnd, () => {
            // pa = a + (i/4)·aPanel + k0·aStep; pc = c + i·ldc + jp·32
            b.local.set(pa, () => b.i32.add(() => b.i32.add(p.a, () => b.i32.mul(() => b.i32.shr_u(i, 2), aPanel)), () => b.i32.mul(k0, aStep)));
            b.local.set(rowPtr[0]!, () => b.i32.add(() => b.i32.add(p.c, () => b.i32.mul(i, ldc)), () => b.i32.mul(jp, PANEL_ROW_BYTES)));
            for (let r = 1; r < MR; r++) b.local.set(rowPtr[r]!, () => b.i32.add(rowPtr[r - 1]!, ldc));
            b.if(
              () => b.i32.eqz(k0),
              () => {
                for (const x of acc) b.local.set(x, () => b.v128.const("i32x4", [0, 0, 0, 0]));
              },
              () => {
                acc.forEach((x, n) => b.local.set(x, () => b.v128.load(rowPtr[n >> 1]!, { offset: (n & 1) * 16 })));
              },
            );
            b.local.set(pb, pbBase);
            b.local.set(paEnd, () => b.i32.add(pa, () => b.i32.mul(kc, aStep)));
            b.forRange(
              pa,
              pa,
              paEnd,
              () => {
                b.local.set(b0, () => b.v128.load(pb));
                b.local.set(b1, () => b.v128.load(pb, { offset: 16 }));
                for (let r = 0; r < MR; r++) {
                  b.local.set(av, () => splat(pa, r * elem));
                  for (const [h, bv] of [[0, b0], [1, b1]] as const) {
                    const x = acc[2 * r + h]!;
                    if (madd) b.local.set(x, () => v.relaxed_madd(av, bv, x));
                    else b.local.set(x, () => v.add(x, () => v.mul(av, bv)));
                  }
                }
                b.local.set(pb, () => b.i32.add(pb, PANEL_ROW_BYTES));
              },
              aStep,
            );
            acc.forEach((x, n) => b.v128.store(rowPtr[n >> 1]!, x, { offset: (n & 1) * 16 }));
          }, MR);
        });
      }, MC);
    }, KC);
  });
}

// ---- mapping a dot_general onto C = A·B ----

/** Element offsets of every flattened index over `dims` (row-major in the order given). */
function offsetTable(shape: readonly number[], strides: readonly number[], dims: readonly number[]): Int32Array {
  let table = new Int32Array([0]);
  for (const d of dims) {
    const n = shape[d]!;
    const s = strides[d]!;
    const next = new Int32Array(table.length * n);
    let o = 0;
    for (const t of table) for (let x = 0; x < n; x++) next[o++] = t + x * s;
    table = next;
  }
  return table;
}

const freeDims = (ndim: number, ...taken: (readonly number[])[]): number[] =>
  Array.from({ length: ndim }, (_, i) => i).filter((i) => !taken.some((t) => t.includes(i)));

/** How one operand is read: offsets of its batch, free (rows of A / columns of B) and
 * contracting indices. */
interface OperandPlan {
  readonly batch: Int32Array;
  readonly free: Int32Array;
  readonly contract: Int32Array;
}

function planOf(aval: ShapedArray, batchDims: readonly number[], contractDims: readonly number[]): OperandPlan {
  const strides = stridesOf(aval.shape);
  return {
    batch: offsetTable(aval.shape, strides, batchDims),
    free: offsetTable(aval.shape, strides, freeDims(aval.ndim, batchDims, contractDims)),
    contract: offsetTable(aval.shape, strides, contractDims),
  };
}

/** Packs A (rows `free`, k `contract`, from `src` at `base`) into 4-row k-major panels at
 * element index `at` of `dst`; rows past M are zero. */
function packA(src: Floats, base: number, plan: OperandPlan, dst: Floats, at: number): void {
  const { free: rows, contract: ks } = plan;
  const M = rows.length;
  const K = ks.length;
  let o = at;
  for (let i = 0; i < M; i += MR) {
    if (i + MR <= M) {
      const r0 = base + rows[i]!;
      const r1 = base + rows[i + 1]!;
      const r2 = base + rows[i + 2]!;
      const r3 = base + rows[i + 3]!;
      for (let k = 0; k < K; k++) {
        const kk = ks[k]!;
        dst[o] = src[r0 + kk]!;
        dst[o + 1] = src[r1 + kk]!;
        dst[o + 2] = src[r2 + kk]!;
        dst[o + 3] = src[r3 + kk]!;
        o += MR;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const kk = ks[k]!;
        for (let r = 0; r < MR; r++) dst[o + r] = i + r < M ? src[base + rows[i + r]! + kk]! : 0;
        o += MR;
      }
    }
  }
}

/** Packs B (columns `free`, k `contract`) into NR-column k-major panels at element index
 * `at` of `dst`; columns past N are zero. */
function packB(src: Floats, base: number, plan: OperandPlan, nr: number, dst: Floats, at: number): void {
  const { free: cols, contract: ks } = plan;
  const N = cols.length;
  const K = ks.length;
  let o = at;
  for (let j = 0; j < N; j += nr) {
    const w = Math.min(nr, N - j);
    if (w === 8) {
      const c0 = base + cols[j]!;
      const c1 = base + cols[j + 1]!;
      const c2 = base + cols[j + 2]!;
      const c3 = base + cols[j + 3]!;
      const c4 = base + cols[j + 4]!;
      const c5 = base + cols[j + 5]!;
      const c6 = base + cols[j + 6]!;
      const c7 = base + cols[j + 7]!;
      for (let k = 0; k < K; k++) {
        const kk = ks[k]!;
        dst[o] = src[c0 + kk]!;
        dst[o + 1] = src[c1 + kk]!;
        dst[o + 2] = src[c2 + kk]!;
        dst[o + 3] = src[c3 + kk]!;
        dst[o + 4] = src[c4 + kk]!;
        dst[o + 5] = src[c5 + kk]!;
        dst[o + 6] = src[c6 + kk]!;
        dst[o + 7] = src[c7 + kk]!;
        o += 8;
      }
    } else if (w === 4 && nr === 4) {
      const c0 = base + cols[j]!;
      const c1 = base + cols[j + 1]!;
      const c2 = base + cols[j + 2]!;
      const c3 = base + cols[j + 3]!;
      for (let k = 0; k < K; k++) {
        const kk = ks[k]!;
        dst[o] = src[c0 + kk]!;
        dst[o + 1] = src[c1 + kk]!;
        dst[o + 2] = src[c2 + kk]!;
        dst[o + 3] = src[c3 + kk]!;
        o += 4;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const kk = ks[k]!;
        for (let c = 0; c < nr; c++) dst[o + c] = c < w ? src[base + cols[j + c]! + kk]! : 0;
        o += nr;
      }
    }
  }
}

function runDotGeneral(a: Floats, b: Floats, la: ShapedArray, ra: ShapedArray, [[lc, rc], [lb, rb]]: DimNums, out: Floats): void {
  dotGeneralWasmStats.calls++;
  const lhs = planOf(la, lb, lc);
  const rhs = planOf(ra, rb, rc);
  const batch = lhs.batch.length;
  const M = lhs.free.length;
  const N = rhs.free.length;
  const K = lhs.contract.length;
  if (M === 0 || N === 0 || batch === 0) return;
  if (K === 0) {
    out.fill(0);
    return;
  }
  const dtype = la.dtype as FloatDType;
  const elem = dtype === "float32" ? 4 : 8;
  const nr = PANEL_ROW_BYTES / elem;
  const mp = Math.ceil(M / MR) * MR;
  const panels = Math.ceil(N / nr);
  const ldc = panels * nr;
  kernels ??= buildKernels();
  const gemm = kernels[dtype];
  const mem = arena();
  mem.reset();
  const aAt = mem.reserve(mp * K * elem);
  const bAt = mem.reserve(ldc * K * elem);
  const cAt = mem.reserve(mp * ldc * elem);
  // Views after every reserve: a grow detaches the old buffer.
  const heap: Floats = dtype === "float32" ? new Float32Array(mem.memory.buffer) : new Float64Array(mem.memory.buffer);
  const c = heap.subarray(cAt / elem, cAt / elem + mp * ldc);
  for (let t = 0; t < batch; t++) {
    packA(a, lhs.batch[t]!, lhs, heap, aAt / elem);
    packB(b, rhs.batch[t]!, rhs, nr, heap, bAt / elem);
    gemm(aAt, bAt, cAt, mp, panels, K);
    const o = t * M * N;
    if (ldc === N) out.set(c.subarray(0, M * N), o);
    else for (let i = 0; i < M; i++) out.set(c.subarray(i * ldc, i * ldc + N), o + i * N);
  }
}

// ---- registration ----

function supports(inAvals: readonly ShapedArray[], { dimension_numbers: [[lc], [lb]] }: ParamsOf<"dot_general">): boolean {
  const [la, ra] = inAvals;
  if (la === undefined || ra === undefined) return false;
  if (la.dtype !== ra.dtype || (la.dtype !== "float32" && la.dtype !== "float64")) return false;
  if (!wasmFeatures().simd) return false;
  const size = (dims: readonly number[]) => dims.reduce((p, d) => p * la.shape[d]!, 1);
  const batch = size(lb);
  const K = size(lc);
  if (batch === 0 || K === 0 || la.size === 0 || ra.size === 0) return false;
  const M = la.size / (batch * K);
  const N = ra.size / (batch * K);
  return M * N * K >= dotGeneralWasmStats.minMacs;
}

defineWasmKernel("dot_general", {
  supports,
  run([a, b], [la, ra], params, _outAvals, [out]) {
    runDotGeneral(a as Floats, b as Floats, la!, ra!, params.dimension_numbers, out as Floats);
  },
});
