// Fuzz every public transformation of @jaxts/transforms (and @jaxts/transforms/testing) with
// user functions good and bad, malformed options and arguments; the transformed functions
// they return are then called with generated arguments under the same checks.
import { np } from "@jaxts/core";
import * as transforms from "@jaxts/transforms";
import * as testing from "@jaxts/transforms/testing";
import { afterAll, describe, expect, it } from "vitest";
import { hostileTreeArb, maybeOptionsArb } from "./arbitraries.js";
import { type AnyFn, fuzzFunction, fuzzUnknownOption, RUNS, type Sig, stats } from "./harness.js";

const opts = maybeOptionsArb;
const F1: Sig = ["F", opts];
const PRIMALS: Sig = ["F", "A", "A"];

/** Argument kinds per transformation; a new export falls back to [function, options]. */
const SIGNATURES: Readonly<Record<string, Sig>> = {
  grad: F1, valueAndGrad: F1, jacfwd: F1, jacrev: F1, hessian: F1, vmap: F1, jit: F1, checkpoint: F1,
  jvp: ["F", "L", "L"], vjp: PRIMALS, vjpWithAux: PRIMALS, linearize: PRIMALS, linearTranspose: PRIMALS,
  savedResiduals: PRIMALS, printSavedResiduals: PRIMALS,
  customJvp: ["F", "F"], customVjp: ["F", "F", "F"], stopGradient: ["A"],
  checkGrads: ["F", "L", opts], arrayArb: ["O"], shapeArb: ["O"], pytreeArb: ["Any", "O"],
};

/** Building blocks for writing transformations (typed, unvalidated by design), and the
 * testing arbitraries, whose results are fast-check objects rather than jaxts functions. */
const INTERNALS = new Set(["vmapFlat", "jvpFlat", "linearizeFlat", "backwardPass"]);
const NO_EXERCISE = new Set(["arrayArb", "shapeArb", "pytreeArb"]);

const isClass = (f: unknown): boolean => typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));

const FUNCTIONS: [string, AnyFn][] = [...Object.entries(transforms), ...Object.entries(testing)]
  .filter(([k, v]) => typeof v === "function" && !isClass(v) && !INTERNALS.has(k))
  .map(([k, v]) => [k, v as AnyFn]);

describe("fuzz @jaxts/transforms: only JaxtsErrors escape, inputs unchanged, grad still works", () => {
  for (const [name, fn] of FUNCTIONS) {
    it(name, () => {
      // The testing arbitraries return fast-check objects: check the call, not their methods.
      const target = NO_EXERCISE.has(name) ? (...args: unknown[]) => void fn(...args) : fn;
      // Transformations get three times the runs: each call also runs what it returns.
      fuzzFunction(name, target, SIGNATURES[name] ?? F1, undefined, RUNS * 3);
    });
  }

  it("composes: grad of jit of vmap, jacrev of jacfwd, on generated arguments", () => {
    const { grad, jit, vmap, jacfwd, jacrev } = transforms;
    const f = (x: unknown) => np.sum(np.sin(x as never));
    const gjv = grad((x: unknown) => np.sum(jit(vmap(f))(x as never) as never)) as AnyFn;
    const jj = jacrev(jacfwd(f)) as AnyFn;
    fuzzFunction("grad(jit(vmap(f)))", (...a: unknown[]) => gjv(...a), ["A"], undefined, RUNS * 2);
    fuzzFunction("jacrev(jacfwd(f))", (...a: unknown[]) => jj(...a), ["A"], undefined, RUNS * 2);
  });
});

describe("fuzz transformed functions with cyclic and 100,000-deep pytree arguments", () => {
  const f = (x: unknown) => np.sum(np.sin(x as never));
  const targets: [string, AnyFn][] = [
    ["grad()", (t) => (transforms.grad(f) as AnyFn)(t)],
    ["jit()", (t) => (transforms.jit(f) as AnyFn)(t)],
    ["vmap()", (t) => (transforms.vmap(f) as AnyFn)(t)],
    ["vjp", (t) => transforms.vjp(f, t as never)],
  ];
  for (const [name, fn] of targets) {
    it(name, () => {
      fuzzFunction(`${name} (cyclic/deep input)`, fn, [hostileTreeArb], undefined, 10);
    });
  }
});

describe("an unknown option key is an error, never ignored", () => {
  for (const [name, fn] of FUNCTIONS) {
    const sig = SIGNATURES[name] ?? F1;
    if (sig === undefined) continue;
    it(name, () => {
      fuzzUnknownOption(name, fn, sig);
    });
  }
});

describe("the transforms fuzz covers the API", () => {
  it("enumerates the transformations and has no stale signature rows", () => {
    const names = new Set(FUNCTIONS.map(([n]) => n));
    expect(["grad", "jit", "vmap", "customVjp", "checkGrads"].every((n) => names.has(n))).toBe(true);
    expect(Object.keys(SIGNATURES).filter((n) => !names.has(n))).toEqual([]);
  });
});

afterAll(() => {
  if (RUNS >= 40) expect(stats.calls).toBeGreaterThanOrEqual(1_500);
  console.log(`transforms fuzz: ${stats.calls} calls, ${stats.thrown} threw, allowed failures: ${JSON.stringify(Object.fromEntries(stats.allowed))}`);
});

