// The wasm kernel of dot_general: a packed, register-blocked, cache-tiled SIMD matmul
// (PERF-NOTES §2), for float32 and float64.
//
// Every dot_general becomes, per batch index, C[M,N] = A[M,K]·B[K,N] with M the lhs free
// dims flattened, N the rhs free dims flattened and K the contracting dims flattened. The
// operands are copied into the arena as they are (a memcpy) unless they already live there
// (a compiled program's values: then they are read, and C is written, in place; a C that
// overlaps an operand goes through scratch, since a later thread chunk may still be packing
// its rows of A while an earlier one writes C), and wasm pack functions then
// read them through offset tables of their own strides (or a stride, when the offsets are
// even): a transposed form (A·Bᵀ, Aᵀ·B, any batch or contracting dim in any position) costs
// the same packing and never materialises a transposed array. A thin product (N the small
// side, e.g. matrix·vector) is computed as Cᵀ = Bᵀ·Aᵀ, which pads less.
//
// Packed layouts (bytes; E = element size, 4 or 8):
// - A: panels of MR = 4 rows, k-major: panel p, step k holds rows 4p..4p+3 (4·E bytes), so
//   the micro-kernel reads A with one pointer and immediate offsets (load32/64_splat).
// - B: panels of NR columns (8 for f32, 4 for f64: 32 bytes), k-major: panel q, step k holds
//   columns NR·q..NR·q+NR-1, two v128 loads per k.
// - C: rows padded to a multiple of MR and columns to a multiple of NR, so the 4×NR
//   micro-tile never needs an edge kernel. Padded rows of A and columns of B repeat the
//   last real one (real data, so no stray denormals or NaNs from old arena contents); they
//   only feed padded cells of C, and only the real M×N cells are copied out.
//
// The micro-kernel keeps the 4×NR block of C in 8 v128 locals (k innermost): per k, 2 loads
// of B, 4 splat loads of A, 8 mul+add (relaxed_madd where the engine has relaxed SIMD).
// Loop order: K block (KC) → row block (MC) [both in JS, one wasm call each] → B panel →
// 4-row tile → k. The first K block stores C, later ones load, accumulate and store it.
// f32 accumulates in f32 (as XLA and tfjs do), so results differ from the js backend's
// float64 accumulation by rounding only.
import type { ShapedArray } from "../../aval.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import { exportedFunction, type FunctionBuilder, type FunctionRef, type Local, ModuleBuilder, type Operand, wasmFeatures } from "../wasm/index.js";
import { arena, arenaMemoryLimits, compileOnArena } from "./arena.js";
import { emitTransposeRegisters, runCopy } from "./layout.js";
import { defineWasmKernel } from "./backend.js";
import { runIntDot, supportsIntDot } from "./dot-int.js";
import { onReady } from "./ready.js";
import { type Drain, type ParallelKernel, parallelFor, registerParallelKernel } from "./threads/pool.js";

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

/** Below this many multiply-adds per batch element (M·N·K), or this many outputs (M·N),
 * the js backend is as fast (measured: a call costs ~2.5 µs of fixed work, about what js
 * spends on a 10³ product; an M·N of 4 pads to a 4×8 tile, 8× the work). */
const DEFAULT_MIN_MACS = 1024;
const MIN_OUTPUTS = 16;

/** From this many multiply-adds per batch element (M·N·K) on, a product is split across the
 * thread pool: 2^20 ≈ 101³, ~70 µs on one thread. Measured on this 2-vCPU machine with the
 * other vCPU idle (medians, `jit` of one product, 1 vs 2 threads in one process): 96³ 0.071
 * → 0.065 ms, 112³ 0.085 → 0.067, 128³ 0.137 → 0.100, 160³ 0.238 → 0.182; 64³-80³ break
 * even. A worker that wakes late (the other vCPU busy) no longer holds the caller up: it
 * finds the batch closed (threads/protocol.ts, STATE), so a loaded machine costs a split
 * little more than the dispatch itself. */
const DEFAULT_PARALLEL_MIN_MACS = 2 ** 20;

/** A split product's chunks are multiples of 8 row tiles (32 rows), so each packed B
 * micro-panel is still reused across 32+ rows before the next is loaded. */
const GEMM_GRAIN = 8;

/** Tuning and call counters, for tests and benchmarks: `minMacs` is the size (M·N·K per
 * batch element) below which `supports` declines (0: every size, for tests);
 * `parallelMinMacs` the size from which a product is split across threads (0: always, for
 * tests); `calls` counts kernel runs, `inPlace` those that read an operand or wrote C where
 * it already was in the arena (a compiled program's values), `epilogues` those that ran a
 * fused epilogue (withDotEpilogue). */
export const dotGeneralWasmStats = { minMacs: DEFAULT_MIN_MACS, parallelMinMacs: DEFAULT_PARALLEL_MIN_MACS, calls: 0, inPlace: 0, epilogues: 0 };

