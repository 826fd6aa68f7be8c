// Wasm kernels of the data-movement primitives, all from one generic strided copy:
//   out[Σ i_k·d_k] = in[Σ i_k·s_k]   over a box of up to RANK axes,
// with byte strides s (0 for a broadcast axis, negative for a reversed one) and d. The
// innermost axis runs as a bulk `memory.copy` when both sides are contiguous, as a v128
// splat fill when the source is one element repeated, and element by element otherwise.
// Elements are moved as raw bytes (1, 4 or 8), so results equal the js backend bit for bit.
//   broadcast_in_dim transpose rev slice (with strides) concatenate pad (lo/hi ≥ 0, interior)
// for float32, float64, int32 and bool (Uint8); pad crops where its padding is negative;
// reshape and squeeze are plain copies. Rank > RANK after merging axes and outputs below
// `layoutThreshold.elements` decline and run on js.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import type { FunctionBuilder, Local, WasmExportedFunction } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { countCall } from "./kernel-module.js";
import { lazyModule } from "./scalar.js";

/** Axes the kernel loops over (after merging axes that are contiguous in both source and destination). */
const RANK = 6;

/**
 * Smallest output (elements) taken on wasm. Measured (f32, eager, this 2-vCPU machine):
 * below about 2k elements js's strided loop is as fast once the copies in/out are counted.
 * Tests lower it to 0.
 */
export const layoutThreshold = { elements: 2048 };

export type ElemBytes = 1 | 4 | 8;

/** Emit the loops of the strided copy; `n`, `s`, `d` are the per-axis counts and byte strides. */
function emitCopy(b: FunctionBuilder, es: ElemBytes, n: Local<"i32">[], s: Local<"i32">[], d: Local<"i32">[], src: Local<"i32">, dst: Local<"i32">): void {
  const i = Array.from({ length: RANK }, (_, k) => b.newLocal("i32", `i${k}`));
  const ps = Array.from({ length: RANK }, (_, k) => b.newLocal("i32", `ps${k}`));
  const pd = Array.from({ length: RANK }, (_, k) => b.newLocal("i32", `pd${k}`));
  const v = b.newLocal("v128", "v");
  const end = b.newLocal("i32", "end");
  const last = RANK - 1;
  const load = (p: Local<"i32">): void => {
    if (es === 1) b.i32.load8_u(p);
    else if (es === 4) b.i32.load(p, { align: 1 });
    else b.i64.load(p, { align: 1 });
  };
  const store = (p: Local<"i32">, val: () => void): void => {
    if (es === 1) b.i32.store8(p, val);
    else if (es === 4) b.i32.store(p, val, { align: 1 });
    else b.i64.store(p, val, { align: 1 });
  };
  const inner = (): void => {
    const from = ps[last]!;
    const to = pd[last]!;
    const ns = n[last]!;
    // Contiguous on both sides: one bulk copy of the row.
    b.if(() => b.i32.and(() => b.i32.eq(s[last]!, es), () => b.i32.eq(d[last]!, es)), () => {
      b.memory.copy(to, from, () => b.i32.mul(ns, es));
    }, () => {
      b.if(() => b.i32.and(() => b.i32.eqz(s[last]!), () => b.i32.eq(d[last]!, es)), () => {
        // One source element repeated over a contiguous row: whole v128 splats, then a scalar tail.
        if (es === 1) {
          b.memory.fill(to, () => b.i32.load8_u(from), ns);
        } else {
          b.local.set(v, () => (es === 4 ? b.i32x4.splat(() => b.i32.load(from, { align: 1 })) : b.i64x2.splat(() => b.i64.load(from, { align: 1 }))));
          b.local.set(end, () => b.i32.add(to, () => b.i32.and(() => b.i32.mul(ns, es), ~15)));
          b.forRange(i[last]!, to, end, () => {
            b.v128.store(i[last]!, v, { align: 1 });
          }, 16);
          b.local.set(to, end);
          b.local.set(end, () => b.i32.add(end, () => b.i32.and(() => b.i32.mul(ns, es), 15)));
          b.forRange(i[last]!, to, end, () => {
            store(i[last]!, () => load(from));
          }, es);
        }
      }, () => {
        b.forRange(i[last]!, 0, ns, () => {
          store(to, () => load(from));
          b.local.set(from, () => b.i32.add(from, s[last]!));
          b.local.set(to, () => b.i32.add(to, d[last]!));
        });
      });
    });
  };
  const level = (k: number): void => {
    if (k === last) {
      inner();
      return;
    }
    b.forRange(i[k]!, 0, n[k]!, () => {
      b.local.set(ps[k + 1]!, () => b.i32.add(ps[k]!, () => b.i32.mul(i[k]!, s[k]!)));
      b.local.set(pd[k + 1]!, () => b.i32.add(pd[k]!, () => b.i32.mul(i[k]!, d[k]!)));
      level(k + 1);
    });
  };
  b.local.set(ps[0]!, src);
  b.local.set(pd[0]!, dst);
  level(0);
}

