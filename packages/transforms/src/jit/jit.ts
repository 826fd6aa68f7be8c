// jit: stage a function to a jaxpr once per input signature (tree structure, shapes,
// dtypes, weak types and static argument values) and run the staged jaxpr as one `pjit`
// equation. The staged jaxpr is where compilation to fused kernels plugs in; today it is
// evaluated by the backend's kernels one primitive at a time.
import {
  ArgumentError,
  bind,
  flattenArgs,
  hoistConsts,
  type Jaxpr,
  type NDArray,
  Tracer,
  traceToJaxpr,
  tree,
  checkOptionsObject,
} from "@jaxts/core";
import { checkCallable, flattenOutputs } from "../ad/args.js";
import { type AnyFn, call, type LooseArgs } from "../ad/types.js";

export interface JitOptions {
  /** Positions of arguments that are not traced: their values are part of the cache key. */
  readonly staticArgnums?: number | readonly number[];
}

interface Staged {
  readonly jaxpr: Jaxpr;
  readonly consts: readonly NDArray[];
  readonly outDef: tree.TreeDef;
}

function staticKey(v: unknown, where: string): string {
  if (v === null || v === undefined || typeof v === "number" || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v) ?? "undefined";
  if (Array.isArray(v)) return `[${v.map((x) => staticKey(x, where)).join(",")}]`;
  if (tree.isPlainObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${staticKey(v[k], where)}`).join(",")}}`;
  throw new ArgumentError(`${where}: static arguments must be numbers, strings, booleans, null or plain arrays/objects of them, got ${typeof v}`);
}

/** `jit(f, { staticArgnums })`: f staged once per signature and replayed from the cache. */
export function jit<F extends AnyFn>(f: F, opts: JitOptions = {}): (...args: LooseArgs<F>) => ReturnType<F> {
  checkCallable("jit", f);
  checkOptionsObject(opts, "jit", "{ staticArgnums: 1 }");
  const statics = typeof opts.staticArgnums === "number" ? [opts.staticArgnums] : [...(opts.staticArgnums ?? [])];
  const name = f.name || "fn";
  const cache = new Map<string, Staged>();
  const jitted = (...args: unknown[]): ReturnType<F> => {
    const positions = statics.map((s) => (s < 0 ? s + args.length : s));
    for (const p of positions) {
      if (!Number.isInteger(p) || p < 0 || p >= args.length) {
        throw new ArgumentError(`jit(${name}): staticArgnums ${p} is out of range for a call with ${args.length} argument(s)`);
      }
    }
    const dynamic = args.map((a, i) => (positions.includes(i) ? null : a));
    const [flat, inDef] = flattenArgs(dynamic, `jit(${name})`);
    const key = [
      String(inDef),
      flat.map((x) => `${x.aval.str()}${x.weakType ? "w" : ""}`).join(";"),
      positions.map((p) => staticKey(args[p], `jit(${name})`)).join("|"),
    ].join("#");
    let staged = cache.get(key);
    if (staged === undefined) {
      let outDef: tree.TreeDef | undefined;
      const { jaxpr, consts } = traceToJaxpr(
        (xs) => {
          const rebuilt = tree.unflatten(inDef, xs) as unknown[];
          const full = args.map((a, i) => (positions.includes(i) ? a : rebuilt[i]));
          const [outs, def] = flattenOutputs(call(f, full), `jit(${name})`);
          outDef = def;
          return outs;
        },
        flat.map((x) => x.aval),
        `jit(${name})`,
      );
      staged = { jaxpr: hoistConsts(jaxpr), consts, outDef: outDef! };
      // A jaxpr closing over tracers of an enclosing transformation is valid for this call only.
      if (!consts.some((c) => c instanceof Tracer)) cache.set(key, staged);
    }
    const outs = bind("pjit", [...staged.consts, ...flat], { jaxpr: staged.jaxpr, name, num_consts: staged.consts.length });
    return tree.unflatten(staged.outDef, outs) as ReturnType<F>;
  };
  return jitted as (...args: LooseArgs<F>) => ReturnType<F>;
}
