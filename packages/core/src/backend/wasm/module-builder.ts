// The module builder: memories (imported or defined, optionally shared), functions with
// typed params/results/locals, globals, data segments and exports, assembled into valid
// WebAssembly module bytes (with a name section, so engine errors and profiles show the
// kernels' names).
import { ByteWriter } from "./encoding.js";
import { FunctionBuilder, type ModuleContext } from "./function-builder.js";
import { compileWasm, compileWasmAsync, type WasmModule } from "./js-api.js";
import { type FuncType, FunctionRef, fmtTypes, GlobalRef, isValType, type Local, VAL_TYPE_CODE, type ValType, WasmAssemblyError } from "./types.js";

/** Memory size in 64 KiB pages; a shared memory needs `maximum`. */
export interface MemoryLimits {
  readonly initial: number;
  readonly maximum?: number;
  readonly shared?: boolean;
}

/** A function's signature: named params (in declaration order; names show in profiles and
 * errors) and result types; `export` exports it under its name (or the given string). */
export interface FunctionSpec<P extends Readonly<Record<string, ValType>>> {
  readonly params?: P;
  readonly results?: readonly ValType[];
  readonly export?: boolean | string;
}

/** The typed Local handles of a function's named params. */
export type ParamLocals<P extends Readonly<Record<string, ValType>>> = { readonly [K in keyof P]: Local<P[K]> };

type Memory = { readonly limits: MemoryLimits; readonly import: readonly [string, string] | undefined };
type ImportedFunction = { readonly module: string; readonly field: string; readonly typeIndex: number; readonly ref: FunctionRef };
type DefinedFunction = { readonly typeIndex: number; readonly body: Uint8Array; readonly ref: FunctionRef; readonly localNames: [number, string][] };
type Global = { readonly ref: GlobalRef; readonly init: number | bigint };
type Export = { readonly name: string; readonly kind: 0 | 2 | 3; readonly index: number };

const MAX_PAGES = 65536;

