// Convolutions and windowed reductions (JAX's lax.conv_general_dilated, conv, conv_transpose,
// reduce_window), composed from existing primitives: the input is dilated and padded (pad),
// its windows are gathered by constant index tables (one gather per spatial axis: the
// "im2col" patches), and the patches are contracted with the kernel by one dot_general on
// the blocked matmul (batched over feature groups). So every transformation already knows
// them: the JVP is linear in each operand, the transpose of the gather is a scatter-add,
// and vmap batches the composition.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { asArray } from "../creation.js";
import { allocate, checkArrayShape } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import {
  add,
  convertElementType,
  dotGeneral,
  gather,
  max as lmax,
  min as lmin,
  pad,
  reduceMax,
  reduceMin,
  reduceSum,
  reshape,
  rev,
  transpose,
} from "./index.js";

/** "SAME", "VALID", or one (low, high) pair per spatial dimension. */
export type ConvPadding = "SAME" | "VALID" | readonly (readonly [number, number])[];

/** Layouts as strings (`["NCHW", "OIHW", "NCHW"]`, `["NHWC", "HWIO", "NHWC"]`, …) or as JAX's
 * specs: for each of lhs, rhs and out, the axes of (batch or out-feature, feature or
 * in-feature, spatial…). */
export type ConvDimensionNumbers = readonly [string, string, string] | readonly [readonly number[], readonly number[], readonly number[]];

export interface ConvOptions {
  readonly lhsDilation?: readonly number[];
  readonly rhsDilation?: readonly number[];
  readonly dimensionNumbers?: ConvDimensionNumbers;
  readonly featureGroupCount?: number;
  readonly batchGroupCount?: number;
}

type Perms = { readonly lhs: number[]; readonly rhs: number[]; readonly out: number[] };

/** The permutations that bring each operand to (N, C, spatial…) / (O, I, spatial…) order. */
function permutations(dn: ConvDimensionNumbers | undefined, ndim: number, where: string): Perms {
  const canonical = Array.from({ length: ndim }, (_, i) => i);
  if (dn === undefined) return { lhs: canonical, rhs: canonical, out: canonical };
  if (!Array.isArray(dn) || dn.length !== 3) throw new ArgumentError(`${where}: dimensionNumbers must be three layout strings or three axis lists, got ${describeValue(dn)}`);
  const [l, r, o] = dn as readonly unknown[];
  if (typeof l === "string" && typeof r === "string" && typeof o === "string") {
    for (const [s, what] of [[l, "lhs"], [r, "rhs"], [o, "out"]] as const) {
      if (s.length !== ndim || new Set(s).size !== ndim) throw new ArgumentError(`${where}: the ${what} layout "${s}" must name each of the ${ndim} axes once`);
    }
    const need = (s: string, c: string, what: string): number => {
      const i = s.indexOf(c);
      if (i < 0) throw new ArgumentError(`${where}: the ${what} layout "${s}" has no "${c}"`);
      return i;
    };
    // spatial axes are matched by letter, in the kernel's order
    const spatial = [...r].filter((c) => c !== "O" && c !== "I");
    const order = (s: string, what: string): number[] =>
      spatial.map((c) => {
        const i = s.indexOf(c);
        if (i < 0) throw new ArgumentError(`${where}: the ${what} layout "${s}" lacks the spatial axis "${c}" of the kernel layout "${r}"`);
        return i;
      });
    return {
      lhs: [need(l, "N", "lhs"), need(l, "C", "lhs"), ...order(l, "lhs")],
      rhs: [need(r, "O", "rhs"), need(r, "I", "rhs"), ...order(r, "rhs")],
      out: [need(o, "N", "out"), need(o, "C", "out"), ...order(o, "out")],
    };
  }
  const spec = (s: unknown, what: string): number[] => {
    if (!Array.isArray(s) || s.length !== ndim || !s.every((v) => Number.isInteger(v) && v >= 0 && v < ndim) || new Set(s).size !== ndim) {
      throw new ArgumentError(`${where}: the ${what} spec must be a permutation of the ${ndim} axes, got ${describeValue(s)}`);
    }
    return [...(s as number[])];
  };
  return { lhs: spec(l, "lhs"), rhs: spec(r, "rhs"), out: spec(o, "out") };
}

