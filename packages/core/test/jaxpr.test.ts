// Golden tests of the jaxpr printer (JAX's text format) and of evalJaxpr.
import { describe, expect, it } from "vitest";
import { arange, array, ClosedJaxpr, evalJaxpr, lax, makeJaxpr, type NDArray, np } from "@jaxts/core";

const jaxpr = (f: (...xs: NDArray[]) => unknown, ...args: (NDArray | number)[]): string =>
  String(makeJaxpr(f as (...xs: unknown[]) => unknown)(...args));

describe("the printed jaxpr", () => {
  it("is JAX's text format for sin(x) * x", () => {
    expect(jaxpr((x) => np.sin(x).mul(x), 0.5)).toBe("{ lambda ; a:f32[]. let\n    b:f32[] = sin a\n    c:f32[] = mul b a\n  in (c,) }");
  });

  it("stages an integer JS number as a weak int32 and a fractional one as a weak float, as numpy operands are", () => {
    expect(jaxpr((x) => x.add(1), 3)).toBe("{ lambda ; a:i32[]. let\n    b:i32[] = add a 1:i32[]\n  in (b,) }");
    expect(jaxpr((x) => x.add(1), 3.5)).toBe("{ lambda ; a:f32[]. let\n    b:f32[] = add a 1.0:f32[]\n  in (b,) }");
  });

  it("prints scalar constants as typed literals", () => {
    expect(jaxpr((x) => x.mul(2), array([1, 2, 3]))).toBe(
      "{ lambda ; a:f32[3]. let\n    b:f32[3] = mul a 2.0:f32[]\n  in (b,) }",
    );
    expect(jaxpr((x) => x.add(1), arange(3))).toBe("{ lambda ; a:i32[3]. let\n    b:i32[3] = add a 1:i32[]\n  in (b,) }");
    expect(jaxpr((x) => x.mul(0.1).add(1e-7), array([1, 2]))).toBe(
      "{ lambda ; a:f32[2]. let\n    b:f32[2] = mul a 0.1:f32[]\n    c:f32[2] = add b 1e-07:f32[]\n  in (c,) }",
    );
  });

  it("lists a closed-over non-scalar array as a constant before the `;`", () => {
    const c = array([1, 2, 3], { dtype: "float64" });
    const closed = makeJaxpr((x: NDArray) => x.add(c))(array([0, 0, 0], { dtype: "float64" }));
    expect(String(closed)).toBe("{ lambda a:f64[3]; b:f64[3]. let\n    c:f64[3] = add b a\n  in (c,) }");
    expect(closed.consts).toEqual([c]);
  });

  it("names unused results `_` (a two-operand sort whose second output is dropped)", () => {
    const text = jaxpr((k, v) => lax.sort([k!, v!], { dimension: 0 })[0], array([3, 1, 2]), array([0, 1, 2], { dtype: "int32" }));
    expect(text).toBe(
      "{ lambda ; a:f32[3] b:i32[3]. let\n    c:f32[3] _:i32[3] = sort[dimension=0 num_keys=1] a b\n  in (c,) }",
    );
  });

  it("prints params in brackets, tuples with JAX's trailing comma", () => {
    expect(jaxpr((x) => np.sum(x, { axis: 0 }), array([[1, 2], [3, 4]]))).toBe(
      "{ lambda ; a:f32[2,2]. let\n    b:f32[2] = reduce_sum[axes=(0,)] a\n  in (b,) }",
    );
    expect(jaxpr((x) => np.transpose(x), np.zeros([2, 3]))).toBe(
      "{ lambda ; a:f32[2,3]. let\n    b:f32[3,2] = transpose[permutation=(1, 0)] a\n  in (b,) }",
    );
    expect(jaxpr((x) => x.astype("int32"), np.zeros([2]))).toBe(
      "{ lambda ; a:f32[2]. let\n    b:i32[2] = convert_element_type[new_dtype=int32 weak_type=False] a\n  in (b,) }",
    );
  });

  it("flattens pytree arguments and results, and prints several outputs", () => {
    const text = String(
      makeJaxpr((p: { w: NDArray; b: NDArray }, x: NDArray) => [p.w.mul(x).add(p.b), { s: x.gt(0) }])(
        { w: array([1, 2]), b: array([0, 0]) },
        array([3, 4]),
      ),
    );
    // leaves in sorted-key order: b, w, then x
    expect(text).toBe(
      "{ lambda ; a:f32[2] b:f32[2] c:f32[2]. let\n    d:f32[2] = mul b c\n    e:f32[2] = add d a\n    f:bool[2] = gt c 0.0:f32[]\n  in (e, f) }",
    );
  });

  it("prints an input returned unchanged and a literal result", () => {
    expect(jaxpr((x) => [x, 1.5], 2.5)).toBe("{ lambda ; a:f32[]. let\n  in (a, 1.5:f32[]) }");
  });

  it("continues variable names after z with ba, bb, ...", () => {
    const text = jaxpr((x) => {
      let y = x;
      for (let i = 0; i < 27; i++) y = np.sin(y);
      return y;
    }, 0.5);
    expect(text).toContain("    z:f32[] = sin y\n    ba:f32[] = sin z\n    bb:f32[] = sin ba\n  in (bb,) }");
  });
});

