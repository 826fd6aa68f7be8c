// Generators of malformed and edge inputs for the fuzz suite: arrays of every dtype and of
// 0-d / size-0 / small shapes, numbers at the edges of float arithmetic, every kind of JS
// value that is not an array, bad shapes, axes, dtypes and option objects, user functions
// (well-behaved and not) and pytrees mixing all of these.
import { array, type DType, type NDArray, np } from "@jaxts/core";
import fc from "fast-check";

export const DTYPES: readonly DType[] = [
  "bool", "int8", "int16", "int32", "uint8", "uint32", "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
];

/** Numbers where arithmetic, casting and indexing tend to break. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 2, 3, 0.5, -2.5, 1e-10, 1e30, -1e30, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY,
  2 ** 40, -(2 ** 40), 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON,
];
// Sizes between ~1e7 and 2**32 elements are left out on purpose: V8 allocates (and the
// kernels fill) typed arrays that big, which would take gigabytes and seconds. Beyond 2**32
// an allocation fails at once, so "huge" here means 2**33 and up (2**40 among plain numbers,
// so that arange(4, 2**40, 4) is still beyond 2**32 elements).
export const numberArb: fc.Arbitrary<number> = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.integer({ min: -4, max: 4 }));

const INT_VALUES = [0, 1, -1, 2, 7, -3, 2 ** 31 - 1, -(2 ** 31)];
const FLOAT_VALUES = [0, -0, 1, -1, 0.5, 2, -3.5, 1e-10, 1e30, -1e30, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

/** Small shapes: scalars, size-0, and the ones that broadcast with each other. */
const SHAPES: readonly (readonly number[])[] = [[], [], [0], [1], [3], [3], [2, 3], [1, 3], [3, 1], [0, 3], [2, 1, 3], [2, 2]];

/** Typed arrays are used (not nested lists) so the generator does not depend on casting rules. */
function makeArray(dtype: DType, shape: readonly number[], pick: number): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const isInt = dtype === "int32" || dtype === "int16" || dtype === "int8" || dtype === "uint32" || dtype === "uint8";
  const values = dtype === "bool" ? [0, 1] : isInt ? INT_VALUES : FLOAT_VALUES;
  const at = (i: number): number => values[(pick + i * 5) % values.length]!;
  if (dtype === "complex64" || dtype === "complex128") {
    // (re, im) pairs from the float values, the imaginary part from further along the list
    const zs = Array.from({ length: size }, (_, i) => ({ re: at(i), im: at(i + 3) }));
    return np.reshape(array(zs, { dtype }), [...shape]);
  }
  // Integers of other widths wrap from int32 values; halves round from float64 ones.
  const data =
    dtype === "bool"
      ? Uint8Array.from({ length: size }, (_, i) => at(i))
      : isInt
        ? Int32Array.from({ length: size }, (_, i) => at(i))
        : dtype === "float32"
          ? Float32Array.from({ length: size }, (_, i) => at(i))
          : Float64Array.from({ length: size }, (_, i) => at(i));
  return np.reshape(array(data, { dtype }), [...shape]);
}

/** Concrete NDArrays of every dtype, mostly finite, sometimes with NaN/±Infinity. */
export const ndarrayArb: fc.Arbitrary<NDArray> = fc
  .tuple(fc.constantFrom(...DTYPES), fc.constantFrom(...SHAPES), fc.nat({ max: 40 }))
  .map(([d, s, pick]) => makeArray(d, s, pick));

/** Well-formed arrays for the mixed-precision property (precision.ts): finite values, square
 * matrices diagonally dominant (so solves and factorisations succeed), dtypes int32 and
 * float16 to complex128 (mostly float32 and float64). */
export const MIXED_DTYPES: readonly DType[] = ["float32", "float64", "float32", "float64", "complex64", "complex128", "float16", "int32", "int32"];
export function mixedArray(dtype: DType, shape: readonly number[], pick: number): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  const re = (i: number) => 0.3 + ((pick + 3 * i) % 7) * 0.2 + (shape.length === 2 && i % (shape[1]! + 1) === 0 ? 2 : 0);
  if (dtype === "int32") return np.reshape(array(Int32Array.from({ length: size }, (_, i) => Math.round(re(i) * 2)), { dtype }), [...shape]);
  const values = dtype.startsWith("complex") ? Array.from({ length: size }, (_, i) => ({ re: re(i), im: 0.1 * (i + 1) })) : Float64Array.from({ length: size }, (_, i) => re(i));
  return np.reshape(array(values, { dtype }), [...shape]);
}
/** Shapes for mixed-precision calls: one per call, shared by its array operands. */
export const MIXED_SHAPES: readonly (readonly number[])[] = [[2, 2], [2, 2], [3], [3], [2], []];

