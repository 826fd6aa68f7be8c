// Reference kernels of reductions and cumulative sums. Float sums accumulate in float64.
import type { ShapedArray } from "../../aval.js";
import { allocate, isInteger, type TypedArray } from "../../dtype.js";
import type { ReducePrim } from "../../primitives/reduce.js";
import { stridesOf } from "../../shape.js";
import { columnReduceLoop, rowReduceLoop } from "./loops.js";
import { copyStrided } from "./strided.js";
import type { KernelTable } from "./types.js";

type Combine = (acc: number, x: number) => number;

/** A reduction with its own specialised loops: contiguous rows when the reduced axes are
 * trailing, column accumulation when they are leading, otherwise a transpose first. */
function reduceWith(init: number, combine: Combine) {
  const rows = rowReduceLoop(combine, init);
  const columns = columnReduceLoop(combine);
  return (
    [x]: readonly TypedArray[],
    [inAval]: readonly ShapedArray[],
    { axes }: { readonly axes: readonly number[] },
    [out]: readonly ShapedArray[],
    [res]: readonly TypedArray[],
  ): void => {
    const shape = inAval!.shape;
    const nd = shape.length;
    const sorted = [...axes].sort((a, b) => a - b);
    const n = sorted.reduce((p, a) => p * shape[a]!, 1);
    if (sorted.every((a, i) => a === nd - sorted.length + i)) {
      rows(x!, out!.size, n, res!);
    } else if (sorted.every((a, i) => a === i)) {
      const acc = (allocate("float64", out!.size) as Float64Array).fill(init);
      columns(x!, n, out!.size, acc);
      res!.set(acc);
    } else {
      const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
      const perm = [...kept, ...sorted];
      const strides = stridesOf(shape);
      const moved = copyStrided(x!, 0, perm.map((p) => strides[p]!), perm.map((p) => shape[p]!), allocate(inAval!.dtype, x!.length));
      rows(moved, out!.size, n, res!);
    }
  };
}

const maxOf: Combine = (a, x) => (x > a || Number.isNaN(x) ? x : a);
const minOf: Combine = (a, x) => (x < a || Number.isNaN(x) ? x : a);

function argReduce(better: (x: number, best: number) => boolean) {
  return (
    [x]: readonly TypedArray[],
    [inAval]: readonly ShapedArray[],
    { axes }: { readonly axes: readonly number[] },
    _o: readonly ShapedArray[],
    [out]: readonly TypedArray[],
  ): void => {
    const shape = inAval!.shape;
    const axis = axes[0]!;
    const n = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const res = out!;
    const src = x!;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = src[o * n * inner + j]!;
        let bi = 0;
        for (let k = 1; k < n && !Number.isNaN(best); k++) {
          const v = src[(o * n + k) * inner + j]!;
          if (better(v, best)) {
            best = v;
            bi = k;
          }
        }
        res[o * inner + j] = bi;
      }
    }
  };
}

// Integer sums and products wrap modulo 2^32 at every step (exact, where a float64
// accumulator would lose low bits past 2^53); the store then wraps to the dtype's width.
const floatSum = reduceWith(0, (a, x) => a + x);
const intSum = reduceWith(0, (a, x) => (a + x) | 0);
const floatProd = reduceWith(1, (a, x) => a * x);
const intProd = reduceWith(1, (a, x) => Math.imul(a, x));

export const reduceKernels: KernelTable<ReducePrim> = {
  reduce_sum: (ins, inAvals, params, outAvals, outs) => (isInteger(inAvals[0]!.dtype) ? intSum : floatSum)(ins, inAvals, params, outAvals, outs),
  reduce_prod: (ins, inAvals, params, outAvals, outs) => (isInteger(inAvals[0]!.dtype) ? intProd : floatProd)(ins, inAvals, params, outAvals, outs),
  reduce_max: reduceWith(Number.NEGATIVE_INFINITY, maxOf),
  reduce_min: reduceWith(Number.POSITIVE_INFINITY, minOf),
  reduce_and: reduceWith(1, (a, x) => (a && x ? 1 : 0)),
  reduce_or: reduceWith(0, (a, x) => (a || x ? 1 : 0)),
  argmax: argReduce((v, best) => v > best || Number.isNaN(v)),
  argmin: argReduce((v, best) => v < best || Number.isNaN(v)),
  cumsum: ([x], [inAval], { axis, reverse }, _o, [out]) => {
    const shape = inAval!.shape;
    const n = shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const res = out!;
    const src = x!;
    const wrap = isInteger(inAval!.dtype);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let acc = 0;
        for (let t = 0; t < n; t++) {
          const k = reverse ? n - 1 - t : t;
          const i = (o * n + k) * inner + j;
          acc = wrap ? (acc + src[i]!) | 0 : acc + src[i]!;
          res[i] = acc;
        }
      }
    }
  },
};
