// The jaxpr passes the compiler builds on: a type checker that every transformation's output
// passes, and dead-code elimination (including inside pjit).
import {
  array,
  ClosedJaxpr,
  config,
  cseJaxpr,
  dceJaxpr,
  Eqn,
  evalJaxpr,
  executableOf,
  Jaxpr,
  JaxprTypeError,
  lax,
  Literal,
  makeJaxpr,
  type NDArray,
  np,
  optimizeJaxpr,
  ShapedArray,
  simplifyJaxpr,
  typecheckJaxpr,
  Var,
} from "@jaxts/core";
import { checkpoint, grad, hessian, jit, jvp, vjp, vmap } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";

const x = array([0.5, 1.5, -2.0]);
const f = (a: NDArray) => np.sum(np.sin(a).mul(a));

/** Programs every transformation produces, as closed jaxprs. */
const programs: [string, () => ClosedJaxpr][] = [
  ["f", () => makeJaxpr(f)(x)],
  ["grad(f)", () => makeJaxpr(grad(f))(x)],
  ["grad(jit(f))", () => makeJaxpr(grad(jit(f)))(x)],
  ["jit(grad(f))", () => makeJaxpr(jit(grad(f)))(x)],
  ["hessian(f)", () => makeJaxpr(hessian(f))(x)],
  ["jvp(jit(f))", () => makeJaxpr((a: NDArray) => jvp(jit(f), [a], [np.onesLike(a)])[1])(x)],
  ["vmap(grad(f))", () => makeJaxpr(vmap(grad(f)))(np.stack([x, x]))],
  ["vjp of a matmul chain", () => makeJaxpr((w: NDArray) => vjp((v: NDArray) => np.tanh(np.matmul(v, w)), np.ones([2, 3]))[1](np.ones([2, 3]))[0]!)(np.eye(3))],
  ["grad of a scan", () => makeJaxpr(grad((a: NDArray) => np.sum(lax.scan((c: NDArray, xi: NDArray) => [c.mul(xi).add(1), c], array(1.0), a)[0])))(x)],
  ["grad of a cond", () => makeJaxpr(grad((a: NDArray) => lax.cond(np.sum(a).gt(0), (b: NDArray) => np.sum(np.exp(b)), (b: NDArray) => np.sum(b), a)))(x)],
  ["jvp of a whileLoop", () => makeJaxpr((a: NDArray) => jvp((b: NDArray) => lax.whileLoop((c: NDArray) => np.sum(c).lt(10), (c: NDArray) => c.mul(2), b), [a], [a])[1])(x)],
  ["grad of checkpoint", () => makeJaxpr(grad((a: NDArray) => np.sum(checkpoint((b: NDArray) => np.sin(np.sin(b)))(a))))(x)],
];

