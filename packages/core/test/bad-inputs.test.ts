// Regression tests for bad inputs the fuzz suite (tests/fuzz) found in @jaxts/core: each one
// used to escape as a TypeError/RangeError, hang, or be silently misread; now it is a
// JaxtsError naming the function, or the right answer.
import {
  ArgumentError,
  array,
  AxisError,
  DTypeError,
  evalJaxpr,
  lax,
  makeJaxpr,
  type NDArray,
  nn,
  np,
  printJaxpr,
  promoteTypes,
  random,
  scalar,
  ShapeError,
  tree,
} from "@jaxts/core";
import { describe, expect, it } from "vitest";
import { thrown } from "./helpers/thrown.js";

describe("an error about a bad value never fails while describing it", () => {
  it("random.key with an object without a prototype is an ArgumentError", () => {
    const e = thrown(() => random.key(Object.create(null) as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/random\.key: the seed must be an integer, got an object/);
  });

  it("a bigint dtype is a DTypeError, not a JSON.stringify TypeError", () => {
    const e = thrown(() => np.zerosLike(array([1, 2]), 10n as never));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/unknown dtype bigint 10/);
  });

  it("a symbol axis is an AxisError naming the function", () => {
    const e = thrown(() => lax.reduceSum(array([1, 2]), [Symbol("s")] as never));
    expect(e).toBeInstanceOf(AxisError);
    expect(e.message).toMatch(/reduce_sum: axis must be an integer, got symbol/);
  });

  it("random.permutation and nn.oneHot describe any bad count", () => {
    expect(() => random.permutation(random.key(0), Object.create(null) as never)).toThrow(ArgumentError);
    expect(() => nn.oneHot(array([0, 1]), Object.create(null) as never)).toThrow(/oneHot: numClasses must be a non-negative integer, got an object/);
  });

  it("lax.iota with a non-integer dimension is an ArgumentError", () => {
    expect(thrown(() => lax.iota("int32", [3], { toString: "" } as never))).toBeInstanceOf(ArgumentError);
  });
});

