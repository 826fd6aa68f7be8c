// The fuzz harness: call a public function with generated arguments and assert the four
// properties of issue 7 — only a JaxtsError escapes, the inputs are unchanged bit for bit,
// Object/Array/Function.prototype gain nothing, and a plain `grad` still works afterwards
// (no trace state left behind) — then exercise what it returned (functions, `at()` objects,
// gradient transformations) the same way.
import { config, type DType, JaxtsError, NDArray, np, warningCount } from "@jaxts/core";
import { grad, jit, jvp, vmap } from "@jaxts/transforms";
import fc from "fast-check";
import { ALLOWED_FAILURES, UNCHECKED_OPTIONS } from "./allow-list.js";
import { anyArb, MIXED_DTYPES, mixedArray, KINDS, type Kind, MIXED_SHAPES, maybeOptionsArb, operandArb, pytreeArb } from "./arbitraries.js";
import { jitMismatch, vmapMismatch } from "./jit-agrees.js";
import { narrowing } from "./precision.js";

export type AnyFn = (...args: unknown[]) => unknown;

/** Settings: FUZZ_SEED and FUZZ_RUNS (calls per function) change the defaults. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
/** A call slower than this is treated as a hang. */
const SLOW_MS = 2000;

export const stats = { calls: 0, traced: 0, thrown: 0, allowed: new Map<string, number>() };

// ---------- snapshots of inputs ----------

type Snap =
  | { readonly t: "prim"; readonly v: unknown }
  | { readonly t: "ref"; readonly v: unknown }
  | { readonly t: "nd"; readonly ref: NDArray; readonly dtype: string; readonly shape: string; readonly weak: boolean; readonly bytes: string }
  | { readonly t: "typed"; readonly ref: object; readonly bytes: string }
  | { readonly t: "obj"; readonly ref: object; readonly proto: unknown; readonly frozen: boolean; readonly entries: readonly [PropertyKey, Snap][] }
  | { readonly t: "seen"; readonly ref: object };

const hex = (view: ArrayBufferView): string => Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("hex");

/** Below this depth a value is compared by reference only (a 100,000-deep input must not
 * overflow the harness's own stack). */
const SNAPSHOT_DEPTH = 500;

function snapshot(x: unknown, seen = new Set<object>(), depth = 0): Snap {
  if (x === null || (typeof x !== "object" && typeof x !== "function")) return { t: "prim", v: x };
  if (typeof x === "function" || depth > SNAPSHOT_DEPTH) return { t: "ref", v: x };
  if (seen.has(x)) return { t: "seen", ref: x };
  seen.add(x);
  if (x instanceof NDArray) {
    return { t: "nd", ref: x, dtype: x.dtype, shape: x.shape.join(","), weak: x.weakType, bytes: hex(x.toTypedArray()) };
  }
  if (ArrayBuffer.isView(x)) return { t: "typed", ref: x, bytes: hex(x) };
  if (x instanceof Map || x instanceof Set || x instanceof Date || x instanceof RegExp || x instanceof Promise) {
    const inner = x instanceof Map ? [...x.entries()].flat() : x instanceof Set ? [...x] : x instanceof Date ? [x.getTime()] : [String(x)];
    return { t: "obj", ref: x, proto: Object.getPrototypeOf(x), frozen: Object.isFrozen(x), entries: inner.map((v, i) => [i, snapshot(v, seen, depth + 1)]) };
  }
  const entries = Reflect.ownKeys(x).map((k): [PropertyKey, Snap] => {
    const d = Object.getOwnPropertyDescriptor(x, k)!;
    return [k, "value" in d ? snapshot(d.value, seen, depth + 1) : { t: "ref", v: d.get }];
  });
  return { t: "obj", ref: x, proto: Object.getPrototypeOf(x), frozen: Object.isFrozen(x), entries };
}

