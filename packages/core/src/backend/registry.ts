// Which backends exist and which one eager evaluation runs on. Backends register themselves
// by name; the choice comes from `config.set({ backend })`, else from the JAXTS_BACKEND
// environment variable (read once, at load, in Node), else the default: `wasm` once a
// complete wasm backend is registered, `js` until then. A named backend that is not
// registered is an ArgumentError, never a quiet run on `js`. A backend registers itself
// from a module that index.ts imports; the choice resolves at first use, so the order of
// those imports does not matter.
import { ArgumentError } from "../errors.js";
import { nearestKey } from "../options.js";
import type { Backend } from "./backend.js";
import { jsBackend } from "./js/index.js";

const backends = new Map<string, Backend>([[jsBackend.name, jsBackend]]);

const ENV_VAR = "JAXTS_BACKEND";

/** The environment's JAXTS_BACKEND, where there is a `process` (Node); browsers have none. */
function readEnvironment(): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[ENV_VAR]?.trim();
    return value === "" ? undefined : value;
  } catch {
    // A sandbox that forbids reading the environment (Deno without --allow-env) throws.
    return undefined;
  }
}

/** The backend named by config.set or the environment; undefined means "the default". */
let chosen: string | undefined = readEnvironment();
/** Where the choice came from, for error messages. */
let chosenBy: string = chosen === undefined ? "" : `${ENV_VAR}=${JSON.stringify(chosen)}`;
/** The resolved backend; null until first use, so that backends registered while the library
 * loads (after this module) can be chosen by the environment. */
let active: Backend | null = null;

/** The default among `registered`: wasm once a complete wasm backend is there, else js. */
export function defaultBackendOf(registered: ReadonlyMap<string, Backend>): Backend {
  const wasm = registered.get("wasm");
  return wasm?.complete === true ? wasm : jsBackend;
}

function notRegistered(name: string, where: string): ArgumentError {
  const names = [...backends.keys()];
  const near = nearestKey(name, names);
  const hint = near === undefined ? "" : ` (did you mean "${near}"?)`;
  return new ArgumentError(
    `${where}: no backend named ${JSON.stringify(name)} is registered${hint}; registered backends: ${names.map((n) => JSON.stringify(n)).join(", ")}`,
  );
}

function resolve(): Backend {
  if (chosen === undefined) {
    active = defaultBackendOf(backends);
    return active;
  }
  const b = backends.get(chosen);
  if (b === undefined) throw notRegistered(chosen, chosenBy);
  active = b;
  return b;
}

/** The backend eager evaluation runs on. */
export function activeBackend(): Backend {
  return active ?? resolve();
}

/** Makes `backend` selectable by its name. A name is registered once. */
export function registerBackend(backend: Backend): void {
  const existing = backends.get(backend.name);
  if (existing !== undefined && existing !== backend) {
    throw new ArgumentError(`registerBackend: a backend named ${JSON.stringify(backend.name)} is already registered`);
  }
  backends.set(backend.name, backend);
  // The default, or an environment choice waiting for this backend, may now resolve to it.
  active = null;
}

/** Removes a registered backend (tests, hot reload). If it was the chosen one, the choice
 * returns to the default. `js` stays: it is every backend's fallback. */
export function unregisterBackend(name: string): void {
  if (name === jsBackend.name) throw new ArgumentError(`unregisterBackend: the "js" backend is the fallback of every other and cannot be removed`);
  if (!backends.delete(name)) throw notRegistered(name, "unregisterBackend");
  if (chosen === name) chosen = undefined;
  active = null;
}

/** Chooses the backend named `name` (config.set); an unregistered name is an ArgumentError
 * and changes nothing. */
export function selectBackend(name: string, where: string): void {
  const b = backends.get(name);
  if (b === undefined) throw notRegistered(name, where);
  chosen = name;
  chosenBy = where;
  active = b;
}

/** Names of the registered backends. */
export function registeredBackends(): string[] {
  return [...backends.keys()];
}
