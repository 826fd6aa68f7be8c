// The instruction tables: for every instruction without special immediates, its bytes,
// the operand types it pops and the result types it pushes. The FunctionBuilder turns each
// table into typed methods (`b.f32x4.add()`), so an instruction is listed once, here.
// Opcodes follow the WebAssembly 2.0 spec (core, bulk memory, saturating truncation),
// the SIMD proposal's BinarySIMD.md (0xFD prefix, LEB128 u32 sub-opcode), the threads
// proposal (0xFE prefix) and the relaxed-SIMD proposal (0xFD 0x100...).
import { u32Bytes } from "./encoding.js";
import type { ValType } from "./types.js";

/** No immediates: `b.i32.add()`. `memory` marks instructions that need a memory. */
export interface PlainSpec {
  readonly kind: "plain";
  readonly bytes: readonly number[];
  readonly pops: readonly ValType[];
  readonly push: readonly ValType[];
  readonly memory: boolean;
}

/** A memory access with a memarg (`offset`, `align`); `align` is the natural alignment in
 * bytes; atomic accesses must use exactly it. */
export interface MemSpec {
  readonly kind: "mem";
  readonly bytes: readonly number[];
  readonly pops: readonly ValType[];
  readonly push: readonly ValType[];
  readonly align: number;
  readonly atomic: boolean;
}

/** A lane access (`extract_lane`, `replace_lane`) with a lane index below `lanes`. */
export interface LaneSpec {
  readonly kind: "lane";
  readonly bytes: readonly number[];
  readonly pops: readonly ValType[];
  readonly push: readonly ValType[];
  readonly lanes: number;
}

/** A memory access to one lane of a v128 (`v128.load32_lane`): memarg then lane index. */
export interface MemLaneSpec {
  readonly kind: "memlane";
  readonly bytes: readonly number[];
  readonly pops: readonly ValType[];
  readonly push: readonly ValType[];
  readonly align: number;
  readonly lanes: number;
}

export type OpSpec = PlainSpec | MemSpec | LaneSpec | MemLaneSpec;
export type OpTable = Readonly<Record<string, OpSpec>>;

const i = "i32";
const I = "i64";
const f = "f32";
const F = "f64";
const v = "v128";

const fc = (sub: number): number[] => [0xfc, ...u32Bytes(sub)];
const fd = (sub: number): number[] => [0xfd, ...u32Bytes(sub)];
const fe = (sub: number): number[] => [0xfe, ...u32Bytes(sub)];
const bytesOf = (code: number | number[]): number[] => (typeof code === "number" ? [code] : code);

function plain(code: number | number[], pops: readonly ValType[], push: readonly ValType[], memory = false): PlainSpec {
  return { kind: "plain", bytes: bytesOf(code), pops, push, memory };
}
const un = (code: number | number[], t: ValType, r: ValType = t): PlainSpec => plain(code, [t], [r]);
const bin = (code: number | number[], t: ValType, r: ValType = t): PlainSpec => plain(code, [t, t], [r]);
const cmp = (code: number | number[], t: ValType): PlainSpec => plain(code, [t, t], [i]);
const cvt = (code: number | number[], from: ValType, to: ValType): PlainSpec => plain(code, [from], [to]);
/** SIMD: v128 → v128, (v128, v128) → v128, (v128, i32 shift) → v128, v128 → i32 test. */
const vun = (sub: number): PlainSpec => plain(fd(sub), [v], [v]);
const vbin = (sub: number): PlainSpec => plain(fd(sub), [v, v], [v]);
const vtern = (sub: number): PlainSpec => plain(fd(sub), [v, v, v], [v]);
const vshift = (sub: number): PlainSpec => plain(fd(sub), [v, i], [v]);
const vtest = (sub: number): PlainSpec => plain(fd(sub), [v], [i]);
const splat = (sub: number, t: ValType): PlainSpec => plain(fd(sub), [t], [v]);

