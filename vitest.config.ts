import { defineConfig } from "vitest/config";

// Tests run on TypeScript source: the "@jaxts/source" export condition points each
// package at src/, so no build is needed first (see TOOLCHAIN.md).
const conditions = ["@jaxts/source", "module", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["@jaxts/source"] } },
  test: {
    setupFiles: ["tests/setup.ts"],
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["packages/*/test/**/*.test.ts"] },
      },
      {
        extends: true,
        test: { name: "integration", include: ["tests/**/*.test.ts"] },
      },
    ],
  },
});
