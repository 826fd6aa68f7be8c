// jaxts in fp-ts style (issue 13): data-last numpy for pipe/flow, transformations composed with
// pipe and flow (typed), pytrees as a lawful Traversable, Semigroups over gradient trees,
// gradient transformations as a Monoid under chain, and Either at the boundaries.
import { array, ArgumentError, type NDArray, np, ShapeError, TreeStructureError } from "@jaxts/core";
import * as fp from "@jaxts/core/fp";
import { addDecayedWeights, clipByGlobalNorm, type GradientTransformation, identity, scale, scaleByAdam, scaleByRms, trace } from "@jaxts/optim";
import { chainAll, gradientSum, transformationMonoid } from "@jaxts/optim/fp";
import { customJvp, grad, jit, vmap } from "@jaxts/transforms";
import { checkGradsE, gradWith, jitWith, valueAndGradWith, vmapWith } from "@jaxts/transforms/fp";
import * as E from "fp-ts/Either";
import { flow, pipe } from "fp-ts/function";
import * as Id from "fp-ts/Identity";
import { concatAll } from "fp-ts/Monoid";
import * as O from "fp-ts/Option";
import * as RA from "fp-ts/ReadonlyArray";
import fc from "fast-check";
import { describe, expect, expectTypeOf, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);
const f64 = (xs: readonly number[], shape?: readonly number[]): NDArray => {
  const a = array([...xs], { dtype: "float64" });
  return shape === undefined ? a : a.reshape([...shape]);
};

describe("data-last numpy for pipe and flow", () => {
  it("pipe(x, multiply(2), add(1), sum({ axis: 0 })) is the np computation", () => {
    const x = f64([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = pipe(x, fp.multiply(2), fp.add(1), fp.sum({ axis: 0 }));
    expect(vals(r)).toEqual(vals(np.sum(np.add(np.multiply(x, 2), 1), { axis: 0 })));
    const normalise = flow(fp.subtract(np.mean(x)), fp.divide(np.std(x)), fp.reshape([-1]));
    expect(vals(normalise(x))).toEqual(vals(np.reshape(np.divide(np.subtract(x, np.mean(x)), np.std(x)), [-1])));
    expect(vals(pipe(x, fp.exp, fp.log, fp.transpose()))).toEqual(vals(np.transpose(np.log(np.exp(x)))));
  });

  it("every data-last function is exported by name and equals np's with the data moved last", () => {
    const exported = new Map(Object.entries(fp));
    const table = new Map(Object.entries(fp.fpNumpy));
    for (const name of fp.FP_NUMPY_NAMES) expect(exported.get(name), name).toBe(table.get(name));
    expect(table.size).toBe(fp.FP_NUMPY_NAMES.length);
    const x = f64([0.5, -1.5, 2.25, 3]);
    expect(vals(fp.maximum(0)(x))).toEqual(vals(np.maximum(x, 0)));
    expect(vals(fp.clip(-1, 1)(x))).toEqual(vals(np.clip(x, -1, 1)));
    expect(vals(fp.take(array([3, 0], { dtype: "int32" }))(x))).toEqual([3, 0.5]);
    expect(vals(fp.cumsum({ axis: 0 })(x))).toEqual(vals(np.cumsum(x, { axis: 0 })));
    expect(() => fp.sum({ axsi: 0 } as never)(x)).toThrow(/did you mean `axis`/);
  });

  it("the curried forms are typed", () => {
    expectTypeOf(fp.add).parameters.toEqualTypeOf<[y: number | NDArray]>();
    expectTypeOf(fp.add(1)).returns.toEqualTypeOf<NDArray>();
    expectTypeOf(fp.sum({ axis: 0 })).parameters.toEqualTypeOf<[x: number | NDArray]>();
    expectTypeOf(fp.reshape([2, -1])).returns.toEqualTypeOf<NDArray>();
    expectTypeOf(fp.exp).toEqualTypeOf<typeof np.exp>();
  });
});

describe("transformations in pipe and flow", () => {
  const cube = (x: NDArray) => np.multiply(np.multiply(x, x), x);
  it("pipe(f, grad, jit) and flow(grad, grad) give the seed's derivatives", () => {
    const poly = (x: NDArray) => np.add(np.add(np.multiply(x, x), np.multiply(x, 3)), 1);
    expect(vals(pipe(poly, grad, jit)(f64([3]).reshape([])))).toEqual([9]);
    const second = flow(grad<typeof cube>, grad)(cube);
    expect(vals(second(f64([3]).reshape([])))).toEqual([18]);
    expect(vals(pipe(cube, grad, vmap)(f64([1, 2, 3])))).toEqual([3, 12, 27]);
  });

  it("gradWith, valueAndGradWith, vmapWith and jitWith curry the options and keep the types", () => {
    const loss = (w: NDArray, x: NDArray) => np.sum(np.multiply(w, x));
    const gx = pipe(loss, gradWith({ argnums: 1 }), jit);
    expect(vals(gx(f64([1, 2]), f64([5, 6])))).toEqual([1, 2]);
    const both = pipe(loss, gradWith({ argnums: [0, 1] }));
    expectTypeOf(both).returns.toEqualTypeOf<[NDArray, NDArray]>();
    const [value, g] = pipe(loss, valueAndGradWith({ argnums: 0 }))(f64([1, 2]), f64([5, 6]));
    expect([vals(value), vals(g)]).toEqual([[17], [5, 6]]);
    const rows = pipe((x: NDArray) => np.sum(x), vmapWith({ inAxes: 1 }), jitWith({}));
    expect(vals(rows(f64([1, 2, 3, 4], [2, 2])))).toEqual([4, 6]);
    expectTypeOf(gradWith({ hasAux: true })((x: NDArray) => [np.sum(x), "aux"] as [NDArray, string])).returns.toEqualTypeOf<[NDArray, string]>();
  });
});

// Pytrees of numbers (leaves to tree.flatten), with some empty subtrees.
const treeArb: fc.Arbitrary<fp.Tree<number>> = fc.letrec<{ node: fp.Tree<number> }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -50, max: 50 }),
    fc.constant(null),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "W0", "x y"), tie("node"), { maxKeys: 3 }),
  ),
})).node;

