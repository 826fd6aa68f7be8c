// Abstract values: what a tracer knows about an array (shape, dtype, weak type).
import { type DType, shortName } from "./dtype.js";
import { sizeOf } from "./shape.js";

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
    this.shape = Object.isFrozen(shape) ? shape : Object.freeze([...shape]);
    this.size = sizeOf(this.shape);
  }
  get ndim(): number {
    return this.shape.length;
  }
  strengthened(): ShapedArray {
    return this.weakType ? new ShapedArray(this.shape, this.dtype, false) : this;
  }
  equals(o: ShapedArray): boolean {
    return this.dtype === o.dtype && sameShape(this.shape, o.shape);
  }
  /** JAX's printed form, e.g. `f32[2,3]`. */
  str(): string {
    return `${shortName(this.dtype)}[${this.shape.join(",")}]`;
  }
  toString(): string {
    return this.str();
  }
}

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
