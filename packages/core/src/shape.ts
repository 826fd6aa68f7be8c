// Shape algebra: sizes, strides, broadcasting, axis normalisation.
import { AxisError, ArgumentError, ShapeError } from "./errors.js";

/** The number of elements of an array of `shape` (1 for `[]`). */
export function sizeOf(shape: readonly number[]): number {
  // A plain loop, not `reduce`: shapes reach here as arrays of several kinds (frozen, holey,
  // double), and a `reduce` call site seeing them all goes megamorphic in long processes.
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides, in elements: `[3, 4] → [4, 1]`. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** A shape as error messages print it: `[2, 3]`. */
export const fmtShape = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** numpy broadcasting of several shapes; `where` names the operation in the error. */
export function broadcastShapes(where: string, ...shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i]!;
      if (out[o] === 1) out[o] = d;
      else if (d !== 1 && d !== out[o]) {
        throw new ShapeError(`${where}: shapes ${shapes.map(fmtShape).join(" and ")} cannot be broadcast together`);
      }
    }
  }
  return out;
}

/** `axis` in [0, ndim), negative axes counted from the end; an AxisError naming `where` otherwise. */
export function normalizeAxis(axis: number, ndim: number, where: string): number {
  if (!Number.isInteger(axis)) throw new AxisError(`${where}: axis must be an integer, got ${describeValue(axis)}`);
  if (axis < -ndim || axis >= ndim) {
    throw new AxisError(`${where}: axis ${axis} is out of bounds for an array of rank ${ndim}`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Normalise an `axis` option (number, list or undefined = all axes) to sorted unique axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined | null, ndim: number, where: string): number[] {
  if (axis === undefined || axis === null) {
    // (a plain loop: Array.from with a map function costs a visible part of an eager mean)
    const all = new Array<number>(ndim);
    for (let i = 0; i < ndim; i++) all[i] = i;
    return all;
  }
  if (typeof axis !== "number" && !Array.isArray(axis)) {
    throw new ArgumentError(`${where}: axis must be a number or a list of numbers, got ${describeValue(axis)}`);
  }
  const list = typeof axis === "number" ? [axis] : [...axis];
  const out = list.map((a) => normalizeAxis(a, ndim, where));
  if (new Set(out).size !== out.length) throw new AxisError(`${where}: repeated axis in ${fmtShape(list)}`);
  return out.sort((a, b) => a - b);
}

export function checkShape(shape: unknown, where: string): number[] {
  if (typeof shape === "number") shape = [shape];
  // Array.from reads a hole as undefined (every() would skip it and let [2, , 3] through).
  if (!Array.isArray(shape) || !Array.from(shape).every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ArgumentError(`${where}: a shape must be a list of non-negative integers, got ${describeValue(shape)}`);
  }
  return Array.from(shape as number[]);
}

/** A list of integers for a static argument (`what` names it in the error). */
export function checkIntList(x: unknown, where: string, what: string): number[] {
  if (!Array.isArray(x) || !Array.from(x).every((d) => Number.isInteger(d))) {
    throw new ArgumentError(`${where}: ${what} must be a list of integers, got ${describeValue(x)}`);
  }
  return Array.from(x as number[]);
}

/** A short description of a JS value for error messages. Safe for any value: building the
 * message of an error about a bad argument must not itself throw (a symbol, a bigint or an
 * object without a prototype do not convert with `${x}`). */
export function describeValue(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (Array.isArray(x)) return `[${Array.from(x, (v) => (typeof v === "number" ? String(v) : typeof v)).join(", ")}]`;
  if (typeof x === "object") {
    const name: unknown = Object.getPrototypeOf(x)?.constructor?.name;
    return `an object (${typeof name === "string" && name !== "" ? name : "Object"})`;
  }
  if (typeof x === "symbol" || typeof x === "function") return typeof x;
  return `${typeof x} ${String(x)}`;
}

export function isPermutation(perm: readonly number[], n: number): boolean {
  return perm.length === n && new Set(perm).size === n && perm.every((p) => Number.isInteger(p) && p >= 0 && p < n);
}
