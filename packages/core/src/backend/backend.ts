// The Backend interface: what a backend (js, wasm, …) provides so that eager evaluation can
// run each first-order primitive on it, and the layout rule that makes pure re-views free.
import type { ShapedArray } from "../aval.js";
import type { TypedArray } from "../dtype.js";
import type { ClosedJaxpr } from "../ir/jaxpr.js";
import type { HigherOrderPrim } from "../primitives/misc.js";
import type { ParamsOf, PrimitiveName } from "../primitives/params.js";

/** Primitives that a backend runs as kernels (higher-order ones evaluate their sub-jaxprs). */
export type FirstOrderPrim = Exclude<PrimitiveName, HigherOrderPrim>;

/**
 * Where array data lives. Every backend keeps it in garbage-collected host typed arrays,
 * dense and row-major (issue 9's safe baseline: users never free anything). A backend with
 * its own memory (wasm) copies operands into its arena inside `run` and results out into
 * the `outputs` it is handed. Should arrays ever become resident in backend memory, this
 * alias becomes a handle type and `upload`/`download` carry the copies.
 */
export type BackendBuffer = TypedArray;

/**
 * A compiled whole program (the jit issue): runs a closed jaxpr from input buffers into
 * output buffers. Not implemented by any backend yet.
 */
export interface CompiledProgram {
  run(inputs: readonly BackendBuffer[], outputs: readonly BackendBuffer[]): void;
}

export interface Backend {
  /** The name `config.set({ backend })` and `JAXTS_BACKEND` select it by. */
  readonly name: string;
  /**
   * Ready to be the default: the whole suite passes on it. Primitives for which
   * `supports` says no still run on `js`, call by call.
   */
  readonly complete: boolean;
  /**
   * Whether this backend implements `prim` for these operands. A partial backend says no
   * and that one call runs on `js` (the reference), so a backend can grow primitive by
   * primitive, or decline sizes where it does not pay (tiny arrays).
   */
  supports<P extends FirstOrderPrim>(prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>): boolean;
  /**
   * A lower bound of the element counts `supports` accepts for `prim` (calls with fewer
   * elements in every operand run on js), so eager scalar code need not ask `supports`.
   * Absent, or 0: ask `supports`.
   */
  minSize?(prim: FirstOrderPrim): number;
  /**
   * Runs `prim`, writing its results into `outputs` (one buffer per out aval, of exactly
   * its size and dtype, allocated by `allocate`, never aliasing an input, of unspecified
   * contents: a kernel writes every element). Inputs are only read. Because a kernel writes into what it is given, the
   * caller decides buffer lifetime: a reused buffer (a pool, a jit buffer plan) is as good
   * as a fresh one.
   */
  run<P extends FirstOrderPrim>(
    prim: P,
    inputs: readonly BackendBuffer[],
    inAvals: readonly ShapedArray[],
    params: ParamsOf<P>,
    outAvals: readonly ShapedArray[],
    outputs: readonly BackendBuffer[],
  ): void;
  /** A buffer for one value of `aval` (contents unspecified). */
  allocate(aval: ShapedArray): BackendBuffer;
  /** Host data → a buffer of this backend. Identity while `BackendBuffer` is a host typed array,
   * so eager evaluation does not call it yet; a resident-memory backend would need it. */
  upload(data: TypedArray, aval: ShapedArray): BackendBuffer;
  /** A buffer of this backend → host data (identity while `BackendBuffer` is a host typed array). */
  download(buffer: BackendBuffer, aval: ShapedArray): TypedArray;
  /** Compiles a whole jaxpr into one program (hook for the jit issue; optional). */
  compile?(jaxpr: ClosedJaxpr): CompiledProgram;
}

/**
 * Pure re-views: primitives whose output is the input's elements in the same row-major
 * order, so the output can share the input's buffer (arrays are immutable). This is a fact
 * about layout, not about kernels, and every backend stores dense row-major buffers, so the
 * dispatcher applies it once, before any backend is asked: reshape, squeeze (and the
 * expand_dims built on reshape), stop_gradient, a convert_element_type that keeps the dtype
 * (only weak_type changes), and a broadcast_in_dim that adds only size-1 axes. Backends
 * still implement these primitives as copies (so `run` is total), but eager evaluation
 * never calls them for a re-view.
 */
export function isPureReview<P extends FirstOrderPrim>(prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>, outAvals: readonly ShapedArray[]): boolean {
  switch (prim) {
    case "reshape":
    case "squeeze":
    case "stop_gradient":
      return true;
    case "convert_element_type":
      return inAvals[0]!.dtype === outAvals[0]!.dtype;
    case "broadcast_in_dim":
      return inAvals[0]!.size === outAvals[0]!.size && isIncreasing((params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions);
    default:
      return false;
  }
}

function isIncreasing(dims: readonly number[]): boolean {
  for (let i = 1; i < dims.length; i++) if (dims[i]! <= dims[i - 1]!) return false;
  return true;
}

/** Whether no output has an element: a backend then runs nothing (an empty operand's other
 * axes may be any length, and a kernel looping over one would do that much work for none). */
export function allEmpty(outAvals: readonly ShapedArray[]): boolean {
  for (const a of outAvals) if (a.size !== 0) return false;
  return true;
}
