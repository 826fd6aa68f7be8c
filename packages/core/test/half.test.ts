// float16 and bfloat16 storage, exhaustively: every one of the 65536 bit patterns of each
// decodes to the value an independent reference gives, and rounding to the format (from a
// double, and from a float32 on the fast path every half result takes) is round-to-nearest-
// even at every midpoint between neighbours, and next to it, against a reference that finds
// the nearest half by search. Also what a cast stores: array buffers hold exactly these bits.
import { array, lax } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { bufferOf, type ConcreteArray } from "../src/array.js";
import { bfloat16Bits, bfloat16Value, float16Bits, float16Value, float32Encoders } from "../src/half.js";

type Format = "float16" | "bfloat16";

// The reference decoder builds the float32 bit pattern (bfloat16: the top half of a float32;
// float16: rebias the exponent, subnormals scaled) and reads it through a Float32Array.
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function refValue(bits: number, fmt: Format): number {
  if (fmt === "bfloat16") {
    u32[0] = bits << 16;
    return f32[0]!;
  }
  const sign = bits >> 15;
  const e = (bits >> 10) & 31;
  const m = bits & 1023;
  if (e === 0) return (sign ? -1 : 1) * m * 2 ** -24;
  u32[0] = (sign << 31) | (e === 31 ? (255 << 23) | (m << 13) : ((e - 15 + 127) << 23) | (m << 13));
  return f32[0]!;
}

/** The finite non-negative halves in increasing order, with their bit patterns. */
function positives(fmt: Format): { values: number[]; bits: number[] } {
  const top = fmt === "float16" ? 0x7c00 : 0x7f80;
  const values: number[] = [];
  const bits: number[] = [];
  for (let b = 0; b < top; b++) {
    values.push(refValue(b, fmt));
    bits.push(b);
  }
  return { values, bits };
}

/** The nearest half to x ≥ 0 by search, ties to the even bit pattern, past the largest
 * finite half's midpoint to infinity (whose pattern is even). */
function refNearestBits(x: number, fmt: Format, table: { values: number[]; bits: number[] }): number {
  const { values, bits } = table;
  const inf = fmt === "float16" ? 0x7c00 : 0x7f80;
  const last = values.length - 1;
  const ulpTop = values[last]! - values[last - 1]!;
  const overflowAt = values[last]! + ulpTop / 2;
  if (x > overflowAt || (x === overflowAt && bits[last]! % 2 === 1)) return inf;
  if (x >= values[last]!) return bits[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (values[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const dl = x - values[lo]!;
  const dh = values[hi]! - x;
  if (dl < dh) return bits[lo]!;
  if (dh < dl) return bits[hi]!;
  return bits[lo]! % 2 === 0 ? bits[lo]! : bits[hi]!;
}

const nextUp32 = (x: number): number => {
  f32[0] = x;
  u32[0] = u32[0]! + 1;
  return f32[0]!;
};
const nextDown32 = (x: number): number => {
  f32[0] = x;
  u32[0] = u32[0]! - 1;
  return f32[0]!;
};

const FORMATS: readonly { fmt: Format; encode: (x: number) => number; value: (b: number) => number }[] = [
  { fmt: "float16", encode: float16Bits, value: float16Value },
  { fmt: "bfloat16", encode: bfloat16Bits, value: bfloat16Value },
];

describe.each(FORMATS)("$fmt bit patterns", ({ fmt, encode, value }) => {
  const table = positives(fmt);
  const fast = float32Encoders[fmt];

  it("all 65536 decode to the reference value (NaN patterns to NaN, -0 to -0)", () => {
    const wrong: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const want = refValue(b, fmt);
      const got = value(b);
      if (Number.isNaN(want) ? !Number.isNaN(got) : !Object.is(got, want)) wrong.push(b);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("every non-NaN pattern is what its own value encodes to, from a double and from a float32", () => {
    const wrong: number[] = [];
    for (let b = 0; b < 65536; b++) {
      const v = refValue(b, fmt);
      if (Number.isNaN(v)) {
        if (!Number.isNaN(value(encode(v))) || !Number.isNaN(value(fast(v)))) wrong.push(b);
      } else if (encode(v) !== b || fast(v) !== b) wrong.push(b);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });

  it("midpoints between neighbours round to the even pattern, and the floats next to them to the nearer one", () => {
    const { values } = table;
    const wrong: string[] = [];
    let checked = 0;
    for (let i = 0; i + 1 < values.length; i++) {
      const mid = (values[i]! + values[i + 1]!) / 2; // exact in float32 and in double
      for (const x of [mid, nextDown32(mid), nextUp32(mid), mid * (1 - 2 ** -40), mid * (1 + 2 ** -40)]) {
        const want = refNearestBits(x, fmt, table);
        if (encode(x) !== want || encode(-x) !== (want | 0x8000)) wrong.push(`${fmt}(${x}) = ${encode(x)}, want ${want}`);
        if (Math.fround(x) === x && (fast(x) !== want || fast(-x) !== (want | 0x8000))) wrong.push(`fast ${fmt}(${x}) = ${fast(x)}, want ${want}`);
        checked++;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(checked).toBe(5 * (values.length - 1));
  });

  it("overflow: past the top midpoint is infinity, below it the largest finite; ±inf stay", () => {
    const { values } = table;
    const max = values[values.length - 1]!;
    const ulp = max - values[values.length - 2]!;
    const inf = fmt === "float16" ? 0x7c00 : 0x7f80;
    const maxBits = inf - 1;
    expect(encode(max + ulp / 2)).toBe(inf);
    expect(encode(nextDown32(max + ulp / 2))).toBe(maxBits);
    expect(fast(max + ulp / 2)).toBe(inf);
    expect(fast(nextDown32(max + ulp / 2))).toBe(maxBits);
    expect(encode(1e300)).toBe(inf);
    expect(encode(Number.POSITIVE_INFINITY)).toBe(inf);
    expect(encode(Number.NEGATIVE_INFINITY)).toBe(inf | 0x8000);
    expect(fast(3.4e38)).toBe(fmt === "float16" ? inf : refNearestBits(3.4e38, fmt, table));
    expect(encode(-0)).toBe(0x8000);
    expect(fast(-0)).toBe(0x8000);
    expect(encode(5e-324)).toBe(0); // underflow to +0, keeping the sign of -5e-324
    expect(encode(-5e-324)).toBe(0x8000);
  });

  it("a cast stores exactly these bits, from float64 and from float32 arrays", () => {
    const { values } = table;
    const xs: number[] = [];
    for (let i = 0; i + 1 < values.length; i += 7) {
      const mid = (values[i]! + values[i + 1]!) / 2;
      xs.push(values[i]!, mid, nextUp32(mid), -mid);
    }
    for (const src of ["float64", "float32"] as const) {
      const out = lax.convertElementType(array(xs, { dtype: src }), fmt) as ConcreteArray;
      const bits = bufferOf(out);
      expect(bits).toBeInstanceOf(Uint16Array);
      xs.forEach((x, i) => {
        const want = refNearestBits(Math.abs(x), fmt, table) | (x < 0 ? 0x8000 : 0);
        expect(bits[i], `${src} ${x}`).toBe(want);
      });
    }
  });
});