describe("evalJaxpr", () => {
  it("runs a closed jaxpr on new arguments and agrees with calling the function", () => {
    const f = (x: NDArray, y: NDArray) => np.sum(np.sin(x).mul(y), { axis: 0 });
    const closed = makeJaxpr(f)(np.zeros([2, 3], "float64"), np.zeros([2, 3], "float64"));
    expect(closed).toBeInstanceOf(ClosedJaxpr);
    const x = array([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
    const y = array([[1, 0, 1], [0, 1, 0]], { dtype: "float64" });
    const [out] = evalJaxpr(closed, x, y);
    expect(out!.shape).toEqual([3]);
    expect(out!.toArray()).toEqual(f(x, y).toArray());
  });

  it("uses the captured constants and accepts JS numbers", () => {
    const c = array([10, 20]);
    const closed = makeJaxpr((x: NDArray) => [x.add(c), x.mul(2)])(array([0, 0]));
    const outs = evalJaxpr(closed, array([1, 2]));
    expect(outs.map((o) => o.toArray())).toEqual([[11, 22], [2, 4]]);
    const scalar = makeJaxpr((x: NDArray) => x.mul(x))(1);
    expect(evalJaxpr(scalar, 3)[0]!.item()).toBe(9);
  });

  it("rejects the wrong number of arguments", () => {
    const closed = makeJaxpr((x: NDArray) => x)(1);
    expect(() => evalJaxpr(closed)).toThrow(/1 arguments, got 0/);
  });
});

describe("staging agrees with eager evaluation", () => {
  const fns: readonly [string, (x: NDArray) => unknown][] = [
    ["elementwise", (x) => np.where(x.gt(0), np.exp(x.neg()), x.square()).add(1)],
    ["reductions", (x) => [np.sum(x, { axis: 0, keepdims: true }), np.max(np.abs(x)), np.var(x), np.logsumexp(x), np.argmax(x)]],
    ["shape ops", (x) => [np.transpose(x), np.flip(x, { axis: 0 }), np.reshape(x, [-1]), np.tile(x, [2, 1]), np.concatenate([x, x], { axis: 1 })]],
    ["contractions", (x) => [np.matmul(x, np.transpose(x)), np.einsum("ij,kj->ik", x, x), np.outer(x, x)]],
    ["indexing", (x) => [np.take(x, [0, -1], { axis: 1 }), np.at(x, 0).add(1), np.slice(x, [0, 0], [2, 3], { strides: [1, 2] }), np.cumsum(x, { axis: 1 })]],
    ["sorting", (x) => [np.sort(x), np.argsort(x, { axis: 0 })]],
  ];
  const shapes = [[2, 3], [1, 4], [3, 1]];
  for (const [name, f] of fns) {
    it(`${name}: evalJaxpr(makeJaxpr(f)(x), x) equals f(x) in value, shape and dtype`, () => {
      for (const s of shapes) {
        const n = s[0]! * s[1]!;
        const x = np.reshape(array(Array.from({ length: n }, (_, i) => ((i * 7) % 5) - 2), { dtype: "float64" }), s);
        const closed = makeJaxpr(f)(x);
        const staged = evalJaxpr(closed, x);
        const eager = [f(x)].flat() as NDArray[];
        expect(closed.outAvals.map(String)).toEqual(eager.map((e) => e.aval.str()));
        expect(staged.map((o) => o.toArray())).toEqual(eager.map((e) => e.toArray()));
      }
    });
  }
});