/** The first difference between two snapshots, as a path, or undefined. */
function diff(a: Snap, b: Snap, path: string): string | undefined {
  if (a.t !== b.t) return `${path}: kind changed`;
  switch (a.t) {
    case "prim":
    case "ref":
      return Object.is(a.v, (b as typeof a).v) ? undefined : `${path}: value changed`;
    case "seen":
      return a.ref === (b as typeof a).ref ? undefined : `${path}: reference changed`;
    case "nd": {
      const c = b as typeof a;
      if (a.ref !== c.ref) return `${path}: array replaced`;
      if (a.dtype !== c.dtype || a.shape !== c.shape || a.weak !== c.weak) return `${path}: array type changed`;
      return a.bytes === c.bytes ? undefined : `${path}: array contents changed`;
    }
    case "typed": {
      const c = b as typeof a;
      return a.bytes === c.bytes ? undefined : `${path}: typed array contents changed`;
    }
    case "obj": {
      const c = b as typeof a;
      if (a.ref !== c.ref || a.proto !== c.proto || a.frozen !== c.frozen) return `${path}: object identity/prototype/frozenness changed`;
      if (a.entries.length !== c.entries.length) return `${path}: keys changed (${a.entries.length} -> ${c.entries.length})`;
      for (let i = 0; i < a.entries.length; i++) {
        const [ka, va] = a.entries[i]!;
        const [kb, vb] = c.entries[i]!;
        if (ka !== kb) return `${path}: key ${String(ka)} became ${String(kb)}`;
        const d = diff(va, vb, `${path}.${String(ka)}`);
        if (d !== undefined) return d;
      }
      return undefined;
    }
  }
}

/** The error classes the allow-list tolerates for `name` ("MalformedResult" for a bad result). */
function allowedClasses(name: string): string[] {
  const reason = ALLOWED_FAILURES[name];
  return reason === undefined ? [] : reason.split(":")[0]!.split("|");
}

/** The functions whose job is a cast, which may drop an imaginary part with a ComplexWarning. */
const CASTS: readonly string[] = ["np.astype", "lax.convertElementType", "NDArray.astype"];
/** Functions checked for narrowing (precision.ts) and for complex values cast to real inside:
 * @jaxts/core's and @jaxts/optim's losses. */
const NARROWING_CHECKED = /^(np|lax|nn|random|tree|NDArray|losses)\./;
const REAL_DTYPES = ["bool", "int8", "int16", "int32", "uint8", "uint32", "float16", "bfloat16", "float32", "float64"];
/** Whether one of `names` (dtype names) is among the arguments (or one level into an options object). */
function namesDTypeIn(args: readonly unknown[], names: readonly string[]): boolean {
  const isName = (v: unknown): boolean => typeof v === "string" && names.includes(v);
  return args.some((a) => isName(a) || (typeof a === "object" && a !== null && !Array.isArray(a) && Object.values(a).some(isName)));
}

/** A returned array whose shape is not a list of non-negative integers, whose dtype is not
 * one of ours, or whose data does not have `size` elements (a silently wrong answer). */
function malformedArray(x: unknown, depth: number): string | undefined {
  if (x instanceof NDArray) {
    const shapeOk = Array.isArray(x.shape) && x.shape.every((d) => Number.isInteger(d) && d >= 0);
    if (!shapeOk) return `shape [${Array.from(x.shape, String).join(", ")}]`;
    if (!DTYPE_NAMES.includes(x.dtype)) return `dtype ${String(x.dtype)}`;
    if (x.size > 1e6) return undefined; // not copied: the check is about small results
    try {
      // (a complex array's data is its interleaved (re, im) pairs)
      const n = x.toTypedArray().length / (x.dtype === "complex64" || x.dtype === "complex128" ? 2 : 1);
      return n === x.size ? undefined : `${n} elements for shape [${x.shape.join(", ")}]`;
    } catch {
      return undefined; // a tracer (it has no data to check)
    }
  }
  if (depth > 3 || x === null || typeof x !== "object" || !(Array.isArray(x) || Object.getPrototypeOf(x) === Object.prototype)) return undefined;
  for (const v of Array.isArray(x) ? x : Object.values(x)) {
    const bad = malformedArray(v, depth + 1);
    if (bad !== undefined) return bad;
  }
  return undefined;
}
const DTYPE_NAMES: readonly string[] = ["bool", "int8", "int16", "int32", "uint8", "uint32", "float16", "bfloat16", "float32", "float64", "complex64", "complex128"];

// ---------- global state ----------

