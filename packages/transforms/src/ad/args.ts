// Shared argument handling of the differentiation API: which arguments are differentiated
// (argnums), flattening them to arrays, and checking that they can be differentiated.
import {
  ArgumentError,
  DTypeError,
  flattenArgs,
  defaultFloat,
  isInexact,
  lax,
  leafToArray,
  type NDArray,
  NotDifferentiableError,
  NDArray as NDArrayClass,
  tree,
} from "@jaxts/core";

export type Argnums = number | readonly number[];

export interface DiffArgs {
  /** The differentiated leaves, flattened across the selected arguments. */
  readonly leaves: NDArray[];
  /** Rebuild the full argument list with new differentiated leaves. */
  readonly rebuild: (leaves: readonly NDArray[]) => unknown[];
  /** Put per-leaf results back into the selected arguments' structure (tuple for an argnums array). */
  readonly unflattenLike: (leaves: readonly unknown[]) => unknown;
}

export function selectArgs(where: string, args: readonly unknown[], argnums: Argnums, requireFloat: boolean): DiffArgs {
  const nums = typeof argnums === "number" ? [argnums] : Array.isArray(argnums) ? [...argnums] : [argnums];
  for (const n of nums) {
    if (typeof n !== "number" || !Number.isInteger(n)) {
      const given = typeof n === "number" ? `${n}, which is not an integer` : typeof n;
      throw new ArgumentError(`${where}: argnums must be an integer or a list of integers, got ${given}`);
    }
    if (n < -args.length || n >= args.length) {
      throw new ArgumentError(`${where}: argnums ${n} is out of range for a call with ${args.length} positional argument(s)`);
    }
  }
  const positions = nums.map((n) => (n < 0 ? n + args.length : n));
  // A repeated argument has no one gradient to report (rebuilding the call keeps only the
  // last copy, so the first would silently get zeros): an error instead.
  const repeated = positions.find((p, k) => positions.indexOf(p) !== k);
  if (repeated !== undefined) {
    throw new ArgumentError(`${where}: argnums [${nums.join(", ")}] selects argument ${repeated} more than once; list each argument once`);
  }
  const defs: tree.TreeDef[] = [];
  const leaves: NDArray[] = [];
  positions.forEach((p) => {
    const [raw, def] = flattenArgs([args[p]], `${where} (argument ${p})`);
    // A weakly typed int32 can only come from a JS number (which may be 3 or 3.0; jit passes
    // integers in as weak int32, as numpy operands are): differentiate at its float value.
    const ls = raw.map((l) => (l.weakType && l.dtype === "int32" ? lax.convertElementType(l, defaultFloat(), true) : l));
    ls.forEach((l, k) => {
      if (requireFloat && !isInexact(l.dtype)) {
        throw new NotDifferentiableError(
          `${where}: argument ${p}${ls.length > 1 ? ` (leaf ${k})` : ""} has dtype ${l.dtype}; differentiation requires float inputs (float16, bfloat16, float32 or float64) or complex ones (complex64, complex128) ` +
            "(convert with astype, or leave the argument out of argnums)",
        );
      }
    });
    defs.push(def);
    leaves.push(...ls);
  });
  // (plain loops, no per-call closures over per-call arrays: these run at every nesting level
  // of a higher-order derivative, on leaves of a different class at each)
  const single = positions.length === 1;
  const first = defs[0]!;
  const firstAt = positions[0]!;
  const unflattenAt = (k: number, xs: readonly unknown[], from: number): unknown => {
    const def = defs[k]!;
    const n = def.numLeaves;
    const part = new Array<unknown>(n);
    for (let i = 0; i < n; i++) part[i] = xs[from + i];
    return (tree.unflatten(def, part) as unknown[])[0];
  };
  return {
    leaves,
    rebuild: (newLeaves) => {
      const out = args.slice();
      if (single) {
        out[firstAt] = (tree.unflatten(first, newLeaves) as unknown[])[0];
        return out;
      }
      let from = 0;
      for (let k = 0; k < defs.length; k++) {
        out[positions[k]!] = unflattenAt(k, newLeaves, from);
        from += defs[k]!.numLeaves;
      }
      return out;
    },
    unflattenLike: (xs) => {
      if (single && typeof argnums === "number") return (tree.unflatten(first, xs) as unknown[])[0];
      const parts = new Array<unknown>(defs.length);
      let from = 0;
      for (let k = 0; k < defs.length; k++) {
        parts[k] = unflattenAt(k, xs, from);
        from += defs[k]!.numLeaves;
      }
      return parts;
    },
  };
}

/** Flatten an output pytree to arrays (numbers allowed), remembering its structure. */
export function flattenOutputs(out: unknown, where: string): [NDArray[], tree.TreeDef] {
  const [leaves, def] = tree.flatten(out);
  return [leaves.map((l, i) => leafToArray(l, `${where} (output leaf ${i})`)), def];
}

/** Aux outputs: array leaves travel through the transformation; anything else is kept as is. */
export interface AuxSplit {
  readonly arrays: NDArray[];
  readonly rebuild: (arrays: readonly NDArray[]) => unknown;
}
export function splitAux(aux: unknown): AuxSplit {
  const [leaves, def] = tree.flatten(aux);
  const isArr = leaves.map((l) => l instanceof NDArrayClass);
  return {
    arrays: leaves.filter((l): l is NDArray => l instanceof NDArrayClass),
    rebuild: (arrays) => {
      let i = 0;
      return tree.unflatten(
        def,
        leaves.map((l, k) => (isArr[k] ? arrays[i++] : l)),
      );
    },
  };
}

/** Transformations take functions; say so before a bare TypeError could reach the user. */
export function checkCallable(where: string, f: unknown): void {
  if (typeof f !== "function") throw new ArgumentError(`${where}: expected a function to transform, got ${f === null ? "null" : typeof f}`);
}

export function expectPair(out: unknown, where: string): [unknown, unknown] {
  if (!Array.isArray(out) || out.length !== 2) {
    throw new ArgumentError(`${where}: with hasAux the function must return a pair [output, aux], got ${Array.isArray(out) ? `an array of length ${out.length}` : typeof out}`);
  }
  return [out[0], out[1]];
}

export { DTypeError };
