// Fusion: consecutive elementwise equations over one shape become one kernel. Each equation's
// scalar expression (backend/scalar/primitives.ts) is substituted into its consumers' (with
// the rounding its stored result would have, so fused values equal unfused ones within the
// transcendentals' ulp bounds), and the kernel computes every value the rest of the program
// reads in one SIMD loop: one pass over memory instead of one per equation.
//
// The plan is a list of steps: single equations, and fused groups. Groups grow along data
// flow across the whole program (planFusion), not only over consecutive equations: the
// elementwise equations of one shape gather from around the others, so the value and the
// gradient of a function, or an optimizer's whole update of one parameter, come out of one
// kernel.
import { sameShape } from "../aval.js";
import type { DType } from "../dtype.js";
import { arg, convert, type Expr, lit, stored, substitute } from "../backend/scalar/expr.js";
import { exprOf, scalarType } from "../backend/scalar/primitives.js";
import { type FusedReduce, SUM_BLOCK } from "../backend/scalar/wasm.js";
import { type Atom, type Eqn, type Jaxpr, Literal, type Var } from "../ir/jaxpr.js";
import { type ElementwisePrim, isElementwisePrim } from "../primitives/elementwise.js";
import type { ParamsOf } from "../primitives/params.js";


/** Equations fused into one kernel over arrays of `shape`. */
export interface FusedGroup {
  readonly eqns: readonly Eqn[];
  readonly shape: readonly number[];
  /** The kernel's operands: variables of the group's shape, or rank 0 (splatted), or the
   * operand of a row broadcast folded in (read periodically: see `periods`). */
  readonly inputs: readonly Var[];
  /** Per input, 0, or its size in steps of 4 when it is read periodically: a row broadcast
   * (`broadcast_in_dim` of a trailing block of the group's shape) folded into the index
   * arithmetic instead of materialised. */
  readonly periods: readonly number[];
  /** Per input, 0, or the steps each of its elements covers when it is read one element per
   * step, splatted: a column broadcast (`broadcast_in_dim` along trailing axes of a whole
   * number of steps) folded into the index arithmetic instead of materialised. */
  readonly repeats: readonly number[];
  /** Per input, undefined, or how the kernel reads it in place when it is the operand of a
   * transpose, slice or broadcast folded in (see StridedRead). */
  readonly strided: readonly (StridedRead | undefined)[];
  /** The values the rest of the program reads, in the order of `roots`. */
  readonly outputs: readonly Var[];
  /** The scalar expression of each output over `arg(k)` = inputs[k]. */
  readonly roots: readonly Expr[];
  /** Every member's own expression (its value before the store's rounding). */
  readonly members: readonly Expr[];
  /** Reductions fused in: `out` is the sum (or the max, or the min, as `op` says) of elements
   * of `of` (a member's stored value), accumulated in float64 by the kernel in blocks, as
   * `sumKind` says. */
  readonly sums: readonly { readonly out: Var; readonly of: Expr; readonly op: FusedReduce }[];
  /** How the group's sums (all of one kind) are taken; undefined without sums. */
  readonly sumKind: SumKind | undefined;
}

/**
 * How a kernel accumulates a fused reduce_sum, in float64, in blocks of `steps` steps whose
 * partial sums are added up in order afterwards (so a result does not depend on how the steps
 * were split across threads, the split falling on block boundaries):
 * - "full": every axis (rank-0 result): blocks of SUM_BLOCK steps, 4 lane sums each;
 * - "rows": the trailing axes, each row a whole number of steps: one block per row, whose 4
 *   lane sums give that row's result;
 * - "cols": the leading axes, the kept trailing part (`cols` steps) a whole number of steps (or
 *   rows of lcm(kept, 4) elements when it is not: see `kept`):
 *   blocks of whole rows, each with its own partial sum per column (the kernel adds into
 *   memory), the blocks added up per column.
 */
export interface SumKind {
  readonly mode: "full" | "rows" | "cols";
  readonly steps: number;
  /** Steps per row of kept elements ("cols" only; else 0). */
  readonly cols: number;
  /** "rows": the length of a row (the kernel writes each row's result). When it is not a
   * whole number of steps (sums only), a block holds lcm(length, 4) elements, a few whole
   * rows, each step adding its lanes to their rows. Else 0. */
  readonly rowLength: number;
  /** "cols" whose kept part is not a whole number of steps (a 10-wide bias gradient): that
   * length. The kernel then sums rows of lcm(kept, 4) elements (`cols` steps) position by
   * position, and the positions congruent mod kept add up to each result. Else 0. */
  readonly kept: number;
}

