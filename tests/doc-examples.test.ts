// The doc examples run and show what they compute: every `@example` of the @jaxts/* sources runs
// as a module, and each statement `expr; // value` whose comment starts with a value (a number,
// `[`, `{`, `true`, `false`, `"…"`) must evaluate to it. Numbers match to the precision written
// (`0.8415` means within 5e-5); an NDArray is compared through `toArray()`. A comment in words
// (`// the identity`) is not checked.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { config, NDArray } from "@jaxts/core";
import { apiFunctions, corePrelude, type DocExample, docExamples } from "./api-surface.js";

const outDir = new URL("../out/doc-examples/", import.meta.url).pathname;

interface Check {
  readonly line: number;
  readonly expected: string;
  readonly actual: unknown;
}
const checks: Check[] = [];
(globalThis as { __docCheck?: (line: number, expected: string, value: unknown) => void }).__docCheck = (line, expected, value) => {
  checks.push({ line, expected, actual: plain(value) });
};

/** A value with its arrays (in lists and objects too) as nested JS arrays. */
function plain(v: unknown): unknown {
  if (v instanceof NDArray) return v.toArray();
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

const valueComment = /^\/\/\s*(≈\s*)?(-?\d|-?Infinity|NaN|\[|\{|true\b|false\b|"|')/;

/** The example with each `expr; // value` statement wrapped in a check. Only top-level
 * statements are rewritten; the module keeps its line numbers. */
function instrument(code: string): string {
  const sf = ts.createSourceFile("x.ts", code, ts.ScriptTarget.ES2022, true);
  const edits: { start: number; end: number; text: string }[] = [];
  for (const st of sf.statements) {
    if (!ts.isExpressionStatement(st)) continue;
    const comment = ts.getTrailingCommentRanges(code, st.end)?.[0];
    if (!comment || comment.kind !== ts.SyntaxKind.SingleLineCommentTrivia) continue;
    const text = code.slice(comment.pos, comment.end);
    if (!valueComment.test(text)) continue;
    const line = sf.getLineAndCharacterOfPosition(st.getStart()).line + 1;
    const expr = code.slice(st.expression.getStart(), st.expression.end);
    edits.push({ start: st.getStart(), end: st.end, text: `__docCheck(${line}, ${JSON.stringify(text.replace(/^\/\/\s*/, ""))}, (${expr}));` });
  }
  let out = code;
  for (const e of edits.reverse()) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return `declare function __docCheck(line: number, expected: string, value: unknown): void;\n${out}`;
}

/** The value a comment starts with (after an optional `≈`), or undefined when it starts with
 * words: a number, NaN, ±Infinity, true, false, a quoted string, a bracketed list, or an
 * object `{ key: value, … }`. */
function writtenValue(comment: string): string | undefined {
  const s = comment.replace(/^≈\s*/, "");
  if (s.startsWith("[") || s.startsWith("{")) {
    let depth = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === "[" || s[i] === "{") depth++;
      if ((s[i] === "]" || s[i] === "}") && --depth === 0) return s.slice(0, i + 1);
    }
    return undefined;
  }
  return /^(-?\d+(\.\d+)?(e[-+]?\d+)?|NaN|-?Infinity|true|false|"(?:[^"\\]|\\.)*"|'[^']*')(?=[\s,;)]|$)/.exec(s)?.[0];
}

function decimals(x: string): number {
  const m = /\.(\d+)/.exec(x);
  return m ? m[1]!.length : 0;
}

/** Whether one written token (a number, boolean or string) matches a value; numbers (and
 * numeric strings) to the precision written. */
function matchesScalar(written: string, actual: unknown): boolean {
  const w = written.startsWith('"') ? (JSON.parse(written) as string) : written.replace(/^'|'$/g, "");
  const a = typeof actual === "string" && actual.trim() !== "" && Number.isFinite(Number(actual)) ? Number(actual) : actual;
  if (typeof a === "number") {
    if (["NaN", "Infinity", "-Infinity"].includes(w)) return String(a) === w;
    const want = Number(w);
    return w !== "" && Number.isFinite(want) && Math.abs(want - a) <= 0.5 * 10 ** -decimals(w) * (1 + 1e-9) + 1e-300;
  }
  return w === String(a);
}

const token = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|NaN|-?Infinity|true|false|"(?:[^"\\]|\\.)*"|'[^']*'/g;

/** Whether `actual` matches the written value: the same nesting (lists by position, objects by
 * the keys written), each element as matchesScalar. */
function matches(written: string, actual: unknown): boolean {
  if (!/^[[{]/.test(written)) return !Array.isArray(actual) && matchesScalar(written, actual);
  const tokens = written.match(token) ?? [];
  let skeleton: unknown;
  try {
    // each value becomes its token's index; bare keys are quoted
    let i = 0;
    skeleton = JSON.parse(written.replace(token, () => `${i++}`).replace(/([{,]\s*)([A-Za-z_$][\w$]*)\s*:/g, '$1"$2":'));
  } catch {
    return false;
  }
  const walk = (w: unknown, a: unknown): boolean => {
    if (typeof w === "number") return !Array.isArray(a) && (a === null || typeof a !== "object") && matchesScalar(tokens[w]!, a);
    if (Array.isArray(w)) return Array.isArray(a) && a.length === w.length && w.every((x, k) => walk(x, a[k]));
    if (w === null || typeof w !== "object" || a === null || typeof a !== "object" || Array.isArray(a)) return false;
    const keys = Object.keys(w);
    return keys.length === Object.keys(a).length && keys.every((k) => k in a && walk((w as Record<string, unknown>)[k], (a as Record<string, unknown>)[k]));
  };
  return walk(skeleton, actual);
}

let examples: DocExample[];
let prelude: string;
beforeAll(() => {
  const { program } = apiFunctions();
  examples = docExamples(program);
  prelude = corePrelude(program);
  mkdirSync(outDir, { recursive: true });
}, 60_000);

afterEach(() => {
  config.set({ defaultFloat: "float32" });
});

describe("the doc examples", () => {
  it("run, and every `expr; // value` shows the value the expression has", async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const [i, ex] of examples.entries()) {
      // Internal modules' examples import their neighbours by relative path; they are type-checked only.
      if (/from "\.\.?\//.test(ex.code)) continue;
      const hasImports = /^\s*import\s/m.test(ex.code);
      const path = join(outDir, `example-${i}.ts`);
      writeFileSync(path, `${hasImports ? "" : prelude}${instrument(ex.code)}\nexport {};\n`);
      checks.length = 0;
      try {
        await import(path);
      } catch (e) {
        failures.push(`${ex.where}: throws ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      for (const c of checks) {
        checked++;
        const written = writtenValue(c.expected);
        if (written === undefined) continue;
        if (!matches(written, c.actual)) failures.push(`${ex.where} (example line ${c.line}): shows ${c.expected}, is ${JSON.stringify(c.actual)}`);
      }
    }
    expect(failures, `${failures.length} examples are wrong`).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  }, 120_000);
});
