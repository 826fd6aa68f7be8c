// jit: stage a function to a jaxpr once per input signature (tree structure, shapes,
// dtypes, weak types and static argument values) and run the staged jaxpr as one `pjit`
// equation. Evaluating a pjit runs the jaxpr's executable (core's compiler/: optimised by the
// jaxpr passes, fused into wasm kernels over a planned arena, compiled once per jaxpr); pjit's
// JVP, partial-evaluation, transpose and batching rules keep it a pjit under every
// transformation, so grad(jit(f)) and vmap(jit(f)) run compiled code too.
import {
  ArgumentError,
  bind,
  checkOptions,
  ClosedJaxpr,
  config,
  defaultFloat,
  describeProgram,
  executableOf,
  FloatingPointError,
  flattenArgs,
  hoistConsts,
  type Jaxpr,
  leafToArray,
  NDArray,
  sameShape,
  type OptionSpec,
  type Step,
  Tracer,
  traceToJaxpr,
  tree,
  zeros,
} from "@jaxts/core";
import { checkCallable } from "../ad/args.js";
import { type AnyFn, call, type LooseArgs } from "../ad/types.js";
import { type OnnxExportOptions, type StagedProgram, stagedToOnnx } from "../export/model.js";

export interface JitOptions {
  /** Positions of arguments that are not traced: their values are part of the cache key. */
  readonly staticArgnums?: number | readonly number[];
}

const jitSpec: OptionSpec<JitOptions> = { staticArgnums: "integers" };

interface Staged {
  readonly jaxpr: Jaxpr;
  readonly consts: readonly NDArray[];
  readonly outDef: tree.TreeDef;
}

/** The cache key of a static argument: injective over the values allowed (two values get the
 * same key only when they are the same value: NaN, ±Infinity, -0, null, undefined and the
 * string "1" all differ from each other and from numbers). */