describe("typecheckJaxpr", () => {
  it.each(programs)("accepts what %s produces", (_name, make) => {
    const closed = make();
    expect(typecheckJaxpr(closed.jaxpr).map((a) => a.str())).toEqual(closed.outAvals.map((a) => a.str()));
  });

  const f32 = (...shape: number[]) => new ShapedArray(shape, "float32");
  it("names an equation whose declared output type is not what its primitive gives", () => {
    const a = new Var(f32(3));
    const out = new Var(f32(4));
    const bad = new Jaxpr([], [a], [new Eqn("sin", [a], {}, [out])], [out]);
    expect(() => typecheckJaxpr(bad)).toThrow(JaxprTypeError);
    expect(() => typecheckJaxpr(bad)).toThrow(/equation 0 \(sin\).*f32\[4\].*f32\[3\]/);
  });

  it("config.set({ enableChecks: true }) (JAX's jax_enable_checks) type-checks every jaxpr the compiler is given; off, it does not", () => {
    // sin declared as f32[4] over an f32[3] input: the kind of jaxpr a faulty transformation makes
    const a = new Var(f32(3));
    const out = new Var(f32(4));
    const bad = () => new Jaxpr([], [a], [new Eqn("sin", [a], {}, [out])], [out]);
    const before = config.get().enableChecks;
    try {
      config.set({ enableChecks: true });
      expect(() => executableOf(bad())).toThrow(/equation 0 \(sin\).*f32\[4\].*f32\[3\]/);
      config.set({ enableChecks: false });
      expect(() => executableOf(bad())).not.toThrow();
    } finally {
      config.set({ enableChecks: before });
    }
  });

  it("rejects a variable read before it is defined, and one defined twice", () => {
    const a = new Var(f32(3));
    const b = new Var(f32(3));
    expect(() => typecheckJaxpr(new Jaxpr([], [a], [new Eqn("sin", [b], {}, [a])], [a]))).toThrow(/not defined before/);
    expect(() => typecheckJaxpr(new Jaxpr([], [a], [new Eqn("sin", [a], {}, [a])], [a]))).toThrow(/already defined/);
  });

  it("reports an ill-typed equation (operand shapes its primitive refuses), inside sub-jaxprs too", () => {
    const a = new Var(f32(3));
    const b = new Var(f32(4));
    const c = new Var(f32(3));
    const inner = new Jaxpr([], [a, b], [new Eqn("add", [a, b], {}, [c])], [c]);
    expect(() => typecheckJaxpr(inner)).toThrow(/equation 0 \(add\) is ill-typed/);
    const p = new Var(f32(3));
    const q = new Var(f32(4));
    const r = new Var(f32(3));
    const outer = new Jaxpr([], [p, q], [new Eqn("pjit", [p, q], { jaxpr: inner, name: "g", num_consts: 0 }, [r])], [r]);
    expect(() => typecheckJaxpr(outer)).toThrow(/inside the sub-jaxpr of equation 0 \(pjit\)/);
  });
});

describe("dceJaxpr", () => {
  it("drops equations whose outputs are unused and keeps the result equal", () => {
    const g = (a: NDArray) => {
      np.exp(a).mul(3); // dead
      return np.sin(a);
    };
    const closed = makeJaxpr(g)(x);
    expect(closed.jaxpr.eqns.map((e) => e.primitive)).toEqual(["exp", "mul", "sin"]);
    const { jaxpr } = dceJaxpr(closed.jaxpr, undefined, true);
    expect(jaxpr.eqns.map((e) => e.primitive)).toEqual(["sin"]);
    typecheckJaxpr(jaxpr);
    expect(evalJaxpr(new ClosedJaxpr(jaxpr, closed.consts), x)[0]!.toArray()).toEqual(g(x).toArray());
  });

  it("prunes a pjit's unused outputs inside it: grad(jit(f)) no longer computes f's value", () => {
    const closed = makeJaxpr(grad(jit(f)))(x);
    const inner = (j: Jaxpr) => (j.eqns[0] as Eqn<"pjit">).params.jaxpr.eqns.map((e) => e.primitive);
    expect(inner(closed.jaxpr)).toContain("reduce_sum");
    const { jaxpr } = dceJaxpr(closed.jaxpr, undefined, true);
    expect(inner(jaxpr)).not.toContain("reduce_sum");
    typecheckJaxpr(jaxpr);
    expect(evalJaxpr(new ClosedJaxpr(jaxpr, closed.consts), x)[0]!.toArray()).toEqual(grad(f)(x).toArray());
  });

  it("reports which inputs are still read and drops the others unless asked to keep them", () => {
    const closed = makeJaxpr((a: NDArray, _b: NDArray) => np.cos(a))(x, x);
    const pruned = dceJaxpr(closed.jaxpr);
    expect(pruned.usedInputs).toEqual([true, false]);
    expect(pruned.jaxpr.inVars).toHaveLength(1);
    expect(dceJaxpr(closed.jaxpr, undefined, true).jaxpr.inVars).toHaveLength(2);
    expect(dceJaxpr(closed.jaxpr, [false]).jaxpr.eqns).toHaveLength(0);
  });
});

const prims = (j: Jaxpr): string[] => j.eqns.map((e) => e.primitive);
const run = (closed: ClosedJaxpr, j: Jaxpr, ...args: NDArray[]): number[][] =>
  evalJaxpr(new ClosedJaxpr(j, closed.consts), ...args).map((o) => o.toTypedArray() as unknown as number[]).map((t) => Array.from(t));