describe("pytrees are a lawful Functor, Foldable and Traversable", () => {
  const T = fp.tree.Traversable;
  it("Functor: identity and composition", () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        expect(T.map(t, (a) => a)).toEqual(t);
        const f = (a: number) => a * 3;
        const g = (a: number) => `${a}!`;
        expect(T.map(T.map(t, f), g)).toEqual(T.map(t, (a) => g(f(a))));
      }),
      { numRuns: 200 },
    );
  });

  it("Foldable: reduce, reduceRight and foldMap agree with the flattened leaves", () => {
    fc.assert(
      fc.property(treeArb, (t) => {
        const leaves = T.reduce(t, [] as number[], (acc, a) => [...acc, a]);
        expect(T.reduceRight(t, [] as number[], (a, acc) => [a, ...acc])).toEqual(leaves);
        expect(T.foldMap({ concat: (x: number, y: number) => x + y, empty: 0 })(t, (a) => a)).toBe(leaves.reduce((x, y) => x + y, 0));
      }),
      { numRuns: 200 },
    );
  });

  it("Traversable: identity, composition of applicatives (Option then Either), and traverse = sequence ∘ map", () => {
    fc.assert(
      fc.property(treeArb, fc.integer({ min: -50, max: 50 }), (t, cut) => {
        expect(T.traverse(Id.Applicative)(t, (a) => a)).toEqual(t);
        const f = (a: number): O.Option<number> => (a > cut ? O.some(a * 2) : O.none);
        expect(T.traverse(O.Applicative)(t, f)).toEqual(T.sequence(O.Applicative)(T.map(t, f)));
        // naturality: an Option → Either transformation commutes with traverse
        const toEither = E.fromOption(() => "none");
        expect(toEither(T.traverse(O.Applicative)(t, f))).toEqual(T.traverse(E.Applicative)(t, (a) => toEither(f(a))));
      }),
      { numRuns: 200 },
    );
  });

  it("traversing with Either validates every leaf and names the path of the first bad one", () => {
    const params = { W0: f64([1, 2]), b0: f64([0]), layers: [{ W: f64([Number.NaN]) }, { W: f64([Number.POSITIVE_INFINITY]) }] };
    const finite = (path: string, x: NDArray): E.Either<string, NDArray> => (vals(x).every(Number.isFinite) ? E.right(x) : E.left(`non-finite values at ${path}`));
    expect(T.traverseWithIndex(E.Applicative)(params, finite)).toEqual(E.left("non-finite values at .layers[0].W"));
    const ok = T.traverseWithIndex(E.Applicative)({ a: f64([1]), b: [f64([2])] }, finite);
    expect(E.isRight(ok)).toBe(true);
    expect(T.mapWithIndex({ b: 1, a: [2, 3] }, (path, v) => `${path}=${v}`)).toEqual({ a: [".a[0]=2", ".a[1]=3"], b: ".b=1" });
  });
});

