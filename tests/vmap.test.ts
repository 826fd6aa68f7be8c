// vmap's contract (JAX's semantics): inAxes/outAxes as numbers, null or pytree prefixes,
// negative axes, pytree arguments and outputs, JS numbers; composition with grad, jvp/vjp,
// jacobians, jit, nested vmap, custom rules and checkpoint; and the errors it raises.
// The reference is always the plain loop: slice each batched input, call f, stack.
import { ArgumentError, array, config, JaxtsError, lax, makeJaxpr, type NDArray, NDArray as NDArrayClass, np, ones, ShapeError, tree, zeros } from "@jaxts/core";
import {
  checkpoint,
  customJvp,
  customVjp,
  grad,
  hessian,
  jacfwd,
  jacrev,
  jit,
  jvp,
  valueAndGrad,
  vjp,
  vmap,
} from "@jaxts/transforms";
import { arrayArb, pytreeArb, shapeArb } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { batchAt, expectTreeClose, loopVmap, sliceAt, stackTrees } from "./vmap-helpers.js";

// float64 from the start: the fixtures below are built when the file is collected.
config.set({ defaultFloat: "float64" });
afterAll(() => config.set({ defaultFloat: "float32" }));

const arr = (x: unknown): NDArray => x as NDArray;
/** A fixed, non-symmetric batch of examples: xs[i, j] = sin(1 + 3i + j) (shape [n, m]). */
const grid = (n: number, m: number, k = 1): NDArray => np.sin(np.reshape(np.arange(k, k + n * m), [n, m]).mul(0.7));

