// Complex arithmetic on (re, im) pairs of float64s, the scalar functions behind the complex
// kernels. Each writes its result into `out[0]`, `out[1]` (no object per element). The
// formulas are the textbook ones, chosen to keep the special values numpy gives: exp of a
// real number has an exact zero imaginary part, sqrt and log take the principal branch with
// the cut on the negative real axis (a −0 imaginary part is below the cut), and division is
// Smith's algorithm, which does not overflow for large denominators.

export type Pair = Float64Array;

export function cmul(a: number, b: number, c: number, d: number, out: Pair): void {
  out[0] = a * c - b * d;
  out[1] = a * d + b * c;
}

/** (a + bi) / (c + di) by Smith's algorithm. */
export function cdiv(a: number, b: number, c: number, d: number, out: Pair): void {
  if (Math.abs(c) >= Math.abs(d)) {
    if (c === 0 && d === 0) {
      // numpy: a nonzero over zero is inf/nan per part, 0/0 is nan
      out[0] = a / 0;
      out[1] = b / 0;
      return;
    }
    const r = d / c;
    const den = c + d * r;
    out[0] = (a + b * r) / den;
    out[1] = (b - a * r) / den;
  } else {
    const r = c / d;
    const den = c * r + d;
    out[0] = (a * r + b) / den;
    out[1] = (b * r - a) / den;
  }
}

export function cexp(a: number, b: number, out: Pair): void {
  const e = Math.exp(a);
  if (b === 0) {
    // exp(x + 0i) = e^x + 0i exactly (e^x · sin 0 would be NaN for x = +inf)
    out[0] = e;
    out[1] = b;
    return;
  }
  out[0] = e * Math.cos(b);
  out[1] = e * Math.sin(b);
}

export function clog(a: number, b: number, out: Pair): void {
  out[0] = Math.log(Math.hypot(a, b));
  out[1] = Math.atan2(b, a);
}

export function csin(a: number, b: number, out: Pair): void {
  out[0] = Math.sin(a) * Math.cosh(b);
  out[1] = b === 0 ? b * Math.cos(a) : Math.cos(a) * Math.sinh(b);
}

export function ccos(a: number, b: number, out: Pair): void {
  out[0] = Math.cos(a) * Math.cosh(b);
  out[1] = b === 0 ? -b * Math.sin(a) : -Math.sin(a) * Math.sinh(b);
}

/** tanh(a + bi) = (sinh 2a + i sin 2b) / (cosh 2a + cos 2b); for |a| > 20 the real part is
 * ±1 to double precision and the imaginary part 4·sin b·cos b·e^{−2|a|} (no inf/inf). */
export function ctanh(a: number, b: number, out: Pair): void {
  if (Math.abs(a) > 20) {
    out[0] = Math.sign(a);
    out[1] = 4 * Math.sin(b) * Math.cos(b) * Math.exp(-2 * Math.abs(a));
    return;
  }
  const den = Math.cosh(2 * a) + Math.cos(2 * b);
  out[0] = Math.sinh(2 * a) / den;
  out[1] = Math.sin(2 * b) / den;
}

/** The principal square root (real part ≥ 0, imaginary part of b's sign). */
export function csqrt(a: number, b: number, out: Pair): void {
  if (a === 0 && b === 0) {
    out[0] = 0;
    out[1] = b;
    return;
  }
  if (!Number.isFinite(b) && !Number.isNaN(b)) {
    out[0] = Number.POSITIVE_INFINITY;
    out[1] = b;
    return;
  }
  const t = Math.sqrt((Math.abs(a) + Math.hypot(a, b)) / 2);
  if (a >= 0) {
    out[0] = t;
    out[1] = b / (2 * t);
  } else {
    out[0] = Math.abs(b) / (2 * t);
    out[1] = b < 0 || Object.is(b, -0) ? -t : t;
  }
}

/** x^y = exp(y·log x); 0^y is 1 for y = 0, 0 for a positive real y, NaN otherwise (numpy). */
export function cpow(a: number, b: number, c: number, d: number, out: Pair): void {
  if (a === 0 && b === 0) {
    if (c === 0 && d === 0) {
      out[0] = 1;
      out[1] = 0;
    } else if (c > 0 && d === 0) {
      out[0] = 0;
      out[1] = 0;
    } else {
      out[0] = Number.NaN;
      out[1] = Number.NaN;
    }
    return;
  }
  clog(a, b, out);
  const lr = out[0]!;
  const li = out[1]!;
  cexp(c * lr - d * li, c * li + d * lr, out);
}

/** z / |z|, and 0 at 0 (JAX's sign of a complex number). */
export function csign(a: number, b: number, out: Pair): void {
  const m = Math.hypot(a, b);
  if (m === 0) {
    out[0] = 0;
    out[1] = 0;
    return;
  }
  out[0] = a / m;
  out[1] = b / m;
}

/** z^n for an integer n by repeated squaring; a negative n is 1 / z^|n|. */
export function cintpow(a: number, b: number, n: number, out: Pair): void {
  let rr = 1;
  let ri = 0;
  let br = a;
  let bi = b;
  let k = Math.abs(n);
  while (k > 0) {
    if (k & 1) {
      const t = rr * br - ri * bi;
      ri = rr * bi + ri * br;
      rr = t;
    }
    const t = br * br - bi * bi;
    bi = 2 * br * bi;
    br = t;
    k >>= 1;
  }
  if (n < 0) cdiv(1, 0, rr, ri, out);
  else {
    out[0] = rr;
    out[1] = ri;
  }
}

