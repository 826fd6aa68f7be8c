// The threefry2x32 block cipher (jax.random's core) as ONNX integer arithmetic: the int32
// words are reinterpreted as uint32 (Cast wraps), where Add wraps modulo 2^32 and BitShift
// is defined, then cast back.
import type { GraphBuilder } from "../graph-builder.js";
import { OnnxDataType } from "../onnx/proto.js";
import { cast, castOnnx, type RuleTable } from "../rule-types.js";

const ROTATIONS = [
  [13, 15, 26, 6],
  [17, 29, 16, 24],
] as const;

function threefry(b: GraphBuilder, words: readonly string[]): [string, string] {
  const u32 = (v: number): string => b.ctx.constant(OnnxDataType.UINT32, [], [v >>> 0], "a threefry constant");
  const add = (x: string, y: string): string => b.op("Add", [x, y]);
  const rotl = (x: string, r: number): string =>
    b.op("BitwiseOr", [b.op("BitShift", [x, u32(r)], { direction: { str: "LEFT" } }), b.op("BitShift", [x, u32(32 - r)], { direction: { str: "RIGHT" } })]);
  const [k0, k1, x0, x1] = words.map((w) => castOnnx(b, w, OnnxDataType.UINT32)) as [string, string, string, string];
  const ks = [k0, k1, b.op("BitwiseXor", [b.op("BitwiseXor", [k0, k1]), u32(0x1bd11bda)])];
  let a = add(x0, ks[0]!);
  let c = add(x1, ks[1]!);
  for (let i = 0; i < 5; i++) {
    for (const r of ROTATIONS[i % 2]!) {
      a = add(a, c);
      c = b.op("BitwiseXor", [rotl(c, r), a]);
    }
    a = add(a, ks[(i + 1) % 3]!);
    c = add(add(c, ks[(i + 2) % 3]!), u32(i + 1));
  }
  return [a, c];
}

export const randomRules: RuleTable<"threefry2x32"> = {
  threefry2x32: (b, ins) => threefry(b, ins.map((v) => v.name)).map((w) => cast(b, w, "int32")),
};
