// The WebAssembly assembler: every instruction table entry validates, small kernels built
// with it compute what the same JS computes (integer, float, SIMD, saturating truncation,
// atomics on shared memory), and misuse is a WasmAssemblyError naming function and instruction.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { describe, expect, it } from "vitest";
import { ByteWriter } from "../src/backend/wasm/encoding.js";
import {
  compileWasm,
  exportedFunction,
  type FunctionBuilder,
  type FunctionSpec,
  instantiateWasm,
  type Local,
  ModuleBuilder,
  newWasmMemory,
  type ParamLocals,
  validateWasm,
  type ValType,
  WasmAssemblyError,
  type WasmExportedFunction,
  type WasmMemory,
  wasmFeatures,
} from "../src/backend/wasm/index.js";
import * as tables from "../src/backend/wasm/opcodes.js";
import type { OpSpec } from "../src/backend/wasm/opcodes.js";
import { JaxtsError } from "../src/errors.js";
import { thrown } from "./helpers/thrown.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));

type Params = Readonly<Record<string, ValType>>;

/** Builds a module with one exported function `f` and an imported 1-page memory; returns
 * the callable and the memory. */
function kernel<P extends Params>(
  spec: FunctionSpec<P>,
  body: (b: FunctionBuilder, params: ParamLocals<P>) => void,
  memory: { initial: number; maximum?: number } = { initial: 1 },
): { f: WasmExportedFunction; mem: WasmMemory } {
  const m = new ModuleBuilder().importMemory("env", "mem", memory);
  m.addFunction("f", { ...spec, export: true }, body);
  const mem = newWasmMemory(memory);
  const instance = instantiateWasm(compileWasm(m.build()), { env: { mem } });
  return { f: exportedFunction(instance, "f"), mem };
}

function expectAsmError(f: () => unknown, ...words: (string | RegExp)[]): void {
  const e = thrown(f);
  expect(e).toBeInstanceOf(WasmAssemblyError);
  expect(e).toBeInstanceOf(JaxtsError);
  for (const w of words) expect(e.message).toMatch(w);
}

/** Deterministic pseudo-random numbers (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

describe("byte encoding", () => {
  it("writes LEB128 as the spec's examples", () => {
    expect([...new ByteWriter().u32(624485).finish()]).toEqual([0xe5, 0x8e, 0x26]);
    expect([...new ByteWriter().u32(0xffffffff).finish()]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect([...new ByteWriter().s32(-123456).finish()]).toEqual([0xc0, 0xbb, 0x78]);
    expect([...new ByteWriter().s32(63).finish()]).toEqual([0x3f]);
    expect([...new ByteWriter().s32(64).finish()]).toEqual([0xc0, 0x00]);
    expect([...new ByteWriter().s32(-64).finish()]).toEqual([0x40]);
    expect([...new ByteWriter().s64(-(1n << 63n)).finish()]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it("encodes SIMD sub-opcodes above 127 as two LEB128 bytes after 0xFD", () => {
    expect(tables.F32X4_OPS.add.bytes).toEqual([0xfd, 0xe4, 0x01]);
    expect(tables.V128_OPS.load.bytes).toEqual([0xfd, 0x00]);
    expect(tables.F32X4_OPS.relaxed_madd.bytes).toEqual([0xfd, 0x85, 0x02]);
  });
});

describe("every instruction validates", () => {
  const namespaces = {
    i32: tables.I32_OPS,
    i64: tables.I64_OPS,
    f32: tables.F32_OPS,
    f64: tables.F64_OPS,
    v128: tables.V128_OPS,
    i8x16: tables.I8X16_OPS,
    i16x8: tables.I16X8_OPS,
    i32x4: tables.I32X4_OPS,
    i64x2: tables.I64X2_OPS,
    f32x4: tables.F32X4_OPS,
    f64x2: tables.F64X2_OPS,
    memory: tables.MEMORY_OPS,
    atomic: tables.ATOMIC_OPS,
  } as const;

  /** One module per instruction: params of its input types, the instruction, its results returned. */
  function moduleFor(ns: keyof typeof namespaces, key: string, spec: OpSpec): Uint8Array {
    const m = new ModuleBuilder().importMemory("env", "mem", { initial: 1, maximum: 1, shared: true });
    const params: Record<string, ValType> = {};
    spec.pops.forEach((t, k) => {
      params[`p${k}`] = t;
    });
    m.addFunction("f", { params, results: spec.push, export: true }, (b) => {
      spec.pops.forEach((_, k) => b.local.get(b.param(k)));
      const methods = b[ns] as unknown as Record<string, (...args: unknown[]) => unknown>;
      if (spec.kind === "lane" || spec.kind === "memlane") methods[key]!(0);
      else methods[key]!();
    });
    return m.build();
  }

  it("each table entry (every opcode group, relaxed SIMD aside) is accepted by the engine", () => {
    const rejected: string[] = [];
    let count = 0;
    for (const [ns, table] of Object.entries(namespaces) as [keyof typeof namespaces, Readonly<Record<string, OpSpec>>][]) {
      for (const [key, spec] of Object.entries(table)) {
        if (key.startsWith("relaxed_")) continue;
        count++;
        if (!validateWasm(moduleFor(ns, key, spec))) rejected.push(`${ns}.${key}`);
      }
    }
    expect(rejected).toEqual([]);
    expect(count).toBeGreaterThan(300);
  });

  it("relaxed SIMD validates exactly when the engine reports the feature", () => {
    // (the probe first: on Node 20 it is what switches the engine's flag on)
    const reported = wasmFeatures().relaxedSimd;
    const bytes = moduleFor("f32x4", "relaxed_madd", tables.F32X4_OPS.relaxed_madd);
    expect(validateWasm(bytes)).toBe(reported);
  });

  it("Node 20 has SIMD and threads, and relaxed SIMD once jaxts has switched on V8's flag for it", () => {
    expect(wasmFeatures().simd).toBe(true);
    expect(wasmFeatures().threads).toBe(true);
    expect(wasmFeatures().relaxedSimd).toBe(process.env.JAXTS_RELAXED_SIMD?.trim() !== "0");
  });

  it("a fresh process gets relaxed SIMD by default and keeps plain mul+add under JAXTS_RELAXED_SIMD=0", () => {
    const script = [
      'import { wasmFeatures } from "./packages/core/src/backend/wasm/features.ts";',
      "console.log(JSON.stringify(wasmFeatures()));",
    ].join("\n");
    const features = (relaxed: string | undefined) => {
      const env = { ...process.env };
      if (relaxed === undefined) delete env.JAXTS_RELAXED_SIMD;
      else env.JAXTS_RELAXED_SIMD = relaxed;
      const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, env, encoding: "utf8", timeout: 60_000 });
      expect(run.stderr).toBe("");
      return JSON.parse(run.stdout.trim()) as unknown;
    };
    expect(features(undefined)).toEqual({ simd: true, threads: true, relaxedSimd: true });
    expect(features("0")).toEqual({ simd: true, threads: true, relaxedSimd: false });
  });
});

