// vmap of every primitive family, through the np/lax/nn/random functions a user calls:
// vmap(f)(xs) must equal stacking f(xs[i]) over i (a plain loop), for batch axes 0, 1,
// -1 and a mix of them, with some arguments unbatched (inAxes null). Values and batch
// sizes come from fast-check; shapes are fixed per case (f often depends on them).
import { config, type DType, lax, type NDArray, nn, np, random } from "@jaxts/core";
import { vmap } from "@jaxts/transforms";
import { arrayArb } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, it } from "vitest";
import { batchAt, expectTreeClose, loopVmap } from "./vmap-helpers.js";

beforeAll(() => config.set({ defaultFloat: "float64" }));
afterAll(() => config.set({ defaultFloat: "float32" }));

interface ArgSpec {
  /** Shape of one example (batched) or of the whole argument (unbatched). */
  readonly shape: readonly number[];
  readonly dtype?: DType;
  readonly min?: number;
  readonly max?: number;
  /** false: passed as is, with inAxes null. */
  readonly batched?: boolean;
}
type Fn = (...args: NDArray[]) => unknown;
interface Case {
  readonly name: string;
  readonly args: readonly ArgSpec[];
  readonly f: Fn;
}

const F = (shape: readonly number[], min = -2, max = 2): ArgSpec => ({ shape, min, max });
const I = (shape: readonly number[], min: number, max: number): ArgSpec => ({ shape, dtype: "int32", min, max });
const B = (shape: readonly number[]): ArgSpec => ({ shape, dtype: "bool" });
const U = (spec: ArgSpec): ArgSpec => ({ ...spec, batched: false });
const POS: ArgSpec = F([2, 3], 0.1, 3);

/** Batch-axis configurations: every argument at 0, at 1, at -1, or a mix (clamped to the rank). */
const AXES: Record<string, (argIndex: number) => number> = {
  "axis 0": () => 0,
  "axis 1": () => 1,
  "axis -1": () => -1,
  mixed: (i) => [1, -1, 0][i % 3]!,
};

/** Run one case: vmap(f) over generated arguments for every axis configuration vs the loop. */
function checkCase(c: Case, numRuns = 3): void {
  const argArb = (n: number) =>
    fc.tuple(
      ...c.args.map((s) =>
        arrayArb({ shape: s.batched === false ? [...s.shape] : [n, ...s.shape], dtype: s.dtype ?? "float64", min: s.min ?? -2, max: s.max ?? 2 }),
      ),
    );
  const arb = fc.integer({ min: 1, max: 3 }).chain((n) => argArb(n));
  fc.assert(
    fc.property(arb, (stacked) => {
      for (const [label, axisOf] of Object.entries(AXES)) {
        const inAxes = c.args.map((s, i) => (s.batched === false ? null : Math.min(axisOf(i), s.shape.length)));
        // Batched arguments are built with their batch axis at 0, then moved into place.
        const args = stacked.map((x, i) => (inAxes[i] === null ? x : batchAt(x, inAxes[i]!)));
        const want = loopVmap(c.f, c.args.map((s) => (s.batched === false ? null : 0)), stacked);
        const got = vmap(c.f, { inAxes })(...args);
        try {
          expectTreeClose(got, want);
        } catch (e) {
          throw new Error(`${c.name}, ${label} (inAxes ${JSON.stringify(inAxes)}): ${(e as Error).message}`);
        }
      }
    }),
    { numRuns },
  );
}

function suite(title: string, cases: readonly Case[]): void {
  describe(title, () => {
    for (const c of cases) it(c.name, () => checkCase(c));
  });
}

// ---------------------------------------------------------------------------------------

