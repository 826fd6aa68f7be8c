// The function-body builder: typed instruction methods named after the WebAssembly text
// format (`b.f32x4.add()`, `b.i32.trunc_sat_f32_s()`, `b.v128.load(p, { offset: 16 })`),
// structured control flow with Label objects (no hand-counted branch depths), typed Local
// handles, and an operand-stack type check that reports misuse where it happens (with the
// function and instruction named) instead of as a CompileError from the engine later.
import { ByteWriter } from "./encoding.js";
import {
  ATOMIC_OPS,
  F32_OPS,
  F32X4_OPS,
  F64_OPS,
  F64X2_OPS,
  I8X16_OPS,
  I16X8_OPS,
  I32_OPS,
  I32X4_OPS,
  I64_OPS,
  I64X2_OPS,
  type LaneSpec,
  MEMORY_OPS,
  type MemLaneSpec,
  type MemSpec,
  type OpSpec,
  type OpTable,
  type PlainSpec,
  V128_OPS,
} from "./opcodes.js";
import {
  type BlockType,
  blockFuncType,
  type FuncType,
  FunctionRef,
  fmtTypes,
  GlobalRef,
  Label,
  Local,
  VAL_TYPE_CODE,
  type ValType,
  WasmAssemblyError,
} from "./types.js";

/** An instruction's operand given inline: a Local (emits `local.get`), a number or bigint
 * (emits a constant of the type the instruction expects there), or a callback that emits
 * instructions pushing exactly one value. Inline operands fill the instruction's LAST inputs;
 * earlier inputs come from the stack: `b.i32.add(4)` adds 4 to the value on top. */
export type Operand = Local | number | bigint | (() => unknown);

/** Memory-access immediates: a constant byte `offset` added to the address, and the
 * alignment hint in bytes (a power of two, at most the access's natural size, which is the
 * default; atomic accesses must use exactly the natural size). */
export interface MemArg {
  readonly offset?: number;
  readonly align?: number;
}

type PlainMethod = (...operands: Operand[]) => FunctionBuilder;
type MemMethod = (...args: Operand[] | [...Operand[], MemArg]) => FunctionBuilder;
type LaneMethod = (lane: number, ...operands: Operand[]) => FunctionBuilder;
type MemLaneMethod = (lane: number, ...args: Operand[] | [...Operand[], MemArg]) => FunctionBuilder;
type MethodOf<S> = S extends MemLaneSpec ? MemLaneMethod : S extends MemSpec ? MemMethod : S extends LaneSpec ? LaneMethod : PlainMethod;
/** The typed methods generated from one instruction table. */
export type Ops<T> = { readonly [K in keyof T]: MethodOf<T[K]> };

/** The lane shapes of `v128.const`. */
export type V128Shape = "i8x16" | "i16x8" | "i32x4" | "i64x2" | "f32x4" | "f64x2";
const LANES: { readonly [S in V128Shape]: number } = { i8x16: 16, i16x8: 8, i32x4: 4, i64x2: 2, f32x4: 4, f64x2: 2 };

/** The labels a `forRange` body can branch to: `exit` leaves the loop, `next` skips to the
 * next iteration. */
export interface LoopLabels {
  readonly exit: Label;
  readonly next: Label;
}

/** What a function body needs from its module. */
export interface ModuleContext {
  readonly owner: object;
  typeIndex(t: FuncType): number;
  noteMemoryUse(instruction: string): void;
}

interface Frame {
  readonly kind: "function" | "block" | "loop" | "if";
  readonly type: FuncType;
  readonly height: number;
  readonly label: Label | undefined;
  unreachable: boolean;
}

/** Builds one function body. Obtained from `ModuleBuilder.addFunction`; every method
 * appends an instruction and returns the builder (so calls may be chained). */
export class FunctionBuilder {
  readonly i32: Ops<typeof I32_OPS> & { const(value: number): FunctionBuilder };
  readonly i64: Ops<typeof I64_OPS> & { const(value: bigint | number): FunctionBuilder };
  readonly f32: Ops<typeof F32_OPS> & { const(value: number): FunctionBuilder };
  readonly f64: Ops<typeof F64_OPS> & { const(value: number): FunctionBuilder };
  readonly v128: Ops<typeof V128_OPS> & { const(shape: V128Shape, lanes: readonly (number | bigint)[]): FunctionBuilder };
  readonly i8x16: Ops<typeof I8X16_OPS> & { shuffle(lanes: readonly number[], ...operands: Operand[]): FunctionBuilder };
  readonly i16x8: Ops<typeof I16X8_OPS>;
  readonly i32x4: Ops<typeof I32X4_OPS>;
  readonly i64x2: Ops<typeof I64X2_OPS>;
  readonly f32x4: Ops<typeof F32X4_OPS>;
  readonly f64x2: Ops<typeof F64X2_OPS>;
  readonly memory: Ops<typeof MEMORY_OPS>;
  readonly atomic: Ops<typeof ATOMIC_OPS>;
  readonly local: {
    get(local: Local): FunctionBuilder;
    set(local: Local, value?: Operand): FunctionBuilder;
    tee(local: Local, value?: Operand): FunctionBuilder;
  };
  readonly global: {
    get(global: GlobalRef): FunctionBuilder;
    set(global: GlobalRef, value?: Operand): FunctionBuilder;
  };

