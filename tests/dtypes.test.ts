// The dtypes of issue 11: uint8, uint32, int8, int16, float16 and bfloat16 next to bool, int32,
// float32 and float64. What a JAX user relies on: the promotion table (JAX's, weak types
// included), casts at their edges as XLA does them on CPU, integer arithmetic that wraps, half
// arithmetic computed in float32 and rounded once, reductions' result dtypes, grad / vmap / jit
// of half-precision functions, and iinfo / finfo / promoteTypes / canCast / resultType.
// Runs on the active backend (pnpm test: wasm, pnpm test:js: js).
import { array, config, type DType, DTypeError, FloatingPointError, lax, type NDArray, np, OverflowError } from "@jaxts/core";
import { grad, jit, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

const INTS = ["int8", "int16", "int32", "uint8", "uint32"] as const;
type IntDType = (typeof INTS)[number];
const BITS: Record<IntDType, number> = { int8: 8, int16: 16, int32: 32, uint8: 8, uint32: 32 };
const SIGNED: Record<IntDType, boolean> = { int8: true, int16: true, int32: true, uint8: false, uint32: false };

/** Two's complement wrap by BigInt: an independent reference for integer results. */
const wrapRef = (v: bigint, d: IntDType): number => Number(SIGNED[d] ? BigInt.asIntN(BITS[d], v) : BigInt.asUintN(BITS[d], v));
const rangeOf = (d: IntDType): [number, number] => (SIGNED[d] ? [-(2 ** (BITS[d] - 1)), 2 ** (BITS[d] - 1) - 1] : [0, 2 ** BITS[d] - 1]);

/** Deterministic values spread over a dtype's range, its extremes included. */
function intSamples(d: IntDType, n: number): number[] {
  const [lo, hi] = rangeOf(d);
  const out = [lo, hi, 0, 1, -1 >= lo ? -1 : 2, lo + 1, hi - 1];
  let s = 12345;
  while (out.length < n) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    out.push(lo + Math.floor((s / 2 ** 31) * (hi - lo + 1)));
  }
  return out;
}