const unary: Case[] = (
  [
    ["negative", np.negative],
    ["sign", np.sign],
    ["floor", np.floor],
    ["ceil", np.ceil],
    ["round", np.round],
    ["exp", np.exp],
    ["expm1", np.expm1],
    ["log1p", (x: NDArray) => np.log1p(np.abs(x))],
    ["sin", np.sin],
    ["cos", np.cos],
    ["tan", (x: NDArray) => np.tan(x.mul(0.5))],
    ["arctan", np.arctan],
    ["sinh", np.sinh],
    ["cosh", np.cosh],
    ["tanh", np.tanh],
    ["abs", np.abs],
    ["square", np.square],
    ["erf", lax.erf],
    ["sigmoid", nn.sigmoid],
    ["integerPow 3", (x: NDArray) => lax.integerPow(x, 3)],
    ["power with a number exponent", (x: NDArray) => np.power(x, 2)],
    ["stopGradient", lax.stopGradient],
    ["isfinite / isnan", (x: NDArray) => [np.isfinite(x.div(x)), np.isnan(np.log(x))]],
    ["reciprocal", (x: NDArray) => np.reciprocal(x.add(3))],
  ] as const
).flatMap(([name, f]) => [
  { name: `${name} [2,3]`, args: [F([2, 3])], f: f as Fn },
  { name: `${name} rank 0`, args: [F([])], f: f as Fn },
]);
unary.push(
  { name: "log", args: [POS], f: np.log },
  { name: "sqrt", args: [POS], f: np.sqrt },
  { name: "rsqrt", args: [POS], f: lax.rsqrt },
  { name: "arcsin", args: [F([4], -0.9, 0.9)], f: np.arcsin },
  { name: "arccos", args: [F([4], -0.9, 0.9)], f: np.arccos },
  { name: "erfInv", args: [F([4], -0.9, 0.9)], f: lax.erfInv },
  { name: "logicalNot (bool)", args: [B([3])], f: np.logicalNot },
  { name: "negative (int32)", args: [I([3], -5, 5)], f: np.negative },
);
suite("elementwise unary", unary);

const binaryFns = [
  ["add", np.add],
  ["subtract", np.subtract],
  ["multiply", np.multiply],
  ["divide", (x: NDArray, y: NDArray) => np.divide(x, np.add(np.abs(y), 0.5))],
  ["maximum", np.maximum],
  ["minimum", np.minimum],
  ["arctan2", np.arctan2],
  ["remainder", (x: NDArray, y: NDArray) => np.remainder(x, np.add(np.abs(y), 0.5))],
  ["power", (x: NDArray, y: NDArray) => np.power(np.add(np.abs(x), 0.1), y)],
  ["greater", np.greater],
  ["lessEqual", np.lessEqual],
  ["equal (rounded)", (x: NDArray, y: NDArray) => np.equal(np.round(x), np.round(y))],
  ["notEqual (rounded)", (x: NDArray, y: NDArray) => np.notEqual(np.round(x), np.round(y))],
] as const;
const binaryShapes: readonly [string, ArgSpec[]][] = [
  ["same shape", [F([2, 3]), F([2, 3])]],
  ["broadcast [2,1]·[3]", [F([2, 1]), F([3])]],
  ["rank 0 · [2,3]", [F([]), F([2, 3])]],
  ["[2,3] · rank 0", [F([2, 3]), F([])]],
  ["both rank 0", [F([]), F([])]],
  ["rhs unbatched", [F([2, 3]), U(F([2, 3]))]],
  ["lhs unbatched rank 0", [U(F([])), F([3])]],
  ["rhs unbatched, broadcast", [F([3]), U(F([2, 1]))]],
];
suite(
  "elementwise binary",
  binaryFns.flatMap(([name, f]) => binaryShapes.map(([shapes, args]) => ({ name: `${name}: ${shapes}`, args, f: f as Fn }))),
);
suite("elementwise with JS numbers and integer/boolean operands", [
  { name: "x + 2 (weak scalar)", args: [F([3])], f: (x) => np.add(x, 2) },
  { name: "2 - x", args: [F([3])], f: (x) => np.subtract(2, x) },
  { name: "int32 + float64 promotes", args: [I([3], -4, 4), F([3])], f: np.add },
  { name: "int32 floorDivide", args: [I([3], -9, 9), I([3], 1, 4)], f: np.floorDivide },
  { name: "bitwise and/or/xor (int32)", args: [I([3], 0, 15), I([3], 0, 15)], f: (a, b) => [lax.bitwiseAnd(a, b), lax.bitwiseOr(a, b), lax.bitwiseXor(a, b)] },
  { name: "shifts (int32)", args: [I([3], 0, 255), I([3], 0, 4)], f: (a, b) => [lax.shiftLeft(a, b), lax.shiftRightLogical(a, b)] },
  { name: "logicalAnd / logicalOr (bool)", args: [B([2, 2]), B([2, 2])], f: (a, b) => [np.logicalAnd(a, b), np.logicalOr(a, b)] },
  { name: "clip with array bounds", args: [F([4]), F([], -1, 0), U(F([4], 0, 1))], f: (x, lo, hi) => np.clip(x, lo, hi) },
  { name: "clip with number bounds", args: [F([4])], f: (x) => np.clip(x, -0.5, 0.5) },
]);

