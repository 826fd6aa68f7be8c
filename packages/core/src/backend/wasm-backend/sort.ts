// Wasm kernel of sort: every operand is reordered along `dimension` by the first operand's
// keys (the js backend's rule, backend/js/misc.ts: ascending, NaN last, stable — equal keys,
// +0 and −0 included, keep their order), so results equal js bit for bit for every dtype.
// Each call sorts every line along the axis and writes the sorting permutation, which is then
// applied to every operand by a gather. Two sorts give the same permutation:
// - lines of radixFrom.n or more: LSD radix sort, 8 bits a pass, of an integer key whose
//   unsigned order is the js order (stable, so ties keep their positions);
// - shorter lines: keys loaded as f64 next to their positions, runs of RUN insertion-sorted,
//   then merged bottom-up between two buffers.
import type { FunctionBuilder, Local, ModuleBuilder } from "../wasm/index.js";
import { arena } from "./arena.js";
import { defineWasmKernel } from "./backend.js";
import { countCall } from "./kernel-module.js";
import { BYTES, DATA_DTYPES, type DataDType, fitsArena, isDataDType, lazyModule, loadF64, locals, minSize, moveElem, SHORT } from "./scalar.js";

/** Length of the insertion-sorted runs the merges start from. */
const RUN = 16;

type F = Local<"f64">;
/** b before a in the js order: NaN is greatest and equal to NaN. */
const before = (fb: FunctionBuilder, b: F, a: F): void => void fb.select(() => fb.f64.eq(b, b), () => fb.f64.lt(b, a), () => fb.f64.ne(a, a));

/** sort_{dt}(px, outer, n, inner, pk, pi, pk2, pi2, pperm): the sorting permutation of every line. */
function addSort(m: ModuleBuilder, dt: DataDType): string {
  const name = `sort_${SHORT[dt]}`;
  const es = BYTES[dt];
  const params = { px: "i32", outer: "i32", n: "i32", inner: "i32", pk: "i32", pi: "i32", pk2: "i32", pi2: "i32", pperm: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { px, outer, n, inner, pk, pi, pk2, pi2, pperm }) => {
    const L = locals(b, "o", "j", "i", "q", "src", "lo", "mid", "hi", "r", "k", "width", "ka", "ia", "kb", "ib", "t", "idx", "stride");
    const key = b.newLocal("f64", "key");
    const kl = b.newLocal("f64", "kl");
    const kr = b.newLocal("f64", "kr");
    const min = (x: () => void, y: Local<"i32">) => () => {
      const t = b.newLocal("i32");
      b.local.set(t, x);
      b.select(t, y, () => b.i32.lt_u(t, y));
    };
    const k8 = (base: Local<"i32">, i: Local<"i32">) => () => b.i32.add(base, () => b.i32.shl(i, 3));
    const i4 = (base: Local<"i32">, i: Local<"i32">) => () => b.i32.add(base, () => b.i32.shl(i, 2));
    b.local.set(L.stride, () => b.i32.mul(inner, es));
    b.forRange(L.o, 0, outer, () => {
      b.forRange(L.j, 0, inner, () => {
        // Keys of this line as f64, positions 0..n-1.
        b.local.set(L.src, () => b.i32.add(px, () => b.i32.mul(() => b.i32.add(() => b.i32.mul(() => b.i32.mul(L.o, n), inner), L.j), es)));
        b.forRange(L.i, 0, n, () => {
          b.f64.store(k8(pk, L.i), () => loadF64(b, dt, L.src));
          b.i32.store(i4(pi, L.i), L.i);
          b.local.set(L.src, () => b.i32.add(L.src, L.stride));
        });
        // Stable insertion sort of each run of RUN.
        b.forRange(L.lo, 0, n, () => {
          b.local.set(L.hi, min(() => b.i32.add(L.lo, RUN), n));
          b.forRange(L.i, () => b.i32.add(L.lo, 1), L.hi, () => {
            b.local.set(key, () => b.f64.load(k8(pk, L.i)));
            b.local.set(L.idx, () => b.i32.load(i4(pi, L.i)));
            b.local.set(L.q, L.i);
            b.block((done) => {
              b.loop((top) => {
                b.br_if(done, () => b.i32.le_u(L.q, L.lo));
                b.local.set(kl, () => b.f64.load(() => b.i32.sub(k8(pk, L.q), 8)));
                b.br_if(done, () => b.i32.eqz(() => before(b, key, kl)));
                b.f64.store(k8(pk, L.q), kl);
                b.i32.store(i4(pi, L.q), () => b.i32.load(() => b.i32.sub(i4(pi, L.q), 4)));
                b.local.set(L.q, () => b.i32.sub(L.q, 1));
                b.br(top);
              });
            });
            b.f64.store(k8(pk, L.q), key);
            b.i32.store(i4(pi, L.q), L.idx);
          });
        }, RUN);
        // Bottom-up merges of sorted runs, ping-ponging between (ka, ia) and (kb, ib).
        b.local.set(L.ka, pk);
        b.local.set(L.ia, pi);
        b.local.set(L.kb, pk2);
        b.local.set(L.ib, pi2);
        b.local.set(L.width, RUN);
        b.block((doneAll) => {
          b.loop((pass) => {
            b.br_if(doneAll, () => b.i32.ge_u(L.width, n));
            b.local.set(L.lo, 0);
            b.block((doneLo) => {
              b.loop((nextLo) => {
                b.br_if(doneLo, () => b.i32.ge_u(L.lo, n));
                b.local.set(L.mid, min(() => b.i32.add(L.lo, L.width), n));
                b.local.set(L.hi, min(() => b.i32.add(L.mid, L.width), n));
                b.local.set(L.i, L.lo);
                b.local.set(L.r, L.mid);
                b.forRange(L.k, L.lo, L.hi, () => {
                  // Take from the right run only when its key comes strictly before the left's.
                  b.local.set(L.t, () => b.i32.lt_u(L.r, L.hi));
                  b.if(() => b.i32.and(L.t, () => b.i32.lt_u(L.i, L.mid)), () => {
                    b.local.set(kl, () => b.f64.load(k8(L.ka, L.i)));
                    b.local.set(kr, () => b.f64.load(k8(L.ka, L.r)));
                    b.local.set(L.t, () => before(b, kr, kl));
                  });
                  b.if(L.t, () => {
                    b.f64.store(k8(L.kb, L.k), () => b.f64.load(k8(L.ka, L.r)));
                    b.i32.store(i4(L.ib, L.k), () => b.i32.load(i4(L.ia, L.r)));
                    b.local.set(L.r, () => b.i32.add(L.r, 1));
                  }, () => {
                    b.f64.store(k8(L.kb, L.k), () => b.f64.load(k8(L.ka, L.i)));
                    b.i32.store(i4(L.ib, L.k), () => b.i32.load(i4(L.ia, L.i)));
                    b.local.set(L.i, () => b.i32.add(L.i, 1));
                  });
                });
                b.local.set(L.lo, L.hi);
                b.br(nextLo);
              });
            });
            for (const [x, y] of [[L.ka, L.kb], [L.ia, L.ib]] as const) {
              b.local.set(L.t, x);
              b.local.set(x, y);
              b.local.set(y, L.t);
            }
            b.local.set(L.width, () => b.i32.shl(L.width, 1));
            b.br(pass);
          });
        });
        b.memory.copy(() => b.i32.add(pperm, () => b.i32.shl(() => b.i32.mul(() => b.i32.add(() => b.i32.mul(L.o, inner), L.j), n), 2)), L.ia, () => b.i32.shl(n, 2));
      });
    });
  });
  return name;
}

