// Control flow and calls in ONNX: calls (pjit, custom_jvp/vjp calls, checkpoint) are inlined;
// cond becomes nested If; while and scan become Loop. Subgraphs read the enclosing graph's
// values by name (ONNX's outer-scope references), so only loop-carried values are inputs.
import { type Jaxpr, ShapedArray } from "@jaxts/core";
import { onnxType } from "./dtypes.js";
import { GraphBuilder, valueInfo } from "./graph-builder.js";
import { OnnxDataType, type GraphProto } from "./onnx/proto.js";
import type { LowerSub, RuleTable, Val } from "./rule-types.js";
import { INT64_MIN } from "./rules/structural.js";

type ControlName = "pjit" | "custom_jvp_call" | "custom_vjp_call" | "checkpoint" | "custom_lin" | "cond" | "while" | "scan";

const typed = (name: string, aval: ShapedArray) => valueInfo(name, onnxType(aval.dtype, `value ${name}`), aval.shape);

/** A subgraph whose outputs are `body`'s results, each through an Identity (a subgraph's
 * outputs must be produced inside it, never an outer value or one of its inputs directly). */
function subgraph(
  outer: GraphBuilder,
  name: string,
  inputs: readonly { name: string; type: OnnxDataType; shape: readonly number[] }[],
  outAvals: readonly ShapedArray[],
  body: (sb: GraphBuilder) => string[],
  extraOutputTypes: readonly ShapedArray[] = [],
): GraphProto {
  const sb = new GraphBuilder(outer.ctx);
  const outs = body(sb).map((o) => sb.op("Identity", [o]));
  const avals = [...extraOutputTypes, ...outAvals];
  return sb.graph(
    outer.ctx.fresh(name),
    inputs.map((i) => valueInfo(i.name, i.type, i.shape)),
    outs.map((o, k) => typed(o, avals[k]!)),
  );
}

/** cond: branch `index` (clamped) as a chain of Ifs: index < 1 ? b0 : (index < 2 ? b1 : ...). */
function lowerCond(b: GraphBuilder, index: string, branches: readonly Jaxpr[], operands: readonly string[], outAvals: readonly ShapedArray[], lowerSub: LowerSub, from = 0): string[] {
  if (from === branches.length - 1) return lowerSub(b, branches[from]!, operands);
  const pred = b.op("Less", [index, b.scalar(from + 1, "int32")]);
  const thenBranch = subgraph(b, "then", [], outAvals, (sb) => lowerSub(sb, branches[from]!, operands));
  const elseBranch = subgraph(b, "else", [], outAvals, (sb) => lowerCond(sb, index, branches, operands, outAvals, lowerSub, from + 1));
  return b.node("If", [pred], { then_branch: { graph: thenBranch }, else_branch: { graph: elseBranch } }, outAvals.length);
}

const BOOL_SCALAR = { type: OnnxDataType.BOOL, shape: [] };
const ITER = { type: OnnxDataType.INT64, shape: [] };
const carried = (b: GraphBuilder, avals: readonly ShapedArray[]) =>
  avals.map((a) => ({ name: b.ctx.fresh("carry"), type: onnxType(a.dtype, "a loop carry"), shape: a.shape }));

function lowerWhile(b: GraphBuilder, ins: readonly Val[], p: { readonly body_jaxpr: Jaxpr; readonly body_nconsts: number; readonly cond_jaxpr: Jaxpr; readonly cond_nconsts: number }, outAvals: readonly ShapedArray[], lowerSub: LowerSub): string[] {
  const names = ins.map((v) => v.name);
  const condConsts = names.slice(0, p.cond_nconsts);
  const bodyConsts = names.slice(p.cond_nconsts, p.cond_nconsts + p.body_nconsts);
  const init = names.slice(p.cond_nconsts + p.body_nconsts);
  const first = lowerSub(b, p.cond_jaxpr, [...condConsts, ...init])[0]!;
  const iter = { name: b.ctx.fresh("iter"), ...ITER };
  const condIn = { name: b.ctx.fresh("cond_in"), ...BOOL_SCALAR };
  const carry = carried(b, outAvals);
  const body = subgraph(b, "while_body", [iter, condIn, ...carry], outAvals, (sb) => {
    const next = lowerSub(sb, p.body_jaxpr, [...bodyConsts, ...carry.map((c) => c.name)]);
    const keepGoing = lowerSub(sb, p.cond_jaxpr, [...condConsts, ...next])[0]!;
    return [keepGoing, ...next];
  }, [p.cond_jaxpr.outAvals[0]!]);
  return b.node("Loop", ["", first, ...init], { body: { graph: body } }, outAvals.length);
}

