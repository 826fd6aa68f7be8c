// Jacobians and Hessians with JAX's output shapes: for each output leaf, the selected
// arguments' structure holding arrays of shape out.shape + in.shape.
import { checkOptions, eye, lax, type NDArray, np, tree } from "@jaxts/core";
import { checkCallable, selectArgs } from "./args.js";
import { evalLinearized, linearizeCall, pullBack } from "./linearize-call.js";
import type { AnyFn, GradOptions, LooseArgs, } from "./types.js";
import { instantiate, Zero } from "./zero.js";

/** The e-th standard basis vector of an array of `aval`. */
function basisVectors(aval: NDArray["aval"]): NDArray[] {
  const n = aval.size;
  const identity = eye(n, n, { dtype: aval.dtype });
  return Array.from({ length: n }, (_, e) => lax.reshape(lax.slice(identity, [e, 0], [e + 1, n]), aval.shape));
}

function linearizeSelected(where: string, f: AnyFn, opts: GradOptions, args: readonly unknown[]) {
  const sel = selectArgs(where, args, opts.argnums ?? 0, true);
  return { sel, ...linearizeCall(where, f, sel.leaves, sel.rebuild, opts.hasAux === true) };
}

/** Assemble jac[i][j] (output leaf i, input leaf j) into the output/argument pytrees. */
function assemble(r: ReturnType<typeof linearizeSelected>, blocks: NDArray[][], hasAux: boolean): unknown {
  const perOut = blocks.map((row) => r.sel.unflattenLike(row));
  const jac = tree.unflatten(r.outDef, perOut);
  return hasAux ? [jac, r.aux] : jac;
}

/** jacfwd(f, { argnums, hasAux }): Jacobian by pushing forward each input basis vector. */
export function jacfwd<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  checkOptions(opts, "jacfwd", "{ argnums: 1 }");
  checkCallable("jacfwd", f);
  return (...args: LooseArgs<F>): unknown => {
    const r = linearizeSelected("jacfwd", f, opts, args);
    const ins = r.sel.leaves;
    const outs = r.lin.primalsOut.slice(0, r.nOut);
    const blocks: NDArray[][] = outs.map(() => []);
    ins.forEach((x, j) => {
      const columns = basisVectors(x.aval).map((b) => evalLinearized(r.lin, ins.map((y, k) => (k === j ? b : new Zero(y.aval)))));
      outs.forEach((o, i) => {
        const cols = columns.map((c) => instantiate(c[i]!));
        const stacked = cols.length ? np.stack(cols, { axis: -1 }) : np.zeros([...o.shape, 0], o.dtype);
        blocks[i]!.push(lax.reshape(stacked, [...o.shape, ...x.shape]));
      });
    });
    return assemble(r, blocks, opts.hasAux === true);
  };
}

/** jacrev(f, { argnums, hasAux }): Jacobian by pulling back each output basis vector. */
export function jacrev<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  checkOptions(opts, "jacrev", "{ argnums: 1 }");
  checkCallable("jacrev", f);
  return (...args: LooseArgs<F>): unknown => {
    const r = linearizeSelected("jacrev", f, opts, args);
    const ins = r.sel.leaves;
    const outs = r.lin.primalsOut.slice(0, r.nOut);
    const blocks = outs.map((o, i) => {
      const rows = basisVectors(o.aval).map((b) => {
        return pullBack(r.lin, r.lin.primalsOut.map((p, k) => (k === i ? b : new Zero(p.aval))), false);
      });
      return ins.map((x, j) => {
        const parts = rows.map((row) => instantiate(row[j]!));
        const stacked = parts.length ? np.stack(parts, { axis: 0 }) : np.zeros([0, ...x.shape], x.dtype);
        return lax.reshape(stacked, [...o.shape, ...x.shape]);
      });
    });
    return assemble(r, blocks, opts.hasAux === true);
  };
}

/** hessian(f, opts) = jacfwd(jacrev(f, opts), opts). */
export function hessian<F extends AnyFn>(f: F, opts: GradOptions = {}) {
  return jacfwd(jacrev(f, opts) as AnyFn, opts) as (...args: LooseArgs<F>) => unknown;
}
