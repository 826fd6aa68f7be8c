// Subpath entry `@jaxts/core/numpy` (functional-style imports, tree-shaking).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./numpy/index.js";