  private readonly code = new ByteWriter();
  private readonly localTypes: ValType[] = [];
  private readonly localNames: (string | undefined)[] = [];
  private readonly stack: ValType[] = [];
  private readonly frames: Frame[] = [];
  private finished = false;

  /** @internal use ModuleBuilder.addFunction */
  constructor(
    /** The function's name, used in error messages and the name section. */
    readonly name: string,
    readonly type: FuncType,
    paramNames: readonly (string | undefined)[],
    private readonly module: ModuleContext,
  ) {
    type.params.forEach((t, k) => {
      this.localTypes.push(t);
      this.localNames.push(paramNames[k]);
    });
    this.frames.push({ kind: "function", type, height: 0, label: undefined, unreachable: false });
    // Namespaces are shared prototypes (built once per table) plus a pointer to this
    // builder, so starting a function costs a few allocations, not one closure per opcode.
    this.i32 = bind(NAMESPACES.i32, this);
    this.i64 = bind(NAMESPACES.i64, this);
    this.f32 = bind(NAMESPACES.f32, this);
    this.f64 = bind(NAMESPACES.f64, this);
    this.v128 = bind(NAMESPACES.v128, this);
    this.i8x16 = bind(NAMESPACES.i8x16, this);
    this.i16x8 = bind(NAMESPACES.i16x8, this);
    this.i32x4 = bind(NAMESPACES.i32x4, this);
    this.i64x2 = bind(NAMESPACES.i64x2, this);
    this.f32x4 = bind(NAMESPACES.f32x4, this);
    this.f64x2 = bind(NAMESPACES.f64x2, this);
    this.memory = bind(NAMESPACES.memory, this);
    this.atomic = bind(NAMESPACES.atomic, this);
    this.local = {
      get: (local: Local) => this.localGet(local),
      set: (local: Local, value?: Operand) => this.localSetOrTee("local.set", 0x21, local, value),
      tee: (local: Local, value?: Operand) => this.localSetOrTee("local.tee", 0x22, local, value),
    };
    this.global = {
      get: (global: GlobalRef) => this.globalGet(global),
      set: (global: GlobalRef, value?: Operand) => this.globalSet(global, value),
    };
  }

  /** The function's parameters as typed locals, in declaration order. */
  param(index: number): Local {
    const t = this.type.params[index];
    if (t === undefined) throw this.error("param", `has no parameter ${index} (it has ${this.type.params.length})`);
    return new Local(t, index, this.localNames[index], this);
  }

  /** Declares a new local of the given type (zero-initialised). */
  newLocal<T extends ValType>(type: T, name?: string): Local<T> {
    this.checkOpen("newLocal");
    if (VAL_TYPE_CODE[type] === undefined) throw this.error("newLocal", `expects a value type (i32, i64, f32, f64, v128), got ${String(type)}`);
    this.localTypes.push(type);
    this.localNames.push(name);
    return new Local(type, this.localTypes.length - 1, name, this);
  }

  /** Declares one local of `type` per name (each named `${prefix}${name}`): a tuple of them,
   * in the order of `names`, typed by its length. */
  newLocals<T extends ValType, const N extends readonly string[]>(type: T, names: N, prefix = ""): { readonly [K in keyof N]: Local<T> } {
    return names.map((name) => this.newLocal(type, `${prefix}${name}`)) as unknown as { readonly [K in keyof N]: Local<T> };
  }

  // ---- control flow ----

  /** `block`: `body` gets the block's label; `br(label)` jumps past the block's end. */
  block(body: (label: Label) => void): this;
  block(type: BlockType, body: (label: Label) => void): this;
  block(a: BlockType | ((label: Label) => void), b?: (label: Label) => void): this {
    const [type, body] = typeof a === "function" ? [undefined, a] : [a, b];
    return this.structured("block", 0x02, type, body);
  }

