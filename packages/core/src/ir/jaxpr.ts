// The IR at the centre of jaxts: immutable records in the shape of JAX's jaxprs.
// Only Vars carry identity; everything else is plain data.
import type { NDArray } from "../array.js";
import type { ShapedArray } from "../aval.js";
import { ArgumentError } from "../errors.js";
import { isInteger } from "../dtype.js";
import { pythonFloatRepr, shortestFloat } from "../format.js";
import type { ParamsOf, PrimitiveName } from "../primitives/params.js";

let nextVarId = 0;

export class Var {
  /** Unique and increasing in creation order, so passes can index arrays by it instead
   * of hashing Var objects (see VarEnv). */
  readonly id: number = nextVarId++;
  constructor(readonly aval: ShapedArray) {}
}

export class Literal {
  constructor(
    readonly value: number,
    readonly aval: ShapedArray,
  ) {}
}

export type Atom = Var | Literal;

export class Eqn<P extends PrimitiveName = PrimitiveName> {
  constructor(
    readonly primitive: P,
    readonly inputs: readonly Atom[],
    readonly params: ParamsOf<P>,
    readonly outVars: readonly Var[],
  ) {}
}

export class Jaxpr {
  constructor(
    readonly constVars: readonly Var[],
    readonly inVars: readonly Var[],
    readonly eqns: readonly Eqn[],
    readonly outs: readonly Atom[],
  ) {}
  get inAvals(): ShapedArray[] {
    return this.inVars.map((v) => v.aval);
  }
  get outAvals(): ShapedArray[] {
    return this.outs.map((v) => v.aval);
  }
}

/** A jaxpr together with the values of its constVars. `String(closed)` prints JAX's text form. */
export class ClosedJaxpr {
  constructor(
    readonly jaxpr: Jaxpr,
    readonly consts: readonly NDArray[],
  ) {}
  get inAvals(): ShapedArray[] {
    return this.jaxpr.inAvals;
  }
  get outAvals(): ShapedArray[] {
    return this.jaxpr.outAvals;
  }
  /**
   * The jaxpr as JAX prints it (`printJaxpr`).
   *
   * @example
   * import { array, makeJaxpr, type NDArray } from "@jaxts/core";
   *
   * `${makeJaxpr((x: NDArray) => x.neg())(array([1]))}`; // "{ lambda ; a:f32[1]. let\n    b:f32[1] = neg a\n  in (b,) }"
   */
  toString(): string {
    return printJaxpr(this.jaxpr);
  }
}

// ---- printing, in JAX's layout ----

function varName(i: number): string {
  // a..z, then ba..bz, ca.. as JAX does (no leading 'a' digit).
  const letters = "abcdefghijklmnopqrstuvwxyz";
  let s = "";
  let n = i;
  do {
    s = letters[n % 26] + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

export function formatLiteralValue(value: number, aval: ShapedArray): string {
  if (aval.dtype === "bool") return value !== 0 ? "True" : "False";
  if (isInteger(aval.dtype)) return String(value);
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return pythonFloatRepr(shortestFloat(value, aval.dtype));
}


class Namer {
  readonly #names = new Map<Var, string>();
  /** Shared with the namers of nested jaxprs, so names continue across them as in JAX. */
  constructor(
    private readonly used: ReadonlySet<Var>,
    private readonly counter: { next: number },
  ) {}
  bind(v: Var): string {
    if (!this.used.has(v)) return "_";
    return this.declare(v);
  }
  declare(v: Var): string {
    const n = varName(this.counter.next++);
    this.#names.set(v, n);
    return n;
  }
  atom(a: Atom): string {
    if (a instanceof Literal) return `${formatLiteralValue(a.value, a.aval)}:${a.aval.str()}`;
    return this.#names.get(a) ?? "?";
  }
}

const holdsJaxpr = (v: unknown): boolean => v instanceof Jaxpr || (Array.isArray(v) && v.some((x) => x instanceof Jaxpr));

function formatParam(v: unknown, indent: string, counter: { next: number }): string {
  if (v === null || v === undefined) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number" || typeof v === "string") return String(v);
  if (typeof v === "function") return v.name ? v.name : "<function>";
  if (v instanceof Jaxpr) return printJaxprWith(v, indent, counter);
  if (Array.isArray(v)) {
    if (holdsJaxpr(v)) {
      // A tuple of jaxprs (cond's branches) prints one per line, as JAX does.
      const items = v.map((x) => `${indent}  ${formatParam(x, `${indent}  `, counter)}`);
      return `(\n${items.join("\n")}\n${indent})`;
    }
    const items = v.map((x) => formatParam(x, indent, counter));
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
  }
  if (typeof v === "object" && "str" in v && typeof v.str === "function") return String(v.str());
  return String(v);
}

function usedVars(jaxpr: Jaxpr): Set<Var> {
  const used = new Set<Var>([...jaxpr.constVars, ...jaxpr.inVars]);
  for (const e of jaxpr.eqns) for (const a of e.inputs) if (a instanceof Var) used.add(a);
  for (const a of jaxpr.outs) if (a instanceof Var) used.add(a);
  return used;
}

/**
 * The jaxpr as JAX prints it (each line after the first starts with `indent`).
 *
 * @example
 * import { array, makeJaxpr, type NDArray, printJaxpr } from "@jaxts/core";
 *
 * printJaxpr(makeJaxpr((x: NDArray) => x.neg())(array([1])).jaxpr); // "{ lambda ; a:f32[1]. let\n    b:f32[1] = neg a\n  in (b,) }"
 */
export function printJaxpr(jaxpr: Jaxpr, indent = ""): string {
  if (!(jaxpr instanceof Jaxpr)) throw new ArgumentError("printJaxpr: expected a Jaxpr (such as makeJaxpr(f)(...args).jaxpr)");
  if (typeof indent !== "string") throw new ArgumentError("printJaxpr: the indent must be a string");
  return printJaxprWith(jaxpr, indent, { next: 0 });
}

function printJaxprWith(jaxpr: Jaxpr, indent: string, counter: { next: number }): string {
  const namer = new Namer(usedVars(jaxpr), counter);
  const decl = (v: Var): string => `${namer.declare(v)}:${v.aval.str()}`;
  const consts = jaxpr.constVars.map(decl).join(" ");
  const ins = jaxpr.inVars.map(decl).join(" ");
  const lines = [`{ lambda ${consts}; ${ins}. let`];
  for (const e of jaxpr.eqns) {
    const args = e.inputs.map((a) => namer.atom(a)).join(" ");
    const outs = e.outVars.map((v) => {
      const n = namer.bind(v);
      return n === "_" ? `_:${v.aval.str()}` : `${n}:${v.aval.str()}`;
    });
    const entries = Object.entries(e.params as Record<string, unknown>);
    // Params holding sub-jaxprs go one per line (JAX's layout); others stay inline.
    const multiline = entries.some(([, val]) => holdsJaxpr(val));
    const inner = `${indent}      `;
    const params = !entries.length
      ? ""
      : multiline
        ? `[\n${entries.map(([k, val]) => `${inner}${k}=${formatParam(val, inner, counter)}`).join("\n")}\n${indent}    ]`
        : `[${entries.map(([k, val]) => `${k}=${formatParam(val, `${indent}    `, counter)}`).join(" ")}]`;
    lines.push(`${indent}    ${outs.join(" ")} = ${e.primitive}${params}${args ? ` ${args}` : ""}`);
  }
  const outs = jaxpr.outs.map((a) => namer.atom(a));
  lines.push(`${indent}  in (${outs.join(", ")}${outs.length === 1 ? "," : ""}) }`);
  return lines.join("\n");
}