type DimNums = ParamsOf<"dot_general">["dimension_numbers"];

// ---- the module (built once, on first use) ----

type Gemm = (a: number, b: number, c: number, i0: number, iEnd: number, panels: number, k: number, k0: number, kc: number) => void;
interface DTypeKernels {
  /** gemm_tiles(t0, t1, ...): packs A's panels t0..t1 and computes those 4-row tiles of C
   * over every K block and row block (see `defineGemmTiles`). Splittable across threads. */
  readonly gemmTiles: ParallelKernel;
  /** pack_b(p0, p1, ...): packs B's panels p0..p1 (see `definePackRange`). Splittable. */
  readonly packB: ParallelKernel;
  /** The block kernel itself (tests, benchmarks). */
  readonly gemm: Gemm;
}
/** One module per dtype, each built on first use (assembling runs cold JS: ~8 ms each). */
const kernels: { float32?: DTypeKernels; float64?: DTypeKernels } = {};

const kernelsOf = (dtype: FloatDType): DTypeKernels => (kernels[dtype] ??= buildKernels(dtype));
onReady(() => kernelsOf("float32"));
onReady(() => kernelsOf("float64"));

function buildKernels(dtype: FloatDType): DTypeKernels {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
  const madd = wasmFeatures().relaxedSimd;
  const elem = dtype === "float32" ? 4 : 8;
  const gemm = defineGemm(m, "gemm", elem, madd);
  const packA = definePack(m, "pack_a_generic", MR, elem, false);
  const packB = definePack(m, "pack_b_generic", PANEL_ROW_BYTES / elem, elem, false);
  const packAContiguous = definePack(m, "pack_a_contiguous", MR, elem, true);
  const packBContiguous = definePack(m, "pack_b_contiguous", PANEL_ROW_BYTES / elem, elem, true);
  const packARange = definePackRange(m, "pack_a", MR, elem, packAContiguous, packA, false);
  definePackRange(m, "pack_b", PANEL_ROW_BYTES / elem, elem, packBContiguous, packB, true);
  defineGemmTiles(m, "gemm_tiles", gemm, packARange);
  const { module, instance } = compileOnArena(m);
  return {
    gemmTiles: registerParallelKernel(module, instance, "gemm_tiles"),
    packB: registerParallelKernel(module, instance, "pack_b"),
    gemm: exportedFunction(instance, "gemm") as Gemm,
  };
}

/** Unsigned i32 min/max (operands are emitted twice: pass locals or constants). */
const asI32 = (b: FunctionBuilder, x: Operand): Operand => (typeof x === "number" ? () => b.i32.const(x) : x);
const minU = (b: FunctionBuilder, x: Operand, y: Operand): void => {
  b.select(asI32(b, x), asI32(b, y), () => b.i32.lt_u(x, y));
};
const maxU = (b: FunctionBuilder, x: Operand, y: Operand): void => {
  b.select(asI32(b, x), asI32(b, y), () => b.i32.gt_u(x, y));
};

/** pack(p0, p1, src, lanes, full, ks, kStride, k, dst): packs panels p0..p1 of an operand
 * whose panels are `width` lanes wide (panel p's lane offsets at lanes + p·width·4, its packed
 * rows at dst + p·k·width·elem): panels below `full` have adjacent lanes (the contiguous
 * packer), the rest go through the generic one. */
function definePackRange(m: ModuleBuilder, name: string, width: number, elem: number, contiguous: FunctionRef, generic: FunctionRef, exported: boolean): FunctionRef {
  const params = { p0: "i32", p1: "i32", src: "i32", lanes: "i32", full: "i32", ks: "i32", kStride: "i32", k: "i32", dst: "i32" } as const;
  return m.addFunction(name, { params, export: exported }, (b, p) => {
    const mid = b.newLocal("i32", "mid");
    const panelBytes = b.newLocal("i32", "panelBytes");
    b.local.set(panelBytes, () => b.i32.mul(p.k, width * elem));
    // mid = min(p1, max(p0, full)): [p0, mid) contiguous, [mid, p1) generic.
    b.local.set(mid, () => minU(b, p.p1, () => maxU(b, p.p0, p.full)));
    const part = (fn: FunctionRef, from: Operand, to: Operand): void => {
      b.if(
        () => b.i32.lt_u(from, to),
        () => {
          b.call(
            fn,
            p.src,
            () => b.i32.add(p.lanes, () => b.i32.mul(from, width * 4)),
            () => b.i32.sub(to, from),
            p.ks,
            p.kStride,
            p.k,
            () => b.i32.add(p.dst, () => b.i32.mul(from, panelBytes)),
          );
        },
      );
    };
    part(contiguous, p.p0, mid);
    part(generic, mid, p.p1);
  });
}

