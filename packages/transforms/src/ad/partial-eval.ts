// Partial evaluation of control flow: when some operands of a `scan` or `cond` are unknown
// (tangents, while linearizing), its body is split into a known part that runs now and an
// unknown part that is staged. The known scan emits the values the unknown one needs as
// stacked residuals, so reverse mode through a loop stores them instead of re-running the
// loop (JAX's `_scan_partial_eval`); `checkpoint` inside the body trades them for recompute.
import {
  bind,
  ConcreteArray,
  currentTrace,
  evalJaxprFlat,
  hoistConsts,
  Jaxpr,
  JaxprTrace,
  joinBranchConsts,
  type NDArray,
  NotDifferentiableError,
  type ParamsOf,
  type PrimitiveName,
  type ControlFlowPrim,
  traceToJaxpr,
  withTrace,
  Var,
  ruleLookup,
} from "@jaxts/core";
import { PartialEvalTrace } from "./linearize.js";
import { pjitPartialEval } from "./pjit-rules.js";
import { zerosOf } from "./zero.js";

export interface SplitJaxpr {
  /** (knownConsts..., known inputs...) -> (known outputs..., residuals...) */
  readonly known: Jaxpr;
  readonly knownConsts: NDArray[];
  /** (residuals..., unknown inputs...) -> unknown outputs */
  readonly unknown: Jaxpr;
  readonly outUnknown: boolean[];
  readonly numRes: number;
}

/**
 * Split `jaxpr` given which inputs are unknown: equations whose inputs are all known go to
 * the known jaxpr, the rest to the unknown one, and every known value the unknown side
 * reads becomes a residual. Outputs marked `instantiate` are unknown even if computable.
 */
export function partialEvalJaxpr(jaxpr: Jaxpr, inUnknown: readonly boolean[], instantiate: readonly boolean[]): SplitJaxpr {
  const known = new JaxprTrace(currentTrace(), "partial eval");
  const pe = new PartialEvalTrace(known, "partial eval");
  try {
    const knownIns = jaxpr.inAvals.filter((_, i) => !inUnknown[i]).map((a) => known.newArg(a));
    const unknownIns = jaxpr.inAvals.filter((_, i) => inUnknown[i]).map((a) => pe.newArg(a));
    let k = 0;
    let u = 0;
    const args = jaxpr.inAvals.map((_, i) => (inUnknown[i] ? unknownIns[u++]! : knownIns[k++]!));
    const outs = withTrace(pe, () => evalJaxprFlat(jaxpr, [], args));
    const outUnknown = outs.map((o, i) => pe.isUnknown(o) || (instantiate[i] ?? false));
    const { jaxpr: unknownJaxpr, consts: residuals } = pe.finalize(
      unknownIns,
      outs.filter((_, i) => outUnknown[i]),
    );
    const knownOuts = outs.filter((_, i) => !outUnknown[i]);
    const { jaxpr: knownJaxpr, consts: knownConsts } = known.finalize(knownIns, [...knownOuts, ...residuals]);
    return {
      known: hoistConsts(knownJaxpr),
      knownConsts,
      unknown: hoistConsts(unknownJaxpr),
      outUnknown,
      numRes: residuals.length,
    };
  } finally {
    pe.active = false;
    known.active = false;
  }
}

const or = (a: readonly boolean[], b: readonly boolean[]): boolean[] => a.map((x, i) => x || b[i]!);
const sameFlags = (a: readonly boolean[], b: readonly boolean[]): boolean => a.every((x, i) => x === b[i]);

type PartialEvalRule<P extends PrimitiveName> = (trace: PartialEvalTrace, args: readonly NDArray[], params: ParamsOf<P>) => NDArray[];

/** Put known and unknown results back in the primitive's output order. */
function merge(outUnknown: readonly boolean[], knownOuts: readonly NDArray[], unknownOuts: readonly NDArray[]): NDArray[] {
  let k = 0;
  let u = 0;
  return outUnknown.map((uk) => (uk ? unknownOuts[u++]! : knownOuts[k++]!));
}