const protoKeys = (o: object): string => Reflect.ownKeys(o).map(String).join("|");
const PROTOS: readonly [string, object][] = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
];
const protoBaseline = PROTOS.map(([, o]) => protoKeys(o));
const configBaseline = JSON.stringify(config.get());
const baselineConfig = JSON.parse(configBaseline) as Record<string, unknown>;
/** Whether a known setting differs from the defaults (storing unknown keys is config.set's own bug). */
const configChanged = (): boolean => {
  const now = config.get() as unknown as Record<string, unknown>;
  return Object.keys(baselineConfig).some((k) => now[k] !== baselineConfig[k]);
};

const sanityFn = (x: NDArray): NDArray => x.pow(2).add(x.mul(3)).add(1);

/** The library still works: a plain grad gives the right number, nothing leaked. */
function assertHealthy(where: string): void {
  for (let i = 0; i < PROTOS.length; i++) {
    if (protoKeys(PROTOS[i]![1]) !== protoBaseline[i]) throw new Error(`${where}: ${PROTOS[i]![0]} gained or lost keys`);
  }
  const g = (grad(sanityFn) as (x: number) => NDArray)(3);
  if (!(g instanceof NDArray) || g.item() !== 9) throw new Error(`${where}: grad(x => x**2 + 3x + 1)(3) is no longer 9 after this call`);
  if (np.add(1, 2).item() !== 3) throw new Error(`${where}: np.add(1, 2) is no longer 3 after this call`);
}

/** Functions print as their name (fast-check would print their whole source). */
function printable(x: unknown, depth = 0): unknown {
  if (typeof x === "function") return `<function ${x.name || "anonymous"}>`;
  if (depth > 4 || x === null || typeof x !== "object" || x instanceof NDArray || !(Array.isArray(x) || Object.getPrototypeOf(x) === Object.prototype)) return x;
  if (Array.isArray(x)) return Array.from(x, (v) => printable(v, depth + 1));
  return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, printable(v, depth + 1)]));
}

function describeArgs(args: readonly unknown[]): string {
  try {
    return fc.stringify(printable(args));
  } catch {
    return "(unprintable arguments)";
  }
}

/**
 * Call `fn(...args)` under the four checks. Returns the result when it returned normally
 * (undefined when it threw a JaxtsError or an allowed failure).
 */
export function checkedCall(name: string, fn: AnyFn, thisArg: unknown, args: readonly unknown[], label = name): { ok: boolean; value?: unknown } {
  // A traced call (label differs) runs a closure over `args`; they are still what is snapshot.
  const callArgs = label === name ? args : [];
  const inputs = [thisArg, ...args];
  if (process.env.FUZZ_TRACE === "2") process.stderr.write(`call ${label} ${describeArgs(args)}\n`);
  const before = snapshot(inputs);
  const complexWarnings = warningCount("ComplexWarning");
  stats.calls++;
  let ok = true;
  let value: unknown;
  let changedConfig = false;
  const t0 = performance.now();
  try {
    value = Reflect.apply(fn, thisArg, callArgs);
  } catch (e) {
    ok = false;
    stats.thrown++;
    if (!(e instanceof JaxtsError)) {
      // An entry tolerates only the error classes its reason starts with ("RangeError|TypeError: ...").
      if (!(e instanceof Error) || !allowedClasses(name).includes(e.name)) {
        const what = e instanceof Error ? `${e.name}: ${e.message}\n${e.stack?.split("\n").slice(1, 6).join("\n")}` : `a non-Error ${String(e)}`;
        throw new Error(`${label}(${describeArgs(args)}) threw ${what}`);
      }
      stats.allowed.set(name, (stats.allowed.get(name) ?? 0) + 1);
    }
  } finally {
    if (configChanged()) {
      // config.set is fuzzed too: put the defaults back, so later calls run as usual.
      config.set(JSON.parse(configBaseline) as Parameters<typeof config.set>[0]);
      changedConfig = name !== "config.set";
    }
  }
  if (changedConfig) throw new Error(`${name} changed the configuration`);
  // A complex → real cast drops the imaginary part: only a cast the caller asked for may do it
  // (astype, or a real `dtype` argument, with JAX's ComplexWarning); a @jaxts/core function
  // doing it inside gives a wrong answer; so does an @jaxts/optim loss. (@jaxts/optim casts
  // updates to the parameters' dtypes as Optax does: not checked here.)
  if (warningCount("ComplexWarning") > complexWarnings && NARROWING_CHECKED.test(name) && !CASTS.includes(name) && !namesDTypeIn(args, REAL_DTYPES)) {
    throw new Error(`${label}(${describeArgs(args)}) cast a complex value to a real dtype inside (a ComplexWarning): the imaginary part was dropped`);
  }
  const ms = performance.now() - t0;
  if (ms > SLOW_MS) throw new Error(`${label}(${describeArgs(args)}) took ${ms.toFixed(0)} ms (a hang?)`);
  if (ok) {
    const bad = malformedArray(value, 0);
    if (bad !== undefined && !allowedClasses(name).includes("MalformedResult")) {
      throw new Error(`${label}(${describeArgs(args)}) returned a malformed array: ${bad}`);
    }
    // A result coarser than an operand it reads (precision.ts); a dtype the caller names wins.
    if (label === name && NARROWING_CHECKED.test(name) && !CASTS.includes(name) && !namesDTypeIn(args, DTYPE_NAMES)) {
      const narrowed = narrowing(name, thisArg, args, value, (self, next) => Reflect.apply(fn, self, next));
      if (narrowed !== undefined) throw new Error(`${label}(${describeArgs(args)}) ${narrowed}`);
    }
  }
  const d = diff(before, snapshot(inputs), "args");
  if (d !== undefined) throw new Error(`${label}(${describeArgs(args)}) mutated its input: ${d}`);
  assertHealthy(label);
  return ok ? { ok, value } : { ok };
}