/** Where an array operand is expected: arrays, JS numbers and booleans (all valid operands). */
export const operandArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: ndarrayArb },
  { weight: 2, arbitrary: numberArb },
  { weight: 1, arbitrary: fc.boolean() },
);

class UserClass {
  readonly x = 1;
}

/** A key that, written with JSON.parse, is an own `__proto__` property (prototype pollution bait). */
const protoBait = (): unknown => JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}}');

/** JS values that are not arrays: every typeof, containers of the wrong kind, degenerate lists. */
export const junkArb: fc.Arbitrary<unknown> = fc.constantFrom<() => unknown>(
  () => "",
  () => "abc",
  () => "float32",
  () => "1",
  () => null,
  () => undefined,
  () => ({}),
  () => ({ a: 1 }),
  () => Object.create(null),
  () => [],
  () => ["a"],
  () => [1, [2]],
  () => [[1], [1, 2]],
  () => {
    const holey = [1, 2, 3];
    delete holey[1];
    return holey;
  },
  () => new Array(3),
  () => ({ length: 2, 0: 1, 1: 2 }),
  () => [[[[[[[[1]]]]]]]],
  () => () => 1,
  () => (x: unknown) => x,
  () => Symbol("s"),
  () => 10n,
  () => true,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  () => -0,
  () => 2 ** 53,
  () => -7,
  () => 1.5,
  () => new Map([[1, 2]]),
  () => new Set([1]),
  () => new Date(0),
  () => /re/,
  () => new Float32Array([1, Number.NaN]),
  () => new Int16Array(2),
  () => new Uint8Array(0),
  () => Promise.resolve(1),
  () => new UserClass(),
  protoBait,
  () => [Symbol("s")],
  () => ({ a: 10n }),
).map((make) => make());

/** Cyclic and 100,000-deep pytrees and nested lists: fed only to the functions that walk
 * pytrees (see HOSTILE_TREE_TARGETS in the tests), since every function taking a pytree
 * fails the same way until tree walking is made iterative and cycle-aware. */
export const hostileTreeArb: fc.Arbitrary<unknown> = fc.constantFrom<() => unknown>(
  () => {
    const cyclic: unknown[] = [1];
    cyclic.push(cyclic);
    return cyclic;
  },
  () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    return cyclic;
  },
  () => deeplyNested(100_000, (inner) => [inner]),
  () => deeplyNested(100_000, (inner) => ({ a: inner })),
).map((make) => make());

/** A pytree nested `depth` levels deep (a recursive walk of it overflows the stack). */
function deeplyNested(depth: number, wrap: (inner: unknown) => unknown): unknown {
  let t: unknown = 1;
  for (let i = 0; i < depth; i++) t = wrap(t);
  return t;
}

/** Shapes, valid and not: negative, fractional, NaN, infinite, huge, nested, strings. */
export const shapeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      [-1],
      [2, -1],
      [-1, -1],
      [-2],
      [1.5],
      [Number.NaN],
      [Number.POSITIVE_INFINITY],
      [2 ** 33],
      [2 ** 20, 2 ** 20],
      [2 ** 40],
      [1e12],
      [2 ** 53],
      [-0],
      3,
      -3,
      "3",
      [[2]],
      ["2"],
      null,
      [2, null],
    ),
  },
  { weight: 1, arbitrary: junkArb },
);

/** Axis arguments: in range, out of range, fractional, NaN, lists with repeats, junk. */
export const axisArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }) },
  { weight: 2, arbitrary: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, undefined, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 33, -0, "0", [0, 0], [0.5], [null]) },
  { weight: 1, arbitrary: junkArb },
);

export const dtypeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...DTYPES) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("float8", "int64", "complex64", "", "Float32", "f32", "int", "toString", "__proto__") },
  { weight: 1, arbitrary: junkArb },
);