function scanPartialEval(trace: PartialEvalTrace, args: readonly NDArray[], params: ParamsOf<"scan">): NDArray[] {
  const { jaxpr, num_consts: nc, num_carry: ncarry } = params;
  const nys = jaxpr.outs.length - ncarry;
  const unknown = args.map((a) => trace.isUnknown(a));
  // A carry is unknown if it starts unknown or the body makes it so: iterate to a fixpoint.
  let carryUk = unknown.slice(nc, nc + ncarry);
  let split: SplitJaxpr;
  for (;;) {
    const inUk = [...unknown.slice(0, nc), ...carryUk, ...unknown.slice(nc + ncarry)];
    split = partialEvalJaxpr(jaxpr, inUk, [...carryUk, ...Array<boolean>(nys).fill(false)]);
    const next = or(carryUk, split.outUnknown.slice(0, ncarry));
    if (sameFlags(next, carryUk)) break;
    carryUk = next;
  }
  const inUk = [...unknown.slice(0, nc), ...carryUk, ...unknown.slice(nc + ncarry)];
  const knownArgs = args.filter((_, i) => !inUk[i]);
  const ncKnown = unknown.slice(0, nc).filter((x) => !x).length;
  const ncarryKnown = carryUk.filter((x) => !x).length;
  const nKnownOuts = split.outUnknown.filter((x) => !x).length;

  // Residuals that are known constants of the body are loop-invariant: they go to the
  // unknown scan as constants instead of `length` stacked copies; residuals that are known
  // xs are passed as those xs. Only the others are emitted (stacked) by the known scan.
  const argPos = new Map<Var, number>();
  split.known.inVars.slice(split.knownConsts.length).forEach((v, i) => argPos.set(v, i));
  const resAtoms = split.known.outs.slice(nKnownOuts);
  const resKind = resAtoms.map((a): "const" | "xs" | "stacked" => {
    const pos = a instanceof Var ? argPos.get(a) : undefined;
    if (pos === undefined) return "stacked";
    if (pos < ncKnown) return "const";
    return pos >= ncKnown + ncarryKnown ? "xs" : "stacked";
  });
  const known = new Jaxpr([], split.known.inVars, split.known.eqns, [
    ...split.known.outs.slice(0, nKnownOuts),
    ...resAtoms.filter((_, i) => resKind[i] === "stacked"),
  ]);
  const knownOuts = withTrace(trace.parent!, () =>
    bind("scan", [...split.knownConsts, ...knownArgs], {
      ...params,
      jaxpr: known,
      num_consts: split.knownConsts.length + ncKnown,
      num_carry: ncarryKnown,
    }),
  );
  let s = nKnownOuts;
  const resVals = resAtoms.map((a, i) => (resKind[i] === "stacked" ? knownOuts[s++]! : knownArgs[argPos.get(a as Var)!]!));

  // The unknown scan: consts = (invariant residuals, unknown consts), carry = unknown carry,
  // xs = (per-iteration residuals, unknown xs).
  const resVars = split.unknown.inVars.slice(0, split.numRes);
  const ukVars = split.unknown.inVars.slice(split.numRes);
  const ukHead = unknown.slice(0, nc).filter(Boolean).length + carryUk.filter(Boolean).length;
  const isConst = (_: unknown, i: number) => resKind[i] === "const";
  const perIter = (_: unknown, i: number) => resKind[i] !== "const";
  const unknownJaxpr = new Jaxpr(
    [],
    [...resVars.filter(isConst), ...ukVars.slice(0, ukHead), ...resVars.filter(perIter), ...ukVars.slice(ukHead)],
    split.unknown.eqns,
    split.unknown.outs,
  );
  const unknownArgs = args.filter((_, i) => inUk[i]);
  const constRes = resVals.filter(isConst);
  const unknownOuts = trace.stage(
    "scan",
    [...constRes, ...unknownArgs.slice(0, ukHead), ...resVals.filter(perIter), ...unknownArgs.slice(ukHead)],
    {
      ...params,
      jaxpr: unknownJaxpr,
      num_consts: constRes.length + unknown.slice(0, nc).filter(Boolean).length,
      num_carry: carryUk.filter(Boolean).length,
    },
  );
  return merge(split.outUnknown, knownOuts.slice(0, nKnownOuts), unknownOuts);
}

