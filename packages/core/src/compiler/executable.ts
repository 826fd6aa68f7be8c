// What a `pjit` runs when it is evaluated (not transformed): its jaxpr compiled once into an
// executable and cached on the jaxpr. Compiling runs the passes (simplify, CSE, DCE:
// ir/passes) and plans fusion (fusion.ts); on the wasm backend each fused group runs as one
// generated SIMD kernel, every other equation on the backend's own kernel. Every path that
// runs jitted code (jit(f)(x), grad(jit(f)), vmap(jit(f)), ...) comes here; under
// transformations a pjit is rewritten instead (its JVP, split and transpose are pjits again)
// and compiled when finally run.
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import type { NDArray } from "../array.js";
import type { Backend } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import { checksEnabled, debugNansEnabled } from "../config.js";
import { evalJaxprFlat } from "../ir/eval.js";
import { type Atom, type Eqn, type Jaxpr, Literal, type Var } from "../ir/jaxpr.js";
import { optimizeJaxpr, typecheckJaxpr } from "../ir/passes/index.js";
import { subJaxprs } from "../ir/passes/sub-jaxprs.js";
import { type DType, isCoreDType, isDType } from "../dtype.js";
import { numberKey } from "../format.js";
import { planFusion, type Step } from "./fusion.js";
import { compileProgram, type Program } from "./program.js";

export interface Executable {
  /** The jaxpr as staged. */
  readonly source: Jaxpr;
  /** The source after the passes. */
  readonly optimized: Jaxpr;
  /** What runs on the wasm backend: equations and fused groups, in order. */
  readonly steps: readonly Step[];
  /** The steps compiled over a buffer plan for the wasm backend (built on first use), or why
   * they could not be: the executable then runs equation by equation (the interpreter). */
  readonly lowering: E.Either<Error, Program>;
  /** The compiled program (throws the lowering's error where there is none). */
  readonly program: Program;
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
  if (checksEnabled()) typecheckJaxpr(source);
  const optimized = optimizeJaxpr(source);
  if (checksEnabled()) typecheckJaxpr(optimized);
  // The narrow integers and the halves have no wasm kernels, so a program that holds any of
  // them runs equation by equation (their kernels on js), never as a compiled program.
  const compilable = usesOnlyCoreDTypes(optimized);
  const steps: readonly Step[] = compilable ? planFusion(optimized) : optimized.eqns.map((eqn) => ({ kind: "eqn", eqn }));
  let lowering: E.Either<Error, Program> | undefined;
  return {
    source,
    optimized,
    steps,
    // Lowering is a pure function of the steps; a failure (a compiler bug, not a user error)
    // leaves the interpreter, which runs every jaxpr, and shows in lower().asText(). Under
    // config.enableChecks (the test suites) it throws instead, so no such bug goes unseen.
    get lowering() {
      lowering ??= E.tryCatch(
        () => lower(optimized, steps, wasmBackendOf(), (j) => executableOf(j).program),
        (e) => (e instanceof Error ? e : new Error(String(e))),
      );
      if (checksEnabled() && E.isLeft(lowering)) throw lowering.left;
      return lowering;
    },
    get program() {
      return pipe(
        this.lowering,
        E.getOrElseW((e) => {
          throw e;
        }),
      );
    },
    // Fused kernels and the arena plan need the wasm backend; elsewhere (js) the equations
    // run one by one, and so they do under debugNans, which checks every primitive's result.
    run(args) {
      if (compilable && activeBackend().name === "wasm" && !debugNansEnabled()) {
        const lowered = this.lowering;
        if (E.isRight(lowered)) return lowered.right.run(args);
      }
      return runEqns(optimized, args);
    },
  };
}

/**
 * The program of a jaxpr staged to run once (a deferred eager chain, an eager backward pass),
 * from a cache keyed by the jaxpr's structure: such jaxprs are staged afresh on every call
 * but repeat (a training loop's steps), and passes, planning and lowering cost more than
 * running a small program. Only first-order jaxprs of the core dtypes come here. Undefined
 * when the program could not be lowered (see `lowering`).
 */
