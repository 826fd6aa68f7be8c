// Local rewrites of a jaxpr, each exact (the result has the same type and the same values):
//
// - identities: `mul x 1`, `mul 1 x`, `add x 0`, `add 0 x`, `sub x 0`, `div x 1`,
//   `integer_pow[y=1] x`, `convert_element_type` to x's own type, `reshape` to x's own
//   shape, `broadcast_in_dim` to x's own shape in order, `transpose` by the identity
//   permutation, and `transpose` of a `transpose` (composed into one, or removed);
// - `stop_gradient x` is x (it only matters to differentiation, which works on the jaxpr a
//   program was compiled from, never on the optimised one these passes make);
// - a `transpose` that swaps a `dot_general`'s free axes (lhs free ↔ rhs free, batch axes in
//   place; size-1 axes aside, and through reshapes that only add or drop size-1 axes) is the
//   `dot_general` with its operands swapped, when nothing else reads the product: (A·B)ᵀ =
//   Bᵀ·Aᵀ costs no transpose pass (backward passes produce it for every weight gradient);
// - a `transpose` that only moves size-1 axes is a `reshape` (the elements keep their order);
// - a `dot_general` operand that is a `transpose` whose free axes keep their order is read
//   untransposed, the transpose folded into the dimension numbers (x·yᵀ, xᵀ·y);
// - constant folding: an equation whose inputs are all literals and whose result is rank 0
//   is computed now and becomes a literal; an elementwise equation whose inputs are literals
//   or broadcasts of literals ("splats") becomes a splat of the computed value, and the
//   identities above see through splats (`mul x (broadcast 1.0)` is x).
//
// A rewrite only replaces an output by an operand whose type (shape, dtype, weak type) is
// the output's, so the jaxpr stays well typed. An identity on floats is applied only where
// it is exact for every value: `x + 0` is not `x` when x is −0 (−0 + 0 = +0), so `add x 0`
// folds only for integers or a literal −0 (x + −0 = x for every x, −0 included); on complex
// values, mul, div and add by a literal are never identities (see rewrite).
import { ShapedArray, sameType } from "../../aval.js";
import type { FirstOrderPrim } from "../../backend/backend.js";
import { isComplex, isFloat } from "../../dtype.js";
import { arithmeticPrims, bitwisePrims, comparisonPrims, isElementwisePrim, shiftPrims } from "../../primitives/elementwise.js";
import { higherOrderPrims } from "../../primitives/misc.js";
import type { ParamsOf, PrimitiveName } from "../../primitives/params.js";
import { applyPrimitive } from "../../trace/eval-trace.js";
import { literalArray } from "../eval.js";
import { type Atom, Eqn, Jaxpr, Literal, type Var, Var as VarOf } from "../jaxpr.js";


/** The scalar an atom holds everywhere: a literal, or a broadcast of one (a splat). */
type ScalarOf = (a: Atom) => number | undefined;
const isIdentityPerm = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

/** Rewrites `jaxpr` by the rules above (sub-jaxprs are left as they are). */
export function simplifyJaxpr(jaxpr: Jaxpr): Jaxpr {
  const uses = new Map<Var, number>();
  for (const eqn of jaxpr.eqns) for (const a of eqn.inputs) if (!(a instanceof Literal)) uses.set(a, (uses.get(a) ?? 0) + 1);
  for (const a of jaxpr.outs) if (!(a instanceof Literal)) uses.set(a, (uses.get(a) ?? 0) + 1);
  const subst = new Map<Var, Atom>();
  const producer = new Map<Var, Eqn>();
  const read = (a: Atom): Atom => (a instanceof Literal ? a : (subst.get(a) ?? a));
  const eqns: Eqn[] = [];
  for (const original of jaxpr.eqns) {
    const inputs = original.inputs.map(read);
    const eqn = new Eqn(original.primitive, inputs, original.params, original.outVars);
    const replacement = rewrite(eqn, producer, uses);
    if (replacement === undefined) {
      eqns.push(eqn);
      for (const v of eqn.outVars) producer.set(v, eqn);
    } else if (replacement instanceof VarOf || replacement instanceof Literal) {
      subst.set(eqn.outVars[0]!, replacement);
    } else {
      for (const e of replacement instanceof Eqn ? [replacement] : replacement) {
        eqns.push(e);
        for (const v of e.outVars) producer.set(v, e);
      }
    }
  }
  return new Jaxpr(jaxpr.constVars, jaxpr.inVars, eqns, jaxpr.outs.map(read));
}

