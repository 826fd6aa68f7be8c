// vmap of a jitted function, as JAX's batch_jaxpr: the pjit stays one equation whose inner
// jaxpr is batched only on the batched operands (weights stay unbatched, not broadcast),
// outputs that do not vary across the batch come out unbatched, and the batched jaxpr is
// made once per (jaxpr, batched operands, batch size), so a second call compiles nothing.
import { type ClosedJaxpr, compileCount, config, type Eqn, makeJaxpr, type NDArray, np } from "@jaxts/core";
import { checkpoint, grad, jit, vmap } from "@jaxts/transforms";
import { afterAll, describe, expect, it } from "vitest";
import { expectTreeClose, loopVmap } from "./vmap-helpers.js";

// float64 from the start: the fixtures below are built when the file is collected.
config.set({ defaultFloat: "float64" });
afterAll(() => config.set({ defaultFloat: "float32" }));

/** A batch of n rows of m: xs[i, j] = sin(1.3 (m i + j) + 1 + shift). */
const rows = (n: number, m: number, shift = 0): NDArray => np.sin(np.reshape(np.arange(n * m), [n, m]).astype("float64").mul(1.3).add(1 + shift));
const w = np.cos(np.reshape(np.arange(12), [3, 4]).astype("float64").mul(0.7));
const xs = rows(5, 3);

const pjits = (closed: ClosedJaxpr): Eqn<"pjit">[] => closed.jaxpr.eqns.filter((e): e is Eqn<"pjit"> => e.primitive === "pjit");

describe("vmap(jit(f)) compiles once per batch signature", () => {
  it("a second and third call with the same shapes compile nothing; a new batch size compiles again", () => {
    const g = vmap(jit((x: NDArray) => np.sum(np.sin(x).mul(x))));
    g(rows(4, 3));
    const compiled = compileCount();
    const second = g(rows(4, 3, 0.5));
    g(rows(4, 3, 1.5));
    expect(compileCount()).toBe(compiled);
    expectTreeClose(second, vmap((x: NDArray) => np.sum(np.sin(x).mul(x)))(rows(4, 3, 0.5)));
    g(rows(6, 3));
    expect(compileCount()).toBeGreaterThan(compiled);
  });

  it("the batched jaxpr is the same object on every call of the same pattern", () => {
    const layer = jit((a: NDArray, x: NDArray) => np.tanh(np.matmul(x, a)));
    const first = pjits(makeJaxpr(vmap(layer, { inAxes: [null, 0] }))(w, xs));
    const second = pjits(makeJaxpr(vmap(layer, { inAxes: [null, 0] }))(w, rows(5, 3, 2)));
    expect(second[0]!.params.jaxpr).toBe(first[0]!.params.jaxpr);
    const allBatched = pjits(makeJaxpr(vmap(layer))(np.stack([w, w, w, w, w]), xs));
    expect(allBatched[0]!.params.jaxpr).not.toBe(first[0]!.params.jaxpr);
  });

  it("vmap(checkpoint(f)) batches the checkpointed jaxpr on the batched operands only", () => {
    const f = checkpoint((a: NDArray, x: NDArray) => np.sum(np.sin(np.matmul(x, a))));
    const vf = vmap(f, { inAxes: [null, 0] });
    const eqn = makeJaxpr(vf)(w, xs).jaxpr.eqns.find((e): e is Eqn<"checkpoint"> => e.primitive === "checkpoint")!;
    expect(eqn.params.jaxpr.inAvals.slice(eqn.params.num_consts).map((a) => a.shape)).toEqual([[3, 4], [5, 3]]);
    expectTreeClose(vf(w, xs), loopVmap(f, [null, 0], [w, xs]));
  });
});

