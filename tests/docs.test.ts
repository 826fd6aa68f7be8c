// The guides in docs/ are true: every ```ts block runs as a program and prints exactly the
// ```text block shown under it; the README's first program runs and trains.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { format } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { config } from "@jaxts/core";

const docsDir = new URL("../docs/", import.meta.url);
// Inside the repository (not the system's tmp), so the snippets resolve the workspace packages.
const snippetDir = new URL("../out/docs-snippets/", import.meta.url);

interface Snippet {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly expected: string | undefined;
}

function snippets(file: string): Snippet[] {
  const text = readFileSync(new URL(file, docsDir), "utf8");
  const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)];
  return blocks.flatMap((b, i) => {
    if (b[1] !== "ts") return [];
    const next = blocks[i + 1];
    const between = next ? text.slice(b.index! + b[0].length, next.index) : "";
    const expected = next?.[1] === "text" && between.trim() === "" ? next[2] : undefined;
    return [{ file, line: text.slice(0, b.index).split("\n").length, code: b[2]!, expected }];
  });
}

/** Runs a program from a guide as a module and returns the lines it printed. */
async function runSnippet(name: string, code: string): Promise<string[]> {
  mkdirSync(snippetDir, { recursive: true });
  const path = join(snippetDir.pathname, `${name}.ts`);
  writeFileSync(path, code);
  const printed: string[] = [];
  vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(format(...args));
  });
  await import(path);
  return printed;
}

const guides = readdirSync(docsDir).filter((f) => f.endsWith(".md")).sort();

afterEach(() => {
  vi.restoreAllMocks();
  config.set({ defaultFloat: "float32" });
});

describe.each(guides)("docs/%s", (file) => {
  const cases = snippets(file);
  it.each(cases.map((s) => [`the block at line ${s.line} prints what the guide shows under it`, s] as const))("%s", async (_, s) => {
    // Every program in a guide shows its output, so every one is checked.
    expect(s.expected, `docs/${file}:${s.line} needs a \`\`\`text block with its output`).toBeDefined();
    const printed = await runSnippet(`${file.replace(/\.md$/, "")}-${s.line}`, s.code);
    expect(printed.join("\n")).toBe(s.expected!.replace(/\n$/, ""));
  });
});

describe("README", () => {
  it("the first program runs and trains w → 2, b → 1", async () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## A first program"));
    const code = /```ts\n([\s\S]*?)^```$/m.exec(section)![1]!;
    expect(await runSnippet("readme-first-program", code)).toEqual(["12", "2.00 1.00"]);
  });
});

describe("the API reference (pnpm docs)", () => {
  it("documents every entry point that each package exports", () => {
    for (const pkg of ["core", "transforms", "optim"]) {
      const read = (f: string) => JSON.parse(readFileSync(new URL(`../packages/${pkg}/${f}`, import.meta.url), "utf8"));
      const exported = Object.values(read("package.json").exports as Record<string, { "@jaxts/source": string }>).map((e) => e["@jaxts/source"].replace(/^\.\//, ""));
      expect(read("typedoc.json").entryPoints, `packages/${pkg}/typedoc.json`).toEqual(exported);
    }
  });
});
