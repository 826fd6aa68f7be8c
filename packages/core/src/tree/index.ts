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

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** How a key prints in a structure: identifiers bare, anything else JSON-quoted, so two
 * different structures never print the same (the text doubles as jit's cache key). */
function keyText(k: string): string {
  return IDENTIFIER.test(k) ? k : JSON.stringify(k);
}

export class TreeDef {
  readonly numLeaves: number;
  constructor(readonly node: Node) {
    this.numLeaves =
      node.kind === "leaf" ? 1 : node.kind === "none" ? 0 : node.children.reduce((n, c) => n + c.numLeaves, 0);
  }
  /**
   * Whether two structures are the same (same nesting, keys and number of leaves).
   *
   * @example
   * tree.structure([1, [2]]).equals(tree.structure([0, [0]])); // true
   */
  equals(o: TreeDef): boolean {
    return o instanceof TreeDef && firstDifference(this, o, "") === undefined;
  }
  /**
   * A text that is equal for two structures exactly when they are equal (keys escaped).
   *
   * @example
   * String(tree.structure({ x: [1, 2], y: null })); // "{x: [*, *], y: null}"
   */
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
        return `{${n.keys.map((k, i) => `${keyText(k)}: ${n.children[i]}`).join(", ")}}`;
    }
  }
}

const leafDef = new TreeDef({ kind: "leaf" });

/** Deeper nesting than this is a TreeStructureError rather than a stack overflow. */
export const MAX_TREE_DEPTH = 1000;

/**
 * Whether `x` is an object literal (its prototype is Object.prototype or null): the objects a
 * pytree descends into, unlike class instances, which are leaves.
 *
 * @example
 * tree.isPlainObject({ w: 1 }); // true
 * tree.isPlainObject(array([1])); // false
 */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

type Key = string | number;

/** A path inside a pytree as users write it: `.W`, `[2]`, `["a b"]`. */
function keyPath(path: string, key: Key): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The path of a list of keys, `(root)` when empty. */
function pathText(keys: readonly Key[]): string {
  return keys.reduce<string>(keyPath, "") || "(root)";
}

/** The sorted string keys of a pytree node; a symbol key is an error (it would be dropped). */
function nodeKeys(x: Record<string, unknown>, at: readonly Key[], where: string): string[] {
  for (const s of Object.getOwnPropertySymbols(x)) {
    if (Object.prototype.propertyIsEnumerable.call(x, s)) {
      throw new TreeStructureError(
        `${where}: the object at ${pathText(at)} has a symbol key ${s.toString()}; pytree keys must be strings ` +
          "(a symbol-keyed entry would be dropped from the tree)",
      );
    }
  }
  return Object.keys(x).sort();
}

/** Nesting past MAX_TREE_DEPTH: a cycle among the nodes on the current path, or just too deep. */
function tooDeep(nodes: readonly object[], keys: readonly Key[], where: string): TreeStructureError {
  const first = new Map<object, number>();
  for (let j = 0; j < nodes.length; j++) {
    const i = first.get(nodes[j]!);
    if (i !== undefined) {
      return new TreeStructureError(`${where}: the pytree is cyclic: ${pathText(keys.slice(0, j))} refers back to ${pathText(keys.slice(0, i))}`);
    }
    first.set(nodes[j]!, j);
  }
  return new TreeStructureError(`${where}: the pytree is nested deeper than ${MAX_TREE_DEPTH} levels (at ${pathText(keys.slice(0, 20))}…)`);
}

/**
 * Walk the nodes of a pytree depth first, calling `leaf` for each leaf with the keys leading
 * to it. Cycles and nesting deeper than MAX_TREE_DEPTH are TreeStructureErrors naming the
 * path (a cycle is found when it passes that depth, so the common case keeps no seen-set and
 * builds no path strings).
 */
function walkTree(t: PyTree, where: string, leaf: (x: unknown, keys: readonly Key[]) => void, isLeaf?: (x: unknown) => boolean): TreeDef {
  const nodes: object[] = [];
  const keys: Key[] = [];
  const walk = (x: unknown): TreeDef => {
    if (x === null || x === undefined) return new TreeDef({ kind: "none", value: x });
    const isArray = Array.isArray(x);
    if ((!isArray && !isPlainObject(x)) || isLeaf?.(x) === true) {
      leaf(x, keys);
      return leafDef;
    }
    if (nodes.length >= MAX_TREE_DEPTH) throw tooDeep([...nodes, x], keys, where);
    nodes.push(x);
    let def: TreeDef;
    if (isArray) {
      const children: TreeDef[] = [];
      for (let i = 0; i < x.length; i++) {
        keys.push(i);
        children.push(walk(x[i]));
        keys.pop();
      }
      def = new TreeDef({ kind: "array", children });
    } else {
      const ks = nodeKeys(x, keys, where);
      const children: TreeDef[] = [];
      for (const k of ks) {
        keys.push(k);
        children.push(walk(x[k]));
        keys.pop();
      }
      def = new TreeDef({ kind: "object", keys: ks, children });
    }
    nodes.pop();
    return def;
  };
  return walk(t);
}

