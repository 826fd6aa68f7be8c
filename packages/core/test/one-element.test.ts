// Eager one-element elementwise calls (scalar code: most of a nested grad's primitives) run
// on a shortcut of their own (eval-trace.ts's oneElementCall, js/elementwise.ts's
// runOneElement). They must give what the general kernels give: every elementwise
// primitive without params, every dtype signature it accepts, over special values, equals
// element 0 of the same call on a three-element array, bit for bit (NaN as NaN). Both
// operand forms are covered: rank 0 and shape [1].
import { array, type DType, type NDArray } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { elementwisePrims } from "../src/primitives/elementwise.js";
import { noParams } from "../src/primitives/params.js";
import { bind } from "../src/trace/core.js";

const VALUES: Record<"float32" | "float64" | "int32" | "bool" | "uint8" | "int16", readonly number[]> = {
  float32: [0, -0, 0.7, -2.25, 1.5, 3.4e38, 1e-40, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
  float64: [0, -0, 0.7, -2.25, 1e300, 5e-324, Number.NaN, Number.POSITIVE_INFINITY, -1],
  int32: [0, 1, -1, 7, -13, 31, 32, 2147483647, -2147483648],
  bool: [0, 1],
  uint8: [0, 1, 7, 255],
  int16: [0, -1, 5, 32767, -32768],
};
type TestDType = keyof typeof VALUES;
const DTYPES = Object.keys(VALUES) as TestDType[];

/** The element of `x` (a one-element or three-element array) at `i`, NaN kept as NaN. */
const at = (x: NDArray, i: number): number => Number(x.toTypedArray()[i]!);

/** Signatures to try: one, two or three operands of one dtype, and select_n's bool predicate. */
function signatures(prim: string): TestDType[][] {
  if (prim === "select_n") return DTYPES.map((d) => ["bool", d, d]);
  return DTYPES.flatMap((d) => [[d], [d, d]]);
}

/** Operand value tuples: each value in each position, the others cycling. */
function tuples(sig: readonly TestDType[]): number[][] {
  const out: number[][] = [];
  for (const [k, d] of sig.entries()) {
    for (const [j, v] of VALUES[d].entries()) out.push(sig.map((e, m) => (m === k ? v : VALUES[e][(j + m) % VALUES[e].length]!)));
  }
  return out;
}

/** The general kernel's result for these operands: element 0 of the call on arrays [v, 1, 1]. */
function viaArrays(prim: string, sig: readonly TestDType[], vals: readonly number[]): NDArray | undefined {
  try {
    const args = sig.map((d, m) => array([vals[m]!, 1, 1], { dtype: d as DType }));
    return bind(prim as never, args, noParams as never)[0]!;
  } catch {
    return undefined;
  }
}

describe("one-element elementwise calls equal the general kernels", () => {
  const prims = elementwisePrims.filter((p) => p !== "convert_element_type");
  it.each(prims)("%s", (prim) => {
    let checked = 0;
    for (const sig of signatures(prim)) {
      for (const vals of tuples(sig)) {
        const want = viaArrays(prim, sig, vals);
        if (want === undefined) break; // this signature is not accepted (a DTypeError): the next one
        for (const shape of [[], [1]] as const) {
          const args = sig.map((d, m) => array(vals[m]!, { dtype: d as DType }).reshape([...shape]));
          const got = bind(prim as never, args, noParams as never)[0]!;
          expect({ prim, sig, vals, shape, dtype: got.dtype, value: at(got, 0) }).toEqual({ prim, sig, vals, shape, dtype: want.dtype, value: at(want, 0) });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
