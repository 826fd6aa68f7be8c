// Structured control flow (JAX's lax.cond / switch / while_loop / fori_loop / scan / map):
// the user's functions are traced once to jaxprs over abstract values and bound as one
// higher-order primitive, so every transformation rewrites the body instead of unrolling
// it, and a traced predicate never has to become a JS boolean.
import { splitAt } from "fp-ts/ReadonlyArray";
import { NDArray } from "../array.js";
import { ShapedArray } from "../aval.js";
import { isInteger } from "../dtype.js";
import { ArgumentError, ConcretizationError, DTypeError, ShapeError } from "../errors.js";
import { Jaxpr, Var } from "../ir/jaxpr.js";
import { leafToArray } from "../ir/make-jaxpr.js";
import { checkOptions } from "../options.js";
import { bind } from "../trace/core.js";
import { hoistConsts, traceToJaxpr } from "../trace/jaxpr-trace.js";
import * as tree from "../tree/index.js";
import { asArray } from "../creation.js";
import { add, convertElementType, lt, max, min, ne } from "./index.js";

type Fn = (...args: never[]) => unknown;

/** The form a pytree given as a value takes inside a traced function: its JS numbers and
 * booleans become NDArrays, and nothing is readonly. */
export type Traced<T> = T extends NDArray | number | boolean
  ? NDArray
  : T extends null | undefined
    ? T
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: Traced<T[K]> }
      : T extends object
        ? { -readonly [K in keyof T]: Traced<T[K]> }
        : T;

/** A user function traced to a jaxpr whose leading inputs are the constants it captured. */
interface TracedFn {
  readonly jaxpr: Jaxpr;
  readonly consts: readonly NDArray[];
  readonly outDef: tree.TreeDef;
}

function checkFn(where: string, f: unknown, what: string): void {
  if (typeof f !== "function") throw new ArgumentError(`${where}: ${what} must be a function, got ${f === null ? "null" : typeof f}`);
}

function call(f: Fn, args: readonly unknown[]): unknown {
  return (f as unknown as (...a: readonly unknown[]) => unknown)(...args);
}

/** Trace `f(...args)` where the flat inputs `avals` fill the argument pytree `inDef`. */
function traceFn(f: Fn, inDef: tree.TreeDef, avals: readonly ShapedArray[], where: string): TracedFn {
  let outDef: tree.TreeDef | undefined;
  const { jaxpr, consts } = traceToJaxpr(
    (xs) => {
      const out = call(f, tree.unflatten(inDef, xs) as unknown[]);
      if (out instanceof Promise) throw new ArgumentError(`${where}: the function returned a Promise; control flow needs a synchronous function`);
      const [leaves, def] = tree.flatten(out);
      outDef = def;
      return leaves.map((l, i) => leafToArray(l, `${where} (output leaf ${i})`));
    },
    avals,
    where,
  );
  return { jaxpr: hoistConsts(jaxpr), consts, outDef: outDef! };
}

function flattenArrays(t: unknown, where: string): [NDArray[], tree.TreeDef] {
  const [leaves, def] = tree.flatten(t);
  return [leaves.map((l, i) => leafToArray(l, `${where} (leaf ${i})`)), def];
}

/** `label` + the pytree path of each leaf of `t`: `carry[1].h`. */
function leafNames(t: unknown, label: string): string[] {
  return tree.leafPaths(t).map((p) => (p === "(root)" ? label : `${label}${p}`));
}

/**
 * A loop carry must keep its structure and avals. A weakly typed initial leaf (a JS number)
 * whose body output has another dtype or is strongly typed is first promoted to that
 * (JAX's `_promote_weak_typed_inputs`); returns the promoted carry, or null if none changed.
 */
