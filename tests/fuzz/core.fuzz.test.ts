// Fuzz every public function of @jaxts/core — np, lax, nn, random, tree, the top-level
// creation/IR functions, NDArray's methods and config.set — with malformed and edge inputs.
// The functions are enumerated at run time, so a newly exported one is fuzzed at once
// (with arguments guessed from its arity until it gets a row in SIGNATURES).
import * as core from "@jaxts/core";
import * as internals from "../../packages/core/src/internals.js";
import { array, config, lax, makeJaxpr, NDArray, np, random, tree } from "@jaxts/core";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { anyArb, axisArb, dtypeArb, hostileTreeArb, junkArb, type Kind, ndarrayArb, numberArb, operandArb, pytreeArb, shapeArb } from "./arbitraries.js";
import { type AnyFn, fuzzFunction, fuzzMixedPrecision, fuzzUnknownOption, RUNS, type Sig, stats } from "./harness.js";
import { jitStats } from "./jit-agrees.js";
import { narrowingStats } from "./precision.js";

const keyArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 1000 }).map((s) => random.key(s)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(array([1, 2]), array([1, 2], { dtype: "int32" }).reshape([1, 2]), array([[1, 2]], { dtype: "int32" })) },
);
const padConfigArb: fc.Arbitrary<unknown> = fc.array(
  fc.tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 2 })).map((t) => t as unknown),
  { maxLength: 3 },
).chain((cfg) => fc.constantFrom<unknown>(cfg, [[2 ** 33, 0, 0]], [[0, 0, 2 ** 33]], [[1.5, 0, 0]], [[0, 0]], [1, 2, 3], [[Number.NaN, 0, 0]]));
const dimNumbersArb: fc.Arbitrary<unknown> = fc.constantFrom<unknown>(
  [[[1], [0]], [[], []]],
  [[[0], [0]], [[], []]],
  [[[], []], [[], []]],
  [[[1], [0]], [[0], [0]]],
  [[[5], [0]], [[], []]],
  [[[0.5], [0]], [[], []]],
  [[[0, 0], [0, 1]], [[], []]],
  [[1], [0]],
  null,
);
const treeDefArb: fc.Arbitrary<unknown> = fc.constantFrom(null, 1, [1, 2], { a: 1, b: [2, null] }, [[]]).map((t) => tree.structure(t));
const typeInfoArb: fc.Arbitrary<unknown> = fc.record({ dtype: dtypeArb, weakType: fc.oneof(fc.boolean(), anyArb) });
const bool: fc.Arbitrary<unknown> = fc.oneof(fc.boolean(), anyArb);
const jaxprArb: fc.Arbitrary<unknown> = fc.constantFrom(
  (x: NDArray) => np.sin(x).mul(x),
  (x: NDArray, y: NDArray) => np.add(x, y),
  (x: NDArray) => ({ a: np.sum(x) }),
).chain((f) => fc.constantFrom(...[array([1, 2, 3]), array(2), array([[1], [2]], { dtype: "float64" })].map((x) => {
  try {
    return makeJaxpr(f as AnyFn)(x, x);
  } catch {
    return makeJaxpr((v: NDArray) => v)(x);
  }
})));

const B: Sig = ["A", "A"];
const R: Sig = ["A", "O"];