describe("inAxes", () => {
  const xs = grid(4, 3);
  const ys = grid(4, 3, 20);
  const f = (x: NDArray, y: NDArray) => np.sum(np.multiply(np.tanh(x), y));

  it("defaults to 0 for every leaf of every argument", () => {
    expectTreeClose(vmap(f)(xs, ys), loopVmap(f, [0, 0], [xs, ys]));
    const g = (p: { a: NDArray; b: NDArray[] }) => np.add(p.a, p.b[0]!.mul(p.b[1]!));
    const got = vmap(g)({ a: xs, b: [ys, xs] });
    const want = stackTrees([0, 1, 2, 3].map((i) => g({ a: sliceAt(xs, i, 0), b: [sliceAt(ys, i, 0), sliceAt(xs, i, 0)] })));
    expectTreeClose(got, want);
  });

  it("a single number applies to every argument and leaf; negative axes count from the end", () => {
    const want = loopVmap(f, [0, 0], [xs, ys]);
    expectTreeClose(vmap(f, { inAxes: 1 })(xs.T, ys.T), want);
    expectTreeClose(vmap(f, { inAxes: -1 })(xs.T, ys.T), want);
    expectTreeClose(vmap(f, { inAxes: -2 })(xs, ys), want);
    const x3 = np.reshape(np.arange(24), [2, 3, 4]);
    expectTreeClose(vmap((x: NDArray) => np.sum(x, { axis: 0 }), { inAxes: -1 })(x3), loopVmap((x: NDArray) => np.sum(x, { axis: 0 }), [2], [x3]));
  });

  it("one entry per positional argument, null for unbatched ones", () => {
    const w = array([0.5, -1, 2]);
    expectTreeClose(vmap(f, { inAxes: [0, null] })(xs, w), loopVmap(f, [0, null], [xs, w]));
    expectTreeClose(vmap(f, { inAxes: [null, 0] })(w, ys), loopVmap(f, [null, 0], [w, ys]));
    expectTreeClose(vmap(f, { inAxes: [1, 0] })(xs.T, ys), loopVmap(f, [0, 0], [xs, ys]));
    expectTreeClose(vmap(f, { inAxes: [-1, null] })(xs.T, w), loopVmap(f, [0, null], [xs, w]));
  });

  it("pytree arguments with a nested prefix: {w: null, b: 0} and a list with [1, null]", () => {
    type P = { w: NDArray; b: NDArray };
    const g = (p: P, pair: [NDArray, NDArray]) => np.add(np.matmul(pair[0], p.w), p.b).mul(pair[1]);
    const W = grid(3, 2, 50);
    const bs = grid(4, 2, 70);
    const scale = array(1.5);
    const got = vmap(g, { inAxes: [{ w: null, b: 0 }, [1, null]] })({ w: W, b: bs }, [xs.T, scale]);
    const want = stackTrees([0, 1, 2, 3].map((i) => g({ w: W, b: sliceAt(bs, i, 0) }, [sliceAt(xs, i, 0), scale])));
    expectTreeClose(got, want);
  });

  it("a prefix leaf covers a whole subtree (inAxes [0] for an object argument, [null, 1] for a list)", () => {
    const g = (p: { a: NDArray; b: { c: NDArray } }, q: [NDArray, NDArray]) => np.add(np.sum(p.a), np.sum(p.b.c)).add(np.sum(q[1].mul(q[0])));
    const got = vmap(g, { inAxes: [0, [null, 1]] })({ a: xs, b: { c: ys } }, [array([1, 2, 3]), ys.T]);
    const want = stackTrees([0, 1, 2, 3].map((i) => g({ a: sliceAt(xs, i, 0), b: { c: sliceAt(ys, i, 0) } }, [array([1, 2, 3]), sliceAt(ys, i, 0)])));
    expectTreeClose(got, want);
    // The same with one spec for the whole object and a spec object naming every key.
    const got2 = vmap(g, { inAxes: [{ a: 0, b: { c: 0 } }, [null, -1]] })({ a: xs, b: { c: ys } }, [array([1, 2, 3]), ys.T]);
    expectTreeClose(got2, want);
  });

  it("JS numbers as unbatched arguments, and as leaves of unbatched pytrees", () => {
    const g = (x: NDArray, s: NDArray) => x.mul(s).add(1);
    expectTreeClose(vmap(g, { inAxes: [0, null] })(xs, 3), stackTrees([0, 1, 2, 3].map((i) => g(sliceAt(xs, i, 0), array(3)))));
    const h = (x: NDArray, opts: { lr: NDArray; decay: NDArray }) => x.mul(opts.lr).sub(opts.decay);
    expectTreeClose(
      vmap(h, { inAxes: [0, null] })(xs, { lr: 0.5, decay: 2 }),
      stackTrees([0, 1, 2, 3].map((i) => h(sliceAt(xs, i, 0), { lr: array(0.5), decay: array(2) }))),
    );
  });

  it("null and undefined arguments are empty pytrees", () => {
    const g = (x: NDArray, nothing: null, also?: undefined) => {
      expect(nothing).toBeNull();
      expect(also).toBeUndefined();
      return np.sin(x);
    };
    expectTreeClose(vmap(g)(xs, null, undefined), np.sin(xs));
    expectTreeClose(vmap(g, { inAxes: [0, null, null] })(xs, null, undefined), np.sin(xs));
  });

  it("inside f the arguments are NDArrays with the per-example shape", () => {
    const seen: unknown[] = [];
    vmap(
      (x: NDArray, y: NDArray, z: NDArray) => {
        seen.push(x instanceof NDArrayClass, x.shape, x.ndim, x.size, y.shape, z.shape, x.dtype);
        return x;
      },
      { inAxes: [2, null, -1] },
    )(zeros([2, 3, 5]), zeros([7]), zeros([5]));
    expect(seen).toEqual([true, [2, 3], 2, 6, [7], [], "float64"]);
  });

  it("a function of several inputs batched on different axes, batch of size 1", () => {
    const a = grid(1, 3);
    const b = grid(3, 1, 9);
    expectTreeClose(vmap(f, { inAxes: [0, 1] })(a, b), loopVmap(f, [0, 1], [a, b]));
  });

  it("a batch of size 0 gives empty results, even through loop-based rules (no TypeError)", () => {
    const e = zeros([0, 3]);
    expect(arr(vmap((x: NDArray) => np.sum(np.sin(x)))(e)).shape).toEqual([0]);
    expect(arr(vmap((x: NDArray) => np.matmul(x, ones([3, 2])))(e)).shape).toEqual([0, 2]);
    // batched scatter indices, doubly-batched gather and a batched padding value are loops
    const idx = zeros([0, 2], "int32");
    expect(arr(vmap((x: NDArray, i: NDArray) => np.at(x, i).add(1))(e, idx)).shape).toEqual([0, 3]);
    expect(arr(vmap((x: NDArray, i: NDArray) => np.take(x, i))(e, idx)).shape).toEqual([0, 2]);
    expect(arr(vmap((x: NDArray, v: NDArray) => lax.pad(x, v, [[1, 1, 0]]))(e, zeros([0]))).shape).toEqual([0, 5]);
  });

  it("property: any pytree whose leaves share a leading batch size maps like the loop", () => {
    const batched = fc.integer({ min: 1, max: 3 }).chain((n) =>
      fc.tuple(
        fc.constant(n),
        pytreeArb(arrayArb({ shape: shapeArb({ maxRank: 2, maxDim: 3 }).map((s) => [n, ...s]) }), { maxDepth: 2, maxChildren: 3 }).filter(
          (t) => tree.leaves(t).length > 0,
        ),
      ),
    );
    const g = (t: unknown) => tree.map((l) => np.sin(l as NDArray).mul(np.sum(l as NDArray)), t);
    fc.assert(
      fc.property(batched, ([n, t]) => {
        const [leaves, def] = tree.flatten(t);
        const want = stackTrees(Array.from({ length: n }, (_, i) => g(tree.unflatten(def, leaves.map((l) => sliceAt(l as NDArray, i, 0))))));
        expectTreeClose(vmap(g)(t), want);
      }),
      { numRuns: 25 },
    );
  });

  it("property: random in and out axes of an array of random rank", () => {
    const cases = shapeArb({ minRank: 1, maxRank: 3, maxDim: 3 }).chain((s) =>
      fc.tuple(arrayArb({ shape: s }), fc.integer({ min: -s.length, max: s.length - 1 }), fc.integer({ min: -s.length, max: s.length - 1 })),
    );
    const g = (x: NDArray) => (x.ndim === 0 ? np.sin(x) : np.cumsum(np.sin(x), { axis: -1 })).mul(np.max(x));
    fc.assert(
      fc.property(cases, ([x, inAxis, outAxis]) => {
        const perExample = np.moveaxis(x, inAxis, 0);
        const want = batchAt(arr(loopVmap(g, [0], [perExample])), outAxis);
        expectTreeClose(vmap(g, { inAxes: inAxis, outAxes: outAxis })(x), want);
      }),
      { numRuns: 40 },
    );
  });
});

