// Plain reference implementations for the core tests: a row-major array of JS numbers
// with naive nested-loop semantics, plus fast-check arbitraries of small shapes.
import fc from "fast-check";
import { expect } from "vitest";
import { array, type DType, type NDArray } from "@jaxts/core";

/** A reference array: a shape and its row-major values as float64 JS numbers. */
export interface Ref {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}

/** The multi-index of flat position `i` in `shape`. */
export function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    idx[d] = i % n;
    i = Math.floor(i / n);
  }
  return idx;
}

export function ravelIndex(idx: readonly number[], shape: readonly number[]): number {
  let flat = 0;
  for (let d = 0; d < shape.length; d++) flat = flat * shape[d]! + idx[d]!;
  return flat;
}

export const get = (x: Ref, idx: readonly number[]): number => x.data[ravelIndex(idx, x.shape)]!;

/** Build a Ref of `shape` from a function of the multi-index. */
export function fromFn(shape: readonly number[], f: (idx: number[]) => number): Ref {
  const n = sizeOf(shape);
  const data: number[] = [];
  for (let i = 0; i < n; i++) data.push(f(unravel(i, shape)));
  return { shape: [...shape], data };
}

/** numpy broadcasting, or null when the shapes do not broadcast. */
export function broadcastShape(...shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const k = s.length - rank + i;
      if (k < 0) continue;
      const v = s[k]!;
      if (v === 1) continue;
      if (d !== 1 && d !== v) return null;
      d = v;
    }
    out.push(d);
  }
  return out;
}

/** Read x at an index of a shape it broadcasts to. */
export function getBroadcast(x: Ref, outIdx: readonly number[]): number {
  const off = outIdx.length - x.shape.length;
  return get(
    x,
    x.shape.map((d, i) => (d === 1 ? 0 : outIdx[i + off]!)),
  );
}

export function refOf(a: NDArray): Ref {
  return { shape: [...a.shape], data: Array.from(a.toTypedArray(), Number) };
}

export function toND(r: Ref, dtype: DType = "float64"): NDArray {
  const typed =
    dtype === "float64"
      ? Float64Array.from(r.data)
      : dtype === "float32"
        ? Float32Array.from(r.data)
        : dtype === "int32"
          ? Int32Array.from(r.data)
          : Uint8Array.from(r.data, (v) => (v !== 0 ? 1 : 0));
  return array(typed, { dtype }).reshape([...r.shape]);
}

/** Element-wise closeness (NaN equals NaN), plus equal shapes. */
export function expectClose(actual: NDArray, expected: Ref, tol = 1e-9): void {
  expect(actual.shape).toEqual(expected.shape);
  const got = Array.from(actual.toTypedArray(), Number);
  expect(got.length).toBe(expected.data.length);
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!;
    const e = expected.data[i]!;
    if (Number.isNaN(e)) {
      expect(a, `element ${i}`).toBeNaN();
    } else if (!Number.isFinite(e)) {
      expect(a, `element ${i}`).toBe(e);
    } else if (Math.abs(a - e) > tol * Math.max(1, Math.abs(e))) {
      expect(a, `element ${i} of shape [${expected.shape.join(", ")}]`).toBe(e);
    }
  }
}

export function expectExact(actual: NDArray, expected: Ref): void {
  expect(actual.shape).toEqual(expected.shape);
  expect(Array.from(actual.toTypedArray(), Number)).toEqual([...expected.data]);
}

// ---- arbitraries ----

export interface ShapeOptions {
  readonly minRank?: number;
  readonly maxRank?: number;
  readonly minDim?: number;
  readonly maxDim?: number;
}

export const shapeArb = ({ minRank = 0, maxRank = 4, minDim = 0, maxDim = 4 }: ShapeOptions = {}): fc.Arbitrary<number[]> =>
  fc.array(fc.integer({ min: minDim, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/** Small integers: exact in every dtype, so sums and products compare exactly. */
export const smallInt = fc.integer({ min: -5, max: 5 });
/** Finite floats of moderate size. */
export const smallFloat = fc.double({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true });

export function dataArb(shape: readonly number[], value: fc.Arbitrary<number> = smallFloat): fc.Arbitrary<Ref> {
  const n = sizeOf(shape);
  return fc.array(value, { minLength: n, maxLength: n }).map((data) => ({ shape: [...shape], data }));
}

export const refArb = (opts: ShapeOptions = {}, value: fc.Arbitrary<number> = smallFloat): fc.Arbitrary<Ref> =>
  shapeArb(opts).chain((s) => dataArb(s, value));

/** Several shapes that broadcast together: suffixes of one shape with some dims set to 1. */
export function broadcastableShapesArb(count: number, opts: ShapeOptions = {}): fc.Arbitrary<number[][]> {
  return shapeArb(opts).chain((full) =>
    fc.tuple(
      ...Array.from({ length: count }, () =>
        fc
          .tuple(fc.integer({ min: 0, max: full.length }), fc.array(fc.boolean(), { minLength: full.length, maxLength: full.length }))
          .map(([drop, ones]) => full.map((d, i) => (ones[i] ? 1 : d)).slice(drop)),
      ),
    ),
  );
}

/** A valid axis of a rank (0 ≤ axis < rank), possibly written negatively. */
export const axisArb = (rank: number): fc.Arbitrary<number> =>
  fc.integer({ min: 0, max: rank - 1 }).chain((a) => fc.constantFrom(a, a - rank));

/** A sorted-or-not subset of the axes of a rank. */
export const axesSubsetArb = (rank: number): fc.Arbitrary<number[]> =>
  fc.subarray(Array.from({ length: rank }, (_, i) => i)).chain((axes) => fc.shuffledSubarray(axes, { minLength: axes.length, maxLength: axes.length }));

export const runs = { numRuns: 40 } as const;