/** gemm_tiles(t0, t1, a, b, c, panels, k, src, lanes, full, ks, kStride): packs A's panels
 * t0..t1 (from the raw operand at src, as pack_a) into a, then computes rows 4·t0..4·t1 of C
 * from packed A and packed B: K block → row block, one `gemm` call each (so a first big
 * product leaves V8's baseline tier after a few blocks: wasm has no on-stack replacement).
 * Disjoint tile ranges touch disjoint bytes of A and C, so they can run on different threads. */
function defineGemmTiles(m: ModuleBuilder, name: string, gemm: FunctionRef, packA: FunctionRef): void {
  const params = { t0: "i32", t1: "i32", a: "i32", b: "i32", c: "i32", panels: "i32", k: "i32", src: "i32", lanes: "i32", full: "i32", ks: "i32", kStride: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, p) => {
    const [k0, i0, iEnd, rowsEnd] = b.newLocals("i32", ["k0", "i0", "iEnd", "rowsEnd"]);
    b.call(packA, p.t0, p.t1, p.src, p.lanes, p.full, p.ks, p.kStride, p.k, p.a);
    b.local.set(rowsEnd, () => b.i32.shl(p.t1, 2));
    b.forRange(k0, 0, p.k, () => {
      b.forRange(i0, () => b.i32.shl(p.t0, 2), rowsEnd, () => {
        b.local.set(iEnd, () => minU(b, () => b.i32.add(i0, MC), rowsEnd));
        b.call(gemm, p.a, p.b, p.c, i0, iEnd, p.panels, p.k, k0, () => minU(b, KC, () => b.i32.sub(p.k, k0)));
      }, MC);
    }, KC);
  });
}

/** pack(src, lanes, panels, ks, kStride, k, dst): for each of `panels` panels of `width`
 * lanes (lane w of panel p starts at src + lanes[p·width + w], i32 byte offsets), writes
 * k-major rows of `width` elements to dst: row k holds each lane's element at byte offset
 * ks[k] (an i32 table), or k·kStride when ks is 0. `contiguous`: the lanes of a panel are
 * adjacent elements (only lanes[p·width] is read) and each row is one 16/32-byte copy.
 * Otherwise, for lanes that are each contiguous along k (kStride = elem: a row-major A, or B
 * in A·Bᵀ), 16/elem steps of k go at once: as many vector loads and a register transpose per
 * group of as many lanes (measured at 128² f32: A's packing 5.5 → 2.4 µs of a 120 µs product). */
function definePack(m: ModuleBuilder, name: string, width: number, elem: 4 | 8, contiguous: boolean): FunctionRef {
  const params = { src: "i32", lanes: "i32", panels: "i32", ks: "i32", kStride: "i32", k: "i32", dst: "i32" } as const;
  return m.addFunction(name, { params }, (b, p) => {
    const [q, j, kk, kp, kEnd] = b.newLocals("i32", ["q", "j", "kk", "kp", "kEnd"]);
    const lane = Array.from({ length: contiguous ? 1 : width }, (_, w) => b.newLocal("i32", `l${w}`));
    const rowBytes = width * elem;
    const L = 16 / elem;
    const transposes = contiguous || width % L !== 0 ? undefined : { v: Array.from({ length: L }, (_, r) => b.newLocal("v128", `v${r}`)), w: L === 4 ? Array.from({ length: 4 }, (_, r) => b.newLocal("v128", `w${r}`)) : [] };
    const copyRow = () => {
      if (contiguous) {
        for (let o = 0; o < rowBytes; o += 16) b.v128.store(p.dst, () => b.v128.load(() => b.i32.add(lane[0]!, kk), { offset: o, align: elem }), { offset: o });
      } else {
        lane.forEach((l, w) => {
          if (elem === 4) b.f32.store(p.dst, () => b.f32.load(() => b.i32.add(l, kk)), { offset: w * elem });
          else b.f64.store(p.dst, () => b.f64.load(() => b.i32.add(l, kk)), { offset: w * elem });
        });
      }
      b.local.set(p.dst, () => b.i32.add(p.dst, rowBytes));
    };
    b.forRange(q, 0, p.panels, () => {
      lane.forEach((l, w) => b.local.set(l, () => b.i32.add(p.src, () => b.i32.load(() => b.i32.add(p.lanes, () => b.i32.mul(q, width * 4)), { offset: w * 4 }))));
      b.if(
        () => b.i32.eqz(p.ks),
        () => {
          b.local.set(kk, 0);
          b.local.set(j, 0);
          // Lanes each contiguous along k (a row-major A, a Bᵀ): L = 16/elem steps of k at a
          // time (4 for f32, 2 for f64), each group of L lanes loaded as L vectors and
          // transposed in registers.
          if (transposes !== undefined) {
            b.if(
              () => b.i32.eq(p.kStride, elem),
              () => {
                b.local.set(kEnd, () => b.i32.and(p.k, -L));
                b.forRange(j, 0, kEnd, () => {
                  for (let g = 0; g < width; g += L) {
                    transposes.v.forEach((vr, r) => b.local.set(vr, () => b.v128.load(() => b.i32.add(lane[g + r]!, kk), { align: elem })));
                    emitTransposeRegisters(b, transposes.v, transposes.w, (c, value) => b.v128.store(p.dst, value, { offset: c * rowBytes + g * elem, align: elem }));
                  }
                  b.local.set(p.dst, () => b.i32.add(p.dst, L * rowBytes));
                  b.local.set(kk, () => b.i32.add(kk, 16));
                }, L);
              },
            );
          }
          b.forRange(j, j, p.k, () => {
            copyRow();
            b.local.set(kk, () => b.i32.add(kk, p.kStride));
          });
        },
        () => {
          b.local.set(kEnd, () => b.i32.add(p.ks, () => b.i32.shl(p.k, 2)));
          b.forRange(kp, p.ks, kEnd, () => {
            b.local.set(kk, () => b.i32.load(kp));
            copyRow();
          }, 4);
        },
      );
    });
  });
}