/** Whether the kernel reads input `k` of `g` through index arithmetic of its own (a broadcast,
 * transpose or slice folded in) rather than one step at a time, each element at its position. */
export const indexedInput = (g: FusedGroup, k: number): boolean => g.periods[k]! > 0 || g.repeats[k]! > 0 || g.strided[k] !== undefined;

const sameKind = (a: SumKind, b: SumKind): boolean => a.mode === b.mode && a.steps === b.steps && a.cols === b.cols && a.rowLength === b.rowLength && a.kept === b.kept;

/** The most steps a block of rows that are not whole steps may have (its steps are written
 * out one by one in the kernel): rows of 1, 2, 3, 5, 6, 7, 10 and 14 elements. */
const MAX_ROW_BLOCK_STEPS = 8;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
/** The longest partial rows (in steps) a column sum over a kept part that is not whole steps
 * keeps (4 f64 per step per block; rows of lcm(kept, 4) elements, up to 4·kept). */
const MAX_COL_STEPS = 1 << 14;
/** The shortest rows a fused row max or min is taken over. Each row ends with a merge of its
 * lanes, which shorter rows do not repay for every body: over 960k f32 on one thread, max(2x)
 * over rows of 4, 8, 12 took 2.69, 1.47, 1.10 ms fused against 2.75, 1.92, 1.43 after the
 * kernel, but max(exp x) 4.53, 3.29, 2.46 against 3.76, 2.43, 2.16 (2026-12-05). */
const MIN_FOLDED_ROW = 16;

export type Step = { readonly kind: "eqn"; readonly eqn: Eqn } | { readonly kind: "fused"; readonly group: FusedGroup };

/**
 * A broadcast the kernel reads in place: `broadcast_in_dim` of x to `shape` where x's axes are
 * the trailing axes of `shape` (so element i of the result is x[i mod x.size]), and x.size is
 * a whole number of steps (4 elements), so a step never straddles the end of x.
 */