  /** `loop`: `body` gets the loop's label; `br(label)` jumps back to the loop's start.
   * Falling off the end leaves the loop. */
  loop(body: (label: Label) => void): this;
  loop(type: BlockType, body: (label: Label) => void): this;
  loop(a: BlockType | ((label: Label) => void), b?: (label: Label) => void): this {
    const [type, body] = typeof a === "function" ? [undefined, a] : [a, b];
    return this.structured("loop", 0x03, type, body);
  }

  /** `if`/`else`: runs `then` when the i32 condition is non-zero, else `otherwise`. `cond` is
   * an inline operand (`() => b.i32.lt_s(i, n)`, a Local) or `undefined` when it is already
   * on the stack. The typed form puts the block type first: `b.if("f32", cond, then, otherwise)`;
   * an `if` with results needs both branches. */
  if(cond: Operand | undefined, then: (label: Label) => void, otherwise?: (label: Label) => void): this;
  if(type: BlockType, cond: Operand | undefined, then: (label: Label) => void, otherwise?: (label: Label) => void): this;
  if(...args: unknown[]): this {
    const typed = isBlockTypeArg(args[0]);
    const [type, cond, then, otherwise] = (typed ? args : [undefined, ...args]) as [
      BlockType,
      Operand | undefined,
      ((label: Label) => void) | undefined,
      ((label: Label) => void) | undefined,
    ];
    if (typeof then !== "function") throw this.error("if", "needs a then-branch callback after the condition (pass undefined as the condition when it is on the stack)");
    const ft = blockFuncType(type);
    if (otherwise === undefined && !sameTypes(ft.params, ft.results)) {
      throw this.error("if", `with results (${fmtTypes(ft.results)}) needs an else branch`);
    }
    if (cond !== undefined) this.emitOperand("if", cond, "i32");
    this.popExpecting("if", ["i32"]);
    const label = this.enter("if", 0x04, ft);
    then(label);
    if (otherwise !== undefined) {
      this.elseBranch();
      otherwise(label);
    }
    return this.exit("if");
  }

  /** Branches to `label` (taking its values from the stack or the inline operands). */
  br(label: Label, ...operands: Operand[]): this {
    const depth = this.depthOf("br", label);
    const types = this.labelTypes(depth);
    this.operands("br", types, operands);
    this.popExpecting("br", types);
    this.code.byte(0x0c).u32(depth);
    return this.markUnreachable();
  }

  /** Branches to `label` if the i32 on top (or the last inline operand) is non-zero. */
  br_if(label: Label, ...operands: Operand[]): this {
    const depth = this.depthOf("br_if", label);
    const types = this.labelTypes(depth);
    this.operands("br_if", [...types, "i32"], operands);
    this.popExpecting("br_if", [...types, "i32"]);
    this.pushTypes(types);
    this.code.byte(0x0d).u32(depth);
    return this;
  }

  /** Branches to `labels[i]` for the i32 index i on top, or to `fallback` when out of range. */
  br_table(labels: readonly Label[], fallback: Label, ...operands: Operand[]): this {
    const depths = labels.map((l) => this.depthOf("br_table", l));
    const fallbackDepth = this.depthOf("br_table", fallback);
    const types = this.labelTypes(fallbackDepth);
    for (const d of depths) {
      if (!sameTypes(this.labelTypes(d), types)) throw this.error("br_table", `targets carry different values (${fmtTypes(this.labelTypes(d))} vs ${fmtTypes(types)})`);
    }
    this.operands("br_table", [...types, "i32"], operands);
    this.popExpecting("br_table", [...types, "i32"]);
    this.code.byte(0x0e).u32(depths.length);
    for (const d of depths) this.code.u32(d);
    this.code.u32(fallbackDepth);
    return this.markUnreachable();
  }

  /** Returns from the function with its results (from the stack or inline operands). */
  return(...operands: Operand[]): this {
    this.operands("return", this.type.results, operands);
    this.popExpecting("return", this.type.results);
    this.code.byte(0x0f);
    return this.markUnreachable();
  }

  /** Traps. */
  unreachable(): this {
    this.checkOpen("unreachable");
    this.code.byte(0x00);
    return this.markUnreachable();
  }

  nop(): this {
    this.checkOpen("nop");
    this.code.byte(0x01);
    return this;
  }

