// Batching rules of structured control flow. A loop stays one loop over batched values:
// the body is batched once (carries that become batched are found by a fixpoint). A
// batched `cond` predicate runs every branch and selects per member; a batched `while`
// predicate keeps iterating until every member is done, freezing the finished ones.
import { bind, evalJaxprFlat, hoistConsts, joinBranchConsts, lax, traceToJaxpr } from "@jaxts/core";
import { atFront, batchedFlags, type BatchedJaxpr, batchJaxpr, outDimsOf } from "./batch-jaxpr.js";
import { batchAtFront, moveAxis, vmapFlat } from "./batch-trace.js";
import type { BatchRule } from "./rules.js";

const or = (a: readonly boolean[], b: readonly boolean[]): boolean[] => a.map((x, i) => x || b[i]!);
const sameFlags = (a: readonly boolean[], b: readonly boolean[]): boolean => a.every((x, i) => x === b[i]);

export const scanBatch: BatchRule<"scan"> = (vals, dims, params, size) => {
  const { jaxpr, num_consts: nc, num_carry: ncarry } = params;
  const nys = jaxpr.outs.length - ncarry;
  const inB = batchedFlags(dims);
  let carryB = inB.slice(nc, nc + ncarry);
  let body: BatchedJaxpr;
  for (;;) {
    body = batchJaxpr(jaxpr, size, [...inB.slice(0, nc), ...carryB, ...inB.slice(nc + ncarry)], [...carryB, ...Array<boolean>(nys).fill(false)]);
    const next = or(carryB, body.outBatched.slice(0, ncarry));
    if (sameFlags(next, carryB)) break;
    carryB = next;
  }
  const consts = atFront(vals.slice(0, nc), dims.slice(0, nc), inB.slice(0, nc), size);
  const carry = atFront(vals.slice(nc, nc + ncarry), dims.slice(nc, nc + ncarry), carryB, size);
  // The body sees x[i] batched at 0, so a batched xs has its batch axis right after the scanned one.
  const xs = vals.slice(nc + ncarry).map((x, i) => {
    const d = dims[nc + ncarry + i]!;
    return d === null ? x : moveAxis(x, d, 1);
  });
  const outs = bind("scan", [...body.consts, ...consts, ...carry, ...xs], { ...params, jaxpr: body.jaxpr, num_consts: body.consts.length + nc });
  const ysB = body.outBatched.slice(ncarry);
  return [outs, [...outDimsOf(carryB), ...ysB.map((b) => (b ? 1 : null))]];
};

export const condBatch: BatchRule<"cond"> = (vals, dims, { branches }, size) => {
  const [index, ...ops] = vals;
  const opDims = dims.slice(1);
  if (dims[0] !== null) {
    // A batched predicate: every branch runs on the whole batch, and each member picks its result.
    const results = branches.map((b) => vmapFlat((ys) => evalJaxprFlat(b, [], ys), ops, opDims, size));
    const idx = lax.min(lax.max(batchAtFront(index!, dims[0]!, size), 0), branches.length - 1);
    const outs = results[0]!.map((_, k) => {
      let acc = results[0]![k]!;
      for (let i = 1; i < results.length; i++) {
        const r = results[i]![k]!;
        const pred = lax.broadcastInDim(lax.eq(idx, i), r.shape, [0]);
        acc = lax.select(pred, r, acc);
      }
      return acc;
    });
    return [outs, outs.map(() => 0)];
  }
  const opsB = batchedFlags(opDims);
  let outB = branches[0]!.outAvals.map(() => false);
  for (const b of branches) outB = or(outB, batchJaxpr(b, size, opsB, outB).outBatched);
  const { jaxprs, consts } = joinBranchConsts(branches.map((b) => batchJaxpr(b, size, opsB, outB)));
  const outs = bind("cond", [index!, ...consts, ...atFront(ops, opDims, opsB, size)], { branches: jaxprs });
  return [outs, outDimsOf(outB)];
};

export const whileBatch: BatchRule<"while"> = (vals, dims, params, size) => {
  const { body_jaxpr, cond_jaxpr, cond_nconsts: ncc, body_nconsts: nbc } = params;
  const inB = batchedFlags(dims);
  const ccB = inB.slice(0, ncc);
  const bcB = inB.slice(ncc, ncc + nbc);
  let carryB = inB.slice(ncc + nbc);
  let body: BatchedJaxpr;
  let cond: BatchedJaxpr;
  for (;;) {
    cond = batchJaxpr(cond_jaxpr, size, [...ccB, ...carryB], [false]);
    // A batched predicate means members stop at different times: every carry is batched.
    if (cond.outBatched[0] && !carryB.every(Boolean)) {
      carryB = carryB.map(() => true);
      continue;
    }
    body = batchJaxpr(body_jaxpr, size, [...bcB, ...carryB], carryB);
    const next = or(carryB, body.outBatched);
    if (sameFlags(next, carryB)) break;
    carryB = next;
  }
  const condConsts = atFront(vals.slice(0, ncc), dims.slice(0, ncc), ccB, size);
  const bodyConsts = atFront(vals.slice(ncc, ncc + nbc), dims.slice(ncc, ncc + nbc), bcB, size);
  const carry = atFront(vals.slice(ncc + nbc), dims.slice(ncc + nbc), carryB, size);
  const outDims = outDimsOf(carryB);
  if (!cond.outBatched[0]) {
    const outs = bind("while", [...cond.consts, ...condConsts, ...body.consts, ...bodyConsts, ...carry], {
      body_jaxpr: body.jaxpr,
      body_nconsts: body.consts.length + nbc,
      cond_jaxpr: cond.jaxpr,
      cond_nconsts: cond.consts.length + ncc,
    });
    return [outs, outDims];
  }
  // Batched predicate: the body advances only the members whose predicate still holds, and
  // the loop goes on while any member's does.
  const nCondC = cond.consts.length + ncc;
  const nBodyC = body.consts.length + nbc;
  const condIns = [...cond.jaxpr.inAvals];
  const bodyIns = [...body.jaxpr.inAvals];
  const carryAvals = bodyIns.slice(nBodyC);
  const frozenBody = traceToJaxpr(
    (xs) => {
      const cc = xs.slice(0, nCondC);
      const bc = xs.slice(nCondC, nCondC + nBodyC);
      const c = xs.slice(nCondC + nBodyC);
      const pred = evalJaxprFlat(cond.jaxpr, [], [...cc, ...c])[0]!;
      const next = evalJaxprFlat(body.jaxpr, [], [...bc, ...c]);
      return next.map((n, i) => lax.select(lax.broadcastInDim(pred, n.shape, [0]), n, c[i]!));
    },
    [...condIns.slice(0, nCondC), ...bodyIns.slice(0, nBodyC), ...carryAvals],
    "vmap",
  );
  const anyCond = traceToJaxpr(
    (xs) => [lax.reduceOr(evalJaxprFlat(cond.jaxpr, [], xs)[0]!, [0])],
    condIns,
    "vmap",
  );
  const fb = hoistConsts(frozenBody.jaxpr);
  const ac = hoistConsts(anyCond.jaxpr);
  const outs = bind(
    "while",
    [...anyCond.consts, ...cond.consts, ...condConsts, ...frozenBody.consts, ...cond.consts, ...condConsts, ...body.consts, ...bodyConsts, ...carry],
    {
      body_jaxpr: fb,
      body_nconsts: frozenBody.consts.length + nCondC + nBodyC,
      cond_jaxpr: ac,
      cond_nconsts: anyCond.consts.length + nCondC,
    },
  );
  return [outs, outDims];
};
