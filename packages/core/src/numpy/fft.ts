// jax.numpy.fft: the transforms over any axes (moved to the end, cropped or zero-padded to
// the requested lengths, then lax.fft in groups of up to three axes), JAX's `norm` options,
// and the frequency helpers.
import type { NDArray, Operand } from "../array.js";
import { defaultFloat } from "../config.js";
import { asArray, fromValues } from "../creation.js";
import { checkDType, type DType } from "../dtype.js";
import { ArgumentError } from "../errors.js";
import * as lax from "../lax/index.js";
import type { FftType } from "../primitives/params.js";
import { checkOptions } from "../options.js";
import { checkIntList, describeValue, normalizeAxes, normalizeAxis } from "../shape.js";
import { roll } from "./manipulation.js";

/** "backward" (the default: the inverse transforms divide by n), "ortho" (both by √n), "forward". */
export type FftNorm = "backward" | "ortho" | "forward";
const NORMS: readonly FftNorm[] = ["backward", "ortho", "forward"];

export interface FftOptions {
  readonly n?: number;
  readonly axis?: number;
  readonly norm?: FftNorm | null;
}
export interface FftNOptions {
  readonly s?: readonly number[] | null;
  readonly axes?: readonly number[] | null;
  readonly norm?: FftNorm | null;
}

const inverse = (t: FftType): boolean => t === "IFFT" || t === "IRFFT";

/** The transform of the trailing len(s) axes, in lax.fft calls of at most three axes. */
function fftTrailing(x: NDArray, type: FftType, s: readonly number[]): NDArray {
  if (s.length <= 3) return lax.fft(x, type, s);
  const n = s.length === 4 ? 2 : 3;
  const r = x.ndim;
  // the leading len(s) − n transformed axes moved to the end and back, as JAX's _fft_core_nd
  const lead = Array.from({ length: s.length - n }, (_, i) => r - s.length + i);
  const toEnd = [...Array.from({ length: r }, (_, i) => i).filter((i) => !lead.includes(i)), ...lead];
  const back = toEnd.map((_, i) => toEnd.indexOf(i));
  if (type === "FFT" || type === "RFFT") {
    const y = lax.transpose(lax.fft(x, type, s.slice(-n)), toEnd);
    return lax.transpose(fftTrailing(y, "FFT", s.slice(0, -n)), back);
  }
  const y = lax.transpose(fftTrailing(lax.transpose(x, toEnd), "IFFT", s.slice(0, -n)), back);
  return lax.fft(y, type, s.slice(-n));
}

/** Crop or zero-pad each axis of `x` to `shape`. */
function fitTo(x: NDArray, shape: readonly number[]): NDArray {
  if (shape.every((d, i) => d === x.shape[i])) return x;
  const cropped = lax.slice(x, x.shape.map(() => 0), x.shape.map((d, i) => Math.min(d, shape[i]!)));
  return lax.pad(cropped, 0, shape.map((d, i) => [0, d - cropped.shape[i]!, 0] as const));
}

function fftCore(name: string, type: FftType, a: Operand, sIn: readonly number[] | null | undefined, axesIn: readonly number[] | null | undefined, norm: FftNorm | null | undefined): NDArray {
  let x = asArray(a, name);
  if (norm !== undefined && norm !== null && !NORMS.includes(norm)) {
    throw new ArgumentError(`${name}: invalid norm ${describeValue(norm)}; expected "backward", "ortho" or "forward"`);
  }
  const s = sIn === undefined || sIn === null ? null : checkIntList(sIn, name, "s");
  if (s?.some((v) => v <= 0)) throw new ArgumentError(`${name}: the transform lengths s must be positive, got [${s.join(", ")}]`);
  const given = axesIn === undefined || axesIn === null ? null : normalizeAxes(checkIntList(axesIn, name, "axes"), x.ndim, name);
  if (s !== null && given !== null && s.length !== given.length) throw new ArgumentError(`${name}: s and axes have different lengths (${s.length} and ${given.length})`);
  const r = x.ndim;
  const axes = given ?? Array.from({ length: s === null ? r : s.length }, (_, i) => r - (s === null ? r : s.length) + i);
  if (axes.length > r) throw new ArgumentError(`${name}: ${axes.length} transform lengths for an array of rank ${r}`);
  if (new Set(axes).size !== axes.length) throw new ArgumentError(`${name}: repeated axes are not supported, got [${axes.join(", ")}]`);
  if (axes.length === 0) return lax.fft(x, type, []);
  // move the transformed axes to the end, in the given order
  const k = axes.length;
  const perm = [...Array.from({ length: r }, (_, i) => i).filter((i) => !axes.includes(i)), ...axes];
  const moved = !perm.every((p, i) => p === i);
  if (moved) x = lax.transpose(x, perm);
  let lengths: number[];
  if (s !== null) {
    const inShape = [...x.shape.slice(0, r - k), ...s];
    if (type === "IRFFT") inShape[r - 1] = Math.floor(s[k - 1]! / 2) + 1;
    x = fitTo(x, inShape);
    lengths = [...s];
  } else {
    lengths = x.shape.slice(r - k);
    if (type === "IRFFT") lengths[k - 1] = Math.max(0, 2 * (x.shape[r - 1]! - 1));
  }
  if (lengths.some((v) => v <= 0)) throw new ArgumentError(`${name}: invalid number of data points ([${lengths.join(", ")}]) along the transformed axes`);
  let out = fftTrailing(x, type, lengths);
  if (norm === "ortho" || norm === "forward") {
    const total = lengths.reduce((p, v) => p * v, 1);
    const f = norm === "ortho" ? Math.sqrt(total) : total;
    out = lax.mul(out, inverse(type) ? f : 1 / f);
  }
  return moved ? lax.transpose(out, perm.map((_, i) => perm.indexOf(i))) : out;
}