/** The atom that replaces a single-output equation, the equation (or equations, the last
 * defining its output) that replace it, or undefined. */
function rewrite(eqn: Eqn, producer: ReadonlyMap<Var, Eqn>, uses: Map<Var, number>): Atom | Eqn | readonly Eqn[] | undefined {
  if (eqn.outVars.length !== 1) return undefined;
  const out = eqn.outVars[0]!.aval;
  const scalarOf: ScalarOf = (a) => {
    if (a instanceof Literal) return a.value;
    const p = producer.get(a);
    if (p?.primitive !== "broadcast_in_dim" || !(p.inputs[0] instanceof Literal)) return undefined;
    return (p.params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions.length === 0 ? p.inputs[0].value : undefined;
  };
  const isLit = (a: Atom, value: number): boolean => {
    const v = scalarOf(a);
    return v !== undefined && Object.is(v, value);
  };
  const fold = (e: Eqn): Atom | Eqn | undefined => foldConstants(e, scalarOf) ?? splatOperand(e, scalarOf);
  const [a, b] = eqn.inputs;
  const keep = (x: Atom | undefined): Atom | undefined => (x !== undefined && sameType(x.aval, out) ? x : undefined);
  // Complex products and quotients mix the parts: (a+bi)·(1+0i) has real part a·1 − b·0,
  // which is NaN when b is infinite, so `mul x 1` and `div x 1` are not x for every complex x;
  // nor is `add x 0` (−0 + 0 = +0 in either part).
  const complex = isComplex(out.dtype);
  const exactZero = (z: Atom): boolean => !complex && (isFloat(out.dtype) ? isLit(z, -0) : isLit(z, 0) || isLit(z, -0));
  const one = (x: Atom): boolean => !complex && isLit(x, 1);
  switch (eqn.primitive) {
    case "mul":
      return (one(b!) ? keep(a) : undefined) ?? (one(a!) ? keep(b) : undefined) ?? fold(eqn);
    case "div":
      return (one(b!) ? keep(a) : undefined) ?? fold(eqn);
    case "add":
      return (exactZero(b!) ? keep(a) : undefined) ?? (exactZero(a!) ? keep(b) : undefined) ?? fold(eqn);
    case "sub":
      // x − (+0) = x for every x, −0 included (−0 − 0 = −0).
      return (isLit(b!, 0) ? keep(a) : undefined) ?? fold(eqn);
    case "integer_pow":
      return ((eqn.params as ParamsOf<"integer_pow">).y === 1 ? keep(a) : undefined) ?? fold(eqn);
    case "convert_element_type":
    case "reshape":
    case "squeeze":
      return keep(a) ?? fold(eqn);
    case "stop_gradient":
      return keep(a);
    case "broadcast_in_dim": {
      const dims = (eqn.params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions;
      return (isIdentityPerm(dims) ? keep(a) : undefined) ?? fold(eqn);
    }
    case "transpose": {
      const perm = (eqn.params as ParamsOf<"transpose">).permutation;
      if (isIdentityPerm(perm)) return keep(a);
      // Only size-1 axes move: the elements keep their order, so it is a reshape (no copy).
      if (a !== undefined && keepsOrder(a.aval.shape, perm)) return new Eqn("reshape", [a], { new_sizes: out.shape }, eqn.outVars);
      const swapped = a instanceof Literal ? undefined : swappedDot(a!, perm, eqn.outVars, producer, uses);
      if (swapped !== undefined) return swapped;
      const inner = a instanceof Literal ? undefined : producer.get(a!);
      if (inner?.primitive !== "transpose") return undefined;
      // transpose(transpose(x, p), q) = transpose(x, p∘q): out axis i is x's axis p[q[i]].
      const p = (inner.params as ParamsOf<"transpose">).permutation;
      const composed = perm.map((q) => p[q]!);
      const x = inner.inputs[0]!;
      if (isIdentityPerm(composed)) return keep(x);
      return new Eqn("transpose", [x], { permutation: composed }, eqn.outVars);
    }
    case "dot_general":
      return transposedOperands(eqn as Eqn<"dot_general">, producer, uses) ?? fold(eqn);
    default:
      return fold(eqn);
  }
}

/**
 * dot_general(transpose(x, perm), …) as dot_general(x, …) with the operand's contracting and
 * batch axes renamed through perm, when its free axes keep their order (so the product's axes
 * are unchanged): xᵀ·y and x·yᵀ read x and y where they are, as a backward pass's products
 * do, instead of a transpose pass first (the transpose stays for its other readers, if any).
 * Either operand, or both; undefined when neither folds.
 */
function transposedOperands(eqn: Eqn<"dot_general">, producer: ReadonlyMap<Var, Eqn>, uses: Map<Var, number>): Eqn | undefined {
  const [[lc, rc], [lb, rb]] = eqn.params.dimension_numbers;
  const sides = [
    [eqn.inputs[0]!, lc, lb],
    [eqn.inputs[1]!, rc, rb],
  ] as const;
  const folded = sides.map(([operand, contract, batch]) => {
    const t = operand instanceof Literal ? undefined : producer.get(operand);
    if (t?.primitive !== "transpose" || t.inputs[0] instanceof Literal) return undefined;
    // Operand axis d is x's axis perm[d].
    const perm = (t.params as ParamsOf<"transpose">).permutation;
    const named = new Set([...contract, ...batch]);
    const free = perm.filter((_, d) => !named.has(d));
    if (free.some((axis, i) => i > 0 && axis < free[i - 1]!)) return undefined;
    return { from: operand as Var, x: t.inputs[0]!, contract: contract.map((d) => perm[d]!), batch: batch.map((d) => perm[d]!) };
  });
  if (folded.every((f) => f === undefined)) return undefined;
  for (const f of folded) {
    if (f === undefined) continue;
    uses.set(f.from, (uses.get(f.from) ?? 1) - 1);
    uses.set(f.x, (uses.get(f.x) ?? 0) + 1);
  }
  const [l, r] = folded;
  const params: ParamsOf<"dot_general"> = { dimension_numbers: [[l?.contract ?? lc, r?.contract ?? rc], [l?.batch ?? lb, r?.batch ?? rb]] };
  return new Eqn("dot_general", [l?.x ?? eqn.inputs[0]!, r?.x ?? eqn.inputs[1]!], params, eqn.outVars);
}

/** Whether transposing `shape` by `perm` keeps the order of its axes larger than 1. */
function keepsOrder(shape: readonly number[], perm: readonly number[]): boolean {
  let last = -1;
  for (const p of perm) {
    if (shape[p] === 1) continue;
    if (p < last) return false;
    last = p;
  }
  return true;
}

/** Whether a reshape only adds or drops axes of size 1 (the larger axes stay, in order). */
const unitReshape = (from: readonly number[], to: readonly number[]): boolean => {
  const big = (s: readonly number[]) => s.filter((n) => n !== 1);
  const [x, y] = [big(from), big(to)];
  return x.length === y.length && x.every((n, i) => n === y[i]);
};

/**
 * transpose(x, perm), where x is a dot_general(a, b) (possibly behind reshapes that only add
 * or drop size-1 axes, each read once), as dot_general(b, a) when perm puts b's free axes
 * first, then a's, with the batch axes in place (size-1 axes aside): (A·B)ᵀ = Bᵀ·Aᵀ costs no
 * transpose pass. The swapped product, reshaped to the transpose's shape when size-1 axes
 * moved; undefined otherwise.
 */
function swappedDot(x: Var, perm: readonly number[], outVars: readonly Var[], producer: ReadonlyMap<Var, Eqn>, uses: Map<Var, number>): readonly Eqn[] | undefined {
  let v = x;
  for (;;) {
    const p = producer.get(v);
    if (p === undefined || uses.get(v) !== 1) return undefined;
    if (p.primitive === "dot_general") break;
    if (p.primitive !== "reshape" || p.inputs[0] instanceof Literal || !unitReshape(p.inputs[0]!.aval.shape, v.aval.shape)) return undefined;
    v = p.inputs[0] as Var;
  }
  const dot = producer.get(v) as Eqn<"dot_general">;
  const [[lc, rc], [lb, rb]] = dot.params.dimension_numbers;
  const [a, b] = dot.inputs as [Atom, Atom];
  const nb = lb.length;
  const lFree = a.aval.ndim - nb - lc.length;
  const rFree = b.aval.ndim - nb - rc.length;
  // The product's axes are [batch, a's free, b's free]; the swapped one's [batch, b's free,
  // a's free]. Compare the orders of the axes larger than 1: those of the transpose's
  // result, each named by the product axis it comes from (reshapes of size-1 axes keep the
  // larger ones in order), against the swapped product's.
  const dims = v.aval.shape;
  const bigDims = dims.map((_, i) => i).filter((i) => dims[i] !== 1);
  const xBig = x.aval.shape.map((_, i) => i).filter((i) => x.aval.shape[i] !== 1);
  const label = new Map(xBig.map((i, k) => [i, bigDims[k]!]));
  const got = perm.filter((p) => x.aval.shape[p] !== 1).map((p) => label.get(p)!);
  const swappedOrder = [...Array(nb).keys(), ...Array.from({ length: rFree }, (_, i) => nb + lFree + i), ...Array.from({ length: lFree }, (_, i) => nb + i)];
  const want = swappedOrder.filter((i) => dims[i] !== 1);
  if (got.length !== want.length || got.some((g, i) => g !== want[i])) return undefined;
  const params: ParamsOf<"dot_general"> = { dimension_numbers: [[rc, lc], [rb, lb]] };
  const shape = swappedOrder.map((i) => dims[i]!);
  const out = outVars[0]!;
  if (shape.length === out.aval.ndim && shape.every((n, i) => n === out.aval.shape[i])) return [new Eqn("dot_general", [b, a], params, outVars)];
  const product = new VarOf(new ShapedArray(shape, out.aval.dtype, out.aval.weakType));
  uses.set(product, 1); // (read by the reshape alone: a later transpose may swap it back)
  return [new Eqn("dot_general", [b, a], params, [product]), new Eqn("reshape", [product], { new_sizes: out.aval.shape }, outVars)];
}

const firstOrder = (p: PrimitiveName): p is FirstOrderPrim => !(higherOrderPrims as readonly string[]).includes(p);

const binaryPrims = new Set<PrimitiveName>([...arithmeticPrims, ...bitwisePrims, ...shiftPrims, ...comparisonPrims]);

/** A binary elementwise equation reading a splat next to a full operand reads the scalar as
 * a rank-0 literal instead (binary primitives take rank-0 operands), leaving the broadcast
 * dead: one less array to fill and read. */
function splatOperand(eqn: Eqn, scalarOf: ScalarOf): Eqn | undefined {
  if (!binaryPrims.has(eqn.primitive) || eqn.inputs.length !== 2) return undefined;
  const out = eqn.outVars[0]!.aval;
  const inputs = eqn.inputs.map((a) => {
    const v = a instanceof Literal ? undefined : scalarOf(a);
    return v === undefined ? a : new Literal(v, new ShapedArray([], a.aval.dtype, a.aval.weakType));
  });
  if (inputs.every((a, i) => a === eqn.inputs[i])) return undefined;
  // The other operand must still carry the output's shape.
  if (!inputs.some((a) => a.aval.ndim === out.ndim && a.aval.shape.every((d, i) => d === out.shape[i]))) return undefined;
  return new Eqn(eqn.primitive, inputs, eqn.params, eqn.outVars);
}


/**
 * Constant folding: all-literal inputs and a rank-0 result give a literal; an elementwise
 * equation whose inputs are literals or splats gives a splat of the value computed once.
 */
function foldConstants(eqn: Eqn, scalarOf: ScalarOf): Atom | Eqn | undefined {
  const prim = eqn.primitive;
  if (!firstOrder(prim) || eqn.inputs.length === 0 || prim === "threefry2x32" || prim === "iota") return undefined;
  const out = eqn.outVars[0]!.aval;
  const allLiteral = eqn.inputs.every((x) => x instanceof Literal);
  if (!(allLiteral && out.ndim === 0) && !(isElementwisePrim(prim) && eqn.inputs.every((x) => scalarOf(x) !== undefined))) return undefined;
  // Each operand as a rank-0 value of its own dtype and weak type.
  const args = eqn.inputs.map((a) => literalArray(new Literal(scalarOf(a)!, new ShapedArray([], a.aval.dtype, a.aval.weakType))));
  const [result] = applyPrimitive(prim, args, eqn.params as ParamsOf<typeof prim>);
  const value = new Literal(Number(result!.toTypedArray()[0]!), new ShapedArray([], out.dtype, out.weakType));
  if (out.ndim === 0) return value;
  return new Eqn("broadcast_in_dim", [value], { shape: out.shape, broadcast_dimensions: [] }, eqn.outVars);
}
