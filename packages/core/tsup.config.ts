import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    "index": "src/index.ts",
    "numpy": "src/numpy.ts",
    "lax": "src/lax.ts",
    "nn": "src/nn.ts",
    "random": "src/random.ts",
    "tree": "src/tree.ts",
    "fp": "src/fp.ts"
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  // One copy of module state (current trace, registries) across subpath entries, in CJS too.
  splitting: true,
  sourcemap: true,
  // dist/metafile-{esm,cjs}.json: what each output holds (scripts/bundle-report.mjs reports fp-ts's share).
  metafile: true,
  target: "node20",
  // fp-ts has no exports map, so its deep imports break plain Node ESM: bundle it.
  noExternal: [/^fp-ts(\/|$)/],
});
