// Sorting and comparisons of whole arrays.
import type { NDArray, Operand } from "../array.js";
import { checkOptions } from "../options.js";
import { asArray } from "../creation.js";
import * as lax from "../lax/index.js";
import { normalizeAxis } from "../shape.js";
import { abs, isnan, less, lessEqual, logicalAnd, logicalOr, subtract } from "./elementwise.js";
import { promoteArgs } from "./promote.js";
import { all } from "./reductions.js";
import { ravel } from "./shape.js";

export function sort(x: Operand, opts: { readonly axis?: number | null } = {}): NDArray {
  checkOptions(opts, "sort", { axis: "integerOrNull" });
  let a = asArray(x, "sort");
  if (opts.axis === null) a = ravel(a);
  if (a.ndim === 0) return a;
  return lax.sort([a], { dimension: normalizeAxis(opts.axis ?? -1, a.ndim, "sort") })[0]!;
}

export function argsort(x: Operand, opts: { readonly axis?: number | null } = {}): NDArray {
  checkOptions(opts, "argsort", { axis: "integerOrNull" });
  let a = asArray(x, "argsort");
  if (opts.axis === null) a = ravel(a);
  const axis = normalizeAxis(opts.axis ?? -1, a.ndim, "argsort");
  return lax.sort([a, lax.iota("int32", a.shape, axis)], { dimension: axis })[1]!;
}

/** |a - b| <= atol + rtol·|b| everywhere (NaNs equal only with equalNan). */
export function isclose(x: Operand, y: Operand, opts: { readonly rtol?: number; readonly atol?: number; readonly equalNan?: boolean } = {}): NDArray {
  checkOptions(opts, "isclose", { rtol: "number", atol: "number", equalNan: "boolean" });
  const [a, b] = promoteArgs("isclose", [x, y], "float");
  const close = lessEqual(abs(subtract(a!, b!)), lax.add(lax.mul(abs(b!), opts.rtol ?? 1e-5), opts.atol ?? 1e-8));
  const exact = lax.eq(a!, b!);
  const res = logicalOr(close, exact);
  return opts.equalNan ? logicalOr(res, logicalAnd(isnan(a!), isnan(b!))) : res;
}

export function allclose(x: Operand, y: Operand, opts: { readonly rtol?: number; readonly atol?: number; readonly equalNan?: boolean } = {}): NDArray {
  checkOptions(opts, "allclose", { rtol: "number", atol: "number", equalNan: "boolean" });
  const [a, b] = promoteArgs("allclose", [x, y], "float");
  return all(isclose(a!, b!, opts));
}

export { less };
