// Pytrees: nested JS arrays and plain objects whose leaves are arrays and numbers.
// Object keys flatten in sorted order; null and undefined are empty subtrees.
import { ArgumentError, TreeStructureError } from "../errors.js";

export type Leaf = unknown;
export type PyTree = unknown;

type Node =
  | { readonly kind: "leaf" }
  | { readonly kind: "none"; readonly value: null | undefined }
  | { readonly kind: "array"; readonly children: readonly TreeDef[] }
  | { readonly kind: "object"; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

export class TreeDef {
  readonly numLeaves: number;
  constructor(readonly node: Node) {
    this.numLeaves =
      node.kind === "leaf" ? 1 : node.kind === "none" ? 0 : node.children.reduce((n, c) => n + c.numLeaves, 0);
  }
  equals(o: TreeDef): boolean {
    return o instanceof TreeDef && firstDifference(this, o, "") === undefined;
  }
  toString(): string {
    const n = this.node;
    switch (n.kind) {
      case "leaf":
        return "*";
      case "none":
        return String(n.value);
      case "array":
        return `[${n.children.map(String).join(", ")}]`;
      case "object":
        return `{${n.keys.map((k, i) => `${k}: ${n.children[i]}`).join(", ")}}`;
    }
  }
}

const leafDef = new TreeDef({ kind: "leaf" });

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export function flatten(t: PyTree): [Leaf[], TreeDef] {
  const leaves: Leaf[] = [];
  const walk = (x: unknown): TreeDef => {
    if (x === null || x === undefined) return new TreeDef({ kind: "none", value: x });
    // Array.from visits holes (as undefined, an empty subtree); map would leave them out.
    if (Array.isArray(x)) return new TreeDef({ kind: "array", children: Array.from(x, walk) });
    if (isPlainObject(x)) {
      const keys = Object.keys(x).sort();
      return new TreeDef({ kind: "object", keys, children: keys.map((k) => walk(x[k])) });
    }
    leaves.push(x);
    return leafDef;
  };
  const def = walk(t);
  return [leaves, def];
}

/** Public entry points take TreeDefs from flatten/structure; anything else is a clear error. */
function checkTreeDef(def: unknown, where: string): void {
  if (!(def instanceof TreeDef)) throw new ArgumentError(`${where}: expected a TreeDef (from tree.flatten or tree.structure), got ${describe(def)}`);
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === "object") return Array.isArray(x) ? "an array" : "an object";
  return typeof x;
}

export function unflatten(def: TreeDef, leaves: readonly Leaf[]): PyTree {
  checkTreeDef(def, "tree.unflatten");
  if (!Array.isArray(leaves)) throw new ArgumentError(`tree.unflatten: the leaves must be an array, got ${describe(leaves)}`);
  if (leaves.length !== def.numLeaves) {
    throw new TreeStructureError(`tree.unflatten: the structure ${def} has ${def.numLeaves} leaves, got ${leaves.length}`);
  }
  let i = 0;
  const build = (d: TreeDef): unknown => {
    const n = d.node;
    switch (n.kind) {
      case "leaf":
        return leaves[i++];
      case "none":
        return n.value;
      case "array":
        return n.children.map(build);
      case "object":
        return Object.fromEntries(n.keys.map((k, j) => [k, build(n.children[j]!)]));
    }
  };
  return build(def);
}

export const leaves = (t: PyTree): Leaf[] => flatten(t)[0];
export const structure = (t: PyTree): TreeDef => flatten(t)[1];

/** The path of the first place two structures differ, or undefined when equal. */
function firstDifference(a: TreeDef, b: TreeDef, path: string): string | undefined {
  const x = a.node;
  const y = b.node;
  if (x.kind !== y.kind) return path || "(root)";
  if (x.kind === "array" && y.kind === "array") {
    if (x.children.length !== y.children.length) return path || "(root)";
    for (let i = 0; i < x.children.length; i++) {
      const d = firstDifference(x.children[i]!, y.children[i]!, `${path}[${i}]`);
      if (d !== undefined) return d;
    }
  }
  if (x.kind === "object" && y.kind === "object") {
    if (x.keys.join("\u0000") !== y.keys.join("\u0000")) return path || "(root)";
    for (let i = 0; i < x.children.length; i++) {
      const d = firstDifference(x.children[i]!, y.children[i]!, `${path}.${x.keys[i]}`);
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

/** Throw a TreeStructureError naming the path where `b` departs from `a`. */
export function assertSameStructure(a: TreeDef, b: TreeDef, where: string, names: readonly [string, string] = ["first", "second"]): void {
  checkTreeDef(a, "tree.assertSameStructure");
  checkTreeDef(b, "tree.assertSameStructure");
  const d = firstDifference(a, b, "");
  if (d !== undefined) {
    // `where` and `names` only label the message; odd values must not break the error itself.
    const w = typeof where === "string" ? where : "tree.assertSameStructure";
    const [n0, n1] = Array.isArray(names) && typeof names[0] === "string" && typeof names[1] === "string" ? names : ["first", "second"];
    throw new TreeStructureError(`${w}: the ${n0} and ${n1} trees differ in structure at ${d}: ${a} vs ${b}`);
  }
}

/** Paths of every leaf, in flattening order: `.W`, `[0].b`, ... */
export function leafPaths(t: PyTree): string[] {
  const paths: string[] = [];
  const walk = (x: unknown, path: string): void => {
    if (x === null || x === undefined) return;
    if (Array.isArray(x)) Array.from(x).forEach((c, i) => walk(c, `${path}[${i}]`));
    else if (isPlainObject(x)) for (const k of Object.keys(x).sort()) walk(x[k], `${path}.${k}`);
    else paths.push(path || "(root)");
  };
  walk(t, "");
  return paths;
}

/** Apply `f` leaf-wise over `t` and trees of the same structure. */
export function map<R = unknown>(f: (...leaves: Leaf[]) => R, t: PyTree, ...rest: PyTree[]): PyTree {
  if (typeof f !== "function") throw new ArgumentError(`tree.map: the first argument must be a function of the leaves, got ${describe(f)}`);
  const [ls, def] = flatten(t);
  const others = rest.map((r, k) => {
    const [rl, rdef] = flatten(r);
    assertSameStructure(def, rdef, "tree.map", ["first", `tree #${k + 2}`]);
    return rl;
  });
  return unflatten(
    def,
    ls.map((l, i) => f(l, ...others.map((o) => o[i]))),
  );
}
