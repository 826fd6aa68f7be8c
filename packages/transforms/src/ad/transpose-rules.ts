// Transpose rules of the linear primitives: given output cotangents and the operands
// (linear ones marked UndefinedPrimal), the cotangents of the linear operands.
import {
  array,
  bind1,
  realPartOf,
  type CustomBwd,
  fmtShape,
  lax,
  type NDArray,
  NotDifferentiableError,
  type ParamsOf,
  type PrimitiveName,
  type ShapedArray,
  ShapeError,
  sameShape,
} from "@jaxts/core";
import { instantiate, mulDerivative, type Tangent, Zero, zerosOf } from "./zero.js";
import { condTranspose, scanTranspose } from "./control-transpose.js";
import { pjitTranspose } from "./pjit-rules.js";

/** A linear operand whose value is unknown: only its aval is. */
export class UndefinedPrimal {
  constructor(readonly aval: ShapedArray) {}
}
export type TransposeArg = NDArray | UndefinedPrimal;
export const isUndefined = (a: TransposeArg): a is UndefinedPrimal => a instanceof UndefinedPrimal;

export type TransposeRule<P extends PrimitiveName> = (cts: readonly Tangent[], args: readonly TransposeArg[], params: ParamsOf<P>) => (Tangent | null)[];

export type LinearPrim =
  | "neg" | "add" | "sub" | "mul" | "div" | "convert_element_type" | "reduce_sum" | "cumsum" | "broadcast_in_dim"
  | "reshape" | "transpose" | "squeeze" | "rev" | "slice" | "concatenate" | "pad" | "gather" | "scatter_add"
  | "dot_general" | "select_n" | "custom_lin" | "scan" | "cond" | "pjit" | "real" | "imag" | "conj" | "complex" | "fft";

const ct0 = (cts: readonly Tangent[]): NDArray => instantiate(cts[0]!);

/** Sum a cotangent down to a (possibly rank-0) operand's shape: the transpose of scalar broadcasting. */
function unbroadcast(ct: NDArray, aval: ShapedArray): NDArray {
  if (sameShape(ct.shape, aval.shape)) return ct;
  return lax.reduceSum(ct, ct.shape.map((_, i) => i));
}

const argAval = (a: TransposeArg): ShapedArray => a.aval;

function nonlinear(prim: string): never {
  throw new NotDifferentiableError(`${prim}: cannot transpose, both operands are linear (the function is not linear)`);
}

const ranges = (...lens: number[]): number[][] => {
  let start = 0;
  return lens.map((n) => {
    const r = Array.from({ length: n }, (_, i) => start + i);
    start += n;
    return r;
  });
};
const argsort = (xs: readonly number[]): number[] => xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
const remaining = (n: number, ...taken: (readonly number[])[]): number[] =>
  Array.from({ length: n }, (_, i) => i).filter((i) => !taken.some((t) => t.includes(i)));

type DimNums = ParamsOf<"dot_general">["dimension_numbers"];

/** Cotangent of dot_general's lhs: contract the output cotangent with the rhs and permute back. */
function dotTransposeLhs(ct: NDArray, xAval: ShapedArray, y: NDArray, [[xc, yc], [xb, yb]]: DimNums, swapAns = false): NDArray {
  const xKept = remaining(xAval.ndim, xc, xb);
  const yKept = remaining(y.ndim, yc, yb);
  const [ansBatch, ansY] = swapAns
    ? (([b, yk]) => [b!, yk!])(ranges(xb.length, yKept.length, xKept.length))
    : (([b, , yk]) => [b!, yk!])(ranges(xb.length, xKept.length, yKept.length));
  const xContractSortedByY = argsort(yc).map((i) => xc[i]!);
  const outAxes = argsort([...xb, ...xKept, ...xContractSortedByY]);
  // ct·y lays the result out as (batch, x's kept dims, x's contracted dims); y·ct as (batch,
  // contracted, kept). When the second order is already x's, take it: the weight gradient of
  // a matmul (xᵀ·ct) then needs no transposed copy of a whole weight-sized array.
  if (!isIdentity(outAxes) && isIdentity(argsort([...xb, ...xContractSortedByY, ...xKept]))) {
    return lax.dotGeneral(y, ct, [
      [yKept, ansY],
      [yb, ansBatch],
    ]);
  }
  const prod = lax.dotGeneral(ct, y, [
    [ansY, yKept],
    [ansBatch, yb],
  ]);
  return isIdentity(outAxes) ? prod : lax.transpose(prod, outAxes);
}

const isIdentity = (perm: readonly number[]): boolean => perm.every((p, i) => p === i);