/** i32 lanes → the byte indices of an i8x16.shuffle (lanes 4–7 are the second operand's). */
const lanes32 = (ls: readonly number[]): number[] => ls.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
/** i64 lanes → the byte indices of an i8x16.shuffle (lanes 2–3 are the second operand's). */
const lanes64 = (ls: readonly number[]): number[] => lanes32(ls.flatMap((l) => [2 * l, 2 * l + 1]));

/**
 * Transposes the square block held in v (v[r] = row r): 4×4 32-bit lanes through the scratch
 * locals w (4 of them, 8 shuffles), or 2×2 64-bit lanes (2 shuffles, w unused). Hands each
 * column c to `store(c, value)`, in order: `value` pushes [v[0][c], v[1][c], ...].
 */
export function emitTransposeRegisters(b: FunctionBuilder, v: readonly Local<"v128">[], w: readonly Local<"v128">[], store: (c: number, value: () => void) => void): void {
  if (v.length === 2) {
    [0, 1].forEach((c) => store(c, () => b.i8x16.shuffle(lanes64([c, c + 2]), v[0]!, v[1]!)));
    return;
  }
  b.local.set(w[0]!, () => b.i8x16.shuffle(lanes32([0, 4, 1, 5]), v[0]!, v[1]!));
  b.local.set(w[1]!, () => b.i8x16.shuffle(lanes32([2, 6, 3, 7]), v[0]!, v[1]!));
  b.local.set(w[2]!, () => b.i8x16.shuffle(lanes32([0, 4, 1, 5]), v[2]!, v[3]!));
  b.local.set(w[3]!, () => b.i8x16.shuffle(lanes32([2, 6, 3, 7]), v[2]!, v[3]!));
  const columns: [number, number, number[]][] = [[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]];
  columns.forEach(([x, y, ls], c) => store(c, () => b.i8x16.shuffle(lanes32(ls), w[x]!, w[y]!)));
}

/**
 * transpose4(src, dst, rows, cols, sRow, dRow, nb, sb, db): for each of nb batches (byte
 * strides sb, db), out[a·dRow + z·4] = in[z·sRow + a·4] for a < rows, z < cols (4-byte
 * elements, byte strides): a transpose, source-contiguous along a and destination-contiguous
 * along z. Whole 4×4 blocks go through registers (4 loads, 8 shuffles, 4 stores); the
 * ragged edges element by element. Raw bytes are moved, so results equal js bit for bit.
 */
