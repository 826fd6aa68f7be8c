// Numerics over pytrees of arrays: the internal helpers the transformations are written
// with, and (at the end) the public tree utilities of optax.tree_utils (treeAdd, treeNorm,
// ...). Nothing here reads an array's value back to JS, so every transformation stays
// traceable (and so jit-able).
import { ArgumentError, asArray, checkOptions, type DType, fmtShape, isComplex, isFloat, JaxtsError, lax, NDArray, np, type Operand, ShapeError, tree } from "@jaxts/core";

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

/** |x|², elementwise: x² for reals, x·conj(x) (its real part) for complex values, as Optax's abs_sq. */
export function absSquare(x: NDArray): NDArray {
  return isComplex(x.dtype) ? np.real(np.multiply(x, np.conj(x))) : np.square(x);
}

/** (1 - decay) · g^order + decay · m, leafwise: an exponential moving average of g (order 1) or of
 * |g|² (order 2: Optax's per-element norm, so complex gradients give a real second moment). */
export function updateMoment(updates: unknown, moments: unknown, decay: Hyper, order: 1 | 2): unknown {
  return mapArrays(
    (g, m) => np.add(np.multiply(hyperLike(oneMinus(decay), g), order === 1 ? g : absSquare(g)), np.multiply(hyperLike(decay, m), m)),
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
  const squares = arrayLeaves(t).map((x) => np.sum(absSquare(x)));
  if (squares.length === 0) return asArray(0, "globalNorm");
  return np.sqrt(squares.reduce((a, b) => np.add(a, b)));
}

/** max(‖x‖, minNorm), written so that its gradient at x = 0 is 0, not NaN (optax's safe_norm). */
export function safeNorm(x: NDArray, minNorm: Hyper): NDArray {
  const norm = np.sqrt(np.sum(absSquare(x)));
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

// ---------------------------------------------------------------------------------------
// optax.tree_utils: arithmetic, reductions and norms over whole pytrees. Leaves may be
// arrays or JS numbers; trees combined leafwise must have one structure (a
// TreeStructureError names the first difference) and broadcast leaf against leaf.

const leafArray = (l: unknown, where: string): NDArray => asArray(l, where);
const leafwise = (where: string, f: (...xs: NDArray[]) => NDArray, ...trees: unknown[]): unknown =>
  tree.map((...ls: unknown[]) => f(...ls.map((l) => leafArray(l, where))), trees[0], ...trees.slice(1));

/**
 * x + y (+ more trees), leafwise.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeAdd } from "@jaxts/optim";
 *
 * treeAdd({ w: array([1, 2]) }, { w: array([10, 20]) }); // { w: [11, 22] }
 */
export const treeAdd = (x: unknown, y: unknown, ...others: unknown[]): unknown =>
  leafwise("treeAdd", (...ls) => ls.reduce((a, b) => np.add(a, b)), x, y, ...others);

/**
 * x − y, leafwise.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeSub } from "@jaxts/optim";
 *
 * treeSub([array([5])], [array([2])]); // [[3]]
 */
export const treeSub = (x: unknown, y: unknown): unknown => leafwise("treeSub", np.subtract, x, y);

/**
 * x · y, leafwise.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeMul } from "@jaxts/optim";
 *
 * treeMul([array([2, 3])], [array([4, 5])]); // [[8, 15]]
 */
export const treeMul = (x: unknown, y: unknown): unknown => leafwise("treeMul", np.multiply, x, y);

/**
 * x / y, leafwise.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeDiv } from "@jaxts/optim";
 *
 * treeDiv([array([1, 3])], [array([2, 2])]); // [[0.5, 1.5]]
 */
export const treeDiv = (x: unknown, y: unknown): unknown => leafwise("treeDiv", np.divide, x, y);

/**
 * scalar · t (optax's tree_scale).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeScale } from "@jaxts/optim";
 *
 * treeScale(0.5, [array([2, 4])]); // [[1, 2]]
 */
export const treeScale = (scalar: Operand, t: unknown): unknown => leafwise("treeScale", (x) => np.multiply(scalar, x), t);

/**
 * x + scalar · y (optax's tree_add_scale).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeAddScale } from "@jaxts/optim";
 *
 * treeAddScale([array([1])], -0.1, [array([10])]); // [[0]]
 */
export const treeAddScale = (x: unknown, scalar: Operand, y: unknown): unknown =>
  leafwise("treeAddScale", (a, b) => np.add(a, np.multiply(scalar, b)), x, y);

/** Σ x·y over every element of every leaf: the inner product of two trees of one structure
 * and matching leaf shapes (0 for trees with no leaves).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeVdot } from "@jaxts/optim";
 *
 * treeVdot({ a: array([1, 2]), b: array(3) }, { a: array([3, 4]), b: array(2) }); // 17
 */
export function treeVdot(x: unknown, y: unknown): NDArray {
  const [, [xs, ys]] = flattenTogether("treeVdot", x, y);
  const dots = xs!.map((a, i) => {
    const b = ys![i]!;
    if (a.shape.length !== b.shape.length || a.shape.some((d, k) => d !== b.shape[k])) {
      throw new ShapeError(`treeVdot: leaf ${i} has shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)}; the two trees' leaves must have equal shapes`);
    }
    return np.sum(np.multiply(a, b));
  });
  return dots.length === 0 ? asArray(0, "treeVdot") : dots.reduce((a, b) => np.add(a, b));
}

/**
 * The sum of every element of every leaf (0 for a tree with no leaves).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeSum } from "@jaxts/optim";
 *
 * treeSum({ a: array([1, 2]), b: array([[3]]) }); // 6
 */
export function treeSum(t: unknown): NDArray {
  const sums = arrayLeaves(t).map((x) => np.sum(x));
  return sums.length === 0 ? asArray(0, "treeSum") : sums.reduce((a, b) => np.add(a, b));
}

/** The extremum over the non-empty leaves, or `empty` when there are none (optax's initializer). */
function treeExtremum(t: unknown, reduce: (x: NDArray) => NDArray, combine: (a: NDArray, b: NDArray) => NDArray, empty: number, where: string): NDArray {
  const parts = arrayLeaves(t).filter((x) => x.size > 0).map(reduce);
  return parts.length === 0 ? asArray(empty, where) : parts.reduce(combine);
}

/** The largest element over every leaf (-Infinity when every leaf is empty). Unlike optax, an
 * integer tree gives an integer (optax's -inf initializer promotes it to float).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeMax } from "@jaxts/optim";
 *
 * treeMax({ a: array([1, 7]), b: array([3]) }); // 7
 */
export const treeMax = (t: unknown): NDArray => treeExtremum(t, (x) => np.max(x), np.maximum, Number.NEGATIVE_INFINITY, "treeMax");

/**
 * The smallest element over every leaf (+Infinity when every leaf is empty).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeMin } from "@jaxts/optim";
 *
 * treeMin({ a: array([1, 7]), b: array([-3]) }); // -3
 */
export const treeMin = (t: unknown): NDArray => treeExtremum(t, (x) => np.min(x), np.minimum, Number.POSITIVE_INFINITY, "treeMin");

/**
 * The number of elements over every leaf (a JS number leaf counts 1).
 *
 * @example
 * import { zeros } from "@jaxts/core";
 * import { treeSize } from "@jaxts/optim";
 *
 * treeSize({ w: zeros([3, 4]), b: zeros([4]) }); // 16
 */
export const treeSize = (t: unknown): number => arrayLeaves(t).reduce((n, x) => n + x.size, 0);

export interface TreeNormOptions {
  /** 2 (the default, also `null`), 1, or Infinity / "inf" / "infinity" (the max |x|). */
  readonly ord?: 1 | 2 | number | "inf" | "infinity" | null;
  /** Return the norm squared (for ord 2 this skips the square root). */
  readonly squared?: boolean;
}

/** The vector norm of every element of the tree taken together: (Σ|x|^ord)^(1/ord) for ord 1
 * and 2, max |x| for ord Infinity (optax's tree_norm).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeNorm } from "@jaxts/optim";
 *
 * treeNorm({ a: array([3]), b: array([4]) }); // 5
 * treeNorm({ a: array([3]), b: array([-4]) }, { ord: "inf" }); // 4
 */
export function treeNorm(t: unknown, opts: TreeNormOptions = {}): NDArray {
  checkOptions(opts, "treeNorm", { ord: "any", squared: "boolean" });
  const ord = opts.ord ?? 2;
  if (ord === 2) {
    const sq = treeSum(mapArrays((x) => np.square(x), t));
    return opts.squared === true ? sq : np.sqrt(sq);
  }
  let norm: NDArray;
  if (ord === 1) norm = treeSum(mapArrays((x) => np.abs(x), t));
  else if (ord === Number.POSITIVE_INFINITY || ord === "inf" || ord === "infinity") norm = treeMax(mapArrays((x) => np.abs(x), t));
  else throw new ArgumentError(`treeNorm: option \`ord\` must be 1, 2, Infinity, "inf" or "infinity" (or null for 2), got ${describe(ord)}`);
  return opts.squared === true ? np.square(norm) : norm;
}

export interface TreeDTypeOptions {
  /** The leaves' dtype (default: each leaf's own). */
  readonly dtype?: DType;
}

/**
 * A tree of one structure with every leaf zeros of that leaf's shape.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeZerosLike } from "@jaxts/optim";
 *
 * treeZerosLike({ w: array([1, 2]) }); // { w: [0, 0] }
 */
export function treeZerosLike(t: unknown, opts: TreeDTypeOptions = {}): unknown {
  checkOptions(opts, "treeZerosLike", { dtype: "dtype" });
  return leafwise("treeZerosLike", (x) => np.zerosLike(x, opts.dtype ?? x.dtype), t);
}

/**
 * A tree of one structure with every leaf ones of that leaf's shape.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeOnesLike } from "@jaxts/optim";
 *
 * treeOnesLike([array([5, 6])]); // [[1, 1]]
 */
export function treeOnesLike(t: unknown, opts: TreeDTypeOptions = {}): unknown {
  checkOptions(opts, "treeOnesLike", { dtype: "dtype" });
  return leafwise("treeOnesLike", (x) => np.onesLike(x, opts.dtype ?? x.dtype), t);
}

/** A tree of one structure with every leaf filled with `fillValue` (a number, or an array
 * broadcasting to each leaf's shape), in the leaf's dtype unless `dtype` is given.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeFullLike } from "@jaxts/optim";
 *
 * treeFullLike([array([5, 6])], 7); // [[7, 7]]
 */
export function treeFullLike(t: unknown, fillValue: Operand, opts: TreeDTypeOptions = {}): unknown {
  checkOptions(opts, "treeFullLike", { dtype: "dtype" });
  if (typeof fillValue !== "number" && !(fillValue instanceof NDArray)) throw new ArgumentError(`treeFullLike: fillValue must be a number or an NDArray, got ${describe(fillValue)}`);
  return leafwise("treeFullLike", (x) => np.broadcastTo(np.astype(asArray(fillValue, "treeFullLike"), opts.dtype ?? x.dtype), x.shape), t);
}

export interface TreeClipOptions {
  /** The lower bound (none when absent). */
  readonly minValue?: Operand | null;
  /** The upper bound (none when absent). */
  readonly maxValue?: Operand | null;
}

/**
 * Every leaf clipped to [minValue, maxValue].
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeClip } from "@jaxts/optim";
 *
 * treeClip([array([-2, 0.5, 3])], { minValue: -1, maxValue: 1 }); // [[-1, 0.5, 1]]
 */
export function treeClip(t: unknown, opts: TreeClipOptions = {}): unknown {
  checkOptions(opts, "treeClip", { minValue: "any", maxValue: "any" });
  for (const name of ["minValue", "maxValue"] as const) {
    const v = opts[name];
    if (v !== undefined && v !== null && typeof v !== "number" && !(v instanceof NDArray)) {
      throw new ArgumentError(`treeClip: option \`${name}\` must be a number, an NDArray or null, got ${describe(v)}`);
    }
  }
  return leafwise("treeClip", (x) => np.clip(x, opts.minValue, opts.maxValue), t);
}

/** Leafwise where(condition, x, y): `condition` (a boolean or a bool array) broadcasts
 * against every leaf.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeWhere } from "@jaxts/optim";
 *
 * treeWhere(array([true, false]), [array([1, 2])], [array([10, 20])]); // [[1, 20]]
 */
export function treeWhere(condition: Operand | boolean, x: unknown, y: unknown): unknown {
  const cond = asArray(condition, "treeWhere");
  return leafwise("treeWhere", (a, b) => np.where(cond, a, b), x, y);
}

export interface TreeAllcloseOptions {
  readonly rtol?: number;
  readonly atol?: number;
  readonly equalNan?: boolean;
}

/** Whether every leaf of `a` is close to the same leaf of `b` (np.allclose's rule), as a
 * bool scalar array.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { treeAllclose } from "@jaxts/optim";
 *
 * treeAllclose({ w: array([1, 2]) }, { w: array([1, 2.0000001]) }); // true
 */
export function treeAllclose(a: unknown, b: unknown, opts: TreeAllcloseOptions = {}): NDArray {
  checkOptions(opts, "treeAllclose", { rtol: "number", atol: "number", equalNan: "boolean" });
  const [, [as, bs]] = flattenTogether("treeAllclose", a, b);
  return as!.reduce((acc, x, i) => np.logicalAnd(acc, np.allclose(x, bs![i]!, opts)), asArray(true, "treeAllclose"));
}
