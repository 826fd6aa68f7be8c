#!/usr/bin/env node
// Every dependency a package declares is imported somewhere in its src/ (a dead dependency is
// bundled or installed for nothing), and every package a package's src/ imports is declared.
// Run by `pnpm lint`. Usage: node scripts/check-deps.mjs
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { builtinModules } from "node:module";

const root = new URL("..", import.meta.url).pathname;
const IMPORT = /(?:from\s+|import\s*\(\s*|import\s+|require\s*\(\s*)["']([^"'./][^"']*)["']/g;

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mts|cts|js|mjs)$/.test(name) ? [path] : [];
  });
}

/** "fp-ts/Either" → "fp-ts"; "@jaxts/core/fp" → "@jaxts/core". */
const packageOf = (spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);

let problems = 0;
for (const pkg of readdirSync(join(root, "packages"))) {
  const dir = join(root, "packages", pkg);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const imported = new Set();
  for (const file of sources(join(dir, "src"))) {
    for (const m of readFileSync(file, "utf8").matchAll(IMPORT)) {
      const name = packageOf(m[1]);
      const valid = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/.test(name);
      if (valid && !name.startsWith("node:") && !builtinModules.includes(name)) imported.add(name);
    }
  }
  for (const d of declared) {
    if (!imported.has(d)) {
      console.error(`check-deps: ${manifest.name} declares "${d}" but nothing in packages/${pkg}/src imports it`);
      problems++;
    }
  }
  for (const i of imported) {
    if (!declared.has(i) && i !== manifest.name) {
      console.error(`check-deps: packages/${pkg}/src imports "${i}", which ${manifest.name} does not declare in dependencies`);
      problems++;
    }
  }
}
if (problems > 0) process.exit(1);
console.log("check-deps: ok (every declared dependency is imported, every import declared)");
