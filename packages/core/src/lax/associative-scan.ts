// lax.associativeScan: all prefix combinations of an associative function along an axis, in
// O(log n) levels of whole-array operations (the work-efficient parallel prefix: combine
// pairs, scan the half-length result, fill in the rest). Built from slices, pads and selects,
// so it differentiates, batches and compiles like any lax code, and it is what numpy's
// cumprod, cummax and cummin are made of.
import type { NDArray } from "../array.js";
import { ConcreteArray } from "../array.js";
import { sameShape, ShapedArray } from "../aval.js";
import { allocate } from "../dtype.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";
import { broadcastInDim, concatenate, convertElementType, pad, rev as rev1, select, slice } from "./index.js";

type Elems = NDArray | readonly NDArray[];

const stridedAlong = (x: NDArray, axis: number, start: number, stop: number, step: number): NDArray =>
  slice(
    x,
    x.shape.map((_, k) => (k === axis ? Math.min(start, x.shape[k]!) : 0)),
    x.shape.map((d, k) => (k === axis ? Math.max(Math.min(stop, d), Math.min(start, d)) : d)),
    x.shape.map((_, k) => (k === axis ? step : 1)),
  );

/** result[2i] = even[i], result[2i+1] = odd[i] along `axis` (selected, not added: exact). */
function interleave(even: NDArray, odd: NDArray, axis: number): NDArray {
  const ne = even.shape[axis]!;
  const no = odd.shape[axis]!;
  const n = ne + no;
  const zero = convertElementType(0, even.dtype, even.weakType);
  const cfg = (lo: number, hi: number) => even.shape.map((_, k) => (k === axis ? ([lo, hi, 1] as const) : ([0, 0, 0] as const)));
  const pe = pad(even, zero, cfg(0, n - (2 * ne - 1)));
  const po = pad(odd, zero, cfg(1, n - 2 * no));
  const parity = allocate("bool", n);
  for (let i = 0; i < n; i += 2) parity[i] = 1;
  const mask = broadcastInDim(new ConcreteArray(new ShapedArray([n], "bool"), parity), pe.shape, [axis]);
  return select(mask, pe, po);
}

/**
 * associativeScan(fn, elems, { reverse, axis }): `[e0, fn(e0, e1), fn(fn(e0, e1), e2), …]`
 * along `axis` (0 by default), for an associative `fn` of two arrays (or two equal-length
 * lists of arrays, when `elems` is a list) that acts elementwise along the axis. With
 * `reverse`, the prefixes run from the end.
 * Runs in O(log n) depth (a parallel prefix), where `scan` is sequential.
 *
 * @example
 * lax.associativeScan(lax.add, array([1, 2, 3, 4])); // [1, 3, 6, 10]
 * lax.associativeScan(lax.max, array([3, 1, 4, 1, 5]), { reverse: true }); // [5, 5, 5, 5, 5]
 */
export function associativeScan<E extends Elems>(fn: (a: E, b: E) => E, elems: E, opts: { readonly reverse?: boolean; readonly axis?: number } = {}): E {
  checkOptions(opts, "associativeScan", { reverse: "boolean", axis: "integer" });
  if (typeof fn !== "function") throw new ArgumentError(`associativeScan: fn must be a function, got ${describeValue(fn)}`);
  const list = Array.isArray(elems);
  const xs = Array.from(list ? (elems as readonly NDArray[]) : [elems as NDArray], (x) => asArray(x, "associativeScan"));
  if (xs.length === 0) throw new ArgumentError("associativeScan: elems must hold at least one array");
  const first = xs[0]!;
  if (first.ndim === 0) throw new ShapeError("associativeScan: the arrays must have at least one dimension (the axis scanned)");
  const axis = normalizeAxis(opts.axis ?? 0, first.ndim, "associativeScan");
  const n = first.shape[axis]!;
  for (const x of xs) if (x.shape[axis] !== n) throw new ShapeError(`associativeScan: every array needs ${n} elements along axis ${axis}, got ${fmtShape(x.shape)}`);
  const call = (a: NDArray[], b: NDArray[]): NDArray[] => {
    const out = fn((list ? a : a[0]!) as E, (list ? b : b[0]!) as E);
    const r = Array.from(list && Array.isArray(out) ? (out as readonly NDArray[]) : [out as NDArray], (y) => asArray(y, "associativeScan"));
    if (r.length !== a.length) throw new ArgumentError(`associativeScan: fn returned ${r.length} arrays for ${a.length}`);
    // (a result of another shape would never halve: the recursion below would not end)
    r.forEach((y, i) => {
      if (!sameShape(y.shape, a[i]!.shape)) throw new ShapeError(`associativeScan: fn must return arrays of its arguments' shapes, got ${fmtShape(y.shape)} for ${fmtShape(a[i]!.shape)}`);
    });
    return r;
  };
  const rev = (ys: NDArray[]): NDArray[] => ys.map((y) => rev1(y, [axis]));
  const scan = (es: NDArray[]): NDArray[] => {
    const m = es[0]!.shape[axis]!;
    if (m < 2) return es;
    // combine neighbours: (e0∘e1, e2∘e3, …), scanned at half length: the odd prefixes
    const odd = scan(call(es.map((e) => stridedAlong(e, axis, 0, m - 1, 2)), es.map((e) => stridedAlong(e, axis, 1, m, 2))));
    // the even prefixes: e0, then each odd prefix ∘ the next even element
    const nextEven = es.map((e) => stridedAlong(e, axis, 2, m, 2));
    const prev = m % 2 === 0 ? odd.map((o) => stridedAlong(o, axis, 0, o.shape[axis]! - 1, 1)) : odd;
    const evenTail = nextEven[0]!.shape[axis]! === 0 ? nextEven : call(prev, nextEven);
    const even = es.map((e, j) => {
      const head = stridedAlong(e, axis, 0, 1, 1);
      return evenTail[j]!.shape[axis]! === 0 ? head : concatenate([head, evenTail[j]!], axis);
    });
    return even.map((e, j) => interleave(e, odd[j]!, axis));
  };
  const input = opts.reverse === true ? rev(xs) : xs;
  const out = scan(input);
  const res = opts.reverse === true ? rev(out) : out;
  return (list ? res : res[0]!) as E;
}