function mem(code: number | number[], align: number, pops: readonly ValType[], push: readonly ValType[], atomic = false): MemSpec {
  return { kind: "mem", bytes: bytesOf(code), pops, push, align, atomic };
}
const load = (code: number | number[], align: number, t: ValType): MemSpec => mem(code, align, [i], [t]);
const store = (code: number | number[], align: number, t: ValType): MemSpec => mem(code, align, [i, t], []);
const aload = (sub: number, align: number, t: ValType): MemSpec => mem(fe(sub), align, [i], [t], true);
const astore = (sub: number, align: number, t: ValType): MemSpec => mem(fe(sub), align, [i, t], [], true);
const rmw = (sub: number, align: number, t: ValType): MemSpec => mem(fe(sub), align, [i, t], [t], true);
const cmpxchg = (sub: number, align: number, t: ValType): MemSpec => mem(fe(sub), align, [i, t, t], [t], true);

const extract = (sub: number, lanes: number, t: ValType): LaneSpec => ({ kind: "lane", bytes: fd(sub), pops: [v], push: [t], lanes });
const replace = (sub: number, lanes: number, t: ValType): LaneSpec => ({ kind: "lane", bytes: fd(sub), pops: [v, t], push: [v], lanes });
const loadLane = (sub: number, align: number): MemLaneSpec => ({ kind: "memlane", bytes: fd(sub), pops: [i, v], push: [v], align, lanes: 16 / align });
const storeLane = (sub: number, align: number): MemLaneSpec => ({ kind: "memlane", bytes: fd(sub), pops: [i, v], push: [], align, lanes: 16 / align });

export const I32_OPS = {
  eqz: un(0x45, i), eq: cmp(0x46, i), ne: cmp(0x47, i), lt_s: cmp(0x48, i), lt_u: cmp(0x49, i), gt_s: cmp(0x4a, i),
  gt_u: cmp(0x4b, i), le_s: cmp(0x4c, i), le_u: cmp(0x4d, i), ge_s: cmp(0x4e, i), ge_u: cmp(0x4f, i),
  clz: un(0x67, i), ctz: un(0x68, i), popcnt: un(0x69, i), add: bin(0x6a, i), sub: bin(0x6b, i), mul: bin(0x6c, i),
  div_s: bin(0x6d, i), div_u: bin(0x6e, i), rem_s: bin(0x6f, i), rem_u: bin(0x70, i), and: bin(0x71, i), or: bin(0x72, i),
  xor: bin(0x73, i), shl: bin(0x74, i), shr_s: bin(0x75, i), shr_u: bin(0x76, i), rotl: bin(0x77, i), rotr: bin(0x78, i),
  wrap_i64: cvt(0xa7, I, i), trunc_f32_s: cvt(0xa8, f, i), trunc_f32_u: cvt(0xa9, f, i), trunc_f64_s: cvt(0xaa, F, i),
  trunc_f64_u: cvt(0xab, F, i), reinterpret_f32: cvt(0xbc, f, i), extend8_s: un(0xc0, i), extend16_s: un(0xc1, i),
  trunc_sat_f32_s: cvt(fc(0), f, i), trunc_sat_f32_u: cvt(fc(1), f, i), trunc_sat_f64_s: cvt(fc(2), F, i), trunc_sat_f64_u: cvt(fc(3), F, i),
  load: load(0x28, 4, i), load8_s: load(0x2c, 1, i), load8_u: load(0x2d, 1, i), load16_s: load(0x2e, 2, i), load16_u: load(0x2f, 2, i),
  store: store(0x36, 4, i), store8: store(0x3a, 1, i), store16: store(0x3b, 2, i),
  atomic_load: aload(0x10, 4, i), atomic_load8_u: aload(0x12, 1, i), atomic_load16_u: aload(0x13, 2, i),
  atomic_store: astore(0x17, 4, i), atomic_store8: astore(0x19, 1, i), atomic_store16: astore(0x1a, 2, i),
  atomic_rmw_add: rmw(0x1e, 4, i), atomic_rmw_sub: rmw(0x25, 4, i), atomic_rmw_and: rmw(0x2c, 4, i), atomic_rmw_or: rmw(0x33, 4, i),
  atomic_rmw_xor: rmw(0x3a, 4, i), atomic_rmw_xchg: rmw(0x41, 4, i), atomic_rmw_cmpxchg: cmpxchg(0x48, 4, i),
} as const;

