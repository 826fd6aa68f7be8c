// jax.nn's elementwise activations (and glu), stable in value and derivative. Each one is
// JAX's formula, written with the same selects, so the derivative at a kink is the one JAX's
// definition gives (relu'(0) = 0, leakyRelu'(0) = 1, elu'(0) = alpha, hardTanh'(±1) = 1).
import { NDArray, type Operand } from "../array.js";
import { asArray } from "../creation.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { toFloat } from "../numpy/promote.js";
import { checkOptions } from "../options.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";

/**
 * max(x, 0); the derivative at 0 is 0, as in JAX. Negative inputs give +0 (not -0), NaN stays NaN.
 *
 * @example
 * nn.relu(array([-1, 0, 2])); // [0, 0, 2]
 */
export const relu = (x: Operand): NDArray => {
  const a = asArray(x, "relu");
  return lax.select(lax.le(a, 0), 0, a);
};

/**
 * The logistic sigmoid `1 / (1 + e^-x)`, elementwise; integers become the default float.
 *
 * @example
 * nn.sigmoid(array([0, 2])); // [0.5, 0.8808]
 */
export const sigmoid = (x: Operand): NDArray => lax.logistic(toFloat(x, "sigmoid"));

/** log(1 + exp(x)), as x + log1p(exp(-x)) for x > 0 and log1p(exp(x)) otherwise. Each
 * branch sees only its own side's inputs, so neither value nor derivative overflows.
 *
 * @example
 * nn.softplus(array([0, 100])); // [0.6931, 100]
 */
export const softplus = (x: Operand): NDArray => {
  const a = toFloat(x, "softplus");
  const positive = lax.gt(a, 0);
  const zero = lax.mul(a, 0);
  const pos = lax.select(positive, a, zero);
  const neg = lax.select(positive, zero, a);
  return lax.select(positive, lax.add(pos, lax.log1p(lax.exp(lax.neg(pos)))), lax.log1p(lax.exp(neg)));
};

/**
 * `log(sigmoid(x))` = `-softplus(-x)`, stable for large |x|.
 *
 * @example
 * nn.logSigmoid(array([0, -100])); // [-0.6931, -100]
 */
export const logSigmoid = (x: Operand): NDArray => lax.neg(softplus(lax.neg(toFloat(x, "logSigmoid"))));
/**
 * `x · sigmoid(x)` (also exported as `swish`).
 *
 * @example
 * nn.silu(array([0, 1])); // [0, 0.7311]
 */
export const silu = (x: Operand): NDArray => {
  const a = toFloat(x, "silu");
  return lax.mul(a, lax.logistic(a));
};
/**
 * The same function as `silu`: `x · sigmoid(x)`.
 *
 * @example
 * nn.swish(array([1])); // [0.7311]
 */
export const swish = silu;
/**
 * The hyperbolic tangent, elementwise (integers become the default float).
 *
 * @example
 * nn.tanh(array([0, 1])); // [0, 0.7616]
 */
export const tanh = (x: Operand): NDArray => lax.tanh(toFloat(x, "tanh"));

/**
 * GELU: the tanh approximation by default, the exact erf form with `{ approximate: false }`.
 *
 * @example
 * nn.gelu(array([0, 1])); // [0, 0.8412]
 * nn.gelu(array([1]), { approximate: false }); // [0.8413]
 */
