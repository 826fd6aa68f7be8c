// exportOnnx with dynamicAxes: one exported model runs in onnxruntime-node at batch sizes
// other than the example's (smaller, larger, 1) and equals jaxts run at that size — a forward
// pass, a loss with its gradient through a batch mean, a vmapped per-example gradient, a scan
// over a dynamic length, a whole Adam training step, convolutions, dropout, control flow and
// random programs. What the graph cannot compute from the inputs' shapes is refused with a
// ShapeError naming the equation (never a model that is wrong at other sizes), the option
// is checked, and the size fits are property-tested.
import { array, lax, type NDArray, nn, np, random, ShapeError, ArgumentError, tree } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { exportOnnx, grad, jit, valueAndGrad, vmap } from "@jaxts/transforms";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { traceSizes } from "../packages/transforms/src/export/dynamic-axes.js";
import { evaluate, fitReciprocal, fitSizes, type SizeFunction } from "../packages/transforms/src/export/size-functions.js";
import { expectTensorClose, runModel, session, type Tolerance } from "./onnx-helpers.js";
import { BASIC_BINARY, BASIC_UNARY, MORE_BINARY, MORE_UNARY, type ProgramSpace, programArb, programInputs, runProgram } from "./random-programs.js";

type Params = { W0: NDArray; b0: NDArray; W1: NDArray; b1: NDArray };
const [k0, k1] = random.split(random.key(0), 2);
const params: Params = { W0: random.uniform(k0!, [8, 16], { minval: -0.5, maxval: 0.5 }), b0: random.uniform(k1!, [16]), W1: random.uniform(k1!, [16, 3], { minval: -0.5, maxval: 0.5 }), b1: np.zeros([3]) };
const logits = (p: Params, x: NDArray) => nn.relu(x.matmul(p.W0).add(p.b0)).matmul(p.W1).add(p.b1);
const loss = (p: Params, x: NDArray, y: NDArray) => np.mean(np.sum(nn.logSoftmax(logits(p, x)).mul(nn.oneHot(y, 3)), { axis: 1 })).mul(-1);
const xs = (n: number, seed = n) => random.normal(random.key(seed), [n, 8]);
const ys = (n: number) => array(Array.from({ length: n }, (_, i) => (i * 7) % 3), { dtype: "int32" });
const TOL: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/** The exported model run on `args` equals `f` run by jaxts on them (values, dtypes, shapes). */
async function expectModelEquals(bytes: Uint8Array, f: (...a: never[]) => unknown, args: readonly unknown[], where: string, tol = TOL): Promise<void> {
  const want = tree.leaves(f(...(args as never[])) as tree.PyTree) as NDArray[];
  const got = await runModel(bytes, tree.leaves([...args] as tree.PyTree) as NDArray[]);
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expectTensorClose(g, want[i]!, `${where} output ${i}`, tol));
}

const shapesOf = async (bytes: Uint8Array) => {
  const s = await session(bytes);
  const shape = (m: (typeof s.inputMetadata)[number]) => (m.isTensor ? [...m.shape] : []);
  return { inputs: s.inputMetadata.map(shape), outputs: s.outputMetadata.map(shape) };
};

