// The primitive set: every primitive's name and the static params it carries.
// `PrimitiveName` is derived from this map, so tables typed `{ [P in PrimitiveName]: ... }`
// do not compile until they cover a newly added primitive.
import type { NDArray } from "../array.js";
import type { ShapedArray } from "../aval.js";
import type { DType } from "../dtype.js";
import type { Jaxpr } from "../ir/jaxpr.js";

export type NoParams = Readonly<Record<string, never>>;
export type Axes = readonly number[];

/** A JVP rule supplied by `customJvp`: flat primals and tangents in, flat outputs and tangents out. */
export type CustomJvpRule = (primals: readonly NDArray[], tangents: readonly NDArray[]) => [NDArray[], NDArray[]];
/** `customVjp`'s forward: flat primals in, flat outputs and flat residuals out. */
export type CustomFwd = (primals: readonly NDArray[]) => [NDArray[], NDArray[]];
/** `customVjp`'s backward: residuals and output cotangents in, one cotangent per primal out. */
export type CustomBwd = (residuals: readonly NDArray[], cts: readonly NDArray[]) => NDArray[];

/** Forward evaluation of a custom_lin: residuals and linear inputs in, outputs out. */
export type CustomLinFwd = (residuals: readonly NDArray[], tangents: readonly NDArray[]) => NDArray[];

/** JAX's FftType: complex→complex forward and inverse, real→half-spectrum, and back. */
export type FftType = "FFT" | "IFFT" | "RFFT" | "IRFFT";

export type SavePolicy = "nothing_saveable" | "dots_saveable" | "everything_saveable";