// ---------- exercising results ----------

const isGradientTransformation = (v: unknown): v is { init: AnyFn; update: AnyFn } =>
  typeof v === "object" && v !== null && typeof (v as { init?: unknown }).init === "function" && typeof (v as { update?: unknown }).update === "function";

/** Follow-up arguments for whatever a call returned. */
export const followArb: fc.Arbitrary<unknown[][]> = fc.noShrink(fc.array(
  fc.array(fc.oneof({ weight: 4, arbitrary: operandArb }, { weight: 2, arbitrary: pytreeArb }, { weight: 1, arbitrary: anyArb }), { maxLength: 3 }),
  { minLength: 3, maxLength: 3 },
)); // not shrunk: shrinking these too would multiply the time a failure takes to report

/** Call the functions a result carries (a returned function, functions in a returned tuple,
 * methods of returned helper objects, init/update of a gradient transformation). */
export function exercise(name: string, result: unknown, follow: readonly unknown[][]): void {
  if (result instanceof NDArray || result === null || result === undefined) return;
  const [a = [], b = [], c = []] = follow;
  if (isGradientTransformation(result)) {
    const init = checkedCall(`${name}.init`, result.init, result, a);
    const params = a[0];
    const state = init.ok ? init.value : b[1];
    checkedCall(`${name}.update`, result.update, result, [b[0] ?? params, state, ...c.slice(0, 1)]);
    checkedCall(`${name}.update`, result.update, result, [params, state, params]);
    return;
  }
  if (typeof result === "function") {
    const r = checkedCall(`${name}()`, result as AnyFn, undefined, a);
    if (r.ok) exerciseShallow(`${name}()`, r.value, [b, c]);
    for (const k of Object.keys(result)) {
      const m = (result as unknown as Record<string, unknown>)[k];
      if (typeof m === "function") checkedCall(`${name}.${k}`, m as AnyFn, result, b);
    }
    return;
  }
  exerciseShallow(name, result, [a, b, c]);
}

/** JS's own objects (a typed array from toTypedArray, ...): their methods are not ours to fuzz. */
const isBuiltin = (x: object): boolean =>
  ArrayBuffer.isView(x) || x instanceof Map || x instanceof Set || x instanceof Promise || x instanceof Date || x instanceof RegExp || x instanceof Error;