/**
 * The leaves of `t` in order, and its structure. `where` names the caller in errors.
 *
 * @example
 * const [leaves, def] = tree.flatten({ b: [1, 2], a: array([3]) });
 * leaves.length; // 3
 * String(def); // "{a: *, b: [*, *]}"
 */
export function flatten(t: PyTree, where = "tree.flatten"): [Leaf[], TreeDef] {
  const leaves: Leaf[] = [];
  const def = walkTree(t, where, (x) => leaves.push(x));
  return [leaves, def];
}

/** flatten, also giving each leaf's path (`.W`, `[0].b`, ...), for error messages. `isLeaf`
 * (JAX's is_leaf) makes more nodes leaves: arrays or objects it accepts are not descended into.
 *
 * @example
 * const [, paths] = tree.flattenWithPaths({ w: array([1]), layers: [{ b: 2 }] });
 * paths; // [".layers[0].b", ".w"]
 */
export function flattenWithPaths(t: PyTree, where = "tree.flatten", isLeaf?: (x: unknown) => boolean): [Leaf[], string[], TreeDef] {
  if (typeof where !== "string") throw new ArgumentError(`tree.flattenWithPaths: where (the name errors give) must be a string, got ${describe(where)}`);
  if (isLeaf !== undefined && typeof isLeaf !== "function") throw new ArgumentError(`${where}: isLeaf must be a function, got ${describe(isLeaf)}`);
  const leaves: Leaf[] = [];
  const paths: string[] = [];
  const def = walkTree(
    t,
    where,
    (x, keys) => {
      leaves.push(x);
      paths.push(pathText(keys));
    },
    isLeaf,
  );
  return [leaves, paths, def];
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

/**
 * The pytree of structure `def` (from `flatten` or `structure`) with `leaves` in flattening
 * order; the number of leaves must match.
 *
 * @example
 * const def = tree.structure({ w: 0, b: 0 });
 * tree.unflatten(def, [1, 2]); // the pytree { b: 1, w: 2 } (keys flatten in sorted order)
 */
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
      case "object": {
        // (a plain loop: Object.fromEntries over mapped pairs was a visible part of every
        // eager valueAndGrad of a parameter object)
        const o: Record<string, unknown> = {};
        for (let j = 0; j < n.keys.length; j++) setOwn(o, n.keys[j]!, build(n.children[j]!));
        return o;
      }
    }
  };
  return build(def);
}

/**
 * The leaves of `t` in flattening order (object keys sorted, arrays in order; null and
 * undefined are empty nodes).
 *
 * @example
 * tree.leaves({ b: 2, a: [1, null] }); // [1, 2]
 */
export const leaves = (t: PyTree): Leaf[] => flatten(t)[0];
/**
 * The structure of `t` (a TreeDef): equal for two pytrees exactly when they differ only in leaves.
 *
 * @example
 * tree.structure({ a: 1, b: [2, 3] }).equals(tree.structure({ b: [0, 0], a: 0 })); // true
 */
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
    if (x.keys.length !== y.keys.length || x.keys.some((k, i) => k !== y.keys[i])) return path || "(root)";
    for (let i = 0; i < x.children.length; i++) {
      const d = firstDifference(x.children[i]!, y.children[i]!, keyPath(path, x.keys[i]!));
      if (d !== undefined) return d;
    }
  }
  return undefined;
}

/**
 * Throw a TreeStructureError naming the path where `b` departs from `a`.
 *
 * @example
 * tree.assertSameStructure(tree.structure([1, 2]), tree.structure([3, 4]), "example"); // passes: same structure
 */
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

/**
 * Paths of every leaf, in flattening order: `.W`, `[0].b`, ...
 *
 * @example
 * tree.leafPaths({ w: 1, b: [2, 3] }); // [".b[0]", ".b[1]", ".w"]
 */
export function leafPaths(t: PyTree): string[] {
  return flattenWithPaths(t, "tree.leafPaths")[1];
}

/**
 * Apply `f` leaf-wise over `t` and trees of the same structure.
 *
 * @example
 * tree.map((x) => (x as NDArray).mul(2), { w: array([1, 2]) }); // { w: [2, 4] }
 * tree.map((a, b) => (a as number) + (b as number), [1, 2], [10, 20]); // [11, 22]
 */
export function map<R = unknown>(f: (...leaves: Leaf[]) => R, t: PyTree, ...rest: PyTree[]): PyTree {
  if (typeof f !== "function") {
    throw new ArgumentError(`tree.map: the first argument must be the function to apply, got ${f === null ? "null" : typeof f}`);
  }
  const [ls, def] = flatten(t, "tree.map");
  const others = rest.map((r, k) => {
    const [rl, rdef] = flatten(r, "tree.map");
    assertSameStructure(def, rdef, "tree.map", ["first", `tree #${k + 2}`]);
    return rl;
  });
  return unflatten(
    def,
    ls.map((l, i) => f(l, ...others.map((o) => o[i]))),
  );
}

/** o[k] = v as an own data property, `__proto__` included (which `=` would take as the prototype). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
