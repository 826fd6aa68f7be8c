// complex64 and complex128 (issue 11): storage, printing, creation and conversion; JAX's
// promotion lattice with complex; every complex primitive against a float64 reference written
// in this file (from polar forms and Euler's formula, not the kernels' formulas); every
// primitive without a complex kernel raising; differentiation as JAX defines it (grad of a
// real function of z is ∂f/∂x − i∂f/∂y, holomorphic: true gives f'(z)); checkGrads through
// complex functions; vmap against a loop and jit against eager.
import {
  abstractEval, abstractEvalRules, array, type Complex, complexPrims, config, DTypeError, FloatingPointError, higherOrderPrims, lax, type NDArray, np, ShapedArray,
} from "@jaxts/core";
import { grad, jacfwd, jacrev, jit, jvp, valueAndGrad, vjp, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { adam, applyUpdates, clipByGlobalNorm } from "@jaxts/optim";
import { afterEach, describe, expect, it, vi } from "vitest";

type C = Complex;
const c128 = (zs: readonly C[], shape?: readonly number[]): NDArray => {
  const a = array([...zs], { dtype: "complex128" });
  return shape === undefined ? a : a.reshape([...shape]);
};
function cvals(x: NDArray): C[] {
  const d = x.toTypedArray();
  return Array.from({ length: x.size }, (_, i) => ({ re: Number(d[2 * i]), im: Number(d[2 * i + 1]) }));
}
const rvals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const randC = (n: number, seed: number, scale = 1.5): C[] =>
  Array.from({ length: n }, (_, i) => ({ re: Math.sin(i * 0.77 + seed) * scale, im: Math.cos(i * 1.31 + 2 * seed) * scale }));

// The reference: complex numbers through their polar form and Euler's formula.
const polar = (z: C): [number, number] => [Math.sqrt(z.re * z.re + z.im * z.im), Math.atan2(z.im, z.re)];
const fromPolar = (r: number, t: number): C => ({ re: r * Math.cos(t), im: r * Math.sin(t) });
const ref = {
  add: (a: C, b: C): C => ({ re: a.re + b.re, im: a.im + b.im }),
  sub: (a: C, b: C): C => ({ re: a.re - b.re, im: a.im - b.im }),
  mul: (a: C, b: C): C => {
    const [r, t] = polar(a);
    const [s, u] = polar(b);
    return fromPolar(r * s, t + u);
  },
  div: (a: C, b: C): C => {
    const [r, t] = polar(a);
    const [s, u] = polar(b);
    return fromPolar(r / s, t - u);
  },
  exp: (z: C): C => fromPolar(Math.exp(z.re), z.im),
  log: (z: C): C => {
    const [r, t] = polar(z);
    return { re: Math.log(r), im: t };
  },
  sqrt: (z: C): C => {
    const [r, t] = polar(z);
    return fromPolar(Math.sqrt(r), t / 2);
  },
  // sin z = (e^{iz} − e^{−iz}) / 2i, cos z = (e^{iz} + e^{−iz}) / 2
  sin: (z: C): C => {
    const p = ref.exp({ re: -z.im, im: z.re });
    const m = ref.exp({ re: z.im, im: -z.re });
    const d = ref.sub(p, m);
    return { re: d.im / 2, im: -d.re / 2 };
  },
  cos: (z: C): C => {
    const s = ref.add(ref.exp({ re: -z.im, im: z.re }), ref.exp({ re: z.im, im: -z.re }));
    return { re: s.re / 2, im: s.im / 2 };
  },
  tanh: (z: C): C => {
    const e = ref.exp({ re: 2 * z.re, im: 2 * z.im });
    return ref.div(ref.sub(e, { re: 1, im: 0 }), ref.add(e, { re: 1, im: 0 }));
  },
  pow: (a: C, b: C): C => ref.exp(ref.mul(b, ref.log(a))),
};

function expectClose(got: readonly C[], want: readonly C[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    const scale = Math.max(1, Math.hypot(w.re, w.im));
    expect(Math.hypot(g.re - w.re, g.im - w.im), `element ${i}: ${g.re}${g.im >= 0 ? "+" : ""}${g.im}i vs ${w.re}${w.im >= 0 ? "+" : ""}${w.im}i`).toBeLessThanOrEqual(tol * scale);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("complex arrays: storage, printing, creation and conversion", () => {
  it("np.array takes { re, im } elements; toArray and item give them back", () => {
    const z = np.array([[{ re: 1, im: 2 }, 3], [{ re: -0.5, im: 0.25 }, { re: 0, im: -1 }]]);
    expect(z.dtype).toBe("complex64");
    expect(z.shape).toEqual([2, 2]);
    expect(z.toArray()).toEqual([
      [{ re: 1, im: 2 }, { re: 3, im: 0 }],
      [{ re: -0.5, im: 0.25 }, { re: 0, im: -1 }],
    ]);
    expect(np.array({ re: 1.5, im: -2 }, { dtype: "complex128" }).item()).toEqual({ re: 1.5, im: -2 });
    // storage: interleaved (re, im) pairs, float32 for complex64, float64 for complex128
    const t = z.toTypedArray();
    expect(t).toBeInstanceOf(Float32Array);
    expect(Array.from(t)).toEqual([1, 2, 3, 0, -0.5, 0.25, 0, -1]);
    expect(c128([{ re: 0.1, im: 0.2 }]).toTypedArray()).toEqual(new Float64Array([0.1, 0.2]));
    expect(np.array([{ re: 0.1, im: 0.2 }]).toTypedArray()).toEqual(new Float32Array([0.1, 0.2]));
  });

  it("prints as numpy: 1.+2.j inside arrays, (1+2j) for a scalar", () => {
    expect(String(np.array([{ re: 1, im: 2 }, { re: 3.5, im: -4 }]))).toBe("[1. +2.j 3.5-4.j]");
    expect(String(np.array({ re: 1, im: 2 }))).toBe("(1+2j)");
    expect(String(np.array({ re: 0, im: 2 }))).toBe("2j");
    expect(String(np.array({ re: -1.5, im: -0.5 }))).toBe("(-1.5-0.5j)");
    expect(String(np.zeros([2], "complex64"))).toBe("[0.+0.j 0.+0.j]");
    expect(String(np.array([[{ re: 1, im: 0 }], [{ re: 2, im: 1 }]]))).toBe("[[1.+0.j]\n [2.+1.j]]");
  });

  it("a complex array has no JS number value, and a complex literal does not fit a real dtype", () => {
    const z = np.array({ re: 1, im: 2 });
    expect(() => Number(z)).toThrow(DTypeError);
    expect(() => np.array([{ re: 1, im: 2 }], { dtype: "float32" })).toThrow(DTypeError);
    expect(() => np.array(z, { dtype: "float64" })).toThrow(DTypeError);
  });

  it("casts: real → complex has zero imaginary part, complex64 ↔ complex128, complex → real keeps the real part with JAX's ComplexWarning", () => {
    expect(cvals(np.array([1, -2.5]).astype("complex128"))).toEqual([
      { re: 1, im: 0 },
      { re: -2.5, im: 0 },
    ]);
    expect(cvals(np.array([1, 7], { dtype: "int32" }).astype("complex64"))).toEqual([
      { re: 1, im: 0 },
      { re: 7, im: 0 },
    ]);
    const z = c128([{ re: 0.1, im: 1e300 }]);
    expect(cvals(z.astype("complex64"))).toEqual([{ re: Math.fround(0.1), im: Number.POSITIVE_INFINITY }]);
    const warn = vi.spyOn(process, "emitWarning").mockImplementation(() => undefined);
    const w = c128([{ re: 2.75, im: 9 }, { re: 300, im: -1 }], [2]);
    expect(rvals(w.astype("float32"))).toEqual([2.75, 300]);
    expect(rvals(w.astype("uint8"))).toEqual([2, 255]);
    expect(warn).toHaveBeenCalled();
    expect(String(warn.mock.calls[0]![0])).toMatch(/discards the imaginary part/);
    expect(warn.mock.calls[0]![1]).toBe("ComplexWarning");
  });

  it("finfo of a complex dtype is its parts'; canCast follows numpy's kinds", () => {
    expect(np.finfo("complex64").eps).toBe(np.finfo("float32").eps);
    expect(np.finfo("complex128").bits).toBe(64);
    expect(np.canCast("float32", "complex64")).toBe(true);
    expect(np.canCast("float64", "complex64")).toBe(false);
    expect(np.canCast("complex64", "float64")).toBe(false);
    expect(np.canCast("complex64", "complex128")).toBe(true);
    expect(np.canCast("complex128", "float32", "same_kind")).toBe(false);
    expect(np.canCast("float64", "complex64", "same_kind")).toBe(true);
    expect(np.canCast("int16", "complex64")).toBe(true);
  });
});

describe("promotion with complex dtypes follows JAX's lattice", () => {
  const cases: [string, string, string][] = [
    ["float32", "complex64", "complex64"],
    ["float64", "complex64", "complex128"],
    ["float16", "complex64", "complex64"],
    ["bfloat16", "complex128", "complex128"],
    ["int32", "complex64", "complex64"],
    ["uint8", "complex64", "complex64"],
    ["uint32", "complex128", "complex128"],
    ["bool", "complex64", "complex64"],
    ["complex64", "complex128", "complex128"],
    ["complex64", "complex64", "complex64"],
  ];
  it.each(cases)("promoteTypes(%s, %s) = %s", (a, b, want) => {
    expect(np.promoteTypes(a as never, b as never)).toBe(want);
    expect(np.promoteTypes(b as never, a as never)).toBe(want);
  });

  it("a JS number (weak float) takes a complex array's dtype; a weak complex takes a float's precision", () => {
    const z = np.array([{ re: 1, im: 1 }]);
    expect(np.add(z, 2.5).dtype).toBe("complex64");
    expect(np.multiply(c128([{ re: 1, im: 1 }]), 3).dtype).toBe("complex128");
    // lax.complex of two JS numbers is a weak complex (JS has no complex literal: this is
    // how one arises), which meets float32 as complex64 and float64 as complex128
    const w = lax.complex(1.5, 2);
    expect(w.weakType).toBe(true);
    expect(np.add(w, np.array([1], { dtype: "float32" })).dtype).toBe("complex64");
    expect(np.add(w, np.array([1], { dtype: "float64" })).dtype).toBe("complex128");
    expect(np.add(w, np.array([1], { dtype: "int32" })).dtype).toBe(w.dtype);
    expect(np.resultType(z, 1).dtype).toBe("complex64");
  });
});

describe("complex primitives against the float64 reference", () => {
  const a = randC(24, 1);
  const b = randC(24, 2, 1.2);
  const A = c128(a, [4, 6]);
  const B = c128(b, [4, 6]);

  it("add, sub, mul, div, pow", () => {
    expectClose(cvals(np.add(A, B)), a.map((z, i) => ref.add(z, b[i]!)), 1e-15);
    expectClose(cvals(np.subtract(A, B)), a.map((z, i) => ref.sub(z, b[i]!)), 1e-15);
    expectClose(cvals(np.multiply(A, B)), a.map((z, i) => ref.mul(z, b[i]!)), 1e-14);
    expectClose(cvals(np.divide(A, B)), a.map((z, i) => ref.div(z, b[i]!)), 1e-14);
    expectClose(cvals(np.power(A, B)), a.map((z, i) => ref.pow(z, b[i]!)), 1e-13);
    // a scalar operand broadcasts
    expectClose(cvals(lax.mul(A, c128([b[0]!]).reshape([]))), a.map((z) => ref.mul(z, b[0]!)), 1e-14);
  });

  it("exp, log, sin, cos, tanh, sqrt", () => {
    for (const [name, f, r] of [
      ["exp", np.exp, ref.exp],
      ["log", np.log, ref.log],
      ["sin", np.sin, ref.sin],
      ["cos", np.cos, ref.cos],
      ["tanh", np.tanh, ref.tanh],
      ["sqrt", np.sqrt, ref.sqrt],
    ] as const) {
      const got = cvals(f(A));
      expect(f(A).dtype, name).toBe("complex128");
      expectClose(got, a.map(r), 1e-13);
    }
    const one: C = { re: 1, im: 0 };
    const sinh = (z: C): C => {
      const d = ref.sub(ref.exp(z), ref.exp({ re: -z.re, im: -z.im }));
      return { re: d.re / 2, im: d.im / 2 };
    };
    const cosh = (z: C): C => {
      const d = ref.add(ref.exp(z), ref.exp({ re: -z.re, im: -z.im }));
      return { re: d.re / 2, im: d.im / 2 };
    };
    for (const [name, f, r] of [
      ["tan", np.tan, (z: C) => ref.div(ref.sin(z), ref.cos(z))],
      ["sinh", np.sinh, sinh],
      ["cosh", np.cosh, cosh],
      ["expm1", np.expm1, (z: C) => ref.sub(ref.exp(z), one)],
      ["log1p", np.log1p, (z: C) => ref.log(ref.add(z, one))],
      ["rsqrt", lax.rsqrt, (z: C) => ref.div(one, ref.sqrt(z))],
    ] as const) {
      expect(f(A).dtype, name).toBe("complex128");
      expectClose(cvals(f(A)), a.map(r), 1e-13);
    }
    // expm1 and log1p keep their accuracy near 0, where e^z − 1 and log(1 + z) cancel
    const tiny = c128([{ re: 1e-10, im: 2e-10 }]);
    expectClose(cvals(np.expm1(tiny)), [{ re: 1e-10 - 2e-20 + 0.5e-20, im: 2e-10 + 2e-20 }], 1e-9);
    expect(cvals(np.expm1(tiny))[0]!.re / 1e-10).toBeCloseTo(1, 9);
    expect(cvals(np.log1p(tiny))[0]!.im / 2e-10).toBeCloseTo(1, 9);
    // complex64 within float32 rounding
    const a32 = np.array(a, { dtype: "complex64" });
    expectClose(cvals(np.exp(a32)), cvals(a32).map(ref.exp), 3e-7);
  });

  it("branch cuts and special values as numpy: sqrt(−4) = 2i, log(−1) = πi, exp(x + 0i) is real, tanh of large real parts", () => {
    expect(cvals(np.sqrt(c128([{ re: -4, im: 0 }, { re: -4, im: -0 }])))).toEqual([
      { re: 0, im: 2 },
      { re: 0, im: -2 },
    ]);
    expect(cvals(np.log(c128([{ re: -1, im: 0 }])))).toEqual([{ re: 0, im: Math.PI }]);
    expect(cvals(np.exp(c128([{ re: Number.POSITIVE_INFINITY, im: 0 }])))).toEqual([{ re: Number.POSITIVE_INFINITY, im: 0 }]);
    const t = cvals(np.tanh(c128([{ re: 400, im: 1 }, { re: -400, im: 1 }])));
    expect(t.map((z) => z.re)).toEqual([1, -1]);
    expect(t.every((z) => Number.isFinite(z.im))).toBe(true);
  });

  it("abs, angle, sign, real, imag, conj, complex, square, integer powers, eq and ne", () => {
    expect(rvals(np.abs(A))).toEqual(a.map((z) => Math.hypot(z.re, z.im)));
    expect(np.abs(A).dtype).toBe("float64");
    expect(np.abs(np.array(a)).dtype).toBe("float32");
    expect(rvals(np.angle(A))).toEqual(a.map((z) => Math.atan2(z.im, z.re)));
    expect(rvals(np.angle(A, { deg: true }))).toEqual(a.map((z) => Math.atan2(z.im, z.re) * (180 / Math.PI)));
    expect(rvals(np.angle(np.array([-2, 3])))).toEqual([Math.fround(Math.PI), 0]);
    expectClose(cvals(np.sign(A)), a.map((z) => fromPolar(1, Math.atan2(z.im, z.re))), 1e-15);
    expect(cvals(np.sign(c128([{ re: 0, im: 0 }])))).toEqual([{ re: 0, im: 0 }]);
    expect(rvals(np.real(A))).toEqual(a.map((z) => z.re));
    expect(rvals(np.imag(A))).toEqual(a.map((z) => z.im));
    expect(cvals(np.conj(A))).toEqual(a.map((z) => ({ re: z.re, im: -z.im })));
    expect(rvals(np.real(np.array([1, 2])))).toEqual([1, 2]);
    expect(rvals(np.imag(np.array([1, 2])))).toEqual([0, 0]);
    expect(cvals(lax.complex(np.real(A), np.imag(A)))).toEqual(a);
    expectClose(cvals(np.square(A)), a.map((z) => ref.mul(z, z)), 1e-14);
    expectClose(cvals(np.power(A, 3)), a.map((z) => ref.mul(z, ref.mul(z, z))), 1e-14);
    expectClose(cvals(np.power(A, -2)), a.map((z) => ref.div({ re: 1, im: 0 }, ref.mul(z, z))), 1e-13);
    const x = c128([{ re: 1, im: 2 }, { re: 1, im: 3 }, { re: Number.NaN, im: 0 }]);
    const y = c128([{ re: 1, im: 2 }, { re: 1, im: 2 }, { re: Number.NaN, im: 0 }]);
    expect(rvals(np.equal(x, y))).toEqual([1, 0, 0]);
    expect(rvals(np.notEqual(x, y))).toEqual([0, 1, 1]);
    expect(rvals(np.isnan(x))).toEqual([0, 0, 1]);
    expect(rvals(np.isfinite(c128([{ re: 1, im: Number.POSITIVE_INFINITY }, { re: 1, im: 2 }])))).toEqual([0, 1]);
    expect(cvals(np.nanToNum(c128([{ re: Number.NaN, im: 2 }, { re: 1, im: Number.NaN }])))).toEqual([
      { re: 0, im: 2 },
      { re: 1, im: 0 },
    ]);
  });

  it("interp interpolates complex fp part by part and refuses complex x, as JAX", () => {
    const fp = c128([{ re: 0, im: 2 }, { re: 4, im: -2 }]);
    const xp = np.array([0, 2], { dtype: "float64" });
    expect(cvals(np.interp(np.array([1, 3], { dtype: "float64" }), xp, fp, { right: 7 }))).toEqual([
      { re: 2, im: 0 },
      { re: 7, im: 0 },
    ]);
    expect(() => np.interp(c128([{ re: 1, im: 1 }]), xp, np.array([0, 1], { dtype: "float64" }))).toThrow(DTypeError);
  });

  it("vdot conjugates its first argument and correlate its second, as numpy and JAX", () => {
    const x = c128([{ re: 1, im: 2 }, { re: 3, im: -1 }, { re: 0, im: 1 }]);
    const v = c128([{ re: 0, im: 1 }, { re: 2, im: 0 }]);
    expect(cvals(np.vdot(x, x))).toEqual([{ re: 16, im: 0 }]);
    expect(cvals(np.dot(x, x))).toEqual([{ re: 4, im: -2 }]);
    // c_k = Σ_n x[n + k]·conj(v[n])
    expect(cvals(np.correlate(x, v))).toEqual([{ re: 8, im: -3 }, { re: -1, im: -1 }]);
    expect(cvals(np.correlate(v, x))).toEqual([{ re: -1, im: 1 }, { re: 8, im: 3 }]);
    expect(cvals(np.convolve(x, v))).toEqual([{ re: -2, im: 1 }, { re: 3, im: 7 }, { re: 5, im: -2 }, { re: 0, im: 2 }]);
  });

  it("matmul / dot_general, sum, prod, mean, var and cumsum", () => {
    const M = c128(a.slice(0, 6), [2, 3]);
    const N = c128(b.slice(0, 12), [3, 4]);
    const want: C[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) {
        let s: C = { re: 0, im: 0 };
        for (let k = 0; k < 3; k++) s = ref.add(s, ref.mul(a[i * 3 + k]!, b[k * 4 + j]!));
        want.push(s);
      }
    expectClose(cvals(np.matmul(M, N)), want, 1e-14);
    // batched, through dot_general's batch dimensions
    const Mb = c128(a, [2, 3, 4]);
    const Nb = c128(b, [2, 4, 3]);
    const bat = cvals(lax.dotGeneral(Mb, Nb, [[[2], [1]], [[0], [0]]]));
    const wantB: C[] = [];
    for (let t = 0; t < 2; t++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) {
          let s: C = { re: 0, im: 0 };
          for (let k = 0; k < 4; k++) s = ref.add(s, ref.mul(a[t * 12 + i * 4 + k]!, b[t * 12 + k * 3 + j]!));
          wantB.push(s);
        }
    expectClose(bat, wantB, 1e-14);
    const rows = (f: (zs: C[]) => C) => [0, 1, 2, 3].map((r) => f(a.slice(r * 6, r * 6 + 6)));
    expectClose(cvals(np.sum(A, { axis: 1 })), rows((zs) => zs.reduce(ref.add)), 1e-14);
    expectClose(cvals(np.prod(A, { axis: 1 })), rows((zs) => zs.reduce(ref.mul)), 1e-13);
    expectClose(cvals(np.prod(A, { axis: 0 })), [0, 1, 2, 3, 4, 5].map((c) => [0, 1, 2, 3].map((r) => a[r * 6 + c]!).reduce(ref.mul)), 1e-13);
    expectClose(cvals(np.mean(A)), [a.reduce(ref.add)].map((s) => ({ re: s.re / 24, im: s.im / 24 })), 1e-14);
    const m = a.reduce(ref.add);
    const variance = a.reduce((s, z) => s + (z.re - m.re / 24) ** 2 + (z.im - m.im / 24) ** 2, 0) / 24;
    expect(np.var(A).dtype).toBe("float64");
    expect(np.var(A).item()).toBeCloseTo(variance, 13);
    expectClose(cvals(np.cumsum(c128(a.slice(0, 4)))), [a[0]!, ref.add(a[0]!, a[1]!), ref.add(ref.add(a[0]!, a[1]!), a[2]!), a.slice(0, 4).reduce(ref.add)], 1e-14);
  });

  it("shape operations move both parts: reshape, transpose, broadcast, slice, concatenate, take, where, pad, flip, scatter", () => {
    const at = (i: number, j: number) => a[i * 6 + j]!;
    expect(cvals(A.reshape([6, 4]))).toEqual(a);
    expect(cvals(A.T)).toEqual([0, 1, 2, 3, 4, 5].flatMap((j) => [0, 1, 2, 3].map((i) => at(i, j))));
    expect(cvals(np.broadcastTo(c128(a.slice(0, 3)), [2, 3]))).toEqual([...a.slice(0, 3), ...a.slice(0, 3)]);
    expect(cvals(lax.slice(A, [1, 2], [3, 6], [1, 2]))).toEqual([at(1, 2), at(1, 4), at(2, 2), at(2, 4)]);
    expect(cvals(np.concatenate([c128(a.slice(0, 2)), c128(b.slice(0, 1))]))).toEqual([a[0], a[1], b[0]]);
    expect(cvals(np.take(A, array([3, 0], { dtype: "int32" }), { axis: 0 }))).toEqual([...a.slice(18, 24), ...a.slice(0, 6)]);
    const pick = np.array([true, false, true]);
    expect(cvals(np.where(pick, c128(a.slice(0, 3)), c128(b.slice(0, 3))))).toEqual([a[0], b[1], a[2]]);
    expect(cvals(np.pad(c128(a.slice(0, 2)), [[1, 1]]))).toEqual([{ re: 0, im: 0 }, a[0], a[1], { re: 0, im: 0 }]);
    expect(cvals(np.flip(c128(a.slice(0, 3))))).toEqual([a[2], a[1], a[0]]);
    const sc = lax.scatterAdd(c128(a.slice(0, 3)), array([0, 0, 2], { dtype: "int32" }), c128(b.slice(0, 3)));
    expectClose(cvals(sc), [ref.add(ref.add(a[0]!, b[0]!), b[1]!), a[1]!, ref.add(a[2]!, b[2]!)], 1e-15);
    expect(cvals(np.squeeze(np.expandDims(c128(a.slice(0, 2)), 0)))).toEqual(a.slice(0, 2));
  });
});

describe("a primitive without a complex kernel raises a DTypeError naming it and the dtype", () => {
  const z = new ShapedArray([3], "complex64");
  const supported = new Set<string>(complexPrims);
  const unsupported = Object.keys(abstractEvalRules).filter((p) => !supported.has(p) && !(higherOrderPrims as readonly string[]).includes(p));

  it("the list of refused primitives is the complement of complexPrims", () => {
    expect(unsupported.length).toBeGreaterThan(20);
    expect(unsupported).toContain("argmax");
    expect(unsupported).toContain("lt");
  });

  it.each(unsupported)("%s refuses complex64 operands", (prim) => {
    const avals = [z, z, z, z];
    expect(() => abstractEval(prim as never, avals, {} as never)).toThrow(new RegExp(`${prim}: not supported for complex.*complex64`));
  });

  it("through the public functions, too (no silent real part)", () => {
    const x = np.array([{ re: 1, im: 2 }, { re: -1, im: 0 }]);
    for (const f of [
      () => np.floor(x), () => lax.lt(x, x), () => np.argmax(x), () => lax.erf(x), () => np.median(x),
      () => lax.iota("complex64", [3]), () => np.clip(x, 0, 1), () => np.round(x),
      () => lax.fft(x, "RFFT", [2]), () => np.histogram(x), () => np.nanmean(x), () => np.array([1, 2], { dtype: "float32" }).view("complex64"),
      () => x.view("float32"), () => np.signbit(x),
    ]) {
      expect(f).toThrow(DTypeError);
    }
  });
});

describe("differentiation as JAX defines it for complex numbers", () => {
  const z0 = c128([{ re: 3, im: 4 }]).reshape([]);

  it("grad of a real function of z is ∂f/∂x − i·∂f/∂y: grad(|z|²) = 2·conj(z)", () => {
    const viaParts = (z: NDArray) => np.add(np.square(np.real(z)), np.square(np.imag(z)));
    expect(cvals(grad(viaParts)(z0) as NDArray)).toEqual([{ re: 6, im: -8 }]);
    expect(cvals(grad((z: NDArray) => np.square(np.abs(z)))(z0) as NDArray)).toEqual([{ re: 6, im: -8 }]);
    expect(cvals(grad((z: NDArray) => np.real(z.mul(np.conj(z))))(z0) as NDArray)).toEqual([{ re: 6, im: -8 }]);
    // the imaginary part alone: f = y, so ∂f/∂x − i∂f/∂y = −i
    expect(cvals(grad((z: NDArray) => np.imag(z))(z0) as NDArray)).toEqual([{ re: 0, im: -1 }]);
    // abs is differentiable away from 0: grad |z| = conj(z)/|z|
    expectClose(cvals(grad((z: NDArray) => np.abs(z))(z0) as NDArray), [{ re: 0.6, im: -0.8 }], 1e-15);
    expect(cvals(grad((z: NDArray) => np.abs(z))(c128([{ re: 0, im: 0 }]).reshape([])) as NDArray)).toEqual([{ re: 0, im: 0 }]);
  });

  it("grad of a complex output raises as JAX's does, unless holomorphic: true, which gives f'(z)", () => {
    expect(() => grad((z: NDArray) => z.mul(z))(z0)).toThrow(/requires real-valued outputs.*holomorphic/);
    expectClose(cvals(grad((z: NDArray) => z.mul(z).mul(z), { holomorphic: true })(z0) as NDArray), [ref.mul({ re: 3, im: 0 }, ref.mul({ re: 3, im: 4 }, { re: 3, im: 4 }))], 1e-13);
    expectClose(cvals(grad((z: NDArray) => np.exp(z), { holomorphic: true })(z0) as NDArray), [ref.exp({ re: 3, im: 4 })], 1e-14);
    expectClose(cvals(grad((z: NDArray) => np.log(z), { holomorphic: true })(z0) as NDArray), [ref.div({ re: 1, im: 0 }, { re: 3, im: 4 })], 1e-15);
    expectClose(cvals(grad((z: NDArray) => np.sin(z), { holomorphic: true })(z0) as NDArray), [ref.cos({ re: 3, im: 4 })], 1e-13);
    expect(() => grad((x: NDArray) => x.mul(x), { holomorphic: true })(np.array(2.0))).toThrow(/holomorphic: true requires inputs with complex dtype/);
    expect(() => grad((z: NDArray) => np.abs(z), { holomorphic: true })(z0)).toThrow(/holomorphic: true requires outputs with complex dtype/);
    const [v, g] = valueAndGrad((z: NDArray) => z.mul(z), { holomorphic: true })(z0);
    expect(cvals(v)).toEqual([{ re: -7, im: 24 }]);
    expect(cvals(g as NDArray)).toEqual([{ re: 6, im: 8 }]);
  });

  it("jvp of a holomorphic function multiplies the tangent by f'(z); vjp is the transpose (no conjugation)", () => {
    const t = c128([{ re: 0.5, im: -1 }]).reshape([]);
    const [, tOut] = jvp((z: NDArray) => z.mul(z), [z0], [t]);
    expectClose(cvals(tOut as NDArray), [ref.mul({ re: 6, im: 8 }, { re: 0.5, im: -1 })], 1e-15);
    const [, back] = vjp((z: NDArray) => z.mul(z), z0);
    expectClose(cvals((back(t) as NDArray[])[0]!), [ref.mul({ re: 6, im: 8 }, { re: 0.5, im: -1 })], 1e-15);
    // a real parameter into a complex value and back: x ↦ |x·(1+2i)|² has derivative 2x·5
    expect(grad((x: NDArray) => np.square(np.abs(lax.complex(x, x.mul(2)))))(np.array(1.5, { dtype: "float64" })).item()).toBeCloseTo(15, 13);
  });

  it("checkGrads (fwd and rev, orders 1 and 2) through real-valued functions of complex inputs", () => {
    const z = c128(randC(4, 3, 0.8), [4]);
    const w = c128(randC(4, 5, 0.8), [4]);
    checkGrads((u: NDArray) => np.sum(np.abs(np.exp(u).mul(u))), [z], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.real(np.sin(u).mul(np.cos(np.conj(u))))), [z], { order: 2 });
    checkGrads((u: NDArray, v: NDArray) => np.sum(np.imag(np.divide(np.tanh(u), v.add(3)))), [z, w], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.real(np.sqrt(u.add(4)).mul(np.log(u.add(5))))), [z], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.angle(u.add(2))), [z], { order: 2 });
    checkGrads((u: NDArray) => np.real(np.sum(np.power(u.add(2), c128([{ re: 0.5, im: 0.25 }]).reshape([]))).add(np.prod(u))), [z], { order: 2 });
    checkGrads((u: NDArray) => np.real(np.sum(np.matmul(u.reshape([2, 2]), np.conj(u).reshape([2, 2])))), [z], { order: 2 });
    // a real input through complex intermediates
    checkGrads((x: NDArray) => np.sum(np.abs(lax.complex(np.sin(x), x.mul(x)).mul(c128([{ re: 1, im: -2 }]).reshape([])))), [np.array([0.3, -1.2, 2], { dtype: "float64" })], { order: 2 });
  });
});

