// Reduction loops, specialised per combining function without generating code (no
// `new Function`: a strict Content-Security-Policy page runs them). A loop that calls a
// different function at its call site for each reduction stops being inlined by V8 (2–5×
// slower per element), and closures made by one function literal share that call site's
// type feedback. So each factory below is its own literal (the texts are identical on
// purpose): the first reductions each get a loop of their own, where the combining function
// is inlined; any beyond the pool share the last factory (correct, slower). The elementwise
// loops are generated from scalar expressions instead (../scalar/js.ts).
import type { TypedArray } from "../../dtype.js";

export type Binary = (a: number, b: number) => number;
/** Reduce `rows` contiguous rows of length `n` from `src` into `res` (one value per row). */
export type RowReduceLoop = (src: TypedArray, rows: number, n: number, res: TypedArray) => void;
/** Fold each length-`inner` row of `src` into the accumulator `acc` (column-wise reduction). */
export type ColumnReduceLoop = (src: TypedArray, rows: number, inner: number, acc: Float64Array) => void;

/** As many factories as the js backend has reductions (sum, prod, max, min, and, or), plus room. */
const rowFactories: readonly ((f: Binary, init: number) => RowReduceLoop)[] = [
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
  (f, init) => (src, rows, n, res) => {
    for (let r = 0, base = 0; r < rows; r++, base += n) {
      let acc = init;
      for (let j = 0; j < n; j++) acc = f(acc, src[base + j]!);
      res[r] = acc;
    }
  },
];

const columnFactories: readonly ((f: Binary) => ColumnReduceLoop)[] = [
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
  (f) => (src, rows, inner, acc) => {
    for (let r = 0, base = 0; r < rows; r++, base += inner) for (let j = 0; j < inner; j++) acc[j] = f(acc[j]!, src[base + j]!);
  },
];

let rowsMade = 0;
let columnsMade = 0;

export function rowReduceLoop(f: Binary, init: number): RowReduceLoop {
  return rowFactories[Math.min(rowsMade++, rowFactories.length - 1)]!(f, init);
}

export function columnReduceLoop(f: Binary): ColumnReduceLoop {
  return columnFactories[Math.min(columnsMade++, columnFactories.length - 1)]!(f);
}
