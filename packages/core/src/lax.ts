// Subpath entry `@jaxts/core/lax` (functional-style imports, tree-shaking).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./lax/public.js";