suite("where / select", [
  { name: "where all batched", args: [B([2, 3]), F([2, 3]), F([2, 3])], f: np.where },
  { name: "where: condition batched only", args: [B([2, 3]), U(F([2, 3])), U(F([2, 3]))], f: np.where },
  { name: "where: condition unbatched", args: [U(B([2, 3])), F([2, 3]), F([2, 3])], f: np.where },
  { name: "where: broadcast condition", args: [B([3]), F([2, 3]), F([])], f: np.where },
  { name: "where: scalar branches", args: [B([3])], f: (c) => np.where(c, 1, -1) },
  { name: "where: rank-0 condition", args: [B([]), F([3]), U(F([3]))], f: np.where },
  { name: "lax.select", args: [B([4]), F([4]), U(F([4]))], f: (c, x, y) => lax.select(c, x, y) },
  { name: "relu-like where(x > 0)", args: [F([2, 3])], f: (x) => np.where(np.greater(x, 0), x, 0) },
]);

suite("convert dtype", [
  { name: "float → int32", args: [F([3], -5, 5)], f: (x) => x.astype("int32") },
  { name: "int32 → float64", args: [I([3], -5, 5)], f: (x) => x.astype("float64") },
  { name: "float → bool", args: [F([2, 2])], f: (x) => np.round(x).astype("bool") },
  { name: "bool → float32", args: [B([3])], f: (x) => x.astype("float32") },
  { name: "lax.convertElementType rank 0", args: [F([])], f: (x) => lax.convertElementType(x, "float32") },
]);

// ---------------------------------------------------------------------------------------

const reduceFns = [
  ["sum", np.sum],
  ["mean", np.mean],
  ["prod", np.prod],
  ["max", np.max],
  ["min", np.min],
  ["var", np.var],
  ["std", np.std],
  ["logsumexp", np.logsumexp],
] as const;
const reduceOpts = [{}, { axis: 0 }, { axis: 1 }, { axis: -1 }, { axis: [0, 2] }, { axis: 1, keepdims: true }, { keepdims: true }] as const;
suite("reductions", [
  ...reduceFns.flatMap(([name, f]) =>
    reduceOpts.map((o) => ({ name: `${name} ${JSON.stringify(o)}`, args: [F([2, 3, 2])], f: (x: NDArray) => (f as (x: NDArray, o: object) => NDArray)(x, o) })),
  ),
  ...(["all", "any"] as const).flatMap((name) =>
    [{}, { axis: 1 }, { axis: -1, keepdims: true }].map((o) => ({ name: `${name} ${JSON.stringify(o)}`, args: [B([2, 3])], f: (x: NDArray) => np[name](x, o) })),
  ),
  ...(["argmax", "argmin"] as const).flatMap((name) =>
    [{}, { axis: 0 }, { axis: 1 }, { axis: -1, keepdims: true }].map((o) => ({ name: `${name} ${JSON.stringify(o)}`, args: [F([3, 4])], f: (x: NDArray) => np[name](x, o) })),
  ),
  { name: "argmax of int32 with ties", args: [I([5], 0, 2)], f: (x) => np.argmax(x) },
  { name: "sum of a rank-1 example to rank 0", args: [F([4])], f: (x) => np.sum(x) },
  { name: "sum of int32", args: [I([2, 3], -5, 5)], f: (x) => np.sum(x, { axis: 0 }) },
  { name: "lax.reduceMax", args: [F([2, 3])], f: (x) => lax.reduceMax(x, [1]) },
  { name: "x.mean() method", args: [F([2, 3])], f: (x) => x.mean({ axis: 0 }) },
  ...[{}, { axis: 0 }, { axis: 1 }, { axis: -1 }].map((o) => ({ name: `cumsum ${JSON.stringify(o)}`, args: [F([3, 4])], f: (x: NDArray) => np.cumsum(x, o) })),
  { name: "lax.cumsum reverse", args: [F([3, 4])], f: (x) => lax.cumsum(x, 1, true) },
  { name: "cumsum of int32", args: [I([5], -3, 3)], f: (x) => np.cumsum(x) },
]);

