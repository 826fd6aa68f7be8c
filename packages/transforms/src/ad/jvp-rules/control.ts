// JVP rules of structured control flow. Each body jaxpr is differentiated into a jaxpr over
// (primals, tangents) and the same primitive is bound again on it, so forward mode keeps
// the loop a loop. Loop carries whose tangent starts at zero but becomes non-zero are found
// by a fixpoint, as in JAX.
import {
  hoistConsts,
  isInexact,
  Jaxpr,
  joinBranchConsts,
  type NDArray,
  type ShapedArray,
  bind,
  traceToJaxpr,
  Var,
} from "@jaxts/core";
import { jaxprFn } from "../jaxpr-ad.js";
import { jvpFlat } from "../jvp.js";
import { flags, rewriteCache } from "../rewrite-cache.js";
import { instantiate, isZero, type Tangent, Zero } from "../zero.js";
import type { JvpRule, JvpTable } from "./types.js";

export interface JvpJaxpr {
  /** (captured consts..., primals..., non-zero tangents...) -> (outs..., non-zero out tangents...) */
  readonly jaxpr: Jaxpr;
  readonly consts: NDArray[];
  readonly nonzeroOut: boolean[];
}

const pick = <T>(xs: readonly T[], mask: readonly boolean[]): T[] => xs.filter((_, i) => mask[i]);

/**
 * The JVP of a jaxpr for inputs whose tangents are non-zero where `nonzeroIn` holds.
 * Output tangents are instantiated where `instantiate` holds (and only float outputs ever
 * carry a tangent).
 */
export function jvpJaxpr(jaxpr: Jaxpr, nonzeroIn: readonly boolean[], instantiate_: readonly boolean[]): JvpJaxpr {
  const n = jaxpr.inVars.length;
  const tanAvals = pick(jaxpr.inAvals, nonzeroIn);
  let nonzeroOut: boolean[] = [];
  const { jaxpr: traced, consts } = traceToJaxpr(
    (args) => {
      const primals = args.slice(0, n);
      let k = n;
      const tangents: Tangent[] = jaxpr.inAvals.map((a, i) => (nonzeroIn[i] ? args[k++]! : new Zero(a)));
      const [outs, outTangents] = jvpFlat(jaxprFn(jaxpr), primals, tangents, "jvp");
      nonzeroOut = outTangents.map((t, i) => isInexact(outs[i]!.dtype) && (!isZero(t) || (instantiate_[i] ?? false)));
      return [...outs, ...outTangents.filter((_, i) => nonzeroOut[i]).map(instantiate)];
    },
    [...jaxpr.inAvals, ...tanAvals],
    "jvp",
  );
  return { jaxpr: hoistConsts(traced), consts, nonzeroOut };
}

/** A jaxpr with its inputs (after `skip` leading ones) and outputs permuted. */
function permuted(j: Jaxpr, inOrder: readonly number[], outOrder: readonly number[], skip: number): Jaxpr {
  const ins = [...j.inVars.slice(0, skip), ...inOrder.map((i) => j.inVars[skip + i]!)];
  return new Jaxpr([], ins, j.eqns, outOrder.map((i) => j.outs[i]!));
}

/** Positions of [primals..., tangents(mask)...] regrouped as consecutive groups of sizes
 * `groups`, each group's primals followed by its non-zero tangents. */
function groupOrder(groups: readonly number[], mask: readonly boolean[]): number[] {
  const total = groups.reduce((a, b) => a + b, 0);
  const tanPos: number[] = [];
  let t = total;
  for (let i = 0; i < total; i++) tanPos.push(mask[i] ? t++ : -1);
  const order: number[] = [];
  let start = 0;
  for (const g of groups) {
    for (let i = start; i < start + g; i++) order.push(i);
    for (let i = start; i < start + g; i++) if (mask[i]) order.push(tanPos[i]!);
    start += g;
  }
  return order;
}

const or = (a: readonly boolean[], b: readonly boolean[]): boolean[] => a.map((x, i) => x || b[i]!);
const sameFlags = (a: readonly boolean[], b: readonly boolean[]): boolean => a.every((x, i) => x === b[i]);

/** Tangents with the given non-zero pattern: zeros instantiated where the flag is set. */
function withPattern(tangents: readonly Tangent[], mask: readonly boolean[]): NDArray[] {
  return tangents.filter((_, i) => mask[i]).map(instantiate);
}

const floatMask = (avals: readonly ShapedArray[]): boolean[] => avals.map((a) => isInexact(a.dtype));

const jvpCache = rewriteCache<JvpJaxpr>((j) => j.consts);

/** JVP: pjit over (consts, primals, non-zero tangents) → (outs, non-zero out tangents). */
const pjitJvp: JvpRule<"pjit"> = (primals, tangents, params) => {
  const { jaxpr, name, num_consts } = params;
  const nonzero = tangents.map((t) => !isZero(t));
  const noInstantiate = jaxpr.outs.map(() => false);
  const j = jvpCache(jaxpr, flags(nonzero), () => jvpJaxpr(jaxpr, nonzero, noInstantiate));
  const live = tangents.filter((t): t is NDArray => !isZero(t));
  const all = bind("pjit", [...j.consts, ...primals, ...live], { jaxpr: j.jaxpr, name: `jvp(${name})`, num_consts: j.consts.length + num_consts });
  const n = jaxpr.outs.length;
  const outs = all.slice(0, n);
  let k = n;
  const outTangents: Tangent[] = outs.map((o, i) => (j.nonzeroOut[i] ? all[k++]! : new Zero(o.aval)));
  return [outs, outTangents];
};


