// customJvp and customVjp: functions whose derivative rule the user supplies. The
// primal function is traced once to a jaxpr (closure constants hoisted to operands)
// and bound as a higher-order primitive carrying the rule.
import {
  ArgumentError,
  bind,
  type CustomBwd,
  type CustomFwd,
  flattenArgs,
  fmtShape,
  hoistConsts,
  type NDArray,
  sameShape,
  ShapeError,
  traceToJaxpr,
  tree,
  TreeStructureError,
} from "@jaxts/core";
import { checkCallable, flattenOutputs } from "./args.js";
import { type AnyFn, type LooseArgs, call } from "./types.js";

function traceFlat(where: string, f: AnyFn, args: readonly unknown[]) {
  const [flat, inDef] = flattenArgs(args, where);
  let outDef: tree.TreeDef | undefined;
  const { jaxpr, consts } = traceToJaxpr(
    (xs) => {
      const [outs, def] = flattenOutputs(call(f, tree.unflatten(inDef, xs) as unknown[]), where);
      outDef = def;
      return outs;
    },
    flat.map((a) => a.aval),
    where,
  );
  return { flat, inDef, outDef: outDef!, jaxpr: hoistConsts(jaxpr), consts };
}

function checkLike(where: string, what: string, got: readonly NDArray[], want: readonly NDArray["aval"][]): void {
  if (got.length !== want.length) throw new ShapeError(`${where}: ${what} has ${got.length} leaves, expected ${want.length}`);
  got.forEach((g, i) => {
    if (!sameShape(g.shape, want[i]!.shape)) {
      throw new ShapeError(`${where}: ${what} leaf ${i} has shape ${fmtShape(g.shape)}, expected ${fmtShape(want[i]!.shape)}`);
    }
  });
}

/**
 * `f` with a hand-written forward-mode derivative: `jvpRule(primals, tangents) → [out,
 * tangentOut]` (primals and tangents are arrays with one entry per argument; `tangentOut` has
 * `out`'s shape and dtype). Reverse mode is derived from the rule, so `grad` uses it too —
 * for numerical stability (a derivative that would overflow) or a chosen subgradient.
 *
 * @example
 * import { type NDArray, np } from "@jaxts/core";
 * import { customJvp, grad } from "@jaxts/transforms";
 *
 * const log1pexp = customJvp(
 *   (x: NDArray) => np.log1p(np.exp(x)),
 *   ([x], [t]) => [np.log1p(np.exp(x as NDArray)), (t as NDArray).mul(np.subtract(1, np.divide(1, np.exp(x as NDArray).add(1))))],
 * );
 * grad(log1pexp)(100).item(); // 1, where the plain formula's gradient is NaN
 */
export function customJvp<F extends AnyFn>(
  f: F,
  jvpRule: (primals: unknown[], tangents: unknown[]) => [unknown, unknown],
): (...args: LooseArgs<F>) => ReturnType<F> {
  checkCallable("customJvp", f);
  if (typeof jvpRule !== "function") throw new ArgumentError("customJvp: jvpRule must be a function (primals, tangents) => [out, tangentOut]");
  return (...args) => {
    const t = traceFlat("customJvp", f, args);
    const outAvals = t.jaxpr.outAvals;
    const outs = bind("custom_jvp_call", [...t.consts, ...t.flat], {
      call_jaxpr: t.jaxpr,
      num_consts: t.consts.length,
      jvp: (primals, tangents) => {
        const p = tree.unflatten(t.inDef, primals) as unknown[];
        const ts = tree.unflatten(t.inDef, tangents) as unknown[];
        const result = jvpRule(p, ts);
        if (!Array.isArray(result) || result.length !== 2) throw new ArgumentError("customJvp: the jvp rule must return a pair [out, tangentOut]");
        const [o, odef] = flattenOutputs(result[0], "customJvp rule (primal output)");
        const [to, tdef] = flattenOutputs(result[1], "customJvp rule (tangent output)");
        tree.assertSameStructure(t.outDef, odef, "customJvp", ["function's output", "rule's primal output"]);
        tree.assertSameStructure(t.outDef, tdef, "customJvp", ["function's output", "rule's tangent output"]);
        checkLike("customJvp", "the rule's primal output", o, outAvals);
        checkLike("customJvp", "the rule's tangent output", to, outAvals);
        return [o, to.map((x, i) => (x.dtype === outAvals[i]!.dtype ? x : x.astype(outAvals[i]!.dtype)))];
      },
    });
    return tree.unflatten(t.outDef, outs) as ReturnType<F>;
  };
}

