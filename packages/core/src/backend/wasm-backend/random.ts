// Wasm kernels of the generators: iota, and the threefry-2x32 block cipher (jax.random's
// core) with four blocks per i32x4 vector. Both equal the js backend bit for bit (threefry is
// uint32 arithmetic on int32 lanes: wrapping adds, rotations, xors; backend/js/misc.ts).
import type { Local, ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { copyInPadded, countCall, reservePadded } from "./kernel-module.js";
import { BYTES, DATA_DTYPES, type DataDType, fitsArena, isDataDType, lazyModule, locals, minSize, SHORT, storeF64 } from "./scalar.js";

/**
 * iota_{dt}(po, outer, n, inner): out[o, k, t] = k. The first block (n·inner elements) is
 * written — a 0, 1, 2, … counter four lanes at a time when inner = 1 — and then copied to the
 * other `outer` blocks.
 */
function addIota(m: ModuleBuilder, dt: DataDType): string {
  const name = `iota_${SHORT[dt]}`;
  const es = BYTES[dt];
  m.addFunction(name, { params: { po: "i32", outer: "i32", n: "i32", inner: "i32" }, export: true }, (b, { po, outer, n, inner }) => {
    const { k, t, p, block, vend } = locals(b, "k", "t", "p", "block", "vend");
    const v = b.newLocal("f64", "v");
    const ctr = b.newLocal("v128", "ctr");
    b.local.set(block, () => b.i32.mul(() => b.i32.mul(n, inner), es));
    b.local.set(p, po);
    b.local.set(k, 0);
    if (dt !== "bool") {
      // inner = 1: whole vectors of the counter (16 bytes: 4 i32/f32 lanes or 2 f64 lanes).
      const lanes = 16 / es;
      b.if(() => b.i32.eq(inner, 1), () => {
        b.local.set(ctr, () => b.v128.const("i32x4", [0, 1, 2, 3]));
        b.local.set(vend, () => b.i32.add(po, () => b.i32.and(block, ~15)));
        b.forRange(p, po, vend, () => {
          if (dt === "int32") b.v128.store(p, ctr, { align: 1 });
          else if (dt === "float32") b.v128.store(p, () => b.f32x4.convert_i32x4_s(ctr), { align: 1 });
          else b.v128.store(p, () => b.f64x2.convert_low_i32x4_s(ctr), { align: 1 });
          b.local.set(ctr, () => b.i32x4.add(ctr, () => b.i32x4.splat(lanes)));
        }, 16);
        b.local.set(p, vend);
        b.local.set(k, () => b.i32.shr_u(() => b.i32.sub(vend, po), Math.log2(es)));
      });
    }
    // The rest of the first block: each value k repeated `inner` times.
    b.forRange(k, k, n, () => {
      b.local.set(v, () => b.f64.convert_i32_u(k));
      b.forRange(t, 0, inner, () => {
        storeF64(b, dt, p, v);
        b.local.set(p, () => b.i32.add(p, es));
      });
    });
    b.forRange(k, 1, outer, () => {
      b.memory.copy(p, po, block);
      b.local.set(p, () => b.i32.add(p, block));
    });
  });
  return name;
}

/** Rotation amounts of threefry-2x32's rounds (even and odd groups of four). */
const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
] as const;

/** threefry(pk0, pk1, px0, px1, py0, py1, bytes): 20 rounds on four blocks per vector. */
function addThreefry(m: ModuleBuilder): string {
  const params = { pk0: "i32", pk1: "i32", px0: "i32", px1: "i32", py0: "i32", py1: "i32", bytes: "i32" } as const;
  m.addFunction("threefry", { params, export: true }, (b, { pk0, pk1, px0, px1, py0, py1, bytes }) => {
    const { off } = locals(b, "off");
    const v = (name: string): Local<"v128"> => b.newLocal("v128", name);
    const ks = [v("k0"), v("k1"), v("k2")] as const;
    const x = v("a");
    const y = v("b");
    const at = (p: Local<"i32">) => () => b.i32.add(p, off);
    b.forRange(off, 0, bytes, () => {
      b.local.set(ks[0], () => b.v128.load(at(pk0)));
      b.local.set(ks[1], () => b.v128.load(at(pk1)));
      b.local.set(ks[2], () => b.v128.xor(() => b.v128.xor(ks[0], ks[1]), () => b.i32x4.splat(0x1bd11bda)));
      b.local.set(x, () => b.i32x4.add(() => b.v128.load(at(px0)), ks[0]));
      b.local.set(y, () => b.i32x4.add(() => b.v128.load(at(px1)), ks[1]));
      for (let i = 0; i < 5; i++) {
        for (const r of ROTATIONS[i % 2]!) {
          b.local.set(x, () => b.i32x4.add(x, y));
          b.local.set(y, () => b.v128.xor(() => b.v128.or(() => b.i32x4.shl(y, r), () => b.i32x4.shr_u(y, 32 - r)), x));
        }
        b.local.set(x, () => b.i32x4.add(x, ks[(i + 1) % 3]!));
        b.local.set(y, () => b.i32x4.add(() => b.i32x4.add(y, ks[(i + 2) % 3]!), () => b.i32x4.splat(i + 1)));
      }
      b.v128.store(at(py0), x);
      b.v128.store(at(py1), y);
    }, 16);
  });
  return "threefry";
}

const fn = lazyModule((m) => [...DATA_DTYPES.map((dt) => addIota(m, dt)), addThreefry(m)]);

const prod = (xs: readonly number[]): number => xs.reduce((p, c) => p * c, 1);

defineWasmKernel("iota", {
  supports: (_in, { dtype, shape }) => isDataDType(dtype) && prod(shape) >= minSize.iota && fitsArena(prod(shape) * 8),
  run(_in, _avals, { shape, dimension }, [outAval], [out]) {
    countCall("iota");
    if (out!.length === 0) return;
    const a = arena();
    a.reset();
    const po = a.reserve(out!.byteLength);
    fn(`iota_${SHORT[outAval!.dtype as DataDType]}`)(po, prod(shape.slice(0, dimension)), shape[dimension]!, prod(shape.slice(dimension + 1)));
    a.copyOut(po, out!);
  },
});

// A bitcast moves no value through arithmetic: the bytes are copied as they are (no wasm code).
defineWasmKernel("bitcast_convert_type", {
  supports: ([x], { new_dtype }) => x!.dtype !== "bool" && new_dtype !== "bool",
  run([x], _avals, _p, _o, [out]) {
    countCall("bitcast_convert_type");
    new Uint8Array(out!.buffer, out!.byteOffset, out!.byteLength).set(new Uint8Array(x!.buffer, x!.byteOffset, x!.byteLength));
  },
});

defineWasmKernel("threefry2x32", {
  supports: (avals) => avals.length === 4 && avals.every((av) => av.dtype === "int32") && avals[0]!.size >= minSize.threefry && fitsArena(avals[0]!.size * 24 + 96),
  run([k0, k1, x0, x1], _avals, _p, _o, [y0, y1]) {
    countCall("threefry2x32");
    if (y0!.length === 0) return;
    const a = arena();
    a.reset();
    const [p0, p1, p2, p3] = [k0!, k1!, x0!, x1!].map(copyInPadded) as [number, number, number, number];
    const py0 = reservePadded(y0!);
    const py1 = reservePadded(y1!);
    fn("threefry")(p0, p1, p2, p3, py0, py1, (y0!.byteLength + 15) & ~15);
    a.copyOut(py0, y0!);
    a.copyOut(py1, y1!);
  },
});
