#!/usr/bin/env node
// After `pnpm build`: how many bytes of each package's built ESM output come from fp-ts (which
// is bundled, having no exports map Node's ESM resolver understands) against the whole, from
// the esbuild metafiles tsup writes (dist/metafile-esm.json). Usage: node scripts/bundle-report.mjs
import { existsSync, readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
let missing = false;
for (const pkg of ["core", "transforms", "optim"]) {
  const path = `${root}packages/${pkg}/dist/metafile-esm.json`;
  if (!existsSync(path)) {
    console.error(`bundle-report: ${path} is missing: run pnpm build first`);
    missing = true;
    continue;
  }
  const meta = JSON.parse(readFileSync(path, "utf8"));
  let total = 0;
  let fpts = 0;
  const modules = new Set();
  for (const [file, out] of Object.entries(meta.outputs)) {
    if (file.endsWith(".map")) continue;
    total += out.bytes;
    for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (/node_modules\/(\.pnpm\/fp-ts@[^/]+\/node_modules\/)?fp-ts\//.test(input)) {
        fpts += bytesInOutput;
        modules.add(input.replace(/.*\/fp-ts\//, ""));
      }
    }
  }
  console.log(`@jaxts/${pkg}: ${kib(total)} of ESM output, of which fp-ts ${kib(fpts)} (${((100 * fpts) / total).toFixed(1)}%, ${modules.size} modules)`);
}
if (missing) process.exit(1);
