// Transformations of transformations (optax's masking, MultiSteps and inject_hyperparams):
// apply one to part of the tree, accumulate gradients over k steps, expose hyperparameters
// (and their schedules) in the state.
import { ArgumentError, checkOptions, config, type DType, isFloat, lax, NDArray, np, tree, TreeStructureError } from "@jaxts/core";
import { checkTransformation, type GradientTransformation, transformation } from "./base.js";
import type { Schedule } from "./schedules.js";
import { checkFloatDtype, describe, firstFloatDtype, mapArrays, safeIncrement, zeroCount, zerosLikeTree } from "./tree-util.js";

// ---------------------------------------------------------------------------------------
// masked

/** A tree of booleans with the structure of the params (or a prefix of it: a boolean
 * stands for its whole subtree), or a function that builds one from the params. */
export type MaskOrFn = unknown;

export interface MaskedState<S = unknown> {
  readonly innerState: S;
}

/** `t` with the subtrees the mask sets to false replaced by null (an empty subtree). */
function applyMask(t: unknown, mask: unknown, path: string): unknown {
  if (typeof mask === "boolean") return mask ? t : null;
  if (Array.isArray(mask)) {
    if (!Array.isArray(t) || t.length !== mask.length) throw maskMismatch(path, mask, t);
    return mask.map((m, i) => applyMask(t[i], m, `${path}[${i}]`));
  }
  if (tree.isPlainObject(mask)) {
    const keys = Object.keys(mask).sort();
    if (!tree.isPlainObject(t) || Object.keys(t).sort().join("\u0000") !== keys.join("\u0000")) throw maskMismatch(path, mask, t);
    return Object.fromEntries(keys.map((k) => [k, applyMask(t[k], mask[k], `${path}.${k}`)]));
  }
  throw new ArgumentError(`masked: mask leaves must be booleans, got ${describe(mask)} at ${path || "(root)"}`);
}

/** Where the mask is true take `inner`'s subtree, elsewhere `outer`'s. */
function mergeMasked(mask: unknown, inner: unknown, outer: unknown): unknown {
  if (typeof mask === "boolean") return mask ? inner : outer;
  if (Array.isArray(mask)) return mask.map((m, i) => mergeMasked(m, (inner as unknown[])[i], (outer as unknown[])[i]));
  const m = mask as Record<string, unknown>;
  const a = inner as Record<string, unknown>;
  const b = outer as Record<string, unknown>;
  return Object.fromEntries(Object.keys(m).map((k) => [k, mergeMasked(m[k], a[k], b[k])]));
}

function maskMismatch(path: string, mask: unknown, t: unknown): TreeStructureError {
  return new TreeStructureError(`masked: the mask does not match the tree at ${path || "(root)"}: mask ${String(tree.structure(mask))} vs tree ${String(tree.structure(t))}`);
}

/**
 * Applies `inner` only where the mask is true; other leaves pass through unchanged
 * (`u ← mask ? inner(g) : g`), and `inner` keeps state only for the masked-in leaves.
 *
 * @example
 * import { array, type NDArray, tree } from "@jaxts/core";
 * import { addDecayedWeights, chain, masked, scaleByAdam, scaleByLearningRate } from "@jaxts/optim";
 *
 * // weight decay on matrices only, not on biases
 * const decay = masked(addDecayedWeights(1e-4), (p: unknown) => tree.map((x) => (x as NDArray).ndim > 1, p));
 * const opt = chain(scaleByAdam(), decay, scaleByLearningRate(1e-3));
 * const state = opt.init({ w: array([[1, 2], [3, 4]]), b: array([0, 0]) });
 */
export function masked<S>(inner: GradientTransformation<S>, mask: MaskOrFn): GradientTransformation<MaskedState<S>> {
  checkTransformation("masked", inner, 1);
  const maskFor = (t: unknown): unknown => (typeof mask === "function" ? (mask as (p: unknown) => unknown)(t) : mask);
  return transformation(
    "masked",
    (params) => ({ innerState: inner.init(applyMask(params, maskFor(params), "")) }),
    (updates, state, params) => {
      const m = maskFor(updates);
      const maskedParams = params === undefined || params === null ? undefined : applyMask(params, m, "");
      const [newUpdates, innerState] = inner.update(applyMask(updates, m, ""), state.innerState, maskedParams);
      return [mergeMasked(m, newUpdates, updates), { innerState }];
    },
  );
}

// ---------------------------------------------------------------------------------------
// multiSteps

export interface MultiStepsState<S = unknown> {
  /** Mini-steps accumulated since the last real update (int32). */
  readonly miniStep: NDArray;
  /** Real updates so far (int32). */
  readonly gradientStep: NDArray;
  readonly innerOptState: S;
  readonly accGrads: unknown;
}

