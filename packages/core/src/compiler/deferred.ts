// Deferred eager evaluation. On the wasm backend an eager elementwise primitive over a big
// array (or a broadcast, transpose or slice that a fused kernel reads in place) does not run
// at once: it returns a ConcreteArray that records how to compute its
// value (array.ts `Deferred`). The first read of that value, or the first primitive that is
// not elementwise to take it, stages the chain of deferred equations behind it into a small
// jaxpr and runs it as a compiled program, exactly as `jit` runs one: the chain becomes one
// fused kernel over the arena, and only the values that are read leave it. An eager
// `sum(tanh(x)·σ(x) + ½x²)` so reads x once and writes nothing but its sum, where equation
// by equation it made five arrays of x's size (each a fresh allocation, filled, copied out
// of the arena and later collected).
//
// Nothing observable changes: every value is computed from the same inputs by the same
// kernels (a fused kernel equals the unfused ones within the transcendentals' ulp bounds,
// and its sums accumulate in float64 as under jit); the function runs once, with concrete
// values, so control flow on values, side effects and errors behave as in plain eager code;
// a deferred array is immutable like any other and reads the same every time. Shapes, dtypes
// and errors about them are decided when the primitive is applied, not when it runs.
//
// Bounds: a deferred array holds its inputs (not their values' copies), and at most
// MAX_PENDING equations stand behind one: past that its deferred operands are computed
// first. Only big arrays (≥ DEFER_MIN elements) are deferred: below, a primitive's kernel
// costs less than staging a program.
import { type ConcreteArray, bufferOf, ConcreteArray as Concrete, deferredOf, installDeferredEvaluator, type NDArray } from "../array.js";
import { sameShape, type ShapedArray } from "../aval.js";
import type { FirstOrderPrim } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import { debugNansEnabled } from "../config.js";
import { isCoreDType, type TypedArray } from "../dtype.js";
import { evalJaxprFlat, literalArray } from "../ir/eval.js";
import { type Atom, Eqn, Jaxpr, Literal, Var } from "../ir/jaxpr.js";
import { isElementwisePrim } from "../primitives/elementwise.js";
import type { ParamsOf } from "../primitives/params.js";
import { numberKey } from "../format.js";
import { stagedProgram, usesOnlyCoreDTypes } from "./executable.js";
import { columnBroadcastSteps, isRowBroadcast, stridedRead } from "./fusion.js";

/** Elements from which an eager elementwise result is deferred (measured: below, staging
 * and planning a program costs more than the separate kernels and their copies). */
export const DEFER_MIN = 1 << 16;
/** The most deferred equations behind one array, and the most computed arrays they read. */
const MAX_PENDING = 32;
const MAX_LEAVES = 16;

/** Counters for tests: programs run for deferred arrays, and arrays deferred. */
export const deferredStats = { programs: 0, deferred: 0 };

/** Whether deferral is on at all: the wasm backend (which runs compiled programs), without
 * debugNans (which checks each primitive's result as it is made). */
const deferring = (): boolean => !suspended && activeBackend().name === "wasm" && !debugNansEnabled();

/**
 * The result of `prim` over `args`, deferred, or undefined when it runs now: an elementwise
 * primitive of one big result, every operand of its shape or a scalar, or a broadcast,
 * transpose or slice that a fused kernel reads in place, all of the compiled programs' dtypes.
 */