export const transposeRules: { readonly [P in LinearPrim]: TransposeRule<P> } = {
  neg: (cts) => [lax.neg(ct0(cts))],
  add: (cts, [x, y]) => [isUndefined(x!) ? unbroadcast(ct0(cts), x.aval) : null, isUndefined(y!) ? unbroadcast(ct0(cts), y.aval) : null],
  sub: (cts, [x, y]) => [
    isUndefined(x!) ? unbroadcast(ct0(cts), x.aval) : null,
    isUndefined(y!) ? unbroadcast(lax.neg(ct0(cts)), y.aval) : null,
  ],
  mul: (cts, args) => {
    const [x, y] = [args[0]!, args[1]!];
    if (isUndefined(x)) {
      if (isUndefined(y)) nonlinear("mul");
      return [unbroadcast(mulDerivative(ct0(cts), y), x.aval), null];
    }
    return [null, unbroadcast(mulDerivative(x, ct0(cts)), argAval(y))];
  },
  div: (cts, args) => {
    const [x, y] = [args[0]!, args[1]!];
    if (!isUndefined(x) || isUndefined(y)) throw new NotDifferentiableError("div: only the numerator may be linear");
    return [unbroadcast(lax.div(ct0(cts), y), x.aval), null];
  },
  // (a real → complex cast transposes to the real part: bound directly, without the
  // ComplexWarning the public cast gives, as JAX's rule)
  convert_element_type: (cts, [x]) => {
    const { dtype, weakType } = argAval(x!);
    const ct = ct0(cts);
    if (ct.dtype === dtype && ct.weakType === weakType) return [ct];
    return [bind1("convert_element_type", [ct], { new_dtype: dtype, weak_type: weakType })];
  },
  // JAX's conventions (lax.py): real's transpose is complex(t, 0), imag's complex(0, −t), and
  // complex's (real(t), −imag(t)): with them grad of a real f(z) is ∂f/∂x − i ∂f/∂y.
  real: (cts) => {
    const t = ct0(cts);
    return [lax.complex(t, lax.mul(t, 0))];
  },
  imag: (cts) => {
    const t = ct0(cts);
    return [lax.complex(lax.mul(t, 0), lax.neg(t))];
  },
  complex: (cts, [x, y]) => {
    const t = ct0(cts);
    return [isUndefined(x!) ? unbroadcast(lax.real(t), x.aval) : null, isUndefined(y!) ? unbroadcast(lax.neg(lax.imag(t)), y.aval) : null];
  },
  conj: (cts) => [lax.conj(ct0(cts))],
  fft: (cts, _args, { fft_type, fft_lengths }) => [fftTranspose(ct0(cts), fft_type, fft_lengths)],
  reduce_sum: (cts, [x], { axes }) => {
    const shape = argAval(x!).shape;
    return [lax.broadcastInDim(ct0(cts), shape, shape.map((_, i) => i).filter((i) => !axes.includes(i)))];
  },
  cumsum: (cts, _args, { axis, reverse }) => [lax.cumsum(ct0(cts), axis, !reverse)],
  broadcast_in_dim: (cts, [x], { shape, broadcast_dimensions: dims }) => {
    const xa = argAval(x!);
    const summed = shape
      .map((_, i) => i)
      .filter((i) => !dims.includes(i) || (xa.shape[dims.indexOf(i)] === 1 && shape[i] !== 1));
    const ct = ct0(cts);
    const reduced = summed.length ? lax.reduceSum(ct, summed) : ct;
    return [sameShape(reduced.shape, xa.shape) ? reduced : lax.reshape(reduced, xa.shape)];
  },
  reshape: (cts, [x]) => [lax.reshape(ct0(cts), argAval(x!).shape)],
  squeeze: (cts, [x]) => [lax.reshape(ct0(cts), argAval(x!).shape)],
  transpose: (cts, _args, { permutation }) => [lax.transpose(ct0(cts), argsort(permutation))],
  rev: (cts, _args, { dimensions }) => [lax.rev(ct0(cts), dimensions)],
  slice: (cts, [x], { start_indices: starts, limit_indices: limits, strides }) => {
    const shape = argAval(x!).shape;
    const ct = ct0(cts);
    const config = shape.map((d, i) => {
      const st = strides?.[i] ?? 1;
      const n = ct.shape[i]!;
      const realLimit = n === 0 ? starts[i]! : starts[i]! + (n - 1) * st + 1;
      void limits;
      return [starts[i]!, d - realLimit, n === 0 ? 0 : st - 1] as const;
    });
    return [lax.pad(ct, 0, config)];
  },
  concatenate: (cts, args, { dimension }) => {
    const ct = ct0(cts);
    let offset = 0;
    return args.map((a) => {
      const n = argAval(a).shape[dimension]!;
      const lo = offset;
      offset += n;
      if (!isUndefined(a)) return null;
      const starts = ct.shape.map((_, i) => (i === dimension ? lo : 0));
      const limits = ct.shape.map((d, i) => (i === dimension ? lo + n : d));
      return lax.slice(ct, starts, limits);
    });
  },
  pad: (cts, [x, v], { padding_config }) => {
    const ct = ct0(cts);
    let tx: NDArray | null = null;
    if (isUndefined(x!)) {
      const unpadded = lax.pad(ct, 0, padding_config.map(([lo, hi]) => [-lo, -hi, 0] as const));
      tx = lax.slice(
        unpadded,
        unpadded.shape.map(() => 0),
        unpadded.shape,
        padding_config.map(([, , interior]) => interior + 1),
      );
    }
    const all = ct.shape.map((_, i) => i);
    const tv = isUndefined(v!) ? lax.sub(lax.reduceSum(ct, all), tx === null ? 0 : lax.reduceSum(tx, all)) : null;
    return [tx, tv];
  },
  gather: (cts, [x, idx], { axis }) => {
    const xa = argAval(x!);
    const n = xa.shape[axis]!;
    const clamped = lax.max(lax.min(idx as NDArray, n - 1), 0);
    return [lax.scatterAdd(zerosOf(xa), clamped, ct0(cts), { axis }), null];
  },
  scatter_add: (cts, [x, idx, u], { axis }) => {
    const ct = ct0(cts);
    let tu: NDArray | null = null;
    if (isUndefined(u!)) {
      const indices = idx as NDArray;
      const n = argAval(x!).shape[axis]!;
      const inRange = lax.bitwiseAnd(lax.ge(indices, 0), lax.lt(indices, n));
      const ua = u.aval;
      const mask = lax.broadcastInDim(inRange, ua.shape, indices.shape.map((_, i) => axis + i));
      tu = lax.select(mask, lax.gather(ct, indices, { axis }), 0);
    }
    return [isUndefined(x!) ? ct : null, null, tu];
  },
  dot_general: (cts, args, { dimension_numbers }) => {
    const [x, y] = [args[0]!, args[1]!];
    const ct = ct0(cts);
    if (isUndefined(x)) {
      if (isUndefined(y)) nonlinear("dot_general");
      return [dotTransposeLhs(ct, x.aval, y, dimension_numbers), null];
    }
    const [[xc, yc], [xb, yb]] = dimension_numbers;
    const swapped: DimNums = [
      [yc, xc],
      [yb, xb],
    ];
    return [null, dotTransposeLhs(ct, argAval(y), x, swapped, true)];
  },
  select_n: (cts, [pred, f, t]) => {
    const ct = ct0(cts);
    const zeros = lax.mul(ct, 0);
    const p = pred as NDArray;
    return [
      null,
      isUndefined(f!) ? unbroadcast(bind1("select_n", [p, ct, zeros], {}), f.aval) : null,
      isUndefined(t!) ? unbroadcast(bind1("select_n", [p, zeros, ct], {}), t.aval) : null,
    ];
  },
  custom_lin: (cts, args, { num_res, bwd, name }) => {
    const res = args.slice(0, num_res) as NDArray[];
    const linear = args.slice(num_res);
    const out = callBwd(bwd, res, cts.map(instantiate), name);
    if (out.length !== linear.length) {
      throw new ShapeError(`${name}: bwd returned ${out.length} cotangents, but the function has ${linear.length} differentiable inputs`);
    }
    return [
      ...res.map(() => null),
      ...out.map((c, i) => {
        const want = argAval(linear[i]!);
        if (!sameShape(c.shape, want.shape)) {
          throw new ShapeError(`${name}: bwd's cotangent ${i} has shape ${fmtShape(c.shape)}, but input ${i} has shape ${fmtShape(want.shape)}`);
        }
        return c.dtype === want.dtype ? c : lax.convertElementType(c, want.dtype);
      }),
    ];
  },
  scan: (cts, args, params) => scanTranspose(cts, args, params),
  cond: (cts, args, params) => condTranspose(cts, args, params),
  pjit: (cts, args, params) => pjitTranspose(cts, args, params),
};

