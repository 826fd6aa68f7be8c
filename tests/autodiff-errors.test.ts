// Misusing the differentiation API fails with a JaxtsError subclass whose message says
// what was expected, what was given and where — never a bare TypeError.
import {
  ArgumentError,
  array,
  DTypeError,
  JaxtsError,
  type NDArray,
  NotDifferentiableError,
  np,
  ShapeError,
  TracerLeakError,
  TreeStructureError,
} from "@jaxts/core";
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
  linearize,
  valueAndGrad,
  vjp,
  vjpWithAux,
} from "@jaxts/transforms";
import { describe, expect, it } from "vitest";
import { thrown } from "../packages/core/test/helpers/thrown.js";

const x3 = array([0.5, 1.0, -0.3]);
const sumSin = (x: NDArray) => np.sum(np.sin(x));

describe("grad's output must be a float scalar", () => {
  it("a non-scalar output is a ShapeError naming the shape", () => {
    const e = thrown(() => grad((x: NDArray) => x.mul(2))(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^grad:/);
    expect(e.message).toContain("[3]");
    expect(e.message).toMatch(/scalar/);
  });

  it("valueAndGrad says the same, under its own name", () => {
    const e = thrown(() => valueAndGrad((x: NDArray) => np.outer(x, x))(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^valueAndGrad:.*\[3, ?3\]/);
  });

  it("an integer output is a DTypeError", () => {
    const e = thrown(() => grad((x: NDArray) => np.sum(x).astype("int32"))(x3));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/float/);
    expect(e.message).toContain("int32");
  });
});

describe("only float inputs are differentiable", () => {
  it("an int32 argument is a NotDifferentiableError naming the argument and the dtype", () => {
    const e = thrown(() => grad((x: NDArray) => np.sum(x.astype("float32")))(array([1, 2], { dtype: "int32" })));
    expect(e).toBeInstanceOf(NotDifferentiableError);
    expect(e.message).toContain("argument 0");
    expect(e.message).toContain("int32");
  });

  it("names the position of the offending argument among argnums", () => {
    const f = (a: NDArray, n: NDArray) => np.sum(a.mul(n.astype("float32")));
    const e = thrown(() => grad(f, { argnums: [0, 1] })(x3, array([1, 2, 3], { dtype: "int32" })));
    expect(e).toBeInstanceOf(NotDifferentiableError);
    expect(e.message).toContain("argument 1");
    // ... and an integer argument left out of argnums is fine
    expect(grad(f)(x3, array([1, 2, 3], { dtype: "int32" })).toArray()).toEqual([1, 2, 3]);
  });

  it("a bool leaf inside a pytree argument is named too", () => {
    const e = thrown(() => jacrev((p: { w: NDArray; mask: NDArray }) => p.w.mul(p.mask.astype("float32")))({ w: x3, mask: array([true, false, true]) }));
    expect(e).toBeInstanceOf(NotDifferentiableError);
    expect(e.message).toMatch(/^jacrev: argument 0 \(leaf \d\)/);
    expect(e.message).toContain("bool");
  });
});

describe("tracers that escape their transformation", () => {
  it("a tracer stored in an outer variable inside grad and used afterwards is a TracerLeakError", () => {
    let leaked: NDArray | undefined;
    grad((x: NDArray) => {
      leaked = x;
      return np.sum(x);
    })(x3);
    const e = thrown(() => leaked!.add(1));
    expect(e).toBeInstanceOf(TracerLeakError);
    expect(e.message).toContain("grad");
    expect(e.message).toMatch(/escaped/);
    expect(() => np.sin(leaked!)).toThrow(TracerLeakError);
  });

  it("a tracer leaked from jvp and used inside a later grad is a TracerLeakError", () => {
    let leaked: NDArray | undefined;
    jvp(
      (x: NDArray) => {
        leaked = x.mul(2);
        return x;
      },
      [1],
      [1],
    );
    const e = thrown(() => grad((y: NDArray) => y.mul(leaked!))(3));
    expect(e).toBeInstanceOf(TracerLeakError);
    expect(e.message).toContain("jvp");
  });

  it("a vjp function that escaped jit and reads a traced residual is a TracerLeakError", () => {
    // y·x with a cotangent of exactly 1: the pulled-back cotangent is the traced x itself.
    let escaped: ((ct: unknown) => unknown[]) | undefined;
    jit((x: NDArray) => {
      escaped = vjp((y: NDArray) => y.mul(x), x)[1];
      return x;
    })(array(0.5, { dtype: "float32" }));
    const e = thrown(() => escaped!(array(1, { dtype: "float32" })));
    expect(e).toBeInstanceOf(TracerLeakError);
    expect(e.message).toContain("jit");
  });

  it("reading the value of a leaked tracer (item, toArray) is a TracerLeakError too", () => {
    let leaked: NDArray | undefined;
    grad((x: NDArray) => {
      leaked = x;
      expect(x.item()).toBe(3); // inside grad the primal is concrete
      return x;
    })(3);
    expect(() => leaked!.item()).toThrow(TracerLeakError);
    expect(() => leaked!.toArray()).toThrow(/escaped/);
  });
});

describe("custom rules that break their contract", () => {
  const sinVjp = (bwd: (x: NDArray, ct: NDArray) => unknown[]) =>
    customVjp((x: NDArray) => np.sin(x), (x: NDArray) => [np.sin(x), x], bwd as (x: NDArray, ct: NDArray) => NDArray[]);

  it("bwd returning the wrong number of cotangents is a ShapeError saying one per argument", () => {
    const f = sinVjp((x, ct) => [ct.mul(np.cos(x)), ct]);
    const e = thrown(() => grad((x: NDArray) => np.sum(f(x)))(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^customVjp: bwd/);
    expect(e.message).toMatch(/one cotangent per argument \(1\), got 2/);
  });

  it("bwd returning a wrongly shaped cotangent is a ShapeError naming both shapes", () => {
    const f = sinVjp((x, ct) => [np.sum(ct.mul(np.cos(x)))]);
    const e = thrown(() => grad((x: NDArray) => np.sum(f(x)))(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain("customVjp");
    expect(e.message).toContain("[]");
    expect(e.message).toContain("[3]");
  });

  it("bwd returning a cotangent of the wrong pytree structure is a TreeStructureError", () => {
    const f = customVjp(
      (p: { a: NDArray }) => np.sin(p.a),
      (p: { a: NDArray }) => [np.sin(p.a), p.a],
      (a: NDArray, ct: NDArray) => [ct.mul(np.cos(a))],
    );
    const e = thrown(() => grad((p: { a: NDArray }) => np.sum(f(p)))({ a: x3 }));
    expect(e).toBeInstanceOf(TreeStructureError);
    expect(e.message).toMatch(/customVjp: bwd's cotangent 0 has structure/);
    expect(e.message).toContain("{a: *}");
  });

  it("bwd returning something other than an array, or fwd not returning a pair, says so", () => {
    const notArray = sinVjp((_x, ct) => ct as unknown as unknown[]);
    expect(() => grad((x: NDArray) => np.sum(notArray(x)))(x3)).toThrow(/bwd must return an array/);
    const badFwd = customVjp(
      (x: NDArray) => np.sin(x),
      (x: NDArray) => np.sin(x) as unknown as [NDArray, NDArray],
      (_r: NDArray, ct: NDArray) => [ct],
    );
    const e = thrown(() => grad((x: NDArray) => np.sum(badFwd(x)))(x3));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/fwd must return a pair \[out, residuals\]/);
  });

  it("fwd's output must match the function's output", () => {
    const f = customVjp(
      (x: NDArray) => np.sum(x),
      (x: NDArray) => [x, null],
      (_r: null, ct: NDArray) => [ct],
    );
    const e = thrown(() => grad(f)(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/fwd's output leaf 0 has shape \[3\], expected \[\]/);
  });

  it("a customJvp rule whose tangent has the wrong shape is a ShapeError", () => {
    const f = customJvp((x: NDArray) => np.sum(x), ([x], [t]) => [np.sum(x as NDArray), t]);
    const e = thrown(() => grad(f)(x3));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/customJvp: the rule's tangent output leaf 0 has shape \[3\], expected \[\]/);
  });

  it("forward mode through a customVjp function is a NotDifferentiableError pointing at customJvp", () => {
    const f = sinVjp((x, ct) => [ct.mul(np.cos(x))]);
    const e = thrown(() => jvp(f, [x3], [x3]));
    expect(e).toBeInstanceOf(NotDifferentiableError);
    expect(e.message).toContain("customJvp");
  });
});

describe("arguments of the transformations", () => {
  it("jvp with a tangent of the wrong shape is a ShapeError naming both shapes", () => {
    const e = thrown(() => jvp(sumSin, [x3], [array([1, 2])]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/^jvp: tangents\[0\] has shape \[2\] \(f32\[2\]\), but the corresponding primal is f32\[3\]/);
  });

  it("jvp with the wrong number of tangents is a TreeStructureError", () => {
    const e = thrown(() => jvp(sumSin, [x3], [x3, x3]));
    expect(e).toBeInstanceOf(TreeStructureError);
    expect(e.message).toMatch(/^jvp: .*tangents/);
  });

  it("jvp with integer tangents for float primals is a DTypeError", () => {
    const e = thrown(() => jvp(sumSin, [x3], [array([1, 2, 3], { dtype: "int32" })]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toContain("int32");
  });

  it("jvp with a float64 tangent for a float32 primal is a DTypeError naming the argument and both avals", () => {
    const e = thrown(() => jvp((a: NDArray, b: { w: NDArray }) => np.add(a, b.w), [x3, { w: x3 }], [x3, { w: array([1, 2, 3], { dtype: "float64" }) }]));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/^jvp: tangents\[1\]\.w has dtype float64 \(f64\[3\]\), but the corresponding primal is f32\[3\]/);
  });

  it("vjpFn with a float64 cotangent for a float32 output is a DTypeError naming both avals", () => {
    const [, vjpFn] = vjp((a: NDArray) => np.sin(a), x3);
    const e = thrown(() => vjpFn(array([1, 2, 3], { dtype: "float64" })));
    expect(e).toBeInstanceOf(DTypeError);
    expect(e.message).toMatch(/^vjp function: cotangent has dtype float64 \(f64\[3\]\), but the corresponding primal output is f32\[3\]/);
  });

  it("vjpFn with a cotangent of the wrong shape in a pytree output names the leaf's path", () => {
    const [, vjpFn] = vjp((a: NDArray) => ({ out: np.sin(a) }), x3);
    const e = thrown(() => vjpFn({ out: array([1, 2]) }));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain("cotangent.out has shape [2] (f32[2]), but the corresponding primal output is f32[3]");
  });

  it("a JS number tangent or cotangent takes the primal's dtype (it has none of its own)", () => {
    const [, t] = jvp((a: NDArray) => np.multiply(a, 2), [array(1, { dtype: "float64" })], [1]);
    expect((t as NDArray).dtype).toBe("float64");
    const [, vjpFn] = vjp((a: NDArray) => np.multiply(a, 2), array(1, { dtype: "float64" }));
    expect((vjpFn(1)[0] as NDArray).item()).toBe(2);
  });

  it("jvp gives an integer primal a zero tangent (JAX's float0), agreeing with linearize", () => {
    const n = array(3, { dtype: "int32" });
    const [, t] = jvp((a: NDArray) => a.mul(a), [n], [array(1, { dtype: "int32" })]);
    expect((t as NDArray).dtype).toBe("int32");
    expect((t as NDArray).item()).toBe(0);
    const mixed = (a: NDArray, b: NDArray) => np.multiply(a.astype("float32"), b);
    const [, t2] = jvp(mixed, [n, array(2)], [array(1, { dtype: "int32" }), array(1)]);
    const [, jvpFn] = linearize(mixed, n, array(2));
    expect((t2 as NDArray).item()).toBe(3);
    expect((jvpFn(array(1, { dtype: "int32" }), array(1)) as NDArray).item()).toBe(3);
  });

  it("vjpFn with a cotangent of the wrong shape is a ShapeError", () => {
    const [, vjpFn] = vjp(sumSin, x3);
    const e = thrown(() => vjpFn(array([1, 2])));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toMatch(/cotangent has shape \[2\] \(f32\[2\]\), but the corresponding primal output is f32\[\]/);
  });

  it("linearize's jvpFn checks its tangents the same way", () => {
    const [, jvpFn] = linearize(sumSin, x3);
    expect(() => jvpFn(array([1, 2]))).toThrow(ShapeError);
  });

  it("argnums out of range is an ArgumentError naming the argnum and the argument count", () => {
    for (const t of [() => grad(sumSin, { argnums: 1 })(x3), () => jacfwd(sumSin, { argnums: [0, 2] })(x3), () => hessian(sumSin, { argnums: -2 })(x3)]) {
      const e = thrown(t);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(/argnums -?\d is out of range for a call with 1 positional argument/);
    }
  });

  it("argnums 1.5 is an ArgumentError saying argnums must be an integer, not out of range", () => {
    for (const t of [() => grad(sumSin, { argnums: 1.5 }), () => valueAndGrad(sumSin, { argnums: [0, 0.5] }), () => hessian(sumSin, { argnums: Number.NaN })]) {
      const e = thrown(t);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toContain("`argnums` must be an integer or a list of integers");
      expect(e.message).not.toContain("out of range");
    }
  });

  it("a repeated argnum (also as a negative index) is an ArgumentError, not a silently zero gradient", () => {
    const f2 = (a: NDArray, b: NDArray) => np.sum(np.multiply(a, b));
    for (const argnums of [[0, 0], [1, -1]]) {
      const e = thrown(() => grad(f2, { argnums })(x3, x3));
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(/^grad: argnums \[-?\d, -?\d\] selects argument \d more than once/);
    }
    expect(() => jacrev(f2, { argnums: [1, 1] })(x3, x3)).toThrow(/selects argument 1 more than once/);
  });

  it("hasAux with a function that does not return a pair is an ArgumentError", () => {
    const cases = [() => grad(sumSin, { hasAux: true })(x3), () => valueAndGrad((x: NDArray) => [sumSin(x)], { hasAux: true })(x3)];
    for (const t of cases) {
      const e = thrown(t);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(/hasAux the function must return a pair \[output, aux\]/);
    }
    expect(() => vjpWithAux((x: NDArray) => x, x3)).toThrow(/pair/);
  });

  it("a non-array leaf is an ArgumentError naming the argument", () => {
    const e = thrown(() => grad((x: NDArray) => x)("three" as unknown as NDArray));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toMatch(/argument 0/);
    expect(e.message).toContain("string");
  });

  it("a non-function is an ArgumentError from every transformation, not a TypeError", () => {
    const notFn = 5 as unknown as (x: NDArray) => NDArray;
    const cases: [string, () => unknown][] = [
      ["grad", () => grad(notFn)(1)],
      ["valueAndGrad", () => valueAndGrad(notFn)(1)],
      ["jvp", () => jvp(notFn, [1], [1])],
      ["vjp", () => vjp(notFn, 1)],
      ["linearize", () => linearize(notFn, 1)],
      ["jacfwd", () => jacfwd(notFn)(1)],
      ["jacrev", () => jacrev(notFn)(1)],
      ["checkpoint", () => checkpoint(notFn)],
      ["customVjp", () => customVjp(notFn, (x: NDArray) => [x, x], () => [])],
      ["customJvp", () => customJvp(notFn, () => [1, 1])],
    ];
    for (const [name, t] of cases) {
      const e = thrown(t);
      expect(e).toBeInstanceOf(ArgumentError);
      expect(e.message).toMatch(new RegExp(`^${name}: expected a function`));
    }
  });

  it("an unknown checkpoint policy is an ArgumentError listing the policies", () => {
    const e = thrown(() => checkpoint(sumSin, { policy: "save_all" as "dots_saveable" }));
    expect(e).toBeInstanceOf(ArgumentError);
    expect(e.message).toContain("nothing_saveable, dots_saveable, everything_saveable");
  });
});

describe("every error is a JaxtsError", () => {
  const misuses: [string, () => unknown][] = [
    ["non-scalar grad", () => grad((x: NDArray) => x)(x3)],
    ["int input", () => grad(sumSin)(array([1], { dtype: "int32" }))],
    ["bad argnums", () => grad(sumSin, { argnums: 3 })(x3)],
    ["bad hasAux", () => grad(sumSin, { hasAux: true })(x3)],
    ["bad tangent", () => jvp(sumSin, [x3], [array(1)])],
    ["jvp primals not an array", () => jvp(sumSin, x3 as unknown as [NDArray], [x3])],
    ["bad bwd", () => grad((x: NDArray) => np.sum(customVjp((y: NDArray) => np.sin(y), (y: NDArray) => [np.sin(y), y], () => [])(x)))(x3)],
    ["forward mode of customVjp", () => jacfwd(customVjp((y: NDArray) => np.sin(y), (y: NDArray) => [np.sin(y), y], (_y: NDArray, ct: NDArray) => [ct]))(x3)],
  ];
  it.each(misuses)("%s", (_name, thunk) => {
    const e = thrown(thunk);
    expect(e).toBeInstanceOf(JaxtsError);
    expect(e.name).not.toBe("JaxtsError");
    expect(e.message.length).toBeGreaterThan(20);
  });
});

describe("options of the transformations", () => {
  it("grad(f, 1) — a positional argnums — is an ArgumentError instead of differentiating argument 0", () => {
    const f = (a: NDArray, b: NDArray) => a.mul(b);
    expect(() => grad(f, 1 as never)).toThrow(ArgumentError);
    expect(() => grad(f, 1 as never)).toThrow(/grad: optional arguments go in an options object such as \{ argnums: … \}, got number 1/);
    expect(() => valueAndGrad(f, [1] as never)).toThrow(/got an array/);
    expect(() => jacrev(f, 0 as never)).toThrow(ArgumentError);
    expect(() => checkpoint(f, "dots_saveable" as never)).toThrow(/policy/);
  });
});
