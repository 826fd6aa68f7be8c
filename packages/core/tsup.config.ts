import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    "index": "src/index.ts",
    "numpy": "src/numpy.ts",
    "lax": "src/lax.ts",
    "nn": "src/nn.ts",
    "random": "src/random.ts",
    "tree": "src/tree.ts"
  },
  format: ["esm", "cjs"],
  dts: true,
  clean: true,
  // One copy of module state (current trace, registries) across subpath entries, in CJS too.
  splitting: true,
  sourcemap: true,
  target: "node20",
  // fp-ts has no exports map, so its deep imports break plain Node ESM: bundle it.
  noExternal: [/^fp-ts(\/|$)/],
});
