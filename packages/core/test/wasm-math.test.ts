// The wasm vector transcendentals beyond exp/log/tanh/logistic f32 (f64 log and tanh; f32 and
// f64 log1p, expm1, sin and cos; f32 erf) equal the js backend within the ulp bounds stated in vector-math.ts,
// for any input: ±0, ±Inf, NaN, denormals, huge values, and each function's edge cases.
// Size thresholds are lowered to 0 so every size runs on wasm; a call counter confirms the
// kernel (not the js fallback) ran.
import { array, type DType, lax, type TypedArray } from "@jaxts/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { onBoth, orderedBits, runEverySizeOnWasm } from "./helpers/wasm.js";

runEverySizeOnWasm();

type FloatDType = "float32" | "float64";



/** Largest distance in units in the last place, with the worst input (NaN must match NaN). */
function worstUlp(x: TypedArray, ref: TypedArray, got: TypedArray, dtype: DType): { ulp: number; at: number } {
  let worst = { ulp: 0, at: Number.NaN };
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i]!;
    const g = got[i]!;
    if (Number.isNaN(r) || Number.isNaN(g)) {
      if (Number.isNaN(r) !== Number.isNaN(g)) return { ulp: Number.POSITIVE_INFINITY, at: x[i]! };
      continue;
    }
    const d = orderedBits(r, dtype) - orderedBits(g, dtype);
    const u = Number(d < 0n ? -d : d);
    if (u > worst.ulp) worst = { ulp: u, at: x[i]! };
  }
  return worst;
}

const FN = { log: lax.log, tanh: lax.tanh, log1p: lax.log1p, expm1: lax.expm1, sin: lax.sin, cos: lax.cos, erf: lax.erf } as const;
type Fn = keyof typeof FN;

/** The bounds stated in vector-math.ts. */
const ULP: { readonly [D in FloatDType]: Partial<Record<Fn, number>> } = {
  // (f64 erf is js's own erf vectorised, the same operations: bit for bit; f32 erf is that,
  // rounded once, as js rounds it)
  float32: { log1p: 1, expm1: 1, sin: 1, cos: 1, erf: 0 },
  float64: { log: 1, tanh: 4, log1p: 2, expm1: 3, sin: 2, cos: 2, erf: 0 },
};

/** Inputs where each function's behaviour changes: domain ends, cut-overs, overflow. */
const EDGES: Record<Fn, number[]> = {
  log: [0, -0, -1, 1, 2, 0.5, Math.SQRT1_2, Math.SQRT2, 5e-324, 2.2250738585072014e-308, 1e-310, 1.7976931348623157e308, 1 + 2 ** -52, 1 - 2 ** -53],
  tanh: [0, -0, 5e-324, -1e-310, 1e-8, 0.3, 0.55, -0.55, 1, 19, 19.1, -20, 22, 23, 710, -1e300],
  log1p: [-1, -1.0000001, -2, -0.5, -1 + 2 ** -52, -0.9999999, 0, -0, 5e-324, -1e-310, 1e-17, 2 ** -53, 1e-8, 1, 1e300, 1.7976931348623157e308],
  sin: [0, -0, 5e-324, 1e-310, 1e-8, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 2 * Math.PI, 355, 103993, 710, 999999, 1e6, 1000001, 1e7, 1e22, 1.7976931348623157e308],
  cos: [0, -0, 5e-324, 1e-310, 1e-8, Math.PI / 4, Math.PI / 2, Math.PI, 3 * Math.PI / 2, 2 * Math.PI, 355, 103993, 710, 999999, 1e6, 1000001, 1e7, 1e22, 1.7976931348623157e308],
  // (also the table's seams, k/4 ± 1/8, where 4|x| rounds half up, and the last row's end)
  erf: [0, -0, 5e-324, 1e-40, 1e-8, 0.5, 1, 2, 2.5, 3, 3.9, 3.92, 4, 5, 6, 1e30, 0.125, 0.12499999999999999, 0.12500000000000003, 0.375, 2.625, 5.875, 5.999999999999999],
  expm1: [0, -0, 5e-324, -1e-310, 1e-17, 1e-8, -1e-8, 0.5, -0.5, 1, -37, -37.5, -38, -745, -1e300, 88.7, 89, 709, 709.78, 709.782, 709.7827, 709.782712893384, 709.7827128933841, 709.79, 710, 1e300],
};

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

