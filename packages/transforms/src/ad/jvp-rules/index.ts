// The JVP rule table: one rule per primitive, checked exhaustive by its type.
import type { PrimitiveName } from "@jaxts/core";
import { controlJvpRules } from "./control.js";
import { elementwiseJvpRules } from "./elementwise.js";
import { higherOrderJvpRules } from "./higher-order.js";
import { structuralJvpRules } from "./structural.js";
import type { JvpTable } from "./types.js";

export const jvpRules: JvpTable<PrimitiveName> = {
  ...elementwiseJvpRules,
  ...structuralJvpRules,
  ...higherOrderJvpRules,
  ...controlJvpRules,
};
