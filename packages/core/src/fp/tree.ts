// Pytrees as an fp-ts Functor, Foldable and Traversable (with the leaf's path as index), and
// Semigroups that combine two trees leaf by leaf (gradient accumulation).
//
// The structure is real: a pytree is a shape (nested arrays and plain objects) holding
// leaves, and these instances map, fold and traverse the leaves in tree.flatten's order,
// keeping the shape. The laws (identity, composition, naturality) hold for leaf types that
// are leaves to tree.flatten — NDArrays, numbers, strings, booleans, class instances — and for
// fp-ts's Option, Either and These values, which these instances also treat as leaves. A
// function that returns arrays or plain objects builds a deeper tree, which a second pass
// would then descend into, as tree.map does; keep such values out of leaves.
import type { Applicative } from "fp-ts/Applicative";
import type { Foldable1 } from "fp-ts/Foldable";
import type { FoldableWithIndex1 } from "fp-ts/FoldableWithIndex";
import type { Functor1 } from "fp-ts/Functor";
import type { FunctorWithIndex1 } from "fp-ts/FunctorWithIndex";
import type { HKT } from "fp-ts/HKT";
import type { Monoid } from "fp-ts/Monoid";
import type { Semigroup } from "fp-ts/Semigroup";
import type { Traversable1 } from "fp-ts/Traversable";
import type { TraversableWithIndex1 } from "fp-ts/TraversableWithIndex";
import type { NDArray } from "../array.js";
import { add } from "../numpy/elementwise.js";
import * as tree from "../tree/index.js";

/** A pytree whose leaves have type A: nested arrays and plain objects, null/undefined empty. */
export type Tree<A> = A | null | undefined | readonly Tree<A>[] | { readonly [key: string]: Tree<A> };

export const URI = "@jaxts/Tree";
export type URI = typeof URI;

declare module "fp-ts/HKT" {
  interface URItoKind<A> {
    readonly "@jaxts/Tree": Tree<A>;
  }
}

/** fp-ts's own data (Option, Either, These: objects tagged with one of these `_tag`s) are leaves here, so
 * a tree of Options sequences into an Option of a tree. */
const FP_TAGS: ReadonlySet<unknown> = new Set(["None", "Some", "Left", "Right", "Both"]);
const isFpData = (x: unknown): boolean => typeof x === "object" && x !== null && !Array.isArray(x) && FP_TAGS.has((x as { readonly _tag?: unknown })._tag);

function flat<A>(t: Tree<A>, where: string): [A[], string[], tree.TreeDef] {
  const [leaves, paths, def] = tree.flattenWithPaths(t, where, isFpData);
  return [leaves as A[], paths, def];
}
const rebuild = <B>(def: tree.TreeDef, leaves: readonly B[]): Tree<B> => tree.unflatten(def, leaves) as Tree<B>;

/**
 * map(f)(t): f applied to every leaf, same structure (data-last, for pipe).
 *
 * @example
 * import { array, type NDArray } from "@jaxts/core";
 * import { tree } from "@jaxts/core/fp";
 * import { pipe } from "fp-ts/function";
 *
 * pipe({ w: array([1, 2]) }, tree.map((x: NDArray) => x.mul(2))); // { w: [2, 4] }
 */
export const map =
  <A, B>(f: (a: A) => B) =>
  (t: Tree<A>): Tree<B> => {
    const [leaves, , def] = flat(t, "fp.tree.map");
    return rebuild(def, leaves.map((a) => f(a)));
  };

/**
 * mapWithIndex(f)(t): f(path, leaf) for every leaf; paths as tree.leafPaths writes them (`.W`, `[0].b`).
 *
 * @example
 * import { tree } from "@jaxts/core/fp";
 *
 * tree.mapWithIndex((path, x: number) => `${path}=${x}`)({ a: 1, b: [2] }); // { a: ".a=1", b: [".b[0]=2"] }
 */
export const mapWithIndex =
  <A, B>(f: (path: string, a: A) => B) =>
  (t: Tree<A>): Tree<B> => {
    const [leaves, paths, def] = flat(t, "fp.tree.mapWithIndex");
    return rebuild(
      def,
      leaves.map((a, i) => f(paths[i]!, a)),
    );
  };

/**
 * reduceWithIndex(b, f)(t): the leaves folded left to right in flatten order, with their paths.
 *
 * @example
 * import { tree } from "@jaxts/core/fp";
 *
 * tree.reduceWithIndex(0, (_path, acc: number, x: number) => acc + x)({ a: 1, b: [2, 3] }); // 6
 */