// ---------------------------------------------------------------------------------------

suite("shape manipulation", [
  { name: "reshape to [6]", args: [F([2, 3])], f: (x) => np.reshape(x, [6]) },
  { name: "reshape to [3, -1]", args: [F([2, 3])], f: (x) => np.reshape(x, [3, -1]) },
  { name: "reshape rank 0 → [1,1]", args: [F([])], f: (x) => np.reshape(x, [1, 1]) },
  { name: "ravel", args: [F([2, 2, 2])], f: (x) => np.ravel(x) },
  { name: "transpose default", args: [F([2, 3, 4])], f: (x) => np.transpose(x) },
  { name: "transpose [1,0,2]", args: [F([2, 3, 4])], f: (x) => np.transpose(x, [1, 0, 2]) },
  { name: "x.T", args: [F([2, 3])], f: (x) => x.T },
  { name: "swapaxes", args: [F([2, 3, 4])], f: (x) => np.swapaxes(x, 0, 2) },
  { name: "moveaxis", args: [F([2, 3, 4])], f: (x) => np.moveaxis(x, 0, -1) },
  ...[0, 1, -1].map((a) => ({ name: `expandDims ${a}`, args: [F([2, 3])], f: (x: NDArray) => np.expandDims(x, a) })),
  { name: "expandDims [0, 3]", args: [F([2, 3])], f: (x) => np.expandDims(x, [0, 3]) },
  { name: "squeeze all", args: [F([1, 3, 1])], f: (x) => np.squeeze(x) },
  { name: "squeeze axis -1", args: [F([1, 3, 1])], f: (x) => np.squeeze(x, { axis: -1 }) },
  { name: "flip all", args: [F([2, 3])], f: (x) => np.flip(x) },
  { name: "flip axis 1", args: [F([2, 3])], f: (x) => np.flip(x, { axis: 1 }) },
  { name: "broadcastTo [4,2,3]", args: [F([2, 1])], f: (x) => np.broadcastTo(x, [4, 2, 3]) },
  { name: "broadcastTo from rank 0", args: [F([])], f: (x) => np.broadcastTo(x, [2, 3]) },
  { name: "lax.broadcastInDim", args: [F([3])], f: (x) => lax.broadcastInDim(x, [2, 3, 4], [1]) },
  ...[0, 1, -1].map((axis) => ({ name: `concatenate axis ${axis}`, args: [F([2, 3]), F([2, 3])], f: (a: NDArray, b: NDArray) => np.concatenate([a, b, a], { axis }) })),
  { name: "concatenate with an unbatched operand", args: [F([2, 3]), U(F([1, 3]))], f: (a, b) => np.concatenate([b, a], { axis: 0 }) },
  { name: "concatenate with an unbatched operand (axis 1)", args: [U(F([2, 1])), F([2, 3])], f: (a, b) => np.concatenate([a, b], { axis: 1 }) },
  ...[0, 1, -1].map((axis) => ({ name: `stack axis ${axis}`, args: [F([2, 3]), U(F([2, 3]))], f: (a: NDArray, b: NDArray) => np.stack([a, b], { axis }) })),
  { name: "stack of rank 0", args: [F([]), F([])], f: (a, b) => np.stack([a, b]) },
  { name: "split into 2 (axis 0)", args: [F([4, 3])], f: (x) => np.split(x, 2) },
  { name: "split at indices (axis 1)", args: [F([2, 5])], f: (x) => np.split(x, [1, 3], { axis: 1 }) },
  { name: "split axis -1", args: [F([2, 4])], f: (x) => np.split(x, 2, { axis: -1 }) },
  { name: "tile 2", args: [F([3])], f: (x) => np.tile(x, 2) },
  { name: "tile [2, 1, 3]", args: [F([2, 2])], f: (x) => np.tile(x, [2, 1, 3]) },
  { name: "repeat", args: [F([2, 3])], f: (x) => np.repeat(x, 2, { axis: 1 }) },
  { name: "pad (low, high, interior)", args: [F([2, 3])], f: (x) => lax.pad(x, 0, [[1, 2, 0], [0, 1, 1]]) },
  { name: "pad with negative padding", args: [F([3, 4])], f: (x) => lax.pad(x, -1, [[-1, 1, 0], [2, -2, 0]]) },
  { name: "pad with a batched padding value", args: [F([2, 3]), F([])], f: (x, v) => lax.pad(x, v, [[1, 0, 1], [0, 1, 0]]) },
  { name: "pad: only the padding value batched", args: [U(F([2, 3])), F([])], f: (x, v) => lax.pad(x, v, [[1, 1, 0], [1, 0, 1]]) },
  { name: "slice", args: [F([4, 5])], f: (x) => np.slice(x, [1, 0], [3, 4]) },
  { name: "slice with strides", args: [F([5, 6])], f: (x) => np.slice(x, [0, 1], [5, 6], { strides: [2, 3] }) },
  { name: "slice with negative starts", args: [F([5, 6])], f: (x) => np.slice(x, [-3, 0], [5, -1], { strides: [1, 2] }) },
  { name: "lax.slice with strides", args: [F([7])], f: (x) => lax.slice(x, [1], [7], [3]) },
  { name: "lax.rev", args: [F([2, 3])], f: (x) => lax.rev(x, [0, 1]) },
]);