/** Functions one level inside a returned tuple or helper object. */
function exerciseShallow(name: string, result: unknown, follow: readonly unknown[][]): void {
  if (result === null || typeof result !== "object" || result instanceof NDArray || isBuiltin(result)) return;
  const fns: [string, AnyFn][] = [];
  if (Array.isArray(result)) {
    result.forEach((v, i) => {
      if (typeof v === "function") fns.push([`[${i}]`, v as AnyFn]);
    });
  } else {
    let proto: object | null = result;
    while (proto !== null && proto !== Object.prototype) {
      for (const k of Object.getOwnPropertyNames(proto)) {
        const d = Object.getOwnPropertyDescriptor(proto, k)!;
        if (k !== "constructor" && typeof d.value === "function") fns.push([`.${k}`, d.value as AnyFn]);
      }
      proto = Object.getPrototypeOf(proto);
    }
  }
  fns.forEach(([k, f], i) => {
    checkedCall(`${name}${k}`, f, result, follow[i % follow.length] ?? []);
  });
}

// ---------- calls under a transformation ----------

type Mode = "eager" | "jit" | "vmap" | "jvp" | "grad";

/** Arrays among `this` and the arguments become tracers: the same call made inside `jit`,
 * inside `vmap` over a batch of two copies, under `jvp` (each array its own tangent) or
 * `grad` (of the sum of a float result). Errors raised mid-trace must leave no trace state
 * behind (checked by the grad after every call). */
function tracedCall(mode: Exclude<Mode, "eager">, name: string, fn: AnyFn, self: unknown, args: readonly unknown[]): void {
  const all = [self, ...args];
  const positions = all.flatMap((a, i) => (a instanceof NDArray ? [i] : []));
  if (positions.length === 0) {
    checkedCall(name, fn, self, args);
    return;
  }
  const inner = (...tracers: unknown[]): unknown => {
    const filled = [...all];
    positions.forEach((p, k) => {
      filled[p] = tracers[k];
    });
    const r = Reflect.apply(fn, filled[0], filled.slice(1));
    // Only arrays (or lists of them) are valid outputs of a transformed function.
    return r instanceof NDArray || (Array.isArray(r) && r.every((x) => x instanceof NDArray)) ? r : [];
  };
  stats.traced++;
  const arrays = positions.map((p) => all[p] as NDArray);
  const scalarOut = (...tracers: unknown[]): NDArray => {
    const r = inner(...tracers);
    return r instanceof NDArray && (r.dtype === "float32" || r.dtype === "float64") ? np.sum(r) : np.sum(np.zeros([]));
  };
  const runs = {
    jit: () => jit(inner)(...arrays),
    vmap: () => vmap(inner)(...arrays.map((a) => np.stack([a, a]))),
    jvp: () => jvp(inner, arrays, arrays),
    grad: () => (grad(scalarOut) as AnyFn)(...arrays),
  };
  const run = runs[mode];
  // The allow-list and messages use the function's own name; the label says how it was called.
  const traced = checkedCall(name, run, undefined, [...all], `${mode}(${name})`);
  if ((mode === "jit" || mode === "vmap") && traced.ok) {
    const mismatch = (mode === "jit" ? jitMismatch : vmapMismatch)(fn, all, traced.value);
    if (mismatch !== undefined) throw new Error(`${mode}(${name})(${describeArgs(args)}) differs from ${name} called eagerly: ${mismatch}`);
  }
}

// ---------- properties ----------

/** Arguments from a signature: mostly the right kinds, sometimes any value, sometimes one
 * too few or one too many; or, a third of the time, any values at all. */
export type Sig = readonly (Kind | fc.Arbitrary<unknown>)[];

export function argsFor(sig: Sig): fc.Arbitrary<unknown[]> {
  const positions = sig.map((k) => fc.oneof({ weight: 6, arbitrary: typeof k === "string" ? KINDS[k] : k }, { weight: 1, arbitrary: anyArb }));
  const typed = fc.tuple(fc.tuple(...positions), fc.integer({ min: 0, max: 9 }), anyArb).map(([args, arity, extra]) => {
    if (arity === 0 && args.length > 0) return args.slice(0, -1);
    if (arity === 1) return [...args, extra];
    return args;
  });
  return fc.oneof({ weight: 2, arbitrary: typed }, { weight: 1, arbitrary: fc.array(anyArb, { maxLength: 4 }) });
}

