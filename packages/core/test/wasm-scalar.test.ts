// Every elementwise primitive, for every dtype its rule allows, runs as a wasm kernel
// generated from its one scalar expression, and equals the js backend (generated from the
// same expression): bit for bit, except the vector transcendentals, which stay within the
// ulp bounds stated in vector-math.ts and the README. Rank-0 operands on either side, and
// sizes that end mid-vector, are covered. The js loops need no runtime code generation.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { arena, array, bind1, config, type DType, DTypeError, lax, type NDArray, type TypedArray } from "@jaxts/core";
import { jit } from "@jaxts/transforms";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arithmeticPrims, bitwisePrims, comparisonPrims, type ElementwisePrim, shiftPrims, unaryFloatPrims, unaryNumericPrims } from "../src/primitives/elementwise.js";
import { arg, type Expr, lit, type ScalarType, stored, substitute } from "../src/backend/scalar/expr.js";
import { jsElementwise } from "../src/backend/scalar/js.js";
import { exprOf } from "../src/backend/scalar/primitives.js";
import { STEP_BYTES, wasmElementwise } from "../src/backend/scalar/wasm.js";
import { exactly, maxUlp, onBoth, runEverySizeOnWasm, specialData } from "./helpers/wasm.js";

runEverySizeOnWasm();

const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];
type Float = "float32" | "float64";

/** The max ulp error of each vector transcendental against js (vector-math.ts, README); all else 0. */
export const MAX_ULP: { readonly [D in Float]: Partial<Record<ElementwisePrim, number>> } = {
  float32: { exp: 1, log: 1, tanh: 2, logistic: 2, erf: 0, log1p: 1, expm1: 1, sin: 1, cos: 1, tan: 1, sinh: 1, cosh: 1, pow: 1, atan: 1, asin: 1, acos: 1 },
  float64: { exp: 2, log: 1, tanh: 4, logistic: 2, log1p: 2, expm1: 3, sin: 2, cos: 2 },
};




/** Whether the primitive's shape/dtype rule accepts these operands (js decides). */
function allowed(f: () => NDArray): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof DTypeError) return false;
    throw e;
  }
}

/** js vs wasm on one computation: exact, or within the primitive's stated ulp bound. */
function expectAgree(prim: ElementwisePrim, f: () => NDArray): void {
  const [ref, got] = onBoth(prim, f);
  const dtype = f().dtype;
  const bound = dtype === "float32" || dtype === "float64" ? MAX_ULP[dtype][prim] : undefined;
  if (bound === undefined) expect(exactly(got), prim).toEqual(exactly(ref));
  else expect(maxUlp(ref, got, dtype), prim).toBeLessThanOrEqual(bound);
}

const SIZES = [1, 7, 1037];
// stop_gradient is a pure re-view (it shares its input's buffer), so no kernel runs for it.
const UNARY = [...unaryFloatPrims, ...unaryNumericPrims.filter((p) => p !== "integer_pow" && p !== "stop_gradient"), "not", "is_finite"] as const;
const BINARY = [...arithmeticPrims, ...bitwisePrims, ...shiftPrims, ...comparisonPrims] as const;

