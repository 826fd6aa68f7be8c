// The base trace: applies primitives to concrete arrays with the backend's kernels.
// Higher-order primitives evaluate their sub-jaxprs.
import { bufferOf, ConcreteArray, type NDArray } from "../array.js";
import { ShapedArray } from "../aval.js";
import { jsKernels, type KernelTable, type FirstOrderPrim } from "../backend/js/index.js";
import { debugNansEnabled } from "../config.js";
import { isFloat } from "../dtype.js";
import { JaxtsError, NotDifferentiableError, TracerLeakError } from "../errors.js";
import { evalJaxprFlat } from "../ir/eval.js";
import { condImpl, scanImpl, whileImpl } from "../ir/control-eval.js";
import { abstractEval } from "../primitives/index.js";
import type { HigherOrderPrim } from "../primitives/misc.js";
import type { ParamsOf, PrimitiveName } from "../primitives/params.js";
import { setBaseTrace, Trace, Tracer } from "./core.js";

/** Raised under config.debugNans when a primitive produces a NaN. */
export class FloatingPointError extends JaxtsError {}

type HigherOrderImpls = { readonly [P in HigherOrderPrim]: (args: readonly NDArray[], params: ParamsOf<P>) => NDArray[] };

const higherOrderImpls: HigherOrderImpls = {
  custom_jvp_call: (args, p) => evalJaxprFlat(p.call_jaxpr, [], args),
  custom_vjp_call: (args, p) => evalJaxprFlat(p.call_jaxpr, [], args),
  checkpoint: (args, p) => evalJaxprFlat(p.jaxpr, [], args),
  pjit: (args, p) => evalJaxprFlat(p.jaxpr, [], args),
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

function isHigherOrder(p: PrimitiveName): p is HigherOrderPrim {
  return p in higherOrderImpls;
}

const kernels: KernelTable<FirstOrderPrim> = jsKernels;

export class EvalTrace extends Trace {
  constructor() {
    super(null, "eager evaluation");
  }
  processPrimitive<P extends PrimitiveName>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
    const concrete = args.map((a) => {
      if (a instanceof ConcreteArray) return a;
      const from = a instanceof Tracer ? a.trace.transform : "unknown";
      throw new TracerLeakError(`${prim}: got a tracer from ${from} outside of its transformation`);
    });
    if (isHigherOrder(prim)) return runHigherOrder(prim, concrete, params as ParamsOf<typeof prim>);
    return runKernel(prim as FirstOrderPrim, concrete, params as ParamsOf<FirstOrderPrim>);
  }
}

function runHigherOrder<P extends HigherOrderPrim>(prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  const impl: HigherOrderImpls[P] = higherOrderImpls[prim];
  return impl(args, params);
}

function runKernel<P extends FirstOrderPrim>(prim: P, args: readonly ConcreteArray[], params: ParamsOf<P>): NDArray[] {
  const inAvals = args.map((a) => a.aval);
  const outAvals = abstractEval(prim, inAvals, params);
  const kernel: KernelTable<P>[P] = kernels[prim];
  const datas = kernel(
    args.map(bufferOf),
    inAvals,
    params,
    outAvals,
  );
  const outs = outAvals.map((av, i) => new ConcreteArray(av, datas[i]!));
  if (debugNansEnabled()) {
    for (const o of outs) {
      if (isFloat(o.dtype) && bufferOf(o).some(Number.isNaN)) {
        throw new FloatingPointError(`debugNans: primitive \`${prim}\` produced a NaN (output ${o.aval.str()})`);
      }
    }
  }
  return outs;
}

export const evalTrace = new EvalTrace();
setBaseTrace(evalTrace);

export const scalarAval = (dtype: ShapedArray["dtype"], weak: boolean): ShapedArray => new ShapedArray([], dtype, weak);
