// Shared test fixtures: the objectives Optax's alias_test uses (with gradients written
// with np directly, so these tests do not depend on @jaxts/transforms), a training loop,
// and conversions between jaxts trees and the plain-JS trees of reference.ts.
import { array, type DType, type NDArray, np, tree } from "@jaxts/core";
import { expect } from "vitest";
import { applyUpdates, type GradientTransformation } from "../src/index.js";
import type { Leaves } from "./reference.js";

export type Params = Record<string, NDArray>;

export interface Target {
  readonly name: string;
  readonly init: (dtype: DType) => Params;
  readonly final: Leaves;
  readonly grad: (p: Params) => Params;
}

/** Σ (p - target)² from p = [-1, 10, 1]: gradient 2(p - target). */
export const parabola: Target = {
  name: "parabola",
  init: (dtype) => ({ w: array([-1, 10, 1], { dtype }) }),
  final: { w: [1, -1, 1] },
  grad: (p) => ({ w: np.multiply(2, np.subtract(p.w!, np.astype(array([1, -1, 1]), p.w!.dtype))) }),
};

/** (a - x)² + b(y - x²)² with a = 1, b = 100, from (0, 0): minimum at (1, 1). */
export const rosenbrock: Target = {
  name: "rosenbrock",
  init: (dtype) => ({ w: array([0, 0], { dtype }) }),
  final: { w: [1, 1] },
  grad: (p) => {
    const x = np.slice(p.w!, [0], [1]);
    const y = np.slice(p.w!, [1], [2]);
    const r = np.subtract(y, np.square(x));
    const gx = np.subtract(np.multiply(2, np.subtract(x, 1)), np.multiply(400, np.multiply(x, r)));
    return { w: np.concatenate([gx, np.multiply(200, r)]) };
  },
};

/** Σ over leaves of ‖p - target‖², for trees of several leaves. */
export function quadraticTo(target: Leaves): (p: Params) => Params {
  return (p) => tree.map((x: unknown, t: unknown) => np.multiply(2, np.subtract(x as NDArray, t as NDArray)), p, fromLeaves(target, "float64")) as Params;
}

export const fromLeaves = (t: Leaves, dtype: DType): Params => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, array(v, { dtype })]));
export const toLeaves = (p: Params): Leaves => Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Array.from(v.toTypedArray())]));

/** Runs `steps` steps of `opt` and returns the params after each. */
export function trajectory(opt: GradientTransformation<unknown>, init: Params, grad: (p: Params) => Params, steps: number): Params[] {
  let params = init;
  let state = opt.init(params);
  const out: Params[] = [];
  for (let i = 0; i < steps; i++) {
    let updates: Params;
    [updates, state] = opt.update(grad(params), state, params);
    params = applyUpdates(params, updates);
    out.push(params);
  }
  return out;
}

/** Every element within `tol · max(1, |want|)`, with a message naming the leaf and element. */
export function expectLeavesClose(got: Leaves, want: Leaves, tol: number, what = ""): void {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [k, w] of Object.entries(want)) {
    const g = got[k]!;
    expect(g.length, `${what} leaf ${k}`).toBe(w.length);
    w.forEach((wv, i) => {
      const err = Math.abs(g[i]! - wv);
      if (!(err <= tol * Math.max(1, Math.abs(wv)))) {
        expect.fail(`${what} leaf ${k}[${i}]: got ${g[i]}, want ${wv} (error ${err.toExponential(2)} > ${tol})`);
      }
    });
  }
}