export function stagedProgram(jaxpr: Jaxpr): Program | undefined {
  const key = structureKey(jaxpr);
  let program = stagedPrograms.get(key);
  if (program !== undefined) {
    // (most recently used last: the oldest entry goes first when the cache is full)
    stagedPrograms.delete(key);
    stagedPrograms.set(key, program);
    return program;
  }
  if (checksEnabled()) typecheckJaxpr(jaxpr);
  const optimized = optimizeJaxpr(jaxpr);
  if (checksEnabled()) typecheckJaxpr(optimized);
  try {
    program = lower(optimized, planFusion(optimized), wasmBackendOf(), (j) => executableOf(j).program);
  } catch (e) {
    // A failing lowering is a compiler bug: the tests see it; users get the caller's
    // equation-by-equation path, as for executables.
    if (checksEnabled()) throw e;
    return undefined;
  }
  stagedPrograms.set(key, program);
  if (stagedPrograms.size > STAGED_PROGRAMS) stagedPrograms.delete(stagedPrograms.keys().next().value!);
  return program;
}
const STAGED_PROGRAMS = 256;
const stagedPrograms = new Map<string, Program>();

/** A string equal for two first-order jaxprs exactly when they compute the same thing the
 * same way: variables numbered by first definition, every aval, literal and parameter. */
function structureKey(jaxpr: Jaxpr): string {
  const ids = new Map<Var, number>();
  const name = (a: Atom): string => (a instanceof Literal ? `${numberKey(a.value)}:${a.aval.str()}${a.aval.weakType ? "w" : ""}` : `v${ids.get(a) ?? "?"}`);
  const define = (v: Var): string => {
    ids.set(v, ids.size);
    return `${v.aval.str()}${v.aval.weakType ? "w" : ""}`;
  };
  const parts = [[...jaxpr.constVars, ...jaxpr.inVars].map(define).join(",")];
  for (const e of jaxpr.eqns) parts.push(`${e.primitive}${JSON.stringify(e.params, paramKey)}(${e.inputs.map(name).join(",")})${e.outVars.map(define).join(",")}`);
  parts.push(jaxpr.outs.map(name).join(","));
  return parts.join(";");
}
const paramKey = (_: string, v: unknown): unknown => (typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0)) ? `#${numberKey(v)}` : v);

/** The lowering of steps to a program: compileProgram, replaceable (internals) to test what a failing lowering does. */
let lower: typeof compileProgram = compileProgram;
/** Replaces the lowering of compiled programs (`undefined` restores compileProgram): for tests of a failing lowering. */
export function setLowering(f: typeof compileProgram | undefined): void {
  lower = f ?? compileProgram;
}

const wasmBackendOf = (): Backend => {
  const b = activeBackend();
  if (b.name !== "wasm") throw new Error("internal: a compiled program needs the wasm backend");
  return b;
};

/** Whether every value of `jaxpr` and of its sub-jaxprs, and every dtype its equations
 * name, is one the compiled program handles (see isCoreDType). */
export function usesOnlyCoreDTypes(jaxpr: Jaxpr): boolean {
  const coreVars = (vs: readonly { readonly aval: { readonly dtype: DType } }[]): boolean => vs.every((v) => isCoreDType(v.aval.dtype));
  if (!coreVars(jaxpr.constVars) || !coreVars(jaxpr.inVars) || !coreVars(jaxpr.outs)) return false;
  for (const eqn of jaxpr.eqns) {
    if (!coreVars(eqn.inputs) || !coreVars(eqn.outVars)) return false;
    const p = eqn.params as { readonly new_dtype?: unknown; readonly dtype?: unknown; readonly index_dtype?: unknown };
    for (const d of [p.new_dtype, p.dtype, p.index_dtype]) if (isDType(d) && !isCoreDType(d)) return false;
    if (!subJaxprs(eqn).every(usesOnlyCoreDTypes)) return false;
  }
  return true;
}

/** The reference path: each equation bound in turn (its kernel on the active backend). */
const runEqns = (jaxpr: Jaxpr, args: readonly NDArray[]): NDArray[] => evalJaxprFlat(jaxpr, [], args);

/** Evaluations of a sub-jaxpr from which it is compiled (see evalSubJaxpr). */
const HOT = 3;
const evaluations = new WeakMap<Jaxpr, number>();