export const controlJvpRules: JvpTable<"cond" | "while" | "scan" | "pjit"> = {
  pjit: pjitJvp,
  cond: (primals, tangents, { branches }) => {
    const ops = primals.slice(1);
    const nz = tangents.slice(1).map((t) => !isZero(t));
    let outNz = branches[0]!.outAvals.map(() => false);
    for (const b of branches) outNz = or(outNz, jvpJaxpr(b, nz, outNz).nonzeroOut);
    const jvps = branches.map((b) => jvpJaxpr(b, nz, outNz));
    const { jaxprs, consts } = joinBranchConsts(jvps);
    const outs = bind("cond", [primals[0]!, ...consts, ...ops, ...withPattern(tangents.slice(1), nz)], { branches: jaxprs });
    const nOut = outNz.length;
    let k = nOut;
    return [outs.slice(0, nOut), outs.slice(0, nOut).map((o, i) => (outNz[i] ? outs[k++]! : new Zero(o.aval)))];
  },

  scan: (primals, tangents, params) => {
    const { jaxpr, num_consts: nc, num_carry: ncarry } = params;
    const nz = tangents.map((t) => !isZero(t));
    const nys = jaxpr.outs.length - ncarry;
    const carryFloat = floatMask(jaxpr.inAvals.slice(nc, nc + ncarry));
    let carryNz = nz.slice(nc, nc + ncarry);
    let body: JvpJaxpr;
    for (;;) {
      const inNz = [...nz.slice(0, nc), ...carryNz, ...nz.slice(nc + ncarry)];
      body = jvpJaxpr(jaxpr, inNz, [...carryNz, ...Array<boolean>(nys).fill(false)]);
      const next = or(carryNz, body.nonzeroOut.slice(0, ncarry)).map((x, i) => x && carryFloat[i]!);
      if (sameFlags(next, carryNz)) break;
      carryNz = next;
    }
    const inNz = [...nz.slice(0, nc), ...carryNz, ...nz.slice(nc + ncarry)];
    const nxs = primals.length - nc - ncarry;
    const ysNz = body.nonzeroOut.slice(ncarry);
    const inOrder = groupOrder([nc, ncarry, nxs], inNz);
    const outOrder = groupOrder([ncarry, nys], [...carryNz, ...ysNz]);
    const j = permuted(body.jaxpr, inOrder, outOrder, body.consts.length);
    const nzC = nz.slice(0, nc);
    const outs = bind(
      "scan",
      [
        ...body.consts,
        ...primals.slice(0, nc),
        ...withPattern(tangents.slice(0, nc), nzC),
        ...primals.slice(nc, nc + ncarry),
        ...withPattern(tangents.slice(nc, nc + ncarry), carryNz),
        ...primals.slice(nc + ncarry),
        ...withPattern(tangents.slice(nc + ncarry), nz.slice(nc + ncarry)),
      ],
      {
        ...params,
        jaxpr: j,
        num_consts: body.consts.length + nc + nzC.filter(Boolean).length,
        num_carry: ncarry + carryNz.filter(Boolean).length,
      },
    );
    // outs: carry, carry tangents, ys, ys tangents
    const nct = carryNz.filter(Boolean).length;
    const carry = outs.slice(0, ncarry);
    const carryT = outs.slice(ncarry, ncarry + nct);
    const ys = outs.slice(ncarry + nct, ncarry + nct + nys);
    const ysT = outs.slice(ncarry + nct + nys);
    let a = 0;
    let b = 0;
    return [
      [...carry, ...ys],
      [...carry.map((c, i) => (carryNz[i] ? carryT[a++]! : new Zero(c.aval))), ...ys.map((y, i) => (ysNz[i] ? ysT[b++]! : new Zero(y.aval)))],
    ];
  },

  while: (primals, tangents, params) => {
    const { body_jaxpr, cond_jaxpr, cond_nconsts: ncc, body_nconsts: nbc } = params;
    const nz = tangents.map((t) => !isZero(t));
    const bconstNz = nz.slice(ncc, ncc + nbc);
    const ncarry = primals.length - ncc - nbc;
    const carryFloat = floatMask(body_jaxpr.outAvals);
    let carryNz = nz.slice(ncc + nbc);
    let body: JvpJaxpr;
    for (;;) {
      body = jvpJaxpr(body_jaxpr, [...bconstNz, ...carryNz], carryNz);
      const next = or(carryNz, body.nonzeroOut).map((x, i) => x && carryFloat[i]!);
      if (sameFlags(next, carryNz)) break;
      carryNz = next;
    }
    const inOrder = groupOrder([nbc, ncarry], [...bconstNz, ...carryNz]);
    const bodyJ = permuted(body.jaxpr, inOrder, body.jaxpr.outs.map((_, i) => i), body.consts.length);
    // The predicate reads only the primal carry; the tangent carry rides along unused.
    const tanVars = pick(cond_jaxpr.inAvals.slice(ncc), carryNz).map((a) => new Var(a));
    const condJ = new Jaxpr([], [...cond_jaxpr.inVars, ...tanVars], cond_jaxpr.eqns, cond_jaxpr.outs);
    const outs = bind(
      "while",
      [
        ...primals.slice(0, ncc),
        ...body.consts,
        ...primals.slice(ncc, ncc + nbc),
        ...withPattern(tangents.slice(ncc, ncc + nbc), bconstNz),
        ...primals.slice(ncc + nbc),
        ...withPattern(tangents.slice(ncc + nbc), carryNz),
      ],
      { body_jaxpr: bodyJ, body_nconsts: body.consts.length + nbc + bconstNz.filter(Boolean).length, cond_jaxpr: condJ, cond_nconsts: ncc },
    );
    const carry = outs.slice(0, ncarry);
    let k = ncarry;
    return [carry, carry.map((c, i) => (carryNz[i] ? outs[k++]! : new Zero(c.aval)))];
  },
};
