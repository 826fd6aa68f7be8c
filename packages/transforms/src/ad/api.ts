// The public differentiation API over pytrees: jvp, linearize, vjp, vjpWithAux, grad,
// valueAndGrad and linearTranspose, all built on jvpFlat, linearizeFlat and backwardPass.
import {
  ArgumentError,
  NotDifferentiableError,
  currentTrace,
  type Jaxpr,
  DTypeError,
  flattenArgs,
  fmtShape,
  isComplex,
  isFloat,
  isInexact,
  lax,
  type NDArray,
  sameShape,
  scalar,
  ShapeError,
  tree,
  withTrace,
  checkOptions,
} from "@jaxts/core";
import {
  type AnyFn, type GradResult, type GradsOf, type HolomorphicGradOptions, holomorphicGradOptionSpec, type LooseArgs, type Loosen, type ValueOf, call,
} from "./types.js";
import { checkCallable, flattenOutputs, selectArgs, } from "./args.js";
import { backwardPass, isLinearPrim } from "./backward-pass.js";
import { evalLinearized, linearizeCall, pullBack } from "./linearize-call.js";
import { jvpFlat } from "./jvp.js";
import { PartialEvalTrace } from "./linearize.js";
import { instantiate, type Tangent, Zero } from "./zero.js";

type Fn = AnyFn;
type ArgsOf<F extends AnyFn> = LooseArgs<F>;

/**
 * Check that `given` (tangents or cotangents) matches arrays of `avals` leaf by leaf: the same
 * structure, shape and dtype, as JAX requires (its TypeError/ValueError). Only a JS number (or
 * another weakly typed value) adopts the expected dtype; a float64 cotangent for a float32
 * output is an error, not a silent cast. `what` names the value (e.g. "tangents"), `of`
 * what it must match (e.g. "primal").
 */
function matchLeaves(where: string, what: string, of: string, given: unknown, def: tree.TreeDef, avals: readonly NDArray["aval"][]): NDArray[] {
  const [leaves, gdef] = flattenArgs([given], where);
  const want = tree.unflatten(def, avals.map(() => 0));
  tree.assertSameStructure(tree.structure([want]), gdef, where, ["expected", `given ${what}`]);
  const paths = tree.leafPaths(given);
  return leaves.map((l, i) => {
    const a = avals[i]!;
    const name = `${what}${paths[i] === "(root)" ? "" : (paths[i] ?? `leaf ${i}`)}`;
    if (!sameShape(l.shape, a.shape)) {
      throw new ShapeError(`${where}: ${name} has shape ${fmtShape(l.shape)} (${l.aval.str()}), but the corresponding ${of} is ${a.str()}; shapes must be equal`);
    }
    if (l.dtype === a.dtype) return l;
    if (l.weakType) return lax.convertElementType(l, a.dtype);
    throw new DTypeError(
      `${where}: ${name} has dtype ${l.dtype} (${l.aval.str()}), but the corresponding ${of} is ${a.str()}; dtypes must be equal (convert with astype)`,
    );
  });
}

/**
 * Forward mode: `f` at `primals` and its directional derivative along `tangents`,
 * `[f(x), ∂f(x)·t]`, in one pass.
 *
 * `primals` and `tangents` hold one entry per argument of `f`; each tangent has its primal's
 * pytree structure, shapes and dtype (a weakly typed number is converted). The outputs have
 * the structure of `f`'s output.
 *
 * @example
 * import { np } from "@jaxts/core";
 * import { jvp } from "@jaxts/transforms";
 *
 * const [y, dy] = jvp(np.sin, [0.5], [1]); // [sin 0.5, cos 0.5]
 */