  /** Calls a function of this module (defined or imported). */
  call(fn: FunctionRef, ...operands: Operand[]): this {
    if (!(fn instanceof FunctionRef) || fn.owner !== this.module.owner) throw this.error("call", "expects a FunctionRef of this module");
    this.operands("call", fn.type.params, operands);
    this.popExpecting(`call ${fn.name}`, fn.type.params);
    this.pushTypes(fn.type.results);
    this.code.byte(0x10).u32(fn.index);
    return this;
  }

  /** Drops the value on top (or evaluates and drops the inline operand). */
  drop(operand?: Operand): this {
    if (operand !== undefined) this.emitOperand("drop", operand, undefined);
    this.popAny("drop");
    this.code.byte(0x1a);
    return this;
  }

  /** (a, b, cond) → cond ? a : b, for any one value type. */
  select(...operands: Operand[]): this {
    if (operands.length > 3) throw this.error("select", `takes at most 3 operands, got ${operands.length}`);
    const types: (ValType | undefined)[] = [undefined, undefined, "i32"];
    operands.forEach((op, k) => this.emitOperand("select", op, types[3 - operands.length + k]));
    this.popExpecting("select", ["i32"]);
    const b = this.popAny("select");
    const a = this.popAny("select");
    if (a !== undefined && b !== undefined && a !== b) throw this.error("select", `expects two values of one type, got ${a} and ${b}`);
    const t = a ?? b;
    if (t !== undefined) this.stack.push(t);
    this.code.byte(0x1b);
    return this;
  }

  /** A counted loop `for (i = from; i < to; i += step) body` (step > 0), rotated so each
   * iteration costs one compare-and-branch. The compare is unsigned, since counters are
   * indices or byte addresses (all of a 4 GiB memory works); `to` is evaluated before the
   * first iteration and after each one: pass a Local or a number. */
  forRange(i: Local<"i32">, from: Operand, to: Operand, body: (labels: LoopLabels) => void, step = 1): this {
    if (i.type !== "i32") throw this.error("forRange", `expects an i32 counter, got a ${i.type} local`);
    if (!Number.isInteger(step) || step <= 0) throw this.error("forRange", `expects a positive integer step, got ${step}`);
    this.local.set(i, from);
    return this.block((exit) => {
      this.br_if(exit, () => this.i32.ge_u(i, to));
      this.loop((top) => {
        this.block((next) => body({ exit, next }));
        this.local.set(i, () => this.i32.add(i, step));
        this.br_if(top, () => this.i32.lt_u(i, to));
      });
    });
  }

  // ---- used by ModuleBuilder ----

  /** @internal Ends the body and returns its encoding (locals and code). */
  finish(): Uint8Array {
    this.checkOpen("end of function");
    if (this.frames.length !== 1) throw this.error("end of function", "reached with a block still open (a body callback escaped?)");
    this.popExpecting("end of function", this.type.results);
    this.checkEmpty("end of function", this.frames[0]!);
    this.finished = true;
    const out = new ByteWriter();
    const runs = localRuns(this.localTypes.slice(this.type.params.length));
    out.u32(runs.length);
    for (const [count, t] of runs) out.u32(count).byte(VAL_TYPE_CODE[t]);
    out.bytes(this.code.finish()).byte(0x0b);
    return out.finish();
  }

  /** @internal Local names for the name section, by local index. */
  namedLocals(): [number, string][] {
    const out: [number, string][] = [];
    this.localNames.forEach((n, k) => {
      if (n !== undefined) out.push([k, n]);
    });
    return out;
  }

  // ---- instruction emission ----

  /** @internal */
  emitPlain(name: string, spec: PlainSpec, operands: readonly Operand[]): this {
    if (spec.memory) this.module.noteMemoryUse(name);
    this.operands(name, spec.pops, operands);
    this.popExpecting(name, spec.pops);
    this.pushTypes(spec.push);
    this.code.bytes(spec.bytes);
    return this;
  }