describe("scalar arithmetic matches JS", () => {
  it("i32 add, sub, mul, div, rem, bit ops, shifts and rotates wrap as JS int32 ops", () => {
    const ops = ["add", "sub", "mul", "div_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl"] as const;
    const js: Record<(typeof ops)[number], (a: number, b: number) => number> = {
      add: (a, b) => (a + b) | 0,
      sub: (a, b) => (a - b) | 0,
      mul: (a, b) => Math.imul(a, b),
      div_s: (a, b) => (a / b) | 0,
      rem_u: (a, b) => ((a >>> 0) % (b >>> 0)) | 0,
      and: (a, b) => a & b,
      or: (a, b) => a | b,
      xor: (a, b) => a ^ b,
      shl: (a, b) => a << b,
      shr_s: (a, b) => a >> b,
      shr_u: (a, b) => (a >>> b) | 0,
      rotl: (a, b) => ((a << (b & 31)) | (a >>> (32 - (b & 31)))) | 0,
    };
    const rand = rng(7);
    for (const op of ops) {
      const { f } = kernel({ params: { a: "i32", b: "i32" }, results: ["i32"] }, (b, { a, b: y }) => {
        b.i32[op](a, y);
      });
      for (let k = 0; k < 50; k++) {
        const a = (rand() * 2 ** 32) | 0;
        const y = ((rand() * 2 ** 32) | 0) || 1;
        expect(f(a, y), `i32.${op}(${a}, ${y})`).toBe(js[op](a, y));
      }
    }
  });

  it("i32 clz, ctz, popcnt and eqz count bits as JS does", () => {
    const { f } = kernel({ params: { a: "i32" }, results: ["i32"] }, (b, { a }) => {
      // clz(a) + 100 * popcnt(a) + 10000 * ctz(a) + 1e6 * eqz(a)
      b.i32.add(() => b.i32.clz(a), () => b.i32.mul(() => b.i32.popcnt(a), 100));
      b.i32.add(() => b.i32.mul(() => b.i32.ctz(a), 10000));
      b.i32.add(() => b.i32.mul(() => b.i32.eqz(a), 1000000));
    });
    const popcnt = (x: number): number => (x >>> 0).toString(2).replace(/0/g, "").length;
    const ctz = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));
    for (const a of [0, 1, -1, 0x80000000, 0x00f0f000, 12345678]) {
      expect(f(a)).toBe(Math.clz32(a) + 100 * popcnt(a) + 10000 * ctz(a) + 1e6 * (a === 0 ? 1 : 0));
    }
  });

  it("i64 arithmetic takes and returns bigints and wraps at 64 bits", () => {
    const { f } = kernel({ params: { a: "i64", b: "i64" }, results: ["i64"] }, (b, { a, b: y }) => {
      b.i64.add(() => b.i64.mul(a, y), () => b.i64.shr_u(a, 3n));
    });
    for (const [a, y] of [[3n, 4n], [-(1n << 62n), 7n], [(1n << 63n) - 1n, -2n]] as const) {
      expect(f(a, y)).toBe(BigInt.asIntN(64, a * y + (BigInt.asUintN(64, a) >> 3n)));
    }
  });

  it("f32 arithmetic rounds like Math.fround of each step", () => {
    const { f } = kernel({ params: { a: "f32", b: "f32", c: "f32" }, results: ["f32"] }, (b, { a, b: y, c }) => {
      b.f32.add(() => b.f32.mul(a, y), () => b.f32.sqrt(() => b.f32.abs(c)));
      b.f32.div(3);
    });
    const fr = Math.fround;
    const rand = rng(3);
    for (let k = 0; k < 100; k++) {
      const [a, y, c] = [fr(rand() * 10 - 5), fr(rand() * 10 - 5), fr(rand() * 10 - 5)];
      expect(f(a, y, c)).toBe(fr(fr(fr(a * y) + fr(Math.sqrt(Math.abs(c)))) / 3));
    }
  });

  it("f64 arithmetic, min/max, floor/ceil/nearest and copysign equal Math.*", () => {
    const { f } = kernel({ params: { a: "f64", b: "f64" }, results: ["f64"] }, (b, { a, b: y }) => {
      b.f64.add(() => b.f64.min(a, y), () => b.f64.mul(() => b.f64.max(a, y), 1000));
      b.f64.add(() => b.f64.floor(a));
      b.f64.add(() => b.f64.ceil(y));
      b.f64.add(() => b.f64.nearest(a)); // ties to even
      b.f64.add(() => b.f64.copysign(2, y));
    });
    const nearest = (x: number): number => {
      const r = Math.round(x);
      return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
    };
    for (const [a, y] of [[1.5, -2.5], [2.5, 3.25], [-0.5, 7], [10.75, -3.5]] as const) {
      const want = Math.min(a, y) + Math.max(a, y) * 1000 + Math.floor(a) + Math.ceil(y) + nearest(a) + Math.sign(y) * 2;
      expect(f(a, y)).toBe(want);
    }
  });

  it("comparisons give 0/1 and select picks by its condition", () => {
    const { f } = kernel({ params: { a: "f32", b: "f32" }, results: ["f32"] }, (b, { a, b: y }) => {
      b.select(a, y, () => b.f32.gt(a, y)); // max without NaN care
    });
    expect(f(2, 5)).toBe(5);
    expect(f(-1, -3)).toBe(-1);
  });

  it("conversions: wrap, extend, convert, promote/demote and reinterpret agree with typed arrays", () => {
    const { f } = kernel({ params: { x: "i64" }, results: ["i32"] }, (b, { x }) => {
      b.i32.wrap_i64(x);
    });
    expect(f((1n << 40n) + 5n)).toBe(5);
    const g = kernel({ params: { x: "f32" }, results: ["i32"] }, (b, { x }) => {
      b.i32.reinterpret_f32(x);
    }).f;
    const bits = new Int32Array(new Float32Array([1.5]).buffer)[0];
    expect(g(1.5)).toBe(bits);
    const h = kernel({ params: { x: "i32" }, results: ["f64"] }, (b, { x }) => {
      b.f64.promote_f32(() => b.f32.demote_f64(() => b.f64.convert_i32_u(x)));
    }).f;
    expect(h(-1)).toBe(Math.fround(2 ** 32 - 1));
  });
});

