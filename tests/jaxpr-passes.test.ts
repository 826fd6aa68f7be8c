// The jaxpr passes the compiler builds on: a type checker that every transformation's output
// passes, and dead-code elimination (including inside pjit).
import {
  array,
  ClosedJaxpr,
  dceJaxpr,
  Eqn,
  evalJaxpr,
  Jaxpr,
  JaxprTypeError,
  lax,
  makeJaxpr,
  type NDArray,
  np,
  ShapedArray,
  typecheckJaxpr,
  Var,
} from "@jaxts/core";
import { checkpoint, grad, hessian, jit, jvp, vjp, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const x = array([0.5, 1.5, -2.0]);
const f = (a: NDArray) => np.sum(np.sin(a).mul(a));

/** Programs every transformation produces, as closed jaxprs. */
const programs: [string, () => ClosedJaxpr][] = [
  ["f", () => makeJaxpr(f)(x)],
  ["grad(f)", () => makeJaxpr(grad(f))(x)],
  ["grad(jit(f))", () => makeJaxpr(grad(jit(f)))(x)],
  ["jit(grad(f))", () => makeJaxpr(jit(grad(f)))(x)],
  ["hessian(f)", () => makeJaxpr(hessian(f))(x)],
  ["jvp(jit(f))", () => makeJaxpr((a: NDArray) => jvp(jit(f), [a], [np.onesLike(a)])[1])(x)],
  ["vmap(grad(f))", () => makeJaxpr(vmap(grad(f)))(np.stack([x, x]))],
  ["vjp of a matmul chain", () => makeJaxpr((w: NDArray) => vjp((v: NDArray) => np.tanh(np.matmul(v, w)), np.ones([2, 3]))[1](np.ones([2, 3]))[0]!)(np.eye(3))],
  ["grad of a scan", () => makeJaxpr(grad((a: NDArray) => np.sum(lax.scan((c: NDArray, xi: NDArray) => [c.mul(xi).add(1), c], array(1.0), a)[0])))(x)],
  ["grad of a cond", () => makeJaxpr(grad((a: NDArray) => lax.cond(np.sum(a).gt(0), (b: NDArray) => np.sum(np.exp(b)), (b: NDArray) => np.sum(b), a)))(x)],
  ["jvp of a whileLoop", () => makeJaxpr((a: NDArray) => jvp((b: NDArray) => lax.whileLoop((c: NDArray) => np.sum(c).lt(10), (c: NDArray) => c.mul(2), b), [a], [a])[1])(x)],
  ["grad of checkpoint", () => makeJaxpr(grad((a: NDArray) => np.sum(checkpoint((b: NDArray) => np.sin(np.sin(b)))(a))))(x)],
];

describe("typecheckJaxpr", () => {
  it.each(programs)("accepts what %s produces", (_name, make) => {
    const closed = make();
    expect(typecheckJaxpr(closed.jaxpr).map((a) => a.str())).toEqual(closed.outAvals.map((a) => a.str()));
  });

  const f32 = (...shape: number[]) => new ShapedArray(shape, "float32");
  it("names an equation whose declared output type is not what its primitive gives", () => {
    const a = new Var(f32(3));
    const out = new Var(f32(4));
    const bad = new Jaxpr([], [a], [new Eqn("sin", [a], {}, [out])], [out]);
    expect(() => typecheckJaxpr(bad)).toThrow(JaxprTypeError);
    expect(() => typecheckJaxpr(bad)).toThrow(/equation 0 \(sin\).*f32\[4\].*f32\[3\]/);
  });

  it("rejects a variable read before it is defined, and one defined twice", () => {
    const a = new Var(f32(3));
    const b = new Var(f32(3));
    expect(() => typecheckJaxpr(new Jaxpr([], [a], [new Eqn("sin", [b], {}, [a])], [a]))).toThrow(/not defined before/);
    expect(() => typecheckJaxpr(new Jaxpr([], [a], [new Eqn("sin", [a], {}, [a])], [a]))).toThrow(/already defined/);
  });

  it("reports an ill-typed equation (operand shapes its primitive refuses), inside sub-jaxprs too", () => {
    const a = new Var(f32(3));
    const b = new Var(f32(4));
    const c = new Var(f32(3));
    const inner = new Jaxpr([], [a, b], [new Eqn("add", [a, b], {}, [c])], [c]);
    expect(() => typecheckJaxpr(inner)).toThrow(/equation 0 \(add\) is ill-typed/);
    const p = new Var(f32(3));
    const q = new Var(f32(4));
    const r = new Var(f32(3));
    const outer = new Jaxpr([], [p, q], [new Eqn("pjit", [p, q], { jaxpr: inner, name: "g", num_consts: 0 }, [r])], [r]);
    expect(() => typecheckJaxpr(outer)).toThrow(/inside the sub-jaxpr of equation 0 \(pjit\)/);
  });
});

describe("dceJaxpr", () => {
  it("drops equations whose outputs are unused and keeps the result equal", () => {
    const g = (a: NDArray) => {
      np.exp(a).mul(3); // dead
      return np.sin(a);
    };
    const closed = makeJaxpr(g)(x);
    expect(closed.jaxpr.eqns.map((e) => e.primitive)).toEqual(["exp", "mul", "sin"]);
    const { jaxpr } = dceJaxpr(closed.jaxpr, undefined, true);
    expect(jaxpr.eqns.map((e) => e.primitive)).toEqual(["sin"]);
    typecheckJaxpr(jaxpr);
    expect(evalJaxpr(new ClosedJaxpr(jaxpr, closed.consts), x)[0]!.toArray()).toEqual(g(x).toArray());
  });

  it("prunes a pjit's unused outputs inside it: grad(jit(f)) no longer computes f's value", () => {
    const closed = makeJaxpr(grad(jit(f)))(x);
    const inner = (j: Jaxpr) => (j.eqns[0] as Eqn<"pjit">).params.jaxpr.eqns.map((e) => e.primitive);
    expect(inner(closed.jaxpr)).toContain("reduce_sum");
    const { jaxpr } = dceJaxpr(closed.jaxpr, undefined, true);
    expect(inner(jaxpr)).not.toContain("reduce_sum");
    typecheckJaxpr(jaxpr);
    expect(evalJaxpr(new ClosedJaxpr(jaxpr, closed.consts), x)[0]!.toArray()).toEqual(grad(f)(x).toArray());
  });

  it("reports which inputs are still read and drops the others unless asked to keep them", () => {
    const closed = makeJaxpr((a: NDArray, _b: NDArray) => np.cos(a))(x, x);
    const pruned = dceJaxpr(closed.jaxpr);
    expect(pruned.usedInputs).toEqual([true, false]);
    expect(pruned.jaxpr.inVars).toHaveLength(1);
    expect(dceJaxpr(closed.jaxpr, undefined, true).jaxpr.inVars).toHaveLength(2);
    expect(dceJaxpr(closed.jaxpr, [false]).jaxpr.eqns).toHaveLength(0);
  });
});
