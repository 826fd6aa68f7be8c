// Fusion: consecutive elementwise equations over one shape become one kernel. Each equation's
// scalar expression (backend/scalar/primitives.ts) is substituted into its consumers' (with
// the rounding its stored result would have, so fused values equal unfused ones within the
// transcendentals' ulp bounds), and the kernel computes every value the rest of the program
// reads in one SIMD loop: one pass over memory instead of one per equation.
//
// The plan is a list of steps: single equations, and fused groups. A group stays open while
// elementwise equations of its shape follow. An equation outside it that reads one of its
// values (a reduction of it, say) is deferred until after the group, with everything that
// reads the deferred results; one that does not runs before the group. A group member that
// would read a deferred result closes the group instead. So the group gathers the elementwise
// equations from around the others, and the value and the gradient of a function come out of
// one kernel.
import { sameShape } from "../aval.js";
import { arg, type Expr, lit, stored, substitute } from "../backend/scalar/expr.js";
import { exprOf, scalarType } from "../backend/scalar/primitives.js";
import { type Atom, type Eqn, type Jaxpr, Literal, type Var } from "../ir/jaxpr.js";
import { type ElementwisePrim, isElementwisePrim } from "../primitives/elementwise.js";
import type { ParamsOf } from "../primitives/params.js";


/** Equations fused into one kernel over arrays of `shape`. */
export interface FusedGroup {
  readonly eqns: readonly Eqn[];
  readonly shape: readonly number[];
  /** The kernel's operands: variables of the group's shape, or rank 0 (splatted). */
  readonly inputs: readonly Var[];
  /** The values the rest of the program reads, in the order of `roots`. */
  readonly outputs: readonly Var[];
  /** The scalar expression of each output over `arg(k)` = inputs[k]. */
  readonly roots: readonly Expr[];
  /** Every member's own expression (its value before the store's rounding). */
  readonly members: readonly Expr[];
}

export type Step = { readonly kind: "eqn"; readonly eqn: Eqn } | { readonly kind: "fused"; readonly group: FusedGroup };

/** Can `eqn` be part of a group of shape `shape` (its operands full or rank 0)? */
function fits(eqn: Eqn, shape: readonly number[]): boolean {
  if (!isElementwisePrim(eqn.primitive) || eqn.outVars.length !== 1) return false;
  if (!sameShape(eqn.outVars[0]!.aval.shape, shape)) return false;
  return eqn.inputs.every((a) => a.aval.ndim === 0 || sameShape(a.aval.shape, shape));
}

/** Steps of `jaxpr`: its equations, with runs of fusable elementwise equations grouped. */
export function planFusion(jaxpr: Jaxpr): Step[] {
  // Who reads each variable (equations by index, and the jaxpr's outputs).
  const readers = new Map<Var, number[]>();
  jaxpr.eqns.forEach((eqn, k) => {
    for (const a of eqn.inputs) if (!(a instanceof Literal)) readers.set(a, [...(readers.get(a) ?? []), k]);
  });
  const programOuts = new Set(jaxpr.outs.filter((a): a is Var => !(a instanceof Literal)));

  const steps: Step[] = [];
  interface Open {
    readonly eqns: Eqn[];
    readonly indices: Set<number>;
    readonly shape: readonly number[];
    readonly members: Set<Var>;
    /** Equations that read the group's values (and their readers): they run after it. */
    readonly deferred: Eqn[];
    readonly deferredOuts: Set<Var>;
  }
  let open: Open | null = null;
  const reads = (eqn: Eqn, vars: ReadonlySet<Var>): boolean => eqn.inputs.some((a) => !(a instanceof Literal) && vars.has(a));
  const close = (): void => {
    if (open === null) return;
    if (open.eqns.length === 1) steps.push({ kind: "eqn", eqn: open.eqns[0]! });
    else steps.push({ kind: "fused", group: group(open.eqns, open.indices, open.shape, readers, programOuts) });
    for (const eqn of open.deferred) steps.push({ kind: "eqn", eqn });
    open = null;
  };
  jaxpr.eqns.forEach((eqn, k) => {
    const shape = eqn.outVars[0]?.aval.shape;
    if (shape !== undefined && fits(eqn, shape)) {
      if (open === null || !sameShape(open.shape, shape) || reads(eqn, open.deferredOuts)) {
        close();
        open = { eqns: [], indices: new Set(), shape, members: new Set(), deferred: [], deferredOuts: new Set() };
      }
      open.eqns.push(eqn);
      open.indices.add(k);
      for (const v of eqn.outVars) open.members.add(v);
      return;
    }
    if (open !== null && (reads(eqn, open.members) || reads(eqn, open.deferredOuts))) {
      open.deferred.push(eqn);
      for (const v of eqn.outVars) open.deferredOuts.add(v);
      return;
    }
    steps.push({ kind: "eqn", eqn });
  });
  close();
  return steps;
}

function group(eqns: readonly Eqn[], indices: ReadonlySet<number>, shape: readonly number[], readers: ReadonlyMap<Var, number[]>, programOuts: ReadonlySet<Var>): FusedGroup {
  const inputs: Var[] = [];
  const leaf = new Map<Var, Expr>();
  const raw = new Map<Var, Expr>();
  const rounded = new Map<Var, Expr>();
  const operand = (a: Atom): Expr => {
    if (a instanceof Literal) return lit(a.value, scalarType(a.aval.dtype));
    const inner = rounded.get(a);
    if (inner !== undefined) return inner;
    let e = leaf.get(a);
    if (e === undefined) {
      e = arg(inputs.length, scalarType(a.aval.dtype));
      inputs.push(a);
      leaf.set(a, e);
    }
    return e;
  };
  for (const eqn of eqns) {
    const prim = eqn.primitive as ElementwisePrim;
    const own = exprOf(prim, eqn.inputs.map((a) => a.aval.dtype), eqn.params as ParamsOf<typeof prim>);
    const e = substitute(own, eqn.inputs.map(operand));
    const v = eqn.outVars[0]!;
    raw.set(v, e);
    rounded.set(v, stored(e));
  }
  const outputs = eqns
    .map((e) => e.outVars[0]!)
    .filter((v) => programOuts.has(v) || (readers.get(v) ?? []).some((k) => !indices.has(k)));
  return { eqns, shape, inputs, outputs, roots: outputs.map((v) => raw.get(v)!), members: [...raw.values()] };
}