describe("vmap and jit of complex functions", () => {
  const zs = c128(randC(12, 7), [3, 4]);
  const f = (z: NDArray) => np.sum(np.exp(z).mul(np.conj(z)).add(np.abs(z)));

  it("vmap equals a loop over the batch", () => {
    const batched = cvals(vmap(f)(zs));
    const loop = [0, 1, 2].map((i) => cvals(f(lax.squeeze(lax.slice(zs, [i, 0], [i + 1, 4]), [0])))[0]!);
    expect(batched).toEqual(loop);
    const g = (z: NDArray, x: NDArray) => lax.complex(x, np.real(z)).mul(z);
    const xs = np.array([1, 2, 3, 4], { dtype: "float64" });
    const b2 = cvals(vmap(g, { inAxes: [0, null] })(zs, xs));
    expect(b2).toEqual([0, 1, 2].flatMap((i) => cvals(g(lax.squeeze(lax.slice(zs, [i, 0], [i + 1, 4]), [0]), xs))));
  });

  it("jit equals eager (complex equations run on the interpreter's js kernels)", () => {
    expect(cvals(jit(f)(c128(randC(4, 1)))) ).toEqual(cvals(f(c128(randC(4, 1)))));
    const loss = (z: NDArray) => np.real(f(z));
    expect(cvals(jit(grad(loss))(zs) as NDArray)).toEqual(cvals(grad(loss)(zs) as NDArray));
    const mixed = (x: NDArray) => np.sum(np.abs(lax.complex(x, x.mul(2))).mul(x));
    const x = np.array([0.5, 1.5, -2], { dtype: "float32" });
    expect(rvals(jit(mixed)(x))).toEqual(rvals(mixed(x)));
  });
});

