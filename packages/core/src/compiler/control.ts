// Control flow inside a compiled program: the loops and branches run their bodies' compiled
// programs directly on buffers — no tracer, no bind, no arrays wrapped per iteration. A
// loop's carry lives in two sets of buffers that take turns (the body reads one and writes
// the other), and a scan writes each iteration's ys straight into its row of the stacked
// result, so an iteration allocates nothing; and where the program copies a step's results
// into its arena at once, the step keeps its buffers from one run to the next (ReusedBuffers),
// so a run allocates nothing either.
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

/** Where a loop or call gets the buffers it works in: `times` rows of `a`. */
export type Alloc = (a: ShapedArray, times?: number) => TypedArray;
const freshAlloc: Alloc = (a, times = 1) => allocate(a.dtype, a.size * times);

/**
 * Buffers that a control-flow step hands out afresh on its first run and again, the same ones
 * in the same order, on every run after: for a step whose caller copies the results out at
 * once (into the program's arena slots), so that a run allocates nothing. A run started while
 * another is under way (a re-entrant call) gets fresh buffers instead.
 */
export class ReusedBuffers {
  #kept: { readonly aval: ShapedArray; readonly times: number; readonly data: TypedArray }[] = [];
  #busy = false;

  run<T>(f: (alloc: Alloc) => T): T {
    if (this.#busy) return f(freshAlloc);
    this.#busy = true;
    let at = 0;
    const alloc: Alloc = (aval, times = 1) => {
      let k = this.#kept[at];
      if (k === undefined || k.times !== times || k.aval.dtype !== aval.dtype || k.aval.size !== aval.size) {
        k = { aval, times, data: freshAlloc(aval, times) };
        this.#kept[at] = k;
      }
      at++;
      return k.data;
    };
    try {
      return f(alloc);
    } finally {
      this.#busy = false;
    }
  }
}

/** Own copies of the carry (the operands may be views the body's region can move under). */
const own = (xs: readonly TypedArray[], avals: readonly ShapedArray[], alloc: Alloc): TypedArray[] =>
  xs.map((x, j) => {
    const copy = alloc(avals[j]!);
    copy.set(x as never);
    return copy;
  });

export function runScan(sub: SubProgram, p: ParamsOf<"scan">, ins: readonly TypedArray[], alloc: Alloc = freshAlloc): TypedArray[] {
  const { jaxpr, length, num_carry, num_consts, reverse } = p;
  const body = sub(jaxpr);
  const consts = ins.slice(0, num_consts);
  const carryAvals = jaxpr.outAvals.slice(0, num_carry);
  let carry = own(ins.slice(num_consts, num_consts + num_carry), carryAvals, alloc);
  let next = carryAvals.map((a) => alloc(a));
  const xs = ins.slice(num_consts + num_carry);
  const xAvals = jaxpr.inVars.slice(num_consts + num_carry).map((v) => v.aval);
  const yAvals = jaxpr.outAvals.slice(num_carry);
  const ys = yAvals.map((a) => alloc(a, length));
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

export function runWhile(sub: SubProgram, p: ParamsOf<"while">, ins: readonly TypedArray[], alloc: Alloc = freshAlloc): TypedArray[] {
  const cond = sub(p.cond_jaxpr);
  const body = sub(p.body_jaxpr);
  const condConsts = ins.slice(0, p.cond_nconsts);
  const bodyConsts = ins.slice(p.cond_nconsts, p.cond_nconsts + p.body_nconsts);
  let carry = own(ins.slice(p.cond_nconsts + p.body_nconsts), p.body_jaxpr.outAvals, alloc);
  let next = p.body_jaxpr.outAvals.map((a) => alloc(a));
  const flag = [alloc(p.cond_jaxpr.outAvals[0]!)];
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

export function runCond(sub: SubProgram, { branches }: ParamsOf<"cond">, ins: readonly TypedArray[], alloc?: Alloc): TypedArray[] {
  const i = Math.min(Math.max(ins[0]![0]!, 0), branches.length - 1);
  return runCall(sub, branches[i]!, ins.slice(1), alloc);
}

/** A called jaxpr (pjit, custom rules' primal, checkpoint, a cond branch) run into buffers from
 * `alloc`; without it, into the fresh buffers the program makes (a threaded kernel's results
 * then go into them chunk by chunk, as the chunks finish). */
export function runCall(sub: SubProgram, jaxpr: Jaxpr, ins: readonly TypedArray[], alloc?: Alloc): TypedArray[] {
  const program = sub(jaxpr);
  return alloc === undefined ? program.call(ins) : program.call(ins, jaxpr.outAvals.map((a) => alloc(a)));
}