/** gemm(a, b, c, i0, iEnd, panels, k, k0, kc): rows i0..iEnd (multiples of 4) of C (row
 * stride panels·32 bytes) (+)= packed A (panels of 4 rows × k) · packed B (panels of k × NR),
 * over k0..k0+kc only: C is stored when k0 = 0, else accumulated. The K and row blocks are
 * looped over in JS (one call each), so a first big product leaves V8's baseline tier after
 * a few blocks instead of running entirely in it (wasm has no on-stack replacement). */
function defineGemm(m: ModuleBuilder, name: string, elem: 4 | 8, madd: boolean): FunctionRef {
  const params = { a: "i32", b: "i32", c: "i32", i0: "i32", iEnd: "i32", panels: "i32", k: "i32", k0: "i32", kc: "i32" } as const;
  return m.addFunction(name, { params, export: true }, (b, p) => {
    const v = elem === 4 ? b.f32x4 : b.f64x2;
    const splat = (ptr: Local, offset: number) => (elem === 4 ? b.v128.load32_splat(ptr, { offset }) : b.v128.load64_splat(ptr, { offset }));
    const aStep = MR * elem;
    const { k0, kc, i0, iEnd } = p;
    const [jp, i, pa, paEnd, pb, pbBase, ldc, aPanel, bPanel] = b.newLocals("i32", ["jp", "i", "pa", "paEnd", "pb", "pbBase", "ldc", "aPanel", "bPanel"]);
    const acc = Array.from({ length: 2 * MR }, (_, n) => b.newLocal("v128", `c${n >> 1}${n & 1}`));
    const b0 = b.newLocal("v128", "b0");
    const b1 = b.newLocal("v128", "b1");
    const av = b.newLocal("v128", "a");
    const rowPtr = Array.from({ length: MR }, (_, r) => b.newLocal("i32", `pc${r}`));

    b.local.set(ldc, () => b.i32.mul(p.panels, PANEL_ROW_BYTES));
    b.local.set(aPanel, () => b.i32.mul(p.k, aStep));
    b.local.set(bPanel, () => b.i32.mul(p.k, PANEL_ROW_BYTES));
    // Loop order inside one K block and row block: B panel → 4-row tile → k.
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
  });
}

// ---- mapping a dot_general onto C = A·B ----
// Per call, everything is written straight into the arena through cached views (no
// per-call tables or views beyond a few small arrays): small products are dominated by
// this fixed cost, and it decides where wasm starts to beat js.

interface Views {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly f32: Float32Array;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
}
let views: Views | undefined;

/** Typed views of the arena's whole memory (rebuilt after a grow replaced the buffer). */
function viewsOf(buffer: ArrayBuffer | SharedArrayBuffer): Views {
  if (views?.buffer !== buffer) views = { buffer, f32: new Float32Array(buffer), f64: new Float64Array(buffer), i32: new Int32Array(buffer) };
  return views;
}

const sizeOver = (shape: readonly number[], dims: readonly number[]): number => {
  let n = 1;
  for (const d of dims) n *= shape[d]!;
  return n;
};

const freeDims = (ndim: number, batchDims: readonly number[], contractDims: readonly number[]): number[] => {
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) if (!batchDims.includes(i) && !contractDims.includes(i)) out.push(i);
  return out;
};

/** Writes the offsets (elements × `scale`) of every flattened index over `dims` (row-major in
 * the order given) to dst[at...]; returns how many. Expands in place from the back. */