function checkCarry(where: string, init: readonly NDArray[], initDef: tree.TreeDef, names: readonly string[], out: readonly ShapedArray[], outDef: tree.TreeDef): NDArray[] | null {
  tree.assertSameStructure(initDef, outDef, where, ["initial carry", "carry returned by the body"]);
  let promoted = false;
  const next = init.map((x, i) => {
    const o = out[i]!;
    const a = x.aval;
    if (a.dtype === o.dtype && a.weakType === o.weakType && a.ndim === o.ndim && a.shape.every((d, k) => d === o.shape[k])) return x;
    const sameShape = a.ndim === o.ndim && a.shape.every((d, k) => d === o.shape[k]);
    if (sameShape && a.weakType && (a.dtype !== o.dtype || !o.weakType)) {
      promoted = true;
      return convertElementType(x, o.dtype, o.weakType);
    }
    if (sameShape && a.dtype === o.dtype) return x; // only the weak type differs; the carry keeps the initial one
    const Err = sameShape ? DTypeError : ShapeError;
    throw new Err(`${where}: the carry must keep its shape and dtype: ${names[i]}: ${a.str()} became ${o.str()}`);
  });
  return promoted ? next : null;
}

/** Trace a loop body until its carry is stable under weak-type promotion (at most twice). */
function traceLoopBody(
  where: string,
  init: NDArray[],
  initDef: tree.TreeDef,
  names: readonly string[],
  trace: (carry: readonly NDArray[]) => { traced: TracedFn; carryOut: readonly ShapedArray[]; carryDef: tree.TreeDef },
): { carry: NDArray[]; traced: TracedFn } {
  let carry = init;
  for (let attempt = 0; ; attempt++) {
    const { traced, carryOut, carryDef } = trace(carry);
    const promoted = checkCarry(where, carry, initDef, names, carryOut, carryDef);
    if (promoted === null || attempt > 0) return { carry, traced };
    carry = promoted;
  }
}

function asIndex(where: string, x: unknown, allowBool: boolean): NDArray {
  const a = asArray(x, where);
  if (a.ndim !== 0) throw new ShapeError(`${where}: the ${allowBool ? "predicate" : "index"} must be a scalar, got ${a.aval.str()}`);
  if (a.dtype === "bool" && allowBool) return convertElementType(a, "int32");
  if (a.dtype === "int32") return allowBool ? convertElementType(ne(a, 0), "int32") : a;
  // Other integer widths: through float64 (exact), saturating into int32 (as a clamped index).
  if (isInteger(a.dtype)) return allowBool ? convertElementType(ne(a, 0), "int32") : convertElementType(convertElementType(a, "float64"), "int32");
  if (typeof x === "number" && Number.isInteger(x)) return convertElementType(a, "int32");
  throw new DTypeError(`${where}: the ${allowBool ? "predicate must be a boolean or an integer" : "index must be an integer"}, got ${a.aval.str()}`);
}

/** Trace every branch on the operands, check they agree, and give all of them the union of
 * their captured constants as leading inputs (JAX's common-consts convention). */
function traceBranches(where: string, branches: readonly Fn[], operands: readonly unknown[]): { jaxprs: Jaxpr[]; consts: NDArray[]; outDef: tree.TreeDef; ops: NDArray[] } {
  const [ops, opsDef] = flattenArrays([...operands], `${where} operands`);
  const traced = branches.map((b, i) => traceFn(b, opsDef, ops.map((o) => o.aval), `${where} (branch ${i})`));
  const first = traced[0]!;
  traced.forEach((t, i) => {
    tree.assertSameStructure(first.outDef, t.outDef, where, ["output of branch 0", `output of branch ${i}`]);
    const names = leafNames(tree.unflatten(first.outDef, first.jaxpr.outAvals), "output");
    t.jaxpr.outAvals.forEach((a, k) => {
      const b = first.jaxpr.outAvals[k]!;
      if (!a.equals(b)) {
        const Err = a.ndim === b.ndim && a.shape.every((d, j) => d === b.shape[j]) ? DTypeError : ShapeError;
        throw new Err(`${where}: every branch must return the same types: ${names[k]} is ${b.str()} in branch 0 but ${a.str()} in branch ${i}`);
      }
    });
  });
  return { ...joinBranchConsts(traced), outDef: first.outDef, ops };
}

/** Branches traced separately, each with its own captured constants as leading inputs, made
 * to share one list of constants: branch i ignores the others' (JAX's common-consts step). */