describe("JAX's promotion table, weak types included", () => {
  // From JAX's type-promotion table (jax.readthedocs.io, "Type promotion semantics"), for the
  // dtypes here. Integers follow JAX with jax_enable_x64 off (there is no int64): uint32 with a
  // signed integer gives int32 where the x64 table says int64. i* is a JS integer (weak int),
  // f* a JS fraction (weak float): both are weakly typed results, int32 and float32.
  const COLS = ["b1", "u8", "u32", "i8", "i16", "i32", "bf16", "f16", "f32", "f64", "i*", "f*"] as const;
  type Col = (typeof COLS)[number];
  const TABLE: Record<Col, string> = {
    b1: "b1 u8 u32 i8 i16 i32 bf16 f16 f32 f64 i* f*",
    u8: "u8 u8 u32 i16 i16 i32 bf16 f16 f32 f64 u8 f*",
    u32: "u32 u32 u32 i32 i32 i32 bf16 f16 f32 f64 u32 f*",
    i8: "i8 i16 i32 i8 i16 i32 bf16 f16 f32 f64 i8 f*",
    i16: "i16 i16 i32 i16 i16 i32 bf16 f16 f32 f64 i16 f*",
    i32: "i32 i32 i32 i32 i32 i32 bf16 f16 f32 f64 i32 f*",
    bf16: "bf16 bf16 bf16 bf16 bf16 bf16 bf16 f32 f32 f64 bf16 bf16",
    f16: "f16 f16 f16 f16 f16 f16 f32 f16 f32 f64 f16 f16",
    f32: "f32 f32 f32 f32 f32 f32 f32 f32 f32 f64 f32 f32",
    f64: "f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64 f64",
    "i*": "i* u8 u32 i8 i16 i32 bf16 f16 f32 f64 i* f*",
    "f*": "f* f* f* f* f* f* bf16 f16 f32 f64 f* f*",
  };
  const NAME: Record<Col, readonly [DType, boolean]> = {
    b1: ["bool", false], u8: ["uint8", false], u32: ["uint32", false], i8: ["int8", false], i16: ["int16", false], i32: ["int32", false],
    bf16: ["bfloat16", false], f16: ["float16", false], f32: ["float32", false], f64: ["float64", false], "i*": ["int32", true], "f*": ["float32", true],
  };
  const operand = (c: Col): NDArray | number => {
    if (c === "i*") return 3;
    if (c === "f*") return 0.5;
    const [d] = NAME[c];
    return d === "bool" ? array([true, false]) : array([1, 2], { dtype: d });
  };

  for (const a of COLS) {
    const row = TABLE[a].split(" ") as Col[];
    for (const [j, b] of COLS.entries()) {
      const want = row[j]!;
      it(`${a} with ${b} gives ${want}`, () => {
        const [dtype, weakType] = NAME[want];
        expect(np.resultType(operand(a), operand(b))).toEqual({ dtype, weakType });
        const r = np.maximum(operand(a), operand(b));
        expect([r.dtype, r.weakType]).toEqual([dtype, weakType]);
        // The table is symmetric.
        expect(TABLE[b].split(" ")[COLS.indexOf(a)]).toBe(want);
      });
    }
  }

  it("resultType of many operands is the join of all of them (associative, order-free)", () => {
    const cols = COLS.filter((c) => c !== "f*" && c !== "i*");
    for (const a of cols) for (const b of cols) for (const c of [...cols, "i*", "f*"] as const) {
      const all = np.resultType(operand(a), operand(b), operand(c));
      const left = np.resultType(np.maximum(operand(a), operand(b)), operand(c));
      const right = np.resultType(operand(a), np.maximum(operand(b), operand(c)));
      expect(left).toEqual(all);
      expect(right).toEqual(all);
    }
  });

  it("promoteTypes and resultType take dtype names (strongly typed)", () => {
    expect(np.promoteTypes("uint8", "int8")).toBe("int16");
    expect(np.promoteTypes("uint32", "int32")).toBe("int32");
    expect(np.promoteTypes("float16", "bfloat16")).toBe("float32");
    expect(np.promoteTypes("int32", "bfloat16")).toBe("bfloat16");
    expect(np.resultType("float16", 1.5)).toEqual({ dtype: "float16", weakType: false });
    expect(np.resultType("uint8", 300)).toEqual({ dtype: "uint8", weakType: false });
    expect(() => np.promoteTypes("float8" as DType, "int8")).toThrow(DTypeError);
  });
});