/** Argument kinds of functions whose arity alone does not say what to generate. */
const SIGNATURES: Readonly<Record<string, Sig>> = {
  // np
  "np.all": R, "np.any": R, "np.amax": R, "np.amin": R, "np.argmax": R, "np.argmin": R, "np.max": R, "np.min": R,
  "np.mean": R, "np.prod": R, "np.sum": R, "np.std": R, "np.var": R, "np.variance": R, "np.logsumexp": R, "np.cumsum": R,
  "np.sort": R, "np.argsort": R, "np.squeeze": R, "np.flip": R,
  "np.allclose": ["A", "A", "O"], "np.isclose": ["A", "A", "O"],
  "np.arange": ["N", "N", "N", "D"], "np.linspace": ["N", "N", "I", "O"], "np.eye": ["I", "I", "O"], "np.identity": ["I", "D"],
  "np.full": ["S", "A", "D"], "np.zeros": ["S", "D"], "np.ones": ["S", "D"], "np.zerosLike": ["A", "D"], "np.onesLike": ["A", "D"],
  "np.fullLike": ["A", "A", "D"], "np.array": ["T", "O"], "np.asarray": ["T"], "np.astype": ["A", "D"],
  "np.at": ["A", fc.oneof(KINDSI(), operandArb)], "np.take": ["A", fc.oneof(KINDSI(), operandArb), "O"], "np.takeAlongAxis": ["A", "A", "I"],
  "np.slice": ["A", "S", "S", "O"], "np.reshape": ["A", "S"], "np.transpose": ["A", "X"], "np.swapaxes": ["A", "I", "I"],
  "np.moveaxis": ["A", "I", "I"], "np.expandDims": ["A", "X"], "np.broadcastTo": ["A", "S"], "np.broadcastArrays": ["A", "A", "A"],
  "np.concatenate": ["L", "O"], "np.stack": ["L", "O"], "np.split": ["A", fc.oneof(KINDSI(), shapeArb), "O"], "np.tile": ["A", "S"],
  "np.repeat": ["A", "I", "O"], "np.einsum": ["Str", "A", "A"], "np.where": ["A", "A", "A"], "np.clip": ["A", "A", "A"],
  "np.resultType": ["A", "A"], "np.power": B,
  // lax
  "lax.integerPow": ["A", "I"], "lax.select": ["A", "A", "A"], "lax.convertElementType": ["A", "D", bool],
  "lax.reduceSum": ["A", "X"], "lax.reduceMax": ["A", "X"], "lax.reduceMin": ["A", "X"], "lax.reduceProd": ["A", "X"],
  "lax.reduceAnd": ["A", "X"], "lax.reduceOr": ["A", "X"], "lax.argmax": ["A", "I", "D"], "lax.argmin": ["A", "I", "D"],
  "lax.cumsum": ["A", "I", bool], "lax.broadcastInDim": ["A", "S", fc.oneof(fc.constant([]), fc.constant([0]), axisArb)], "lax.reshape": ["A", "S"], "lax.transpose": ["A", "X"],
  "lax.squeeze": ["A", "X"], "lax.rev": ["A", "X"], "lax.concatenate": ["L", "I"], "lax.pad": ["A", "A", padConfigArb],
  "lax.slice": ["A", "S", "S", "S"], "lax.gather": ["A", "A", "O"], "lax.scatterAdd": ["A", "A", "A", "O"],
  "lax.dotGeneral": ["A", "A", dimNumbersArb], "lax.iota": ["D", "S", "I"], "lax.sort": ["L", "O"],
  "lax.threefry2x32": ["A", "A", "A", "A"], "lax.binaryOperands": ["Str", "A", "A"],
  // nn
  "nn.elu": R, "nn.leakyRelu": R, "nn.celu": R, "nn.glu": R, "nn.dotProductAttention": ["A", "A", "A", "O"], "nn.gelu": R, "nn.softmax": R, "nn.logSoftmax": R, "nn.logsumexp": R,
  "nn.oneHot": ["A", "I", "O"], "nn.standardize": R,
  "nn.initializers.zeros": [keyArb, "S", "D"], "nn.initializers.ones": [keyArb, "S", "D"], "nn.initializers.constant": ["A", "O"],
  "nn.initializers.uniform": ["O"], "nn.initializers.normal": ["O"], "nn.initializers.truncatedNormal": ["O"],
  "nn.initializers.varianceScaling": ["N", "Any", "Any", "O"], "nn.initializers.computeFans": ["S", "O"],
  "nn.initializers.glorotUniform": ["O"], "nn.initializers.heNormal": ["O"],
  "nn.initializers.orthogonal": ["O"], "nn.initializers.deltaOrthogonal": ["O"],
  // random
  "random.key": ["N"], "random.split": [keyArb, "I"], "random.foldIn": [keyArb, "N"], "random.bits": [keyArb, "S"],
  "random.uniform": [keyArb, "S", "O"], "random.normal": [keyArb, "S", "D"], "random.bernoulli": [keyArb, "A", "S"],
  "random.gumbel": [keyArb, "S", "D"], "random.categorical": [keyArb, "A", "O"], "random.randint": [keyArb, "S", "N", "N"],
  "random.permutation": [keyArb, "A"], "random.orthogonal": [keyArb, "I", "S", "D", "O"],
  // tree
  "tree.flatten": ["T"], "tree.unflatten": [treeDefArb, "L"], "tree.leaves": ["T"], "tree.structure": ["T"],
  "tree.assertSameStructure": [treeDefArb, treeDefArb, "Str"], "tree.leafPaths": ["T"], "tree.map": ["F", "T", "T"],
  "tree.isPlainObject": ["Any"],
  // top level
  array: ["T", "O"], asArray: ["T", "Str"], scalar: ["N", "D", bool], arange: ["N", "N", "N", "D"], eye: ["I", "I", "O"],
  full: ["S", "A", "D"], linspace: ["N", "N", "I", "O"], ones: ["S", "D"], zeros: ["S", "D"], onesLike: ["A", "D"], zerosLike: ["A", "D"],
  makeJaxpr: ["F"], evalJaxpr: [jaxprArb, "A", "A"], printJaxpr: [jaxprArb.map((c) => (c as { jaxpr: unknown }).jaxpr)],
  promoteTypes: [typeInfoArb, typeInfoArb], isFloat: ["D"],
  "config.set": ["O"],
};

