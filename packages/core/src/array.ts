// NDArray: the immutable n-d array every API takes and returns. Concrete arrays own a
// typed array that is never handed out; tracers (trace/) are NDArrays too, so
// `x instanceof NDArray` holds inside transformed functions.
import type { ShapedArray } from "./aval.js";
import type { Complex } from "./complex-value.js";
import { allocateForCaller, complexElementOf, type DType, elementOf, isComplex, isFloat, isHalf, type TypedArray, valuesOf } from "./dtype.js";
import { decodeHalves } from "./half.js";
import { ArgumentError, DTypeError, JaxtsError } from "./errors.js";
import { alignDecimals, complexCells, formatComplexScalar, formatElement, formatScalar } from "./format.js";
import { sizeOf } from "./shape.js";
import type { Var } from "./ir/jaxpr.js";
import type { PrimitiveName } from "./primitives/params.js";

export type Operand = NDArray | number;
/** Nested JS lists of elements: numbers, booleans, or `{ re, im }` objects for complex dtypes. */
export type NestedArray = number | boolean | Complex | NestedArray[];

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
  /**
   * The concrete value behind this array, or a ConcretizationError naming `what` asked for it.
   *
   * @example
   * array([1, 2]).concrete("example").toString(); // "[1. 2.]"
   */
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

  /**
   * The single element of a size-1 array as a JS number (a boolean for bool arrays, `{ re, im }`
   * for complex ones); an ArgumentError for any other size, a ConcretizationError under `jit`.
   *
   * @example
   * np.sum(array([1, 2, 3])).item(); // 6
   */
  item(): number | boolean | Complex {
    const c = this.concrete("item()");
    if (c.size !== 1) {
      throw new ArgumentError(`item(): only arrays of size 1 convert to a scalar, got shape [${c.shape.join(", ")}]`);
    }
    if (isComplex(c.dtype)) return complexElementOf(bufferOf(c), c.dtype, 0);
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
  /**
   * The value of a size-1 array, as `Number(x)` gives it (see Symbol.toPrimitive).
   *
   * @example
   * Number(array([2.5])); // 2.5
   */
  valueOf(): number | boolean {
    return jsScalarOf(this, "valueOf()");
  }
  /** A copy of the elements. float16 and bfloat16 come back as a Float32Array of their
   * values (exact: every half is a float32), since JS has no 16-bit float array. complex64
   * and complex128 come back as their storage: a Float32Array or Float64Array of interleaved
   * (re, im) pairs, twice as long as the array has elements.
   *
   * @example
   * array([1, 2], { dtype: "int32" }).toTypedArray(); // Int32Array [1, 2]
   */
  toTypedArray(): TypedArray {
    const c = this.concrete("toTypedArray()");
    const data = bufferOf(c);
    if (!isHalf(c.dtype)) {
      // A big copy goes into a buffer of its own that is not zeroed first (it is overwritten
      // at once); a small one is a slice (never a view of the slabs small arrays share).
      if (data.byteLength < 1 << 16) return data.slice();
      const out = allocateForCaller(c.dtype, c.size);
      out.set(data as never);
      return out;
    }
    const out = new Float32Array(data.length);
    decodeHalves(c.dtype, data as Uint16Array, out);
    return out;
  }
  /**
   * The elements as nested JS arrays of `shape` (numbers; booleans for bool arrays); a 0-d array
   * gives its number.
   *
   * @example
   * array([[1, 2], [3, 4]]).toArray(); // [[1, 2], [3, 4]]
   */
  toArray(): NestedArray {
    const c = this.concrete("toArray()");
    const data = isHalf(c.dtype) ? this.toTypedArray() : bufferOf(c);
    const isBool = c.dtype === "bool";
    const cplx = isComplex(c.dtype);
    let pos = 0;
    const build = (dim: number): NestedArray => {
      if (dim === c.shape.length) {
        if (cplx) {
          const z = { re: data[2 * pos]!, im: data[2 * pos + 1]! };
          pos++;
          return z;
        }
        const v = data[pos++]!;
        return isBool ? v !== 0 : v;
      }
      const out: NestedArray[] = [];
      for (let i = 0; i < c.shape[dim]!; i++) out.push(build(dim + 1));
      return out;
    };
    return build(0);
  }

  /**
   * `this + o` with numpy broadcasting and promotion (`np.add`).
   *
   * @example
   * array([1, 2]).add(array([[10], [20]])); // [[11, 12], [21, 22]]
   */
  add(o: Operand): NDArray {
    return m().add(this, o);
  }
  /**
   * `this - o`, broadcasting and promoting (`np.subtract`).
   *
   * @example
   * array([5, 7]).sub(1); // [4, 6]
   */
  sub(o: Operand): NDArray {
    return m().subtract(this, o);
  }
  /**
   * `this · o`, elementwise, broadcasting and promoting (`np.multiply`; `matmul` is the matrix product).
   *
   * @example
   * array([1, 2]).mul(3); // [3, 6]
   */
  mul(o: Operand): NDArray {
    return m().multiply(this, o);
  }
  /**
   * `this / o`, true division, broadcasting (`np.divide`; integers give a float).
   *
   * @example
   * array([1, 3]).div(2); // [0.5, 1.5]
   */
  div(o: Operand): NDArray {
    return m().divide(this, o);
  }
  /**
   * `this ^ o`, broadcasting and promoting (`np.power`).
   *
   * @example
   * array([2, 3]).pow(2); // [4, 9]
   */
  pow(o: Operand): NDArray {
    return m().power(this, o);
  }
  /**
   * `-this` (`np.negative`).
   *
   * @example
   * array([1, -2]).neg(); // [-1, 2]
   */
  neg(): NDArray {
    return m().negative(this);
  }
  /**
   * `e^this`, elementwise (`np.exp`; integers give a float).
   *
   * @example
   * array([0, 1]).exp(); // [1, 2.7183]
   */
  exp(): NDArray {
    return m().exp(this);
  }
  /**
   * The natural logarithm, elementwise (`np.log`).
   *
   * @example
   * array([1, Math.E]).log(); // [0, 1]
   */
  log(): NDArray {
    return m().log(this);
  }
  /**
   * The sine, elementwise (`np.sin`).
   *
   * @example
   * array([0, Math.PI / 2]).sin(); // [0, 1]
   */
  sin(): NDArray {
    return m().sin(this);
  }
  /**
   * The cosine, elementwise (`np.cos`).
   *
   * @example
   * array([0, Math.PI]).cos(); // [1, -1]
   */
  cos(): NDArray {
    return m().cos(this);
  }
  /**
   * The hyperbolic tangent, elementwise (`np.tanh`).
   *
   * @example
   * array([0, 1]).tanh(); // [0, 0.7616]
   */
  tanh(): NDArray {
    return m().tanh(this);
  }
  /**
   * The square root, elementwise (`np.sqrt`).
   *
   * @example
   * array([4, 9]).sqrt(); // [2, 3]
   */
  sqrt(): NDArray {
    return m().sqrt(this);
  }
  /**
   * `|this|`, elementwise (`np.abs`).
   *
   * @example
   * array([-2, 3]).abs(); // [2, 3]
   */
  abs(): NDArray {
    return m().abs(this);
  }
  /**
   * `this²`, elementwise (`np.square`).
   *
   * @example
   * array([3, -2]).square(); // [9, 4]
   */
  square(): NDArray {
    return m().square(this);
  }
  /**
   * The matrix product (`np.matmul`): `[..., n, k] @ [..., k, m] → [..., n, m]`, batch dimensions
   * broadcast; a 1-d operand is a vector.
   *
   * @example
   * array([[1, 2], [3, 4]]).matmul(array([1, 1])); // [3, 7]
   */
  matmul(o: Operand): NDArray {
    return m().matmul(this, o);
  }
  /**
   * The sum over `axis` (all axes by default; `keepdims` keeps them as size 1), as `np.sum`.
   *
   * @example
   * const x = array([[1, 2], [3, 4]]);
   * x.sum().item(); // 10
   * x.sum({ axis: 0 }); // [4, 6]
   * x.sum({ axis: 1, keepdims: true }); // [[3], [7]]
   */
  sum(opts?: ReduceOptions): NDArray {
    return m().sum(this, opts);
  }
  /**
   * The mean over `axis` (all by default), as `np.mean`; integers give a float.
   *
   * @example
   * array([[1, 2], [3, 4]]).mean({ axis: 1 }); // [1.5, 3.5]
   */
  mean(opts?: ReduceOptions): NDArray {
    return m().mean(this, opts);
  }
  /**
   * The maximum over `axis` (all by default), as `np.max`.
   *
   * @example
   * array([[1, 5], [3, 2]]).max({ axis: 0 }); // [3, 5]
   */
  max(opts?: ReduceOptions): NDArray {
    return m().max(this, opts);
  }
  /**
   * The minimum over `axis` (all by default), as `np.min`.
   *
   * @example
   * array([[1, 5], [3, 2]]).min({ axis: 0 }); // [1, 2]
   */
  min(opts?: ReduceOptions): NDArray {
    return m().min(this, opts);
  }
  /**
   * The index of the largest element (of the flattened array, or along `axis`), as `np.argmax`; int32.
   *
   * @example
   * array([[1, 9], [7, 2]]).argmax({ axis: 1 }); // [1, 0]
   * array([[1, 9], [7, 2]]).argmax().item(); // 1
   */
  argmax(opts?: { readonly axis?: number; readonly keepdims?: boolean }): NDArray {
    return m().argmax(this, opts);
  }
  /**
   * The same elements in row-major order with a new shape (one entry may be -1), as `np.reshape`.
   *
   * @example
   * arange(6).reshape([2, -1]).shape; // [2, 3]
   */
  reshape(shape: readonly number[]): NDArray {
    return m().reshape(this, shape);
  }
  /**
   * The axes permuted (reversed by default), as `np.transpose`.
   *
   * @example
   * zeros([2, 3, 4]).transpose().shape; // [4, 3, 2]
   * zeros([2, 3, 4]).transpose([0, 2, 1]).shape; // [2, 4, 3]
   */
  transpose(axes?: readonly number[]): NDArray {
    return m().transpose(this, axes);
  }
  get T(): NDArray {
    return m().transpose(this);
  }
  /**
   * The elements converted to `dtype` (floats to integers truncate), as `np.astype`.
   *
   * @example
   * array([1.7, -1.7]).astype("int32"); // [1, -1]
   */
  astype(dtype: DType): NDArray {
    return m().astype(this, dtype);
  }
  /**
   * The same bytes as another dtype (numpy's x.view): the last axis scales by the ratio of the widths.
   *
   * @example
   * array([1], { dtype: "float32" }).view("int32"); // [1065353216]
   * array([1], { dtype: "float64" }).view("int32").shape; // [2]
   */
  view(dtype: DType): NDArray {
    return m().view(this, dtype);
  }
  /**
   * `this > o`, broadcasting: a bool array (`np.greater`).
   *
   * @example
   * array([1, 3]).gt(2); // [false, true]
   */
  gt(o: Operand): NDArray {
    return m().greater(this, o);
  }
  /**
   * `this ≥ o`, broadcasting: a bool array (`np.greaterEqual`).
   *
   * @example
   * array([1, 2]).ge(2); // [false, true]
   */
  ge(o: Operand): NDArray {
    return m().greaterEqual(this, o);
  }
  /**
   * `this < o`, broadcasting: a bool array (`np.less`).
   *
   * @example
   * array([1, 3]).lt(2); // [true, false]
   */
  lt(o: Operand): NDArray {
    return m().less(this, o);
  }
  /**
   * `this ≤ o`, broadcasting: a bool array (`np.lessEqual`).
   *
   * @example
   * array([2, 3]).le(2); // [true, false]
   */
  le(o: Operand): NDArray {
    return m().lessEqual(this, o);
  }
  /**
   * `this == o`, broadcasting: a bool array (`np.equal`; NaN is unequal to itself).
   *
   * @example
   * array([1, 2]).eq(2); // [false, true]
   */
  eq(o: Operand): NDArray {
    return m().equal(this, o);
  }
  /**
   * `this != o`, broadcasting: a bool array (`np.notEqual`).
   *
   * @example
   * array([1, 2]).ne(2); // [true, false]
   */
  ne(o: Operand): NDArray {
    return m().notEqual(this, o);
  }
}