describe("huge counts that produce little data do not loop", () => {
  it("np.eye with no columns returns its empty array at once", { timeout: 3000 }, () => {
    const e = np.eye(2 ** 33, 0);
    expect(e.shape).toEqual([2 ** 33, 0]);
    expect(e.size).toBe(0);
  });

  it("np.eye with an offset puts ones on the shifted diagonal only", () => {
    expect(np.eye(3, 4, { k: 1 }).toArray()).toEqual([
      [0, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
    ]);
    expect(np.eye(3, 3, { k: -2 }).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
  });

  it("lax.integerPow of int32 with a huge exponent is fast and wraps like repeated multiplication", { timeout: 3000 }, () => {
    const x = array([0, 1, -1, 3], { dtype: "int32" });
    expect(Array.from(lax.integerPow(x, 2 ** 33).toTypedArray())).toEqual([0, 1, 1, int32Pow(3, 2 ** 33)]);
    expect(Array.from(lax.integerPow(array([2, 3], { dtype: "int32" }), 31).toTypedArray())).toEqual([-2147483648, Number(BigInt.asIntN(32, 3n ** 31n))]);
    expect(lax.integerPow(array([5], { dtype: "int32" }), 3).item()).toBe(125);
  });

  it("lax.broadcastInDim to a negative size is a ShapeError, not an endless loop", { timeout: 3000 }, () => {
    const e = thrown(() => lax.broadcastInDim(array(5), [-1, -1], []));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/broadcast_in_dim: shape \[-1, -1\] has a negative dimension/);
  });

  it("np.split of an empty axis into billions of sections is a ShapeError", () => {
    expect(thrown(() => np.split(np.zeros([0]), 2 ** 33))).toBeInstanceOf(ShapeError);
    expect(np.split(np.zeros([0]), 3).map((a) => a.shape)).toEqual([[0], [0], [0]]);
  });
});

/** x**n wrapped to int32, in exact BigInt arithmetic modulo 2**32 (independent of the kernel). */
function int32Pow(x: number, n: number): number {
  const m = 2n ** 32n;
  let result = 1n;
  let base = ((BigInt(x) % m) + m) % m;
  for (let e = BigInt(n); e > 0n; e /= 2n) {
    if (e % 2n === 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return Number(BigInt.asIntN(32, result));
}

describe("holes in JS lists are read, not skipped", () => {
  const holey = (...xs: unknown[]): unknown[] => {
    const a = [...xs];
    delete a[1];
    return a;
  };

  it("a shape with a hole is an ArgumentError", () => {
    expect(thrown(() => np.zeros(holey(2, 0, 3) as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => np.reshape(np.zeros([6]), holey(2, 0, 3) as never))).toBeInstanceOf(ArgumentError);
  });

  it("np.concatenate and np.stack with a hole are ArgumentErrors", () => {
    const x = array([1, 2]);
    expect(thrown(() => np.concatenate(holey(x, x, x) as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => np.stack(holey(x, x, x) as never))).toBeInstanceOf(ArgumentError);
  });

  it("a pytree list with a hole has an empty subtree there, in flatten and leafPaths alike", () => {
    const t = holey(array(1), 0, array(3));
    const [leaves, def] = tree.flatten(t);
    expect(leaves).toHaveLength(2);
    expect(String(def)).toBe("[*, undefined, *]");
    expect(tree.leafPaths(t)).toEqual(["[0]", "[2]"]);
  });
});

describe("functions check the kind of every argument", () => {
  it("np.asarray takes { dtype } like jnp.asarray, and rejects anything else as its options", () => {
    const x = array([1, 2]);
    expect(np.asarray(x)).toBe(x);
    expect(np.asarray([1, 2], { dtype: "int32" }).dtype).toBe("int32");
    expect(thrown(() => np.asarray(x, "where" as never))).toBeInstanceOf(ArgumentError);
  });

  it("array, lax.sort and random.uniform reject a null options object", () => {
    expect(thrown(() => array([1], null as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => lax.sort([array([2, 1])], null as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => random.uniform(random.key(0), [2], null as never))).toBeInstanceOf(ArgumentError);
  });

  it("lax.dotGeneral with malformed dimension numbers is an ArgumentError", () => {
    const x = array([1, 2]);
    expect(thrown(() => lax.dotGeneral(x, x, [] as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => lax.dotGeneral(x, x, [[[0], [0]]] as never))).toBeInstanceOf(ArgumentError);
  });

  it("tree.map, tree.unflatten and tree.assertSameStructure check their arguments", () => {
    expect(thrown(() => tree.map(42 as never, [1]))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => tree.unflatten("def" as never, []))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => tree.unflatten(tree.structure([1]), 5 as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => tree.assertSameStructure(undefined as never, tree.structure(1), "here"))).toBeInstanceOf(ArgumentError);
    expect(tree.structure([1]).equals(42 as never)).toBe(false);
  });

  it("makeJaxpr, evalJaxpr and printJaxpr reject what is not a function or a jaxpr", () => {
    expect(thrown(() => makeJaxpr(42 as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => evalJaxpr({} as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => printJaxpr("jaxpr" as never))).toBeInstanceOf(ArgumentError);
  });

  it("scalar and promoteTypes check their arguments", () => {
    expect(thrown(() => scalar(1, "float8" as never))).toBeInstanceOf(DTypeError);
    expect(thrown(() => scalar("1" as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => promoteTypes(false as never, { dtype: "int32", weakType: false }))).toBeInstanceOf(DTypeError);
    expect(promoteTypes({ dtype: "int32", weakType: false }, { dtype: "int32", weakType: true })).toEqual({ dtype: "int32", weakType: false });
  });
});

describe("np, nn and random options objects reject unknown keys and wrong kinds", () => {
  const x = array([
    [1, 2],
    [3, 4],
  ]);

  it("np.sum(x, { axes: 1 }) is an ArgumentError suggesting `axis`, not a sum of everything", () => {
    const e = thrown(() => np.sum(x, { axes: 1 } as never));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/sum: unknown option "axes" \(did you mean `axis`\?\)/);
  });

  it("reductions, sorting, joins and nn functions check their option keys and kinds", () => {
    expect(thrown(() => np.mean(x, { keepDims: true } as never)).message).toMatch(/did you mean `keepdims`/);
    expect(thrown(() => np.std(x, { ddof: "1" } as never)).message).toMatch(/option `ddof` must be an integer/);
    expect(thrown(() => np.argmax(x, { axis: [0] } as never)).message).toMatch(/option `axis` must be an integer/);
    expect(thrown(() => np.sort(x, { axes: 0 } as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => np.concatenate([x, x], { dim: 0 } as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => np.linspace(0, 1, 5, { endPoint: false } as never)).message).toMatch(/did you mean `endpoint`/);
    expect(thrown(() => nn.gelu(x, { approx: false } as never))).toBeInstanceOf(ArgumentError);
    expect(thrown(() => random.categorical(random.key(0), x, { axes: 0 } as never))).toBeInstanceOf(ArgumentError);
  });

  it("the documented options still work", () => {
    expect(np.sum(x, { axis: 1, keepdims: true }).shape).toEqual([2, 1]);
    expect(np.std(x, { axis: 0, ddof: 1 }).shape).toEqual([2]);
    expect(np.linspace(0, 1, 4, { endpoint: false }).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
  });
});

describe("found by the fuzz suite with FUZZ_SEED=20261203", () => {
  it("lax.argmax / argmin with a non-integer index dtype is a DTypeError (it reached the kernels as 'internal: no complex kernel')", () => {
    expect(() => lax.argmax(array([[false, true], [true, false]]), 0, "complex64")).toThrow(DTypeError);
    expect(() => lax.argmin(array([1, 2]), 0, "float32")).toThrow(/index_dtype must be an integer dtype/);
    expect(lax.argmax(array([1, 3, 2]), 0, "int16").dtype).toBe("int16");
  });
  it("a hole in the list given to multiDot or lexsort is a missing operand, not one skipped into a TypeError", () => {
    expect(() => np.linalg.multiDot(new Array(3))).toThrow(ArgumentError);
    expect(() => np.lexsort(new Array(2))).toThrow(ArgumentError);
  });
  it("tree.flattenWithPaths checks its isLeaf and where arguments", () => {
    expect(() => tree.flattenWithPaths([], "f", false as never)).toThrow(/isLeaf must be a function/);
    expect(() => tree.flattenWithPaths([], [] as never)).toThrow(ArgumentError);
  });
  it("nn.initializers.constant refuses a complex value for a real array instead of dropping its imaginary part", () => {
    const z = array([{ re: 1, im: 2 }] as never, { dtype: "complex64" }).reshape([]);
    expect(() => nn.initializers.constant(z)(random.key(0), [2])).toThrow(DTypeError);
    expect(nn.initializers.constant(z)(random.key(0), [2], "complex64").toTypedArray()).toEqual(new Float32Array([1, 2, 1, 2]));
  });
});

describe("found by the fuzz suite with FUZZ_SEED=7, 31337 and 424242", () => {
  const z = array([{ re: 0, im: 1 }, { re: 2, im: 1 }] as never, { dtype: "complex64" });
  it("complex values where only real ones make sense are DTypeErrors, never a dropped imaginary part", () => {
    expect(() => random.categorical(random.key(0), z)).toThrow(DTypeError);
    expect(() => np.digitize(z, array([0, 1]))).toThrow(/x may not be complex/);
    expect(() => np.digitize(array([0.5]), z)).toThrow(/bins may not be complex/);
    expect(() => np.at(array([1, 2], { dtype: "float32" }), array([0, 1], { dtype: "int32" })).add(z)).toThrow(/drop their imaginary part/);
    expect(np.at(z, array([0], { dtype: "int32" })).add(array([{ re: 1, im: 1 }] as never, { dtype: "complex64" })).toTypedArray()).toEqual(new Float32Array([1, 2, 2, 1]));
  });
  it("bad arguments of lax.convertElementType, lax.associativeScan and scalar are ArgumentErrors, not TypeErrors while describing them", () => {
    expect(() => lax.convertElementType(0, "bool", Object.create(null) as never)).toThrow(ArgumentError);
    expect(() => lax.associativeScan(lax.add as never, undefined as never)).toThrow(ArgumentError);
    expect(() => scalar(0, undefined, 0 as never, Object.create(null) as never)).toThrow(ArgumentError);
  });
});

describe("found by the fuzz suite with FUZZ_SEED=6", () => {
  it("lax.associativeScan with an fn whose result has another shape is a ShapeError (the halving recursion never ended: a stack overflow)", () => {
    expect(() => lax.associativeScan(() => np.zeros([3]), array([false, true, false]))).toThrow(ShapeError);
    expect(() => lax.associativeScan((a: NDArray) => np.sum(a), array([1, 2, 3]))).toThrow(/fn must return arrays of its arguments' shapes, got \[\] for \[1\]/);
    expect(() => lax.associativeScan(((a: NDArray) => [a]) as never, array([1, 2, 3]))).toThrow(ArgumentError);
    expect(lax.associativeScan(lax.add, array([1, 2, 3, 4])).toArray()).toEqual([1, 3, 6, 10]);
  });
});
