// lax.linalg: the factorisations JAX keeps in lax. cholesky, triangularSolve and lu are written
// once, in numpy/factorisations.ts, as compositions of primitives; qr, eigh and svd in
// numpy/decompositions.ts, as compositions with JAX's derivative rules attached.
export { cholesky, lu, triangularSolve } from "../numpy/factorisations.js";
export { eigh, qr, svd, type EighOptions, type QrOptions, type SvdOptions } from "../numpy/decompositions.js";
export { eig, type EigOptions } from "../numpy/eig.js";
