// exportOnnx(f, ...exampleArgs, options?): stage f with jit on the example arguments and
// write the staged program as an ONNX model.
import { ArgumentError, NDArray, tree } from "@jaxts/core";
import type { AnyFn, LooseArgs } from "../ad/types.js";
import { jit } from "../jit/jit.js";
import type { OnnxExportOptions } from "./model.js";

/** A trailing plain object holding no array is the options (then checked: an unknown key is
 * an error naming the nearest option); an example argument is a pytree of arrays, so
 * `{ W, b }` is never mistaken for options. Pass scalars in such a tree as arrays. */
function isOptions(x: unknown): x is OnnxExportOptions {
  if (!tree.isPlainObject(x)) return false;
  return !tree.leaves(x as tree.PyTree).some((l) => l instanceof NDArray);
}

/**
 * The ONNX ModelProto bytes of `f` staged on example arguments (their shapes and dtypes;
 * values do not matter). Inputs and outputs are named by pytree path (`params.w`), the
 * function's captured constants become initializers. Options: `opset` (18–21, default 18),
 * `name`, `inputNames`, `outputNames`, and `dynamicAxes` (`{ x: { 0: "batch" } }`: that axis
 * of input `x` is a symbolic size; the model then runs at any batch size — a ShapeError names
 * the equation when the program depends on the size in a way the graph cannot compute). Run
 * the bytes with ONNX Runtime (`await ort.InferenceSession.create(bytes)`), on a CPU or a GPU.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { exportOnnx } from "@jaxts/transforms";
 * const predict = (p: { w: NDArray; b: NDArray }, x: NDArray) => np.tanh(np.matmul(x, p.w).add(p.b));
 * const params = { w: array([[0.5], [-1]]), b: array([0.1]) };
 * const bytes = exportOnnx(predict, params, array([[1, 2]]), { inputNames: ["params", "x"] });
 * bytes instanceof Uint8Array; // true
 * // one model for every batch size: x is [batch, 2], the output [batch, 1]
 * exportOnnx(predict, params, array([[1, 2]]), { inputNames: ["params", "x"], dynamicAxes: { x: { 0: "batch" } } });
 */
export function exportOnnx<F extends AnyFn>(f: F, ...argsAndOptions: [...LooseArgs<F>] | [...LooseArgs<F>, OnnxExportOptions]): Uint8Array {
  if (typeof f !== "function") throw new ArgumentError(`exportOnnx: expected a function to export, got ${f === null ? "null" : typeof f}`);
  const last = argsAndOptions[argsAndOptions.length - 1];
  const hasOptions = argsAndOptions.length > 0 && isOptions(last);
  const args = hasOptions ? argsAndOptions.slice(0, -1) : argsAndOptions;
  const lowered = jit(f).lower(...(args as LooseArgs<F>));
  return lowered.toOnnx(hasOptions ? last : undefined);
}
