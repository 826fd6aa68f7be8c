// Elementwise numpy functions broadcast like numpy and promote like JAX: checked against a
// nested-loop reference over random shapes (rank 0 and size-0 dims included) and dtypes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DType, DTypeError, lax, type NDArray, np, ShapeError } from "@jaxts/core";
import {
  broadcastableShapesArb,
  broadcastShape,
  dataArb,
  expectClose,
  fromFn,
  getBroadcast,
  type Ref,
  runs,
  smallInt,
  toND,
} from "./helpers/reference.js";

const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];
const rank: Partial<Record<DType, number>> = { bool: 0, int32: 1, float32: 2, float64: 3 };
const strongJoin = (a: DType, b: DType): DType => (rank[a]! >= rank[b]! ? a : b);

/** Store a float64 value the way `dtype` would. */
function cast(v: number, dtype: DType): number {
  switch (dtype) {
    case "bool":
      return v !== 0 ? 1 : 0;
    case "int32":
      return Math.trunc(v) | 0;
    case "float32":
      return Math.fround(v);
    case "float64":
      return v;
    default:
      throw new Error(`this reference covers the four core dtypes, not ${dtype}`);
  }
}

const castRef = (r: Ref, d: DType): Ref => ({ shape: r.shape, data: r.data.map((v) => cast(v, d)) });

interface BinaryCase {
  readonly name: string;
  readonly fn: (a: NDArray, b: NDArray) => NDArray;
  /** Reference on values already cast to the promoted dtype. */
  readonly ref: (a: number, b: number) => number;
  /** The result dtype from the promoted operand dtype. */
  readonly out: (d: DType) => DType;
  readonly allowsBool: boolean;
}

const same = (d: DType): DType => d;
const toBool = (): DType => "bool";
const b = (x: boolean): number => (x ? 1 : 0);

const binaryCases: readonly BinaryCase[] = [
  // On bools numpy's add is logical or and multiply logical and (JAX does the same).
  { name: "add", fn: np.add, ref: (x, y) => x + y, out: same, allowsBool: true },
  { name: "subtract", fn: np.subtract, ref: (x, y) => x - y, out: same, allowsBool: false },
  { name: "multiply", fn: np.multiply, ref: (x, y) => x * y, out: same, allowsBool: true },
  { name: "maximum", fn: np.maximum, ref: Math.max, out: same, allowsBool: true },
  { name: "minimum", fn: np.minimum, ref: Math.min, out: same, allowsBool: true },
  { name: "greater", fn: np.greater, ref: (x, y) => b(x > y), out: toBool, allowsBool: true },
  { name: "lessEqual", fn: np.lessEqual, ref: (x, y) => b(x <= y), out: toBool, allowsBool: true },
  { name: "equal", fn: np.equal, ref: (x, y) => b(x === y), out: toBool, allowsBool: true },
  { name: "notEqual", fn: np.notEqual, ref: (x, y) => b(x !== y), out: toBool, allowsBool: true },
];

function binaryRef(a: Ref, bb: Ref, f: (x: number, y: number) => number, out: DType): Ref | null {
  const shape = broadcastShape(a.shape, bb.shape);
  if (shape === null) return null;
  return fromFn(shape, (idx) => cast(f(getBroadcast(a, idx), getBroadcast(bb, idx)), out));
}

const dtypeArb = fc.constantFrom(...DTYPES);
type Operand = readonly [Ref, DType];
const operandsArb = (count: number): fc.Arbitrary<readonly Operand[]> =>
  broadcastableShapesArb(count).chain((shapes) => fc.tuple(...shapes.map((s) => fc.tuple(dataArb(s, smallInt), dtypeArb))));
const two = (ops: readonly Operand[]): [Ref, DType, Ref, DType] => [ops[0]![0], ops[0]![1], ops[1]![0], ops[1]![1]];