export const I64_OPS = {
  eqz: un(0x50, I, i), eq: cmp(0x51, I), ne: cmp(0x52, I), lt_s: cmp(0x53, I), lt_u: cmp(0x54, I), gt_s: cmp(0x55, I),
  gt_u: cmp(0x56, I), le_s: cmp(0x57, I), le_u: cmp(0x58, I), ge_s: cmp(0x59, I), ge_u: cmp(0x5a, I),
  clz: un(0x79, I), ctz: un(0x7a, I), popcnt: un(0x7b, I), add: bin(0x7c, I), sub: bin(0x7d, I), mul: bin(0x7e, I),
  div_s: bin(0x7f, I), div_u: bin(0x80, I), rem_s: bin(0x81, I), rem_u: bin(0x82, I), and: bin(0x83, I), or: bin(0x84, I),
  xor: bin(0x85, I), shl: bin(0x86, I), shr_s: bin(0x87, I), shr_u: bin(0x88, I), rotl: bin(0x89, I), rotr: bin(0x8a, I),
  extend_i32_s: cvt(0xac, i, I), extend_i32_u: cvt(0xad, i, I), trunc_f32_s: cvt(0xae, f, I), trunc_f32_u: cvt(0xaf, f, I),
  trunc_f64_s: cvt(0xb0, F, I), trunc_f64_u: cvt(0xb1, F, I), reinterpret_f64: cvt(0xbd, F, I),
  extend8_s: un(0xc2, I), extend16_s: un(0xc3, I), extend32_s: un(0xc4, I),
  trunc_sat_f32_s: cvt(fc(4), f, I), trunc_sat_f32_u: cvt(fc(5), f, I), trunc_sat_f64_s: cvt(fc(6), F, I), trunc_sat_f64_u: cvt(fc(7), F, I),
  load: load(0x29, 8, I), load8_s: load(0x30, 1, I), load8_u: load(0x31, 1, I), load16_s: load(0x32, 2, I),
  load16_u: load(0x33, 2, I), load32_s: load(0x34, 4, I), load32_u: load(0x35, 4, I),
  store: store(0x37, 8, I), store8: store(0x3c, 1, I), store16: store(0x3d, 2, I), store32: store(0x3e, 4, I),
  atomic_load: aload(0x11, 8, I), atomic_store: astore(0x18, 8, I),
  atomic_rmw_add: rmw(0x1f, 8, I), atomic_rmw_sub: rmw(0x26, 8, I), atomic_rmw_and: rmw(0x2d, 8, I), atomic_rmw_or: rmw(0x34, 8, I),
  atomic_rmw_xor: rmw(0x3b, 8, I), atomic_rmw_xchg: rmw(0x42, 8, I), atomic_rmw_cmpxchg: cmpxchg(0x49, 8, I),
} as const;

export const F32_OPS = {
  eq: cmp(0x5b, f), ne: cmp(0x5c, f), lt: cmp(0x5d, f), gt: cmp(0x5e, f), le: cmp(0x5f, f), ge: cmp(0x60, f),
  abs: un(0x8b, f), neg: un(0x8c, f), ceil: un(0x8d, f), floor: un(0x8e, f), trunc: un(0x8f, f), nearest: un(0x90, f),
  sqrt: un(0x91, f), add: bin(0x92, f), sub: bin(0x93, f), mul: bin(0x94, f), div: bin(0x95, f), min: bin(0x96, f),
  max: bin(0x97, f), copysign: bin(0x98, f),
  convert_i32_s: cvt(0xb2, i, f), convert_i32_u: cvt(0xb3, i, f), convert_i64_s: cvt(0xb4, I, f), convert_i64_u: cvt(0xb5, I, f),
  demote_f64: cvt(0xb6, F, f), reinterpret_i32: cvt(0xbe, i, f),
  load: load(0x2a, 4, f), store: store(0x38, 4, f),
} as const;