function staticKey(v: unknown, where: string, depth = 0): string {
  if (depth > tree.MAX_TREE_DEPTH) throw new ArgumentError(`${where}: a static argument is nested deeper than ${tree.MAX_TREE_DEPTH} levels (or is cyclic)`);
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return `n${Object.is(v, -0) ? "-0" : String(v)}`;
  if (typeof v === "boolean") return `b${v}`;
  if (typeof v === "string") return `s${JSON.stringify(v)}`;
  if (Array.isArray(v)) return `[${v.map((x) => staticKey(x, where, depth + 1)).join(",")}]`;
  if (tree.isPlainObject(v)) {
    if (Object.getOwnPropertySymbols(v).length > 0) throw new ArgumentError(`${where}: a static argument has a symbol key; use string keys`);
    const entries = Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${staticKey(v[k], where, depth + 1)}`);
    return `{${entries.join(",")}}`;
  }
  throw new ArgumentError(
    `${where}: static arguments must be numbers, strings, booleans, null, undefined or plain arrays/objects of them (compared by value), got ${
      typeof v === "object" ? `a ${v.constructor?.name ?? "object"}` : typeof v
    }`,
  );
}

/** Where the static arguments are in a call with `n` arguments (negative positions count from the end). */
function staticPositions(statics: readonly number[], n: number, name: string): number[] {
  return statics.map((s) => {
    const p = s < 0 ? s + n : s;
    if (p < 0 || p >= n) throw new ArgumentError(`jit(${name}): staticArgnums ${s} is out of range for a call with ${n} argument(s)`);
    return p;
  });
}

/** What `jit(f).lower(...args)` returns: the staged program for those arguments, as the
 * compiler sees it (JAX's `jax.jit(f).lower(x)`). */
export interface Lowered {
  /** The jaxpr as staged (with its captured constants). */
  readonly jaxpr: ClosedJaxpr;
  /** What runs: the jaxpr after the compiler's passes (simplify, CSE, DCE). */
  readonly optimized: ClosedJaxpr;
  /** What runs on the wasm backend: single equations and fused kernels, in order. */
  readonly steps: readonly Step[];
  /** The optimized jaxpr and the program it runs as, in text. */
  asText(): string;
  /** The staged program as ONNX ModelProto bytes (see exportOnnx). */
  toOnnx(options?: OnnxExportOptions): Uint8Array;
}

/** A jitted function: call it, or `lower` it to see what it compiles to. */
export type Jitted<F extends AnyFn> = ((...args: LooseArgs<F>) => ReturnType<F>) & {
  lower(...args: LooseArgs<F>): Lowered;
};

/**
 * `f` compiled: traced to a jaxpr once per input signature (the arguments' pytree structure,
 * shapes and dtypes, and the values of the `staticArgnums` arguments), optimized, compiled
 * (fused WebAssembly kernels over a planned arena on the wasm backend) and replayed from the
 * cache on later calls. Results equal `f`'s (elementwise bit for bit; fused sums may differ
 * in the last bit). `f` must be pure; under `jit` values are abstract, so branch with
 * `np.where`/`lax.cond` or make the argument static. `jit(f).lower(...args).asText()` shows
 * what it compiles to.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad, jit } from "@jaxts/transforms";
 *
 * const f = jit((x: NDArray) => np.sum(np.tanh(x).mul(x)));
 * f(array([1, 2, 3]));                           // traced and compiled on the first call
 * jit(grad((x: NDArray) => np.sum(np.sin(x))))(array([0, 1]));
 * jit((x: NDArray, n: number) => x.pow(n), { staticArgnums: 1 })(array(2), 3); // 8
 */
export function jit<F extends AnyFn>(f: F, opts?: JitOptions): Jitted<F> {
  checkCallable("jit", f);
  const o = checkOptions(opts, "jit", jitSpec);
  const statics = typeof o.staticArgnums === "number" ? [o.staticArgnums] : [...(o.staticArgnums ?? [])];
  const name = f.name || "fn";
  const where = `jit(${name})`;
  const cache = new Map<string, Staged>();
  /** The staged program for these arguments (from the cache when the signature was seen). */
  const stage = (args: readonly unknown[]): { staged: Staged; flat: NDArray[] } => {
    const positions = staticPositions(statics, args.length, name);
    const dynamic = args.map((a, i) => (positions.includes(i) ? null : a));
    // Numbers become arrays as numpy operands do, so jit(f)(5) computes what f(5) does.
    const [flat, inDef] = flattenArgs(dynamic, where, "eager");
    // defaultFloat decides the dtype of every number and float array made while tracing, so a
    // program staged under one setting is not the program under the other (as JAX's cache
    // keys on its x64 flag).
    const key = [
      defaultFloat(),
      String(inDef),
      flat.map((x) => `${x.aval.str()}${x.weakType ? "w" : ""}`).join(";"),
      positions.map((p) => staticKey(args[p], where)).join("|"),
    ].join("#");
    let staged = cache.get(key);
    if (staged === undefined) {
      let outDef: tree.TreeDef | undefined;
      const { jaxpr, consts } = traceToJaxpr(
        (xs) => {
          const rebuilt = tree.unflatten(inDef, xs) as unknown[];
          const full = args.map((a, i) => (positions.includes(i) ? a : rebuilt[i]));
          const [outs, paths, def] = tree.flattenWithPaths(call(f, full), where);
          outDef = def;
          return outs.map((l, i) => leafToArray(l, `${where}: output ${paths[i]}`, "eager"));
        },
        flat.map((x) => x.aval),
        where,
      );
      staged = { jaxpr: hoistConsts(jaxpr), consts, outDef: outDef! };
      // A jaxpr closing over tracers of an enclosing transformation is valid for this call only.
      if (!consts.some((c) => c instanceof Tracer)) cache.set(key, staged);
    }
    return { staged, flat };
  };
  const jitted = (...args: unknown[]): ReturnType<F> => {
    const { staged: s, flat } = stage(args);
    const run = () => bind("pjit", [...s.consts, ...flat], { jaxpr: s.jaxpr, name, num_consts: s.consts.length });
    const outs = config.get().debugNans ? runLocatingNans(run, () => call(f, args), where) : run();
    return tree.unflatten(s.outDef, outs) as ReturnType<F>;
  };
  const lower = (...args: unknown[]): Lowered => {
    const { staged } = stage(args);
    const toOnnx = (options?: OnnxExportOptions): Uint8Array => {
      const positions = staticPositions(statics, args.length, name);
      const [leaves, inputPaths, inDef] = tree.flattenWithPaths(args.map((a, i) => (positions.includes(i) ? null : a)), where);
      const program = (s: Staged): StagedProgram => {
        const outLeaves = Array.from({ length: s.outDef.numLeaves }, (_, i) => i);
        const outputPaths = tree.flattenWithPaths(tree.unflatten(s.outDef, outLeaves), where)[1];
        return { jaxpr: s.jaxpr, consts: s.consts, inputPaths, outputPaths, fnName: name, restage };
      };
      // dynamicAxes traces again with array arguments of other shapes (zeros: values do not matter).
      const restage = (shapes: readonly (readonly number[])[]): StagedProgram => {
        const moved = leaves.map((l, i) => (l instanceof NDArray && !sameShape(l.shape, shapes[i]!) ? zeros(shapes[i]!, l.dtype) : l));
        const rebuilt = tree.unflatten(inDef, moved) as unknown[];
        return program(stage(args.map((a, i) => (positions.includes(i) ? a : rebuilt[i]))).staged);
      };
      return stagedToOnnx(program(staged), options);
    };
    const exe = executableOf(staged.jaxpr);
    // The hoisted constants are the first inputs of the staged jaxpr.
    const closed = new ClosedJaxpr(staged.jaxpr, []);
    const optimized = new ClosedJaxpr(exe.optimized, []);
    return {
      jaxpr: closed,
      optimized,
      steps: exe.steps,
      asText: () =>
        [
          `# ${where}: optimized jaxpr (${exe.optimized.eqns.length} equations, from ${staged.jaxpr.eqns.length} staged; the first ${staged.consts.length} inputs are captured constants)`,
          String(optimized),
          ...describeProgram(exe, config.get().backend),
        ].join("\n"),
      toOnnx,
    };
  };
  return Object.assign(jitted as (...args: LooseArgs<F>) => ReturnType<F>, { lower: lower as (...args: LooseArgs<F>) => Lowered });
}

/** Under debugNans, a NaN inside the staged function re-runs it un-jitted, as JAX does, so
 * the FloatingPointError is thrown by the user's own operation (its stack shows the line). */
function runLocatingNans(run: () => NDArray[], eager: () => unknown, where: string): NDArray[] {
  try {
    return run();
  } catch (e) {
    if (!(e instanceof FloatingPointError)) throw e;
    try {
      eager();
    } catch (located) {
      if (located instanceof FloatingPointError) located.message = `${located.message}; found by re-running ${where} un-jitted`;
      throw located;
    }
    throw e;
  }
}
