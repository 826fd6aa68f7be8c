// Poisson samples as JAX draws them (which follows TensorFlow and NumPy): Knuth's product of
// uniforms for rates below 10, Hörmann's transformed rejection (PTRS) from 10 up, both as
// whileLoops over the whole array so that they jit and vmap; computed in float32, as JAX.
import type { NDArray, Operand } from "../array.js";
import type { DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { describeValue } from "../shape.js";
import { uniform } from "./floats.js";
import { checkKey, type PRNGKey, split } from "./keys.js";
import { floatParam, sampleShape } from "./params.js";
import { lgammaAtLeastOne } from "./special.js";

const anyOf = (x: NDArray): NDArray => lax.reduceOr(x, x.shape.map((_, i) => i));

/** Knuth: the number of uniforms whose running product stays above e^{-λ}, minus one. */
function knuth(k: NDArray, lam: NDArray): NDArray {
  const s = lam.shape;
  const negLam = lax.neg(lam);
  const init = [k, np.zerosLike(lam).astype("int32"), np.zerosLike(lam)] as const;
  const [, count] = lax.whileLoop(
    ([, , logProd]) => anyOf(lax.gt(logProd, negLam)),
    ([key, count, logProd]) => {
      const [next, sub] = split(key);
      const going = lax.gt(logProd, negLam);
      const u = uniform(sub!, s, { dtype: "float32" });
      return [next!, lax.select(going, lax.add(count, 1), count), lax.add(logProd, lax.log(u))] as const;
    },
    init,
  );
  return lax.sub(count, 1);
}

/** Hörmann's PTRS ("The transformed rejection method for generating Poisson random
 * variables", 1993), with its constants; each element keeps its first accepted k. */
function transformedRejection(k: NDArray, lam: NDArray): NDArray {
  const s = lam.shape;
  const logLam = lax.log(lam);
  const b = lax.add(lax.mul(lax.sqrt(lam), 2.53), 0.931);
  const a = lax.add(lax.mul(b, 0.02483), -0.059);
  const invAlpha = lax.add(lax.div(1.1328, lax.sub(b, 3.4)), 1.1239);
  const vR = lax.sub(0.9277, lax.div(3.6224, lax.sub(b, 2)));
  // a rate of +∞ would never be accepted: it is marked done at once (and gives -1)
  const init = [k, np.fullLike(lam, -1), lax.not(lax.isFinite(lam))] as const;
  const [, out] = lax.whileLoop(
    ([, , accepted]) => anyOf(lax.not(accepted)),
    ([key, kOut, accepted]) => {
      const [next, k0, k1] = split(key, 3);
      const u = lax.sub(uniform(k0!, s, { dtype: "float32" }), 0.5);
      const v = uniform(k1!, s, { dtype: "float32" });
      const us = lax.sub(0.5, lax.abs(u));
      const kk = lax.floor(lax.add(lax.add(lax.mul(lax.add(lax.div(lax.mul(a, 2), us), b), u), lam), 0.43));
      const lhs = lax.log(lax.div(lax.mul(v, invAlpha), lax.add(lax.div(a, lax.mul(us, us)), b)));
      const rhs = lax.sub(lax.sub(lax.mul(kk, logLam), lam), lgammaAtLeastOne(lax.max(lax.add(kk, 1), np.onesLike(kk))));
      const quick = lax.bitwiseAnd(lax.ge(us, 0.07), lax.le(v, vR));
      const reject = lax.bitwiseOr(lax.lt(kk, 0), lax.bitwiseAnd(lax.lt(us, 0.013), lax.gt(v, us)));
      const accept = lax.bitwiseOr(quick, lax.bitwiseAnd(lax.not(reject), lax.le(lhs, rhs)));
      const take = lax.bitwiseAnd(accept, lax.not(accepted));
      return [next!, lax.select(take, kk, kOut), lax.bitwiseOr(accepted, accept)] as const;
    },
    init,
  );
  return lax.convertElementType(out, "int32");
}

/**
 * Poisson(lam) counts, int32 by default (JAX's default int). The rate is taken in float32,
 * as JAX; lam = 0 gives 0, and a negative or NaN rate gives -1, as JAX's loops do. The shape
 * defaults to lam's. Not differentiable (the result is an integer).
 *
 * @example
 * const n = random.poisson(random.key(0), 3, [100]);
 * n.dtype; // "int32"
 */
export function poisson(k: PRNGKey, lam: Operand, shape?: readonly number[] | null, dtype: DType = "int32"): NDArray {
  const where = "random.poisson";
  const kk = checkKey(k, where);
  if (dtype !== "int32" && dtype !== "float32" && dtype !== "float64") {
    throw new ArgumentError(`${where}: dtype must be "int32", "float32" or "float64", got ${describeValue(dtype)}`);
  }
  const l32 = floatParam(lam, "float32", where, "lam");
  const s = sampleShape(shape, "float32", where, l32);
  const l = np.broadcastTo(l32, s);
  const useKnuth = lax.bitwiseOr(lax.ne(l, l), lax.lt(l, 10));
  const knuthDraw = knuth(kk, lax.select(useKnuth, l, np.zerosLike(l)));
  const rejectionDraw = transformedRejection(kk, lax.select(useKnuth, np.fullLike(l, 1e5), l));
  const counts = lax.select(lax.eq(l, 0), np.zerosLike(knuthDraw), lax.select(useKnuth, knuthDraw, rejectionDraw));
  return dtype === "int32" ? counts : lax.convertElementType(counts, dtype);
}