/**
 * The transposes of lax.fft, as JAX's fft.py: the DFT matrix is symmetric, so FFT and IFFT
 * are their own transposes; RFFT's is n·IRFFT(conj(t)/mask) and IRFFT's conj(mask·RFFT(t)/n),
 * where the mask (1 for the DC and Nyquist terms, 2 for the others along the last axis)
 * accounts for the half spectrum standing for the whole.
 */
function fftTranspose(t: NDArray, type: ParamsOf<"fft">["fft_type"], lengths: readonly number[]): NDArray {
  if (type === "FFT" || type === "IFFT") return lax.fft(t, type, lengths);
  const n = lengths[lengths.length - 1]!;
  const total = lengths.reduce((p, v) => p * v, 1);
  const m = Math.floor(n / 2) + 1;
  const weights = Array.from({ length: m }, (_, k) => (k === 0 || (n % 2 === 0 && k === m - 1) ? 1 : 2));
  // the mask along the last axis, broadcast over the others
  const maskLike = (c: NDArray, w: readonly number[]): NDArray =>
    lax.broadcastInDim(lax.convertElementType(array([...w], { dtype: realPartOf(c.dtype) }), c.dtype), c.shape, [c.ndim - 1]);
  if (type === "RFFT") return lax.mul(lax.fft(lax.div(lax.conj(t), maskLike(t, weights)), "IRFFT", lengths), total);
  const x = lax.fft(t, "RFFT", lengths);
  return lax.conj(lax.mul(x, maskLike(x, weights.map((w) => w / total))));
}

function callBwd(bwd: CustomBwd, res: readonly NDArray[], cts: readonly NDArray[], _name: string): NDArray[] {
  return bwd(res, cts);
}

export { Zero };