export function jvp<A extends unknown[], R>(f: (...args: A) => R, primals: Loosen<A>, tangents: readonly unknown[]): [R, R] {
  checkCallable("jvp", f);
  if (!Array.isArray(primals) || !Array.isArray(tangents)) throw new ArgumentError("jvp: primals and tangents must be arrays (one entry per argument)");
  const [flat, inDef] = flattenArgs(primals, "jvp");
  const given = matchLeaves("jvp", "tangents", "primal", [...tangents], tree.structure([...primals]), flat.map((p) => p.aval));
  // Integer and boolean primals have zero tangents (JAX's float0), as in grad and linearize:
  // an int tangent pushed through x*x would give a derivative no other mode agrees with.
  const flatT: Tangent[] = given.map((t, i) => (isInexact(flat[i]!.dtype) ? t : new Zero(flat[i]!.aval)));
  void inDef;
  let outDef: tree.TreeDef | undefined;
  const [outs, outT] = jvpFlat(
    (xs) => {
      const [o, def] = flattenOutputs(call(f, tree.unflatten(tree.structure([...primals]), xs) as unknown[]), "jvp");
      outDef = def;
      return o;
    },
    flat,
    flatT,
  );
  return [tree.unflatten(outDef!, outs) as R, tree.unflatten(outDef!, outT.map(instantiate)) as R];
}

function linearizeTree(where: string, f: Fn, primals: readonly unknown[], hasAux: boolean) {
  checkCallable(where, f);
  const [flat, inDef] = flattenArgs(primals, where);
  const r = linearizeCall(where, f, flat, (xs) => tree.unflatten(inDef, xs) as unknown[], hasAux);
  return { ...r, inDef, flat, auxValue: r.aux };
}

function makeVjpFn(where: string, r: ReturnType<typeof linearizeTree>) {
  const outAvals = r.lin.primalsOut.slice(0, r.nOut).map((o) => o.aval);
  return (ct: unknown): unknown[] => {
    const cts = matchLeaves(`${where} function`, "cotangent", "primal output", ct, r.outDef, outAvals);
    const inCts = pullBack(r.lin, cts, false).map(instantiate);
    return tree.unflatten(r.inDef, inCts) as unknown[];
  };
}

/**
 * Reverse mode: `f(...primals)` and its pullback `vjpFn`, which maps a cotangent of the
 * output to `ctᵀ·∂f`, one cotangent per primal (an array, in argument order).
 *
 * The cotangent has the output's structure, shapes and dtypes; each result has its primal's.
 * `vjpFn` may be called many times (what a persistent GradientTape does in TensorFlow).
 *
 * @example
 * import { array, np } from "@jaxts/core";
 * import { vjp } from "@jaxts/transforms";
 *
 * const [y, pullback] = vjp((x) => np.square(x), array([1, 2, 3])); // y = [1, 4, 9]
 * const [dx] = pullback(array([1, 0, 0]));                            // [2, 0, 0]
 */
export function vjp<A extends unknown[], R>(f: (...args: A) => R, ...primals: Loosen<A>): [R, (ct: unknown) => unknown[]] {
  const r = linearizeTree("vjp", f, primals, false);
  return [tree.unflatten(r.outDef, r.lin.primalsOut.slice(0, r.nOut)) as R, makeVjpFn("vjp", r)];
}

/**
 * `vjp` for an `f` returning `[out, aux]`: differentiates `out` only and passes `aux` (any
 * pytree, e.g. metrics) through: `[out, vjpFn, aux]`.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { vjpWithAux } from "@jaxts/transforms";
 *
 * const w = array([1, 2]);
 * const [loss, pullback, metrics] = vjpWithAux((p: NDArray) => [np.sum(p.square()), { norm: np.max(p.abs()) }], w);
 * pullback(1)[0]; // [2, 4]
 */
export function vjpWithAux<A extends unknown[], R>(f: (...args: A) => R, ...primals: Loosen<A>): [unknown, (ct: unknown) => unknown[], unknown] {
  const r = linearizeTree("vjpWithAux", f, primals, true);
  return [tree.unflatten(r.outDef, r.lin.primalsOut.slice(0, r.nOut)), makeVjpFn("vjpWithAux", r), r.auxValue];
}

