// The staging trace: records every primitive applied to its tracers as an equation,
// building a jaxpr. Values from outside (concrete arrays, tracers of enclosing
// transformations) become constants; rank-0 concrete values become literals.
import { bufferOf, ConcreteArray, type NDArray } from "../array.js";
import { elementOf } from "../dtype.js";
import type { ShapedArray } from "../aval.js";
import { type Atom, Eqn, Jaxpr, Literal, Var } from "../ir/jaxpr.js";
import { abstractEval } from "../primitives/index.js";
import type { ParamsOf, PrimitiveName } from "../primitives/params.js";
import { concretizationError, currentTrace, Trace, Tracer, withTrace } from "./core.js";

export class JaxprTracer extends Tracer {
  constructor(
    readonly trace: JaxprTrace,
    readonly aval: ShapedArray,
    readonly v: Var,
    readonly producer?: string,
  ) {
    super();
  }
  concrete(what: string): ConcreteArray {
    throw concretizationError(what, this.aval, this.trace.transform, this.producer);
  }
}

export class JaxprTrace extends Trace {
  readonly eqns: Eqn[] = [];
  readonly #consts = new Map<NDArray, Var>();

  newArg(aval: ShapedArray): JaxprTracer {
    return new JaxprTracer(this, aval, new Var(aval));
  }

  atom(x: NDArray): Atom {
    if (x instanceof JaxprTracer && x.trace === this) return x.v;
    if (x instanceof ConcreteArray && x.ndim === 0) return new Literal(elementOf(bufferOf(x), x.dtype, 0), x.aval);
    return this.atomAsConst(x);
  }

  /** `x` as a constant variable of the jaxpr being built (one per distinct value). */
  atomAsConst(x: NDArray): Atom {
    let v = this.#consts.get(x);
    if (v === undefined) {
      v = new Var(x.aval);
      this.#consts.set(x, v);
    }
    return v;
  }

  processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    const n = args.length;
    const inputs = new Array<Atom>(n);
    const inAvals = new Array<ShapedArray>(n);
    for (let i = 0; i < n; i++) {
      inputs[i] = this.atom(args[i]!);
      inAvals[i] = args[i]!.aval;
    }
    const outAvals = abstractEval(prim, inAvals, params);
    const outs = new Array<JaxprTracer>(outAvals.length);
    const outVars = new Array<Var>(outAvals.length);
    for (let i = 0; i < outAvals.length; i++) {
      const v = new Var(outAvals[i]!);
      outVars[i] = v;
      outs[i] = new JaxprTracer(this, outAvals[i]!, v, prim);
    }
    this.eqns.push(new Eqn(prim, inputs, params, outVars));
    return outs;
  }

  /** Close the trace: a jaxpr over `ins` returning `outs`, with the captured constants. */
  finalize(ins: readonly JaxprTracer[], outs: readonly NDArray[]): { jaxpr: Jaxpr; consts: NDArray[] } {
    const outAtoms = outs.map((o) => this.atom(o));
    this.active = false;
    const consts = [...this.#consts.keys()];
    const constVars = [...this.#consts.values()];
    return { jaxpr: new Jaxpr(constVars, ins.map((t) => t.v), [...this.eqns], outAtoms), consts };
  }
}

/** Trace a flat function of arrays to a jaxpr over abstract inputs of the given avals. */
export function traceToJaxpr(
  f: (args: readonly NDArray[]) => readonly NDArray[],
  inAvals: readonly ShapedArray[],
  transform: string,
): { jaxpr: Jaxpr; consts: NDArray[] } {
  const trace = new JaxprTrace(currentTrace(), transform);
  const ins = inAvals.map((a) => trace.newArg(a));
  try {
    const outs = withTrace(trace, () => f(ins));
    return trace.finalize(ins, outs);
  } finally {
    trace.active = false;
  }
}

/** Move a jaxpr's constants to the front of its inputs, so tracers among them flow
 * through the operands of a higher-order primitive rather than hiding in its params. */
export function hoistConsts(jaxpr: Jaxpr): Jaxpr {
  return new Jaxpr([], [...jaxpr.constVars, ...jaxpr.inVars], jaxpr.eqns, jaxpr.outs);
}
