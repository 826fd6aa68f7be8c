// Global configuration: the default float dtype, NaN debugging, the backend.
import { checkDType, type DType } from "./dtype.js";
import { ArgumentError } from "./errors.js";

export type BackendName = "js";

export interface Config {
  readonly defaultFloat: DType;
  readonly debugNans: boolean;
  readonly backend: BackendName;
}

let current: Config = { defaultFloat: "float32", debugNans: false, backend: "js" };

export const config = {
  get(): Config {
    return current;
  },
  set(update: Partial<Config>): void {
    const next = { ...current, ...update };
    const d = checkDType(next.defaultFloat, "config.set(defaultFloat)");
    if (d !== "float32" && d !== "float64") {
      throw new ArgumentError(`config.set: defaultFloat must be "float32" or "float64", got "${d}"`);
    }
    if (typeof next.debugNans !== "boolean") {
      throw new ArgumentError(`config.set: debugNans must be a boolean, got ${typeof next.debugNans}`);
    }
    if (next.backend !== "js") {
      throw new ArgumentError(`config.set: unknown backend ${JSON.stringify(next.backend)}; available: "js"`);
    }
    current = next;
  },
};

export const defaultFloat = (): DType => current.defaultFloat;
