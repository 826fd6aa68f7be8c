// Eager evaluation of the structured control-flow primitives: `cond` runs one branch, the
// loops run their (already traced) body jaxpr once per iteration — never the user's
// function again — compiled once it is hot (compiler/executable.ts evalSubJaxpr).
import { bufferOf, ConcreteArray, type NDArray } from "../array.js";
import { allocate, lanesOf } from "../dtype.js";
import type { ParamsOf } from "../primitives/params.js";
import { stackedAval } from "../primitives/control.js";
import { ShapedArray } from "../aval.js";
import { evalSubJaxpr } from "../compiler/executable.js";

const scalarValue = (x: NDArray, what: string): number => bufferOf(x.concrete(what))[0]!;

export function condImpl(args: readonly NDArray[], { branches }: ParamsOf<"cond">): NDArray[] {
  const i = Math.min(Math.max(scalarValue(args[0]!, "cond"), 0), branches.length - 1);
  return evalSubJaxpr(branches[i]!, args.slice(1));
}

export function whileImpl(args: readonly NDArray[], p: ParamsOf<"while">): NDArray[] {
  const condConsts = args.slice(0, p.cond_nconsts);
  const bodyConsts = args.slice(p.cond_nconsts, p.cond_nconsts + p.body_nconsts);
  let carry = args.slice(p.cond_nconsts + p.body_nconsts);
  while (scalarValue(evalSubJaxpr(p.cond_jaxpr, [...condConsts, ...carry])[0]!, "whileLoop") !== 0) {
    carry = evalSubJaxpr(p.body_jaxpr, [...bodyConsts, ...carry]);
  }
  return [...carry];
}

/** Row `i` (along axis 0) of a concrete array: a view of its buffer (arrays are immutable and
 * kernels only read their operands, so no copy is needed). */
function row(x: NDArray, i: number): ConcreteArray {
  const c = x.concrete("scan");
  const inner = new ShapedArray(c.shape.slice(1), c.dtype, c.weakType);
  // (storage slots: a complex element takes two)
  const n = inner.size * lanesOf(c.dtype);
  return new ConcreteArray(inner, bufferOf(c).subarray(i * n, (i + 1) * n));
}

export function scanImpl(args: readonly NDArray[], p: ParamsOf<"scan">): NDArray[] {
  const { jaxpr, length, num_carry, num_consts, reverse } = p;
  const consts = args.slice(0, num_consts);
  let carry = args.slice(num_consts, num_consts + num_carry);
  const xs = args.slice(num_consts + num_carry);
  const yAvals = jaxpr.outAvals.slice(num_carry);
  const ys = yAvals.map((a) => allocate(a.dtype, a.size * length));
  for (let k = 0; k < length; k++) {
    const i = reverse ? length - 1 - k : k;
    const outs = evalSubJaxpr(jaxpr, [...consts, ...carry, ...xs.map((x) => row(x, i))]);
    carry = outs.slice(0, num_carry);
    outs.slice(num_carry).forEach((y, j) => ys[j]!.set(bufferOf(y.concrete("scan")), i * yAvals[j]!.size * lanesOf(yAvals[j]!.dtype)));
  }
  return [...carry, ...ys.map((data, j) => new ConcreteArray(stackedAval(yAvals[j]!, length), data))];
}
