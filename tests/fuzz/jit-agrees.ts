// The jit check of the fuzz harness: `jit(f)` returns what `f` returns eagerly — the same
// dtype, weak type and shape, integers and booleans equal, floats within a few float32 ulps of
// the result's magnitude, NaN where eager has NaN. The compiler's passes rewrite jaxprs
// (simplification, CSE, constant folding, fusion); a rewrite that is not exact for every value
// (as `mul x 1` was not for a complex x with an infinite part) is a silent wrong answer that
// only edge inputs show, and the fuzz generates them.
import type { NDArray } from "@jaxts/core";
import { PRECISION, resultArrays } from "./precision.js";

/** Counters: jitted calls compared with the eager call. */
export const jitStats = { compared: 0 };

/** The elements as numbers (complex: re and im interleaved). */
function valuesOfArray(x: NDArray): number[] {
  return Array.from(x.toTypedArray() as ArrayLike<number>, Number);
}

/**
 * How `jit(fn)`'s result differs from `fn`'s called eagerly on the same arguments, or
 * undefined: arrays of another dtype, weak type or shape, integer or boolean elements that
 * are not equal, float elements further apart than a few float32 ulps of the result's
 * largest magnitude (NaN only where eager has NaN). A call that throws eagerly gives no
 * verdict (under jit, values are unknown: quantile's q out of range is NaN there).
 */
export function jitMismatch(fn: (...a: unknown[]) => unknown, all: readonly unknown[], jitted: unknown): string | undefined {
  let eager: unknown;
  try {
    eager = Reflect.apply(fn, all[0], all.slice(1));
  } catch {
    return undefined;
  }
  const a = resultArrays(eager);
  const b = resultArrays(jitted);
  if (a.length !== b.length) return undefined; // (non-array results are dropped by the traced call)
  jitStats.compared++;
  for (let k = 0; k < a.length; k++) {
    const [e, j] = [a[k]!, b[k]!];
    const where = a.length > 1 ? `output ${k}: ` : "";
    if (e.dtype !== j.dtype || e.weakType !== j.weakType || e.shape.join() !== j.shape.join()) {
      return `${where}eager ${e.aval.str()}${e.weakType ? " (weak)" : ""}, jit ${j.aval.str()}${j.weakType ? " (weak)" : ""}`;
    }
    const [ve, vj] = [valuesOfArray(e), valuesOfArray(j)];
    const exact = PRECISION[e.dtype] === undefined || PRECISION[e.dtype] === 0;
    let scale = 0;
    for (const v of ve) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const tol = exact ? 0 : 64 * 2 ** -23 * Math.max(scale, 2 ** -126);
    for (let i = 0; i < ve.length; i++) {
      const [x, y] = [ve[i]!, vj[i]!];
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (x === y || Math.abs(x - y) <= tol) continue;
      return `${where}element ${i} is ${x} eagerly and ${y} under jit`;
    }
  }
  return undefined;
}
