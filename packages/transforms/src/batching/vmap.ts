// vmap(f, { inAxes, outAxes }): f mapped over an axis of its inputs, as one batched
// computation (not a loop). Axis specs are JAX's: a number, null, or a pytree prefix.
import {
  ArgumentError,
  leafToArray,
  checkOptions,
  lax,
  NDArray,
  ShapeError,
  tree,
  TreeStructureError,
} from "@jaxts/core";
import { checkCallable, flattenOutputs } from "../ad/args.js";
import { type AnyFn, call, type LooseArgs } from "../ad/types.js";
import { type BatchDim, moveAxis, vmapRaw } from "./batch-trace.js";

/** A batch axis for every leaf below: a number, null (not batched), or a pytree prefix. */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [key: string]: AxisSpec };

export interface VmapOptions {
  readonly inAxes?: AxisSpec;
  readonly outAxes?: AxisSpec;
}

/** The axis of every leaf of `t` (flattening order), read from the prefix `spec`. */
function expandPrefix(spec: AxisSpec | undefined, t: unknown, where: string, path: string): BatchDim[] {
  if (spec === undefined || spec === null || typeof spec === "number") {
    const axis = spec === undefined ? null : spec;
    return tree.leaves(t).map(() => axis);
  }
  if (Array.isArray(spec)) {
    if (!Array.isArray(t) || t.length !== spec.length) {
      throw new TreeStructureError(
        `${where}: the axis spec at ${path || "(root)"} is a list of ${spec.length}, but the value there is ${Array.isArray(t) ? `a list of ${t.length}` : typeof t}`,
      );
    }
    return spec.flatMap((s, i) => expandPrefix(s, t[i], where, `${path}[${i}]`));
  }
  if (tree.isPlainObject(spec)) {
    const keys = Object.keys(spec).sort();
    if (!tree.isPlainObject(t) || Object.keys(t).sort().join("\u0000") !== keys.join("\u0000")) {
      throw new TreeStructureError(`${where}: the axis spec at ${path || "(root)"} has keys {${keys.join(", ")}}, which the value there does not have`);
    }
    return keys.flatMap((k) => expandPrefix(spec[k], t[k], where, `${path}.${k}`));
  }
  throw new ArgumentError(`${where}: axis specs must be numbers, null, or lists/objects of them, got ${typeof spec}`);
}

function normalize(axis: number, rank: number, where: string, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new ArgumentError(`${where}: axis ${axis} is out of range for ${what} of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * The batched version of `f`: maps `f` over an axis of its arguments without a loop — every
 * primitive has a batching rule, so `vmap(f)` runs as one batched computation and composes
 * with `grad`, `jit` and the others.
 *
 * `inAxes` gives, per argument (or one for all), the axis to map over, or `null` for an
 * argument shared by every member of the batch; `outAxes` places the batch axis in the
 * outputs (default 0). Mapped axes must have one size; dtypes are kept.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { grad, vmap } from "@jaxts/transforms";
 *
 * vmap((row: NDArray) => np.sum(row))(array([[1, 2], [3, 4]])); // [3, 7]
 * // per-example gradients: parameters shared, examples mapped
 * const loss = (w: NDArray, x: NDArray, y: NDArray) => np.square(np.dot(w, x).sub(y));
 * const xs = array([[1, 0], [0, 1], [1, 1]]);
 * const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] })(array([1, 1]), xs, array([0, 0, 0]));
 * perExample; // [[2, 0], [0, 2], [4, 4]]
 */
export function vmap<F extends AnyFn>(f: F, opts: VmapOptions = {}): (...args: LooseArgs<F>) => ReturnType<F> {
  checkCallable("vmap", f);
  checkOptions<VmapOptions>(opts, "vmap", { inAxes: "any", outAxes: "any" });
  const name = `vmap(${f.name || "fn"})`;
  return ((...args: unknown[]) => {
    const inAxes = opts.inAxes === undefined ? 0 : opts.inAxes;
    if (Array.isArray(inAxes) && inAxes.length !== args.length) {
      throw new ArgumentError(`${name}: inAxes has ${inAxes.length} entries for ${args.length} positional argument(s)`);
    }
    const dims = expandPrefix(inAxes, args, name, "");
    const [leaves, inDef] = tree.flatten(args);
    const paths = tree.leafPaths(args);
    let size: number | undefined;
    let sizeFrom = "";
    const vals = leaves.map((l, i) => {
      const d = dims[i]!;
      const v = leafToArray(l, `${name}: argument leaf ${paths[i]}`);
      if (d === null) return v;
      const axis = normalize(d, v.ndim, name, `argument leaf ${paths[i]}`);
      dims[i] = axis;
      const n = v.shape[axis]!;
      if (size === undefined) {
        size = n;
        sizeFrom = paths[i]!;
      } else if (n !== size) {
        throw new ShapeError(`${name}: batched inputs have different sizes along their axes: ${size} at ${sizeFrom} and ${n} at ${paths[i]}`);
      }
      return v;
    });
    if (size === undefined) throw new ArgumentError(`${name}: vmap needs at least one batched input (every inAxes is null)`);
    const batch = size;
    let outDef: tree.TreeDef | undefined;
    let outTree: unknown;
    const results = vmapRaw(
      (xs) => {
        outTree = call(f, tree.unflatten(inDef, xs) as unknown[]);
        const [outs, def] = flattenOutputs(outTree, name);
        outDef = def;
        return outs;
      },
      vals,
      dims,
      batch,
    );
    const outDims = expandPrefix(opts.outAxes === undefined ? 0 : opts.outAxes, tree.unflatten(outDef!, results.map(() => 0)), name, "");
    const outs = results.map(([v, d], i) => {
      const want = outDims[i]!;
      if (want === null) {
        if (d !== null) throw new ArgumentError(`${name}: outAxes is null for output leaf ${i}, but that output varies across the batch`);
        return v;
      }
      if (d === null) {
        const axis = normalize(want, v.ndim + 1, name, `output leaf ${i}`);
        const shape = [...v.shape];
        shape.splice(axis, 0, batch);
        return lax.broadcastInDim(v, shape, v.shape.map((_, k) => (k < axis ? k : k + 1)));
      }
      return moveAxis(v, d, normalize(want, v.ndim, name, `output leaf ${i}`));
    });
    return tree.unflatten(outDef!, outs) as ReturnType<F>;
  }) as (...args: LooseArgs<F>) => ReturnType<F>;
}

export { NDArray };
