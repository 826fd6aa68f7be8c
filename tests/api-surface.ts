// The public API of the @jaxts/* packages as the TypeScript compiler sees it: every function
// each entry point exports (once, however many entry points re-export it), with its doc
// comment and `@example` blocks. Shared by the API-docs and doc-example tests; the compiler API
// answers in seconds where a typedoc run takes a minute.
import { readFileSync } from "node:fs";
import ts from "typescript";

const root = new URL("../", import.meta.url);

export const packages = ["core", "transforms", "optim"] as const;

export interface EntryPoint {
  /** The import specifier, e.g. `@jaxts/core/numpy`. */
  readonly specifier: string;
  /** Absolute path of its TypeScript source. */
  readonly file: string;
}

/** Every entry point of every package, read from the `@jaxts/source` condition of its exports. */
export function entryPoints(): EntryPoint[] {
  return packages.flatMap((pkg) => {
    const json = JSON.parse(readFileSync(new URL(`packages/${pkg}/package.json`, root), "utf8")) as {
      readonly exports: Record<string, { readonly "@jaxts/source": string }>;
    };
    return Object.entries(json.exports).map(([sub, e]) => ({
      specifier: `@jaxts/${pkg}${sub === "." ? "" : sub.slice(1)}`,
      file: new URL(`packages/${pkg}/${e["@jaxts/source"].replace(/^\.\//, "")}`, root).pathname,
    }));
  });
}

/** The workspace's compiler options (tsconfig.base.json), so `@jaxts/*` resolves to source. */
export function compilerOptions(): ts.CompilerOptions {
  const path = new URL("tsconfig.base.json", root).pathname;
  const { config } = ts.readConfigFile(path, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, new URL(".", root).pathname);
  return { ...parsed.options, noEmit: true, declaration: false };
}

export interface ApiFunction {
  /** How a user reaches it, e.g. `@jaxts/core/numpy: sum` or `@jaxts/core: NDArray.sum`. */
  readonly name: string;
  /** `file:line` of its declaration. */
  readonly where: string;
  readonly documented: boolean;
  readonly examples: readonly string[];
  /** True for the extension surface (traces, rule tables, IR passes) that transformations are
   * built from: these need a doc comment, but an example is optional. */
  readonly extension: boolean;
}

/** Files whose exports are the extension surface, not the user API (see ApiFunction.extension). */
const extensionFiles = [/packages\/core\/src\/internals\.ts$/];
/** The same surface in @jaxts/transforms, exported next to the user API from its index. */
const extensionNames = new Set([
  "@jaxts/transforms: BatchTrace",
  "@jaxts/transforms: BatchTracer",
  "@jaxts/transforms: vmapFlat",
  "@jaxts/transforms: batchRules",
  "@jaxts/transforms: JvpTrace",
  "@jaxts/transforms: JvpTracer",
  "@jaxts/transforms: jvpFlat",
  "@jaxts/transforms: linearizeFlat",
  "@jaxts/transforms: PartialEvalTrace",
  "@jaxts/transforms: backwardPass",
  "@jaxts/transforms: Zero",
  "@jaxts/transforms: jvpRules",
  "@jaxts/transforms: transposeRules",
]);

function isFunctionLike(checker: ts.TypeChecker, decl: ts.Declaration): boolean {
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) return true;
  if (ts.isVariableDeclaration(decl)) {
    const t = checker.getTypeAtLocation(decl);
    return t.getCallSignatures().length > 0 && t.getProperties().length === 0;
  }
  return false;
}

/** The doc comment text and `@example` blocks of a declaration (a variable's comment sits on its
 * statement; an overloaded function's on its first signature). */
function docOf(checker: ts.TypeChecker, sym: ts.Symbol): { documented: boolean; examples: string[] } {
  const text = ts.displayPartsToString(sym.getDocumentationComment(checker)).trim();
  const examples = sym
    .getJsDocTags(checker)
    .filter((t) => t.name === "example")
    .map((t) => ts.displayPartsToString(t.text));
  return { documented: text.length > 0, examples };
}

function where(decl: ts.Declaration): string {
  const sf = decl.getSourceFile();
  const { line } = sf.getLineAndCharacterOfPosition(decl.getStart());
  return `${sf.fileName.slice(new URL(".", root).pathname.length)}:${line + 1}`;
}

/** Declarations reached only through a re-export from an extension file. */
function extensionExports(program: ts.Program, checker: ts.TypeChecker): Set<ts.Declaration> {
  const out = new Set<ts.Declaration>();
  for (const sf of program.getSourceFiles()) {
    if (!extensionFiles.some((re) => re.test(sf.fileName))) continue;
    const mod = checker.getSymbolAtLocation(sf);
    if (!mod) continue;
    for (const e of checker.getExportsOfModule(mod)) {
      const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      for (const d of s.declarations ?? []) out.add(d);
    }
  }
  return out;
}

/** Every exported function of every entry point, each once (by declaration): functions and
 * function-valued consts, the public methods of exported classes, and the members of exported
 * namespaces (`export * as linalg`) and namespace objects (`np.linalg`, `config`), so a function
 * reachable only as `lax.linalg.qr` is checked too. The extension surface's classes are not
 * descended into. */