/** Keys options objects use somewhere in the API, misspellings of them, and hostile keys. */
const OPTION_KEYS = [
  "axis", "keepdims", "dtype", "mode", "fillValue", "strides", "approximate", "minval", "maxval", "shape",
  "argnums", "hasAux", "staticArgnums", "inAxes", "outAxes", "policy", "order", "modes", "eps", "atol", "rtol",
  "momentum", "nesterov", "b1", "b2", "weightDecay", "mask", "decay", "initialValue", "where", "delta",
  "defaultFloat", "debugNans", "backend", "reverse", "length", "unroll", "p", "replace", "side",
  "axes", "keepDims", "argnum", "staticArgNums", "beta1", "debugNaNs", "__proto__", "constructor", "toString", "",
];
const optionValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(true, false, 0, 1, -1, 2, 0.5, null, undefined, "fill", "clip", "wrap", "float64", "nope", [0], [0, 1], [1.5], () => 1),
  numberArb,
  junkArb,
  axisArb,
);

export const optionsArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fc.tuple(fc.constantFrom(...OPTION_KEYS), optionValueArb), { maxLength: 3 }).map((e) => Object.fromEntries(e)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 1, "axis", [1], () => 1) },
  { weight: 1, arbitrary: junkArb },
);

/** An options position that is mostly absent, so that what the call returns gets exercised. */
export const maybeOptionsArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: optionsArb });

/** Pytrees: arrays, numbers, lists, plain objects, null/undefined, and junk leaves. */
export const pytreeArb: fc.Arbitrary<unknown> = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 5, arbitrary: operandArb },
    { weight: 1, arbitrary: junkArb },
    { weight: 2, arbitrary: fc.array(tie("tree"), { maxLength: 3 }) },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom("a", "b", "w", "a\0b", "__proto__", "0"), tie("tree"), { maxKeys: 3 }) },
  ),
})).tree;

/** Functions a user might hand to a transformation: good ones, and ones returning junk. */
export const USER_FNS: readonly ((...args: never[]) => unknown)[] = [
  (x: unknown) => np.sum(np.multiply(x as NDArray, x as NDArray)),
  (x: unknown, y: unknown) => np.sum(np.add(np.sin(x as NDArray), y as NDArray)),
  (x: unknown) => np.sin(x as NDArray),
  (x: unknown) => ({ a: np.exp(x as NDArray), b: [np.cos(x as NDArray)] }),
  (x: unknown) => [np.sum(x as NDArray), { aux: x }],
  (x: unknown) => np.multiply(np.sum(x as NDArray), 2),
  (...xs: unknown[]) => xs.length,
  () => "str",
  () => null,
  () => undefined,
  (x: unknown) => x,
  (x: unknown) => Promise.resolve(x),
  (x: unknown) => np.reshape(x as NDArray, [-1]),
  (x: unknown, n: unknown) => np.reshape(x as NDArray, [n as number]),
  (x: unknown) => np.sum(x as NDArray).item(),
  () => 1n,
  () => Symbol("s"),
];
export const userFnArb: fc.Arbitrary<unknown> = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...USER_FNS) }, { weight: 1, arbitrary: junkArb });

/** Any argument at all. */
export const anyArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: operandArb },
  { weight: 3, arbitrary: junkArb },
  { weight: 1, arbitrary: shapeArb },
  { weight: 1, arbitrary: axisArb },
  { weight: 1, arbitrary: optionsArb },
  { weight: 1, arbitrary: dtypeArb },
  { weight: 1, arbitrary: pytreeArb },
  { weight: 1, arbitrary: userFnArb },
);

/** Argument kinds named in the per-function tables. */
export const KINDS = {
  A: operandArb,
  N: numberArb,
  I: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom<unknown>(0.5, Number.NaN, 2 ** 33, -(2 ** 31))),
  S: shapeArb,
  X: axisArb,
  D: dtypeArb,
  O: optionsArb,
  T: pytreeArb,
  F: userFnArb,
  L: fc.array(operandArb, { maxLength: 3 }),
  Str: fc.constantFrom<unknown>("ij,jk->ik", "i,i->", "ii", "i->", "->", "ij->ji", "i,j->ij", "", "abc", "i,i,i->i", "...i->i", "ij,->"),
  Any: anyArb,
} as const;
export type Kind = keyof typeof KINDS;
