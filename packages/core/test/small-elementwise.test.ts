// Eager elementwise calls below the wasm kernels' thresholds (scalar code: most of a nested
// grad's primitives; small vectors) skip the backend's dispatch (eval-trace.ts's
// smallElementwiseCall), and a one-element result runs loops compiled for one element
// (js/elementwise.ts, scalar/js.ts's jsOneElement). Every elementwise primitive without
// params, every dtype signature it accepts, over special values, bit for bit (NaN as NaN):
// - three-element calls equal the js kernel called through the backend interface;
// - one-element calls (operands of rank 0 and of shape [1]) equal element 0 of that
//   three-element call, which runs the general chunked loops.
import { array, type DType, type NDArray } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { bufferOf, ConcreteArray } from "../src/array.js";
import { jsBackend } from "../src/backend/js/index.js";
import { allocate } from "../src/dtype.js";
import { abstractEval } from "../src/primitives/index.js";
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

/** The elements of `x`, NaN kept as NaN. */
const elements = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

/** Signatures to try: one or two operands of one dtype, and select_n's bool predicate. */
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

/** The js backend's kernel, called through the backend interface as the general path calls it;
 * undefined when the primitive's rule does not accept these operands. */
function viaBackend(prim: string, args: readonly NDArray[]): NDArray | undefined {
  const inAvals = args.map((a) => a.aval);
  let outAvals: ReturnType<typeof abstractEval>;
  try {
    outAvals = abstractEval(prim as never, inAvals, noParams as never);
  } catch {
    return undefined;
  }
  const out = allocate(outAvals[0]!.dtype, outAvals[0]!.size);
  jsBackend.run(prim as never, args.map((a) => bufferOf(a as ConcreteArray)), inAvals, noParams as never, outAvals, [out]);
  return new ConcreteArray(outAvals[0]!, out);
}

describe("small elementwise calls equal the general js kernels", () => {
  const prims = elementwisePrims.filter((p) => p !== "convert_element_type");
  it.each(prims)("%s", (prim) => {
    let checked = 0;
    for (const sig of signatures(prim)) {
      for (const vals of tuples(sig)) {
        // (three elements: the value first, then two others of the operand's dtype)
        const three = sig.map((d, m) => array([vals[m]!, VALUES[d][1]!, VALUES[d][2 % VALUES[d].length]!], { dtype: d as DType }));
        const want = viaBackend(prim, three);
        if (want === undefined) break; // this signature is not accepted: the next one
        const got3 = bind(prim as never, three, noParams as never)[0]!;
        expect({ prim, sig, vals, dtype: got3.dtype, values: elements(got3) }).toEqual({ prim, sig, vals, dtype: want.dtype, values: elements(want) });
        for (const shape of [[], [1]] as const) {
          const one = sig.map((d, m) => array(vals[m]!, { dtype: d as DType }).reshape([...shape]));
          const got = bind(prim as never, one, noParams as never)[0]!;
          expect({ prim, sig, vals, shape, dtype: got.dtype, value: elements(got)[0] }).toEqual({ prim, sig, vals, shape, dtype: want.dtype, value: elements(want)[0] });
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