function condPartialEval(trace: PartialEvalTrace, args: readonly NDArray[], params: ParamsOf<"cond">): NDArray[] {
  const { branches } = params;
  const [index, ...ops] = args;
  // Eagerly, the branch is known: linearize just that one.
  if (index instanceof ConcreteArray) {
    const i = Math.min(Math.max(Number(index.item()), 0), branches.length - 1);
    return evalJaxprFlat(branches[i]!, [], ops);
  }
  if (trace.isUnknown(index!)) return trace.stage("cond", args, params);
  const opsUk = ops.map((o) => trace.isUnknown(o));
  let outUk = branches[0]!.outAvals.map(() => false);
  for (const b of branches) outUk = or(outUk, partialEvalJaxpr(b, opsUk, outUk).outUnknown);
  const splits = branches.map((b) => partialEvalJaxpr(b, opsUk, outUk));
  const nKnownOuts = outUk.filter((x) => !x).length;
  // Every branch emits every branch's residual slots, zeros in the slots of the others.
  const slots = splits.flatMap((s, i) => s.known.outs.slice(nKnownOuts).map((a) => ({ branch: i, aval: a.aval })));
  const knownOps = ops.filter((_, i) => !opsUk[i]);
  const knownBranches = splits.map((s, i) => {
    const { jaxpr, consts } = traceToJaxpr(
      (xs) => {
        const outs = evalJaxprFlat(s.known, [], xs);
        let r = nKnownOuts;
        return [...outs.slice(0, nKnownOuts), ...slots.map((slot) => (slot.branch === i ? outs[r++]! : zerosOf(slot.aval)))];
      },
      s.known.inAvals,
      "cond",
    );
    return { jaxpr: hoistConsts(jaxpr), consts: [...consts, ...s.knownConsts] };
  });
  // Each traced wrapper takes (its own captured consts..., the split's knownConsts..., known ops...).
  const joinedKnown = joinBranchConsts(knownBranches);
  const knownOuts = withTrace(trace.parent!, () => bind("cond", [index!, ...joinedKnown.consts, ...knownOps], { branches: joinedKnown.jaxprs }));
  const residuals = knownOuts.slice(nKnownOuts);
  const unknownBranches = splits.map((s, i) => {
    const own = s.unknown.inVars.slice(0, s.numRes);
    const slotVars = slots.map((slot) => (slot.branch === i ? undefined : new Var(slot.aval)));
    let r = 0;
    const ins = slotVars.map((v) => v ?? own[r++]!);
    return new Jaxpr([], [...ins, ...s.unknown.inVars.slice(s.numRes)], s.unknown.eqns, s.unknown.outs);
  });
  const unknownOuts = trace.stage("cond", [index!, ...residuals, ...ops.filter((_, i) => opsUk[i])], { branches: unknownBranches });
  return merge(outUk, knownOuts.slice(0, nKnownOuts), unknownOuts);
}

function whilePartialEval(): NDArray[] {
  throw new NotDifferentiableError(
    "reverse-mode differentiation does not work for lax.whileLoop: the number of iterations is not known in advance, " +
      "so its residuals cannot be stored. Use lax.scan, or lax.forLoop with static (concrete) bounds, for grad/vjp; " +
      "jvp and jacfwd (forward mode) work through whileLoop.",
  );
}

/** Primitives with their own partial-evaluation rule: the others are staged whole when any
 * operand is unknown. */
export type SplitPrim = ControlFlowPrim | "pjit";

export const partialEvalRules: { readonly [P in SplitPrim]: PartialEvalRule<P> } = {
  scan: scanPartialEval,
  cond: condPartialEval,
  while: whilePartialEval,
  pjit: (trace, args, params) => pjitPartialEval(trace, args, params),
};

const partialEvalLookup = ruleLookup(() => partialEvalRules);

/** Split an equation with some unknown operands by its rule (see the rules above). */
export function partialEvalSplit<P extends SplitPrim>(trace: PartialEvalTrace, prim: P, args: readonly NDArray[], params: ParamsOf<P>): NDArray[] {
  const rule: (typeof partialEvalRules)[P] = partialEvalLookup.get(prim);
  return rule(trace, args, params);
}

const splitPrims = new Set<PrimitiveName>(Object.keys(partialEvalRules) as SplitPrim[]);
export const hasSplitRule = (p: PrimitiveName): p is SplitPrim => splitPrims.has(p);