/** tan z = −i·tanh(iz). */
export function ctan(a: number, b: number, out: Pair): void {
  ctanh(-b, a, out);
  const p = out[0]!;
  out[0] = out[1]!;
  out[1] = -p;
}

export function csinh(a: number, b: number, out: Pair): void {
  out[0] = b === 0 ? Math.sinh(a) : Math.sinh(a) * Math.cos(b);
  out[1] = b === 0 ? b : Math.cosh(a) * Math.sin(b);
}

export function ccosh(a: number, b: number, out: Pair): void {
  out[0] = b === 0 ? Math.cosh(a) : Math.cosh(a) * Math.cos(b);
  out[1] = b === 0 ? b * Math.sinh(a) : Math.sinh(a) * Math.sin(b);
}

/** e^z − 1 without cancellation near 0: Re = expm1(a)·cos b − 2 sin²(b/2), Im = e^a sin b. */
export function cexpm1(a: number, b: number, out: Pair): void {
  const s = Math.sin(b / 2);
  out[0] = Math.expm1(a) * Math.cos(b) - 2 * s * s;
  out[1] = b === 0 ? b : Math.exp(a) * Math.sin(b);
}

/** log(1 + z) without cancellation near 0: Re = ½·log1p(2a + a² + b²) for small z. */
export function clog1p(a: number, b: number, out: Pair): void {
  out[0] = Math.abs(a) < 0.5 && Math.abs(b) < 0.5 ? 0.5 * Math.log1p(a * (2 + a) + b * b) : Math.log(Math.hypot(1 + a, b));
  out[1] = Math.atan2(b, 1 + a);
}

/** 1 / √z. */
export function crsqrt(a: number, b: number, out: Pair): void {
  csqrt(a, b, out);
  cdiv(1, 0, out[0]!, out[1]!, out);
}

// The inverse trigonometric functions, with the principal branches and branch cuts of C99
// and numpy (which XLA's complex asin/acos/atan follow): asin and acos are cut along the real
// axis outside [−1, 1], atan along the imaginary axis outside [−i, i]; a signed zero
// imaginary (real) part says which side of the cut a point lies on. asin and acos are
// Kahan's formulas ("Branch cuts for complex elementary functions", 1987), which need no
// logarithm of a sum that could cancel.

/** asin z = atan(x / Re(√(1−z)·√(1+z))) + i·asinh(Im(conj(√(1−z))·√(1+z))). */
export function casin(a: number, b: number, out: Pair): void {
  csqrt(1 - a, -b, out);
  const [pr, pi] = [out[0]!, out[1]!];
  csqrt(1 + a, b, out);
  const [qr, qi] = [out[0]!, out[1]!];
  out[0] = Math.atan2(a, pr * qr - pi * qi);
  out[1] = Math.asinh(pr * qi - pi * qr);
}

/** acos z = 2·atan(Re √(1−z) / Re √(1+z)) + i·asinh(Im(conj(√(1+z))·√(1−z))). */
export function cacos(a: number, b: number, out: Pair): void {
  csqrt(1 - a, -b, out);
  const [pr, pi] = [out[0]!, out[1]!];
  csqrt(1 + a, b, out);
  const [qr, qi] = [out[0]!, out[1]!];
  out[0] = 2 * Math.atan2(pr, qr);
  out[1] = Math.asinh(qr * pi - qi * pr);
}

/** atanh z = ½·log((1 + z)/(1 − z)), written as Kahan does so that neither part cancels:
 * Re = ¼·log1p(4a / ((1 − a)² + b²)) for a ≥ 0 (oddness gives a < 0),
 * Im = ½·atan2(2b, (1 − a)(1 + a) − b²). Far from the
 * origin (|z| > 1e100, where the squares would overflow) Re = a/|z|² and Im = ±π/2, the sign
 * of b (of a signed zero too) choosing the side of the cut. */
export function catanh(a: number, b: number, out: Pair): void {
  if (a < 0) {
    // atanh is odd (signed zeros included); for a < 0, 4a/d would be near −1 inside log1p
    catanh(-a, -b, out);
    out[0] = -out[0]!;
    out[1] = -out[1]!;
    return;
  }
  const h = Math.hypot(a, b);
  if (h > 1e100 && Number.isFinite(h)) {
    out[0] = a / h / h;
    out[1] = b < 0 || Object.is(b, -0) ? -Math.PI / 2 : Math.PI / 2;
    return;
  }
  const d = (1 - a) * (1 - a) + b * b;
  out[0] = 0.25 * Math.log1p((4 * a) / d);
  out[1] = 0.5 * Math.atan2(2 * b, (1 - a) * (1 + a) - b * b);
}

/** atan z = −i·atanh(iz), as C99 defines it (multiplying by ±i is exact). */
export function catan(a: number, b: number, out: Pair): void {
  catanh(-b, a, out);
  const p = out[0]!;
  out[0] = out[1]!;
  out[1] = -p;
}

/** atan2(y, x) of complex operands, as StableHLO defines it: −i·log((x + iy) / √(x² + y²)).
 * For real y and x this is the angle of the point (x, y). */
export function catan2(a: number, b: number, c: number, d: number, out: Pair): void {
  // x² + y² and its principal square root
  csqrt(c * c - d * d + (a * a - b * b), 2 * (c * d + a * b), out);
  const [sr, si] = [out[0]!, out[1]!];
  // (x + iy) / √(x² + y²), with iy = (−b, a)
  cdiv(c - b, d + a, sr, si, out);
  clog(out[0]!, out[1]!, out);
  const re = out[0]!;
  out[0] = out[1]!;
  out[1] = -re;
}
