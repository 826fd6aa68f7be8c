// exportOnnx: every primitive's exported model, run in onnxruntime-node, gives what jaxts
// gives (values within float tolerance, dtypes and shapes exactly), special values included
// (NaN, ±inf, ±0, division by zero, out-of-range indices and shifts, float → int overflow).
// Every primitive with an ONNX mapping is covered (a test checks the cases use them all);
// the ones without raise a JaxtsError naming the primitive.
import { array, JaxtsError, lax, type NDArray, np, type PrimitiveName, abstractEvalRules, subJaxprs, type Jaxpr, random, nn } from "@jaxts/core";
import { checkpoint, customJvp, customVjp, exportOnnx, grad, jit } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";
import { expectOnnxMatchesJaxts, session, type Tolerance } from "./onnx-helpers.js";

type Fn = (...xs: NDArray[]) => NDArray | NDArray[];
interface Case {
  readonly name: string;
  readonly f: Fn;
  readonly args: readonly NDArray[];
  readonly tol?: Tolerance;
}

const f32 = (v: unknown) => array(v as number[], { dtype: "float32" });
const f64 = (v: unknown) => array(v as number[], { dtype: "float64" });
const i32 = (v: unknown) => array(v as number[], { dtype: "int32" });
const bool = (v: boolean[]) => array(v, { dtype: "bool" });

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 3.7, -3.7, 1e-10, -1e-10, 1e-30, 100, -100, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN];
const grid = (lo: number, hi: number, n: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
const INTS = [0, 1, -1, 7, -7, 13, -13, 2147483647, -2147483648, 65536, 255, -128];

function unaryCases(): Case[] {
  const cases: Case[] = [];
  const floatUnary: [string, (x: NDArray) => NDArray, number[]][] = [
    ["exp", lax.exp, [...SPECIAL, ...grid(-20, 20, 17)]],
    ["log", lax.log, [...SPECIAL, ...grid(0.01, 50, 17)]],
    ["expm1", lax.expm1, [...SPECIAL, ...grid(-3, 3, 17), 1e-8, -1e-8, 1e-5, 800, -800]],
    ["log1p", lax.log1p, [...SPECIAL, ...grid(-0.99, 3, 17), 1e-8, -1e-8, -1, -2]],
    ["sin", lax.sin, [...SPECIAL, ...grid(-10, 10, 17)]],
    ["cos", lax.cos, [...SPECIAL, ...grid(-10, 10, 17)]],
    ["tan", lax.tan, [...SPECIAL, ...grid(-1.5, 1.5, 17)]],
    ["asin", lax.asin, [...SPECIAL, ...grid(-1, 1, 17), 0.999999, -0.999999]],
    ["acos", lax.acos, [...SPECIAL, ...grid(-1, 1, 17), 0.999999, -0.999999]],
    ["atan", lax.atan, [...SPECIAL, ...grid(-30, 30, 17), 1e10, -1e10]],
    ["sinh", lax.sinh, [...SPECIAL, ...grid(-5, 5, 17), 1e-8]],
    ["cosh", lax.cosh, [...SPECIAL, ...grid(-5, 5, 17)]],
    ["tanh", lax.tanh, [...SPECIAL, ...grid(-5, 5, 17)]],
    ["logistic", lax.logistic, [...SPECIAL, ...grid(-20, 20, 17)]],
    ["sqrt", lax.sqrt, [...SPECIAL, ...grid(0, 50, 17)]],
    ["rsqrt", lax.rsqrt, [...SPECIAL, ...grid(0.01, 50, 17)]],
    ["floor", lax.floor, SPECIAL],
    ["ceil", lax.ceil, SPECIAL],
    ["round", lax.round, [...SPECIAL, 0.5, 1.5, -1.5, 2.5000001]],
    ["neg", lax.neg, SPECIAL],
    ["sign", lax.sign, SPECIAL],
    ["abs", lax.abs, SPECIAL],
    ["square", lax.square, SPECIAL],
    ["stop_gradient", lax.stopGradient, SPECIAL],
    ["is_finite", lax.isFinite, SPECIAL],
    ["integer_pow 3", (x) => lax.integerPow(x, 3), SPECIAL],
    ["integer_pow -2", (x) => lax.integerPow(x, -2), SPECIAL],
    ["integer_pow 0", (x) => lax.integerPow(x, 0), SPECIAL],
  ];
  for (const [name, f, values] of floatUnary) {
    // ONNX Runtime's float32 kernels (MLAS) for these are a few ulp from correctly rounded.
    const loose = ["exp", "expm1", "tanh", "logistic", "sinh", "cosh", "tan", "asin", "acos", "atan", "log1p", "log"].includes(name);
    cases.push({ name: `${name} f32`, f, args: [f32(values)], tol: loose ? { rtol: 1e-6 * 8, atol: 1e-30 } : {} });
    cases.push({ name: `${name} f64`, f, args: [f64(values)], tol: { rtol: 1e-13 } });
  }
  cases.push({ name: "erf f32", f: lax.erf, args: [f32([...SPECIAL, ...grid(-4, 4, 33)])], tol: { rtol: 1e-6, atol: 1e-7 } });
  // erf⁻¹ in float32 arithmetic (its Newton steps use Erf) against jaxts's float64-then-rounded values
  // float64 erf is composed from standard operators (ONNX Runtime has no float64 Erf kernel):
  // jaxts's own table evaluated step for step, so it agrees to 1e-15 relative everywhere —
  // tiny and subnormal x, every row of the table and the points halfway between rows, the
  // tails up to and past |x| = 6 where erf is ±1.
  const erfPoints = [
    ...SPECIAL, 1e-300, -1e-300, 5e-324, 1e-17, 1e-8, ...grid(-6.5, 6.5, 521), ...grid(0, 6, 25).map((c) => c + 0.125), 5.999999999, -5.999999999, 6, 7, 27, 0.84375, 2.857,
  ];
  cases.push({ name: "erf f64", f: lax.erf, args: [f64(erfPoints)], tol: { rtol: 1e-15, atol: 0 } });
  cases.push({ name: "erf_inv f64", f: lax.erfInv, args: [f64([-1, 1, 0, -0, 1.5, -2, Number.NaN, 1e-300, 1e-12, ...grid(-0.999, 0.999, 81), 0.9999, -0.99999, 1 - 2 ** -40, -1 + 2 ** -52])], tol: { rtol: 1e-14, atol: 0 } });
  cases.push({ name: "erf_inv f32", f: lax.erfInv, args: [f32([-1, 1, 0, -0, 1.5, -2, Number.NaN, ...grid(-0.999, 0.999, 41), 0.9999, -0.99999])], tol: { rtol: 2e-5, atol: 1e-6 } });
  for (const [name, f] of [
    ["neg", lax.neg],
    ["sign", lax.sign],
    ["abs", lax.abs],
    ["square", lax.square],
    ["integer_pow 3 int", (x: NDArray) => lax.integerPow(x, 3)],
    ["integer_pow 0 int", (x: NDArray) => lax.integerPow(x, 0)],
    ["not int", lax.not],
  ] as const) {
    cases.push({ name: `${name} i32`, f, args: [i32(INTS)] });
  }
  cases.push({ name: "not bool", f: lax.not, args: [bool([true, false])] });
  return cases;
}

function binaryCases(): Case[] {
  const xs = [...SPECIAL, 3, -3, 7, 0.25];
  const n = xs.length;
  // Every pair of special values: x repeated, y tiled.
  const a = xs.flatMap((x) => xs.map(() => x));
  const b = xs.flatMap(() => xs);
  const ia = INTS.flatMap((x) => INTS.map(() => x));
  const ib = INTS.flatMap(() => INTS);
  const cases: Case[] = [];
  const floatBinary: [string, (x: NDArray, y: NDArray) => NDArray][] = [
    ["add", lax.add],
    ["sub", lax.sub],
    ["mul", lax.mul],
    ["div", lax.div],
    ["rem", lax.rem],
    ["pow", lax.pow],
    ["max", lax.max],
    ["min", lax.min],
    ["atan2", lax.atan2],
    ["eq", lax.eq],
    ["ne", lax.ne],
    ["lt", lax.lt],
    ["le", lax.le],
    ["gt", lax.gt],
    ["ge", lax.ge],
  ];
  for (const [name, f] of floatBinary) {
    const tol = name === "pow" || name === "atan2" ? { rtol: 1e-6 * 4 } : {};
    cases.push({ name: `${name} f32`, f, args: [f32(a), f32(b)], tol });
    cases.push({ name: `${name} f64`, f, args: [f64(a), f64(b)], tol: { rtol: 1e-13 } });
    cases.push({ name: `${name} f32 scalar operand`, f, args: [f32(xs.slice(0, n)), f32(2.5)], tol });
  }
  const intBinary: [string, (x: NDArray, y: NDArray) => NDArray][] = [
    ["add", lax.add],
    ["sub", lax.sub],
    ["mul", lax.mul],
    ["div", lax.div],
    ["rem", lax.rem],
    ["max", lax.max],
    ["min", lax.min],
    ["and", lax.bitwiseAnd],
    ["or", lax.bitwiseOr],
    ["xor", lax.bitwiseXor],
    ["eq", lax.eq],
    ["lt", lax.lt],
    ["ge", lax.ge],
  ];
  for (const [name, f] of intBinary) cases.push({ name: `${name} i32`, f, args: [i32(ia), i32(ib)] });
  const counts = [-1, 0, 1, 5, 31, 32, 40];
  const sa = INTS.flatMap((x) => counts.map(() => x));
  const sb = INTS.flatMap(() => counts);
  cases.push({ name: "shift_left i32", f: lax.shiftLeft, args: [i32(sa), i32(sb)] });
  cases.push({ name: "shift_right_logical i32", f: lax.shiftRightLogical, args: [i32(sa), i32(sb)] });
  const ba = [true, true, false, false];
  const bb = [true, false, true, false];
  for (const [name, f] of [
    ["and", lax.bitwiseAnd],
    ["or", lax.bitwiseOr],
    ["xor", lax.bitwiseXor],
    ["lt", lax.lt],
    ["ge", lax.ge],
    ["eq", lax.eq],
    ["ne", lax.ne],
    ["max", lax.max],
    ["min", lax.min],
  ] as const) {
    cases.push({ name: `${name} bool`, f, args: [bool(ba), bool(bb)] });
  }
  cases.push({ name: "select_n", f: (p, x, y) => lax.select(p, x, y), args: [bool([true, false, true]), f32([1, 2, 3]), f32([-1, -2, -3])] });
  return cases;
}

function convertCases(): Case[] {
  const values = [...SPECIAL, 3e9, -3e9, 2147483647, 2147483648, -2147483649, 2.7, -2.7, 255.9, 256, -129, 65535.5, 4294967295, 4294967296];
  const cases: Case[] = [];
  for (const to of ["int32", "bool", "float64", "float32", "int8", "int16", "uint8", "uint32", "float16", "bfloat16"] as const) {
    const back = (y: NDArray): NDArray => (to === "float16" || to === "bfloat16" || to === "int8" || to === "int16" || to === "uint8" || to === "uint32" ? lax.convertElementType(y, to === "uint32" ? "float64" : "float32") : y);
    cases.push({ name: `convert f32 → ${to}`, f: (x) => back(lax.convertElementType(x, to)), args: [f32(values)] });
    cases.push({ name: `convert f64 → ${to}`, f: (x) => back(lax.convertElementType(x, to)), args: [f64(values)] });
    cases.push({ name: `convert i32 → ${to}`, f: (x) => back(lax.convertElementType(x, to)), args: [i32(INTS)] });
  }
  cases.push({ name: "convert bool → f32", f: (x) => lax.convertElementType(x, "float32"), args: [bool([true, false])] });
  cases.push({ name: "convert bool → i32", f: (x) => lax.convertElementType(x, "int32"), args: [bool([true, false])] });
  return cases;
}

const cube = f32(Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7) * 10)).reshape([2, 3, 4]);
const withNan = f32([1, Number.NaN, 3, -2, 5, 5, -1, Number.NaN, 0, 4, 4, -7]).reshape([3, 4]);