/** Radix passes of 8 bits over each dtype's sortable key. */
const PASSES: { readonly [D in DataDType]: number } = { float32: 4, float64: 8, int32: 4, bool: 1 };

/**
 * Push the key at `src` as an i64 whose unsigned order is the js order: floats by their bits
 * (negative ones inverted, positive ones with the sign bit set), −0 as +0 (they are equal),
 * every NaN as the largest key (NaNs are equal and last); int32 with the sign bit flipped.
 */
function sortableKey(b: FunctionBuilder, dt: DataDType, src: Local<"i32">): void {
  if (dt === "bool") {
    b.i64.extend_i32_u(() => b.i32.load8_u(src));
    return;
  }
  if (dt === "int32") {
    b.i64.extend_i32_u(() => b.i32.xor(() => b.i32.load(src, { align: 1 }), 0x80000000 | 0));
    return;
  }
  if (dt === "float32") {
    const v = b.newLocal("f32");
    const x = b.newLocal("i32");
    b.local.set(v, () => b.f32.load(src, { align: 1 }));
    b.local.set(x, () => b.i32.reinterpret_f32(() => b.f32.add(v, 0)));
    b.local.set(x, () => b.select(() => b.i32.xor(x, -1), () => b.i32.xor(x, 0x80000000 | 0), () => b.i32.lt_s(x, 0)));
    b.i64.extend_i32_u(() => b.select(() => b.i32.const(-1), x, () => b.f32.ne(v, v)));
    return;
  }
  const v = b.newLocal("f64");
  const x = b.newLocal("i64");
  b.local.set(v, () => b.f64.load(src, { align: 1 }));
  // v + 0 turns −0 into +0 and leaves every other value as it is.
  b.local.set(x, () => b.i64.reinterpret_f64(() => b.f64.add(v, 0)));
  b.local.set(x, () => b.select(() => b.i64.xor(x, -1n), () => b.i64.xor(x, -(2n ** 63n)), () => b.i64.lt_s(x, 0n)));
  b.select(() => b.i64.const(-1n), x, () => b.f64.ne(v, v));
}