function writeOffsets(shape: readonly number[], strides: readonly number[], dims: readonly number[], scale: number, dst: Int32Array, at: number): number {
  dst[at] = 0;
  let count = 1;
  for (const d of dims) {
    const n = shape[d]!;
    const s = strides[d]! * scale;
    for (let t = count - 1; t >= 0; t--) {
      const base = dst[at + t]!;
      for (let x = n - 1; x >= 0; x--) dst[at + t * n + x] = base + x * s;
    }
    count *= n;
  }
  return count;
}

/** The stride of the offsets dst[at..at+count) when evenly spaced (0 for one entry), else
 * undefined. */
function strideOf(dst: Int32Array, at: number, count: number): number | undefined {
  if (count < 2) return 0;
  const s = dst[at + 1]! - dst[at]!;
  for (let i = 2; i < count; i++) if (dst[at + i]! - dst[at + i - 1]! !== s) return undefined;
  return s;
}

/** One operand: its dims split into batch, free (rows of A / columns of B: the lanes of the
 * packed panels) and contracting, and its panel width. */
interface Side {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly batchDims: readonly number[];
  readonly freeDims: readonly number[];
  readonly contractDims: readonly number[];
  /** Lanes (free indices) rounded up to whole panels. */
  readonly padded: number;
  readonly width: number;
}

function operandOf(aval: ShapedArray, batchDims: readonly number[], contractDims: readonly number[], width: number): Side {
  const free = freeDims(aval.ndim, batchDims, contractDims);
  return {
    shape: aval.shape,
    strides: stridesOf(aval.shape),
    batchDims,
    freeDims: free,
    contractDims,
    padded: Math.ceil(sizeOver(aval.shape, free) / width) * width,
    width,
  };
}

/** An operand's offset tables, built once per product shape (see planOf): `lanes`, the byte
 * offsets of its free indices, padded to whole panels by repeating the last lane (padded
 * lanes only feed discarded cells of C); `ks`, those of its contracting indices, read only
 * when they are unevenly spaced (kStride undefined); and how many leading panels have
 * adjacent lanes. */
interface Tables {
  readonly lanes: Int32Array;
  readonly ks: Int32Array;
  readonly kStride: number | undefined;
  readonly contiguousPanels: number;
}

function tablesOf(x: Side, elem: number): Tables {
  const lanes = new Int32Array(x.padded);
  const n = writeOffsets(x.shape, x.strides, x.freeDims, elem, lanes, 0);
  lanes.fill(lanes[n - 1]!, n);
  const ks = new Int32Array(sizeOver(x.shape, x.contractDims));
  const K = writeOffsets(x.shape, x.strides, x.contractDims, elem, ks, 0);
  const kStride = strideOf(ks, 0, K);
  return { lanes, ks, kStride, contiguousPanels: strideOf(lanes, 0, n) === elem ? Math.floor(n / x.width) : 0 };
}

/** Writes `t` into the arena (lanes at byte lanesAt, ks at ksAt when needed); returns the pack
 * arguments: the ks table's address or 0, the k stride, the contiguous panels. */
function writeTables(t: Tables, i32: Int32Array, lanesAt: number, ksAt: number): { readonly ks: number; readonly kStride: number; readonly contiguousPanels: number } {
  i32.set(t.lanes, lanesAt >> 2);
  if (t.kStride === undefined) i32.set(t.ks, ksAt >> 2);
  return { ks: t.kStride === undefined ? ksAt : 0, kStride: t.kStride ?? 0, contiguousPanels: t.contiguousPanels };
}

/** Element offsets of each batch index (one 0 without batch dims). */
function batchOffsets(x: Side): Int32Array {
  const out = new Int32Array(sizeOver(x.shape, x.batchDims));
  writeOffsets(x.shape, x.strides, x.batchDims, 1, out, 0);
  return out;
}

const roundUp = (x: number, w: number): number => Math.ceil(x / w) * w;

/** Copies the real cells of C (rows × ldc, padded) into out at `o`: out[i·n + j] = C[i][j], or
 * C[j][i] when the product was computed transposed. */
function copyOut(c: Floats, ldc: number, m: number, n: number, transposed: boolean, out: Floats, o: number): void {
  if (transposed) {
    for (let j = 0; j < n; j++) for (let i = 0, src = j * ldc; i < m; i++) out[o + i * n + j] = c[src + i]!;
  } else copyRows(c, ldc, 0, m, n, out, o);
}

/** Rows r0..r1 of C (row stride ldc) into rows r0..r1 of out (n columns, from element o).
 * Padded rows (ldc > n), from COMPACT_ROWS rows on, go through one wasm strided copy instead
 * of a view and a copy per row: straight into out when out is in the arena too (a compiled
 * program's value), else compacted in place within these rows of C (row i moves down to
 * r0·ldc + (i − r0)·n, which never reaches a row not yet moved) and then copied out at once.
 * Measured at 100 rows of 100 f32 (ldc 104): 4.6 and 6.9 µs → about 1.5 and 3.5. */
