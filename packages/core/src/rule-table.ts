// Lookup of a rule table by primitive name on the per-primitive paths (bind, JVP, transpose,
// abstract evaluation, kernels).

import { ArgumentError } from "./errors.js";

/** A table's rules by name, read through a Map (see `ruleLookup`). */
export interface RuleLookup<T extends object> {
  get<K extends keyof T & string>(name: K): T[K];
  has(name: string): name is keyof T & string;
  /** `get`, for a name that came from outside (a primitive passed to `bind`): a name the
   * table lacks is an ArgumentError naming `where` and the name, not a missing function. */
  require<K extends keyof T & string>(name: K, where: string): T[K];
}

/**
 * A Map over the own entries of the table `of` returns, for lookups by a name that changes
 * from call to call, built at the first lookup (a table may be defined by a module that
 * imports the one making the lookup: read at once, it could still be undefined). An
 * object indexed that way is a megamorphic property load, which V8 serves from one
 * process-wide cache keyed by (hidden class, name) that every other such site in the process
 * shares: its cost depends on what else the process has run. A Map hashes the name and costs
 * the same everywhere. The table itself stays the typed record (a missing rule is still a
 * compile error); the Map only reads it.
 */
export function ruleLookup<T extends object>(of: () => T): RuleLookup<T> {
  let map: Map<string, unknown> | undefined;
  const entries = (): Map<string, unknown> => (map ??= new Map<string, unknown>(Object.entries(of())));
  return {
    get: <K extends keyof T & string>(name: K): T[K] => entries().get(name) as T[K],
    has: (name: string): name is keyof T & string => entries().has(name),
    require: <K extends keyof T & string>(name: K, where: string): T[K] => {
      const rule = entries().get(name);
      if (rule === undefined) throw unknownName(name, where);
      return rule as T[K];
    },
  };
}

function unknownName(name: unknown, where: string): ArgumentError {
  return new ArgumentError(`${where}: unknown primitive ${JSON.stringify(String(name))}: expected the name of one of jaxts's primitives (such as "add" or "dot_general")`);
}