describe("Jacobians of complex functions", () => {
  const z = c128([{ re: 1, im: 2 }, { re: -0.5, im: 1 }]);
  it("holomorphic: true gives the complex Jacobian diag(f'(z)) by both modes", () => {
    const f = (u: NDArray) => u.mul(u);
    const want = [ref.mul({ re: 2, im: 0 }, { re: 1, im: 2 }), { re: 0, im: 0 }, { re: 0, im: 0 }, ref.mul({ re: 2, im: 0 }, { re: -0.5, im: 1 })];
    expectClose(cvals(jacfwd(f, { holomorphic: true })(z) as NDArray), want, 1e-15);
    expectClose(cvals(jacrev(f, { holomorphic: true })(z) as NDArray), want, 1e-15);
  });
  it("without it, jacfwd refuses complex inputs and jacrev complex outputs, as JAX's", () => {
    expect(() => jacfwd((u: NDArray) => np.abs(u))(z)).toThrow(/jacfwd requires real-valued inputs/);
    expect(() => jacrev((u: NDArray) => u.mul(u))(z)).toThrow(/jacrev requires real-valued outputs/);
    expect(() => jacrev((u: NDArray) => np.abs(u), { holomorphic: true })(z)).toThrow(/requires outputs with complex dtype/);
    // jacrev of a real function of complex inputs is grad's convention, row by row
    expectClose(cvals(jacrev((u: NDArray) => np.square(np.abs(u)))(z) as NDArray), [{ re: 2, im: -4 }, { re: 0, im: 0 }, { re: 0, im: 0 }, { re: -1, im: -2 }], 1e-15);
  });
});