describe("outAxes", () => {
  const xs = grid(4, 3);
  const loop = (g: (x: NDArray) => unknown) => loopVmap(g, [0], [xs]);

  it("outAxes 1 and -1 put the batch axis there", () => {
    const g = (x: NDArray) => np.outer(x, np.arange(2));
    const want = arr(loop(g));
    expectTreeClose(vmap(g, { outAxes: 1 })(xs), np.moveaxis(want, 0, 1));
    expectTreeClose(vmap(g, { outAxes: -1 })(xs), np.moveaxis(want, 0, -1));
    expectTreeClose(vmap(g, { outAxes: 2 })(xs), np.moveaxis(want, 0, 2));
    expectTreeClose(vmap(g, { outAxes: 0 })(xs), want);
  });

  it("a pytree prefix for pytree outputs", () => {
    const g = (x: NDArray) => ({ s: np.sum(x), v: np.flip(x), m: [np.outer(x, x), x.mul(2)] });
    const want = loop(g) as { s: NDArray; v: NDArray; m: [NDArray, NDArray] };
    const got = vmap(g, { outAxes: { s: 0, v: 1, m: [-1, 0] } })(xs);
    expectTreeClose(got, { s: want.s, v: want.v.T, m: [np.moveaxis(want.m[0], 0, -1), want.m[1]] });
    expectTreeClose(vmap(g, { outAxes: { s: 0, v: -1, m: 1 } })(xs), { s: want.s, v: want.v.T, m: [np.moveaxis(want.m[0], 0, 1), want.m[1].T] });
  });

  it("an unbatched output with a numeric outAxes is broadcast along the batch", () => {
    const c = array([1, 2]);
    const g = (x: NDArray) => [np.sum(x), c.mul(3)];
    const got = vmap(g)(xs) as NDArray[];
    expectTreeClose(got[1], np.broadcastTo(array([3, 6]), [4, 2]));
    const got1 = vmap(g, { outAxes: [0, 1] })(xs) as NDArray[];
    expectTreeClose(got1[1], np.broadcastTo(array([[3], [6]]), [2, 4]));
    const gotNeg = vmap(g, { outAxes: [0, -1] })(xs) as NDArray[];
    expectTreeClose(gotNeg[1], np.broadcastTo(array([[3], [6]]), [2, 4]));
    // a JS number output and an output that ignores the inputs
    const one = arr(vmap((_x: NDArray) => 1)(xs));
    expect(one.shape).toEqual([4]);
    expect(Array.from(one.toTypedArray(), Number)).toEqual([1, 1, 1, 1]);
    expectTreeClose(vmap((_x: NDArray) => np.ones([2]), { outAxes: 1 })(xs), np.ones([2, 4]));
  });

  it("outAxes null returns an unbatched output as is (no batch axis)", () => {
    const c = array([1, 2]);
    const g = (x: NDArray) => [np.sum(x), c.mul(3)];
    const got = vmap(g, { outAxes: [0, null] })(xs) as NDArray[];
    expectTreeClose(got[0], loop((x) => np.sum(x)));
    expectTreeClose(got[1], array([3, 6]));
    // top-level null: every output must be unbatched, and comes back without a batch axis
    expectTreeClose(vmap((_x: NDArray) => c.mul(2), { outAxes: null })(xs), array([2, 4]));
    expectTreeClose(vmap((_x: NDArray) => ({ a: c, b: [c.sum()] }), { outAxes: null })(xs), { a: c, b: [array(3)] });
  });
});

