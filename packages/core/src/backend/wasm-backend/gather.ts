// Wasm kernels of the one-axis gather (np.take) and its transpose scatter_add, equal to the
// js backend bit for bit (backend/js/indexing.ts):
// - gather clamps every index into [0, n) and copies the selected `inner` block (raw bytes;
//   an element loop for short blocks, memory.copy for long ones), for every dtype;
// - scatter_add starts from the operand and adds each update block at its index, in index
//   order; out-of-range indices drop their update. f32 adds are f32.add (js adds in f64 and
//   rounds: the same, since f64 holds the exact sum of two f32s' rounding); int32 wraps.
import type { FunctionBuilder, Local, ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { countCall } from "./kernel-module.js";
import { BYTES, type DataDType, fitsArena, isDataDType, lazyModule, locals, minSize, moveElem, SHORT } from "./scalar.js";

/** Blocks of at most this many bytes are copied element by element (memory.copy has a call's cost). */
const SHORT_BLOCK = 64;

/** gather{es}(px, pidx, po, outer, n, nidx, inner). */
function addGather(m: ModuleBuilder, es: 1 | 4 | 8): string {
  const name = `gather${es}`;
  const params = { px: "i32", pidx: "i32", po: "i32", outer: "i32", n: "i32", nidx: "i32", inner: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { px, pidx, po, outer, n, nidx, inner }) => {
    const { o, j, k, src, rowBytes, base, q, end, last } = locals(b, "o", "j", "k", "src", "rowBytes", "base", "q", "end", "last");
    b.local.set(rowBytes, () => b.i32.mul(inner, es));
    b.local.set(last, () => b.i32.sub(n, 1));
    /** k ← idx[j] clamped into [0, n). */
    const clampedIndex = (): void => {
      b.local.set(k, () => b.i32.load(() => b.i32.add(pidx, () => b.i32.shl(j, 2))));
      b.local.set(k, () => b.select(k, () => b.i32.const(0), () => b.i32.gt_s(k, 0)));
      b.local.set(k, () => b.select(k, last, () => b.i32.lt_s(k, n)));
    };
    // Single elements (inner = 1, np.take of a vector): one load and store per index.
    b.if(() => b.i32.eq(inner, 1), () => {
      b.forRange(o, 0, outer, () => {
        b.local.set(base, () => b.i32.add(px, () => b.i32.mul(() => b.i32.mul(o, n), es)));
        b.forRange(j, 0, nidx, () => {
          clampedIndex();
          moveElem(b, es, po, () => b.i32.add(base, () => b.i32.mul(k, es)));
          b.local.set(po, () => b.i32.add(po, es));
        });
      });
      b.return();
    });
    b.forRange(o, 0, outer, () => {
      b.local.set(base, () => b.i32.add(px, () => b.i32.mul(() => b.i32.mul(o, n), rowBytes)));
      b.forRange(j, 0, nidx, () => {
        clampedIndex();
        b.local.set(src, () => b.i32.add(base, () => b.i32.mul(k, rowBytes)));
        b.if(() => b.i32.le_u(rowBytes, SHORT_BLOCK), () => {
          b.local.set(end, () => b.i32.add(src, rowBytes));
          b.forRange(q, src, end, () => {
            moveElem(b, es, po, q);
            b.local.set(po, () => b.i32.add(po, es));
          }, es);
        }, () => {
          b.memory.copy(po, src, rowBytes);
          b.local.set(po, () => b.i32.add(po, rowBytes));
        });
      });
    });
  });
  return name;
}

/** The element of `dt` at `p` plus the one at `q`, stored at `p`. */
function addInPlace(b: FunctionBuilder, dt: DataDType, p: Local<"i32">, q: Local<"i32">): void {
  if (dt === "float32") b.f32.store(p, () => b.f32.add(() => b.f32.load(p, { align: 1 }), () => b.f32.load(q, { align: 1 })), { align: 1 });
  else if (dt === "float64") b.f64.store(p, () => b.f64.add(() => b.f64.load(p, { align: 1 }), () => b.f64.load(q, { align: 1 })), { align: 1 });
  else b.i32.store(p, () => b.i32.add(() => b.i32.load(p, { align: 1 }), () => b.i32.load(q, { align: 1 })), { align: 1 });
}

