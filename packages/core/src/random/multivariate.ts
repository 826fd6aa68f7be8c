// Multivariate normal samples: mean + F z with F·Fᵀ the covariance (F its Cholesky factor, or
// U·√S from its SVD, or V·√w from its eigendecomposition, as JAX's `method`).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkArrayShape, type DType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { broadcastShapes, fmtShape } from "../shape.js";
import { normal } from "./floats.js";
import { checkKey, type PRNGKey } from "./keys.js";
import { checkBroadcastsTo, floatDType, floatParam } from "./params.js";

/**
 * The lower Cholesky factor of symmetric positive-definite matrices [..., n, n] (only the
 * lower triangle is read), column by column (Cholesky–Banachiewicz unrolled over the static
 * n), so it differentiates, vmaps and jits through ordinary primitives. A matrix that is not
 * positive definite gives NaNs, as JAX's cholesky. Sized for covariance matrices: n steps of
 * O(n²) work each.
 */
function cholesky(a: NDArray): NDArray {
  const n = a.shape[a.ndim - 1]!;
  const batch = a.shape.slice(0, -2);
  const lead = batch.map(() => 0);
  const column = (x: NDArray, j: number) => lax.reshape(lax.slice(x, [...lead, 0, j], [...batch, n, j + 1]), [...batch, n]);
  const rowIdx = lax.iota("int32", [n], 0);
  const cols: NDArray[] = [];
  for (let j = 0; j < n; j++) {
    let v = column(a, j);
    if (j > 0) {
      const done = np.stack(cols, { axis: -1 }); // [..., n, j]
      const rowJ = lax.reshape(lax.slice(done, [...lead, j, 0], [...batch, j + 1, j]), [...batch, j, 1]);
      v = lax.sub(v, lax.reshape(np.matmul(done, rowJ), [...batch, n]));
    }
    const diag = lax.sqrt(lax.slice(v, [...lead, j], [...batch, j + 1])); // [..., 1]
    const scaled = np.divide(v, diag);
    const below = lax.broadcastInDim(lax.ge(rowIdx, j), [...batch, n], [batch.length]);
    cols.push(lax.select(below, scaled, np.zerosLike(scaled)));
  }
  return np.stack(cols, { axis: -1 });
}

/** F with F·Fᵀ = cov, by JAX's methods. */
function factor(cov: NDArray, method: "cholesky" | "eigh" | "svd"): NDArray {
  if (method === "cholesky") return cholesky(cov);
  if (method === "svd") {
    const { U, S } = np.linalg.svd(cov);
    return np.multiply(U, np.expandDims(np.sqrt(S), -2));
  }
  const { eigenvalues, eigenvectors } = np.linalg.eigh(cov);
  return np.multiply(eigenvectors, np.expandDims(np.sqrt(eigenvalues), -2));
}

export interface MultivariateNormalOptions {
  /** the sample dtype (default: the promoted float dtype of mean and cov) */
  readonly dtype?: DType;
  /** how to factor cov: "cholesky" (JAX's default, positive definite only), "eigh" or "svd"
   * (positive semi-definite allowed; a negative eigenvalue gives NaN with "eigh") */
  readonly method?: "cholesky" | "eigh" | "svd";
}

/**
 * Samples of N(mean, cov): mean [..., n], cov [..., n, n] (positive definite). The result has
 * shape `shape` + [n], `shape` defaulting to the broadcast of mean's and cov's batch shapes.
 * Differentiable in mean and cov.
 *
 * @example
 * random.multivariateNormal(random.key(0), zeros([2]), eye(2), [5]).shape; // [5, 2]
 */
export function multivariateNormal(k: PRNGKey, mean: Operand, cov: Operand, shape?: readonly number[] | null, opts: MultivariateNormalOptions = {}): NDArray {
  const where = "random.multivariateNormal";
  const o = checkOptions(opts, where, { dtype: "dtype", method: ["cholesky", "eigh", "svd"] });
  const kk = checkKey(k, where);
  const m0 = asArray(mean, where);
  const c0 = asArray(cov, where);
  // JAX's promote_dtypes_inexact: float64 if either is float64, else the default float
  const promoted = np.resultType(m0, c0).dtype;
  const d = floatDType(o.dtype ?? (promoted === "float64" ? "float64" : undefined), where);
  const m = floatParam(m0, d, where, "mean");
  const c = floatParam(c0, d, where, "cov");
  if (m.ndim < 1) throw new ShapeError(`${where}: mean must have at least one axis, got shape ${fmtShape(m.shape)}`);
  const n = m.shape[m.ndim - 1]!;
  if (c.ndim < 2 || c.shape[c.ndim - 1] !== n || c.shape[c.ndim - 2] !== n) {
    throw new ShapeError(`${where}: cov must have shape [..., ${n}, ${n}] to match mean's last axis ${n}, got ${fmtShape(c.shape)}`);
  }
  const batches = [m.shape.slice(0, -1), c.shape.slice(0, -2)];
  const s = shape === undefined || shape === null ? broadcastShapes(where, ...batches) : checkArrayShape(shape, d, where);
  checkBroadcastsTo(s, batches, where);
  const z = normal(kk, checkArrayShape([...s, n], d, where), d);
  const lz = np.matmul(factor(c, o.method ?? "cholesky"), np.expandDims(z, -1));
  return np.add(m, np.squeeze(lz, { axis: -1 }));
}
