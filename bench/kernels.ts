// `pnpm bench:kernels [filter]`: the wasm backend's non-elementwise kernels against the js
// backend's, one primitive call at a time at the backend level (operands in host typed
// arrays; the wasm side includes its copies into and out of the arena), over sizes from 16
// to 1e6 elements. Prints median ms per call and js/wasm (above 1: wasm is faster). It is how
// the size thresholds in wasm-backend/scalar.ts (`minSize`) were chosen: the first size where
// wasm wins and keeps winning. The machine is noisy: re-run before trusting a 20% difference.
import { type DType, ShapedArray, type TypedArray } from "@jaxts/core";
import { allocate, abstractEval, type FirstOrderPrim, jsBackend, type ParamsOf, wasmBackend } from "../packages/core/src/internals.js";
import { thresholds } from "../packages/core/src/backend/wasm-backend/kernel-module.js";
import { minSize } from "../packages/core/src/backend/wasm-backend/scalar.js";
import { time } from "./harness.js";

interface KernelCase {
  readonly name: string;
  /** Operands and params for a problem of about `n` elements. */
  readonly make: (n: number) => { prim: FirstOrderPrim; avals: ShapedArray[]; inputs: TypedArray[]; params: unknown };
}

let seed = 1;
const rand = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) | 0;
  return (seed >>> 0) / 2 ** 32;
};
function data(dtype: DType, size: number, ints = 1000): TypedArray {
  const out = allocate(dtype, size);
  for (let i = 0; i < size; i++) out[i] = dtype === "bool" ? (rand() < 0.999 ? 1 : 0) : dtype === "int32" ? Math.floor(rand() * ints) : rand() * 2 - 1;
  return out;
}
const one = <P extends FirstOrderPrim>(prim: P, specs: [number[], DType][], params: ParamsOf<P>, inputs?: TypedArray[]) => {
  const avals = specs.map(([s, d]) => new ShapedArray(s, d));
  return { prim, avals, inputs: inputs ?? avals.map((a) => data(a.dtype, a.size)), params };
};

/** Rows of 64 in about n elements (at least one). */
const rows64 = (n: number): number => Math.max(1, Math.floor(n / 64));

const CASES: KernelCase[] = [
  { name: "gather f32 elements", make: (n) => one("gather", [[[n], "float32"], [[n], "int32"]], { axis: 0 }, [data("float32", n), data("int32", n, n)]) },
  { name: "gather f32 rows of 64", make: (n) => one("gather", [[[rows64(n), 64], "float32"], [[rows64(n)], "int32"]], { axis: 0 }, [data("float32", rows64(n) * 64), data("int32", rows64(n), rows64(n))]) },
  { name: "scatter_add f32 elements", make: (n) => one("scatter_add", [[[n], "float32"], [[n], "int32"], [[n], "float32"]], { axis: 0 }, [data("float32", n), data("int32", n, n), data("float32", n)]) },
  { name: "cumsum f32 last axis", make: (n) => one("cumsum", [[[n], "float32"]], { axis: 0, reverse: false }) },
  { name: "cumsum f32 axis 0 of (n/64, 64)", make: (n) => one("cumsum", [[[rows64(n), 64], "float32"]], { axis: 0, reverse: false }) },
  { name: "sort f32", make: (n) => one("sort", [[[n], "float32"]], { dimension: 0, num_keys: 1 }) },
  { name: "sort i32 + f32 operand", make: (n) => one("sort", [[[n], "int32"], [[n], "float32"]], { dimension: 0, num_keys: 1 }) },
  { name: "iota i32", make: (n) => one("iota", [], { dtype: "int32", shape: [n], dimension: 0 }) },
  { name: "threefry2x32", make: (n) => one("threefry2x32", [[[n], "int32"], [[n], "int32"], [[n], "int32"], [[n], "int32"]], {}) },
  { name: "reduce_sum i32", make: (n) => one("reduce_sum", [[[n], "int32"]], { axes: [0] }) },
  { name: "reduce_prod f32", make: (n) => one("reduce_prod", [[[n], "float32"]], { axes: [0] }) },
  { name: "reduce_max i32 axis 0 of (n/64, 64)", make: (n) => one("reduce_max", [[[rows64(n), 64], "int32"]], { axes: [0] }) },
  { name: "reduce_and bool", make: (n) => one("reduce_and", [[[n], "bool"]], { axes: [0] }) },
  { name: "argmax i32", make: (n) => one("argmax", [[[n], "int32"]], { axes: [0], index_dtype: "int32" }) },
  { name: "dot_general i32 (√n)²", make: (n) => {
    const s = Math.round(Math.sqrt(n));
    return one("dot_general", [[[s, s], "int32"], [[s, s], "int32"]], { dimension_numbers: [[[1], [0]], [[], []]] });
  } },
];

const SIZES = [16, 64, 256, 1024, 4096, 16384, 65536, 1e5 - (1e5 % 64), 2 ** 20];

function timeOn(backend: typeof jsBackend, c: ReturnType<KernelCase["make"]>): number {
  const p = c.prim;
  const params = c.params as ParamsOf<typeof p>;
  const outAvals = abstractEval(p, c.avals, params);
  const outs = outAvals.map((a) => allocate(a.dtype, a.size));
  const size = Math.max(1, ...c.avals.map((a) => a.size), ...outAvals.map((a) => a.size));
  const repeat = Math.max(1, Math.floor(20000 / size));
  const { timing } = time(() => {
    for (let r = 0; r < repeat; r++) backend.run(p, c.inputs, c.avals, params, outAvals, outs);
    return outs;
  });
  return timing.median / repeat;
}

const filters = process.argv.slice(2).map((f) => f.toLowerCase());
Object.assign(thresholds, { arithmetic: 0, transcendental: 0, reduction: 0 });
for (const k of Object.keys(minSize) as (keyof typeof minSize)[]) minSize[k] = 0;
for (const kc of CASES.filter((c) => filters.length === 0 || filters.some((f) => c.name.toLowerCase().includes(f)))) {
  const rows: string[] = [];
  for (const n of SIZES) {
    const c = kc.make(n);
    if (!wasmBackend.supports(c.prim, c.avals, c.params as never)) {
      rows.push(`${String(n).padStart(8)}  wasm declines`);
      continue;
    }
    const js = timeOn(jsBackend, c);
    const wasm = timeOn(wasmBackend, c);
    rows.push(`${String(n).padStart(8)}  js ${js.toFixed(4).padStart(9)} ms  wasm ${wasm.toFixed(4).padStart(9)} ms  js/wasm ${(js / wasm).toFixed(2).padStart(6)}`);
  }
  console.log(`${kc.name}\n${rows.join("\n")}`);
}
