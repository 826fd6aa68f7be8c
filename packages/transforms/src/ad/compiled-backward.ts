// Eager reverse mode over big arrays runs its backward pass compiled. Evaluated one transpose
// rule at a time, a backward pass over a million-element function makes a fresh array per
// rule (each filled, copied out of the wasm arena and later collected); staged into a jaxpr
// and run as one program it becomes a few fused kernels over a planned arena, exactly as
// `jit(grad(f))` runs. It is the same backward pass: the jaxpr is traced from backwardPass
// itself, over the residuals and cotangents as inputs (nothing is baked in; the program is
// cached by the jaxpr's structure, so a training loop plans it once), so values equal the
// interpreted pass's up to the fused sums' float64 accumulation, as under jit. Residuals
// still deferred (core's compiler/deferred.ts) are computed inside the program.
//
// Only where it pays and nothing else can differ: at the top level (no outer transformation
// would see the staged program instead of values), on the wasm backend, without debugNans
// (which checks each primitive's result as it is made), for a linear jaxpr of first-order
// primitives (no user callbacks: custom_vjp backward functions run eagerly as written), with
// some value of at least BIG elements, and an arena plan of at most MAX_ARENA_BYTES (the
// wasm memory never shrinks: a huge backward pass stays interpreted rather than grow it).
import {
  ConcreteArray,
  config,
  currentTrace,
  evalTrace,
  higherOrderPrims,
  hoistConsts,
  hoistLiterals,
  inlineDeferred,
  stagedProgram,
  type Jaxpr,
  type NDArray,
  traceToJaxpr,
} from "@jaxts/core";
import { backwardPass } from "./backward-pass.js";
import { isZero, type Tangent, Zero } from "./zero.js";

/** Elements of the largest value from which the compiled backward pass pays (a copy and a
 * fresh array per rule cost ~0.5 ms per million elements; staging and planning ~0.2 ms). */
const BIG = 1 << 16;
/** The most arena the compiled pass may plan (bytes). */
const MAX_ARENA_BYTES = 64 * 2 ** 20;

const higherOrder: ReadonlySet<string> = new Set(higherOrderPrims);
/** The dtypes compiled programs hold (the others run equation by equation anyway). */
const CORE: ReadonlySet<string> = new Set(["float32", "float64", "int32", "bool"]);

/** Counters for tests: backward passes run compiled, and those declined by the arena cap. */
export const compiledBackwardStats = { compiled: 0, tooBig: 0 };

function eligible(jaxpr: Jaxpr, residuals: readonly NDArray[], cts: readonly Tangent[]): cts is readonly NDArray[] {
  // Cheapest first: most backward passes (nested ones, small ones) stop at the first tests.
  if (currentTrace() !== evalTrace) return false;
  const eqns = jaxpr.eqns;
  let big = false;
  for (let i = 0; i < eqns.length && !big; i++) for (const v of eqns[i]!.outVars) if (v.aval.size >= BIG) big = true;
  if (!big) return false;
  const c = config.get();
  if (c.backend !== "wasm" || c.debugNans) return false;
  for (const r of residuals) if (!(r instanceof ConcreteArray)) return false;
  for (const t of cts) if (isZero(t) || !((t as unknown) instanceof ConcreteArray)) return false;
  for (const eqn of eqns) {
    if (higherOrder.has(eqn.primitive)) return false;
    for (const a of eqn.inputs) if (!CORE.has(a.aval.dtype)) return false;
    for (const v of eqn.outVars) if (!CORE.has(v.aval.dtype)) return false;
  }
  return true;
}

/**
 * The backward pass of `jaxpr` (a linear jaxpr whose constVars are `residuals`) for `cts`,
 * run as a compiled program; undefined where it would not pay or could differ (see above),
 * and the caller runs backwardPass itself.
 */
export function compiledBackwardPass(jaxpr: Jaxpr, residuals: readonly NDArray[], cts: readonly Tangent[]): Tangent[] | undefined {
  if (!eligible(jaxpr, residuals, cts)) return undefined;
  const n = residuals.length;
  let zero: boolean[] = [];
  const { jaxpr: staged, consts } = traceToJaxpr(
    (ins) => {
      const outs = backwardPass(jaxpr, ins.slice(0, n) as NDArray[], ins.slice(n));
      zero = outs.map(isZero);
      return outs.filter((o): o is NDArray => !isZero(o));
    },
    [...residuals.map((r) => r.aval), ...cts.map((t) => t.aval)],
    "vjp",
  );
  // Deferred residuals (core's compiler/deferred.ts) are computed inside the program, where
  // they are read, instead of each in an array of its own first.
  const hoisted = hoistConsts(staged);
  const withResiduals = inlineDeferred(hoisted, [...consts, ...residuals, ...cts]);
  // (constants that may change from call to call are inputs, so a new value reuses the program)
  const inlined = hoistLiterals(withResiduals.jaxpr, withResiduals.args);
  // (its program is cached by structure: a training loop stages the same pass every step)
  const program = stagedProgram(inlined.jaxpr);
  if (program === undefined) return undefined;
  if (program.plan.arenaBytes > MAX_ARENA_BYTES) {
    compiledBackwardStats.tooBig++;
    return undefined;
  }
  compiledBackwardStats.compiled++;
  const results = program.run(inlined.args);
  let k = 0;
  return zero.map((z, i) => (z ? new Zero(jaxpr.inVars[i]!.aval) : results[k++]!));
}
