// Subpath entry `@jaxts/core/fp` (fp-ts style: data-last functions, pytree instances, Either).
import "./trace/eval-trace.js";
import "./numpy/index.js";
export * from "./fp/index.js";
