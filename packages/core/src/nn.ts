// Subpath entry `@jaxts/core/nn` (functional-style imports, tree-shaking).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./nn/index.js";
