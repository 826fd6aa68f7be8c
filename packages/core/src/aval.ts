// Abstract values: what a tracer knows about an array (shape, dtype, weak type).
import { type DType, shortName } from "./dtype.js";
import { sizeOf } from "./shape.js";

export class ShapedArray {
  readonly shape: readonly number[];
  constructor(
    shape: readonly number[],
    readonly dtype: DType,
    readonly weakType: boolean = false,
  ) {
    this.shape = Object.freeze([...shape]);
  }
  get ndim(): number {
    return this.shape.length;
  }
  get size(): number {
    return sizeOf(this.shape);
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
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
