// The signature of a JVP rule and the helper vocabulary shared by the rule files.
import { bind, type NDArray, type ParamsOf, type PrimitiveName } from "@jaxts/core";
import { broadcastTangent, instantiate, isZero, type Tangent, Zero } from "../zero.js";

/** A JVP rule runs under the parent trace: primals and tangents in, outputs and tangents out. */
export type JvpRule<P extends PrimitiveName> = (
  primals: readonly NDArray[],
  tangents: readonly Tangent[],
  params: ParamsOf<P>,
) => [NDArray[], Tangent[]];

export type JvpTable<Ps extends PrimitiveName> = { readonly [P in Ps]: JvpRule<P> };

/** A rule that reads no params, so it fits every primitive of a family. */
export type SimpleJvpRule = (primals: readonly NDArray[], tangents: readonly Tangent[], params: never) => [NDArray[], Tangent[]];

/** Outputs with zero tangents (integer/boolean results, piecewise-constant functions). */
export const zeroJvp =
  <P extends PrimitiveName>(prim: P) =>
  (primals: readonly NDArray[], _t: readonly Tangent[], params: ParamsOf<P>): [NDArray[], Tangent[]] => {
    const outs = bind(prim, primals, params);
    return [outs, outs.map((o) => new Zero(o.aval))];
  };

/** A primitive linear in all its operands: the tangent is the primitive applied to tangents. */
export const linearJvp =
  <P extends PrimitiveName>(prim: P) =>
  (primals: readonly NDArray[], tangents: readonly Tangent[], params: ParamsOf<P>): [NDArray[], Tangent[]] => {
    const outs = bind(prim, primals, params);
    const ts = bind(prim, tangents.map(instantiate), params);
    return [outs, ts];
  };

/** A primitive linear in its first operand only (the rest are indices or static data). */
export const linearInFirstJvp =
  <P extends PrimitiveName>(prim: P) =>
  (primals: readonly NDArray[], tangents: readonly Tangent[], params: ParamsOf<P>): [NDArray[], Tangent[]] => {
    const outs = bind(prim, primals, params);
    const t = tangents[0]!;
    if (isZero(t)) return [outs, outs.map((o) => new Zero(o.aval))];
    return [outs, bind(prim, [t, ...primals.slice(1)], params)];
  };

/** Sum of per-operand tangent contributions; each is broadcast to the output's shape. */
export function sumContributions(shape: readonly number[], outAval: NDArray["aval"], parts: readonly (NDArray | null)[]): Tangent {
  let acc: NDArray | null = null;
  for (const p of parts) {
    if (p === null) continue;
    const b = broadcastTangent(p, shape);
    acc = acc === null ? b : bind("add", [acc, b], {})[0]!;
  }
  return acc ?? new Zero(outAval);
}
