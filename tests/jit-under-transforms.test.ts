// A jitted function stays one `pjit` through every transformation (as in JAX), so the
// compiler sees whole programs: its JVP is a pjit over the JVP'd jaxpr, reverse mode splits
// it into a known pjit run forward and a transposed pjit run backward, and vmap batches the
// inner jaxpr. Values equal the un-jitted function's; rewrites are cached per jaxpr.
import { array, type ClosedJaxpr, compileCount, config, type Eqn, makeJaxpr, type NDArray, nn, np, programStats } from "@jaxts/core";
import { checkGrads } from "@jaxts/transforms/testing";
import { grad, hessian, jit, jvp, linearize, valueAndGrad, vjp, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const f = (x: NDArray) => np.sum(np.sin(x).mul(x));
const x = array([0.5, 1.5, -2.0], { dtype: "float64" });

/** The pjit equations of a jaxpr's top level: [name, inner jaxpr]. */
const pjits = (closed: ClosedJaxpr): Eqn<"pjit">[] => closed.jaxpr.eqns.filter((e): e is Eqn<"pjit"> => e.primitive === "pjit");
const names = (closed: ClosedJaxpr): string[] => pjits(closed).map((e) => e.params.name);

describe("jit under transformations: pjit is not inlined", () => {
  it("grad(jit(f)) equals grad(f) and runs as a forward pjit and a transposed pjit", () => {
    expect(grad(jit(f))(x).toArray()).toEqual(grad(f)(x).toArray());
    expect(names(makeJaxpr(grad(jit(f)))(x))).toEqual(["jvp(f)", "transpose(jvp(f))"]);
  });

  it("jvp(jit(f)) equals jvp(f) and is one pjit over the JVP'd jaxpr", () => {
    const t = np.onesLike(x);
    const [y, dy] = jvp(jit(f), [x], [t]);
    const [y0, dy0] = jvp(f, [x], [t]);
    expect(y.item()).toBe(y0.item());
    expect(dy.item()).toBe(dy0.item());
    const closed = makeJaxpr((a: NDArray, b: NDArray) => jvp(jit(f), [a], [b]))(x, t);
    expect(names(closed)).toEqual(["jvp(f)"]);
    expect(closed.jaxpr.eqns).toHaveLength(1);
  });

  it("vmap(jit(f)) and jit(vmap(grad(f))) equal their un-jitted forms; vmap keeps the pjit", () => {
    const xs = array([[0.5, 1.0], [2.0, -1.0], [0.25, 3.0]], { dtype: "float64" });
    expect(vmap(jit(f))(xs).toArray()).toEqual(vmap(f)(xs).toArray());
    expect(jit(vmap(grad(f)))(xs).toArray()).toEqual(vmap(grad(f))(xs).toArray());
    expect(names(makeJaxpr(vmap(jit(f)))(xs))).toEqual(["f"]);
    expect(vmap(grad(jit(f)))(xs).toArray()).toEqual(vmap(grad(f))(xs).toArray());
  });

  it("higher orders nest: grad(grad(jit(g))) and hessian(jit(f)) equal the un-jitted ones", () => {
    const g = (s: NDArray) => np.sin(s).mul(s).mul(s);
    const s = array(0.7, { dtype: "float64" });
    expect(grad(grad(jit(g)))(s).item()).toBeCloseTo(grad(grad(g))(s).item() as number, 14);
    expect(grad(grad(grad(jit(g))))(s).item()).toBeCloseTo(grad(grad(grad(g)))(s).item() as number, 13);
    const h = (hessian(jit(f))(x) as NDArray).toArray() as number[][];
    const h0 = (hessian(f)(x) as NDArray).toArray() as number[][];
    h.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(h0[i]![j]!, 13)));
  });

  it("vjp, linearize and valueAndGrad with several inputs and outputs through jit", () => {
    const k = jit((a: NDArray, b: NDArray) => ({ p: np.sum(a.mul(b)), q: np.exp(a).mul(2) }));
    const k0 = (a: NDArray, b: NDArray) => ({ p: np.sum(a.mul(b)), q: np.exp(a).mul(2) });
    const b = array([1.0, 2.0, 3.0], { dtype: "float64" });
    const ct = { p: array(1.5, { dtype: "float64" }), q: array([1.0, -1.0, 0.5], { dtype: "float64" }) };
    const [, pull] = vjp(k, x, b);
    const [, pull0] = vjp(k0, x, b);
    const [ga, gb] = pull(ct);
    const [ga0, gb0] = pull0(ct);
    expect((ga as NDArray).toArray()).toEqual((ga0 as NDArray).toArray());
    expect((gb as NDArray).toArray()).toEqual((gb0 as NDArray).toArray());
    const [, lin] = linearize((a: NDArray) => k(a, b).q, x);
    const [, lin0] = linearize((a: NDArray) => k0(a, b).q, x);
    expect(lin(b).toArray()).toEqual(lin0(b).toArray());
    const [v, g] = valueAndGrad((a: NDArray, c: NDArray) => k(a, c).p, { argnums: [0, 1] })(x, b);
    expect(v.item()).toBe(np.sum(x.mul(b)).item());
    expect(g[1].toArray()).toEqual(x.toArray());
  });

  it("a jitted function closing over a traced value differentiates through the closure", () => {
    const outer = (a: NDArray) => jit((y: NDArray) => np.sum(y.mul(a).mul(a)))(x);
    expect(grad(outer)(array(3.0, { dtype: "float64" })).item()).toBeCloseTo(2 * 3 * Number(np.sum(x).item()), 12);
  });

  it("integer and boolean operands and outputs pass through the split untouched", () => {
    const k = jit((a: NDArray, n: NDArray) => ({ y: np.sum(a.mul(n.astype("float64"))), big: np.greater(a, 0), n2: n.mul(2) }));
    const n = array([1, 2, 3], { dtype: "int32" });
    const gradA = grad((a: NDArray) => k(a, n).y)(x);
    expect(gradA.toArray()).toEqual([1, 2, 3]);
    const [out, pull] = vjp((a: NDArray) => k(a, n), x);
    expect(out.n2.toArray()).toEqual([2, 4, 6]);
    expect(out.big.toArray()).toEqual([true, true, false]);
    const [ga] = pull({ y: array(1, { dtype: "float64" }), big: np.zerosLike(out.big), n2: np.zerosLike(out.n2) });
    expect((ga as NDArray).toArray()).toEqual([1, 2, 3]);
  });

  it("grad(jit(f)), jit(grad(f)), vmap(jit(f)) and jit(vmap(grad(f))) run compiled programs, compiled on the first call only", () => {
    const xs = array([[0.5, 1.5, -2.0], [0.25, -1, 3]], { dtype: "float64" });
    const compositions: [string, () => NDArray][] = [
      ["grad(jit(f))", ((g) => () => g(x))(grad(jit(f)))],
      ["jit(grad(f))", ((g) => () => g(x))(jit(grad(f)))],
      ["vmap(jit(f))", ((g) => () => g(xs))(vmap(jit(f)))],
      ["jit(vmap(grad(f)))", ((g) => () => g(xs))(jit(vmap(grad(f))))],
    ];
    for (const [name, call] of compositions) {
      const first = call().toArray();
      const [compiled, calls] = [compileCount(), programStats.calls];
      expect(call().toArray(), name).toEqual(first);
      expect(compileCount(), `${name} compiled again`).toBe(compiled);
      // On wasm a pjit runs its compiled program; on js its equations run one by one.
      if (config.get().backend === "wasm") expect(programStats.calls, `${name} ran no compiled program`).toBeGreaterThan(calls);
      else expect(programStats.calls).toBe(calls);
    }
  });

  it("the JVP, split and transpose of a jitted function are made once: a second call reuses them", () => {
    const jf = jit(f);
    const first = pjits(makeJaxpr(grad(jf))(x));
    const second = pjits(makeJaxpr(grad(jf))(x));
    expect(second.map((e) => e.params.jaxpr)).toEqual(first.map((e) => e.params.jaxpr));
    second.forEach((e, i) => expect(e.params.jaxpr).toBe(first[i]!.params.jaxpr));
  });

  it("gradients through jit pass the finite-difference checks, forward and reverse, orders 1 and 2", () => {
    const g = jit((a: NDArray) => np.sum(np.tanh(a).mul(np.exp(a.mul(0.3)))));
    expect(() => checkGrads(g, [x], { order: 2, modes: ["fwd", "rev"] })).not.toThrow();
  });
});

