// Gamma and the distributions built on it (loggamma, beta, dirichlet, chisquare, t,
// generalizedNormal, ball). Gamma is Marsaglia–Tsang rejection in a whileLoop, so it jits
// and vmaps; its derivative in `a` is the implicit reparameterisation dx/da = −(∂F/∂a)/f
// (F the CDF, f the density), given by a custom JVP, as JAX's.
import type { NDArray, Operand } from "../array.js";
import { checkArrayShape, type DType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import { fmtShape } from "../shape.js";
import { callWithJvp } from "./custom-jvp.js";
import { rademacher } from "./discrete.js";
import { normal, uniform } from "./floats.js";
import { checkKey, type PRNGKey, split } from "./keys.js";
import { checkBroadcastsTo, floatDType, floatParam, sampleShape } from "./params.js";
import { digammaAtLeastOne } from "./special.js";
import { exponential } from "./univariate.js";

/**
 * Gamma(a, 1) samples (or their logs), one per element of `a`. Marsaglia and Tsang's method
 * for shape α = a (or a + 1 when a < 1, then boosted by u^(1/a)): x = (α − ⅓)·v with
 * v = (1 + c·z)³, z normal, accepted when u < 1 − 0.0331 z⁴ or log u < z²/2 + d(1 − v + log v).
 * All elements draw together each round and an element keeps its first accepted v; the loop
 * ends when every element has one (≥ 95% acceptance per round, so a few rounds). Elements with
 * a ≤ 0 or NaN give NaN at once instead of looping. The same distribution as JAX's, though
 * not its bits: JAX runs one loop per element with a key per element.
 */
function marsagliaTsang(k: NDArray, a: NDArray, logSpace: boolean): NDArray {
  const d = a.dtype;
  const boost = lax.ge(a, 1);
  const alpha = lax.select(boost, a, lax.add(a, 1));
  const dd = lax.sub(alpha, 1 / 3);
  const c = lax.div(1 / 3, lax.sqrt(dd));
  const valid = lax.gt(dd, 0);
  const [loopKey, boostKey] = split(k);
  const s = a.shape;
  const init = [loopKey!, lax.not(valid), np.onesLike(a)] as const;
  const [, , v] = lax.whileLoop(
    ([, done]) => lax.reduceOr(lax.not(done), s.map((_, i) => i)),
    ([key, done, v]) => {
      const [next, kz, ku] = split(key, 3);
      const z = normal(kz!, s, d);
      const u = uniform(ku!, s, { dtype: d });
      const cube = lax.add(lax.mul(z, c), 1);
      const vNew = lax.mul(lax.mul(cube, cube), cube);
      const z2 = lax.mul(z, z);
      const squeeze = lax.lt(u, lax.sub(1, lax.mul(0.0331, lax.mul(z2, z2))));
      const full = lax.lt(lax.log(u), lax.add(lax.mul(z2, 0.5), lax.mul(dd, lax.add(lax.sub(1, vNew), lax.log(vNew)))));
      const accept = lax.bitwiseAnd(lax.gt(vNew, 0), lax.bitwiseOr(squeeze, full));
      const take = lax.bitwiseAnd(accept, lax.not(done));
      return [next!, lax.bitwiseOr(done, accept), lax.select(take, vNew, v)] as const;
    },
    init,
  );
  const nan = np.fullLike(a, Number.NaN);
  if (logSpace) {
    // log u ~ −Exponential: the boost in log space keeps tiny samples (a ≪ 1) representable
    const logU = lax.neg(exponential(boostKey!, s, d));
    const logBoost = lax.select(lax.bitwiseOr(boost, lax.eq(logU, 0)), np.zerosLike(a), lax.div(logU, a));
    return lax.select(valid, lax.add(lax.add(lax.log(dd), lax.log(v)), logBoost), nan);
  }
  const u = lax.sub(1, uniform(boostKey!, s, { dtype: d }));
  const boostFactor = lax.select(boost, np.onesLike(a), lax.pow(u, lax.div(1, a)));
  return lax.select(valid, lax.mul(lax.mul(dd, v), boostFactor), nan);
}

/**
 * d(log x)/da for x ~ Gamma(a) held at the same CDF value (implicit reparameterisation):
 * with F(x; a) = e^{-x} Σ_n x^{a+n}/Γ(a+n+1) and density f, dx/da = −(∂F/∂a)/f, which is
 * −(x/a) Σ_n s_n (log x − ψ(a+n+1)), s_n = Π_{k≤n} x/(a+k). Summed in float64 in a whileLoop
 * until the geometric bound on the tail is below 1e-16 of the sum (about x − a + 6√a terms for
 * large a); takes log x so that it
 * stays finite where x underflows. Returns the dtype of `a`.
 */
function dLogGammaSampleDa(a: NDArray, logX: NDArray): NDArray {
  const a64 = lax.convertElementType(a, "float64");
  const lx = lax.convertElementType(logX, "float64");
  const x = lax.exp(lx);
  const psi0 = digammaAtLeastOne(lax.add(a64, 1));
  const first = lax.sub(lx, psi0);
  const s = a.shape;
  const all = s.map((_, i) => i);
  const init = [lax.convertElementType(0, "float64"), np.onesLike(a64), psi0, first, np.onesLike(a64), np.zerosLike(a64).astype("bool")] as const;
  const [, , , total, , converged] = lax.whileLoop(
    ([n, , , , , done]) => lax.bitwiseAnd(lax.reduceOr(lax.not(done), all), lax.lt(n, 100000)),
    ([n, term, psi, acc, mass, done]) => {
      const n1 = lax.add(n, 1);
      const an = lax.add(a64, n1);
      const termNext = lax.mul(term, lax.div(x, an));
      const psiNext = lax.add(psi, lax.div(1, an));
      const accNext = lax.add(acc, lax.mul(termNext, lax.sub(lx, psiNext)));
      const massNext = lax.add(mass, termNext);
      // the rest is at most termNext · r/(1 − r) with r = x/(a+n+2) once r < 1
      const ratio = lax.div(x, lax.add(an, 1));
      const tail = lax.div(lax.mul(termNext, ratio), lax.sub(1, ratio));
      const converged = lax.bitwiseAnd(lax.lt(ratio, 1), lax.le(tail, lax.mul(massNext, 1e-16)));
      const keep = (next: NDArray, old: NDArray) => lax.select(done, old, next);
      return [n1, keep(termNext, term), keep(psiNext, psi), keep(accNext, acc), keep(massNext, mass), lax.bitwiseOr(done, converged)] as const;
    },
    init,
  );
  // an element still summing after the iteration cap (a beyond ~1e8) is NaN, not a partial sum
  const out = lax.select(converged, lax.neg(lax.div(total, a64)), np.fullLike(a64, Number.NaN));
  return lax.convertElementType(out, a.dtype);
}

/** Gamma samples with the implicit-reparameterisation derivative in `a` (a custom JVP). */
function gammaWithGrad(k: NDArray, a: NDArray, logSpace: boolean, where: string): NDArray {
  const sample = (xs: readonly NDArray[]) => [marsagliaTsang(xs[0]!, xs[1]!, logSpace)];
  const [out] = callWithJvp(
    sample,
    (primals, tangents) => {
      const [y] = sample(primals);
      const dLog = dLogGammaSampleDa(primals[1]!, logSpace ? y! : lax.log(y!));
      // x = 0 (underflow) has derivative 0, not 0 · ∞
      const coef = logSpace ? dLog : lax.select(lax.eq(y!, 0), np.zerosLike(y!), lax.mul(dLog, y!));
      return [[y!], [lax.mul(tangents[1]!, coef)]];
    },
    [k, a],
    where,
  );
  return out!;
}

function gammaLike(name: string, k: PRNGKey, a: Operand, shape: readonly number[] | null | undefined, dtype: DType | undefined, logSpace: boolean): NDArray {
  const where = `random.${name}`;
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const ap = floatParam(a, d, where, "a");
  const s = sampleShape(shape, d, where, ap);
  return gammaWithGrad(kk, np.broadcastTo(ap, s), logSpace, where);
}

/**
 * Gamma(a, 1) samples, density x^{a−1} e^{−x} / Γ(a) on x > 0. The shape defaults to a's.
 * Differentiable in `a` by implicit reparameterisation (as JAX), so jit, vmap and grad compose.
 *
 * @example
 * np.all(random.gamma(random.key(0), 2, [100]).gt(0)).item(); // true
 */
export function gamma(k: PRNGKey, a: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  return gammaLike("gamma", k, a, shape, dtype, false);
}

/** log of Gamma(a, 1) samples, drawn in log space so that tiny samples (a ≪ 1) keep their
 * precision: exp(loggamma(k, a)) ≈ gamma(k, a). Differentiable in `a`.
 *
 * @example
 * random.loggamma(random.key(0), 0.1, [3]).shape; // [3]
 */
export function loggamma(k: PRNGKey, a: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  return gammaLike("loggamma", k, a, shape, dtype, true);
}

/** Beta(a, b) on [0, 1]: Ga / (Ga + Gb) from two log-space gamma draws, scaled by their max
 * so that neither underflows. Differentiable in a and b.
 *
 * @example
 * const b = random.beta(random.key(0), 2, 5, [100]);
 * np.all(b.ge(0).mul(b.le(1))).item(); // true
 */
export function beta(k: PRNGKey, a: Operand, b: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  const where = "random.beta";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const ap = floatParam(a, d, where, "a", true);
  const bp = floatParam(b, d, where, "b", true);
  const s = sampleShape(shape, d, where, ap, bp);
  const [ka, kb] = split(kk);
  const la = gammaWithGrad(ka!, np.broadcastTo(ap, s), true, where);
  const lb = gammaWithGrad(kb!, np.broadcastTo(bp, s), true, where);
  const top = lax.max(la, lb);
  const ea = lax.exp(lax.sub(la, top));
  const eb = lax.exp(lax.sub(lb, top));
  return lax.div(ea, lax.add(ea, eb));
}

/**
 * Dirichlet(alpha) over the last axis of `alpha` (the categories): the softmax of log-space
 * gamma draws. The result has shape `shape` + [K], `shape` defaulting to alpha's leading axes.
 *
 * @example
 * const p = random.dirichlet(random.key(0), array([1, 1, 1]), [4]);
 * p.shape; // [4, 3]
 * np.allclose(np.sum(p, { axis: -1 }), 1).item(); // true
 */
export function dirichlet(k: PRNGKey, alpha: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  const where = "random.dirichlet";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const al = floatParam(alpha, d, where, "alpha");
  if (al.ndim < 1) throw new ShapeError(`${where}: alpha must have at least one axis (the categories), got shape ${fmtShape(al.shape)}`);
  const categories = al.shape[al.ndim - 1]!;
  const alphaBatch = al.shape.slice(0, -1);
  const batch = shape === undefined || shape === null ? alphaBatch : checkArrayShape(shape, d, where);
  checkBroadcastsTo(batch, [alphaBatch], where);
  const full = checkArrayShape([...batch, categories], d, where);
  const logG = gammaWithGrad(kk, np.broadcastTo(al, full), true, where);
  const shifted = lax.sub(logG, lax.broadcastInDim(lax.reduceMax(logG, [batch.length]), full, batch.map((_, i) => i)));
  const e = lax.exp(shifted);
  return lax.div(e, lax.broadcastInDim(lax.reduceSum(e, [batch.length]), full, batch.map((_, i) => i)));
}

/**
 * Chi-square(df): 2 · Gamma(df/2), drawn in log space. Differentiable in df.
 *
 * @example
 * np.all(random.chisquare(random.key(0), 3, [100]).ge(0)).item(); // true
 */
export function chisquare(k: PRNGKey, df: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  const where = "random.chisquare";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const dfp = floatParam(df, d, where, "df", true);
  const s = sampleShape(shape, d, where, dfp);
  return lax.mul(lax.exp(gammaWithGrad(kk, np.broadcastTo(lax.mul(dfp, 0.5), s), true, where)), 2);
}

/**
 * Student's t(df): z · √((df/2) / g) with z normal and g ~ Gamma(df/2). Differentiable in df.
 *
 * @example
 * random.t(random.key(0), 5, [3]).shape; // [3]
 */
export function t(k: PRNGKey, df: Operand, shape?: readonly number[] | null, dtype?: DType): NDArray {
  const where = "random.t";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const dfp = floatParam(df, d, where, "df", true);
  const s = sampleShape(shape, d, where, dfp);
  const [kn, kg] = split(kk);
  const z = normal(kn!, s, d);
  const half = np.broadcastTo(lax.mul(dfp, 0.5), s);
  const g = gammaWithGrad(kg!, half, false, where);
  return lax.mul(z, lax.sqrt(lax.div(half, g)));
}

/**
 * Generalized normal with density ∝ exp(−|x|^p): r · g^(1/p), g ~ Gamma(1/p), r = ±1.
 *
 * @example
 * random.generalizedNormal(random.key(0), 2, [3]).shape; // [3]
 */
export function generalizedNormal(k: PRNGKey, p: Operand, shape: readonly number[] = [], dtype?: DType): NDArray {
  const where = "random.generalizedNormal";
  const d = floatDType(dtype, where);
  const kk = checkKey(k, where);
  const pp = floatParam(p, d, where, "p");
  const s = sampleShape(shape, d, where, pp);
  const [kg, kr] = split(kk);
  const invP = np.broadcastTo(lax.div(1, pp), s);
  const g = gammaWithGrad(kg!, invP, false, where);
  return lax.mul(rademacher(kr!, s, d), lax.pow(g, invP));
}

/**
 * Points uniform in the unit ℓp ball of dimension `d` (Barthe, Guédon, Mendelson and Naor):
 * g / (‖g‖_p^p + e)^(1/p) with g generalized-normal and e exponential. Shape `shape` + [d].
 *
 * @example
 * const v = random.ball(random.key(0), 3, [100]);
 * v.shape; // [100, 3]
 * np.all(np.sum(v.square(), { axis: -1 }).le(1)).item(); // true
 */
export function ball(k: PRNGKey, d: number, shape: readonly number[] = [], opts: { readonly p?: number; readonly dtype?: DType } = {}): NDArray {
  const where = "random.ball";
  const o = checkOptions(opts, where, { p: "number", dtype: "dtype" });
  const dt = floatDType(o.dtype, where);
  const kk = checkKey(k, where);
  const s = checkArrayShape(shape, dt, where);
  const full = checkArrayShape([...s, d], dt, where);
  const p = o.p ?? 2;
  const [k1, k2] = split(kk);
  const g = generalizedNormal(k1!, p, full, dt);
  const e = exponential(k2!, s, dt);
  const norm = lax.pow(lax.add(lax.reduceSum(lax.pow(lax.abs(g), p), [s.length]), e), 1 / p);
  return lax.div(g, lax.broadcastInDim(norm, full, s.map((_, i) => i)));
}