describe("casts at their edges, as XLA on CPU", () => {
  const edges = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e10, -1e10, 2.7, -2.7, -0, 127.9, 128, -128.5, -129, 255.5, 256, 32767.5, -32769, 65535.9, 2147483647, 2147483648, -2147483649, 4294967295, 4294967296, -1];

  it("float -> int truncates toward zero, saturates at the target's range (no wraparound), and NaN gives 0", () => {
    // Hand-checked rows (JAX on CPU: jnp.array([-1., 300., 2.7, nan]).astype(uint8) is [0, 255, 2, 0]).
    expect(vals(np.astype(array([-1, 300, 2.7, Number.NaN, Number.POSITIVE_INFINITY]), "uint8"))).toEqual([0, 255, 2, 0, 255]);
    expect(vals(np.astype(array([-200, 200, -2.7, Number.NEGATIVE_INFINITY]), "int8"))).toEqual([-128, 127, -2, -128]);
    expect(vals(np.astype(array([-20, 5e9, 4294967040], { dtype: "float64" }), "uint32"))).toEqual([0, 4294967295, 4294967040]);
    for (const d of INTS) {
      const [lo, hi] = rangeOf(d);
      const want = edges.map((x) => (Number.isNaN(x) ? 0 : Math.min(Math.max(Math.trunc(x), lo), hi) + 0));
      for (const src of ["float64", "float32", "float16", "bfloat16"] as const) {
        const xs = array(edges, { dtype: src });
        const rounded = vals(xs);
        const wantFromRounded = rounded.map((x) => (Number.isNaN(x) ? 0 : Math.min(Math.max(Math.trunc(x), lo), hi) + 0));
        expect(vals(lax.convertElementType(xs, d)), `${src} -> ${d}`).toEqual(src === "float64" ? want : wantFromRounded);
      }
    }
  });

  it("int -> int wraps (two's complement), from every integer dtype to every other", () => {
    for (const from of INTS) {
      const xs = intSamples(from, 40);
      for (const to of INTS) {
        const got = vals(lax.convertElementType(array(xs, { dtype: from }), to));
        expect(got, `${from} -> ${to}`).toEqual(xs.map((x) => wrapRef(BigInt(x), to)));
      }
    }
    expect(vals(np.astype(array([-255, -1, 256, 255, 257], { dtype: "int32" }), "uint8"))).toEqual([1, 255, 0, 255, 1]);
  });

  it("int -> half rounds to nearest even and overflows to inf; half -> float is exact; bool is 0/1", () => {
    expect(vals(np.astype(array([2049, 2051, 65519, 65520, -70000], { dtype: "int32" }), "float16"))).toEqual([2048, 2052, 65504, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]);
    expect(vals(np.astype(array([257, 259, 4294967295], { dtype: "uint32" }), "bfloat16"))).toEqual([256, 260, 4294967296]);
    expect(vals(np.astype(array([0.1, -0, 5e-8, 2e-8], { dtype: "float16" }), "float64"))).toEqual([0.0999755859375, -0, 2 ** -24, 0]);
    expect(Object.is(vals(np.astype(array([-0]), "bfloat16"))[0], -0)).toBe(true);
    expect(Number.isNaN(vals(np.astype(array([Number.NaN]), "float16"))[0]!)).toBe(true);
    expect(vals(np.astype(array([true, false]), "bfloat16"))).toEqual([1, 0]);
    expect(vals(np.astype(array([0, 3, -0], { dtype: "float16" }), "bool"))).toEqual([0, 1, 0]);
  });

  it("float64 -> half rounds once from the double (no double rounding through float32)", () => {
    // 1 + 2^-11 + 2^-40 is just above a float16 midpoint; through float32 it would become the
    // midpoint itself and round down to 1.
    const x = 1 + 2 ** -11 + 2 ** -40;
    expect(vals(np.astype(array([x], { dtype: "float64" }), "float16"))).toEqual([1 + 2 ** -10]);
    expect(vals(np.astype(np.astype(array([x], { dtype: "float64" }), "float32"), "float16"))).toEqual([1]);
  });

  it("JS numbers that do not fit an integer dtype are OverflowErrors, as JAX's Python ints", () => {
    expect(() => array([300], { dtype: "uint8" })).toThrow(OverflowError);
    expect(() => array([-1], { dtype: "uint32" })).toThrow(OverflowError);
    expect(() => array([40000], { dtype: "int16" })).toThrow(OverflowError);
    expect(vals(array([255, 0], { dtype: "uint8" }))).toEqual([255, 0]);
  });
});

