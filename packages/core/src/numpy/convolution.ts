// numpy's 1-D discrete convolution and cross-correlation, with numpy's modes (and JAX's
// padding of them). A correlation is a sliding dot product: the windows of the padded longer
// operand are gathered by a constant index table and multiplied by the shorter one, so the
// result differentiates (the gather's transpose is a scatter-add) and batches like any
// numpy function.
import { ConcreteArray, type NDArray, type Operand } from "../array.js";
import { ShapedArray } from "../aval.js";
import { allocate, checkArrayShape, isComplex } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { fmtShape } from "../shape.js";
import { take } from "./indexing.js";
import { matmul } from "./linalg.js";
import { promoteDTypes } from "./promote.js";
import { flip } from "./shape.js";

type Mode = "full" | "same" | "valid";

/** out[i] = Σ_j xp[i + j] · y[j] over the zero-padded x. */
function slide(x: NDArray, y: NDArray, mode: Mode): NDArray {
  const m = y.shape[0]!;
  const [lo, hi] = mode === "valid" ? [0, 0] : mode === "same" ? [Math.floor(m / 2), m - Math.floor(m / 2) - 1] : [m - 1, m - 1];
  const xp = lo + hi === 0 ? x : lax.pad(x, lax.convertElementType(0, x.dtype, x.weakType), [[lo, hi, 0]]);
  const len = xp.shape[0]! - m + 1;
  checkArrayShape([len, m], "int32", "convolve");
  const index = allocate("int32", len * m);
  for (let i = 0; i < len; i++) for (let j = 0; j < m; j++) index[i * m + j] = i + j;
  const windows = take(xp, new ConcreteArray(new ShapedArray([len, m], "int32"), index), { axis: 0 });
  return matmul(windows, y);
}

function operands(where: string, a: Operand, v: Operand): [NDArray, NDArray] {
  const [x, y] = promoteDTypes(where, [a, v]);
  for (const t of [x!, y!]) if (t.ndim !== 1) throw new ShapeError(`${where}: expected 1-D arrays, got ${fmtShape(t.shape)}`);
  if (x!.shape[0] === 0 || y!.shape[0] === 0) throw new ArgumentError(`${where}: the arrays must not be empty`);
  const d = x!.dtype === "bool" ? "int32" : x!.dtype;
  return [lax.convertElementType(x!, d, x!.weakType), lax.convertElementType(y!, d, y!.weakType)];
}

const modeOf = (opts: { readonly mode?: Mode }, where: string, fallback: Mode): Mode => checkOptions(opts, where, { mode: ["full", "same", "valid"] }).mode ?? fallback;

/**
 * convolve(a, v, { mode }): the discrete linear convolution of two 1-D arrays ("full" by default).
 *
 * @example
 * np.convolve(array([1, 2, 3]), array([0, 1, 0.5])); // [0, 1, 2.5, 4, 1.5]
 * np.convolve(array([1, 2, 3]), array([0, 1, 0.5]), { mode: "same" }); // [1, 2.5, 4]
 */
export function convolve(a: Operand, v: Operand, opts: { readonly mode?: Mode } = {}): NDArray {
  const mode = modeOf(opts, "convolve", "full");
  let [x, y] = operands("convolve", a, v);
  if (x.shape[0]! < y.shape[0]!) [x, y] = [y, x];
  return slide(x, flip(y), mode);
}

/**
 * correlate(a, v, { mode }): the cross-correlation c[k] = Σ_n a[n + k]·v[n] of two 1-D arrays ("valid" by default).
 *
 * @example
 * np.correlate(array([1, 2, 3]), array([0, 1, 0.5])); // [3.5]
 */
export function correlate(a: Operand, v: Operand, opts: { readonly mode?: Mode } = {}): NDArray {
  const mode = modeOf(opts, "correlate", "valid");
  const [x, y0] = operands("correlate", a, v);
  // numpy's and JAX's correlation conjugates v: c_k = Σ a[n + k]·conj(v[n])
  const y = isComplex(y0!.dtype) ? lax.conj(y0!) : y0!;
  // correlate(a, v) is correlate(v, a) reversed: slide the shorter over the longer
  return x.shape[0]! < y.shape[0]! ? flip(slide(y, x, mode)) : slide(x, y, mode);
}