export const F64_OPS = {
  eq: cmp(0x61, F), ne: cmp(0x62, F), lt: cmp(0x63, F), gt: cmp(0x64, F), le: cmp(0x65, F), ge: cmp(0x66, F),
  abs: un(0x99, F), neg: un(0x9a, F), ceil: un(0x9b, F), floor: un(0x9c, F), trunc: un(0x9d, F), nearest: un(0x9e, F),
  sqrt: un(0x9f, F), add: bin(0xa0, F), sub: bin(0xa1, F), mul: bin(0xa2, F), div: bin(0xa3, F), min: bin(0xa4, F),
  max: bin(0xa5, F), copysign: bin(0xa6, F),
  convert_i32_s: cvt(0xb7, i, F), convert_i32_u: cvt(0xb8, i, F), convert_i64_s: cvt(0xb9, I, F), convert_i64_u: cvt(0xba, I, F),
  promote_f32: cvt(0xbb, f, F), reinterpret_i64: cvt(0xbf, I, F),
  load: load(0x2b, 8, F), store: store(0x39, 8, F),
} as const;

export const V128_OPS = {
  load: load(fd(0x00), 16, v), load8x8_s: load(fd(0x01), 8, v), load8x8_u: load(fd(0x02), 8, v),
  load16x4_s: load(fd(0x03), 8, v), load16x4_u: load(fd(0x04), 8, v), load32x2_s: load(fd(0x05), 8, v),
  load32x2_u: load(fd(0x06), 8, v), load8_splat: load(fd(0x07), 1, v), load16_splat: load(fd(0x08), 2, v),
  load32_splat: load(fd(0x09), 4, v), load64_splat: load(fd(0x0a), 8, v), store: store(fd(0x0b), 16, v),
  load32_zero: load(fd(0x5c), 4, v), load64_zero: load(fd(0x5d), 8, v),
  load8_lane: loadLane(0x54, 1), load16_lane: loadLane(0x55, 2), load32_lane: loadLane(0x56, 4), load64_lane: loadLane(0x57, 8),
  store8_lane: storeLane(0x58, 1), store16_lane: storeLane(0x59, 2), store32_lane: storeLane(0x5a, 4), store64_lane: storeLane(0x5b, 8),
  not: vun(0x4d), and: vbin(0x4e), andnot: vbin(0x4f), or: vbin(0x50), xor: vbin(0x51), bitselect: vtern(0x52), any_true: vtest(0x53),
} as const;

export const I8X16_OPS = {
  swizzle: vbin(0x0e), splat: splat(0x0f, i), extract_lane_s: extract(0x15, 16, i), extract_lane_u: extract(0x16, 16, i),
  replace_lane: replace(0x17, 16, i),
  eq: vbin(0x23), ne: vbin(0x24), lt_s: vbin(0x25), lt_u: vbin(0x26), gt_s: vbin(0x27), gt_u: vbin(0x28), le_s: vbin(0x29),
  le_u: vbin(0x2a), ge_s: vbin(0x2b), ge_u: vbin(0x2c),
  abs: vun(0x60), neg: vun(0x61), popcnt: vun(0x62), all_true: vtest(0x63), bitmask: vtest(0x64),
  narrow_i16x8_s: vbin(0x65), narrow_i16x8_u: vbin(0x66), shl: vshift(0x6b), shr_s: vshift(0x6c), shr_u: vshift(0x6d),
  add: vbin(0x6e), add_sat_s: vbin(0x6f), add_sat_u: vbin(0x70), sub: vbin(0x71), sub_sat_s: vbin(0x72), sub_sat_u: vbin(0x73),
  min_s: vbin(0x76), min_u: vbin(0x77), max_s: vbin(0x78), max_u: vbin(0x79), avgr_u: vbin(0x7b),
  relaxed_swizzle: vbin(0x100), relaxed_laneselect: vtern(0x109),
} as const;

