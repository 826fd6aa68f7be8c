// Caches of rewritten jaxprs (JVP, partial evaluation, transpose of a pjit's inner jaxpr):
// a rewrite depends only on the inner jaxpr and a pattern (which operands carry tangents,
// are unknown, are linear), so it is made once per (jaxpr, pattern). A rewrite that
// captured a traced value of an enclosing transformation is used once and not cached.
import { ConcreteArray, type Jaxpr, type NDArray } from "@jaxts/core";

export const flags = (bs: readonly boolean[]): string => bs.map((b) => (b ? "1" : "0")).join("");
const allConcrete = (xs: readonly NDArray[]): boolean => xs.every((x) => x instanceof ConcreteArray);

/** One cache per rewrite: inner jaxpr → pattern → rewritten jaxpr (dies with the jaxpr). */
export function rewriteCache<T>(consts: (t: T) => readonly NDArray[]): (jaxpr: Jaxpr, key: string, make: () => T) => T {
  const table = new WeakMap<Jaxpr, Map<string, T>>();
  return (jaxpr, key, make) => {
    const hit = table.get(jaxpr)?.get(key);
    if (hit !== undefined) return hit;
    const made = make();
    if (allConcrete(consts(made))) {
      let byKey = table.get(jaxpr);
      if (byKey === undefined) {
        byKey = new Map();
        table.set(jaxpr, byKey);
      }
      byKey.set(key, made);
    }
    return made;
  };
}