export interface MultiSteps<S> extends GradientTransformation<MultiStepsState<S>> {
  /** True (a bool scalar) right after a step that applied the accumulated update. */
  hasUpdated(state: MultiStepsState<S>): NDArray;
}

/**
 * Gradient accumulation: gradients are averaged (summed with `useGradMean: false`) over
 * `everyK` mini-steps; the inner optimizer runs on the average at every k-th step and the
 * updates in between are zero. `everyK` may be a schedule of the number of real steps.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 * import { adam, applyUpdates, multiSteps } from "@jaxts/optim";
 *
 * const loss = (p: { w: NDArray }, x: number) => np.sum(np.square(np.subtract(p.w, x)));
 * const opt = multiSteps(adam(0.1), 4); // one adam step per 4 mini-batches, on their mean gradient
 * let params = { w: array([0, 0]) };
 * let state = opt.init(params);
 * for (const x of [1, 2, 3, 4, 1, 2, 3, 4]) {
 *   let updates;
 *   [updates, state] = opt.update(grad(loss)(params, x), state, params); // zero on 3 of every 4 steps
 *   params = applyUpdates(params, updates);
 * }
 */
export function multiSteps<S>(
  inner: GradientTransformation<S>,
  everyK: number | ((gradientStep: NDArray) => NDArray | number),
  opts: { readonly useGradMean?: boolean } = {},
): MultiSteps<S> {
  checkOptions(opts, "multiSteps", { useGradMean: "boolean" });
  checkTransformation("multiSteps", inner, 1);
  if (typeof everyK === "number" && (!Number.isInteger(everyK) || everyK < 1)) {
    throw new ArgumentError(`multiSteps: everyK must be a positive integer or a schedule, got ${everyK}`);
  }
  if (typeof everyK !== "number" && typeof everyK !== "function") {
    throw new ArgumentError(`multiSteps: everyK must be a positive integer or a schedule, got ${describe(everyK)}`);
  }
  const useMean = opts.useGradMean ?? true;
  const tx = transformation<MultiStepsState<S>>(
    "multiSteps",
    (params) => ({ miniStep: zeroCount(), gradientStep: zeroCount(), innerOptState: inner.init(params), accGrads: zerosLikeTree(params) }),
    (updates, state, params) => {
      const k = typeof everyK === "number" ? everyK : np.astype(everyK(state.gradientStep), "int32");
      const n = state.miniStep;
      // Welford's running mean: acc + (g - acc)/(n + 1).
      const accGrads = mapArrays((g, acc) => (useMean ? np.add(acc, np.divide(np.subtract(g, acc), np.add(n, 1))) : np.add(g, acc)), updates, state.accGrads);
      const [finalUpdates, newInner] = inner.update(accGrads, state.innerOptState, params ?? undefined);
      const emit = np.equal(n, np.subtract(k, 1));
      const keep = (x: NDArray): NDArray => np.multiply(x, np.astype(np.logicalNot(emit), x.dtype));
      const next: MultiStepsState<S> = {
        miniStep: np.remainder(safeIncrement(n), k),
        gradientStep: lax.select(emit, safeIncrement(state.gradientStep), state.gradientStep),
        innerOptState: mapArrays((old, neu) => np.where(emit, neu, old), state.innerOptState, newInner) as S,
        accGrads: mapArrays((acc, u) => keep(np.astype(acc, u.dtype)), accGrads, finalUpdates),
      };
      return [mapArrays((u) => np.multiply(u, np.astype(emit, u.dtype)), finalUpdates), next];
    },
  );
  return {
    ...tx,
    hasUpdated: (state) => np.logicalAnd(np.equal(state.miniStep, 0), np.greater(state.gradientStep, 0)),
  };
}

// ---------------------------------------------------------------------------------------
// injectHyperparams

/** What the factory sees: numbers and schedules become scalar arrays (their current value);
 * the static hyperparameters `K` and non-numeric ones arrive unchanged. */
export type InjectedHyperparams<H, K extends keyof H = never> = {
  readonly [P in keyof H]: P extends K ? H[P] : H[P] extends number | NDArray | Schedule ? NDArray : H[P];
};

export interface InjectHyperparamsState<S = unknown> {
  readonly count: NDArray;
  /** The value of every numeric or scheduled hyperparameter that the last update used (the
   * step-0 values after init). Replace an unscheduled one here to change it for later steps. */
  readonly hyperparams: Readonly<Record<string, NDArray>>;
  readonly innerState: S;
}

export interface InjectHyperparamsOptions<K extends string> {
  /** Hyperparameters passed to the factory unchanged (integers such as a size, callables
   * that are not schedules). Booleans, strings and objects are always static. */
  readonly staticArgs?: readonly K[];
  /** The dtype of float hyperparameters; by default that of the first float leaf. */
  readonly hyperparamDtype?: DType;
}

