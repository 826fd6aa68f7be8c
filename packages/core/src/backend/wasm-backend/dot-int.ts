// Wasm kernel of dot_general for int32 operands (dot-general.ts's packed SIMD matmul is for
// floats and delegates int32 here). Operands are permuted in the arena to (batch, M, K) and
// (batch, K, N) by layout.ts's strided copy, then each row of C accumulates K rows of B
// scaled by A's element with i32x4 multiply-adds. int32 arithmetic wraps, as the js kernel's
// Math.imul and `| 0` do, so the result is the same in any order: bit for bit equal to js.
import type { ShapedArray } from "../../aval.js";
import type { TypedArray } from "../../dtype.js";
import type { ParamsOf } from "../../primitives/params.js";
import { stridesOf } from "../../shape.js";
import type { ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { countCall } from "./kernel-module.js";
import { type Box, fits, runCopy } from "./layout.js";
import { lazyModule, locals, minSize } from "./scalar.js";

type DimNums = ParamsOf<"dot_general">["dimension_numbers"];

/** dot_i32(pa, pb, pc, batch, M, K, N): C[t] = A[t] · B[t], row-major, C zeroed first. */
function addDot(m: ModuleBuilder): string {
  const params = { pa: "i32", pb: "i32", pc: "i32", batch: "i32", M: "i32", K: "i32", N: "i32" } as const;
  m.addFunction("dot_i32", { params, export: true }, (b, { pa, pb, pc, batch, M, K, N }) => {
    const { t, i, k, j, crow, brow, bt, vend, rowBytes } = locals(b, "t", "i", "k", "j", "crow", "brow", "bt", "vend", "rowBytes");
    const av = b.newLocal("v128", "av");
    const a = b.newLocal("i32", "a");
    b.local.set(rowBytes, () => b.i32.shl(N, 2));
    b.memory.fill(pc, 0, () => b.i32.mul(() => b.i32.mul(() => b.i32.mul(batch, M), N), 4));
    b.local.set(vend, () => b.i32.and(rowBytes, ~15));
    b.local.set(crow, pc);
    b.forRange(t, 0, batch, () => {
      b.local.set(bt, () => b.i32.add(pb, () => b.i32.mul(() => b.i32.mul(t, K), rowBytes)));
      b.forRange(i, 0, M, () => {
        b.forRange(k, 0, K, () => {
          b.local.set(a, () => b.i32.load(pa));
          b.local.set(pa, () => b.i32.add(pa, 4));
          b.local.set(av, () => b.i32x4.splat(a));
          b.local.set(brow, () => b.i32.add(bt, () => b.i32.mul(k, rowBytes)));
          b.forRange(j, 0, vend, () => {
            b.v128.store(() => b.i32.add(crow, j), () => b.i32x4.add(() => b.v128.load(() => b.i32.add(crow, j), { align: 4 }), () => b.i32x4.mul(av, () => b.v128.load(() => b.i32.add(brow, j), { align: 4 }))), { align: 4 });
          }, 16);
          b.forRange(j, vend, rowBytes, () => {
            b.i32.store(() => b.i32.add(crow, j), () => b.i32.add(() => b.i32.load(() => b.i32.add(crow, j)), () => b.i32.mul(a, () => b.i32.load(() => b.i32.add(brow, j)))));
          }, 4);
        });
        b.local.set(crow, () => b.i32.add(crow, rowBytes));
      });
    });
  });
  return "dot_i32";
}

const fn = lazyModule((m) => [addDot(m)]);

const prod = (xs: readonly number[]): number => xs.reduce((p, c) => p * c, 1);

/** The copy that permutes `aval` to `perm` order, contiguous. */
function permBox(aval: ShapedArray, perm: readonly number[]): Box {
  const strides = stridesOf(aval.shape);
  const n = perm.map((p) => aval.shape[p]!);
  return { n, s: perm.map((p) => strides[p]!), d: stridesOf(n) };
}

/** The (batch, free, contract) and (batch, contract, free) orders of the two operands, and
 * the sizes batch, M (lhs free), K (contracted), N (rhs free). */
function layoutOf(la: ShapedArray, ra: ShapedArray, [[lc, rc], [lb, rb]]: DimNums) {
  const lFree = la.shape.map((_, i) => i).filter((i) => !lc.includes(i) && !lb.includes(i));
  const rFree = ra.shape.map((_, i) => i).filter((i) => !rc.includes(i) && !rb.includes(i));
  const size = (aval: ShapedArray, dims: readonly number[]): number => prod(dims.map((d) => aval.shape[d]!));
  return {
    pl: [...lb, ...lFree, ...lc],
    pr: [...rb, ...rc, ...rFree],
    batch: size(la, lb),
    M: size(la, lFree),
    K: size(la, lc),
    N: size(ra, rFree),
  };
}

/** Whether the int32 kernel takes this product (output big enough, permutes that fit). */
export function supportsIntDot(la: ShapedArray, ra: ShapedArray, dn: DimNums): boolean {
  if (la.dtype !== "int32" || ra.dtype !== "int32") return false;
  const { pl, pr, batch, M, K, N } = layoutOf(la, ra, dn);
  // Operands twice (raw and permuted) and C must fit the arena (2 GiB at most; keep to 1 GiB).
  const bytes = 8 * (la.size + ra.size) + 4 * batch * M * N;
  return batch * M * K * N >= minSize.dotInt && bytes <= 2 ** 30 && fits(permBox(la, pl)) && fits(permBox(ra, pr));
}

/** int32 dot_general of `a` and `b` into `out`. */
export function runIntDot(a: TypedArray, b: TypedArray, la: ShapedArray, ra: ShapedArray, dn: DimNums, out: TypedArray): void {
  countCall("dot_general");
  if (out.length === 0) return;
  const { pl, pr, batch, M, K, N } = layoutOf(la, ra, dn);
  const mem = arena();
  mem.reset();
  const pa = moved(a, la, pl);
  const pb = moved(b, ra, pr);
  const pc = mem.reserve(out.byteLength);
  fn("dot_i32")(pa, pb, pc, batch, M, K, N);
  mem.copyOut(pc, out);
}

/** `x` copied into the arena in `perm` order (contiguous). */
function moved(x: TypedArray, aval: ShapedArray, perm: readonly number[]): number {
  const mem = arena();
  const px = mem.copyIn(x);
  if (perm.every((p, i) => p === i)) return px;
  const to = mem.reserve(x.byteLength);
  runCopy(4, px, to, permBox(aval, perm));
  return to;
}
