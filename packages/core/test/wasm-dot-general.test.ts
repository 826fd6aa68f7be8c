// The wasm dot_general kernel (packed SIMD matmul): every form the library emits — matmul,
// dot, einsum, lax.dotGeneral with batch and contracting dims anywhere, the transposed forms
// of backward passes — equals the js backend within f32/f64 accumulation rounding, exactly
// for small integers, and the kernel really runs (its call counter moves).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { config, type DType, lax, type NDArray, np, ShapedArray, wasmBackend } from "@jaxts/core";
import { grad, jit } from "@jaxts/transforms";
import { arena } from "../src/backend/wasm-backend/arena.js";
import { dotGeneralWasmStats } from "../src/backend/wasm-backend/dot-general.js";
import { randomArray } from "./helpers/wasm.js";

type DimNums = readonly [readonly [readonly number[], readonly number[]], readonly [readonly number[], readonly number[]]];

const SIZES = [1, 3, 4, 7, 8, 9, 17, 64, 257];
const EPS: Record<"float32" | "float64", number> = { float32: 2 ** -23, float64: 2 ** -52 };


const onJs = <T>(f: () => T): T => {
  const before = config.get().backend;
  config.set({ backend: "js" });
  try {
    return f();
  } finally {
    config.set({ backend: before });
  }
};

/** Runs `f` on wasm, checks that the dot_general kernel ran `calls` times, and returns the
 * result with the js backend's result and the bound Σ|a||b| (computed on js in float64). */
function onBoth(f: (a: NDArray, b: NDArray) => NDArray, a: NDArray, b: NDArray, calls = 1): { got: NDArray; want: NDArray; scale: NDArray } {
  config.set({ backend: "wasm" });
  const before = dotGeneralWasmStats.calls;
  const got = f(a, b);
  got.toTypedArray();
  expect(dotGeneralWasmStats.calls - before, "wasm dot_general calls").toBe(calls);
  const want = onJs(() => f(a, b));
  const scale = onJs(() => f(np.abs(a.astype("float64")), np.abs(b.astype("float64"))));
  return { got, want, scale };
}

/** |got - want| ≤ 2·K·eps·Σ|a||b| elementwise (the accumulation error of a K-term dot). */
function expectWithinRounding(got: NDArray, want: NDArray, scale: NDArray, K: number): void {
  expect(got.shape).toEqual(want.shape);
  expect(got.dtype).toBe(want.dtype);
  const g = got.toTypedArray();
  const w = want.toTypedArray();
  const s = scale.toTypedArray();
  const eps = EPS[got.dtype as "float32" | "float64"];
  const bad: string[] = [];
  for (let i = 0; i < g.length; i++) {
    const tol = 2 * Math.max(K, 1) * eps * s[i]! + Number.MIN_VALUE;
    if (!(Math.abs(g[i]! - w[i]!) <= tol) && bad.length < 5) bad.push(`[${i}] ${g[i]} vs ${w[i]} (tol ${tol})`);
  }
  expect(bad).toEqual([]);
}

function checkDot(f: (a: NDArray, b: NDArray) => NDArray, aShape: readonly number[], bShape: readonly number[], K: number, dtype: DType, calls = 1): void {
  const a = randomArray(aShape, dtype, 11 + aShape.length);
  const b = randomArray(bShape, dtype, 23 + bShape.length);
  const { got, want, scale } = onBoth(f, a, b, calls);
  expectWithinRounding(got, want, scale, K);
}

beforeAll(() => {
  // Every size goes to the kernel here, also those below the js/wasm crossover.
  dotGeneralWasmStats.minMacs = 0;
});
afterAll(() => {
  dotGeneralWasmStats.minMacs = DEFAULT_MIN_MACS;
});
afterEach(() => config.set({ backend: "js" }));
const DEFAULT_MIN_MACS = dotGeneralWasmStats.minMacs;
const DEFAULT_PARALLEL_MIN_MACS = dotGeneralWasmStats.parallelMinMacs;

/** Runs `body` on views of a fresh arena region (as a compiled program's values are: below
 * every kernel's scratch) of `sizes` elements each, and returns copies of them afterwards
 * (read through new views: a grow may have replaced the buffer). */
