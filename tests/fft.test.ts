// The FFT (issue 11): lax.fft's four types and np.fft against a direct float64 DFT written in
// this file (X_k = Σ_j x_j e^{−2πi jk/n}, one axis at a time), for lengths that are powers of
// two and lengths that are not; round trips, Parseval, real-input symmetry; the norm options;
// derivatives through fft/rfft/irfft chains against finite differences (orders 1 and 2, both
// modes); JAX's transpose rules; vmap against a loop and jit against eager.
import { array, type Complex, lax, type NDArray, np } from "@jaxts/core";
import { grad, jit, linearTranspose, vjp, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

type C = Complex;
const rand = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i * 0.91 + seed * 1.7) * 1.5 + Math.cos(i * i * 0.13 + seed));
const f64 = (xs: readonly number[], shape: readonly number[]): NDArray => array([...xs], { dtype: "float64" }).reshape([...shape]);
const c128 = (zs: readonly C[], shape: readonly number[]): NDArray => array([...zs], { dtype: "complex128" }).reshape([...shape]);
const randC = (n: number, seed: number): C[] => {
  const re = rand(n, seed);
  const im = rand(n, seed + 7);
  return re.map((r, i) => ({ re: r, im: im[i]! }));
};
/** The elements of a complex array as { re, im }, row-major. */
function cvals(x: NDArray): C[] {
  const d = x.toTypedArray();
  return Array.from({ length: x.size }, (_, i) => ({ re: Number(d[2 * i]), im: Number(d[2 * i + 1]) }));
}
const rvals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

/** The direct DFT of every line along `axis` of a row-major complex array of `shape`. */
function dftAxis(x: readonly C[], shape: readonly number[], axis: number, inverse: boolean): C[] {
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = x.map((z) => ({ ...z }));
  const sign = inverse ? 1 : -1;
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++)
      for (let k = 0; k < n; k++) {
        let re = 0;
        let im = 0;
        for (let j = 0; j < n; j++) {
          const z = x[o * n * inner + j * inner + i]!;
          const a = (sign * 2 * Math.PI * ((j * k) % n)) / n;
          re += z.re * Math.cos(a) - z.im * Math.sin(a);
          im += z.re * Math.sin(a) + z.im * Math.cos(a);
        }
        out[o * n * inner + k * inner + i] = inverse ? { re: re / n, im: im / n } : { re, im };
      }
  return out;
}
const dftAxes = (x: readonly C[], shape: readonly number[], axes: readonly number[], inverse = false): C[] =>
  axes.reduce((acc, a) => dftAxis(acc, shape, a, inverse), [...x]);

function expectClose(got: readonly C[], want: readonly C[], tol: number): void {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map((z) => Math.hypot(z.re, z.im)));
  got.forEach((g, i) => {
    const w = want[i]!;
    expect(Math.hypot(g.re - w.re, g.im - w.im), `element ${i}: got ${g.re}+${g.im}i, want ${w.re}+${w.im}i`).toBeLessThanOrEqual(tol * scale);
  });
}
const realC = (xs: readonly number[]): C[] => xs.map((re) => ({ re, im: 0 }));

const LENGTHS = [1, 2, 3, 5, 7, 8, 12, 16, 17, 30, 64, 100];

