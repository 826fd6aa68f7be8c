// @jaxts/transforms: every transformation of the IR — differentiation (jvp, linearize,
// vjp, grad, jacobians, custom rules, checkpoint) and the machinery they share.
export { grad, jvp, linearize, linearTranspose, valueAndGrad, vjp, vjpWithAux } from "./ad/api.js";
export { checkpoint, checkpointPolicies, type CheckpointOptions } from "./ad/checkpoint.js";
export { customJvp, customVjp } from "./ad/custom.js";
export { hessian, jacfwd, jacrev } from "./ad/jac.js";
export { jit, type JitOptions, type Jitted, type Lowered } from "./jit/jit.js";
export { exportOnnx } from "./export/export-onnx.js";
export type { OnnxExportOptions } from "./export/model.js";
export type { DynamicAxes } from "./export/dynamic-axes.js";
export { vmap, type AxisSpec, type VmapOptions } from "./batching/vmap.js";
export { BatchTrace, BatchTracer, vmapFlat } from "./batching/batch-trace.js";
export { batchRules } from "./batching/rules.js";
export { savedResiduals, printSavedResiduals, type SavedResidual } from "./ad/residuals.js";
export type { AnyFn, GradOf, GradOptions, GradResult, GradsOf, Loosen } from "./ad/types.js";
export { JvpTrace, JvpTracer, jvpFlat } from "./ad/jvp.js";
export { linearizeFlat, PartialEvalTrace, type Linearized } from "./ad/linearize.js";
export { backwardPass } from "./ad/backward-pass.js";
export { Zero, type Tangent } from "./ad/zero.js";
export { jvpRules } from "./ad/jvp-rules/index.js";
export { transposeRules, type LinearPrim } from "./ad/transpose-rules.js";
import { lax } from "@jaxts/core";
/**
 * The identity whose derivative is zero (re-exported from lax): what it wraps is a constant
 * to differentiation.
 *
 * @example
 * import { type NDArray } from "@jaxts/core";
 * import { grad, stopGradient } from "@jaxts/transforms";
 *
 * grad((x: NDArray) => x.mul(stopGradient(x)))(3).item(); // 3 (not 6)
 */
export const stopGradient = lax.stopGradient;
