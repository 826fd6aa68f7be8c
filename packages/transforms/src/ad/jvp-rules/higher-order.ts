// JVP rules of the primitives that carry functions: custom rules, checkpoint, custom_lin
// (pjit's is with the control-flow rules in control.ts: it too rewrites its jaxpr).
import { bind, isInexact, type NDArray, NotDifferentiableError } from "@jaxts/core";
import { checkpointJvp } from "../checkpoint.js";
import { jvpFlat } from "../jvp.js";
import { instantiate, isZero, Zero } from "../zero.js";
import type { JvpTable } from "./types.js";

export const higherOrderJvpRules: JvpTable<"custom_jvp_call" | "custom_vjp_call" | "custom_lin" | "checkpoint"> = {
  custom_jvp_call: (primals, tangents, { jvp, num_consts }) => {
    const [outs, outTangents] = jvp(primals.slice(num_consts), tangents.slice(num_consts).map(instantiate));
    return [outs, outTangents.map((t, i) => (isInexact(outs[i]!.dtype) ? t : new Zero(outs[i]!.aval)))];
  },
  custom_vjp_call: (primals, tangents, { fwd, bwd, num_consts }) => {
    if (tangents.slice(0, num_consts).some((t) => !isZero(t))) {
      throw new NotDifferentiableError(
        "customVjp: the function closes over a value that is being differentiated; pass that value as an argument instead",
      );
    }
    const [outs, res] = fwd(primals.slice(num_consts));
    // Only inputs with a non-zero tangent become linear inputs: a materialised zero would
    // be staged as a residual as large as the input (a closed-over weight matrix, say).
    const argTangents = tangents.slice(num_consts);
    const live = argTangents.map((t) => !isZero(t));
    const outTangents = bind("custom_lin", [...res, ...argTangents.filter((t): t is NDArray => !isZero(t))], {
      name: "customVjp",
      num_res: res.length,
      out_avals: outs.map((o) => o.aval),
      fwd: null,
      bwd: (r, cts) => bwd(r, cts).filter((_, i) => live[i]),
    });
    return [outs, outTangents.map((t, i) => (isInexact(outs[i]!.dtype) ? t : new Zero(outs[i]!.aval)))];
  },
  custom_lin: (primals, tangents, params) => {
    const { fwd, num_res } = params;
    // With a forward map (checkpoint), differentiate through it: residuals may carry tangents.
    if (fwd !== null) return jvpFlat((xs) => fwd(xs.slice(0, num_res), xs.slice(num_res)), primals, tangents, params.name);
    if (tangents.slice(0, num_res).some((t) => !isZero(t))) {
      throw new NotDifferentiableError(`${params.name}: differentiating a linearized function with respect to its residuals is not supported`);
    }
    const outs = bind("custom_lin", primals, params);
    const outTangents = bind("custom_lin", [...primals.slice(0, params.num_res), ...tangents.slice(params.num_res).map(instantiate)], params);
    return [outs, outTangents];
  },
  checkpoint: checkpointJvp,
};

export type { NDArray };