describe("Semigroups over gradient pytrees", () => {
  it("sumSemigroup is associative (exact on integers) and concatAll accumulates micro-batch gradients", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 9, maxLength: 9 }), (xs) => {
        const [a, b, c] = [0, 3, 6].map((k) => ({ W: f64(xs.slice(k, k + 2)), b: f64([xs[k + 2]!]) }));
        const left = gradientSum.concat(gradientSum.concat(a!, b!), c!);
        const right = gradientSum.concat(a!, gradientSum.concat(b!, c!));
        expect(fp.tree.Traversable.map(left, vals)).toEqual(fp.tree.Traversable.map(right, vals));
      }),
      { numRuns: 100 },
    );
    const loss = (w: NDArray, x: NDArray) => np.sum(np.square(np.multiply(w, x)));
    const w = f64([0.5, -1]);
    const batches = [f64([1, 2]), f64([3, 4]), f64([-1, 0.5])];
    const total = concatAll({ ...gradientSum, empty: { w: np.zerosLike(w) } })(batches.map((x) => ({ w: grad(loss)(w, x) })));
    const whole = grad((ww: NDArray) => RA.reduce(np.zeros([]), (acc: NDArray, x: NDArray) => np.add(acc, loss(ww, x)))(batches))(w);
    vals((total as { w: NDArray }).w).forEach((v, i) => expect(v).toBeCloseTo(vals(whole)[i]!, 12));
  });

  it("trees of different structure do not combine: a TreeStructureError names where", () => {
    expect(() => gradientSum.concat({ a: f64([1]) }, { b: f64([1]) })).toThrow(TreeStructureError);
  });
});

describe("gradient transformations are a Monoid under chain", () => {
  const pool: (() => GradientTransformation<unknown>)[] = [
    () => scale(-0.1) as GradientTransformation<unknown>,
    () => scaleByAdam() as GradientTransformation<unknown>,
    () => clipByGlobalNorm(0.5) as GradientTransformation<unknown>,
    () => scaleByRms() as GradientTransformation<unknown>,
    () => trace(0.9) as GradientTransformation<unknown>,
    () => addDecayedWeights(0.01) as GradientTransformation<unknown>,
  ];
  const params = { w: f64([0.3, -0.7, 1.1]), b: f64([0.2]) };
  const grads = [0, 1, 2].map((s) => ({ w: f64([0.5 - s, 0.25 * s, -1]), b: f64([s - 0.5]) }));
  /** The updates a transformation makes over three steps: its observable behaviour. */
  const behaviour = (tx: GradientTransformation<unknown>): number[][] => {
    let state = tx.init(params);
    return grads.map((g) => {
      const [u, s] = tx.update(g, state, params);
      state = s;
      return [...vals(u.w), ...vals(u.b)];
    });
  };
  const close = (a: number[][], b: number[][]) => a.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, 12)));
  const pick = fc.integer({ min: 0, max: pool.length - 1 });

  it("identity is a left and right unit, and chain is associative", () => {
    const M = transformationMonoid;
    fc.assert(
      fc.property(pick, pick, pick, (i, j, k) => {
        const [a, b, c] = [pool[i]!, pool[j]!, pool[k]!];
        close(behaviour(M.concat(M.empty, a())), behaviour(a()));
        close(behaviour(M.concat(a(), M.empty)), behaviour(a()));
        close(behaviour(M.concat(M.concat(a(), b()), c())), behaviour(M.concat(a(), M.concat(b(), c()))));
      }),
      { numRuns: 40 },
    );
  });

  it("chainAll builds an optimizer from a list", () => {
    const list = () => [clipByGlobalNorm(1), scaleByAdam(), scale(-1e-3)] as GradientTransformation<unknown>[];
    const [a, b, c] = list();
    close(behaviour(chainAll(list())), behaviour(transformationMonoid.concat(a!, transformationMonoid.concat(b!, c!))));
    const adamLike = behaviour(chainAll(list()));
    expect(adamLike.flat().every((v) => Math.abs(v) <= 1.1e-3)).toBe(true);
    close(behaviour(chainAll([])), behaviour(identity() as GradientTransformation<unknown>));
  });
});