describe("wasm log, tanh, log1p and expm1 against js", () => {
  for (const dtype of ["float32", "float64"] as const) {
    for (const prim of Object.keys(ULP[dtype]) as Fn[]) {
      const bound = ULP[dtype][prim]!;
      const Ctor = dtype === "float32" ? Float32Array : Float64Array;
      const check = (values: ArrayLike<number>): void => {
        const x = array(Ctor.from(values), { dtype });
        const [ref, got] = onBoth(prim, () => FN[prim](x));
        const w = worstUlp(x.toTypedArray(), ref, got, dtype);
        expect(w.ulp, `${dtype} ${prim}(${w.at})`).toBeLessThanOrEqual(bound);
      };

      it(`${dtype} ${prim} is within ${bound} ulp of js at its edge cases, ±0, ±Inf and NaN`, () => {
        check([...EDGES[prim], ...EDGES[prim].map((v) => -v), ...SPECIALS]);
      });

      it(`${dtype} ${prim} is within ${bound} ulp of js for any ${dtype} (denormals, huge) and over wide ranges`, () => {
        const any = dtype === "float32" ? fc.float32Array({ minLength: 1, maxLength: 64 }) : fc.float64Array({ minLength: 1, maxLength: 64 });
        const ranges = [1e-6, 1, 40, 800, 1e6].map((r) =>
          dtype === "float32"
            ? fc.float32Array({ minLength: 1, maxLength: 64, min: Math.fround(-r), max: Math.fround(r), noNaN: true })
            : fc.float64Array({ minLength: 1, maxLength: 64, min: -r, max: r, noNaN: true }),
        );
        fc.assert(fc.property(fc.oneof(any, ...ranges), check), { numRuns: 300 });
      });

      it(`${dtype} ${prim} is within ${bound} ulp of js over 200000 uniform samples near its hard region`, () => {
        const lo = prim === "log" ? 0 : prim === "log1p" ? -1 : prim === "sin" || prim === "cos" ? -1e6 : prim === "erf" ? -5 : -40;
        const hi = prim === "log" ? 4 : prim === "expm1" ? 40 : prim === "sin" || prim === "cos" ? 1e6 : prim === "erf" ? 5 : 4;
        check(Array.from({ length: 200000 }, (_, i) => lo + ((hi - lo) * (i + 0.5)) / 200000 + (i % 7) * 1e-9));
      });
    }
  }

  for (const prim of ["sin", "cos"] as const) {
    it(`${prim} keeps its ulp bound next to multiples of π/2 (where the reduction cancels most) and on huge |x| (run on js)`, () => {
      for (const dtype of ["float32", "float64"] as const) {
        const Ctor = dtype === "float32" ? Float32Array : Float64Array;
        const near = Array.from({ length: 636000 }, (_, k) => (k * Math.PI) / 2);
        const x = array(Ctor.from([...near, 1e6, 1.5e6, 1e7, 1e300, -1e300, Infinity, -Infinity, NaN]), { dtype });
        const [ref, got] = onBoth(prim, () => FN[prim](x));
        const w = worstUlp(x.toTypedArray(), ref, got, dtype);
        expect(w.ulp, `${dtype} ${prim}(${w.at})`).toBeLessThanOrEqual(ULP[dtype][prim]!);
        expect(Array.from(got.slice(-8))).toEqual(Array.from(ref.slice(-8)));
      }
    }, 60_000); // 1.3e6 elements per dtype on both backends: seconds on a loaded machine
  }

  it("log1p(−1) is −Inf, log1p below −1 is NaN, log1p keeps −0 and tiny values exact", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const Ctor = dtype === "float32" ? Float32Array : Float64Array;
      const [, got] = onBoth("log1p", () => lax.log1p(array(Ctor.from([-1, -1.5, -Infinity, -0, 1e-30]), { dtype })));
      expect(got[0]).toBe(Number.NEGATIVE_INFINITY);
      expect(got[1]).toBeNaN();
      expect(got[2]).toBeNaN();
      expect(Object.is(got[3], -0)).toBe(true);
      expect(got[4]).toBe(Ctor.from([1e-30])[0]);
    }
  });

  it("expm1 overflows to +Inf, tends to −1 for very negative x, and keeps −0", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const Ctor = dtype === "float32" ? Float32Array : Float64Array;
      const [, got] = onBoth("expm1", () => lax.expm1(array(Ctor.from([1000, Infinity, -1000, -Infinity, -0]), { dtype })));
      expect(Array.from(got.slice(0, 4))).toEqual([Infinity, Infinity, -1, -1]);
      expect(Object.is(got[4], -0)).toBe(true);
    }
  });
});
