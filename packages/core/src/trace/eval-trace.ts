// The base trace: applies primitives to concrete arrays on the active backend (js as the
// fallback per call). Higher-order primitives evaluate their sub-jaxprs.
import { bufferOf, ConcreteArray, type NDArray } from "../array.js";
import { ShapedArray } from "../aval.js";
import { type Backend, type BackendBuffer, type FirstOrderPrim, isPureReview } from "../backend/backend.js";
import { jsBackend } from "../backend/js/index.js";
import { activeBackend } from "../backend/registry.js";
import "../backend/wasm-backend/index.js";
import { runElementwiseOnJs } from "../backend/js/elementwise.js";
import { debugNansEnabled } from "../config.js";
import { allocate, type DType, isComplex, isFloat, isHalf, type TypedArray, valuesOf } from "../dtype.js";
import { JaxtsError, NotDifferentiableError, TracerLeakError } from "../errors.js";
import { anyDeferred, DEFER_MIN, deferPrimitive, runWithDeferred } from "../compiler/deferred.js";
import { evalSubJaxpr, executableOf } from "../compiler/executable.js";
import { condImpl, scanImpl, whileImpl } from "../ir/control-eval.js";
import { abstractEval } from "../primitives/index.js";
import type { HigherOrderPrim } from "../primitives/misc.js";
import { type ElementwisePrim, isElementwisePrim } from "../primitives/elementwise.js";
import { noParams, type ParamsOf, type PrimitiveName } from "../primitives/params.js";
import { setBaseTrace, Trace, Tracer } from "./core.js";

/** Raised under config.debugNans when a primitive produces a NaN. */
export class FloatingPointError extends JaxtsError {}

type HigherOrderImpls = { readonly [P in HigherOrderPrim]: (args: readonly NDArray[], params: ParamsOf<P>) => NDArray[] };

const higherOrderImpls: HigherOrderImpls = {
  custom_jvp_call: (args, p) => evalSubJaxpr(p.call_jaxpr, args),
  custom_vjp_call: (args, p) => evalSubJaxpr(p.call_jaxpr, args),
  checkpoint: (args, p) => evalSubJaxpr(p.jaxpr, args),
  // A pjit evaluated (not transformed) runs its compiled executable (compiler/executable.ts).
  pjit: (args, p) => executableOf(p.jaxpr).run(args),
  cond: condImpl,
  while: whileImpl,
  scan: scanImpl,
  custom_lin: (args, p) => {
    if (p.fwd === null) {
      throw new NotDifferentiableError(
        `${p.name}: forward-mode differentiation (jvp, jacfwd) of a customVjp function is not supported; use customJvp`,
      );
    }
    return p.fwd(args.slice(0, p.num_res), args.slice(p.num_res));
  },
};

// A Set, not `p in higherOrderImpls`: this is asked for every eager primitive.
const higherOrderSet = new Set<PrimitiveName>(Object.keys(higherOrderImpls) as HigherOrderPrim[]);
function isHigherOrder(p: PrimitiveName): p is HigherOrderPrim {
  return higherOrderSet.has(p);
}

export class EvalTrace extends Trace {
  constructor() {
    super(null, "eager evaluation");
  }
  processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a instanceof ConcreteArray) continue;
      const from = a instanceof Tracer ? a.trace.transform : "unknown";
      throw new TracerLeakError(`${prim}: got a tracer from ${from} outside of its transformation`);
    }
    const concrete = args as readonly ConcreteArray[];
    if (isHigherOrder(prim)) return runHigherOrder(prim, concrete, params as ParamsOf<typeof prim>);
    return applyPrimitive(prim as FirstOrderPrim, concrete, params as ParamsOf<FirstOrderPrim>);
  }
}

function runHigherOrder<P extends HigherOrderPrim>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  const impl: HigherOrderImpls[P] = higherOrderImpls[prim];
  return impl(args, params);
}

/**
 * The one place where a first-order primitive's results become arrays: finds the output
 * avals, shares the input's buffer for a pure re-view, otherwise allocates one buffer per
 * output on the backend that runs the primitive (the active one if it supports this call,
 * else js), runs it into them, and wraps them as ConcreteArrays; then the debugNans check.
 */
