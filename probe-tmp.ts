import * as ort from "onnxruntime-node";
import { GraphBuilder, ModelContext, valueInfo } from "./packages/transforms/src/export/graph-builder.js";
import { encodeModel } from "./packages/transforms/src/export/onnx/proto.js";
const T: Record<string, number> = { uint32: 12, int8: 3, int16: 5, uint8: 2, float16: 10, bfloat16: 16 };
async function ok(op: string, t: string, nIn: number, attrs = {}): Promise<boolean> {
  const ctx = new ModelContext(18); const b = new GraphBuilder(ctx);
  const ins = Array.from({ length: nIn }, (_, i) => ctx.reserve(`x${i}`));
  const y = b.op(op, ins, attrs); b.node("Identity", [y], {}, ["y"]);
  const g = { ...b.graph("g", ins.map((n) => valueInfo(n, T[t] as 1, [2])), [{ name: "y", type: { tensor_type: { elem_type: 1 as 1, shape: { dim: [] } } } } as never]), initializer: ctx.initializers };
  // output type unknown: omit shape/type checks by letting ORT infer (declare only name)
  (g as { output: unknown }).output = [{ name: "y" }];
  try { await ort.InferenceSession.create(encodeModel({ ir_version: 8, opset_import: [{ domain: "", version: 18 }], producer_name: "p", producer_version: "0", graph: g })); return true; } catch (e) { return false; }
}
const ops: [string, number, object?][] = [["Add", 2], ["Sub", 2], ["Mul", 2], ["Div", 2], ["Mod", 2, { fmod: { int: 1 } }], ["Max", 2], ["Min", 2], ["Equal", 2], ["Less", 2], ["Greater", 2], ["BitwiseAnd", 2], ["BitwiseNot", 1], ["BitShift", 2, { direction: { str: "LEFT" } }], ["Abs", 1], ["Neg", 1], ["Sign", 1], ["Where", 0], ["ReduceSum", 1], ["ReduceMax", 1], ["ArgMax", 1], ["CumSum", 0], ["TopK", 0], ["Einsum", 2, { equation: { str: "i,i->" } }], ["Clip", 1], ["Exp", 1], ["Sqrt", 1], ["Transpose", 1], ["Concat", 2, { axis: { int: 0 } }], ["Cast", 1, { to: { int: 1 } }]];
for (const t of Object.keys(T)) {
  const res: string[] = [];
  for (const [op, n, a] of ops) if (n > 0) res.push(`${op}:${(await ok(op, t, n, a ?? {})) ? "y" : "-"}`);
  console.log(t, res.join(" "));
}
