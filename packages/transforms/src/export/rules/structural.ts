// ONNX lowerings of reductions, shape operations, indexing, dot_general, iota and sort.
// Shapes are static (the traced avals), so shape operands are int64 constants.
import type { DType } from "@jaxts/core";
import type { GraphBuilder } from "../graph-builder.js";
import { OnnxDataType } from "../onnx/proto.js";
import { cast, castOnnx, isFloatDType, type RuleTable, type Val, where } from "../rule-types.js";

type StructuralName =
  | "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod" | "reduce_and" | "reduce_or" | "argmax" | "argmin"
  | "cumsum" | "broadcast_in_dim" | "reshape" | "transpose" | "squeeze" | "rev" | "concatenate" | "pad" | "slice"
  | "gather" | "scatter_add" | "dot_general" | "iota" | "sort";

/** "Past the start" for a reversing Slice (exactly -2^63, which ONNX clamps). */
export const INT64_MIN = -(2 ** 63);

/** Reshape's allowzero: a 0 in the target is a size, not "copy the input's dimension". Set
 * always (targets never hold -1), so a graph whose sizes are dynamic is right where one is 0. */
const ALLOW_ZERO = { allowzero: { int: 1 } } as const;

/** ReduceX over `axes` (no axes: the operand itself; ONNX would reduce over all of them). */
function reduce(b: GraphBuilder, op: string, x: string, axes: readonly number[]): string {
  if (axes.length === 0) return b.op("Identity", [x]);
  return b.op(op, [x, b.int64s(axes)], { keepdims: { int: 0 } });
}

/** uint32 operands of reductions, cumsum, dot and sort go through int64 (ONNX Runtime has no
 * uint32 kernels for them); the cast back to uint32 wraps as the reference's sums do. */
const viaInt64 = (b: GraphBuilder, v: Val): string => (v.aval.dtype === "uint32" ? castOnnx(b, v.name, OnnxDataType.INT64) : v.name);
const backFromInt64 = (b: GraphBuilder, name: string, d: DType): string => (d === "uint32" ? cast(b, name, d) : name);

function plainReduce(op: string) {
  return (b: GraphBuilder, [x]: readonly Val[], { axes }: { readonly axes: readonly number[] }): string[] => {
    if (x!.aval.dtype === "bool") return [cast(b, reduce(b, op, cast(b, x!.name, "int32"), axes), "bool")];
    return [backFromInt64(b, reduce(b, op, viaInt64(b, x!), axes), x!.aval.dtype)];
  };
}

/** ReduceMax/ReduceMin of floats, made to propagate NaN as the reference does (ONNX Runtime's
 * reductions skip NaN). Bools reduce as int32. */
function extremum(op: "ReduceMax" | "ReduceMin") {
  return (b: GraphBuilder, [x]: readonly Val[], { axes }: { readonly axes: readonly number[] }): string[] => {
    const d = x!.aval.dtype;
    if (d === "bool") return [cast(b, reduce(b, op, cast(b, x!.name, "int32"), axes), "bool")];
    const r = backFromInt64(b, reduce(b, op, viaInt64(b, x!), axes), d);
    if (!isFloatDType(d) || axes.length === 0) return [r];
    const anyNan = reduce(b, "ReduceMax", cast(b, b.op("IsNaN", [x!.name]), "int32"), axes);
    return [where(b, b.op("Greater", [anyNan, b.scalar(0, "int32")]), b.scalar(Number.NaN, d), r)];
  };
}

/** argmax/argmin: the first extreme index, and the first NaN's where there is one. */
function argExtremum(op: "ArgMax" | "ArgMin") {
  return (b: GraphBuilder, [x]: readonly Val[], { axes, index_dtype }: { readonly axes: readonly number[]; readonly index_dtype: DType }): string[] => {
    const axis = axes[0]!;
    const attrs = { axis: { int: axis }, keepdims: { int: 0 } };
    const d = x!.aval.dtype;
    const operand = d === "bool" ? cast(b, x!.name, "int32") : viaInt64(b, x!);
    let idx = b.op(op, [operand], attrs);
    if (isFloatDType(d)) {
      const nan = cast(b, b.op("IsNaN", [x!.name]), "int32");
      const firstNan = b.op("ArgMax", [nan], attrs);
      const anyNan = b.op("Greater", [reduce(b, "ReduceMax", nan, [axis]), b.scalar(0, "int32")]);
      idx = where(b, anyNan, firstNan, idx);
    }
    return [cast(b, idx, index_dtype)];
  };
}

