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
  forwardTo,
  checkNotLeaked,
  ruleLookup,
  swapTrace,
  withTrace,
} from "@jaxts/core";
import { jvpRules } from "./jvp-rules/index.js";
import { isZero, type Tangent, Zero } from "./zero.js";

const jvpLookup = ruleLookup(() => jvpRules);

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
    // Unpacked inline (no [primal, tangent] pairs): this runs for every primitive under jvp/grad.
    const n = args.length;
    const primals = new Array<NDArray>(n);
    const tangents = new Array<Tangent>(n);
    let allZero = true;
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (a instanceof JvpTracer && a.trace === this) {
        primals[i] = a.primal;
        tangents[i] = a.tangent;
        if (!(a.tangent instanceof Zero)) allZero = false;
      } else {
        primals[i] = a;
        tangents[i] = new Zero(a.aval);
      }
    }
    const parent = this.parent!;
    if (allZero) return forwardTo(parent, prim, primals, params);
    const rule: (typeof jvpRules)[P] = jvpLookup.require(prim, "jvp");
    const prev = swapTrace(parent);
    let outs: NDArray[];
    let outTangents: Tangent[];
    try {
      [outs, outTangents] = rule(primals, tangents, params);
    } finally {
      swapTrace(prev);
    }
    const packed = new Array<NDArray>(outs.length);
    for (let i = 0; i < outs.length; i++) {
      const t = outTangents[i]!;
      packed[i] = t instanceof Zero ? outs[i]! : new JvpTracer(this, outs[i]!, t);
    }
    return packed;
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
