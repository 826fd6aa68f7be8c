// The one checker for options objects. Every public function that takes optional arguments
// declares the keys it reads and what each holds; a misspelt or unknown key, or a value of
// the wrong kind, is an ArgumentError that names the function and suggests the nearest key.
// The spec is typed over every key of the options type, so a new option that is read but
// not declared does not compile (and an unread one cannot be declared by accident).
import { ArgumentError } from "./errors.js";

/** What an option may hold (`undefined` always means "not given"). */
export type OptionKind =
  | "boolean"
  | "number"
  | "integer"
  | "string"
  | "function"
  /** a number, or a function of the step (a schedule) */
  | "numberOrFunction"
  /** an integer, a list of integers, or null (an `axis` option) */
  | "axes"
  /** an integer or null */
  | "integerOrNull"
  /** an integer or a list of integers */
  | "integers"
  /** a list of integers (a shape, strides) */
  | "integerList"
  /** a dtype name; the function validates which ones it accepts */
  | "dtype"
  /** anything: the function validates the value itself (pytree prefixes, arrays, ...) */
  | "any"
  /** one of these strings */
  | readonly string[];

export type OptionSpec<T> = { readonly [K in keyof Required<T>]: OptionKind };

const isInt = (v: unknown): boolean => typeof v === "number" && Number.isInteger(v);
const isIntList = (v: unknown): boolean => Array.isArray(v) && v.every(isInt);

function fits(kind: OptionKind, v: unknown): boolean {
  if (typeof kind !== "string") return typeof v === "string" && kind.includes(v);
  switch (kind) {
    case "boolean":
    case "number":
    case "string":
    case "function":
      return typeof v === kind;
    case "integer":
      return isInt(v);
    case "numberOrFunction":
      return typeof v === "number" || typeof v === "function";
    case "axes":
      return v === null || isInt(v) || isIntList(v);
    case "integerOrNull":
      return v === null || isInt(v);
    case "integers":
      return isInt(v) || isIntList(v);
    case "integerList":
      return isIntList(v);
    case "dtype":
      return typeof v === "string";
    case "any":
      return true;
  }
}

function describeKind(kind: OptionKind): string {
  if (typeof kind !== "string") return `one of ${kind.map((k) => JSON.stringify(k)).join(", ")}`;
  switch (kind) {
    case "boolean":
    case "number":
    case "string":
    case "function":
      return `a ${kind}`;
    case "integer":
      return "an integer";
    case "numberOrFunction":
      return "a number or a schedule (a function of the step)";
    case "axes":
      return "an integer, a list of integers or null";
    case "integerOrNull":
      return "an integer or null";
    case "integers":
      return "an integer or a list of integers";
    case "integerList":
      return "a list of integers";
    case "dtype":
      return "a dtype name";
    case "any":
      return "anything";
  }
}

function describeGiven(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array [${v.map((x) => (typeof x === "number" ? String(x) : typeof x)).join(", ")}]`;
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return `${typeof v} ${String(v)}`;
  if (typeof v === "object") return `an object (${v.constructor?.name ?? "Object"})`;
  return typeof v;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

const isSubsequence = (short: string, long: string): boolean => {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
};

/** The known key closest to `given` (case-insensitive edit distance, or an abbreviation of
 * it such as `b1` for `beta1`), or undefined when nothing is close. */
export function nearestKey(given: string, known: readonly string[]): string | undefined {
  const g = given.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const kl = k.toLowerCase();
    const d = editDistance(g, kl);
    const close = d <= Math.max(2, Math.floor(Math.max(g.length, kl.length) / 3));
    const abbreviation = kl.length >= 2 && g.length >= 2 && (isSubsequence(kl, g) || isSubsequence(g, kl)) && kl[0] === g[0];
    if ((close || abbreviation) && d < bestScore) {
      best = k;
      bestScore = d;
    }
  }
  return best;
}

/** Why `opts` cannot be an options object at all (it must be a plain object or undefined), or undefined when it can. */
export function optionsObjectProblem(opts: unknown, where: string, known: readonly string[]): ArgumentError | undefined {
  if (opts === undefined) return undefined;
  // a plain object only: an array (an NDArray, a Map) in that position would otherwise pass
  // with no own keys, and its getters (an NDArray's `dtype`) be read as options
  if (opts !== null && typeof opts === "object" && !Array.isArray(opts)) {
    const proto: unknown = Object.getPrototypeOf(opts);
    if (proto === Object.prototype || proto === null) return undefined;
  }
  const example = known.length > 0 ? `{ ${known[0]}: … }` : "{}";
  return new ArgumentError(`${where}: optional arguments go in an options object such as ${example}, got ${describeGiven(opts)}`);
}

/** What is wrong with one own key of an options object (unknown, or a value of the wrong kind), or undefined. */
export function optionKeyProblem(opts: object, key: string | symbol, where: string, spec: Readonly<Record<string, OptionKind>>): ArgumentError | undefined {
  const known = Object.keys(spec);
  if (typeof key === "symbol" || !Object.hasOwn(spec, key)) {
    const name = typeof key === "symbol" ? key.toString() : JSON.stringify(key);
    const near = typeof key === "string" ? nearestKey(key, known) : undefined;
    const hint = near === undefined ? "" : ` (did you mean \`${near}\`?)`;
    const list = known.length > 0 ? `; known options: ${known.join(", ")}` : "; it takes no options";
    return new ArgumentError(`${where}: unknown option ${name}${hint}${list}`);
  }
  const value: unknown = (opts as Record<string, unknown>)[key];
  const kind = spec[key]!;
  if (value !== undefined && !fits(kind, value)) return new ArgumentError(`${where}: option \`${key}\` must be ${describeKind(kind)}, got ${describeGiven(value)}`);
  return undefined;
}

/**
 * Check an options object against the keys a function reads: it must be a plain object (or
 * undefined), every own key must be known, and every given value of the declared kind.
 * Returns the options (an empty object when none were given). The first problem is thrown;
 * `validateOptions` in `@jaxts/core/fp` reports all of them.
 */
export function checkOptions<T extends object>(opts: T | undefined, where: string, spec: NoInfer<OptionSpec<T>>): T {
  if (opts === undefined) return {} as T;
  const bad = optionsObjectProblem(opts, where, Object.keys(spec));
  if (bad !== undefined) throw bad;
  for (const key of Reflect.ownKeys(opts)) {
    const problem = optionKeyProblem(opts, key, where, spec as Readonly<Record<string, OptionKind>>);
    if (problem !== undefined) throw problem;
  }
  return opts;
}