// ---------------------------------------------------------------------------------------

suite("indexing: take, takeAlongAxis, at", [
  { name: "take axis 0, operand batched", args: [F([4, 3]), U(I([2], -4, 3))], f: (x, i) => np.take(x, i, { axis: 0 }) },
  { name: "take axis 1, operand batched", args: [F([4, 3]), U(I([2, 2], 0, 2))], f: (x, i) => np.take(x, i, { axis: 1 }) },
  { name: "take axis 0, indices batched", args: [U(F([4, 3])), I([2], -4, 3)], f: (x, i) => np.take(x, i, { axis: 0 }) },
  { name: "take axis 1, indices batched", args: [U(F([4, 3])), I([2, 2], 0, 2)], f: (x, i) => np.take(x, i, { axis: 1 }) },
  { name: "take axis -1, both batched", args: [F([4, 3]), I([5], -3, 2)], f: (x, i) => np.take(x, i, { axis: -1 }) },
  { name: "take, rank-0 index batched", args: [U(F([4, 3])), I([], 0, 3)], f: (x, i) => np.take(x, i, { axis: 0 }) },
  { name: "take without axis (flattened)", args: [F([2, 3]), I([4], 0, 5)], f: (x, i) => np.take(x, i) },
  { name: "take with JS index list", args: [F([4])], f: (x) => np.take(x, [3, 0, 0]) },
  { name: "takeAlongAxis axis 1, both batched", args: [F([2, 4]), I([2, 3], 0, 3)], f: (x, i) => np.takeAlongAxis(x, i, 1) },
  { name: "takeAlongAxis axis 0, indices batched", args: [U(F([4, 2])), I([3, 2], -4, 3)], f: (x, i) => np.takeAlongAxis(x, i, 0) },
  { name: "takeAlongAxis axis -1, operand batched", args: [F([2, 4]), U(I([2, 1], 0, 3))], f: (x, i) => np.takeAlongAxis(x, i, -1) },
  { name: "at().get, indices batched", args: [U(F([4, 2])), I([3], 0, 3)], f: (x, i) => np.at(x, i).get() },
  { name: "at().set, operand batched", args: [F([4, 2]), U(I([2], 0, 3)), U(F([2, 2]))], f: (x, i, v) => np.at(x, i).set(v) },
  { name: "at().set, indices batched", args: [U(F([4, 2])), I([2], -4, 3), U(F([2]))], f: (x, i, v) => np.at(x, i).set(v) },
  { name: "at().set, values batched", args: [U(F([4, 2])), U(I([2], 0, 3)), F([2, 2])], f: (x, i, v) => np.at(x, i).set(v) },
  { name: "at().set, all batched", args: [F([4, 2]), I([3], 0, 3), F([])], f: (x, i, v) => np.at(x, i).set(v) },
  { name: "at().set with a number", args: [F([4, 2]), I([], 0, 3)], f: (x, i) => np.at(x, i).set(7) },
  { name: "at().add, operand batched", args: [F([4, 2]), U(I([3], 0, 3)), U(F([3, 2]))], f: (x, i, v) => np.at(x, i).add(v) },
  { name: "at().add, indices batched (repeats)", args: [U(F([4, 2])), I([3], 0, 1), U(F([3, 2]))], f: (x, i, v) => np.at(x, i).add(v) },
  { name: "at().add, updates batched", args: [U(F([4])), U(I([2], 0, 3)), F([2])], f: (x, i, v) => np.at(x, i).add(v) },
  { name: "at().add, all batched", args: [F([4, 2]), I([2, 2], 0, 3), F([2, 2, 2])], f: (x, i, v) => np.at(x, i).add(v) },
  { name: "at() on int32", args: [I([4], 0, 9), I([2], 0, 3)], f: (x, i) => np.at(x, i).add(1) },
  { name: "at() on bool", args: [B([4]), I([2], 0, 3)], f: (x, i) => np.at(x, i).set(true as unknown as number) },
  { name: "lax.gather axis 1, both batched", args: [F([2, 4]), I([3], 0, 3)], f: (x, i) => lax.gather(x, i, { axis: 1 }) },
  { name: "lax.scatterAdd axis 1, indices batched", args: [U(F([2, 4])), I([3], 0, 3), U(F([2, 3]))], f: (x, i, u) => lax.scatterAdd(x, i, u, { axis: 1 }) },
  { name: "lax.scatterAdd axis 1, operand and updates batched", args: [F([2, 4]), U(I([3], 0, 3)), F([2, 3])], f: (x, i, u) => lax.scatterAdd(x, i, u, { axis: 1 }) },
]);