describe("exportOnnx with dynamicAxes runs at other batch sizes", () => {
  it("an MLP's forward pass: one model for batches of 1, 5, 64 and 300", async () => {
    const bytes = exportOnnx(logits, params, xs(5), { inputNames: ["params", "x"], dynamicAxes: { x: { 0: "batch" } } });
    const { inputs, outputs } = await shapesOf(bytes);
    expect(inputs.at(-1)).toEqual(["batch", 8]);
    expect(outputs).toEqual([["batch", 3]]);
    for (const n of [1, 5, 64, 300]) await expectModelEquals(bytes, logits, [params, xs(n)], `batch ${n}`);
  });

  it("a loss and its gradient through a batch mean (1/batch computed in the graph)", async () => {
    const f = valueAndGrad(loss);
    const bytes = exportOnnx(f, params, xs(6), ys(6), { inputNames: ["params", "x", "y"], dynamicAxes: { x: { 0: "batch" }, y: { 0: "batch" } } });
    for (const n of [1, 2, 6, 7, 129]) await expectModelEquals(bytes, f, [params, xs(n), ys(n)], `batch ${n}`);
  });

  it("a whole Adam training step at a batch size other than the example's, three steps along jaxts's trajectory", async () => {
    const opt = adam(0.05);
    const step = (p: Params, s: ReturnType<typeof opt.init>, x: NDArray, y: NDArray) => {
      const [l, g] = valueAndGrad(loss)(p, x, y);
      const [u, s2] = opt.update(g, s, p);
      return [l, applyUpdates(p, u), s2] as const;
    };
    const s0 = opt.init(params);
    const bytes = exportOnnx(step, params, s0, xs(4), ys(4), { dynamicAxes: { input2: { 0: "batch" }, input3: { 0: "batch" } } });
    let state: [Params, typeof s0] = [params, s0];
    const jstep = jit(step);
    for (let i = 0; i < 3; i++) {
      const args = [state[0], state[1], xs(33, i), ys(33)] as const;
      await expectModelEquals(bytes, step, [...args], `step ${i}`);
      const [, p, s] = jstep(...args);
      state = [p, s];
    }
  });

  it("a vmapped per-example gradient (batching along the dynamic axis)", async () => {
    const perExample = vmap(grad((p: Params, xi: NDArray) => np.sum(np.tanh(logits(p, xi)))), { inAxes: [null, 0] });
    const bytes = exportOnnx(perExample, params, xs(3), { inputNames: ["params", "x"], dynamicAxes: { x: { 0: "batch" } } });
    const { outputs } = await shapesOf(bytes);
    expect(outputs[0]).toEqual(["batch", 8, 16]);
    for (const n of [1, 3, 20]) await expectModelEquals(bytes, perExample, [params, xs(n)], `batch ${n}`);
  });

  it("a scan over a dynamic length (the loop's trip count from the input's shape), and a variance's 1/(n − 1)", async () => {
    const ema = (v: NDArray) => lax.scan((c: NDArray, e: NDArray) => [c.mul(0.9).add(e), c] as [NDArray, NDArray], np.zeros([8]), v)[1];
    const bytes = exportOnnx(ema, xs(4), { dynamicAxes: { input0: { 0: "time" } } });
    for (const n of [1, 4, 25]) await expectModelEquals(bytes, ema, [xs(n)], `time ${n}`);
    const spread = (v: NDArray) => np.var(v, { axis: 0, ddof: 1 });
    const vb = exportOnnx(spread, xs(4), { dynamicAxes: { input0: [0] } });
    for (const n of [2, 4, 50]) await expectModelEquals(vb, spread, [xs(n)], `rows ${n}`);
  });

  it("two symbols (batch and features), slices and padding that follow them", async () => {
    const f = (v: NDArray) => {
      const both = np.concatenate([np.pad(v, [[1, 0], [0, 2]]), np.pad(np.flip(v, { axis: 0 }).mul(2), [[1, 0], [0, 2]])], { axis: 1 });
      const firstRow = lax.slice(v, [0, 0], [1, v.shape[1]!]).reshape([-1]);
      return np.sum(both, { axis: 0 }).add(np.pad(firstRow, [[0, v.shape[1]! + 4]]));
    };
    const bytes = exportOnnx(f, xs(3), { dynamicAxes: { input0: { 0: "batch", 1: "features" } } });
    const { outputs } = await shapesOf(bytes);
    expect(outputs[0]).toEqual(["2*features+4"]);
    for (const [n, m] of [[3, 8], [1, 2], [10, 5]] as const) await expectModelEquals(bytes, f, [random.normal(random.key(n), [n, m])], `${n}×${m}`);
  });

  it("products of sizes: batch × time flattened, a mean over both (1/(batch·time)), and back", async () => {
    const f = (v: NDArray) => {
      const [b, t, c] = v.shape as [number, number, number];
      const flat = v.reshape([b * t, c]);
      return [np.mean(flat, { axis: 0 }), np.tanh(flat).reshape([b, t, c]).sum({ axis: 1 }), flat.reshape([-1])];
    };
    const bytes = exportOnnx(f, random.normal(random.key(1), [3, 5, 2]), { dynamicAxes: { input0: { 0: "batch", 1: "time" } } });
    const { outputs } = await shapesOf(bytes);
    expect(outputs).toEqual([[2], ["batch", 2], ["2*batch*time"]]);
    for (const [b, t] of [[3, 5], [1, 1], [7, 2], [2, 30]] as const) await expectModelEquals(bytes, f, [random.normal(random.key(b * t), [b, t, 2])], `${b}×${t}`);
  });

  const alongN: [string, (v: NDArray) => NDArray][] = [
    ["vmap of cond", vmap((v: NDArray) => lax.cond(lax.gt(v.sum(), 0), (u: NDArray) => u.mul(2), (u: NDArray) => np.cos(u), v))],
    ["whileLoop carrying [n, 3]", (v) => lax.whileLoop((c: [NDArray, NDArray]) => lax.lt(c[0], 3), (c: [NDArray, NDArray]) => [c[0].add(1), np.sin(c[1])] as [NDArray, NDArray], [np.zeros([]), v] as [NDArray, NDArray])[1]],
    ["sort along n", (v) => np.sort(v, { axis: 0 })],
    ["topK over n", (v) => lax.topK(v.T, 2)[0]],
    ["gather with indices clamped to n", (v) => np.take(v, np.argmax(v, { axis: 0 }), { axis: 0 })],
    ["reverse cumsum", (v) => np.flip(np.cumsum(v, { axis: 0 }), { axis: 0 })],
    ["grad of a max over n", grad((v: NDArray) => np.max(v, { axis: 0 }).sum())],
  ];
  for (const [name, f] of alongN) {
    it(`${name}: one model at n = 2, 5 and 8`, async () => {
      const bytes = exportOnnx(f, random.normal(random.key(1), [5, 3]), { dynamicAxes: { input0: { 0: "n" } } });
      for (const n of [2, 5, 8]) await expectModelEquals(bytes, f, [random.normal(random.key(n), [n, 3])], `n ${n}`);
    });
  }

  it("a convolution and max pooling over a dynamic batch; the convolution over dynamic height and width", async () => {
    const cnn = (img: NDArray, k: NDArray) => nn.maxPool(np.tanh(lax.convGeneralDilated(img, k, [1, 1], "VALID", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] })), [2, 2], { strides: [2, 2] }).mean({ axis: [1, 2] });
    const k = random.normal(random.key(9), [3, 3, 2, 4]);
    const bytes = exportOnnx(cnn, random.normal(random.key(1), [2, 6, 7, 2]), k, { dynamicAxes: { input0: { 0: "n" } } });
    for (const n of [1, 2, 5]) await expectModelEquals(bytes, cnn, [random.normal(random.key(n), [n, 6, 7, 2]), k], `n ${n}`);
    // The convolution's spatial sizes too (its window index arrays are affine in their
    // indices); pooling with stride 2 has floor((h − 2)/2) rows, which is no such function.
    const conv = (img: NDArray) => lax.convGeneralDilated(img, k, [1, 1], "VALID", { dimensionNumbers: ["NHWC", "HWIO", "NHWC"] });
    const hw = exportOnnx(conv, random.normal(random.key(1), [2, 6, 7, 2]), { dynamicAxes: { input0: { 0: "n", 1: "h", 2: "w" } } });
    expect((await shapesOf(hw)).outputs[0]).toEqual(["n", "h-2", "w-2", 4]);
    for (const [n, h, w] of [[2, 6, 7], [1, 4, 4], [3, 10, 5]] as const) await expectModelEquals(hw, conv, [random.normal(random.key(h * w), [n, h, w, 2])], `${n}×${h}×${w}`);
    expect(() => exportOnnx(cnn, random.normal(random.key(1), [2, 6, 7, 2]), k, { dynamicAxes: { input0: { 2: "w" } } })).toThrow(/depends on w in a way the exported graph cannot compute \(shape \[2, 2\]/);
  });

  it("dropout: the random bits (threefry counters over batch·features) equal jaxts's at other batch sizes", async () => {
    const dropout = (k: NDArray, v: NDArray) => np.where(random.bernoulli(k, 0.7, v.shape), v.div(0.7), 0);
    for (const features of [8, 3]) {
      const bytes = exportOnnx(dropout, random.key(3), random.normal(random.key(1), [5, features]), { dynamicAxes: { input1: { 0: "batch" } } });
      for (const n of [1, 4, 9]) await expectModelEquals(bytes, dropout, [random.key(n), random.normal(random.key(n), [n, features])], `batch ${n}`, { rtol: 0, atol: 0 });
    }
  });

  it("a key to all leaves of a pytree argument; lower().toOnnx takes the option too", async () => {
    const batchLoss = (p: Params, b: { x: NDArray; y: NDArray }) => loss(p, b.x, b.y);
    const bytes = jit(batchLoss).lower(params, { x: xs(5), y: ys(5) }).toOnnx({ inputNames: ["params", "batch"], dynamicAxes: { batch: { 0: "n" } } });
    const { inputs } = await shapesOf(bytes);
    expect(inputs.slice(-2)).toEqual([["n", 8], ["n"]]);
    for (const n of [2, 40]) await expectModelEquals(bytes, batchLoss, [params, { x: xs(n), y: ys(n) }], `n ${n}`);
  });
});

