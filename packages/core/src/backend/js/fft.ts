// The discrete Fourier transform of any length, on separate real and imaginary float64 arrays:
// X_k = Σ_j x_j e^{∓2πi jk/n} (− forward, + inverse, unnormalised). Powers of two run the
// iterative radix-2 Cooley–Tukey algorithm; every other length runs Bluestein's chirp-z
// algorithm, which writes the transform as a convolution and computes that with power-of-two
// transforms of length ≥ 2n − 1. Twiddles and chirps are computed directly from their angles
// (never by recurrence), so the error stays at a few ulps times log n of the input's norm.

/** A plan for transforms of length n: reusable across the rows of a batch. */
export interface FftPlan {
  readonly n: number;
  /** Transforms one row in place (re, im from `offset`, `stride` apart). */
  run(re: Float64Array, im: Float64Array, inverse: boolean): void;
}

const plans = new Map<number, FftPlan>();

/** The plan for length n (cached: a training step transforms the same lengths every call). */
export function fftPlan(n: number): FftPlan {
  let p = plans.get(n);
  if (p === undefined) {
    p = n <= 1 ? { n, run: () => undefined } : (n & (n - 1)) === 0 ? radix2Plan(n) : bluesteinPlan(n);
    if (plans.size > 64) plans.clear();
    plans.set(n, p);
  }
  return p;
}

/** Iterative radix-2: bit-reversal permutation, then log2 n butterfly passes. */
function radix2Plan(n: number): FftPlan {
  const bits = Math.log2(n);
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0, v = i; b < bits; b++, v >>= 1) r = (r << 1) | (v & 1);
    rev[i] = r;
  }
  // cos and sin of 2πk/n for k < n/2, each from its own angle
  const half = n >> 1;
  const cos = new Float64Array(half);
  const sin = new Float64Array(half);
  for (let k = 0; k < half; k++) {
    const a = (2 * Math.PI * k) / n;
    cos[k] = Math.cos(a);
    sin[k] = Math.sin(a);
  }
  return {
    n,
    run(re, im, inverse) {
      for (let i = 0; i < n; i++) {
        const j = rev[i]!;
        if (j > i) {
          const tr = re[i]!;
          re[i] = re[j]!;
          re[j] = tr;
          const ti = im[i]!;
          im[i] = im[j]!;
          im[j] = ti;
        }
      }
      const sign = inverse ? 1 : -1;
      for (let size = 2; size <= n; size <<= 1) {
        const h = size >> 1;
        const step = n / size;
        for (let start = 0; start < n; start += size) {
          for (let k = 0; k < h; k++) {
            const wr = cos[k * step]!;
            const wi = sign * sin[k * step]!;
            const a = start + k;
            const b = a + h;
            const xr = re[b]! * wr - im[b]! * wi;
            const xi = re[b]! * wi + im[b]! * wr;
            re[b] = re[a]! - xr;
            im[b] = im[a]! - xi;
            re[a] = re[a]! + xr;
            im[a] = im[a]! + xi;
          }
        }
      }
    },
  };
}

/**
 * Bluestein: with jk = (j² + k² − (k − j)²)/2, X_k = w_k Σ_j (x_j w_j)·conj(w_{k−j}) where
 * w_m = e^{−iπ m²/n}: a convolution of a = x·w with b = conj(w), done by power-of-two
 * transforms of length m ≥ 2n − 1 (b's transform precomputed). m² mod 2n is exact in doubles
 * for n < 2^26, which keeps each chirp angle exact before the cos/sin.
 */
function bluesteinPlan(n: number): FftPlan {
  let m = 1;
  while (m < 2 * n - 1) m <<= 1;
  const inner = radix2Plan(m);
  const wr = new Float64Array(n);
  const wi = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const a = (Math.PI * ((k * k) % (2 * n))) / n;
    wr[k] = Math.cos(a);
    wi[k] = -Math.sin(a);
  }
  // b = conj(w) laid out circularly (b_{−j} = b_j), transformed once
  const br = new Float64Array(m);
  const bi = new Float64Array(m);
  for (let k = 0; k < n; k++) {
    br[k] = wr[k]!;
    bi[k] = -wi[k]!;
    if (k > 0) {
      br[m - k] = wr[k]!;
      bi[m - k] = -wi[k]!;
    }
  }
  inner.run(br, bi, false);
  const ar = new Float64Array(m);
  const ai = new Float64Array(m);
  return {
    n,
    run(re, im, inverse) {
      // the inverse transform is the forward one of the conjugate, conjugated
      const s = inverse ? -1 : 1;
      ar.fill(0);
      ai.fill(0);
      for (let k = 0; k < n; k++) {
        const xr = re[k]!;
        const xi = s * im[k]!;
        ar[k] = xr * wr[k]! - xi * wi[k]!;
        ai[k] = xr * wi[k]! + xi * wr[k]!;
      }
      inner.run(ar, ai, false);
      for (let k = 0; k < m; k++) {
        const xr = ar[k]!;
        const xi = ai[k]!;
        ar[k] = xr * br[k]! - xi * bi[k]!;
        ai[k] = xr * bi[k]! + xi * br[k]!;
      }
      inner.run(ar, ai, true);
      for (let k = 0; k < n; k++) {
        // the inverse inner transform is unnormalised: divide by m
        const xr = ar[k]! / m;
        const xi = ai[k]! / m;
        re[k] = xr * wr[k]! - xi * wi[k]!;
        im[k] = s * (xr * wi[k]! + xi * wr[k]!);
      }
    },
  };
}