/**
 * `f(...primals)` and the linear map `t ↦ ∂f(primals)·t` as a function: `[out, jvpFn]`.
 * `f` runs once; each `jvpFn(...tangents)` call evaluates only the staged linear jaxpr, so
 * many directions cost less than many `jvp` calls. Tangents have the primals' shapes and dtypes.
 *
 * @example
 * import { np } from "@jaxts/core";
 * import { linearize } from "@jaxts/transforms";
 *
 * const [y, df] = linearize(np.exp, 1); // y = e
 * df(2);                                // 2e
 */
export function linearize<A extends unknown[], R>(f: (...args: A) => R, ...primals: Loosen<A>): [R, (...tangents: unknown[]) => R] {
  const r = linearizeTree("linearize", f, primals, false);
  const inAvals = r.flat.map((p) => p.aval);
  const jvpFn = (...tangents: unknown[]): R => {
    const ts = matchLeaves("linearize jvpFn", "tangents", "primal", tangents, r.inDef, inAvals);
    const live = evalLinearized(r.lin, ts).map(instantiate);
    return tree.unflatten(r.outDef, live.slice(0, r.nOut)) as R;
  };
  return [tree.unflatten(r.outDef, r.lin.primalsOut.slice(0, r.nOut)) as R, jvpFn];
}

function valueAndGradImpl(where: string, f: Fn, opts: HolomorphicGradOptions, args: readonly unknown[]): [NDArray, unknown, unknown] {
  const sel = selectArgs(where, args, opts.argnums ?? 0, true);
  const holomorphic = opts.holomorphic === true;
  if (holomorphic) {
    const real = sel.leaves.find((l) => !isComplex(l.dtype));
    if (real !== undefined) throw new DTypeError(`${where} with holomorphic: true requires inputs with complex dtype, but got ${real.dtype}`);
  }
  const { lin, outDef, nOut, aux } = linearizeCall(where, f, sel.leaves, sel.rebuild, opts.hasAux === true);
  if (nOut !== 1 || outDef.node.kind !== "leaf") {
    throw new ArgumentError(`${where}: the function must return a single scalar array, got a pytree ${outDef}`);
  }
  const value = lin.primalsOut[0]!;
  if (value.ndim !== 0) {
    throw new ShapeError(`${where}: the function must return a scalar (shape []), got shape ${fmtShape(value.shape)}; use vjp or jacrev for non-scalar outputs`);
  }
  // JAX's checks (api.py, _check_output_dtype_revderiv)
  if (holomorphic && !isComplex(value.dtype)) throw new DTypeError(`${where} with holomorphic: true requires outputs with complex dtype, but got ${value.dtype}`);
  if (!holomorphic && isComplex(value.dtype)) {
    throw new DTypeError(
      `${where} requires real-valued outputs (a float dtype), but got ${value.dtype}. For holomorphic differentiation, pass { holomorphic: true }. ` +
        "For differentiation of non-holomorphic functions involving complex outputs, use vjp directly.",
    );
  }
  if (!isFloat(value.dtype) && !holomorphic) throw new DTypeError(`${where}: the function must return a float scalar, got dtype ${value.dtype}`);
  const ct = scalar(1, value.dtype);
  const grads = pullBack(lin, [ct], true).map(instantiate);
  return [value, sel.unflattenLike(grads), aux];
}

/**
 * The gradient of a scalar-valued `f`: a function returning `∇f` with respect to the
 * argument(s) chosen by `argnums` (default 0; an array of positions gives a tuple).
 *
 * `f` must return a float array of shape `[]` (with `hasAux: true`, `[value, aux]`, and the
 * result is `[g, aux]`). The gradient has the structure, shapes and dtypes of the selected
 * argument, which may be any pytree of float arrays; a JS number becomes a float32 scalar.
 * Compose freely: `grad(grad(f))`, `jit(grad(f))`, `vmap(grad(f))`.
 *
 * Complex inputs with a real output give JAX's ∂f/∂x − i·∂f/∂y (so grad(|z|²) = 2·conj(z)); a
 * complex output needs `holomorphic: true` (complex inputs, f holomorphic), which gives f'(z).
 *
 * @example
 * import { type NDArray } from "@jaxts/core";
 * import { grad } from "@jaxts/transforms";
 *
 * const f = (x: NDArray) => x.pow(2).add(x.mul(3)).add(1);
 * grad(f)(3).item();        // 9
 * grad(grad(f))(3).item();  // 2
 */
