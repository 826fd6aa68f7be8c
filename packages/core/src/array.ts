// NDArray: the immutable n-d array every API takes and returns. Concrete arrays own a
// typed array that is never handed out; tracers (trace/) are NDArrays too, so
// `x instanceof NDArray` holds inside transformed functions.
import type { ShapedArray } from "./aval.js";
import { type DType, elementOf, isFloat, isHalf, type TypedArray, valuesOf } from "./dtype.js";
import { decodeHalves } from "./half.js";
import { ArgumentError, JaxtsError } from "./errors.js";
import { alignDecimals, formatElement, formatScalar } from "./format.js";
import { sizeOf } from "./shape.js";

export type Operand = NDArray | number;
export type NestedArray = number | boolean | NestedArray[];

export interface ReduceOptions {
  readonly axis?: number | readonly number[] | null;
  readonly keepdims?: boolean;
}

/** The numpy functions behind NDArray's fluent methods; installed by numpy/ at load time
 * (array.ts must not import numpy/, which imports the trace machinery built on NDArray). */
export interface ArrayMethods {
  add(a: Operand, b: Operand): NDArray;
  subtract(a: Operand, b: Operand): NDArray;
  multiply(a: Operand, b: Operand): NDArray;
  divide(a: Operand, b: Operand): NDArray;
  power(a: Operand, b: Operand): NDArray;
  negative(a: Operand): NDArray;
  exp(a: Operand): NDArray;
  log(a: Operand): NDArray;
  sin(a: Operand): NDArray;
  cos(a: Operand): NDArray;
  tanh(a: Operand): NDArray;
  sqrt(a: Operand): NDArray;
  abs(a: Operand): NDArray;
  square(a: Operand): NDArray;
  matmul(a: Operand, b: Operand): NDArray;
  sum(a: Operand, opts?: ReduceOptions): NDArray;
  mean(a: Operand, opts?: ReduceOptions): NDArray;
  max(a: Operand, opts?: ReduceOptions): NDArray;
  min(a: Operand, opts?: ReduceOptions): NDArray;
  argmax(a: Operand, opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray;
  reshape(a: Operand, shape: readonly number[]): NDArray;
  transpose(a: Operand, axes?: readonly number[]): NDArray;
  astype(a: Operand, dtype: DType): NDArray;
  view(a: Operand, dtype: DType): NDArray;
  greater(a: Operand, b: Operand): NDArray;
  greaterEqual(a: Operand, b: Operand): NDArray;
  less(a: Operand, b: Operand): NDArray;
  lessEqual(a: Operand, b: Operand): NDArray;
  equal(a: Operand, b: Operand): NDArray;
  notEqual(a: Operand, b: Operand): NDArray;
}

let methods: ArrayMethods | undefined;
export function installArrayMethods(m: ArrayMethods): void {
  methods = m;
}
function m(): ArrayMethods {
  if (methods === undefined) throw new JaxtsError("internal: numpy methods are not installed");
  return methods;
}

/** The live buffer of a concrete array, for kernels inside @jaxts/core only (never exported
 * from the package: handing it out would let callers mutate an immutable array). */
export function bufferOf(c: ConcreteArray): TypedArray {
  return readBuffer(c);
}

export abstract class NDArray {
  abstract get aval(): ShapedArray;
  /** The concrete value behind this array, or a ConcretizationError naming `what` asked for it. */
  abstract concrete(what: string): ConcreteArray;

  get shape(): readonly number[] {
    return this.aval.shape;
  }
  get dtype(): DType {
    return this.aval.dtype;
  }
  get ndim(): number {
    return this.aval.shape.length;
  }
  get size(): number {
    return sizeOf(this.aval.shape);
  }
  get weakType(): boolean {
    return this.aval.weakType;
  }

  item(): number | boolean {
    const c = this.concrete("item()");
    if (c.size !== 1) {
      throw new ArgumentError(`item(): only arrays of size 1 convert to a scalar, got shape [${c.shape.join(", ")}]`);
    }
    const v = elementOf(bufferOf(c), c.dtype, 0);
    return c.dtype === "bool" ? v !== 0 : v;
  }
  /**
   * JS conversion. `x > 0`, `Number(x)`, `+x`, `x + 1` and `x == 1` use the value of a size-1
   * array (a boolean for bool arrays) — also inside eager `grad`, whose primals are concrete.
   * A staged (abstract) value has no value to give: ConcretizationError, as JAX's `__bool__`
   * and `__float__` raise, instead of a silent comparison of strings. An array of several
   * elements has no single value: ArgumentError. `${x}` and `String(x)` print the array.
   */
  [Symbol.toPrimitive](hint: string): number | boolean | string {
    if (hint === "string") return this.toString();
    return jsScalarOf(
      this,
      hint === "number"
        ? "converting an array to a JS number (`x < y`, `Number(x)`, `+x`)"
        : "using an array as a JS value (`x + y`, `x == y`; to print it use a template string or String(x))",
    );
  }
  /** The value of a size-1 array, as `Number(x)` gives it (see Symbol.toPrimitive). */
  valueOf(): number | boolean {
    return jsScalarOf(this, "valueOf()");
  }
  /** A copy of the elements. float16 and bfloat16 come back as a Float32Array of their
   * values (exact: every half is a float32), since JS has no 16-bit float array. */
  toTypedArray(): TypedArray {
    const c = this.concrete("toTypedArray()");
    const data = bufferOf(c);
    if (!isHalf(c.dtype)) return data.slice();
    const out = new Float32Array(data.length);
    decodeHalves(c.dtype, data as Uint16Array, out);
    return out;
  }
  toArray(): NestedArray {
    const c = this.concrete("toArray()");
    const data = isHalf(c.dtype) ? this.toTypedArray() : bufferOf(c);
    const isBool = c.dtype === "bool";
    let pos = 0;
    const build = (dim: number): NestedArray => {
      if (dim === c.shape.length) {
        const v = data[pos++]!;
        return isBool ? v !== 0 : v;
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < c.shape[dim]!; i++) out.push(build(dim + 1));
      return out;
    };
    return build(0);
  }