export function applyPrimitive<P extends FirstOrderPrim>(prim: P, args: readonly ConcreteArray[], params: ParamsOf<P>): ConcreteArray[] {
  // Plain loops, no closures: this runs once per eager primitive, and at small sizes its
  // overhead is the whole cost (see PERF-NOTES, "eager overhead").
  const n = args.length;
  const inAvals = new Array<ShapedArray>(n);
  for (let i = 0; i < n; i++) inAvals[i] = args[i]!.aval;
  const outAvals = abstractEval(prim, inAvals, params);
  if (params === noParams && outAvals.length === 1 && isElementwisePrim(prim)) {
    const small = smallElementwiseCall(prim, args, inAvals, outAvals[0]!);
    if (small !== undefined) return [small];
  }
  // Big elementwise results are deferred, and what reads deferred operands runs in one
  // program with them (compiler/deferred.ts): a chain of eager primitives becomes one kernel.
  const deferred = deferPrimitive(prim, args, inAvals, params, outAvals);
  if (deferred !== undefined) return [deferred];
  if (anyDeferred(args)) {
    const results = runWithDeferred(prim, args, params, outAvals);
    if (results !== undefined) return results;
  }
  const inputs = new Array<BackendBuffer>(n);
  for (let i = 0; i < n; i++) inputs[i] = bufferOf(args[i]!);
  const m = outAvals.length;
  const outs = new Array<ConcreteArray>(m);
  if (isPureReview(prim, inAvals, params, outAvals)) {
    outs[0] = new ConcreteArray(outAvals[0]!, inputs[0]!);
  } else {
    const backend = backendFor(prim, inAvals, params);
    const outputs = new Array<BackendBuffer>(m);
    for (let i = 0; i < m; i++) outputs[i] = backend.allocate(outAvals[i]!);
    backend.run(prim, inputs, inAvals, params, outAvals, outputs);
    for (let i = 0; i < m; i++) outs[i] = new ConcreteArray(outAvals[i]!, outputs[i]!);
  }
  if (debugNansEnabled()) {
    for (const o of outs) {
      // (halves hold bit patterns: read their values; complex buffers hold both parts)
      if ((isFloat(o.dtype) || isComplex(o.dtype)) && (isHalf(o.dtype) ? valuesOf(bufferOf(o), o.dtype) : bufferOf(o)).some(Number.isNaN)) {
        throw new FloatingPointError(`debugNans: primitive \`${prim}\` produced a NaN (output ${o.aval.str()})`);
      }
    }
  }
  return outs;
}

/**
 * An elementwise call without params that the active backend would send to js anyway (every
 * operand below its minSize, and below DEFER_MIN, so nothing here is or becomes deferred):
 * eager scalar code (most of a nested grad's primitives) and small vectors. It runs on its js
 * loops without the deferral and dispatch of the general path, which cost more than the
 * operation, and gives what that path gives. Undefined (the general path) for any other
 * call, for halves and complex values, and under debugNans.
 */
function smallElementwiseCall(prim: ElementwisePrim, args: readonly ConcreteArray[], inAvals: readonly ShapedArray[], outAval: ShapedArray): ConcreteArray | undefined {
  if (!plainDType(outAval.dtype) || debugNansEnabled()) return undefined;
  const active = activeBackend();
  const below = Math.min(DEFER_MIN, active === jsBackend ? DEFER_MIN : (active.minSize?.(prim) ?? 0));
  for (let i = 0; i < inAvals.length; i++) if (!(inAvals[i]!.size < below) || !plainDType(inAvals[i]!.dtype)) return undefined;
  const inputs = new Array<TypedArray>(args.length);
  for (let i = 0; i < args.length; i++) inputs[i] = bufferOf(args[i]!);
  const out = allocate(outAval.dtype, outAval.size);
  runElementwiseOnJs(prim, inputs, inAvals, outAval, out);
  return new ConcreteArray(outAval, out);
}

const plainDType = (d: DType): boolean => !isHalf(d) && !isComplex(d);

function backendFor<P extends FirstOrderPrim>(prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>): Backend {
  const active = activeBackend();
  return active === jsBackend || active.supports(prim, inAvals, params) ? active : jsBackend;
}

export const evalTrace = new EvalTrace();
setBaseTrace(evalTrace);

export const scalarAval = (dtype: ShapedArray["dtype"], weak: boolean): ShapedArray => new ShapedArray([], dtype, weak);