/**
 * radix_{dt}(px, outer, n, inner, pk, pi, pk2, pi2, ph, pperm): like sort_{dt} (same
 * permutation: a stable sort by the same order), by least-significant-digit radix sort of the
 * sortable keys, 8 bits a pass (all histograms counted in one read); a pass whose digit is
 * the same for the whole line is skipped.
 */
function addRadix(m: ModuleBuilder, dt: DataDType): string {
  const name = `radix_${SHORT[dt]}`;
  const es = BYTES[dt];
  const params = { px: "i32", outer: "i32", n: "i32", inner: "i32", pk: "i32", pi: "i32", pk2: "i32", pi2: "i32", ph: "i32", pperm: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { px, outer, n, inner, pk, pi, pk2, pi2, ph, pperm }) => {
    const L = locals(b, "o", "j", "i", "src", "stride", "ka", "ia", "kb", "ib", "t", "d", "h", "sum", "cnt");
    const key = b.newLocal("i64", "key");
    const shift = b.newLocal("i64", "shift");
    const k8 = (base: Local<"i32">, i: Local<"i32">) => () => b.i32.add(base, () => b.i32.shl(i, 3));
    const i4 = (base: Local<"i32">, i: Local<"i32">) => () => b.i32.add(base, () => b.i32.shl(i, 2));
    const digitOf = (k: () => void) => () => b.i32.wrap_i64(() => b.i64.and(() => b.i64.shr_u(k, shift), 255n));
    const bucket = (d: () => void) => () => b.i32.add(ph, () => b.i32.shl(d, 2));
    b.local.set(L.stride, () => b.i32.mul(inner, es));
    b.forRange(L.o, 0, outer, () => {
      b.forRange(L.j, 0, inner, () => {
        b.local.set(L.src, () => b.i32.add(px, () => b.i32.mul(() => b.i32.add(() => b.i32.mul(() => b.i32.mul(L.o, n), inner), L.j), es)));
        b.forRange(L.i, 0, n, () => {
          b.local.set(key, () => sortableKey(b, dt, L.src));
          b.i64.store(k8(pk, L.i), key);
          b.i32.store(i4(pi, L.i), L.i);
          b.local.set(L.src, () => b.i32.add(L.src, L.stride));
        });
        b.local.set(L.ka, pk);
        b.local.set(L.ia, pi);
        b.local.set(L.kb, pk2);
        b.local.set(L.ib, pi2);
        // One counting pass for every digit: histogram p (256 i32 counters) at ph + 1024·p.
        const passes = PASSES[dt];
        b.memory.fill(ph, 0, 1024 * passes);
        b.forRange(L.i, 0, n, () => {
          b.local.set(key, () => b.i64.load(k8(pk, L.i)));
          for (let pass = 0; pass < passes; pass++) {
            b.local.set(shift, BigInt(8 * pass));
            b.local.set(L.h, () => b.i32.add(bucket(digitOf(() => b.local.get(key))), 1024 * pass));
            b.i32.store(L.h, () => b.i32.add(() => b.i32.load(L.h), 1));
          }
        });
        for (let pass = 0; pass < passes; pass++) {
          b.local.set(shift, BigInt(8 * pass));
          // Skip the pass when every key has the first key's digit (the order is unchanged).
          b.local.set(L.d, digitOf(() => b.i64.load(L.ka)));
          b.if(() => b.i32.ne(() => b.i32.load(bucket(() => b.local.get(L.d)), { offset: 1024 * pass }), n), () => {
            // Exclusive prefix sums: each bucket's first position.
            b.local.set(L.sum, 0);
            b.forRange(L.h, () => b.i32.add(ph, 1024 * pass), () => b.i32.add(ph, 1024 * (pass + 1)), () => {
              b.local.set(L.cnt, () => b.i32.load(L.h));
              b.i32.store(L.h, L.sum);
              b.local.set(L.sum, () => b.i32.add(L.sum, L.cnt));
            }, 4);
            b.forRange(L.i, 0, n, () => {
              b.local.set(key, () => b.i64.load(k8(L.ka, L.i)));
              b.local.set(L.h, () => b.i32.add(bucket(digitOf(() => b.local.get(key))), 1024 * pass));
              b.local.set(L.t, () => b.i32.load(L.h));
              b.i32.store(L.h, () => b.i32.add(L.t, 1));
              b.i64.store(k8(L.kb, L.t), key);
              b.i32.store(i4(L.ib, L.t), () => b.i32.load(i4(L.ia, L.i)));
            });
            for (const [x, y] of [[L.ka, L.kb], [L.ia, L.ib]] as const) {
              b.local.set(L.t, x);
              b.local.set(x, y);
              b.local.set(y, L.t);
            }
          });
        }
        b.memory.copy(() => b.i32.add(pperm, () => b.i32.shl(() => b.i32.mul(() => b.i32.add(() => b.i32.mul(L.o, inner), L.j), n), 2)), L.ia, () => b.i32.shl(n, 2));
      });
    });
  });
  return name;
}