function oneAxis(name: string, type: FftType) {
  return (a: Operand, opts: FftOptions = {}): NDArray => {
    checkOptions(opts, name, { n: "integer", axis: "integer", norm: "any" });
    return fftCore(name, type, a, opts.n === undefined ? null : [opts.n], [opts.axis ?? -1], opts.norm);
  };
}
function manyAxes(name: string, type: FftType, defaultAxes: readonly number[] | null) {
  return (a: Operand, opts: FftNOptions = {}): NDArray => {
    checkOptions(opts, name, { s: "axes", axes: "axes", norm: "any" });
    return fftCore(name, type, a, opts.s, opts.axes === undefined ? defaultAxes : opts.axes, opts.norm);
  };
}

/**
 * fft(a, { n, axis, norm }): the 1-D discrete Fourier transform along `axis` (default −1),
 * X_k = Σ_j a_j e^{−2πi jk/n}; `n` crops or zero-pads the axis, `norm` is "backward" (the
 * default), "ortho" or "forward".
 *
 * @example
 * np.fft.fft(array([1, 2, 3, 4])); // [{ re: 10, im: 0 }, { re: -2, im: 2 }, { re: -2, im: 0 }, { re: -2, im: -2 }]
 */
export const fft = oneAxis("fft", "FFT");
/**
 * ifft(a, { n, axis, norm }): the inverse of fft (divided by n under the default norm).
 *
 * @example
 * np.fft.ifft(np.fft.fft(array([1, 2, 3]))); // ≈ [{ re: 1, im: 0 }, { re: 2, im: 0 }, { re: 3, im: 0 }]
 */
export const ifft = oneAxis("ifft", "IFFT");
/**
 * rfft(a, { n, axis, norm }): the transform of a real input, its n//2 + 1 non-redundant outputs.
 *
 * @example
 * np.fft.rfft(array([1, 2, 3, 4])); // [{ re: 10, im: 0 }, { re: -2, im: 2 }, { re: -2, im: 0 }]
 */
export const rfft = oneAxis("rfft", "RFFT");
/**
 * irfft(a, { n, axis, norm }): back to n real values (n = 2(m − 1) by default, for m inputs).
 *
 * @example
 * np.fft.irfft(np.fft.rfft(array([1, 2, 3, 4]))); // ≈ [1, 2, 3, 4]
 */
export const irfft = oneAxis("irfft", "IRFFT");
/**
 * fft2(a, { s, axes, norm }): the transform over the last two axes (or `axes`).
 *
 * @example
 * np.fft.fft2(ones([2, 2])); // [[{ re: 4, im: 0 }, { re: 0, im: 0 }], [{ re: 0, im: 0 }, { re: 0, im: 0 }]]
 */
export const fft2 = manyAxes("fft2", "FFT", [-2, -1]);
/**
 * ifft2(a, { s, axes, norm }): the inverse of fft2.
 *
 * @example
 * np.fft.ifft2(np.fft.fft2(ones([2, 2]))); // ones, as complex
 */
export const ifft2 = manyAxes("ifft2", "IFFT", [-2, -1]);
/**
 * rfft2(a, { s, axes, norm }): rfft over the last axis after fft over the one before.
 *
 * @example
 * np.fft.rfft2(ones([2, 4])).shape; // [2, 3]
 */
export const rfft2 = manyAxes("rfft2", "RFFT", [-2, -1]);
/**
 * irfft2(a, { s, axes, norm }): the inverse of rfft2 (give `s` for an odd last length).
 *
 * @example
 * np.fft.irfft2(np.fft.rfft2(ones([2, 4]))).shape; // [2, 4]
 */
