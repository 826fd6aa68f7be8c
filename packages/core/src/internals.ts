// The extension surface for @jaxts/transforms: traces, tracers, bind, rule signatures.
// Users do not need these; transformations are built from them.
export { Trace, Tracer, bind, bind1, bindUnder, forwardTo, swapTrace, currentTrace, withTrace, checkNotLeaked, concretizationError } from "./trace/core.js";
export { EvalTrace, evalTrace } from "./trace/eval-trace.js";
export { JaxprTrace, JaxprTracer, traceToJaxpr, hoistConsts } from "./trace/jaxpr-trace.js";
export { abstractEval, abstractEvalRules, complexPrims } from "./primitives/index.js";
export { ruleLookup, type RuleLookup } from "./rule-table.js";
export type { PrimitiveName, PrimitiveParams, ParamsOf, NoParams, CustomJvpRule, CustomFwd, CustomBwd, CustomLinFwd, SavePolicy } from "./primitives/params.js";
export { noParams } from "./primitives/params.js";
export { higherOrderPrims, type HigherOrderPrim } from "./primitives/misc.js";
export { binaryShape, elementwisePrims, type ElementwisePrim } from "./primitives/elementwise.js";
export type { ComplexPrim } from "./primitives/complex.js";
export { checkOptions, nearestKey, type OptionKind, type OptionSpec } from "./options.js";
export { broadcastShapes, normalizeAxes, normalizeAxis, sizeOf, stridesOf, fmtShape } from "./shape.js";
export { sameShape } from "./aval.js";
export { VarEnv, varLayout, type VarLayout } from "./ir/var-env.js";
export { typecheckJaxpr, JaxprTypeError, dceJaxpr, type DceResult, cseJaxpr, simplifyJaxpr, optimizeJaxpr, subJaxprs } from "./ir/passes/index.js";
export { executableOf, compileCount, describeProgram, setLowering, stagedProgram, type Executable } from "./compiler/executable.js";
export { DEFER_MIN, deferredStats, hoistLiterals, inlineDeferred } from "./compiler/deferred.js";
export { fusedKernelCount, fusedKernelsCached, programStats } from "./compiler/program.js";
export { deferredOf } from "./array.js";
export { planFusion, type FusedGroup, type Step } from "./compiler/fusion.js";
export { defaultFloat } from "./config.js";
export { isDType, checkDType, allocate, allocateForOverwrite, allocationStats, setPoisonUnwritten } from "./dtype.js";
export { joinBranchConsts } from "./lax/control.js";
export { stackedAval, unstackedAval } from "./primitives/control.js";
export type { ControlFlowPrim } from "./primitives/misc.js";
export { checkCallArgs } from "./primitives/misc.js";
export type { Backend, BackendBuffer, CompiledProgram, FirstOrderPrim } from "./backend/backend.js";
export { isPureReview } from "./backend/backend.js";
export { activeBackend, defaultBackendOf, registerBackend, registeredBackends, unregisterBackend } from "./backend/registry.js";
export { jsBackend, jsKernels } from "./backend/js/index.js";
export { applyPrimitive } from "./trace/eval-trace.js";
export { wasmBackend, defineWasmKernel, wasmPrimitives, type WasmKernel, arena, Arena } from "./backend/wasm-backend/index.js";
export { warningCount } from "./warn.js";
// The js backend's float64 erf table, so an exporter can compute erf exactly as jaxts does.
export { ERF_STRIDE, ERF_TABLE, ERF_TERMS } from "./backend/scalar/erf-table.js";