describe("exportOnnx with dynamicAxes refuses what the graph cannot compute from shapes", () => {
  const x = xs(5);
  const dyn = { dynamicAxes: { input0: { 0: "batch" } } };
  it("a value that is not affine in the batch size (batch²) names the equation", () => {
    const f = (v: NDArray) => v.mul(v.shape[0]! ** 2);
    expect(() => exportOnnx(f, x, dyn)).toThrow(ShapeError);
    expect(() => exportOnnx(f, x, dyn)).toThrow(/the equation mul \(f32\[5,8\], 25\).*depends on batch.*25\] at batch = 5/);
  });
  it("a power of one size among two is refused, naming both", () => {
    const f = (v: NDArray) => v.mul(v.shape[0]! * v.shape[0]! * v.shape[1]!);
    expect(() => exportOnnx(f, x, { dynamicAxes: { input0: { 0: "b", 1: "t" } } })).toThrow(/depends on b, t .*products of distinct ones.*not b²/);
  });
  it("a program whose structure depends on the size is refused", () => {
    const f = (v: NDArray) => (v.shape[0]! % 2 === 0 ? v.sum() : v.mul(2).sum());
    expect(() => exportOnnx(f, x, dyn)).toThrow(/the program changes with the dynamic sizes beyond its shapes/);
  });
  it("a program that takes another path when the size equals a static one (rows = cols) is refused", () => {
    // x + m broadcasts only when x has as many rows as m: traced at 3 rows it takes the other branch
    const f = (v: NDArray, m: NDArray) => (v.shape[0] === m.shape[0] ? v.add(m) : v.mul(0.5));
    expect(() => exportOnnx(f, random.normal(random.key(2), [3, 2]), np.ones([2, 2]), dyn)).toThrow(/changes with the dynamic sizes beyond its shapes: the graphs traced at batch = 3 and at batch = 2 differ/);
  });
  it("a size clamped in JavaScript (Math.min(batch, 4)) is refused: the checks at batch = 2 and 3 see it", () => {
    const f = (v: NDArray) => lax.slice(v, [0, 0], [Math.min(v.shape[0]!, 4), 8]).sum({ axis: 0 });
    expect(() => exportOnnx(f, x, dyn)).toThrow(/depends on batch in a way the exported graph cannot compute/);
  });
  it("a function that cannot run at another size says at which size and why", () => {
    const f = (v: NDArray, w: NDArray) => v.matmul(w);
    // w's rows are not dynamic, so x's columns cannot change
    expect(() => exportOnnx(f, xs(5), np.ones([8, 2]), { dynamicAxes: { input0: { 1: "features" } } })).toThrow(/traced again at other sizes, and at features = 11 it failed: .*matmul/);
  });
  it("arrays built in JavaScript from a size: index arrays (np.arange(n), a fill) are computed in the graph, others refused", async () => {
    const squares = (v: NDArray) => v.add(array(Array.from({ length: v.shape[0]! }, (_, i) => [i * i]), { dtype: "float32" }));
    expect(() => exportOnnx(squares, x, dyn)).toThrow(/builds from a dynamic size.*holding \[0, 1, 4, 9, …\].*lax\.iota/);
    const ranges = (v: NDArray) => v.add(np.arange(v.shape[0]!).reshape([-1, 1])).add(np.arange(2 * v.shape[0]! + 1, 1, -2).reshape([-1, 1])).add(np.full([v.shape[0]!, 1], 0.5));
    const bytes = exportOnnx(ranges, x, dyn);
    for (const n of [1, 9]) await expectModelEquals(bytes, ranges, [xs(n)], `arange ${n}`);
    const f = (v: NDArray) => v.add(lax.iota("float32", [v.shape[0]!, 1]));
    await expectModelEquals(exportOnnx(f, x, dyn), f, [xs(9)], "iota");
  });
});

