// Pooling layers as Flax defines them (flax.linen.max_pool / avg_pool): inputs laid out as
// (batch…, spatial…, features) — or (spatial…, features) for one example — and a window
// over the spatial axes only; thin wrappers over lax.reduceWindow, for 1-D, 2-D and 3-D.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import type { ConvPadding } from "../lax/index.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape } from "../shape.js";
import { onesLike } from "../numpy/creation.js";
import { divide } from "../numpy/elementwise.js";
import { expandDims, squeeze } from "../numpy/shape.js";

export interface PoolOptions {
  /** Steps between windows, one per spatial axis (1 by default). */
  readonly strides?: readonly number[];
  /** "VALID" (the default), "SAME", or one (low, high) pair per spatial axis. */
  readonly padding?: ConvPadding;
}

function pool(where: string, inputs: Operand, init: number, op: lax.WindowReduction, windowShape: readonly number[], opts: PoolOptions): NDArray {
  let x = asArray(inputs, where);
  if (!Array.isArray(windowShape) || windowShape.length === 0 || windowShape.length > 3) {
    throw new ArgumentError(`${where}: windowShape must list 1 to 3 window sizes (one per spatial axis), got ${describeValue(windowShape)}`);
  }
  const ns = windowShape.length;
  const batch = x.ndim - (ns + 1);
  if (batch < 0) throw new ShapeError(`${where}: inputs need ${ns} spatial axes and a feature axis (and optional batch axes), got ${fmtShape(x.shape)}`);
  const single = batch === 0;
  if (single) x = expandDims(x, 0);
  const nb = Math.max(batch, 1);
  const strides = opts.strides ?? new Array<number>(ns).fill(1);
  if (!Array.isArray(strides) || strides.length !== ns) throw new ArgumentError(`${where}: strides must have ${ns} entries (one per spatial axis), got ${describeValue(strides)}`);
  const padding = opts.padding ?? "VALID";
  const pads: ConvPadding =
    typeof padding === "string" ? padding : [...new Array<[number, number]>(nb).fill([0, 0]), ...(padding as readonly (readonly [number, number])[]), [0, 0] as const];
  if (typeof padding !== "string" && (!Array.isArray(padding) || padding.length !== ns)) {
    throw new ArgumentError(`${where}: padding must be "VALID", "SAME" or ${ns} (low, high) pairs, got ${describeValue(padding)}`);
  }
  const ones = new Array<number>(nb).fill(1);
  const y = lax.reduceWindow(x, init, op, [...ones, ...windowShape, 1], [...ones, ...strides, 1], pads);
  return single ? squeeze(y, { axis: 0 }) : y;
}

/**
 * maxPool(inputs, windowShape, { strides, padding }): the maximum over each window (padding counts as −Inf).
 *
 * `inputs` is `[N, ...spatial, C]` (or without the batch axis), as flax's pooling; `strides`
 * default to 1 per window dimension; `padding` "VALID" (default), "SAME" or explicit pairs.
 *
 * @example
 * const x = array([[1, 2, 3, 4], [5, 6, 7, 8]]).reshape([1, 2, 4, 1]); // N H W C
 * nn.maxPool(x, [2, 2], { strides: [2, 2] }).reshape([-1]); // [6, 8]
 */
export function maxPool(inputs: Operand, windowShape: readonly number[], opts: PoolOptions = {}): NDArray {
  checkOptions(opts, "maxPool", { strides: "integerList", padding: "any" });
  return pool("maxPool", inputs, Number.NEGATIVE_INFINITY, "max", windowShape, opts);
}

/** avgPool(inputs, windowShape, { strides, padding, countIncludePad }): the mean over each window;
 * padded elements count as zeros (countIncludePad, the default) or are left out of the mean.
 *
 * @example
 * const x = array([[1, 2, 3, 4], [5, 6, 7, 8]]).reshape([1, 2, 4, 1]); // N H W C
 * nn.avgPool(x, [2, 2], { strides: [2, 2] }).reshape([-1]); // [3.5, 5.5]
 */
export function avgPool(inputs: Operand, windowShape: readonly number[], opts: PoolOptions & { readonly countIncludePad?: boolean } = {}): NDArray {
  checkOptions(opts, "avgPool", { strides: "integerList", padding: "any", countIncludePad: "boolean" });
  const x = asArray(inputs, "avgPool");
  const { countIncludePad, ...poolOpts } = opts;
  const sums = pool("avgPool", x, 0, "sum", windowShape, poolOpts);
  if (countIncludePad !== false) return divide(sums, windowShape.reduce((a, b) => a * b, 1));
  // the number of real elements in each window: the same pooling of ones
  return divide(sums, pool("avgPool", onesLike(x), 0, "sum", windowShape, poolOpts));
}
