// The jaxts demo (`pnpm demo`): the TensorFlow GradientTape tutorial reproduced line by line in
// functional style, the jaxprs jaxts traces for it, then an MLP trained on handwritten digits.
import { array, makeJaxpr } from "@jaxts/core";
import { grad, jit } from "@jaxts/transforms";
import { main as mlpDigits } from "./mlp-digits.js";
import { polynomial, main as seedTutorial } from "./seed-tutorial.js";

const section = (title: string) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 72 - title.length))}`);

section("1. The TensorFlow GradientTape tutorial, in functional style (examples/seed-tutorial.ts)");
seedTutorial();

section("2. What jaxts traced: the jaxprs of y = x² + 3x + 1 and of its gradient");
const x = array(3);
console.log("makeJaxpr(f)(3.0):");
console.log(String(makeJaxpr(polynomial)(x)));
console.log("makeJaxpr(grad(f))(3.0) — the forward pass, then the transposed tangent (2x + 3):");
console.log(String(makeJaxpr(grad(polynomial))(x)));
console.log("jit(grad(f)).lower(3.0).optimized — after jit's simplification, CSE and dead-code passes:");
console.log(String(jit(grad(polynomial)).lower(x).optimized));

section("3. An MLP on handwritten digits with @jaxts/optim (examples/mlp-digits.ts)");
mlpDigits();
