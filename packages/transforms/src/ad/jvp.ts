// Forward mode as a tagged trace: a JvpTracer carries a primal and a tangent, and only
// the JvpTrace that made it unpacks it. Rules run under the parent trace, so nesting
// and closures over outer tracers never confuse perturbations.
import {
  type ConcreteArray,
  currentTrace,
  NDArray,
  type ParamsOf,
  type PrimitiveName,
  type ShapedArray,
  Trace,
  Tracer,
  bind,
  checkNotLeaked,
  withTrace,
} from "@jaxts/core";
import { jvpRules } from "./jvp-rules/index.js";
import { isZero, type Tangent, Zero } from "./zero.js";

export class JvpTracer extends Tracer {
  constructor(
    readonly trace: JvpTrace,
    readonly primal: NDArray,
    readonly tangent: Tangent,
  ) {
    super();
  }
  get aval(): ShapedArray {
    return this.primal.aval;
  }
  concrete(what: string): ConcreteArray {
    // Eager differentiation keeps primals concrete: `x.item()` works inside grad.
    checkNotLeaked(this, what);
    return this.primal.concrete(what);
  }
}

export class JvpTrace extends Trace {
  /** This trace's view of a value: its primal and tangent (zero for foreign values). */
  unpack(x: NDArray): [NDArray, Tangent] {
    if (x instanceof JvpTracer && x.trace === this) return [x.primal, x.tangent];
    return [x, new Zero(x.aval)];
  }

  pack(primal: NDArray, tangent: Tangent): NDArray {
    return isZero(tangent) ? primal : new JvpTracer(this, primal, tangent);
  }

  processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    const primals: NDArray[] = [];
    const tangents: Tangent[] = [];
    for (const a of args) {
      const [p, t] = this.unpack(a);
      primals.push(p);
      tangents.push(t);
    }
    const parent = this.parent!;
    if (tangents.every(isZero)) return withTrace(parent, () => bind(prim, primals, params));
    const rule: (typeof jvpRules)[P] = jvpRules[prim];
    const [outs, outTangents] = withTrace(parent, () => rule(primals, tangents, params));
    return outs.map((p, i) => this.pack(p, outTangents[i]!));
  }
}

/** Run a flat function in forward mode: outputs and output tangents. */
export function jvpFlat(
  f: (args: readonly NDArray[]) => readonly NDArray[],
  primals: readonly NDArray[],
  tangents: readonly Tangent[],
  transform = "jvp",
): [NDArray[], Tangent[]] {
  const trace = new JvpTrace(currentTrace(), transform);
  try {
    const ins = primals.map((p, i) => trace.pack(p, tangents[i]!));
    const outs = withTrace(trace, () => f(ins));
    const unpacked = outs.map((o) => trace.unpack(o));
    return [unpacked.map((u) => u[0]), unpacked.map((u) => u[1])];
  } finally {
    trace.active = false;
  }
}

export { NDArray };