describe("Either at the boundaries", () => {
  it("tryCatch gives a JaxtsError as Left, and lets other exceptions through", () => {
    const r = fp.tryCatch(() => np.reshape(f64([1, 2, 3]), [2, 2]));
    expect(E.isLeft(r) && r.left instanceof ShapeError).toBe(true);
    expect(fp.tryCatch(() => 3)).toEqual(E.right(3));
    expect(() => fp.tryCatch(() => { throw new TypeError("a bug"); })).toThrow(TypeError);
    const safeReshape = fp.tryCatchK(np.reshape);
    expect(E.isRight(safeReshape(f64([1, 2, 3, 4]), [2, 2]))).toBe(true);
    const onlyShape = pipe(fp.tryCatch(() => np.reshape(f64([1]), [2])), E.mapLeft(fp.narrow(ShapeError)));
    expect(E.isLeft(onlyShape) && onlyShape.left instanceof ShapeError).toBe(true);
    expect(() => pipe(fp.tryCatch(() => np.sum(f64([1]), { axsi: 0 } as never)), E.mapLeft(fp.narrow(ShapeError)))).toThrow(ArgumentError);
  });

  it("validateOptions reports every bad option at once", () => {
    const spec = { axis: "integer", keepdims: "boolean", dtype: "dtype" } as const;
    type SumOpts = { axis?: number; keepdims?: boolean; dtype?: string };
    const r = fp.validateOptions<SumOpts>({ axsi: 1, keepdims: "yes", dtype: "float32" } as never, "np.sum", spec);
    expect(E.isLeft(r)).toBe(true);
    const messages = E.isLeft(r) ? r.left.map((e) => e.message) : [];
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/unknown option "axsi" \(did you mean `axis`\?\)/);
    expect(messages[1]).toMatch(/`keepdims` must be a boolean, got the string "yes"/);
    expect(fp.validateOptions<SumOpts>({ axis: 1 }, "np.sum", spec)).toEqual(E.right({ axis: 1 }));
    expect(E.isLeft(fp.validateOptions<SumOpts>(5 as never, "np.sum", spec))).toBe(true);
  });

  it("checkGradsE: Right with what was compared, Left naming a wrong derivative", () => {
    const ok = checkGradsE((x: NDArray) => np.sum(np.tanh(x)), [f64([0.3, -1.2])]);
    expect(E.isRight(ok)).toBe(true);
    if (E.isRight(ok)) {
      expect(ok.right.order).toBe(2);
      expect(ok.right.checks).toBeGreaterThan(4);
      expect(ok.right.worstToleranceRatio).toBeLessThan(1);
    }
    // a custom rule that forgets the factor 2 of d(x²)
    const wrongSquare = customJvp((x: NDArray) => np.multiply(x, x), ([x], [t]) => [np.multiply(x as NDArray, x as NDArray), np.multiply(x as NDArray, t as NDArray)]);
    const bad = checkGradsE((x: NDArray) => np.sum(wrongSquare(x)), [f64([0.5, 1.5])], { order: 1 });
    expect(E.isLeft(bad) && /argument 0, mode fwd, order 1/.test(bad.left.message)).toBe(true);
    expect(() => checkGradsE((x: NDArray) => x, [f64([1])], { ordr: 1 } as never)).toThrow(ArgumentError);
  });
});