describe("control flow", () => {
  it("a loop summing an f64 array in memory equals the JS sum in the same order", () => {
    const { f, mem } = kernel({ params: { ptr: "i32", n: "i32" }, results: ["f64"] }, (b, { ptr, n }) => {
      const acc = b.newLocal("f64", "acc");
      const i = b.newLocal("i32", "i");
      b.forRange(i, 0, n, () => {
        b.local.set(acc, () => b.f64.add(acc, () => b.f64.load(() => b.i32.add(ptr, () => b.i32.shl(i, 3)))));
      });
      b.local.get(acc);
    });
    const xs = new Float64Array(mem.buffer, 64, 1000);
    const rand = rng(11);
    for (let k = 0; k < xs.length; k++) xs[k] = rand() - 0.5;
    let want = 0;
    for (const x of xs) want += x;
    expect(f(64, 1000)).toBe(want);
    expect(f(64, 0)).toBe(0);
  });

  it("forRange steps by `step`, and its next/exit labels act as continue/break", () => {
    // sum of i for i = 1, 3, 5, ... < n, skipping multiples of 3, stopping once i > 20
    const { f } = kernel({ params: { n: "i32" }, results: ["i32"] }, (b, { n }) => {
      const i = b.newLocal("i32", "i");
      const acc = b.newLocal("i32", "acc");
      b.forRange(i, 1, n, ({ exit, next }) => {
        b.br_if(exit, () => b.i32.gt_u(i, 20));
        b.br_if(next, () => b.i32.eqz(() => b.i32.rem_u(i, 3)));
        b.local.set(acc, () => b.i32.add(acc, i));
      }, 2);
      b.local.get(acc);
    });
    const js = (n: number): number => {
      let acc = 0;
      for (let i = 1; i < n; i += 2) {
        if (i > 20) break;
        if (i % 3 === 0) continue;
        acc += i;
      }
      return acc;
    };
    for (const n of [0, 1, 2, 10, 30, 100]) expect(f(n), `n = ${n}`).toBe(js(n));
  });

  it("a block with a result, br_if carrying a value, and a loop label reached with br", () => {
    // first index i < n with x[i] < 0, else -1 (i32 array at 0)
    const { f, mem } = kernel({ params: { n: "i32" }, results: ["i32"] }, (b, { n }) => {
      const i = b.newLocal("i32", "i");
      b.block("i32", (found) => {
        b.loop((top) => {
          b.if(() => b.i32.ge_s(i, n), () => b.br(found, -1));
          b.br_if(found, i, () => b.i32.lt_s(() => b.i32.load(() => b.i32.shl(i, 2)), 0));
          b.local.set(i, () => b.i32.add(i, 1));
          b.br(top);
        });
        b.unreachable();
      });
    });
    new Int32Array(mem.buffer, 0, 6).set([3, 4, 0, -2, 5, -7]);
    expect(f(6)).toBe(3);
    expect(f(3)).toBe(-1);
  });

  it("if/else with a result, multi-value blocks, and br_table dispatch", () => {
    const { f } = kernel({ params: { k: "i32", x: "i32" }, results: ["i32"] }, (b, { k, x }) => {
      b.block("i32", (done) => {
        b.block((c2) => {
          b.block((c1) => {
            b.block((c0) => b.br_table([c0, c1], c2, k));
            b.br(done, () => b.i32.add(x, 100)); // k == 0
          });
          // k == 1: a (i32, i32) -> i32 block, then if/else with a result
          b.local.get(x).i32.const(2);
          b.block({ params: ["i32", "i32"], results: ["i32"] }, () => b.i32.mul());
          b.if("i32", undefined, () => b.i32.const(1), () => b.i32.const(0));
          b.br(done);
        });
        b.i32.const(-1); // k out of range
      });
    });
    expect(f(0, 5)).toBe(105);
    expect(f(1, 5)).toBe(1);
    expect(f(1, 0)).toBe(0);
    expect(f(7, 5)).toBe(-1);
  });

  it("calls between functions and imported JS functions, globals and data segments", () => {
    const m = new ModuleBuilder();
    const seen: number[] = [];
    const log = m.importFunction("env", "log", { params: ["i32"] });
    m.addMemory({ initial: 1 }, "memory");
    m.addData(16, new Uint8Array([7, 0, 0, 0]));
    const counter = m.addGlobal("i32", 10, { mutable: true, export: "counter" });
    const sq = m.addFunction("sq", { params: { x: "i32" }, results: ["i32"] }, (b, { x }) => {
      b.i32.mul(x, x);
    });
    m.addFunction("run", { results: ["i32"], export: true }, (b) => {
      b.call(log, () => b.i32.load(16));
      b.global.set(counter, () => b.i32.add(() => b.global.get(counter), 1));
      b.call(sq, () => b.global.get(counter));
    });
    const instance = instantiateWasm(m.compile(), { env: { log: (x: number) => seen.push(x) } });
    expect(exportedFunction(instance, "run")()).toBe(121);
    expect(seen).toEqual([7]);
  });

  it("memory.size, memory.grow, memory.copy and memory.fill act on the memory", () => {
    const { f, mem } = kernel({ params: { n: "i32" }, results: ["i32"] }, (b, { n }) => {
      b.memory.fill(0, 0xab, n);
      b.memory.copy(100, 0, n);
      b.drop(() => b.memory.grow(1));
      b.memory.size();
    }, { initial: 1, maximum: 4 });
    expect(f(8)).toBe(2);
    const bytes = new Uint8Array(mem.buffer);
    expect([...bytes.subarray(100, 109)]).toEqual([0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0]);
  });
});