describe("creation functions, control flow and debugNans with complex dtypes", () => {
  it("eye, arange, linspace, zeros, ones and full give complex values with zero imaginary parts", () => {
    expect(np.eye(2, 2, { dtype: "complex64" }).toArray()).toEqual([
      [{ re: 1, im: 0 }, { re: 0, im: 0 }],
      [{ re: 0, im: 0 }, { re: 1, im: 0 }],
    ]);
    expect(cvals(np.arange(0, 3, 1, "complex128"))).toEqual([0, 1, 2].map((re) => ({ re, im: 0 })));
    expect(cvals(np.linspace(0, 1, 3, { dtype: "complex64" }))).toEqual([0, 0.5, 1].map((re) => ({ re, im: 0 })));
    expect(cvals(np.ones([2], "complex64"))).toEqual([{ re: 1, im: 0 }, { re: 1, im: 0 }]);
    expect(cvals(np.full([2], 2.5, "complex128"))).toEqual([{ re: 2.5, im: 0 }, { re: 2.5, im: 0 }]);
    expect(cvals(np.geomspace(1, 100, 3, { dtype: "complex128" }))).toEqual([1, 10, 100].map((re) => ({ re, im: 0 })));
  });

  it("scan carries and stacks complex values; cond and whileLoop pass them through", () => {
    const zs = c128(randC(5, 3), [5]);
    const [total, partial] = lax.scan((c: NDArray, z: NDArray) => {
      const n = c.mul(z);
      return [n, n];
    }, c128([{ re: 1, im: 0 }]).reshape([]), zs) as [NDArray, NDArray];
    const want: C[] = [];
    randC(5, 3).reduce((acc, z) => {
      const n = ref.mul(acc, z);
      want.push(n);
      return n;
    }, { re: 1, im: 0 } as C);
    expectClose(cvals(partial), want, 1e-14);
    expectClose(cvals(total), [want[4]!], 1e-14);
    const picked = lax.cond(np.array(true), (z: NDArray) => np.conj(z), (z: NDArray) => z, zs) as NDArray;
    expect(cvals(picked)).toEqual(randC(5, 3).map((z) => ({ re: z.re, im: -z.im })));
    const grown = lax.whileLoop((z: NDArray) => np.abs(z).lt(10), (z: NDArray) => z.mul(2), c128([{ re: 1, im: 1 }]).reshape([])) as NDArray;
    expect(cvals(grown)).toEqual([{ re: 8, im: 8 }]);
  });
});