function structuralCases(): Case[] {
  return [
    { name: "reduce_sum axes 0,2", f: (x) => lax.reduceSum(x, [0, 2]), args: [cube] },
    { name: "reduce_sum no axes", f: (x) => lax.reduceSum(x, []), args: [cube] },
    { name: "reduce_sum i32", f: (x) => lax.reduceSum(x, [0]), args: [i32(INTS)] },
    { name: "reduce_max NaN", f: (x) => lax.reduceMax(x, [1]), args: [withNan] },
    { name: "reduce_min NaN", f: (x) => lax.reduceMin(x, [0]), args: [withNan] },
    { name: "reduce_max i32", f: (x) => lax.reduceMax(x, [0]), args: [i32(INTS)] },
    { name: "reduce_prod", f: (x) => lax.reduceProd(x, [2]), args: [cube.mul(0.3)] },
    { name: "reduce_and / reduce_or", f: (x) => [lax.reduceAnd(lax.gt(x, 0), [1]), lax.reduceOr(lax.gt(x, 8), [1])], args: [cube] },
    { name: "argmax / argmin with NaN and ties", f: (x) => [lax.argmax(x, 1), lax.argmin(x, 0), lax.argmax(x, 0)], args: [withNan] },
    { name: "argmax bool", f: (x) => lax.argmax(lax.gt(x, 0), 1), args: [cube.reshape([6, 4])] },
    { name: "cumsum", f: (x) => [lax.cumsum(x, 1), lax.cumsum(x, 2, true)], args: [cube] },
    { name: "cumsum i32", f: (x) => lax.cumsum(x, 0), args: [i32(INTS)] },
    { name: "broadcast_in_dim", f: (x) => lax.broadcastInDim(x, [3, 2, 5, 4], [1, 3]), args: [f32([1, 2, 3, 4, 5, 6, 7, 8]).reshape([2, 4])] },
    { name: "broadcast_in_dim of a size-1 axis", f: (x) => lax.broadcastInDim(x, [3, 4], [0, 1]), args: [f32([1, 2, 3]).reshape([3, 1])] },
    { name: "reshape", f: (x) => lax.reshape(x, [4, 6]), args: [cube] },
    { name: "reshape to an empty shape", f: (x) => lax.reshape(lax.slice(x, [0, 0, 0], [0, 3, 4]), [3, 0]), args: [cube] },
    { name: "transpose", f: (x) => lax.transpose(x, [2, 0, 1]), args: [cube] },
    { name: "squeeze", f: (x) => lax.squeeze(x, [0, 2]), args: [f32([1, 2, 3]).reshape([1, 3, 1])] },
    { name: "rev", f: (x) => lax.rev(x, [0, 2]), args: [cube] },
    { name: "concatenate", f: (x, y) => lax.concatenate([x, y, x], 1), args: [cube, lax.slice(cube.mul(2), [0, 0, 0], [2, 1, 4])] },
    { name: "pad (negative, interior)", f: (x) => lax.pad(x, f32(-9), [[1, -1, 0], [-1, 2, 2], [0, 0, 1]]), args: [cube] },
    { name: "slice (strides)", f: (x) => lax.slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 3]), args: [cube] },
    { name: "gather (indices clamped)", f: (x, i) => lax.gather(x, i, { axis: 2 }), args: [cube, i32([[0, 3, 9], [-5, 2, 1]])] },
    { name: "scatter_add (duplicates; out of range dropped)", f: (x, i, u) => lax.scatterAdd(x, i, u, { axis: 1 }), args: [cube, i32([2, 0, 2, 7, -1]), f32(Array.from({ length: 40 }, (_, k) => k)).reshape([2, 5, 4])] },
    { name: "dot_general (matmul)", f: (a, b) => lax.dotGeneral(a, b, [[[1], [0]], [[], []]]), args: [cube.reshape([6, 4]), cube.reshape([4, 6])] },
    { name: "dot_general (batched, two contractions)", f: (a, b) => lax.dotGeneral(a, b, [[[2, 0], [2, 1]], [[1], [0]]]), args: [cube, cube.transpose([1, 0, 2])] },
    { name: "dot_general i32", f: (a, b) => lax.dotGeneral(a, b, [[[0], [0]], [[], []]]), args: [i32([1, 2, 3]), i32([4, -5, 6])] },
    { name: "iota", f: (x) => [lax.iota("int32", [3, 4], 1), lax.iota("float32", [2, 5], 0).add(x)], args: [f32(0.5)] },
    { name: "sort (several operands, NaN last, stable)", f: (k, v) => lax.sort([k, v], { dimension: 1 }), args: [withNan, f32(Array.from({ length: 12 }, (_, i) => i)).reshape([3, 4])] },
    { name: "sort i32", f: (k) => lax.sort([k])[0]!, args: [i32(INTS)] },
    { name: "threefry2x32", f: (a, b, c, d) => lax.threefry2x32(a, b, c, d), args: [i32([0, 1, -1, 42]), i32([0, 2, 2147483647, 7]), i32([0, 3, -2147483648, 9]), i32([0, 4, 5, 123456789])] },
  ];
}

