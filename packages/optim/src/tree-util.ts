// Internal numerics over pytrees of arrays: the optax.tree / numerics helpers the
// transformations are written with. Nothing here reads an array's value back to JS,
// so every transformation stays traceable (and so jit-able).
import { ArgumentError, asArray, type DType, fmtShape, isFloat, JaxtsError, lax, NDArray, np, type Operand, ShapeError, tree } from "@jaxts/core";

/** A numeric hyperparameter: a JS number, or a scalar array (e.g. from injectHyperparams). */
export type Hyper = number | NDArray;

const INT32_MAX = 2147483647;

/** How a leaf is named in messages: its path in the params tree (`params.layers[2].W`). */
export const leafName = (path: string | undefined): string => (path === undefined || path === "(root)" ? "params" : `params${path}`);

/** The same error with `prefix: ` in front, keeping its class (a ShapeError stays a
 * ShapeError); anything that is not a JaxtsError passes through unchanged. */
export function prefixError(e: unknown, prefix: string): unknown {
  if (!(e instanceof JaxtsError)) return e;
  const Cls = e.constructor as new (message: string) => JaxtsError;
  return new Cls(`${prefix}: ${e.message}`);
}

/** Run the work on one leaf; an error it raises names the leaf's path. */
export function atLeaf<R>(path: string | undefined, work: () => R): R {
  try {
    return work();
  } catch (e) {
    throw prefixError(e, leafName(path));
  }
}

/** `f` applied leafwise to arrays (JS-number leaves become arrays); null subtrees pass through.
 * An error at a leaf (say, a shape mismatch between the updates and the state) names the
 * leaf's path, so the user learns which parameter does not fit. */
export function mapArrays(f: (...xs: NDArray[]) => NDArray, t: unknown, ...rest: unknown[]): unknown {
  const paths = tree.leafPaths(t);
  let i = 0;
  return tree.map((...leaves: unknown[]) => atLeaf(paths[i++], () => f(...leaves.map((l) => asArray(l, "optim")))), t, ...rest);
}

const shapeOf = (l: unknown): readonly number[] => (l instanceof NDArray ? l.shape : []);

/** Every leaf of `b` has the shape of the same leaf of `a` (trees of one structure), else a
 * ShapeError naming the path and both shapes. */
export function checkSameShapes(where: string, a: unknown, aName: string, b: unknown, bName: string): void {
  const [as] = tree.flatten(a);
  const [bs] = tree.flatten(b);
  const paths = tree.leafPaths(a);
  as.forEach((l, i) => {
    const [sa, sb] = [shapeOf(l), shapeOf(bs[i])];
    if (sa.length !== sb.length || sa.some((d, k) => d !== sb[k])) {
      const path = paths[i] === "(root)" ? "" : (paths[i] ?? "");
      throw new ShapeError(
        `${where}: ${bName}${path} has shape ${fmtShape(sb)} but ${aName}${path} has shape ${fmtShape(sa)}; each must have its parameter's shape`,
      );
    }
  });
}

/** The leaves of trees of one structure, as arrays, with that structure (checked, naming
 * the first path where a tree departs from the first). */
export function flattenTogether(where: string, first: unknown, ...rest: unknown[]): [tree.TreeDef, NDArray[][]] {
  const [leaves, def] = tree.flatten(first);
  const all = [leaves, ...rest.map((t, k) => {
    const [ls, d] = tree.flatten(t);
    tree.assertSameStructure(def, d, where, ["first", `tree #${k + 2}`]);
    return ls;
  })];
  return [def, all.map((ls) => ls.map((l) => asArray(l, where)))];
}

/** The array leaves of a pytree, in flattening order. */
export const arrayLeaves = (t: unknown): NDArray[] => tree.leaves(t).map((l) => asArray(l, "optim"));

export const zerosLikeTree = (t: unknown, dtype?: DType): unknown => mapArrays((x) => np.zerosLike(x, dtype ?? x.dtype), t);

export const fullLikeTree = (t: unknown, value: Hyper): unknown =>
  mapArrays((x) => (typeof value === "number" ? np.fullLike(x, value) : np.add(np.zerosLike(x), hyperLike(value, x))), t);

/** `t` with every leaf cast to `dtype`; unchanged when no dtype is asked for. */
export const castTree = (t: unknown, dtype: DType | undefined): unknown =>
  dtype === undefined ? t : mapArrays((x) => (x.dtype === dtype ? x : lax.convertElementType(x, dtype)), t);

/** A hyperparameter ready to combine with `like`: a JS number stays weakly typed; an array
 * is cast to `like`'s float dtype, so a float64 hyperparameter does not promote float32 updates. */
export function hyperLike(h: Hyper, like: NDArray): Operand {
  if (typeof h === "number") return h;
  // A schedule's value reaches here unchecked: a user schedule may return anything.
  if (!(h instanceof NDArray)) throw new ArgumentError(`optim: a hyperparameter (or the value of a schedule) must be a number or an NDArray, got ${describe(h)}`);
  return isFloat(like.dtype) && h.dtype !== like.dtype ? lax.convertElementType(h, like.dtype) : h;
}