export function deferPrimitive<P extends FirstOrderPrim>(prim: P, args: readonly ConcreteArray[], inAvals: readonly ShapedArray[], params: ParamsOf<P>, outAvals: readonly ShapedArray[]): ConcreteArray | undefined {
  if (outAvals.length !== 1) return undefined;
  const out = outAvals[0]!;
  if (out.size < DEFER_MIN || !isCoreDType(out.dtype) || !deferring()) return undefined;
  for (const a of inAvals) if (!isCoreDType(a.dtype)) return undefined;
  const outVar = new Var(out);
  if (isElementwisePrim(prim)) {
    for (const a of inAvals) if (a.ndim !== 0 && !sameShape(a.shape, out.shape)) return undefined;
  } else {
    // (broadcasts, transposes and slices that a fused kernel reads in place)
    if (prim !== "broadcast_in_dim" && prim !== "transpose" && prim !== "slice") return undefined;
    const probe = new Eqn(prim, [new Var(inAvals[0]!)], params, [outVar]);
    if (!isRowBroadcast(probe) && columnBroadcastSteps(probe) === 0 && stridedRead(probe) === undefined) return undefined;
  }
  let pending = 1;
  let leaves = 0;
  for (const a of args) {
    const d = deferredOf(a);
    pending += d?.pending ?? 0;
    leaves += d?.leaves ?? 1;
  }
  if (pending > MAX_PENDING || leaves > MAX_LEAVES) {
    for (const a of args) bufferOf(a); // computes the deferred operands now
    [pending, leaves] = [1, args.length];
  }
  deferredStats.deferred++;
  return new Concrete(out, undefined, { primitive: prim, params, args, outVar, pending, leaves });
}

/** Whether some operand is deferred (then the primitive runs with them in one program). */
export function anyDeferred(args: readonly ConcreteArray[]): boolean {
  for (const a of args) if (deferredOf(a) !== undefined) return true;
  return false;
}

/**
 * `prim` (first order, not deferred) over operands some of which are deferred, run as one
 * program with the equations behind them, so their values go through the arena instead of
 * fresh arrays; undefined where no program can run it (a dtype outside the compiled
 * programs': its operands are then computed on their own).
 */
export function runWithDeferred<P extends FirstOrderPrim>(prim: P, args: readonly ConcreteArray[], params: ParamsOf<P>, outAvals: readonly ShapedArray[]): ConcreteArray[] | undefined {
  if (!deferring()) return undefined;
  const staged = stage(args);
  const outVars = outAvals.map((a) => new Var(a));
  const eqn = new Eqn(prim, staged.atoms, params, outVars);
  const jaxpr = new Jaxpr([], staged.leafVars, [...staged.eqns, eqn], outVars);
  if (!usesOnlyCoreDTypes(jaxpr)) return undefined;
  return runProgram(jaxpr, staged.leaves) as ConcreteArray[];
}

/** The deferred equations behind `roots`, in dependency order, over their computed inputs
 * (`leaves`, named by `leafVars`); `atoms` names each root in them. */
interface Staged {
  readonly eqns: Eqn[];
  readonly leafVars: Var[];
  readonly leaves: ConcreteArray[];
  readonly atoms: Atom[];
}

function stage(roots: readonly ConcreteArray[]): Staged {
  const eqns: Eqn[] = [];
  const leafVars: Var[] = [];
  const leaves: ConcreteArray[] = [];
  const names = new Map<ConcreteArray, Var>();
  const scalars = new Map<string, Var>();
  const name = (a: ConcreteArray): Var => {
    let v = names.get(a);
    if (v !== undefined) return v;
    const d = deferredOf(a);
    if (d === undefined) {
      // (equal scalars, such as a loop's constants made afresh each iteration, are one operand)
      const key = a.aval.ndim === 0 ? scalarKey(a) : undefined;
      v = key === undefined ? undefined : scalars.get(key);
      if (v === undefined) {
        v = new Var(a.aval);
        leafVars.push(v);
        leaves.push(a);
        if (key !== undefined) scalars.set(key, v);
      }
    } else {
      // (operands first: the equations come out in dependency order; the depth is bounded by MAX_PENDING)
      const inputs = d.args.map(name);
      eqns.push(new Eqn(d.primitive, inputs, d.params as ParamsOf<typeof d.primitive>, [d.outVar]));
      v = d.outVar;
    }
    names.set(a, v);
    return v;
  };
  const atoms = roots.map(name);
  return { eqns, leafVars, leaves, atoms };
}

/** A key equal for rank-0 arrays of one value and type (weak or not), else different. */
const scalarKey = (a: ConcreteArray): string => valueKey(a.aval, Number(bufferOf(a)[0]));
/** A scalar's type and value as a key (−0 apart from 0). */
const valueKey = (aval: ShapedArray, value: number): string => `${aval.dtype}/${aval.weakType}/${numberKey(value)}`;

/** Runs a jaxpr staged from deferred arrays: a compiled program over the arena, cached by
 * the jaxpr's structure (a loop stages the same chains every iteration). */