function copyRows(c: Floats, ldc: number, r0: number, r1: number, n: number, out: Floats, o: number): void {
  if (ldc === n) out.set(c.subarray(r0 * n, r1 * n), o + r0 * n);
  else if (r1 - r0 >= COMPACT_ROWS) {
    const es = c.BYTES_PER_ELEMENT as 4 | 8;
    const from = c.byteOffset + r0 * ldc * es;
    const box = { n: [r1 - r0, n], s: [ldc, 1], d: [n, 1] };
    if (out.buffer === c.buffer) runCopy(es, from, out.byteOffset + (o + r0 * n) * es, box);
    else {
      runCopy(es, from, from, box);
      out.set(c.subarray(r0 * ldc, r0 * ldc + (r1 - r0) * n), o + r0 * n);
    }
  } else for (let i = r0; i < r1; i++) out.set(c.subarray(i * ldc, i * ldc + n), o + i * n);
}
const COMPACT_ROWS = 8;

/** Everything about a product that its shapes and dimension numbers decide: sizes, whether
 * it is computed transposed, each operand's side and offset tables (see planOf). */
interface DotPlan {
  readonly batch: number;
  readonly K: number;
  readonly M: number;
  readonly N: number;
  readonly transposed: boolean;
  readonly rows: Side;
  readonly cols: Side;
  readonly rowsTables: Tables;
  readonly colsTables: Tables;
  readonly rowsBatch: Int32Array | undefined;
  readonly colsBatch: Int32Array | undefined;
}

/** The plans made for each left operand's aval (the last PLANS_PER_AVAL, one per right aval
 * and dimension numbers): a compiled program passes the same aval objects at every call, so
 * its products skip the planning (about 3 µs a product at 100²; one aval can feed several
 * products, as A feeds A·x and A·X in a Hessian); eager calls make new avals and plan each
 * time. */
const plans = new WeakMap<ShapedArray, { readonly ra: ShapedArray; readonly dims: DimNums; readonly plan: DotPlan | undefined }[]>();
const PLANS_PER_AVAL = 4;

function planOf(la: ShapedArray, ra: ShapedArray, dims: DimNums): DotPlan | undefined {
  let list = plans.get(la);
  if (list === undefined) {
    list = [];
    plans.set(la, list);
  }
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.ra === ra && e.dims === dims) return e.plan;
  }
  const plan = makePlan(la, ra, dims);
  if (list.length === PLANS_PER_AVAL) list.shift();
  list.push({ ra, dims, plan });
  return plan;
}

/** The plan of a product with every size nonzero, else undefined (see runDotGeneral). */
function makePlan(la: ShapedArray, ra: ShapedArray, [[lc, rc], [lb, rb]]: DimNums): DotPlan | undefined {
  const elem = la.dtype === "float32" ? 4 : 8;
  const nr = PANEL_ROW_BYTES / elem;
  const batch = sizeOver(la.shape, lb);
  const K = sizeOver(la.shape, lc);
  const M = batch * K === 0 ? 0 : la.size / (batch * K);
  const N = batch * K === 0 ? 0 : ra.size / (batch * K);
  if (K === 0 || M === 0 || N === 0 || batch === 0) return undefined;
  // Cᵀ = Bᵀ·Aᵀ pads less when N is the small side (a matrix·vector product pads N = 1 to a
  // 4-row tile instead of an 8-column panel): the packing reads either operand either way.
  const transposed = roundUp(N, MR) * roundUp(M, nr) < roundUp(M, MR) * roundUp(N, nr);
  const [rowsAval, rowsBatch, rowsContract, colsAval, colsBatch, colsContract] = transposed ? ([ra, rb, rc, la, lb, lc] as const) : ([la, lb, lc, ra, rb, rc] as const);
  const rows = operandOf(rowsAval, rowsBatch, rowsContract, MR);
  const cols = operandOf(colsAval, colsBatch, colsContract, nr);
  return {
    batch,
    K,
    M,
    N,
    transposed,
    rows,
    cols,
    rowsTables: tablesOf(rows, elem),
    colsTables: tablesOf(cols, elem),
    rowsBatch: rowsBatch.length === 0 ? undefined : batchOffsets(rows),
    colsBatch: colsBatch.length === 0 ? undefined : batchOffsets(cols),
  };
}