interface CallShape {
  readonly inDef: tree.TreeDef;
  readonly outDef: tree.TreeDef;
  readonly outAvals: readonly NDArray["aval"][];
  readonly argDefs: readonly tree.TreeDef[];
  readonly argAvals: readonly NDArray["aval"][];
}

/** The flat fwd/bwd closures of one customVjp call. They see only the call's structure,
 * never its arguments, so the primal inputs are not kept alive until the backward pass. */
function customVjpRules(fwd: AnyFn, bwd: AnyFn, shape: CallShape): { fwd: CustomFwd; bwd: CustomBwd } {
  const { inDef, outDef, outAvals, argDefs, argAvals } = shape;
  let resDef: tree.TreeDef | undefined;
  return {
    fwd: (primals) => {
      const result = call(fwd, tree.unflatten(inDef, primals) as unknown[]);
      if (!Array.isArray(result) || result.length !== 2) throw new ArgumentError("customVjp: fwd must return a pair [out, residuals]");
      const [o, odef] = flattenOutputs(result[0], "customVjp fwd (output)");
      tree.assertSameStructure(outDef, odef, "customVjp", ["function's output", "fwd's output"]);
      checkLike("customVjp", "fwd's output", o, outAvals);
      const [res, rdef] = flattenOutputs(result[1], "customVjp fwd (residuals)");
      resDef = rdef;
      return [o, res];
    },
    bwd: (residuals, cts) => {
      const result = call(bwd, [tree.unflatten(resDef!, residuals), tree.unflatten(outDef, cts)]);
      if (!Array.isArray(result) || result.length !== argDefs.length) {
        throw new ShapeError(
          `customVjp: bwd must return an array with one cotangent per argument (${argDefs.length}), got ${Array.isArray(result) ? `${result.length}` : typeof result}`,
        );
      }
      const flatCts: NDArray[] = [];
      result.forEach((c, i) => {
        const [leaves, def] = flattenOutputs(c, `customVjp bwd (cotangent ${i})`);
        if (!def.equals(argDefs[i]!)) {
          throw new TreeStructureError(`customVjp: bwd's cotangent ${i} has structure ${def}, but argument ${i} has structure ${argDefs[i]}`);
        }
        flatCts.push(...leaves);
      });
      checkLike("customVjp", "bwd's cotangents", flatCts, argAvals);
      return flatCts;
    },
  };
}

/**
 * `f` with a hand-written reverse-mode derivative (TensorFlow's `tf.custom_gradient`):
 * `fwd(...args) → [out, residuals]` computes the output and what the backward pass needs;
 * `bwd(residuals, ct) → cotangents`, one per argument with that argument's shape and dtype.
 *
 * @example
 * import { type NDArray, np } from "@jaxts/core";
 * import { customVjp, grad } from "@jaxts/transforms";
 *
 * // the identity, whose gradient is clipped to [-1, 1]
 * const clipGradient = customVjp(
 *   (x: NDArray) => x,
 *   (x: NDArray) => [x, null],
 *   (_: null, ct: NDArray) => [np.clip(ct, -1, 1)],
 * );
 * grad((x: NDArray) => clipGradient(x).mul(5))(2).item(); // 1
 */
export function customVjp<F extends AnyFn>(
  f: F,
  fwd: (...args: Parameters<F>) => [unknown, unknown],
  bwd: (residuals: never, ct: never) => unknown[],
): (...args: LooseArgs<F>) => ReturnType<F> {
  checkCallable("customVjp", f);
  if (typeof fwd !== "function" || typeof bwd !== "function") throw new ArgumentError("customVjp: fwd and bwd must be functions");
  return (...args) => {
    const t = traceFlat("customVjp", f, args);
    const rules = customVjpRules(fwd, bwd, {
      inDef: t.inDef,
      outDef: t.outDef,
      outAvals: t.jaxpr.outAvals,
      argDefs: args.map((a) => tree.structure(a)),
      argAvals: t.flat.map((x) => x.aval),
    });
    const outs = bind("custom_vjp_call", [...t.consts, ...t.flat], { call_jaxpr: t.jaxpr, num_consts: t.consts.length, ...rules });
    return tree.unflatten(t.outDef, outs) as ReturnType<F>;
  };
}
