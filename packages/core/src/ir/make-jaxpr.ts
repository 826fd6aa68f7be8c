// makeJaxpr(f)(...args): trace a function of pytrees to a ClosedJaxpr, and evalJaxpr to run one.
import { NDArray } from "../array.js";
import type { ShapedArray } from "../aval.js";
import { asArray } from "../creation.js";
import { ArgumentError } from "../errors.js";
import { traceToJaxpr } from "../trace/jaxpr-trace.js";
import { flatten, type PyTree, type TreeDef, unflatten } from "../tree/index.js";
import { describeValue } from "../shape.js";
import { evalClosedJaxpr } from "./eval.js";
import { ClosedJaxpr } from "./jaxpr.js";

/** Flatten pytree arguments into arrays (JS numbers become weak scalars). */
export function flattenArgs(args: readonly PyTree[], where: string): [NDArray[], TreeDef] {
  const [leaves, def] = flatten([...args]);
  return [leaves.map((l, i) => leafToArray(l, `${where} (argument leaf ${i})`)), def];
}

export function leafToArray(l: unknown, where: string): NDArray {
  if (l instanceof NDArray || typeof l === "number" || typeof l === "boolean") return asArray(l, where);
  throw new ArgumentError(`${where}: pytree leaves must be NDArrays or numbers, got ${l === null ? "null" : typeof l}`);
}

/** The arguments of `f`, where a JS number may stand for an NDArray (it becomes a weak scalar). */
export type ArgsOrNumbers<A extends unknown[]> = { [K in keyof A]: A[K] extends NDArray ? A[K] | number : A[K] };

export function makeJaxpr<A extends unknown[]>(f: (...args: A) => PyTree) {
  if (typeof f !== "function") throw new ArgumentError(`makeJaxpr: expected a function to trace, got ${describeValue(f)}`);
  return (...args: ArgsOrNumbers<A>): ClosedJaxpr => {
    const [flatArgs, inDef] = flattenArgs(args, "makeJaxpr");
    const inAvals: ShapedArray[] = flatArgs.map((a) => a.aval);
    const { jaxpr, consts } = traceToJaxpr(
      (tracers) => {
        const rebuilt = unflattenArgs(inDef, tracers) as A;
        const [outs] = flatten(f(...rebuilt));
        return outs.map((o, i) => leafToArray(o, `makeJaxpr (output leaf ${i})`));
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

/** Run a closed jaxpr on flat arguments; returns the flat outputs. */
export function evalJaxpr(closed: ClosedJaxpr, ...args: (NDArray | number)[]): NDArray[] {
  if (!(closed instanceof ClosedJaxpr)) throw new ArgumentError(`evalJaxpr: expected a ClosedJaxpr from makeJaxpr(f)(...args), got ${describeValue(closed)}`);
  return evalClosedJaxpr(
    closed,
    args.map((a, i) => asArray(a, `evalJaxpr (argument ${i})`)),
  );
}
