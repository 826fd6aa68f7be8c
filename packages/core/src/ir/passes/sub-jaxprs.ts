// The jaxprs a higher-order equation carries, per primitive (a table typed over every
// higher-order primitive, so a new one cannot be forgotten by the passes).
import type { HigherOrderPrim } from "../../primitives/misc.js";
import type { ParamsOf, PrimitiveName } from "../../primitives/params.js";
import type { Eqn, Jaxpr } from "../jaxpr.js";
import { ruleLookup } from "../../rule-table.js";

type SubJaxprs = { readonly [P in HigherOrderPrim]: (params: ParamsOf<P>) => readonly Jaxpr[] };

const table: SubJaxprs = {
  custom_jvp_call: (p) => [p.call_jaxpr],
  custom_vjp_call: (p) => [p.call_jaxpr],
  custom_lin: () => [],
  checkpoint: (p) => [p.jaxpr],
  pjit: (p) => [p.jaxpr],
  cond: (p) => p.branches,
  while: (p) => [p.cond_jaxpr, p.body_jaxpr],
  scan: (p) => [p.jaxpr],
};

// (a lookup of the table's own entries: `p in table` would also find what every object inherits)
const lookup = ruleLookup(() => table);

/** The sub-jaxprs of `eqn` (none for a first-order primitive). */
export function subJaxprs(eqn: Eqn): readonly Jaxpr[] {
  const prim: PrimitiveName = eqn.primitive;
  if (!lookup.has(prim)) return [];
  const get = lookup.get(prim) as (params: ParamsOf<typeof prim>) => readonly Jaxpr[];
  return get(eqn.params as ParamsOf<typeof prim>);
}