// ---------------------------------------------------------------------------------------

const both = (name: string, shapes: readonly [number[], number[]], f: Fn): Case[] => [
  { name: `${name}: both batched`, args: [F(shapes[0]), F(shapes[1])], f },
  { name: `${name}: lhs batched`, args: [F(shapes[0]), U(F(shapes[1]))], f },
  { name: `${name}: rhs batched`, args: [U(F(shapes[0])), F(shapes[1])], f },
];
suite("matmul, dot, einsum, outer", [
  ...both("matmul [2,3]@[3,4]", [[2, 3], [3, 4]], np.matmul),
  ...both("matmul matrix·vector", [[2, 3], [3]], np.matmul),
  ...both("matmul vector·matrix", [[3], [3, 2]], np.matmul),
  ...both("matmul vector·vector", [[3], [3]], np.matmul),
  ...both("matmul stacked [2,2,3]@[3,2]", [[2, 2, 3], [3, 2]], np.matmul),
  ...both("matmul broadcast batch [1,2,3]@[2,3,2]", [[1, 2, 3], [2, 3, 2]], np.matmul),
  ...both("x.matmul method", [[2, 3], [3, 2]], (x, y) => x.matmul(y)),
  ...both("dot", [[2, 3], [3, 2]], np.dot),
  ...both("dot of vectors", [[4], [4]], np.dot),
  ...both("dot with a scalar", [[], [2, 3]], np.dot),
  ...both("outer", [[3], [2]], np.outer),
  ...both("inner", [[2, 3], [4, 3]], np.inner),
  ...both("einsum ij,jk->ik", [[2, 3], [3, 4]], (a, b) => np.einsum("ij,jk->ik", a, b)),
  ...both("einsum ij,kj->ki", [[2, 3], [4, 3]], (a, b) => np.einsum("ij,kj->ki", a, b)),
  ...both("einsum bij,bjk->bik", [[2, 2, 3], [2, 3, 2]], (a, b) => np.einsum("bij,bjk->bik", a, b)),
  ...both("einsum i,i->", [[3], [3]], (a, b) => np.einsum("i,i->", a, b)),
  ...both("einsum i,j->ij", [[3], [2]], (a, b) => np.einsum("i,j->ij", a, b)),
  { name: "einsum ij->ji", args: [F([2, 3])], f: (a) => np.einsum("ij->ji", a) },
  { name: "einsum ij-> (sum)", args: [F([2, 3])], f: (a) => np.einsum("ij->", a) },
  ...both("lax.dotGeneral with batch dims", [[2, 3, 4], [2, 4, 5]], (a, b) => lax.dotGeneral(a, b, [[[2], [1]], [[0], [0]]])),
  ...both("lax.dotGeneral contracting axis 0", [[3, 2], [3, 4]], (a, b) => lax.dotGeneral(a, b, [[[0], [0]], [[], []]])),
  ...both("lax.dotGeneral batch dim last", [[3, 2], [4, 2]], (a, b) => lax.dotGeneral(a, b, [[[], []], [[1], [1]]])),
  { name: "matmul of int32", args: [I([2, 3], -3, 3), I([3, 2], -3, 3)], f: np.matmul },
  { name: "matmul int32 @ float64", args: [I([2, 3], -3, 3), U(F([3, 2]))], f: np.matmul },
]);