/** permute{es}(px, pperm, po, outer, n, inner): out[o, i, j] = x[o, perm[o, j, i], j]. */
function addPermute(m: ModuleBuilder, es: 1 | 4 | 8): string {
  const name = `permute${es}`;
  const params = { px: "i32", pperm: "i32", po: "i32", outer: "i32", n: "i32", inner: "i32" } as const;
  m.addFunction(name, { params, export: true }, (b, { px, pperm, po, outer, n, inner }) => {
    const { o, j, i, base, dst, stride } = locals(b, "o", "j", "i", "base", "dst", "stride");
    b.local.set(stride, () => b.i32.mul(inner, es));
    b.forRange(o, 0, outer, () => {
      b.forRange(j, 0, inner, () => {
        b.local.set(base, () => b.i32.add(px, () => b.i32.mul(() => b.i32.add(() => b.i32.mul(() => b.i32.mul(o, n), inner), j), es)));
        b.local.set(dst, () => b.i32.add(po, () => b.i32.mul(() => b.i32.add(() => b.i32.mul(() => b.i32.mul(o, n), inner), j), es)));
        b.forRange(i, 0, n, () => {
          moveElem(b, es, dst, () => b.i32.add(base, () => b.i32.mul(() => b.i32.load(pperm), stride)));
          b.local.set(pperm, () => b.i32.add(pperm, 4));
          b.local.set(dst, () => b.i32.add(dst, stride));
        });
      });
    });
  });
  return name;
}

const fn = lazyModule((m) => [
  ...DATA_DTYPES.flatMap((dt) => [addSort(m, dt), addRadix(m, dt)]),
  ...([1, 4, 8] as const).map((es) => addPermute(m, es)),
]);

/**
 * Lines at least this long are radix-sorted, shorter ones merge-sorted (both give the same
 * permutation). Measured (one f32 line, wasm backend run, medians, µs merge/radix, two
 * runs): 64: 3.4/3.8, 128: 2.9–5.3/4.7–5.1, 256: 5.9–8.7/3.8–7.2, 1024: 21–36/12–21,
 * 4096: 280–317/72.
 */
export const radixFrom = { n: 256 };

const prod = (xs: readonly number[]): number => xs.reduce((p, c) => p * c, 1);

defineWasmKernel("sort", {
  // one sort key only (several keys, as a complex key split in two, run on the js kernel)
  supports: (avals, { num_keys }) =>
    num_keys <= 1 &&
    avals.length > 0 &&
    avals.every((a) => isDataDType(a.dtype)) &&
    avals[0]!.size >= minSize.sort &&
    fitsArena(avals[0]!.size * 44 + avals.reduce((p, a) => p + 2 * a.size * BYTES[a.dtype as DataDType], 0) + 8192),
  run(inputs, avals, { dimension }, _o, outs) {
    countCall("sort");
    const shape = avals[0]!.shape;
    if (prod(shape) === 0) return;
    const n = shape[dimension]!;
    const outer = prod(shape.slice(0, dimension));
    const inner = prod(shape.slice(dimension + 1));
    const a = arena();
    a.reset();
    const px = a.copyIn(inputs[0]!);
    // One spare slot per buffer: the merge may read one key past a run's end.
    const pk = a.reserve((n + 1) * 8);
    const pk2 = a.reserve((n + 1) * 8);
    const pi = a.reserve((n + 1) * 4);
    const pi2 = a.reserve((n + 1) * 4);
    const pperm = a.reserve(outer * inner * n * 4);
    const dt = SHORT[avals[0]!.dtype as DataDType];
    if (n >= radixFrom.n) fn(`radix_${dt}`)(px, outer, n, inner, pk, pi, pk2, pi2, a.reserve(8 * 1024), pperm);
    else fn(`sort_${dt}`)(px, outer, n, inner, pk, pi, pk2, pi2, pperm);
    inputs.forEach((x, k) => {
      const pxk = a.copyIn(x);
      const po = a.reserve(x.byteLength);
      fn(`permute${x.BYTES_PER_ELEMENT}`)(pxk, pperm, po, outer, n, inner);
      a.copyOut(po, outs[k]!);
    });
  },
});
