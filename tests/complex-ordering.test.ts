// Complex ordering and the complex inverse trigonometric functions (issue 11's leftovers).
// Ordering: JAX orders complex values lexicographically (real part, then imaginary part) in
// lax.max/min, the max/min reductions, sort and the jnp comparisons, while lax.lt/le/gt/ge and
// argmax/argmin refuse complex operands; every value here is checked against a reference
// comparator written in this file. Inverse trigonometry: values against the logarithmic
// definitions (computed in this file from polar forms, away from the branch cuts), numpy's
// values on the cuts (signed zeros choose the side), holomorphic derivatives against f'(z),
// checkGrads in float64, vmap against a loop and jit against eager.
import { array, type Complex, DTypeError, lax, type NDArray, np } from "@jaxts/core";
import { grad, jit, jvp, vmap } from "@jaxts/transforms";
import { checkGrads } from "@jaxts/transforms/testing";
import { describe, expect, it } from "vitest";

type C = Complex;
const c128 = (zs: readonly C[]): NDArray => array([...zs], { dtype: "complex128" });
function cvals(x: NDArray): C[] {
  const d = x.toTypedArray();
  return Array.from({ length: x.size }, (_, i) => ({ re: Number(d[2 * i]), im: Number(d[2 * i + 1]) }));
}
const bools = (x: NDArray): boolean[] => Array.from(x.toTypedArray(), (v) => v !== 0);

/** The reference order: real parts first, imaginary parts on a tie. */
const lexLess = (a: C, b: C): boolean => (a.re === b.re ? a.im < b.im : a.re < b.re);
const lexEq = (a: C, b: C): boolean => a.re === b.re && a.im === b.im;

// Values with repeated real parts, so the imaginary parts decide often.
const zs: C[] = [
  { re: 1, im: 2 }, { re: 1, im: -1 }, { re: -3, im: 5 }, { re: 0.5, im: 0 }, { re: 1, im: 2 }, { re: -3, im: -5 }, { re: 2, im: 0 }, { re: 0.5, im: 0.25 },
];
const ws: C[] = [
  { re: 1, im: 3 }, { re: 0, im: 9 }, { re: -3, im: 5 }, { re: 0.5, im: -1 }, { re: 2, im: -2 }, { re: -3, im: -4 }, { re: 1.5, im: 7 }, { re: 0.5, im: 0.5 },
];