/** broadcast_in_dim: the operand's axes placed at `dims` (a Reshape), then Expand. */
function broadcastInDim(b: GraphBuilder, x: Val, shape: readonly number[], dims: readonly number[]): string {
  const placed = shape.map(() => 1);
  dims.forEach((d, i) => {
    placed[d] = x.aval.shape[i]!;
  });
  const reshaped = reshape(b, x.name, x.aval.shape, placed);
  return b.op("Expand", [reshaped, b.int64s(shape)]);
}

function reshape(b: GraphBuilder, x: string, from: readonly number[], to: readonly number[]): string {
  if (from.length === to.length && from.every((d, i) => d === to[i])) return x;
  return b.op("Reshape", [x, b.int64s(to)], ALLOW_ZERO);
}

function slice(b: GraphBuilder, x: string, starts: readonly number[], ends: readonly number[], axes: readonly number[], steps?: readonly number[]): string {
  const ins = [x, b.int64s(starts), b.int64s(ends), b.int64s(axes)];
  if (steps !== undefined) ins.push(b.int64s(steps));
  return b.op("Slice", ins);
}

/** Interior padding of one axis: each element followed by `interior` fill values, then the
 * trailing ones dropped (x: [.., n, ..] → [.., n + (n-1)·interior, ..]). */
function interiorPad(b: GraphBuilder, x: string, shape: readonly number[], axis: number, interior: number, fill: string): [string, number[]] {
  const n = shape[axis]!;
  const withUnit = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
  const fillShape = [...shape.slice(0, axis + 1), interior, ...shape.slice(axis + 1)];
  const filler = b.op("Expand", [fill, b.int64s(fillShape)]);
  const joined = b.op("Concat", [reshape(b, x, shape, withUnit), filler], { axis: { int: axis + 1 } });
  const flat = [...shape.slice(0, axis), n * (interior + 1), ...shape.slice(axis + 1)];
  const out = [...shape.slice(0, axis), Math.max(0, n + (n - 1) * interior), ...shape.slice(axis + 1)];
  return [slice(b, reshape(b, joined, withUnit.map((d, i) => (i === axis + 1 ? interior + 1 : d)), flat), [0], [out[axis]!], [axis]), out];
}

function pad(b: GraphBuilder, x: Val, value: Val, config: readonly (readonly [number, number, number])[]): string {
  let cur = x.name;
  let shape = [...x.aval.shape];
  config.forEach(([, , interior], axis) => {
    if (interior > 0 && shape[axis]! > 1) [cur, shape] = interiorPad(b, cur, shape, axis, interior, value.name);
  });
  // Negative edges crop (a Slice); positive ones pad with the value (a constant-mode Pad).
  const lowCrop = config.map(([lo]) => Math.max(0, -lo));
  const highCrop = config.map(([, hi]) => Math.max(0, -hi));
  if (lowCrop.some((c) => c > 0) || highCrop.some((c) => c > 0)) {
    const axes = shape.map((_, i) => i);
    cur = slice(b, cur, lowCrop, shape.map((d, i) => d - highCrop[i]!), axes);
    shape = shape.map((d, i) => d - lowCrop[i]! - highCrop[i]!);
  }
  const pads = [...config.map(([lo]) => Math.max(0, lo)), ...config.map(([, hi]) => Math.max(0, hi))];
  if (pads.some((p) => p > 0)) cur = b.op("Pad", [cur, b.int64s(pads), value.name], { mode: { str: "constant" } });
  return cur === x.name ? b.op("Identity", [cur]) : cur;
}

