// What every example shares: how it knows it was run directly (and not imported by a test),
// and how it is told to run small (`--small` or JAXTS_EXAMPLE_SIZE=small, as CI does).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ExampleOptions {
  /** Fewer steps and smaller data: what CI runs. */
  readonly small?: boolean;
  /** Where the example prints its lines (console.log by default). */
  readonly print?: (line: string) => void;
}

export const smallFromEnvironment = (): boolean => process.argv.includes("--small") || process.env.JAXTS_EXAMPLE_SIZE === "small";

/** True when the module at `moduleUrl` is the script Node was started with. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

/** Runs `main` when the module is the entry point, with the size from the command line. */
export function runIfMain(moduleUrl: string, main: (opts: ExampleOptions) => unknown): void {
  if (isMain(moduleUrl)) main({ small: smallFromEnvironment() });
}
