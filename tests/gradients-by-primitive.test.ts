// Every primitive's forward and reverse derivatives agree with central finite differences,
// at orders 1 and 2, over random shapes (rank 0 and broadcast shapes included), for float32
// and float64 operands. Each dtype runs with the *other* dtype as the default float, so a
// rule that makes a constant without its operand's dtype (a bare literal takes the default
// float) fails here instead of raising a dtype mismatch in user code.
import { config, lax, type NDArray, np, nn, random } from "@jaxts/core";
import { checkpoint, customJvp, customVjp, grad, hessian, jacfwd, jacrev, jit, jvp, linearize, vjp, vmap } from "@jaxts/transforms";
import { arrayArb, type CheckGradsOptions, checkGrads, shapeArb } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const RUNS = 6;
type Fn = (...xs: NDArray[]) => NDArray;
type FloatDType = "float32" | "float64";

function suite(dtype: FloatDType): void {
  const shape = shapeArb({ maxRank: 3, maxDim: 3 });
  const vals = (min: number, max: number, s: fc.Arbitrary<number[]> | readonly number[] = shape) => arrayArb({ shape: s, min, max, dtype });

  /** Values bounded away from zero: |x| in [lo, hi]. */
  const awayFromZero = (lo: number, hi: number, s: fc.Arbitrary<number[]> | readonly number[] = shape) =>
    vals(lo, hi, s).map((x) => np.multiply(x, np.where(np.less(np.sin(np.multiply(x, 1000)), 0), -1, 1)));

  /** checkGrads differentiates at float64 inputs; for float32 the function casts them down
   * first, so every primitive inside runs (and is differentiated) in float32, and the finite
   * differences use a step that float32 resolves. */
  function checkIn(f: Fn, xs: readonly NDArray[], opts: CheckGradsOptions = {}): void {
    if (dtype === "float64") {
      checkGrads(f, xs, opts);
      return;
    }
    const cast = (x: NDArray): NDArray => (x.dtype === "float64" ? lax.convertElementType(x, dtype) : x);
    checkGrads((...a: NDArray[]) => f(...a.map(cast)), xs, { eps: 1e-3, atol: 2e-3, rtol: 2e-3, ...opts });
  }

  function check(f: Fn, arb: fc.Arbitrary<NDArray[]>, modes: ("fwd" | "rev")[] = ["fwd", "rev"]) {
    fc.assert(
      fc.property(arb, (xs) => {
        checkIn(f, xs, { order: 2, modes });
      }),
      { numRuns: RUNS, seed: 42 },
    );
  }
  const one = (a: fc.Arbitrary<NDArray>) => a.map((x) => [x]);
  /** Two operands of broadcast-compatible shapes: the second may drop leading axes or have 1s. */
  const broadcastPair = (lo: number, hi: number, away = false) =>
    shape.chain((s) =>
      fc
        .tuple(fc.integer({ min: 0, max: s.length }), fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }))
        .chain(([drop, ones]) => {
          const s2 = s.slice(drop).map((d, i) => (ones[i + drop] ? 1 : d));
          const gen = away ? awayFromZero : vals;
          return fc.tuple(gen(lo, hi, s), gen(lo, hi, s2));
        }),
    );
  /** Values on a shuffled grid, so no two are closer than a grid step (no ties at the kinks
   * of max, min and sort). `parity` 0 and 1 give disjoint grids for two operands. */
  const gridVals = (lo: number, hi: number, s: fc.Arbitrary<number[]> | readonly number[], parity = 0, slots = 0) =>
    (Array.isArray(s) ? fc.constant([...s]) : (s as fc.Arbitrary<number[]>)).chain((sh) => {
      const n = sh.reduce((a, b) => a * b, 1);
      const step = (hi - lo) / (2 * Math.max(n, slots) + 1);
      return fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n }).map((perm) => {
        const values = perm.map((k) => lo + (2 * k + parity + 0.5) * step);
        return np.reshape(np.array(values, { dtype }), sh);
      });
    });
  const gridPair = (lo: number, hi: number) =>
    broadcastPair(lo, hi).chain(([x, y]) => {
      const slots = Math.max(x!.size, y!.size);
      return fc.tuple(gridVals(lo, hi, x!.shape, 0, slots), gridVals(lo, hi, y!.shape, 1, slots));
    });

  describe("elementwise unary primitives", () => {
    const cases: [string, Fn, fc.Arbitrary<NDArray>][] = [
      ["exp", np.exp, vals(-2, 2)],
      ["log", np.log, vals(0.2, 3)],
      ["expm1", np.expm1, vals(-2, 2)],
      ["log1p", np.log1p, vals(-0.8, 2)],
      ["sin", np.sin, vals(-3, 3)],
      ["cos", np.cos, vals(-3, 3)],
      ["tan", np.tan, vals(-1.2, 1.2)],
      ["asin", np.arcsin, vals(-0.9, 0.9)],
      ["acos", np.arccos, vals(-0.9, 0.9)],
      ["atan", np.arctan, vals(-3, 3)],
      ["sinh", np.sinh, vals(-2, 2)],
      ["cosh", np.cosh, vals(-2, 2)],
      ["tanh", np.tanh, vals(-3, 3)],
      ["logistic", lax.logistic, vals(-4, 4)],
      ["sqrt", np.sqrt, vals(0.2, 3)],
      ["rsqrt", lax.rsqrt, vals(0.2, 3)],
      ["abs", np.abs, awayFromZero(0.1, 2)],
      ["erf", lax.erf, vals(-2, 2)],
      ["erf_inv", lax.erfInv, vals(-0.9, 0.9)],
      ["square", np.square, vals(-2, 2)],
      ["integer_pow (cube)", (x) => lax.integerPow(x, 3), vals(-2, 2)],
      ["integer_pow (negative)", (x) => lax.integerPow(x, -2), awayFromZero(0.3, 2)],
      ["neg", np.negative, vals(-2, 2)],
      ["sign (piecewise constant)", (x) => np.multiply(np.sign(x), x), awayFromZero(0.1, 2)],
      ["floor, ceil, round (piecewise constant)", (x) => np.add(np.multiply(np.floor(x), x), np.add(np.ceil(x), np.round(x))), vals(0.1, 0.4)],
      ["convert_element_type (to the other float)", (x) => lax.convertElementType(np.sin(x), other(dtype)), vals(-2, 2)],
    ];
    for (const [name, f, arb] of cases) it(`${name} differentiates correctly`, () => check(f, one(arb)));
  });

  describe("elementwise binary primitives with broadcasting", () => {
    const cases: [string, Fn, fc.Arbitrary<NDArray[]>][] = [
      ["add", np.add, broadcastPair(-2, 2)],
      ["sub", np.subtract, broadcastPair(-2, 2)],
      ["mul", np.multiply, broadcastPair(-2, 2)],
      ["div", np.divide, broadcastPair(0.3, 2, true)],
      ["pow", np.power, broadcastPair(0.3, 2)],
      ["max", np.maximum, gridPair(-2, 2)],
      ["min", np.minimum, gridPair(-2, 2)],
      ["atan2", np.arctan2, broadcastPair(0.3, 2, true)],
      ["rem", (x, y) => lax.rem(x, y), shape.chain((s) => fc.tuple(vals(0.1, 0.9, s), vals(1.1, 2, s)))],
      ["mul by a scalar literal", (x) => np.add(np.multiply(x, 3), 1), one(vals(-2, 2))],
    ];
    for (const [name, f, arb] of cases) it(`${name} differentiates correctly`, () => check(f, arb));
  });

  describe("selection, comparison and conversion", () => {
    it("select_n (np.where) differentiates each branch", () =>
      check((x, y) => np.where(np.greater(x, 0), np.multiply(x, y), np.sin(y)), shape.chain((s) => fc.tuple(awayFromZero(0.1, 2, s), vals(-2, 2, s)))));
    it("boolean, bitwise and integer primitives (is_finite, not, and, or, xor, shifts, iota, reduce_and/or) carry no derivative", () =>
      check((x) => {
        const finite = lax.isFinite(x);
        const mask = lax.bitwiseOr(lax.bitwiseAnd(finite, lax.not(lax.gt(x, 5))), lax.bitwiseXor(finite, finite));
        const ints = lax.shiftLeft(lax.shiftRightLogical(lax.iota("int32", [x.size + 1], 0), 1), 1);
        const scale = np.astype(np.sum(ints), dtype);
        const all = np.where(lax.reduceAnd(mask), 1, 0);
        const any = np.where(lax.reduceOr(mask), 2, 0);
        return np.add(np.where(mask, np.multiply(x, x), 0), np.add(scale, np.add(all, any)));
      }, one(vals(-2, 2))));
    it("threefry-based random numbers are constants for differentiation", () =>
      check((x) => np.multiply(x, random.uniform(random.key(3), x.shape, { dtype })), one(vals(-2, 2))));
    it("pjit (jit) differentiates as its body", () => check(jit((x: NDArray) => np.sin(np.multiply(x, x))), one(vals(-2, 2))));
    it("comparisons feed only the selection", () => check((x) => np.where(np.lessEqual(x, 0.5), np.square(x), np.exp(x)), one(awayFromZero(0.6, 2))));
  });

  describe("reductions", () => {
    const axisCase = (f: (x: NDArray, axis: number[]) => NDArray, lo = -2, hi = 2) =>
      shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((s) =>
        fc
          .tuple(gridVals(lo, hi, s), fc.subarray(s.map((_, i) => i), { minLength: 1 }))
          .map(([x, axes]) => ({ x, axes, f })),
      );
    const run = (arb: fc.Arbitrary<{ x: NDArray; axes: number[]; f: (x: NDArray, axis: number[]) => NDArray }>) =>
      fc.assert(
        fc.property(arb, ({ x, axes, f }) => checkIn((y: NDArray) => f(y, axes), [x], { order: 2 })),
        { numRuns: RUNS, seed: 7 },
      );
    it("reduce_sum over any axes", () => run(axisCase((x, axis) => np.sum(x, { axis }))));
    it("reduce_max and reduce_min pick the extremum", () => run(axisCase((x, axis) => np.add(np.max(x, { axis }), np.min(np.sin(x), { axis })))));
    it("reduce_prod, including exact zeros", () => {
      run(axisCase((x, axis) => np.prod(x, { axis }), 0.5, 1.5));
      checkIn((x: NDArray) => np.prod(x), [np.array([0, 2, 3], { dtype })], { order: 2 });
      checkIn((x: NDArray) => np.prod(x), [np.array([0, 0, 3], { dtype })], { order: 2 });
    });
    it("cumsum forwards and in reverse", () => run(axisCase((x, axis) => lax.cumsum(np.sin(x), axis[0]!, axis.length > 1))));
    it("mean, var, std and logsumexp", () =>
      run(axisCase((x, axis) => np.add(np.add(np.mean(x, { axis }), np.variance(x, { axis })), np.logsumexp(x, { axis })))));
    it("argmax has a zero derivative but its result may index", () => {
      const x = np.array([0.5, 2, 1], { dtype });
      checkIn((y: NDArray) => np.multiply(np.take(y, np.argmax(y)), 2), [x], { order: 2 });
    });
  });

  describe("data movement", () => {
    it("broadcast_in_dim, reshape and transpose", () =>
      check((x) => np.transpose(np.reshape(np.broadcastTo(np.sin(x), [2, ...x.shape]), [2, -1])), one(vals(-2, 2))));
    it("squeeze, expandDims and rev", () => check((x) => np.flip(np.squeeze(np.expandDims(np.tanh(x), 0)), {}), one(vals(-2, 2))));
    it("slice with strides", () =>
      check((x) => np.slice(np.sin(x), [1, 0], [5, 3], { strides: [2, 2] }), one(vals(-2, 2, [5, 3]))));
    it("concatenate and stack", () =>
      check((x, y) => np.concatenate([np.sin(x), np.stack([y, y], { axis: 0 })], { axis: 0 }), shapeArb({ minRank: 1, maxRank: 2, maxDim: 3 }).chain((s) => fc.tuple(vals(-2, 2, [1, ...s]), vals(-2, 2, s))).map(([a, b]) => [a.reshape([1, ...b.shape]), b])));
    it("pad with low, high and interior padding (and negative crops)", () =>
      check((x, v) => lax.pad(np.sin(x), np.sum(v), [[1, -1, 1], [2, 0, 0]]), fc.tuple(vals(-2, 2, [3, 2]), vals(-2, 2, [])) ));
    it("gather (take) and scatter_add (at().add)", () =>
      check((x, u) => np.add(np.take(np.sin(x), np.array([2, 0, 2], { dtype: "int32" }), { axis: 0 }), np.at(np.cos(u), np.array([1, 1], { dtype: "int32" })).add(np.ones([2, 2], dtype).mul(np.sum(u))).sum()), fc.tuple(vals(-2, 2, [3, 2]), vals(-2, 2, [3, 2]))));
    it("takeAlongAxis and at().set", () =>
      check((x) => np.add(np.takeAlongAxis(x, np.array([[1, 0], [0, 0]], { dtype: "int32" }), 1), np.at(x, 0).set(np.sin(x.sum()))), one(vals(-2, 2, [2, 2]))));
    it("sort permutes tangents with the values", () => check((x) => np.multiply(np.sort(x), np.arange(x.shape[x.ndim - 1] ?? 1).astype(dtype)), one(gridVals(-2, 2, shapeArb({ minRank: 1, maxRank: 2 })))));
  });

  describe("products", () => {
    it("dot_general via matmul, including batched broadcasting", () =>
      check(np.matmul, fc.tuple(vals(-2, 2, [2, 3, 4]), vals(-2, 2, [4, 2]))));
    it("dot_general via einsum with batch dimensions", () =>
      check((a, b) => np.einsum("bij,bjk->bik", a, b), fc.tuple(vals(-2, 2, [2, 2, 3]), vals(-2, 2, [2, 3, 2]))));
    it("dot, outer and vector products", () =>
      check((a, b) => np.add(np.sum(np.outer(a, b)), np.dot(a, b)), fc.tuple(vals(-2, 2, [3]), vals(-2, 2, [3]))));
  });

  describe("higher-order primitives", () => {
    it("custom_jvp_call uses its rule, consistently in both modes", () => {
      const f = customJvp(
        (x: NDArray) => np.sin(x),
        ([x]: unknown[], [t]: unknown[]) => [np.sin(x as NDArray), np.multiply(np.cos(x as NDArray), t as NDArray)],
      );
      check((x) => f(x), one(vals(-2, 2)));
    });
    it("custom_vjp_call (reverse mode)", () => {
      const f = customVjp(
        (x: NDArray) => np.exp(x),
        (x: NDArray) => [np.exp(x), np.exp(x)],
        (e: NDArray, ct: NDArray) => [np.multiply(e, ct)],
      );
      check((x) => f(x), one(vals(-2, 2)), ["rev"]);
    });
    it("checkpoint with each policy", () => {
      for (const policy of ["nothing_saveable", "dots_saveable", "everything_saveable"] as const) {
        const f = checkpoint((a: NDArray, b: NDArray) => np.tanh(np.matmul(np.sin(a), b)), { policy });
        check(f, fc.tuple(vals(-2, 2, [2, 3]), vals(-2, 2, [3, 2])));
      }
    });
    it("nn functions are differentiable with stable derivatives", () =>
      check((x) => np.add(np.add(nn.softplus(x), nn.gelu(x)), np.add(nn.logSoftmax(x), nn.silu(x))), one(vals(-3, 3, shapeArb({ minRank: 1 })))));
    it("stop_gradient has a zero derivative", () => {
      expect(grad((x: NDArray) => np.multiply(lax.stopGradient(x), x))(3).item()).toBe(3);
    });
  });
}

