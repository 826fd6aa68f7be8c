// The completeness check of the wasm backend's non-elementwise kernels: every first-order
// primitive that is not elementwise has an example per dtype here (a table typed over the
// primitive set, so a new primitive does not compile until it is added), and for every dtype
// its shape/dtype rule accepts, the wasm backend supports it and equals js bit for bit.
// (Elementwise primitives — primitives/elementwise.ts's families — are checked by their own tests.)
import type { DType, ShapedArray } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { DTypeError } from "../src/errors.js";
import { abstractEvalRules, type FirstOrderPrim, higherOrderPrims, type ParamsOf, wasmBackend } from "../src/internals.js";
import { arithmeticPrims, bitwisePrims, comparisonPrims, type ElementwisePrim, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../src/primitives/elementwise.js";
import { abstractEval } from "../src/primitives/index.js";
import { ShapedArray as Aval } from "../src/aval.js";

const f32 = (shape: number[]): ShapedArray => new Aval(shape, "float32");
import { operands, rng, runBoth, sameBits } from "./helpers/prim-check.js";
import { runEverySizeOnWasm } from "./helpers/wasm.js";

runEverySizeOnWasm();

type NonElementwise = Exclude<FirstOrderPrim, ElementwisePrim>;
type Example<P extends FirstOrderPrim> = (dtype: DType) => { specs: [number[], DType][]; params: ParamsOf<P> };

const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];
const axes = (a: number[]) => ({ axes: a });
const unary = <P extends NonElementwise>(shape: number[], params: ParamsOf<P>): Example<P> => (dtype) => ({ specs: [[shape, dtype]], params });

const EXAMPLES: { readonly [P in NonElementwise]: Example<P> } = {
  reduce_sum: unary([4, 5, 6], axes([0, 2])),
  reduce_max: unary([4, 5, 6], axes([1])),
  reduce_min: unary([4, 5, 6], axes([2])),
  reduce_prod: unary([4, 5, 6], axes([0])),
  reduce_and: unary([4, 5, 6], axes([1, 2])),
  reduce_or: unary([4, 5, 6], axes([0, 1])),
  argmax: unary([4, 5, 6], { axes: [1], index_dtype: "int32" }),
  argmin: unary([4, 5, 6], { axes: [2], index_dtype: "int32" }),
  cumsum: unary([4, 5, 6], { axis: 1, reverse: true }),
  broadcast_in_dim: unary([5, 1], { shape: [3, 5, 4], broadcast_dimensions: [1, 2] }),
  reshape: unary([4, 6], { new_sizes: [2, 12] }),
  transpose: unary([4, 5, 6], { permutation: [2, 0, 1] }),
  squeeze: unary([4, 1, 6], { dimensions: [1] }),
  rev: unary([4, 5, 6], { dimensions: [0, 2] }),
  concatenate: (dtype) => ({ specs: [[[4, 2], dtype], [[4, 3], dtype]], params: { dimension: 1 } }),
  pad: (dtype) => ({ specs: [[[4, 5], dtype], [[], dtype]], params: { padding_config: [[1, -1, 1], [-2, 3, 0]] } }),
  slice: unary([8, 9], { start_indices: [1, 2], limit_indices: [7, 9], strides: [2, 3] }),
  gather: (dtype) => ({ specs: [[[4, 5, 6], dtype], [[3, 2], "int32"]], params: { axis: 1 } }),
  scatter_add: (dtype) => ({ specs: [[[4, 5, 6], dtype], [[7], "int32"], [[4, 7, 6], dtype]], params: { axis: 1 } }),
  dot_general: (dtype) => ({ specs: [[[2, 3, 4], dtype], [[2, 4, 5], dtype]], params: { dimension_numbers: [[[2], [1]], [[0], [0]]] } }),
  iota: (dtype) => ({ specs: [], params: { dtype, shape: [3, 4, 5], dimension: 1 } }),
  sort: (dtype) => ({ specs: [[[6, 7], dtype], [[6, 7], "float32"]], params: { dimension: 1, num_keys: 1 } }),
  // to a same-width dtype (bool has no bits to reinterpret: its rule refuses it)
  bitcast_convert_type: (dtype) => ({ specs: [[[3, 4], dtype]], params: { new_dtype: dtype === "float64" ? "float64" : dtype === "float32" ? "int32" : "float32" } }),
  threefry2x32: (dtype) => ({ specs: [[[9], dtype], [[9], dtype], [[9], dtype], [[9], dtype]], params: {} }),
  // The complex-number primitives take or give complex values only, which run on the js
  // kernels (backend/js/complex.ts): wasm must decline them (checked below).
  real: unary([4, 5], {}),
  imag: unary([4, 5], {}),
  conj: unary([4, 5], {}),
  complex: (dtype) => ({ specs: [[[4, 5], dtype], [[4, 5], dtype]], params: {} }),
  fft: unary([4, 8], { fft_type: "RFFT", fft_lengths: [8] }),
};