export const irfft2 = manyAxes("irfft2", "IRFFT", [-2, -1]);
/**
 * fftn(a, { s, axes, norm }): over `axes` (default: the last len(s), or all of them).
 *
 * @example
 * np.fft.fftn(ones([2, 2, 2])).shape; // [2, 2, 2]
 */
export const fftn = manyAxes("fftn", "FFT", null);
/**
 * ifftn(a, { s, axes, norm }): the inverse of fftn.
 *
 * @example
 * np.fft.ifftn(np.fft.fftn(ones([2, 3]))).shape; // [2, 3]
 */
export const ifftn = manyAxes("ifftn", "IFFT", null);
/**
 * rfftn(a, { s, axes, norm }): fftn of a real input, the last axis halved to n//2 + 1.
 *
 * @example
 * np.fft.rfftn(ones([2, 3, 6])).shape; // [2, 3, 4]
 */
export const rfftn = manyAxes("rfftn", "RFFT", null);
/**
 * irfftn(a, { s, axes, norm }): the inverse of rfftn.
 *
 * @example
 * np.fft.irfftn(np.fft.rfftn(ones([2, 6]))).shape; // [2, 6]
 */
export const irfftn = manyAxes("irfftn", "IRFFT", null);

function checkFreqArgs(name: string, n: number, d: number): void {
  if (!Number.isInteger(n) || n <= 0) throw new ArgumentError(`${name}: n must be a positive integer, got ${describeValue(n)}`);
  if (typeof d !== "number") throw new ArgumentError(`${name}: d must be a number, got ${describeValue(d)}`);
}

/**
 * fftfreq(n, d = 1, { dtype }): the frequencies of fft's outputs, [0, 1, …, −1] / (d·n).
 *
 * @example
 * np.fft.fftfreq(4); // [0, 0.25, -0.5, -0.25]
 */
export function fftfreq(n: number, d = 1, opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "fftfreq", { dtype: "dtype" });
  checkFreqArgs("fftfreq", n, d);
  const dtype = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "fftfreq");
  const half = Math.floor(n / 2);
  return fromValues(n, (i) => (((i + half) % n) - half) / (d * n), dtype, "fftfreq");
}

/**
 * rfftfreq(n, d = 1, { dtype }): the frequencies of rfft's outputs, [0, 1, …, n//2] / (d·n).
 *
 * @example
 * np.fft.rfftfreq(4); // [0, 0.25, 0.5]
 */
export function rfftfreq(n: number, d = 1, opts: { readonly dtype?: DType } = {}): NDArray {
  checkOptions(opts, "rfftfreq", { dtype: "dtype" });
  checkFreqArgs("rfftfreq", n, d);
  const dtype = opts.dtype === undefined ? defaultFloat() : checkDType(opts.dtype, "rfftfreq");
  return fromValues(Math.floor(n / 2) + 1, (i) => i / (d * n), dtype, "rfftfreq");
}

function shiftBy(name: string, x: Operand, axes: number | readonly number[] | null | undefined, sign: 1 | -1): NDArray {
  const a = asArray(x, name);
  const list = axes === undefined || axes === null ? a.shape.map((_, i) => i) : typeof axes === "number" ? [normalizeAxis(axes, a.ndim, name)] : normalizeAxes(checkIntList(axes, name, "axes"), a.ndim, name);
  if (list.length === 0) return a;
  const shifts = list.map((ax) => (sign === 1 ? Math.floor(a.shape[ax]! / 2) : -Math.floor(a.shape[ax]! / 2)));
  return roll(a, shifts, { axis: list });
}

/**
 * fftshift(x, { axes }): the zero frequency moved to the centre (every axis by default).
 *
 * @example
 * np.fft.fftshift(np.fft.fftfreq(4)); // [-0.5, -0.25, 0, 0.25]
 */
export function fftshift(x: Operand, opts: { readonly axes?: number | readonly number[] | null } = {}): NDArray {
  checkOptions(opts, "fftshift", { axes: "axes" });
  return shiftBy("fftshift", x, opts.axes, 1);
}
/**
 * ifftshift(x, { axes }): fftshift's inverse.
 *
 * @example
 * np.fft.ifftshift(np.fft.fftshift(arange(5))); // [0, 1, 2, 3, 4]
 */
export function ifftshift(x: Operand, opts: { readonly axes?: number | readonly number[] | null } = {}): NDArray {
  checkOptions(opts, "ifftshift", { axes: "axes" });
  return shiftBy("ifftshift", x, opts.axes, -1);
}