describe("composition with the other transformations", () => {
  type Params = { W: NDArray; b: NDArray };
  const params: Params = { W: grid(3, 2, 30), b: array([0.1, -0.2]) };
  const X = grid(5, 3);
  const Y = grid(5, 2, 40);
  const loss = (p: Params, x: NDArray, y: NDArray) => np.sum(np.square(np.tanh(np.add(np.matmul(x, p.W), p.b)).sub(y)));
  const rows = (n: number) => Array.from({ length: n }, (_, i) => i);

  it("vmap(grad(f)) gives per-example gradients, equal to a loop of grad", () => {
    const got = vmap(grad(loss), { inAxes: [null, 0, 0] })(params, X, Y);
    const want = stackTrees(rows(5).map((i) => grad(loss)(params, sliceAt(X, i, 0), sliceAt(Y, i, 0))));
    expectTreeClose(got, want);
    // their mean is the gradient of the mean loss
    const mean = tree.map((g) => np.mean(g as NDArray, { axis: 0 }), got);
    const batchLoss = (p: Params) => np.mean(arr(vmap(loss, { inAxes: [null, 0, 0] })(p, X, Y)));
    expectTreeClose(mean, grad(batchLoss)(params));
  });

  it("vmap(grad(f, { argnums })) with examples on axis 1 and valueAndGrad", () => {
    const got = vmap(valueAndGrad(loss, { argnums: [0, 1] }), { inAxes: [null, 1, 1] })(params, X.T, Y.T);
    const want = stackTrees(rows(5).map((i) => valueAndGrad(loss, { argnums: [0, 1] })(params, sliceAt(X, i, 0), sliceAt(Y, i, 0))));
    expectTreeClose(got, want);
  });

  it("grad(x => sum(vmap(f)(x))) equals the loop of per-example gradients", () => {
    const f = (x: NDArray) => np.sum(np.sin(x).mul(x)).mul(np.max(x));
    const want = stackTrees(rows(5).map((i) => grad(f)(sliceAt(X, i, 0))));
    expectTreeClose(grad((x: NDArray) => np.sum(vmap(f)(x)))(X), want);
    expectTreeClose(grad((x: NDArray) => np.sum(vmap(f, { inAxes: 1 })(x)))(X.T), arr(want).T);
  });

  it("grad through vmap to an unbatched parameter sums the per-example gradients", () => {
    const f = (W: NDArray) => np.sum(vmap((x: NDArray) => np.tanh(np.matmul(x, W)))(X));
    const want = rows(5)
      .map((i) => grad((W: NDArray) => np.sum(np.tanh(np.matmul(sliceAt(X, i, 0), W))))(params.W))
      .reduce((a, b) => np.add(a, b));
    expectTreeClose(grad(f)(params.W), want);
    // a closure over the differentiated value inside the mapped function
    const w = array(0.7);
    expectTreeClose(grad((w: NDArray) => np.sum(vmap((x: NDArray) => np.sin(x.mul(w)))(X)))(w), np.sum(np.cos(X.mul(w)).mul(X)));
  });

  it("vmap(jvp) and a Jacobian through vmap of a vjp (jacrev) and of jvp (jacfwd, outAxes 1)", () => {
    const f = (x: NDArray) => np.concatenate([np.sin(x).mul(np.sum(x)), np.cumsum(x)]);
    const x = array([0.3, -1.2, 2.0]);
    const J = jacrev(f)(x);
    expect(arr(J).shape).toEqual([6, 3]);
    const [, pull] = vjp(f, x);
    expectTreeClose(vmap((ct: NDArray) => pull(ct)[0])(np.eye(6)), J);
    const push = (t: NDArray) => jvp(f, [x], [t])[1];
    expectTreeClose(vmap(push, { outAxes: 1 })(np.eye(3)), J);
    expectTreeClose(jacfwd(f)(x), J);
    // per-example directional derivatives
    const T = grid(5, 3, 90);
    const got = vmap((xi: NDArray, ti: NDArray) => jvp(f, [xi], [ti]), { inAxes: 0 })(X, T);
    const want = stackTrees(rows(5).map((i) => jvp(f, [sliceAt(X, i, 0)], [sliceAt(T, i, 0)])));
    expectTreeClose(got, want);
  });

  it("vmap of jacobians and Hessians: per-example second derivatives", () => {
    const f = (x: NDArray) => np.sum(np.sin(x).mul(np.square(x))).add(np.prod(x));
    expectTreeClose(vmap(hessian(f))(X), stackTrees(rows(5).map((i) => hessian(f)(sliceAt(X, i, 0)))));
    expectTreeClose(vmap(jacrev(jacfwd(f)), { inAxes: 1 })(X.T), stackTrees(rows(5).map((i) => hessian(f)(sliceAt(X, i, 0)))));
    const g = (x: NDArray) => np.sum(np.exp(x.mul(0.5)));
    expectTreeClose(vmap(grad(grad((x: NDArray) => g(x))))(X.reshape([-1])), np.exp(X.reshape([-1]).mul(0.5)).mul(0.25));
  });

  it("vmap(vmap(f)): two batch dimensions, equal to a double loop", () => {
    const f = (x: NDArray, y: NDArray) => np.dot(np.sin(x), y);
    const xs = np.reshape(np.sin(np.arange(24)), [2, 4, 3]);
    const ys = np.reshape(np.cos(np.arange(24)), [2, 4, 3]);
    const want = stackTrees([0, 1].map((a) => stackTrees([0, 1, 2, 3].map((b) => f(sliceAt(sliceAt(xs, a, 0), b, 0), sliceAt(sliceAt(ys, a, 0), b, 0))))));
    expectTreeClose(vmap(vmap(f))(xs, ys), want);
    // inner over axis 1 of the per-example value, outer over the last axis, output transposed
    expectTreeClose(vmap(vmap(f, { inAxes: 1 }), { inAxes: -1, outAxes: 1 })(np.moveaxis(xs, 0, -1).transpose([1, 0, 2]), np.moveaxis(ys, 0, -1).transpose([1, 0, 2])), arr(want).T);
  });

  it("vmap(vmap(f)) with crossed unbatched arguments: all pairs", () => {
    const dist = (x: NDArray, y: NDArray) => np.sqrt(np.sum(np.square(x.sub(y))));
    const A = grid(3, 2);
    const Bm = grid(4, 2, 11);
    const pairs = vmap(vmap(dist, { inAxes: [0, null] }), { inAxes: [null, 0] })(A, Bm);
    expect(arr(pairs).shape).toEqual([4, 3]);
    const want = stackTrees([0, 1, 2, 3].map((j) => stackTrees([0, 1, 2].map((i) => dist(sliceAt(A, i, 0), sliceAt(Bm, j, 0))))));
    expectTreeClose(pairs, want);
  });

  it("closures over batched values: nested vmap, grad and jit inside vmap, vmap inside jit", () => {
    const xs = array([1, 2, 3]);
    const ys = array([10, 20]);
    expectTreeClose(vmap((x: NDArray) => vmap((y: NDArray) => x.mul(y))(ys))(xs), np.outer(xs, ys));
    // the inner function returns only the outer value: broadcast along the inner batch
    expectTreeClose(vmap((x: NDArray) => vmap((_y: NDArray) => x)(ys))(xs), np.broadcastTo(np.expandDims(xs, 1), [3, 2]));
    expectTreeClose(vmap((x: NDArray) => vmap((y: NDArray) => x.add(y))(ys), { outAxes: 1 })(xs), np.add(np.expandDims(ys, 1), xs));
    // d/dw sin(w·x) at w = 0.5, for each x
    expectTreeClose(vmap((x: NDArray) => grad((w: NDArray) => np.sin(w.mul(x)))(0.5))(xs), np.cos(xs.mul(0.5)).mul(xs));
    expectTreeClose(vmap((x: NDArray) => jit((y: NDArray) => y.mul(x))(ys))(xs), np.outer(xs, ys));
    expectTreeClose(jit((a: NDArray) => vmap((x: NDArray) => x.mul(a))(xs))(array(2)), array([2, 4, 6]));
    expectTreeClose(vmap((a: NDArray) => jacrev((x: NDArray) => x.mul(a))(array([1, 2])))(xs), np.multiply(np.eye(2), np.reshape(xs, [3, 1, 1])));
  });

  it("dtypes are kept: float32, int32 and bool inputs", () => {
    const f32 = array([[1, 2], [3, 4]], { dtype: "float32" });
    expect(arr(vmap((x: NDArray) => np.sum(x.mul(2)))(f32)).dtype).toBe("float32");
    expect(arr(vmap((x: NDArray) => x.add(1))(array([1, 2], { dtype: "int32" }))).dtype).toBe("int32");
    expect(arr(vmap((x: NDArray) => np.logicalNot(x))(array([true, false]))).dtype).toBe("bool");
    expect(arr(vmap((x: NDArray) => np.argmax(x))(f32)).dtype).toBe("int32");
  });

  it("jit(vmap(f)) and vmap(jit(f)) equal the loop, for several batch sizes", () => {
    const f = (x: NDArray, w: NDArray) => nn_like(np.matmul(x, w));
    const nn_like = (z: NDArray) => np.where(np.greater(z, 0), z, np.exp(z).sub(1));
    const W = params.W;
    const jv = jit(vmap(f, { inAxes: [0, null] }));
    const vj = vmap(jit(f), { inAxes: [0, null] });
    for (const n of [5, 2, 5]) {
      const x = np.slice(X, [0, 0], [n, 3]);
      const want = loopVmap(f, [0, null], [x, W]);
      expectTreeClose(jv(x, W), want);
      expectTreeClose(vj(x, W), want);
    }
    // the jitted function also keeps working unbatched
    const jf = jit(f);
    expectTreeClose(jf(sliceAt(X, 0, 0), W), f(sliceAt(X, 0, 0), W));
    expectTreeClose(vmap(jf, { inAxes: [0, null] })(X, W), loopVmap(f, [0, null], [X, W]));
    expectTreeClose(jit(vmap(grad(loss), { inAxes: [null, 0, 0] }))(params, X, Y), vmap(grad(loss), { inAxes: [null, 0, 0] })(params, X, Y));
    expectTreeClose(vmap(jit(grad(loss)), { inAxes: [null, 0, 0] })(params, X, Y), vmap(grad(loss), { inAxes: [null, 0, 0] })(params, X, Y));
  });

  it("vmap of a customJvp function: values, and its rule under grad in both orders", () => {
    // the rule deliberately differs from the true derivative, so using it is visible
    const f = customJvp(
      (x: NDArray) => np.sin(x),
      ([x], [t]) => [np.sin(x as NDArray), (t as NDArray).mul(10)],
    );
    const xs = X.reshape([-1]);
    expectTreeClose(vmap(f)(xs), np.sin(xs));
    expectTreeClose(vmap(grad(f))(xs), np.full([15], 10));
    expectTreeClose(grad((x: NDArray) => np.sum(vmap(f)(x)))(xs), np.full([15], 10));
    expectTreeClose(grad((x: NDArray) => np.sum(vmap((r: NDArray) => f(r).mul(r))(x)))(X), np.sin(X).add(X.mul(10)));
    expectTreeClose(vmap((x: NDArray) => jvp(f, [x], [np.onesLike(x)])[1])(X), np.full([5, 3], 10));
  });

  it("vmap of a customVjp function: its bwd under grad in both orders", () => {
    const clipGrad = customVjp(
      (x: NDArray) => x.mul(1),
      (x: NDArray) => [x.mul(1), null],
      (_: null, ct: NDArray) => [np.clip(ct, -1, 1)],
    );
    const scaled = (x: NDArray) => np.sum(clipGrad(x).mul(5));
    expectTreeClose(vmap(scaled)(X), np.sum(X, { axis: 1 }).mul(5));
    expectTreeClose(vmap(grad(scaled))(X), np.ones([5, 3]));
    expectTreeClose(grad((x: NDArray) => np.sum(vmap(scaled)(x)))(X), np.ones([5, 3]));
    const sin = customVjp(
      (x: NDArray) => np.sin(x),
      (x: NDArray) => [np.sin(x), np.cos(x)],
      (c: NDArray, ct: NDArray) => [ct.mul(c)],
    );
    const g = (x: NDArray, y: NDArray) => np.sum(sin(x).mul(y));
    const w = array([1, 2, 3]);
    expectTreeClose(vmap(grad(g), { inAxes: [0, null] })(X, w), np.cos(X).mul(w));
    // the gradient with respect to the second argument, examples of x on axis 1
    expectTreeClose(vmap(grad(g, { argnums: 1 }), { inAxes: [1, 0] })(X.T, grid(5, 3, 60)), np.sin(X));
  });

  it("vmap of checkpointed functions equals the plain ones, under grad in both orders", () => {
    const f = (x: NDArray) => np.sum(np.tanh(np.matmul(x, params.W)).mul(np.sin(x).sum()));
    for (const policy of [undefined, "dots_saveable"] as const) {
      const c = checkpoint(f, policy === undefined ? {} : { policy });
      expectTreeClose(vmap(c)(X), vmap(f)(X));
      expectTreeClose(vmap(grad(c))(X), vmap(grad(f))(X));
      expectTreeClose(grad((x: NDArray) => np.sum(vmap(c)(x)))(X), vmap(grad(f))(X));
      expectTreeClose(vmap(grad(f))(X), stackTrees(rows(5).map((i) => grad(f)(sliceAt(X, i, 0)))));
    }
  });

  it("makeJaxpr(vmap(f)) shows the batched program (batched shapes, no loop)", () => {
    const f = (x: NDArray, w: NDArray) => np.sum(np.sin(np.matmul(x, w)));
    const text = String(makeJaxpr(vmap(f, { inAxes: [0, null] }))(zeros([7, 3]), zeros([3, 2])));
    expect(text).toMatch(/^\{ lambda ; a:f64\[7,3\] b:f64\[3,2\]\. let/);
    expect(text).toMatch(/f64\[7,[\d,]*\] = dot_general/);
    expect(text).toContain("f64[7,2] = sin");
    expect(text).toMatch(/f64\[7\] = reduce_sum\[axes=\(1,\)\]/);
    expect(text.match(/dot_general/g)).toHaveLength(1);
    expect(text).not.toContain("concatenate");
    const moved = String(makeJaxpr(vmap((x: NDArray) => np.sin(x), { inAxes: 1, outAxes: 1 }))(zeros([3, 4])));
    expect(moved).toMatch(/a:f64\[3,4\]/);
    expect(moved).toMatch(/f64\[4,3\] = sin|f64\[3,4\] = sin/);
    expect(moved).toMatch(/in \(\w+,\) \}$/);
    const jitted = String(makeJaxpr(vmap(jit((x: NDArray) => np.exp(x))))(zeros([5, 2])));
    expect(jitted).toContain("pjit");
    expect(jitted).toContain("f64[5,2]");
  });
});

