// Global configuration: the default float dtype, NaN debugging, the backend, the threads.
import { activeBackend, selectBackend } from "./backend/registry.js";
import { setThreadCount, threadCount } from "./backend/wasm-backend/threads/pool.js";
import { MAX_THREADS } from "./backend/wasm-backend/threads/protocol.js";
import { checkDType, type DType } from "./dtype.js";
import { ArgumentError } from "./errors.js";
import { checkOptions, type OptionSpec } from "./options.js";

/** "js" (the reference, always present), "wasm" once a wasm backend is registered, or the
 * name of another registered backend (tests, extensions); config.set checks the name. */
export type BackendName = "js" | "wasm" | (string & {});

export interface Config {
  readonly defaultFloat: DType;
  readonly debugNans: boolean;
  readonly backend: BackendName;
  /** Threads the wasm backend's kernels may use, counting the calling one (an integer ≥ 1;
   * 1: no worker threads). Default: the available cores. Where shared memory is unavailable
   * (a browser page without cross-origin isolation) kernels run on one thread whatever it is. */
  readonly threads: number;
  /** Type-check every jaxpr the compiler is given and each optimised one it makes, and throw
   * where a program fails to lower instead of running it equation by equation (JAX's
   * `jax_enable_checks`): slower compiles, for debugging transformations and the test suites. */
  readonly enableChecks: boolean;
}

const configSpec: OptionSpec<Config> = {
  defaultFloat: "dtype",
  debugNans: "boolean",
  // Which names are valid depends on what is registered: selectBackend checks.
  backend: "string",
  threads: "integer",
  enableChecks: "boolean",
};

// Always a frozen object, so `get` can hand out the current settings without copying; the
// copy it hands out is read-only, and a write to it is an ArgumentError pointing at `set`
// (not a silent change of the library's state, nor a bare TypeError).
let current: Config = Object.freeze({ defaultFloat: "float32", debugNans: false, backend: "js", threads: threadCount(), enableChecks: false });
let snapshot: Config = readOnly(current);

function readOnly(c: Config): Config {
  const refuse = (key: string | symbol): never => {
    throw new ArgumentError(
      `config.get() returns a read-only snapshot; change ${String(key)} with config.set({ ${String(key)}: … })`,
    );
  };
  return new Proxy(c, {
    set: (_t, key) => refuse(key),
    defineProperty: (_t, key) => refuse(key),
    deleteProperty: (_t, key) => refuse(key),
    setPrototypeOf: () => refuse("the prototype"),
  });
}

/**
 * Global settings: `defaultFloat` (the dtype of JS numbers and of `array([1.5])`: "float32", or
 * "float64"), `debugNans` (throw a FloatingPointError at the first primitive that makes a NaN),
 * `backend` ("js" or "wasm"), `threads` (the wasm backend's worker threads) and `enableChecks`
 * (type-check every jaxpr the compiler sees: debugging).
 *
 * @example
 * config.set({ defaultFloat: "float64" });
 * array([1.5]).dtype; // "float64"
 * config.set({ defaultFloat: "float32" });
 * config.get().defaultFloat; // "float32"
 */
export const config = {
  /**
   * The current settings, frozen: change them with `config.set`.
   *
   * @example
   * config.get().defaultFloat; // "float32"
   */
  get(): Config {
    // The backend shown is the one that runs: the default can change when a backend registers.
    if (snapshot.backend !== activeBackend().name) setCurrent({ ...current, backend: activeBackend().name });
    return snapshot;
  },
  /**
   * Changes the settings named in `update` (the others stay); unknown names and invalid values
   * are an ArgumentError, and nothing changes.
   *
   * @example
   * config.set({ debugNans: true });
   * config.get().debugNans; // true
   * config.set({ debugNans: false });
   */
  set(update: Partial<Config>): void {
    const checked = checkOptions(update, "config.set", configSpec);
    // An option given as undefined means "not given": keep the current value.
    const given = Object.fromEntries(Object.entries(checked).filter(([, v]) => v !== undefined));
    const next: Config = { ...current, ...given };
    const d = checkDType(next.defaultFloat, "config.set(defaultFloat)");
    if (d !== "float32" && d !== "float64") {
      throw new ArgumentError(`config.set: defaultFloat must be "float32" or "float64", got "${d}"`);
    }
    if (!Number.isInteger(next.threads) || next.threads < 1 || next.threads > MAX_THREADS) {
      throw new ArgumentError(`config.set: threads must be an integer from 1 to ${MAX_THREADS} (1: no worker threads), got ${String(next.threads)}`);
    }
    if (given.backend !== undefined) selectBackend(next.backend, "config.set(backend)");
    if (next.threads !== threadCount()) setThreadCount(next.threads);
    setCurrent(next);
  },
};

function setCurrent(next: Config): void {
  current = Object.freeze(next);
  snapshot = readOnly(current);
}

/** The default float dtype (`config.get().defaultFloat`), without a snapshot: read on every
 * JS-number conversion. */
export const defaultFloat = (): DType => current.defaultFloat;
export const debugNansEnabled = (): boolean => current.debugNans;
/** `config.get().enableChecks`, without a snapshot: read on every compile. */
export const checksEnabled = (): boolean => current.enableChecks;