suite("sort / argsort", [
  ...[{}, { axis: 0 }, { axis: -1 }, { axis: null }].map((o) => ({ name: `sort ${JSON.stringify(o)}`, args: [F([3, 4])], f: (x: NDArray) => np.sort(x, o) })),
  ...[{}, { axis: 0 }, { axis: 1 }].map((o) => ({ name: `argsort ${JSON.stringify(o)}`, args: [F([3, 4])], f: (x: NDArray) => np.argsort(x, o) })),
  { name: "argsort with ties (stable)", args: [I([6], 0, 2)], f: (x) => np.argsort(x) },
  { name: "sort of int32", args: [I([5], -9, 9)], f: (x) => np.sort(x) },
  { name: "lax.sort of two operands, key batched only", args: [F([4]), U(I([4], 0, 9))], f: (k, v) => lax.sort([k, v]) },
  { name: "lax.sort of two operands, values batched only", args: [U(F([4])), I([4], 0, 9)], f: (k, v) => lax.sort([k, v]) },
  { name: "sorted then take (top-2)", args: [F([5])], f: (x) => np.take(np.sort(x), [3, 4]) },
]);

suite("creation inside the function (iota, arange, eye, ones)", [
  { name: "x * arange", args: [F([4])], f: (x) => x.mul(np.arange(4)) },
  { name: "arange + x (rank 0)", args: [F([])], f: (x) => np.add(np.arange(0, 6, 2), x) },
  { name: "eye @ x", args: [F([3, 2])], f: (x) => np.matmul(np.eye(3), x) },
  { name: "lax.iota compared with an int", args: [I([], 0, 4)], f: (i) => np.equal(lax.iota("int32", [5], 0), i) },
  { name: "oneHot", args: [I([3], 0, 3)], f: (i) => nn.oneHot(i, 4) },
  { name: "zerosLike / onesLike", args: [F([2])], f: (x) => [np.zerosLike(x), np.onesLike(x).add(x)] },
  { name: "linspace scaled", args: [F([])], f: (x) => np.linspace(0, 1, 5).mul(x) },
  { name: "full + x", args: [F([2, 2])], f: (x) => np.full([2, 2], 3).add(x) },
  { name: "mask from iota (lower triangle)", args: [F([3, 3])], f: (x) => np.where(np.greaterEqual(lax.iota("int32", [3, 3], 0), lax.iota("int32", [3, 3], 1)), x, 0) },
]);