export function joinBranchConsts(traced: readonly { readonly jaxpr: Jaxpr; readonly consts: readonly NDArray[] }[]): { jaxprs: Jaxpr[]; consts: NDArray[] } {
  const consts = traced.flatMap((t) => [...t.consts]);
  const jaxprs = traced.map((t, i) => {
    const n = t.consts.length;
    const constVars = traced.flatMap((u, j) => (j === i ? t.jaxpr.inVars.slice(0, n) : u.consts.map((c) => new Var(c.aval))));
    return new Jaxpr([], [...constVars, ...t.jaxpr.inVars.slice(n)], t.jaxpr.eqns, t.jaxpr.outs);
  });
  return { jaxprs, consts };
}

/** `cond(pred, trueFn, falseFn, ...operands)`: `trueFn(...operands)` if pred else `falseFn(...operands)`.
 * Both branches are traced (they must return the same types); only one runs.
 *
 * @example
 * const f = (x: NDArray) => lax.cond(x.gt(0), (y: NDArray) => y.mul(2), (y: NDArray) => y.neg(), x);
 * f(array(3)).item(); // 6
 * f(array(-3)).item(); // 3
 */
export function cond<R>(pred: NDArray | number | boolean, trueFn: (...operands: never[]) => R, falseFn: (...operands: never[]) => R, ...operands: unknown[]): R {
  checkFn("cond", trueFn, "trueFn");
  checkFn("cond", falseFn, "falseFn");
  const index = asIndex("cond", pred, true);
  const { jaxprs, consts, outDef, ops } = traceBranches("cond", [falseFn, trueFn], operands);
  const outs = bind("cond", [index, ...consts, ...ops], { branches: jaxprs });
  return tree.unflatten(outDef, outs) as R;
}

/** `switch(index, branches, ...operands)`: `branches[index](...operands)`, the index clamped
 * into range as JAX does.
 *
 * @example
 * const branches = [(x: NDArray) => x.add(1), (x: NDArray) => x.mul(10)];
 * lax.switch(1, branches, array(2)).item(); // 20
 * lax.switch(5, branches, array(2)).item(); // 20
 */
export function switch_<R>(index: NDArray | number, branches: readonly ((...operands: never[]) => R)[], ...operands: unknown[]): R {
  if (!Array.isArray(branches) || branches.length === 0) throw new ArgumentError("switch: branches must be a non-empty list of functions");
  branches.forEach((b, i) => checkFn("switch", b, `branches[${i}]`));
  const i = asIndex("switch", index, false);
  if (branches.length === 1) return call(branches[0]!, operands) as R;
  const clamped = min(max(i, 0), branches.length - 1);
  const { jaxprs, consts, outDef, ops } = traceBranches("switch", branches, operands);
  const outs = bind("cond", [clamped, ...consts, ...ops], { branches: jaxprs });
  return tree.unflatten(outDef, outs) as R;
}
export { switch_ as switch };

/** `whileLoop(condFn, bodyFn, init)`: `while (condFn(carry)) carry = bodyFn(carry)`.
 * Forward-mode differentiable; for reverse mode use `scan` or `forLoop` with static bounds.
 * The carry is any pytree of arrays and numbers; its structure, shapes and dtypes stay fixed.
 *
 * @example
 * lax.whileLoop((x) => x.lt(100), (x) => x.mul(2), array(1)).item(); // 128
 */
