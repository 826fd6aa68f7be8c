// The narrowing check of the fuzz harness: a @jaxts/core function must not compute a result in
// a coarser float than an operand it reads (nor an integer result from a float operand cast
// to an integer operand's dtype). np.linalg.solve once cast b to a's dtype, so a
// float64 b was rounded to float32 and a complex b lost its imaginary part; np.interp and
// np.cov's weights did the same. JAX promotes operands to one dtype first
// (`promote_dtypes_inexact`); a result coarser than an operand it depends on is a silent
// wrong answer.
//
// The check runs after every successful eager call whose inexact result is coarser than one
// of its non-weak inexact array operands (top-level, or inside a top-level list). Whether the
// function reads that operand is found by calling it again with the operand changed (×1.5 +
// 0.25, then ×1.5 + 1.25; same dtype and shape): the coarse result changed, so it depends on
// the finer operand.
// An operand the function ignores (the fuzz passes extra arguments) leaves it unchanged and
// is not reported, so the check needs no list of operand positions.
import { NDArray, np } from "@jaxts/core";

/** Counters: calls whose coarser result was compared against a changed finer operand. */
export const narrowingStats = { compared: 0 };

/** Significand bits per inexact dtype (complex: those of its parts); integers 0 (a float
 * operand truncated to an integer result is the same loss). */
export const PRECISION: Readonly<Record<string, number>> = { int32: 0, int16: 0, int8: 0, uint8: 0, uint32: 0, bfloat16: 8, float16: 11, float32: 24, complex64: 24, float64: 53, complex128: 53 };
const precisionOf = (x: NDArray): number | undefined => PRECISION[x.dtype];

/**
 * Operands whose dtype does not decide the result's, by design, per function (argument
 * indexes, 0 the first): conditions tested for truth, indices, and operands cast to another
 * operand's dtype as JAX or Optax casts them. A result may be coarser than these.
 */
const NOT_VALUES: Readonly<Record<string, readonly number[]>> = {
  "np.where": [0], // the condition
  "nn.oneHot": [0], // indices; the result's dtype is an option (default float32), as in JAX
  "losses.sigmoidBinaryCrossEntropy": [1], // labels, cast to the logits' dtype as Optax does
};

/** Functions whose result dtype is their `dtype` argument, also when it is left out: the
 * samplers (random/params.ts casts each distribution parameter to the sample dtype, default
 * float32, as JAX's gamma, beta and t do; a complex parameter is refused). */
const DTYPE_ARGUMENT_DECIDES = /^random\./;

/** Functions whose integer results are indices or counts computed from float operands, even
 * beside an integer operand. */
const INDEX_RESULTS: ReadonlySet<string> = new Set(["np.searchsorted", "np.digitize"]);

/** Where an argument is an array: top-level, or an element of a top-level list. */
type Slot = readonly [top: number, inner: number | undefined];

function arraySlots(args: readonly unknown[]): Slot[] {
  const out: Slot[] = [];
  args.forEach((a, i) => {
    if (a instanceof NDArray) out.push([i, undefined]);
    else if (Array.isArray(a) && a.length <= 64) a.forEach((b, j) => b instanceof NDArray && out.push([i, j]));
  });
  return out;
}

const at = (args: readonly unknown[], [i, j]: Slot): NDArray => (j === undefined ? args[i] : (args[i] as unknown[])[j]) as NDArray;

function withReplaced(args: readonly unknown[], [i, j]: Slot, x: NDArray): unknown[] {
  const next = [...args];
  if (j === undefined) next[i] = x;
  else {
    const list = [...(args[i] as unknown[])];
    list[j] = x;
    next[i] = list;
  }
  return next;
}

/** The arrays a call returned: itself, or the arrays in a returned list or object (one level). */
export function resultArrays(value: unknown): NDArray[] {
  if (value instanceof NDArray) return [value];
  if (Array.isArray(value)) return value.filter((v): v is NDArray => v instanceof NDArray);
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).filter((v): v is NDArray => v instanceof NDArray);
  }
  return [];
}

const bytesOf = (x: NDArray): string => {
  const d = x.toTypedArray();
  return Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");
};

/** `x` with different values of the same dtype, weak type and shape: a small change first
 * (which keeps a value in [0, 1] there, as quantiles need), then one that moves every value
 * by more than 1 (so a truncation to an integer shows). */
const CHANGES: readonly ((x: NDArray) => NDArray)[] = [(x) => np.add(np.multiply(x, 1.5), 0.25), (x) => np.add(np.multiply(x, 1.5), 1.25)];

/** The kept result arrays of the call on `next` (this argument first), or undefined if it throws. */
function rerun(call: (self: unknown, args: readonly unknown[]) => unknown, next: readonly unknown[], kept: (o: NDArray) => boolean): NDArray[] | undefined {
  try {
    return resultArrays(call(next[0], next.slice(1))).filter(kept);
  } catch {
    return undefined;
  }
}

/**
 * The message for a call that computed an inexact result coarser than a finer operand it
 * reads, or undefined. `call` runs the function again on other arguments (this argument first).
 */
export function narrowing(name: string, self: unknown, args: readonly unknown[], value: unknown, call: (self: unknown, args: readonly unknown[]) => unknown): string | undefined {
  if (DTYPE_ARGUMENT_DECIDES.test(name)) return undefined;
  const all = [self, ...args];
  // An integer result counts only beside a non-weak integer operand (a float operand cast to
  // that operand's dtype is truncated): alone, floats give integer indices and counts.
  const intOperand = arraySlots(all).some((s) => { const x = at(all, s); return PRECISION[x.dtype] === 0 && !x.weakType; });
  const kept = (o: NDArray): boolean => PRECISION[o.dtype] !== 0 || (intOperand && !INDEX_RESULTS.has(name));
  const outs = resultArrays(value).filter(kept);
  const coarsest = Math.min(...outs.map((o) => precisionOf(o) ?? Number.POSITIVE_INFINITY));
  if (!Number.isFinite(coarsest)) return undefined;
  for (const slot of arraySlots(all)) {
    const x = at(all, slot);
    const p = precisionOf(x);
    if (p === undefined || p <= coarsest || x.weakType || x.size === 0) continue;
    if (slot[0] > 0 && NOT_VALUES[name]?.includes(slot[0] - 1)) continue;
    for (const change of CHANGES) {
      const outs2 = rerun(call, withReplaced(all, slot, change(x)), kept);
      if (outs2 === undefined || outs2.length !== outs.length) continue; // not valid input: no verdict
      narrowingStats.compared++;
      for (let k = 0; k < outs.length; k++) {
        const [o, o2] = [outs[k]!, outs2[k]!];
        const po = precisionOf(o);
        if (po === undefined || po >= p || o2.dtype !== o.dtype || o2.shape.join() !== o.shape.join()) continue;
        if (bytesOf(o) !== bytesOf(o2)) {
          const where = slot[1] === undefined ? (slot[0] === 0 ? "this array" : `argument ${slot[0] - 1}`) : `argument ${slot[0] - 1}[${slot[1]}]`;
          return `computed a ${o.dtype} result${outs.length > 1 ? ` (output ${k})` : ""} from ${where}, a ${x.dtype} array it reads: its precision was dropped (promote the operands to one inexact dtype first)`;
        }
      }
    }
  }
  return undefined;
}