describe("every elementwise primitive runs on wasm for every dtype and equals js", () => {
  for (const prim of UNARY) {
    it(`${prim}: every allowed dtype, every size, exact or within its stated ulp`, () => {
      let ran = 0;
      for (const dtype of DTYPES) {
        if (!allowed(() => bind1(prim, [array(specialData(1, dtype, 1), { dtype })], {}))) continue;
        for (const n of SIZES) {
          const x = array(specialData(n, dtype, n), { dtype });
          expectAgree(prim, () => bind1(prim, [x], {}));
          ran++;
        }
      }
      expect(ran).toBeGreaterThan(0);
    });
  }

  for (const prim of BINARY) {
    it(`${prim}: every allowed dtype, full and rank-0 operands on either side, exact or within its stated ulp`, () => {
      let ran = 0;
      for (const dtype of DTYPES) {
        const one = array(specialData(1, dtype, 1), { dtype });
        if (!allowed(() => bind1(prim, [one, one], {}))) continue;
        for (const n of SIZES) {
          const x = array(specialData(n, dtype, n), { dtype });
          const y = array(specialData(n, dtype, n + 1), { dtype });
          const s = array(specialData(1, dtype, n + 2), { dtype }).reshape([]);
          for (const [a, b] of [[x, y], [s, y], [x, s], [x, x]] as const) expectAgree(prim, () => bind1(prim, [a, b], {}));
          ran++;
        }
      }
      expect(ran).toBeGreaterThan(0);
    });
  }

  it("integer_pow with negative, zero, small and large exponents on f32, f64 and int32", () => {
    for (const dtype of ["float32", "float64", "int32"] as const) {
      const x = array(specialData(1037, dtype, 5), { dtype });
      for (const y of [-3, -2, -1, 0, 1, 2, 3, 4, 7, 31]) expectAgree("integer_pow", () => bind1("integer_pow", [x], { y }));
    }
  });

  it("select_n with a bool predicate and cases of every dtype, each operand full or rank 0", () => {
    for (const dtype of DTYPES) {
      for (const n of SIZES) {
        const p = array(specialData(n, "bool", n), { dtype: "bool" });
        const ps = array(specialData(1, "bool", 3), { dtype: "bool" }).reshape([]);
        const [f, t] = [array(specialData(n, dtype, 1), { dtype }), array(specialData(n, dtype, 2), { dtype })];
        const s = array(specialData(1, dtype, 4), { dtype }).reshape([]);
        for (const ops of [[p, f, t], [ps, f, t], [p, s, t], [p, f, s], [ps, s, t]] as const) {
          expectAgree("select_n", () => bind1("select_n", [...ops], {}));
        }
      }
    }
  });

  it("convert_element_type between every pair of dtypes (float → int32 saturates, NaN → 0; → bool is ≠ 0)", () => {
    for (const from of DTYPES) {
      for (const to of DTYPES) {
        if (from === to) continue;
        for (const n of SIZES) {
          const x = array(specialData(n, from, n + 9), { dtype: from });
          expectAgree("convert_element_type", () => bind1("convert_element_type", [x], { new_dtype: to, weak_type: false }));
        }
      }
    }
  });

  it("for any f32 / f64 / int32 data, the exact binary primitives equal js bit for bit", () => {
    const exact = ["add", "sub", "mul", "div", "max", "min", "rem", "pow", "atan2", "lt", "eq"] as const;
    fc.assert(
      fc.property(fc.float64Array({ minLength: 1, maxLength: 40 }), fc.float64Array({ minLength: 1, maxLength: 40 }), (xs, ys) => {
        const n = Math.min(xs.length, ys.length);
        for (const dtype of ["float32", "float64"] as const) {
          const [a, b] = [array(xs.slice(0, n), { dtype }), array(ys.slice(0, n), { dtype })];
          for (const prim of exact) expectAgree(prim, () => bind1(prim, [a, b], {}));
        }
        const [ia, ib] = [array(Int32Array.from(xs.slice(0, n), (v) => v | 0), { dtype: "int32" }), array(Int32Array.from(ys.slice(0, n), (v) => v % 40 | 0), { dtype: "int32" })];
        for (const prim of ["add", "mul", "div", "rem", "shift_left", "shift_right_logical", "max"] as const) expectAgree(prim, () => bind1(prim, [ia, ib], {}));
      }),
      { numRuns: 25 },
    );
  });
});