describe("np.fft values against a direct DFT", () => {
  it("fft and ifft of complex128 match the DFT for power-of-two and other lengths, to 1e-12 relative", () => {
    for (const n of LENGTHS) {
      const z = randC(n, n);
      expectClose(cvals(np.fft.fft(c128(z, [n]))), dftAxes(z, [n], [0]), 1e-12);
      expectClose(cvals(np.fft.ifft(c128(z, [n]))), dftAxes(z, [n], [0], true), 1e-12);
    }
  });

  it("complex64 transforms are within float32 rounding of the float64 DFT", () => {
    for (const n of [6, 16, 31]) {
      const z = randC(n, n + 1);
      const x = array(z, { dtype: "complex64" });
      expect(np.fft.fft(x).dtype).toBe("complex64");
      // the input itself is rounded to float32 first
      const z32 = cvals(x);
      expectClose(cvals(np.fft.fft(x)), dftAxes(z32, [n], [0]), 4e-7 * Math.log2(n + 1));
    }
  });

  it("rfft keeps the n//2 + 1 non-redundant outputs and irfft inverts it, for even and odd n", () => {
    for (const n of [1, 2, 5, 8, 9, 30]) {
      const x = rand(n, n + 3);
      const X = np.fft.rfft(f64(x, [n]));
      expect(X.shape).toEqual([Math.floor(n / 2) + 1]);
      expect(X.dtype).toBe("complex128");
      expectClose(cvals(X), dftAxes(realC(x), [n], [0]).slice(0, Math.floor(n / 2) + 1), 1e-12);
      const back = np.fft.irfft(X, { n });
      expect(back.dtype).toBe("float64");
      rvals(back).forEach((v, i) => expect(v).toBeCloseTo(x[i]!, 12));
    }
  });

  it("irfft ignores the imaginary parts of the DC and Nyquist terms, as numpy's", () => {
    const X = c128([{ re: 3, im: 5 }, { re: 1, im: -2 }, { re: 0.5, im: 7 }], [3]);
    const clean = c128([{ re: 3, im: 0 }, { re: 1, im: -2 }, { re: 0.5, im: 0 }], [3]);
    expect(rvals(np.fft.irfft(X))).toEqual(rvals(np.fft.irfft(clean)));
    // and its values are the inverse DFT of the Hermitian extension
    const full = [{ re: 3, im: 0 }, { re: 1, im: -2 }, { re: 0.5, im: 0 }, { re: 1, im: 2 }];
    const want = dftAxes(full, [4], [0], true).map((z) => z.re);
    rvals(np.fft.irfft(X)).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 13));
  });

  it("fft2, fftn and rfftn transform the chosen axes (any order), ifftn and irfftn invert them", () => {
    const shape = [3, 4, 5];
    const z = randC(60, 2);
    const x = c128(z, shape);
    expectClose(cvals(np.fft.fft2(x)), dftAxes(z, shape, [1, 2]), 1e-12);
    expectClose(cvals(np.fft.fftn(x)), dftAxes(z, shape, [0, 1, 2]), 1e-12);
    expectClose(cvals(np.fft.fftn(x, { axes: [2, 0] })), dftAxes(z, shape, [0, 2]), 1e-12);
    expectClose(cvals(np.fft.ifft2(x, { axes: [0, 2] })), dftAxes(z, shape, [0, 2], true), 1e-12);
    expectClose(cvals(np.fft.ifftn(np.fft.fftn(x))), z, 1e-12);
    const r = rand(60, 4);
    const xr = f64(r, shape);
    const full = dftAxes(realC(r), shape, [0, 1, 2]);
    const half = full.filter((_, i) => i % 5 < 3);
    expectClose(cvals(np.fft.rfftn(xr)), half, 1e-12);
    expect(rvals(np.fft.irfftn(np.fft.rfftn(xr), { s: shape })).map((v, i) => v - r[i]!).every((d) => Math.abs(d) < 1e-12)).toBe(true);
    expectClose(cvals(np.fft.rfft2(xr)), dftAxes(realC(r), shape, [1, 2]).filter((_, i) => i % 5 < 3), 1e-12);
    expect(rvals(np.fft.irfft2(np.fft.rfft2(xr), { s: [4, 5] })).every((v, i) => Math.abs(v - r[i]!) < 1e-12)).toBe(true);
  });

  it("four transformed axes run as JAX's groups of at most three", () => {
    const shape = [2, 3, 2, 3];
    const z = randC(36, 9);
    expectClose(cvals(np.fft.fftn(c128(z, shape))), dftAxes(z, shape, [0, 1, 2, 3]), 1e-12);
    expectClose(cvals(np.fft.ifftn(c128(z, shape))), dftAxes(z, shape, [0, 1, 2, 3], true), 1e-12);
  });

  it("n crops or zero-pads the transformed axis, along any axis", () => {
    const x = rand(6, 1);
    expectClose(cvals(np.fft.fft(f64(x, [6]), { n: 4 })), dftAxes(realC(x.slice(0, 4)), [4], [0]), 1e-12);
    expectClose(cvals(np.fft.fft(f64(x, [6]), { n: 9 })), dftAxes(realC([...x, 0, 0, 0]), [9], [0]), 1e-12);
    const m = f64(rand(12, 3), [3, 4]);
    const col = cvals(np.fft.fft(m, { axis: 0 }));
    const want = dftAxes(realC(rand(12, 3)), [3, 4], [0]);
    expectClose(col, want, 1e-12);
    expect(np.fft.irfft(np.fft.rfft(f64(x, [6])), { n: 6 }).shape).toEqual([6]);
    // s on rfftn: the last axis's output holds s//2 + 1 values
    expect(np.fft.rfftn(m, { s: [2, 6] }).shape).toEqual([2, 4]);
  });

  it("the norm options scale as numpy's: backward (1, 1/n), ortho (1/√n both), forward (1/n, 1)", () => {
    const n = 7;
    const z = randC(n, 5);
    const x = c128(z, [n]);
    const plain = dftAxes(z, [n], [0]);
    const scaled = (s: number) => plain.map((w) => ({ re: w.re * s, im: w.im * s }));
    expectClose(cvals(np.fft.fft(x, { norm: "backward" })), plain, 1e-12);
    expectClose(cvals(np.fft.fft(x, { norm: "ortho" })), scaled(1 / Math.sqrt(n)), 1e-12);
    expectClose(cvals(np.fft.fft(x, { norm: "forward" })), scaled(1 / n), 1e-12);
    for (const norm of ["backward", "ortho", "forward"] as const) {
      expectClose(cvals(np.fft.ifft(np.fft.fft(x, { norm }), { norm })), z, 1e-12);
      const r = f64(rand(8, 2), [8]);
      expect(rvals(np.fft.irfft(np.fft.rfft(r, { norm }), { norm })).every((v, i) => Math.abs(v - rand(8, 2)[i]!) < 1e-12)).toBe(true);
    }
    expect(() => np.fft.fft(x, { norm: "sideways" as never })).toThrow(/norm/);
  });

  it("Parseval: Σ|x|² = Σ|X|²/n, and a real input's spectrum is Hermitian", () => {
    for (const n of [8, 13, 30]) {
      const x = rand(n, n);
      const X = cvals(np.fft.fft(f64(x, [n])));
      const energy = x.reduce((s, v) => s + v * v, 0);
      expect(X.reduce((s, z) => s + z.re * z.re + z.im * z.im, 0) / n).toBeCloseTo(energy, 10);
      for (let k = 1; k < n; k++) {
        expect(X[k]!.re).toBeCloseTo(X[n - k]!.re, 11);
        expect(X[k]!.im).toBeCloseTo(-X[n - k]!.im, 11);
      }
    }
  });

  it("fftfreq, rfftfreq, fftshift and ifftshift as numpy's", () => {
    expect(rvals(np.fft.fftfreq(5))).toEqual([0, 0.2, 0.4, -0.4, -0.2].map(Math.fround));
    expect(rvals(np.fft.fftfreq(4, 0.5, { dtype: "float64" }))).toEqual([0, 0.5, -1, -0.5]);
    expect(rvals(np.fft.rfftfreq(6, 1, { dtype: "float64" }))).toEqual([0, 1 / 6, 2 / 6, 3 / 6]);
    expect(rvals(np.fft.rfftfreq(5, 1, { dtype: "float64" }))).toEqual([0, 0.2, 0.4]);
    expect(rvals(np.fft.fftshift(np.arange(5)))).toEqual([3, 4, 0, 1, 2]);
    expect(rvals(np.fft.ifftshift(np.arange(5)))).toEqual([2, 3, 4, 0, 1]);
    expect(rvals(np.fft.fftshift(np.arange(6).reshape([2, 3]), { axes: 1 }))).toEqual([2, 0, 1, 5, 3, 4]);
    const m = np.arange(12).reshape([3, 4]);
    expect(rvals(np.fft.ifftshift(np.fft.fftshift(m)))).toEqual(rvals(m));
  });

  it("raises on bad arguments instead of guessing", () => {
    const x = c128(randC(4, 1), [4]);
    expect(() => np.fft.fft(x, { n: 0 })).toThrow(/positive/);
    expect(() => np.fft.fftn(x, { s: [4, 4], axes: [0] })).toThrow(/different lengths/);
    expect(() => np.fft.fftn(c128(randC(8, 1), [2, 4]), { axes: [1, 1] })).toThrow(/repeated/);
    expect(() => lax.fft(x, "RFFT", [4])).toThrow(/real/);
    expect(() => lax.fft(f64([1, 2, 3], [3]), "FFT", [4])).toThrow(/fft_lengths/);
    expect(() => lax.fft(x, "SIDEWAYS" as never, [4])).toThrow(/FFT type/);
  });
});

