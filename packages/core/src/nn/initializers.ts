// jax.nn.initializers: factories of `(key, shape, dtype?) => NDArray` weight initializers,
// the variance-scaling family with fan-in/fan-out computed as JAX does, and the orthogonal
// ones (orthogonal, deltaOrthogonal) built on np.linalg.qr.
import { NDArray, type Operand } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray } from "../creation.js";
import { checkArrayShape, checkDType, type DType, isComplex } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import * as np from "../numpy/index.js";
import { checkOptions } from "../options.js";
import * as random from "../random/index.js";
import { describeValue, fmtShape, normalizeAxis } from "../shape.js";

/** What every factory here returns (JAX's `Initializer` protocol): a pure function of a key,
 * a shape and an optional dtype (the factory's dtype, else the default float). */
export type Initializer = (key: random.PRNGKey, shape: readonly number[], dtype?: DType) => NDArray;

export interface DTypeOptions {
  /** The dtype the initializer returns when its caller names none. */
  readonly dtype?: DType;
}

const dtypeOf = (given: DType | undefined, configured: DType | undefined, where: string): DType => {
  const d = given ?? configured ?? defaultFloat();
  return checkDType(d, where);
};

function floatDtypeOf(given: DType | undefined, configured: DType | undefined, where: string): DType {
  const d = dtypeOf(given, configured, where);
  if (d !== "float32" && d !== "float64") throw new ArgumentError(`${where}: dtype must be a float dtype, got ${d}`);
  return d;
}

function finiteNumber(where: string, name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new ArgumentError(`${where}: ${name} must be a finite number, got ${describeValue(v)}`);
  return v;
}

function filledWith(value: number, where: string): Initializer {
  return (_key, shape, dtype) => {
    const d = dtypeOf(dtype, undefined, where);
    return np.full(checkArrayShape(shape, d, where), value, d);
  };
}

/**
 * An array of zeros (the key is ignored).
 *
 * The initializer of all zeros (biases).
 *
 * @example
 * nn.initializers.zeros(random.key(0), [2]); // [0, 0]
 */
export const zeros: Initializer = filledWith(0, "initializers.zeros");

/**
 * An array of ones (the key is ignored).
 *
 * The initializer of all ones (scales).
 *
 * @example
 * nn.initializers.ones(random.key(0), [2]); // [1, 1]
 */
export const ones: Initializer = filledWith(1, "initializers.ones");

/**
 * Arrays full of `value` (a number, or an array broadcasting to the shape).
 *
 * @example
 * nn.initializers.constant(0.1)(random.key(0), [2]); // [0.1, 0.1]
 */
export function constant(value: Operand, opts: DTypeOptions = {}): Initializer {
  checkOptions(opts, "initializers.constant", { dtype: "dtype" });
  if (typeof value !== "number" && !(value instanceof NDArray)) throw new ArgumentError(`initializers.constant: value must be a number or an NDArray, got ${describeValue(value)}`);
  return (_key, shape, dtype) => {
    const d = dtypeOf(dtype, opts.dtype, "initializers.constant");
    const v = asArray(value, "initializers.constant");
    // (never a cast that drops an imaginary part: the caller names a complex dtype or a real value)
    if (isComplex(v.dtype) && !isComplex(d)) throw new DTypeError(`initializers.constant: the value ${v.aval.str()} is complex but the array is ${d}; pass a complex dtype, or np.real(value)`);
    return np.broadcastTo(np.astype(v, d), checkArrayShape(shape, d, "initializers.constant"));
  };
}

/**
 * Uniform in [0, scale) (default scale 0.01).
 *
 * @example
 * const w = nn.initializers.uniform({ scale: 0.5 })(random.key(0), [100]);
 * np.all(w.ge(0).mul(w.lt(0.5))).item(); // true
 */
export function uniform(opts: DTypeOptions & { readonly scale?: number } = {}): Initializer {
  checkOptions(opts, "initializers.uniform", { scale: "number", dtype: "dtype" });
  const scale = opts.scale ?? 1e-2;
  return (key, shape, dtype) => {
    const d = floatDtypeOf(dtype, opts.dtype, "initializers.uniform");
    return lax.mul(random.uniform(key, shape, { dtype: d }), scale);
  };
}

