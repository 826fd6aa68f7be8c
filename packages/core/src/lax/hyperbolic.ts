// The inverse hyperbolic functions (JAX's lax.asinh, acosh, atanh). JAX has them as primitives;
// here each is composed of primitives, so its derivative, batching and jit come from theirs.
// Real operands use forms without cancellation (log1p of a small argument, the odd symmetry
// of asinh and atanh); complex ones the C99 identities asinh z = −i·asin(iz),
// atanh z = −i·atan(iz) and acosh z = ±i·acos z (the sign giving a real part ≥ 0), whose
// branch cuts are numpy's and XLA's.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex, isFloat } from "../dtype.js";
import { DTypeError } from "../errors.js";
import { complex, imag, real } from "./complex.js";
import { abs, acos, add, asin, atan, convertElementType, div, log, log1p, lt, max, min, mul, neg, select, sqrt, square, stopGradient, sub } from "./index.js";

function inexact(x: Operand, where: string): NDArray {
  const a = asArray(x, where);
  if (!isFloat(a.dtype) && !isComplex(a.dtype)) throw new DTypeError(`${where}: expected a floating-point or complex operand, got ${a.aval.str()}`);
  return a;
}

/** i·z and −i·z, exact: the parts swapped, one negated. */
const timesI = (z: NDArray): NDArray => complex(neg(imag(z)), real(z));
const timesMinusI = (z: NDArray): NDArray => complex(imag(z), neg(real(z)));

/** Past this magnitude t² would lose t (and overflow near 1e154): log(2t) is exact there. */
const LARGE = 1e8;
const constant = (v: number, like: NDArray): NDArray => convertElementType(v, like.dtype, true);

/** log(2t) for t ≥ LARGE, `small(t)` below, each branch fed only the values it is meant for
 * (so neither can produce a NaN whose zero coefficient would still poison the gradient). */
function largeOrSmall(t: NDArray, small: (s: NDArray) => NDArray): NDArray {
  const big = lt(constant(LARGE, t), t);
  const tBig = max(t, constant(LARGE, t));
  const tSmall = min(t, constant(LARGE, t));
  return select(big, add(log(tBig), constant(Math.LN2, t)), small(tSmall));
}

/**
 * The inverse hyperbolic sine, elementwise; complex operands take the principal branch
 * (cuts on the imaginary axis beyond ±i). The derivative is 1/√(z² + 1).
 *
 * @example
 * lax.asinh(array([0, 1])); // [0, 0.8814]
 */
export function asinh(x: Operand): NDArray {
  const a = inexact(x, "asinh");
  if (isComplex(a.dtype)) return timesMinusI(asin(timesI(a)));
  // asinh t = log1p(t + t²/(1 + √(1 + t²))) for t = |x| ≥ 0, and asinh is odd
  const t = abs(a);
  const g = largeOrSmall(t, (s) => log1p(add(s, div(square(s), add(constant(1, s), sqrt(add(constant(1, s), square(s))))))));
  return select(lt(a, constant(0, a)), neg(g), g);
}

/**
 * The inverse hyperbolic cosine, elementwise: NaN below 1 for real operands; complex
 * operands take the principal branch (real part ≥ 0, cut along the real axis below 1).
 *
 * @example
 * lax.acosh(array([1, 2])); // [0, 1.317]
 */
export function acosh(x: Operand): NDArray {
  const a = inexact(x, "acosh");
  if (isComplex(a.dtype)) {
    // acos z = u + iv has u ∈ [0, π]; acosh z = |v| + i·u with the sign of Im z (numpy's
    // side of the cut for a signed zero)
    const w = acos(a);
    const im = stopGradient(imag(a));
    // Im z < 0, or −0 (1/−0 = −inf)
    const below = lt(div(constant(1, im), im), constant(0, im));
    return complex(abs(imag(w)), select(below, neg(real(w)), real(w)));
  }
  // acosh x = log1p(t + √(2t + t²)) for t = x − 1 (exact near 1); NaN below 1, where t² could
  // overflow the square root's argument to +inf
  const y = largeOrSmall(a, (s) => {
    const t = sub(s, constant(1, s));
    return log1p(add(t, sqrt(add(mul(t, constant(2, t)), square(t)))));
  });
  return select(lt(a, constant(1, a)), constant(Number.NaN, a), y);
}

/**
 * The inverse hyperbolic tangent, elementwise: ±inf at ±1 and NaN beyond for real operands;
 * complex operands take the principal branch (cuts on the real axis beyond ±1).
 *
 * @example
 * lax.atanh(array([0, 0.5])); // [0, 0.5493]
 */
export function atanh(x: Operand): NDArray {
  const a = inexact(x, "atanh");
  if (isComplex(a.dtype)) return timesMinusI(atan(timesI(a)));
  // atanh x = ½·log1p(2x / (1 − x)), odd: computed on |x| (no cancellation for x < 0)
  const t = abs(a);
  const g = mul(log1p(div(mul(t, constant(2, t)), sub(constant(1, t), t))), constant(0.5, t));
  return select(lt(a, constant(0, a)), neg(g), g);
}