describe("complex values are ordered lexicographically, as JAX orders them", () => {
  const z = c128(zs);
  const w = c128(ws);

  it("lax.max / lax.min and np.maximum / np.minimum pick by real part, then imaginary part", () => {
    const wantMax = zs.map((a, i) => (lexLess(ws[i]!, a) ? a : ws[i]!));
    const wantMin = zs.map((a, i) => (lexLess(a, ws[i]!) ? a : ws[i]!));
    expect(cvals(lax.max(z, w))).toEqual(wantMax);
    expect(cvals(lax.min(z, w))).toEqual(wantMin);
    expect(cvals(np.maximum(z, w))).toEqual(wantMax);
    expect(cvals(np.minimum(z, w))).toEqual(wantMin);
    // a JS number broadcasts as a weak complex scalar: 1 + 0i
    expect(cvals(np.maximum(z, 1))).toEqual(zs.map((a) => (lexLess({ re: 1, im: 0 }, a) ? a : { re: 1, im: 0 })));
    expect(np.maximum(z.astype("complex64"), w.astype("complex64")).dtype).toBe("complex64");
  });

  it("np.max / min / amax / amin reduce in the same order, over all axes or one", () => {
    const best = (xs: readonly C[], less: boolean) => xs.reduce((acc, x) => (less ? lexLess(x, acc) : lexLess(acc, x)) ? x : acc);
    expect(cvals(np.max(z))).toEqual([best(zs, false)]);
    expect(cvals(np.min(z))).toEqual([best(zs, true)]);
    expect(cvals(np.amax(z))).toEqual([best(zs, false)]);
    expect(cvals(np.amin(z))).toEqual([best(zs, true)]);
    const rows = [zs.slice(0, 4), zs.slice(4)];
    expect(cvals(np.max(z.reshape([2, 4]), { axis: 1 }))).toEqual(rows.map((r) => best(r, false)));
    const cols = [0, 1, 2, 3].map((j) => [zs[j]!, zs[4 + j]!]);
    expect(cvals(np.min(z.reshape([2, 4]), { axis: 0 }))).toEqual(cols.map((c) => best(c, true)));
  });

  it("np.sort, np.argsort and lax.sort sort stably by real part, then imaginary part; NaN parts last", () => {
    const order = zs.map((_, i) => i).sort((i, j) => (lexLess(zs[i]!, zs[j]!) ? -1 : lexLess(zs[j]!, zs[i]!) ? 1 : i - j));
    expect(cvals(np.sort(z))).toEqual(order.map((i) => zs[i]!));
    expect(Array.from(np.argsort(z).toTypedArray())).toEqual(order);
    const [keys, vals] = lax.sort([z, np.arange(8)]);
    expect(cvals(keys!)).toEqual(order.map((i) => zs[i]!));
    expect(Array.from(vals!.toTypedArray())).toEqual(order);
    // a complex operand that is not the key moves as a whole
    const [, moved] = lax.sort([np.array([3, 1, 2]), c128(zs.slice(0, 3))]);
    expect(cvals(moved!)).toEqual([zs[1]!, zs[2]!, zs[0]!]);
    // NaN in the real part sorts after everything, NaN in the imaginary part after its real part's peers
    const nan: C[] = [{ re: Number.NaN, im: 0 }, { re: 1, im: Number.NaN }, { re: 1, im: 5 }, { re: 2, im: 0 }, { re: 1, im: -5 }];
    const sorted = cvals(np.sort(c128(nan)));
    expect(sorted.slice(0, 2)).toEqual([{ re: 1, im: -5 }, { re: 1, im: 5 }]);
    expect(sorted[2]!.re).toBe(1);
    expect(sorted[2]!.im).toBeNaN();
    expect(sorted[3]).toEqual({ re: 2, im: 0 });
    expect(sorted[4]!.re).toBeNaN();
  });

  it("what JAX builds on the lexicographic sort works on complex values: unique, searchsorted, lexsort, cummax, nanmax", () => {
    const order = zs.map((_, i) => i).sort((i, j) => (lexLess(zs[i]!, zs[j]!) ? -1 : lexLess(zs[j]!, zs[i]!) ? 1 : i - j));
    const sortedZ = order.map((i) => zs[i]!);
    const distinct = sortedZ.filter((v, i) => i === 0 || !lexEq(v, sortedZ[i - 1]!));
    expect(cvals(np.unique(z))).toEqual(distinct);
    // left insertion points: how many sorted values are lexicographically smaller
    expect(Array.from(np.searchsorted(np.sort(z), w).toTypedArray(), Number)).toEqual(ws.map((v) => sortedZ.filter((s) => lexLess(s, v)).length));
    expect(Array.from(np.lexsort([z]).toTypedArray(), Number)).toEqual(order);
    let best = zs[0]!;
    expect(cvals(np.cummax(z))).toEqual(zs.map((v) => (best = lexLess(best, v) ? v : best)));
    expect(cvals(np.nanmax(z))).toEqual([zs.reduce((a, v) => (lexLess(a, v) ? v : a))]);
  });

  it("lax.sort with numKeys > 1 orders by the keys in turn (real operands)", () => {
    const a = np.array([2, 1, 2, 1, 0]);
    const b = np.array([5, 7, 3, 6, 9]);
    const [sa, sb, idx] = lax.sort([a, b, np.arange(5)], { numKeys: 2 });
    expect(Array.from(sa!.toTypedArray())).toEqual([0, 1, 1, 2, 2]);
    expect(Array.from(sb!.toTypedArray())).toEqual([9, 6, 7, 3, 5]);
    expect(Array.from(idx!.toTypedArray())).toEqual([4, 3, 1, 2, 0]);
    expect(() => lax.sort([a], { numKeys: 2 })).toThrow(/numKeys/);
  });

  it("np.less / lessEqual / greater / greaterEqual compare lexicographically (jnp's rule)", () => {
    expect(bools(np.less(z, w))).toEqual(zs.map((a, i) => lexLess(a, ws[i]!)));
    expect(bools(np.lessEqual(z, w))).toEqual(zs.map((a, i) => lexLess(a, ws[i]!) || lexEq(a, ws[i]!)));
    expect(bools(np.greater(z, w))).toEqual(zs.map((a, i) => lexLess(ws[i]!, a)));
    expect(bools(np.greaterEqual(z, w))).toEqual(zs.map((a, i) => lexLess(ws[i]!, a) || lexEq(a, ws[i]!)));
    expect(bools(np.less(z, 1))).toEqual(zs.map((a) => lexLess(a, { re: 1, im: 0 })));
  });

  it("lax.lt / le / gt / ge, argmax, argmin, clip, topK and partition refuse complex operands, as JAX's do", () => {
    for (const f of [lax.lt, lax.le, lax.gt, lax.ge]) expect(() => f(z, w)).toThrow(/refuses complex too/);
    expect(() => np.argmax(z)).toThrow(DTypeError);
    expect(() => np.argmin(z)).toThrow(/argmin: not supported for complex.*JAX refuses it too/);
    expect(() => np.clip(z, 0, 1)).toThrow(DTypeError);
    // JAX's top_k, partition and argpartition refuse complex values too
    expect(() => lax.topK(z, 2)).toThrow(/topK: not supported for complex/);
    expect(() => np.partition(z, 1)).toThrow(DTypeError);
    expect(() => np.argpartition(z, 1)).toThrow(DTypeError);
  });

  it("derivatives: max/min send the tangent to the chosen operand (half each on a tie), reductions to the extremum", () => {
    const t = c128(zs.map((_, i) => ({ re: i + 1, im: -i })));
    const [, tm] = jvp((a: NDArray) => lax.max(a, w), [z], [t]);
    // element 2 is a tie (−3+5i both): half the tangent
    expect(cvals(tm as NDArray)).toEqual(zs.map((a, i) => {
      const ti = { re: i + 1, im: -i };
      if (lexEq(a, ws[i]!)) return { re: ti.re / 2, im: ti.im / 2 };
      return lexLess(ws[i]!, a) ? ti : { re: 0, im: 0 };
    }));
    const [, tr] = jvp((a: NDArray) => np.max(a), [z], [t]);
    expect(cvals(tr as NDArray)).toEqual([{ re: 7, im: -6 }]); // the maximum is z[6] = 2 + 0i
    // z[0] and z[4] are equal maxima: their tangents are averaged
    const [, tmin] = jvp((a: NDArray) => np.max(a), [c128([{ re: 1, im: 1 }, { re: 1, im: 1 }, { re: 0, im: 9 }])], [c128([{ re: 2, im: 0 }, { re: 4, im: 2 }, { re: 9, im: 9 }])]);
    expect(cvals(tmin as NDArray)).toEqual([{ re: 3, im: 1 }]);
    // away from ties the derivatives are smooth: checkGrads in float64, both modes, orders 1 and 2
    const a0 = c128([{ re: 0.3, im: 0.1 }, { re: -1.2, im: 0.7 }, { re: 2, im: -0.4 }, { re: 0.9, im: 1.1 }]);
    const b0 = c128([{ re: 0.5, im: -0.2 }, { re: -1.5, im: 0.3 }, { re: 1.1, im: 0.2 }, { re: 0.2, im: 0.6 }]);
    checkGrads((a: NDArray, b: NDArray) => np.sum(np.real(np.maximum(a, b).mul(np.minimum(a, b)))), [a0, b0], { order: 2 });
    checkGrads((a: NDArray) => np.real(np.max(a).mul(np.min(a))).add(np.sum(np.imag(np.sort(a).mul(np.arange(4))))), [a0], { order: 2 });
  });

  it("vmap equals a loop and jit equals eager", () => {
    const f = (a: NDArray) => lax.complex(np.real(np.max(a)), np.imag(lax.slice(np.sort(a), [1], [2]).reshape([])));
    const batch = c128([...zs, ...ws]).reshape([2, 8]);
    const loop = [0, 1].map((i) => cvals(f(lax.slice(batch, [i, 0], [i + 1, 8]).reshape([8])))[0]!);
    expect(cvals(vmap(f)(batch))).toEqual(loop);
    expect(cvals(vmap((a: NDArray, b: NDArray) => np.maximum(a, b))(batch, lax.rev(batch, [0])))).toEqual(cvals(np.maximum(batch, lax.rev(batch, [0]))));
    const g = (a: NDArray, b: NDArray) => [np.sort(a), np.max(a, { axis: 0 }), np.less(a, b), np.minimum(a, b)];
    const eager = g(z, w).map(String);
    expect(jit(g)(z, w).map(String)).toEqual(eager);
  });
});