describe("derivatives of the FFT", () => {
  const x = f64(rand(6, 2), [6]);
  const x2 = f64(rand(12, 3), [3, 4]);
  const sq = (z: NDArray): NDArray => np.sum(np.square(np.abs(z)));

  it("checkGrads through fft, rfft and irfft chains of real-valued losses (fwd and rev, orders 1 and 2)", () => {
    checkGrads((v: NDArray) => sq(np.fft.rfft(v)), [x], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.real(np.fft.fft(v)).mul(np.imag(np.fft.fft(np.sin(v))))), [x], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.fft.irfft(np.fft.rfft(v).mul(np.fft.rfft(v)), { n: 6 }).mul(v)), [x], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.fft.irfft(np.fft.rfft(np.tanh(v)), { n: 7 })), [x], { order: 2 });
    checkGrads((v: NDArray) => sq(np.fft.rfft2(v)), [x2], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.fft.irfftn(np.fft.fftn(v).mul(2), { s: [3, 6] }).mul(np.cos(np.arange(18).reshape([3, 6])))), [x2], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.abs(np.fft.ifft(v, { norm: "ortho" }))), [x], { order: 2 });
  });

  it("checkGrads of real-valued losses of complex inputs through fft and ifft", () => {
    const z = c128(randC(5, 4), [5]);
    checkGrads((v: NDArray) => sq(np.fft.fft(v)), [z], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.real(np.fft.ifft(v.mul(v)))), [z], { order: 2 });
    checkGrads((v: NDArray) => np.sum(np.fft.irfft(v)), [z], { order: 1 });
  });

  it("the transposes are JAX's: FFT and IFFT their own, RFFT's and IRFFT's with the Hermitian mask", () => {
    // FFT: the DFT matrix is symmetric, so the transpose applied to ct is FFT(ct) (no conjugation)
    const ct = c128(randC(6, 8), [6]);
    const [tf] = linearTranspose((v: NDArray) => lax.fft(v, "FFT", [6]), c128(randC(6, 1), [6]))(ct) as [NDArray];
    expectClose(cvals(tf), dftAxes(cvals(ct), [6], [0]), 1e-12);
    const [ti] = linearTranspose((v: NDArray) => lax.fft(v, "IFFT", [6]), c128(randC(6, 1), [6]))(ct) as [NDArray];
    expectClose(cvals(ti), dftAxes(cvals(ct), [6], [0], true), 1e-12);
    // RFFT: x ↦ X_k for k ≤ n/2, transposed: x_j = Re Σ_k ct_k e^{−2πi jk/n}
    for (const n of [6, 7]) {
      const m = Math.floor(n / 2) + 1;
      const c = c128(randC(m, n), [m]);
      const [tr] = linearTranspose((v: NDArray) => lax.fft(v, "RFFT", [n]), f64(rand(n, 1), [n]))(c) as [NDArray];
      const cz = cvals(c);
      const want = Array.from({ length: n }, (_, j) => cz.reduce((s, z, k) => s + z.re * Math.cos((2 * Math.PI * j * k) / n) + z.im * Math.sin((2 * Math.PI * j * k) / n), 0));
      rvals(tr).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 12));
      // IRFFT: the map C^m → R^n is x_j = (1/n) Re Σ_k w_k c_k e^{2πi jk/n} (w the mask); its
      // transpose in JAX's convention is c_k = (w_k/n) Σ_j t_j e^{2πi jk/n} = conj(w_k/n · RFFT(t)_k)
      const t = f64(rand(n, 2), [n]);
      const [tir] = linearTranspose((v: NDArray) => lax.fft(v, "IRFFT", [n]), c128(randC(m, 3), [m]))(t) as [NDArray];
      const tv = rvals(t);
      const wantC = Array.from({ length: m }, (_, k) => {
        const w = k === 0 || (n % 2 === 0 && k === m - 1) ? 1 : 2;
        let re = 0;
        let im = 0;
        tv.forEach((tj, j) => {
          re += tj * Math.cos((2 * Math.PI * j * k) / n);
          im += tj * Math.sin((2 * Math.PI * j * k) / n);
        });
        return { re: (w * re) / n, im: (w * im) / n };
      });
      expectClose(cvals(tir), wantC, 1e-12);
    }
  });

  it("grad of a real loss of rfft matches the hand-derived gradient 2·Re(conj stuff)", () => {
    // L = Σ_k |X_k|² over the half spectrum of a length-4 input: the gradient by finite differences
    const v = f64([1, -2, 0.5, 3], [4]);
    const g = rvals(grad((u: NDArray) => sq(np.fft.rfft(u)))(v) as NDArray);
    const L = (u: number[]) => {
      const X = dftAxes(realC(u), [4], [0]).slice(0, 3);
      return X.reduce((s, z) => s + z.re * z.re + z.im * z.im, 0);
    };
    const base = [1, -2, 0.5, 3];
    g.forEach((gi, i) => {
      const up = base.map((b, k) => (k === i ? b + 1e-6 : b));
      const dn = base.map((b, k) => (k === i ? b - 1e-6 : b));
      expect(gi).toBeCloseTo((L(up) - L(dn)) / 2e-6, 5);
    });
  });
});