describe("binary elementwise functions broadcast and promote like jax.numpy", () => {
  for (const c of binaryCases) {
    it(`${c.name} matches a nested-loop reference for every pair of dtypes`, () => {
      fc.assert(
        fc.property(operandsArb(2), (ops) => {
          const [ra, da, rb, db] = two(ops);
          if (!c.allowsBool && da === "bool" && db === "bool") {
            // numpy and JAX refuse to subtract booleans
            expect(() => c.fn(toND(ra, "bool"), toND(rb, "bool"))).toThrow(DTypeError);
            return;
          }
          const promoted = strongJoin(da, db);
          const a = toND(castRef(ra, da), da);
          const bArr = toND(castRef(rb, db), db);
          const got = c.fn(a, bArr);
          const out = c.out(promoted);
          expect(got.dtype).toBe(out);
          const expected = binaryRef(castRef(castRef(ra, da), promoted), castRef(castRef(rb, db), promoted), c.ref, out);
          expectClose(got, expected!, 0);
        }),
        runs,
      );
    });
  }

  it("divide always gives a float: the default float for ints and bools, else the wider float", () => {
    fc.assert(
      fc.property(operandsArb(2), (ops) => {
          const [ra, da, rb, db] = two(ops);
        const promoted = strongJoin(da, db);
        const out: DType = promoted === "float64" ? "float64" : "float32";
        const got = np.divide(toND(castRef(ra, da), da), toND(castRef(rb, db), db));
        expect(got.dtype).toBe(out);
        const expected = binaryRef(castRef(ra, da), castRef(rb, db), (x, y) => x / y, out);
        expectClose(got, expected!, 0);
      }),
      runs,
    );
  });

  it("where(cond, x, y) broadcasts all three operands and promotes x with y", () => {
    fc.assert(
      fc.property(operandsArb(3), (ops) => {
        const [[rc], [rx, dx], [ry, dy]] = ops as [Operand, Operand, Operand];
        const out = strongJoin(dx, dy);
        const cond = toND(castRef(rc, "bool"), "bool");
        const got = np.where(cond, toND(castRef(rx, dx), dx), toND(castRef(ry, dy), dy));
        expect(got.dtype).toBe(out);
        const shape = broadcastShape(rc.shape, rx.shape, ry.shape)!;
        const cb = castRef(rc, "bool");
        const xr = castRef(rx, dx);
        const yr = castRef(ry, dy);
        const expected = fromFn(shape, (idx) => cast(getBroadcast(cb, idx) ? getBroadcast(xr, idx) : getBroadcast(yr, idx), out));
        expectClose(got, expected, 0);
      }),
      runs,
    );
  });

  it("where with JS-number branches broadcasts them to the condition's shape", () => {
    const got = np.where(np.array([true, false, true]), 1, 0);
    expect(got.shape).toEqual([3]);
    expect(got.toArray()).toEqual([1, 0, 1]);
  });

  it("a JS number broadcasts against arrays of every shape, including rank 0 and size 0", () => {
    fc.assert(
      fc.property(broadcastableShapesArb(1), smallInt, ([shape], k) => {
        const x = np.zeros(shape!, "float64");
        const got = np.add(x, k);
        expect(got.shape).toEqual(shape);
        expect(Array.from(got.toTypedArray())).toEqual(new Array<number>(got.size).fill(k));
      }),
      runs,
    );
  });

  it("shapes that do not broadcast raise a ShapeError naming the function and both shapes", () => {
    expect(() => np.add(np.zeros([2, 3]), np.zeros([4]))).toThrow(ShapeError);
    expect(() => np.multiply(np.zeros([2, 3]), np.zeros([3, 2]))).toThrow(/multiply.*\[2, 3\].*\[3, 2\]/);
    expect(() => np.where(np.array([true, false]), np.zeros([3]), 0)).toThrow(/where.*\[2\].*\[3\]/);
  });
});

