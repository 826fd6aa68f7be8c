// matmul (numpy's batch broadcasting and 1-D rules), dot, outer and einsum against
// brute-force nested loops in float64.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { array, np, ShapeError } from "@jaxts/core";
import {
  broadcastableShapesArb,
  broadcastShape,
  dataArb,
  expectClose,
  fromFn,
  get,
  type Ref,
  runs,
  sizeOf,
  toND,
  unravel,
} from "./helpers/reference.js";

const dim = fc.integer({ min: 0, max: 3 });

describe("matmul", () => {
  /** numpy.matmul by its definition: 1-D operands gain an axis that the result then drops. */
  function matmulRef(a: Ref, b: Ref): Ref {
    const A = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a;
    const B = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b;
    const [m, k] = A.shape.slice(-2) as [number, number];
    const n = B.shape[B.shape.length - 1]!;
    const batch = broadcastShape(A.shape.slice(0, -2), B.shape.slice(0, -2))!;
    const aBatch = { shape: A.shape.slice(0, -2), data: [] };
    const bBatch = { shape: B.shape.slice(0, -2), data: [] };
    const out = fromFn([...batch, m, n], (idx) => {
      const bi = idx.slice(0, -2);
      const [i, j] = idx.slice(-2) as [number, number];
      const ai = batchIndex(aBatch.shape, bi);
      const bj = batchIndex(bBatch.shape, bi);
      let s = 0;
      for (let t = 0; t < k; t++) s += get(A, [...ai, i, t]) * get(B, [...bj, t, j]);
      return s;
    });
    const shape = [...out.shape];
    if (b.shape.length === 1) shape.pop();
    if (a.shape.length === 1) shape.splice(shape.length - (b.shape.length === 1 ? 1 : 2), 1);
    return { shape, data: out.data };
  }
  const batchIndex = (shape: readonly number[], outIdx: readonly number[]) =>
    shape.map((d, i) => (d === 1 ? 0 : outIdx[outIdx.length - shape.length + i]!));

  const matmulArb = fc
    .tuple(broadcastableShapesArb(2, { maxRank: 2, maxDim: 3 }), dim, dim, dim, fc.boolean(), fc.boolean())
    .chain(([[ba, bb], m, k, n, aVec, bVec]) =>
      fc.tuple(dataArb(aVec ? [k] : [...ba!, m, k]), dataArb(bVec ? [k] : [...bb!, k, n])),
    );

  it("matches the batched definition, including 1-D operands and broadcast batch dims", () => {
    fc.assert(
      fc.property(matmulArb, ([a, b]) => {
        const got = np.matmul(toND(a), toND(b));
        expectClose(got, matmulRef(a, b));
        expectClose(toND(a).matmul(toND(b)), matmulRef(a, b));
      }),
      runs,
    );
  });

  it("of two vectors is their inner product, a rank-0 array", () => {
    const got = np.matmul(array([1, 2, 3]), array([4, 5, 6]));
    expect(got.shape).toEqual([]);
    expect(got.item()).toBe(32);
  });

  it("of int32 operands stays int32; of bools is int32", () => {
    const i = array([[1, 2], [3, 4]], { dtype: "int32" });
    expect(np.matmul(i, i).dtype).toBe("int32");
    expect(np.matmul(i, i).toArray()).toEqual([[7, 10], [15, 22]]);
    expect(np.matmul(array([[true, true]]), array([[true], [true]])).toArray()).toEqual([[2]]);
  });

  it("raises a ShapeError naming both shapes when the inner dimensions differ", () => {
    expect(() => np.matmul(np.zeros([2, 3]), np.zeros([2, 3]))).toThrow(ShapeError);
    expect(() => np.matmul(np.zeros([2, 3]), np.zeros([2, 3]))).toThrow(/matmul.*\[2, 3\].*\[2, 3\]/);
    expect(() => np.matmul(np.zeros([2, 2, 3]), np.zeros([3, 3, 4]))).toThrow(/matmul/);
    expect(() => np.matmul(np.zeros([]), np.zeros([3]))).toThrow(ShapeError);
  });
});