/** dot_general as an Einsum: batch axes, then lhs free axes, then rhs free axes. */
function dotGeneral(b: GraphBuilder, lhs: Val, rhs: Val, dn: readonly [readonly [readonly number[], readonly number[]], readonly [readonly number[], readonly number[]]]): string {
  const [[lc, rc], [lb, rb]] = dn;
  const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let next = 0;
  const l = lhs.aval.shape.map(() => "");
  const r = rhs.aval.shape.map(() => "");
  lb.forEach((a, i) => {
    l[a] = r[rb[i]!] = letters[next++]!;
  });
  lc.forEach((a, i) => {
    l[a] = r[rc[i]!] = letters[next++]!;
  });
  for (let i = 0; i < l.length; i++) if (l[i] === "") l[i] = letters[next++]!;
  for (let i = 0; i < r.length; i++) if (r[i] === "") r[i] = letters[next++]!;
  const out = [...lb.map((a) => l[a]!), ...l.filter((_, i) => !lb.includes(i) && !lc.includes(i)), ...r.filter((_, i) => !rb.includes(i) && !rc.includes(i))];
  const eq = `${l.join("")},${r.join("")}->${out.join("")}`;
  if (lhs.aval.dtype === "bool") {
    const v = b.op("Einsum", [cast(b, lhs.name, "int32"), cast(b, rhs.name, "int32")], { equation: { str: eq } });
    return b.op("Not", [b.op("Equal", [v, b.scalar(0, "int32")])]);
  }
  return backFromInt64(b, b.op("Einsum", [viaInt64(b, lhs), viaInt64(b, rhs)], { equation: { str: eq } }), lhs.aval.dtype);
}

/** iota: Range along `dimension`, broadcast to the shape. */
function iota(b: GraphBuilder, dtype: DType, shape: readonly number[], dimension: number): string {
  const n = shape[dimension]!;
  const rangeType: DType = dtype === "float32" || dtype === "float64" ? dtype : "int32";
  const r = b.op("Range", [b.scalar(0, rangeType), b.scalar(n, rangeType), b.scalar(1, rangeType)]);
  const placed = shape.map((d, i) => (i === dimension ? d : 1));
  const out = b.op("Expand", [reshape(b, r, [n], placed), b.int64s(shape)]);
  return rangeType === dtype ? out : cast(b, out, dtype);
}

/** A stable ascending sort along `axis` by `keys`: the permutation (int64 indices). TopK breaks
 * ties by position, so sorting twice — by value with NaN as +inf, then by "is NaN" — puts NaN
 * last and keeps equal keys in their order (the reference's order). */
function sortPermutation(b: GraphBuilder, keys: Val, axis: number): string {
  const n = keys.aval.shape[axis]!;
  const k = b.int64s([n]);
  const attrs = { axis: { int: axis }, largest: { int: 0 }, sorted: { int: 1 } };
  const d = keys.aval.dtype;
  const numeric = d === "bool" ? cast(b, keys.name, "int32") : viaInt64(b, keys);
  if (!isFloatDType(d)) return b.node("TopK", [numeric, k], attrs, 2)[1]!;
  const nan = b.op("IsNaN", [keys.name]);
  const byValue = b.node("TopK", [where(b, nan, b.scalar(Number.POSITIVE_INFINITY, d), keys.name), k], attrs, 2)[1]!;
  const nanAfter = b.op("GatherElements", [cast(b, nan, "int32"), byValue], { axis: { int: axis } });
  const byNan = b.node("TopK", [nanAfter, k], attrs, 2)[1]!;
  return b.op("GatherElements", [byValue, byNan], { axis: { int: axis } });
}