export function whileLoop<const I>(condFn: (carry: NoInfer<Traced<I>>) => NDArray | boolean, bodyFn: (carry: NoInfer<Traced<I>>) => unknown, init: I): Traced<I> {
  checkFn("whileLoop", condFn, "condFn");
  checkFn("whileLoop", bodyFn, "bodyFn");
  const [init0, initDef] = flattenArrays(init, "whileLoop init");
  const names = leafNames(init, "carry");
  const argDef = tree.structure([tree.unflatten(initDef, init0)]);
  const { carry, traced: body } = traceLoopBody("whileLoop", init0, initDef, names, (c) => {
    const traced = traceFn(bodyFn as Fn, argDef, c.map((x) => x.aval), "whileLoop (bodyFn)");
    return { traced, carryOut: traced.jaxpr.outAvals, carryDef: traced.outDef };
  });
  const condT = traceFn(condFn as Fn, argDef, carry.map((x) => x.aval), "whileLoop (condFn)");
  const p = condT.jaxpr.outAvals;
  if (p.length !== 1 || p[0]!.ndim !== 0 || p[0]!.dtype !== "bool") {
    throw new DTypeError(`whileLoop: condFn must return a boolean scalar, got ${p.length === 1 ? p[0]!.str() : `${p.length} values`}`);
  }
  const outs = bind("while", [...condT.consts, ...body.consts, ...carry], {
    body_jaxpr: body.jaxpr,
    body_nconsts: body.consts.length,
    cond_jaxpr: condT.jaxpr,
    cond_nconsts: condT.consts.length,
  });
  return tree.unflatten(initDef, outs) as Traced<I>;
}

export interface ScanOptions {
  /** The number of iterations; required when `xs` is null, checked against xs otherwise. */
  readonly length?: number;
  /** Iterate from the last element of xs to the first (ys stay in xs's order). */
  readonly reverse?: boolean;
  /** How many iterations a compiled loop body holds (a performance hint; results are the same). */
  readonly unroll?: number | boolean;
}

/**
 * `scan(f, init, xs, { length, reverse, unroll })` → `[carry, ys]`, where
 * `f(carry, x) → [carry, y]` runs over the leading axis of every leaf of `xs` and the ys are
 * stacked along a new leading axis. `xs` may be null when `length` is given.
 *
 * @example
 * // running sums: the carry is the total so far, y each partial sum
 * const [total, partial] = lax.scan((c, x) => [c.add(x), c.add(x)], array(0), array([1, 2, 3, 4]));
 * total; // 10
 * partial; // [1, 3, 6, 10]
 */
export function scan<const I, const X, Y>(
  f: (carry: NoInfer<Traced<I>>, x: NoInfer<Traced<X>>) => readonly [unknown, Y],
  init: I,
  xs: X,
  opts: ScanOptions = {},
): [Traced<I>, Traced<Y>] {
  checkFn("scan", f, "f");
  const o = checkOptions(opts, "scan", { length: "integer", reverse: "boolean", unroll: "any" });
  const [init0, initDef] = flattenArrays(init, "scan init");
  const [xsFlat, xsDef] = flattenArrays(xs, "scan xs");
  const length = scanLength(xsFlat, o.length);
  const unroll = unrollOf(o.unroll, length);
  const xAvals = xsFlat.map((x) => new ShapedArray(x.shape.slice(1), x.dtype, x.weakType));
  const names = leafNames(init, "carry");
  let yDef: tree.TreeDef | undefined;
  const { carry, traced } = traceLoopBody("scan", init0, initDef, names, (c) => {
    const argDef = tree.structure([tree.unflatten(initDef, c), tree.unflatten(xsDef, xAvals)]);
    const traced = traceFn(f as Fn, argDef, [...c.map((x) => x.aval), ...xAvals], "scan (f)");
    const outs = tree.unflatten(traced.outDef, traced.jaxpr.outAvals);
    if (!Array.isArray(outs) || outs.length !== 2) {
      throw new ArgumentError(`scan: f must return a pair [carry, y], got ${Array.isArray(outs) ? `a list of length ${outs.length}` : "something else"}`);
    }
    const [carryOut, carryDef] = tree.flatten(outs[0]);
    yDef = tree.structure(outs[1]);
    return { traced, carryOut: carryOut as ShapedArray[], carryDef };
  });
  const outs = bind("scan", [...traced.consts, ...carry, ...xsFlat], {
    jaxpr: traced.jaxpr,
    length,
    num_carry: carry.length,
    num_consts: traced.consts.length,
    reverse: o.reverse ?? false,
    unroll,
  });
  const [carryOut, ys] = splitAt(carry.length)(outs);
  return [tree.unflatten(initDef, carryOut) as Traced<I>, tree.unflatten(yDef!, ys) as Traced<Y>];
}

