// numpy's weighted statistics: average, cov, corrcoef.
import type { NDArray, Operand } from "../array.js";
import { ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { fmtShape, normalizeAxes } from "../shape.js";
import { clip, divide, multiply, sqrt, subtract } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { mean, sum } from "./reductions.js";
import { broadcastTo, concatenate, reshape, squeeze, transpose } from "./shape.js";
import { diagonal } from "./construction.js";
import { castTo, realFloatOf, resultTypeIn } from "./promote.js";

const asFloat = realFloatOf;

export interface AverageOptions {
  readonly axis?: number | readonly number[];
  /** Weights of a's shape, or 1-D along a single `axis`. */
  readonly weights?: Operand;
  /** Also return the sum of the weights (broadcast to the result's shape). */
  readonly returned?: boolean;
  readonly keepdims?: boolean;
}

/**
 * average(a, { axis, weights, returned, keepdims }): the weighted mean (the mean without weights).
 *
 * @example
 * np.average(array([1, 2, 3]), { weights: array([3, 1, 0]) }); // 1.25
 */
export function average(a: Operand, opts: AverageOptions = {}): NDArray | [NDArray, NDArray] {
  checkOptions(opts, "average", { axis: "axes", weights: "any", returned: "boolean", keepdims: "boolean" });
  const x = asFloat(a, "average");
  const red = { ...(opts.axis === undefined ? {} : { axis: opts.axis }), ...(opts.keepdims === undefined ? {} : { keepdims: opts.keepdims }) };
  if (opts.weights === undefined) {
    const avg = mean(x, red);
    if (opts.returned !== true) return avg;
    const axes = normalizeAxes(opts.axis, x.ndim, "average");
    const count = axes.reduce((p, ax) => p * x.shape[ax]!, 1);
    return [avg, broadcastTo(lax.convertElementType(count, avg.dtype), avg.shape)];
  }
  let w = asFloat(opts.weights, "average");
  if (w.shape.join() !== x.shape.join()) {
    // 1-D weights along one axis
    if (opts.axis === undefined || typeof opts.axis !== "number") throw new ShapeError(`average: weights of shape ${fmtShape(w.shape)} differ from a's ${fmtShape(x.shape)}; give a single axis for 1-D weights`);
    const [axis] = normalizeAxes(opts.axis, x.ndim, "average");
    if (w.ndim !== 1 || w.shape[0] !== x.shape[axis!]) throw new ShapeError(`average: 1-D weights must have length ${x.shape[axis!]} (a's axis ${opts.axis}), got ${fmtShape(w.shape)}`);
    w = broadcastTo(reshape(w, x.shape.map((d, k) => (k === axis ? d : 1))), x.shape);
  }
  const wsum = sum(w, red);
  const avg = divide(sum(multiply(x, w), red), wsum);
  return opts.returned === true ? [avg, broadcastTo(wsum, avg.shape)] : avg;
}

export interface CovOptions {
  /** More variables (rows, or columns when rowvar is false), stacked after m's. */
  readonly y?: Operand;
  /** Each row is a variable (true, the default), or each column. */
  readonly rowvar?: boolean;
  /** Normalise by N (true) instead of N − 1. */
  readonly bias?: boolean;
  /** Normalise by N − ddof (overrides bias). */
  readonly ddof?: number;
  /** Integer frequency weights per observation. */
  readonly fweights?: Operand;
  /** Observation (reliability) weights. */
  readonly aweights?: Operand;
}

/** Variables as rows, observations as columns. */
function asRows(x: Operand, rowvar: boolean, where: string): NDArray {
  const a = asFloat(x, where);
  if (a.ndim > 2) throw new ShapeError(`${where}: expected a 1-D or 2-D array, got ${fmtShape(a.shape)}`);
  const two = a.ndim < 2 ? reshape(a, [1, a.size]) : a;
  return !rowvar && two.shape[0] !== 1 ? transpose(two) : two;
}

/**
 * cov(m, { y, rowvar, bias, ddof, fweights, aweights }): the covariance matrix (a scalar for one variable).
 *
 * @example
 * np.cov(array([[1, 2, 3], [2, 4, 6]])); // [[1, 2], [2, 4]]
 */
export function cov(m: Operand, opts: CovOptions = {}): NDArray {
  checkOptions(opts, "cov", { y: "any", rowvar: "boolean", bias: "boolean", ddof: "integer", fweights: "any", aweights: "any" });
  const rowvar = opts.rowvar ?? true;
  let x = asRows(m, rowvar, "cov");
  if (opts.y !== undefined) x = concatenate([x, asRows(opts.y, rowvar, "cov")], { axis: 0 });
  const n = x.shape[1]!;
  const ddof = opts.ddof ?? (opts.bias === true ? 0 : 1);
  const weight = (v: Operand | undefined, what: string): NDArray | undefined => {
    if (v === undefined) return undefined;
    const w = asFloat(v, "cov");
    if (w.ndim !== 1 || w.shape[0] !== n) throw new ShapeError(`cov: ${what} must be 1-D of length ${n} (one per observation), got ${fmtShape(w.shape)}`);
    return w;
  };
  // (m and the weights in one dtype, the wider: float64 weights are never rounded to float32)
  let fw = weight(opts.fweights, "fweights");
  let aw = weight(opts.aweights, "aweights");
  const t = resultTypeIn("cov", [x, ...(fw === undefined ? [] : [fw]), ...(aw === undefined ? [] : [aw])]);
  x = castTo(x, t, "cov");
  fw = fw === undefined ? undefined : castTo(fw, t, "cov");
  aw = aw === undefined ? undefined : castTo(aw, t, "cov");
  const w = fw === undefined ? aw : aw === undefined ? fw : multiply(fw, aw);
  if (w === undefined) {
    const centred = subtract(x, mean(x, { axis: 1, keepdims: true }));
    const c = divide(matmul(centred, transpose(centred)), n - ddof);
    return squeeze(c);
  }
  const wsum = sum(w);
  const avg = divide(sum(multiply(x, w), { axis: 1, keepdims: true }), wsum);
  // numpy's normalisation: N − ddof generalised to weights
  const fact = ddof === 0 ? wsum : aw === undefined ? subtract(wsum, ddof) : subtract(wsum, divide(multiply(ddof, sum(multiply(w, aw))), wsum));
  const centred = subtract(x, avg);
  return squeeze(divide(matmul(multiply(centred, w), transpose(centred)), fact));
}

/**
 * corrcoef(x, { y, rowvar }): Pearson correlation coefficients, clipped to [−1, 1].
 *
 * @example
 * np.corrcoef(array([[1, 2, 3], [3, 2, 1]])); // [[1, -1], [-1, 1]]
 */
export function corrcoef(x: Operand, opts: { readonly y?: Operand; readonly rowvar?: boolean } = {}): NDArray {
  checkOptions(opts, "corrcoef", { y: "any", rowvar: "boolean" });
  const c = cov(x, opts);
  if (c.ndim === 0) return divide(c, c);
  const d = sqrt(diagonal(c));
  const k = d.shape[0]!;
  return clip(divide(divide(c, reshape(d, [k, 1])), reshape(d, [1, k])), -1, 1);
}
