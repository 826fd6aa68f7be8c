// The public `lax` namespace: every lax function, and lax.linalg. Internal modules import
// ./index.js (lax.linalg is written with numpy, which is written with lax: only this module
// sits above both).
export * from "./index.js";
export * as linalg from "./linalg.js";