describe("integer arithmetic wraps, for every integer dtype (against BigInt)", () => {
  const binaryCases: readonly [string, (a: NDArray, b: NDArray) => NDArray, (a: bigint, b: bigint) => bigint | null][] = [
    ["add", lax.add, (a, b) => a + b],
    ["sub", lax.sub, (a, b) => a - b],
    ["mul", lax.mul, (a, b) => a * b],
    // biome-ignore lint/complexity/useMathMinMax: BigInt operands (Math.max takes numbers)
    ["max", lax.max, (a, b) => (a > b ? a : b)],
    // biome-ignore lint/complexity/useMathMinMax: BigInt operands
    ["min", lax.min, (a, b) => (a < b ? a : b)],
    ["div (toward zero)", lax.div, (a, b) => (b === 0n ? null : a / b)],
    ["rem (sign of the dividend)", lax.rem, (a, b) => (b === 0n ? null : a % b)],
    ["and", lax.bitwiseAnd, (a, b) => a & b],
    ["or", lax.bitwiseOr, (a, b) => a | b],
    ["xor", lax.bitwiseXor, (a, b) => a ^ b],
  ];
  for (const d of INTS) {
    const xs = intSamples(d, 64);
    const ys = [...xs.slice(7), ...xs.slice(0, 7)];
    for (const [name, op, ref] of binaryCases) {
      it(`${d} ${name}`, () => {
        const got = vals(op(array(xs, { dtype: d }), array(ys, { dtype: d })));
        xs.forEach((x, i) => {
          const r = ref(BigInt(x), BigInt(ys[i]!));
          if (r !== null) expect(got[i], `${x} ${name} ${ys[i]}`).toBe(wrapRef(r, d));
        });
      });
    }
    it(`${d} division by zero as XLA: x / 0 is all ones (-1, or the largest unsigned), x % 0 is x; MIN / -1 wraps`, () => {
      const a = array(xs, { dtype: d });
      const zero = np.zerosLike(a);
      const allOnes = wrapRef(-1n, d);
      expect(vals(lax.div(a, zero))).toEqual(xs.map(() => allOnes));
      expect(vals(lax.rem(a, zero))).toEqual(xs);
      if (SIGNED[d]) {
        const [lo] = rangeOf(d);
        expect(vals(lax.div(array([lo], { dtype: d }), array([-1], { dtype: d })))).toEqual([lo]);
        expect(vals(lax.rem(array([lo], { dtype: d }), array([-1], { dtype: d })))).toEqual([0]);
      }
    });
    it(`${d} neg, not, square, and comparisons`, () => {
      const a = array(xs, { dtype: d });
      expect(vals(lax.neg(a))).toEqual(xs.map((x) => wrapRef(-BigInt(x), d)));
      expect(vals(lax.not(a))).toEqual(xs.map((x) => wrapRef(~BigInt(x), d)));
      expect(vals(lax.square(a))).toEqual(xs.map((x) => wrapRef(BigInt(x) * BigInt(x), d)));
      expect(vals(lax.lt(a, array(ys, { dtype: d })))).toEqual(xs.map((x, i) => (x < ys[i]! ? 1 : 0)));
    });
    it(`${d} shifts: by 0..bits-1 as bits, by the width or more to 0; right shifts are logical`, () => {
      const bits = BITS[d];
      const shifts = xs.map((_, i) => i % (bits + 3));
      const a = array(xs, { dtype: d });
      const s = array(shifts, { dtype: d });
      const mask = (1n << BigInt(bits)) - 1n;
      expect(vals(lax.shiftLeft(a, s))).toEqual(xs.map((x, i) => (shifts[i]! >= bits ? 0 : wrapRef(BigInt(x) << BigInt(shifts[i]!), d))));
      expect(vals(lax.shiftRightLogical(a, s))).toEqual(xs.map((x, i) => (shifts[i]! >= bits ? 0 : wrapRef((BigInt(x) & mask) >> BigInt(shifts[i]!), d))));
    });
    it(`${d} sums and products wrap exactly; sums of narrow integers accumulate in int32 / uint32 as jnp`, () => {
      const a = array(xs, { dtype: d });
      const total = xs.reduce((s, x) => s + BigInt(x), 0n);
      const product = xs.slice(7, 27).reduce((p, x) => p * BigInt(x), 1n);
      const acc: IntDType = d === "uint8" || d === "uint32" ? "uint32" : "int32";
      expect(np.sum(a).dtype).toBe(acc);
      expect(np.sum(a).item()).toBe(wrapRef(total, acc));
      expect(lax.reduceSum(a, [0]).item()).toBe(wrapRef(total, d));
      expect(lax.reduceProd(array(xs.slice(7, 27), { dtype: d }), [0]).item()).toBe(wrapRef(product, d));
      const running = xs.map((_, i) => wrapRef(xs.slice(0, i + 1).reduce((s, x) => s + BigInt(x), 0n), acc));
      expect(vals(np.cumsum(a))).toEqual(running);
    });
    it(`${d} dot products wrap`, () => {
      const a = array(xs.slice(0, 12), { dtype: d }).reshape([3, 4]);
      const b = array(ys.slice(0, 8), { dtype: d }).reshape([4, 2]);
      const got = vals(np.matmul(a, b));
      const want: number[] = [];
      for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) {
        let s = 0n;
        for (let k = 0; k < 4; k++) s += BigInt(xs[i * 4 + k]!) * BigInt(ys[k * 2 + j]!);
        want.push(wrapRef(s, d));
      }
      expect(got).toEqual(want);
    });
  }
});