describe("unary elementwise functions", () => {
  const floatUnary: readonly [string, (x: NDArray) => NDArray, (x: number) => number][] = [
    ["exp", np.exp, Math.exp],
    ["sin", np.sin, Math.sin],
    ["tanh", np.tanh, Math.tanh],
    ["sqrt", np.sqrt, Math.sqrt],
    ["abs", np.abs, Math.abs],
    ["negative", np.negative, (x) => -x],
    ["square", np.square, (x) => x * x],
    ["sign", np.sign, Math.sign],
    ["arctan", np.arctan, Math.atan],
    ["expm1", np.expm1, Math.expm1],
    ["log1p", np.log1p, Math.log1p],
    ["log", np.log, Math.log],
    ["tan", np.tan, Math.tan],
    ["sinh", np.sinh, Math.sinh],
    ["cosh", np.cosh, Math.cosh],
    ["arcsin", np.arcsin, Math.asin],
    ["arccos", np.arccos, Math.acos],
    ["cos", np.cos, Math.cos],
  ];
  for (const [name, fn, ref] of floatUnary) {
    it(`${name} keeps the shape and matches Math in float64`, () => {
      fc.assert(
        fc.property(
          broadcastableShapesArb(1).chain(([s]) => dataArb(s!)),
          (r) => {
            const got = fn(toND(r));
            expect(got.dtype).toBe("float64");
            expectClose(got, { shape: r.shape, data: r.data.map(ref) }, 1e-15);
          },
        ),
        runs,
      );
    });
  }

  it("float functions of int arrays give the default float; abs/negative/square keep int32", () => {
    const i = np.array([1, -2, 3], { dtype: "int32" });
    expect(np.exp(i).dtype).toBe("float32");
    expect(np.sqrt(i).dtype).toBe("float32");
    expect(np.abs(i).dtype).toBe("int32");
    expect(np.negative(i).dtype).toBe("int32");
    expect(np.square(i).toArray()).toEqual([1, 4, 9]);
  });
});

describe("other elementwise functions", () => {
  const pairArb = broadcastableShapesArb(2).chain(([a, b]) => fc.tuple(dataArb(a!), dataArb(b!)));

  it("arctan2 and power broadcast and match Math in float64", () => {
    fc.assert(
      fc.property(pairArb, ([a, b]) => {
        expectClose(np.arctan2(toND(a), toND(b)), binaryRef(a, b, Math.atan2, "float64")!, 1e-15);
        const base = { shape: a.shape, data: a.data.map(Math.abs) };
        expectClose(np.power(toND(base), toND(b)), binaryRef(base, b, (x, y) => x ** y, "float64")!, 1e-12);
      }),
      runs,
    );
  });

  it("power with an integer JS exponent is exact and works for negative bases", () => {
    expect(np.power(np.array([-2, 3], { dtype: "int32" }), 3).toArray()).toEqual([-8, 27]);
    expect(np.power(np.array([-2], { dtype: "float64" }), 2).toArray()).toEqual([4]);
    expect(() => np.power(np.array([2], { dtype: "int32" }), -1)).toThrow(DTypeError);
  });

  it("np.power(int32 2, -1) is a DTypeError as in JAX (integers to negative integer powers), not 0.5", () => {
    const two = np.array(2, { dtype: "int32" });
    expect(() => np.power(two, -1)).toThrow(/power: integers to negative integer powers are not allowed/);
    expect(() => np.power(2, -3)).toThrow(DTypeError);
    expect(() => two.pow(-2)).toThrow(DTypeError);
    expect(() => lax.integerPow(two, -1)).toThrow(/integer_pow: integers cannot be raised to negative powers/);
    // float bases and non-negative exponents are fine
    expect(np.power(np.array(2, { dtype: "float32" }), -1).item()).toBe(0.5);
    expect(np.power(2.5, -1).item()).toBeCloseTo(0.4, 6);
    expect(np.power(two, 0).item()).toBe(1);
  });

  it("clip bounds from below and above (either may be omitted)", () => {
    fc.assert(
      fc.property(broadcastableShapesArb(1).chain(([s]) => dataArb(s!)), (r) => {
        const x = toND(r);
        expectClose(np.clip(x, -1, 2), { shape: r.shape, data: r.data.map((v) => Math.min(Math.max(v, -1), 2)) }, 0);
        expectClose(np.clip(x, null, 0), { shape: r.shape, data: r.data.map((v) => Math.min(v, 0)) }, 0);
      }),
      runs,
    );
  });

  it("isnan and isfinite", () => {
    const x = np.array([1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], { dtype: "float64" });
    expect(np.isnan(x).toArray()).toEqual([false, true, false, false]);
    expect(np.isfinite(x).toArray()).toEqual([true, false, false, false]);
    expect(np.isfinite(np.arange(2)).toArray()).toEqual([true, true]);
  });
});
