// The jit check of the fuzz harness: `jit(f)` returns what `f` returns eagerly — the same
// dtype, weak type and shape, integers and booleans equal, floats within a few float32 ulps of
// the result's magnitude, NaN where eager has NaN, and a zero where eager has one with its sign
// (1/x tells −0 from +0, so a rewrite that loses the sign, such as `add x 0` → x, changes
// later results). The compiler's passes rewrite jaxprs
// (simplification, CSE, constant folding, fusion); a rewrite that is not exact for every value
// (as `mul x 1` was not for a complex x with an infinite part) is a silent wrong answer that
// only edge inputs show, and the fuzz generates them.
import { type NDArray, np } from "@jaxts/core";
import { PRECISION, resultArrays } from "./precision.js";

/** Counters: jitted and vmapped calls compared with the eager call. */
export const jitStats = { compared: 0, vmapCompared: 0 };

/** The elements as numbers (complex: re and im interleaved). */
function valuesOfArray(x: NDArray): number[] {
  return Array.from(x.toTypedArray() as ArrayLike<number>, Number);
}

/** The eager call's result arrays, or undefined when it throws (no verdict then: under a
 * transformation values are unknown, so quantile's q out of range is NaN there, not an error). */
function eagerArrays(fn: (...a: unknown[]) => unknown, all: readonly unknown[]): NDArray[] | undefined {
  try {
    return resultArrays(Reflect.apply(fn, all[0], all.slice(1)));
  } catch {
    return undefined;
  }
}

/**
 * How `got` (arrays from a transformed call, `how`) differs from `want` (the eager call's),
 * or undefined: another dtype, weak type (when `weak`) or shape, integer or boolean elements that are not
 * equal, float elements further apart than a few float32 ulps of the eager result's largest
 * magnitude (NaN only where eager has NaN), or a zero of the other sign.
 */
function difference(want: readonly NDArray[], got: readonly NDArray[], how: string, weak = true): string | undefined {
  for (let k = 0; k < want.length; k++) {
    const [e, j] = [want[k]!, got[k]!];
    const where = want.length > 1 ? `output ${k}: ` : "";
    if (e.dtype !== j.dtype || (weak && e.weakType !== j.weakType) || e.shape.join() !== j.shape.join()) {
      return `${where}eager ${e.aval.str()}${e.weakType ? " (weak)" : ""}, ${how} ${j.aval.str()}${j.weakType ? " (weak)" : ""}`;
    }
    const [ve, vj] = [valuesOfArray(e), valuesOfArray(j)];
    const exact = PRECISION[e.dtype] === undefined || PRECISION[e.dtype] === 0;
    let scale = 0;
    for (const v of ve) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    const tol = exact ? 0 : 64 * 2 ** -23 * Math.max(scale, 2 ** -126);
    for (let i = 0; i < ve.length; i++) {
      const [x, y] = [ve[i]!, vj[i]!];
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (x === 0 && y === 0 && !Object.is(x, y)) return `${where}element ${i} is ${Object.is(x, -0) ? "-0" : "+0"} eagerly and ${Object.is(y, -0) ? "-0" : "+0"} under ${how}`;
      if (x === y || Math.abs(x - y) <= tol) continue;
      return `${where}element ${i} is ${x} eagerly and ${y} under ${how}`;
    }
  }
  return undefined;
}

/** How `jit(fn)`'s result (`jitted`) differs from `fn` called eagerly on `all` (this first). */
export function jitMismatch(fn: (...a: unknown[]) => unknown, all: readonly unknown[], jitted: unknown): string | undefined {
  const want = eagerArrays(fn, all);
  const got = resultArrays(jitted);
  if (want === undefined || want.length !== got.length) return undefined; // (non-array results are dropped by the traced call)
  jitStats.compared++;
  return difference(want, got, "jit");
}

/** How `vmap(fn)` over a batch of two copies of each array (`batched`) differs from two copies
 * of `fn` called eagerly: each batch element must be the eager result. */
export function vmapMismatch(fn: (...a: unknown[]) => unknown, all: readonly unknown[], batched: unknown): string | undefined {
  const want = eagerArrays(fn, all);
  const got = resultArrays(batched);
  if (want === undefined || want.length !== got.length) return undefined;
  if (got.some((g, k) => g.ndim !== want[k]!.ndim + 1 || g.shape[0] !== 2)) return `a batch of 2 gave shapes ${got.map((g) => `[${g.shape.join(", ")}]`).join(", ")} for eager ${want.map((w) => `[${w.shape.join(", ")}]`).join(", ")}`;
  jitStats.vmapCompared++;
  for (const b of [0, 1]) {
    // (weak types aside: the harness's batch, a stack of two copies, is never weak)
    const d = difference(want, got.map((g) => np.take(g, b, { axis: 0 })), `vmap (batch element ${b})`, false);
    if (d !== undefined) return d;
  }
  return undefined;
}
