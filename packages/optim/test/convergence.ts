// The convergence table: every optimizer × {parabola, Rosenbrock} × {float32, float64} reaches the minimum within
// 3e-2 (atol and rtol), as in Optax's alias_test. Optax runs 10,000 jit-ted steps at fixed
// learning rates; eagerly that is too slow here, so each optimizer gets its own learning
// rate (a schedule where a decaying step size is what makes it converge quickly) and
// step count, chosen with the plain-JS reference for a margin of about 3× the tolerance.
import type { DType } from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { adafactor, adagrad, adam, adamw, type GradientTransformation, lamb, lion, rmsprop, schedules, sgd } from "../src/index.js";
import { parabola, rosenbrock, type Target, toLeaves, trajectory } from "./helpers.js";

interface Row {
  readonly name: string;
  readonly opt: () => GradientTransformation<unknown>;
  readonly steps: { readonly parabola: number; readonly rosenbrock: number };
}

const table: Row[] = [
  { name: "sgd(3e-3, momentum .9)", opt: () => sgd(3e-3, { momentum: 0.9 }), steps: { parabola: 300, rosenbrock: 300 } },
  { name: "adam(0.1)", opt: () => adam(0.1), steps: { parabola: 400, rosenbrock: 400 } },
  { name: "adamw(0.1)", opt: () => adamw(0.1), steps: { parabola: 400, rosenbrock: 400 } },
  { name: "rmsprop(1e-2, momentum .9)", opt: () => rmsprop(1e-2, { momentum: 0.9 }), steps: { parabola: 200, rosenbrock: 200 } },
  // Optax's own setting; Adagrad's shrinking steps need thousands of steps along Rosenbrock's valley.
  { name: "adagrad(1.0)", opt: () => adagrad(1.0), steps: { parabola: 300, rosenbrock: 3500 } },
  {
    name: "adafactor(cosineDecay(0.2, 400), momentum .9)",
    opt: () => adafactor(schedules.cosineDecay(0.2, 400), { momentum: 0.9 }),
    steps: { parabola: 400, rosenbrock: 400 },
  },
  {
    // Lion's sign updates move every coordinate by the full learning rate: it must decay.
    name: "lion(exponentialDecay(0.1, 300, 0.3), weightDecay 1e-4)",
    opt: () => lion(schedules.exponentialDecay(0.1, 300, 0.3), { weightDecay: 1e-4 }),
    steps: { parabola: 1500, rosenbrock: 1500 },
  },
  { name: "lamb(exponentialDecay(0.1, 75, 0.3))", opt: () => lamb(schedules.exponentialDecay(0.1, 75, 0.3)), steps: { parabola: 300, rosenbrock: 300 } },
];

const targets: Target[] = [parabola, rosenbrock];

/** The convergence table for one dtype (one test file per dtype, so they run in parallel). */
export function describeConvergence(dtype: DType): void {
  describe(`convergence in ${dtype}`, () => {
    const rows = table.flatMap((row) => targets.map((target) => ({ ...row, target, label: `${row.name} on ${target.name}` })));
    it.each(rows)("$label", ({ opt, target, steps }) => {
      const n = steps[target.name as "parabola" | "rosenbrock"];
      const path = trajectory(opt(), target.init(dtype), target.grad, n);
      const final = path[path.length - 1]!;
      expect(final.w!.dtype).toBe(dtype);
      const got = toLeaves(final).w!;
      target.final.w!.forEach((want, i) => {
        expect(Math.abs(got[i]! - want), `element ${i}: got ${got[i]}, want ${want}`).toBeLessThanOrEqual(3e-2 + 3e-2 * Math.abs(want));
      });
    });
  });
}
