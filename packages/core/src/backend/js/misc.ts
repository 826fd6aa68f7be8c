// Reference kernels of iota, sort and the threefry-2x32 block cipher (JAX's PRNG core).
import type { MiscPrim } from "../../primitives/misc.js";
import { sizeOf, stridesOf } from "../../shape.js";
import type { TypedArray } from "../../dtype.js";
import type { KernelTable } from "./types.js";

const rotl = (x: number, r: number): number => (x << r) | (x >>> (32 - r));

/** Threefry-2x32 with 20 rounds, as in Salmon et al. (2011) and jax.random. */
export function threefry2x32Block(k0: number, k1: number, x0: number, x1: number): [number, number] {
  const ks = [k0 | 0, k1 | 0, (k0 ^ k1 ^ 0x1bd11bda) | 0] as const;
  const rots = [
    [13, 15, 26, 6],
    [17, 29, 16, 24],
  ] as const;
  let a = (x0 + ks[0]) | 0;
  let b = (x1 + ks[1]) | 0;
  for (let i = 0; i < 5; i++) {
    for (const r of rots[i % 2]!) {
      a = (a + b) | 0;
      b = rotl(b, r) ^ a;
    }
    a = (a + ks[(i + 1) % 3]!) | 0;
    b = (b + ks[(i + 2) % 3]! + i + 1) | 0;
  }
  return [a, b];
}

type Comparator = (base: number) => (i: number, j: number) => number;

/** Lexicographically by several keys, each ascending with NaN last; ties by position (stable). */
const manyKeys =
  (keys: readonly TypedArray[], inner: number): Comparator =>
  (base) =>
  (i, j) => {
    for (const key of keys) {
      const a = key[base + i * inner]!;
      const b = key[base + j * inner]!;
      if (Number.isNaN(a)) {
        if (Number.isNaN(b)) continue;
        return 1;
      }
      if (Number.isNaN(b)) return -1;
      if (a !== b) return a < b ? -1 : 1;
    }
    return i - j;
  };

export const miscKernels: KernelTable<MiscPrim> = {
  iota: (_in, _avals, { shape, dimension }, _o, [out]) => {
    const res = out!;
    const stride = stridesOf(shape)[dimension]!;
    const n = shape[dimension]!;
    for (let i = 0; i < res.length; i++) res[i] = Math.floor(i / stride) % n;
  },
  sort: (inputs, avals, { dimension, num_keys }, _o, outs) => {
    const shape = avals[0]!.shape;
    const n = shape[dimension]!;
    const inner = sizeOf(shape.slice(dimension + 1));
    const outer = sizeOf(shape.slice(0, dimension));
    const perm = Array.from({ length: n }, (_, i) => i);
    // NaNs sort last, as in numpy; the sort is stable. The first num_keys operands order the
    // rest lexicographically (a complex key arrives here as its real and imaginary parts:
    // backend/js/complex.ts); one key, the common case, keeps its own comparator.
    const keys = inputs[0]!;
    const oneKey = (base: number) => (i: number, j: number) => {
      const a = keys[base + i * inner]!;
      const b = keys[base + j * inner]!;
      if (Number.isNaN(a)) return Number.isNaN(b) ? i - j : 1;
      if (Number.isNaN(b)) return -1;
      return a < b ? -1 : a > b ? 1 : i - j;
    };
    const cmp = num_keys <= 1 ? oneKey : manyKeys(inputs.slice(0, num_keys), inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const base = o * n * inner + j;
        for (let i = 0; i < n; i++) perm[i] = i;
        perm.sort(cmp(base));
        inputs.forEach((x, k) => {
          const dst = outs[k]!;
          for (let i = 0; i < n; i++) dst[base + i * inner] = x[base + perm[i]! * inner]!;
        });
      }
    }
  },
  // The bytes as they are in memory: little-endian, as on every engine jaxts runs on (and JAX's CPUs).
  bitcast_convert_type: ([x], _avals, _p, _o, [out]) => {
    new Uint8Array(out!.buffer, out!.byteOffset, out!.byteLength).set(new Uint8Array(x!.buffer, x!.byteOffset, x!.byteLength));
  },
  threefry2x32: ([k0, k1, x0, x1], _avals, _p, [out], [y0, y1]) => {
    const n = out!.size;
    for (let i = 0; i < n; i++) {
      const [a, b] = threefry2x32Block(k0![i]!, k1![i]!, x0![i]!, x1![i]!);
      y0![i] = a;
      y1![i] = b;
    }
  },
};