describe("the dynamicAxes option is checked", () => {
  const x = xs(5);
  const f = (v: NDArray, w: NDArray) => v.sum().add(w.sum());
  const e = (o: unknown) => () => exportOnnx(f, x, xs(4), { dynamicAxes: o } as never);
  it("unknown input names list the inputs", () => {
    expect(e({ z: { 0: "b" } })).toThrow(ArgumentError);
    expect(e({ z: { 0: "b" } })).toThrow(/dynamicAxes names "z", which is not an input; the inputs are input0, input1/);
  });
  it("axes out of range name the input and its shape", () => {
    expect(e({ input0: { 2: "b" } })).toThrow(/makes axis 2 of input input0 dynamic, but its example shape \[5, 8\] has 2 axes/);
    expect(e({ input0: { x: "b" } })).toThrow(/key "x", which is not an axis/);
    expect(e({ input0: [1.5] })).toThrow(/lists 1.5, which is not an axis/);
  });
  it("one name on axes of different example sizes, and two names on one axis, conflict", () => {
    expect(e({ input0: { 0: "b" }, input1: { 0: "b" } })).toThrow(/input0 axis 0 and input1 axis 0 the same name "b", but their example sizes differ \(5 and 4\)/);
    expect(e({ input0: { 0: "b", [-2]: "c" } })).toThrow(/names input0 axis 0 both "b" and "c"/);
  });
  it("names must be non-empty strings, not numbers; the option must be an object", () => {
    expect(e({ input0: { 0: "" } })).toThrow(/non-empty name/);
    expect(e({ input0: { 0: "12" } })).toThrow(/must not be a number/);
    expect(e([0])).toThrow(/dynamicAxes must be an object/);
  });
  it("an empty option is a static export", async () => {
    const bytes = exportOnnx(f, x, xs(4), { dynamicAxes: {} });
    expect((await shapesOf(bytes)).inputs).toEqual([[5, 8], [4, 8]]);
  });
});