describe("f64 pow runs as a vector kernel and equals js bit for bit", () => {
  const f64 = (xs: ArrayLike<number>): NDArray => array(Float64Array.from(xs), { dtype: "float64" });
  const agree = (xs: ArrayLike<number>, ys: ArrayLike<number>): void => expectAgree("pow", () => bind1("pow", [f64(xs), f64(ys)], {}));
  // A deterministic stream in [0, 1).
  const stream = (seed: number): (() => number) => {
    let s = seed;
    return () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
  };

  it("for positive bases from 1e-300 to 1e300 and exponents up to ±2^31, including bases next to 1", () => {
    const u = stream(7);
    const n = 60000;
    const xs = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 + (u() - 0.5) * 2 ** -(10 + (i % 40)) : Math.exp((u() - 0.5) * 1380)));
    const ys = Array.from({ length: n }, (_, i) => {
      const r = u();
      return i % 5 === 0 ? Math.round((r - 0.5) * 80) : i % 5 === 1 ? (r - 0.5) * 8 : i % 5 === 2 ? (r - 0.5) * 2 ** (1 + (i % 31)) : (r - 0.5) * 40;
    });
    agree(xs, ys);
  });

  it("where y·log2 x crosses into overflow, underflow and the denormal results", () => {
    const u = stream(11);
    const xs: number[] = [];
    const ys: number[] = [];
    for (const target of [1000, 1019, 1020, 1021, 1023.5, 1024, 1025, -1000, -1019, -1020, -1021, -1022, -1023, -1050, -1074, -1075, -1076]) {
      for (let i = 0; i < 200; i++) {
        const x = Math.exp((u() - 0.5) * 60) + 1.5;
        xs.push(x);
        ys.push((target + (u() - 0.5) * 2) / Math.log2(x));
      }
    }
    agree(xs, ys);
  });

  it("for fdlibm's shortcuts (y = ±0, ±1, 2, ½) and its special values, alone and beside ordinary lanes in one step", () => {
    const xsSpecial = [0, -0, 1, -1, 2, -2, 0.5, 1e-310, -1e-310, 5e-324, Infinity, -Infinity, NaN, 1.7976931348623157e308, 3, -3.5, 10];
    const ysSpecial = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1.5, Infinity, -Infinity, NaN, 2 ** 31, 2 ** 31 + 0.5, -(2 ** 31) - 1, 2 ** 64, 1e300, 1e-300];
    const xs: number[] = [];
    const ys: number[] = [];
    for (const x of xsSpecial) {
      for (const y of ysSpecial) {
        // the pair in each lane of a step, the others ordinary
        for (let lane = 0; lane < 4; lane++) {
          for (let k = 0; k < 4; k++) {
            xs.push(k === lane ? x : 1.25 + k);
            ys.push(k === lane ? y : 0.75 - k);
          }
        }
      }
    }
    agree(xs, ys);
  });

  it("compiled into a fused kernel under jit as well", () => {
    const u = stream(3);
    const xs = Array.from({ length: 4099 }, () => Math.exp((u() - 0.5) * 20));
    const ys = Array.from({ length: 4099 }, () => (u() - 0.5) * 30);
    const f = (x: NDArray, y: NDArray): NDArray => lax.pow(x, y).mul(2).add(1);
    config.set({ backend: "js" });
    const ref = f(f64(xs), f64(ys)).toTypedArray();
    config.set({ backend: "wasm" });
    const got = jit(f)(f64(xs), f64(ys)).toTypedArray();
    config.set({ backend: "js" });
    expect(exactly(got)).toEqual(exactly(ref));
  });
});

describe("f32 vector formulas stay within their stated ulp of js", () => {
  const FNS = ["atan", "asin", "acos", "tan", "sinh", "cosh"] as const;
  for (const prim of FNS) {
    it(`f32 ${prim} is within ${MAX_ULP.float32[prim]} ulp of js for any f32, and densely over its interesting range`, () => {
      const dense = Float32Array.from({ length: 100003 }, (_, i) => (prim === "asin" || prim === "acos" ? -1 + (2 * i) / 100002 : (i - 50001) / (prim === "sinh" || prim === "cosh" ? 500 : 50)));
      expectAgree(prim, () => bind1(prim, [array(dense, { dtype: "float32" })], {}));
      fc.assert(
        fc.property(fc.float32Array({ minLength: 1, maxLength: 64 }), (xs) => expectAgree(prim, () => bind1(prim, [array(xs, { dtype: "float32" })], {}))),
        { numRuns: 50 },
      );
    });
  }

  it("f32 pow is within 1 ulp of js for any operands, and densely for positive bases", () => {
    const base = Float32Array.from({ length: 100003 }, (_, i) => 1e-3 + i / 1000);
    const expo = Float32Array.from({ length: 100003 }, (_, i) => ((i * 7919) % 4001) / 100 - 20);
    expectAgree("pow", () => bind1("pow", [array(base, { dtype: "float32" }), array(expo, { dtype: "float32" })], {}));
    fc.assert(
      fc.property(fc.float32Array({ minLength: 8, maxLength: 8 }), fc.float32Array({ minLength: 8, maxLength: 8 }), (xs, ys) =>
        expectAgree("pow", () => bind1("pow", [array(xs, { dtype: "float32" }), array(ys, { dtype: "float32" })], {})),
      ),
      { numRuns: 100 },
    );
  });
});

describe("the js elementwise lowering", () => {
  it("keeps js's reference semantics: round half to even, sign of NaN and ±0, shifts past 31 give 0, int32 division truncates, x/0 is -1 and x%0 is x (XLA's rule)", () => {
    const f = array(new Float64Array([0.5, 1.5, 2.5, -0.5, -2.5, NaN, -0, 3.7]));
    expect(exactly(bind1("round", [f], {}).toTypedArray())).toEqual([0, 2, 2, "-0", -2, "NaN", "-0", 4]);
    expect(exactly(bind1("sign", [f], {}).toTypedArray())).toEqual([1, 1, 1, -1, -1, "NaN", "-0", 1]);
    const i = array(new Int32Array([7, -7, 1, -2147483648, 5]), { dtype: "int32" });
    const k = array(new Int32Array([2, 2, 32, -1, 0]), { dtype: "int32" });
    expect(Array.from(bind1("shift_left", [i, k], {}).toTypedArray())).toEqual([28, -28, 0, 0, 5]);
    expect(Array.from(bind1("div", [i, k], {}).toTypedArray())).toEqual([3, -3, 0, -2147483648, -1]);
    expect(Array.from(bind1("rem", [i, k], {}).toTypedArray())).toEqual([1, -1, 1, 0, 5]);
  });

  it("generates no code at run time (no new Function or eval anywhere in core's sources: strict CSP pages work)", () => {
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts")) files.push(p);
      }
    };
    walk(join(import.meta.dirname, "../src"));
    const offenders = files.filter((f) => /new Function\s*\(|(?<![.\w])eval\s*\(/.test(readFileSync(f, "utf8").replace(/\/\/.*$/gm, "")));
    expect(files.length).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });
});

