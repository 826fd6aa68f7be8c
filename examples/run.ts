// `pnpm example <name> [--small]`: runs examples/<name>.ts's main (every example exports one).
import { readdirSync } from "node:fs";
import { smallFromEnvironment } from "./lib/main.js";

const names = readdirSync(new URL(".", import.meta.url))
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && f !== "demo.ts")
  .map((f) => f.slice(0, -3))
  .sort();
const name = process.argv[2];
if (name === undefined || !names.includes(name)) {
  console.error(`usage: pnpm example <name> [--small]\n  names: ${names.join(", ")}`);
  process.exit(name === undefined ? 0 : 1);
}
const mod = (await import(`./${name}.ts`)) as { main: (opts: { small: boolean }) => unknown };
await mod.main({ small: smallFromEnvironment() });
