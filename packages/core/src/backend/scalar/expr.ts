// The scalar-expression vocabulary: one element of an elementwise primitive's result as a
// small typed expression over operand leaves. Every elementwise primitive is defined once
// in this vocabulary (./primitives.ts); the js loops (./js.ts) and the wasm SIMD kernels
// (./wasm.ts) are both generated from it, and a fuser can substitute one primitive's
// expression for another's operand leaf (`substitute`, `stored`).
//
// Semantics (the js backend's, which is the reference): every node's value is a JS number
// computed in float64; a node's type `t` says which dtype the value belongs to, and only
// the final store into the result array rounds (float32) or wraps (int32, ToInt32), as a
// typed-array store does. The wasm lowering holds f32 nodes in f32 lanes only where that
// gives the same rounded result, and otherwise in f64 lanes.

/** The value types: one per dtype the kernels compute in (bool values are 0 and 1). The
 * halves have none: they are computed in f32 (backend/js/halves.ts). */
export type ScalarType = "f32" | "f64" | "i32" | "i16" | "i8" | "u32" | "u8" | "bool";

/** The integer value types (wrapping arithmetic modulo 2^bits). */
export const isIntType = (t: ScalarType): boolean => t === "i32" || t === "i16" || t === "i8" || t === "u32" || t === "u8";

/** IEEE-exact or integer unary operations (results equal between js and wasm bit for bit). */
export const unaryOps = ["neg", "abs", "sqrt", "floor", "ceil", "round_even", "bit_not", "is_finite"] as const;
export type UnaryOp = (typeof unaryOps)[number];

/**
 * Exact binary operations. `max`/`min` are js's `a > b || isNaN(a) ? a : b` (NaN from either
 * side, the second operand on ties such as +0/−0); `imul` is Math.imul; `shl`/`shr_u` give 0
 * for a count outside [0, 32) (as XLA); the bit operations act on int32 (or 0/1) values.
 */
export const binaryOps = ["add", "sub", "mul", "div", "max", "min", "imul", "and", "or", "xor", "shl", "shr_u"] as const;
export type BinaryOp = (typeof binaryOps)[number];

/** Comparisons: bool results (0/1); NaN compares unequal to everything. */
export const compareOps = ["eq", "ne", "lt", "le", "gt", "ge"] as const;
export type CompareOp = (typeof compareOps)[number];

/**
 * Conversions, as a typed-array store converts: `round` to float32/float64 (round to nearest
 * even), `wrap` to an integer type (as ToInt32 and friends: truncate, modulo 2^bits, NaN and
 * ±Inf to 0), `saturate` to an integer type (truncate, clamp to its range, NaN to 0: XLA's
 * float → int), `truthy` to bool (≠ 0, NaN true).
 */
export type ConvertMode = "round" | "wrap" | "saturate" | "truthy";

/**
 * Transcendental intrinsics. The js lowering is the Math.* function (or the js backend's
 * own formula for logistic, erf, erf_inv); the wasm lowering is a vector emitter of
 * vector-math.ts where one exists (with the max ulp error stated there), else a per-lane
 * call of the js function (exact).
 */
export const unaryIntrinsics = [
  "exp", "log", "log1p", "expm1", "sin", "cos", "tan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "logistic", "erf", "erf_inv",
] as const;
export type UnaryIntrinsic = (typeof unaryIntrinsics)[number];
/** Binary intrinsics: `pow` is `a ** b`, `rem` is js's `a % b` (C fmod), `atan2` Math.atan2. */
export const binaryIntrinsics = ["pow", "atan2", "rem"] as const;
export type BinaryIntrinsic = (typeof binaryIntrinsics)[number];