function inArena(dtype: "float32" | "float64", sizes: readonly number[], body: (views: (Float32Array | Float64Array)[]) => void): (Float32Array | Float64Array)[] {
  const elem = dtype === "float32" ? 4 : 8;
  const bytes = sizes.map((n) => Math.ceil((n * elem) / 16) * 16);
  const mem = arena();
  const at = mem.enter(bytes.reduce((p, x) => p + x, 0));
  const offsets = bytes.map((_, i) => at + bytes.slice(0, i).reduce((p, x) => p + x, 0));
  const views = () => sizes.map((n, i) => (dtype === "float32" ? new Float32Array(mem.memory.buffer, offsets[i]!, n) : new Float64Array(mem.memory.buffer, offsets[i]!, n)));
  try {
    body(views());
    return views().map((v) => v.slice());
  } finally {
    mem.leave(at);
  }
}

describe("wasm dot_general equals the js backend", () => {
  it("np.matmul of every M, K, N in {1, 3, 4, 7, 8, 9, 17, 64} (f32) is within accumulation rounding", () => {
    const small = SIZES.slice(0, -1);
    for (const m of small) for (const k of small) for (const n of small) checkDot(np.matmul, [m, k], [k, n], k, "float32");
  });

  it("np.matmul with one dimension of 257 (past the K block and the row block) is within rounding, f32 and f64", () => {
    for (const dtype of ["float32", "float64"] as const) {
      for (const x of [1, 7, 17, 64]) {
        checkDot(np.matmul, [257, x], [x, 9], x, dtype);
        checkDot(np.matmul, [9, 257], [257, x], 257, dtype);
        checkDot(np.matmul, [x, 17], [17, 257], 17, dtype);
      }
    }
    checkDot(np.matmul, [257, 257], [257, 257], 257, "float32");
  });

  it("f64 np.matmul of every M, K, N in {1, 3, 4, 7, 8, 9, 17} is within f64 rounding", () => {
    const small = SIZES.slice(0, 7);
    for (const m of small) for (const k of small) for (const n of small) checkDot(np.matmul, [m, k], [k, n], k, "float64");
  });

  it("small-integer operands give exactly the js result (every partial sum is exact)", () => {
    for (const dtype of ["float32", "float64"] as const) {
      for (const [m, k, n] of [[7, 9, 17], [64, 257, 3], [9, 300, 64], [1, 1, 1]] as const) {
        const a = randomArray([m, k], dtype, 5, true);
        const b = randomArray([k, n], dtype, 6, true);
        config.set({ backend: "wasm" });
        const got = np.matmul(a, b).toTypedArray();
        const want = onJs(() => np.matmul(a, b).toTypedArray());
        expect(got).toEqual(want);
      }
    }
  });

  it("batched np.matmul (with numpy broadcasting of the batch dims) runs one kernel call per product", () => {
    for (const dtype of ["float32", "float64"] as const) {
      checkDot(np.matmul, [3, 7, 9], [3, 9, 17], 9, dtype);
      checkDot(np.matmul, [2, 3, 8, 4], [1, 3, 4, 5], 4, dtype);
      checkDot(np.matmul, [5, 17, 64], [64, 3], 64, dtype);
    }
  });

  it("lax.dotGeneral: A·Bᵀ, Aᵀ·B, Aᵀ·Bᵀ, batch and contracting dims in any position, several free and contracting dims", () => {
    const cases: [readonly number[], readonly number[], DimNums, number][] = [
      [[9, 17], [8, 17], [[[1], [1]], [[], []]], 17], // A·Bᵀ
      [[17, 9], [17, 8], [[[0], [0]], [[], []]], 17], // Aᵀ·B
      [[17, 9], [8, 17], [[[0], [1]], [[], []]], 17], // Aᵀ·Bᵀ
      [[64, 65], [64, 33], [[[0], [0]], [[], []]], 64],
      [[4, 7, 9], [4, 9, 3], [[[2], [1]], [[0], [0]]], 9], // batch first
      [[7, 4, 9], [9, 3, 4], [[[2], [0]], [[1], [2]]], 9], // batch in the middle / last
      [[2, 7, 3, 9], [3, 9, 2, 5], [[[3], [1]], [[0, 2], [2, 0]]], 9], // two batch dims, swapped order
      [[5, 6, 7], [7, 2, 3], [[[2], [0]], [[], []]], 7], // several free dims on each side
      [[3, 5, 7], [7, 4, 5], [[[1, 2], [2, 0]], [[], []]], 35], // two contracting dims, permuted
      [[5, 3, 7], [7, 2], [[[2], [0]], [[], []]], 7],
      [[6, 5], [4, 3], [[[], []], [[], []]], 1], // no contracting dim: an outer product
    ];
    for (const dtype of ["float32", "float64"] as const) {
      for (const [as, bs, dims, K] of cases) checkDot((a, b) => lax.dotGeneral(a, b, dims), as, bs, K, dtype);
    }
  });

  it("thin products (N the small side: computed as Cᵀ = Bᵀ·Aᵀ to pad less) equal js, with batch and permuted dims", () => {
    for (const dtype of ["float32", "float64"] as const) {
      checkDot(np.matmul, [257, 64], [64, 1], 64, dtype);
      checkDot(np.matmul, [3, 65, 17], [3, 17, 2], 17, dtype);
      checkDot((a, b) => lax.dotGeneral(a, b, [[[0], [2]], [[2], [0]]]), [17, 33, 3], [3, 2, 17], 17, dtype);
      checkDot((a, b) => lax.dotGeneral(a, b, [[[1], [0]], [[], []]]), [9, 300], [300], 300, dtype);
    }
  });

  it("np.dot and einsum (matrix·vector, vector·vector, batched contractions, outer products)", () => {
    checkDot(np.dot, [17, 9], [9], 9, "float32");
    checkDot(np.dot, [9], [9, 17], 9, "float32");
    checkDot(np.dot, [64], [64], 64, "float64");
    checkDot(np.dot, [3, 4, 9], [9, 5], 9, "float32");
    checkDot((a, b) => np.einsum("ij,jk->ik", a, b), [7, 9], [9, 8], 9, "float32");
    checkDot((a, b) => np.einsum("bij,bkj->bik", a, b), [3, 7, 9], [3, 8, 9], 9, "float32");
    checkDot((a, b) => np.einsum("ji,jk->ik", a, b), [17, 7], [17, 8], 17, "float64");
    checkDot((a, b) => np.einsum("i,j->ij", a, b), [7], [9], 1, "float32");
  });

  it("0-size dims give the js result (empty, or zeros when K is 0) and do not reach the kernel", () => {
    for (const [as, bs] of [[[0, 5], [5, 3]], [[4, 0], [0, 3]], [[4, 5], [5, 0]], [[0, 4, 5], [0, 5, 3]]] as const) {
      config.set({ backend: "wasm" });
      const before = dotGeneralWasmStats.calls;
      const got = np.matmul(randomArray(as, "float32", 1), randomArray(bs, "float32", 2));
      expect(dotGeneralWasmStats.calls).toBe(before);
      const want = onJs(() => np.matmul(randomArray(as, "float32", 1), randomArray(bs, "float32", 2)));
      expect(got.shape).toEqual(want.shape);
      expect(got.toTypedArray()).toEqual(want.toTypedArray());
    }
  });

  it("the gradient of a matmul loss (the A·Bᵀ and Aᵀ·B forms) equals js", () => {
    const loss = (w: NDArray, x: NDArray): NDArray => np.sum(np.tanh(np.matmul(x, w)));
    for (const [n, k, m] of [[17, 9, 8], [64, 33, 65]] as const) {
      const w = randomArray([k, m], "float32", 3);
      const x = randomArray([n, k], "float32", 4);
      config.set({ backend: "wasm" });
      const before = dotGeneralWasmStats.calls;
      const [gw, gx] = grad(loss, { argnums: [0, 1] })(w, x) as [NDArray, NDArray];
      expect(dotGeneralWasmStats.calls - before).toBeGreaterThanOrEqual(3);
      const [rw, rx] = onJs(() => grad(loss, { argnums: [0, 1] })(w, x) as [NDArray, NDArray]);
      // |dL/dW| ≤ Σ|x||dtanh| ≤ n·max|x|; allow accumulation rounding of n (resp. m) terms.
      const close = (g: NDArray, r: NDArray, terms: number) => {
        const a = g.toTypedArray();
        const b = r.toTypedArray();
        for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(4 * terms * terms * EPS.float32);
      };
      close(gw, rw, n);
      close(gx, rx, m);
    }
  });
});

