// The GradientTransformation contract, chain and applyUpdates (optax's base.py, combine.py
// and update.py): a transformation is a pair of pure functions over pytrees of arrays.
import { ArgumentError, asArray, config, JaxtsError, type NDArray, np, TreeStructureError, tree } from "@jaxts/core";
import type { Schedule } from "./schedules.js";
import { atLeaf, checkSameShapes, describe, prefixError } from "./tree-util.js";

/**
 * An optimizer, or one stage of one: `init(params)` builds the state, `update(updates,
 * state, params?)` turns gradients into updates and returns the new state. Both are pure
 * and the state is a pytree of arrays (step counts are int32 scalars), so a whole
 * training step can be traced and jit-ted.
 */
export interface GradientTransformation<S = unknown> {
  init(params: unknown): S;
  update<U>(updates: U, state: S, params?: U): [U, S];
}

/** A learning rate (or other hyperparameter) that is a number, a scalar array, or a schedule. */
export type ScalarOrSchedule = number | NDArray | Schedule;

/** The state of a transformation that keeps none. */
export type EmptyState = Readonly<Record<string, never>>;

/** The state type of a transformation. */
export type StateOf<T> = T extends GradientTransformation<infer S> ? S : never;

/** Builds a transformation whose `update` first checks that `params`, when given, has the
 * structure of `updates`, naming the first path where they differ. */
export function transformation<S>(
  name: string,
  init: (params: unknown) => S,
  update: (updates: unknown, state: S, params: unknown) => readonly [unknown, S],
): GradientTransformation<S> {
  // The top-level layout of the states this transformation makes (keys or list length):
  // a state from elsewhere is then a clear error, not a TypeError deep inside the update.
  let layout: string | undefined;
  return {
    init: (params) => {
      const s = init(params);
      layout = layoutOf(s);
      return s;
    },
    update<U>(updates: U, state: S, params?: U): [U, S] {
      const given = layoutOf(state);
      if (given === undefined || (layout !== undefined && given !== layout)) {
        const want = layout === undefined ? "" : ` (${layout})`;
        throw new ArgumentError(`${name}.update: the state must be the one ${name}.init (or the previous update) returned${want}, got ${given ?? describe(state)}`);
      }
      if (params !== undefined && params !== null) {
        tree.assertSameStructure(tree.structure(updates), tree.structure(params), `${name}.update`, ["updates", "params"]);
        checkSameShapes(`${name}.update`, params, "params", updates, "updates");
      }
      try {
        const [u, s] = update(updates, state, params);
        layout = layoutOf(s);
        return [u as U, s];
      } catch (e) {
        if (e instanceof TreeStructureError) {
          const mismatch = stateMismatch(name, e);
          if (mismatch !== e) throw mismatch;
        }
        throw insideUpdate(name, e);
      }
    },
  };
}

function layoutOf(s: unknown): string | undefined {
  if (Array.isArray(s)) return `a list of ${s.length} states`;
  if (tree.isPlainObject(s)) return `{ ${Object.keys(s).sort().join(", ")} }`;
  return undefined;
}

const innermost = Symbol("innermost transformation");
type TaggedError = TreeStructureError & { [innermost]?: { readonly name: string; readonly detail: string } };

/** A tree.map inside an update failed: the updates do not fit the state (made by init for
 * other params). Name the transformation the user called and the one that failed. */
