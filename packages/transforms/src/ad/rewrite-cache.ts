// Caches of rewritten jaxprs (JVP, partial evaluation, transpose of a pjit's inner jaxpr, and
// batching of a pjit's or checkpoint's: batching/batch-jaxpr.ts): a rewrite depends only on the
// inner jaxpr and a pattern (which operands carry tangents, are unknown, are linear, are
// batched, and the batch size) and the default float dtype, so it is made once per (jaxpr,
// pattern, defaultFloat). A rewrite that
// captured a traced value of an enclosing transformation is used once and not cached.
import { ConcreteArray, defaultFloat, type Jaxpr, type NDArray } from "@jaxts/core";

export const flags = (bs: readonly boolean[]): string => bs.map((b) => (b ? "1" : "0")).join("");
const allConcrete = (xs: readonly NDArray[]): boolean => xs.every((x) => x instanceof ConcreteArray);

/** One cache per rewrite: inner jaxpr → pattern → rewritten jaxpr (dies with the jaxpr). */
export function rewriteCache<T>(consts: (t: T) => readonly NDArray[]): (jaxpr: Jaxpr, key: string, make: () => T) => T {
  const table = new WeakMap<Jaxpr, Map<string, T>>();
  return (jaxpr, pattern, make) => {
    // (a rewrite traces rules, which make numbers and new arrays in the default float dtype:
    // one made under another defaultFloat is another rewrite, as with jit's cache)
    const key = `${defaultFloat()}:${pattern}`;
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