describe("vmap and jit of the FFT", () => {
  it("vmap over any axis equals a loop over the batch", () => {
    const xs = f64(rand(24, 6), [4, 6]);
    const loop = (f: (r: NDArray) => NDArray, m: NDArray, axis: number) =>
      Array.from({ length: m.shape[axis]! }, (_, i) => cvals(f(np.take(m, array([i], { dtype: "int32" }), { axis }).reshape([m.shape[1 - axis]!])))).flat();
    const batched = cvals(vmap((r: NDArray) => np.fft.rfft(r))(xs));
    expect(batched).toEqual(loop((r) => np.fft.rfft(r), xs, 0));
    const z = c128(randC(24, 2), [6, 4]);
    const b1 = cvals(vmap((r: NDArray) => np.fft.fft(r), { inAxes: 1 })(z));
    expect(b1).toEqual(loop((r) => np.fft.fft(r), z, 1));
    const back = vmap((r: NDArray) => np.fft.irfft(r, { n: 6 }))(np.fft.rfft(xs));
    expect(rvals(back).every((v, i) => Math.abs(v - rand(24, 6)[i]!) < 1e-12)).toBe(true);
  });

  it("jit equals eager for transforms and their gradients", () => {
    const x = f64(rand(10, 3), [10]);
    const f = (v: NDArray) => np.fft.irfft(np.fft.rfft(v).mul(np.fft.rfft(np.cos(v))), { n: 10 });
    expect(rvals(jit(f)(x))).toEqual(rvals(f(x)));
    const loss = (v: NDArray) => np.sum(np.square(np.abs(np.fft.fft(v, { n: 13 }))));
    expect(rvals(jit(grad(loss))(x) as NDArray)).toEqual(rvals(grad(loss)(x) as NDArray));
    const [out, back] = vjp((v: NDArray) => np.fft.fft2(v), c128(randC(6, 1), [2, 3]));
    const [jout, jback] = vjp(jit((v: NDArray) => np.fft.fft2(v)), c128(randC(6, 1), [2, 3]));
    expect(cvals(jout as NDArray)).toEqual(cvals(out as NDArray));
    const ct = c128(randC(6, 5), [2, 3]);
    expect(cvals((jback(ct) as NDArray[])[0]!)).toEqual(cvals((back(ct) as NDArray[])[0]!));
  });
});
