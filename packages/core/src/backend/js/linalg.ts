// Reference kernel of dot_general: operands are permuted to (batch, M, K) and
// (batch, K, N), then multiplied row by row (i-k-j order) with a float64 accumulator.
import type { ShapedArray } from "../../aval.js";
import { allocate, isInteger, type TypedArray } from "../../dtype.js";
import { sizeOf, stridesOf } from "../../shape.js";
import { copyStrided } from "./strided.js";
import type { KernelTable } from "./types.js";

function permuted(x: TypedArray, aval: ShapedArray, perm: readonly number[]): TypedArray {
  if (perm.every((p, i) => p === i)) return x;
  const strides = stridesOf(aval.shape);
  const shape = perm.map((p) => aval.shape[p]!);
  return copyStrided(x, 0, perm.map((p) => strides[p]!), shape, allocate(aval.dtype, aval.size));
}

export const linalgKernels: KernelTable<"dot_general"> = {
  dot_general: ([a, b], [la, ra], { dimension_numbers: [[lc, rc], [lb, rb]] }, [out], [res]) => {
    const lFree = la!.shape.map((_, i) => i).filter((i) => !lc.includes(i) && !lb.includes(i));
    const rFree = ra!.shape.map((_, i) => i).filter((i) => !rc.includes(i) && !rb.includes(i));
    const A = permuted(a!, la!, [...lb, ...lFree, ...lc]);
    const B = permuted(b!, ra!, [...rb, ...rc, ...rFree]);
    const batch = sizeOf(lb.map((d) => la!.shape[d]!));
    const M = sizeOf(lFree.map((d) => la!.shape[d]!));
    const K = sizeOf(lc.map((d) => la!.shape[d]!));
    const N = sizeOf(rFree.map((d) => ra!.shape[d]!));
    const acc = allocate("float64", N) as Float64Array;
    // Integer products wrap modulo 2^32 (Math.imul), and the store wraps to the result's width.
    const isInt = isInteger(out!.dtype);
    for (let t = 0; t < batch; t++) {
      const aBase = t * M * K;
      const bBase = t * K * N;
      for (let i = 0; i < M; i++) {
        acc.fill(0);
        if (isInt) {
          for (let k = 0; k < K; k++) {
            const av = A[aBase + i * K + k]!;
            const row = bBase + k * N;
            for (let j = 0; j < N; j++) acc[j] = (acc[j]! + Math.imul(av, B[row + j]!)) | 0;
          }
        } else {
          // Four rows of B per pass over the accumulator: a quarter of the loads and stores.
          let k = 0;
          for (; k + 4 <= K; k += 4) {
            const a0 = A[aBase + i * K + k]!;
            const a1 = A[aBase + i * K + k + 1]!;
            const a2 = A[aBase + i * K + k + 2]!;
            const a3 = A[aBase + i * K + k + 3]!;
            const r0 = bBase + k * N;
            const r1 = r0 + N;
            const r2 = r1 + N;
            const r3 = r2 + N;
            for (let j = 0; j < N; j++) acc[j] = acc[j]! + a0 * B[r0 + j]! + a1 * B[r1 + j]! + a2 * B[r2 + j]! + a3 * B[r3 + j]!;
          }
          for (; k < K; k++) {
            const av = A[aBase + i * K + k]!;
            const row = bBase + k * N;
            for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * B[row + j]!;
          }
        }
        res!.set(acc, (t * M + i) * N);
      }
    }
  },
};
