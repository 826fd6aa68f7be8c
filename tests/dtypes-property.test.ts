// No silent wrong answer on the new dtypes: every elementwise primitive, on every new dtype,
// either raises a DTypeError or gives what the same primitive gives computed wider and then
// stored (halves: float32 then rounded once; narrow integers: int32 then wrapped), and random
// integer programs equal a BigInt reference eagerly and under jit.
import { array, bind, DTypeError, type DType, lax, type NDArray, noParams, np, type PrimitiveName } from "@jaxts/core";
import { jit } from "@jaxts/transforms";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]) || (Number.isNaN(v) && Number.isNaN(b[i]!)));

const UNARY = ["neg", "sign", "floor", "ceil", "round", "is_finite", "not", "exp", "log", "expm1", "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "logistic", "sqrt", "rsqrt", "abs", "erf", "erf_inv", "square", "stop_gradient"] as const;
const BINARY = ["add", "sub", "mul", "div", "rem", "pow", "max", "min", "atan2", "and", "or", "xor", "shift_left", "eq", "ne", "lt", "le", "gt", "ge"] as const;

const FLOAT_VALUES = [0, -0, 0.5, -1.25, 2, 3.75, -7, 100.5, 1e-3, Number.NaN, Number.POSITIVE_INFINITY, -0.75];
const INT_VALUES = [0, 1, -1, 2, 7, -8, 100, -100, 127, -128, 55, 3];

/** Values of dtype d (integers wrapped into it from int32). */
const make = (xs: readonly number[], d: DType): NDArray => (d === "float16" || d === "bfloat16" ? array([...xs], { dtype: d }) : np.astype(array([...xs], { dtype: "int32" }), d));

function run(prim: PrimitiveName, args: NDArray[]): NDArray | DTypeError {
  try {
    const params = (prim as string) === "integer_pow" ? { y: 3 } : noParams;
    return bind(prim, args, params as never)[0]!;
  } catch (e) {
    if (e instanceof DTypeError) return e;
    throw e;
  }
}

describe("every elementwise primitive on the new dtypes: a DTypeError or the wider computation, stored", () => {
  for (const d of ["float16", "bfloat16", "int8", "int16", "uint8", "uint32"] as const) {
    const half = d === "float16" || d === "bfloat16";
    // uint32 values past 2^31 are negative as int32: its ordering and division are checked in
    // float64 (exact), its modular arithmetic and bit operations in int32 (the same bits).
    const modular = new Set<string>(["add", "sub", "mul", "neg", "square", "integer_pow", "and", "or", "xor", "not", "shift_left"]);
    const wideFor = (prim: string): DType => (half ? "float32" : d === "uint32" && !modular.has(prim) ? "float64" : "int32");
    const xs = half ? FLOAT_VALUES : INT_VALUES;
    // Integer divisors never 0 here: division by zero is XLA's own rule (tests/dtypes.test.ts).
    const ys = [...xs.slice(5), ...xs.slice(0, 5)].map((v) => (half ? v : 1 + (Math.abs(v) % 9)));
    for (const prim of [...UNARY, ...BINARY, "integer_pow"] as const) {
      it(`${prim} on ${d}`, () => {
        const args = BINARY.includes(prim as (typeof BINARY)[number]) ? [make(xs, d), make(ys, d)] : [make(xs, d)];
        const got = run(prim, args);
        const ref = run(prim, args.map((a) => np.astype(a, wideFor(prim))));
        const sameKind = run(prim, args.map((a) => np.astype(a, half ? "float32" : "int32")));
        if (got instanceof DTypeError) {
          // Refused only where the wider dtype's rule refuses too (floats-only on integers).
          expect(got.message).toContain(d === "float16" ? "f16" : d === "bfloat16" ? "bf16" : d.replace("uint", "u").replace("int", "i"));
          expect(sameKind).toBeInstanceOf(DTypeError);
          return;
        }
        expect(sameKind).not.toBeInstanceOf(DTypeError);
        expect(ref).not.toBeInstanceOf(DTypeError);
        const want = ref as NDArray;
        const stored = want.dtype === "bool" ? want : np.astype(want, d);
        expect(got.dtype).toBe(stored.dtype);
        expect(same(vals(got), vals(stored)), `${prim}(${d}): ${vals(got)} vs ${vals(stored)}`).toBe(true);
      });
    }
  }
});

describe("random integer programs equal BigInt arithmetic, eagerly and under jit", () => {
  const INTS = ["int8", "int16", "int32", "uint8", "uint32"] as const;
  const BITS = { int8: 8, int16: 16, int32: 32, uint8: 8, uint32: 32 } as const;
  const wrap = (v: bigint, d: (typeof INTS)[number]): number => Number(d.startsWith("u") ? BigInt.asUintN(BITS[d], v) : BigInt.asIntN(BITS[d], v));
  const OPS: readonly [string, (a: NDArray, b: NDArray) => NDArray, (a: bigint, b: bigint) => bigint][] = [
    ["add", lax.add, (a, b) => a + b],
    ["sub", lax.sub, (a, b) => a - b],
    ["mul", lax.mul, (a, b) => a * b],
    ["xor", lax.bitwiseXor, (a, b) => a ^ b],
  ];
  it("a chain of add / sub / mul / xor over random operands", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INTS),
        fc.array(fc.integer({ min: 0, max: OPS.length - 1 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), { minLength: 3, maxLength: 3 }), { minLength: 6, maxLength: 6 }),
        (d, ops, rows) => {
          const inputs = rows.map((r) => r.map((v) => wrap(BigInt(v), d)));
          const f = (...xs: NDArray[]): NDArray => ops.reduce((acc, k, i) => OPS[k]![1](acc, xs[(i + 1) % xs.length]!), xs[0]!);
          let want = inputs[0]!.map(BigInt);
          ops.forEach((k, i) => {
            want = want.map((v, j) => BigInt(wrap(OPS[k]![2](v, BigInt(inputs[(i + 1) % inputs.length]![j]!)), d)));
          });
          const arrays = inputs.map((r) => array(r, { dtype: d }));
          const expected = want.map((v) => wrap(v, d));
          expect(vals(f(...arrays))).toEqual(expected);
          expect(vals(jit(f)(...arrays))).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});
