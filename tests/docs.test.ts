// The guides in docs/ are true: every ```ts block runs as a program, and when a ```text block
// follows it, the lines it prints are exactly that text.
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

const guides = readdirSync(docsDir).filter((f) => f.endsWith(".md")).sort();

afterEach(() => {
  vi.restoreAllMocks();
  config.set({ defaultFloat: "float32" });
});

describe.each(guides)("docs/%s", (file) => {
  const cases = snippets(file);
  it.each(cases.map((s) => [`the block at line ${s.line} runs${s.expected === undefined ? "" : " and prints what the guide shows"}`, s] as const))("%s", async (_, s) => {
    mkdirSync(snippetDir, { recursive: true });
    const path = join(snippetDir.pathname, `${file.replace(/\.md$/, "")}-${s.line}.ts`);
    writeFileSync(path, s.code);
    const printed: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
      printed.push(format(...args));
    });
    await import(path);
    if (s.expected !== undefined) expect(printed.join("\n")).toBe(s.expected.replace(/\n$/, ""));
  });
});
