// Eager elementwise calls below the wasm kernels' thresholds (scalar code: most of a nested
// grad's primitives; small vectors) run on a shortcut of their own (eval-trace.ts's
// smallElementwiseCall, js/elementwise.ts's runElementwiseOnJs, with loops compiled for one
// element when the result has one). They must give what the js backend's kernels give when
// called through the backend interface: every elementwise primitive without params, every
// dtype signature it accepts, over special values, bit for bit (NaN as NaN), for operands of
// rank 0, of shape [1], and of shape [3].
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

describe("small elementwise calls equal the js kernels called through the backend", () => {
  const prims = elementwisePrims.filter((p) => p !== "convert_element_type");
  it.each(prims)("%s", (prim) => {
    let checked = 0;
    for (const sig of signatures(prim)) {
      for (const vals of tuples(sig)) {
        for (const shape of [[], [1], [3]] as const) {
          // (shape [3]: the value first, then two others of the operand's dtype)
          const args = sig.map((d, m) => {
            const v = vals[m]!;
            const data = shape.length === 1 && shape[0] === 3 ? [v, VALUES[d][1]!, VALUES[d][2 % VALUES[d].length]!] : [v];
            return array(data, { dtype: d as DType }).reshape([...shape]);
          });
          const want = viaBackend(prim, args);
          if (want === undefined) break;
          const got = bind(prim as never, args, noParams as never)[0]!;
          expect({ prim, sig, vals, shape, dtype: got.dtype, values: elements(got) }).toEqual({ prim, sig, vals, shape, dtype: want.dtype, values: elements(want) });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