function controlCases(): Case[] {
  const sq = customJvp(
    (x: NDArray) => np.multiply(x, x),
    (p, t) => [np.multiply(p[0] as NDArray, p[0] as NDArray), np.multiply(2, np.multiply(p[0] as NDArray, t[0] as NDArray))],
  );
  const cube3 = customVjp(
    (x: NDArray) => np.multiply(x, np.multiply(x, x)),
    (x: NDArray) => [np.multiply(x, np.multiply(x, x)), x],
    (r: NDArray, ct: NDArray) => [np.multiply(3, np.multiply(np.multiply(r, r), ct))],
  );
  return [
    { name: "cond", f: (p, x) => lax.cond(p, (y: NDArray) => y.mul(2), (y: NDArray) => np.sin(y), x), args: [bool([true]).reshape([]), f32([1, 2, 3])] },
    { name: "cond (false)", f: (p, x) => lax.cond(p, (y: NDArray) => y.mul(2), (y: NDArray) => np.sin(y), x), args: [bool([false]).reshape([]), f32([1, 2, 3])] },
    ...[-3, 0, 1, 2, 9].map((k) => ({
      name: `switch index ${k} (clamped)`,
      f: (i: NDArray, x: NDArray) => lax.switch(i, [(y: NDArray) => y.add(1), (y: NDArray) => y.mul(y), (y: NDArray) => np.exp(y)], x),
      args: [i32(k), f32([0.5, -1])],
    })),
    {
      name: "whileLoop",
      f: (x) => lax.whileLoop((c: [NDArray, NDArray]) => lax.lt(c[0], 10), (c: [NDArray, NDArray]) => [c[0].add(1), c[1].mul(1.1)] as [NDArray, NDArray], [i32(0), x] as [NDArray, NDArray]) as NDArray[],
      args: [f32([1, 2])],
    },
    { name: "forLoop", f: (x) => lax.forLoop(0, 5, (i: NDArray, c: NDArray) => c.add(lax.convertElementType(i, "float32")).mul(0.5), x), args: [f32([1, 2])] },
    {
      name: "scan",
      f: (c0, xs) => lax.scan((c: NDArray, x: NDArray) => [c.add(x), c.mul(x)] as [NDArray, NDArray], c0, xs) as NDArray[],
      args: [f32([0, 1]), f32([1, 2, 3, 4, 5, 6]).reshape([3, 2])],
    },
    {
      name: "scan reverse",
      f: (c0, xs) => lax.scan((c: NDArray, x: NDArray) => [c.mul(0.5).add(x), c] as [NDArray, NDArray], c0, xs, { reverse: true }) as NDArray[],
      args: [f32([0, 1]), f32([1, 2, 3, 4, 5, 6]).reshape([3, 2])],
    },
    {
      name: "scan with no xs",
      f: (c0) => lax.scan((c: NDArray, _x: null) => [c.mul(2), c.sum()] as [NDArray, NDArray], c0, null, { length: 4 }) as NDArray[],
      args: [f32([1, 2])],
    },
    {
      name: "scan of length 0",
      f: (c0, xs) => lax.scan((c: NDArray, x: NDArray) => [c.add(x), c.mul(x)] as [NDArray, NDArray], c0, xs) as NDArray[],
      args: [f32([0, 1]), f32([]).reshape([0, 2])],
    },
    { name: "pjit (nested jit)", f: (x) => jit((y: NDArray) => np.tanh(y).mul(3))(x).add(1), args: [f32([0.1, 0.2])] },
    { name: "custom_jvp_call", f: (x) => sq(x) as NDArray, args: [f32([1, -2])] },
    { name: "custom_vjp_call", f: (x) => cube3(x) as NDArray, args: [f32([1, -2])] },
    { name: "checkpoint", f: (x) => checkpoint((y: NDArray) => np.sin(y).mul(y))(x), args: [f32([1, -2])] },
  ];
}

