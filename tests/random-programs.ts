// Random programs for property tests: a DAG of elementwise ops (with numpy broadcasting of
// scalars and rows), reductions, single-element picks and matmuls over the inputs
// [x (rows×cols), row (cols)] and, for programs with matmuls, m (cols×cols). The fusion property test (jit on wasm against
// eager js) and the ONNX export property test (ONNX Runtime against jaxts) both draw from here;
// each chooses which kinds of operations its programs use.
import { array, lax, type NDArray, nn, np } from "@jaxts/core";
import { fc } from "@fast-check/vitest";

export type Op =
  | { readonly k: "unary"; readonly fn: number; readonly a: number }
  | { readonly k: "binary"; readonly fn: number; readonly a: number; readonly b: number }
  /** the whole sum of a value, scaled (a scalar) */
  | { readonly k: "sum"; readonly a: number }
  /** a matrix's column sums (a row), scaled; anything else halved */
  | { readonly k: "sum0"; readonly a: number }
  /** a matrix's row sums kept as a column (broadcast back against it), scaled; anything else quartered */
  | { readonly k: "sum1"; readonly a: number }
  /** the max of a value (a scalar) */
  | { readonly k: "max"; readonly a: number }
  /** a matrix's row minima kept as a column (broadcast back against it); anything else negated */
  | { readonly k: "min1"; readonly a: number }
  /** a matrix's rows with an element over 1 negated (np.any over rows, kept as a column);
   * anything else halved unless every element is over −1 (np.all) */
  | { readonly k: "logic"; readonly a: number }
  /** one element as a scalar: a [1] slice of the flattened value reshaped to rank 0 */
  | { readonly k: "pick"; readonly a: number; readonly at: number }
  /** value @ (m scaled) (values whose last axis is not cols pass through) */
  | { readonly k: "matmul"; readonly a: number }
  /** a matrix's elements moved by layout ops (a shape-keeping rotation, strided slice,
   * square transpose or blocked transpose; see runProgram); anything else passes through */
  | { readonly k: "layout"; readonly a: number; readonly by: number };

export type OpKind = Op["k"];

/** Elementwise unary functions every backend fuses. */
export const BASIC_UNARY: readonly ((x: NDArray) => NDArray)[] = [
  (x) => np.tanh(x),
  (x) => np.exp(x.mul(0.1)),
  (x) => np.negative(x),
  (x) => np.sqrt(np.abs(x)),
  (x) => x.mul(x),
];
/** Compositions with reductions or scans inside, and a non-smooth one. */
export const MORE_UNARY: readonly ((x: NDArray) => NDArray)[] = [
  (x) => nn.relu(x),
  (x) => nn.softmax(x.ndim === 0 ? x.reshape([1]) : x, { axis: -1 }).reshape(x.shape),
  (x) => np.cumsum(x.ndim === 0 ? x.reshape([1]) : x, { axis: 0 }).reshape(x.shape),
];
/** Binary functions continuous in both operands: results move by as little as their operands
 * do, so they may follow products whose rounding differs by backend. */
export const CONTINUOUS_BINARY: readonly ((x: NDArray, y: NDArray) => NDArray)[] = [
  (x, y) => x.add(y),
  (x, y) => x.mul(y),
  (x, y) => x.sub(y),
  (x, y) => np.maximum(x, y),
];
export const BASIC_BINARY: readonly ((x: NDArray, y: NDArray) => NDArray)[] = [...CONTINUOUS_BINARY, (x, y) => np.where(np.greater(x, y), x, y.mul(0.5))];
export const MORE_BINARY: readonly ((x: NDArray, y: NDArray) => NDArray)[] = [(x, y) => np.arctan2(x, y)];

/** What a property test's programs may contain. */
export interface ProgramSpace {
  readonly kinds: readonly OpKind[];
  readonly unary: readonly ((x: NDArray) => NDArray)[];
  readonly binary: readonly ((x: NDArray, y: NDArray) => NDArray)[];
  readonly cols: readonly number[];
  /** Row counts of x (default 1, 3, 5). */
  readonly rows?: readonly number[];
  /** Whether operations may take m itself as an operand (default true; matmuls always
   * multiply by it). Without it, no operation's path depends on the sizes: every value is
   * [rows, cols], [rows, 1], [cols] or a scalar, which always broadcast together. */
  readonly matrixOperand?: boolean;
}

export interface ProgramShape {
  readonly rows: number;
  readonly cols: number;
  readonly n: number;
  readonly seed: number;
  /** Indices (mod the number of values) of the values returned, duplicates dropped. */
  readonly outs: readonly number[];
}

/** The values a program starts from: [x, row], and m when operations may read it. */
const inputCount = (space: ProgramSpace): number => (space.kinds.includes("matmul") && space.matrixOperand !== false ? 3 : 2);

function opArb(space: ProgramSpace, i: number): fc.Arbitrary<Op> {
  const prev = fc.nat({ max: i - 1 });
  const arbs: Record<OpKind, fc.Arbitrary<Op>> = {
    unary: fc.record({ k: fc.constant("unary" as const), fn: fc.nat({ max: space.unary.length - 1 }), a: prev }),
    binary: fc.record({ k: fc.constant("binary" as const), fn: fc.nat({ max: space.binary.length - 1 }), a: prev, b: prev }),
    sum: fc.record({ k: fc.constant("sum" as const), a: prev }),
    sum0: fc.record({ k: fc.constant("sum0" as const), a: prev }),
    sum1: fc.record({ k: fc.constant("sum1" as const), a: prev }),
    pick: fc.record({ k: fc.constant("pick" as const), a: prev, at: fc.nat() }),
    max: fc.record({ k: fc.constant("max" as const), a: prev }),
    min1: fc.record({ k: fc.constant("min1" as const), a: prev }),
    logic: fc.record({ k: fc.constant("logic" as const), a: prev }),
    matmul: fc.record({ k: fc.constant("matmul" as const), a: prev }),
    layout: fc.record({ k: fc.constant("layout" as const), a: prev, by: fc.nat({ max: 23 }) }),
  };
  return fc.oneof(...space.kinds.map((k) => arbs[k]));
}

