// Property-test your own gradients: checkGrads (from @jaxts/transforms/testing) compares the
// forward- and reverse-mode derivatives of a function with finite differences in float64,
// and fast-check runs it on many random inputs. Here it passes a correct hand-written rule
// and catches a wrong one, naming the mode, the order and the worst element.
//
//   pnpm example property-test-gradients
import { type NDArray, nn, np } from "@jaxts/core";
import { customVjp } from "@jaxts/transforms";
import { arrayArb, checkGrads } from "@jaxts/transforms/testing";
import fc from "fast-check";
import { type ExampleOptions, runIfMain } from "./lib/main.js";

/** softplus(x) = log(1 + eˣ) with its derivative σ(x) written by hand. */
export const softplus = customVjp(
  (x: NDArray) => nn.softplus(x),
  (x: NDArray) => [nn.softplus(x), x],
  (x: NDArray, ct: NDArray) => [ct.mul(nn.sigmoid(x))],
);

/** The same with a common slip: the derivative of log(1 + eˣ) taken as 1/(1 + eˣ). */
export const buggySoftplus = customVjp(
  (x: NDArray) => nn.softplus(x),
  (x: NDArray) => [nn.softplus(x), x],
  (x: NDArray, ct: NDArray) => [ct.div(np.exp(x).add(1))],
);

export function main(opts: ExampleOptions = {}) {
  const print = opts.print ?? console.log;
  const numRuns = opts.small ? 10 : 100;
  const inputs = arrayArb({ shape: [4], min: -3, max: 3 });
  const objective = (sp: (x: NDArray) => NDArray) => (x: NDArray) => np.sum(sp(x).mul(np.tanh(x)));

  // A property holds when checkGrads returns; it throws a GradientCheckError otherwise.
  fc.assert(fc.property(inputs, (x) => checkGrads(objective(softplus), [x], { modes: ["rev"] })), { numRuns, seed: 1 });
  print(`softplus with the rule σ(x): reverse-mode gradients agree with finite differences on ${numRuns} random inputs`);

  // fast-check shrinks the failing input to a small one and keeps checkGrads' error as the cause.
  let caught: { counterexample: string; cause: string } | undefined;
  try {
    fc.assert(fc.property(inputs, (x) => checkGrads(objective(buggySoftplus), [x], { modes: ["rev"] })), { numRuns, seed: 1 });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : "";
    caught = { counterexample: message.split("\n").find((l) => l.startsWith("Counterexample")) ?? "", cause };
  }
  print(`softplus with the rule 1/(1 + eˣ): caught by fast-check`);
  if (caught) print(`  ${caught.counterexample}\n  ${caught.cause}`);
  return { caught };
}

runIfMain(import.meta.url, main);