describe("errors", () => {
  const xs = zeros([3, 2]);
  const id = (x: NDArray) => x.mul(2);
  const two = (x: NDArray, y: NDArray) => x.add(y);
  const expectError = (fn: () => unknown, cls: new (...a: never[]) => Error, ...words: (string | RegExp)[]) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught, "expected an error").toBeInstanceOf(cls);
    expect(caught).toBeInstanceOf(JaxtsError);
    for (const w of words) expect((caught as Error).message).toMatch(w);
  };

  it("batched inputs with different sizes along their axes: ShapeError naming both sizes and arguments", () => {
    expectError(() => vmap(two)(xs, zeros([4, 2])), ShapeError, /vmap/, /3/, /4/, /size/, /\[0\]/, /\[1\]/);
    expectError(() => vmap(two, { inAxes: [0, 1] })(xs, zeros([2, 4])), ShapeError, /3/, /4/);
    expectError(() => vmap((p: { a: NDArray; b: NDArray }) => p.a)({ a: xs, b: zeros([5]) }), ShapeError, /3/, /5/, /a/, /b/);
  });

  it("an axis out of range for an argument: ArgumentError naming the axis, the rank and the argument", () => {
    expectError(() => vmap(id, { inAxes: 2 })(xs), ArgumentError, /axis 2/, /out of range/, /rank 2/, /argument/);
    expectError(() => vmap(id, { inAxes: -3 })(xs), ArgumentError, /-3/, /rank 2/);
    expectError(() => vmap(id, { inAxes: 0.5 })(xs), ArgumentError, /0\.5/);
    expectError(() => vmap(two, { inAxes: [0, 1] })(xs, zeros([3])), ArgumentError, /axis 1/, /rank 1/, /\[1\]/);
    expectError(() => vmap(id)(3), ArgumentError, /rank 0/);
  });

  it("an outAxes out of range: ArgumentError", () => {
    expectError(() => vmap(id, { outAxes: 2 })(xs), ArgumentError, /axis 2/, /out of range/, /output/);
    expectError(() => vmap(id, { outAxes: -3 })(xs), ArgumentError, /-3/, /output/);
  });

  it("no batched argument (every inAxes null): ArgumentError", () => {
    expectError(() => vmap(two, { inAxes: [null, null] })(xs, xs), ArgumentError, /at least one batched/, /null/);
    expectError(() => vmap(id, { inAxes: [null] })(xs), ArgumentError, /at least one batched/);
    expectError(() => vmap(() => 1)(), ArgumentError, /at least one batched/);
    // a top-level null means every argument is unbatched, as in JAX (in_axes=None)
    expectError(() => vmap(id, { inAxes: null })(xs), ArgumentError, /at least one batched/);
  });

  it("inAxes whose structure does not match the arguments: the count, the path and the shapes involved", () => {
    expectError(() => vmap(two, { inAxes: [0, 0, 0] })(xs, xs), ArgumentError, /inAxes/, /3 entries/, /2 positional/);
    expectError(() => vmap(two, { inAxes: [0] })(xs, xs), ArgumentError, /1 entr/, /2 positional/);
    const p = { a: xs, b: xs };
    const g = (q: { a: NDArray; b: NDArray }) => q.a;
    expectError(() => vmap(g, { inAxes: [{ a: 0 }] })(p), JaxtsError, /\[0\]/, /keys/, /\{a\}/);
    expectError(() => vmap(g, { inAxes: [{ a: 0, b: 0, c: 0 }] })(p), JaxtsError, /keys/, /c/);
    expectError(() => vmap(g, { inAxes: [[0, 0]] })(p), JaxtsError, /list of 2/, /\[0\]/);
    expectError(() => vmap((l: NDArray[]) => l[0]!, { inAxes: [[0, 0]] })([xs, xs, xs]), JaxtsError, /list of 2/, /list of 3/);
    expectError(() => vmap(id, { inAxes: ["0" as unknown as number] })(xs), ArgumentError, /axis spec/, /string/);
  });

  it("outAxes null for an output that varies across the batch: ArgumentError", () => {
    expectError(() => vmap((x: NDArray) => [x.mul(2), np.ones([2])], { outAxes: [null, 0] })(xs), ArgumentError, /outAxes is null/, /varies/, /output leaf 0/);
    expectError(() => vmap(id, { outAxes: null })(xs), ArgumentError, /outAxes is null/, /varies/);
  });

  it("outAxes whose structure does not match the output", () => {
    expectError(() => vmap(id, { outAxes: [0, 1] })(xs), JaxtsError, /list of 2/);
    expectError(() => vmap((x: NDArray) => ({ u: x, v: x }), { outAxes: { u: 0 } })(xs), JaxtsError, /keys/, /\{u\}/);
  });

  it("a value-dependent branch inside vmap: ConcretizationError naming vmap", () => {
    expectError(() => vmap((x: NDArray) => (x.sum().item() as number) > 0 ? x : x.mul(-1))(xs), JaxtsError, /item\(\)/, /vmap/);
  });

  it("non-functions and non-object options are ArgumentErrors", () => {
    expectError(() => vmap(3 as never), ArgumentError, /vmap/, /function/);
    expectError(() => vmap(id, 0 as never), ArgumentError, /vmap/, /options object/);
  });
});