export function apiFunctions(): { readonly program: ts.Program; readonly functions: ApiFunction[] } {
  const entries = entryPoints();
  const program = ts.createProgram(
    entries.map((e) => e.file),
    compilerOptions(),
  );
  const checker = program.getTypeChecker();
  const extension = extensionExports(program, checker);
  const seen = new Set<ts.Declaration>();
  const functions: ApiFunction[] = [];
  const resolve = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const add = (name: string, sym: ts.Symbol, ext: boolean) => {
    const decl = sym.declarations?.[0];
    if (!decl || seen.has(decl) || !isFunctionLike(checker, decl)) return;
    seen.add(decl);
    functions.push({ name, where: where(decl), ...docOf(checker, sym), extension: ext });
  };
  const visited = new Set<ts.Symbol>();
  const visit = (name: string, exported: ts.Symbol, ext: boolean): void => {
    const sym = resolve(exported);
    const decl = sym.declarations?.[0];
    if (!decl || visited.has(sym)) return;
    visited.add(sym);
    const isExt = ext || extension.has(decl) || extensionNames.has(name);
    add(name, sym, isExt);
    if (isExt) return;
    if (sym.flags & ts.SymbolFlags.ValueModule && ts.isSourceFile(decl)) {
      // a namespace export (`export * as linalg from "./linalg.js"`)
      for (const e of checker.getExportsOfModule(sym)) visit(`${name}.${e.name}`, e, false);
    } else if (ts.isClassDeclaration(decl)) {
      for (const m of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym))) {
        const md = m.declarations?.[0];
        if (!md || !ts.isMethodDeclaration(md) || md.parent !== decl) continue;
        if (ts.getCombinedModifierFlags(md) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected) || m.name.startsWith("#") || m.name.startsWith("_")) continue;
        add(`${name}.${m.name}`, m, false);
      }
    } else if (ts.isVariableDeclaration(decl) && decl.initializer && ts.isObjectLiteralExpression(decl.initializer)) {
      // a namespace object (`export const linalg = { norm, qr, ... }`, `config`)
      for (const p of decl.initializer.properties) {
        const member = ts.isShorthandPropertyAssignment(p)
          ? checker.getShorthandAssignmentValueSymbol(p)
          : ts.isPropertyAssignment(p) && ts.isIdentifier(p.initializer)
            ? checker.getSymbolAtLocation(p.initializer)
            : ts.isMethodDeclaration(p)
              ? checker.getSymbolAtLocation(p.name)
              : undefined;
        if (member && p.name && ts.isIdentifier(p.name)) visit(`${name}.${p.name.text}`, member, false);
      }
    }
  };
  for (const entry of entries) {
    const sf = program.getSourceFile(entry.file);
    const mod = sf && checker.getSymbolAtLocation(sf);
    if (!mod) throw new Error(`no module for ${entry.specifier} (${entry.file})`);
    for (const e of checker.getExportsOfModule(mod)) visit(`${entry.specifier}: ${e.name}`, e, false);
  }
  return { program, functions };
}

export interface DocExample {
  /** `file:line` of the `@example` tag. */
  readonly where: string;
  /** Absolute path of the source file that holds it. */
  readonly file: string;
  readonly code: string;
}

/** The code of an `@example` tag: the ```ts fences if it has them (the text before is a
 * caption, as typedoc reads it), else the whole tag. */
function exampleCode(tagText: string): string {
  const fenced = [...tagText.matchAll(/```\w*\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return fenced.length > 0 ? fenced.join("\n") : tagText;
}

/** Every `@example` block in the sources of the @jaxts/* packages, found by scanning each
 * JSDoc comment of each source file (exported or not). */
export function docExamples(program: ts.Program): DocExample[] {
  const out: DocExample[] = [];
  const srcDirs = packages.map((p) => new URL(`packages/${p}/src/`, root).pathname);
  for (const sf of program.getSourceFiles()) {
    if (!srcDirs.some((d) => sf.fileName.startsWith(d))) continue;
    const text = sf.text;
    for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
      // Strip the comment's frame, keeping indentation after the leading ` * `.
      const body = m[0]
        .slice(3, -2)
        .split("\n")
        .map((l) => l.replace(/^\s*\* ?/, ""));
      let start = -1;
      const flush = (end: number) => {
        if (start < 0) return;
        const tag = body.slice(start, end);
        tag[0] = tag[0]!.replace(/^@example\s*/, "");
        const line = sf.getLineAndCharacterOfPosition(m.index).line + start + 1;
        out.push({ where: `${sf.fileName.slice(new URL(".", root).pathname.length)}:${line}`, file: sf.fileName, code: exampleCode(tag.join("\n")) });
        start = -1;
      };
      body.forEach((l, i) => {
        if (/^@\w+/.test(l)) flush(i);
        if (/^@example\b/.test(l)) start = i;
      });
      flush(body.length);
    }
  }
  return out;
}

/** What an example without imports sees: every name @jaxts/core exports (so the doc comments
 * of np.*, lax.* and nn.* read as `np.sum(x)`, not as a program with an import line). */
export function corePrelude(program: ts.Program): string {
  const checker = program.getTypeChecker();
  const core = entryPoints().find((e) => e.specifier === "@jaxts/core")!;
  const mod = checker.getSymbolAtLocation(program.getSourceFile(core.file)!)!;
  const names = checker.getExportsOfModule(mod).map((e) => {
    const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    return s.flags & ts.SymbolFlags.Value ? e.name : `type ${e.name}`;
  });
  return `import { ${names.join(", ")} } from "@jaxts/core";\n`;
}