describe("jit compiles once per signature and shows what it runs", () => {
  const w3 = (a: NDArray) => np.sum(np.tanh(a).mul(nn.sigmoid(a)).add(np.square(a).mul(0.5)));

  it("a second call with the same signature neither re-traces nor recompiles; a new shape does both", () => {
    let traces = 0;
    const g = jit((a: NDArray) => {
      traces++;
      return np.sum(np.exp(a));
    });
    g(np.ones([3]));
    const compiled = compileCount();
    g(np.ones([3]).mul(2));
    expect(traces).toBe(1);
    expect(compileCount()).toBe(compiled);
    g(np.ones([5]));
    expect(traces).toBe(2);
    expect(compileCount()).toBe(compiled + 1);
  });

  it("lower(x).asText() prints the optimized jaxpr, smaller than the staged one, and running it gives the same values", () => {
    const vg = jit(valueAndGrad(w3));
    const lowered = vg.lower(x);
    expect(lowered.optimized.jaxpr.eqns.length).toBeLessThan(lowered.jaxpr.jaxpr.eqns.length);
    const text = lowered.asText();
    expect(text).toContain("optimized jaxpr");
    expect(text).toContain(String(lowered.optimized));
    const [v, g] = vg(x);
    const [v0, g0] = valueAndGrad(w3)(x);
    expect(v.item()).toBeCloseTo(v0.item() as number, 14);
    expect(g.toArray()).toEqual(g0.toArray());
  });
});