const ints = (v: readonly number[] | undefined, n: number, fallback: number, where: string, what: string): number[] => {
  if (v === undefined) return new Array<number>(n).fill(fallback);
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new ArgumentError(`${where}: ${what} must be ${n} positive integers (one per spatial dimension), got ${describeValue(v)}`);
  }
  return [...v];
};

/** JAX's padtype_to_pads: SAME keeps ceil(in / stride) outputs, VALID pads nothing. */
function pads(padding: ConvPadding, inSizes: readonly number[], windows: readonly number[], strides: readonly number[], where: string): [number, number][] {
  if (padding === "VALID") return inSizes.map(() => [0, 0]);
  if (padding === "SAME") {
    return inSizes.map((n, i) => {
      const out = Math.ceil(n / strides[i]!);
      const total = Math.max((out - 1) * strides[i]! + windows[i]! - n, 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
  }
  if (!Array.isArray(padding) || padding.length !== inSizes.length || !padding.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isInteger))) {
    throw new ArgumentError(`${where}: padding must be "SAME", "VALID" or ${inSizes.length} (low, high) integer pairs, got ${describeValue(padding)}`);
  }
  return padding.map((p) => [p[0]!, p[1]!]);
}

/**
 * The windows of x along axes `axes` (each of size x.shape[axis]): axis a becomes two axes
 * (out_a, k_a) with out_a windows of `sizes[a]` elements `dilations[a]` apart, `strides[a]`
 * apart. One gather per axis, by a constant index table.
 */
function windowsOf(x: NDArray, axes: readonly number[], sizes: readonly number[], strides: readonly number[], dilations: readonly number[]): { patches: NDArray; outs: number[] } {
  let y = x;
  const outs: number[] = [];
  // walk the axes from the last so earlier axis numbers stay put
  const order = axes.map((a, i) => [a, i] as const).sort((p, q) => q[0] - p[0]);
  for (const [axis, i] of order) {
    const n = y.shape[axis]!;
    const span = (sizes[i]! - 1) * dilations[i]! + 1;
    const out = n >= span ? Math.floor((n - span) / strides[i]!) + 1 : 0;
    outs[i] = out;
    checkArrayShape([out, sizes[i]!], "int32", "conv");
    const index = allocate("int32", out * sizes[i]!);
    for (let o = 0; o < out; o++) for (let k = 0; k < sizes[i]!; k++) index[o * sizes[i]! + k] = o * strides[i]! + k * dilations[i]!;
    y = gather(y, new ConcreteArray(new ShapedArray([out, sizes[i]!], "int32"), index), { axis });
  }
  return { patches: y, outs };
}

/**
 * convGeneralDilated(lhs, rhs, windowStrides, padding, { lhsDilation, rhsDilation, dimensionNumbers, featureGroupCount, batchGroupCount }).
 * An N-d convolution (1 to 3 spatial dimensions) of `lhs` with the kernel `rhs`, as XLA's:
 * `padding` is "SAME", "VALID" or a `[low, high]` pair per spatial dimension; `lhsDilation`
 * inserts holes in the input (a transposed convolution), `rhsDilation` in the kernel (atrous);
 * `dimensionNumbers` names the layouts (default `["NCHW", "OIHW", "NCHW"]`); feature and batch
 * groups as XLA. Operands share a float dtype.
 *
 * @example
 * const x = ones([1, 1, 4, 4]); // N C H W
 * const k = ones([2, 1, 3, 3]); // O I H W
 * lax.convGeneralDilated(x, k, [1, 1], "VALID").shape; // [1, 2, 2, 2]
 * lax.convGeneralDilated(x, k, [2, 2], "SAME", { rhsDilation: [2, 2] }).shape; // [1, 2, 2, 2]
 */
export function convGeneralDilated(lhs: Operand, rhs: Operand, windowStrides: readonly number[], padding: ConvPadding, opts: ConvOptions = {}): NDArray {
  const where = "convGeneralDilated";
  checkOptions(opts, where, { lhsDilation: "integerList", rhsDilation: "integerList", dimensionNumbers: "any", featureGroupCount: "integer", batchGroupCount: "integer" });
  const [l0, r0] = [asArray(lhs, where), asArray(rhs, where)];
  if (l0.dtype !== r0.dtype) throw new DTypeError(`${where}: lhs and rhs must share a dtype, got ${l0.dtype} and ${r0.dtype}`);
  if (l0.dtype === "bool") throw new DTypeError(`${where}: expected numeric operands, got bool`);
  if (l0.ndim !== r0.ndim || l0.ndim < 2) throw new ShapeError(`${where}: lhs and rhs must have the same rank (at least 2), got ${fmtShape(l0.shape)} and ${fmtShape(r0.shape)}`);
  const nd = l0.ndim - 2;
  const perms = permutations(opts.dimensionNumbers, l0.ndim, where);
  let x = transpose(l0, perms.lhs); // (N, C, spatial…)
  const w = transpose(r0, perms.rhs); // (O, I, spatial…)
  const strides = ints(windowStrides, nd, 1, where, "windowStrides");
  const lhsDil = ints(opts.lhsDilation, nd, 1, where, "lhsDilation");
  const rhsDil = ints(opts.rhsDilation, nd, 1, where, "rhsDilation");
  const fg = opts.featureGroupCount ?? 1;
  const bg = opts.batchGroupCount ?? 1;
  if (fg < 1 || bg < 1) throw new ArgumentError(`${where}: featureGroupCount and batchGroupCount must be positive, got ${fg} and ${bg}`);
  if (fg > 1 && bg > 1) throw new ArgumentError(`${where}: at most one of featureGroupCount (${fg}) and batchGroupCount (${bg}) may exceed 1`);
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const [O, I] = [w.shape[0]!, w.shape[1]!];
  if (bg > 1) {
    if (N % bg !== 0) throw new ShapeError(`${where}: batchGroupCount ${bg} must divide the batch size ${N}`);
    if (O % bg !== 0) throw new ShapeError(`${where}: batchGroupCount ${bg} must divide the output features ${O}`);
    // batch groups are feature groups: (G·m, C) → (m, G·C), group-major (JAX's reference)
    const sp = x.shape.slice(2);
    x = reshape(transpose(reshape(x, [bg, N / bg, C, ...sp]), [1, 0, 2, ...sp.map((_, i) => 3 + i)]), [N / bg, bg * C, ...sp]);
  }
  const groups = bg > 1 ? bg : fg;
  const channels = x.shape[1]!;
  if (channels % groups !== 0 || channels / groups !== I) {
    throw new ShapeError(`${where}: the lhs features (${channels}) divided by the group count (${groups}) must equal the kernel's input features (${I})`);
  }
  if (O % groups !== 0) throw new ShapeError(`${where}: the kernel's output features (${O}) must be a multiple of the group count (${groups})`);
  // dilate the input (zeros between elements) and pad it
  const zero = convertElementType(0, x.dtype, x.weakType);
  if (lhsDil.some((d) => d > 1)) x = pad(x, zero, x.shape.map((_, a) => (a < 2 ? [0, 0, 0] : [0, 0, lhsDil[a - 2]! - 1])) as [number, number, number][]);
  const kSizes = w.shape.slice(2);
  const spans = kSizes.map((k, i) => (k - 1) * rhsDil[i]! + 1);
  const p = pads(padding, x.shape.slice(2), spans, strides, where);
  if (p.some(([lo, hi]) => lo !== 0 || hi !== 0)) x = pad(x, zero, x.shape.map((_, a) => (a < 2 ? [0, 0, 0] : [p[a - 2]![0], p[a - 2]![1], 0])) as [number, number, number][]);
  // patches: (N, C, o1, k1, o2, k2, …) → (N·o…, C·k…)
  const { patches, outs } = windowsOf(x, kSizes.map((_, i) => 2 + i), kSizes, strides, rhsDil);
  const n2 = x.shape[0]!;
  const oAxes = outs.map((_, i) => 2 + 2 * i);
  const kAxes = outs.map((_, i) => 3 + 2 * i);
  const rows = n2 * outs.reduce((a, b) => a * b, 1);
  const kProd = kSizes.reduce((a, b) => a * b, 1);
  const cols = transpose(patches, [0, ...oAxes, 1, ...kAxes]);
  let out: NDArray;
  if (groups === 1) {
    out = dotGeneral(reshape(cols, [rows, channels * kProd]), reshape(w, [O, I * kProd]), [
      [[1], [1]],
      [[], []],
    ]);
  } else {
    const pg = reshape(cols, [rows, groups, I * kProd]);
    const wg = reshape(w, [groups, O / groups, I * kProd]);
    // (G, rows, O/G) → (rows, G, O/G) → (rows, O): output feature g·(O/G) + o
    out = reshape(transpose(dotGeneral(pg, wg, [[[2], [2]], [[1], [0]]]), [1, 0, 2]), [rows, O]);
  }
  // (N, o…, O) → (N, O, o…) → the out layout
  const canon = transpose(reshape(out, [n2, ...outs, O]), [0, nd + 1, ...outs.map((_, i) => 1 + i)]);
  const inverse = perms.out.map((_, i) => perms.out.indexOf(i));
  return transpose(canon, inverse);
}

/**
 * conv(lhs, rhs, windowStrides, padding): convGeneralDilated in NCHW / OIHW layouts.
 *
 * @example
 * lax.conv(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), [1, 1], "VALID"); // [[[[4, 4], [4, 4]]]]
 */
export const conv = (lhs: Operand, rhs: Operand, windowStrides: readonly number[], padding: ConvPadding): NDArray => convGeneralDilated(lhs, rhs, windowStrides, padding);

/** JAX's _conv_transpose_padding: the padding that makes a transposed convolution the
 * gradient-shaped inverse of a forward one with `padding`. */
function transposePadding(k: number, s: number, padding: "SAME" | "VALID"): [number, number] {
  let len: number;
  let a: number;
  if (padding === "SAME") {
    len = k + s - 2;
    a = s > k - 1 ? k - 1 : Math.ceil(len / 2);
  } else {
    len = k + s - 2 + Math.max(k - s, 0);
    a = k - 1;
  }
  return [a, len - a];
}

/** convTranspose(lhs, rhs, strides, padding, { rhsDilation, dimensionNumbers, transposeKernel }):
 * the fractionally strided convolution, with JAX's defaults (NHWC / HWIO layouts, the kernel
 * used as it is unless transposeKernel flips it and swaps its features).
 * `strides` upsample: with "SAME" padding each spatial size is multiplied by its stride.
 *
 * @example
 * const x = ones([1, 2, 2, 1]); // N H W C
 * const k = ones([3, 3, 1, 4]); // H W I O
 * lax.convTranspose(x, k, [2, 2], "SAME").shape; // [1, 4, 4, 4]
 */
export function convTranspose(
  lhs: Operand,
  rhs: Operand,
  strides: readonly number[],
  padding: ConvPadding,
  opts: { readonly rhsDilation?: readonly number[]; readonly dimensionNumbers?: ConvDimensionNumbers; readonly transposeKernel?: boolean } = {},
): NDArray {
  const where = "convTranspose";
  checkOptions(opts, where, { rhsDilation: "integerList", dimensionNumbers: "any", transposeKernel: "boolean" });
  const l = asArray(lhs, where);
  let r = asArray(rhs, where);
  const nd = l.ndim - 2;
  if (nd < 0 || nd > 3) throw new ShapeError(`${where}: expected 1–3 spatial dimensions (rank 3–5 operands), got ${fmtShape(l.shape)}`);
  const spatial = "HWD".slice(0, nd);
  const dn = opts.dimensionNumbers ?? ([`N${spatial}C`, `${spatial}IO`, `N${spatial}C`] as const);
  const perms = permutations(dn, l.ndim, where);
  const rhsDil = ints(opts.rhsDilation, nd, 1, where, "rhsDilation");
  const kSizes = perms.rhs.slice(2).map((a) => r.shape[a]!);
  const st = ints(strides, nd, 1, where, "strides");
  const p: ConvPadding =
    padding === "SAME" || padding === "VALID" ? kSizes.map((k, i) => transposePadding((k - 1) * rhsDil[i]! + 1, st[i]!, padding)) : padding;
  if (opts.transposeKernel === true) {
    r = rev(r, perms.rhs.slice(2));
    const [o, i] = [perms.rhs[0]!, perms.rhs[1]!];
    r = transpose(r, r.shape.map((_, a) => (a === o ? i : a === i ? o : a)));
  }
  return convGeneralDilated(l, r, new Array<number>(nd).fill(1), p, { lhsDilation: st, rhsDilation: rhsDil, dimensionNumbers: dn });
}

export type WindowReduction = "sum" | "max" | "min";

/** reduceWindow(x, init, computation, windowDimensions, windowStrides, padding, { baseDilation, windowDilation }):
 * the sum, max or min over every window of x (padding and dilation holes hold `init`).
 * `windowStrides` defaults to 1 per dimension; `computation` may also be `lax.add`, `lax.max`
 * or `lax.min`. The result has `x`'s dtype.
 *
 * @example
 * // 2×2 max pooling with stride 2
 * lax.reduceWindow(array([[1, 2, 3, 4], [5, 6, 7, 8]]), -Infinity, "max", [2, 2], [2, 2]); // [[6, 8]]
 */
export function reduceWindow(
  x: Operand,
  initValue: number,
  computation: WindowReduction | ((a: NDArray, b: NDArray) => NDArray),
  windowDimensions: readonly number[],
  windowStrides?: readonly number[],
  padding: ConvPadding = "VALID",
  opts: { readonly baseDilation?: readonly number[]; readonly windowDilation?: readonly number[] } = {},
): NDArray {
  const where = "reduceWindow";
  checkOptions(opts, where, { baseDilation: "integerList", windowDilation: "integerList" });
  let a = asArray(x, where);
  const op: WindowReduction | undefined =
    computation === "sum" || computation === add ? "sum" : computation === "max" || computation === lmax ? "max" : computation === "min" || computation === lmin ? "min" : undefined;
  if (op === undefined) throw new ArgumentError(`${where}: computation must be "sum", "max" or "min" (or lax.add, lax.max, lax.min), got ${describeValue(computation)}`);
  if (typeof initValue !== "number") throw new ArgumentError(`${where}: initValue must be a number, got ${describeValue(initValue)}`);
  const nd = a.ndim;
  const dims = ints(windowDimensions, nd, 1, where, "windowDimensions");
  const st = ints(windowStrides, nd, 1, where, "windowStrides");
  const baseDil = ints(opts.baseDilation, nd, 1, where, "baseDilation");
  const winDil = ints(opts.windowDilation, nd, 1, where, "windowDilation");
  const init = convertElementType(initValue, a.dtype, a.weakType);
  if (baseDil.some((d) => d > 1)) a = pad(a, init, baseDil.map((d) => [0, 0, d - 1] as [number, number, number]));
  const p = pads(padding, a.shape, dims.map((k, i) => (k - 1) * winDil[i]! + 1), st, where);
  if (p.some(([lo, hi]) => lo !== 0 || hi !== 0)) a = pad(a, init, p.map(([lo, hi]) => [lo, hi, 0] as [number, number, number]));
  const { patches } = windowsOf(a, a.shape.map((_, i) => i), dims, st, winDil);
  const kAxes = dims.map((_, i) => 2 * i + 1);
  const reduced = op === "sum" ? reduceSum(patches, kAxes) : op === "max" ? reduceMax(patches, kAxes) : reduceMin(patches, kAxes);
  // XLA folds init into every window; with the reduction's identity that changes nothing
  const identity = op === "sum" ? initValue === 0 : op === "max" ? initValue === Number.NEGATIVE_INFINITY : initValue === Number.POSITIVE_INFINITY;
  if (identity) return reduced;
  return op === "sum" ? add(reduced, init) : op === "max" ? lmax(reduced, init) : lmin(reduced, init);
}
