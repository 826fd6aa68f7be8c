// The trace machinery: every primitive application goes through `bind`, which hands it
// to the current trace. The current trace is set from context (withTrace), not looked
// up in a numbered stack: a transformation's trace remembers its parent and runs its
// rules under it, so nested and closed-over tracers of different transforms never mix.
import { ConcreteArray, NDArray } from "../array.js";
import type { ShapedArray } from "../aval.js";
import { ConcretizationError, TracerLeakError } from "../errors.js";
import type { ParamsOf, PrimitiveName } from "../primitives/params.js";

export abstract class Trace {
  /** False once the transformation that owns this trace has returned. */
  active = true;
  constructor(
    readonly parent: Trace | null,
    /** The API name shown in errors: "grad", "jit", "makeJaxpr", ... */
    readonly transform: string,
  ) {}
  abstract processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[];
}

export abstract class Tracer extends NDArray {
  abstract readonly trace: Trace;
  override toString(): string {
    return `Traced<${this.aval.str()}> (inside ${this.trace.transform})`;
  }
}

let current: Trace | undefined;

/** The trace that primitives bind under now (the innermost active transformation, or eager evaluation). */
export function currentTrace(): Trace {
  if (current === undefined) throw new TracerLeakError("internal: no current trace");
  return current;
}

export function setBaseTrace(t: Trace): void {
  current ??= t;
}

/** Run `f` with `t` as the current trace, restoring the previous one afterwards. */
export function withTrace<T>(t: Trace, f: () => T): T {
  const prev = current;
  current = t;
  try {
    return f();
  } finally {
    current = prev;
  }
}

/** A TracerLeakError, naming `prim`, when `x` is a tracer of a transformation that has already returned. */
export function checkNotLeaked(x: NDArray, prim: string): void {
  if (x instanceof Tracer && !x.trace.active) {
    throw new TracerLeakError(
      `${prim}: got a tracer (${x.aval.str()}) created inside ${x.trace.transform} after that transformation ` +
        "returned. A traced value escaped its transformation (stored in an outer variable?); return it instead.",
    );
  }
}

/** Apply a primitive: the one entry point from the numpy/lax API into the traces. */
export function bind<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  for (const a of args) checkNotLeaked(a, prim);
  return currentTrace().processPrimitive(prim, args, params);
}

/**
 * Make `t` the current trace and return the one it replaces; the caller restores that with
 * a second call in a `finally`. withTrace without its closure, for the per-primitive paths
 * of the transformations.
 */
export function swapTrace(t: Trace | undefined): Trace | undefined {
  const prev = current;
  current = t;
  return prev;
}

/** `withTrace(t, () => bind(prim, args, params))` without the closure (it runs for every
 * primitive a transformation passes through to its parent). */
export function bindUnder<P extends PrimitiveName>(t: Trace, prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  const prev = current;
  current = t;
  try {
    return bind(prim, args, params);
  } finally {
    current = prev;
  }
}

/**
 * Hand a primitive on to trace `t` (the parent of the trace that received it), as the
 * current trace. For a trace passing through a primitive it does not transform: its
 * operands are the ones the `bind` that reached that trace has just checked for leaks (or
 * the primals inside that trace's own live tracers), so they are not checked again.
 */
export function forwardTo<P extends PrimitiveName>(t: Trace, prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  const prev = current;
  current = t;
  try {
    return t.processPrimitive(prim, args, params);
  } finally {
    current = prev;
  }
}

/** `bind` for a primitive with one result: that result. */
export function bind1<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray {
  return bind(prim, args, params)[0]!;
}

/** Raised by tracers that have no value (jaxpr tracers). */
export function concretizationError(what: string, aval: ShapedArray, transform: string, producer: string | undefined): ConcretizationError {
  const from = producer ? `, the output of primitive \`${producer}\`` : ", an input of the traced function";
  return new ConcretizationError(
    `${what} needs a concrete value, but got an abstract tracer ${aval.str()}${from}, inside ${transform}. ` +
      "Values are abstract while a function is staged (makeJaxpr, jit, vmap, control flow); " +
      "use lax.cond / np.where instead of branching on them, or mark the argument static.",
  );
}

export function isConcrete(x: NDArray): x is ConcreteArray {
  return x instanceof ConcreteArray;
}
