// The assembler's vocabulary: value types, the error it throws, and the typed handles
// (locals, labels, functions, globals) that kernel code passes around instead of raw indices.
import { JaxtsError } from "../../errors.js";

/** A WebAssembly value type (numbers and the SIMD vector). */
export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

/** Binary codes of the value types (spec 5.3.1; v128 from the SIMD proposal). */
export const VAL_TYPE_CODE: { readonly [T in ValType]: number } = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

export function isValType(x: unknown): x is ValType {
  return x === "i32" || x === "i64" || x === "f32" || x === "f64" || x === "v128";
}

/** Misuse of the assembler (a wrong operand type, a label out of scope, values left on the
 * stack, bad immediates): names the function and the instruction, what was expected and given. */
export class WasmAssemblyError extends JaxtsError {}

/** A function's parameter or declared local, typed. Obtain from `addFunction`'s params or
 * `b.newLocal(type)`; only valid inside the function that made it. */
export class Local<T extends ValType = ValType> {
  /** @internal */
  constructor(
    readonly type: T,
    readonly index: number,
    readonly name: string | undefined,
    /** @internal the FunctionBuilder that owns it */
    readonly owner: object,
  ) {}
}

/** The target of `br`/`br_if`/`br_table`: a block, loop or if that is still open.
 * Branching to a block or if jumps past its end; branching to a loop jumps to its start. */
export class Label {
  /** @internal */
  constructor(
    readonly kind: "block" | "loop" | "if",
    /** @internal the FunctionBuilder that owns it */
    readonly owner: object,
  ) {}
}

/** A function signature: parameter and result types. */
export interface FuncType {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** A function of a module (imported or defined), for `b.call` and exports. */
export class FunctionRef {
  /** @internal */
  constructor(
    readonly name: string,
    readonly index: number,
    readonly type: FuncType,
    /** @internal the ModuleBuilder that owns it */
    readonly owner: object,
  ) {}
}

/** A global of a module, for `b.global.get/set` and exports. */
export class GlobalRef<T extends ValType = ValType> {
  /** @internal */
  constructor(
    readonly type: T,
    readonly index: number,
    readonly mutable: boolean,
    /** @internal the ModuleBuilder that owns it */
    readonly owner: object,
  ) {}
}

/** A block's type: nothing (`undefined`), one result, results, or params and results
 * (multi-value; params are taken from the stack on entry). */
export type BlockType = undefined | ValType | readonly ValType[] | FuncType;

export function blockFuncType(t: BlockType): FuncType {
  if (t === undefined) return { params: [], results: [] };
  if (typeof t === "string") return { params: [], results: [t] };
  if (isReadonlyArray(t)) return { params: [], results: t };
  return t;
}

function isReadonlyArray(x: unknown): x is readonly ValType[] {
  return Array.isArray(x);
}

export function fmtTypes(ts: readonly string[]): string {
  return ts.length === 0 ? "nothing" : ts.join(", ");
}