  /** @internal */
  emitMem(name: string, spec: MemSpec | MemLaneSpec, args: readonly (Operand | MemArg)[], lane: number | undefined): this {
    this.module.noteMemoryUse(name);
    const last = args[args.length - 1];
    const memarg = isMemArg(last) ? last : undefined;
    const operands = (memarg === undefined ? args : args.slice(0, -1)).filter(isOperand);
    if (operands.length !== args.length - (memarg === undefined ? 0 : 1)) throw this.error(name, "takes operands and then at most one { offset, align } object");
    if (lane !== undefined) this.checkLane(name, lane, spec.kind === "memlane" ? spec.lanes : 0);
    const align = this.alignLog2(name, spec, memarg?.align);
    const offset = memarg?.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) throw this.error(name, `expects an offset in [0, 2^32), got ${offset}`);
    this.operands(name, spec.pops, operands);
    this.popExpecting(name, spec.pops);
    this.pushTypes(spec.push);
    this.code.bytes(spec.bytes).u32(align).u32(offset);
    if (lane !== undefined) this.code.byte(lane);
    return this;
  }

  private alignLog2(name: string, spec: MemSpec | MemLaneSpec, align: number | undefined): number {
    const natural = spec.align;
    const a = align ?? natural;
    const atomic = spec.kind === "mem" && spec.atomic;
    if (atomic && a !== natural) throw this.error(name, `is atomic and needs align ${natural} (its natural alignment), got ${a}`);
    if (!Number.isInteger(a) || a < 1 || a > natural || (a & (a - 1)) !== 0) {
      throw this.error(name, `expects align to be a power of two in bytes, at most ${natural}, got ${a}`);
    }
    return Math.log2(a);
  }

  /** @internal */
  emitLane(name: string, spec: LaneSpec, lane: number, operands: readonly Operand[]): this {
    this.checkLane(name, lane, spec.lanes);
    this.operands(name, spec.pops, operands);
    this.popExpecting(name, spec.pops);
    this.pushTypes(spec.push);
    this.code.bytes(spec.bytes).byte(lane);
    return this;
  }

  private checkLane(name: string, lane: number, lanes: number): void {
    if (!Number.isInteger(lane) || lane < 0 || lane >= lanes) throw this.error(name, `expects a lane index in [0, ${lanes}), got ${String(lane)}`);
  }

  /** @internal */
  emitShuffle(lanes: readonly number[], operands: readonly Operand[]): this {
    const name = "i8x16.shuffle";
    if (lanes.length !== 16 || !lanes.every((l) => Number.isInteger(l) && l >= 0 && l < 32)) {
      throw this.error(name, `expects 16 byte indices in [0, 32), got [${lanes.join(", ")}]`);
    }
    this.operands(name, ["v128", "v128"], operands);
    this.popExpecting(name, ["v128", "v128"]);
    this.stack.push("v128");
    this.code.bytes([0xfd, 0x0d]).bytes(lanes);
    return this;
  }

  /** @internal */
  emitConstI32(value: number): this {
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
      throw this.error("i32.const", `expects an integer in [-2^31, 2^32), got ${value}`);
    }
    this.checkOpen("i32.const");
    this.code.byte(0x41).s32(value | 0);
    this.stack.push("i32");
    return this;
  }

  /** @internal */
  emitConstI64(value: bigint | number): this {
    if (typeof value === "number" && !Number.isSafeInteger(value)) throw this.error("i64.const", `expects a safe integer or a bigint, got ${value}`);
    const big = BigInt(value);
    if (big < -(1n << 63n) || big >= 1n << 64n) throw this.error("i64.const", `expects a value in [-2^63, 2^64), got ${big}`);
    this.checkOpen("i64.const");
    this.code.byte(0x42).s64(big);
    this.stack.push("i64");
    return this;
  }

  /** @internal */
  emitConstFloat(type: "f32" | "f64", value: number): this {
    if (typeof value !== "number") throw this.error(`${type}.const`, `expects a number, got ${typeof value}`);
    this.checkOpen(`${type}.const`);
    if (type === "f32") this.code.byte(0x43).f32(value);
    else this.code.byte(0x44).f64(value);
    this.stack.push(type);
    return this;
  }

  /** @internal */
  emitConstV128(shape: V128Shape, lanes: readonly (number | bigint)[]): this {
    const n = LANES[shape];
    if (n === undefined) throw this.error("v128.const", `expects a lane shape (${Object.keys(LANES).join(", ")}), got ${String(shape)}`);
    if (lanes.length !== n) throw this.error("v128.const", `${shape} expects ${n} lanes, got ${lanes.length}`);
    this.checkOpen("v128.const");
    const view = new DataView(new ArrayBuffer(16));
    lanes.forEach((x, k) => writeLane(view, shape, k, x, (msg) => this.error("v128.const", msg)));
    this.code.bytes([0xfd, 0x0c]).bytes(new Uint8Array(view.buffer));
    this.stack.push("v128");
    return this;
  }

  private localGet(local: Local): this {
    this.checkLocal("local.get", local);
    this.code.byte(0x20).u32(local.index);
    this.stack.push(local.type);
    return this;
  }

  private localSetOrTee(name: string, code: number, local: Local, value: Operand | undefined): this {
    this.checkLocal(name, local);
    if (value !== undefined) this.emitOperand(name, value, local.type);
    this.popExpecting(name, [local.type]);
    if (code === 0x22) this.stack.push(local.type);
    this.code.byte(code).u32(local.index);
    return this;
  }

  private globalGet(global: GlobalRef): this {
    this.checkGlobal("global.get", global);
    this.code.byte(0x23).u32(global.index);
    this.stack.push(global.type);
    return this;
  }

  private globalSet(global: GlobalRef, value: Operand | undefined): this {
    this.checkGlobal("global.set", global);
    if (!global.mutable) throw this.error("global.set", `cannot set an immutable global (index ${global.index})`);
    if (value !== undefined) this.emitOperand("global.set", value, global.type);
    this.popExpecting("global.set", [global.type]);
    this.code.byte(0x24).u32(global.index);
    return this;
  }

  private checkLocal(name: string, local: Local): void {
    this.checkOpen(name);
    if (!(local instanceof Local)) throw this.error(name, `expects a Local, got ${typeof local}`);
    if (local.owner !== this) throw this.error(name, `got a local of another function (${local.name ?? `local ${local.index}`})`);
  }

  private checkGlobal(name: string, global: GlobalRef): void {
    this.checkOpen(name);
    if (!(global instanceof GlobalRef) || global.owner !== this.module.owner) throw this.error(name, "expects a GlobalRef of this module");
  }

  // ---- structured control ----

  private structured(kind: "block" | "loop", opcode: number, type: BlockType, body: ((label: Label) => void) | undefined): this {
    if (body === undefined) throw this.error(kind, "needs a body callback");
    const label = this.enter(kind, opcode, blockFuncType(type));
    body(label);
    return this.exit(kind);
  }

  private enter(kind: "block" | "loop" | "if", opcode: number, type: FuncType): Label {
    this.checkOpen(kind);
    this.popExpecting(kind, type.params);
    const label = new Label(kind, this);
    this.frames.push({ kind, type, height: this.stack.length, label, unreachable: false });
    this.pushTypes(type.params);
    this.code.byte(opcode);
    this.blockType(type);
    return label;
  }

  private blockType(type: FuncType): void {
    if (type.params.length === 0 && type.results.length === 0) this.code.byte(0x40);
    else if (type.params.length === 0 && type.results.length === 1) this.code.byte(VAL_TYPE_CODE[type.results[0]!]);
    else this.code.s32(this.module.typeIndex(type));
  }

  private elseBranch(): void {
    const frame = this.top("else");
    this.popExpecting("else", frame.type.results);
    this.checkEmpty("else", frame);
    frame.unreachable = false;
    this.pushTypes(frame.type.params);
    this.code.byte(0x05);
  }

  private exit(kind: "block" | "loop" | "if"): this {
    const frame = this.top(`end of ${kind}`);
    if (frame.kind !== kind) throw this.error(`end of ${kind}`, `closes a ${frame.kind} (a body callback escaped?)`);
    this.popExpecting(`end of ${kind}`, frame.type.results);
    this.checkEmpty(`end of ${kind}`, frame);
    this.frames.pop();
    this.pushTypes(frame.type.results);
    this.code.byte(0x0b);
    return this;
  }

  private depthOf(name: string, label: Label): number {
    this.checkOpen(name);
    if (!(label instanceof Label) || label.owner !== this) throw this.error(name, "expects a Label of this function");
    for (let k = this.frames.length - 1; k >= 0; k--) {
      if (this.frames[k]!.label === label) return this.frames.length - 1 - k;
    }
    throw this.error(name, `targets a ${label.kind} that has already ended (labels are valid only inside their block)`);
  }

  /** The values a branch to the frame at `depth` carries: a loop's params, else its results. */
  private labelTypes(depth: number): readonly ValType[] {
    const frame = this.frames[this.frames.length - 1 - depth]!;
    return frame.kind === "loop" ? frame.type.params : frame.type.results;
  }

  private markUnreachable(): this {
    const frame = this.top("branch");
    this.stack.length = frame.height;
    frame.unreachable = true;
    return this;
  }

  // ---- the operand-stack type check ----

  private operands(name: string, inputs: readonly ValType[], operands: readonly Operand[]): void {
    this.checkOpen(name);
    if (operands.length > inputs.length) throw this.error(name, `takes ${inputs.length} operand(s), got ${operands.length}`);
    const first = inputs.length - operands.length;
    operands.forEach((op, k) => this.emitOperand(name, op, inputs[first + k]));
  }

  private emitOperand(name: string, op: Operand, type: ValType | undefined): void {
    if (op instanceof Local) {
      this.localGet(op);
    } else if (typeof op === "number" || typeof op === "bigint") {
      this.emitConst(name, op, type);
    } else if (typeof op === "function") {
      const before = this.stack.length;
      op();
      const frame = this.frames[this.frames.length - 1]!;
      if (!frame.unreachable && this.stack.length !== before + 1) {
        throw this.error(name, `has an operand callback that pushed ${this.stack.length - before} values instead of 1`);
      }
    } else {
      throw this.error(name, `expects operands that are Locals, numbers or callbacks, got ${typeof op}`);
    }
  }

  private emitConst(name: string, value: number | bigint, type: ValType | undefined): void {
    if (type === undefined || type === "v128") {
      throw this.error(name, `cannot take the number ${value} as a ${type ?? "value of unknown type"} operand (use v128.const or a splat)`);
    }
    if (typeof value === "bigint" && type !== "i64") throw this.error(name, `cannot take the bigint ${value} as a ${type} operand`);
    if (type === "i32") this.emitConstI32(Number(value));
    else if (type === "i64") this.emitConstI64(value);
    else this.emitConstFloat(type, Number(value));
  }

  private popExpecting(name: string, types: readonly ValType[]): void {
    const frame = this.top(name);
    for (let k = types.length - 1; k >= 0; k--) {
      const want = types[k]!;
      if (this.stack.length === frame.height) {
        if (frame.unreachable) continue;
        throw this.error(name, `expects ${fmtTypes(types)} on the stack but ${this.describeStack(frame)}`);
      }
      const got = this.stack.pop()!;
      if (got !== want) {
        this.stack.push(got);
        throw this.error(name, `expects ${fmtTypes(types)} but operand ${k + 1} is ${got} (${this.describeStack(frame)})`);
      }
    }
  }

  private popAny(name: string): ValType | undefined {
    const frame = this.top(name);
    if (this.stack.length === frame.height) {
      if (frame.unreachable) return undefined;
      throw this.error(name, `expects a value but ${this.describeStack(frame)}`);
    }
    return this.stack.pop();
  }

  private pushTypes(types: readonly ValType[]): void {
    for (const t of types) this.stack.push(t);
  }

  private checkEmpty(name: string, frame: Frame): void {
    if (this.stack.length !== frame.height) {
      throw this.error(name, `leaves ${fmtTypes(this.stack.slice(frame.height))} on the stack (a ${frame.kind} of type [${fmtTypes(frame.type.params)}] -> [${fmtTypes(frame.type.results)}] must end with exactly its results)`);
    }
  }

  private describeStack(frame: Frame): string {
    const here = this.stack.slice(frame.height);
    return here.length === 0 ? `the ${frame.kind}'s stack is empty` : `the ${frame.kind}'s stack holds ${fmtTypes(here)}`;
  }

  private top(name: string): Frame {
    const frame = this.frames[this.frames.length - 1];
    if (frame === undefined) throw this.error(name, "used after the function was built");
    return frame;
  }

  private checkOpen(name: string): void {
    if (this.finished) throw this.error(name, "used after the function was built");
  }

  private error(instruction: string, message: string): WasmAssemblyError {
    return new WasmAssemblyError(`wasm function '${this.name}': ${instruction} ${message}`);
  }
}

