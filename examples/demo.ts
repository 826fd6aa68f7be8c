// The jaxts demo: the TensorFlow GradientTape tutorial, in functional style, then a small
// model trained with @jaxts/optim on real data. Run with `pnpm demo`.
import { readFileSync } from "node:fs";
import { array, config, makeJaxpr, type NDArray, nn, np, random } from "@jaxts/core";
import { adam, applyUpdates } from "@jaxts/optim";
import { sigmoidBinaryCrossEntropy } from "@jaxts/optim/losses";
import { checkpoint, customVjp, grad, savedResiduals, valueAndGrad } from "@jaxts/transforms";

const section = (title: string) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 60 - title.length))}`);
config.set({ defaultFloat: "float64" });

section("1. The gradient of x² + 3x + 1 at x = 3");
const f = (x: NDArray) => x.pow(2).add(x.mul(3)).add(1);
console.log("grad(f)(3) =", grad(f)(3).item(), "  (2·3 + 3 = 9)");
console.log("the traced IR of grad(f):");
console.log(String(makeJaxpr(grad(f))(3)));

section("2. Higher derivatives by nesting: x³ at x = 3");
const cube = (x: NDArray) => x.pow(3);
console.log("grad(grad(cube))(3)       =", grad(grad(cube))(3).item(), " (6x = 18)");
console.log("grad(grad(grad(cube)))(3) =", grad(grad(grad(cube)))(3).item(), "  (6)");

section("3. Linear regression y = W·x + b with MSE and gradient descent");
const X = array([1, 2, 3, 4]);
const Y = array([2, 3, 4, 5]);
type Params = { W: NDArray; b: NDArray };
const loss = (p: Params) => np.mean(np.square(p.W.mul(X).add(p.b).sub(Y)));
let params: Params = { W: array(0), b: array(0) };
for (let step = 0; step <= 100; step++) {
  const [value, g] = valueAndGrad(loss)(params);
  if (step % 20 === 0) console.log(`step ${String(step).padStart(3)}  loss ${value.item()}`);
  if (step === 100) break;
  params = { W: params.W.sub(g.W.mul(0.01)), b: params.b.sub(g.b.mul(0.01)) };
}
console.log(`W = ${params.W.item()}, b = ${params.b.item()}`);

section("4. Custom gradients");
const log1pexp = customVjp(
  (x: NDArray) => np.log1p(np.exp(x)),
  (x: NDArray) => [np.log1p(np.exp(x)), x],
  (x: NDArray, ct: NDArray) => [ct.mul(nn.sigmoid(x))],
);
const naive = (x: NDArray) => np.log(np.add(1, np.exp(x)));
console.log("naive  d/dx log(1+eˣ) at 1000 =", grad(naive)(1000).item());
console.log("custom d/dx log(1+eˣ) at 1000 =", grad(log1pexp)(1000).item());
const clipGrad = customVjp(
  (x: NDArray) => x,
  (x: NDArray) => [x, null],
  (_: null, ct: NDArray) => [np.clip(ct, -1, 1)],
);
console.log("gradient clipped to [-1, 1]: grad(x ↦ 5·clip(x))(2) =", grad((x: NDArray) => clipGrad(x).mul(5))(2).item());

section("5. Memory in the backward pass: what grad keeps, with and without checkpoint");
const layers = 200;
const chain = (x: NDArray) => {
  for (let i = 0; i < layers; i++) x = np.tanh(x.mul(0.9).add(0.1));
  return np.sum(x);
};
const segment = checkpoint((x: NDArray) => {
  for (let i = 0; i < 10; i++) x = np.tanh(x.mul(0.9).add(0.1));
  return x;
});
const segmented = (x: NDArray) => {
  for (let s = 0; s < layers / 10; s++) x = segment(x);
  return np.sum(x);
};
const x0 = random.normal(random.key(0), [100_000]);
const mb = (f: (x: NDArray) => NDArray) => (savedResiduals(f, x0).reduce((n, r) => n + r.bytes, 0) / 2 ** 20).toFixed(1);
console.log(`residuals saved for ${layers} tanh layers over 1e5 float64: ${mb(chain)} MiB plain, ${mb(segmented)} MiB with checkpoint per 10 layers`);
const g1 = grad(chain)(x0);
const g2 = grad(segmented)(x0);
console.log("same gradient with checkpoint:", np.allclose(g1, g2).item());

section("6. Training a classifier with @jaxts/optim (breast cancer data, 569 × 30)");
config.set({ defaultFloat: "float32" });
const rows = readFileSync(new URL("./data/breast_cancer.csv", import.meta.url), "utf8").trim().split("\n").slice(1);
const table = rows.map((r) => r.split(",").map(Number));
const features = array(table.map((r) => r.slice(0, -1)));
const labels = array(table.map((r) => r[r.length - 1]!));
const standardized = nn.standardize(features, { axis: 0 });
type Model = { w: NDArray; b: NDArray };
const logits = (m: Model, xs: NDArray) => np.add(np.matmul(xs, m.w), m.b);
const objective = (m: Model) => np.mean(sigmoidBinaryCrossEntropy(logits(m, standardized), labels));
const opt = adam(0.05);
let model: Model = { w: np.zeros([30]), b: np.zeros([]) };
let state = opt.init(model);
for (let step = 0; step <= 200; step++) {
  const [value, g] = valueAndGrad(objective)(model);
  if (step % 50 === 0) {
    const accuracy = np.mean(np.equal(np.greater(logits(model, standardized), 0), np.greater(labels, 0.5))).item() as number;
    console.log(`step ${String(step).padStart(3)}  loss ${(value.item() as number).toFixed(4)}  accuracy ${(100 * accuracy).toFixed(1)}%`);
  }
  const [updates, next] = opt.update(g, state, model);
  model = applyUpdates(model, updates) as Model;
  state = next;
}