function halfAndNarrowCases(): Case[] {
  const cases: Case[] = [];
  for (const d of ["float16", "bfloat16"] as const) {
    cases.push({
      name: `${d} arithmetic, each result rounded`,
      f: (x, y) => {
        const a = lax.convertElementType(x, d);
        const b = lax.convertElementType(y, d);
        return lax.convertElementType(np.exp(a.mul(b).add(a)).sub(b.div(a)).sum(), "float32");
      },
      args: [f32([0.1, 0.7, -1.3, 2]), f32([1.1, -0.3, 0.9, 0.001])],
    });
  }
  for (const d of ["int8", "int16", "uint8", "uint32"] as const) {
    cases.push({
      name: `${d} wrapping arithmetic, division by zero, shifts`,
      f: (x, y) => {
        const a = lax.convertElementType(x, d);
        const b = lax.convertElementType(y, d);
        const outs = [a.add(b), a.mul(b), lax.div(a, b), lax.rem(a, b), lax.shiftRightLogical(a, lax.convertElementType(i32([1, 3, 0, 7]), d)), lax.neg(a), lax.max(a, b), lax.reduceSum(a, [0])];
        return outs.map((o) => lax.convertElementType(o, "int32"));
      },
      args: [i32([-100, 200, 37, -1]), i32([3, 0, -9, 77])],
    });
  }
  return cases;
}

