// jax.lax's complex-number functions and the FFT: thin wrappers over the primitives real,
// imag, conj, complex and fft (primitives/complex.ts).
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { complexOf, isComplex, isFloat } from "../dtype.js";
import { ArgumentError, DTypeError } from "../errors.js";
import { type FftType, noParams } from "../primitives/params.js";
import { describeValue } from "../shape.js";
import { bind1 } from "../trace/core.js";
import { binaryOperands, convertElementType } from "./index.js";

/**
 * The real part of a complex array (complex64 → float32, complex128 → float64).
 *
 * @example
 * lax.real(array([{ re: 1, im: 2 }])); // [1]
 */
export function real(x: Operand): NDArray {
  return bind1("real", [asArray(x, "real")], noParams);
}

/**
 * The imaginary part of a complex array.
 *
 * @example
 * lax.imag(array([{ re: 1, im: 2 }])); // [2]
 */
export function imag(x: Operand): NDArray {
  return bind1("imag", [asArray(x, "imag")], noParams);
}

/**
 * The complex conjugate; a real operand becomes complex first (as lax.conj: the result is
 * always complex).
 *
 * @example
 * lax.conj(array([{ re: 1, im: 2 }])); // [{ re: 1, im: -2 }]
 */
export function conj(x: Operand): NDArray {
  const a = asArray(x, "conj");
  if (isComplex(a.dtype)) return bind1("conj", [a], noParams);
  if (!isFloat(a.dtype)) throw new DTypeError(`conj: expected a floating-point or complex operand, got ${a.aval.str()}`);
  return convertElementType(a, complexOf(a.dtype), a.weakType);
}

/**
 * x + iy from real x and y of one dtype (float32 → complex64, float64 → complex128). With two
 * JS numbers the result is a weak complex, which takes a float operand's precision.
 *
 * @example
 * lax.complex(array([1, 2]), array([3, 4])); // [{ re: 1, im: 3 }, { re: 2, im: 4 }]
 */
export function complex(x: Operand, y: Operand): NDArray {
  return bind1("complex", binaryOperands("complex", x, y), noParams);
}

const FFT_TYPES: readonly FftType[] = ["FFT", "IFFT", "RFFT", "IRFFT"];

/**
 * lax.fft(x, fftType, fftLengths): the discrete Fourier transform over the trailing
 * `fftLengths.length` axes (1 to 3). FFT and IFFT take complex input (a real one is made
 * complex); RFFT takes a real input and keeps the last axis's n//2 + 1 outputs; IRFFT
 * inverts it, with the last fft length giving the real output's length. IFFT and IRFFT are
 * normalised by 1/Π n. Any length runs (radix-2, else Bluestein), in float64 on the js kernels.
 *
 * @example
 * lax.fft(array([1, 0, 0, 0]), "FFT", [4]); // [{ re: 1, im: 0 }, { re: 1, im: 0 }, { re: 1, im: 0 }, { re: 1, im: 0 }]
 * lax.fft(array([1, 2, 3]), "RFFT", [3]).shape; // [2]
 */
export function fft(x: Operand, fftType: FftType, fftLengths: readonly number[]): NDArray {
  if (!FFT_TYPES.includes(fftType)) throw new ArgumentError(`fft: unknown FFT type ${describeValue(fftType)}; expected one of ${FFT_TYPES.join(", ")}`);
  if (!Array.isArray(fftLengths)) throw new ArgumentError(`fft: fftLengths must be a list of integers, got ${describeValue(fftLengths)}`);
  let a = asArray(x, "fft");
  if (fftType === "RFFT") {
    if (isComplex(a.dtype)) throw new DTypeError(`fft: only real-valued inputs are supported for RFFT, got ${a.aval.str()}`);
    if (!isFloat(a.dtype) || a.dtype === "float16" || a.dtype === "bfloat16") a = convertElementType(a, a.dtype === "float64" ? "float64" : "float32", a.weakType);
  } else if (!isComplex(a.dtype)) {
    a = convertElementType(a, complexOf(isFloat(a.dtype) ? a.dtype : "float32"), a.weakType);
  }
  if (fftLengths.length === 0) return a;
  return bind1("fft", [a], { fft_type: fftType, fft_lengths: [...fftLengths] });
}