/** scatter_add_{dt}(po, pidx, pu, outer, n, nidx, inner): `po` already holds the operand. */
function addScatter(m: ModuleBuilder, dt: DataDType): string {
  const name = `scatter_add_${SHORT[dt]}`;
  const es = BYTES[dt];
  const params = { po: "i32", pidx: "i32", pu: "i32", outer: "i32", n: "i32", nidx: "i32", inner: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { po, pidx, pu, outer, n, nidx, inner }) => {
    const { o, j, k, dst, rowBytes, base, end } = locals(b, "o", "j", "k", "dst", "rowBytes", "base", "end");
    b.local.set(rowBytes, () => b.i32.mul(inner, es));
    // Single elements (inner = 1): one add per in-range index.
    b.if(() => b.i32.eq(inner, 1), () => {
      b.forRange(o, 0, outer, () => {
        b.local.set(base, () => b.i32.add(po, () => b.i32.mul(() => b.i32.mul(o, n), es)));
        b.forRange(j, 0, nidx, () => {
          b.local.set(k, () => b.i32.load(() => b.i32.add(pidx, () => b.i32.shl(j, 2))));
          b.if(() => b.i32.lt_u(k, n), () => {
            b.local.set(dst, () => b.i32.add(base, () => b.i32.mul(k, es)));
            addInPlace(b, dt, dst, pu);
          });
          b.local.set(pu, () => b.i32.add(pu, es));
        });
      });
      b.return();
    });
    b.forRange(o, 0, outer, () => {
      b.local.set(base, () => b.i32.add(po, () => b.i32.mul(() => b.i32.mul(o, n), rowBytes)));
      b.forRange(j, 0, nidx, () => {
        b.local.set(k, () => b.i32.load(() => b.i32.add(pidx, () => b.i32.shl(j, 2))));
        // Unsigned: a negative index is huge, so one compare drops both out-of-range sides.
        b.if(() => b.i32.lt_u(k, n), () => {
          b.local.set(dst, () => b.i32.add(base, () => b.i32.mul(k, rowBytes)));
          b.local.set(end, () => b.i32.add(dst, rowBytes));
          b.forRange(dst, dst, end, () => {
            addInPlace(b, dt, dst, pu);
            b.local.set(pu, () => b.i32.add(pu, es));
          }, es);
        }, () => {
          b.local.set(pu, () => b.i32.add(pu, rowBytes));
        });
      });
    });
  });
  return name;
}

const fn = lazyModule((m) => [
  ...([1, 4, 8] as const).map((es) => addGather(m, es)),
  ...(["float32", "float64", "int32"] as const).map((dt) => addScatter(m, dt)),
]);

const prod = (xs: readonly number[]): number => xs.reduce((p, c) => p * c, 1);

defineWasmKernel("gather", {
  supports: ([x, idx], { axis }) =>
    isDataDType(x!.dtype) &&
    idx!.dtype === "int32" &&
    outSize(x!.shape, axis, idx!.size) >= minSize.gather &&
    fitsArena((x!.size + outSize(x!.shape, axis, idx!.size)) * BYTES[x!.dtype as DataDType] + 4 * idx!.size),
  run([x, idx], [xa], { axis }, _o, [out]) {
    countCall("gather");
    if (out!.length === 0) return;
    const shape = xa!.shape;
    const n = shape[axis]!;
    // An empty axis: js reads past the array (undefined), which stores NaN or 0.
    if (n === 0) {
      out!.fill(Number.NaN);
      return;
    }
    const a = arena();
    a.reset();
    const px = a.copyIn(x!);
    const pidx = a.copyIn(idx!);
    const po = a.reserve(out!.byteLength);
    fn(`gather${x!.BYTES_PER_ELEMENT}`)(px, pidx, po, prod(shape.slice(0, axis)), n, idx!.length, prod(shape.slice(axis + 1)));
    a.copyOut(po, out!);
  },
});

/** gather's output size: x's size with the axis replaced by the indices. */
const outSize = (shape: readonly number[], axis: number, nidx: number): number => prod(shape.slice(0, axis)) * nidx * prod(shape.slice(axis + 1));

defineWasmKernel("scatter_add", {
  supports: ([x, idx, u]) =>
    (x!.dtype === "float32" || x!.dtype === "float64" || x!.dtype === "int32") &&
    idx!.dtype === "int32" &&
    u!.size + x!.size >= minSize.scatter &&
    fitsArena((x!.size + u!.size) * BYTES[x!.dtype] + 4 * idx!.size),
  run([x, idx, u], [xa], { axis }, _o, [out]) {
    countCall("scatter_add");
    if (out!.length === 0) return;
    const shape = xa!.shape;
    const a = arena();
    a.reset();
    const po = a.copyIn(x!);
    const pidx = a.copyIn(idx!);
    const pu = a.copyIn(u!);
    fn(`scatter_add_${SHORT[xa!.dtype as DataDType]}`)(po, pidx, pu, prod(shape.slice(0, axis)), shape[axis]!, idx!.length, prod(shape.slice(axis + 1)));
    a.copyOut(po, out!);
  },
});