/** 1 - h, for a number or an array hyperparameter. */
export const oneMinus = (h: Hyper): Hyper => (typeof h === "number" ? 1 - h : np.subtract(1, h));

/** -h for a number or an array. */
export const negate = (h: Hyper): Hyper => (typeof h === "number" ? -h : np.negative(h));

/** count + 1, saturating at the int32 maximum instead of wrapping (optax's safe_increment). */
export function safeIncrement(count: NDArray): NDArray {
  return lax.select(lax.lt(count, INT32_MAX), lax.add(count, 1), count);
}

/** A fresh step counter: an int32 scalar 0. */
export const zeroCount = (): NDArray => np.zeros([], "int32");

/** (1 - decay) · g^order + decay · m, leafwise: an exponential moving average of g^order. */
export function updateMoment(updates: unknown, moments: unknown, decay: Hyper, order: 1 | 2): unknown {
  return mapArrays(
    (g, m) => np.add(np.multiply(hyperLike(oneMinus(decay), g), order === 1 ? g : np.square(g)), np.multiply(hyperLike(decay, m), m)),
    updates,
    moments,
  );
}

/** m / (1 - decay^count), leafwise, computed in each moment's dtype. */
export function biasCorrection(moments: unknown, decay: Hyper, count: NDArray): unknown {
  return mapArrays((m) => {
    const t = lax.convertElementType(count, m.dtype);
    return np.divide(m, np.subtract(1, np.power(hyperLike(decay, m), t)));
  }, moments);
}

/** sqrt(Σ x²) over every leaf of the tree (0 for a tree with no leaves). */
export function globalNorm(t: unknown): NDArray {
  const squares = arrayLeaves(t).map((x) => np.sum(np.square(x)));
  if (squares.length === 0) return asArray(0, "globalNorm");
  return np.sqrt(squares.reduce((a, b) => np.add(a, b)));
}

/** max(‖x‖, minNorm), written so that its gradient at x = 0 is 0, not NaN (optax's safe_norm). */
export function safeNorm(x: NDArray, minNorm: Hyper): NDArray {
  const norm = np.sqrt(np.sum(np.square(x)));
  const small = np.lessEqual(norm, minNorm);
  const safeX = np.where(small, np.onesLike(x), x);
  return np.where(small, hyperLike(minNorm, norm), np.sqrt(np.sum(np.square(safeX))));
}

/** max(rms(x), minRms), with the same zero-safe gradient as safeNorm. */
export function safeRootMeanSquares(x: NDArray, minRms: Hyper): NDArray {
  const rms = np.sqrt(np.mean(np.square(x)));
  const small = np.lessEqual(rms, minRms);
  const safeX = np.where(small, np.onesLike(x), x);
  return np.where(small, hyperLike(minRms, rms), np.sqrt(np.mean(np.square(safeX))));
}

/** The dtype of the first float leaf, if any (what injected hyperparameters are cast to). */
export function firstFloatDtype(t: unknown): DType | undefined {
  for (const l of tree.leaves(t)) if (l instanceof NDArray && isFloat(l.dtype)) return l.dtype;
  return undefined;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "a JS array";
  if (typeof x === "object") return `an object (${(x as { constructor?: { name?: string } }).constructor?.name ?? "Object"})`;
  if (typeof x === "function") return "a function";
  return `${typeof x} ${String(x)}`;
}

/** A hyperparameter must be a finite number or an array: NaN and ±Infinity are refused. */
export function checkHyper(where: string, name: string, value: unknown): void {
  if (value instanceof NDArray) return;
  if (typeof value !== "number") throw new ArgumentError(`${where}: ${name} must be a number or an NDArray, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw new ArgumentError(`${where}: ${name} must be a finite number, got ${value}`);
}

/** checkHyper for an optional hyperparameter. */
export function checkOptionalHyper(where: string, name: string, value: unknown): void {
  if (value !== undefined && value !== null) checkHyper(where, name, value);
}

/** A learning rate is a non-negative finite number, an array, or a schedule (a function of the step). */
export function checkLearningRate(where: string, lr: unknown, name = "the learning rate"): void {
  if (typeof lr === "function" || lr instanceof NDArray) return;
  checkHyper(where, name, lr);
  if ((lr as number) < 0) {
    throw new ArgumentError(`${where}: ${name} must be non-negative (updates are already subtracted), got ${lr as number}`);
  }
}

/** A dtype option, when given, must be a float dtype. */
export function checkFloatDtype(where: string, name: string, dtype: DType | undefined): void {
  if (dtype !== undefined && !isFloat(dtype)) throw new ArgumentError(`${where}: ${name} must be "float32" or "float64", got ${JSON.stringify(dtype)}`);
}

export { describe };