/**
 * An unknown option key is never silently ignored: with arguments of the right kinds and
 * `{ notAnOption: 1 }` at the options position, the call must throw a JaxtsError (an
 * ArgumentError naming the key, when the other arguments are fine). Returning normally
 * means the key was ignored. Functions still doing so are listed in UNCHECKED_OPTIONS.
 */
export function fuzzUnknownOption(name: string, fn: AnyFn, sig: Sig, runs = 25): void {
  const at = sig.findIndex((k) => k === "O" || k === maybeOptionsArb);
  if (at < 0) return;
  const before = sig.slice(0, at).map((k) => (typeof k === "string" ? KINDS[k] : k));
  const arb = fc.tuple(fc.tuple(...before), fc.constantFrom("notAnOption", "axes", "keepDims", "argnum", "beta1", "debugNaNs"));
  fc.assert(
    fc.property(arb, ([args, key]) => {
      const opts = { [key]: 1 };
      const r = checkedCall(name, fn, undefined, [...args, opts]);
      if (r.ok && !UNCHECKED_OPTIONS.has(name)) throw new Error(`${name}(${describeArgs(args)}, { ${key}: 1 }) returned normally: the unknown option was ignored`);
    }),
    { seed: (SEED ^ hash(`${name}/options`)) | 0, numRuns: runs },
  );
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Fuzz one function: RUNS calls with arguments from `sig`, exercising what it returns. */
export function fuzzFunction(name: string, fn: AnyFn, sig: Sig, thisArg?: fc.Arbitrary<unknown>, runs = RUNS, traced = false): void {
  if (process.env.FUZZ_TRACE) process.stderr.write(`fuzz ${name}\n`);
  const mode = traced ? fc.constantFrom<Mode>("eager", "eager", "jit", "vmap", "jvp", "grad") : fc.constant<Mode>("eager");
  const arb = fc.tuple(thisArg ?? fc.constant(undefined), argsFor(sig), followArb, mode);
  fc.assert(
    fc.property(arb, ([self, args, follow, m]) => {
      if (m !== "eager") return tracedCall(m, name, fn, self, args);
      const r = checkedCall(name, fn, self, args);
      if (r.ok) exercise(name, r.value, follow);
    }),
    // A failing property is shrunk for at most 20 s, so one slow counterexample cannot stall CI.
    { seed: (SEED ^ hash(name)) | 0, numRuns: runs, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true },
  );
}

/**
 * Mixed precision (the narrowing check's own property): `fn` called with its array operands
 * ("A", and the elements of an "L" list) all of one well-formed shape, each of one of two
 * dtypes drawn per call, and its other arguments generated by kind. Such calls mostly succeed, so the check in
 * checkedCall (precision.ts) sees float32 beside float64 and real beside complex; each call
 * that succeeds is made again under `jit`, whose result must equal it.
 */
export function fuzzMixedPrecision(name: string, fn: AnyFn, sig: Sig, runs = RUNS, method = false): void {
  // Each call draws two dtypes and gives every operand one of them, so that most calls mix a
  // coarser and a finer dtype.
  const operand = (shape: readonly number[], dtypes: readonly DType[]) =>
    fc.tuple(fc.constantFrom(...dtypes), fc.nat({ max: 6 })).map(([d, pick]) => mixedArray(d, shape, pick));
  // (a method: `this` is one more operand of the shape)
  const arb = fc.tuple(fc.constantFrom(...MIXED_SHAPES), fc.constantFrom(...MIXED_DTYPES), fc.constantFrom(...MIXED_DTYPES)).chain(([shape, d1, d2]) => {
    const o = () => operand(shape, [d1, d2]);
    return fc.tuple(
      method ? o() : fc.constant(undefined),
      fc.tuple(...sig.map((k) => (k === "A" ? o() : k === "L" ? fc.array(o(), { minLength: 2, maxLength: 3 }) : typeof k === "string" ? KINDS[k] : k))),
    );
  });
  fc.assert(
    fc.property(arb, ([self, args]) => {
      // and under jit, whose result must equal the eager one (jitMismatch)
      if (checkedCall(name, fn, self, args).ok) tracedCall("jit", name, fn, self, args);
    }),
    { seed: (SEED ^ hash(`${name} mixed`)) | 0, numRuns: runs, interruptAfterTimeLimit: 20_000, markInterruptAsFailure: true },
  );
}
