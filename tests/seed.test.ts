// The tutorial a new user starts from, in jaxts, with exact values: derivatives of
// polynomials, higher derivatives, a linear regression trained by gradient descent over
// a pytree of parameters, and custom derivative rules (clipping, a stable log1pexp).
import { array, config, type NDArray, nn, np, tree } from "@jaxts/core";
import { customJvp, customVjp, grad, jvp, valueAndGrad } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";

const value = (x: unknown): number => (x as NDArray).item() as number;

describe("grad of a polynomial", () => {
  const f = (x: NDArray) => x.pow(2).add(x.mul(3)).add(1);

  it("d/dx (x² + 3x + 1) at 3 is 9, for a plain JS number argument", () => {
    expect(value(grad(f)(3))).toBe(9);
  });

  it("d/dx (x² + 3x + 1) at 3 is 9, for an NDArray argument, in the argument's dtype", () => {
    const g = grad(f)(array(3, { dtype: "float64" }));
    expect(g.dtype).toBe("float64");
    expect(g.shape).toEqual([]);
    expect(value(g)).toBe(9);
  });

  it("second and third derivatives of x³ at 3 are 18 and 6", () => {
    const cube = (x: NDArray) => x.pow(3);
    expect(value(grad(grad(cube))(3))).toBe(18);
    expect(value(grad(grad(grad(cube)))(3))).toBe(6);
  });
});

describe("linear regression by gradient descent", () => {
  afterEach(() => config.set({ defaultFloat: "float32" }));

  interface Params {
    readonly W: NDArray;
    readonly b: NDArray;
  }
  const xs = [1, 2, 3, 4];
  const ys = [2, 3, 4, 5];
  const lr = 0.01;
  const steps = 100;

  /** The same iteration in plain JS float64: MSE of W·x + b and its gradient by hand. */
  function plainDescent(): { losses: number[]; W: number; b: number } {
    let W = 0;
    let b = 0;
    const losses: number[] = [];
    const lossOf = (w: number, c: number) => xs.reduce((s, x, i) => s + (w * x + c - ys[i]!) ** 2, 0) / xs.length;
    for (let step = 0; step < steps; step++) {
      losses.push(lossOf(W, b));
      const r = xs.map((x, i) => W * x + b - ys[i]!);
      const dW = r.reduce((s, ri, i) => s + 2 * ri * xs[i]!, 0) / xs.length;
      const db = r.reduce((s, ri) => s + 2 * ri, 0) / xs.length;
      W -= lr * dW;
      b -= lr * db;
    }
    losses.push(lossOf(W, b));
    return { losses, W, b };
  }

  it("lowers the loss at every step and matches a plain-JS float64 re-computation", () => {
    config.set({ defaultFloat: "float64" });
    const X = array(xs);
    const Y = array(ys);
    const loss = (p: Params) => np.mean(np.square(p.W.mul(X).add(p.b).sub(Y)));
    const step = valueAndGrad(loss);

    let params: Params = { W: array(0), b: array(0) };
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      const [l, g] = step(params);
      losses.push(value(l));
      params = tree.map((p, d) => (p as NDArray).sub((d as NDArray).mul(lr)), params, g) as Params;
    }
    losses.push(value(loss(params)));

    expect(params.W.dtype).toBe("float64");
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);

    const plain = plainDescent();
    expect(losses[0]).toBe(plain.losses[0]);
    losses.forEach((l, i) => expect(Math.abs(l - plain.losses[i]!)).toBeLessThanOrEqual(1e-12 * Math.abs(plain.losses[i]!)));
    expect(value(params.W)).toBeCloseTo(plain.W, 12);
    expect(value(params.b)).toBeCloseTo(plain.b, 12);
  });

  it("gives the gradient the structure of the parameter pytree", () => {
    const X = array(xs);
    const Y = array(ys);
    const g = grad((p: Params) => np.mean(np.square(p.W.mul(X).add(p.b).sub(Y))))({ W: array(0), b: array(0) });
    expect(Object.keys(g).sort()).toEqual(["W", "b"]);
    // d/dW mean((W x + b - y)²) at 0 = -2 mean(x y) = -20; d/db = -2 mean(y) = -7
    expect(value(g.W)).toBeCloseTo(-20, 5);
    expect(value(g.b)).toBeCloseTo(-7, 5);
  });
});

describe("custom gradients", () => {
  /** The identity on the forward pass; clips the cotangent to [-1, 1] on the backward pass. */
  const clipGradient = customVjp(
    (x: NDArray) => x,
    (x: NDArray) => [x, null],
    (_res: null, ct: NDArray) => [np.clip(ct, -1, 1)],
  );

  it("customVjp clips the gradient but leaves the value alone", () => {
    expect(value(clipGradient(array(2.5)))).toBe(2.5);
    expect(value(grad((x: NDArray) => clipGradient(x).mul(5))(2))).toBe(1);
    expect(value(grad((x: NDArray) => clipGradient(x).mul(-5))(2))).toBe(-1);
    expect(value(grad((x: NDArray) => clipGradient(x).mul(0.5))(2))).toBe(0.5);
    const g = grad((x: NDArray) => clipGradient(x.mul(3)).sum())(array([1, 2]));
    // d(sum)/d(3x) = 1 (not clipped), chain rule: 3
    expect(g.toArray()).toEqual([3, 3]);
  });

  const naiveLog1pexp = (x: NDArray) => np.log(np.exp(x).add(1));

  it("the naive log(1 + exp(x)) has a NaN gradient at x = 100 (float32 overflow)", () => {
    expect(Number.isFinite(value(grad(naiveLog1pexp)(100)))).toBe(false);
  });

  it("a customJvp log1pexp has gradient 1 at x = 100 and 0.5 at 0", () => {
    const log1pexp = customJvp(naiveLog1pexp, ([x], [t]) => {
      const p = x as NDArray;
      return [naiveLog1pexp(p), (t as NDArray).mul(np.subtract(1, np.divide(1, np.exp(p).add(1))))];
    });
    expect(value(grad(log1pexp)(100))).toBe(1);
    expect(value(grad(log1pexp)(0))).toBe(0.5);
    expect(value(log1pexp(array(3)))).toBeCloseTo(Math.log1p(Math.exp(3)), 5);
  });

  it("a customVjp log1pexp has gradient 1 at x = 100", () => {
    const log1pexp = customVjp(
      naiveLog1pexp,
      (x: NDArray) => [naiveLog1pexp(x), x],
      (x: NDArray, ct: NDArray) => [ct.mul(nn.sigmoid(x))],
    );
    expect(value(grad(log1pexp)(100))).toBe(1);
    expect(value(grad(log1pexp)(0))).toBe(0.5);
  });

  it("grad uses a customJvp rule: a rule that scales the tangent by 10 scales the gradient", () => {
    const scaledSin = customJvp(
      (x: NDArray) => np.sin(x),
      ([x], [t]) => [np.sin(x as NDArray), (t as NDArray).mul(10)],
    );
    expect(value(scaledSin(array(1)))).toBeCloseTo(Math.sin(1), 6);
    expect(value(jvp(scaledSin, [1], [1])[1])).toBe(10);
    expect(value(grad(scaledSin)(1))).toBe(10);
    expect(value(grad((x: NDArray) => scaledSin(x.mul(2)))(1))).toBe(20);
  });
});