describe("the wasm dot_general kernel", () => {
  it("writes every element of a reused output buffer, twice, with the right results", () => {
    const la = new ShapedArray([9, 17], "float32", false);
    const ra = new ShapedArray([17, 7], "float32", false);
    const outAval = new ShapedArray([9, 7], "float32", false);
    const params = { dimension_numbers: [[[1], [0]], [[], []]] } as const;
    const out = new Float32Array(9 * 7).fill(Number.NaN);
    for (const seed of [1, 2]) {
      const a = randomArray([9, 17], "float32", seed, true);
      const b = randomArray([17, 7], "float32", seed + 10, true);
      wasmBackend.run("dot_general", [a.toTypedArray(), b.toTypedArray()], [la, ra], params, [outAval], [out]);
      expect(out).toEqual(onJs(() => np.matmul(a, b).toTypedArray()));
    }
  });

  it("reads operands and writes C in place when they are arena values (a compiled program's), giving exactly the js result, split or not", () => {
    const batched = { dimension_numbers: [[[2], [1]], [[0], [0]]] } as const;
    // [batch, M, K, N]: C in place when M is a multiple of 4 and N of the panel width (8 f32,
    // 4 f64); otherwise the operands are read in place and C goes through scratch.
    const cases: [readonly [number, number, number, number], "float32" | "float64"][] = [
      [[1, 8, 16, 8], "float32"],
      [[2, 8, 5, 16], "float32"],
      [[1, 4, 9, 4], "float64"],
      [[1, 9, 17, 7], "float32"],
      [[3, 12, 33, 8], "float64"],
    ];
    for (const parallelMinMacs of [2 ** 40, 0]) {
      dotGeneralWasmStats.parallelMinMacs = parallelMinMacs;
      for (const [[batch, m, k, n], dtype] of cases) {
        const a = randomArray([batch, m, k], dtype, m + k, true);
        const b = randomArray([batch, k, n], dtype, k + n, true);
        const want = onJs(() => np.matmul(a, b).toTypedArray());
        const avals = [new ShapedArray([batch, m, k], dtype, false), new ShapedArray([batch, k, n], dtype, false)];
        const got = inArena(dtype, [a.size, b.size, batch * m * n], ([va, vb, vc]) => {
          va!.set(a.toTypedArray() as never);
          vb!.set(b.toTypedArray() as never);
          vc!.fill(Number.NaN);
          const before = dotGeneralWasmStats.inPlace;
          wasmBackend.run("dot_general", [va!, vb!], avals, batched, [new ShapedArray([batch, m, n], dtype, false)], [vc!]);
          expect(dotGeneralWasmStats.inPlace - before).toBe(1);
        })[2]!;
        expect(got, `${[batch, m, k, n]} ${dtype} parallelMinMacs ${parallelMinMacs}`).toEqual(want);
      }
    }
    dotGeneralWasmStats.parallelMinMacs = DEFAULT_PARALLEL_MIN_MACS;
  });

  it("an arena result that overlaps an operand (C written over A's bytes) is still exactly the js result, split over threads or not", () => {
    // C [64, 16] starts where A [64, 4] does: the first 32 rows of C cover all of A, so a
    // split whose later chunk packed its rows of A after an earlier chunk wrote C would read C.
    const mm = { dimension_numbers: [[[1], [0]], [[], []]] } as const;
    const a = randomArray([64, 4], "float32", 3, true);
    const b = randomArray([4, 16], "float32", 4, true);
    const want = onJs(() => np.matmul(a, b).toTypedArray());
    const avals = [new ShapedArray([64, 4], "float32", false), new ShapedArray([4, 16], "float32", false)];
    const threads = config.get().threads;
    try {
      for (const n of [1, 2]) {
        config.set({ threads: n });
        dotGeneralWasmStats.parallelMinMacs = 0;
        const [got] = inArena("float32", [64 * 16, 64], ([vc, vb]) => {
          const va = vc!.subarray(0, 64 * 4);
          va.set(a.toTypedArray() as never);
          vb!.set(b.toTypedArray() as never);
          wasmBackend.run("dot_general", [va, vb!], avals, mm, [new ShapedArray([64, 16], "float32", false)], [vc!]);
        });
        expect(got, `${n} threads`).toEqual(want);
      }
    } finally {
      config.set({ threads });
      dotGeneralWasmStats.parallelMinMacs = DEFAULT_PARALLEL_MIN_MACS;
    }
  });

  it("inside jit (operands and results resident in the arena) the forward and both transposed forms equal the js result exactly", () => {
    // Small integers keep every partial sum exact in f32 (all below 2^24).
    const f = (x: NDArray, w1: NDArray, w2: NDArray): NDArray[] => {
      const h = np.maximum(np.matmul(x, w1), 0);
      const y = np.matmul(h, w2);
      return [y, lax.dotGeneral(h, y, [[[0], [0]], [[], []]]), lax.dotGeneral(y, w2, [[[1], [1]], [[], []]])];
    };
    const x = randomArray([16, 12], "float32", 1, true);
    const w1 = randomArray([12, 8], "float32", 2, true);
    const w2 = randomArray([8, 24], "float32", 3, true);
    const want = onJs(() => f(x, w1, w2).map((r) => r.toTypedArray()));
    config.set({ backend: "wasm" });
    const g = jit(f);
    const before = dotGeneralWasmStats.inPlace;
    for (let i = 0; i < 4; i++) expect(g(x, w1, w2).map((r) => r.toTypedArray())).toEqual(want);
    expect(dotGeneralWasmStats.inPlace).toBeGreaterThan(before);
  });

  it("a compiled program whose products share an operand gives the js result at every call, with new values each call, also when one operand feeds more products than the per-operand plans kept", () => {
    // A feeds five distinct products (more than PLANS_PER_AVAL), with N = 20, 12 and 28
    // padded to whole panels (rows copied out of padded C); small integers keep every sum
    // exact.
    const f = (a: NDArray, x: NDArray, y: NDArray, z: NDArray): NDArray[] => [
      np.matmul(a, x),
      np.matmul(a, y),
      lax.dotGeneral(a, z, [[[0], [0]], [[], []]]),
      np.matmul(a, np.matmul(a, x)),
      lax.dotGeneral(a, x, [[[0], [0]], [[], []]]).mul(2),
    ];
    const g = jit(f);
    for (let call = 0; call < 5; call++) {
      const args = [randomArray([24, 24], "float32", 40 + call, true), randomArray([24, 20], "float32", 50 + call, true), randomArray([24, 12], "float32", 60 + call, true), randomArray([24, 28], "float32", 70 + call, true)] as const;
      const want = onJs(() => f(...args).map((r) => r.toTypedArray()));
      config.set({ backend: "wasm" });
      const before = dotGeneralWasmStats.calls;
      expect(g(...args).map((r) => r.toTypedArray())).toEqual(want);
      expect(dotGeneralWasmStats.calls - before).toBe(5);
    }
  });

  it("writes zeros into a reused buffer when K is 0", () => {
    const out = new Float64Array(12).fill(7);
    const la = new ShapedArray([4, 0], "float64", false);
    const ra = new ShapedArray([0, 3], "float64", false);
    wasmBackend.run("dot_general", [new Float64Array(0), new Float64Array(0)], [la, ra], { dimension_numbers: [[[1], [0]], [[], []]] }, [new ShapedArray([4, 3], "float64", false)], [out]);
    expect([...out]).toEqual(new Array(12).fill(0));
  });

  it("is chosen for float matmuls above the js/wasm crossover (ints by dot-int.ts) and declines tiny sizes and products too big for the arena", () => {
    dotGeneralWasmStats.minMacs = DEFAULT_MIN_MACS;
    try {
      const mm = { dimension_numbers: [[[1], [0]], [[], []]] } as const;
      const avals = (m: number, k: number, n: number, dtype: DType) => [new ShapedArray([m, k], dtype, false), new ShapedArray([k, n], dtype, false)];
      expect(wasmBackend.supports("dot_general", avals(64, 64, 64, "float32"), mm)).toBe(true);
      expect(wasmBackend.supports("dot_general", avals(64, 64, 64, "float64"), mm)).toBe(true);
      expect(wasmBackend.supports("dot_general", avals(64, 64, 64, "int32"), mm)).toBe(true);
      expect(wasmBackend.supports("dot_general", avals(16, 16, 16, "float32"), mm)).toBe(true);
      expect(wasmBackend.supports("dot_general", avals(2, 3, 2, "float32"), mm)).toBe(false);
      // A 2×2 output pads to a whole 4×8 tile: js is faster whatever K.
      expect(wasmBackend.supports("dot_general", avals(2, 512, 2, "float32"), mm)).toBe(false);
      expect(wasmBackend.supports("dot_general", avals(0, 64, 64, "float32"), mm)).toBe(false);
      // Operands beyond what the arena can hold (2 GiB at most) stay on js.
      expect(wasmBackend.supports("dot_general", avals(32768, 16384, 8, "float32"), mm)).toBe(false);
      expect(wasmBackend.supports("dot_general", avals(4096, 4096, 8, "float32"), mm)).toBe(true);
      config.set({ backend: "wasm" });
      const before = dotGeneralWasmStats.calls;
      np.matmul(randomArray([64, 64], "float32", 1), randomArray([64, 64], "float32", 2));
      np.matmul(randomArray([2, 3], "float32", 1), randomArray([3, 2], "float32", 2));
      np.matmul(randomArray([64, 64], "int32", 1, true), randomArray([64, 64], "int32", 2, true));
      // The float kernel's counter: the int32 product ran dot-int.ts's kernel instead.
      expect(dotGeneralWasmStats.calls - before).toBe(1);
    } finally {
      dotGeneralWasmStats.minMacs = 0;
    }
  });
});
