// Jacobians and Hessians with JAX's output shapes: for each output leaf, the selected
// arguments' structure holding arrays of shape out.shape + in.shape.
import { checkOptions, DTypeError, eye, isComplex, lax, type NDArray, np, tree } from "@jaxts/core";
import { checkCallable, selectArgs } from "./args.js";
import { evalLinearized, linearizeCall, pullBack } from "./linearize-call.js";
import { vmapFlat } from "../batching/batch-trace.js";
import { type AnyFn, type HolomorphicGradOptions as GradOptions, holomorphicGradOptionSpec as gradOptionSpec, type LooseArgs } from "./types.js";
import { instantiate, Zero } from "./zero.js";

/** All standard basis vectors of an array of `aval`, stacked: shape [size, ...aval.shape]. */
function basis(aval: NDArray["aval"]): NDArray {
  return lax.reshape(eye(aval.size, aval.size, { dtype: aval.dtype }), [aval.size, ...aval.shape]);
}

function linearizeSelected(where: "jacfwd" | "jacrev", f: AnyFn, opts: GradOptions, args: readonly unknown[]) {
  const sel = selectArgs(where, args, opts.argnums ?? 0, true);
  const r = { sel, ...linearizeCall(where, f, sel.leaves, sel.rebuild, opts.hasAux === true) };
  checkComplexDTypes(where, opts.holomorphic === true, sel.leaves, r.lin.primalsOut.slice(0, r.nOut));
  return r;
}

/** JAX's dtype checks (api.py): holomorphic needs complex inputs and outputs; without it
 * jacfwd refuses complex inputs and jacrev complex outputs (each would be a Jacobian of the
 * real and imaginary parts that JAX does not define that way). */
function checkComplexDTypes(where: "jacfwd" | "jacrev", holomorphic: boolean, ins: readonly NDArray[], outs: readonly NDArray[]): void {
  const hint = `For holomorphic differentiation, pass { holomorphic: true }; for non-holomorphic functions of complex values use ${where === "jacfwd" ? "jvp" : "vjp"} directly.`;
  if (holomorphic) {
    for (const x of ins) if (!isComplex(x.dtype)) throw new DTypeError(`${where} with holomorphic: true requires inputs with complex dtype, but got ${x.dtype}`);
    for (const o of outs) if (!isComplex(o.dtype)) throw new DTypeError(`${where} with holomorphic: true requires outputs with complex dtype, but got ${o.dtype}`);
    return;
  }
  if (where === "jacfwd") {
    for (const x of ins) if (isComplex(x.dtype)) throw new DTypeError(`jacfwd requires real-valued inputs, but got ${x.dtype}. ${hint}`);
  } else {
    for (const o of outs) if (isComplex(o.dtype)) throw new DTypeError(`jacrev requires real-valued outputs, but got ${o.dtype}. ${hint}`);
  }
}

/** Assemble jac[i][j] (output leaf i, input leaf j) into the output/argument pytrees. */
function assemble(r: ReturnType<typeof linearizeSelected>, blocks: NDArray[][], hasAux: boolean): unknown {
  const perOut = blocks.map((row) => r.sel.unflattenLike(row));
  const jac = tree.unflatten(r.outDef, perOut);
  return hasAux ? [jac, r.aux] : jac;
}

/**
 * The Jacobian of `f` by forward mode: every input basis vector pushed forward at once (the
 * linearized map vmapped over the basis) — cheaper than {@link jacrev} when there are fewer
 * inputs than outputs.
 *
 * For an output of shape `O` and a selected argument of shape `I` the result has shape
 * `[...O, ...I]` (pytrees: one block per pair of leaves), in the output's dtype.
 *
 * @example
 * import { array, np } from "@jaxts/core";
 * import { jacfwd } from "@jaxts/transforms";
 *
 * jacfwd(np.sin)(array([0, 1])); // diag(cos 0, cos 1), shape [2, 2]
 */
export function jacfwd<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  checkOptions<GradOptions>(opts, "jacfwd", gradOptionSpec);
  checkCallable("jacfwd", f);
  return (...args: LooseArgs<F>): unknown => {
    const r = linearizeSelected("jacfwd", f, opts, args);
    const ins = r.sel.leaves;
    const outs = r.lin.primalsOut.slice(0, r.nOut);
    const blocks: NDArray[][] = outs.map(() => []);
    ins.forEach((x, j) => {
      // columns[i]: [x.size, ...outs[i].shape], one pushed-forward basis vector per row
      const columns =
        x.size === 0
          ? outs.map((o) => np.zeros([0, ...o.shape], o.dtype))
          : vmapFlat(([b]) => evalLinearized(r.lin, ins.map((y, k) => (k === j ? b! : new Zero(y.aval)))).slice(0, r.nOut).map(instantiate), [basis(x.aval)], [0], x.size);
      outs.forEach((o, i) => {
        const moved = np.moveaxis(columns[i]!, 0, -1);
        blocks[i]!.push(lax.reshape(moved, [...o.shape, ...x.shape]));
      });
    });
    return assemble(r, blocks, opts.hasAux === true);
  };
}

/**
 * The Jacobian of `f` by reverse mode: every output basis vector pulled back at once (the
 * backward pass vmapped over the basis) — cheaper than {@link jacfwd} when there are fewer
 * outputs than inputs. Shapes as for `jacfwd`: `[...outputShape, ...inputShape]`.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { jacrev } from "@jaxts/transforms";
 *
 * jacrev((x: NDArray) => np.square(x).mul(array([1, 2])))(array([1, 1])); // [[2, 0], [0, 4]]
 */
export function jacrev<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  checkOptions<GradOptions>(opts, "jacrev", gradOptionSpec);
  checkCallable("jacrev", f);
  return (...args: LooseArgs<F>): unknown => {
    const r = linearizeSelected("jacrev", f, opts, args);
    const ins = r.sel.leaves;
    const outs = r.lin.primalsOut.slice(0, r.nOut);
    const blocks = outs.map((o, i) => {
      // rows[j]: [o.size, ...ins[j].shape], one pulled-back basis vector per row
      const rows =
        o.size === 0
          ? ins.map((x) => np.zeros([0, ...x.shape], x.dtype))
          : vmapFlat(([b]) => pullBack(r.lin, r.lin.primalsOut.map((p, k) => (k === i ? b! : new Zero(p.aval))), false).map(instantiate), [basis(o.aval)], [0], o.size);
      return ins.map((x, j) => lax.reshape(rows[j]!, [...o.shape, ...x.shape]));
    });
    return assemble(r, blocks, opts.hasAux === true);
  };
}

/**
 * The Hessian of a scalar-valued `f`, `jacfwd(jacrev(f))`: for an argument of shape `I`, an
 * array of shape `[...I, ...I]` in the argument's dtype.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { hessian } from "@jaxts/transforms";
 *
 * hessian((x: NDArray) => np.sum(x.pow(3)))(array([1, 2])); // [[6, 0], [0, 12]]
 */
export function hessian<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  checkOptions<GradOptions>(opts, "hessian", gradOptionSpec);
  return jacfwd(jacrev(f, opts) as AnyFn, opts) as (...args: LooseArgs<F>) => unknown;
}
