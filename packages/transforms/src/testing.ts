// `@jaxts/transforms/testing`: check your own gradients with property-based tests.
//
//   import { checkGrads, arrayArb } from "@jaxts/transforms/testing";
//   import fc from "fast-check";
//   fc.assert(fc.property(arrayArb({ shape: [3] }), (x) => {
//     checkGrads((x) => np.sum(np.tanh(x).mul(x)), [x], { order: 2 });
//   }));
export { checkGrads, GradientCheckError, type CheckGradsOptions } from "./testing/check-grads.js";
export { arrayArb, pytreeArb, shapeArb, type ArrayArbOptions, type PytreeArbOptions, type ShapeArbOptions } from "./testing/arbitraries.js";
