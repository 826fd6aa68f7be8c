// The full table of abstract-evaluation rules, one per primitive (a missing one is a
// compile error), and `abstractEval`, the composition every trace uses.
import type { ShapedArray } from "../aval.js";
import { elementwiseAbstractEval } from "./elementwise.js";
import { indexingAbstractEval } from "./indexing.js";
import { linalgAbstractEval } from "./linalg.js";
import { controlAbstractEval } from "./control.js";
import { checkComplexSupport, complexAbstractEval } from "./complex.js";
import { miscAbstractEval } from "./misc.js";
import type { ParamsOf, PrimitiveName } from "./params.js";
import { reduceAbstractEval } from "./reduce.js";
import { shapeAbstractEval } from "./shape.js";
import type { AbstractEvalTable } from "./types.js";
import { ruleLookup } from "../rule-table.js";

export const abstractEvalRules: AbstractEvalTable<PrimitiveName> = {
  ...elementwiseAbstractEval,
  ...reduceAbstractEval,
  ...shapeAbstractEval,
  ...indexingAbstractEval,
  ...linalgAbstractEval,
  ...miscAbstractEval,
  ...controlAbstractEval,
  ...complexAbstractEval,
};

const abstractEvalLookup = ruleLookup(() => abstractEvalRules);

/** The output types of `prim` applied to inputs of types `avals` (its shape and dtype rules). */
export function abstractEval<P extends PrimitiveName>(prim: P, avals: readonly ShapedArray[], params: ParamsOf<P>): ShapedArray[] {
  const rule: AbstractEvalTable<P>[P] = abstractEvalLookup.require(prim, "bind");
  checkComplexSupport(prim, avals, params);
  return rule(avals, params);
}

export * from "./params.js";
export { complexPrims } from "./complex.js";