type NamespaceThis = { readonly b: FunctionBuilder } | undefined;

/** The builder behind a namespace method call; a detached method (`const { add } = b.f32x4`)
 * has none, which deserves a clear message rather than a TypeError. */
function builderOf(self: NamespaceThis, name: string): FunctionBuilder {
  if (self?.b === undefined) throw new WasmAssemblyError(`${name} was called detached from its builder: call it as b.${name}(...)`);
  return self.b;
}

/** One method per table entry, calling the builder held by the namespace object. */
function methodFor(name: string, spec: OpSpec): unknown {
  switch (spec.kind) {
    case "plain":
      return function (this: NamespaceThis, ...operands: Operand[]) {
        return builderOf(this, name).emitPlain(name, spec, operands);
      };
    case "mem":
      return function (this: NamespaceThis, ...args: Operand[] | [...Operand[], MemArg]) {
        return builderOf(this, name).emitMem(name, spec, args, undefined);
      };
    case "lane":
      return function (this: NamespaceThis, lane: number, ...operands: Operand[]) {
        return builderOf(this, name).emitLane(name, spec, lane, operands);
      };
    case "memlane":
      return function (this: NamespaceThis, lane: number, ...args: Operand[] | [...Operand[], MemArg]) {
        return builderOf(this, name).emitMem(name, spec, args, lane);
      };
  }
}