export const reduceWithIndex =
  <A, B>(b: B, f: (path: string, acc: B, a: A) => B) =>
  (t: Tree<A>): B => {
    const [leaves, paths] = flat(t, "fp.tree.reduce");
    return leaves.reduce((acc, a, i) => f(paths[i]!, acc, a), b);
  };

function traverseLeaves<F>(F: Applicative<F>): <A, B>(t: Tree<A>, f: (path: string, a: A) => HKT<F, B>) => HKT<F, Tree<B>> {
  return <A, B>(t: Tree<A>, f: (path: string, a: A) => HKT<F, B>) => {
    const [leaves, paths, def] = flat(t, "fp.tree.traverse");
    // effects run in flatten order; the collected leaves go back into the same structure
    let acc: HKT<F, B[]> = F.of([]);
    leaves.forEach((a, i) => {
      acc = F.ap(
        F.map(acc, (bs: B[]) => (b: B) => [...bs, b]),
        f(paths[i]!, a),
      );
    });
    return F.map(acc, (bs) => rebuild(def, bs));
  };
}

/** The pytree instance: Functor, Foldable and Traversable, each also with the leaf path as index. */
export const Traversable: Functor1<URI> & FunctorWithIndex1<URI, string> & Foldable1<URI> & FoldableWithIndex1<URI, string> & Traversable1<URI> & TraversableWithIndex1<URI, string> = {
  URI,
  map: (t, f) => map(f)(t),
  mapWithIndex: (t, f) => mapWithIndex(f)(t),
  reduce: (t, b, f) => reduceWithIndex(b, (_: string, acc: typeof b, a: Parameters<typeof f>[1]) => f(acc, a))(t),
  reduceWithIndex: (t, b, f) => reduceWithIndex(b, f)(t),
  reduceRight: (t, b, f) => {
    const [leaves] = flat(t, "fp.tree.reduceRight");
    return leaves.reduceRight((acc, a) => f(a, acc), b);
  },
  reduceRightWithIndex: (t, b, f) => {
    const [leaves, paths] = flat(t, "fp.tree.reduceRight");
    return leaves.reduceRight((acc, a, i) => f(paths[i]!, a, acc), b);
  },
  foldMap:
    <M>(M: Monoid<M>) =>
    <A>(t: Tree<A>, f: (a: A) => M) =>
      flat(t, "fp.tree.foldMap")[0].reduce((acc, a) => M.concat(acc, f(a)), M.empty),
  foldMapWithIndex:
    <M>(M: Monoid<M>) =>
    <A>(t: Tree<A>, f: (path: string, a: A) => M) => {
      const [leaves, paths] = flat(t, "fp.tree.foldMap");
      return leaves.reduce((acc, a, i) => M.concat(acc, f(paths[i]!, a)), M.empty);
    },
  traverse: (<F>(F: Applicative<F>) =>
    <A, B>(t: Tree<A>, f: (a: A) => HKT<F, B>) =>
      traverseLeaves(F)(t, (_, a: A) => f(a))) as Traversable1<URI>["traverse"],
  sequence: (<F>(F: Applicative<F>) =>
    <A>(t: Tree<HKT<F, A>>) =>
      traverseLeaves(F)(t, (_, fa: HKT<F, A>) => fa)) as Traversable1<URI>["sequence"],
  traverseWithIndex: (<F>(F: Applicative<F>) =>
    <A, B>(t: Tree<A>, f: (path: string, a: A) => HKT<F, B>) =>
      traverseLeaves(F)(t, f)) as TraversableWithIndex1<URI, string>["traverseWithIndex"],
};

/**
 * Two trees of one structure combined leaf by leaf with S (a TreeStructureError, naming the path, otherwise).
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { tree } from "@jaxts/core/fp";
 *
 * const S = tree.getSemigroup<NDArray>({ concat: (x, y) => np.maximum(x, y) });
 * S.concat({ w: array([1, 5]) }, { w: array([3, 2]) }); // { w: [3, 5] }
 */
export function getSemigroup<A>(S: Semigroup<A>): Semigroup<Tree<A>> {
  return { concat: (x, y) => tree.map((a, b) => S.concat(a as A, b as A), x, y) as Tree<A> };
}

/** Gradient pytrees summed leaf by leaf (np.add): accumulate gradients over micro-batches with concatAll. */
export const sumSemigroup: Semigroup<Tree<NDArray>> = getSemigroup<NDArray>({ concat: (x, y) => add(x, y) });