describe("sizes are fitted from the traces exactly, or not at all", () => {
  const designArb = fc
    .record({ examples: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 3 }), dims: fc.array(fc.integer({ min: 1, max: 70 }), { maxLength: 4 }) })
    .map(({ examples, dims }) => traceSizes({ symbols: examples.map((n, j) => ({ name: `s${j}`, exampleSize: n, at: "" })), dims: [] }, [dims]));
  const fnArb = (k: number) =>
    fc.record({
      constant: fc.integer({ min: -50, max: 50 }),
      terms: fc.array(fc.record({ symbols: fc.uniqueArray(fc.nat({ max: k - 1 }), { minLength: 1, maxLength: Math.min(k, 3) }), coeff: fc.integer({ min: -6, max: 6 }) }), { maxLength: 4 }),
    });
  const sameAt = (f: SizeFunction, g: SizeFunction, at: readonly number[]) => evaluate(f, at) === evaluate(g, at);

  test.prop([designArb.chain((d) => fc.tuple(fc.constant(d), fnArb(d.base.length), fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 3, maxLength: 3 })))])(
    "a sum of products of distinct sizes is recovered: it agrees at sizes never traced",
    ([d, f, elsewhere]) => {
      const fit = fitSizes(d.sizes.map((at) => evaluate(f, at)), d);
      expect(fit).toBeDefined();
      expect(sameAt(fit!, f, elsewhere.slice(0, d.base.length))).toBe(true);
    },
  );
  test.prop([designArb.chain((d) => fc.tuple(fc.constant(d), fnArb(d.base.length), fc.nat({ max: d.base.length - 1 }), fc.integer({ min: 1, max: 5 })))])(
    "a square of a size (plus anything fitted) is refused",
    ([d, f, j, c]) => {
      expect(fitSizes(d.sizes.map((at) => evaluate(f, at) + c * at[j]! * at[j]!), d)).toBeUndefined();
    },
  );
  test.prop([designArb, fc.integer({ min: 1, max: 9 }), fc.integer({ min: -1, max: 5 })])("a mean's scale 1/(a·n + b) in float32 is recovered; a non-reciprocal is refused", (d, a, b) => {
    const n = (at: readonly number[]) => a * at[0]! + b;
    const fit = fitReciprocal(d.sizes.map((at) => Math.fround(1 / n(at))), d, Math.fround);
    expect(fit).toBeDefined();
    expect(evaluate(fit!, [1000, 7, 7])).toBe(n([1000]));
    expect(fitReciprocal(d.sizes.map((at) => Math.fround(1 / (n(at) * n(at)))), d, Math.fround)).toBeUndefined();
  });
});