describe("simplifyJaxpr", () => {
  it("removes exact identities: mul by 1, div by 1, integer_pow 1, same-type convert and reshape, identity and double transposes", () => {
    const m = np.arange(6).astype("float32").reshape([2, 3]);
    const closed = makeJaxpr((a: NDArray) =>
      lax.transpose(lax.transpose(lax.integerPow(lax.div(lax.mul(a, 1), 1), 1), [1, 0]), [1, 0]).reshape([2, 3]).astype("float32"),
    )(m);
    // simplify leaves the inner transpose dead; DCE removes it.
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    expect(prims(simple)).toEqual([]);
    typecheckJaxpr(simple);
    expect(run(closed, simple, m)).toEqual(run(closed, closed.jaxpr, m));
  });

  it("drops stop_gradient from the jaxpr a program runs (so the ops around it fuse), while gradients through jit still stop there", () => {
    const x = np.arange(4096).astype("float32").mul(0.001);
    const f = (a: NDArray) => np.sum(np.exp(lax.stopGradient(a.mul(2))).mul(a));
    const closed = makeJaxpr(f)(x);
    expect(prims(closed.jaxpr)).toContain("stop_gradient");
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    expect(prims(simple)).not.toContain("stop_gradient");
    expect(run(closed, simple, x)).toEqual(run(closed, closed.jaxpr, x));
    const before = config.get().backend;
    config.set({ backend: "wasm" });
    try {
      expect(jit(f).lower(x).asText()).toMatch(/1 steps, 1 fused kernel/);
      // d/da Σ exp(sg(2a))·a = exp(2a): the stopped branch contributes nothing
      const g = Array.from(jit(grad(f))(x).toTypedArray());
      const want = Array.from(np.exp(x.mul(2)).toTypedArray());
      g.forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 4));
      expect(Array.from(grad(jit(f))(x).toTypedArray())).toEqual(g);
    } finally {
      config.set({ backend: before });
    }
  });

  it("composes two transposes that are not inverse into one", () => {
    const t = np.arange(24).astype("float32").reshape([2, 3, 4]);
    const closed = makeJaxpr((a: NDArray) => lax.transpose(lax.transpose(a, [1, 2, 0]), [1, 2, 0]))(t);
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    expect(prims(simple)).toEqual(["transpose"]);
    expect(run(closed, simple, t)).toEqual(run(closed, closed.jaxpr, t));
  });

  it("turns the transpose of a matrix product into the product with swapped operands, batched too, unless the product is read elsewhere", () => {
    const a = np.arange(6).astype("float32").reshape([2, 3]);
    const b = np.arange(12).astype("float32").reshape([3, 4]);
    const closed = makeJaxpr((p: NDArray, q: NDArray) => lax.transpose(np.matmul(p, q), [1, 0]))(a, b);
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    expect(prims(simple)).toEqual(["dot_general"]);
    typecheckJaxpr(simple);
    expect(run(closed, simple, a, b)).toEqual(run(closed, closed.jaxpr, a, b));
    // batched: [batch, a free, b free] -> [batch, b free, a free]
    const ba = np.arange(12).astype("float32").reshape([2, 2, 3]);
    const bb = np.arange(24).astype("float32").reshape([2, 3, 4]);
    const batched = makeJaxpr((p: NDArray, q: NDArray) => lax.transpose(np.matmul(p, q), [0, 2, 1]))(ba, bb);
    const bsimple = dceJaxpr(simplifyJaxpr(batched.jaxpr), undefined, true).jaxpr;
    expect(prims(bsimple)).toEqual(["dot_general"]);
    expect(run(batched, bsimple, ba, bb)).toEqual(run(batched, batched.jaxpr, ba, bb));
    // a permutation that moves the batch axis is left alone, and so is a product used twice
    expect(prims(simplifyJaxpr(makeJaxpr((p: NDArray, q: NDArray) => lax.transpose(np.matmul(p, q), [1, 0, 2]))(ba, bb).jaxpr))).toContain("transpose");
    const twice = makeJaxpr((p: NDArray, q: NDArray) => {
      const m = np.matmul(p, q);
      return [lax.transpose(m, [1, 0]), m];
    })(a, b);
    expect(prims(dceJaxpr(simplifyJaxpr(twice.jaxpr), undefined, true).jaxpr)).toEqual(["dot_general", "transpose"]);
  });

  it("a matrix product reads a transposed operand untransposed (x·wᵀ and xᵀ·w): no transpose is left unless something else reads it", () => {
    const xm = np.arange(6).astype("float32").reshape([2, 3]).mul(0.5);
    const w = np.arange(12).astype("float32").reshape([4, 3]).sub(5);
    const xwT = makeJaxpr((p: NDArray, q: NDArray) => np.matmul(p, np.transpose(q)))(xm, w);
    const folded = dceJaxpr(simplifyJaxpr(xwT.jaxpr), undefined, true).jaxpr;
    expect(prims(folded)).toEqual(["dot_general"]);
    expect((folded.eqns[0]!.params as { dimension_numbers: unknown }).dimension_numbers).toEqual([[[1], [1]], [[], []]]);
    typecheckJaxpr(folded);
    expect(run(xwT, folded, xm, w)).toEqual(run(xwT, xwT.jaxpr, xm, w));
    // both operands, batched: (bᵀ per batch)·(c with its batch axis last)
    const bt = np.arange(24).astype("float32").reshape([2, 3, 4]).mul(0.25);
    const c = np.arange(30).astype("float32").reshape([3, 5, 2]).sub(7);
    const both = makeJaxpr((p: NDArray, q: NDArray) => lax.dotGeneral(lax.transpose(p, [0, 2, 1]), lax.transpose(q, [2, 0, 1]), [[[2], [1]], [[0], [0]]]))(bt, c);
    const both2 = dceJaxpr(simplifyJaxpr(both.jaxpr), undefined, true).jaxpr;
    expect(prims(both2)).toEqual(["dot_general"]);
    typecheckJaxpr(both2);
    expect(run(both, both2, bt, c)).toEqual(run(both, both.jaxpr, bt, c));
    // a transpose that reorders an operand's free axes changes the product's axes: kept
    const f3 = np.arange(24).astype("float32").reshape([2, 3, 4]);
    const reorder = makeJaxpr((p: NDArray, q: NDArray) => lax.dotGeneral(lax.transpose(p, [1, 0, 2]), q, [[[2], [0]], [[], []]]))(f3, w.reshape([4, 3]));
    expect(prims(dceJaxpr(simplifyJaxpr(reorder.jaxpr), undefined, true).jaxpr)).toEqual(["transpose", "dot_general"]);
    // a transpose read elsewhere too stays for that reader; the product still reads w itself
    const shared = makeJaxpr((p: NDArray, q: NDArray) => {
      const qT = np.transpose(q);
      return [np.matmul(p, qT), qT];
    })(xm, w);
    const s2 = dceJaxpr(simplifyJaxpr(shared.jaxpr), undefined, true).jaxpr;
    expect(prims(s2).sort()).toEqual(["dot_general", "transpose"]);
    expect(s2.eqns.find((e) => e.primitive === "dot_general")!.inputs[1]).toBe(shared.jaxpr.inVars[1]);
    expect(run(shared, s2, xm, w)).toEqual(run(shared, shared.jaxpr, xm, w));
    // under jit: the lowered program has the product alone, and equals eager
    const lin = (p: NDArray, q: NDArray) => np.matmul(p, np.transpose(q));
    const lowered = jit(lin).lower(xm, w);
    expect(prims(lowered.optimized.jaxpr)).toEqual(["dot_general"]);
    expect(Array.from(jit(lin)(xm, w).toTypedArray())).toEqual(Array.from(lin(xm, w).toTypedArray()));
  });

  it("a transpose that only moves size-1 axes becomes a reshape; one past size-1 axes or unit-axis reshapes of a product still swaps it (a Hessian's program has no transpose)", () => {
    const t = np.arange(12).astype("float32").reshape([3, 1, 4]);
    const moved = makeJaxpr((a: NDArray) => lax.transpose(a, [1, 0, 2]))(t);
    const simple = simplifyJaxpr(moved.jaxpr);
    expect(prims(simple)).toEqual(["reshape"]);
    expect(run(moved, simple, t)).toEqual(run(moved, moved.jaxpr, t));
    // [a1, z0, 1, 1] → [z0, 1, a1, 1]: the free axes swapped, size-1 axes aside
    const a = np.arange(12).astype("float32").reshape([3, 4]);
    const z = np.arange(15).astype("float32").reshape([5, 1, 3, 1]);
    const prod = makeJaxpr((p: NDArray, q: NDArray) => lax.transpose(lax.dotGeneral(p, q, [[[0], [2]], [[], []]]), [1, 2, 0, 3]))(a, z);
    const swapped = dceJaxpr(simplifyJaxpr(prod.jaxpr), undefined, true).jaxpr;
    expect(prims(swapped)).toEqual(["dot_general", "reshape"]);
    typecheckJaxpr(swapped);
    expect(run(prod, swapped, a, z)).toEqual(run(prod, prod.jaxpr, a, z));
    // through reshapes that only drop size-1 axes
    const through = makeJaxpr((p: NDArray, q: NDArray) => lax.transpose(lax.dotGeneral(p, q, [[[0], [2]], [[], []]]).reshape([4, 5]), [1, 0]))(a, z);
    const t2 = dceJaxpr(simplifyJaxpr(through.jaxpr), undefined, true).jaxpr;
    expect(prims(t2)).not.toContain("transpose");
    expect(run(through, t2, a, z)).toEqual(run(through, through.jaxpr, a, z));
    // the Hessian of Σ tanh(A·x): its staged program transposes products three times; none is left
    const A = np.arange(36).astype("float32").reshape([6, 6]).mul(0.05);
    const h = hessian((v: NDArray) => np.sum(np.tanh(np.matmul(A, v))));
    const v0 = np.arange(6).astype("float32").mul(0.1);
    expect(prims(optimizeJaxpr(makeJaxpr(h)(v0).jaxpr))).not.toContain("transpose");
    const lowered = jit(h).lower(v0);
    expect(prims(lowered.optimized.jaxpr)).not.toContain("transpose");
  });

  it("keeps float x + 0 (−0 + 0 is +0) but drops x + (−0) and integer x + 0", () => {
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => lax.add(a, 0))(x).jaxpr))).toEqual(["add"]);
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => lax.add(a, -0))(x).jaxpr))).toEqual([]);
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => lax.add(a, 0))(array([1, 2], { dtype: "int32" })).jaxpr))).toEqual([]);
    const negZero = makeJaxpr((a: NDArray) => lax.add(a, 0))(array([-0]));
    expect(Object.is(run(negZero, simplifyJaxpr(negZero.jaxpr), array([-0]))[0]![0], 0)).toBe(true);
  });

  it("keeps complex x·1, x/1 and x + 0 (an infinite part makes the other NaN), and matches eager under jit", () => {
    const z = array([{ re: Number.NaN, im: Number.NEGATIVE_INFINITY }, { re: Number.POSITIVE_INFINITY, im: 2 }], { dtype: "complex64" });
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => np.multiply(a, true as never))(z).jaxpr))).toContain("mul");
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => np.divide(a, 1))(z).jaxpr))).toContain("div");
    expect(prims(simplifyJaxpr(makeJaxpr((a: NDArray) => np.add(a, 0))(z).jaxpr))).toContain("add");
    for (const f of [(a: NDArray) => np.multiply(a, true as never), (a: NDArray) => np.divide(a, 1), (a: NDArray) => np.add(a, 0)]) {
      expect(Array.from(jit(f)(z).toTypedArray())).toEqual(Array.from(f(z).toTypedArray()));
    }
  });

  it("reads a broadcast scalar constant as a rank-0 operand, leaving the broadcast dead", () => {
    const m = np.arange(6).astype("float32").reshape([2, 3]);
    // lax.broadcastInDim of a literal scalar to the full shape, then a binary op with a full operand
    const closed = makeJaxpr((a: NDArray) => lax.mul(a, lax.broadcastInDim(array(2.5, { dtype: "float32" }), [2, 3], [])))(m);
    expect(prims(closed.jaxpr)).toContain("broadcast_in_dim");
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    expect(prims(simple)).toEqual(["mul"]);
    const operand = simple.eqns[0]!.inputs[1]!;
    expect(operand).toBeInstanceOf(Literal);
    expect(operand.aval.shape).toEqual([]);
    typecheckJaxpr(simple);
    expect(run(closed, simple, m)).toEqual(run(closed, closed.jaxpr, m));
  });

  it("folds scalar constants into literals", () => {
    const closed = makeJaxpr((a: NDArray) => a.mul(lax.add(lax.mul(array(2), 3), 1)))(x);
    const simple = simplifyJaxpr(closed.jaxpr);
    expect(prims(simple)).toEqual(["mul"]);
    expect(run(closed, simple, x)).toEqual(run(closed, closed.jaxpr, x));
  });
});