describe("half arithmetic is computed in float32 and rounded once per operation", () => {
  /** The reference: the float32 result, rounded to the half by the cast (tested exhaustively
   * in packages/core/test/half.test.ts). */
  const toHalf = (xs: number[], d: "float16" | "bfloat16"): number[] => vals(np.astype(array(xs, { dtype: "float32" }), d));
  const xsOf = (d: "float16" | "bfloat16") => vals(array(Array.from({ length: 200 }, (_, i) => Math.sin(i * 0.7) * 3 + 0.01 * i), { dtype: d }));
  for (const d of ["float16", "bfloat16"] as const) {
    it(`${d}: + - * / sqrt exp tanh, as float32 then rounded`, () => {
      const xs = xsOf(d);
      const ys = [...xs.slice(3), ...xs.slice(0, 3)];
      const a = array(xs, { dtype: d });
      const b = array(ys, { dtype: d });
      const cases: [NDArray, (x: number, y: number) => number][] = [
        [lax.add(a, b), (x, y) => x + y],
        [lax.sub(a, b), (x, y) => x - y],
        [lax.mul(a, b), (x, y) => x * y],
        [lax.div(a, b), (x, y) => x / y],
        [lax.sqrt(lax.abs(a)), (x) => Math.sqrt(Math.abs(x))],
        [lax.exp(a), (x) => Math.exp(x)],
        [lax.tanh(a), (x) => Math.tanh(x)],
      ];
      for (const [got, f] of cases) {
        expect(got.dtype).toBe(d);
        expect(vals(got)).toEqual(toHalf(xs.map((x, i) => Math.fround(f(x, ys[i]!))), d));
      }
    });
    it(`${d}: sum and mean run in float32 and round once (jnp's upcast)`, () => {
      const xs = xsOf(d);
      const a = array(xs, { dtype: d });
      const s = xs.reduce((p, x) => p + x, 0);
      expect(np.sum(a).dtype).toBe(d);
      expect(np.sum(a).item()).toBe(toHalf([Math.fround(s)], d)[0]);
      expect(np.mean(a).item()).toBe(toHalf([Math.fround(Math.fround(s) / xs.length)], d)[0]);
    });
    it(`${d}: overflow to inf, matmul, sort and argmax`, () => {
      const big = d === "float16" ? 60000 : 3e38;
      expect(vals(lax.mul(array([big], { dtype: d }), array([2], { dtype: d })))).toEqual([Number.POSITIVE_INFINITY]);
      const a = array([1, 2, 3, 4], { dtype: d }).reshape([2, 2]);
      expect(vals(np.matmul(a, a))).toEqual([7, 10, 15, 22]);
      expect(vals(np.sort(array([3, -1, 2.5, Number.NaN, 0], { dtype: d })))).toEqual([-1, 0, 2.5, 3, Number.NaN]);
      expect(np.argmax(array([3, -1, 7.5, 0], { dtype: d })).item()).toBe(2);
    });
  }
});