/** A program's sizes and its operations (2 to 10 of them). */
export function programArb(space: ProgramSpace): fc.Arbitrary<[ProgramShape, Op[]]> {
  return fc
    .record({ rows: fc.constantFrom(...(space.rows ?? [1, 3, 5])), cols: fc.constantFrom(...space.cols), n: fc.integer({ min: 2, max: 10 }), seed: fc.nat(), outs: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) })
    .chain((p) => fc.tuple(fc.constant(p), fc.tuple(...Array.from({ length: p.n }, (_, i) => opArb(space, i + inputCount(space))))));
}

/** Runs the ops over [x, row] (and m); returns the chosen outputs. */
export function runProgram(space: ProgramSpace, ops: readonly Op[], outs: readonly number[], x: NDArray, row: NDArray, m: NDArray): NDArray[] {
  const vals: NDArray[] = [x, row, m].slice(0, inputCount(space));
  for (const op of ops) {
    const a = vals[op.a]!;
    switch (op.k) {
      case "unary":
        vals.push(space.unary[op.fn]!(a));
        break;
      case "binary": {
        const b = vals[op.b]!;
        // Values are [rows, cols], [rows, 1], [cols], scalars, or m's [cols, cols], which a
        // matrix of another row count does not broadcast against: then the op is a halving.
        const ok = a.ndim < 2 || b.ndim < 2 || a.shape[0] === b.shape[0];
        vals.push(ok ? space.binary[op.fn]!(a, b) : a.mul(0.5));
        break;
      }
      case "sum":
        vals.push(np.sum(a).mul(0.01));
        break;
      case "sum0":
        vals.push(a.ndim === 2 ? np.sum(a, { axis: 0 }).mul(0.1) : a.mul(0.5));
        break;
      case "sum1":
        // a row sum, broadcast back against the matrix (fused when a row is whole SIMD steps)
        vals.push(a.ndim === 2 ? np.sum(a, { axis: 1, keepdims: true }).mul(0.1) : a.mul(0.25));
        break;
      case "max":
        vals.push(np.max(a));
        break;
      case "min1":
        vals.push(a.ndim === 2 ? np.min(a, { axis: 1, keepdims: true }) : np.negative(a));
        break;
      case "logic":
        vals.push(a.ndim === 2 ? np.where(np.any(np.greater(a, 1), { axis: 1, keepdims: true }), np.negative(a), a) : np.where(np.all(np.greater(a, -1)), a, a.mul(0.5)));
        break;
      case "pick": {
        const flat = np.ravel(a);
        const i = op.at % flat.size;
        vals.push(lax.slice(flat, [i], [i + 1]).reshape([]));
        break;
      }
      case "layout": {
        if (a.ndim !== 2) {
          vals.push(a);
          break;
        }
        const [r, c] = a.shape as [number, number];
        const twice = np.concatenate([a, a], { axis: 1 });
        const s = 1 + (op.by % (c - 1 || 1));
        switch (op.by % 4) {
          case 0: // the columns rotated by s: a slice of the doubled rows
            vals.push(lax.slice(twice, [0, s], [r, s + c]));
            break;
          case 1: // every other element of the doubled rows from s: a slice with a step of 2
            vals.push(lax.slice(twice, [0, s % 2], [r, (s % 2) + 2 * c - 1], [1, 2]));
            break;
          case 2: // a square matrix transposed (anything else through an op)
            vals.push(r === c ? np.transpose(a).mul(0.5) : np.tanh(a));
            break;
          default: // blocks of 4 columns transposed against the rows, an op applied, shape restored
            vals.push(c % 4 === 0 ? np.tanh(a.reshape([r, c / 4, 4]).transpose([1, 0, 2])).reshape([r, c]) : np.tanh(a));
        }
        break;
      }
      case "matmul":
        // values whose last axis is cols (a column [rows, 1] or a scalar passes through)
        vals.push(a.ndim >= 1 && a.shape[a.ndim - 1] === m.shape[0] ? np.matmul(a, m.mul(0.2)) : a);
        break;
    }
  }
  return [...new Set(outs.map((o) => o % vals.length))].map((o) => vals[o]!);
}

/** Deterministic inputs for a program: smooth values in [-2, 2] that vary with the seed. */
export function programInputs(p: ProgramShape): [NDArray, NDArray, NDArray] {
  const rand = (k: number, n: number) => Array.from({ length: n }, (_, i) => Math.sin((i + 1) * 0.731 + p.seed * 0.013 + k) * 2);
  const f32 = (v: number[], shape: number[]) => array(v, { dtype: "float32" }).reshape(shape);
  return [f32(rand(1, p.rows * p.cols), [p.rows, p.cols]), f32(rand(2, p.cols), [p.cols]), f32(rand(3, p.cols * p.cols), [p.cols, p.cols])];
}
