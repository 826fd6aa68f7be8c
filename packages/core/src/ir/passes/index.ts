// The jaxpr passes the compiler runs before lowering, and their composition.
import { flow } from "fp-ts/function";
import type { Jaxpr } from "../jaxpr.js";
import { cseJaxpr } from "./cse.js";
import { dceJaxpr } from "./dce.js";
import { simplifyJaxpr } from "./simplify.js";

export { cseJaxpr } from "./cse.js";
export { dceJaxpr, type DceResult } from "./dce.js";
export { simplifyJaxpr } from "./simplify.js";
export { subJaxprs } from "./sub-jaxprs.js";
export { JaxprTypeError, typecheckJaxpr } from "./typecheck.js";

/** simplify → CSE → DCE, keeping the jaxpr's inputs (a program keeps its signature). */
export const optimizeJaxpr: (jaxpr: Jaxpr) => Jaxpr = flow(
  simplifyJaxpr,
  cseJaxpr,
  (j) => dceJaxpr(j, undefined, true).jaxpr,
);