export interface PrimitiveParams {
  // elementwise unary
  neg: NoParams;
  sign: NoParams;
  floor: NoParams;
  ceil: NoParams;
  round: NoParams;
  is_finite: NoParams;
  not: NoParams;
  exp: NoParams;
  log: NoParams;
  expm1: NoParams;
  log1p: NoParams;
  sin: NoParams;
  cos: NoParams;
  tan: NoParams;
  asin: NoParams;
  acos: NoParams;
  atan: NoParams;
  sinh: NoParams;
  cosh: NoParams;
  tanh: NoParams;
  logistic: NoParams;
  sqrt: NoParams;
  rsqrt: NoParams;
  abs: NoParams;
  erf: NoParams;
  erf_inv: NoParams;
  square: NoParams;
  integer_pow: { readonly y: number };
  stop_gradient: NoParams;
  // elementwise binary (operands share a shape, or one of them is rank 0)
  add: NoParams;
  sub: NoParams;
  mul: NoParams;
  div: NoParams;
  rem: NoParams;
  pow: NoParams;
  max: NoParams;
  min: NoParams;
  atan2: NoParams;
  and: NoParams;
  or: NoParams;
  xor: NoParams;
  shift_right_logical: NoParams;
  shift_left: NoParams;
  eq: NoParams;
  ne: NoParams;
  lt: NoParams;
  le: NoParams;
  gt: NoParams;
  ge: NoParams;
  /** select_n(pred, onFalse, onTrue), as in JAX. */
  select_n: NoParams;
  convert_element_type: { readonly new_dtype: DType; readonly weak_type: boolean };
  /** The same bytes read as another dtype (lax.bitcast_convert_type): a wider dtype drops a
   * trailing axis of the ratio's size, a narrower one adds it. */
  bitcast_convert_type: { readonly new_dtype: DType };
  // reductions
  reduce_sum: { readonly axes: Axes };
  reduce_max: { readonly axes: Axes };
  reduce_min: { readonly axes: Axes };
  reduce_prod: { readonly axes: Axes };
  reduce_and: { readonly axes: Axes };
  reduce_or: { readonly axes: Axes };
  argmax: { readonly axes: Axes; readonly index_dtype: DType };
  argmin: { readonly axes: Axes; readonly index_dtype: DType };
  cumsum: { readonly axis: number; readonly reverse: boolean };
  // shape
  broadcast_in_dim: { readonly shape: readonly number[]; readonly broadcast_dimensions: Axes };
  reshape: { readonly new_sizes: readonly number[] };
  transpose: { readonly permutation: Axes };
  squeeze: { readonly dimensions: Axes };
  rev: { readonly dimensions: Axes };
  concatenate: { readonly dimension: number };
  /** pad(operand, paddingValue): per axis [low, high, interior]. */
  pad: { readonly padding_config: readonly (readonly [number, number, number])[] };
  slice: {
    readonly start_indices: readonly number[];
    readonly limit_indices: readonly number[];
    readonly strides: readonly number[] | null;
  };
  // indexing: a one-axis gather (np.take) and its transpose
  gather: { readonly axis: number };
  scatter_add: { readonly axis: number };
  // linear algebra: ((lhsContract, rhsContract), (lhsBatch, rhsBatch))
  dot_general: {
    readonly dimension_numbers: readonly [readonly [Axes, Axes], readonly [Axes, Axes]];
  };
  // complex numbers (JAX's real_p, imag_p, conj_p (complex operands only here: lax.conj
  // converts a real one first), complex_p) and the discrete Fourier transform
  real: NoParams;
  imag: NoParams;
  conj: NoParams;
  /** complex(x, y) = x + iy for real x, y of one dtype (a rank-0 operand broadcasts). */
  complex: NoParams;
  /** lax.fft: over the trailing len(fft_lengths) axes. */
  fft: { readonly fft_type: FftType; readonly fft_lengths: readonly number[] };
  // generators and others
  iota: { readonly dtype: DType; readonly shape: readonly number[]; readonly dimension: number };
  /** Sorts every operand along `dimension` by the first one (num_keys = 1). */
  sort: { readonly dimension: number; readonly num_keys: number };
  /** Threefry-2x32 block cipher on uint32 words stored as int32 (k1, k2, x1, x2) -> (y1, y2). */
  threefry2x32: NoParams;
  // higher-order: sub-jaxprs take the leading `num_consts` operands as hoisted constants
  custom_jvp_call: {
    readonly call_jaxpr: Jaxpr;
    readonly jvp: CustomJvpRule;
    readonly num_consts: number;
  };
  custom_vjp_call: {
    readonly call_jaxpr: Jaxpr;
    readonly fwd: CustomFwd;
    readonly bwd: CustomBwd;
    readonly num_consts: number;
  };
  /** A linear map given by closures: (residuals..., linear inputs...) -> outputs. It is
   * how customVjp and checkpoint appear in linearized jaxprs: `bwd` is its transpose,
   * `fwd` (if any) evaluates it forward. */
  custom_lin: {
    readonly name: string;
    readonly num_res: number;
    readonly out_avals: readonly ShapedArray[];
    readonly fwd: CustomLinFwd | null;
    readonly bwd: CustomBwd;
  };
  checkpoint: {
    readonly jaxpr: Jaxpr;
    readonly policy: SavePolicy;
    readonly num_consts: number;
  };
  pjit: { readonly jaxpr: Jaxpr; readonly name: string; readonly num_consts: number };
  // structured control flow (JAX's names; params in JAX's printed order)
  /** cond(index, ...operands): runs `branches[index]` on the operands (index clamped). */
  cond: { readonly branches: readonly Jaxpr[] };
  /** while(cond_consts..., body_consts..., carry...): iterate body while cond holds. */
  while: {
    readonly body_jaxpr: Jaxpr;
    readonly body_nconsts: number;
    readonly cond_jaxpr: Jaxpr;
    readonly cond_nconsts: number;
  };
  /** scan(consts..., carry..., xs...): body (consts, carry, x) -> (carry, y) over axis 0 of xs;
   * outputs the final carry and the stacked ys. */
  scan: {
    readonly jaxpr: Jaxpr;
    readonly length: number;
    readonly num_carry: number;
    readonly num_consts: number;
    readonly reverse: boolean;
    readonly unroll: number;
  };
}

export type PrimitiveName = keyof PrimitiveParams;
export type ParamsOf<P extends PrimitiveName> = PrimitiveParams[P];

export const noParams: NoParams = Object.freeze({});