// The inverse functions by their logarithmic definitions, on the principal branch, with the
// complex logarithm and square root taken from polar forms (valid off the branch cuts).
const cx = {
  add: (a: C, b: C): C => ({ re: a.re + b.re, im: a.im + b.im }),
  sub: (a: C, b: C): C => ({ re: a.re - b.re, im: a.im - b.im }),
  mul: (a: C, b: C): C => ({ re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re }),
  div: (a: C, b: C): C => {
    const d = b.re * b.re + b.im * b.im;
    return { re: (a.re * b.re + a.im * b.im) / d, im: (a.im * b.re - a.re * b.im) / d };
  },
  log: (z: C): C => ({ re: Math.log(Math.hypot(z.re, z.im)), im: Math.atan2(z.im, z.re) }),
  sqrt: (z: C): C => {
    const r = Math.sqrt(Math.hypot(z.re, z.im));
    const t = Math.atan2(z.im, z.re) / 2;
    return { re: r * Math.cos(t), im: r * Math.sin(t) };
  },
};
const ONE: C = { re: 1, im: 0 };
const I: C = { re: 0, im: 1 };
const scale = (z: C, s: C): C => cx.mul(z, s);
const neg = (z: C): C => ({ re: -z.re, im: -z.im });
const sinC = (w: C): C => ({ re: Math.sin(w.re) * Math.cosh(w.im), im: Math.cos(w.re) * Math.sinh(w.im) });
const cosC = (w: C): C => ({ re: Math.cos(w.re) * Math.cosh(w.im), im: -Math.sin(w.re) * Math.sinh(w.im) });
const defs = {
  // asin z = −i·log(iz + √(1 − z²)), which can cancel (Re z < 0, or |Im z| ≫ 1): the branch
  // is taken from it, the digits from two Newton steps on sin w = z
  arcsin: (z: C): C => {
    let w = scale(cx.log(cx.add(scale(z, I), cx.sqrt(cx.sub(ONE, cx.mul(z, z))))), { re: 0, im: -1 });
    for (let k = 0; k < 2; k++) w = cx.sub(w, cx.div(cx.sub(sinC(w), z), cosC(w)));
    return w;
  },
  // acos z = π/2 − asin z; atan z = (i/2)·log((i + z)/(i − z))
  arccos: (z: C): C => cx.sub({ re: Math.PI / 2, im: 0 }, defs.arcsin(z)),
  arctan: (z: C): C => scale(cx.log(cx.div(cx.add(I, z), cx.sub(I, z))), { re: 0, im: 0.5 }),
  // asinh z = log(z + √(z² + 1)); acosh z = log(z + √(z + 1)·√(z − 1)); atanh z = ½·log((1 + z)/(1 − z))
  arcsinh: (z: C): C => (z.re < 0 ? neg(defs.arcsinh(neg(z))) : cx.log(cx.add(z, cx.sqrt(cx.add(cx.mul(z, z), ONE))))),
  arccosh: (z: C): C => cx.log(cx.add(z, cx.mul(cx.sqrt(cx.add(z, ONE)), cx.sqrt(cx.sub(z, ONE))))),
  arctanh: (z: C): C => scale(cx.log(cx.div(cx.add(ONE, z), cx.sub(ONE, z))), { re: 0.5, im: 0 }),
};
// f'(z) of each, from the same definitions
const derivs = {
  arcsin: (z: C): C => cx.div(ONE, cx.sqrt(cx.sub(ONE, cx.mul(z, z)))),
  arccos: (z: C): C => scale(derivs.arcsin(z), { re: -1, im: 0 }),
  arctan: (z: C): C => cx.div(ONE, cx.add(ONE, cx.mul(z, z))),
  arcsinh: (z: C): C => cx.div(ONE, cx.sqrt(cx.add(cx.mul(z, z), ONE))),
  arccosh: (z: C): C => cx.div(ONE, cx.mul(cx.sqrt(cx.add(z, ONE)), cx.sqrt(cx.sub(z, ONE)))),
  arctanh: (z: C): C => cx.div(ONE, cx.sub(ONE, cx.mul(z, z))),
};
const NAMES = ["arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"] as const;