/**
 * Evaluates a sub-jaxpr (a loop body or condition, a branch, a custom rule's or a
 * checkpoint's call): with its executable once it is hot — from its HOT-th evaluation, so a
 * loop body from its third iteration on, and a jitted program's branch from its third call —
 * and before that equation by equation: eager control flow traces its body afresh on every
 * call, and compiling a jaxpr that runs once or twice costs more than it saves.
 */
export function evalSubJaxpr(jaxpr: Jaxpr, args: readonly NDArray[]): NDArray[] {
  const exe = executables.get(jaxpr);
  if (exe !== undefined) return exe.run(args);
  const n = (evaluations.get(jaxpr) ?? 0) + 1;
  evaluations.set(jaxpr, n);
  return n >= HOT ? executableOf(jaxpr).run(args) : evalJaxprFlat(jaxpr, [], args);
}

/**
 * The program an executable runs on `backend`, one line per step: single equations by their
 * index in the optimized jaxpr, fused kernels with the equations they hold.
 */
export function describeProgram(exe: Executable, backend: string, indent = ""): string[] {
  return describeOne(exe, backend).map((line) => (indent === "" ? line : line.replace(/^# /, `# ${indent}`)));
}

/** The programs of a step's sub-jaxprs (loop bodies, branches, calls), indented under it: each
 * is optimized and compiled on its own when it runs. */
function describeSubPrograms(eqn: Eqn, backend: string, k: number): string[] {
  return subJaxprs(eqn).flatMap((sub, j) => {
    const exe = executableOf(sub);
    return [
      `#     step ${k} (${eqn.primitive}) sub-jaxpr ${j}: ${exe.optimized.eqns.length} equations after the passes, from ${sub.eqns.length}`,
      ...describeProgram(exe, backend, "      "),
    ];
  });
}

function describeOne(exe: Executable, backend: string): string[] {
  if (backend !== "wasm") return [`# program (${backend} backend): the ${exe.optimized.eqns.length} equations run one by one on its kernels (fusion needs the wasm backend)`];
  if (!usesOnlyCoreDTypes(exe.optimized)) {
    return [`# program (wasm backend): the ${exe.optimized.eqns.length} equations run one by one (a value of a dtype other than float32, float64, int32 or bool runs on the js kernels, outside the compiled program)`];
  }
  const lowered = exe.lowering;
  if (E.isLeft(lowered)) return [`# program: not lowered (${lowered.left.message}); the ${exe.optimized.eqns.length} equations run one by one`];
  const index = new Map(exe.optimized.eqns.map((e, i) => [e, i]));
  const kernels = exe.steps.filter((s) => s.kind === "fused").length;
  const { plan } = exe.program;
  const lines = [
    `# program (wasm backend): ${exe.steps.length} steps, ${kernels} fused kernel${kernels === 1 ? "" : "s"}`,
    `# arena: ${plan.arenaBytes} bytes for ${plan.arenaValues} values of ${plan.valueBytes} bytes (slots reused by liveness; ${plan.inPlace} kernel${plan.inPlace === 1 ? "" : "s"} in place)`,
  ];
  exe.steps.forEach((step, k) => {
    if (step.kind === "eqn") {
      const next = exe.steps[k + 1];
      const epilogue = next !== undefined && exe.program.epilogue(next) ? `; step ${k + 1} is its epilogue` : "";
      lines.push(`#   ${k}: equation ${index.get(step.eqn)} (${step.eqn.primitive})${epilogue}`);
      lines.push(...describeSubPrograms(step.eqn, backend, k));
      return;
    }
    const g = step.group;
    const shape = `${(g.outputs[0] ?? g.eqns[0]!.outVars[0]!).aval.dtype}[${g.shape.join(",")}]`;
    lines.push(
      `#   ${k}: fused kernel over ${shape}: equations ${g.eqns.map((e) => index.get(e)).join(" ")} (${g.eqns.map((e) => e.primitive).join(" ")}); ${g.inputs.length} input${g.inputs.length === 1 ? "" : "s"}, ${g.outputs.length} output${g.outputs.length === 1 ? "" : "s"}${exe.program.threaded(step) ? "; threaded" : ""}${exe.program.epilogue(step) ? `; epilogue of step ${k - 1}: runs inside the product, over each chunk of rows it finishes` : ""}`,
    );
  });
  return lines;
}

/** How many jaxprs have been compiled so far (tests assert that a cache hit compiles nothing). */
export const compileCount = (): number => compiles;

