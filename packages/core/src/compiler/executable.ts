// What a `pjit` runs when it is evaluated (not transformed): its jaxpr compiled once into an
// executable and cached on the jaxpr. Compiling runs the passes (simplify, CSE, DCE:
// ir/passes) and plans fusion (fusion.ts); on the wasm backend each fused group runs as one
// generated SIMD kernel, every other equation on the backend's own kernel. Every path that
// runs jitted code (jit(f)(x), grad(jit(f)), vmap(jit(f)), ...) comes here; under
// transformations a pjit is rewritten instead (its JVP, split and transpose are pjits again)
// and compiled when finally run.
import { ConcreteArray, bufferOf, type NDArray } from "../array.js";
import { type ElementwiseKernel, STEP_BYTES, wasmFused } from "../backend/scalar/wasm.js";
import { parallelFor } from "../backend/wasm-backend/threads/pool.js";
import { scalarType } from "../backend/scalar/primitives.js";
import { activeBackend } from "../backend/registry.js";
import { arena } from "../backend/wasm-backend/arena.js";
import { copyIn, PARALLEL_STEPS } from "../backend/wasm-backend/elementwise.js";
import { debugNansEnabled } from "../config.js";
import { allocate } from "../dtype.js";
import { bindEqn, literalArray } from "../ir/eval.js";
import { type Atom, type Jaxpr, Literal } from "../ir/jaxpr.js";
import { optimizeJaxpr, typecheckJaxpr } from "../ir/passes/index.js";
import { VarEnv, varLayout } from "../ir/var-env.js";
import { type FusedGroup, planFusion, type Step } from "./fusion.js";

export interface Executable {
  /** The jaxpr as staged. */
  readonly source: Jaxpr;
  /** The source after the passes. */
  readonly optimized: Jaxpr;
  /** What runs on the wasm backend: equations and fused groups, in order. */
  readonly steps: readonly Step[];
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
  const steps = planFusion(optimized);
  const kernels = new Map<FusedGroup, ElementwiseKernel>();
  const program: readonly Step[] = steps;
  const eqnSteps: readonly Step[] = optimized.eqns.map((eqn) => ({ kind: "eqn", eqn }));
  return {
    source,
    optimized,
    steps,
    // Fused kernels need the wasm backend; elsewhere (js) the equations run one by one, and so
    // they do under debugNans, which checks every primitive's result.
    run: (args) => runSteps(optimized, activeBackend().name === "wasm" && !debugNansEnabled() ? program : eqnSteps, args, kernels),
  };
}

function runSteps(jaxpr: Jaxpr, steps: readonly Step[], args: readonly NDArray[], kernels: Map<FusedGroup, ElementwiseKernel>): NDArray[] {
  const env = new VarEnv<NDArray>(varLayout(jaxpr));
  const read = (a: Atom): NDArray => (a instanceof Literal ? literalArray(a) : env.get(a)!);
  jaxpr.inVars.forEach((v, i) => env.set(v, args[i]!));
  for (const step of steps) {
    if (step.kind === "eqn") {
      const outs = bindEqn(step.eqn, step.eqn.inputs.map(read));
      step.eqn.outVars.forEach((v, i) => env.set(v, outs[i]!));
      continue;
    }
    const g = step.group;
    let kernel = kernels.get(g);
    if (kernel === undefined) {
      kernel = wasmFused(g.roots, g.inputs.map((v) => scalarType(v.aval.dtype)), arena().memory, g.members);
      kernels.set(g, kernel);
    }
    const outs = runFused(g, kernel, g.inputs.map((v) => env.get(v)!));
    g.outputs.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}


/** One fused group: operands copied into the arena, one kernel call, results copied out. */
function runFused(g: FusedGroup, kernel: ElementwiseKernel, inputs: readonly NDArray[]): NDArray[] {
  const size = g.shape.reduce((a, b) => a * b, 1);
  const steps = Math.ceil(size / 4);
  const a = arena();
  a.reset();
  const args: number[] = [];
  // A rank-0 operand is splatted (stride 0); the others have the group's shape.
  for (const x of inputs) args.push(...copyIn(bufferOf(x as ConcreteArray), x.aval, steps));
  const at = g.outputs.map((v) => a.reserve(Math.max(steps * STEP_BYTES[scalarType(v.aval.dtype)], 16)));
  // Big kernels split across the worker pool (PARALLEL_STEPS, measured); results do not
  // depend on the split: each step is computed the same way on any thread.
  if (kernel.parallel !== undefined && steps >= PARALLEL_STEPS) parallelFor(kernel.parallel, steps, [...args, ...at]);
  else kernel.run(...args, ...at, steps);
  return g.outputs.map((v, i) => {
    const out = allocate(v.aval.dtype, size);
    a.copyOut(at[i]!, out);
    return new ConcreteArray(v.aval, out);
  });
}

/**
 * The program an executable runs on `backend`, one line per step: single equations by their
 * index in the optimized jaxpr, fused kernels with the equations they hold.
 */
export function describeProgram(exe: Executable, backend: string): string[] {
  if (backend !== "wasm") return [`# program (${backend} backend): the ${exe.optimized.eqns.length} equations run one by one on its kernels (fusion needs the wasm backend)`];
  const index = new Map(exe.optimized.eqns.map((e, i) => [e, i]));
  const kernels = exe.steps.filter((s) => s.kind === "fused").length;
  const lines = [`# program (wasm backend): ${exe.steps.length} steps, ${kernels} fused kernel${kernels === 1 ? "" : "s"}`];
  exe.steps.forEach((step, k) => {
    if (step.kind === "eqn") {
      lines.push(`#   ${k}: equation ${index.get(step.eqn)} (${step.eqn.primitive})`);
      return;
    }
    const g = step.group;
    const shape = `${g.outputs[0]?.aval.dtype ?? ""}[${g.shape.join(",")}]`;
    lines.push(
      `#   ${k}: fused kernel over ${shape}: equations ${g.eqns.map((e) => index.get(e)).join(" ")} (${g.eqns.map((e) => e.primitive).join(" ")}); ${g.inputs.length} input${g.inputs.length === 1 ? "" : "s"}, ${g.outputs.length} output${g.outputs.length === 1 ? "" : "s"}`,
    );
  });
  return lines;
}

/** How many jaxprs have been compiled so far (tests assert that a cache hit compiles nothing). */
export const compileCount = (): number => compiles;

let checkPasses = false;
/** Type-check every optimized jaxpr (tests and debugging: a pass that breaks typing throws). */
export function setCheckPasses(on: boolean): void {
  checkPasses = on;
}