function expectClose(got: readonly C[], want: readonly C[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    expect(Math.hypot(g.re - w.re, g.im - w.im), `element ${i}: ${g.re}+${g.im}i vs ${w.re}+${w.im}i`).toBeLessThanOrEqual(tol * Math.max(1, Math.hypot(w.re, w.im)));
  });
}

// A grid off both axes (no point on a branch cut), near 0, near ±1 and ±i, and far out.
const grid: C[] = [];
for (const re of [-40, -2.5, -1.01, -0.99, -0.3, -1e-7, 2e-8, 0.45, 0.98, 1.02, 3, 1e6]) {
  for (const im of [-7, -1.05, -0.5, -1e-6, 3e-7, 0.2, 0.97, 1.5, 60]) grid.push({ re, im });
}

describe("complex arcsin, arccos, arctan, arcsinh, arccosh, arctanh", () => {
  const z = c128(grid);

  it.each(NAMES)("%s matches its logarithmic definition on the principal branch", (name) => {
    expectClose(cvals(np[name](z)), grid.map(defs[name]), 1e-13);
    // complex64 computes in float64 and rounds once
    expectClose(cvals(np[name](z.astype("complex64"))), grid.map(defs[name]), 3e-7);
  });

  it("branch cuts: a signed zero says which side of the cut a point is on (numpy's values)", () => {
    const at = (f: (x: NDArray) => NDArray, re: number, im: number): C => cvals(f(c128([{ re, im }])))[0]!;
    const a2 = 1.3169578969248166; // acosh 2
    const t2 = 0.5493061443340549; // atanh ½
    const h = Math.PI / 2;
    const cases: [C, C][] = [
      [at(np.arcsin, 2, 0), { re: h, im: a2 }], [at(np.arcsin, 2, -0), { re: h, im: -a2 }],
      [at(np.arccos, 2, 0), { re: 0, im: -a2 }], [at(np.arccos, 2, -0), { re: 0, im: a2 }],
      [at(np.arctan, 0, 2), { re: h, im: t2 }], [at(np.arctan, -0, 2), { re: -h, im: t2 }],
      [at(np.arcsinh, 0, 2), { re: a2, im: h }], [at(np.arcsinh, -0, 2), { re: -a2, im: h }],
      [at(np.arccosh, -2, 0), { re: a2, im: Math.PI }], [at(np.arccosh, -2, -0), { re: a2, im: -Math.PI }],
      [at(np.arctanh, 2, 0), { re: t2, im: h }], [at(np.arctanh, 2, -0), { re: t2, im: -h }],
    ];
    for (const [got, want] of cases) expectClose([got], [want], 1e-15);
    // on the real segment where the real functions are defined, the imaginary part is ±0
    expect(cvals(np.arcsin(c128([{ re: 0.5, im: 0 }])))[0]!.re).toBeCloseTo(Math.asin(0.5), 15);
    expect(cvals(np.arctanh(c128([{ re: 1, im: 0 }])))[0]!.re).toBe(Number.POSITIVE_INFINITY);
  });

  it("small arguments keep full relative precision (no cancellation): f(z) ≈ z", () => {
    const tiny = c128([{ re: 3e-12, im: -4e-12 }]);
    for (const name of ["arcsin", "arctan", "arcsinh", "arctanh"] as const) {
      const [g] = cvals(np[name](tiny));
      expect(Math.abs(g!.re - 3e-12) / 3e-12).toBeLessThan(1e-12);
      expect(Math.abs(g!.im + 4e-12) / 4e-12).toBeLessThan(1e-12);
    }
  });

  it.each(NAMES)("%s: grad with holomorphic: true and jvp give f'(z)", (name) => {
    const pts = [{ re: 0.3, im: 0.4 }, { re: -0.7, im: 1.2 }, { re: 1.5, im: -0.6 }, { re: -2, im: -0.3 }];
    for (const p of pts) {
      const g = grad((u: NDArray) => np[name](u), { holomorphic: true })(c128([p]).reshape([]));
      expectClose(cvals(g as NDArray), [derivs[name](p)], 1e-13);
    }
    const t = c128(pts.map((_, i) => ({ re: 1 - i, im: 0.5 * i })));
    const [, tOut] = jvp((u: NDArray) => np[name](u), [c128(pts)], [t]);
    expectClose(cvals(tOut as NDArray), pts.map((p, i) => cx.mul(derivs[name](p), { re: 1 - i, im: 0.5 * i })), 1e-13);
  });

  it.each(NAMES)("%s: checkGrads through a real-valued function, float64, fwd and rev, orders 1 and 2", (name) => {
    const u0 = c128([{ re: 0.3, im: 0.4 }, { re: -0.7, im: 1.2 }, { re: 1.5, im: -0.6 }]);
    checkGrads((u: NDArray) => np.sum(np.real(np[name](u).mul(np.conj(u)))), [u0], { order: 2 });
  });

  it("vmap equals a loop and jit equals eager", () => {
    const f = (u: NDArray) => np.sum(np.arcsin(u).add(np.arccosh(u)).mul(np.arctan(u)).add(np.arctanh(np.arcsinh(u))));
    const batch = c128(grid.slice(0, 24)).reshape([3, 8]);
    const loop = [0, 1, 2].map((i) => cvals(f(lax.slice(batch, [i, 0], [i + 1, 8]).reshape([8])))[0]!);
    expect(cvals(vmap(f)(batch))).toEqual(loop);
    expect(cvals(jit(f)(batch))).toEqual(cvals(f(batch)));
  });
});