/**
 * Normal with mean 0 and standard deviation `stddev` (default 0.01).
 *
 * @example
 * nn.initializers.normal({ stddev: 0.02 })(random.key(0), [3, 4]).shape; // [3, 4]
 */
export function normal(opts: DTypeOptions & { readonly stddev?: number } = {}): Initializer {
  checkOptions(opts, "initializers.normal", { stddev: "number", dtype: "dtype" });
  const stddev = opts.stddev ?? 1e-2;
  return (key, shape, dtype) => lax.mul(random.normal(key, shape, floatDtypeOf(dtype, opts.dtype, "initializers.normal")), stddev);
}

/** The float next to `x` in `dtype`, toward +inf (`up`) or -inf (numpy's nextafter). */
function nextFloat(x: number, up: boolean, dtype: "float32" | "float64"): number {
  if (dtype === "float32") {
    const f = new Float32Array([x]);
    const bits = new Int32Array(f.buffer);
    if (f[0] === 0) bits[0] = up ? 1 : -2147483647;
    else bits[0]! += (f[0]! > 0) === up ? 1 : -1;
    return f[0]!;
  }
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  if (x === 0) bits[0] = up ? 1n : -9223372036854775807n;
  else bits[0]! += (x > 0) === up ? 1n : -1n;
  return f[0]!;
}

/** Standard normal samples truncated to (lower, upper), by the inverse CDF as JAX's
 * random.truncated_normal: u uniform in (erf(lower/√2), erf(upper/√2)), √2·erfinv(u), then
 * clipped strictly inside the bounds (erfinv may round onto them). */
function truncatedStandardNormal(key: random.PRNGKey, lower: number, upper: number, shape: readonly number[], dtype: "float32" | "float64"): NDArray {
  const erfAt = (v: number) => lax.erf(np.full([], v / Math.SQRT2, dtype));
  const u = random.uniform(key, shape, { minval: erfAt(lower), maxval: erfAt(upper), dtype });
  const out = lax.mul(lax.erfInv(u), Math.SQRT2);
  return np.clip(out, nextFloat(lower, true, dtype), nextFloat(upper, false, dtype));
}

export interface TruncatedNormalOptions extends DTypeOptions {
  /** The standard deviation of the untruncated normal (default 0.01). */
  readonly stddev?: number;
  /** Truncation bounds in units of stddev (defaults -2 and 2). */
  readonly lower?: number;
  readonly upper?: number;
}

/** A normal of standard deviation `stddev` truncated to (lower·stddev, upper·stddev). As in
 * JAX, the stddev is of the untruncated distribution (no correction; varianceScaling has one).
 *
 * @example
 * const w = nn.initializers.truncatedNormal({ stddev: 1 })(random.key(0), [100]);
 * np.all(np.abs(w).le(2)).item(); // true
 */
export function truncatedNormal(opts: TruncatedNormalOptions = {}): Initializer {
  checkOptions(opts, "initializers.truncatedNormal", { stddev: "number", dtype: "dtype", lower: "number", upper: "number" });
  const stddev = opts.stddev ?? 1e-2;
  const [lower, upper] = [opts.lower ?? -2, opts.upper ?? 2];
  if (!(lower < upper)) throw new ArgumentError(`initializers.truncatedNormal: lower must be below upper, got lower ${lower} and upper ${upper}`);
  return (key, shape, dtype) => {
    const d = floatDtypeOf(dtype, opts.dtype, "initializers.truncatedNormal") as "float32" | "float64";
    return lax.mul(truncatedStandardNormal(key, lower, upper, checkArrayShape(shape, d, "initializers.truncatedNormal"), d), stddev);
  };
}

export interface FanOptions extends DTypeOptions {
  /** The input axis or axes of the weights (default -2). */
  readonly inAxis?: number | readonly number[];
  /** The output axis or axes (default -1). */
  readonly outAxis?: number | readonly number[];
  /** Axes that are neither inputs nor outputs nor receptive field (default none). */
  readonly batchAxis?: number | readonly number[];
}