function emitTranspose4(b: FunctionBuilder, p: Record<"src" | "dst" | "rows" | "cols" | "sRow" | "dRow" | "nb" | "sb" | "db", Local<"i32">>): void {
  const names = ["t", "a", "z", "a0", "aEnd", "zEnd", "at", "zt", "atEnd", "ztEnd", "from", "to", "bsrc", "bdst"] as const;
  const l = Object.fromEntries(names.map((n) => [n, b.newLocal("i32", n)])) as Record<(typeof names)[number], Local<"i32">>;
  const { t, a, z, a0, aEnd, zEnd, at, zt, atEnd, ztEnd, from, to } = l;
  const [src, dst] = [l.bsrc, l.bdst];
  const v = [0, 1, 2, 3].map((k) => b.newLocal("v128", `v${k}`));
  const w = [0, 1, 2, 3].map((k) => b.newLocal("v128", `w${k}`));
  const minI = (x: () => void, y: Local<"i32">): void => {
    b.select(x, y, () => b.i32.lt_u(x, y));
  };
  /** One element: out[a, z] = in[z, a]. */
  const element = (): void => {
    b.i32.store(
      () => b.i32.add(dst, () => b.i32.add(() => b.i32.mul(a, p.dRow), () => b.i32.shl(z, 2))),
      () => b.i32.load(() => b.i32.add(src, () => b.i32.add(() => b.i32.mul(z, p.sRow), () => b.i32.shl(a, 2))), { align: 1 }),
      { align: 1 },
    );
  };
  /** The 4×4 block at (a, z): v_r = in[z + r, a .. a + 3], out[a + c, z .. z + 3] = lane c of each v_r. */
  const block = (): void => {
    b.local.set(from, () => b.i32.add(src, () => b.i32.add(() => b.i32.mul(z, p.sRow), () => b.i32.shl(a, 2))));
    v.forEach((vr, r) => {
      b.local.set(vr, () => b.v128.load(from, { align: 1 }));
      if (r < 3) b.local.set(from, () => b.i32.add(from, p.sRow));
    });
    b.local.set(to, () => b.i32.add(dst, () => b.i32.add(() => b.i32.mul(a, p.dRow), () => b.i32.shl(z, 2))));
    emitTransposeRegisters(b, v, w, (c, value) => {
      b.v128.store(to, value, { align: 1 });
      if (c < 3) b.local.set(to, () => b.i32.add(to, p.dRow));
    });
  };
  b.local.set(aEnd, () => b.i32.and(p.rows, ~3));
  b.local.set(zEnd, () => b.i32.and(p.cols, ~3));
  b.forRange(t, 0, p.nb, () => {
    b.local.set(src, () => b.i32.add(p.src, () => b.i32.mul(t, p.sb)));
    b.local.set(dst, () => b.i32.add(p.dst, () => b.i32.mul(t, p.db)));
    // Whole blocks, in tiles of TILE×TILE elements (TILE source rows of TILE·4 bytes: a few
    // KiB), so the source rows a tile reads stay in L1 across its blocks instead of evicting
    // each other (rows a power of two apart fall into the same cache sets).
    b.forRange(at, 0, aEnd, () => {
      b.local.set(atEnd, () => minI(() => b.i32.add(at, TILE), aEnd));
      b.forRange(zt, 0, zEnd, () => {
        b.local.set(ztEnd, () => minI(() => b.i32.add(zt, TILE), zEnd));
        b.forRange(a, at, atEnd, () => b.forRange(z, zt, ztEnd, block, 4), 4);
      }, TILE);
    }, TILE);
    // the columns past the last whole block, for the rows of whole blocks
    b.forRange(a0, 0, aEnd, () => {
      b.forRange(z, zEnd, p.cols, () => b.forRange(a, a0, () => b.i32.add(a0, 4), element));
    }, 4);
    // the rows past the last whole block
    b.forRange(a, aEnd, p.rows, () => b.forRange(z, 0, p.cols, element));
  });
}

/** Elements per side of the transpose's tiles. */
const TILE = 32;

const copyFns = lazyModule((m) => {
  const params: Record<string, "i32"> = { src: "i32", dst: "i32" };
  for (let k = 0; k < RANK; k++) Object.assign(params, { [`n${k}`]: "i32", [`s${k}`]: "i32", [`d${k}`]: "i32" });
  const sizes: ElemBytes[] = [1, 4, 8];
  for (const es of sizes) {
    m.addFunction(`copy${es}`, { params, export: true }, (b, locals) => {
      const get = (name: string): Local<"i32"> => locals[name] as Local<"i32">;
      const axes = Array.from({ length: RANK }, (_, k) => k);
      emitCopy(b, es, axes.map((k) => get(`n${k}`)), axes.map((k) => get(`s${k}`)), axes.map((k) => get(`d${k}`)), get("src"), get("dst"));
    });
  }
  const tparams = { src: "i32", dst: "i32", rows: "i32", cols: "i32", sRow: "i32", dRow: "i32", nb: "i32", sb: "i32", db: "i32" } as const;
  m.addFunction("transpose4", { params: tparams, export: true }, (b, locals) => emitTranspose4(b, locals));
  return [...sizes.map((es) => `copy${es}`), "transpose4"];
});
const copyFn = (es: ElemBytes): WasmExportedFunction => copyFns(`copy${es}`);

/** A copy box in elements: counts and source/destination strides per axis. */
export interface Box {
  readonly n: readonly number[];
  readonly s: readonly number[];
  readonly d: readonly number[];
}