/** A permutation of 0..n−1 from fast-check's draws (one per position, Fisher–Yates). */
const permutationOf = (n: number, draws: readonly number[]): number[] => {
  const p = [...Array(n).keys()];
  for (let i = n - 1; i > 0; i--) {
    const j = draws[i]! % (i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
};

describe("a product of transposed operands", () => {
  // Each operand is stored in one layout and transposed by `perm` before a dot_general whose
  // axes (batch, free, contracting) sit anywhere: simplified, the product reads the stored
  // layout with its dimension numbers renamed, wherever that leaves its axes in place.
  const side = fc.record({ free: fc.integer({ min: 0, max: 2 }), order: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), perm: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }) });
  const space = fc.record({ batch: fc.integer({ min: 0, max: 1 }), contract: fc.integer({ min: 1, max: 2 }), lhs: side, rhs: side });
  test.prop([space], { numRuns: 200 })("gives the unsimplified program's values bit for bit, and folds every transpose that keeps the free axes' order", ({ batch, contract, lhs, rhs }) => {
    const sizes = { batch: [2], contract: [3, 2] };
    const build = (s: typeof lhs, freeSizes: readonly number[]) => {
      // roles in logical axis order: b (batch), f (free, in order), k (contracting, in order)
      const roles = [...Array(batch).fill("b"), ...Array(s.free).fill("f"), ...Array(contract).fill("k")] as string[];
      const order = permutationOf(roles.length, s.order);
      const logicalRoles = order.map((i) => roles[i]!);
      // the free axes keep their relative order (the product's axes follow them)
      let [f, k, b] = [0, 0, 0];
      const logicalShape: number[] = [];
      const axisOf = { b: [] as number[], k: [] as number[] };
      logicalRoles.forEach((r, d) => {
        if (r === "b") {
          axisOf.b.push(d);
          logicalShape.push(sizes.batch[b++]!);
        } else if (r === "k") {
          axisOf.k.push(d);
          logicalShape.push(sizes.contract[k++]!);
        } else logicalShape.push(freeSizes[f++]!);
      });
      const perm = permutationOf(roles.length, s.perm);
      // stored axis perm[d] is logical axis d
      const stored = new Array<number>(roles.length);
      perm.forEach((p, d) => (stored[p] = logicalShape[d]!));
      const count = stored.reduce((a, n) => a * n, 1);
      const data = np.arange(count).astype("float32").mul(0.5).sub(count / 4).reshape(stored);
      return { data, perm, axisOf };
    };
    const l = build(lhs, [4, 5]);
    const r = build(rhs, [3, 2]);
    // k axes pair in order (sizes match by construction); b axes likewise
    const dims: [[number[], number[]], [number[], number[]]] = [[l.axisOf.k, r.axisOf.k], [l.axisOf.b, r.axisOf.b]];
    const closed = makeJaxpr((p: NDArray, q: NDArray) => lax.dotGeneral(lax.transpose(p, l.perm), lax.transpose(q, r.perm), dims))(l.data, r.data);
    const simple = dceJaxpr(simplifyJaxpr(closed.jaxpr), undefined, true).jaxpr;
    typecheckJaxpr(simple);
    expect(run(closed, simple, l.data, r.data)).toEqual(run(closed, closed.jaxpr, l.data, r.data));
    // free axes in order (stored axis of each logical free axis increasing): that transpose is gone
    const keepsFree = (s: { perm: number[]; axisOf: { b: number[]; k: number[] } }) => {
      const named = new Set([...s.axisOf.b, ...s.axisOf.k]);
      const free = s.perm.filter((_, d) => !named.has(d));
      return free.every((a, i) => i === 0 || a > free[i - 1]!);
    };
    const expected = [l, r].filter((s) => !keepsFree(s) && !s.perm.every((p, i) => p === i)).length;
    expect(prims(simple).filter((p) => p === "transpose").length).toBe(expected);
  });
});