function stateMismatch(name: string, e: TaggedError): TreeStructureError {
  const tag = e[innermost];
  if (tag === undefined && !e.message.startsWith("tree.map:")) return e;
  const inner = tag ?? { name, detail: e.message.replace(/^tree\.map: the first and tree #\d+ trees/, "the updates and the state") };
  const where = inner.name === name ? `${name}.update` : `${name}.update (in ${inner.name}.update)`;
  const err: TaggedError = new TreeStructureError(`${where}: ${inner.detail}; was the state made by init for params of this structure?`);
  err[innermost] = inner;
  return err;
}

type Tagged = JaxtsError & { [innermost]?: { readonly name: string; readonly detail: string } };

/** An error raised inside an update (a shape mismatch at a leaf, say) names the
 * transformation the user called and, when it differs, the inner one that failed:
 * `adam.update (in scaleByAdam.update): params.w: add: shapes …`. The class is kept. */
function insideUpdate(name: string, e: unknown): unknown {
  if (!(e instanceof JaxtsError)) return e;
  const tagged = e as Tagged;
  const own = `${name}.update: `;
  const inner = tagged[innermost] ?? { name, detail: e.message.startsWith(own) ? e.message.slice(own.length) : e.message };
  const where = inner.name === name ? `${name}.update` : `${name}.update (in ${inner.name}.update)`;
  const Cls = e.constructor as new (message: string) => JaxtsError;
  const err: Tagged = new Cls(`${where}: ${inner.detail}`);
  err[innermost] = inner;
  return err;
}

/** The error a transformation that needs the parameters throws when it is not given them. */
export function requireParams(name: string, params: unknown): void {
  if (params === undefined || params === null) {
    throw new ArgumentError(`${name}.update: this transformation needs the parameters; call update(updates, state, params)`);
  }
}

export const emptyState = (): EmptyState => ({});

export function checkTransformation(where: string, tx: unknown, position: number): void {
  const ok = typeof tx === "object" && tx !== null && typeof (tx as { init?: unknown }).init === "function" && typeof (tx as { update?: unknown }).update === "function";
  if (!ok) throw new ArgumentError(`${where}: argument ${position} must be a GradientTransformation ({ init, update }), got ${describe(tx)}`);
}

/**
 * The transformation that leaves updates unchanged: `u ← g`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { identity } from "@jaxts/optim";
 *
 * const tx = identity();
 * const [u] = tx.update({ w: array([1, 2]) }, tx.init({})); // u.w = [1, 2]
 */
export function identity(): GradientTransformation<EmptyState> {
  return transformation("identity", emptyState, (updates, state) => [updates, state]);
}

export type ChainState<T extends readonly GradientTransformation<unknown>[]> = { readonly [K in keyof T]: StateOf<T[K]> };

/** chain with a name for its error messages (the optimizer it implements). */
export function namedChain<const T extends readonly GradientTransformation<unknown>[]>(name: string, ...txs: T): GradientTransformation<ChainState<T>> {
  txs.forEach((tx, i) => checkTransformation(name, tx, i + 1));
  return transformation(
    name,
    (params) => txs.map((tx) => tx.init(params)) as unknown as ChainState<T>,
    (updates, state, params) => {
      const states = state as readonly unknown[];
      if (!Array.isArray(states) || states.length !== txs.length) {
        throw new ArgumentError(`${name}.update: the state must be the list of ${txs.length} inner states that init returned, got ${describe(state)}`);
      }
      let u = updates;
      const next = txs.map((tx, i) => {
        const [v, s] = tx.update(u, states[i], params ?? undefined);
        u = v;
        return s;
      });
      return [u, next as unknown as ChainState<T>];
    },
  );
}

/**
 * Applies transformations in sequence: each one's updates feed the next; the state is
 * the list of their states.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { applyUpdates, chain, clipByGlobalNorm, scaleByAdam, scaleByLearningRate } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(p.w));
 * const opt = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(0.1));
 * let params = { w: array([1, 2]) };
 * let state = opt.init(params); // [{}, { count, mu, nu }, {}]
 * for (let step = 0; step < 100; step++) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params), state, params);
 *   params = applyUpdates(params, updates);
 * }
 */
export function chain<const T extends readonly GradientTransformation<unknown>[]>(...txs: T): GradientTransformation<ChainState<T>> {
  return namedChain<T>("chain", ...txs);
}

/**
 * `p ← p + u` leafwise, keeping each parameter's dtype.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { applyUpdates } from "@jaxts/optim";
 *
 * applyUpdates({ w: array([1, 2]) }, { w: array([-0.5, 0.5]) }); // { w: [0.5, 2.5] }
 */
export function applyUpdates<P>(params: P, updates: P): P {
  tree.assertSameStructure(tree.structure(params), tree.structure(updates), "applyUpdates", ["params", "updates"]);
  // An update of another shape would broadcast the parameter to a new shape: refuse it.
  checkSameShapes("applyUpdates", params, "params", updates, "updates");
  const paths = tree.leafPaths(params);
  let i = 0;
  try {
    return tree.map(
      (p: unknown, u: unknown) =>
        atLeaf(paths[i++], () => {
          const given = asArray(p, "applyUpdates");
          // A weakly typed int32 parameter is a JS number (jit passes integers in as int32):
          // parameters are floats, so it must not truncate the update.
          const pa = given.weakType && given.dtype === "int32" ? np.astype(given, config.get().defaultFloat) : given;
          return np.astype(np.add(pa, asArray(u, "applyUpdates")), pa.dtype);
        }),
      params,
      updates,
    ) as P;
  } catch (e) {
    throw prefixError(e, "applyUpdates");
  }
}