describe("debugNans sees complex results", () => {
  afterEach(() => config.set({ debugNans: false }));
  it("a NaN in either part of a complex result raises", () => {
    config.set({ debugNans: true });
    const zero = c128([{ re: 0, im: 0 }]);
    expect(() => np.divide(zero, zero)).toThrow(FloatingPointError);
    expect(() => np.multiply(c128([{ re: 1, im: Number.NaN }]), 1)).toThrow(FloatingPointError);
    expect(cvals(np.add(c128([{ re: 1, im: 2 }]), 1))).toEqual([{ re: 2, im: 2 }]);
  });
});

describe("np.roots", () => {
  const f64 = (xs: number[]) => np.array(xs, { dtype: "float64" });
  /** Compare root sets: each wanted root matched to the nearest unused found one. */
  function expectSameRoots(got: readonly C[], want: readonly C[], tol: number): void {
    expect(got.length).toBe(want.length);
    const left = [...got];
    for (const w of want) {
      let best = -1;
      let dist = Number.POSITIVE_INFINITY;
      left.forEach((g, i) => {
        const d = Math.hypot(g.re - w.re, g.im - w.im);
        if (d < dist) [best, dist] = [i, d];
      });
      expect(dist, `root ${w.re}+${w.im}i`).toBeLessThanOrEqual(tol * Math.max(1, Math.hypot(w.re, w.im)));
      left.splice(best, 1);
    }
  }

  it("finds real, complex and repeated-free roots of polynomials with known zeros", () => {
    expect(np.roots(f64([1, -6, 11, -6])).dtype).toBe("complex128");
    expect(np.roots(np.array([1, 0, 1])).dtype).toBe("complex64");
    expectSameRoots(cvals(np.roots(f64([1, -6, 11, -6]))), [1, 2, 3].map((re) => ({ re, im: 0 })), 1e-13);
    expectSameRoots(cvals(np.roots(f64([1, 0, 1]))), [{ re: 0, im: 1 }, { re: 0, im: -1 }], 1e-14);
    // x^5 − 1: the fifth roots of unity
    expectSameRoots(cvals(np.roots(f64([1, 0, 0, 0, 0, -1]))), [0, 1, 2, 3, 4].map((k) => fromPolar(1, (2 * Math.PI * k) / 5)), 1e-13);
    // complex coefficients: (x − i)(x − 2 − i) = x² − (2 + 2i)x + (−1 + 2i)
    expectSameRoots(cvals(np.roots(c128([{ re: 1, im: 0 }, { re: -2, im: -2 }, { re: -1, im: 2 }]))), [{ re: 0, im: 1 }, { re: 2, im: 1 }], 1e-13);
    // poly(roots(p)) rebuilds p (monic), for random polynomials up to degree 12
    for (const n of [2, 5, 8, 12]) {
      const p = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? 1 : Math.sin(i * 1.7 + n)));
      const back = cvals(np.poly(np.roots(f64(p))));
      back.forEach((z, i) => {
        expect(z.re, `degree ${n}, coefficient ${i}`).toBeCloseTo(p[i]!, 9);
        expect(Math.abs(z.im)).toBeLessThan(1e-9);
      });
    }
  });

  it("strips leading zeros (trailing zeros give exact zero roots); stripZeros: false gives JAX's NaN roots and jits", () => {
    expectSameRoots(cvals(np.roots(f64([0, 0, 1, 0, -4]))), [{ re: 2, im: 0 }, { re: -2, im: 0 }], 1e-14);
    const withZero = cvals(np.roots(f64([1, -1, 0])));
    expect(withZero).toContainEqual({ re: 0, im: 0 });
    expectSameRoots(withZero, [{ re: 0, im: 0 }, { re: 1, im: 0 }], 1e-14);
    expect(np.roots(f64([0, 0])).shape).toEqual([0]);
    expect(np.roots(f64([5])).shape).toEqual([0]);
    const kept = cvals(np.roots(f64([0, 1, -3, 2]), { stripZeros: false }));
    expectSameRoots(kept.slice(0, 2), [{ re: 1, im: 0 }, { re: 2, im: 0 }], 1e-13);
    expect(Number.isNaN(kept[2]!.re) && Number.isNaN(kept[2]!.im)).toBe(true);
    const p = f64([2, -3, -11, 6]);
    const r = (q: NDArray) => np.roots(q, { stripZeros: false });
    expect(cvals(jit(r)(p))).toEqual(cvals(r(p)));
    expect(() => jit((q: NDArray) => np.roots(q))(p)).toThrow(/stripZeros/);
  });

  it("vmap equals a loop, and the derivative is the implicit one, dr = −dp(r)/p′(r) (checkGrads, orders 1 and 2)", () => {
    const ps = f64([1, -6, 11, -6, 2, 1, -5, 3]).reshape([2, 4]);
    const r = (q: NDArray) => np.roots(q, { stripZeros: false });
    const loop = [0, 1].flatMap((i) => cvals(r(lax.squeeze(lax.slice(ps, [i, 0], [i + 1, 4]), [0]))));
    expect(cvals(vmap(r)(ps))).toEqual(loop);
    // Σ r = −p1/p0: its gradient is (p1/p0², −1/p0, 0, 0)
    const g = grad((q: NDArray) => np.sum(np.real(np.roots(q))))(f64([2, -3, -11, 6])) as NDArray;
    rvals(g).forEach((v, i) => expect(v).toBeCloseTo([-3 / 4, -1 / 2, 0, 0][i]!, 12));
    checkGrads((q: NDArray) => np.sum(np.abs(np.roots(q)).mul(np.arange(3))), [f64([1, 0.5, 2, -1])], { order: 2 });
    checkGrads((q: NDArray) => np.sum(np.real(np.roots(q).mul(np.roots(q)))), [f64([1, -6, 11, -6])], { order: 2 });
  });
});

