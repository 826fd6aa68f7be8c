// The FFT kernel (any length: radix-2 for powers of two, Bluestein otherwise) equals the
// direct O(n²) DFT, summed in float64 with exact angles, to a few ulps times log n of the
// input's norm; the inverse undoes the forward transform.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fftPlan } from "../src/backend/js/fft.js";

function dft(re: readonly number[], im: readonly number[], inverse: boolean): [number[], number[]] {
  const n = re.length;
  const outR: number[] = [];
  const outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      // (j·k) mod n keeps the angle exact
      const a = ((inverse ? 2 : -2) * Math.PI * ((j * k) % n)) / n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      sr += re[j]! * c - im[j]! * s;
      si += re[j]! * s + im[j]! * c;
    }
    outR.push(sr);
    outI.push(si);
  }
  return [outR, outI];
}

const norm = (xs: readonly number[]) => Math.sqrt(xs.reduce((a, v) => a + v * v, 0));

describe("the FFT kernel", () => {
  it("equals the direct DFT for every length 1..70 and some large ones, forward and inverse", () => {
    const lengths = [...Array.from({ length: 70 }, (_, i) => i + 1), 97, 128, 243, 256, 1000, 1024];
    for (const n of lengths) {
      for (const inverse of [false, true]) {
        const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + n) * 3);
        const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.3 - n));
        const [wr, wi] = dft(re, im, inverse);
        const r = Float64Array.from(re);
        const s = Float64Array.from(im);
        fftPlan(n).run(r, s, inverse);
        const scale = (norm(re) + norm(im)) * Math.sqrt(n);
        const err = Math.max(...wr.map((v, k) => Math.abs(v - r[k]!)), ...wi.map((v, k) => Math.abs(v - s[k]!)));
        expect(err / scale, `n = ${n}, inverse ${inverse}`).toBeLessThan(2e-15 * Math.max(1, Math.log2(n)));
      }
    }
  });

  it("the inverse of the forward transform is n times the input (any length)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }).filter((v) => v === 0 || Math.abs(v) > 1e-200), { minLength: 1, maxLength: 300 }), (xs) => {
        const n = xs.length;
        const r = Float64Array.from(xs);
        const s = Float64Array.from(xs, (v) => v / 3);
        fftPlan(n).run(r, s, false);
        fftPlan(n).run(r, s, true);
        // each pass errs by a few ulps × log n of ‖X‖ ≤ n·max|x| (Bluestein: of its inner length)
        const bound = Math.max(4e-15 * n * Math.log2(4 * n) * Math.max(...xs.map(Math.abs)), 1e-300);
        xs.forEach((v, k) => {
          expect(Math.abs(r[k]! / n - v)).toBeLessThan(bound);
          expect(Math.abs(s[k]! / n - v / 3)).toBeLessThan(bound);
        });
      }),
      { numRuns: 100 },
    );
  });
});