function runDotGeneral(a: Floats, b: Floats, la: ShapedArray, ra: ShapedArray, dims: DimNums, out: Floats): void {
  dotGeneralWasmStats.calls++;
  // (taken at once: it is this product's, not one a kernel below might run)
  const epi = pendingEpilogue;
  pendingEpilogue = undefined;
  const dtype = la.dtype as FloatDType;
  const elem = dtype === "float32" ? 4 : 8;
  const nr = PANEL_ROW_BYTES / elem;
  const plan = planOf(la, ra, dims);
  if (plan === undefined) {
    // (a zero K gives zeros; any other zero size, nothing to write)
    if (sizeOver(la.shape, dims[0][0]) === 0) out.fill(0);
    return;
  }
  const { batch, K, M, N, transposed, rows, cols } = plan;
  const [rowsData, colsData] = transposed ? [b, a] : [a, b];
  const [mp, ldc] = [rows.padded, cols.padded];
  const k = kernelsOf(dtype);
  const mem = arena();
  mem.reset();
  // A compiled program's values are arena views below this call's scratch: they are read (and
  // C is written) in place, saving the copies in and out (most of a product's fixed cost).
  const floor = mem.reserve(0);
  const buffer = mem.buffer;
  const aIn = resident(rowsData, buffer, floor);
  const bIn = resident(colsData, buffer, floor);
  const cIn = !transposed && mp === M && ldc === N && resident(out, buffer, floor) && !overlaps(out, aIn ? rowsData : undefined) && !overlaps(out, bIn ? colsData : undefined);
  // Offsets read before any reserve: a grow detaches an unshared buffer's views (offset 0).
  const [aOffset, bOffset, cOffset] = [rowsData.byteOffset, colsData.byteOffset, out.byteOffset];
  if (aIn || bIn || cIn) dotGeneralWasmStats.inPlace++;
  const aRaw = aIn ? aOffset : mem.reserve(rowsData.byteLength);
  const bRaw = bIn ? bOffset : mem.reserve(colsData.byteLength);
  const aLanes = mem.reserve(mp * 4);
  const aKs = mem.reserve(K * 4);
  const bLanes = mem.reserve(ldc * 4);
  const bKs = mem.reserve(K * 4);
  const aAt = mem.reserve(mp * K * elem);
  const bAt = mem.reserve(ldc * K * elem);
  const cScratch = cIn ? 0 : mem.reserve(mp * ldc * elem);
  // Views after every reserve: a grow replaces the buffer (and detaches an unshared one: the
  // resident operands' bytes stay at their offsets, read by wasm, never through old views).
  const v = viewsOf(mem.buffer);
  const heap = dtype === "float32" ? v.f32 : v.f64;
  if (!aIn) heap.set(rowsData, aRaw / elem);
  if (!bIn) heap.set(colsData, bRaw / elem);
  const aT = writeTables(plan.rowsTables, v.i32, aLanes, aKs);
  const bT = writeTables(plan.colsTables, v.i32, bLanes, bKs);
  const [aBatch, bBatch] = [plan.rowsBatch, plan.colsBatch];
  const c = heap.subarray(cScratch / elem, cScratch / elem + mp * ldc);
  const [tiles, panels] = [mp / MR, ldc / nr];
  // Above the threshold, B's panels and then C's row tiles are split across the thread pool
  // (each thread packs the A panels of its own rows); below it one call each, on this thread.
  const split = M * N * K >= dotGeneralWasmStats.parallelMinMacs;
  for (let t = 0; t < batch; t++) {
    const aSrc = aRaw + (aBatch?.[t] ?? 0) * elem;
    const bSrc = bRaw + (bBatch?.[t] ?? 0) * elem;
    const cAt = cIn ? cOffset + t * M * N * elem : cScratch;
    const packArgs = [bSrc, bLanes, bT.contiguousPanels, bT.ks, bT.kStride, K, bAt];
    const gemmArgs = [aAt, bAt, cAt, panels, K, aSrc, aLanes, aT.contiguousPanels, aT.ks, aT.kStride];
    // An epilogue runs over each chunk's rows of C as soon as they are done (N steps of 4
    // elements per 4-row tile), while they are still in cache, on the thread that made them.
    const then = epi !== undefined && cIn && batch === 1 ? { kernel: epi.kernel, scale: N / 4 * MR, args: epi.args } : undefined;
    let drained = false;
    if (split) {
      parallelFor(k.packB, panels, packArgs);
      // C computed in scratch is copied out a chunk of row tiles at a time as the chunks finish
      // (overlapping the copy with the rest of the product), where its rows are out's rows and
      // out is no operand's bytes (a later chunk may still be packing its rows of A).
      const o = t * M * N;
      const drainable = !cIn && !transposed && !overlaps(out, aIn ? rowsData : undefined) && !overlaps(out, bIn ? colsData : undefined);
      const drain: Drain | undefined = drainable ? (s, e) => copyRows(c, ldc, Math.min(MR * s, M), Math.min(MR * e, M), N, out, o) : undefined;
      parallelFor(k.gemmTiles, tiles, gemmArgs, GEMM_GRAIN, then, drain);
      drained = drain !== undefined;
    } else {
      k.packB.fn(0, panels, ...packArgs);
      k.gemmTiles.fn(0, tiles, ...gemmArgs);
      then?.kernel.fn(0, tiles * then.scale, ...then.args);
    }
    if (then !== undefined) {
      epilogueRan = true;
      dotGeneralWasmStats.epilogues++;
    }
    if (!cIn && !drained) copyOut(c, ldc, M, N, transposed, out, t * M * N);
  }
}

