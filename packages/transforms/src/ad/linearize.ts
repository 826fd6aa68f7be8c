// Reverse mode, step one: linearize = JVP + partial evaluation. Tangent inputs are the
// unknowns of a PartialEvalTrace; every operation whose inputs are all known (the primal
// computation) runs at once under the parent trace, so primals stay concrete, and the
// tangent computation is staged as a linear jaxpr whose constants are the residuals.
import {
  type Atom,
  forwardTo,
  ConcreteArray,
  currentTrace,
  isInexact,
  type Jaxpr,
  JaxprTrace,
  JaxprTracer,
  type NDArray,
  type ParamsOf,
  type PrimitiveName,
  type Trace,
  withTrace,
} from "@jaxts/core";
import { jvpFlat } from "./jvp.js";
import { hasSplitRule, partialEvalSplit } from "./partial-eval.js";
import { isZero, type Tangent, Zero } from "./zero.js";

export class PartialEvalTrace extends JaxprTrace {
  /**
   * Which primitive produced each known rank-0 value (and, when `recordAll`, each known
   * value: savedResiduals' report). A plain map owned by this trace, which dies with it,
   * rather than a global WeakMap: an insert per value into an ephemeron table was a
   * measurable part of every eager primitive under grad. Larger values are recorded only
   * on request, so the map never keeps a big intermediate alive for the whole forward pass.
   */
  readonly knownProducers = new Map<NDArray, string>();
  recordAll = false;

  /** Computed rank-0 values stay residuals (constants), so savedResiduals reports them;
   * scalars that came from the program text still print as literals. */
  override atom(x: NDArray): Atom {
    if (x instanceof ConcreteArray && x.ndim === 0 && isKnownValue(this, x)) return super.atomAsConst(x);
    return super.atom(x);
  }

  isUnknown(x: NDArray): boolean {
    return x instanceof JaxprTracer && x.trace === this;
  }

  /** Stage an equation on unknown inputs (known ones become residuals). */
  stage<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    return super.processPrimitive(prim, args, params);
  }

  override processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    let unknown = false;
    for (const a of args) if (a instanceof JaxprTracer && a.trace === this) unknown = true;
    if (unknown) {
      // Control flow and pjit are split into a known half run now and an unknown one staged.
      if (hasSplitRule(prim)) return partialEvalSplit(this, prim, args, params as ParamsOf<typeof prim>);
      return super.processPrimitive(prim, args, params);
    }
    const outs = forwardTo(this.parent!, prim, args, params);
    // Only concrete scalars need recording for `atom` (a tracer is never a literal anyway).
    for (const o of outs) if (this.recordAll || (o.ndim === 0 && o instanceof ConcreteArray)) this.knownProducers.set(o, prim);
    return outs;
  }
}

/** Was `x` computed as a known value by this or an enclosing partial-evaluation trace? */
function isKnownValue(trace: PartialEvalTrace, x: NDArray): boolean {
  for (let t: Trace | null = trace; t !== null; t = t.parent) {
    if (t instanceof PartialEvalTrace && t.knownProducers.has(x)) return true;
  }
  return false;
}

export interface Linearized {
  readonly primalsOut: NDArray[];
  /** Linear jaxpr: constVars are residuals, inVars one tangent per primal input, outs the non-zero tangents. */
  readonly jaxpr: Jaxpr;
  readonly residuals: NDArray[];
  /** For each output: is its tangent symbolically zero (absent from the jaxpr's outs)? */
  readonly outZero: readonly boolean[];
  readonly outAvals: NDArray["aval"][];
  /** The primitive that produced each residual (undefined for arguments and constants). */
  readonly residualProducers: readonly (string | undefined)[];
}

const differentiable = (x: NDArray): boolean => isInexact(x.dtype);

/** `f` on flat primals, split by partial evaluation into the primal outputs (computed now) and
 * a linear jaxpr of the tangents with its residuals: the core of linearize, vjp and grad. */
export function linearizeFlat(
  f: (args: readonly NDArray[]) => readonly NDArray[],
  primals: readonly NDArray[],
  transform = "linearize",
  recordProducers = false,
): Linearized {
  const pe = new PartialEvalTrace(currentTrace(), transform);
  pe.recordAll = recordProducers;
  try {
    const tanIns = primals.map((p) => pe.newArg(p.aval));
    const tangents: Tangent[] = primals.map((p, i) => (differentiable(p) ? tanIns[i]! : new Zero(p.aval)));
    const [outs, outTangents] = withTrace(pe, () => jvpFlat(f, primals, tangents, transform));
    const outZero = outTangents.map(isZero);
    const live = outTangents.filter((t): t is NDArray => !isZero(t));
    const { jaxpr, consts } = pe.finalize(tanIns, live);
    return { primalsOut: outs, jaxpr, residuals: consts, outZero, outAvals: outs.map((o) => o.aval), residualProducers: consts.map((c) => pe.knownProducers.get(c)) };
  } finally {
    pe.active = false;
  }
}
