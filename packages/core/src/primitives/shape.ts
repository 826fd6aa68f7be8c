// Shape and dtype rules of the primitives that move data without arithmetic.
import { ShapedArray } from "../aval.js";
import { ArgumentError, AxisError, DTypeError, ShapeError } from "../errors.js";
import { fmtShape, isPermutation, sizeOf } from "../shape.js";
import { checkAxes } from "./reduce.js";
import type { AbstractEvalTable } from "./types.js";

export type ShapePrim = "broadcast_in_dim" | "reshape" | "transpose" | "squeeze" | "rev" | "concatenate" | "pad" | "slice";

const withShape = (x: ShapedArray, shape: readonly number[]): ShapedArray => new ShapedArray(shape, x.dtype, x.weakType);

export const shapeAbstractEval: AbstractEvalTable<ShapePrim> = {
  broadcast_in_dim: ([x], { shape, broadcast_dimensions: dims }) => {
    // A negative size would make the kernels loop forever (and describes no array).
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ShapeError(`broadcast_in_dim: shape ${fmtShape(shape)} has a negative size`);
    const ok =
      dims.length === x!.ndim &&
      dims.every((d, i) => d >= 0 && d < shape.length && (i === 0 || d > dims[i - 1]!) && (x!.shape[i] === 1 || x!.shape[i] === shape[d]));
    if (!ok) {
      throw new ShapeError(
        `broadcast_in_dim: cannot broadcast ${fmtShape(x!.shape)} to ${fmtShape(shape)} with broadcast_dimensions (${dims.join(", ")})`,
      );
    }
    return [withShape(x!, shape)];
  },
  reshape: ([x], { new_sizes }) => {
    if (sizeOf(new_sizes) !== x!.size || new_sizes.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`reshape: cannot reshape an array of shape ${fmtShape(x!.shape)} (size ${x!.size}) into shape ${fmtShape(new_sizes)}`);
    }
    return [withShape(x!, new_sizes)];
  },
  transpose: ([x], { permutation }) => {
    if (!isPermutation(permutation, x!.ndim)) {
      throw new AxisError(`transpose: (${permutation.join(", ")}) is not a permutation of the axes of an array of rank ${x!.ndim}`);
    }
    return [withShape(x!, permutation.map((p) => x!.shape[p]!))];
  },
  squeeze: ([x], { dimensions }) => {
    checkAxes("squeeze", dimensions, x!.ndim);
    for (const d of dimensions) {
      if (x!.shape[d] !== 1) throw new ShapeError(`squeeze: axis ${d} of shape ${fmtShape(x!.shape)} has size ${x!.shape[d]}, not 1`);
    }
    return [withShape(x!, x!.shape.filter((_, i) => !dimensions.includes(i)))];
  },
  rev: ([x], { dimensions }) => {
    checkAxes("rev", dimensions, x!.ndim);
    return [x!];
  },
  concatenate: (avals, { dimension }) => {
    const first = avals[0];
    if (first === undefined) throw new ArgumentError("concatenate: needs at least one array");
    checkAxes("concatenate", [dimension], first.ndim);
    let total = 0;
    for (const a of avals) {
      if (a.dtype !== first.dtype) throw new DTypeError(`concatenate: arrays must share a dtype, got ${first.str()} and ${a.str()}`);
      if (a.ndim !== first.ndim || a.shape.some((d, i) => i !== dimension && d !== first.shape[i])) {
        throw new ShapeError(
          `concatenate: shapes ${avals.map((v) => fmtShape(v.shape)).join(", ")} differ outside axis ${dimension}`,
        );
      }
      total += a.shape[dimension]!;
    }
    const shape = first.shape.map((d, i) => (i === dimension ? total : d));
    return [new ShapedArray(shape, first.dtype, avals.every((a) => a.weakType))];
  },
  pad: ([x, v], { padding_config }) => {
    if (v!.ndim !== 0) throw new ShapeError(`pad: the padding value must be rank 0, got ${v!.str()}`);
    if (v!.dtype !== x!.dtype) throw new DTypeError(`pad: padding value ${v!.str()} must have the operand's dtype ${x!.dtype}`);
    if (padding_config.length !== x!.ndim) {
      throw new ShapeError(`pad: padding_config has ${padding_config.length} entries for an operand of rank ${x!.ndim}`);
    }
    const shape = x!.shape.map((d, i) => {
      const [lo, hi, interior] = padding_config[i]!;
      const n = lo + hi + d + Math.max(0, d - 1) * interior;
      if (interior < 0 || n < 0) throw new ShapeError(`pad: padding (${lo}, ${hi}, ${interior}) is invalid for axis ${i} of size ${d}`);
      return n;
    });
    return [withShape(x!, shape)];
  },
  slice: ([x], { start_indices: starts, limit_indices: limits, strides }) => {
    const n = x!.ndim;
    if (starts.length !== n || limits.length !== n || (strides !== null && strides.length !== n)) {
      throw new ShapeError(`slice: start/limit/stride lists must have one entry per axis of ${fmtShape(x!.shape)}`);
    }
    const shape = x!.shape.map((d, i) => {
      const s = starts[i]!;
      const l = limits[i]!;
      const st = strides?.[i] ?? 1;
      if (!(0 <= s && s <= l && l <= d && st >= 1)) {
        throw new ShapeError(`slice: start ${s}, limit ${l}, stride ${st} out of range for axis ${i} of ${fmtShape(x!.shape)}`);
      }
      return Math.ceil((l - s) / st);
    });
    return [withShape(x!, shape)];
  },
};