/**
 * Moves hyperparameters into the optimizer state: `factory(h)` is rebuilt at every
 * update from the current values `h`, where each schedule is evaluated at the step
 * count (`h_t = s(t)`) and each number is read from `state.hyperparams`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { adam, injectHyperparams, schedules } from "@jaxts/optim";
 *
 * const opt = injectHyperparams((h) => adam(h.learningRate, { b1: h.b1 }), {
 *   learningRate: schedules.warmupCosineDecay(0, 1e-3, 100, 1000),
 *   b1: 0.9,
 * });
 * const params = { w: array([1, 2]) };
 * let state = opt.init(params);
 * let updates;
 * [updates, state] = opt.update({ w: array([0.1, 0.1]) }, state, params);
 * state.hyperparams.learningRate; // the learning rate this update used (a scalar array): 0 at step 0
 */
export function injectHyperparams<H extends Readonly<Record<string, unknown>>, S, const K extends keyof H & string = never>(
  factory: (hyperparams: InjectedHyperparams<H, K>) => GradientTransformation<S>,
  hyperparams: H,
  opts: InjectHyperparamsOptions<K> = {},
): GradientTransformation<InjectHyperparamsState<S>> {
  if (typeof factory !== "function") throw new ArgumentError(`injectHyperparams: the factory must be a function, got ${describe(factory)}`);
  if (!tree.isPlainObject(hyperparams)) throw new ArgumentError(`injectHyperparams: hyperparams must be a plain object, got ${describe(hyperparams)}`);
  checkOptions<InjectHyperparamsOptions<K>>(opts, "injectHyperparams", { staticArgs: "any", hyperparamDtype: "dtype" });
  checkFloatDtype("injectHyperparams", "hyperparamDtype", opts.hyperparamDtype);
  const staticNames = new Set<string>(opts.staticArgs ?? []);
  for (const name of staticNames) {
    if (!(name in hyperparams)) throw new ArgumentError(`injectHyperparams: staticArgs names "${name}", which is not one of the hyperparameters (${Object.keys(hyperparams).join(", ")})`);
  }
  const statics: Record<string, unknown> = {};
  const numerics: Record<string, number | NDArray> = {};
  const scheduled: Record<string, Schedule> = {};
  for (const [name, value] of Object.entries(hyperparams)) {
    if (staticNames.has(name) || typeof value === "boolean") statics[name] = value;
    else if (typeof value === "function") scheduled[name] = value as Schedule;
    else if (typeof value === "number" || value instanceof NDArray) {
      if (typeof value === "number" && !Number.isFinite(value)) throw new ArgumentError(`injectHyperparams: ${name} must be a finite number, got ${value}`);
      numerics[name] = value;
    } else statics[name] = value;
  }

  const dtypeFor = (t: unknown): DType => opts.hyperparamDtype ?? firstFloatDtype(t) ?? config.get().defaultFloat;
  const asHyper = (v: number | NDArray, dtype: DType): NDArray =>
    typeof v === "number" ? np.array(v, { dtype }) : isFloat(v.dtype) && v.dtype !== dtype ? np.astype(v, dtype) : v;
  const build = (values: Record<string, NDArray>): GradientTransformation<S> => {
    const tx = factory({ ...statics, ...values } as InjectedHyperparams<H, K>);
    if (typeof tx !== "object" || tx === null || typeof tx.init !== "function" || typeof tx.update !== "function") {
      throw new ArgumentError(`injectHyperparams: the factory must return a GradientTransformation ({ init, update }), got ${describe(tx)}`);
    }
    return tx;
  };
  const evaluate = (count: NDArray, dtype: DType): Record<string, NDArray> =>
    Object.fromEntries(Object.entries(scheduled).map(([name, f]) => [name, asHyper(f(count), dtype)]));

  return transformation(
    "injectHyperparams",
    (params) => {
      const dtype = dtypeFor(params);
      const count = zeroCount();
      const values = { ...Object.fromEntries(Object.entries(numerics).map(([k, v]) => [k, asHyper(v, dtype)])), ...evaluate(count, dtype) };
      return { count, hyperparams: values, innerState: build(values).init(params) };
    },
    (updates, state, params) => {
      if (!tree.isPlainObject(state.hyperparams)) {
        throw new ArgumentError(`injectHyperparams.update: the state must be the one init returned ({ count, hyperparams, innerState }), got ${describe(state)}`);
      }
      const dtype = dtypeFor(updates);
      const values = { ...Object.fromEntries(Object.entries(state.hyperparams).map(([k, v]) => [k, asHyper(v, dtype)])), ...evaluate(state.count, dtype) };
      const [out, innerState] = build(values).update(updates, state.innerState, params ?? undefined);
      return [out, { count: safeIncrement(state.count), hyperparams: values, innerState }];
    },
  );
}
