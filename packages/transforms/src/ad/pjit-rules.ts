// `pjit` under differentiation, as in JAX: a jitted function stays one `pjit` equation
// through every transformation instead of being inlined. Its JVP binds `pjit` again over the
// JVP of its jaxpr; partial evaluation (linearize, grad) splits it into a known `pjit` run now
// and an unknown one staged with the residuals between them; its transpose is a `pjit` over
// the transposed jaxpr; batching batches the inner jaxpr (batching/rules.ts). So `grad(jit(f))`
// runs `f`'s forward and backward halves each as one jitted program — what the compiler
// (issue 10) compiles.
//
// Each rewritten jaxpr is made once per (jaxpr, pattern) (rewrite-cache.ts): a second call
// of `grad(jit(f))` re-traces nothing. The JVP rule lives with the other jaxpr-JVP rules in
// jvp-rules/control.ts.
import { splitAt } from "fp-ts/ReadonlyArray";
import { bind, bindUnder, hoistConsts, type Jaxpr, type NDArray, type ParamsOf, traceToJaxpr } from "@jaxts/core";
import type { PartialEvalTrace } from "./linearize.js";
import { partialEvalJaxpr, type SplitJaxpr } from "./partial-eval.js";
import { isUndefined, type TransposeRule } from "./transpose-rules.js";
import { transposeJaxpr } from "./control-transpose.js";
import { flags, rewriteCache } from "./rewrite-cache.js";
import { instantiate } from "./zero.js";

const splitCache = rewriteCache<SplitJaxpr>((s) => s.knownConsts);
const transposeCache = rewriteCache<{ jaxpr: Jaxpr; consts: NDArray[] }>((t) => t.consts);

/** Partial evaluation: the known half runs now (under the parent trace), the unknown half
 * is staged as a pjit of (residuals, unknown operands). */
export function pjitPartialEval(trace: PartialEvalTrace, args: readonly NDArray[], params: ParamsOf<"pjit">): NDArray[] {
  const { jaxpr, name, num_consts } = params;
  const unknown = args.map((a) => trace.isUnknown(a));
  const noInstantiate = jaxpr.outs.map(() => false);
  const split = splitCache(jaxpr, flags(unknown), () => partialEvalJaxpr(jaxpr, unknown, noInstantiate));
  const nKnownOuts = split.outUnknown.filter((u) => !u).length;
  const leadingKnown = unknown.slice(0, num_consts).filter((u) => !u).length;
  const knownOuts = bindUnder(trace.parent!, "pjit", [...split.knownConsts, ...args.filter((_, i) => !unknown[i])], {
    jaxpr: split.known,
    name,
    num_consts: split.knownConsts.length + leadingKnown,
  });
  const residuals = knownOuts.slice(nKnownOuts);
  const unknownOuts = trace.stage("pjit", [...residuals, ...args.filter((_, i) => unknown[i])], {
    jaxpr: split.unknown,
    name,
    num_consts: residuals.length + (num_consts - leadingKnown),
  });
  let k = 0;
  let u = 0;
  return split.outUnknown.map((uk) => (uk ? unknownOuts[u++]! : knownOuts[k++]!));
}

/** Transpose: pjit over (residuals, output cotangents) → cotangents of the linear operands. */
export const pjitTranspose: TransposeRule<"pjit"> = (cts, args, { jaxpr, name }) => {
  const linear = args.map(isUndefined);
  const res = args.filter((a): a is NDArray => !isUndefined(a));
  const outAvals = jaxpr.outAvals;
  const key = `${flags(linear)}:${res.map((r) => r.aval.str()).join(",")}`;
  const t = transposeCache(jaxpr, key, () => {
    const traced = traceToJaxpr(
      (ins) => transposeJaxpr(jaxpr, linear, ...splitAt(res.length)(ins)),
      [...res.map((r) => r.aval), ...outAvals],
      "transpose(jit)",
    );
    return { jaxpr: hoistConsts(traced.jaxpr), consts: traced.consts };
  });
  const outs = bind("pjit", [...t.consts, ...res, ...cts.map(instantiate)], { jaxpr: t.jaxpr, name: `transpose(${name})`, num_consts: t.consts.length });
  let k = 0;
  return args.map((a) => (isUndefined(a) ? outs[k++]! : null));
};
