// What a `pjit` runs when it is evaluated (not transformed): its jaxpr compiled once into an
// executable and cached on the jaxpr. Today the executable is the optimized jaxpr (simplify,
// CSE, DCE: ir/passes) run by the backend's kernels one equation at a time; the fused-kernel
// program of issue 10 plugs in here, so every path that runs jitted code (jit(f)(x),
// grad(jit(f)), vmap(jit(f)), ...) gets it. Under transformations a pjit is rewritten
// instead (its JVP, split and transpose are pjits again) and compiled when finally run.
import type { NDArray } from "../array.js";
import { evalJaxprFlat } from "../ir/eval.js";
import type { Jaxpr } from "../ir/jaxpr.js";
import { optimizeJaxpr, typecheckJaxpr } from "../ir/passes/index.js";

export interface Executable {
  /** The jaxpr as staged. */
  readonly source: Jaxpr;
  /** What runs: the source after the passes. */
  readonly optimized: Jaxpr;
  run(args: readonly NDArray[]): NDArray[];
}

const executables = new WeakMap<Jaxpr, Executable>();
let compiles = 0;

/** The executable of `jaxpr`, compiled on first use and cached for the jaxpr's lifetime. */
export function executableOf(jaxpr: Jaxpr): Executable {
  let exe = executables.get(jaxpr);
  if (exe === undefined) {
    exe = compile(jaxpr);
    executables.set(jaxpr, exe);
  }
  return exe;
}

function compile(source: Jaxpr): Executable {
  compiles++;
  const optimized = optimizeJaxpr(source);
  if (checkPasses) typecheckJaxpr(optimized);
  return { source, optimized, run: (args) => evalJaxprFlat(optimized, [], args) };
}

/** How many jaxprs have been compiled so far (tests assert that a cache hit compiles nothing). */
export const compileCount = (): number => compiles;

let checkPasses = false;
/** Type-check every optimized jaxpr (tests and debugging: a pass that breaks typing throws). */
export function setCheckPasses(on: boolean): void {
  checkPasses = on;
}
