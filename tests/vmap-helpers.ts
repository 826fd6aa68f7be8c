// Shared helpers of the vmap tests: the reference semantics of vmap as a plain loop
// (slice every batched leaf, call f, stack the results) and pytree comparison.
import { lax, NDArray, np, tree } from "@jaxts/core";
import { expect } from "vitest";

/** Element `i` of `x` along `axis` (the axis removed), by plain slicing. */
export function sliceAt(x: NDArray, i: number, axis: number): NDArray {
  const a = axis < 0 ? axis + x.ndim : axis;
  const starts = x.shape.map((_, k) => (k === a ? i : 0));
  const limits = x.shape.map((n, k) => (k === a ? i + 1 : n));
  return lax.squeeze(lax.slice(x, starts, limits), [a]);
}

/** Stack pytrees of equal structure leaf by leaf along `axis` (numbers become arrays). */
export function stackTrees(outs: readonly unknown[], axis = 0): unknown {
  const [first, ...rest] = outs;
  return tree.map((...leaves: unknown[]) => np.stack(leaves as NDArray[], { axis }), first, ...rest);
}

/** Move `x`'s axis 0 to `axis` (negative counts from the end of the result). */
export function batchAt(x: NDArray, axis: number): NDArray {
  return np.moveaxis(x, 0, axis < 0 ? axis + x.ndim : axis);
}

/** The loop reference of vmap(f, { inAxes }) over flat positional arguments, outAxes 0. */
export function loopVmap(f: (...args: never[]) => unknown, inAxes: readonly (number | null)[], args: readonly NDArray[]): unknown {
  const sizes = args.flatMap((a, i) => {
    const d = inAxes[i];
    return d === null || d === undefined ? [] : [a.shape[d < 0 ? d + a.ndim : d]!];
  });
  const n = sizes[0]!;
  const outs: unknown[] = [];
  for (let b = 0; b < n; b++) {
    const sliced = args.map((a, i) => {
      const d = inAxes[i];
      return d === null || d === undefined ? a : sliceAt(a, b, d);
    });
    outs.push((f as (...a: NDArray[]) => unknown)(...sliced));
  }
  return stackTrees(outs);
}

const isInt = (dtype: string) => dtype === "int32" || dtype === "bool";

/** Two pytrees have the same structure, and leaf by leaf the same shape, dtype and values
 * (exact for integers and booleans, within rtol/atol for floats; NaNs match NaNs). */
export function expectTreeClose(got: unknown, want: unknown, opts: { rtol?: number; atol?: number } = {}): void {
  const rtol = opts.rtol ?? 1e-9;
  const atol = opts.atol ?? 1e-12;
  expect(String(tree.structure(got))).toBe(String(tree.structure(want)));
  const g = tree.leaves(got);
  const w = tree.leaves(want);
  expect(g.length).toBe(w.length);
  g.forEach((gl, k) => {
    const ga = np.asarray(gl as NDArray);
    const wa = np.asarray(w[k] as NDArray);
    expect(ga).toBeInstanceOf(NDArray);
    expect({ leaf: k, shape: ga.shape, dtype: ga.dtype }).toEqual({ leaf: k, shape: wa.shape, dtype: wa.dtype });
    const gv = Array.from(ga.toTypedArray(), Number);
    const wv = Array.from(wa.toTypedArray(), Number);
    if (isInt(wa.dtype)) {
      expect(gv).toEqual(wv);
      return;
    }
    gv.forEach((v, i) => {
      const ww = wv[i]!;
      if (Number.isNaN(ww)) {
        expect(v, `leaf ${k} element ${i}`).toBeNaN();
        return;
      }
      if (!Number.isFinite(ww)) {
        expect(v, `leaf ${k} element ${i}`).toBe(ww);
        return;
      }
      expect(Math.abs(v - ww), `leaf ${k} element ${i}: got ${v}, want ${ww}`).toBeLessThanOrEqual(atol + rtol * Math.abs(ww));
    });
  });
}