describe("SIMD kernels", () => {
  it("the index.ts example: an f32x4 scale(ptr, n, a) kernel scales in place", () => {
    const m = new ModuleBuilder().importMemory("env", "mem", { initial: 1 });
    m.addFunction("scale", { params: { ptr: "i32", n: "i32", a: "f32" }, export: true }, (b, { ptr, n, a }) => {
      const va = b.newLocal("v128", "va");
      const end = b.newLocal("i32", "end");
      const p = b.newLocal("i32", "p");
      b.local.set(va, () => b.f32x4.splat(a));
      b.local.set(end, () => b.i32.add(ptr, () => b.i32.shl(n, 2)));
      b.forRange(p, ptr, end, () => {
        b.v128.store(p, () => b.f32x4.mul(() => b.v128.load(p), va));
      }, 16);
    });
    const memory = newWasmMemory({ initial: 1 });
    const scale = exportedFunction(instantiateWasm(m.compile(), { env: { mem: memory } }), "scale");
    new Float32Array(memory.buffer, 0, 8).set([1, 2, 3, 4, 5, 6, 7, 8]);
    scale(0, 8, 0.5);
    expect([...new Float32Array(memory.buffer, 0, 9)]).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 0]);
  });

  it("an f32x4 dot product equals the JS result computed in the same lane order", () => {
    const n = 1024;
    const { f, mem } = kernel({ params: { x: "i32", y: "i32", n: "i32" }, results: ["f32"] }, (b, { x, y, n: len }) => {
      const acc = b.newLocal("v128", "acc");
      const i = b.newLocal("i32", "i");
      b.forRange(i, 0, () => b.i32.shl(len, 2), () => {
        b.local.set(acc, () =>
          b.f32x4.add(acc, () => b.f32x4.mul(() => b.v128.load(() => b.i32.add(x, i)), () => b.v128.load(() => b.i32.add(y, i)))),
        );
      }, 16);
      // ((l0 + l1) + l2) + l3
      b.f32.add(() => b.f32x4.extract_lane(0, acc), () => b.f32x4.extract_lane(1, acc));
      b.f32.add(() => b.f32x4.extract_lane(2, acc));
      b.f32.add(() => b.f32x4.extract_lane(3, acc));
    });
    const xs = new Float32Array(mem.buffer, 0, n);
    const ys = new Float32Array(mem.buffer, 4 * n, n);
    const rand = rng(5);
    for (let k = 0; k < n; k++) {
      xs[k] = rand() * 2 - 1;
      ys[k] = rand() * 2 - 1;
    }
    const fr = Math.fround;
    const lanes = [0, 0, 0, 0];
    for (let k = 0; k < n; k++) lanes[k % 4] = fr(lanes[k % 4]! + fr(xs[k]! * ys[k]!));
    const want = fr(fr(fr(lanes[0]! + lanes[1]!) + lanes[2]!) + lanes[3]!);
    expect(f(0, 4 * n, n)).toBe(want);
  });

  it("an f64x2 axpy kernel (y = a·x + y) equals JS exactly", () => {
    const n = 100;
    const { f, mem } = kernel({ params: { a: "f64", x: "i32", y: "i32", n: "i32" } }, (b, { a, x, y, n: len }) => {
      const va = b.newLocal("v128");
      const i = b.newLocal("i32");
      b.local.set(va, () => b.f64x2.splat(a));
      b.forRange(i, 0, () => b.i32.shl(len, 3), () => {
        const py = (): unknown => b.i32.add(y, i);
        b.v128.store(py, () => b.f64x2.add(() => b.f64x2.mul(va, () => b.v128.load(() => b.i32.add(x, i))), () => b.v128.load(py)));
      }, 16);
    });
    const xs = new Float64Array(mem.buffer, 0, n);
    const ys = new Float64Array(mem.buffer, 8 * n, n);
    const rand = rng(9);
    for (let k = 0; k < n; k++) {
      xs[k] = rand();
      ys[k] = rand();
    }
    const want = Array.from(ys, (yk, k) => 0.3 * xs[k]! + yk);
    f(0.3, 0, 8 * n, n);
    expect([...ys]).toEqual(want);
  });

  it("v128.const, shuffle, lane replace/extract, splat loads and conversions move the right lanes", () => {
    const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
      // out[0..3] = reverse of const [1, 2, 3, 4] with lane 1 replaced by 9 → [4, 3, 9, 1]
      b.v128.store(p, () => {
        b.v128.const("f32x4", [1, 2, 3, 4]);
        b.f32x4.replace_lane(2, 9); // [1, 2, 9, 4]
        b.v128.const("i32x4", [0, 0, 0, 0]);
        b.i8x16.shuffle([12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3]);
      });
      // out[4..7] = convert_i32x4_s of [-3, 7, 2^24 + 1, 0]
      b.v128.store(p, () => b.f32x4.convert_i32x4_s(() => b.v128.const("i32x4", [-3, 7, 2 ** 24 + 1, 0])), { offset: 16 });
      // out f64 at 32, 40 = promote_low of load32_splat(out[0]) → [4, 4]
      b.v128.store(p, () => b.f64x2.promote_low_f32x4(() => b.v128.load32_splat(p)), { offset: 32 });
      // out[12..15] = demote_f64x2_zero of [1/3, -2.5] → [fround(1/3), -2.5, 0, 0]
      b.v128.store(p, () => b.f32x4.demote_f64x2_zero(() => b.v128.const("f64x2", [1 / 3, -2.5])), { offset: 48 });
    });
    f(0);
    expect([...new Float32Array(mem.buffer, 0, 8)]).toEqual([4, 9, 2, 1, -3, 7, 2 ** 24, 0]);
    expect([...new Float64Array(mem.buffer, 32, 2)]).toEqual([4, 4]);
    expect([...new Float32Array(mem.buffer, 48, 4)]).toEqual([Math.fround(1 / 3), -2.5, 0, 0]);
  });

  it("f32x4 pmin/pmax, comparisons, bitselect, any_true and all_true follow the spec", () => {
    const { f } = kernel({ params: { a: "f32", b: "f32" }, results: ["i32"] }, (b, { a, b: y }) => {
      const va = b.newLocal("v128");
      const vb = b.newLocal("v128");
      b.local.set(va, () => b.f32x4.splat(a));
      b.local.set(vb, () => b.f32x4.splat(y));
      // bit 0: all lanes of bitselect(va, vb, va < vb) == pmin(va, vb)
      b.i32x4.all_true(() => b.f32x4.eq(() => b.v128.bitselect(va, vb, () => b.f32x4.lt(va, vb)), () => b.f32x4.pmin(va, vb)));
      // bit 1: any lane of va > vb
      b.i32.add(() => b.i32.shl(() => b.v128.any_true(() => b.f32x4.gt(va, vb)), 1));
      // bit 2: pmax == max for these ordered inputs
      b.i32.add(() => b.i32.shl(() => b.i32x4.all_true(() => b.f32x4.eq(() => b.f32x4.pmax(va, vb), () => b.f32x4.max(va, vb))), 2));
    });
    expect(f(1, 2)).toBe(0b101);
    expect(f(3, 2)).toBe(0b111);
  });

  it("i32x4 integer lanes: add, mul, shifts, logic and compares match JS per lane", () => {
    const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
      const x = b.newLocal("v128");
      b.local.set(x, () => b.v128.load(p));
      b.v128.store(p, () => b.i32x4.add(() => b.i32x4.mul(x, x), () => b.i32x4.shr_s(x, 1)), { offset: 16 });
      b.v128.store(p, () => b.v128.xor(() => b.i32x4.shl(x, 3), () => b.v128.andnot(x, () => b.i32x4.splat(6))), { offset: 32 });
      b.v128.store(p, () => b.v128.or(() => b.i32x4.gt_s(x, () => b.i32x4.splat(0)), () => b.i32x4.shr_u(x, 28)), { offset: 48 });
    });
    const xs = [-5, 7, 0x7fffffff, -0x80000000];
    new Int32Array(mem.buffer, 0, 4).set(xs);
    f(0);
    expect([...new Int32Array(mem.buffer, 16, 4)]).toEqual(xs.map((x) => (Math.imul(x, x) + (x >> 1)) | 0));
    expect([...new Int32Array(mem.buffer, 32, 4)]).toEqual(xs.map((x) => (x << 3) ^ (x & ~6)));
    expect([...new Int32Array(mem.buffer, 48, 4)]).toEqual(xs.map((x) => (x > 0 ? -1 : 0) | (x >>> 28)));
  });

  it("f32x4 floor/ceil/nearest/trunc/sqrt/abs/neg/div equal Math.* per lane", () => {
    const ops = ["floor", "ceil", "trunc", "sqrt", "abs", "neg"] as const;
    const js: Record<(typeof ops)[number], (x: number) => number> = {
      floor: Math.floor, ceil: Math.ceil, trunc: Math.trunc, sqrt: Math.sqrt, abs: Math.abs, neg: (x) => -x,
    };
    const xs = [2.5, -1.25, 9, -0.75];
    for (const op of ops) {
      const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
        b.v128.store(p, () => b.f32x4[op](() => b.v128.load(p)));
      });
      new Float32Array(mem.buffer, 0, 4).set(xs);
      f(0);
      expect([...new Float32Array(mem.buffer, 0, 4)], op).toEqual(xs.map((x) => Math.fround(js[op](x))));
    }
    const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
      b.v128.store(p, () => b.f32x4.div(() => b.f32x4.nearest(() => b.v128.load(p)), () => b.f32x4.splat(3)));
    });
    new Float32Array(mem.buffer, 0, 4).set([2.5, 3.5, -0.5, 7.2]);
    f(0);
    expect([...new Float32Array(mem.buffer, 0, 4)]).toEqual([2, 4, -0, 7].map((x) => Math.fround(x / 3)));
  });
});