function runProgram(jaxpr: Jaxpr, args: readonly NDArray[]): NDArray[] {
  deferredStats.programs++;
  const program = stagedProgram(jaxpr);
  if (program !== undefined) return program.run(args);
  // (no program: its equations one by one, with nothing deferred)
  suspended = true;
  try {
    return evalJaxprFlat(jaxpr, [], args);
  } finally {
    suspended = false;
  }
}
let suspended = false;

/** Computes a deferred array's value (installed as array.ts's evaluator). */
function evaluate(c: ConcreteArray): TypedArray {
  const staged = stage([c]);
  const out = staged.atoms[0]!;
  const [result] = runProgram(new Jaxpr([], staged.leafVars, staged.eqns, [out]), staged.leaves);
  return bufferOf(result as ConcreteArray);
}
installDeferredEvaluator(evaluate);

/** Float constants every program is likely to hold (and the passes simplify with): kept. */
const COMMON_CONSTANTS: ReadonlySet<number> = new Set([0, 1, -1, 2, 0.5]);

/**
 * `jaxpr` with its other float scalar literals made inputs (their values returned, to be
 * passed after `args`), for a jaxpr staged afresh on every call whose constants may change
 * between calls (an eager backward pass over a loss weighted by a number the loop changes):
 * with the values baked in, each new value would compile new kernels, which are never freed.
 */
export function hoistLiterals(jaxpr: Jaxpr, args: readonly NDArray[]): { readonly jaxpr: Jaxpr; readonly args: readonly NDArray[] } {
  const vars: Var[] = [];
  const values: NDArray[] = [];
  const hoisted = new Map<string, Var>();
  const sub = (a: Atom): Atom => {
    if (!(a instanceof Literal) || (a.aval.dtype !== "float32" && a.aval.dtype !== "float64") || COMMON_CONSTANTS.has(a.value)) return a;
    const key = valueKey(a.aval, a.value);
    let v = hoisted.get(key);
    if (v === undefined) {
      v = new Var(a.aval);
      hoisted.set(key, v);
      vars.push(v);
      values.push(literalArray(a));
    }
    return v;
  };
  const eqns = jaxpr.eqns.map((e) => (e.inputs.some((a) => a instanceof Literal) ? new Eqn(e.primitive, e.inputs.map(sub), e.params, e.outVars) : e));
  if (vars.length === 0) return { jaxpr, args };
  return { jaxpr: new Jaxpr(jaxpr.constVars, [...jaxpr.inVars, ...vars], eqns, jaxpr.outs.map(sub)), args: [...args, ...values] };
}

/**
 * `jaxpr` over `args` with the deferred ones' equations put in front of it: the staged
 * jaxpr reads their computed inputs instead (for a program that runs once, such as an eager
 * backward pass, so a residual is computed where it is used instead of in an array of its
 * own). Returns the jaxpr and its arguments; both unchanged when nothing is deferred.
 */
export function inlineDeferred(jaxpr: Jaxpr, args: readonly NDArray[]): { readonly jaxpr: Jaxpr; readonly args: readonly NDArray[] } {
  const deferred = args.map((a) => a instanceof Concrete && deferredOf(a) !== undefined);
  if (!deferred.includes(true) || jaxpr.constVars.length > 0) return { jaxpr, args };
  const staged = stage(args.filter((_, i) => deferred[i]) as ConcreteArray[]);
  const rename = new Map<Var, Atom>();
  const inVars: Var[] = [...staged.leafVars];
  const ins: NDArray[] = [...staged.leaves];
  let k = 0;
  jaxpr.inVars.forEach((v, i) => {
    if (deferred[i]) rename.set(v, staged.atoms[k++]!);
    else {
      inVars.push(v);
      ins.push(args[i]!);
    }
  });
  const sub = (a: Atom): Atom => (a instanceof Var ? (rename.get(a) ?? a) : a);
  const eqns = [...staged.eqns, ...jaxpr.eqns.map((e) => new Eqn(e.primitive, e.inputs.map(sub), e.params, e.outVars))];
  return { jaxpr: new Jaxpr([], inVars, eqns, jaxpr.outs.map(sub)), args: ins };
}