/** Drop size-1 axes and merge neighbours contiguous on both sides; undefined when still above RANK. */
function normalize({ n, s, d }: Box): Box | undefined {
  const on: number[] = [];
  const os: number[] = [];
  const od: number[] = [];
  for (let k = 0; k < n.length; k++) {
    if (n[k] === 1) continue;
    const j = on.length - 1;
    if (j >= 0 && os[j] === s[k]! * n[k]! && od[j] === d[k]! * n[k]!) {
      on[j]! *= n[k]!;
      os[j] = s[k]!;
      od[j] = d[k]!;
    } else {
      on.push(n[k]!);
      os.push(s[k]!);
      od.push(d[k]!);
    }
  }
  if (on.length > RANK) return undefined;
  while (on.length < RANK) {
    on.unshift(1);
    os.unshift(0);
    od.unshift(0);
  }
  return { n: on, s: os, d: od };
}

/** Run the strided copy from byte offset `src` to `dst` (boxes with a 0 count copy nothing). */
export function runCopy(es: ElemBytes, src: number, dst: number, box: Box): void {
  if (box.n.some((c) => c === 0)) return;
  const nb = normalize(box)!;
  // A transpose of 4-byte elements (the last axis strided in the source, the one before it
  // contiguous there), at most one batch axis around it: 4×4 blocks through registers.
  const [x, y] = [RANK - 2, RANK - 1];
  if (es === 4 && nb.d[y] === 1 && nb.s[y] !== 1 && nb.s[x] === 1 && nb.n[x]! >= 4 && nb.n[y]! >= 4 && nb.n.slice(0, x - 1).every((c) => c === 1)) {
    copyFns("transpose4")(src, dst, nb.n[x]!, nb.n[y]!, nb.s[y]! * 4, nb.d[x]! * 4, nb.n[x - 1]!, nb.s[x - 1]! * 4, nb.d[x - 1]! * 4);
    return;
  }
  const args: number[] = [src, dst];
  for (let k = 0; k < RANK; k++) args.push(nb.n[k]!, nb.s[k]! * es, nb.d[k]! * es);
  copyFn(es)(...args);
}

const elemBytes = (data: TypedArray): ElemBytes => data.BYTES_PER_ELEMENT as ElemBytes;
const bigEnough = (out: number): boolean => out >= layoutThreshold.elements;
export const fits = (box: Box): boolean => normalize(box) !== undefined;

/** A unary layout op: the source box of its one operand, written contiguously to the output. */
function defineCopy<P extends "broadcast_in_dim" | "transpose" | "rev" | "slice">(
  prim: P,
  box: (inAval: ShapedArray, params: ParamsOf<P>) => { offset: number; box: Box },
): void {
  defineWasmKernel<P>(prim, {
    supports: ([x], params) => {
      const { box: bx } = box(x!, params);
      return bigEnough(bx.n.reduce((p, c) => p * c, 1)) && fits(bx);
    },
    run([x], [xa], params, _o, [out]) {
      const a = arena();
      a.reset();
      const { offset, box: bx } = box(xa!, params);
      countCall(prim);
      // A one-element source (a scalar gradient broadcast to a big array) is a plain fill.
      if (x!.length === 1) {
        out!.fill(x![0]!);
        return;
      }
      const es = elemBytes(x!);
      const px = a.copyIn(x!);
      const po = a.reserve(out!.byteLength);
      runCopy(es, px + offset * es, po, bx);
      a.copyOut(po, out!);
    },
  });
}

const contiguous = (shape: readonly number[]): number[] => stridesOf(shape);

defineCopy("broadcast_in_dim", (inAval, { shape, broadcast_dimensions: dims }) => {
  const inStrides = stridesOf(inAval.shape);
  const s = new Array<number>(shape.length).fill(0);
  dims.forEach((dim, i) => {
    s[dim] = inAval.shape[i] === 1 ? 0 : inStrides[i]!;
  });
  return { offset: 0, box: { n: shape, s, d: contiguous(shape) } };
});

defineCopy("transpose", (inAval, { permutation }) => {
  const inStrides = stridesOf(inAval.shape);
  const n = permutation.map((p) => inAval.shape[p]!);
  return { offset: 0, box: { n, s: permutation.map((p) => inStrides[p]!), d: contiguous(n) } };
});

defineCopy("rev", (inAval, { dimensions }) => {
  const shape = inAval.shape;
  let offset = 0;
  const s = stridesOf(shape).map((st, i) => {
    if (!dimensions.includes(i)) return st;
    offset += (shape[i]! - 1) * st;
    return -st;
  });
  return { offset, box: { n: shape, s, d: contiguous(shape) } };
});