describe("expressions compose by substitution (what the fuser of issue 10 builds on)", () => {
  const f32 = ["float32", "float32"] as const;
  /** Run an expression over full operands on the wasm lowering, in the arena. */
  function runWasm(e: Expr, inputs: readonly TypedArray[], out: TypedArray): void {
    const types = inputs.map((x) => (x instanceof Float32Array ? "f32" : x instanceof Float64Array ? "f64" : x instanceof Int32Array ? "i32" : "bool") as ScalarType);
    const kernel = wasmElementwise(e, types, arena().memory);
    const a = arena();
    a.reset();
    const steps = Math.ceil(out.length / 4);
    const args = inputs.flatMap((x, k) => {
      const at = a.reserve(steps * STEP_BYTES[types[k]!] + 16);
      a.view(at, x).set(x as never);
      return [at, STEP_BYTES[types[k]!]];
    });
    const po = a.reserve(steps * STEP_BYTES[e.t] + 16);
    kernel(...args, po, steps);
    a.copyOut(po, out);
  }

  it("tanh(x)·σ(x) + x·y as one f32 expression equals the primitives run one by one (js exactly, wasm within 4 ulp)", () => {
    const x = specialData(1037, "float32", 21);
    const y = specialData(1037, "float32", 22);
    const xe = arg(0, "f32");
    const [t, s] = [stored(exprOf("tanh", ["float32"], {})), stored(exprOf("logistic", ["float32"], {}))];
    const ts = stored(substitute(exprOf("mul", f32, {}), [t, s]));
    const xy = stored(substitute(exprOf("mul", f32, {}), [xe, arg(1, "f32")]));
    const fused = substitute(exprOf("add", f32, {}), [ts, xy]);
    const js = new Float32Array(1037);
    jsElementwise(fused, 2)([x, y], [false, false], js);
    const [ax, ay] = [array(x, { dtype: "float32" }), array(y, { dtype: "float32" })];
    const unfused = lax.add(lax.mul(lax.tanh(ax), lax.logistic(ax)), lax.mul(ax, ay)).toTypedArray();
    expect(exactly(js)).toEqual(exactly(unfused));
    const wasm = new Float32Array(1037);
    runWasm(fused, [x, y], wasm);
    expect(maxUlp(js, wasm, "float32")).toBeLessThanOrEqual(4);
  });

  it("y > 0 ? (x·x + y) >>> 3 : x on int32, fused through a bool select, equals the primitives exactly on js and wasm", () => {
    const x = specialData(1037, "int32", 31);
    const y = specialData(1037, "int32", 32);
    const i32 = ["int32", "int32"] as const;
    const sq = stored(exprOf("square", ["int32"], {}));
    const sum = stored(substitute(exprOf("add", i32, {}), [sq, arg(1, "i32")]));
    const shifted = stored(substitute(exprOf("shift_right_logical", i32, {}), [sum, lit(3, "i32")]));
    const positive = substitute(exprOf("gt", i32, {}), [arg(1, "i32"), lit(0, "i32")]);
    const fused = substitute(exprOf("select_n", ["bool", "int32", "int32"], {}), [positive, arg(0, "i32"), shifted]);
    const js = new Int32Array(1037);
    jsElementwise(fused, 2)([x, y], [false, false], js);
    const [ax, ay] = [array(x, { dtype: "int32" }), array(y, { dtype: "int32" })];
    const three = array(new Int32Array([3]), { dtype: "int32" }).reshape([]);
    const zero = array(new Int32Array([0]), { dtype: "int32" }).reshape([]);
    const unfused = lax.select(lax.gt(ay, zero), lax.shiftRightLogical(lax.add(lax.square(ax), ay), three), ax).toTypedArray();
    expect(Array.from(js)).toEqual(Array.from(unfused));
    const wasm = new Int32Array(1037);
    runWasm(fused, [x, y], wasm);
    expect(Array.from(wasm)).toEqual(Array.from(js));
  });
});