const FAN_SPEC = { inAxis: "integers", outAxis: "integers", batchAxis: "integers", dtype: "dtype" } as const;

/**
 * [fanIn, fanOut] of a weight shape, as JAX's _compute_fans: axes in none of inAxis, outAxis
 * and batchAxis form the receptive field (a convolution's spatial axes), whose size multiplies
 * both fans. A dense [in, out] kernel has fans [in, out]; an HWIO kernel [3, 3, 16, 32] has
 * [144, 288].
 *
 * @example
 * nn.initializers.computeFans([784, 128]); // [784, 128]
 * nn.initializers.computeFans([3, 3, 16, 32]); // [144, 288]
 */
export function computeFans(shape: readonly number[], opts: Omit<FanOptions, "dtype"> = {}): [number, number] {
  const where = "initializers.computeFans";
  checkOptions(opts, where, { inAxis: "integers", outAxis: "integers", batchAxis: "integers" });
  return fansOf(checkArrayShape(shape, "float32", where), opts, where);
}

function fansOf(shape: readonly number[], opts: Omit<FanOptions, "dtype">, where: string): [number, number] {
  const inAxis = opts.inAxis ?? -2;
  if (opts.inAxis === undefined && shape.length <= 1) {
    throw new ShapeError(
      `${where}: cannot compute the input and output sizes of a ${shape.length}-dimensional weights shape ${fmtShape(shape)} with the default inAxis; it must be at least 2-D, or give inAxis`,
    );
  }
  const sizeOver = (axes: number | readonly number[], name: string): number =>
    (typeof axes === "number" ? [axes] : axes).reduce((p, a) => p * shape[normalizeAxis(a, shape.length, `${where} (${name})`)]!, 1);
  const inSize = sizeOver(inAxis, "inAxis");
  const outSize = sizeOver(opts.outAxis ?? -1, "outAxis");
  const batchSize = sizeOver(opts.batchAxis ?? [], "batchAxis");
  const receptiveField = shape.reduce((p, d) => p * d, 1) / inSize / outSize / batchSize;
  return [inSize * receptiveField, outSize * receptiveField];
}

/** The fan a variance-scaling initializer divides by. Both JAX's spellings and camelCase ones. */
export type FanMode = "fan_in" | "fan_out" | "fan_avg" | "fan_geo_avg" | "fanIn" | "fanOut" | "fanAvg" | "fanGeoAvg";
export type Distribution = "truncated_normal" | "normal" | "uniform" | "truncatedNormal";

const MODES: readonly FanMode[] = ["fan_in", "fan_out", "fan_avg", "fan_geo_avg", "fanIn", "fanOut", "fanAvg", "fanGeoAvg"];
const DISTRIBUTIONS: readonly Distribution[] = ["truncated_normal", "normal", "uniform", "truncatedNormal"];

// The standard deviation of a standard normal truncated to (-2, 2), by which JAX divides so
// that the truncated samples have the target variance.
const TRUNCATED_STDDEV = 0.8796256610342398;

function denominator(mode: FanMode, [fanIn, fanOut]: [number, number]): number {
  switch (mode) {
    case "fan_in":
    case "fanIn":
      return fanIn;
    case "fan_out":
    case "fanOut":
      return fanOut;
    case "fan_avg":
    case "fanAvg":
      return (fanIn + fanOut) / 2;
    case "fan_geo_avg":
    case "fanGeoAvg":
      return Math.sqrt(fanIn * fanOut);
  }
}