const CASES: readonly Case[] = [...unaryCases(), ...binaryCases(), ...convertCases(), ...structuralCases(), ...controlCases(), ...halfAndNarrowCases()];

function primitivesOf(j: Jaxpr, into: Set<string>): Set<string> {
  for (const e of j.eqns) {
    into.add(e.primitive);
    for (const s of subJaxprs(e)) primitivesOf(s, into);
  }
  return into;
}

describe("exportOnnx: every primitive in ONNX Runtime equals jaxts", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      await expectOnnxMatchesJaxts(c.f, c.args, { tol: c.tol ?? {}, where: c.name });
    });
  }

  it("the cases use every primitive that has an ONNX mapping", () => {
    const used = new Set<string>();
    for (const c of CASES) primitivesOf(jit(c.f).lower(...c.args).jaxpr.jaxpr, used);
    // (the complex-number primitives are marked unsupported in the op table)
    const unmapped = ["custom_lin", "bitcast_convert_type", "real", "imag", "conj", "complex", "fft"];
    const missing = (Object.keys(abstractEvalRules) as PrimitiveName[]).filter((p) => !used.has(p) && !unmapped.includes(p));
    expect(missing).toEqual([]);
  });
});

describe("exportOnnx: what has no ONNX form raises a JaxtsError naming it", () => {
  it("a primitive without a mapping (bitcast_convert_type, under np.signbit) is a JaxtsError naming it, before any model exists", () => {
    expect(() => exportOnnx((x: NDArray) => np.signbit(x), f32([1, -0]))).toThrow(JaxtsError);
    expect(() => exportOnnx((x: NDArray) => np.signbit(x), f32([1, -0]))).toThrow(/bitcast_convert_type has no ONNX mapping/);
  });

  it("options are checked: unknown keys, opsets out of range, clashing names", () => {
    expect(() => jit((x: NDArray) => x.add(1)).lower(f32([1])).toOnnx({ opset: 12 })).toThrow(/opset 12 is not supported/);
    expect(() => jit((x: NDArray) => x.add(1)).lower(f32([1])).toOnnx({ opsett: 18 } as never)).toThrow(/opset/);
    expect(() => jit((x: NDArray, y: NDArray) => x.add(y)).lower(f32([1]), f32([1])).toOnnx({ inputNames: ["a", "a"] })).toThrow(/both named "a"/);
    // A trailing object without arrays is the options, so a misspelt key is reported.
    expect(() => exportOnnx((x: NDArray) => x.add(1), f32([1]), { opsett: 18 } as never)).toThrow(/opset/);
    expect(() => exportOnnx((_x: NDArray) => null, f32([1]))).toThrow(/returns no arrays/);
  });
});

