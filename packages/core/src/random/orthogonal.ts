// Haar-distributed orthogonal matrices, as JAX's random.orthogonal: the Q of a Gaussian
// matrix's QR with each column's sign set by R's diagonal (without that correction the
// distribution depends on the QR's sign convention and is not uniform). A complex dtype
// samples the unitary group U(n) the same way, from complex normals.
import type { NDArray } from "../array.js";
import { checkArrayShape, type DType, isComplex } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { describeValue } from "../shape.js";
import { normal } from "./floats.js";
import { checkKey, type PRNGKey } from "./keys.js";
import { floatDType } from "./params.js";

function dimension(v: unknown, name: string, where: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new ArgumentError(`${where}: ${name} must be a non-negative integer, got ${describeValue(v)}`);
  return v;
}

/**
 * orthogonal(key, n, shape?, dtype?, { m }): samples [...shape, n, m] (m defaults to n) from
 * the Haar measure: square ones are uniform on O(n) (on the unitary group U(n) for a complex
 * dtype, as JAX's); with n ≠ m the columns (n > m) or rows (n < m) are orthonormal.
 *
 * @example
 * const q = random.orthogonal(random.key(0), 3);
 * np.allclose(np.matmul(q, q.transpose()), eye(3), { atol: 1e-5 }).item(); // true
 */
export function orthogonal(k: PRNGKey, n: number, shape: readonly number[] = [], dtype?: DType, opts: { readonly m?: number } = {}): NDArray {
  const where = "random.orthogonal";
  checkOptions(opts, where, { m: "integer" });
  const kk = checkKey(k, where);
  const d = dtype !== undefined && isComplex(dtype) ? dtype : floatDType(dtype, where);
  const rows = dimension(n, "n", where);
  const cols = opts.m === undefined ? rows : dimension(opts.m, "m", where);
  const batch = checkArrayShape(shape, d, where);
  const z = normal(kk, checkArrayShape([...batch, Math.max(rows, cols), Math.min(rows, cols)], d, where), d);
  const { Q, R } = np.linalg.qr(z);
  const signs = np.sign(np.diagonal(R, { axis1: -2, axis2: -1 }));
  const x = np.multiply(Q, np.expandDims(signs, -2));
  return rows < cols ? np.swapaxes(x, -1, -2) : x;
}
