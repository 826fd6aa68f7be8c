// Loss functions (optax's losses): elementwise regression losses and numerically stable
// classification losses written with logSoftmax / logSigmoid / logsumexp.
import { ArgumentError, asArray, broadcastShapes, DTypeError, fmtShape, isComplex, isFloat, type NDArray, nn, np, type Operand, ShapeError, checkOptions } from "@jaxts/core";

function floatArray(x: Operand, where: string, name: string): NDArray {
  const a = asArray(x, where);
  if (!isFloat(a.dtype)) throw new DTypeError(`${where}: ${name} must be a float array, got ${a.dtype}`);
  return a;
}

function errors(where: string, predictions: Operand, targets: Operand | undefined): NDArray {
  const p = floatArray(predictions, where, "predictions");
  if (targets === undefined || targets === null) return p;
  const t = asArray(targets, where);
  if (t.shape.join() !== p.shape.join()) {
    throw new ShapeError(`${where}: predictions and targets must have the same shape, got [${p.shape.join(", ")}] and [${t.shape.join(", ")}]`);
  }
  return np.subtract(p, t);
}

/** Labels must broadcast against the logits; the error names the loss and both shapes,
 * not the multiply inside it. */
function checkLabelsFit(where: string, logits: NDArray, labels: Operand): void {
  const y = asArray(labels, where);
  // (a cast or a product with real logits would drop the imaginary part)
  if (isComplex(y.dtype)) throw new DTypeError(`${where}: labels must be real, got ${y.aval.str()}`);
  try {
    broadcastShapes(where, logits.shape, y.shape);
  } catch {
    throw new ShapeError(`${where}: labels of shape ${fmtShape(y.shape)} do not broadcast against logits of shape ${fmtShape(logits.shape)}`);
  }
}

/**
 * Elementwise squared error `(p - t)²` (targets default to zero); its mean is the MSE.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { squaredError } from "@jaxts/optim/losses";
 *
 * squaredError(array([1, 2]), array([0, 0])).toArray(); // [1, 4]
 * squaredError(array([1, 2, 3]), array([1, 1, 1])).mean().item(); // mean squared error 5/3
 */
export function squaredError(predictions: Operand, targets?: Operand): NDArray {
  return np.square(errors("squaredError", predictions, targets));
}

/**
 * Elementwise `½(p - t)²`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { l2Loss } from "@jaxts/optim/losses";
 *
 * l2Loss(array([1, 2])).toArray(); // [0.5, 2]
 */
export function l2Loss(predictions: Operand, targets?: Operand): NDArray {
  return np.multiply(0.5, np.square(errors("l2Loss", predictions, targets)));
}

/**
 * Huber loss: `½e²` for `|e| ≤ δ`, `½δ² + δ(|e| - δ)` beyond (e = p - t, δ default 1).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { huberLoss } from "@jaxts/optim/losses";
 *
 * huberLoss(array([0.5, 3])).toArray(); // [0.125, 2.5]
 * huberLoss(array([0.5, 3]), array([0, 0]), { delta: 2 }).toArray(); // [0.125, 4]
 */
export function huberLoss(predictions: Operand, targets?: Operand, opts: { readonly delta?: number } = {}): NDArray {
  checkOptions(opts, "huberLoss", { delta: "number" });
  const delta = opts.delta ?? 1;
  if (!Number.isFinite(delta) || delta < 0) throw new ArgumentError(`huberLoss: delta must be a non-negative finite number, got ${delta}`);
  const abs = np.abs(errors("huberLoss", predictions, targets));
  const quadratic = np.minimum(abs, delta);
  // |e| - min(|e|, δ) rather than max(|e| - δ, 0): the gradient is not doubled at |e| = δ.
  const linear = np.subtract(abs, quadratic);
  return np.add(np.multiply(0.5, np.square(quadratic)), np.multiply(delta, linear));
}

/**
 * Softmax cross entropy against probability labels: `-Σ_axis labels · logSoftmax(logits)`.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { softmaxCrossEntropy } from "@jaxts/optim/losses";
 *
 * const logits = array([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]);
 * softmaxCrossEntropy(logits, array([[1, 0, 0], [0, 1, 0]])).toArray(); // [0.2761, 2.9518]
 */
export function softmaxCrossEntropy(logits: Operand, labels: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "softmaxCrossEntropy", { axis: "integer" });
  const l = floatArray(logits, "softmaxCrossEntropy", "logits");
  checkLabelsFit("softmaxCrossEntropy", l, labels);
  const axis = opts.axis ?? -1;
  return np.negative(np.sum(np.multiply(labels, nn.logSoftmax(l, { axis })), { axis }));
}

/**
 * Softmax cross entropy against integer class labels: `logsumexp(logits) - logits[label]`
 * along `axis` (the normalizer is subtracted only at the label). A label outside [-n, n)
 * gives NaN, as in JAX (negative labels count from the end).
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { softmaxCrossEntropyWithIntegerLabels } from "@jaxts/optim/losses";
 *
 * const logits = array([[1.2, -0.8, -0.5], [0.9, -1.2, 1.1]]);
 * softmaxCrossEntropyWithIntegerLabels(logits, array([0, 1], { dtype: "int32" })).toArray(); // [0.2761, 2.9518]
 */
export function softmaxCrossEntropyWithIntegerLabels(logits: Operand, labels: Operand, opts: { readonly axis?: number } = {}): NDArray {
  checkOptions(opts, "softmaxCrossEntropyWithIntegerLabels", { axis: "integer" });
  const where = "softmaxCrossEntropyWithIntegerLabels";
  const l = floatArray(logits, where, "logits");
  const y = asArray(labels, where);
  if (y.dtype !== "int32") throw new DTypeError(`${where}: labels must be integers (int32), got ${y.dtype}`);
  const axisIn = opts.axis ?? -1;
  if (!Number.isInteger(axisIn) || axisIn < -l.ndim || axisIn >= l.ndim) {
    throw new ArgumentError(`${where}: axis ${axisIn} is out of range for logits of rank ${l.ndim}`);
  }
  const axis = axisIn < 0 ? axisIn + l.ndim : axisIn;
  const expected = l.shape.filter((_, i) => i !== axis);
  if (y.shape.join() !== expected.join()) {
    throw new ShapeError(`${where}: labels of shape [${y.shape.join(", ")}] do not fit logits of shape [${l.shape.join(", ")}] (expected [${expected.join(", ")}])`);
  }
  const labelLogits = np.squeeze(np.takeAlongAxis(l, np.expandDims(y, axis), axis), { axis });
  return np.subtract(nn.logsumexp(l, { axis }), labelLogits);
}

/**
 * Elementwise sigmoid (binary) cross entropy: `-y·logσ(x) - (1-y)·logσ(-x)`, exact for
 * large |x|.
 *
 * @example
 * import { array } from "@jaxts/core";
 * import { sigmoidBinaryCrossEntropy } from "@jaxts/optim/losses";
 *
 * sigmoidBinaryCrossEntropy(array([0, 100, -100]), array([1, 1, 1])).toArray(); // [0.6931, 0, 100]
 */
export function sigmoidBinaryCrossEntropy(logits: Operand, labels: Operand): NDArray {
  const l = floatArray(logits, "sigmoidBinaryCrossEntropy", "logits");
  checkLabelsFit("sigmoidBinaryCrossEntropy", l, labels);
  const y = np.astype(labels, l.dtype);
  return np.subtract(np.negative(np.multiply(y, nn.logSigmoid(l))), np.multiply(np.subtract(1, y), nn.logSigmoid(np.negative(l))));
}