/** Assembles one WebAssembly module. See index.ts for a worked example. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly importedFunctions: ImportedFunction[] = [];
  private readonly functions: DefinedFunction[] = [];
  private readonly globals: Global[] = [];
  private readonly exports: Export[] = [];
  private readonly data: { readonly offset: number; readonly bytes: Uint8Array }[] = [];
  private memory: Memory | undefined;
  private memoryUser: string | undefined;

  /** Imports the module's memory as `module.name` (e.g. "env", "mem"). */
  importMemory(module: string, name: string, limits: MemoryLimits): this {
    this.setMemory("importMemory", { limits, import: [module, name] });
    return this;
  }

  /** Defines the module's own memory, exported under `exportAs` if given. */
  addMemory(limits: MemoryLimits, exportAs?: string): this {
    this.setMemory("addMemory", { limits, import: undefined });
    if (exportAs !== undefined) this.addExport(exportAs, 2, 0);
    return this;
  }

  /** Imports a JS function (`imports[module][name]`); all imports come before addFunction. */
  importFunction(module: string, name: string, type: Partial<FuncType>): FunctionRef {
    if (this.functions.length > 0) throw new WasmAssemblyError(`importFunction: import '${module}.${name}' before adding functions (imports take the first function indices)`);
    const ft = this.checkFuncType(`importFunction '${module}.${name}'`, type.params ?? [], type.results ?? []);
    const ref = new FunctionRef(`${module}.${name}`, this.importedFunctions.length, ft, this);
    this.importedFunctions.push({ module, field: name, typeIndex: this.typeIndex(ft), ref });
    return ref;
  }

  /** Adds a function: `body(b, params)` emits its instructions with `b`; `params` holds a
   * typed Local per named param. The body runs now, so misuse throws here. */
  addFunction<P extends Readonly<Record<string, ValType>> = Readonly<Record<never, ValType>>>(
    name: string,
    spec: FunctionSpec<P>,
    body: (b: FunctionBuilder, params: ParamLocals<P>) => void,
  ): FunctionRef {
    const paramNames = Object.keys(spec.params ?? {});
    const numeric = paramNames.find((k) => /^\d+$/.test(k));
    if (numeric !== undefined) throw new WasmAssemblyError(`addFunction '${name}': param names must not be integers (JS would reorder them), got '${numeric}'`);
    const paramTypes = paramNames.map((k) => (spec.params as Readonly<Record<string, ValType>>)[k]!);
    const ft = this.checkFuncType(`addFunction '${name}'`, paramTypes, spec.results ?? []);
    const ref = new FunctionRef(name, this.importedFunctions.length + this.functions.length, ft, this);
    const b = new FunctionBuilder(name, ft, paramNames, this.context());
    const params: Record<string, Local> = {};
    paramNames.forEach((k, index) => {
      params[k] = b.param(index);
    });
    body(b, params as ParamLocals<P>);
    this.functions.push({ typeIndex: this.typeIndex(ft), body: b.finish(), ref, localNames: b.namedLocals() });
    if (spec.export !== undefined && spec.export !== false) this.exportFunction(ref, spec.export === true ? name : spec.export);
    return ref;
  }

  /** Exports a function under `as` (default: its name). */
  exportFunction(fn: FunctionRef, as: string = fn.name): this {
    if (!(fn instanceof FunctionRef) || fn.owner !== this) throw new WasmAssemblyError(`exportFunction '${as}': expects a FunctionRef of this module`);
    this.addExport(as, 0, fn.index);
    return this;
  }

  /** Adds a global initialised to a constant; `mutable` globals can be `global.set`. */
  addGlobal<T extends Exclude<ValType, "v128">>(type: T, init: number | bigint, options: { readonly mutable?: boolean; readonly export?: string } = {}): GlobalRef<T> {
    const t: string = type;
    if (!isValType(t) || t === "v128") throw new WasmAssemblyError(`addGlobal: expects a type i32, i64, f32 or f64, got ${String(type)}`);
    if (type === "i64" ? typeof init !== "bigint" && !Number.isSafeInteger(init) : typeof init !== "number") {
      throw new WasmAssemblyError(`addGlobal: an ${type} global needs a ${type === "i64" ? "bigint or safe integer" : "number"} initial value, got ${String(init)}`);
    }
    if (type === "i32" && (!Number.isInteger(init) || Number(init) < -0x80000000 || Number(init) > 0xffffffff)) {
      throw new WasmAssemblyError(`addGlobal: an i32 global needs an integer in [-2^31, 2^32), got ${String(init)}`);
    }
    const ref = new GlobalRef(type, this.globals.length, options.mutable ?? false, this);
    this.globals.push({ ref, init });
    if (options.export !== undefined) this.addExport(options.export, 3, ref.index);
    return ref;
  }

  /** An active data segment: `bytes` are copied to memory at `offset` on instantiation. */
  addData(offset: number, bytes: Uint8Array): this {
    if (!Number.isInteger(offset) || offset < 0 || offset > 0xffffffff) throw new WasmAssemblyError(`addData: expects an offset in [0, 2^32), got ${offset}`);
    this.memoryUser ??= "addData";
    this.data.push({ offset, bytes: bytes.slice() });
    return this;
  }

  /** The module's bytes. */
  build(): Uint8Array {
    if (this.memoryUser !== undefined && this.memory === undefined) {
      throw new WasmAssemblyError(`build: ${this.memoryUser} needs a memory; call importMemory or addMemory`);
    }
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    this.section(out, 1, this.typeSection());
    this.section(out, 2, this.importSection());
    this.section(out, 3, this.functionSection());
    this.section(out, 5, this.memorySection());
    this.section(out, 6, this.globalSection());
    this.section(out, 7, this.exportSection());
    this.section(out, 10, this.codeSection());
    this.section(out, 11, this.dataSection());
    this.section(out, 0, this.nameSection());
    return out.finish();
  }

  /** Builds and compiles synchronously (Node, workers). */
  compile(): WasmModule {
    return compileWasm(this.build());
  }

  /** Builds and compiles off the main thread's critical path (required in browsers for
   * large modules). */
  compileAsync(): Promise<WasmModule> {
    return compileWasmAsync(this.build());
  }

  // ---- internals ----

  private context(): ModuleContext {
    return {
      owner: this,
      typeIndex: (t) => this.typeIndex(t),
      noteMemoryUse: (instruction) => {
        this.memoryUser ??= instruction;
      },
    };
  }

  private setMemory(where: string, memory: Memory): void {
    if (this.memory !== undefined) throw new WasmAssemblyError(`${where}: the module already has a memory (one memory per module)`);
    const { initial, maximum, shared } = memory.limits;
    const pages = (x: number | undefined): boolean => x === undefined || (Number.isInteger(x) && x >= 0 && x <= MAX_PAGES);
    if (!pages(initial) || !pages(maximum)) throw new WasmAssemblyError(`${where}: expects page counts (integers in [0, ${MAX_PAGES}]), got initial ${initial}, maximum ${maximum}`);
    if (maximum !== undefined && maximum < initial) throw new WasmAssemblyError(`${where}: maximum ${maximum} is below initial ${initial}`);
    if (shared === true && maximum === undefined) throw new WasmAssemblyError(`${where}: a shared memory needs a maximum`);
    this.memory = memory;
  }

  private checkFuncType(where: string, params: readonly ValType[], results: readonly ValType[]): FuncType {
    for (const t of [...params, ...results]) {
      if (!isValType(t)) throw new WasmAssemblyError(`${where}: expects value types (i32, i64, f32, f64, v128), got ${String(t)}`);
    }
    return { params: [...params], results: [...results] };
  }

  private typeIndex(t: FuncType): number {
    const key = `${fmtTypes(t.params)}->${fmtTypes(t.results)}`;
    let index = this.typeKeys.get(key);
    if (index === undefined) {
      index = this.types.length;
      this.types.push(t);
      this.typeKeys.set(key, index);
    }
    return index;
  }

  private addExport(name: string, kind: 0 | 2 | 3, index: number): void {
    if (this.exports.some((e) => e.name === name)) throw new WasmAssemblyError(`export: the name '${name}' is already exported`);
    this.exports.push({ name, kind, index });
  }

  private section(out: ByteWriter, id: number, body: ByteWriter | undefined): void {
    if (body === undefined) return;
    out.byte(id).sized(body);
  }

  private typeSection(): ByteWriter | undefined {
    // Computed after the code, so block types registered while building bodies are included.
    if (this.types.length === 0) return undefined;
    const w = new ByteWriter().u32(this.types.length);
    for (const t of this.types) {
      w.byte(0x60).u32(t.params.length);
      for (const p of t.params) w.byte(VAL_TYPE_CODE[p]);
      w.u32(t.results.length);
      for (const r of t.results) w.byte(VAL_TYPE_CODE[r]);
    }
    return w;
  }

  private importSection(): ByteWriter | undefined {
    const memImport = this.memory?.import;
    const count = this.importedFunctions.length + (memImport === undefined ? 0 : 1);
    if (count === 0) return undefined;
    const w = new ByteWriter().u32(count);
    for (const f of this.importedFunctions) w.name(f.module).name(f.field).byte(0x00).u32(f.typeIndex);
    if (memImport !== undefined && this.memory !== undefined) {
      w.name(memImport[0]).name(memImport[1]).byte(0x02);
      limits(w, this.memory.limits);
    }
    return w;
  }

  private functionSection(): ByteWriter | undefined {
    if (this.functions.length === 0) return undefined;
    const w = new ByteWriter().u32(this.functions.length);
    for (const f of this.functions) w.u32(f.typeIndex);
    return w;
  }

  private memorySection(): ByteWriter | undefined {
    if (this.memory === undefined || this.memory.import !== undefined) return undefined;
    const w = new ByteWriter().u32(1);
    limits(w, this.memory.limits);
    return w;
  }

  private globalSection(): ByteWriter | undefined {
    if (this.globals.length === 0) return undefined;
    const w = new ByteWriter().u32(this.globals.length);
    for (const { ref, init } of this.globals) {
      w.byte(VAL_TYPE_CODE[ref.type]).byte(ref.mutable ? 1 : 0);
      if (ref.type === "i32") w.byte(0x41).s32(Number(init) | 0);
      else if (ref.type === "i64") w.byte(0x42).s64(BigInt(init));
      else if (ref.type === "f32") w.byte(0x43).f32(Number(init));
      else w.byte(0x44).f64(Number(init));
      w.byte(0x0b);
    }
    return w;
  }

  private exportSection(): ByteWriter | undefined {
    if (this.exports.length === 0) return undefined;
    const w = new ByteWriter().u32(this.exports.length);
    for (const e of this.exports) w.name(e.name).byte(e.kind).u32(e.index);
    return w;
  }

  private codeSection(): ByteWriter | undefined {
    if (this.functions.length === 0) return undefined;
    const w = new ByteWriter().u32(this.functions.length);
    for (const f of this.functions) w.u32(f.body.length).bytes(f.body);
    return w;
  }

  private dataSection(): ByteWriter | undefined {
    if (this.data.length === 0) return undefined;
    const w = new ByteWriter().u32(this.data.length);
    for (const d of this.data) w.byte(0x00).byte(0x41).s32(d.offset | 0).byte(0x0b).u32(d.bytes.length).bytes(d.bytes);
    return w;
  }

  /** The custom "name" section: function names (subsection 1) and local names (2). */
  private nameSection(): ByteWriter | undefined {
    const all = [...this.importedFunctions.map((f) => f.ref), ...this.functions.map((f) => f.ref)];
    if (all.length === 0) return undefined;
    const w = new ByteWriter().name("name");
    const fnNames = new ByteWriter().u32(all.length);
    for (const ref of all) fnNames.u32(ref.index).name(ref.name);
    w.byte(1).sized(fnNames);
    const withLocals = this.functions.filter((f) => f.localNames.length > 0);
    if (withLocals.length > 0) {
      const localNames = new ByteWriter().u32(withLocals.length);
      for (const f of withLocals) {
        localNames.u32(f.ref.index).u32(f.localNames.length);
        for (const [index, name] of f.localNames) localNames.u32(index).name(name);
      }
      w.byte(2).sized(localNames);
    }
    return w;
  }
}

function limits(w: ByteWriter, l: MemoryLimits): void {
  const flags = (l.maximum === undefined ? 0 : 1) | (l.shared === true ? 2 : 0);
  w.byte(flags).u32(l.initial);
  if (l.maximum !== undefined) w.u32(l.maximum);
}