const other = (d: FloatDType): FloatDType => (d === "float32" ? "float64" : "float32");

for (const dtype of ["float64", "float32"] as const) {
  describe(`${dtype} operands (default float ${other(dtype)})`, () => {
    beforeAll(() => config.set({ defaultFloat: other(dtype) }));
    afterAll(() => config.set({ defaultFloat: "float32" }));
    suite(dtype);
  });
}

describe("derivatives at kinks and in float64 under the float32 default", () => {
  const f64 = (v: number[]) => np.array(v, { dtype: "float64" });
  it("grad of np.minimum and np.maximum works on float64 operands (no float32 constant in the rule)", () => {
    const x = f64([1, 2, 3]);
    const y = f64([3, 2, 1]);
    for (const [f, want] of [
      [np.maximum, [0, 0.5, 1]],
      [np.minimum, [1, 0.5, 0]],
    ] as const) {
      const g = grad((a: NDArray) => np.sum(f(a, y)))(x) as NDArray;
      expect(g.dtype).toBe("float64");
      expect(g.toArray()).toEqual(want);
      const [, t] = jvp((a: NDArray) => f(a, y), [x], [f64([1, 1, 1])]);
      expect((t as NDArray).toArray()).toEqual(want);
      const [, back] = vjp((a: NDArray) => f(a, y), x);
      expect((back(f64([1, 1, 1]))[0] as NDArray).toArray()).toEqual(want);
    }
  });
  it("jacfwd, jacrev, hessian, linearize and vmap∘grad of float64 functions stay float64 under the float32 default", () => {
    const x = f64([0.5, -1, 2]);
    const y = f64([1, -2, 1]);
    const g = (a: NDArray) => np.sum(np.multiply(np.maximum(a, y), np.sin(np.minimum(a, 1))));
    const results = [
      jacfwd(g)(x),
      jacrev(g)(x),
      hessian(g)(x),
      linearize(g, x)[1](f64([1, 0, 0])),
      vmap(grad((a: NDArray) => np.sum(np.abs(np.maximum(a, 0)))))(np.reshape(x, [3, 1])),
    ] as NDArray[];
    for (const r of results) expect(r.dtype).toBe("float64");
    const [fwd, rev] = [results[0]!.toTypedArray(), results[1]!.toTypedArray()];
    fwd.forEach((v, i) => expect(v).toBeCloseTo(rev[i]!, 12));
  });
  it("a tie in max/min splits the derivative evenly between the operands, as JAX", () => {
    const [gx, gy] = grad((a: NDArray, b: NDArray) => np.maximum(a, b), { argnums: [0, 1] })(2, 2) as NDArray[];
    expect([gx!.item(), gy!.item()]).toEqual([0.5, 0.5]);
  });
  it("grad(np.abs)(0) is 1 and the sign elsewhere, as JAX's select(x >= 0, t, -t)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      const g = vmap(grad((x: NDArray) => np.abs(x)))(np.array([-2, 0, 3], { dtype })) as NDArray;
      expect(g.toArray()).toEqual([-1, 1, 1]);
    }
  });
  it("grad(nn.elu)(0) is 1 (alpha from the expm1 side, as jax.nn.elu)", () => {
    expect(grad((x: NDArray) => nn.elu(x))(0).item()).toBe(1);
    expect(grad((x: NDArray) => nn.elu(x, { alpha: 2 }))(0).item()).toBe(2);
    expect((grad((x: NDArray) => nn.elu(x))(np.array(0, { dtype: "float64" })) as NDArray).item()).toBe(1);
    const [neg, zero, pos] = nn.elu(f64([-1, 0, 2])).toArray() as number[];
    expect([neg, zero, pos]).toEqual([Math.expm1(-1), 0, 2]);
  });
});
