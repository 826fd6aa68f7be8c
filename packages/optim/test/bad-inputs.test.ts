// Regression tests for bad inputs the fuzz suite (tests/fuzz) found in @jaxts/optim: each
// used to escape as a TypeError from deep inside an update; now it is an ArgumentError that
// names the transformation and what it expected.
import { ArgumentError, array, JaxtsError, type NDArray } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { adam, applyUpdates, injectHyperparams, masked, multiSteps, scaleByAdam, scaleBySchedule, schedules, sgd, trace, addDecayedWeights } from "../src/index.js";
import { thrown } from "../../core/test/helpers/thrown.js";

const params = { w: array([1, 2]) };
const grads = { w: array([0.5, -0.5]) };

describe("an update checks that it was given a state of its transformation", () => {
  it("scaleByAdam.update with an undefined state is an ArgumentError naming the expected state", () => {
    const tx = scaleByAdam();
    tx.init(params);
    const e = thrown(() => tx.update(grads, undefined as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/scaleByAdam\.update: the state must be the one scaleByAdam\.init .* returned \(\{ count, mu, nu \}\), got undefined/);
  });

  it("trace.update with another transformation's state is an ArgumentError", () => {
    const tx = trace(0.9);
    tx.init(params);
    const e = thrown(() => tx.update(grads, scaleByAdam().init(params) as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/trace\.update/);
  });

  it("a state made by init (or a copy of it) still works, step after step", () => {
    const opt = adam(0.1);
    let state = opt.init(params);
    let p = params;
    for (let i = 0; i < 3; i++) {
      let u: typeof grads;
      [u, state] = opt.update(grads, state, p);
      p = applyUpdates(p, u);
    }
    // A fresh optimizer accepts the state of an equal one (e.g. restored from a checkpoint).
    const [u] = adam(0.1).update(grads, state, p);
    expect((u.w as NDArray).shape).toEqual([2]);
  });

  it("injectHyperparams.update with a state lacking hyperparams is an ArgumentError", () => {
    const tx = injectHyperparams((h) => sgd(h.learningRate), { learningRate: 0.1 });
    expect(thrown(() => tx.update(grads, [] as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("wrappers check what they wrap", () => {
  it("masked and multiSteps of a non-transformation are ArgumentErrors", () => {
    expect(thrown(() => masked(42 as never, true))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => multiSteps(undefined as never, 2))).toBeInstanceOf(ArgumentError);
  });

  it("injectHyperparams whose factory does not return a transformation is an ArgumentError at init", () => {
    const tx = injectHyperparams((() => 42) as never, { learningRate: 0.1 });
    const e = thrown(() => tx.init(params));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/factory must return a GradientTransformation/);
  });

  it("scaleBySchedule of a number is an ArgumentError when made, not a TypeError at the first update", () => {
    expect(thrown(() => scaleBySchedule(0.1 as never))).toBeInstanceOf(ArgumentError);
  });

  it("a schedule that returns a non-number is an ArgumentError in the update", () => {
    const tx = addDecayedWeights((() => "lr") as never);
    const e = thrown(() => tx.update(grads, tx.init(params), params));
    expect(e).toBeInstanceOf(JaxtsError);
    expect(e.message).toMatch(/string lr/);
  });
});

describe("schedules check every argument", () => {
  it("join with a hole among its schedules or boundaries is an ArgumentError", () => {
    const holey = [schedules.constant(1), schedules.constant(2), schedules.constant(3)];
    delete holey[1];
    expect(thrown(() => schedules.join(holey, [1, 2]))).toBeInstanceOf(ArgumentError);
    const bounds = [1, 2];
    delete bounds[0];
    expect(thrown(() => schedules.join([schedules.constant(1), schedules.constant(2), schedules.constant(3)], bounds))).toBeInstanceOf(ArgumentError);
  });

  it("piecewiseConstant with null boundaries and any odd value in a message are ArgumentErrors", () => {
    expect(thrown(() => schedules.piecewiseConstant(1, null as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => schedules.linear(Object.create(null) as never, 0, 10))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => schedules.exponentialDecay([Symbol("s")] as never, 1, 0.5))).toBeInstanceOf(ArgumentError);
  });
});