describe("saturating truncation", () => {
  const cases = [NaN, Infinity, -Infinity, 3e9, -3e9, 2.7, -2.7, 2147483520, -2147483648];
  const satI32 = (x: number): number => (Number.isNaN(x) ? 0 : Math.max(-2147483648, Math.min(2147483647, Math.trunc(x))));

  it("i32.trunc_sat_f32_s maps NaN to 0 and clamps overflow", () => {
    const { f } = kernel({ params: { x: "f32" }, results: ["i32"] }, (b, { x }) => {
      b.i32.trunc_sat_f32_s(x);
    });
    for (const x of cases) expect(f(x), String(x)).toBe(satI32(Math.fround(x)));
  });

  it("i32.trunc_sat_f64_u and i64.trunc_sat_f64_s clamp to their ranges", () => {
    const u = kernel({ params: { x: "f64" }, results: ["i32"] }, (b, { x }) => {
      b.i32.trunc_sat_f64_u(x);
    }).f;
    expect([NaN, -5, 1e10, 4294967295.9, 12.9].map((x) => u(x))).toEqual([0, 0, -1, -1, 12]); // u32 max reads back as -1
    const s64 = kernel({ params: { x: "f64" }, results: ["i64"] }, (b, { x }) => {
      b.i64.trunc_sat_f64_s(x);
    }).f;
    expect([NaN, 1e300, -1e300, -7.9].map((x) => s64(x))).toEqual([0n, (1n << 63n) - 1n, -(1n << 63n), -7n]);
  });

  it("i32x4.trunc_sat_f32x4_s saturates per lane; plain i32.trunc_f32_s traps on NaN", () => {
    const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
      b.v128.store(p, () => b.i32x4.trunc_sat_f32x4_s(() => b.v128.load(p)));
      b.v128.store(p, () => b.i32x4.trunc_sat_f32x4_s(() => b.v128.load(p, { offset: 16 })), { offset: 16 });
    });
    const xs = cases.slice(0, 8);
    new Float32Array(mem.buffer, 0, 8).set(xs);
    f(0);
    expect([...new Int32Array(mem.buffer, 0, 8)]).toEqual(xs.map((x) => satI32(Math.fround(x))));
    const trapping = kernel({ params: { x: "f32" }, results: ["i32"] }, (b, { x }) => {
      b.i32.trunc_f32_s(x);
    }).f;
    expect(() => trapping(NaN)).toThrow();
  });
});