function scanLength(xs: readonly NDArray[], given: number | undefined): number {
  if (given !== undefined && given < 0) throw new ArgumentError(`scan: length must be a non-negative integer, got ${given}`);
  for (const x of xs) {
    if (x.ndim === 0) throw new ShapeError(`scan: every leaf of xs needs a leading axis to scan over, got a scalar ${x.aval.str()}`);
  }
  const lengths = [...new Set(xs.map((x) => x.shape[0]!))];
  if (lengths.length > 1) throw new ShapeError(`scan: the leaves of xs have different leading axis sizes: ${lengths.join(", ")}`);
  if (given !== undefined && lengths.length === 1 && lengths[0] !== given) {
    throw new ShapeError(`scan: length ${given} does not match the leading axis size ${lengths[0]} of xs`);
  }
  const length = given ?? lengths[0];
  if (length === undefined) throw new ArgumentError("scan: with no xs to scan over, give the number of iterations as { length }");
  return length;
}

function unrollOf(u: unknown, length: number): number {
  if (u === undefined || u === false) return 1;
  if (u === true) return Math.max(length, 1);
  if (typeof u === "number" && Number.isInteger(u) && u >= 1) return u;
  throw new ArgumentError(`scan: unroll must be a positive integer or a boolean, got ${typeof u === "number" ? u : typeof u}`);
}

/** A concrete integer bound of forLoop, or null when it is traced. */
function staticBound(x: unknown, which: string): number | null {
  let v: unknown = x;
  if (x instanceof NDArray) {
    if (x.ndim !== 0) throw new ShapeError(`forLoop: ${which} must be a scalar, got ${x.aval.str()}`);
    if (!isInteger(x.dtype)) throw new DTypeError(`forLoop: ${which} must be an integer, got ${x.aval.str()}`);
    try {
      v = x.item();
    } catch (e) {
      if (e instanceof ConcretizationError) return null;
      throw e;
    }
  }
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ArgumentError(`forLoop: ${which} must be an integer, got ${typeof v === "number" ? v : typeof v}`);
  return v;
}

/**
 * `forLoop(lower, upper, bodyFn, init)` (JAX's `fori_loop`): `carry = bodyFn(i, carry)` for
 * i = lower … upper − 1. With static bounds it is a `scan` (reverse-differentiable), with
 * traced bounds a `whileLoop`.
 *
 * @example
 * lax.forLoop(0, 5, (i, acc) => acc.add(i), array(0)).item(); // 10
 */
export function forLoop<const I>(lower: NDArray | number, upper: NDArray | number, bodyFn: (i: NDArray, carry: NoInfer<Traced<I>>) => unknown, init: I): Traced<I> {
  checkFn("forLoop", bodyFn, "bodyFn");
  const lo = staticBound(lower, "lower");
  const hi = staticBound(upper, "upper");
  const start = convertElementType(lower, "int32");
  if (lo !== null && hi !== null) {
    const step = ([i, c]: [NDArray, unknown]) => [[add(i, 1), bodyFn(i, c as Traced<I>)], null] as const;
    const [[, out]] = scan(step, [start, init] as [NDArray, unknown], null, {
      length: Math.max(hi - lo, 0),
    });
    return out as Traced<I>;
  }
  const stop = convertElementType(upper, "int32");
  const [, , out] = whileLoop(
    ([i, n]: [NDArray, NDArray, unknown]) => lt(i, n),
    ([i, n, c]: [NDArray, NDArray, unknown]) => [add(i, 1), n, bodyFn(i, c as Traced<I>)],
    [start, stop, init] as [NDArray, NDArray, unknown],
  );
  return out as Traced<I>;
}

/** `map(f, xs)`: `f` applied to every slice of `xs` along its leading axis, results stacked
 * (a scan without a carry: one body, not a JS loop).
 *
 * @example
 * lax.map((row) => row.sum(), array([[1, 2], [3, 4]])); // [3, 7]
 */
export function map<const X, Y>(f: (x: NoInfer<Traced<X>>) => Y, xs: X): Traced<Y> {
  checkFn("map", f, "f");
  return scan((_: null, x: Traced<X>) => [null, f(x)] as const, null, xs)[1];
}