/** The JS value of a size-1 array (a function, not a method, so it is not part of NDArray's surface). */
function jsScalarOf(x: NDArray, what: string): number | boolean {
  const c = x.concrete(what);
  // Python's float() of a complex raises; a JS number cannot hold one either (item() gives { re, im }).
  if (isComplex(c.dtype)) throw new DTypeError(`${what}: a ${c.dtype} array has no JS number value; use x.item() for { re, im }, or np.real / np.imag`);
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
let readDeferred: (c: ConcreteArray) => Deferred | undefined;

/**
 * How a deferred array's value is computed: the primitive that makes it, over arrays that
 * may be deferred themselves (compiler/deferred.ts builds and runs the program). Eager
 * elementwise primitives on big arrays return deferred arrays, so a chain of them runs as
 * one fused kernel when its value is first read.
 */
export interface Deferred {
  readonly primitive: PrimitiveName;
  readonly params: unknown;
  readonly args: readonly ConcreteArray[];
  /** The variable that names this array's value in the programs that compute it. */
  readonly outVar: Var;
  /** An upper bound on the deferred equations behind this array (this one included). */
  readonly pending: number;
  /** An upper bound on the computed arrays those equations read. */
  readonly leaves: number;
}

/** The computation behind `c` if its value has not been computed yet, else undefined. */
export function deferredOf(c: ConcreteArray): Deferred | undefined {
  return readDeferred(c);
}

let evaluateDeferred: (c: ConcreteArray) => TypedArray = () => {
  throw new JaxtsError("internal: no evaluator for deferred arrays is installed");
};
/** Installs the function that computes a deferred array's value (compiler/deferred.ts). */
export function installDeferredEvaluator(f: (c: ConcreteArray) => TypedArray): void {
  evaluateDeferred = f;
}

/** An array with a value. Its row-major buffer is private to this array (and to arrays
 * that share it as a pure re-view, like reshape): kernels read it through `bufferOf`,
 * nothing writes it after construction, and public accessors return copies. */
export class ConcreteArray extends NDArray {
  readonly #aval: ShapedArray;
  // Exactly one of the two is set: the value, or how to compute it (compiler/deferred.ts);
  // the first read computes it, and from then on the array holds its value.
  #data: TypedArray | undefined;
  #deferred: Deferred | undefined;
  static {
    readBuffer = (c) => {
      if (c.#data === undefined) {
        c.#data = evaluateDeferred(c);
        c.#deferred = undefined;
      }
      return c.#data;
    };
    readDeferred = (c) => c.#deferred;
  }
  constructor(aval: ShapedArray, data: TypedArray);
  constructor(aval: ShapedArray, data: undefined, deferred: Deferred);
  constructor(aval: ShapedArray, data: TypedArray | undefined, deferred?: Deferred) {
    super();
    this.#aval = aval;
    this.#data = data;
    this.#deferred = deferred;
  }
  get aval(): ShapedArray {
    return this.#aval;
  }
  /**
   * This array itself: it has a value.
   *
   * @example
   * const x = array([1, 2]);
   * x.concrete("example") === x; // true
   */
  concrete(): ConcreteArray {
    return this;
  }
  /**
   * The elements as numpy prints them (`[[1. 2.]\n [3. 4.]]`; a 0-d array as its scalar).
   *
   * @example
   * String(array([[1, 2], [3, 4]])); // "[[1. 2.]\n [3. 4.]]"
   */
  override toString(): string {
    return formatArray(this);
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `NDArray(${formatArray(this)}, dtype=${this.dtype})`;
  }
}

/** numpy-like text: `[[1. 2.]\n [3. 4.]]`; a 0-d array prints as its scalar, an empty one as `[]`. */
export function formatArray(a: ConcreteArray): string {
  if (a.shape.length === 0) {
    return isComplex(a.dtype) ? formatComplexScalar(complexElementOf(bufferOf(a), a.dtype, 0), a.dtype) : formatScalar(elementOf(bufferOf(a), a.dtype, 0), a.dtype);
  }
  if (a.size === 0) return "[]";
  let strs: string[];
  if (isComplex(a.dtype)) strs = complexCells(bufferOf(a), a.dtype);
  else {
    const cells = valuesOf(bufferOf(a), a.dtype).map((v) => formatElement(v, a.dtype));
    strs = isFloat(a.dtype) ? alignDecimals(cells) : cells;
  }
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