describe("optimizers on complex parameters", () => {
  it("Adam's second moment is |g|² (real), as Optax's, and descent on conj(grad) converges", () => {
    const target = np.array([{ re: 1, im: 2 }, { re: -0.5, im: 0.25 }]);
    const loss = (p: { z: NDArray }) => np.sum(np.real(np.multiply(np.subtract(p.z, target), np.conj(np.subtract(p.z, target)))));
    let params = { z: np.array([{ re: 0, im: 0 }, { re: 0, im: 0 }]) };
    const opt = adam(0.1);
    let state = opt.init(params);
    for (let i = 0; i < 300; i++) {
      // JAX's grad of a real function of z is ∂f/∂x − i∂f/∂y: descend along its conjugate
      const g = grad(loss)(params);
      const [u, s] = opt.update({ z: np.conj(g.z) }, state, params);
      params = applyUpdates(params, u);
      state = s;
    }
    expect(loss(params).item()).toBeLessThan(1e-8);
    const nu = (state as unknown as [{ nu: { z: NDArray } }])[0].nu.z;
    expect(rvals(np.imag(nu)).every((v) => v === 0)).toBe(true);
    expect(rvals(np.real(nu)).every((v) => v > 0)).toBe(true);
  });

  it("global-norm clipping measures complex gradients by |g|", () => {
    const g = { z: np.array([{ re: 3, im: 4 }]) };
    const [u] = clipByGlobalNorm(1).update(g, clipByGlobalNorm(1).init(g));
    const c = (u.z as NDArray).item() as { re: number; im: number };
    expect(c.re).toBeCloseTo(0.6, 6);
    expect(c.im).toBeCloseTo(0.8, 6);
  });
});
