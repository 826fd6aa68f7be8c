// JVP rules of reductions, data movement, indexing, dot_general and sort.
import { bind, bind1, lax, type NDArray, np } from "@jaxts/core";
import { jvpFlat } from "../jvp.js";
import { instantiate, isZero, type Tangent, Zero } from "../zero.js";
import { type JvpTable, linearInFirstJvp, linearJvp, sumContributions, zeroJvp } from "./types.js";

/** Put a reduced result back at the reduced axes' positions, broadcast to `shape`. */
function expandReduced(y: NDArray, shape: readonly number[], axes: readonly number[]): NDArray {
  const kept = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  return lax.broadcastInDim(y, shape, kept);
}

/** max/min: the tangent at the locations of the extremum, averaged over ties (as JAX). */
const chooserJvp =
  (prim: "reduce_max" | "reduce_min") =>
  ([x]: readonly NDArray[], [t]: readonly Tangent[], params: { readonly axes: readonly number[] }): [NDArray[], Tangent[]] => {
    const y = bind1(prim, [x!], params);
    const where = lax.convertElementType(lax.eq(x!, expandReduced(y, x!.shape, params.axes)), x!.dtype);
    const counts = lax.reduceSum(where, params.axes);
    return [[y], [lax.div(lax.reduceSum(lax.mul(t as NDArray, where), params.axes), counts)]];
  };

type StructuralPrim =
  | "reduce_sum" | "reduce_max" | "reduce_min" | "reduce_prod" | "reduce_and" | "reduce_or" | "argmax" | "argmin" | "cumsum"
  | "broadcast_in_dim" | "reshape" | "transpose" | "squeeze" | "rev" | "slice" | "concatenate" | "pad"
  | "gather" | "scatter_add" | "dot_general" | "sort" | "iota" | "threefry2x32" | "bitcast_convert_type"
;

/** Product over the leading axis as a balanced tree of elementwise multiplications. */
function treeProduct(v: NDArray): NDArray {
  const [n, ...rest] = v.shape;
  if (n === 0) return lax.broadcastInDim(lax.convertElementType(1, v.dtype), rest, []);
  if (n === 1) return lax.reshape(v, rest);
  const h = Math.floor(n! / 2);
  const part = (lo: number, hi: number) => treeProduct(lax.slice(v, [lo, ...rest.map(() => 0)], [hi, ...rest]));
  return lax.mul(part(0, h), part(h, n!));
}

export const structuralJvpRules: JvpTable<StructuralPrim> = {
  reduce_sum: linearJvp("reduce_sum"),
  reduce_max: chooserJvp("reduce_max"),
  reduce_min: chooserJvp("reduce_min"),
  // The tangent of a product comes from differentiating it as a balanced tree of
  // multiplications: exact at zeros, and again differentiable to any order.
  reduce_prod: ([x], [t], params) => {
    const y = bind1("reduce_prod", [x!], params);
    const { axes } = params;
    const kept = x!.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const n = axes.reduce((p, a) => p * x!.shape[a]!, 1);
    const rest = kept.map((i) => x!.shape[i]!);
    const flatten = (v: NDArray) => lax.reshape(lax.transpose(v, [...axes, ...kept]), [n, ...rest]);
    const [, [tOut]] = jvpFlat(([v]) => [treeProduct(v!)], [flatten(x!)], [flatten(t as NDArray)], "reduce_prod");
    return [[y], [tOut!]];
  },
  reduce_and: zeroJvp("reduce_and"),
  reduce_or: zeroJvp("reduce_or"),
  argmax: zeroJvp("argmax"),
  argmin: zeroJvp("argmin"),
  cumsum: linearJvp("cumsum"),
  broadcast_in_dim: linearJvp("broadcast_in_dim"),
  reshape: linearJvp("reshape"),
  transpose: linearJvp("transpose"),
  squeeze: linearJvp("squeeze"),
  rev: linearJvp("rev"),
  slice: linearJvp("slice"),
  concatenate: linearJvp("concatenate"),
  pad: linearJvp("pad"),
  gather: linearInFirstJvp("gather"),
  scatter_add: ([x, idx, u], [tx, , tu], params) => {
    const out = bind1("scatter_add", [x!, idx!, u!], params);
    if (isZero(tx!) && isZero(tu!)) return [[out], [new Zero(out.aval)]];
    return [[out], [bind1("scatter_add", [instantiate(tx!), idx!, instantiate(tu!)], params)]];
  },
  dot_general: ([x, y], [tx, ty], params) => {
    const out = bind1("dot_general", [x!, y!], params);
    const [a, b] = [tx!, ty!];
    const parts = [isZero(a) ? null : bind1("dot_general", [a, y!], params), isZero(b) ? null : bind1("dot_general", [x!, b], params)];
    return [[out], [sumContributions(out.shape, out.aval, parts)]];
  },
  // Sort with a trailing iota to learn the permutation, then permute the tangents with it.
  sort: (primals, tangents, params) => {
    const dim = params.dimension;
    const iota = lax.iota("int32", primals[0]!.shape, dim);
    const outs = bind("sort", [...primals, iota], params);
    const perm = outs.pop()!;
    return [outs, tangents.map((t, i) => (isZero(t) ? new Zero(outs[i]!.aval) : np.takeAlongAxis(t, perm, dim)))];
  },
  iota: zeroJvp("iota"),
  threefry2x32: zeroJvp("threefry2x32"),
  // bits reinterpreted: no derivative (as in JAX)
  bitcast_convert_type: zeroJvp("bitcast_convert_type"),
};
