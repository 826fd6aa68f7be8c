// Bundles the browser example with esbuild into examples/browser/dist (the page, its script
// and the digits data), and refuses any Node built-in in the bundle.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const pageDir = fileURLToPath(new URL("./dist/", import.meta.url));

export interface PageBuild {
  readonly dir: string;
  /** Size of bundle.js in bytes (minified). */
  readonly bytes: number;
}

export async function buildPage(dir: string = pageDir): Promise<PageBuild> {
  mkdirSync(dir, { recursive: true });
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./main.ts", import.meta.url))],
    outfile: `${dir}/bundle.js`,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    // Resolve the workspace packages to their TypeScript sources, as the tests do: no build first.
    conditions: ["@jaxts/source"],
    metafile: true,
    logLevel: "silent",
  });
  // platform "browser" already fails on an import of a Node built-in; this also catches one
  // marked external somewhere or pulled in by a dependency under another name.
  const nodeInputs = Object.keys(result.metafile.inputs).filter((f) => f.startsWith("node:") || /(^|\/)node_modules\/@types\/node\//.test(f));
  if (nodeInputs.length > 0) throw new Error(`the browser bundle reaches Node built-ins: ${nodeInputs.join(", ")}`);
  if (result.warnings.length > 0) throw new Error(`esbuild warned: ${result.warnings.map((w) => w.text).join("; ")}`);
  copyFileSync(new URL("./index.html", import.meta.url), `${dir}/index.html`);
  copyFileSync(new URL("../../data/digits.csv.gz", import.meta.url), `${dir}/digits.csv.gz`);
  return { dir, bytes: statSync(`${dir}/bundle.js`).size };
}