/** Primitives whose operands or results are complex for every dtype: js only. */
const COMPLEX_VALUED: readonly string[] = ["real", "imag", "conj", "complex", "fft"];

const ELEMENTWISE: readonly string[] = [...unaryFloatPrims, ...unaryNumericPrims, ...arithmeticPrims, ...bitwisePrims, ...shiftPrims, ...comparisonPrims, "not", "is_finite", "select_n", "convert_element_type"];

/** Float results that wasm computes in another order than js (dot_general's f32 SIMD
 * accumulation, reduce_sum's interleaved partial sums): compared to a rounding tolerance. */
const ROUNDED: readonly string[] = ["dot_general", "reduce_sum"];

function closeEnough<P extends FirstOrderPrim>(prim: P, inputs: Parameters<typeof runBoth>[1], avals: readonly ShapedArray[], params: ParamsOf<P>, dtype: DType): void {
  const [[ref], [got]] = runBoth(prim, inputs, avals, params);
  // Operands are at most 100 in magnitude and at most 30 terms are summed: 3e5 bounds every |partial sum|.
  const tol = (dtype === "float32" ? 2 ** -23 : 2 ** -52) * 3e5 * 30;
  ref!.forEach((r, i) => {
    const g = got![i]!;
    if (Number.isFinite(r)) expect(Math.abs(g - r), `${prim} element ${i}`).toBeLessThanOrEqual(tol);
    else expect(Object.is(g, r) || (Number.isNaN(g) && Number.isNaN(r)), `${prim} element ${i}: ${g} vs ${r}`).toBe(true);
  });
}

/** Whether the primitive's rule accepts these operands (a DTypeError means the dtype is not allowed). */
function allowed<P extends FirstOrderPrim>(prim: P, avals: readonly ShapedArray[], params: ParamsOf<P>): boolean {
  try {
    abstractEval(prim, avals, params);
    return true;
  } catch (e) {
    if (e instanceof DTypeError) return false;
    throw e;
  }
}

describe("the wasm backend runs every non-elementwise first-order primitive for every dtype its rule allows", () => {
  it("every first-order primitive is elementwise or has an example here", () => {
    const firstOrder = Object.keys(abstractEvalRules).filter((p) => !(higherOrderPrims as readonly string[]).includes(p));
    const missing = firstOrder.filter((p) => !ELEMENTWISE.includes(p) && !(p in EXAMPLES));
    expect(missing).toEqual([]);
  });

  it("declines every primitive on complex operands (they run on the js kernels)", () => {
    const c = (shape: number[]): ShapedArray => abstractEval("complex", [f32(shape), f32(shape)], {})[0]!;
    expect(wasmBackend.supports("real", [c([4])], {})).toBe(false);
    expect(wasmBackend.supports("add", [c([4]), c([4])], {})).toBe(false);
    expect(wasmBackend.supports("complex", [f32([4]), f32([4])], {})).toBe(false);
    expect(wasmBackend.supports("fft", [f32([8])], { fft_type: "RFFT", fft_lengths: [8] })).toBe(false);
    expect(wasmBackend.supports("convert_element_type", [f32([4])], { new_dtype: "complex64", weak_type: false })).toBe(false);
  });

  for (const prim of (Object.keys(EXAMPLES) as NonElementwise[]).filter((p) => !COMPLEX_VALUED.includes(p))) {
    it(`${prim}: supported on wasm and equal to js for every allowed dtype`, () => {
      const r = rng(prim.length);
      let ran = 0;
      for (const dtype of DTYPES) {
        const { specs, params } = (EXAMPLES[prim] as Example<typeof prim>)(dtype);
        const { inputs, avals } = operands(r, specs);
        if (prim === "gather" || prim === "scatter_add") inputs[1] = Int32Array.from(inputs[1]!, (_, i) => (i * 3) % 7 - 1);
        if (!allowed(prim, avals, params)) continue;
        expect(wasmBackend.supports(prim, avals, params), `${prim} on ${dtype}`).toBe(true);
        if (ROUNDED.includes(prim) && (dtype === "float32" || dtype === "float64")) closeEnough(prim, inputs, avals, params, dtype);
        else sameBits(prim, inputs, avals, params);
        ran++;
      }
      expect(ran).toBeGreaterThan(0);
    });
  }
});
