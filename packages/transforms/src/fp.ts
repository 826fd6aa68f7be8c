// Subpath entry `@jaxts/transforms/fp`.
export * from "./fp/index.js";
