// Numerical edge cases, in float32 and float64: values and gradients stay finite and
// accurate where a naive formula overflows or cancels — logsumexp at ±1e4 and with -∞,
// softplus / sigmoid / logSigmoid at ±1000, log1p / expm1 at 1e-10, and softmax cross
// entropy with logits of ±1e4. References are closed forms evaluated in plain JS.
import { array, type NDArray, nn, np } from "@jaxts/core";
import { losses } from "@jaxts/optim";
import { grad } from "@jaxts/transforms";
import { describe, expect, it } from "vitest";

const vals = (x: NDArray): number[] => Array.from(x.toTypedArray(), Number);

function expectNear(got: number[], want: number[], rel: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!Number.isFinite(w)) {
      expect(g, `element ${i}`).toBe(w);
      return;
    }
    expect(Number.isFinite(g), `element ${i} is ${g}`).toBe(true);
    expect(Math.abs(g - w), `element ${i}: got ${g}, want ${w}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(w)));
  });
}

for (const dtype of ["float32", "float64"] as const) {
  const A = (xs: number[]) => array(xs, { dtype });
  const eps = dtype === "float32" ? 2e-7 : 1e-15;

  describe(`numerical edges in ${dtype}`, () => {
    it("logsumexp at ±1e4 is exact (no overflow) and its gradient is the softmax", () => {
      const lse = (x: NDArray) => np.logsumexp(x);
      expectNear([lse(A([1e4, 1e4])).item() as number], [1e4 + Math.LN2], eps);
      expectNear([lse(A([-1e4, -1e4])).item() as number], [-1e4 + Math.LN2], eps);
      expectNear([lse(A([1e4, -1e4])).item() as number], [1e4], eps);
      expectNear(vals(grad(lse)(A([1e4, 1e4]))), [0.5, 0.5], eps);
      expectNear(vals(grad(lse)(A([1e4, -1e4]))), [1, 0], eps);
      expectNear(vals(grad(lse)(A([-1e4, -1e4 + Math.log(3)]))), [0.25, 0.75], 10 * eps * 1e4);
    });

    it("logsumexp with -∞ entries ignores them (value and gradient), and all -∞ gives -∞", () => {
      const lse = (x: NDArray) => nn.logsumexp(x);
      expectNear([lse(A([Number.NEGATIVE_INFINITY, 0, 0])).item() as number], [Math.LN2], eps);
      expectNear(vals(grad(lse)(A([Number.NEGATIVE_INFINITY, 0, 0]))), [0, 0.5, 0.5], eps);
      expect(lse(A([Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY])).item()).toBe(Number.NEGATIVE_INFINITY);
      // along an axis, a row of -∞ does not disturb the other rows
      const rows = array([[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY], [1e4, 1e4]], { dtype });
      expectNear(vals(nn.logsumexp(rows, { axis: 1 })), [Number.NEGATIVE_INFINITY, 1e4 + Math.LN2], eps);
    });

    it("softplus, sigmoid and logSigmoid at ±1000 have exact values and finite gradients", () => {
      const g = (f: (x: NDArray) => NDArray) => (x: number) => vals(grad((a: NDArray) => np.sum(f(a)))(A([x])))[0]!;
      expectNear(vals(nn.softplus(A([1000, -1000, 0]))), [1000, 0, Math.LN2], eps);
      expectNear([g(nn.softplus)(1000), g(nn.softplus)(-1000), g(nn.softplus)(0)], [1, 0, 0.5], eps);
      expectNear(vals(nn.sigmoid(A([1000, -1000, 0]))), [1, 0, 0.5], eps);
      expectNear([g(nn.sigmoid)(1000), g(nn.sigmoid)(-1000), g(nn.sigmoid)(0)], [0, 0, 0.25], eps);
      expectNear(vals(nn.logSigmoid(A([1000, -1000, 0]))), [0, -1000, -Math.LN2], eps);
      expectNear([g(nn.logSigmoid)(1000), g(nn.logSigmoid)(-1000), g(nn.logSigmoid)(0)], [0, 1, 0.5], eps);
    });

    it("log1p and expm1 at ±1e-10 keep full relative accuracy, with gradients ≈ 1", () => {
      // the input as stored (1e-10 rounds in float32); log1p(x) ≈ x - x²/2, expm1(x) ≈ x + x²/2
      const x = vals(A([1e-10, -1e-10]));
      const rel = (got: number[], want: number[]) => got.forEach((v, i) => expect(Math.abs(v - want[i]!) / Math.abs(want[i]!)).toBeLessThan(eps * 4));
      rel(vals(np.log1p(A(x))), x.map((v) => v - (v * v) / 2));
      rel(vals(np.expm1(A(x))), x.map((v) => v + (v * v) / 2));
      const d = (f: (a: NDArray) => NDArray) => vals(grad((a: NDArray) => np.sum(f(a)))(A(x)));
      expectNear(d(np.log1p), x.map((v) => 1 / (1 + v)), eps);
      expectNear(d(np.expm1), x.map((v) => Math.exp(v)), eps);
    });

    it("softmax cross entropy with logits of ±1e4 is exact and its gradient is softmax - onehot", () => {
      const logits = array([[1e4, -1e4, 0], [0, 1e4, -1e4]], { dtype });
      const labels = array([1, 1], { dtype: "int32" });
      const ce = (l: NDArray) => np.sum(losses.softmaxCrossEntropyWithIntegerLabels(l, labels));
      expectNear(vals(losses.softmaxCrossEntropyWithIntegerLabels(logits, labels)), [2e4, 0], eps);
      expectNear(vals(grad(ce)(logits)), [1, -1, 0, 0, 0, 0], eps);
      const onehot = array([[0, 1, 0], [0, 1, 0]], { dtype });
      const ce2 = (l: NDArray) => np.sum(losses.softmaxCrossEntropy(l, onehot));
      expectNear(vals(losses.softmaxCrossEntropy(logits, onehot)), [2e4, 0], eps);
      expectNear(vals(grad(ce2)(logits)), [1, -1, 0, 0, 0, 0], eps);
      expectNear(vals(nn.logSoftmax(logits)), [0, -2e4, -1e4, -1e4, 0, -2e4], eps);
    });
  });
}
