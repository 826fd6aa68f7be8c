// checkpoint (rematerialisation): the body's intermediates are not kept for the backward
// pass; its linearization is staged as one custom_lin whose transpose re-linearizes the
// body from its inputs. "dots_saveable" keeps only dot_general results from the forward.
import {
  ArgumentError,
  bind,
  currentTrace,
  type Eqn,
  flattenArgs,
  hoistConsts,
  isInexact,
  type Jaxpr,
  Literal,
  literalArray,
  type NDArray,
  type ParamsOf,
  type SavePolicy,
  traceToJaxpr,
  tree,
  type Var,
  withTrace,
  bindEqn,
  leafToArray,
  checkOptions,
} from "@jaxts/core";
import { checkCallable } from "./args.js";
import { jaxprFn, jvpTangents, vjpCotangents } from "./jaxpr-ad.js";
import { JvpTrace, jvpFlat } from "./jvp.js";
import { jvpRules } from "./jvp-rules/index.js";
import { isZero, type Tangent, Zero } from "./zero.js";

export const checkpointPolicies = {
  /** Save nothing: every intermediate is recomputed on the backward pass. */
  nothingSaveable: "nothing_saveable",
  /** Save only the results of matrix products (dot_general); recompute the rest. */
  dotsSaveable: "dots_saveable",
  /** Save everything (the same as no checkpoint). */
  everythingSaveable: "everything_saveable",
} as const satisfies Record<string, SavePolicy>;

const policies: readonly SavePolicy[] = Object.values(checkpointPolicies);

/** Evaluate a body, substituting saved results for some equations. Under a JvpTrace the
 * saved equations still get their tangents from the JVP rule, but not their primal work. */
function evalWithSaved(jaxpr: Jaxpr, args: readonly NDArray[], saved: ReadonlyMap<Eqn, NDArray[]>, record?: Map<Eqn, NDArray[]>): NDArray[] {
  const env = new Map<Var, NDArray>();
  const read = (a: Var | Literal): NDArray => (a instanceof Literal ? literalArray(a) : env.get(a)!);
  jaxpr.inVars.forEach((v, i) => env.set(v, args[i]!));
  for (const eqn of jaxpr.eqns) {
    const inputs = eqn.inputs.map(read);
    const s = saved.get(eqn);
    let outs: NDArray[];
    if (s === undefined) {
      outs = bindEqn(eqn, inputs);
      if (record !== undefined && eqn.primitive === "dot_general") record.set(eqn, outs);
    } else {
      const trace = currentTrace();
      if (trace instanceof JvpTrace) {
        const unpacked = inputs.map((x) => trace.unpack(x));
        const rule = jvpRules.dot_general;
        // The rule's primal output is dead; under partial evaluation only its tangent part is staged.
        const [, tangents] = withTrace(trace.parent!, () =>
          rule(
            unpacked.map((u) => u[0]),
            unpacked.map((u) => u[1]),
            eqn.params as ParamsOf<"dot_general">,
          ),
        );
        outs = s.map((p, i) => trace.pack(p, tangents[i]!));
      } else outs = s;
    }
    eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}

export function checkpointJvp(
  primals: readonly NDArray[],
  tangents: readonly Tangent[],
  params: ParamsOf<"checkpoint">,
): [NDArray[], Tangent[]] {
  const { jaxpr, policy } = params;
  const body = jaxprFn(jaxpr);
  let outs: NDArray[];
  let savedEqns: Eqn[] = [];
  let savedValues: NDArray[] = [];
  if (policy === "everything_saveable") {
    return jvpFlat(body, primals, tangents, "checkpoint");
  } else if (policy === "dots_saveable") {
    const record = new Map<Eqn, NDArray[]>();
    outs = evalWithSaved(jaxpr, primals, new Map(), record);
    savedEqns = [...record.keys()];
    savedValues = [...record.values()].map((v) => v[0]!);
  } else {
    outs = bind("checkpoint", primals, params);
  }
  const nPrimals = primals.length;
  const withSaved = (res: readonly NDArray[]) => {
    const saved = new Map<Eqn, NDArray[]>(savedEqns.map((e, i) => [e, [res[nPrimals + i]!]]));
    return (args: readonly NDArray[]) => evalWithSaved(jaxpr, args, saved);
  };
  const res = [...primals, ...savedValues];
  // Inputs with a symbolic-zero tangent (closed-over constants, integers) are left out of
  // the linear inputs, so no zeros of their size are stored as residuals.
  const live = tangents.map((t) => !isZero(t));
  const withZeros = (ts: readonly NDArray[]): Tangent[] => {
    let k = 0;
    return tangents.map((t) => (isZero(t) ? t : ts[k++]!));
  };
  const outTangents = bind("custom_lin", [...res, ...tangents.filter((t): t is NDArray => !isZero(t))], {
    name: "checkpoint",
    num_res: res.length,
    out_avals: outs.map((o) => o.aval),
    fwd: (r, ts) => jvpTangents(savedEqns.length ? withSaved(r) : body, r.slice(0, nPrimals), withZeros(ts)),
    bwd: (r, cts) => vjpCotangents(savedEqns.length ? withSaved(r) : body, r.slice(0, nPrimals), cts).filter((_, i) => live[i]),
  });
  return [outs, outTangents.map((t, i) => (isInexact(outs[i]!.dtype) ? t : new Zero(outs[i]!.aval)))];
}

export interface CheckpointOptions {
  readonly policy?: SavePolicy;
}

/**
 * `f` whose intermediates are recomputed on the backward pass instead of stored (JAX's
 * `checkpoint`/`remat`, TensorFlow's `tf.recompute_grad`): reverse mode keeps only `f`'s
 * inputs, trading compute for memory. `policy` chooses what is still saved:
 * `"nothing_saveable"` (default), `"dots_saveable"` (matmul results) or `"everything_saveable"`.
 * Values and gradients are unchanged.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { checkpoint, grad, savedResiduals } from "@jaxts/transforms";
 *
 * const x0 = array([0.5, 1]);
 * const block = checkpoint((x: NDArray) => np.tanh(np.tanh(x)));
 * grad((x: NDArray) => np.sum(block(block(x))))(x0);
 * savedResiduals((x: NDArray) => np.sum(block(block(x))), x0); // the blocks' inputs only
 */
export function checkpoint<A extends unknown[], R>(f: (...args: A) => R, opts: CheckpointOptions = {}): (...args: A) => R {
  checkOptions<CheckpointOptions>(opts, "checkpoint", { policy: "any" });
  checkCallable("checkpoint", f);
  const policy = opts.policy ?? "nothing_saveable";
  if (!policies.includes(policy)) {
    throw new ArgumentError(`checkpoint: unknown policy ${JSON.stringify(policy)}; expected one of ${policies.join(", ")}`);
  }
  return (...args: A): R => {
    const [flat, inDef] = flattenArgs(args, "checkpoint");
    let outDef: tree.TreeDef | undefined;
    const { jaxpr, consts } = traceToJaxpr(
      (xs) => {
        const [outs, def] = tree.flatten(f(...(tree.unflatten(inDef, xs) as A)));
        outDef = def;
        return outs.map((o, i) => leafToArray(o, `checkpoint (output leaf ${i})`));
      },
      flat.map((a) => a.aval),
      "checkpoint",
    );
    const outs = bind("checkpoint", [...consts, ...flat], { jaxpr: hoistConsts(jaxpr), policy, num_consts: consts.length });
    return tree.unflatten(outDef!, outs) as R;
  };
}