defineCopy("slice", (inAval, { start_indices, limit_indices, strides }) => {
  const inStrides = stridesOf(inAval.shape);
  const offset = start_indices.reduce((acc, st, i) => acc + st * inStrides[i]!, 0);
  const n = start_indices.map((st, i) => {
    const step = strides?.[i] ?? 1;
    return Math.max(0, Math.ceil((limit_indices[i]! - st) / step));
  });
  return { offset, box: { n, s: inStrides.map((st, i) => st * (strides?.[i] ?? 1)), d: contiguous(n) } };
});

defineWasmKernel("concatenate", {
  supports: (inAvals) => bigEnough(inAvals.reduce((p, av) => p + av.size, 0)),
  run(inputs, inAvals, { dimension }, [outAval], [out]) {
    const a = arena();
    a.reset();
    const es = elemBytes(out!);
    const po = a.reserve(out!.byteLength);
    const outShape = outAval!.shape;
    const outer = outShape.slice(0, dimension).reduce((p, c) => p * c, 1);
    const outRow = outShape.slice(dimension).reduce((p, c) => p * c, 1);
    let col = 0;
    inputs.forEach((src, k) => {
      const row = inAvals[k]!.shape.slice(dimension).reduce((p, c) => p * c, 1);
      const px = a.copyIn(src);
      runCopy(es, px, po + col * es, { n: [outer, row], s: [row, 1], d: [outRow, 1] });
      col += row;
    });
    a.copyOut(po, out!);
    countCall("concatenate");
  },
});

defineWasmKernel("pad", {
  supports: ([x], { padding_config }) => bigEnough(x!.size) && padding_config.every(([, , interior]) => interior >= 0) && fits(padBox(x!, padding_config).box),
  run([x, v], [xa], { padding_config }, _o, [out]) {
    const a = arena();
    a.reset();
    const es = elemBytes(out!);
    const pv = a.copyIn(v!);
    const po = a.reserve(out!.byteLength);
    // Fill with the padding value (a stride-0 source), then copy the operand's kept part into its box.
    runCopy(es, pv, po, { n: [out!.length], s: [0], d: [1] });
    const { from, to, box } = padBox(xa!, padding_config);
    const px = a.copyIn(x!);
    runCopy(es, px + from * es, po + to * es, box);
    a.copyOut(po, out!);
    countCall("pad");
  },
});

/**
 * The operand's box inside pad's output: per axis, the input positions i whose output
 * position lo + i·(interior + 1) falls inside the output (negative lo/hi crop), copied from
 * element offset `from` of the operand to `to` of the output, destination strides × (interior + 1).
 */
function padBox(xa: ShapedArray, cfg: readonly (readonly [number, number, number])[]): { from: number; to: number; box: Box } {
  const outShape = xa.shape.map((n, i) => {
    const [lo, hi, interior] = cfg[i]!;
    return Math.max(0, lo + hi + n + Math.max(0, n - 1) * interior);
  });
  const inStrides = stridesOf(xa.shape);
  const outStrides = stridesOf(outShape);
  let from = 0;
  let to = 0;
  const n = xa.shape.map((size, i) => {
    const [lo, , interior] = cfg[i]!;
    const step = interior + 1;
    const first = lo >= 0 ? 0 : Math.ceil(-lo / step);
    const last = Math.min(size - 1, Math.floor((outShape[i]! - 1 - lo) / step));
    const count = Math.max(0, last - first + 1);
    if (count > 0) {
      from += first * inStrides[i]!;
      to += (lo + first * step) * outStrides[i]!;
    }
    return count;
  });
  return { from, to, box: { n, s: inStrides, d: outStrides.map((st, i) => st * (cfg[i]![2] + 1)) } };
}

// reshape and squeeze keep the row-major order: a plain copy (eager evaluation shares the
// buffer instead, see isPureReview; these run when a backend is asked for the copy).
for (const prim of ["reshape", "squeeze"] as const) {
  defineWasmKernel(prim, {
    supports: ([x]) => bigEnough(x!.size),
    run([x], _i, _p, _o, [out]) {
      const a = arena();
      a.reset();
      const px = a.copyIn(x!);
      a.copyOut(px, out!);
      countCall(prim);
    },
  });
}