/**
 * Samples of variance scale / n, n the fan of `mode`: from a normal, a normal truncated at
 * two standard deviations (rescaled so the variance is still scale / n) or a uniform on
 * [-√(3·scale/n), √(3·scale/n)).
 *
 * @example
 * const init = nn.initializers.varianceScaling(2, "fan_in", "truncated_normal");
 * const w = init(random.key(0), [784, 128]); // std ≈ √(2/784)
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, opts: FanOptions = {}): Initializer {
  const where = "initializers.varianceScaling";
  checkOptions(opts, where, FAN_SPEC);
  if (finiteNumber(where, "scale", scale) <= 0) throw new ArgumentError(`${where}: scale must be positive, got ${scale}`);
  if (!MODES.includes(mode)) throw new ArgumentError(`${where}: mode must be one of ${MODES.map((m) => JSON.stringify(m)).join(", ")}, got ${describeValue(mode)}`);
  if (!DISTRIBUTIONS.includes(distribution)) {
    throw new ArgumentError(`${where}: distribution must be one of ${DISTRIBUTIONS.map((m) => JSON.stringify(m)).join(", ")}, got ${describeValue(distribution)}`);
  }
  return (key, shape, dtype) => {
    const d = floatDtypeOf(dtype, opts.dtype, where) as "float32" | "float64";
    const s = checkArrayShape(shape, d, where);
    const variance = scale / denominator(mode, fansOf(s, opts, where));
    switch (distribution) {
      case "truncated_normal":
      case "truncatedNormal":
        return lax.mul(truncatedStandardNormal(key, -2, 2, s, d), Math.sqrt(variance) / TRUNCATED_STDDEV);
      case "normal":
        return lax.mul(random.normal(key, s, d), Math.sqrt(variance));
      case "uniform":
        return lax.mul(random.uniform(key, s, { minval: -1, maxval: 1, dtype: d }), Math.sqrt(3 * variance));
    }
  };
}

const preset =
  (name: string, scale: number, mode: FanMode, distribution: Distribution) =>
  (opts: FanOptions = {}): Initializer => {
    checkOptions(opts, `initializers.${name}`, FAN_SPEC);
    return varianceScaling(scale, mode, distribution, opts);
  };

/**
 * Glorot (Xavier) uniform: variance 1 / fan_avg, uniform.
 *
 * @example
 * nn.initializers.glorotUniform()(random.key(0), [784, 128]).shape; // [784, 128]
 */
export const glorotUniform = preset("glorotUniform", 1, "fan_avg", "uniform");
/**
 * Glorot (Xavier) normal: variance 1 / fan_avg, truncated normal.
 *
 * @example
 * nn.initializers.glorotNormal()(random.key(0), [784, 128]).shape; // [784, 128]
 */
export const glorotNormal = preset("glorotNormal", 1, "fan_avg", "truncated_normal");
/**
 * LeCun uniform: variance 1 / fan_in, uniform.
 *
 * @example
 * nn.initializers.lecunUniform()(random.key(0), [64, 10]).shape; // [64, 10]
 */
export const lecunUniform = preset("lecunUniform", 1, "fan_in", "uniform");
/**
 * LeCun normal: variance 1 / fan_in, truncated normal.
 *
 * @example
 * nn.initializers.lecunNormal()(random.key(0), [64, 10]).shape; // [64, 10]
 */
export const lecunNormal = preset("lecunNormal", 1, "fan_in", "truncated_normal");
/**
 * He (Kaiming) uniform: variance 2 / fan_in, uniform.
 *
 * @example
 * nn.initializers.heUniform()(random.key(0), [64, 10]).shape; // [64, 10]
 */
export const heUniform = preset("heUniform", 2, "fan_in", "uniform");
/**
 * He (Kaiming) normal: variance 2 / fan_in, truncated normal.
 *
 * @example
 * nn.initializers.heNormal()(random.key(0), [64, 10]).shape; // [64, 10]
 */
export const heNormal = preset("heNormal", 2, "fan_in", "truncated_normal");
/**
 * The same initializer as `glorotUniform` (its other name).
 *
 * @example
 * nn.initializers.xavierUniform()(random.key(0), [4, 4]).shape; // [4, 4]
 */
export const xavierUniform = glorotUniform;
/**
 * The same initializer as `glorotNormal` (its other name).
 *
 * @example
 * nn.initializers.xavierNormal()(random.key(0), [4, 4]).shape; // [4, 4]
 */
export const xavierNormal = glorotNormal;
/**
 * The same initializer as `heUniform` (its other name).
 *
 * @example
 * nn.initializers.kaimingUniform()(random.key(0), [4, 4]).shape; // [4, 4]
 */
export const kaimingUniform = heUniform;
/**
 * The same initializer as `heNormal` (its other name).
 *
 * @example
 * nn.initializers.kaimingNormal()(random.key(0), [4, 4]).shape; // [4, 4]
 */
