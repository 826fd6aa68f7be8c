// Backend-level comparison of one first-order primitive on js and on wasm: the same typed-array
// operands go to both backends' `run` (the wasm kernel must accept them), and the outputs are
// compared element by element with Object.is semantics (NaN equals NaN, +0 is not −0).
import { type DType, ShapedArray, type TypedArray } from "@jaxts/core";
import { abstractEval, allocate, type FirstOrderPrim, jsBackend, type ParamsOf, wasmBackend } from "../../src/internals.js";
import { expect } from "vitest";

/** A small deterministic PRNG (mulberry32): reproducible random shapes and values. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A random shape of rank 0..maxRank with axes 0..maxDim (so empty arrays occur). */
export function randomShape(r: () => number, maxRank = 4, maxDim = 5): number[] {
  const rank = Math.floor(r() * (maxRank + 1));
  return Array.from({ length: rank }, () => Math.floor(r() * (maxDim + 1)));
}

/** Random values of `dtype` (floats with ±0, NaN, ±Infinity mixed in; int32 over the full range). */
export function randomData(r: () => number, dtype: DType, size: number): TypedArray {
  const out = allocate(dtype, size);
  const specials = [0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1, -1];
  for (let i = 0; i < size; i++) {
    const u = r();
    if (dtype === "bool") out[i] = u < 0.5 ? 0 : 1;
    else if (dtype === "int32") out[i] = u < 0.5 ? Math.floor((r() - 0.5) * 2 ** 32) : Math.floor((r() - 0.5) * 20);
    else out[i] = u < 0.08 ? specials[Math.floor(r() * specials.length)]! : (r() - 0.5) * 200;
  }
  return out;
}

const shown = (a: TypedArray): (number | string)[] => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : v));

/** Run `prim` on both backends and return [js, wasm] outputs (wasm must support the call). */
export function runBoth<P extends FirstOrderPrim>(prim: P, inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], params: ParamsOf<P>): [TypedArray[], TypedArray[]] {
  const outAvals = abstractEval(prim, inAvals, params);
  expect(wasmBackend.supports(prim, inAvals, params), `wasm supports ${prim} on ${inAvals.map((a) => a.str()).join(", ")}`).toBe(true);
  const ref = outAvals.map((a) => allocate(a.dtype, a.size));
  const got = outAvals.map((a) => allocate(a.dtype, a.size).fill(Number.NaN));
  jsBackend.run(prim, inputs, inAvals, params, outAvals, ref);
  const copies = inputs.map((x) => x.slice());
  wasmBackend.run(prim, inputs, inAvals, params, outAvals, got);
  inputs.forEach((x, k) => expect(shown(x), `${prim} left its input ${k} unchanged`).toEqual(shown(copies[k]!)));
  return [ref, got];
}

/** `prim` gives bit-identical outputs on js and wasm for these operands. */
export function sameBits<P extends FirstOrderPrim>(prim: P, inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], params: ParamsOf<P>): void {
  const [ref, got] = runBoth(prim, inputs, inAvals, params);
  const where = `${prim}(${inAvals.map((a) => a.str()).join(", ")}; ${JSON.stringify(params)})`;
  ref.forEach((r, k) => expect(shown(got[k]!), where).toEqual(shown(r)));
}

/** Operands of these shapes and dtypes with random data. */
export function operands(r: () => number, specs: readonly (readonly [readonly number[], DType])[]): { inputs: TypedArray[]; avals: ShapedArray[] } {
  const avals = specs.map(([s, d]) => new ShapedArray(s, d));
  return { inputs: avals.map((a) => randomData(r, a.dtype, a.size)), avals };
}
