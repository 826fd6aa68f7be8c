// Abstract values: what a tracer knows about an array (shape, dtype, weak type).
import { type DType, shortName } from "./dtype.js";
import { sizeOf } from "./shape.js";

/** The one shape of every rank-0 aval (scalars are most of an eager scalar program's avals). */
const RANK0: readonly number[] = Object.freeze([]);

/**
 * The abstract value of an array: its shape, dtype and whether it is weakly typed. It is what
 * a tracer knows, what jaxpr variables carry, and what `x.aval` gives.
 */
export class ShapedArray {
  readonly shape: readonly number[];
  /** The number of elements (computed once: every kernel and allocation asks). */
  readonly size: number;
  constructor(
    shape: readonly number[],
    readonly dtype: DType,
    readonly weakType: boolean = false,
  ) {
    // Avals are made for every primitive application, and most shapes come from another
    // aval (already frozen, so safe to share); only a shape the caller could still mutate
    // is copied.
    this.shape = shape.length === 0 ? RANK0 : Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.size = sizeOf(this.shape);
  }
  get ndim(): number {
    return this.shape.length;
  }
  /**
   * The same type without the weak flag (a weakly typed value is one born from a JS number).
   *
   * @example
   * import { ShapedArray } from "@jaxts/core";
   *
   * new ShapedArray([2], "float32", true).strengthened().weakType; // false
   */
  strengthened(): ShapedArray {
    return this.weakType ? new ShapedArray(this.shape, this.dtype, false) : this;
  }
  /**
   * Same shape and dtype (the weak flag is ignored).
   *
   * @example
   * import { array, ShapedArray } from "@jaxts/core";
   *
   * new ShapedArray([2], "float32").equals(array([1, 2]).aval); // true
   */
  equals(o: ShapedArray): boolean {
    return this.dtype === o.dtype && sameShape(this.shape, o.shape);
  }
  /**
   * JAX's printed form, e.g. `f32[2,3]`.
   *
   * @example
   * zeros([2, 3]).aval.str(); // "f32[2,3]"
   */
  str(): string {
    return `${shortName(this.dtype)}[${this.shape.join(",")}]`;
  }
  /**
   * The same as `str()`, so template strings print the type.
   *
   * @example
   * `${zeros([2]).aval}`; // "f32[2]"
   */
  toString(): string {
    return this.str();
  }
}

/** Whether two shapes are equal, dimension by dimension. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  // A plain loop (no closure): every binary primitive and every tangent asks.
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Same shape, dtype and weak type: the type a jaxpr variable carries (passes that replace
 * one value by another require it, so the jaxpr stays well typed). */
export function sameType(a: ShapedArray, b: ShapedArray): boolean {
  return a.dtype === b.dtype && a.weakType === b.weakType && sameShape(a.shape, b.shape);
}
