// jit stages a function once per signature and composes with differentiation.
import { array, ArgumentError, makeJaxpr, type NDArray, np } from "@jaxts/core";
import { grad, jit, valueAndGrad, vjp } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

describe("jit", () => {
  it("gives the same values as the plain function", () => {
    const f = (x: NDArray, y: NDArray) => np.sum(np.tanh(np.matmul(x, y)).mul(2));
    const x = array([[1, 2], [3, 4]]);
    const y = array([[0.5], [-0.25]]);
    expect(jit(f)(x, y).item()).toBe(f(x, y).item());
  });

  it("traces once per input signature and replays from its cache", () => {
    let traces = 0;
    const f = jit((x: NDArray) => {
      traces++;
      return x.mul(2);
    });
    f(array([1, 2]));
    f(array([3, 4]));
    expect(traces).toBe(1);
    f(array([1, 2, 3]));
    f(array([1, 2], { dtype: "float64" }));
    expect(traces).toBe(3);
    expect(f(array([5, 6])).toArray()).toEqual([10, 12]);
    expect(traces).toBe(3);
  });

  it("re-traces for new static argument values, and keys them by value", () => {
    let traces = 0;
    const power = jit(
      (x: NDArray, n: number) => {
        traces++;
        let y = x;
        for (let i = 1; i < n; i++) y = y.mul(x);
        return y;
      },
      { staticArgnums: 1 },
    );
    expect(power(array(2), 3).item()).toBe(8);
    expect(power(array(3), 3).item()).toBe(27);
    expect(power(array(2), 4).item()).toBe(16);
    expect(traces).toBe(2);
  });

  it("shows up as one pjit equation holding the staged jaxpr", () => {
    const f = jit(function double(x: NDArray) {
      return x.mul(2);
    });
    const text = String(makeJaxpr((x: NDArray) => f(x).add(1))(array([1, 2])));
    expect(text).toContain("b:f32[2] = pjit[\n      jaxpr={ lambda ; c:f32[2]. let");
    expect(text).toContain("name=double");
    expect(text).toContain("mul c 2.0:f32[]");
  });

  it("composes with grad in both orders", () => {
    const f = (x: NDArray) => np.sum(np.sin(x).mul(x));
    const x = array([0.5, 1, 2]);
    const expected = grad(f)(x).toArray();
    expect(grad(jit(f))(x).toArray()).toEqual(expected);
    expect(jit(grad(f))(x).toArray()).toEqual(expected);
    const jf = jit(f);
    const [, vjpFn] = vjp(jf, x);
    expect((vjpFn(1)[0] as NDArray).toArray()).toEqual(expected);
  });

  it("differentiates a jitted closure over an outer traced value", () => {
    const g = grad((x: NDArray) => jit((y: NDArray) => y.mul(x))(3));
    expect(g(2).item()).toBe(3);
    expect(g(5).item()).toBe(3);
  });

  it("takes pytrees and returns pytrees", () => {
    const f = jit((p: { w: NDArray; b: NDArray }, x: NDArray) => ({ y: p.w.mul(x).add(p.b), n: [np.sum(x)] }));
    const out = f({ w: array(2), b: array(1) }, array([1, 2]));
    expect(out.y.toArray()).toEqual([3, 5]);
    expect(out.n[0]!.item()).toBe(3);
    const [value, g] = valueAndGrad((p: { w: NDArray; b: NDArray }) => np.sum(f(p, array([1, 2])).y))({ w: array(2), b: array(1) });
    expect(value.item()).toBe(8);
    expect([g.w.item(), g.b.item()]).toEqual([3, 2]);
  });

  it("rejects static argument positions out of range and unhashable static values", () => {
    const f = jit((x: NDArray) => x, { staticArgnums: 3 });
    expect(() => f(array(1))).toThrow(ArgumentError);
    expect(() => f(array(1))).toThrow(/staticArgnums 3 is out of range/);
    const g = jit((x: NDArray, _fn: unknown) => x, { staticArgnums: 1 });
    expect(() => g(array(1), () => 1)).toThrow(/static arguments must be/);
  });
});
