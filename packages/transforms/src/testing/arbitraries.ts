// fast-check arbitraries for property-based tests of array functions and their gradients.
import { ArgumentError, array, checkDType, checkOptions, type DType, type NDArray } from "@jaxts/core";
import fc from "fast-check";

/** fast-check rejects a bad range with a plain Error; say which option is wrong instead. */
function checkRange(where: string, lo: number, hi: number, names: string, integer: boolean): void {
  const ok = integer ? Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 : Number.isFinite(lo) && Number.isFinite(hi);
  if (!ok || lo > hi) throw new ArgumentError(`${where}: ${names} must be ${integer ? "non-negative integers" : "finite numbers"} with the first <= the second, got ${lo} and ${hi}`);
}

export interface ShapeArbOptions {
  readonly minRank?: number;
  readonly maxRank?: number;
  readonly minDim?: number;
  readonly maxDim?: number;
}

/**
 * Shapes of rank minRank..maxRank (default 0..3) with dims minDim..maxDim (default 1..4).
 *
 * @example
 * import * as fc from "fast-check";
 * import { shapeArb } from "@jaxts/transforms/testing";
 *
 * fc.assert(fc.property(shapeArb({ maxRank: 2 }), (s) => s.length <= 2));
 */
export function shapeArb(opts: ShapeArbOptions = {}): fc.Arbitrary<number[]> {
  checkOptions(opts, "shapeArb", { minRank: "integer", maxRank: "integer", minDim: "integer", maxDim: "integer" });
  checkRange("shapeArb", opts.minDim ?? 1, opts.maxDim ?? 4, "minDim and maxDim", true);
  checkRange("shapeArb", opts.minRank ?? 0, opts.maxRank ?? 3, "minRank and maxRank", true);
  // (size "max": fast-check 4 would otherwise stop at rank 10 whatever maxRank says)
  return fc.array(fc.integer({ min: opts.minDim ?? 1, max: opts.maxDim ?? 4 }), { minLength: opts.minRank ?? 0, maxLength: opts.maxRank ?? 3, size: "max" });
}

export interface ArrayArbOptions {
  /** A fixed shape, or an arbitrary of shapes (default shapeArb()). */
  readonly shape?: readonly number[] | fc.Arbitrary<number[]>;
  readonly dtype?: DType;
  readonly min?: number;
  readonly max?: number;
}

/**
 * NDArrays of the given (or random) shape with values in [min, max] (default [-2, 2]).
 *
 * @example
 * import * as fc from "fast-check";
 * import { np } from "@jaxts/core";
 * import { arrayArb } from "@jaxts/transforms/testing";
 *
 * fc.assert(fc.property(arrayArb({ shape: [3] }), (x) => np.all(np.abs(x).le(2)).item() === true));
 */
export function arrayArb(opts: ArrayArbOptions = {}): fc.Arbitrary<NDArray> {
  checkOptions(opts, "arrayArb", { shape: "any", dtype: "dtype", min: "number", max: "number" });
  const dtype = checkDType(opts.dtype ?? "float64", "arrayArb");
  const min = opts.min ?? -2;
  const max = opts.max ?? 2;
  checkRange("arrayArb", min, max, "min and max", false);
  if (dtype === "int32" && Math.ceil(min) > Math.floor(max)) throw new ArgumentError(`arrayArb: no integer lies in [${min}, ${max}]`);
  const fixed = Array.isArray(opts.shape);
  if (opts.shape !== undefined && !(opts.shape instanceof fc.Arbitrary) && !(fixed && Array.from(opts.shape as number[]).every((d) => Number.isInteger(d) && d >= 0))) {
    throw new ArgumentError("arrayArb: shape must be a list of non-negative integers or an arbitrary of shapes");
  }
  const shapes = opts.shape === undefined ? shapeArb() : Array.isArray(opts.shape) ? fc.constant([...opts.shape]) : (opts.shape as fc.Arbitrary<number[]>);
  const value =
    dtype === "int32"
      ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
      : dtype === "bool"
        ? fc.boolean().map((b) => (b ? 1 : 0))
        : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return shapes.chain((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc.array(value, { minLength: n, maxLength: n }).map((vals) => {
      const flat = array(dtype === "bool" ? vals.map((v) => v !== 0) : vals, { dtype });
      return shape.length === 1 && shape[0] === n ? flat : flat.reshape(shape);
    });
  });
}

export interface PytreeArbOptions {
  readonly maxDepth?: number;
  readonly maxChildren?: number;
}

/**
 * Pytrees (nested arrays and objects) whose leaves come from `leaf` (default arrayArb()).
 *
 * @example
 * import * as fc from "fast-check";
 * import { tree } from "@jaxts/core";
 * import { pytreeArb } from "@jaxts/transforms/testing";
 *
 * fc.assert(fc.property(pytreeArb(), (t) => tree.leaves(t).length >= 0));
 */
export function pytreeArb(leaf: fc.Arbitrary<unknown> = arrayArb(), opts: PytreeArbOptions = {}): fc.Arbitrary<unknown> {
  if (!(leaf instanceof fc.Arbitrary)) throw new ArgumentError("pytreeArb: the leaf must be a fast-check arbitrary (such as arrayArb())");
  checkOptions(opts, "pytreeArb", { maxDepth: "integer", maxChildren: "integer" });
  checkRange("pytreeArb", 0, opts.maxChildren ?? 3, "0 and maxChildren", true);
  checkRange("pytreeArb", 0, opts.maxDepth ?? 3, "0 and maxDepth", true);
  const maxChildren = opts.maxChildren ?? 3;
  const { tree } = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small", maxDepth: opts.maxDepth ?? 3, withCrossShrink: true }, leaf, tie("list"), tie("dict")),
    // (size "max": up to maxChildren, which fast-check 4 would otherwise cap at 10)
    list: fc.array(tie("tree"), { maxLength: maxChildren, size: "max" }),
    dict: fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }).filter((k) => k !== "__proto__"), tie("tree"), { maxKeys: maxChildren, size: "max" }),
  }));
  return tree;
}