  add(o: Operand): NDArray {
    return m().add(this, o);
  }
  sub(o: Operand): NDArray {
    return m().subtract(this, o);
  }
  mul(o: Operand): NDArray {
    return m().multiply(this, o);
  }
  div(o: Operand): NDArray {
    return m().divide(this, o);
  }
  pow(o: Operand): NDArray {
    return m().power(this, o);
  }
  neg(): NDArray {
    return m().negative(this);
  }
  exp(): NDArray {
    return m().exp(this);
  }
  log(): NDArray {
    return m().log(this);
  }
  sin(): NDArray {
    return m().sin(this);
  }
  cos(): NDArray {
    return m().cos(this);
  }
  tanh(): NDArray {
    return m().tanh(this);
  }
  sqrt(): NDArray {
    return m().sqrt(this);
  }
  abs(): NDArray {
    return m().abs(this);
  }
  square(): NDArray {
    return m().square(this);
  }
  matmul(o: Operand): NDArray {
    return m().matmul(this, o);
  }
  sum(opts?: ReduceOptions): NDArray {
    return m().sum(this, opts);
  }
  mean(opts?: ReduceOptions): NDArray {
    return m().mean(this, opts);
  }
  max(opts?: ReduceOptions): NDArray {
    return m().max(this, opts);
  }
  min(opts?: ReduceOptions): NDArray {
    return m().min(this, opts);
  }
  argmax(opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray {
    return m().argmax(this, opts);
  }
  reshape(shape: readonly number[]): NDArray {
    return m().reshape(this, shape);
  }
  transpose(axes?: readonly number[]): NDArray {
    return m().transpose(this, axes);
  }
  get T(): NDArray {
    return m().transpose(this);
  }
  astype(dtype: DType): NDArray {
    return m().astype(this, dtype);
  }
  /** The same bytes as another dtype (numpy's x.view): the last axis scales by the ratio of the widths. */
  view(dtype: DType): NDArray {
    return m().view(this, dtype);
  }
  gt(o: Operand): NDArray {
    return m().greater(this, o);
  }
  ge(o: Operand): NDArray {
    return m().greaterEqual(this, o);
  }
  lt(o: Operand): NDArray {
    return m().less(this, o);
  }
  le(o: Operand): NDArray {
    return m().lessEqual(this, o);
  }
  eq(o: Operand): NDArray {
    return m().equal(this, o);
  }
  ne(o: Operand): NDArray {
    return m().notEqual(this, o);
  }
}

/** The JS value of a size-1 array (a function, not a method, so it is not part of NDArray's surface). */
function jsScalarOf(x: NDArray, what: string): number | boolean {
  const c = x.concrete(what);
  if (c.size !== 1) {
    throw new ArgumentError(
      `${what}: only an array of size 1 converts to a JS value, got shape [${c.shape.join(", ")}]; ` +
        "compare elementwise with x.gt(y) / np.greater and reduce with np.any / np.all, or use x.item() on one element",
    );
  }
  const v = elementOf(bufferOf(c), c.dtype, 0);
  return c.dtype === "bool" ? v !== 0 : v;
}

let readBuffer: (c: ConcreteArray) => TypedArray;

/** An array with a value. Its row-major buffer is private to this array (and to arrays
 * that share it as a pure re-view, like reshape): kernels read it through `bufferOf`,
 * nothing writes it after construction, and public accessors return copies. */
export class ConcreteArray extends NDArray {
  readonly #aval: ShapedArray;
  readonly #data: TypedArray;
  static {
    readBuffer = (c) => c.#data;
  }
  constructor(aval: ShapedArray, data: TypedArray) {
    super();
    this.#aval = aval;
    this.#data = data;
  }
  get aval(): ShapedArray {
    return this.#aval;
  }
  concrete(): ConcreteArray {
    return this;
  }
  override toString(): string {
    return formatArray(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `NDArray(${formatArray(this)}, dtype=${this.dtype})`;
  }
}

/** numpy-like text: `[[1. 2.]\n [3. 4.]]`; a 0-d array prints as its scalar, an empty one as `[]`. */
export function formatArray(a: ConcreteArray): string {
  if (a.shape.length === 0) return formatScalar(elementOf(bufferOf(a), a.dtype, 0), a.dtype);
  if (a.size === 0) return "[]";
  const cells = valuesOf(bufferOf(a), a.dtype).map((v) => formatElement(v, a.dtype));
  const strs = isFloat(a.dtype) ? alignDecimals(cells) : cells;
  const width = Math.max(0, ...strs.map((s) => s.length));
  let pos = 0;
  const build = (dim: number, indent: string): string => {
    if (dim === a.shape.length) return strs[pos++]!.padStart(width);
    const parts: string[] = [];
    for (let i = 0; i < a.shape[dim]!; i++) parts.push(build(dim + 1, `${indent} `));
    const sep = dim === a.shape.length - 1 ? " " : `\n${"\n".repeat(Math.max(0, a.shape.length - dim - 2))}${indent} `;
    return `[${parts.join(sep)}]`;
  };
  return build(0, "");
}
