// Subpath entry `@jaxts/core/random` (functional-style imports, tree-shaking).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./random/index.js";