export type Expr =
  | { readonly k: "arg"; readonly t: ScalarType; readonly index: number }
  | { readonly k: "const"; readonly t: ScalarType; readonly value: number }
  | { readonly k: "unary"; readonly t: ScalarType; readonly op: UnaryOp; readonly a: Expr }
  | { readonly k: "binary"; readonly t: ScalarType; readonly op: BinaryOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: "compare"; readonly t: "bool"; readonly op: CompareOp; readonly a: Expr; readonly b: Expr }
  | { readonly k: "select"; readonly t: ScalarType; readonly pred: Expr; readonly onFalse: Expr; readonly onTrue: Expr }
  | { readonly k: "convert"; readonly t: ScalarType; readonly mode: ConvertMode; readonly a: Expr }
  | { readonly k: "call"; readonly t: ScalarType; readonly fn: UnaryIntrinsic; readonly a: Expr }
  | { readonly k: "call2"; readonly t: ScalarType; readonly fn: BinaryIntrinsic; readonly a: Expr; readonly b: Expr };

export const arg = (index: number, t: ScalarType): Expr => ({ k: "arg", t, index });
export const lit = (value: number, t: ScalarType): Expr => ({ k: "const", t, value });
export const unary = (op: UnaryOp, a: Expr): Expr => ({ k: "unary", t: op === "is_finite" ? "bool" : a.t, op, a });
export const binary = (op: BinaryOp, a: Expr, b: Expr): Expr => ({ k: "binary", t: a.t, op, a, b });
export const compare = (op: CompareOp, a: Expr, b: Expr): Expr => ({ k: "compare", t: "bool", op, a, b });
export const select = (pred: Expr, onFalse: Expr, onTrue: Expr): Expr => ({ k: "select", t: onFalse.t, pred, onFalse, onTrue });
export const convert = (a: Expr, t: ScalarType, mode: ConvertMode): Expr => ({ k: "convert", t, mode, a });
export const call = (fn: UnaryIntrinsic, a: Expr): Expr => ({ k: "call", t: a.t, fn, a });
export const call2 = (fn: BinaryIntrinsic, a: Expr, b: Expr): Expr => ({ k: "call2", t: a.t, fn, a, b });

/** The direct operands of a node. */
export function children(e: Expr): readonly Expr[] {
  switch (e.k) {
    case "arg":
    case "const":
      return [];
    case "unary":
    case "convert":
    case "call":
      return [e.a];
    case "binary":
    case "compare":
    case "call2":
      return [e.a, e.b];
    case "select":
      return [e.pred, e.onFalse, e.onTrue];
  }
}

/** `e` with its operands replaced by `f` of them (the node's kind, op and type kept). */
export function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  switch (e.k) {
    case "arg":
    case "const":
      return e;
    case "unary":
    case "convert":
    case "call":
      return { ...e, a: f(e.a) };
    case "binary":
    case "compare":
    case "call2":
      return { ...e, a: f(e.a), b: f(e.b) };
    case "select":
      return { ...e, pred: f(e.pred), onFalse: f(e.onFalse), onTrue: f(e.onTrue) };
  }
}

/**
 * Replace each leaf `arg(i)` by `args[i]` (shared sub-expressions stay shared). This is how
 * a fuser composes primitives: the consumer's expression over the producers' `stored`
 * expressions.
 */
export function substitute(e: Expr, args: readonly Expr[]): Expr {
  const memo = new Map<Expr, Expr>();
  const go = (n: Expr): Expr => {
    let r = memo.get(n);
    if (r === undefined) {
      r = n.k === "arg" ? args[n.index]! : mapChildren(n, go);
      memo.set(n, r);
    }
    return r;
  };
  return go(e);
}

/**
 * The value a primitive's result array holds: `e` rounded or wrapped as the store into an
 * array of its type does. Use it for a producer's expression before substituting it into a
 * consumer, so the fused result equals the unfused one.
 */
export function stored(e: Expr): Expr {
  if (e.t === "f32") return convert(e, "f32", "round");
  if (isIntType(e.t)) return convert(e, e.t, "wrap");
  return e;
}

/** The number of operand leaves (highest arg index + 1). */
export function arity(e: Expr): number {
  return postOrder(e).reduce((m, n) => (n.k === "arg" ? Math.max(m, n.index + 1) : m), 0);
}

/** Nodes in post-order (operands before users), each shared node once. */
export function postOrder(e: Expr): Expr[] {
  const seen = new Set<Expr>();
  const out: Expr[] = [];
  const visit = (n: Expr): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const c of children(n)) visit(c);
    out.push(n);
  };
  visit(e);
  return out;
}