export const I16X8_OPS = {
  splat: splat(0x10, i), extract_lane_s: extract(0x18, 8, i), extract_lane_u: extract(0x19, 8, i), replace_lane: replace(0x1a, 8, i),
  eq: vbin(0x2d), ne: vbin(0x2e), lt_s: vbin(0x2f), lt_u: vbin(0x30), gt_s: vbin(0x31), gt_u: vbin(0x32), le_s: vbin(0x33),
  le_u: vbin(0x34), ge_s: vbin(0x35), ge_u: vbin(0x36),
  extadd_pairwise_i8x16_s: vun(0x7c), extadd_pairwise_i8x16_u: vun(0x7d),
  abs: vun(0x80), neg: vun(0x81), q15mulr_sat_s: vbin(0x82), all_true: vtest(0x83), bitmask: vtest(0x84),
  narrow_i32x4_s: vbin(0x85), narrow_i32x4_u: vbin(0x86), extend_low_i8x16_s: vun(0x87), extend_high_i8x16_s: vun(0x88),
  extend_low_i8x16_u: vun(0x89), extend_high_i8x16_u: vun(0x8a), shl: vshift(0x8b), shr_s: vshift(0x8c), shr_u: vshift(0x8d),
  add: vbin(0x8e), add_sat_s: vbin(0x8f), add_sat_u: vbin(0x90), sub: vbin(0x91), sub_sat_s: vbin(0x92), sub_sat_u: vbin(0x93),
  mul: vbin(0x95), min_s: vbin(0x96), min_u: vbin(0x97), max_s: vbin(0x98), max_u: vbin(0x99), avgr_u: vbin(0x9b),
  extmul_low_i8x16_s: vbin(0x9c), extmul_high_i8x16_s: vbin(0x9d), extmul_low_i8x16_u: vbin(0x9e), extmul_high_i8x16_u: vbin(0x9f),
  relaxed_laneselect: vtern(0x10a),
} as const;

export const I32X4_OPS = {
  splat: splat(0x11, i), extract_lane: extract(0x1b, 4, i), replace_lane: replace(0x1c, 4, i),
  eq: vbin(0x37), ne: vbin(0x38), lt_s: vbin(0x39), lt_u: vbin(0x3a), gt_s: vbin(0x3b), gt_u: vbin(0x3c), le_s: vbin(0x3d),
  le_u: vbin(0x3e), ge_s: vbin(0x3f), ge_u: vbin(0x40),
  extadd_pairwise_i16x8_s: vun(0x7e), extadd_pairwise_i16x8_u: vun(0x7f),
  abs: vun(0xa0), neg: vun(0xa1), all_true: vtest(0xa3), bitmask: vtest(0xa4),
  extend_low_i16x8_s: vun(0xa7), extend_high_i16x8_s: vun(0xa8), extend_low_i16x8_u: vun(0xa9), extend_high_i16x8_u: vun(0xaa),
  shl: vshift(0xab), shr_s: vshift(0xac), shr_u: vshift(0xad), add: vbin(0xae), sub: vbin(0xb1), mul: vbin(0xb5),
  min_s: vbin(0xb6), min_u: vbin(0xb7), max_s: vbin(0xb8), max_u: vbin(0xb9), dot_i16x8_s: vbin(0xba),
  extmul_low_i16x8_s: vbin(0xbc), extmul_high_i16x8_s: vbin(0xbd), extmul_low_i16x8_u: vbin(0xbe), extmul_high_i16x8_u: vbin(0xbf),
  trunc_sat_f32x4_s: vun(0xf8), trunc_sat_f32x4_u: vun(0xf9), trunc_sat_f64x2_s_zero: vun(0xfc), trunc_sat_f64x2_u_zero: vun(0xfd),
  relaxed_trunc_f32x4_s: vun(0x101), relaxed_trunc_f32x4_u: vun(0x102), relaxed_laneselect: vtern(0x10b),
} as const;