describe("threads", () => {
  it("a module importing a shared memory validates and runs atomics", () => {
    const desc = { initial: 1, maximum: 2, shared: true };
    const m = new ModuleBuilder().importMemory("env", "mem", desc);
    m.addFunction("bump", { params: { p: "i32", by: "i32" }, results: ["i32"], export: true }, (b, { p, by }) => {
      b.i32.atomic_rmw_add(p, by); // returns the old value
    });
    m.addFunction("waitNotEqual", { params: { p: "i32" }, results: ["i32"], export: true }, (b, { p }) => {
      // expected value differs from memory → returns 1 ("not-equal") without blocking
      b.memory.atomic_wait32(p, () => b.i32.add(() => b.i32.atomic_load(p), 1), -1n);
    });
    m.addFunction("waitTimeout", { params: { p: "i32" }, results: ["i32"], export: true }, (b, { p }) => {
      b.memory.atomic_wait32(p, () => b.i32.atomic_load(p), 0n); // times out at once → 2
    });
    m.addFunction("wake", { params: { p: "i32" }, results: ["i32"], export: true }, (b, { p }) => {
      b.atomic.fence();
      b.i32.atomic_store(p, 0);
      b.memory.atomic_notify(p, 1); // nobody waits → 0
    });
    const bytes = m.build();
    expect(validateWasm(bytes)).toBe(true);
    const mem = newWasmMemory(desc);
    expect(mem.buffer).toBeInstanceOf(SharedArrayBuffer);
    const instance = instantiateWasm(compileWasm(bytes), { env: { mem } });
    const bump = exportedFunction(instance, "bump");
    expect(bump(8, 5)).toBe(0);
    expect(bump(8, 2)).toBe(5);
    expect(Atomics.load(new Int32Array(mem.buffer), 2)).toBe(7);
    expect(exportedFunction(instance, "waitNotEqual")(8)).toBe(1);
    expect(exportedFunction(instance, "waitTimeout")(8)).toBe(2);
    expect(exportedFunction(instance, "wake")(8)).toBe(0);
  });
});