export const kaimingNormal = heNormal;

export interface OrthogonalOptions extends DTypeOptions {
  /** The multiplier of the orthogonal matrix (default 1). */
  readonly scale?: number;
  /** The axis that holds the matrix's columns (default -1); the others are flattened into its rows. */
  readonly columnAxis?: number;
}

/** A uniformly random orthogonal matrix [rows, cols] (orthonormal columns, or rows when wider),
 * from the QR of a Gaussian matrix with its signs fixed by R's diagonal, as JAX. */
function orthogonalMatrix(key: random.PRNGKey, rows: number, cols: number, dtype: DType): NDArray {
  const a = random.normal(key, rows < cols ? [cols, rows] : [rows, cols], dtype);
  const { Q, R } = np.linalg.qr(a);
  const q = np.multiply(Q, np.expandDims(np.sign(np.diagonal(R)), 0));
  return rows < cols ? np.linalg.matrixTranspose(q) : q;
}

/**
 * Orthogonal weights (Saxe et al.): the shape is read as a matrix whose columns run along
 * `columnAxis` and whose rows are every other axis flattened; that matrix has orthonormal
 * columns (or rows, when it is wider than tall), times `scale`.
 *
 * @example
 * const w = nn.initializers.orthogonal()(random.key(0), [64, 32]); // wᵀ·w = I
 */
export function orthogonal(opts: OrthogonalOptions = {}): Initializer {
  const where = "initializers.orthogonal";
  checkOptions(opts, where, { scale: "number", columnAxis: "integer", dtype: "dtype" });
  const scale = opts.scale === undefined ? 1 : finiteNumber(where, "scale", opts.scale);
  return (key, shape, dtype) => {
    const d = floatDtypeOf(dtype, opts.dtype, where);
    const s = checkArrayShape(shape, d, where);
    if (s.length < 2) throw new ShapeError(`${where}: needs a shape of at least 2 dimensions, got ${fmtShape(s)}`);
    const axis = normalizeAxis(opts.columnAxis ?? -1, s.length, where);
    const cols = s[axis]!;
    const rows = s.reduce((p, v) => p * v, 1) / Math.max(cols, 1);
    const q = orthogonalMatrix(key, rows, cols, d);
    const others = s.filter((_, i) => i !== axis);
    return np.multiply(np.moveaxis(np.reshape(q, [...others, cols]), -1, axis), scale);
  };
}

/**
 * Delta-orthogonal convolution kernels (Xiao et al.), as JAX: a [..spatial, in, out] kernel
 * (3-, 4- or 5-D) that is zero except at the spatial centre, which holds an orthogonal
 * [in, out] matrix (in ≤ out) times `scale`.
 *
 * @example
 * nn.initializers.deltaOrthogonal()(random.key(0), [3, 3, 4, 4]).shape; // [3, 3, 4, 4]
 */
export function deltaOrthogonal(opts: OrthogonalOptions = {}): Initializer {
  const where = "initializers.deltaOrthogonal";
  checkOptions(opts, where, { scale: "number", columnAxis: "integer", dtype: "dtype" });
  const inner = orthogonal(opts);
  return (key, shape, dtype) => {
    const d = floatDtypeOf(dtype, opts.dtype, where);
    const s = checkArrayShape(shape, d, where);
    if (s.length < 3 || s.length > 5) throw new ShapeError(`${where}: needs a 3-, 4- or 5-D kernel shape [...spatial, in, out], got ${fmtShape(s)}`);
    const [fanIn, fanOut] = s.slice(-2) as [number, number];
    if (fanIn > fanOut) throw new ShapeError(`${where}: the input size must not exceed the output size, got in ${fanIn} > out ${fanOut} in ${fmtShape(s)}`);
    const centre = inner(key, [fanIn, fanOut], d);
    const spatial = s.slice(0, -2);
    const pads = spatial.map((k) => [Math.floor((k - 1) / 2), k - 1 - Math.floor((k - 1) / 2), 0] as const);
    return lax.pad(np.reshape(centre, [...spatial.map(() => 1), fanIn, fanOut]), np.zeros([], d), [...pads, [0, 0, 0], [0, 0, 0]]);
  };
}
