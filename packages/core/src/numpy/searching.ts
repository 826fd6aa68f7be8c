// numpy's searches in sorted arrays (searchsorted, digitize) and multi-way selection (select).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { checkOptions } from "../options.js";
import { fmtShape } from "../shape.js";
import { greaterEqual, less, lessEqual, subtract, where } from "./elementwise.js";
import { promoteDTypes } from "./promote.js";
import { sum } from "./reductions.js";
import { reshape } from "./shape.js";
import { take } from "./indexing.js";

/** searchsorted(a, v, { side, sorter }): for each element of v, where it would be inserted into
 * the sorted 1-D a to keep it sorted — before equal elements ("left") or after ("right").
 *
 * @example
 * np.searchsorted(array([1, 3, 5]), array([0, 3, 6])); // [0, 1, 3]
 * np.searchsorted(array([1, 3, 5]), 3, { side: "right" }); // 2
 */
export function searchsorted(a: Operand, v: Operand, opts: { readonly side?: "left" | "right"; readonly sorter?: Operand } = {}): NDArray {
  checkOptions(opts, "searchsorted", { side: ["left", "right"], sorter: "any" });
  let [s, x] = promoteDTypes("searchsorted", [a, v]);
  if (s!.ndim !== 1) throw new ShapeError(`searchsorted: a must be 1-D, got ${fmtShape(s!.shape)}`);
  if (opts.sorter !== undefined) s = take(s!, asArray(opts.sorter, "searchsorted"));
  const n = s!.shape[0]!;
  // count the elements of a before each v: compare every pair (v's shape + [n]) and sum
  const xs = reshape(x!, [...x!.shape, 1]);
  const as = reshape(s!, [...x!.shape.map(() => 1), n]);
  const before = (opts.side ?? "left") === "left" ? less(as, xs) : lessEqual(as, xs);
  return sum(lax.convertElementType(before, "int32"), { axis: -1 });
}

/** digitize(x, bins, { right }): the index of the bin of each x in monotonic bins (increasing
 * or decreasing), numpy's convention for which edge belongs to which bin.
 *
 * @example
 * np.digitize(array([0.5, 1.5, 2.5]), array([1, 2])); // [0, 1, 2]
 */
export function digitize(x: Operand, bins: Operand, opts: { readonly right?: boolean } = {}): NDArray {
  checkOptions(opts, "digitize", { right: "boolean" });
  const b = asArray(bins, "digitize");
  const xs = asArray(x, "digitize");
  // (as numpy: bins are ordered, so neither they nor x may be complex; never a cast that drops the imaginary part)
  if (isComplex(xs.dtype)) throw new DTypeError(`digitize: x may not be complex, got ${xs.aval.str()}`);
  if (isComplex(b.dtype)) throw new DTypeError(`digitize: bins may not be complex, got ${b.aval.str()}`);
  if (b.ndim !== 1) throw new ShapeError(`digitize: bins must be 1-D, got ${fmtShape(b.shape)}`);
  const n = b.shape[0]!;
  if (n === 0) return lax.convertElementType(lax.mul(xs, 0), "int32");
  const side = opts.right === true ? "left" : "right";
  const up = searchsorted(b, x, { side });
  // decreasing bins: search the reversed bins, counted from the other end
  const down = subtract(n, searchsorted(lax.rev(b, [0]), x, { side: side === "left" ? "right" : "left" }));
  const increasing = greaterEqual(lax.slice(b, [n - 1], [n]), lax.slice(b, [0], [1]));
  return where(reshape(increasing, []), up, down);
}

/**
 * select(condlist, choicelist, default): choicelist[i] where condlist[i] is the first that holds, else `default`.
 *
 * @example
 * const x = array([-2, 0, 3]);
 * np.select([x.lt(0), x.gt(0)], [x.neg(), x.mul(10)], -1); // [2, -1, 30]
 */
export function select(condlist: readonly Operand[], choicelist: readonly Operand[], defaultValue: Operand = 0): NDArray {
  if (!Array.isArray(condlist) || !Array.isArray(choicelist)) throw new ArgumentError("select: condlist and choicelist must be lists");
  if (condlist.length !== choicelist.length) throw new ArgumentError(`select: condlist and choicelist must have the same length, got ${condlist.length} and ${choicelist.length}`);
  if (condlist.length === 0) throw new ArgumentError("select: condlist must not be empty");
  let out = asArray(defaultValue, "select");
  for (let i = condlist.length - 1; i >= 0; i--) {
    const c = asArray(condlist[i], "select");
    if (c.dtype !== "bool") throw new ArgumentError(`select: condlist[${i}] must be a bool array, got ${c.dtype}`);
    out = where(c, asArray(choicelist[i], "select"), out);
  }
  return out;
}