function namespace<T extends OpTable, X extends object>(ns: string, table: T, extra: X & ThisType<NamespaceThis>): Ops<T> & X {
  const proto: Record<string, unknown> = {};
  Object.assign(proto, extra);
  for (const [key, spec] of Object.entries(table)) proto[key] = methodFor(`${ns}.${key}`, spec);
  return proto as Ops<T> & X;
}

function bind<T extends object>(proto: T, b: FunctionBuilder): T {
  const ns: unknown = Object.create(proto, { b: { value: b } });
  return ns as T;
}

const NAMESPACES = {
  i32: namespace("i32", I32_OPS, {
    const(this: NamespaceThis, value: number) {
      return builderOf(this, "i32.const").emitConstI32(value);
    },
  }),
  i64: namespace("i64", I64_OPS, {
    const(this: NamespaceThis, value: bigint | number) {
      return builderOf(this, "i64.const").emitConstI64(value);
    },
  }),
  f32: namespace("f32", F32_OPS, {
    const(this: NamespaceThis, value: number) {
      return builderOf(this, "f32.const").emitConstFloat("f32", value);
    },
  }),
  f64: namespace("f64", F64_OPS, {
    const(this: NamespaceThis, value: number) {
      return builderOf(this, "f64.const").emitConstFloat("f64", value);
    },
  }),
  v128: namespace("v128", V128_OPS, {
    const(this: NamespaceThis, shape: V128Shape, lanes: readonly (number | bigint)[]) {
      return builderOf(this, "v128.const").emitConstV128(shape, lanes);
    },
  }),
  i8x16: namespace("i8x16", I8X16_OPS, {
    shuffle(this: NamespaceThis, lanes: readonly number[], ...operands: Operand[]) {
      return builderOf(this, "i8x16.shuffle").emitShuffle(lanes, operands);
    },
  }),
  i16x8: namespace("i16x8", I16X8_OPS, {}),
  i32x4: namespace("i32x4", I32X4_OPS, {}),
  i64x2: namespace("i64x2", I64X2_OPS, {}),
  f32x4: namespace("f32x4", F32X4_OPS, {}),
  f64x2: namespace("f64x2", F64X2_OPS, {}),
  memory: namespace("memory", MEMORY_OPS, {}),
  atomic: namespace("atomic", ATOMIC_OPS, {}),
};

