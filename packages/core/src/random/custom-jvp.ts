// A function with its own JVP rule, bound from inside core (transforms' customJvp builds the
// same `custom_jvp_call`): the samplers whose derivative is not the derivative of their
// algorithm (gamma's implicit reparameterisation) use it, and it still jits and vmaps.
import type { NDArray } from "../array.js";
import type { CustomJvpRule } from "../primitives/params.js";
import { bind } from "../trace/core.js";
import { hoistConsts, traceToJaxpr } from "../trace/jaxpr-trace.js";

export function callWithJvp(f: (xs: readonly NDArray[]) => NDArray[], jvp: CustomJvpRule, args: readonly NDArray[], where: string): NDArray[] {
  const { jaxpr, consts } = traceToJaxpr(f, args.map((a) => a.aval), where);
  return bind("custom_jvp_call", [...consts, ...args], { call_jaxpr: hoistConsts(jaxpr), jvp, num_consts: consts.length });
}