suite("nn", [
  ...[{}, { axis: 0 }, { axis: -1 }, { axis: [0, 1] }].flatMap((o) => [
    { name: `softmax ${JSON.stringify(o)}`, args: [F([2, 3])], f: (x: NDArray) => nn.softmax(x, o) },
    { name: `logSoftmax ${JSON.stringify(o)}`, args: [F([2, 3])], f: (x: NDArray) => nn.logSoftmax(x, o) },
  ]),
  { name: "relu", args: [F([2, 3])], f: nn.relu },
  { name: "gelu (tanh)", args: [F([2, 3])], f: (x) => nn.gelu(x) },
  { name: "gelu (exact)", args: [F([2, 3])], f: (x) => nn.gelu(x, { approximate: false }) },
  { name: "silu / softplus / logSigmoid", args: [F([4])], f: (x) => [nn.silu(x), nn.softplus(x), nn.logSigmoid(x)] },
  { name: "elu / leakyRelu", args: [F([4])], f: (x) => [nn.elu(x), nn.leakyRelu(x, { negativeSlope: 0.1 })] },
  { name: "logsumexp", args: [F([2, 3])], f: (x) => nn.logsumexp(x, { axis: 1 }) },
  { name: "standardize", args: [F([2, 3])], f: (x) => nn.standardize(x, { axis: -1 }) },
  { name: "dense layer: relu(x @ W + b), weights unbatched", args: [F([3]), U(F([3, 4])), U(F([4]))], f: (x, W, b) => nn.relu(np.add(np.matmul(x, W), b)) },
  { name: "cross-entropy with integer labels", args: [F([4]), I([], 0, 3)], f: (logits, y) => np.negative(np.sum(nn.logSoftmax(logits).mul(nn.oneHot(y, 4)))) },
]);

// ---------------------------------------------------------------------------------------

describe("random with a batched key", () => {
  const keys = (n: number, seed: number) => np.stack(random.split(random.key(seed), n));
  const cases: [string, (k: NDArray) => unknown][] = [
    ["normal", (k) => random.normal(k, [3])],
    ["uniform with bounds", (k) => random.uniform(k, [2, 2], { minval: -1, maxval: 3 })],
    ["bernoulli", (k) => random.bernoulli(k, 0.3, [5])],
    ["split inside", (k) => random.split(k, 3)],
    ["foldIn then normal", (k) => random.normal(random.foldIn(k, 7), [2])],
    ["randint", (k) => random.randint(k, [4], 0, 10)],
    ["categorical", (k) => random.categorical(k, np.array([0.1, 2, -1]))],
    ["permutation", (k) => random.permutation(k, 5)],
    ["bits", (k) => random.bits(k, [3])],
  ];
  for (const [name, f] of cases) {
    it(`${name}: equals the per-key loop, bit for bit`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (n, seed) => {
          const ks = keys(n, seed);
          expectTreeClose(vmap(f)(ks), loopVmap(f, [0], [ks]), { rtol: 0, atol: 0 });
          // the keys on axis 1 ([2, n])
          expectTreeClose(vmap(f, { inAxes: 1 })(ks.T), loopVmap(f, [0], [ks]), { rtol: 0, atol: 0 });
        }),
        { numRuns: 3 },
      );
    });
  }
  it("a batched key and a batched parameter (uniform with per-example bounds)", () => {
    const ks = keys(3, 5);
    const lo = np.array([-1, 0, 10]);
    const f = (k: NDArray, m: NDArray) => random.uniform(k, [2], { minval: m, maxval: m.add(1) });
    expectTreeClose(vmap(f)(ks, lo), loopVmap(f, [0, 0], [ks, lo]), { rtol: 0, atol: 0 });
  });
  it("an unbatched key with batched data gives the same noise to every example", () => {
    const k = random.key(3);
    const xs = np.array([[1, 2], [3, 4], [5, 6]]);
    const f = (k: NDArray, x: NDArray) => x.add(random.normal(k, [2]));
    const got = vmap(f, { inAxes: [null, 0] })(k, xs) as NDArray;
    expectTreeClose(got, loopVmap(f, [null, 0], [k, xs]), { rtol: 0, atol: 0 });
    expectTreeClose(np.subtract(got, xs), np.broadcastTo(random.normal(k, [2]), [3, 2]));
  });
});
