// Wasm kernels of the data-movement primitives, all from one generic strided copy:
//   out[Σ i_k·d_k] = in[Σ i_k·s_k]   over a box of up to RANK axes,
// with byte strides s (0 for a broadcast axis, negative for a reversed one) and d. The
// innermost axis runs as a bulk `memory.copy` when both sides are contiguous, as a v128
// splat fill when the source is one element repeated, and element by element otherwise.
// Elements are moved as raw bytes (1, 4 or 8), so results equal the js backend bit for bit.
//   broadcast_in_dim transpose rev slice (with strides) concatenate pad (lo/hi ≥ 0, interior)
// for float32, float64, int32 and bool (Uint8). Negative padding, rank > RANK after merging
// axes, and outputs below `layoutThreshold.elements` decline and run on js.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import { exportedFunction, type FunctionBuilder, type Local, ModuleBuilder, type WasmExportedFunction } from "../wasm/index.js";
import { arena, arenaMemoryLimits, instantiateOnArena } from "./arena.js";
import { onReady } from "./ready.js";
import { defineWasmKernel } from "./backend.js";
import { countCall } from "./kernel-module.js";

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

function buildModule(): Map<ElemBytes, WasmExportedFunction> {
  const m = new ModuleBuilder().importMemory("env", "mem", arenaMemoryLimits());
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
  const instance = instantiateOnArena(m);
  return new Map(sizes.map((es) => [es, exportedFunction(instance, `copy${es}`)]));
}

let fns: Map<ElemBytes, WasmExportedFunction> | undefined;
onReady(() => (fns ??= buildModule()));
function copyFn(es: ElemBytes): WasmExportedFunction {
  fns ??= buildModule();
  return fns.get(es)!;
}

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
  supports: ([x], { padding_config }) =>
    bigEnough(x!.size) && padding_config.every(([lo, hi, interior]) => lo >= 0 && hi >= 0 && interior >= 0) && fits(padBox(x!, padding_config)),
  run([x, v], [xa], { padding_config }, [outAval], [out]) {
    const a = arena();
    a.reset();
    const es = elemBytes(out!);
    const pv = a.copyIn(v!);
    const po = a.reserve(out!.byteLength);
    // Fill with the padding value (a stride-0 source), then copy the operand into its box.
    runCopy(es, pv, po, { n: [out!.length], s: [0], d: [1] });
    const outStrides = stridesOf(outAval!.shape);
    const start = padding_config.reduce((acc, [lo], i) => acc + lo * outStrides[i]!, 0);
    const px = a.copyIn(x!);
    runCopy(es, px, po + start * es, padBox(xa!, padding_config));
    a.copyOut(po, out!);
    countCall("pad");
  },
});

/** The operand's box inside pad's output: contiguous source, destination strides × (interior + 1). */
function padBox(xa: ShapedArray, cfg: readonly (readonly [number, number, number])[]): Box {
  const outShape = xa.shape.map((n, i) => {
    const [lo, hi, interior] = cfg[i]!;
    return lo + hi + n + Math.max(0, n - 1) * interior;
  });
  const outStrides = stridesOf(outShape);
  return { n: xa.shape, s: stridesOf(xa.shape), d: outStrides.map((st, i) => st * (cfg[i]![2] + 1)) };
}