function KINDSI(): fc.Arbitrary<unknown> {
  return fc.oneof(fc.integer({ min: -4, max: 4 }), fc.constantFrom<unknown>(0.5, Number.NaN, 2 ** 33, -(2 ** 31)), fc.array(fc.integer({ min: -4, max: 4 }), { maxLength: 3 }));
}

/** The extension surface re-exported at the top level (see packages/core/src/internals.ts):
 * building blocks for transformations, typed for library authors and not validated. */
// Also the IR building blocks exported from the top level beside the public IR functions.
const INTERNALS = new Set([...Object.keys(internals), "flattenArgs", "leafToArray", "evalJaxprFlat", "literalArray", "bindEqn"]);

const isClass = (f: unknown): boolean => typeof f === "function" && /^class[\s{]/.test(Function.prototype.toString.call(f));

function defaultSig(f: AnyFn): Sig {
  const kinds: Kind[] = Array.from({ length: Math.max(1, f.length) }, () => "A");
  return [...kinds, "O"];
}

/** Every public function: [name, function] for np/lax/nn/random/tree and the top level. */
function publicFunctions(): [string, AnyFn][] {
  const out: [string, AnyFn][] = [];
  const namespaces = { np: core.np, "np.linalg": core.np.linalg, "np.fft": core.np.fft, lax: core.lax, "lax.linalg": core.lax.linalg, nn: core.nn, "nn.initializers": core.nn.initializers, random: core.random, tree: core.tree };
  for (const [ns, members] of Object.entries(namespaces)) {
    for (const [k, v] of Object.entries(members)) if (typeof v === "function" && !isClass(v)) out.push([`${ns}.${k}`, v as AnyFn]);
  }
  for (const [k, v] of Object.entries(core)) {
    if (typeof v === "function" && !isClass(v) && !INTERNALS.has(k)) out.push([k, v as AnyFn]);
  }
  out.push(["config.set", config.set as AnyFn]);
  return out;
}

const FUNCTIONS = publicFunctions();

describe("fuzz @jaxts/core functions: only JaxtsErrors escape, inputs unchanged, grad still works", () => {
  for (const [name, fn] of FUNCTIONS) {
    it(name, () => {
      // Array functions are also called on tracers, under jit and vmap (a quarter of the runs each).
      const traced = /^(np|lax|nn|random)\./.test(name);
      fuzzFunction(name, fn, SIGNATURES[name] ?? defaultSig(fn), undefined, RUNS, traced);
    });
  }
});

/**
 * No result coarser than an operand it reads: every function of two or more array operands
 * (or a list of them) called with well-formed inexact arrays of mixed precision, so that the
 * narrowing check (precision.ts) sees float32 beside float64 and real beside complex in calls
 * that succeed. The generic runs above rarely produce such a call.
 */
const hasTwoOperands = (sig: Sig): boolean => sig.includes("L") || sig.filter((k) => k === "A").length >= 2;
describe("mixed precision: no result in a coarser dtype than an operand it reads", () => {
  for (const [name, fn] of FUNCTIONS) {
    const sig = SIGNATURES[name] ?? defaultSig(fn);
    if (!/^(np|lax|nn|random)\./.test(name) || !hasTwoOperands(sig)) continue;
    it(name, () => {
      fuzzMixedPrecision(name, fn, sig);
    });
  }
});

/** NDArray's methods and getters, called on generated arrays. */
const METHOD_SIGS: Readonly<Record<string, Sig>> = {
  sum: ["O"], mean: ["O"], max: ["O"], min: ["O"], argmax: ["O"], reshape: ["S"], transpose: ["X"], astype: ["D"],
  item: [], toTypedArray: [], toArray: [], toString: [], neg: [], exp: [], log: [], sin: [], cos: [], tanh: [], sqrt: [], abs: [], square: [],
};

describe("fuzz NDArray methods", () => {
  const proto = NDArray.prototype;
  for (const k of Object.getOwnPropertyNames(proto)) {
    if (k === "constructor") continue;
    const d = Object.getOwnPropertyDescriptor(proto, k)!;
    const fn = (d.get ?? d.value) as AnyFn;
    if (typeof fn !== "function") continue;
    it(`NDArray.${k}`, () => {
      fuzzFunction(`NDArray.${k}`, fn, d.get !== undefined ? [] : ((Object.hasOwn(METHOD_SIGS, k) ? METHOD_SIGS[k] : undefined) ?? ["A"]), ndarrayArb, RUNS, true);
    });
  }
});

describe("mixed precision: no NDArray method result coarser than an operand it reads", () => {
  const proto = NDArray.prototype;
  for (const k of Object.getOwnPropertyNames(proto)) {
    const fn: unknown = Object.getOwnPropertyDescriptor(proto, k)!.value;
    const sig = (Object.hasOwn(METHOD_SIGS, k) ? METHOD_SIGS[k] : undefined) ?? ["A"];
    if (k === "constructor" || typeof fn !== "function" || !sig.includes("A")) continue;
    it(`NDArray.${k}`, () => {
      fuzzMixedPrecision(`NDArray.${k}`, fn as AnyFn, sig, RUNS, true);
    });
  }
});

/** Functions that walk a pytree or a nested list, given cyclic and 100,000-deep ones. */
const HOSTILE_TREE_TARGETS: readonly [string, AnyFn, Sig][] = [
  ["tree.flatten", tree.flatten as AnyFn, [hostileTreeArb]],
  ["tree.leaves", tree.leaves as AnyFn, [hostileTreeArb]],
  ["tree.structure", tree.structure as AnyFn, [hostileTreeArb]],
  ["tree.leafPaths", tree.leafPaths as AnyFn, [hostileTreeArb]],
  ["tree.map", tree.map as AnyFn, ["F", hostileTreeArb]],
  ["array", array as AnyFn, [hostileTreeArb]],
  ["np.asarray", np.asarray as AnyFn, [hostileTreeArb]],
  ["makeJaxpr", makeJaxpr as AnyFn, ["F"]],
];

describe("fuzz pytree walkers with cyclic and 100,000-deep inputs", () => {
  for (const [name, fn, sig] of HOSTILE_TREE_TARGETS) {
    it(name, () => {
      // makeJaxpr's returned function is then called with the hostile trees too.
      const target = name === "makeJaxpr" ? (f: unknown) => (makeJaxpr(f as AnyFn) as AnyFn)(...hostile) : fn;
      fuzzFunction(`${name} (cyclic/deep input)`, target, sig, undefined, 10);
    });
  }
});
const hostile = fc.sample(hostileTreeArb, { numRuns: 4, seed: 1 });

describe("an unknown option key is an error, never ignored", () => {
  for (const [name, fn] of FUNCTIONS) {
    const sig = SIGNATURES[name] ?? undefined;
    if (sig === undefined) continue;
    it(name, () => {
      fuzzUnknownOption(name, fn, sig);
    });
  }
});

describe("the fuzz suite covers the API", () => {
  it("enumerates every namespace function and has no stale signature rows", () => {
    const names = new Set(FUNCTIONS.map(([n]) => n));
    expect(names.has("np.sum") && names.has("lax.add") && names.has("random.normal") && names.has("tree.map")).toBe(true);
    expect(Object.keys(SIGNATURES).filter((n) => !names.has(n))).toEqual([]);
  });
});

afterAll(() => {
  // With the default settings this file alone makes well over 10,000 checked calls.
  if (RUNS >= 40) expect(stats.calls).toBeGreaterThanOrEqual(10_000);
  console.log(`core fuzz: ${narrowingStats.compared} results coarser than an operand compared against that operand changed; ${jitStats.compared} jitted and ${jitStats.vmapCompared} vmapped calls compared with eager`);
  console.log(`core fuzz: ${stats.calls} calls (${stats.traced} on tracers under jit, vmap, jvp or grad), ${stats.thrown} threw, allowed failures: ${JSON.stringify(Object.fromEntries(stats.allowed))}`);
});

void [junkArb, numberArb, pytreeArb, lax];