function lowerScan(b: GraphBuilder, ins: readonly Val[], p: { readonly jaxpr: Jaxpr; readonly length: number; readonly num_carry: number; readonly num_consts: number; readonly reverse: boolean }, outAvals: readonly ShapedArray[], lowerSub: LowerSub): string[] {
  const names = ins.map((v) => v.name);
  const consts = names.slice(0, p.num_consts);
  const init = names.slice(p.num_consts, p.num_consts + p.num_carry);
  const xs = ins.slice(p.num_consts + p.num_carry);
  const carryAvals = outAvals.slice(0, p.num_carry);
  const ysAvals = outAvals.slice(p.num_carry);
  if (p.length === 0) {
    // ONNX Runtime cannot tell a zero-trip Loop's scan output shapes; they are known here.
    return [...init.map((c) => b.op("Identity", [c])), ...ysAvals.map((a) => b.op("Expand", [b.scalar(0, a.dtype), b.int64s(a.shape)]))];
  }
  const iter = { name: b.ctx.fresh("iter"), ...ITER };
  const condIn = { name: b.ctx.fresh("cond_in"), ...BOOL_SCALAR };
  const carry = carried(b, carryAvals);
  const yElemAvals = p.jaxpr.outAvals.slice(p.num_carry);
  const body = subgraph(b, "scan_body", [iter, condIn, ...carry], [...carryAvals, ...yElemAvals], (sb) => {
    const i = p.reverse ? sb.op("Sub", [sb.int64(p.length - 1), iter.name]) : iter.name;
    const rows = xs.map((x) => sb.op("Gather", [x.name, i], { axis: { int: 0 } }));
    const outs = lowerSub(sb, p.jaxpr, [...consts, ...carry.map((c) => c.name), ...rows]);
    return [condIn.name, ...outs];
  }, [new ShapedArray([], "bool")]);
  const outs = b.node("Loop", [b.int64(p.length), "", ...init], { body: { graph: body } }, outAvals.length);
  if (!p.reverse) return outs;
  // The Loop stacks ys in iteration order; a reverse scan stores row i at position i.
  const flip = (y: string): string => b.op("Slice", [y, b.int64s([-1]), b.int64s([INT64_MIN]), b.int64s([0]), b.int64s([-1])]);
  return [...outs.slice(0, p.num_carry), ...outs.slice(p.num_carry).map(flip)];
}

export const controlRules: RuleTable<ControlName> = {
  pjit: (b, ins, { jaxpr }, _o, lowerSub) => lowerSub(b, jaxpr, ins.map((v) => v.name)),
  // Exported programs only run forward: the custom derivative rules are not needed there.
  custom_jvp_call: (b, ins, { call_jaxpr }, _o, lowerSub) => lowerSub(b, call_jaxpr, ins.map((v) => v.name)),
  custom_vjp_call: (b, ins, { call_jaxpr }, _o, lowerSub) => lowerSub(b, call_jaxpr, ins.map((v) => v.name)),
  checkpoint: (b, ins, { jaxpr }, _o, lowerSub) => lowerSub(b, jaxpr, ins.map((v) => v.name)),
  custom_lin: {
    unsupported:
      "it is a linear map given by JavaScript closures (a customVjp or checkpoint inside linearize/jvp of a staged function); export the gradient (grad/vjp), whose jaxpr has no custom_lin",
  },
  cond: (b, [index, ...ops], { branches }, outAvals, lowerSub) => lowerCond(b, index!.name, branches, ops.map((v) => v.name), outAvals, lowerSub),
  while: (b, ins, p, outAvals, lowerSub) => lowerWhile(b, ins, p, outAvals, lowerSub),
  scan: (b, ins, p, outAvals, lowerSub) => lowerScan(b, ins, p, outAvals, lowerSub),
};