export function grad<F extends Fn, const O extends HolomorphicGradOptions = {}>(f: F, opts?: O): (...args: ArgsOf<F>) => GradResult<F, O> {
  checkCallable("grad", f);
  const o: HolomorphicGradOptions = checkOptions<HolomorphicGradOptions>(opts, "grad", holomorphicGradOptionSpec);
  return (...args) => {
    const [, g, aux] = valueAndGradImpl("grad", f, o, args);
    return (o.hasAux ? [g, aux] : g) as GradResult<F, O>;
  };
}

/**
 * `f`'s value and gradient from one forward and one backward pass: `[value, g]` (with
 * `hasAux`: `[[value, aux], g]`). Options, shapes and dtypes as for {@link grad}.
 *
 * @example
 * import { array, type NDArray, np } from "@jaxts/core";
 * import { valueAndGrad } from "@jaxts/transforms";
 *
 * const loss = (p: { w: NDArray }) => np.sum(np.square(p.w));
 * const [value, g] = valueAndGrad(loss)({ w: array([1, 2]) }); // 5, { w: [2, 4] }
 */
export function valueAndGrad<F extends Fn, const O extends HolomorphicGradOptions = {}>(
  f: F,
  opts?: O,
): (...args: ArgsOf<F>) => [ValueOf<F, O>, GradsOf<F, O>] {
  checkCallable("valueAndGrad", f);
  const o: HolomorphicGradOptions = checkOptions<HolomorphicGradOptions>(opts, "valueAndGrad", holomorphicGradOptionSpec);
  return (...args) => {
    const [value, g, aux] = valueAndGradImpl("valueAndGrad", f, o, args);
    return [(o.hasAux ? [value, aux] : value) as ValueOf<F, O>, g as GradsOf<F, O>];
  };
}

/**
 * The transpose of a *linear* `f`, traced at the shapes and dtypes of `primals` (their
 * values are not used): a function mapping a cotangent of the output to one cotangent per
 * primal, `ct ↦ Aᵀ·ct` when `f(x) = A·x`.
 *
 * @example
 * import { array, np } from "@jaxts/core";
 * import { linearTranspose } from "@jaxts/transforms";
 *
 * const A = array([[1, 2], [3, 4]]);
 * const [x] = linearTranspose((v) => np.matmul(A, v), array([0, 0]))(array([1, 0])); // [1, 2]
 */
export function linearTranspose<A extends unknown[], R>(f: (...args: A) => R, ...primals: Loosen<A>): (ct: unknown) => unknown[] {
  checkCallable("linearTranspose", f);
  const [flat, inDef] = flattenArgs(primals, "linearTranspose");
  const pe = new PartialEvalTrace(currentTrace(), "linearTranspose");
  let outDef: tree.TreeDef | undefined;
  let traced: { outs: NDArray[]; jaxpr: Jaxpr; consts: NDArray[] };
  try {
    const ins = flat.map((p) => pe.newArg(p.aval));
    const outs = withTrace(pe, () => {
      const [o, def] = flattenOutputs(call(f, tree.unflatten(inDef, ins) as unknown[]), "linearTranspose");
      outDef = def;
      return o;
    });
    traced = { outs, ...pe.finalize(ins, outs) };
  } finally {
    pe.active = false;
  }
  const { jaxpr, consts, outs } = traced;
  for (const eqn of jaxpr.eqns) {
    if (!isLinearPrim(eqn.primitive)) {
      throw new NotDifferentiableError(`linearTranspose: the function is not linear in its inputs: it applies \`${eqn.primitive}\` to them`);
    }
  }
  return (ct: unknown): unknown[] => {
    const cts = matchLeaves("linearTranspose function", "cotangent", "output", ct, outDef!, outs.map((o) => o.aval));
    const inCts = backwardPass(jaxpr, [...consts], cts).map(instantiate);
    return tree.unflatten(inDef, inCts) as unknown[];
  };
}

