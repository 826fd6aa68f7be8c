// lax.linalg: the factorisations JAX keeps in lax (cholesky, triangularSolve, lu). They are
// written once, in numpy/factorisations.ts, as compositions of primitives.
export { cholesky, lu, triangularSolve } from "../numpy/factorisations.js";