// Random programs (the shared generator) exported once with rows or columns dynamic, run at
// other sizes. Left out: single-element picks (their index depends on the size) and m as an
// operand of elementwise ops (whether x and m broadcast depends on rows = cols: such a
// program is refused, tested above).
const space: ProgramSpace = { kinds: ["unary", "binary", "sum", "sum0", "sum1", "matmul"], unary: [...BASIC_UNARY, ...MORE_UNARY], binary: [...BASIC_BINARY, ...MORE_BINARY], cols: [2, 4, 6], matrixOperand: false };
describe("random programs exported with dynamic rows or columns equal jaxts at other sizes", () => {
  test.prop([programArb(space), fc.boolean(), fc.constantFrom(1, 2, 7)], { numRuns: 25 })("values, dtypes and shapes", async ([p, ops], byRows, size) => {
    // (not 1 column: a row sum [rows, 1] then has as many columns as m has rows, and is multiplied)
    const other = !byRows && size === 1 ? 3 : size;
    const f = (a: NDArray, b: NDArray, c: NDArray) => runProgram(space, ops, p.outs, a, b, c);
    // columns are one size shared by x's axis 1, the row and both axes of m
    const dynamicAxes = byRows ? { input0: { 0: "rows" } } : { input0: { 1: "cols" }, input1: { 0: "cols" }, input2: { 0: "cols", 1: "cols" } };
    const bytes = exportOnnx(f, ...programInputs(p), { dynamicAxes });
    const at = byRows ? { ...p, rows: other } : { ...p, cols: other };
    await expectModelEquals(bytes, f, programInputs(at), byRows ? `rows ${other}` : `cols ${other}`, { rtol: 1e-4, atol: 1e-5 });
  }, 120_000);
});

// With every kind of operation (single-element picks, m as an operand), a program's path or
// constants may depend on the sizes in ways the graph cannot follow: then the export must
// refuse. What it exports must be right at the other sizes — never a silent wrong answer.
// (Sizes of 2 and more: at 1, where numpy broadcasting takes other paths, the sizes are not
// checked; the README says so.)
const anySpace: ProgramSpace = { ...space, kinds: ["unary", "binary", "sum", "sum0", "sum1", "pick", "matmul"], matrixOperand: true };
describe("random programs with size-dependent paths: refused with a ShapeError, or right at other sizes", () => {
  test.prop([programArb(anySpace), fc.boolean(), fc.constantFrom(2, 3, 4, 7)], { numRuns: 40 })("never a wrong model", async ([p, ops], byRows, other) => {
    const f = (a: NDArray, b: NDArray, c: NDArray) => runProgram(anySpace, ops, p.outs, a, b, c);
    const dynamicAxes = byRows ? { input0: { 0: "rows" } } : { input0: { 1: "cols" }, input1: { 0: "cols" }, input2: { 0: "cols", 1: "cols" } };
    let bytes: Uint8Array;
    try {
      bytes = exportOnnx(f, ...programInputs(p), { dynamicAxes });
    } catch (e) {
      expect(e).toBeInstanceOf(ShapeError);
      expect(String(e)).toMatch(/with dynamicAxes, (the program changes with the dynamic sizes|a constant .* depends on)/);
      return;
    }
    const at = byRows ? { ...p, rows: other } : { ...p, cols: other };
    await expectModelEquals(bytes, f, programInputs(at), byRows ? `rows ${other}` : `cols ${other}`, { rtol: 1e-4, atol: 1e-5 });
  }, 120_000);

  it("a picked element whose index is i mod size is refused, even when i mod size fits size − 2 at 2, 3, 6, 9 and 10 (i ≡ 88 mod 90)", async () => {
    // found by the property above (seed 1223698208): exported with the index fitted as cols − 2,
    // the model read element 5 at 7 columns where jaxts reads element 4
    const p = { rows: 1, cols: 6, n: 5, seed: 16, outs: [148520793, 728847927] };
    const ops = [
      { k: "unary", fn: 0, a: 0 },
      { k: "matmul", a: 0 },
      { k: "sum0", a: 0 },
      { k: "unary", fn: 0, a: 0 },
      { k: "pick", a: 0, at: 1952852038 },
    ] as const;
    const f = (a: NDArray, b: NDArray, c: NDArray) => runProgram(anySpace, ops, p.outs, a, b, c);
    const dynamicAxes = { input0: { 1: "cols" }, input1: { 0: "cols" }, input2: { 0: "cols", 1: "cols" } };
    expect(() => exportOnnx(f, ...programInputs(p), { dynamicAxes })).toThrow(/with dynamicAxes, a constant .* depends on|the program changes with the dynamic sizes/);
  });
});
