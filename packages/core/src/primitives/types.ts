// Rule signatures shared by every primitive family.
import type { ShapedArray } from "../aval.js";
import type { ParamsOf, PrimitiveName } from "./params.js";

/** Abstract evaluation: the output avals from the input avals, or a ShapeError/DTypeError. */
export type AbstractEvalRule<P extends PrimitiveName> = (avals: readonly ShapedArray[], params: ParamsOf<P>) => ShapedArray[];

export type AbstractEvalTable<Ps extends PrimitiveName> = { readonly [P in Ps]: AbstractEvalRule<P> };
