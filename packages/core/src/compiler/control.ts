// Control flow inside a compiled program: the loops and branches run their bodies' compiled
// programs directly on buffers — no tracer, no bind, no arrays wrapped per iteration. A
// loop's carry lives in two sets of buffers that take turns (the body reads one and writes
// the other), and a scan writes each iteration's ys straight into its row of the stacked
// result, so an iteration allocates nothing.
import type { ShapedArray } from "../aval.js";
import { allocate, type TypedArray } from "../dtype.js";
import type { Jaxpr } from "../ir/jaxpr.js";
import type { ParamsOf } from "../primitives/params.js";

/** What control flow needs of a compiled body: run it on buffers, writing its results into
 * `into` (buffers of exactly its output sizes) or, without `into`, into fresh ones. */
export interface BufferProgram {
  /** `immutable`: per input, whether its buffer stays unwritten from one call to the next (a
   * loop's constants), so that the body may keep it in its slot instead of copying it again. */
  call(ins: readonly TypedArray[], into?: readonly TypedArray[], immutable?: readonly boolean[]): TypedArray[];
  /** Runs `f` with this program's region kept as it is (programs `f` calls take regions above
   * it), so that its next call finds the constants it keeps still there. */
  keepingRegion<T>(f: () => T): T;
}

export type SubProgram = (jaxpr: Jaxpr) => BufferProgram;

const fresh = (a: ShapedArray): TypedArray => allocate(a.dtype, a.size);
/** Own copies of the carry (the operands may be views the body's region can move under). */
const own = (xs: readonly TypedArray[]): TypedArray[] => xs.map((x) => x.slice());

export function runScan(sub: SubProgram, p: ParamsOf<"scan">, ins: readonly TypedArray[]): TypedArray[] {
  const { jaxpr, length, num_carry, num_consts, reverse } = p;
  const body = sub(jaxpr);
  const consts = ins.slice(0, num_consts);
  let carry = own(ins.slice(num_consts, num_consts + num_carry));
  let next = jaxpr.outAvals.slice(0, num_carry).map(fresh);
  const xs = ins.slice(num_consts + num_carry);
  const xAvals = jaxpr.inVars.slice(num_consts + num_carry).map((v) => v.aval);
  const yAvals = jaxpr.outAvals.slice(num_carry);
  const ys = yAvals.map((a) => allocate(a.dtype, a.size * length));
  const args: TypedArray[] = [...consts, ...carry, ...xs];
  const into: TypedArray[] = [...next, ...ys];
  // (the constants are the same buffers at every iteration, never written: the body keeps them)
  const constant = args.map((_, k) => k < num_consts);
  for (let k = 0; k < length; k++) {
    const i = reverse ? length - 1 - k : k;
    for (let j = 0; j < num_carry; j++) {
      args[num_consts + j] = carry[j]!;
      into[j] = next[j]!;
    }
    xs.forEach((x, j) => {
      const n = xAvals[j]!.size;
      args[num_consts + num_carry + j] = x.subarray(i * n, (i + 1) * n);
    });
    ys.forEach((y, j) => {
      const m = yAvals[j]!.size;
      into[num_carry + j] = y.subarray(i * m, (i + 1) * m);
    });
    body.call(args, into, constant);
    [carry, next] = [next, carry];
  }
  return [...carry, ...ys];
}

export function runWhile(sub: SubProgram, p: ParamsOf<"while">, ins: readonly TypedArray[]): TypedArray[] {
  const cond = sub(p.cond_jaxpr);
  const body = sub(p.body_jaxpr);
  const condConsts = ins.slice(0, p.cond_nconsts);
  const bodyConsts = ins.slice(p.cond_nconsts, p.cond_nconsts + p.body_nconsts);
  let carry = own(ins.slice(p.cond_nconsts + p.body_nconsts));
  let next = p.body_jaxpr.outAvals.map(fresh);
  const flag = [fresh(p.cond_jaxpr.outAvals[0]!)];
  // (the body's constants are the same buffers at every iteration, never written: the body
  // keeps them in its region, which the condition runs above)
  const constant = [...bodyConsts.map(() => true), ...carry.map(() => false)];
  for (;;) {
    body.keepingRegion(() => cond.call([...condConsts, ...carry], flag));
    if (flag[0]![0] === 0) return carry;
    body.call([...bodyConsts, ...carry], next, constant);
    [carry, next] = [next, carry];
  }
}

export function runCond(sub: SubProgram, { branches }: ParamsOf<"cond">, ins: readonly TypedArray[]): TypedArray[] {
  const i = Math.min(Math.max(ins[0]![0]!, 0), branches.length - 1);
  return sub(branches[i]!).call(ins.slice(1));
}