describe("exportOnnx: half and narrow integer graph inputs and outputs", () => {
  const edgeFloats = [0.1, -0, 65504, 6e-8, -6.1e-5, Number.NaN, Number.POSITIVE_INFINITY, -2.5, 1000, 3.25];
  it("float16 inputs and outputs, each result rounded as jaxts rounds it", async () => {
    const a = array(edgeFloats, { dtype: "float16" });
    const b = array([2, 3, 65504, 1e-4, -1, 0, 1, 0.333, -1000, 1], { dtype: "float16" });
    const f = (x: NDArray, y: NDArray) => [x, x.mul(y), x.add(y), np.exp(x.mul(0.01)), x.sum(), lax.convertElementType(x, "float32"), lax.convertElementType(x, "int8"), x.reshape([2, 5]).matmul(y.reshape([5, 2]))];
    const bytes = await expectOnnxMatchesJaxts(f, [a, b], { where: "float16 io" });
    const s = await session(bytes);
    expect(s.inputMetadata.map((m) => (m.isTensor ? m.type : "?"))).toEqual(["float16", "float16"]);
  });

  for (const [d, values, others] of [
    ["int8", [-128, 127, 0, -1, 100, 5], [1, 1, 0, -128, 100, -3]],
    ["int16", [-32768, 32767, 0, -1, 30000, 5], [1, 1, 0, -32768, 30000, -3]],
    ["uint8", [0, 255, 1, 128, 200, 5], [1, 1, 0, 128, 100, 3]],
    ["uint32", [0, 4294967295, 1, 2147483648, 3000000000, 5], [1, 1, 0, 2147483648, 3000000000, 3]],
  ] as const) {
    it(`${d} inputs and outputs wrap as jaxts wraps`, async () => {
      const a = array([...values], { dtype: d });
      const b = array([...others], { dtype: d });
      const f = (x: NDArray, y: NDArray) => [x, x.add(y), x.mul(y), x.sub(y), lax.max(x, y), lax.div(x, y), x.sum(), lax.convertElementType(x, "float32"), lax.convertElementType(x.add(1), "int32"), lax.gt(x, y)];
      const bytes = await expectOnnxMatchesJaxts(f, [a, b], { where: `${d} io` });
      const s = await session(bytes);
      expect(s.inputMetadata.map((m) => (m.isTensor ? m.type : "?"))).toEqual([d, d]);
    });
  }

  // bfloat16 computes inside graphs in onnxruntime-node (the cases above), but its JavaScript
  // binding has no bfloat16 tensor type and refuses a session whose inputs or outputs are
  // bfloat16; ONNX Runtime's Python and C++ APIs take them.
  it("bfloat16 inputs and outputs are declared as ONNX bfloat16 (which onnxruntime-node's binding cannot load)", async () => {
    const { decodeModel } = await import("../packages/transforms/src/export/onnx/proto.js");
    const a = array([1.5, -2, 3e38], { dtype: "bfloat16" });
    const bytes = exportOnnx((x: NDArray) => [x.mul(x), lax.convertElementType(x, "float32")], a);
    const m = decodeModel(bytes);
    expect(m.graph.input[0]!.type!.tensor_type!.elem_type).toBe(16); // TensorProto.BFLOAT16
    expect(m.graph.output[0]!.type!.tensor_type!.elem_type).toBe(16);
    await expect(session(bytes)).rejects.toThrow(/Unsupported data type: 16/);
  });
});