export const structuralRules: RuleTable<StructuralName> = {
  reduce_sum: plainReduce("ReduceSum"),
  reduce_max: extremum("ReduceMax"),
  reduce_min: extremum("ReduceMin"),
  reduce_prod: plainReduce("ReduceProd"),
  reduce_and: (b, [x], { axes }) => [cast(b, reduce(b, "ReduceMin", cast(b, x!.name, "int32"), axes), "bool")],
  reduce_or: (b, [x], { axes }) => [cast(b, reduce(b, "ReduceMax", cast(b, x!.name, "int32"), axes), "bool")],
  argmax: argExtremum("ArgMax"),
  argmin: argExtremum("ArgMin"),
  cumsum: (b, [x], { axis, reverse }) => [backFromInt64(b, b.op("CumSum", [viaInt64(b, x!), b.int64(axis)], { reverse: { int: reverse ? 1 : 0 } }), x!.aval.dtype)],
  broadcast_in_dim: (b, [x], { shape, broadcast_dimensions }) => [broadcastInDim(b, x!, shape, broadcast_dimensions)],
  reshape: (b, [x], { new_sizes }) => [b.op("Reshape", [x!.name, b.int64s(new_sizes)], ALLOW_ZERO)],
  transpose: (b, [x], { permutation }) => [b.op("Transpose", [x!.name], { perm: { ints: permutation } })],
  squeeze: (b, [x], { dimensions }) => [dimensions.length === 0 ? b.op("Identity", [x!.name]) : b.op("Squeeze", [x!.name, b.int64s(dimensions)])],
  rev: (b, [x], { dimensions }) => [
    dimensions.length === 0
      ? b.op("Identity", [x!.name])
      : slice(b, x!.name, dimensions.map(() => -1), dimensions.map(() => INT64_MIN), dimensions, dimensions.map(() => -1)),
  ],
  concatenate: (b, ins, { dimension }) => [b.op("Concat", ins.map((v) => v.name), { axis: { int: dimension } })],
  pad: (b, [x, v], { padding_config }) => [pad(b, x!, v!, padding_config)],
  slice: (b, [x], { start_indices, limit_indices, strides }) => {
    const axes = start_indices.map((_, i) => i);
    if (axes.length === 0) return [b.op("Identity", [x!.name])];
    return [slice(b, x!.name, start_indices, limit_indices, axes, strides ?? undefined)];
  },
  // The reference clamps indices into range; ONNX's Gather rejects them, so clamp first.
  gather: (b, [x, idx], { axis }) => {
    const n = x!.aval.shape[axis]!;
    const clamped = b.op("Clip", [idx!.name, b.scalar(0, "int32"), b.scalar(Math.max(n - 1, 0), "int32")]);
    return [b.op("Gather", [x!.name, clamped], { axis: { int: axis } })];
  },
  // Out-of-range updates are dropped (the reference's rule): zeroed, and sent to index 0.
  scatter_add: (b, [x, idx, upd], { axis }) => {
    const shape = x!.aval.shape;
    const n = shape[axis]!;
    const m = idx!.aval.size;
    const pre = shape.slice(0, axis);
    const post = shape.slice(axis + 1);
    const flatIdx = reshape(b, idx!.name, idx!.aval.shape, [m]);
    const valid = b.op("And", [b.op("GreaterOrEqual", [flatIdx, b.scalar(0, "int32")]), b.op("Less", [flatIdx, b.scalar(n, "int32")])]);
    const updShape = [...pre, m, ...post];
    const place = (v: string): string => reshape(b, v, [m], [...pre.map(() => 1), m, ...post.map(() => 1)]);
    const updates = where(b, place(valid), reshape(b, upd!.name, upd!.aval.shape, updShape), b.scalar(0, x!.aval.dtype), x!.aval.dtype);
    const indices = b.op("Expand", [place(castOnnx(b, where(b, valid, flatIdx, b.scalar(0, "int32")), OnnxDataType.INT64)), b.int64s(updShape)]);
    return [b.op("ScatterElements", [x!.name, indices, updates], { axis: { int: axis }, reduction: { str: "add" } })];
  },
  dot_general: (b, [l, r], { dimension_numbers }) => [dotGeneral(b, l!, r!, dimension_numbers)],
  iota: (b, _ins, { dtype, shape, dimension }) => [iota(b, dtype, shape, dimension)],
  sort: (b, ins, { dimension }) => {
    const perm = sortPermutation(b, ins[0]!, dimension);
    return ins.map((v) => b.op("GatherElements", [v.name, perm], { axis: { int: dimension } }));
  },
};
