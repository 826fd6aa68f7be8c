// makeJaxpr(f)(...args): trace a function of pytrees to a ClosedJaxpr, and evalJaxpr to run one.
import { NDArray } from "../array.js";
import type { ShapedArray } from "../aval.js";
import { defaultFloat } from "../config.js";
import { asArray, scalar } from "../creation.js";
import { jsNumberDType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import { traceToJaxpr } from "../trace/jaxpr-trace.js";
import { flatten, flattenWithPaths, type PyTree, type TreeDef, unflatten } from "../tree/index.js";
import { describeValue } from "../shape.js";
import { evalClosedJaxpr } from "./eval.js";
import { ClosedJaxpr } from "./jaxpr.js";

/**
 * How a JS number leaf becomes an array. "eager": as a numpy operand does, so a staged
 * function sees what `f(5)` computes with (jsNumberDType: an int32-sized integer is a weak
 * int32, anything else a weak default float, as JAX treats Python ints and floats).
 * "float": a weak default float, for arguments that are differentiated (`grad(f)(3)`
 * differentiates at 3.0).
 */
export type NumberLeaves = "eager" | "float";

/** Flatten pytree arguments into arrays; a leaf that is not an array, number or boolean is
 * an ArgumentError naming its path and type.
 *
 * @example
 * const [leaves, def] = flattenArgs([{ w: array([1, 2]), b: 3 }], "example");
 * leaves.length; // 2
 */
export function flattenArgs(args: readonly PyTree[], where: string, numbers: NumberLeaves = "float"): [NDArray[], TreeDef] {
  const [leaves, def] = flatten([...args], where);
  const arrays = leaves.map((l, i) => {
    if (isArrayLeaf(l)) return leafToArray(l, where, numbers);
    // the paths are only worked out for the error message (flattening is on jit's hot path)
    return leafToArray(l, `${where}: argument ${argPath(flattenWithPaths([...args], where)[1][i]!)}`, numbers);
  });
  return [arrays, def];
}

const isArrayLeaf = (l: unknown): boolean => l instanceof NDArray || typeof l === "number" || typeof l === "boolean";

/** `[1].W` (a path into the argument list) as `1 at .W`; `[0]` as `0`. */
function argPath(path: string): string {
  const m = /^\[(\d+)\](.*)$/.exec(path);
  if (m === null) return path;
  return m[2] === "" ? m[1]! : `${m[1]} at ${m[2]}`;
}

/**
 * An array, number or boolean leaf as an NDArray; anything else an ArgumentError naming `where` and the type.
 *
 * @example
 * leafToArray(2, "example").dtype; // "float32"
 */
export function leafToArray(l: unknown, where: string, numbers: NumberLeaves = "float"): NDArray {
  if (typeof l === "number") return scalar(l, numbers === "eager" ? jsNumberDType(l, defaultFloat()) : defaultFloat(), true);
  if (isArrayLeaf(l)) return asArray(l, where);
  throw new ArgumentError(`${where} must be an NDArray, a number or a boolean, got ${describeLeaf(l)}`);
}

/** What a bad leaf is, in words a user recognizes (and what to do for the common mistakes). */
export function describeLeaf(l: unknown): string {
  if (l === null || l === undefined) return String(l);
  if (typeof l === "bigint") return `a bigint (${l}n); convert it with Number()`;
  if (typeof l === "string") return `a string ${JSON.stringify(l.length > 40 ? `${l.slice(0, 40)}…` : l)}`;
  if (typeof l === "symbol") return `a symbol ${l.toString()}`;
  if (typeof l === "function") return `a function${l.name ? ` (${l.name})` : ""}`;
  if (l instanceof Promise || (typeof l === "object" && typeof (l as { then?: unknown }).then === "function")) {
    return "a Promise: differentiate a synchronous function (transformations cannot await; await the value first)";
  }
  if (ArrayBuffer.isView(l)) return `a ${l.constructor.name}; wrap it with array()`;
  const name = (l as object).constructor?.name;
  return name ? `a ${name}` : "an object";
}

/** The arguments of `f`, where a JS number may stand for an NDArray (it becomes a weak scalar). */
export type ArgsOrNumbers<A extends unknown[]> = { [K in keyof A]: A[K] extends NDArray ? A[K] | number : A[K] };

/**
 * `f` traced to a jaxpr (JAX's `make_jaxpr`): returns a function of example arguments (arrays,
 * numbers or pytrees of them; only their shapes and dtypes matter) that gives the ClosedJaxpr,
 * which prints as JAX prints it.
 *
 * @example
 * const closed = makeJaxpr((x: NDArray) => np.sin(x).mul(2))(array([1, 2]));
 * String(closed); // "{ lambda ; a:f32[2]. let\n    b:f32[2] = sin a\n    c:f32[2] = mul b 2.0:f32[]\n  in (c,) }"
 */
export function makeJaxpr<A extends unknown[]>(f: (...args: A) => PyTree) {
  if (typeof f !== "function") throw new ArgumentError(`makeJaxpr: expected a function to trace, got ${describeValue(f)}`);
  return (...args: ArgsOrNumbers<A>): ClosedJaxpr => {
    const [flatArgs, inDef] = flattenArgs(args, "makeJaxpr", "eager");
    const inAvals: ShapedArray[] = flatArgs.map((a) => a.aval);
    const { jaxpr, consts } = traceToJaxpr(
      (tracers) => {
        const rebuilt = unflattenArgs(inDef, tracers) as A;
        const [outs, paths] = flattenWithPaths(f(...rebuilt), "makeJaxpr");
        return outs.map((o, i) => leafToArray(o, `makeJaxpr: output ${paths[i]}`, "eager"));
      },
      inAvals,
      "makeJaxpr",
    );
    return new ClosedJaxpr(jaxpr, consts);
  };
}

function unflattenArgs(def: TreeDef, leaves: readonly NDArray[]): unknown[] {
  return unflatten(def, leaves) as unknown[];
}

/** Run a closed jaxpr on flat arguments; returns the flat outputs. A JS number takes the
 * dtype of the input it is given for (it is weakly typed).
 *
 * @example
 * const closed = makeJaxpr((x: NDArray) => x.mul(2))(array([1, 2]));
 * evalJaxpr(closed, array([3, 4]))[0]; // [6, 8]
 */
export function evalJaxpr(closed: ClosedJaxpr, ...args: (NDArray | number)[]): NDArray[] {
  if (!(closed instanceof ClosedJaxpr)) throw new ArgumentError(`evalJaxpr: expected a ClosedJaxpr from makeJaxpr(f)(...args), got ${describeValue(closed)}`);
  const inVars = closed.jaxpr.inVars;
  return evalClosedJaxpr(
    closed,
    args.map((a, i) =>
      typeof a === "number" && i < inVars.length ? scalar(a, inVars[i]!.aval.dtype, true) : asArray(a, `evalJaxpr (argument ${i})`),
    ),
  );
}
