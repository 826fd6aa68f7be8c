// Eager reverse mode over big arrays on the wasm backend runs its backward pass as one compiled
// program (transforms/src/ad/compiled-backward.ts): the same backward pass, staged and fused.
// What a user relies on: the gradients are those of the interpreted pass (within the fused
// sums' rounding), symbolic zeros stay zeros, and nothing changes where it must not (js,
// debugNans, under an outer transformation, around a user's custom backward function).
import { array, config, fusedKernelCount, type NDArray, nn, np } from "@jaxts/core";
import { customVjp, grad, jvp, valueAndGrad, vjp } from "@jaxts/transforms";
import { afterEach, describe, expect, it } from "vitest";
import { BIG, bigData, expectClose } from "./big-arrays.js";
import { compiledBackwardStats } from "../packages/transforms/src/ad/compiled-backward.js";

afterEach(() => config.set({ backend: "js", debugNans: false }));

const data = bigData;
const N = BIG;
const w3 = (x: NDArray) => np.sum(np.tanh(x).mul(nn.sigmoid(x)).add(np.square(x).mul(0.5)));

/** The gradient computed with the compiled pass (wasm) and with the interpreted one (js). */
function bothWays<T>(run: () => T): { compiled: T; interpreted: T; used: number } {
  config.set({ backend: "js" });
  const interpreted = run();
  config.set({ backend: "wasm" });
  const before = compiledBackwardStats.compiled;
  const compiled = run();
  return { compiled, interpreted, used: compiledBackwardStats.compiled - before };
}

const close = expectClose;

describe("eager reverse mode over big arrays runs its backward pass compiled", () => {
  it("valueAndGrad of sum(tanh(x)·σ(x) + ½x²) over 131072 elements: compiled, and the gradient of the interpreted pass", () => {
    const x = data(1);
    const { compiled, interpreted, used } = bothWays(() => valueAndGrad(w3)(x));
    expect(used).toBe(1);
    close(compiled[0], interpreted[0], 1e-6);
    close(compiled[1] as NDArray, interpreted[1] as NDArray, 1e-6);
  });

  it("an MLP's loss gradient (matmuls, broadcasts, a mean) with respect to every parameter, in float64", () => {
    const f64 = (seed: number, shape: number[]) => data(seed, shape.reduce((a, b) => a * b, 1)).astype("float64").reshape(shape);
    const params = { w: f64(2, [256, 512]).mul(0.05), b: f64(3, [512]), v: f64(4, [512, 4]).mul(0.05) };
    const x = f64(5, [128, 256]);
    const loss = (p: typeof params) => np.mean(np.square(np.matmul(nn.relu(np.matmul(x, p.w).add(p.b)), p.v)));
    const { compiled, interpreted, used } = bothWays(() => grad(loss)(params) as typeof params);
    expect(used).toBe(1);
    for (const k of ["w", "b", "v"] as const) close(compiled[k], interpreted[k], 1e-12);
  });

  it("a loss weighted by a number that changes every step reuses the compiled pass: no kernel is built again, and the gradients follow the number", () => {
    const x = data(12);
    const step = (alpha: number) => grad((v: NDArray) => np.sum(np.tanh(v).mul(alpha).add(np.square(v).mul(alpha * 0.3))))(x) as NDArray;
    config.set({ backend: "wasm" });
    step(1.25);
    const kernels = fusedKernelCount();
    const got = [1.5, 1.75, 2.125].map(step);
    expect(fusedKernelCount()).toBe(kernels);
    config.set({ backend: "js" });
    const want = [1.5, 1.75, 2.125].map(step);
    got.forEach((g, i) => close(g, want[i]!, 1e-6));
  });

  it("an input the output does not depend on gets zeros, as in the interpreted pass", () => {
    const [x, y] = [data(6), data(7)];
    const { compiled, interpreted, used } = bothWays(() => {
      const [, pullback] = vjp((a: NDArray, b: NDArray) => np.sum(np.exp(a.mul(0.1))).add(np.sum(b).mul(0)), x, y);
      return pullback(array(1, { dtype: "float32" })) as NDArray[];
    });
    expect(used).toBe(1);
    close(compiled[0]!, interpreted[0]!, 1e-6);
    close(compiled[1]!, interpreted[1]!, 0);
    const [, pullback] = vjp((a: NDArray, _b: NDArray) => np.sum(np.exp(a.mul(0.1))), x, y);
    config.set({ backend: "wasm" });
    const [gx, gy] = pullback(array(1, { dtype: "float32" })) as NDArray[];
    expect(gy!.shape).toEqual([N]);
    expect(Array.from(gy!.toTypedArray()).every((v) => v === 0)).toBe(true);
    expect(gx!.shape).toEqual([N]);
  });

  it("is not used on js, under debugNans, below its size, under an outer transformation, or around a custom backward function", () => {
    const x = data(8);
    const used = (run: () => unknown): number => {
      const before = compiledBackwardStats.compiled;
      run();
      return compiledBackwardStats.compiled - before;
    };
    config.set({ backend: "js" });
    expect(used(() => grad(w3)(x))).toBe(0);
    config.set({ backend: "wasm" });
    expect(used(() => grad(w3)(data(8, 1000)))).toBe(0);
    config.set({ debugNans: true });
    expect(used(() => grad(w3)(x))).toBe(0);
    config.set({ debugNans: false });
    // forward over reverse: the inner backward pass runs on JVP tracers, so it stays interpreted
    expect(used(() => jvp((a: NDArray) => grad(w3)(a), [x], [np.onesLike(x)]))).toBe(0);
    // a user's backward function is called as written, on arrays
    let bwdCalls = 0;
    const scaled = customVjp(
      (a: NDArray) => a.mul(2),
      (a: NDArray) => [a.mul(2), a],
      (_res: NDArray, ct: NDArray) => {
        bwdCalls++;
        return [ct.mul(2)];
      },
    );
    let g = x;
    expect(
      used(() => {
        g = grad((a: NDArray) => np.sum(scaled(a)))(x);
      }),
    ).toBe(0);
    expect(bwdCalls).toBe(1);
    expect(Array.from(g.toTypedArray().slice(0, 3))).toEqual([2, 2, 2]);
  });
});
