#!/usr/bin/env node
// Fails (exit 1) if the `any` type appears anywhere in packages/*/src/**/*.ts.
//
// Uses the TypeScript parser rather than a regex, so it finds `any` exactly where
// it is a type (`: any`, `as any`, `<any>`, `any[]`, `Array<any>`, `Record<string, any>`,
// `(...args: any) => any`, `satisfies any`, ...) and never inside comments, strings,
// template literals, or in value positions such as `np.any(x)` or `export function any()`.
//
// Usage: node scripts/no-any.mjs [root]   (root defaults to the repository root)

import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const ts = require("typescript");

const repoRoot = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
const packagesDir = join(repoRoot, "packages");

const SOURCE_EXT = /\.(ts|tsx|mts|cts)$/;
const SKIP_DIRS = new Set(["node_modules", "dist"]);

/** Recursively lists TypeScript files under `dir`. */
function listTs(dir) {
  const out = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) out.push(...listTs(p));
    } else if (e.isFile() && SOURCE_EXT.test(e.name)) {
      out.push(p);
    }
  }
  return out;
}

function scriptKind(file) {
  if (file.endsWith(".tsx")) return ts.ScriptKind.TSX;
  return ts.ScriptKind.TS;
}

/** Returns [{ line, col, text }] for every `any` type node in `file`. */
function findAny(file) {
  const text = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const hits = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      const lineText = text.split(/\r?\n/)[line] ?? "";
      hits.push({ line: line + 1, col: character + 1, text: lineText.trim() });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // A file that does not parse cleanly might hide `any`s; say so rather than pass silently.
  const parseErrors = sf.parseDiagnostics ?? [];
  return { hits, parseErrors: parseErrors.length };
}

let packages = [];
try {
  packages = readdirSync(packagesDir).filter((d) => {
    try {
      return statSync(join(packagesDir, d, "src")).isDirectory();
    } catch {
      return false;
    }
  });
} catch {
  console.error(`no-any: no packages directory at ${packagesDir}`);
  process.exit(1);
}

const files = packages.flatMap((p) => listTs(join(packagesDir, p, "src"))).sort();
let total = 0;
const unparsable = [];
for (const f of files) {
  const { hits, parseErrors } = findAny(f);
  const rel = relative(repoRoot, f);
  if (parseErrors > 0) unparsable.push(rel);
  for (const h of hits) {
    console.error(`${rel}:${h.line}:${h.col}: explicit 'any' type: ${h.text}`);
    total++;
  }
}

for (const f of unparsable) console.error(`no-any: warning: ${f} has syntax errors; result may be incomplete`);

if (total > 0) {
  console.error(`no-any: ${total} 'any' type(s) found in ${files.length} source files (use 'unknown' or a real type)`);
  process.exit(1);
}
console.log(`no-any: ok (${files.length} source files, no 'any' types)`);
