// The wasm backend: kernels generated as WebAssembly at run time by the in-tree assembler
// (../wasm), run over one reused arena. It grows primitive by primitive: each kernel module
// registers itself with `defineWasmKernel`, and any (primitive, operands) a kernel declines
// runs on js for that call (sizes below a kernel's measured threshold, where js is cheaper).
// It covers every first-order primitive, so it is the default wherever WebAssembly SIMD exists.
import type { ShapedArray } from "../../aval.js";
import { allocateForOverwrite, isCoreDType, isDType, type TypedArray } from "../../dtype.js";
import { noParams, type ParamsOf } from "../../primitives/params.js";
import { allEmpty, type Backend, type BackendBuffer, type FirstOrderPrim } from "../backend.js";
import { wasmFeatures } from "../wasm/features.js";

/** One primitive's wasm implementation. */
export interface WasmKernel<P extends FirstOrderPrim> {
  /** Whether it handles these operands (dtypes, ranks, sizes where wasm pays). */
  supports(inAvals: readonly ShapedArray[], params: ParamsOf<P>): boolean;
  /** Below this many elements in every operand `supports` says no (absent: no such bound). */
  minSize?(): number;
  /** Write the results into `outputs` (host buffers of exactly the out avals' sizes). */
  run(inputs: readonly TypedArray[], inAvals: readonly ShapedArray[], params: ParamsOf<P>, outAvals: readonly ShapedArray[], outputs: readonly TypedArray[]): void;
}

// (a Map, not an object indexed by name: see rule-table.ts)
const kernels = new Map<FirstOrderPrim, WasmKernel<FirstOrderPrim>>();

/** Register the wasm kernel of `prim` (one per primitive; a second is an internal error). */
export function defineWasmKernel<P extends FirstOrderPrim>(prim: P, kernel: WasmKernel<P>): void {
  if (kernels.has(prim)) throw new Error(`internal: wasm kernel for ${prim} defined twice`);
  kernels.set(prim, kernel as WasmKernel<FirstOrderPrim>);
}

/** The primitives the wasm backend implements today (for the README and tests). */
export const wasmPrimitives = (): FirstOrderPrim[] => [...kernels.keys()];

function kernelOf<P extends FirstOrderPrim>(prim: P): WasmKernel<P> | undefined {
  // (defineWasmKernel stores each primitive's own kernel under its name)
  return kernels.get(prim) as WasmKernel<P> | undefined;
}

/** Whether params name a result dtype the wasm kernels lack (a cast to uint8, an iota of
 * float16): outputs are not shown to `supports`, so their dtype is read off the params. */
function namesNonCoreDType(params: unknown): boolean {
  // (most calls: no params to read, and reading fields of every primitive's params object
  // at this one site would make it megamorphic)
  if (params === noParams) return false;
  const p = params as { readonly new_dtype?: unknown; readonly dtype?: unknown; readonly index_dtype?: unknown };
  return nonCore(p.new_dtype) || nonCore(p.dtype) || nonCore(p.index_dtype);
}

function nonCore(d: unknown): boolean {
  return d !== undefined && isDType(d) && !isCoreDType(d);
}

export const wasmBackend: Backend = {
  name: "wasm",
  // Every first-order primitive has a kernel (test/wasm-completeness.test.ts): the default
  // wherever the engine has SIMD (Node ≥ 20, current browsers).
  get complete() {
    return wasmFeatures().simd;
  },
  supports(prim, inAvals, params) {
    // The narrow integers and the halves run on the js kernels (named in README's note).
    for (const a of inAvals) if (!isCoreDType(a.dtype)) return false;
    if (namesNonCoreDType(params)) return false;
    const k = kernelOf(prim);
    return k?.supports(inAvals, params) ?? false;
  },
  minSize(prim) {
    return kernelOf(prim)?.minSize?.() ?? 0;
  },
  run(prim, inputs, inAvals, params, outAvals, outputs) {
    // (no output element to write: nothing to run, however long an axis of an empty operand is)
    if (allEmpty(outAvals)) return;
    kernelOf(prim)!.run(inputs, inAvals, params, outAvals, outputs);
  },
  // (every kernel writes every element of its outputs, so they start unzeroed; the test
  // suites poison them to hold every kernel to that)
  allocate: (aval: ShapedArray): BackendBuffer => allocateForOverwrite(aval.dtype, aval.size),
  upload: (data) => data,
  download: (buffer) => buffer,
};