describe("exportOnnx: models", () => {
  it("inputs and outputs are named by pytree path; a tuple's parts by outputNames; clashes get _out", async () => {
    const { decodeModel } = await import("../packages/transforms/src/export/onnx/proto.js");
    const step = (params: { W: NDArray; b: NDArray[] }, x: NDArray) => [x.matmul(params.W).add(params.b[0]!).sum(), { W: params.W.mul(2), b: params.b }];
    const params = { W: f32([1, 2, 3, 4]).reshape([2, 2]), b: [f32([1, 1])] };
    const bytes = exportOnnx(step, params, f32([1, 2]).reshape([1, 2]), { inputNames: ["params", "x"], outputNames: ["loss", "params"], name: "step" });
    const m = decodeModel(bytes);
    expect(m.graph.input.map((i) => i.name)).toEqual(["params.W", "params.b.0", "x"]);
    expect(m.graph.output.map((o) => o.name)).toEqual(["loss", "params_out.W", "params_out.b.0"]);
    expect(m.graph.name).toBe("step");
    expect(m.opset_import).toEqual([{ domain: "", version: 18 }]);
    await expectOnnxMatchesJaxts(step as never, [params, f32([1, 2]).reshape([1, 2])]);
  });

  it("random.normal (threefry bits through float32 erf_inv) exports", async () => {
    await expectOnnxMatchesJaxts((k: NDArray) => random.normal(k, [64]), [random.key(7)], { tol: { rtol: 2e-5, atol: 1e-5 }, where: "random.normal" });
  });

  it("a float64 GELU and its gradient (erf inside) equal jaxts's to 1e-14", async () => {
    const gelu = (x: NDArray) => nn.gelu(x, { approximate: false });
    const xs = f64(grid(-8, 8, 97));
    await expectOnnxMatchesJaxts(gelu, [xs], { tol: { rtol: 1e-14, atol: 1e-300 } });
    await expectOnnxMatchesJaxts(grad((x: NDArray) => np.sum(gelu(x))), [xs], { tol: { rtol: 1e-14, atol: 1e-300 } });
  });

  it("captured constants become initializers, and opsets 18 to 21 load in ONNX Runtime", async () => {
    const w = f32([[1, 2], [3, 4]]);
    const f = (x: NDArray) => nn.relu(x.matmul(w)).sum({ axis: 0 });
    for (const opset of [18, 19, 20, 21]) {
      await expectOnnxMatchesJaxts(f, [f32([[1, -2], [0.5, 3]])], { export: { opset } });
    }
  });
});
