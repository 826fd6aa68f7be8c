// Arrays built by calling a function: fromfunction (on the index grid) and piecewise (one
// function per condition).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { checkArrayShape, checkDType, type DType } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import { defaultFloat } from "../config.js";
import { broadcastTo } from "./promote.js";

/**
 * fromfunction(fn, shape, { dtype }): fn called once with one index array per axis (each of
 * `shape`, in `dtype`, default float), as numpy calls it; its result, broadcast to `shape`.
 * JAX maps fn over scalar indices with vmap instead: the results agree for every fn built from
 * elementwise operations, which is what fromfunction is for.
 *
 * @example
 * np.fromfunction((i, j) => i.mul(10).add(j), [2, 3]); // [[0, 1, 2], [10, 11, 12]]
 */
export function fromfunction(fn: (...indices: NDArray[]) => Operand, shape: readonly number[], opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "fromfunction", { dtype: "dtype" });
  if (typeof fn !== "function") throw new ArgumentError(`fromfunction: expected a function, got ${describeValue(fn)}`);
  const d = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "fromfunction");
  const dims = checkArrayShape(shape, d, "fromfunction");
  const grids = dims.map((_, i) => lax.iota(d, dims, i));
  const out = asArray(fn(...grids), "fromfunction");
  if (out.ndim > dims.length || out.shape.some((s, i) => s !== 1 && s !== dims[dims.length - out.ndim + i])) {
    throw new ShapeError(`fromfunction: fn returned shape ${fmtShape(out.shape)}, which does not broadcast to ${fmtShape(dims)}`);
  }
  return broadcastTo(out, dims);
}

/** A piece of piecewise: a function of x, or a constant. */
export type Piece = ((x: NDArray) => Operand) | number | boolean | NDArray;

/**
 * piecewise(x, condlist, funclist): where condlist[i] holds, funclist[i] (a function of x, or a
 * constant); where none holds, the extra last entry of funclist if given, else 0; where several
 * hold, the last. The result has x's shape and dtype. As in JAX, every function is evaluated on
 * the whole of x and the results are selected, so a piece must be defined (if not meaningful)
 * everywhere — guard its input as with `where` (see the sharp bits on NaN gradients).
 *
 * @example
 * const x = array([-1, 2]);
 * np.piecewise(x, [x.lt(0), x.ge(0)], [(v) => v.neg(), (v) => v.mul(2)]); // [1, 4]
 */
export function piecewise(x: Operand, condlist: readonly Operand[] | Operand, funclist: readonly Piece[]): NDArray {
  const a = asArray(x, "piecewise");
  const conds = (Array.isArray(condlist) ? condlist : [condlist]).map((c, i) => {
    const b = asArray(c as Operand, "piecewise");
    if (b.dtype !== "bool") throw new ArgumentError(`piecewise: condlist[${i}] must be a boolean array, got ${b.dtype}`);
    if (b.ndim > a.ndim || b.shape.some((s, k) => s !== 1 && s !== a.shape[a.ndim - b.ndim + k])) throw new ShapeError(`piecewise: condlist[${i}] has shape ${fmtShape(b.shape)}, which does not broadcast to x's ${fmtShape(a.shape)}`);
    return broadcastTo(b, a.shape);
  });
  if (!Array.isArray(funclist)) throw new ArgumentError(`piecewise: funclist must be a list, got ${describeValue(funclist)}`);
  const nc = conds.length;
  if (funclist.length !== nc && funclist.length !== nc + 1) {
    throw new ArgumentError(`piecewise: funclist must have ${nc} or ${nc + 1} entries (one per condition, and optionally a default), got ${funclist.length}`);
  }
  const value = (piece: Piece, i: number): NDArray => {
    const v = typeof piece === "function" ? piece(a) : piece;
    const r = asArray(v as Operand, "piecewise");
    if (r.ndim > a.ndim || r.shape.some((s, k) => s !== 1 && s !== a.shape[a.ndim - r.ndim + k])) throw new ShapeError(`piecewise: funclist[${i}] gave shape ${fmtShape(r.shape)}, which does not broadcast to x's ${fmtShape(a.shape)}`);
    return broadcastTo(lax.convertElementType(r, a.dtype), a.shape);
  };
  let out = funclist.length === nc + 1 ? value(funclist[nc]!, nc) : broadcastTo(lax.convertElementType(0, a.dtype), a.shape);
  // later conditions override earlier ones
  for (let i = 0; i < nc; i++) out = lax.select(conds[i]!, value(funclist[i]!, i), out);
  return out;
}
