// Every error path: the class a user can catch and the words that say what, where and why.
// No internal TypeError reaches a user.
import { afterEach, describe, expect, it } from "vitest";
import * as core from "@jaxts/core";
import {
  ArgumentError,
  AxisError,
  ConcretizationError,
  array,
  config,
  DTypeError,
  FloatingPointError,
  JaxtsError,
  lax,
  makeJaxpr,
  type NDArray,
  NotDifferentiableError,
  nn,
  np,
  random,
  ShapeError,
  TracerLeakError,
  TreeStructureError,
  tree,
} from "@jaxts/core";
import { thrown } from "./helpers/thrown.js";

function expectError(f: () => unknown, cls: new (...args: never[]) => Error, ...words: (string | RegExp)[]): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(cls);
  expect(e).toBeInstanceOf(JaxtsError);
  for (const w of words) expect(e.message).toMatch(w);
}

describe("the error classes", () => {
  it("are exported from @jaxts/core, subclass JaxtsError and carry their own name", () => {
    const classes = {
      ShapeError,
      AxisError,
      DTypeError,
      ArgumentError,
      ConcretizationError,
      TracerLeakError,
      NotDifferentiableError,
      TreeStructureError,
      FloatingPointError,
    };
    for (const [name, cls] of Object.entries(classes)) {
      const e = new cls("boom");
      expect(e).toBeInstanceOf(JaxtsError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect((core as Record<string, unknown>)[name]).toBe(cls);
    }
    expect(new AxisError("x")).toBeInstanceOf(ShapeError);
  });
});

describe("ShapeError names the function and both shapes", () => {
  it("for broadcasting in numpy functions", () => {
    expectError(() => np.add(np.zeros([2, 3]), np.zeros([4])), ShapeError, "add", "[2, 3]", "[4]");
    expectError(() => np.zeros([2]).mul(np.zeros([3])), ShapeError, "multiply", "[2]", "[3]");
    expectError(() => np.where(np.zeros([2]).gt(0), np.zeros([3]), 0), ShapeError, "where", "[2]", "[3]");
  });

  it("for lax primitives, which do not broadcast", () => {
    expectError(() => lax.add(np.zeros([2]), np.zeros([3])), ShapeError, /^add/, "[2]", "[3]");
    expectError(() => lax.dotGeneral(np.zeros([2, 3]), np.zeros([4, 5]), [[[1], [0]], [[], []]]), ShapeError, "dot_general", "[2, 3]", "[4, 5]");
    expectError(() => lax.broadcastInDim(np.zeros([2]), [3], [0]), ShapeError, "broadcast_in_dim", "[2]", "[3]");
  });

  it("for contractions, joins and reshapes", () => {
    expectError(() => np.matmul(np.zeros([2, 3]), np.zeros([4, 5])), ShapeError, "matmul", "[2, 3]", "[4, 5]");
    expectError(() => np.dot(np.zeros([3]), np.zeros([4])), ShapeError, "dot", "[3]", "[4]");
    expectError(() => np.einsum("ij,jk", np.zeros([2, 3]), np.zeros([4, 5])), ShapeError, "einsum", "j");
    expectError(() => np.concatenate([np.zeros([2, 3]), np.zeros([3, 2])], { axis: 0 }), ShapeError, "concatenate", "[2, 3]", "[3, 2]");
    expectError(() => np.stack([np.zeros([2]), np.zeros([3])]), ShapeError, "stack", "[2]", "[3]");
    expectError(() => np.reshape(np.zeros([2, 3]), [5]), ShapeError, "reshape", "[2, 3]", "[5]");
    expectError(() => np.broadcastTo(np.zeros([3]), [2, 4]), ShapeError, "broadcastTo", "[3]", "[2, 4]");
    expectError(() => np.max(np.zeros([0, 2]), { axis: 0 }), ShapeError, "max", "[0, 2]");
    expectError(() => np.argmax(np.zeros([0])), ShapeError, "argmax", "[0]");
  });

  it("for a ragged nested list, naming the position", () => {
    expectError(() => array([[1, 2], [3]]), ShapeError, "ragged", "[1]", "[0]");
    expectError(() => array([[[1], [2]], [[3], [4, 5]]]), ShapeError, "ragged");
  });
});

describe("AxisError names the axis and the rank", () => {
  const x = np.zeros([2, 3]);
  const cases: readonly [string, () => unknown, string][] = [
    ["sum", () => np.sum(x, { axis: 2 }), "axis 2"],
    ["mean", () => np.mean(x, { axis: [-3] }), "axis -3"],
    ["argmax", () => np.argmax(x, { axis: 5 }), "axis 5"],
    ["cumsum", () => np.cumsum(x, { axis: 2 }), "axis 2"],
    ["transpose", () => np.transpose(x, [0, 2]), "axis 2"],
    ["swapaxes", () => np.swapaxes(x, 0, 3), "axis 3"],
    ["expandDims", () => np.expandDims(x, 3), "axis 3"],
    ["concatenate", () => np.concatenate([x, x], { axis: 2 }), "axis 2"],
    ["take", () => np.take(x, [0], { axis: -3 }), "axis -3"],
    ["sort", () => np.sort(x, { axis: 2 }), "axis 2"],
    ["flip", () => np.flip(x, { axis: 2 }), "axis 2"],
    ["softmax", () => nn.softmax(x, { axis: 2 }), "axis 2"],
  ];
  for (const [name, f, axis] of cases) {
    it(`in ${name}`, () => {
      const rank = name === "expandDims" ? "rank 3" : "rank 2";
      expectError(f, AxisError, name, axis, rank);
    });
  }

  it("for a repeated axis", () => {
    expectError(() => np.sum(x, { axis: [1, -1] }), AxisError, "sum", "repeated");
  });
});

describe("DTypeError for an unknown dtype or dtypes that do not fit", () => {
  it("names the unknown dtype and the function", () => {
    const bad = "float8" as core.DType;
    expectError(() => array([1], { dtype: bad }), DTypeError, "array", "float8");
    expectError(() => np.zeros([2], bad), DTypeError, "float8");
    expectError(() => np.arange(0, 3, 1, bad), DTypeError, "arange", "float8");
    expectError(() => np.eye(2, 2, { dtype: bad }), DTypeError, "eye", "float8");
    expectError(() => np.astype(np.zeros([2]), bad), DTypeError, "astype", "float8");
    expectError(() => np.zeros([2]).astype(bad), DTypeError, "float8");
    expectError(() => lax.iota(bad, [2]), DTypeError, "iota");
  });

  it("for operands a primitive does not accept", () => {
    expectError(() => lax.sin(np.arange(3)), DTypeError, "sin", "i32[3]");
    expectError(() => lax.add(np.zeros([2]), np.zeros([2], "float64")), DTypeError, "add", "f32[2]", "f64[2]");
    expectError(() => np.take(np.zeros([3]), np.zeros([1])), DTypeError, "take", "float32");
  });
});

describe("ArgumentError for a non-array where an array is needed", () => {
  const x = array([1, 2, 3]);
  const junk: readonly [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a string", "abc"],
    ["an object", {}],
    ["a JS list", [1, 2, 3]],
    ["a typed array", new Float32Array(3)],
    ["a function", () => 1],
  ];
  const unaryNames = ["exp", "sin", "sqrt", "abs", "negative", "sum", "mean", "max", "argmax", "var", "all", "logsumexp", "cumsum", "sort", "argsort", "transpose", "flip", "squeeze", "ravel", "zerosLike"] as const;
  const binaryNames = ["add", "subtract", "multiply", "divide", "power", "maximum", "minimum", "greater", "equal", "matmul", "dot", "outer", "allclose"] as const;
  const call = (f: unknown, ...args: unknown[]) => (f as (...a: unknown[]) => unknown)(...args);
  const cases: [string, (j: unknown) => unknown][] = [
    ...unaryNames.map((n): [string, (j: unknown) => unknown] => [n, (j) => call(np[n], j)]),
    ...binaryNames.flatMap((n): [string, (j: unknown) => unknown][] => [
      [n, (j) => call(np[n], j, x)],
      [n, (j) => call(np[n], x, j)],
    ]),
    ["where", (j) => np.where(x.gt(0), x, j as NDArray)],
    ["concatenate", (j) => np.concatenate([x, j as NDArray])],
    ["einsum", (j) => np.einsum("i,i", x, j as NDArray)],
    ["reshape", (j) => np.reshape(j as NDArray, [-1])],
    ["broadcastTo", (j) => np.broadcastTo(j as NDArray, [3])],
    ["at", (j) => np.at(x, 0).set(j as NDArray)],
    ["relu", (j) => nn.relu(j as NDArray)],
    ["softmax", (j) => nn.softmax(j as NDArray)],
    ["sort", (j) => lax.sort([j as NDArray])],
    ["add", (j) => x.add(j as NDArray)],
  ];
  for (const [name, f] of cases) {
    it(`${name} rejects each kind of non-array with an ArgumentError naming it`, () => {
      for (const [, j] of junk) expectError(() => f(j), ArgumentError, name);
    });
  }

  it("array() rejects non-numeric data and says where it is", () => {
    expectError(() => array([1, "a"] as unknown as number[]), ArgumentError, "array", "[1]");
    expectError(() => array(undefined as unknown as number), ArgumentError, "array");
  });

  it("bad static arguments (shapes, axes, counts) are ArgumentErrors, not TypeErrors", () => {
    const bad = <T>(v: unknown) => v as T;
    expectError(() => np.reshape(x, bad(null)), ArgumentError, "reshape");
    expectError(() => np.transpose(x, bad(1)), ArgumentError, "transpose");
    expectError(() => np.sum(x, { axis: bad("0") }), ArgumentError, "sum", "axis");
    expectError(() => np.tile(x, bad(true)), ArgumentError, "tile");
    expectError(() => np.split(x, bad(x)), ArgumentError, "split");
    expectError(() => np.zeros(bad([2, 1.5])), ArgumentError, "shape");
    expectError(() => np.zeros([2, -1]), ShapeError, "zeros", "negative");
    expectError(() => np.einsum(bad(3), x), ArgumentError, "einsum");
    expectError(() => lax.reshape(x, bad(undefined)), ArgumentError, "reshape");
    expectError(() => lax.reduceSum(x, bad(x)), ArgumentError, "reduce_sum");
    expectError(() => lax.dotGeneral(x, x, bad(null)), ArgumentError, "dot_general");
    expectError(() => lax.slice(x, bad(undefined), [1]), ArgumentError, "slice");
    expectError(() => random.permutation(random.key(0), bad(true)), ArgumentError, "permutation");
    expectError(() => np.arange(0, 10, 0), ArgumentError, "arange", "step");
  });

  it("makeJaxpr rejects a leaf that is not an array or a number", () => {
    expectError(() => makeJaxpr((a: unknown) => a)("text"), ArgumentError, "makeJaxpr");
    expectError(() => makeJaxpr(() => ["text"])(), ArgumentError, "makeJaxpr", "output");
  });
});

describe("ConcretizationError on a traced value", () => {
  it("item() inside makeJaxpr names item() and the primitive that made the value", () => {
    expectError(() => makeJaxpr((x: NDArray) => np.sin(x).item())(1), ConcretizationError, "item()", "sin", "makeJaxpr");
  });

  it("toArray()/toTypedArray() on an argument say it is an input", () => {
    expectError(() => makeJaxpr((x: NDArray) => x.toArray())(1), ConcretizationError, "toArray()", "input");
    expectError(() => makeJaxpr((x: NDArray) => x.toTypedArray())(array([1, 2])), ConcretizationError, "toTypedArray()", "f32[2]");
  });

  it("a traced value still prints as a tracer", () => {
    let text = "";
    makeJaxpr((x: NDArray) => {
      text = String(x.mul(2));
      return x;
    })(array([1, 2]));
    expect(text).toMatch(/Traced<f32\[2\]>/);
  });
});

describe("TracerLeakError", () => {
  it("is raised when a tracer escapes its makeJaxpr and is used afterwards", () => {
    let leaked: NDArray | undefined;
    makeJaxpr((x: NDArray) => {
      leaked = x.mul(2);
      return x;
    })(1);
    expectError(() => np.add(leaked!, 1), TracerLeakError, "makeJaxpr", "escaped");
  });
});

describe("TreeStructureError", () => {
  it("names the path where trees differ", () => {
    expectError(() => tree.map((a: unknown) => a, { a: [1, 2] }, { a: [1] }), TreeStructureError, "tree.map", ".a");
  });
});

describe("config.debugNans", () => {
  afterEach(() => config.set({ debugNans: false }));

  it("raises a FloatingPointError naming the primitive that produced a NaN", () => {
    config.set({ debugNans: true });
    expectError(() => np.log(array([-1])), FloatingPointError, "log");
    expect(np.log(array([1])).toArray()).toEqual([0]);
  });

  it("rejects unknown config values", () => {
    expectError(() => config.set({ debugNans: "yes" as unknown as boolean }), ArgumentError, "debugNans");
    expectError(() => config.set({ backend: "gpu" as "js" }), ArgumentError, "backend");
  });
});

describe("optional arguments must come in an options object", () => {
  const x = core.array([
    [1, 2],
    [3, 4],
  ]);
  it("a positional axis (numpy habit) is an ArgumentError, not a silently ignored argument", () => {
    expectError(() => core.np.sum(x, 1 as never), ArgumentError, "options object such as { axis: … }, got number 1");
    expectError(() => x.mean(0 as never), ArgumentError, "mean");
    expectError(() => core.np.concatenate([x, x], 1 as never), ArgumentError, "concatenate");
    expectError(() => core.nn.softmax(x, -1 as never), ArgumentError, "softmax");
  });
  it("null options are an ArgumentError", () => {
    expectError(() => core.np.max(x, null as never), ArgumentError, "got null");
    expectError(() => core.np.sort(x, null as never), ArgumentError, "sort");
  });
  it("an options object still works", () => {
    expect(core.np.sum(x, { axis: 1 }).toArray()).toEqual([3, 7]);
  });
});
