// complex64 and complex128 on the js kernels. A complex buffer interleaves (re, im) pairs, so:
// - primitives that act on the real and imaginary parts independently (data movement, sums,
//   add/sub/neg, select) run their real kernel twice, once per part, on de-interleaved copies;
// - arithmetic, dot_general, reduce_prod, the casts, real/imag/conj/complex and the FFT have
//   complex kernels here, computing in float64 and rounding once on store (a complex64 part is
//   stored into a Float32Array).
// Which primitives accept complex operands at all is decided before any kernel runs
// (primitives/complex.ts); the wasm backend and the compiled jit program decline complex
// values, so these kernels are the only implementation.
import type { KernelRun } from "./types.js";
import { ShapedArray } from "../../aval.js";
import { allocate, type DType, isComplex, realPartOf, type TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import type { FirstOrderPrim } from "../backend.js";
import {
  cacos, casin, catan, catan2, ccos, ccosh, cdiv, cexp, cexpm1, cintpow, clog, clog1p, cmul, cpow, crsqrt, csign, csin, csinh, csqrt, ctan, ctanh, type Pair,
} from "./complex-math.js";
import { fftKernel } from "./fft-axes.js";

type Run = KernelRun;

/** Whether a call touches a complex value: an operand, a result, or a cast's target. */
export function involvesComplex(inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): boolean {
  for (const a of inAvals) if (isComplex(a.dtype)) return true;
  for (const a of outAvals) if (isComplex(a.dtype)) return true;
  return false;
}

/** Primitives that act on the two parts independently (linear over the reals, no mixing). */
const PARTWISE = new Set<FirstOrderPrim>([
  "add", "sub", "neg", "stop_gradient", "select_n", "reduce_sum", "cumsum", "broadcast_in_dim", "reshape", "transpose",
  "squeeze", "rev", "concatenate", "pad", "slice", "gather", "scatter_add",
]);

const realAval = (a: ShapedArray): ShapedArray => (isComplex(a.dtype) ? new ShapedArray(a.shape, realPartOf(a.dtype), a.weakType) : a);

/** Part `k` (0 real, 1 imaginary) of a complex buffer, as a buffer of its part dtype. */
function part(x: TypedArray, d: DType, k: 0 | 1): TypedArray {
  const n = x.length >> 1;
  const out = allocate(realPartOf(d), n);
  for (let i = 0; i < n; i++) out[i] = x[2 * i + k]!;
  return out;
}

function interleave(re: TypedArray, im: TypedArray | null, out: TypedArray): void {
  const n = re.length;
  for (let i = 0; i < n; i++) {
    out[2 * i] = re[i]!;
    out[2 * i + 1] = im === null ? 0 : im[i]!;
  }
}

/** Runs `prim` on complex values (see the file comment). */
export function runComplex<P extends FirstOrderPrim>(
  run: Run,
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
): void {
  if (PARTWISE.has(prim)) {
    runPartwise(run, prim, inputs, inAvals, params, outAvals, outputs);
    return;
  }
  const kernel = COMPLEX_KERNELS[prim as keyof typeof COMPLEX_KERNELS];
  if (kernel === undefined) throw new Error(`internal: no complex kernel for ${prim}`);
  kernel(run, inputs, inAvals, params as never, outAvals, outputs);
}

function runPartwise<P extends FirstOrderPrim>(
  run: Run,
  prim: P,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: ParamsOf<P>,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
): void {
  const ins = inAvals.map(realAval);
  const outs = outAvals.map(realAval);
  const partsOut = ([0, 1] as const).map((k) => {
    const xs = inputs.map((x, i) => (isComplex(inAvals[i]!.dtype) ? part(x, inAvals[i]!.dtype, k) : x));
    const ys = outs.map((a) => allocate(a.dtype, a.size));
    run(prim, xs, ins, params, outs, ys);
    return ys;
  });
  outputs.forEach((o, i) => interleave(partsOut[0]![i]!, partsOut[1]![i]!, o));
}

type ComplexKernel = (
  run: Run,
  inputs: readonly TypedArray[],
  inAvals: readonly ShapedArray[],
  params: never,
  outAvals: readonly ShapedArray[],
  outputs: readonly TypedArray[],
) => void;

type Unary = (a: number, b: number, out: Pair) => void;
type Binary = (a: number, b: number, c: number, d: number, out: Pair) => void;

/** An elementwise complex function of one operand, result complex. */
const unary =
  (f: Unary): ComplexKernel =>
  (_run, [x], _ins, _p, _outs, [res]) => {
    const out = new Float64Array(2);
    const n = res!.length >> 1;
    for (let i = 0; i < n; i++) {
      f(x![2 * i]!, x![2 * i + 1]!, out);
      res![2 * i] = out[0]!;
      res![2 * i + 1] = out[1]!;
    }
  };

/** An elementwise complex function of two operands (either may be rank 0, broadcast). */
const binary =
  (f: Binary): ComplexKernel =>
  (_run, [x, y], [xa, ya], _p, _outs, [res]) => {
    const out = new Float64Array(2);
    const n = res!.length >> 1;
    const sx = xa!.ndim === 0 && n !== 1 ? 0 : 2;
    const sy = ya!.ndim === 0 && n !== 1 ? 0 : 2;
    for (let i = 0; i < n; i++) {
      f(x![sx * i]!, x![sx * i + 1]!, y![sy * i]!, y![sy * i + 1]!, out);
      res![2 * i] = out[0]!;
      res![2 * i + 1] = out[1]!;
    }
  };

/** eq / ne: equal when both parts are equal. */
const compare =
  (equal: boolean): ComplexKernel =>
  (_run, [x, y], [xa, ya], _p, [oa], [res]) => {
    const n = oa!.size;
    const sx = xa!.ndim === 0 && n !== 1 ? 0 : 2;
    const sy = ya!.ndim === 0 && n !== 1 ? 0 : 2;
    for (let i = 0; i < n; i++) {
      const same = x![sx * i] === y![sy * i] && x![sx * i + 1] === y![sy * i + 1];
      res![i] = same === equal ? 1 : 0;
    }
  };

/** Real results per element: |z|, real part, imaginary part. */
const toReal =
  (f: (a: number, b: number) => number): ComplexKernel =>
  (_run, [x], _ins, _p, [oa], [res]) => {
    const n = oa!.size;
    for (let i = 0; i < n; i++) res![i] = f(x![2 * i]!, x![2 * i + 1]!);
  };

const convert: ComplexKernel = (run, [x], [xa], params: ParamsOf<"convert_element_type">, [oa], [res]) => {
  const from = xa!.dtype;
  const to = oa!.dtype;
  if (isComplex(from) && isComplex(to)) {
    // (complex64 ↔ complex128: each part rounds or widens exactly)
    for (let i = 0; i < res!.length; i++) res![i] = x![i]!;
    return;
  }
  if (isComplex(from)) {
    // complex → real keeps the real part (the lax wrapper warns, as JAX's ComplexWarning),
    // then casts it as the real cast would (saturating into integers)
    const re = part(x!, from, 0);
    run("convert_element_type", [re], [realAval(xa!)], params, [oa!], [res!]);
    return;
  }
  // real → complex: the value cast to the part dtype, imaginary part zero
  const partDType = realPartOf(to);
  const re = allocate(partDType, oa!.size);
  const pa = new ShapedArray(oa!.shape, partDType, oa!.weakType);
  run("convert_element_type", [x!], [xa!], { new_dtype: partDType, weak_type: params.weak_type }, [pa], [re]);
  interleave(re, null, res!);
};

const makeComplex: ComplexKernel = (_run, [x, y], [xa, ya], _p, [oa], [res]) => {
  const n = oa!.size;
  const sx = xa!.ndim === 0 && n !== 1 ? 0 : 1;
  const sy = ya!.ndim === 0 && n !== 1 ? 0 : 1;
  for (let i = 0; i < n; i++) {
    res![2 * i] = x![sx * i]!;
    res![2 * i + 1] = y![sy * i]!;
  }
};

const conj: ComplexKernel = (_run, [x], _ins, _p, _outs, [res]) => {
  for (let i = 0; i < res!.length; i += 2) {
    res![i] = x![i]!;
    res![i + 1] = -x![i + 1]!;
  }
};

const integerPow: ComplexKernel = (run, inputs, ins, { y }: ParamsOf<"integer_pow">, outs, outputs) =>
  unary((a, b, out) => cintpow(a, b, y, out))(run, inputs, ins, undefined as never, outs, outputs);

/**
 * A reduction of complex `x` (of aval `xa`) along `axes` into `res` (of aval `oa`): each output
 * element starts at `init` and takes every input element in row-major order through
 * `fold(acc, at, re, im)`, which updates the float64 accumulator pair at acc[at], acc[at + 1].
 */
function reduceComplex(
  x: TypedArray,
  xa: ShapedArray,
  axes: readonly number[],
  oa: ShapedArray,
  res: TypedArray,
  init: readonly [number, number],
  fold: (acc: Float64Array, at: number, re: number, im: number) => void,
): void {
  const shape = xa.shape;
  const outStrides = stridesOf(oa.shape);
  // each input axis's stride in the output (0 for a reduced axis)
  const strideIn: number[] = [];
  let k = 0;
  for (let i = 0; i < shape.length; i++) strideIn.push(axes.includes(i) ? 0 : outStrides[k++]!);
  const acc = new Float64Array(2 * oa.size);
  for (let i = 0; i < oa.size; i++) [acc[2 * i], acc[2 * i + 1]] = init;
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < xa.size; flat++) {
    let o = 0;
    for (let d = 0; d < shape.length; d++) o += idx[d]! * strideIn[d]!;
    fold(acc, 2 * o, x[2 * flat]!, x[2 * flat + 1]!);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  for (let i = 0; i < acc.length; i++) res[i] = acc[i]!;
}

/** Products along `axes`, accumulated in float64 from 1 + 0i. */
const reduceProd: ComplexKernel = (_run, [x], [xa], { axes }: ParamsOf<"reduce_prod">, [oa], [res]) => {
  const out = new Float64Array(2);
  reduceComplex(x!, xa!, axes, oa!, res!, [1, 0], (acc, at, re, im) => {
    cmul(acc[at]!, acc[at + 1]!, re, im, out);
    acc[at] = out[0]!;
    acc[at + 1] = out[1]!;
  });
};

/** (a + bi)(c + di) contracted as four real dot_generals in float64: (ac − bd) + (ad + bc)i. */
const dotGeneral: ComplexKernel = (run, [x, y], [xa, ya], params: ParamsOf<"dot_general">, [oa], [res]) => {
  const wide = (a: ShapedArray) => new ShapedArray(a.shape, "float64");
  const parts = (buf: TypedArray, a: ShapedArray): [Float64Array, Float64Array] => {
    const n = a.size;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    if (isComplex(a.dtype)) for (let i = 0; i < n; i++) {
      re[i] = buf[2 * i]!;
      im[i] = buf[2 * i + 1]!;
    }
    else for (let i = 0; i < n; i++) re[i] = buf[i]!;
    return [re, im];
  };
  const [a, b] = parts(x!, xa!);
  const [c, d] = parts(y!, ya!);
  const o = wide(oa!);
  const prod = (l: Float64Array, r: Float64Array): Float64Array => {
    const out = new Float64Array(oa!.size);
    run("dot_general", [l, r], [wide(xa!), wide(ya!)], params, [o], [out]);
    return out;
  };
  const ac = prod(a, c);
  const bd = prod(b, d);
  const ad = prod(a, d);
  const bc = prod(b, c);
  for (let i = 0; i < oa!.size; i++) {
    res![2 * i] = ac[i]! - bd[i]!;
    res![2 * i + 1] = ad[i]! + bc[i]!;
  }
};

/** Whether (a, b) is picked over (c, d) by JAX's complex max (`greater`) or min: the real parts
 * decide, the imaginary parts break a tie (mlir's min/max lowering on complex values). A NaN
 * part compares false, so the other operand is picked, as that lowering's select does. */
const lexPicks = (greater: boolean, a: number, b: number, c: number, d: number): boolean =>
  a === c ? (greater ? b > d : b < d) : greater ? a > c : a < c;

/** max / min: x where it is lexicographically greater (smaller), else y. */
const lexChoose =
  (greater: boolean): ComplexKernel =>
  (_run, [x, y], [xa, ya], _p, _outs, [res]) => {
    const n = res!.length >> 1;
    const sx = xa!.ndim === 0 && n !== 1 ? 0 : 2;
    const sy = ya!.ndim === 0 && n !== 1 ? 0 : 2;
    for (let i = 0; i < n; i++) {
      const [a, b, c, d] = [x![sx * i]!, x![sx * i + 1]!, y![sy * i]!, y![sy * i + 1]!];
      const pickX = lexPicks(greater, a, b, c, d);
      res![2 * i] = pickX ? a : c;
      res![2 * i + 1] = pickX ? b : d;
    }
  };

/** reduce_max / reduce_min: XLA's reduction from its identity (∓inf + 0i), folding each
 * element in with the binary max / min above (accumulator first). */
const lexReduce =
  (greater: boolean): ComplexKernel =>
  (_run, [x], [xa], { axes }: ParamsOf<"reduce_max">, [oa], [res]) =>
    reduceComplex(x!, xa!, axes, oa!, res!, [greater ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY, 0], (acc, at, re, im) => {
      if (!lexPicks(greater, acc[at]!, acc[at + 1]!, re, im)) {
        acc[at] = re;
        acc[at + 1] = im;
      }
    });

/** sort: each complex operand split into its two parts, a complex key becoming two keys
 * (real part, then imaginary part: JAX's lexicographic order), sorted by the real kernel. */
const sortComplex: ComplexKernel = (run, inputs, inAvals, { dimension, num_keys }: ParamsOf<"sort">, _outs, outputs) => {
  const xs: TypedArray[] = [];
  const avals: ShapedArray[] = [];
  let keys = 0;
  inAvals.forEach((a, i) => {
    const parts = isComplex(a.dtype) ? [part(inputs[i]!, a.dtype, 0), part(inputs[i]!, a.dtype, 1)] : [inputs[i]!];
    for (const p of parts) {
      xs.push(p);
      avals.push(realAval(a));
      if (i < num_keys) keys++;
    }
  });
  const ys = avals.map((a) => allocate(a.dtype, a.size));
  run("sort", xs, avals, { dimension, num_keys: keys }, avals, ys);
  let j = 0;
  inAvals.forEach((a, i) => {
    if (isComplex(a.dtype)) {
      interleave(ys[j]!, ys[j + 1]!, outputs[i]!);
      j += 2;
    } else outputs[i]!.set(ys[j++]!);
  });
};

const COMPLEX_KERNELS: { readonly [P in FirstOrderPrim]?: ComplexKernel } = {
  max: lexChoose(true),
  min: lexChoose(false),
  reduce_max: lexReduce(true),
  reduce_min: lexReduce(false),
  sort: sortComplex,
  mul: binary(cmul),
  div: binary(cdiv),
  pow: binary(cpow),
  atan2: binary(catan2),
  exp: unary(cexp),
  log: unary(clog),
  sin: unary(csin),
  cos: unary(ccos),
  tanh: unary(ctanh),
  sqrt: unary(csqrt),
  rsqrt: unary(crsqrt),
  tan: unary(ctan),
  asin: unary(casin),
  acos: unary(cacos),
  atan: unary(catan),
  sinh: unary(csinh),
  cosh: unary(ccosh),
  expm1: unary(cexpm1),
  log1p: unary(clog1p),
  sign: unary(csign),
  square: unary((a, b, out) => cmul(a, b, a, b, out)),
  integer_pow: integerPow,
  abs: toReal(Math.hypot),
  real: toReal((a) => a),
  imag: toReal((_a, b) => b),
  conj,
  complex: makeComplex,
  eq: compare(true),
  ne: compare(false),
  convert_element_type: convert,
  reduce_prod: reduceProd,
  dot_general: dotGeneral,
  fft: fftKernel,
};