export function gelu(x: Operand, opts: { readonly approximate?: boolean } = {}): NDArray {
  checkOptions(opts, "gelu", { approximate: "boolean" });
  const a = toFloat(x, "gelu");
  if (opts.approximate === false) {
    return lax.mul(lax.mul(a, 0.5), lax.add(lax.erf(lax.mul(a, Math.SQRT1_2)), 1));
  }
  const inner = lax.mul(lax.add(a, lax.mul(lax.integerPow(a, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return lax.mul(lax.mul(a, 0.5), lax.add(lax.tanh(inner), 1));
}

/** A coefficient option (alpha, negativeSlope): a number or an array that broadcasts against x. */
function coefficient(where: string, name: string, value: unknown, fallback: number): Operand {
  if (value === undefined) return fallback;
  if (typeof value === "number" || value instanceof NDArray) return value;
  throw new ArgumentError(`${where}: option \`${name}\` must be a number or an NDArray, got ${describeValue(value)}`);
}

export interface AlphaOptions {
  /** The scale of the negative side: a number or an array broadcasting against x (default 1). */
  readonly alpha?: Operand;
}

/** x for x > 0, alpha·expm1(x) otherwise. Written with selects, as jax.nn.elu, so the
 * derivative at 0 is alpha from the expm1 side (a min(x, 0) would split it at the tie).
 *
 * @example
 * nn.elu(array([-1, 2])); // [-0.6321, 2]
 */
export function elu(x: Operand, opts: AlphaOptions = {}): NDArray {
  checkOptions(opts, "elu", { alpha: "any" });
  const alpha = coefficient("elu", "alpha", opts.alpha, 1);
  const a = toFloat(x, "elu");
  const positive = lax.gt(a, 0);
  // expm1 sees 0 on the positive side, so a large x cannot overflow into the unused branch.
  return np.where(positive, a, np.multiply(alpha, lax.expm1(lax.select(positive, 0, a))));
}

/**
 * x for x ≥ 0, negativeSlope·x otherwise (default slope 0.01, as JAX); the derivative at 0 is 1.
 *
 * @example
 * nn.leakyRelu(array([-2, 3])); // [-0.02, 3]
 * nn.leakyRelu(array([-2]), { negativeSlope: 0.5 }); // [-1]
 */
export function leakyRelu(x: Operand, opts: { readonly negativeSlope?: Operand } = {}): NDArray {
  checkOptions(opts, "leakyRelu", { negativeSlope: "any" });
  const slope = coefficient("leakyRelu", "negativeSlope", opts.negativeSlope, 0.01);
  const a = toFloat(x, "leakyRelu");
  return np.where(lax.ge(a, 0), a, np.multiply(slope, a));
}

/**
 * max(x, 0) + alpha·expm1(min(x, 0) / alpha): continuously differentiable, slope 1 at 0.
 *
 * @example
 * nn.celu(array([-1, 2])); // [-0.6321, 2]
 */
export function celu(x: Operand, opts: AlphaOptions = {}): NDArray {
  checkOptions(opts, "celu", { alpha: "any" });
  const alpha = coefficient("celu", "alpha", opts.alpha, 1);
  const a = toFloat(x, "celu");
  return np.add(np.maximum(a, 0), np.multiply(alpha, lax.expm1(np.divide(np.minimum(a, 0), alpha))));
}

// The constants of Klambauer et al. (2017), as JAX spells them.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * scale·elu(x, alpha) with the self-normalising constants (scale ≈ 1.0507, alpha ≈ 1.6733).
 *
 * @example
 * nn.selu(array([-1, 1])); // [-1.1113, 1.0507]
 */
export const selu = (x: Operand): NDArray => lax.mul(elu(toFloat(x, "selu"), { alpha: SELU_ALPHA }), SELU_SCALE);

/**
 * x / (|x| + 1).
 *
 * @example
 * nn.softSign(array([-3, 1])); // [-0.75, 0.5]
 */
export const softSign = (x: Operand): NDArray => {
  const a = toFloat(x, "softSign");
  return lax.div(a, lax.add(lax.abs(a), 1));
};

/** x clipped to [-1, 1], by selects as JAX: the derivative is 1 on the closed interval,
 * 0 outside. Integer inputs stay integers, as in JAX.
 *
 * @example
 * nn.hardTanh(array([-2, 0.5, 3])); // [-1, 0.5, 1]
 */
export const hardTanh = (x: Operand): NDArray => {
  const a = asArray(x, "hardTanh");
  return lax.select(lax.gt(a, 1), 1, lax.select(lax.lt(a, -1), -1, a));
};

/**
 * x·tanh(softplus(x)) (Misra, 2019), with the stable softplus.
 *
 * @example
 * nn.mish(array([0, 1])); // [0, 0.8651]
 */
export const mish = (x: Operand): NDArray => {
  const a = toFloat(x, "mish");
  return lax.mul(a, lax.tanh(softplus(a)));
};

/**
 * The gated linear unit: x split in halves a, b along `axis` (default -1), a·sigmoid(b).
 *
 * @example
 * nn.glu(array([1, 2, 0, 100])); // [0.5, 2]
 */
export function glu(x: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "glu", { axis: "integer" });
  const a = asArray(x, "glu");
  const axis = normalizeAxis(opts.axis ?? -1, a.ndim, "glu");
  if (a.shape[axis]! % 2 !== 0) {
    throw new ShapeError(`glu: the size of axis ${axis} must be even, got ${a.shape[axis]} (shape ${fmtShape(a.shape)})`);
  }
  const [first, second] = np.split(a, 2, { axis });
  return np.multiply(first!, sigmoid(second!));
}

/** log(1 - exp(-x)) for x ≥ 0, by the two-branch formula (Mächler, 2012): log(-expm1(-x))
 * below ln 2, log1p(-exp(-x)) above, each accurate where the other cancels. Each branch is fed
 * a harmless 1 where it is not chosen, so neither leaks an infinity into the derivative
 * (which is 1/expm1(x), JAX's rule). Undefined (NaN) for x < 0, as in JAX.
 *
 * @example
 * nn.log1mexp(array([1])); // [-0.4587]
 */
export const log1mexp = (x: Operand): NDArray => {
  const a = toFloat(x, "log1mexp");
  const small = lax.lt(a, Math.LN2);
  const below = lax.select(small, a, 1);
  const above = lax.select(small, 1, a);
  return lax.select(small, lax.log(lax.neg(lax.expm1(lax.neg(below)))), lax.log1p(lax.neg(lax.exp(lax.neg(above)))));
};
