// Transpose rules of `scan` and `cond` (linear in some operands, as the unknown half of a
// partially evaluated loop or branch is): the transposed scan runs the other way with
// the cotangent carry, accumulating the cotangents of linear constants; the transposed
// cond runs the transposed branch that the index selects.
import { splitAt } from "fp-ts/ReadonlyArray";
import {
  bind,
  bindEqn,
  hoistConsts,
  Jaxpr,
  joinBranchConsts,
  lax,
  Literal,
  literalArray,
  type NDArray,
  NotDifferentiableError,
  ShapedArray,
  traceToJaxpr,
  type Var,
} from "@jaxts/core";
import { backwardPass } from "./backward-pass.js";
import { isUndefined, type TransposeArg, type TransposeRule } from "./transpose-rules.js";
import { instantiate, isZero, type Tangent, Zero, zerosOf } from "./zero.js";

/**
 * Cotangents of the inputs marked `linear` of a jaxpr linear in them, given the values of the
 * other inputs and the output cotangents. Equations that read no linear value run forward
 * first; the rest are transposed.
 */
export function transposeJaxpr(jaxpr: Jaxpr, linear: readonly boolean[], nonlinearVals: readonly NDArray[], cts: readonly Tangent[]): NDArray[] {
  const env = new Map<Var, NDArray>();
  const linVars = new Set<Var>();
  let k = 0;
  jaxpr.inVars.forEach((v, i) => (linear[i] ? linVars.add(v) : env.set(v, nonlinearVals[k++]!)));
  const read = (a: Var | Literal): NDArray => (a instanceof Literal ? literalArray(a) : env.get(a)!);
  const linEqns = [];
  for (const eqn of jaxpr.eqns) {
    if (eqn.inputs.some((a) => !(a instanceof Literal) && linVars.has(a))) {
      linEqns.push(eqn);
      for (const v of eqn.outVars) linVars.add(v);
    } else {
      const outs = bindEqn(eqn, eqn.inputs.map(read));
      eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
    }
  }
  const resVars = [...env.keys()];
  const linJaxpr = new Jaxpr(resVars, jaxpr.inVars.filter((_, i) => linear[i]), linEqns, jaxpr.outs);
  return backwardPass(linJaxpr, resVars.map((v) => env.get(v)!), cts).map(instantiate);
}

const unstacked = (a: ShapedArray): ShapedArray => new ShapedArray(a.shape.slice(1), a.dtype, a.weakType);
const known = (args: readonly TransposeArg[]): NDArray[] => args.filter((a): a is NDArray => !isUndefined(a));

export const scanTranspose: TransposeRule<"scan"> = (cts, args, params) => {
  const { jaxpr, num_consts: nc, num_carry: ncarry, reverse } = params;
  const consts = args.slice(0, nc);
  const carry = args.slice(nc, nc + ncarry);
  const xs = args.slice(nc + ncarry);
  const resConsts = known(consts);
  const resXs = known(xs);
  const linConstAvals = consts.filter(isUndefined).map((a) => a.aval);
  const nResC = resConsts.length;
  const nLinC = linConstAvals.length;
  const nResX = resXs.length;
  const yAvals = jaxpr.outAvals.slice(ncarry);
  const ctYs = cts.slice(ncarry);
  const ysLive = ctYs.map((c) => !isZero(c));
  // Every carry is treated as linear (one given as a known zero just gets no cotangent).
  const linearMask = [...consts.map(isUndefined), ...carry.map(() => true), ...xs.map(isUndefined)];
  const body = (ins: readonly NDArray[]): NDArray[] => {
    let p = 0;
    const take = (n: number): NDArray[] => {
      const part = ins.slice(p, p + n);
      p += n;
      return part;
    };
    const rc = take(nResC);
    const acc = take(nLinC);
    const ctCarry = take(ncarry);
    const rx = take(nResX);
    const ctY = ins.slice(p);
    let j = 0;
    const outCts: Tangent[] = [...ctCarry, ...yAvals.map((a, i) => (ysLive[i] ? ctY[j++]! : new Zero(a)))];
    const g = transposeJaxpr(jaxpr, linearMask, [...rc, ...rx], outCts);
    return [...acc.map((a, i) => lax.add(a, g[i]!)), ...g.slice(nLinC)];
  };
  const inAvals = [
    ...resConsts.map((a) => a.aval),
    ...linConstAvals,
    ...jaxpr.inAvals.slice(nc, nc + ncarry),
    ...resXs.map((x) => unstacked(x.aval)),
    ...yAvals.filter((_, i) => ysLive[i]),
  ];
  const { jaxpr: tj, consts: tc } = traceToJaxpr(body, inAvals, "transpose(scan)");
  const outs = bind(
    "scan",
    [...tc, ...resConsts, ...linConstAvals.map(zerosOf), ...cts.slice(0, ncarry).map(instantiate), ...resXs, ...ctYs.filter((_, i) => ysLive[i]).map(instantiate)],
    { ...params, jaxpr: hoistConsts(tj), num_consts: tc.length + nResC, num_carry: nLinC + ncarry, reverse: !reverse },
  );
  let c = 0;
  let x = nLinC + ncarry;
  return [
    ...consts.map((a) => (isUndefined(a) ? outs[c++]! : null)),
    ...carry.map((a, i) => (isUndefined(a) ? outs[nLinC + i]! : null)),
    ...xs.map((a) => (isUndefined(a) ? outs[x++]! : null)),
  ];
};

export const condTranspose: TransposeRule<"cond"> = (cts, args, { branches }) => {
  const [index, ...ops] = args;
  if (index === undefined || isUndefined(index)) throw new NotDifferentiableError("cond: cannot transpose with respect to the branch index");
  const linear = ops.map(isUndefined);
  const res = known(ops);
  const outAvals = branches[0]!.outAvals;
  const traced = branches.map((b) => {
    const { jaxpr, consts } = traceToJaxpr(
      (ins) => transposeJaxpr(b, linear, ...splitAt(res.length)(ins)),
      [...res.map((r) => r.aval), ...outAvals],
      "transpose(cond)",
    );
    return { jaxpr: hoistConsts(jaxpr), consts };
  });
  const { jaxprs, consts } = joinBranchConsts(traced);
  const outs = bind("cond", [index, ...consts, ...res, ...cts.map(instantiate)], { branches: jaxprs });
  let k = 0;
  return [null, ...ops.map((o) => (isUndefined(o) ? outs[k++]! : null))];
};