export function isRowBroadcast(eqn: Eqn): boolean {
  if (eqn.primitive !== "broadcast_in_dim") return false;
  const x = eqn.inputs[0]!;
  if (x instanceof Literal || x.aval.ndim === 0 || x.aval.size % 4 !== 0) return false;
  const out = eqn.outVars[0]!.aval.shape;
  const dims = (eqn.params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions;
  const lead = out.length - x.aval.ndim;
  return dims.every((d, i) => d === lead + i) && x.aval.shape.every((n, i) => n === out[lead + i]);
}

/**
 * The steps each element covers when the kernel reads this broadcast in place, or 0: a
 * `broadcast_in_dim` of x (rank ≥ 1) to `shape` that keeps x's leading axes in place and
 * repeats each of x's elements over the trailing ones (x's trailing axes, if any, of size 1),
 * C = their size being a whole number of steps: element i of the result is x[i div C].
 */
export function columnBroadcastSteps(eqn: Eqn): number {
  if (eqn.primitive !== "broadcast_in_dim") return 0;
  const x = eqn.inputs[0]!;
  if (x instanceof Literal || x.aval.ndim === 0) return 0;
  const out = eqn.outVars[0]!.aval.shape;
  const dims = (eqn.params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions;
  if (!dims.every((d, i) => d === i)) return 0;
  let kept = 0;
  while (kept < x.aval.ndim && x.aval.shape[kept] === out[kept] && out[kept] !== 1) kept++;
  if (!x.aval.shape.slice(kept).every((n) => n === 1)) return 0;
  const inner = out.slice(kept).reduce((a, b) => a * b, 1);
  return inner > 0 && inner % 4 === 0 && x.aval.size * inner === out.reduce((a, b) => a * b, 1) ? inner / 4 : 0;
}

/**
 * How a fused kernel reads a layout op's operand in place, with index arithmetic instead of a
 * copy: element (i₀, …, iᵣ₋₁) of the result is x's element `base + Σ i_d·strides[d]` (x
 * row-major). Made for a transpose, a slice, or a broadcast (stride 0 along the axes it
 * repeats x over) of 4- or 8-byte elements. When the result's rows are whole steps (the last
 * axis a multiple of 4) the kernel walks one set of coordinates per step; otherwise each lane
 * keeps its own (backend/scalar/wasm.ts laneWalk).
 */
export interface StridedRead {
  readonly base: number;
  readonly strides: readonly number[];
}

const STRIDED_DTYPES: ReadonlySet<string> = new Set(["float32", "float64", "int32"]);

/**
 * The strided read that replaces this transpose, slice or broadcast in a fused kernel, or
 * undefined (broadcasts the kernel reads by cheaper means, splatted, periodically or repeated,
 * are not strided reads).
 */
export function stridedRead(eqn: Eqn): StridedRead | undefined {
  if (eqn.primitive !== "transpose" && eqn.primitive !== "slice" && eqn.primitive !== "broadcast_in_dim") return undefined;
  const x = eqn.inputs[0]!;
  const out = eqn.outVars[0]!.aval;
  if (x instanceof Literal || out.ndim === 0 || out.size === 0 || !STRIDED_DTYPES.has(out.dtype)) return undefined;
  const xStrides: number[] = [];
  for (let d = x.aval.ndim - 1, s = 1; d >= 0; s *= x.aval.shape[d]!, d--) xStrides[d] = s;
  if (eqn.primitive === "broadcast_in_dim") {
    if (x.aval.ndim === 0 || isRowBroadcast(eqn) || columnBroadcastSteps(eqn) > 0) return undefined;
    // along each result axis: x's stride where x has that axis at full size, else 0
    const dims = (eqn.params as ParamsOf<"broadcast_in_dim">).broadcast_dimensions;
    const strides = out.shape.map(() => 0);
    dims.forEach((d, i) => {
      if (x.aval.shape[i] === out.shape[d] && out.shape[d]! > 1) strides[d] = xStrides[i]!;
    });
    return { base: 0, strides };
  }
  if (eqn.primitive === "transpose") {
    const perm = (eqn.params as ParamsOf<"transpose">).permutation;
    return { base: 0, strides: perm.map((a) => xStrides[a]!) };
  }
  const { start_indices: start, strides } = eqn.params as ParamsOf<"slice">;
  return { base: start.reduce((acc, i, d) => acc + i * xStrides[d]!, 0), strides: xStrides.map((s, d) => s * (strides?.[d] ?? 1)) };
}

/** A broadcast of a scalar (rank 0) to a whole array: the kernel reads the scalar splatted. */
export function isScalarBroadcast(eqn: Eqn): boolean {
  return eqn.primitive === "broadcast_in_dim" && eqn.inputs[0]!.aval.ndim === 0 && eqn.outVars[0]!.aval.ndim > 0;
}

/** Can `eqn` be part of a group of shape `shape` (its operands full or rank 0)? */
function fits(eqn: Eqn, shape: readonly number[]): boolean {
  if (!isElementwisePrim(eqn.primitive) || eqn.outVars.length !== 1) return false;
  if (!sameShape(eqn.outVars[0]!.aval.shape, shape)) return false;
  return eqn.inputs.every((a) => a.aval.ndim === 0 || sameShape(a.aval.shape, shape));
}

/**
 * Steps of `jaxpr`: its equations, with fusable elementwise equations grouped. Clusters grow
 * along data flow: an elementwise equation joins the cluster of each operand's producer of
 * its shape, a full sum joins its operand's, and clusters that read the same array of their
 * shape merge (siblings) — unless that would make the clusters' dependency graph cyclic (a
 * path from one to the other through an equation outside both: the merged kernel would have
 * to run both before and after it) or a kernel would read its own sum. The clusters then run in dependency order, ties broken by their
 * first equation's position, so independent equations keep the order they were traced in.
 */
export function planFusion(jaxpr: Jaxpr): Step[] {
  const eqns = jaxpr.eqns;
  const n = eqns.length;
  // Who reads each variable (equations by index), and who produced it.
  const readers = new Map<Var, number[]>();
  const producer = new Map<Var, number>();
  eqns.forEach((eqn, k) => {
    for (const a of eqn.inputs) if (!(a instanceof Literal)) readers.set(a, [...(readers.get(a) ?? []), k]);
    for (const v of eqn.outVars) producer.set(v, k);
  });
  const programOuts = new Set(jaxpr.outs.filter((a): a is Var => !(a instanceof Literal)));
  const consumers = eqns.map((eqn) => [...new Set(eqn.outVars.flatMap((v) => readers.get(v) ?? []))]);
  const strided = eqns.map((eqn) => stridedRead(eqn) !== undefined);
  const folded = (eqn: Eqn, k: number): boolean => isRowBroadcast(eqn) || columnBroadcastSteps(eqn) > 0 || isScalarBroadcast(eqn) || strided[k]!;
  const shapeOf = eqns.map((eqn, k) => (eqn.outVars.length === 1 && (fits(eqn, eqn.outVars[0]!.aval.shape) || folded(eqn, k)) ? eqn.outVars[0]!.aval.shape : undefined));
  const sumKinds = eqns.map((eqn) => sumKindOf(eqn));
  const summed = sumKinds.map((q) => q !== undefined);
  /** The kind of the sums in each cluster (by root), if any: one kind per kernel. */
  const kindOf = new Map<number, SumKind>();
  eqns.forEach((_, k) => {
    if (sumKinds[k] !== undefined) kindOf.set(k, sumKinds[k]!);
  });
  const compatible = (a: number, b: number): boolean => {
    const [ka, kb] = [kindOf.get(a), kindOf.get(b)];
    return ka === undefined || kb === undefined || sameKind(ka, kb);
  };

  // Clusters: union-find over equation indices, with each root's members.
  const parent = Array.from({ length: n }, (_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
    return k;
  };
  const members = Array.from({ length: n }, (_, k) => [k]);
  /** Whether some path leaves cluster `a` and enters cluster `b` after passing an equation in neither. */
  // (over clusters: a cluster runs as one step, so reaching any of its members reaches all)
  const pathVia = (a: number, b: number): boolean => {
    const seen = new Set<number>();
    const stack: number[] = [];
    for (const k of members[a]!) for (const c of consumers[k]!) if (find(c) !== a && find(c) !== b) stack.push(find(c));
    while (stack.length > 0) {
      const r = stack.pop()!;
      if (seen.has(r)) continue;
      seen.add(r);
      for (const k of members[r]!) {
        for (const c of consumers[k]!) {
          const rc = find(c);
          if (rc === b) return true;
          if (rc !== a && rc !== r) stack.push(rc);
        }
      }
    }
    return false;
  };
  /** Whether clusters a and b together would read a sum they compute (a kernel cannot use its
   * own reduction). */
  // (nor the operand of a transpose, slice or broadcast it reads in place: that is read from memory at
  // other positions than the step's, so it must be computed before the kernel runs)
  const readsOwnSum = (a: number, b: number): boolean => {
    const inside = (k: number | undefined): boolean => k !== undefined && (find(k) === a || find(k) === b);
    for (const k of [...members[a]!, ...members[b]!]) {
      for (const x of eqns[k]!.inputs) {
        if (x instanceof Literal) continue;
        const p = producer.get(x);
        if (inside(p) && (summed[p!] || strided[k]!)) return true;
      }
    }
    return false;
  };
  const merge = (a: number, b: number): void => {
    const [keep, gone] = a < b ? [a, b] : [b, a];
    parent[gone] = keep;
    members[keep] = [...members[keep]!, ...members[gone]!].sort((x, y) => x - y);
    members[gone] = [];
    const kind = kindOf.get(keep) ?? kindOf.get(gone);
    if (kind !== undefined) kindOf.set(keep, kind);
  };
  eqns.forEach((eqn, k) => {
    // A full sum joins its operand's cluster; an elementwise equation, its operands' of its shape.
    const shape = summed[k] ? eqn.inputs[0]!.aval.shape : shapeOf[k];
    if (shape === undefined || folded(eqn, k)) return;
    for (const a of summed[k] ? eqn.inputs.slice(0, 1) : eqn.inputs) {
      if (a instanceof Literal) continue;
      const p = producer.get(a);
      if (p === undefined || shapeOf[p] === undefined || !sameShape(shapeOf[p]!, shape)) continue;
      const [ck, cp] = [find(k), find(p)];
      if (ck === cp || !compatible(ck, cp) || pathVia(cp, ck) || pathVia(ck, cp) || readsOwnSum(ck, cp)) continue;
      merge(ck, cp);
    }
  });

  // Siblings: clusters of one shape that read the same full-size value become one kernel (one
  // pass over it), when that keeps the plan acyclic.
  for (const [v, ks] of readers) {
    const sibs = ks.filter((k) => shapeOf[k] !== undefined && sameShape(shapeOf[k]!, v.aval.shape));
    for (let i = 1; i < sibs.length; i++) {
      const [a, b] = [find(sibs[0]!), find(sibs[i]!)];
      if (a === b || !compatible(a, b) || pathVia(a, b) || pathVia(b, a) || readsOwnSum(a, b)) continue;
      merge(a, b);
    }
  }

  // Clusters in dependency order (Kahn), the earliest first equation first among the ready.
  const roots = [...new Set(eqns.map((_, k) => find(k)))];
  const deps = new Map<number, Set<number>>(roots.map((r) => [r, new Set<number>()]));
  eqns.forEach((_, k) => {
    for (const c of consumers[k]!) if (find(c) !== find(k)) deps.get(find(c))!.add(find(k));
  });
  const waiting = new Map(roots.map((r) => [r, deps.get(r)!.size]));
  const dependents = new Map<number, number[]>(roots.map((r) => [r, []]));
  for (const [r, ds] of deps) for (const d of ds) dependents.get(d)!.push(r);
  const ready = roots.filter((r) => waiting.get(r) === 0);
  const steps: Step[] = [];
  while (ready.length > 0) {
    ready.sort((x, y) => y - x); // roots are their clusters' smallest index: pop the earliest
    const r = ready.pop()!;
    const ks = members[r]!;
    if (ks.length === 1) steps.push({ kind: "eqn", eqn: eqns[ks[0]!]! });
    else steps.push({ kind: "fused", group: group(ks.map((k) => eqns[k]!), new Set(ks), shapeOf[r]!, readers, programOuts) });
    for (const d of dependents.get(r)!) {
      const left = waiting.get(d)! - 1;
      waiting.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  if (steps.length !== roots.length) throw new Error("internal: fusion produced a cyclic plan");
  return steps;
}

/** The reductions a fused kernel accumulates, by primitive, and the operand dtypes it takes
 * them over: a logical and (or) of bools is the min (max) of their values 0 and 1. */
const REDUCE_OPS: { readonly [P in string]?: { readonly op: FusedReduce; readonly dtypes: readonly DType[] } } = {
  reduce_sum: { op: "sum", dtypes: ["float32", "float64"] },
  reduce_max: { op: "max", dtypes: ["float32", "float64"] },
  reduce_min: { op: "min", dtypes: ["float32", "float64"] },
  reduce_and: { op: "min", dtypes: ["bool"] },
  reduce_or: { op: "max", dtypes: ["bool"] },
};

/**
 * How a kernel over its operand can accumulate this reduction (REDUCE_OPS: a sum, max or min
 * of a float array, an and or or of a bool array) (SumKind), or undefined: over every axis;
 * over trailing axes whose rows are whole steps; over leading axes whose kept part is whole
 * steps (sums only).
 */
function sumKindOf(eqn: Eqn): SumKind | undefined {
  const reduce = REDUCE_OPS[eqn.primitive];
  if (reduce === undefined) return undefined;
  const x = eqn.inputs[0]!.aval;
  if (!reduce.dtypes.includes(x.dtype) || x.ndim === 0 || x.size === 0) return undefined;
  const op = reduce.op;
  const axes = [...(eqn.params as ParamsOf<"reduce_sum">).axes].sort((a, b) => a - b);
  if (axes.length === 0) return undefined;
  if (axes.length === x.ndim) return { mode: "full", steps: SUM_BLOCK, cols: 0, rowLength: 0, kept: 0 };
  const reduced = axes.reduce((p, a) => p * x.shape[a]!, 1);
  const kept = x.size / reduced;
  const trailing = axes.every((a, i) => a === x.ndim - axes.length + i);
  // (a row max or min ends each row with a fold of its lanes that costs more than a short
  // row's own steps: fused from MIN_FOLDED_ROW elements; shorter rows reduce after the kernel)
  if (trailing && reduced % 4 === 0 && (op === "sum" || reduced >= MIN_FOLDED_ROW)) return { mode: "rows", steps: reduced / 4, cols: 0, rowLength: reduced, kept: 0 };
  const blockSteps = reduced / gcd(reduced, 4); // lcm(reduced, 4) / 4
  if (op === "sum" && trailing && blockSteps <= MAX_ROW_BLOCK_STEPS) return { mode: "rows", steps: blockSteps, cols: 0, rowLength: reduced, kept: 0 };
  if (op === "sum" && axes.every((a, i) => a === i)) {
    // (a kept part that is not whole steps: rows of lcm(kept, 4) elements, a few kept rows)
    const cols = kept % 4 === 0 ? kept / 4 : kept / gcd(kept, 4);
    if (kept % 4 !== 0 && cols > MAX_COL_STEPS) return undefined;
    return { mode: "cols", steps: cols * Math.max(1, Math.round(SUM_BLOCK / cols)), cols, rowLength: 0, kept: kept % 4 === 0 ? 0 : kept };
  }
  return undefined;
}

function group(eqns: readonly Eqn[], indices: ReadonlySet<number>, shape: readonly number[], readers: ReadonlyMap<Var, number[]>, programOuts: ReadonlySet<Var>): FusedGroup {
  const inputs: Var[] = [];
  const periods: number[] = [];
  const repeats: number[] = [];
  const stridedInputs: (StridedRead | undefined)[] = [];
  const repeatedLeaf = new Map<Var, { readonly e: Expr; readonly steps: number }>();
  const leaf = new Map<Var, Expr>();
  const periodicLeaf = new Map<Var, Expr>();
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
      periods.push(0);
      repeats.push(0);
      stridedInputs.push(undefined);
      leaf.set(a, e);
    }
    return e;
  };
  /** The operand of a folded row broadcast: read with period x.size / 4 steps. */
  const periodic = (x: Var): Expr => {
    let e = periodicLeaf.get(x);
    if (e === undefined) {
      e = arg(inputs.length, scalarType(x.aval.dtype));
      inputs.push(x);
      periods.push(x.aval.size / 4);
      repeats.push(0);
      stridedInputs.push(undefined);
      periodicLeaf.set(x, e);
    }
    return e;
  };
  /** The operand of a folded column broadcast: one element per `steps` steps, splatted. */
  const repeated = (x: Var, steps: number): Expr => {
    const known = repeatedLeaf.get(x);
    if (known !== undefined && known.steps === steps) return known.e;
    const e = arg(inputs.length, scalarType(x.aval.dtype));
    inputs.push(x);
    periods.push(0);
    repeats.push(steps);
    stridedInputs.push(undefined);
    repeatedLeaf.set(x, { e, steps });
    return e;
  };
  /** The operand of a folded transpose, slice or broadcast: read through its strides (one input per read). */
  const stridedLeaf = (x: Var, read: StridedRead): Expr => {
    const e = arg(inputs.length, scalarType(x.aval.dtype));
    inputs.push(x);
    periods.push(0);
    repeats.push(0);
    stridedInputs.push(read);
    return e;
  };
  const sums: { out: Var; of: Expr; op: FusedReduce }[] = [];
  let sumKind: SumKind | undefined;
  for (const eqn of eqns) {
    const q = sumKindOf(eqn);
    if (q !== undefined) {
      sumKind = q;
      // its operand is a member (the plan only merges a sum into its operand's cluster); bools
      // are reduced as the floats 0 and 1
      const of = rounded.get(eqn.inputs[0] as Var)!;
      sums.push({ out: eqn.outVars[0]!, of: of.t === "bool" ? convert(of, "f32", "round") : of, op: REDUCE_OPS[eqn.primitive]!.op });
      continue;
    }
    const v = eqn.outVars[0]!;
    if (isScalarBroadcast(eqn)) {
      const x = operand(eqn.inputs[0]!);
      raw.set(v, x);
      rounded.set(v, x);
      continue;
    }
    const columns = columnBroadcastSteps(eqn);
    if (columns > 0) {
      const x = repeated(eqn.inputs[0] as Var, columns);
      raw.set(v, x);
      rounded.set(v, x);
      continue;
    }
    if (isRowBroadcast(eqn)) {
      const x = periodic(eqn.inputs[0] as Var);
      raw.set(v, x);
      rounded.set(v, x);
      continue;
    }
    const read = stridedRead(eqn);
    if (read !== undefined) {
      const x = stridedLeaf(eqn.inputs[0] as Var, read);
      raw.set(v, x);
      rounded.set(v, x);
      continue;
    }
    const prim = eqn.primitive as ElementwisePrim;
    const own = exprOf(prim, eqn.inputs.map((a) => a.aval.dtype), eqn.params as ParamsOf<typeof prim>);
    const e = substitute(own, eqn.inputs.map(operand));
    raw.set(v, e);
    rounded.set(v, stored(e));
  }
  const outputs = eqns
    .filter((e) => sumKindOf(e) === undefined)
    .map((e) => e.outVars[0]!)
    .filter((v) => programOuts.has(v) || (readers.get(v) ?? []).some((k) => !indices.has(k)));
  return { eqns, shape, inputs, periods, repeats, strided: stridedInputs, outputs, roots: outputs.map((v) => raw.get(v)!), members: [...raw.values()], sums, sumKind };
}
