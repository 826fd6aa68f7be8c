// Subpath entry `@jaxts/core/tree` (functional-style imports, tree-shaking).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./tree/index.js";