/** A block type argument (a value type, a list of them, or { params, results }), as opposed
 * to an operand (a Local, a number, a callback) or undefined. */
function isBlockTypeArg(x: unknown): boolean {
  return typeof x === "string" || Array.isArray(x) || (typeof x === "object" && x !== null && !(x instanceof Local));
}

function isMemArg(x: unknown): x is MemArg {
  return typeof x === "object" && x !== null && !(x instanceof Local);
}

function isOperand(x: Operand | MemArg): x is Operand {
  return x instanceof Local || typeof x === "number" || typeof x === "bigint" || typeof x === "function";
}

function sameTypes(a: readonly ValType[], b: readonly ValType[]): boolean {
  return a.length === b.length && a.every((t, k) => t === b[k]);
}

/** Consecutive locals of one type, as the code section's (count, type) runs. */
function localRuns(types: readonly ValType[]): [number, ValType][] {
  const runs: [number, ValType][] = [];
  for (const t of types) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === t) last[0]++;
    else runs.push([1, t]);
  }
  return runs;
}

function writeLane(view: DataView, shape: V128Shape, k: number, x: number | bigint, fail: (msg: string) => Error): void {
  if (shape === "i64x2") {
    if (typeof x === "number" && !Number.isSafeInteger(x)) throw fail(`i64x2 lane ${k} expects a safe integer or bigint, got ${x}`);
    view.setBigUint64(k * 8, BigInt.asUintN(64, BigInt(x)), true);
    return;
  }
  if (typeof x !== "number") throw fail(`${shape} lane ${k} expects a number, got a bigint`);
  if (shape === "f32x4") view.setFloat32(k * 4, x, true);
  else if (shape === "f64x2") view.setFloat64(k * 8, x, true);
  else {
    const bits = shape === "i8x16" ? 8 : shape === "i16x8" ? 16 : 32;
    if (!Number.isInteger(x) || x < -(2 ** (bits - 1)) || x >= 2 ** bits) throw fail(`${shape} lane ${k} expects an integer in [-2^${bits - 1}, 2^${bits}), got ${x}`);
    if (bits === 8) view.setUint8(k, x & 0xff);
    else if (bits === 16) view.setUint16(k * 2, x & 0xffff, true);
    else view.setUint32(k * 4, x >>> 0, true);
  }
}