describe("relaxed SIMD", () => {
  it("f32x4.relaxed_madd computes a·b + c (fused or not) once the engine allows it", () => {
    // Node 20 needs the flag (see PERF-NOTES); set before compiling, it applies to this process.
    if (!wasmFeatures().relaxedSimd) setFlagsFromString("--experimental-wasm-relaxed-simd");
    const { f, mem } = kernel({ params: { p: "i32" } }, (b, { p }) => {
      b.v128.store(p, () => b.f32x4.relaxed_madd(() => b.v128.load(p), () => b.f32x4.splat(3), () => b.f32x4.splat(0.25)));
    });
    new Float32Array(mem.buffer, 0, 4).set([1, -2, 0.5, 10]);
    f(0);
    expect([...new Float32Array(mem.buffer, 0, 4)]).toEqual([3.25, -5.75, 1.75, 30.25]);
  });
});

describe("compilation", () => {
  it("functions may return several values (multi-value), which JS receives as an array", () => {
    const { f } = kernel({ params: { a: "i32", b: "f64" }, results: ["f64", "i32"] }, (b, { a, b: y }) => {
      b.local.get(y).local.get(a);
    });
    expect(f(3, 1.5)).toEqual([1.5, 3]);
  });

  it("compileAsync gives a module that instantiates and runs", async () => {
    const m = new ModuleBuilder();
    m.addFunction("add", { params: { a: "i32", b: "i32" }, results: ["i32"], export: true }, (b, { a, b: y }) => {
      b.i32.add(a, y);
    });
    const module = await m.compileAsync();
    expect(exportedFunction(instantiateWasm(module), "add")(2, 3)).toBe(5);
  });

  it("identical modules build to identical bytes", () => {
    const make = (): Uint8Array => {
      const m = new ModuleBuilder().importMemory("env", "mem", { initial: 1 });
      m.addFunction("f", { params: { p: "i32" }, export: true }, (b, { p }) => {
        b.v128.store(p, () => b.f32x4.splat(1));
      });
      return m.build();
    };
    expect(make()).toEqual(make());
  });
});

