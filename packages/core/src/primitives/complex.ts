// Shape and dtype rules of the complex-number primitives (real, imag, conj, complex), of the
// FFT, and the one gate that keeps complex operands out of every primitive without a complex
// kernel: such a call is a DTypeError naming the primitive and the dtype, never a wrong answer.
import { ShapedArray } from "../aval.js";
import { complexOf, type DType, isComplex, realPartOf } from "../dtype.js";
import { ArgumentError, DTypeError, ShapeError } from "../errors.js";
import { fmtShape } from "../shape.js";
import { binaryShape } from "./elementwise.js";
import type { ParamsOf, PrimitiveName } from "./params.js";
import type { AbstractEvalTable } from "./types.js";

export type ComplexPrim = "real" | "imag" | "conj" | "complex" | "fft";

/** The primitives that accept complex operands (or produce complex results from a dtype
 * param); every other one raises on them. Kept in one list so the README can name it. */
export const complexPrims: readonly PrimitiveName[] = [
  "neg", "sign", "exp", "log", "sin", "cos", "tanh", "sqrt", "rsqrt", "tan", "sinh", "cosh", "expm1", "log1p", "asin", "acos", "atan",
  "abs", "square", "integer_pow", "stop_gradient",
  "add", "sub", "mul", "div", "pow", "atan2", "eq", "ne", "select_n", "convert_element_type",
  "reduce_sum", "reduce_prod", "cumsum", "max", "min", "reduce_max", "reduce_min", "sort",
  "broadcast_in_dim", "reshape", "transpose", "squeeze", "rev", "concatenate", "pad", "slice", "gather", "scatter_add",
  "dot_general", "real", "imag", "conj", "complex", "fft",
  "custom_jvp_call", "custom_vjp_call", "custom_lin", "checkpoint", "pjit", "cond", "while", "scan",
];
const complexSet = new Set<PrimitiveName>(complexPrims);

/** Why JAX refuses some of these too, and what it offers instead. */
const REFUSED_AS_JAX: { readonly [P in PrimitiveName]?: string } = {
  lt: "; JAX's lax.lt refuses complex too: np.less orders complex values lexicographically",
  le: "; JAX's lax.le refuses complex too: np.lessEqual orders complex values lexicographically",
  gt: "; JAX's lax.gt refuses complex too: np.greater orders complex values lexicographically",
  ge: "; JAX's lax.ge refuses complex too: np.greaterEqual orders complex values lexicographically",
  argmax: "; JAX refuses it too (its argmax compares with lax.gt): use np.argsort, or argmax of np.real / np.abs",
  argmin: "; JAX refuses it too (its argmin compares with lax.lt): use np.argsort, or argmin of np.real / np.abs",
  rem: "; JAX's lax.rem refuses complex too",
};

/** A DTypeError unless `prim` takes complex values, when an operand, or the dtype iota or
 * bitcast_convert_type makes, is complex.
 * Runs for every primitive applied, so the common case (no complex operand) is a few pointer
 * comparisons: no set lookup, and no read of params objects of every shape. */
export function checkComplexSupport(prim: PrimitiveName, avals: readonly ShapedArray[], params: unknown): void {
  for (let i = 0; i < avals.length; i++) {
    const a = avals[i]!;
    if (a.dtype !== "complex64" && a.dtype !== "complex128") continue;
    if (complexSet.has(prim)) return;
    throw new DTypeError(`${prim}: not supported for complex operands, got ${a.str()} (${a.dtype})${REFUSED_AS_JAX[prim] ?? ""}`);
  }
  if (prim === "iota") {
    const d = (params as ParamsOf<"iota">).dtype;
    if (isComplex(d)) throw new DTypeError(`iota: not supported for dtype ${d}`);
  } else if (prim === "bitcast_convert_type") {
    const d = (params as ParamsOf<"bitcast_convert_type">).new_dtype;
    if (isComplex(d)) throw new DTypeError(`bitcast_convert_type: not supported for dtype ${d}`);
  }
}