/** A fused elementwise kernel over a product's result C (steps of 4 elements, row-major), its
 * range form and arguments, run by the product itself over each chunk of rows it finishes. */
export interface DotEpilogue {
  readonly kernel: ParallelKernel;
  readonly args: readonly number[];
}
let pendingEpilogue: DotEpilogue | undefined;
let epilogueRan = false;

/**
 * Runs `run` (which applies one dot_general on this backend) with `epilogue` handed to that
 * product; returns whether the product ran it. It does where C is written in place in the
 * arena (a compiled program's value) with whole tiles and panels (epilogueFits), and no
 * batch dims; otherwise the caller runs the epilogue itself afterwards.
 */
export function withDotEpilogue(epilogue: DotEpilogue, run: () => void): boolean {
  pendingEpilogue = epilogue;
  epilogueRan = false;
  try {
    run();
  } finally {
    pendingEpilogue = undefined;
  }
  return epilogueRan;
}

/** Whether a product of these operands can run an epilogue (see withDotEpilogue): on this
 * backend, without batch dims, M a multiple of 4 and N of the panel width, not computed
 * transposed. */
export function epilogueFits(la: ShapedArray, ra: ShapedArray, params: ParamsOf<"dot_general">): boolean {
  const [[lc], [lb]] = params.dimension_numbers;
  if (lb.length > 0 || (la.dtype !== "float32" && la.dtype !== "float64") || !supports([la, ra], params)) return false;
  const K = sizeOver(la.shape, lc);
  const [M, N] = [la.size / K, ra.size / K];
  const nr = PANEL_ROW_BYTES / (la.dtype === "float32" ? 4 : 8);
  const transposed = roundUp(N, MR) * roundUp(M, nr) < roundUp(M, MR) * roundUp(N, nr);
  return !transposed && M % MR === 0 && N % nr === 0;
}

/** Whether `x` is a view of the arena's memory lying wholly below `floor` (this call's scratch). */
const resident = (x: Floats, buffer: ArrayBufferLike, floor: number): boolean => x.buffer === buffer && x.byteOffset + x.byteLength <= floor;

/** Whether the bytes of x and y (if any) intersect. */
const overlaps = (x: Floats, y: Floats | undefined): boolean => y !== undefined && x.byteOffset < y.byteOffset + y.byteLength && y.byteOffset < x.byteOffset + x.byteLength;

// ---- registration ----

/** The most arena bytes one call may use: the arena's memory tops out at 2 GiB, and a grow
 * that large may fail; bigger products run on js. */
const MAX_ARENA_BYTES = 2 ** 30;

function supports(inAvals: readonly ShapedArray[], { dimension_numbers: [[lc, rc], [lb, rb]] }: ParamsOf<"dot_general">): boolean {
  const [la, ra] = inAvals;
  if (la === undefined || ra === undefined) return false;
  if (la.dtype === "int32") return supportsIntDot(la, ra, [[lc, rc], [lb, rb]]);
  if (la.dtype !== ra.dtype || (la.dtype !== "float32" && la.dtype !== "float64")) return false;
  if (!wasmFeatures().simd) return false;
  const size = (dims: readonly number[]) => dims.reduce((p, d) => p * la.shape[d]!, 1);
  const batch = size(lb);
  const K = size(lc);
  if (batch === 0 || K === 0 || la.size === 0 || ra.size === 0) return false;
  const M = la.size / (batch * K);
  const N = ra.size / (batch * K);
  if (M * N * K < dotGeneralWasmStats.minMacs || (M * N < MIN_OUTPUTS && dotGeneralWasmStats.minMacs > 0)) return false;
  // Raw operands, packed operands and padded C, plus the offset tables.
  const elem = la.dtype === "float32" ? 4 : 8;
  const [mp, np] = [M + MR, N + PANEL_ROW_BYTES / elem];
  const bytes = elem * (la.size + ra.size + (mp + np) * K + mp * np) + 8 * (M + N + K + batch);
  return bytes <= MAX_ARENA_BYTES;
}

defineWasmKernel("dot_general", {
  supports,
  run([a, b], [la, ra], params, _outAvals, [out]) {
    if (la!.dtype === "int32") return runIntDot(a!, b!, la!, ra!, params.dimension_numbers, out!);
    runDotGeneral(a as Floats, b as Floats, la!, ra!, params.dimension_numbers, out as Floats);
  },
});
