// A map from the variables of one jaxpr to values, for the passes that run on every call
// (evaluation, the backward pass). Hashing Var objects in a Map cost 50–100 ns per
// variable, a visible share of a small eager grad step; a jaxpr's variables are created
// together, so their ids span a short range and an array indexed by `id - lo` does the
// same job with no hashing. A jaxpr whose ids are scattered (assembled from pieces made
// far apart) falls back to a Map, so this is never wrong, only sometimes not faster.
import type { Jaxpr, Var } from "./jaxpr.js";
import { Literal } from "./jaxpr.js";

/** Where a jaxpr's variable ids lie: computed once, shared by every VarEnv over it. */
export interface VarLayout {
  readonly lo: number;
  /** hi − lo + 1, or −1 when the ids are too scattered for an array (use a Map). */
  readonly span: number;
}

/** The id range of the variables of `jaxpr` (sub-jaxprs included), which sizes a VarEnv. */
export function varLayout(jaxpr: Jaxpr): VarLayout {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let count = 0;
  const see = (v: Var): void => {
    if (v.id < lo) lo = v.id;
    if (v.id > hi) hi = v.id;
    count++;
  };
  for (const v of jaxpr.constVars) see(v);
  for (const v of jaxpr.inVars) see(v);
  for (const eqn of jaxpr.eqns) {
    for (const v of eqn.outVars) see(v);
    // Inputs too: a malformed jaxpr may read a variable it never defines.
    for (const a of eqn.inputs) if (!(a instanceof Literal)) see(a);
  }
  for (const a of jaxpr.outs) if (!(a instanceof Literal)) see(a);
  if (count === 0) return { lo: 0, span: 0 };
  const span = hi - lo + 1;
  return { lo, span: span <= 4 * count + 64 ? span : -1 };
}

export class VarEnv<T> {
  readonly #lo: number;
  readonly #slots: (T | undefined)[] | undefined;
  readonly #map: Map<number, T> | undefined;

  /** An empty env for the variables of `jaxpr` (pass a `varLayout` to share one scan). */
  constructor(of: Jaxpr | VarLayout) {
    const layout = "eqns" in of ? varLayout(of) : of;
    this.#lo = layout.lo;
    if (layout.span >= 0) this.#slots = new Array<T | undefined>(layout.span);
    else this.#map = new Map<number, T>();
  }

  get(v: Var): T | undefined {
    return this.#slots !== undefined ? this.#slots[v.id - this.#lo] : this.#map!.get(v.id);
  }

  has(v: Var): boolean {
    return this.get(v) !== undefined;
  }

  set(v: Var, value: T): void {
    if (this.#slots !== undefined) this.#slots[v.id - this.#lo] = value;
    else this.#map!.set(v.id, value);
  }

  delete(v: Var): void {
    if (this.#slots !== undefined) this.#slots[v.id - this.#lo] = undefined;
    else this.#map!.delete(v.id);
  }
}
