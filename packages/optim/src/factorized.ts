// Adafactor's factored second-moment estimate (optax's factorized.py): for a matrix-like
// parameter, row and column means of g² stand in for the full second moment.
import { lax, type NDArray, np, tree, checkOptions } from "@jaxts/core";
import { type GradientTransformation, requireParams, transformation } from "./base.js";
import { atLeaf, checkHyper, flattenTogether, mapArrays, safeIncrement, zeroCount } from "./tree-util.js";

export interface FactoredState {
  readonly count: NDArray;
  /** Row statistics of factored leaves (a [1] placeholder elsewhere). */
  readonly vRow: unknown;
  /** Column statistics of factored leaves (a [1] placeholder elsewhere). */
  readonly vCol: unknown;
  /** Full statistics of unfactored leaves (a [1] placeholder elsewhere). */
  readonly v: unknown;
}

export interface ScaleByFactoredRmsOptions {
  readonly factored?: boolean;
  readonly decayRate?: number;
  readonly stepOffset?: number;
  readonly minDimSizeToFactor?: number;
  readonly epsilon?: number;
}

/** The two largest axes [d1, d0] (d0 the largest) when both reach `minDim`; ties keep axis order. */
function factoredDims(shape: readonly number[], factored: boolean, minDim: number): [number, number] | undefined {
  if (!factored || shape.length < 2) return undefined;
  const sorted = shape.map((_, i) => i).sort((a, b) => shape[a]! - shape[b]! || a - b);
  const d1 = sorted[sorted.length - 2]!;
  const d0 = sorted[sorted.length - 1]!;
  return shape[d1]! < minDim ? undefined : [d1, d0];
}

const without = (shape: readonly number[], axis: number): number[] => shape.filter((_, i) => i !== axis);

/**
 * Adafactor's rescaling with decay `β_t = 1 - (t+1)^(-decayRate)`: for a leaf whose two
 * largest axes reach `minDimSizeToFactor`, `R ← β_t R + (1-β_t)·mean_cols(g² + ε)`,
 * `C ← β_t C + (1-β_t)·mean_rows(g² + ε)`, `u ← g / √(R/mean(R) ⊗ C)`; otherwise
 * `v ← β_t v + (1-β_t)(g² + ε)`, `u ← g / √v`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { scaleByFactoredRms } from "@jaxts/optim";
 *
 * const tx = scaleByFactoredRms({ minDimSizeToFactor: 2 });
 * const params = { m: array([[1, 2, 3], [4, 5, 6]]) };
 * const state = tx.init(params); // state.vRow.m: shape [2], state.vCol.m: shape [3]
 * const [u] = tx.update({ m: array([[1, 1, 1], [2, 2, 2]]) }, state, params);
 */
export function scaleByFactoredRms(opts: ScaleByFactoredRmsOptions = {}): GradientTransformation<FactoredState> {
  checkOptions(opts, "scaleByFactoredRms", { factored: "boolean", decayRate: "number", stepOffset: "number", minDimSizeToFactor: "number", epsilon: "number" });
  const { factored = true, decayRate = 0.8, stepOffset = 0, minDimSizeToFactor = 128, epsilon = 1e-30 } = opts;
  for (const [name, v] of [["decayRate", decayRate], ["stepOffset", stepOffset], ["minDimSizeToFactor", minDimSizeToFactor], ["epsilon", epsilon]] as const) {
    checkHyper("scaleByFactoredRms", name, v);
  }
  const placeholder = (p: NDArray): NDArray => np.zeros([1], p.dtype);

  return transformation(
    "scaleByFactoredRms",
    (params) => {
      const dims = (p: NDArray) => factoredDims(p.shape, factored, minDimSizeToFactor);
      return {
        count: zeroCount(),
        vRow: mapArrays((p) => {
          const d = dims(p);
          return d === undefined ? placeholder(p) : np.zeros(without(p.shape, d[1]), p.dtype);
        }, params),
        vCol: mapArrays((p) => {
          const d = dims(p);
          return d === undefined ? placeholder(p) : np.zeros(without(p.shape, d[0]), p.dtype);
        }, params),
        v: mapArrays((p) => (dims(p) === undefined ? np.zeros(p.shape, p.dtype) : placeholder(p)), params),
      };
    },
    (grads, state, params) => {
      requireParams("scaleByFactoredRms", params);
      // Optax computes the decay in float32 whatever the parameters' dtype; so do we.
      const t = np.add(lax.convertElementType(np.subtract(state.count, stepOffset), "float32"), 1);
      const rate = np.subtract(1, np.power(t, -decayRate));
      const [def, [gs = [], rows = [], cols = [], vs = [], ps = []]] = flattenTogether("scaleByFactoredRms", grads, state.vRow, state.vCol, state.v, params);
      const paths = tree.leafPaths(grads);
      const results = gs.map((g, i) =>
        atLeaf(paths[i], () => {
          const [vRow, vCol, v, p] = [rows[i]!, cols[i]!, vs[i]!, ps[i]!];
          const gradSqr = np.add(np.square(g), epsilon);
          const dims = factoredDims(p.shape, factored, minDimSizeToFactor);
          if (dims === undefined) {
            const newV = np.add(np.multiply(rate, v), np.multiply(np.subtract(1, rate), gradSqr));
            return [np.multiply(g, np.power(newV, -0.5)), placeholder(p), placeholder(p), newV] as const;
          }
          const [d1, d0] = dims;
          const newRow = np.add(np.multiply(rate, vRow), np.multiply(np.subtract(1, rate), np.mean(gradSqr, { axis: d0 })));
          const newCol = np.add(np.multiply(rate, vCol), np.multiply(np.subtract(1, rate), np.mean(gradSqr, { axis: d1 })));
          const reducedD1 = d1 > d0 ? d1 - 1 : d1;
          const rowFactor = np.power(np.divide(newRow, np.mean(newRow, { axis: reducedD1, keepdims: true })), -0.5);
          const colFactor = np.power(newCol, -0.5);
          const update = np.multiply(np.multiply(g, np.expandDims(rowFactor, d0)), np.expandDims(colFactor, d1));
          return [update, newRow, newCol, placeholder(p)] as const;
        }),
      );
      const part = (k: 0 | 1 | 2 | 3): unknown => tree.unflatten(def, results.map((r) => r[k]));
      return [part(0), { count: safeIncrement(state.count), vRow: part(1), vCol: part(2), v: part(3) }];
    },
  );
}