describe("vmap(jit(f)) batches only what is batched", () => {
  const layer = (a: NDArray, x: NDArray) => np.tanh(np.matmul(x, a));

  it("an unbatched weight enters the pjit without a batch dimension, and the result equals vmap(f) and the loop", () => {
    const vf = vmap(jit(layer), { inAxes: [null, 0] });
    const [eqn] = pjits(makeJaxpr(vf)(w, xs));
    const [weightIn, xIn] = eqn!.params.jaxpr.inAvals.slice(eqn!.params.num_consts);
    expect(weightIn!.shape).toEqual([3, 4]);
    expect(xIn!.shape).toEqual([5, 3]);
    expect(eqn!.inputs[eqn!.params.num_consts]!.aval.shape).toEqual([3, 4]);
    expectTreeClose(vf(w, xs), vmap(layer, { inAxes: [null, 0] })(w, xs));
    expectTreeClose(vf(w, xs), loopVmap(layer, [null, 0], [w, xs]));
  });

  it("a batch axis other than 0 is moved to the front of the pjit's operand only", () => {
    const vf = vmap(jit(layer), { inAxes: [null, 1] });
    const xt = np.transpose(xs);
    expectTreeClose(vf(w, xt), loopVmap(layer, [null, 1], [w, xt]));
  });

  it("an output that does not depend on the batched inputs comes out as vmap of the plain function gives it", () => {
    const f = (a: NDArray, x: NDArray) => ({ y: layer(a, x), norm: np.sum(np.square(a)) });
    const vf = vmap(jit(f), { inAxes: [null, 0] });
    const got = vf(w, xs);
    const want = vmap(f, { inAxes: [null, 0] })(w, xs);
    expectTreeClose(got, want);
    expect(got.norm.shape).toEqual([5]);
    expectTreeClose(got, loopVmap(f, [null, 0], [w, xs]));
    // the pjit reports it unbatched: outAxes null is allowed for it, as for the plain function
    const keep = vmap(jit(f), { inAxes: [null, 0], outAxes: { y: 0, norm: null } })(w, xs);
    expectTreeClose(keep, vmap(f, { inAxes: [null, 0], outAxes: { y: 0, norm: null } })(w, xs));
    expect(keep.norm.shape).toEqual([]);
  });

  it("an output that is an unbatched input passed through stays unbatched inside", () => {
    const f = (a: NDArray, x: NDArray): [NDArray, NDArray] => [a, np.sum(x)];
    const vf = vmap(jit(f), { inAxes: [null, 0] });
    expectTreeClose(vf(w, xs), vmap(f, { inAxes: [null, 0] })(w, xs));
  });
});

describe("gradients through vmap(jit(f)) equal the un-jitted ones", () => {
  const layer = (a: NDArray, x: NDArray) => np.tanh(np.matmul(x, a));
  const loss = (a: NDArray, x: NDArray) => np.sum(np.square(layer(a, x)));

  it("grad of a vmap(jit(f)) with a shared weight", () => {
    const total = (vf: (a: NDArray, x: NDArray) => NDArray) => (a: NDArray) => np.sum(vf(a, xs));
    const jitted = grad(total(vmap(jit(loss), { inAxes: [null, 0] })))(w);
    const plain = grad(total(vmap(loss, { inAxes: [null, 0] })))(w);
    expectTreeClose(jitted, plain);
  });

  it("vmap(jit(grad(f))): per-example gradients", () => {
    const jitted = vmap(jit(grad(loss)), { inAxes: [null, 0] })(w, xs);
    const plain = vmap(grad(loss), { inAxes: [null, 0] })(w, xs);
    expectTreeClose(jitted, plain);
    expectTreeClose(jitted, loopVmap(grad(loss), [null, 0], [w, xs]));
  });

  it("grad with respect to the batched input of a vmap(jit(f))", () => {
    const jitted = grad((x: NDArray) => np.sum(vmap(jit(loss), { inAxes: [null, 0] })(w, x)))(xs);
    const plain = grad((x: NDArray) => np.sum(vmap(loss, { inAxes: [null, 0] })(w, x)))(xs);
    expectTreeClose(jitted, plain);
  });
});