describe("grad, vmap and jit of half-precision functions", () => {
  for (const d of ["float16", "bfloat16"] as const) {
    const f = (x: NDArray): NDArray => np.sum(np.multiply(np.sin(x), x));
    const xs = [0.5, -1.25, 2, 3.5];
    it(`${d}: grad keeps the dtype and is close to the float64 derivative`, () => {
      const g = grad(f)(array(xs, { dtype: d }));
      expect(g.dtype).toBe(d);
      const tol = d === "float16" ? 4e-3 : 3e-2;
      vals(g).forEach((v, i) => {
        const x = vals(array([xs[i]!], { dtype: d }))[0]!;
        const want = Math.sin(x) + x * Math.cos(x);
        expect(Math.abs(v - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
      });
    });
    it(`${d}: jit equals eager bit for bit, and vmap equals a loop`, () => {
      const x = array(xs, { dtype: d });
      const h = (y: NDArray): NDArray => np.add(np.multiply(np.tanh(y), 3), np.square(y));
      expect(vals(jit(h)(x))).toEqual(vals(h(x)));
      expect(vals(jit(grad(f))(x))).toEqual(vals(grad(f)(x)));
      const batch = array([...xs, ...xs.map((v) => v / 2)], { dtype: d }).reshape([2, 4]);
      const looped = [0, 1].flatMap((i) => vals(h(np.take(batch, i, { axis: 0 }))));
      expect(vals(vmap(h)(batch))).toEqual(looped);
    });
  }
  it("integer dtypes under jit and vmap equal eager", () => {
    const h = (y: NDArray): NDArray => np.add(np.multiply(y, 3), 200);
    const x = array([100, 7, 255, 0], { dtype: "uint8" });
    expect(vals(jit(h)(x))).toEqual(vals(h(x)));
    expect(vals(h(x))).toEqual([(300 + 200) % 256, 221, (765 + 200) % 256, 200]);
    expect(vals(vmap(h)(x.reshape([2, 2])))).toEqual(vals(h(x)));
  });
  it("a jitted program holding a new dtype runs equation by equation, and says so on wasm", () => {
    const h = (y: NDArray): NDArray => np.multiply(np.astype(y, "float16"), 2);
    const x = array([1, 2, 3], { dtype: "float32" });
    const text = jit(h).lower(x).asText();
    expect(text).toContain("f16[3]");
    if (config.get().backend === "wasm") expect(text).toContain("runs on the js kernels, outside the compiled program");
    expect(vals(jit(h)(x))).toEqual([2, 4, 6]);
  });
  it("differentiating with respect to an integer input is an error, as in JAX", () => {
    expect(() => grad((x: NDArray) => np.sum(x))(array([1, 2], { dtype: "uint8" }))).toThrow(/differentiation requires float inputs/);
  });
});

describe("iinfo, finfo and canCast", () => {
  it("iinfo gives each integer dtype's bits and range", () => {
    expect(np.iinfo("uint8")).toMatchObject({ bits: 8, min: 0, max: 255, kind: "u" });
    expect(np.iinfo("int8")).toMatchObject({ bits: 8, min: -128, max: 127, kind: "i" });
    expect(np.iinfo("int16")).toMatchObject({ bits: 16, min: -32768, max: 32767 });
    expect(np.iinfo("uint32")).toMatchObject({ bits: 32, min: 0, max: 4294967295 });
    expect(np.iinfo(array([1], { dtype: "int32" }))).toMatchObject({ bits: 32, min: -2147483648, max: 2147483647 });
    expect(() => np.iinfo("float32")).toThrow(DTypeError);
    expect(() => np.iinfo("bool")).toThrow(DTypeError);
  });
  it("finfo gives numpy's (ml_dtypes') values for each float dtype", () => {
    expect(np.finfo("float16")).toMatchObject({ bits: 16, eps: 0.0009765625, epsneg: 0.00048828125, max: 65504, min: -65504, tiny: 6.103515625e-5, smallestNormal: 6.103515625e-5, smallestSubnormal: 2 ** -24, precision: 3, resolution: 0.001, nmant: 10, nexp: 5, maxexp: 16, minexp: -14, machep: -10, negep: -11 });
    expect(np.finfo("bfloat16")).toMatchObject({ bits: 16, eps: 0.0078125, max: 3.3895313892515355e38, tiny: 1.1754943508222875e-38, smallestSubnormal: 9.183549615799121e-41, precision: 2, resolution: 0.01, nmant: 7, nexp: 8, maxexp: 128, minexp: -126 });
    expect(np.finfo("float32")).toMatchObject({ bits: 32, eps: 1.1920928955078125e-7, max: 3.4028234663852886e38, tiny: 1.1754943508222875e-38, precision: 6, resolution: 1e-6 });
    expect(np.finfo("float64")).toMatchObject({ bits: 64, eps: 2.220446049250313e-16, max: Number.MAX_VALUE, tiny: 2.2250738585072014e-308, smallestSubnormal: 5e-324, precision: 15 });
    expect(() => np.finfo("int32")).toThrow(DTypeError);
  });
  it("canCast: safe when every value fits exactly, same_kind within or up a kind, unsafe always", () => {
    const safe: [DType, DType, boolean][] = [
      ["uint8", "int16", true], ["uint8", "int8", false], ["int8", "float16", true], ["uint8", "bfloat16", true], ["int16", "float16", false],
      ["int16", "float32", true], ["int32", "float32", false], ["int32", "float64", true], ["uint32", "int32", false], ["uint32", "float64", true],
      ["float16", "float32", true], ["bfloat16", "float16", false], ["float16", "bfloat16", false], ["float64", "float32", false], ["bool", "uint8", true], ["int8", "bool", false],
    ];
    for (const [a, b, want] of safe) expect(np.canCast(a, b), `${a} -> ${b}`).toBe(want);
    expect(np.canCast("float64", "float16", "same_kind")).toBe(true);
    expect(np.canCast("uint32", "int8", "same_kind")).toBe(true);
    expect(np.canCast("int8", "uint8", "same_kind")).toBe(false);
    expect(np.canCast("float32", "int32", "same_kind")).toBe(false);
    expect(np.canCast("float32", "int32", "unsafe")).toBe(true);
    expect(np.canCast("int8", "int8", "no")).toBe(true);
    expect(() => np.canCast("int8", "int8", "sometimes" as never)).toThrow();
  });
});

describe("printing and names", () => {
  it("arrays print their values; avals print JAX's short names", () => {
    expect(String(array([1.5, -2, 0.25], { dtype: "bfloat16" }))).toBe(String(array([1.5, -2, 0.25], { dtype: "float32" })));
    expect(String(array([250, 3], { dtype: "uint8" }))).toBe("[250   3]");
    expect(String(array(0.1, { dtype: "float16" }))).toBe("0.1");
    const shorts: [DType, string][] = [["uint8", "u8"], ["uint32", "u32"], ["int8", "i8"], ["int16", "i16"], ["float16", "f16"], ["bfloat16", "bf16"]];
    for (const [d, s] of shorts) expect(array([1], { dtype: d }).aval.str()).toBe(`${s}[1]`);
  });
});

describe("numpy functions that read a dtype's limits", () => {
  it("debugNans sees a NaN in a half result; quantile reads half quantiles by value", () => {
    config.set({ debugNans: true });
    try {
      expect(() => np.log(array([-1], { dtype: "float16" }))).toThrow(FloatingPointError);
    } finally {
      config.set({ debugNans: false });
    }
    expect(vals(np.quantile(array([1, 2, 3, 4, 5], { dtype: "float16" }), 0.5))).toEqual([3]);
  });
  it("nanToNum replaces ±inf by the half's own largest finite values", () => {
    expect(vals(np.nanToNum(array([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN], { dtype: "float16" })))).toEqual([65504, -65504, 0]);
    expect(vals(np.nanToNum(array([Number.POSITIVE_INFINITY], { dtype: "bfloat16" })))).toEqual([np.finfo("bfloat16").max]);
  });
  it("take with mode fill reads the dtype's fill value: the most negative signed, the largest unsigned", () => {
    expect(vals(np.take(array([1, 2], { dtype: "int8" }), array([0, 5], { dtype: "int32" }), { mode: "fill" }))).toEqual([1, -128]);
    expect(vals(np.take(array([1, 2], { dtype: "uint8" }), array([0, 5], { dtype: "int32" }), { mode: "fill" }))).toEqual([1, 255]);
    expect(vals(np.take(array([10, 20, 30]), array([2, 0], { dtype: "uint8" })))).toEqual([30, 10]);
  });
});
