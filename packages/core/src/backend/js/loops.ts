// Specialised inner loops. A loop shared by many operations calls a different function
// at its call site each time, and V8 stops inlining it (2–5× slower per element). So
// every operation gets its own copy of the loop: the source below is a fixed template
// (no user input reaches it); only the function called inside differs.
import type { TypedArray } from "../../dtype.js";

export type Unary = (x: number) => number;
export type Binary = (a: number, b: number) => number;
export type UnaryLoop = (src: TypedArray, res: TypedArray) => void;
/** `sx`/`sy` are 1 for full operands and 0 for rank-0 (broadcast) ones. */
export type BinaryLoop = (x: TypedArray, y: TypedArray, sx: number, sy: number, res: TypedArray) => void;
/** Reduce `rows` contiguous rows of length `n` from `src` into `res` (one value per row). */
export type RowReduceLoop = (src: TypedArray, rows: number, n: number, res: TypedArray) => void;
/** Fold each length-`inner` row of `src` into the accumulator `acc` (column-wise reduction). */
export type ColumnReduceLoop = (src: TypedArray, rows: number, inner: number, acc: Float64Array) => void;

const unaryTemplate = `return function unaryLoop(src, res) {
  const n = src.length;
  for (let i = 0; i < n; i++) res[i] = f(src[i]);
};`;

const binaryTemplate = `return function binaryLoop(x, y, sx, sy, res) {
  const n = res.length;
  if (sx === 1 && sy === 1) for (let i = 0; i < n; i++) res[i] = f(x[i], y[i]);
  else if (sy === 0) { const b = y[0]; for (let i = 0; i < n; i++) res[i] = f(x[i], b); }
  else { const a = x[0]; for (let i = 0; i < n; i++) res[i] = f(a, y[i]); }
};`;

const rowTemplate = `return function rowReduceLoop(src, rows, n, res) {
  for (let r = 0, base = 0; r < rows; r++, base += n) {
    let acc = init;
    for (let j = 0; j < n; j++) acc = f(acc, src[base + j]);
    res[r] = acc;
  }
};`;

const columnTemplate = `return function columnReduceLoop(src, rows, inner, acc) {
  for (let r = 0, base = 0; r < rows; r++, base += inner)
    for (let j = 0; j < inner; j++) acc[j] = f(acc[j], src[base + j]);
};`;

export function unaryLoop(f: Unary): UnaryLoop {
  return new Function("f", unaryTemplate)(f) as UnaryLoop;
}

export function binaryLoop(f: Binary): BinaryLoop {
  return new Function("f", binaryTemplate)(f) as BinaryLoop;
}

export function rowReduceLoop(f: Binary, init: number): RowReduceLoop {
  return new Function("f", "init", rowTemplate)(f, init) as RowReduceLoop;
}

export function columnReduceLoop(f: Binary): ColumnReduceLoop {
  return new Function("f", columnTemplate)(f) as ColumnReduceLoop;
}