export const I64X2_OPS = {
  splat: splat(0x12, I), extract_lane: extract(0x1d, 2, I), replace_lane: replace(0x1e, 2, I),
  abs: vun(0xc0), neg: vun(0xc1), all_true: vtest(0xc3), bitmask: vtest(0xc4),
  extend_low_i32x4_s: vun(0xc7), extend_high_i32x4_s: vun(0xc8), extend_low_i32x4_u: vun(0xc9), extend_high_i32x4_u: vun(0xca),
  shl: vshift(0xcb), shr_s: vshift(0xcc), shr_u: vshift(0xcd), add: vbin(0xce), sub: vbin(0xd1), mul: vbin(0xd5),
  eq: vbin(0xd6), ne: vbin(0xd7), lt_s: vbin(0xd8), gt_s: vbin(0xd9), le_s: vbin(0xda), ge_s: vbin(0xdb),
  extmul_low_i32x4_s: vbin(0xdc), extmul_high_i32x4_s: vbin(0xdd), extmul_low_i32x4_u: vbin(0xde), extmul_high_i32x4_u: vbin(0xdf),
  relaxed_laneselect: vtern(0x10c),
} as const;

export const F32X4_OPS = {
  splat: splat(0x13, f), extract_lane: extract(0x1f, 4, f), replace_lane: replace(0x20, 4, f),
  eq: vbin(0x41), ne: vbin(0x42), lt: vbin(0x43), gt: vbin(0x44), le: vbin(0x45), ge: vbin(0x46),
  demote_f64x2_zero: vun(0x5e), ceil: vun(0x67), floor: vun(0x68), trunc: vun(0x69), nearest: vun(0x6a),
  abs: vun(0xe0), neg: vun(0xe1), sqrt: vun(0xe3), add: vbin(0xe4), sub: vbin(0xe5), mul: vbin(0xe6), div: vbin(0xe7),
  min: vbin(0xe8), max: vbin(0xe9), pmin: vbin(0xea), pmax: vbin(0xeb), convert_i32x4_s: vun(0xfa), convert_i32x4_u: vun(0xfb),
  /** relaxed SIMD (needs `--experimental-wasm-relaxed-simd` on Node 20): a·b + c, fused or not. */
  relaxed_madd: vtern(0x105), relaxed_nmadd: vtern(0x106), relaxed_min: vbin(0x10d), relaxed_max: vbin(0x10e),
} as const;

export const F64X2_OPS = {
  splat: splat(0x14, F), extract_lane: extract(0x21, 2, F), replace_lane: replace(0x22, 2, F),
  eq: vbin(0x47), ne: vbin(0x48), lt: vbin(0x49), gt: vbin(0x4a), le: vbin(0x4b), ge: vbin(0x4c),
  promote_low_f32x4: vun(0x5f), ceil: vun(0x74), floor: vun(0x75), trunc: vun(0x7a), nearest: vun(0x94),
  abs: vun(0xec), neg: vun(0xed), sqrt: vun(0xef), add: vbin(0xf0), sub: vbin(0xf1), mul: vbin(0xf2), div: vbin(0xf3),
  min: vbin(0xf4), max: vbin(0xf5), pmin: vbin(0xf6), pmax: vbin(0xf7), convert_low_i32x4_s: vun(0xfe), convert_low_i32x4_u: vun(0xff),
  relaxed_madd: vtern(0x107), relaxed_nmadd: vtern(0x108), relaxed_min: vbin(0x10f), relaxed_max: vbin(0x110),
} as const;

export const MEMORY_OPS = {
  size: plain([0x3f, 0x00], [], [i], true),
  grow: plain([0x40, 0x00], [i], [i], true),
  /** (dst, src, n): bulk memory */
  copy: plain([...fc(10), 0x00, 0x00], [i, i, i], [], true),
  /** (dst, byte value, n): bulk memory */
  fill: plain([...fc(11), 0x00], [i, i, i], [], true),
  /** (addr, count) → woken waiters */
  atomic_notify: mem(fe(0x00), 4, [i, i], [i], true),
  /** (addr, expected, timeout ns; -1 = forever) → 0 ok, 1 not-equal, 2 timed out */
  atomic_wait32: mem(fe(0x01), 4, [i, i, I], [i], true),
  atomic_wait64: mem(fe(0x02), 8, [i, I, I], [i], true),
} as const;

export const ATOMIC_OPS = {
  fence: plain([...fe(0x03), 0x00], [], []),
} as const;