const realFloat = (d: DType): boolean => d === "float32" || d === "float64";

function requireComplex(prim: string, a: ShapedArray): void {
  if (!isComplex(a.dtype)) throw new DTypeError(`${prim}: expected a complex operand (complex64 or complex128), got ${a.str()}`);
}

const checkFftLengths = (x: ShapedArray, lengths: readonly number[]): void => {
  if (lengths.length === 0 || lengths.length > 3) throw new ArgumentError(`fft: fft_lengths must name 1 to 3 trailing axes, got [${lengths.join(", ")}]`);
  if (lengths.length > x.ndim) {
    throw new ShapeError(`fft: input shape ${fmtShape(x.shape)} must have at least as many dimensions as fft_lengths [${lengths.join(", ")}]`);
  }
  for (const n of lengths) if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`fft: fft_lengths must be non-negative integers, got [${lengths.join(", ")}]`);
};

function fftRule(x: ShapedArray, { fft_type, fft_lengths: lens }: ParamsOf<"fft">): ShapedArray {
  checkFftLengths(x, lens);
  const k = lens.length;
  const lead = x.shape.slice(0, x.ndim - k);
  const minor = x.shape.slice(x.ndim - k);
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  switch (fft_type) {
    case "RFFT":
      if (!realFloat(x.dtype)) throw new DTypeError(`fft: RFFT input must be float32 or float64, got ${x.str()}`);
      if (!same(minor, lens)) throw new ShapeError(`fft: RFFT input shape ${fmtShape(x.shape)} minor dimensions must equal fft_lengths [${lens.join(", ")}]`);
      return new ShapedArray([...lead, ...lens.slice(0, -1), Math.floor(lens[k - 1]! / 2) + 1], complexOf(x.dtype), x.weakType);
    case "IRFFT":
      requireComplex("fft (IRFFT)", x);
      if (!same(minor.slice(0, -1), lens.slice(0, -1)) || minor[k - 1] !== Math.floor(lens[k - 1]! / 2) + 1) {
        throw new ShapeError(
          `fft: IRFFT input shape ${fmtShape(x.shape)} must end in fft_lengths [${lens.join(", ")}] with the last one halved (n // 2 + 1 = ${Math.floor(lens[k - 1]! / 2) + 1})`,
        );
      }
      return new ShapedArray([...lead, ...lens], realPartOf(x.dtype), x.weakType);
    case "FFT":
    case "IFFT":
      requireComplex(`fft (${fft_type})`, x);
      if (!same(minor, lens)) throw new ShapeError(`fft: ${fft_type} input shape ${fmtShape(x.shape)} minor dimensions must equal fft_lengths [${lens.join(", ")}]`);
      return x;
    default:
      throw new ArgumentError(`fft: unknown fft_type ${JSON.stringify(fft_type)}; expected FFT, IFFT, RFFT or IRFFT`);
  }
}

export const complexAbstractEval: AbstractEvalTable<ComplexPrim> = {
  real: ([x]) => {
    requireComplex("real", x!);
    return [new ShapedArray(x!.shape, realPartOf(x!.dtype), x!.weakType)];
  },
  imag: ([x]) => {
    requireComplex("imag", x!);
    return [new ShapedArray(x!.shape, realPartOf(x!.dtype), x!.weakType)];
  },
  conj: ([x]) => {
    requireComplex("conj", x!);
    return [x!];
  },
  complex: ([x, y]) => {
    const [a, b] = [x!, y!];
    if (!realFloat(a.dtype) || a.dtype !== b.dtype) {
      throw new DTypeError(`complex: expected two float32 or two float64 operands, got ${a.str()} and ${b.str()}`);
    }
    return [new ShapedArray(binaryShape("complex", a, b), complexOf(a.dtype), a.weakType && b.weakType)];
  },
  fft: ([x], params) => [fftRule(x!, params)],
};
