import { describe, expect, it } from "vitest";
import { ArgumentError, array, checkOptions, eye, linspace, nearestKey, nn, np, lax, random } from "@jaxts/core";

const x = array([[1, 2], [3, 4]]);

describe("options objects are checked against the keys a function reads", () => {
  // One misspelt key per function: each must be an ArgumentError that names the function
  // and suggests the key that was meant (never a silently ignored option).
  const cases: readonly (readonly [string, () => unknown, string])[] = [
    ["sum", () => np.sum(x, { axes: 1 } as never), "axis"],
    ["prod", () => np.prod(x, { keepDims: true } as never), "keepdims"],
    ["mean", () => np.mean(x, { axsi: 0 } as never), "axis"],
    ["max", () => np.max(x, { keepdim: true } as never), "keepdims"],
    ["min", () => np.min(x, { Axis: 0 } as never), "axis"],
    ["all", () => np.all(x, { axes: 0 } as never), "axis"],
    ["any", () => np.any(x, { axes: 0 } as never), "axis"],
    ["variance", () => np.variance(x, { dof: 1 } as never), "ddof"],
    ["std", () => np.std(x, { ddfo: 1 } as never), "ddof"],
    ["argmax", () => np.argmax(x, { axes: 0 } as never), "axis"],
    ["argmin", () => np.argmin(x, { axes: 0 } as never), "axis"],
    ["logsumexp", () => np.logsumexp(x, { axes: 0 } as never), "axis"],
    ["cumsum", () => np.cumsum(x, { axes: 0 } as never), "axis"],
    ["sort", () => np.sort(x, { axes: 0 } as never), "axis"],
    ["argsort", () => np.argsort(x, { axes: 0 } as never), "axis"],
    ["isclose", () => np.isclose(x, x, { rTol: 1 } as never), "rtol"],
    ["allclose", () => np.allclose(x, x, { equalNaN: true } as never), "equalNan"],
    ["squeeze", () => np.squeeze(x, { axes: 0 } as never), "axis"],
    ["concatenate", () => np.concatenate([x, x], { axes: 0 } as never), "axis"],
    ["stack", () => np.stack([x, x], { axes: 0 } as never), "axis"],
    ["split", () => np.split(x, 2, { axes: 0 } as never), "axis"],
    ["flip", () => np.flip(x, { axes: 0 } as never), "axis"],
    ["linspace", () => linspace(0, 1, 5, { endPoint: false } as never), "endpoint"],
    ["eye", () => eye(3, 3, { K: 1 } as never), "k"],
    ["array", () => array([1], { dtyp: "float64" } as never), "dtype"],
    ["gelu", () => nn.gelu(x, { approximated: false } as never), "approximate"],
    ["softmax", () => nn.softmax(x, { axes: 0 } as never), "axis"],
    ["logSoftmax", () => nn.logSoftmax(x, { axes: 0 } as never), "axis"],
    ["standardize", () => nn.standardize(x, { eps: 1e-3 } as never), "epsilon"],
    ["random.uniform", () => random.uniform(random.key(0), [2], { minVal: 1 } as never), "minval"],
    ["categorical", () => random.categorical(random.key(0), x, { axes: 0 } as never), "axis"],
    ["gather", () => lax.gather(x, array([0], { dtype: "int32" }), { axes: 0 } as never), "axis"],
  ];
  for (const [name, call, meant] of cases) {
    it(`${name} with a misspelt option is an ArgumentError suggesting \`${meant}\``, () => {
      expect(call).toThrow(ArgumentError);
      expect(call).toThrow(`did you mean \`${meant}\``);
    });
  }

  it("a value of the wrong kind names the option and what it must be", () => {
    expect(() => np.sum(x, { keepdims: "yes" } as never)).toThrow(/sum: option `keepdims` must be a boolean, got the string "yes"/);
    expect(() => np.sum(x, { axis: 0.5 } as never)).toThrow(/option `axis` must be an integer, a list of integers or null/);
  });

  it("an unknown key with nothing close lists the known options", () => {
    expect(() => np.sum(x, { frobnicate: 1 } as never)).toThrow(/unknown option "frobnicate"; known options: axis, keepdims, dtype/);
  });

  it("a symbol key is rejected rather than ignored", () => {
    expect(() => np.sum(x, { [Symbol("axis")]: 1 } as never)).toThrow(ArgumentError);
  });

  it("positional optional arguments and null are rejected with an example", () => {
    expect(() => np.sum(x, 1 as never)).toThrow(/options object such as \{ axis: … \}, got number 1/);
    expect(() => np.sum(x, null as never)).toThrow(/got null/);
  });

  it("known keys with undefined values mean 'not given'", () => {
    expect(np.sum(x, { axis: undefined } as never).item()).toBe(10);
  });

  it("the checker returns the options it was given, or {} for none", () => {
    const o = { a: 1 };
    expect(checkOptions(o, "f", { a: "number" })).toBe(o);
    expect(checkOptions<{ a?: number }>(undefined, "f", { a: "number" })).toEqual({});
  });
});

describe("nearestKey", () => {
  it("suggests by edit distance, case and abbreviation", () => {
    expect(nearestKey("axes", ["axis", "keepdims"])).toBe("axis");
    expect(nearestKey("argnum", ["argnums", "hasAux"])).toBe("argnums");
    expect(nearestKey("staticArgNums", ["staticArgnums"])).toBe("staticArgnums");
    expect(nearestKey("beta1", ["b1", "b2", "eps"])).toBe("b1");
    expect(nearestKey("debugNaNs", ["defaultFloat", "debugNans", "backend"])).toBe("debugNans");
  });
  it("suggests nothing when nothing is close", () => {
    expect(nearestKey("frobnicate", ["axis", "keepdims"])).toBeUndefined();
  });
});
