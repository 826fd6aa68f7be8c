// The `fft` primitive's kernel: 1-D transforms (./fft.ts, any length) applied along each of
// the trailing len(fft_lengths) axes in float64, as XLA defines the four types:
// FFT  X_k = Σ_j x_j e^{−2πi jk/n} over every transformed axis;
// IFFT the inverse, normalised by 1/Π n;
// RFFT the FFT of a real input, keeping the n//2 + 1 non-redundant outputs of the last axis;
// IRFFT the inverse of RFFT: inverse complex transforms over the leading transformed axes, then
//      the last axis extended to its Hermitian-symmetric full spectrum (X_{n−k} = conj X_k; the
//      imaginary parts of the DC and Nyquist terms are ignored, as numpy's and XLA's c2r do)
//      and transformed back to real values.
import type { KernelRun } from "./types.js";
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import { isComplex } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { fftPlan } from "./fft.js";

/** Float64 (re, im) planes of a buffer: a complex one de-interleaved, a real one with im = 0. */
function planes(x: TypedArray, complex: boolean, size: number): [Float64Array, Float64Array] {
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  if (complex) {
    for (let i = 0; i < size; i++) {
      re[i] = x[2 * i]!;
      im[i] = x[2 * i + 1]!;
    }
  } else for (let i = 0; i < size; i++) re[i] = x[i]!;
  return [re, im];
}

/**
 * Transforms every line along `axis` of the row-major (re, im) planes of `shape` in place;
 * `inverse` transforms are scaled by 1/n.
 */
export function transformAxis(re: Float64Array, im: Float64Array, shape: readonly number[], axis: number, inverse: boolean): void {
  const n = shape[axis]!;
  if (n === 0) return;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const plan = fftPlan(n);
  const lr = new Float64Array(n);
  const li = new Float64Array(n);
  const scale = inverse ? 1 / n : 1;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < inner; k++) {
      const base = o * n * inner + k;
      for (let j = 0; j < n; j++) {
        lr[j] = re[base + j * inner]!;
        li[j] = im[base + j * inner]!;
      }
      plan.run(lr, li, inverse);
      for (let j = 0; j < n; j++) {
        re[base + j * inner] = lr[j]! * scale;
        im[base + j * inner] = li[j]! * scale;
      }
    }
  }
}

/** The planes of `shape` with the last axis cut (or zero-extended) to `m` entries. */
function resizeLast(re: Float64Array, im: Float64Array, shape: readonly number[], m: number): [Float64Array, Float64Array] {
  const n = shape[shape.length - 1]!;
  const rows = n === 0 ? 0 : re.length / n;
  const outRe = new Float64Array(rows * m);
  const outIm = new Float64Array(rows * m);
  const c = Math.min(n, m);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      outRe[r * m + j] = re[r * n + j]!;
      outIm[r * m + j] = im[r * n + j]!;
    }
  }
  return [outRe, outIm];
}

export function fftKernel(
  _run: KernelRun,
  [x]: readonly TypedArray[],
  [xa]: readonly ShapedArray[],
  { fft_type, fft_lengths }: ParamsOf<"fft">,
  [oa]: readonly ShapedArray[],
  [res]: readonly TypedArray[],
): void {
  const k = fft_lengths.length;
  const inShape = xa!.shape;
  const rank = inShape.length;
  let [re, im] = planes(x!, isComplex(xa!.dtype), xa!.size);
  if (fft_type === "FFT" || fft_type === "IFFT" || fft_type === "RFFT") {
    const inverse = fft_type === "IFFT";
    for (let a = rank - k; a < rank; a++) transformAxis(re, im, inShape, a, inverse);
    if (fft_type === "RFFT") [re, im] = resizeLast(re, im, inShape, oa!.shape[rank - 1]!);
    for (let i = 0; i < oa!.size; i++) {
      res![2 * i] = re[i]!;
      res![2 * i + 1] = im[i]!;
    }
    return;
  }
  // IRFFT
  for (let a = rank - k; a < rank - 1; a++) transformAxis(re, im, inShape, a, true);
  const n = fft_lengths[k - 1]!;
  const m = inShape[rank - 1]!;
  const [fr, fi] = resizeLast(re, im, inShape, n);
  const rows = n === 0 ? 0 : fr.length / n;
  for (let r = 0; r < rows; r++) {
    const b = r * n;
    fi[b] = 0;
    if (n % 2 === 0 && n / 2 < m) fi[b + n / 2] = 0;
    for (let j = m; j < n; j++) {
      fr[b + j] = fr[b + n - j]!;
      fi[b + j] = -fi[b + n - j]!;
    }
  }
  const outShape = oa!.shape;
  transformAxis(fr, fi, outShape, rank - 1, true);
  for (let i = 0; i < oa!.size; i++) res![i] = fr[i]!;
}