describe("dot and outer", () => {
  function dotRef(a: Ref, b: Ref): Ref {
    if (a.shape.length === 0 || b.shape.length === 0) {
      const s = a.shape.length === 0 ? b : a;
      const k = a.shape.length === 0 ? a.data[0]! : b.data[0]!;
      return { shape: s.shape, data: s.data.map((v) => v * k) };
    }
    const ca = a.shape.length - 1;
    const cb = b.shape.length === 1 ? 0 : b.shape.length - 2;
    const aFree = a.shape.slice(0, -1);
    const bFree = b.shape.filter((_, i) => i !== cb);
    return fromFn([...aFree, ...bFree], (idx) => {
      const ai = idx.slice(0, aFree.length);
      const bi = idx.slice(aFree.length);
      let s = 0;
      for (let t = 0; t < a.shape[ca]!; t++) s += get(a, [...ai, t]) * get(b, [...bi.slice(0, cb), t, ...bi.slice(cb)]);
      return s;
    });
  }

  const dotArb = fc
    .tuple(fc.array(dim, { maxLength: 3 }), fc.array(dim, { maxLength: 3 }), dim)
    .chain(([sa, sb, k]) => {
      const a = sa.length === 0 ? [] : [...sa.slice(1), k];
      const b = sb.length === 0 ? [] : sb.length === 1 ? [k] : [...sb.slice(2), k, sb[0]!];
      return fc.tuple(dataArb(a), dataArb(b));
    });

  it("dot follows numpy: scalar product, inner product, matrix product, last-with-second-to-last", () => {
    fc.assert(
      fc.property(dotArb, ([a, b]) => {
        expectClose(np.dot(toND(a), toND(b)), dotRef(a, b));
      }),
      runs,
    );
  });

  it("dot raises a ShapeError for unaligned shapes", () => {
    expect(() => np.dot(np.zeros([2, 3]), np.zeros([2]))).toThrow(/dot.*\[2, 3\].*\[2\]/);
  });

  it("outer flattens both operands", () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.array(dim, { maxLength: 2 }), fc.array(dim, { maxLength: 2 })).chain(([sa, sb]) => fc.tuple(dataArb(sa), dataArb(sb))),
        ([a, b]) => {
          const expected = fromFn([a.data.length, b.data.length], ([i, j]) => a.data[i!]! * b.data[j!]!);
          expectClose(np.outer(toND(a), toND(b)), expected);
        },
      ),
      runs,
    );
  });
});

describe("einsum", () => {
  /** Brute force: sum the product over every assignment of every letter. */
  function einsumRef(spec: string, ops: readonly Ref[]): Ref {
    const [lhs, rhs] = spec.split("->") as [string, string | undefined];
    const ins = lhs.split(",");
    const sizes = new Map<string, number>();
    ins.forEach((labels, k) => [...labels].forEach((c, i) => sizes.set(c, ops[k]!.shape[i]!)));
    const counts = new Map<string, number>();
    for (const c of ins.join("")) counts.set(c, (counts.get(c) ?? 0) + 1);
    const out = rhs ?? [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join("");
    const letters = [...sizes.keys()];
    const outShape = [...out].map((c) => sizes.get(c)!);
    const acc = new Array<number>(sizeOf(outShape)).fill(0);
    const total = sizeOf(letters.map((c) => sizes.get(c)!));
    for (let t = 0; t < total; t++) {
      const vals = unravel(t, letters.map((c) => sizes.get(c)!));
      const at = (c: string) => vals[letters.indexOf(c)]!;
      let p = 1;
      ins.forEach((labels, k) => {
        p *= get(ops[k]!, [...labels].map(at));
      });
      const o = [...out].reduce((f, c, i) => f * outShape[i]! + at(c), 0);
      acc[o] = acc[o]! + p;
    }
    return { shape: outShape, data: acc };
  }

  const specs = ["ii", "ii->i", "ij->ji", "ij->", "ij", "ji", "ijk->kji", "i,i->", "i,i", "i,j->ij", "ij,jk->ik", "ij,jk", "ij,ij->ij", "bij,bjk->bik", "ij,jk,kl->il", "ij,j->i", "iij->j", "i,i,i->", "ij,ij->", "ii,i->i", "ij,kl->ijkl", "ijk,ikl->jl", "ab,bc,cd,de->ae"];
  for (const spec of specs) {
    it(`"${spec}" matches the brute-force sum`, () => {
      const ins = spec.split("->")[0]!.split(",");
      const letters = [...new Set(ins.join(""))];
      fc.assert(
        fc.property(
          fc
            .tuple(...letters.map(() => dim))
            .chain((ds) => fc.tuple(...ins.map((labels) => dataArb([...labels].map((c) => ds[letters.indexOf(c)]!))))),
          (ops) => {
            expectClose(np.einsum(spec, ...ops.map((r) => toND(r))), einsumRef(spec, ops));
          },
        ),
        { numRuns: 20 },
      );
    });
  }

  it("raises when a subscript's sizes disagree or the operand count is wrong", () => {
    expect(() => np.einsum("ij,jk->ik", np.zeros([2, 3]), np.zeros([4, 2]))).toThrow(ShapeError);
    expect(() => np.einsum("ij,jk->ik", np.zeros([2, 3]))).toThrow(/einsum/);
  });
});

describe("matmul agrees with broadcasting multiply-and-sum", () => {
  it("a @ b == sum(a[..., :, :, None] * b[..., None, :, :], axis=-2)", () => {
    fc.assert(
      fc.property(
        fc.tuple(dim, dim, dim).chain(([m, k, n]) => fc.tuple(dataArb([m, k]), dataArb([k, n]))),
        ([a, b]) => {
          const viaMul = np.sum(np.multiply(np.expandDims(toND(a), 2), np.expandDims(toND(b), 0)), { axis: 1 });
          const direct = np.matmul(toND(a), toND(b));
          expect(viaMul.shape).toEqual(direct.shape);
          expectClose(viaMul, { shape: [...direct.shape], data: Array.from(direct.toTypedArray()) });
        },
      ),
      runs,
    );
  });
});