describe("real arcsinh, arccosh, arctanh (composed of primitives, as accurate as Math's)", () => {
  const xs = [-1e300, -30, -2, -0.7, -1e-9, 0, 1e-300, 3e-8, 0.5, 0.999, 1, 1.5, 2, 40, 1e8, 1e12, 1e300];

  it("values agree with Math.asinh / acosh / atanh to a few ulp, NaN outside the domain", () => {
    const x = np.array(xs, { dtype: "float64" });
    const within = (got: NDArray, ref: (v: number) => number) =>
      Array.from(got.toTypedArray(), Number).forEach((g, i) => {
        const want = ref(xs[i]!);
        if (Number.isNaN(want)) expect(g).toBeNaN();
        else if (!Number.isFinite(want)) expect(g).toBe(want);
        else expect(Math.abs(g - want), `at ${xs[i]}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(want));
      });
    within(np.arcsinh(x), Math.asinh);
    within(np.arccosh(x), Math.acosh);
    within(np.arctanh(x), Math.atanh);
    expect(np.arcsinh(np.array([1], { dtype: "float32" })).dtype).toBe("float32");
    expect(np.arctanh(np.array([1, 2], { dtype: "int32" })).dtype).toBe("float32");
  });

  it("derivatives: 1/√(x² + 1), 1/√(x² − 1), 1/(1 − x²); checkGrads at orders 1 and 2", () => {
    const x = np.array([-2.5, -0.4, 0, 0.3, 3], { dtype: "float64" });
    const gs = Array.from((grad((u: NDArray) => np.sum(np.arcsinh(u)))(x) as NDArray).toTypedArray(), Number);
    gs.forEach((g, i) => expect(g).toBeCloseTo(1 / Math.sqrt([-2.5, -0.4, 0, 0.3, 3][i]! ** 2 + 1), 14));
    checkGrads((u: NDArray) => np.sum(np.arcsinh(u).mul(u)), [x], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.arccosh(np.square(u).add(1.2))), [x], { order: 2 });
    checkGrads((u: NDArray) => np.sum(np.arctanh(u.mul(0.3))), [x], { order: 2 });
    expect(Array.from(vmap((u: NDArray) => np.arctanh(u))(np.array([[0.1, 0.2], [0.3, 0.4]], { dtype: "float64" })).toTypedArray())).toEqual([0.1, 0.2, 0.3, 0.4].map((v) => np.arctanh(np.array(v, { dtype: "float64" })).item()));
  });
});

describe("atan2 of complex operands (JAX's lax.atan2 accepts them)", () => {
  it("is −i·log((x + iy)/√(x² + y²)), and the real atan2 on real values", () => {
    const ys: C[] = [{ re: 0.5, im: 0.2 }, { re: -1, im: 0.3 }, { re: 2, im: -1 }];
    const xs: C[] = [{ re: 1, im: -0.4 }, { re: 0.3, im: 0.1 }, { re: -0.5, im: 2 }];
    const want = ys.map((y, i) => {
      const x = xs[i]!;
      const q = cx.div(cx.add(x, cx.mul(I, y)), cx.sqrt(cx.add(cx.mul(x, x), cx.mul(y, y))));
      return cx.mul({ re: 0, im: -1 }, cx.log(q));
    });
    expectClose(cvals(np.arctan2(c128(ys), c128(xs))), want, 1e-14);
    const real = [[1, 0], [0, -1], [-1, -1], [0.5, 2]] as const;
    expectClose(cvals(lax.atan2(c128(real.map(([y]) => ({ re: y, im: 0 }))), c128(real.map(([, x]) => ({ re: x, im: 0 }))))), real.map(([y, x]) => ({ re: Math.atan2(y, x), im: 0 })), 1e-15);
    checkGrads((a: NDArray, b: NDArray) => np.sum(np.real(np.arctan2(a, b).mul(np.conj(a)))), [c128(ys), c128(xs)], { order: 2 });
  });
});