describe("misuse is a WasmAssemblyError at build time", () => {
  const build = (spec: FunctionSpec<Params>, body: (b: FunctionBuilder, params: Readonly<Record<string, Local>>) => void): Uint8Array => {
    const m = new ModuleBuilder().importMemory("env", "mem", { initial: 1 });
    m.addFunction("kern", spec, body);
    return m.build();
  };

  it("an operand of the wrong type names the function, the instruction and the types", () => {
    expectAsmError(() => build({ params: { x: "f32" } }, (b, { x }) => b.drop(() => b.f32x4.add(x!, x!))), "'kern'", "f32x4.add", "v128", "f32");
    expectAsmError(() => build({ params: { x: "i32" } }, (b, { x }) => b.local.set(x!, () => b.f64.const(1))), "local.set", "i32", "f64");
  });

  it("values left on the stack, or missing results, are reported at the block's end", () => {
    expectAsmError(() => build({}, (b) => b.block(() => b.i32.const(1))), "end of block", "leaves i32");
    expectAsmError(() => build({ results: ["f32"] }, (b) => b.i32.const(1)), "end of function", "f32");
    expectAsmError(() => build({ results: ["i32"] }, () => undefined), "end of function", "empty");
  });

  it("a label used after its block ended, or in another function, is refused", () => {
    expectAsmError(() =>
      build({}, (b) => {
        let escaped: Parameters<FunctionBuilder["br"]>[0] | undefined;
        b.block((l) => {
          escaped = l;
        });
        b.br(escaped!);
      }), "br", "already ended");
    const m = new ModuleBuilder();
    let other: Local | undefined;
    m.addFunction("a", { params: { x: "i32" } }, (_b, { x }) => {
      other = x;
    });
    expectAsmError(() => m.addFunction("b", {}, (b) => b.drop(other!)), "'b'", "another function");
  });

  it("bad immediates: lane index, alignment, atomic alignment, shuffle indices, v128.const lanes", () => {
    expectAsmError(() => build({ params: { v: "v128" } }, (b, { v }) => b.drop(() => b.f32x4.extract_lane(4, v!))), "extract_lane", "[0, 4)");
    expectAsmError(() => build({ params: { p: "i32" } }, (b, { p }) => b.drop(() => b.f32.load(p!, { align: 8 }))), "f32.load", "at most 4");
    expectAsmError(() => build({ params: { p: "i32" } }, (b, { p }) => b.drop(() => b.i32.atomic_load(p!, { align: 2 }))), "atomic", "needs align 4");
    expectAsmError(() => build({ params: { v: "v128" } }, (b, { v }) => b.drop(() => b.i8x16.shuffle([32], v!, v!))), "shuffle", "16 byte indices");
    expectAsmError(() => build({}, (b) => b.drop(() => b.v128.const("f32x4", [1, 2, 3]))), "v128.const", "4 lanes");
    expectAsmError(() => build({}, (b) => b.drop(() => b.i32.const(2 ** 32))), "i32.const", "2^32");
  });

  it("a number where a v128 is expected, and an if with a result but no else", () => {
    expectAsmError(() => build({ params: { v: "v128" } }, (b, { v }) => b.drop(() => b.f32x4.mul(v!, 2))), "f32x4.mul", "v128.const or a splat");
    expectAsmError(() => build({ params: { c: "i32" }, results: ["i32"] }, (b, { c }) => b.if("i32", c!, () => b.i32.const(1))), "if", "needs an else");
  });

  it("module-level misuse: memory instructions without a memory, shared memory without maximum, duplicate exports", () => {
    const m = new ModuleBuilder();
    m.addFunction("f", { params: { p: "i32" } }, (b, { p }) => b.drop(() => b.f32.load(p)));
    expectAsmError(() => m.build(), "f32.load needs a memory");
    expectAsmError(() => new ModuleBuilder().importMemory("env", "mem", { initial: 1, shared: true }), "shared memory needs a maximum");
    const d = new ModuleBuilder();
    d.addFunction("f", { export: true }, () => undefined);
    expectAsmError(() => d.addFunction("g", { export: "f" }, () => undefined), "'f' is already exported");
  });

  it("a namespace method called detached from its builder says how to call it", () => {
    expectAsmError(() => build({}, (b) => {
      const { const: constant } = b.i32;
      constant(1);
    }), "i32.const was called detached", "b.i32.const");
    expectAsmError(() => build({ params: { v: "v128" } }, (b) => {
      const { add } = b.f32x4;
      add();
    }), "f32x4.add was called detached");
  });

  it("a function builder used after its function was built is refused", () => {
    const m = new ModuleBuilder();
    let leaked: FunctionBuilder | undefined;
    m.addFunction("f", {}, (b) => {
      leaked = b;
    });
    expectAsmError(() => leaked!.i32.const(1), "used after the function was built");
  });
});