describe("cseJaxpr and optimizeJaxpr", () => {
  it("computes a repeated subexpression once", () => {
    const closed = makeJaxpr((a: NDArray) => np.sin(a).add(np.sin(a)).mul(np.sin(a)))(x);
    expect(prims(closed.jaxpr).filter((p) => p === "sin")).toHaveLength(3);
    const once = cseJaxpr(closed.jaxpr);
    expect(prims(once).filter((p) => p === "sin")).toHaveLength(1);
    expect(run(closed, once, x)).toEqual(run(closed, closed.jaxpr, x));
  });

  it("merges a commutative operation with its operands swapped (a·½ and ½·a), and not max or min", () => {
    const closed = makeJaxpr((a: NDArray) => {
      const b = np.cos(a);
      return [lax.mul(a, b).add(lax.mul(b, a)), lax.add(a, b).mul(lax.add(b, a)), lax.max(a, b).sub(lax.max(b, a)), lax.min(a, b).sub(lax.min(b, a))];
    })(x);
    const once = cseJaxpr(closed.jaxpr);
    const count = (p: string) => prims(once).filter((q) => q === p).length;
    // (the outer add and mul of the first two results are kept: their operands differ)
    expect([count("mul"), count("add"), count("max"), count("min")]).toEqual([2, 2, 2, 2]);
    expect(run(closed, once, x)).toEqual(run(closed, closed.jaxpr, x));
    // max(+0, −0) is −0 and max(−0, +0) is +0: swapping max's operands is not the same value.
    const zeros: [NDArray, NDArray] = [array([0, -0], { dtype: "float32" }), array([-0, 0], { dtype: "float32" })];
    const z = makeJaxpr((p: NDArray, q: NDArray) => [lax.max(p, q), lax.max(q, p)])(...zeros);
    const kept = cseJaxpr(z.jaxpr);
    expect(prims(kept)).toEqual(["max", "max"]);
    const signs = (rows: number[][]) => rows.map((r) => r.map((v) => Object.is(v, -0)));
    expect(signs(run(z, kept, ...zeros))).toEqual(signs(run(z, z.jaxpr, ...zeros)));
    expect(signs(run(z, z.jaxpr, ...zeros))).toEqual([[true, false], [false, true]]);
  });

  it("does not merge equations whose params differ", () => {
    const m = np.ones([2, 3]);
    const closed = makeJaxpr((a: NDArray) => np.sum(a, { axis: 0 }).sum().add(np.sum(a, { axis: 1 }).sum()))(m);
    expect(prims(cseJaxpr(closed.jaxpr)).filter((p) => p === "reduce_sum")).toHaveLength(4);
  });

  it.each(programs)("optimizing what %s produces keeps it well typed and its values equal", (_name, make) => {
    const closed = make();
    const optimized = optimizeJaxpr(closed.jaxpr);
    expect(optimized.eqns.length).toBeLessThanOrEqual(closed.jaxpr.eqns.length);
    typecheckJaxpr(optimized);
    const args = closed.jaxpr.inVars.map((v) => np.ones(v.aval.shape as number[], v.aval.dtype).mul(0.5));
    expect(run(closed, optimized, ...args)).toEqual(run(closed, closed.jaxpr, ...args));
  });
});
