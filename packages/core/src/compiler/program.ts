// A compiled program on the wasm backend: the fusion plan's steps turned, once, into a list
// of instructions over a buffer plan. Every value of the jaxpr gets a home decided at compile
// time:
//
// - an arena slot: a byte range of the program's region of the wasm arena
//   (backend/wasm-backend/arena.ts `enter`). Every value a fused kernel reads or writes lives
//   there, so fused kernels run on byte offsets with nothing copied; so does every other
//   intermediate, written by its kernel through a typed view of its slot. Slots are planned
//   by liveness: a slot is reused once its value is dead, and a fused kernel writes its
//   result over an operand that dies with it (same offset, same step size: each SIMD step
//   reads its operands before it writes). The region is planned once; per call nothing is
//   allocated for intermediates.
// - the host: program inputs (their own buffers), literals (constants), values a
//   higher-order primitive returned, and program outputs that no fused kernel touches
//   (written by their kernel straight into a fresh array).
//
// Outputs in the arena are copied into fresh arrays at the end: a call's results never alias
// the arena, the inputs' buffers are only read, and a later call cannot change an earlier
// call's results. A pure re-view (reshape, …) shares its operand's home: it costs nothing.
import { ConcreteArray, bufferOf, type NDArray } from "../array.js";
import { sameShape, type ShapedArray } from "../aval.js";
import { type Backend, type BackendBuffer, type FirstOrderPrim, isPureReview } from "../backend/backend.js";
import { jsBackend } from "../backend/js/index.js";
import { exprOf, scalarType } from "../backend/scalar/primitives.js";
import { type JsElementwise, jsElementwise, jsElementwiseRoots } from "../backend/scalar/js.js";
import { arity, children, type Expr } from "../backend/scalar/expr.js";
import { type ElementwiseKernel, partialBytes, ROW_SUM_BYTES, STEP_BYTES, SUM_BLOCK, wasmFused } from "../backend/scalar/wasm.js";
import { arena } from "../backend/wasm-backend/arena.js";
import { epilogueFits, withDotEpilogue } from "../backend/wasm-backend/dot-general.js";
import { PARALLEL_STEPS } from "../backend/wasm-backend/elementwise.js";
import { type Drain, parallelFor, threadCount } from "../backend/wasm-backend/threads/pool.js";
import { allocate, allocateForOverwrite, isComplex, itemSize, type TypedArray, typedView } from "../dtype.js";
import { literalArray } from "../ir/eval.js";
import { type Atom, type Eqn, type Jaxpr, Literal } from "../ir/jaxpr.js";
import { type HigherOrderPrim, higherOrderPrims } from "../primitives/misc.js";
import { isElementwisePrim } from "../primitives/elementwise.js";
import type { ParamsOf } from "../primitives/params.js";
import { bind } from "../trace/core.js";
import { numberKey } from "../format.js";
import { type Alloc, type BufferProgram, ReusedBuffers, runCall, runCond, runScan, runWhile, type SubProgram } from "./control.js";
import { type FusedGroup, indexedInput, type Step } from "./fusion.js";

/** What a program's buffer plan came to (for `lower().asText()` and tests). */
export interface PlanSummary {
  /** Bytes of the program's arena region (every slot, after reuse). */
  readonly arenaBytes: number;
  /** Bytes the arena-resident values would take without reuse. */
  readonly valueBytes: number;
  /** How many values live in the arena. */
  readonly arenaValues: number;
  /** Fused kernels that write a result over a dying operand. */
  readonly inPlace: number;
}

export interface Program extends BufferProgram {
  readonly plan: PlanSummary;
  run(args: readonly NDArray[]): NDArray[];
  /** Whether fused step `k` splits across the worker pool (it may once its kernel is built). */
  threaded(step: Step): boolean;
  /** Whether a fused step runs as the epilogue of the product before it (inside the product's
   * threads, over each chunk of rows as it is finished) where that product's layout allows. */
  epilogue(step: Step): boolean;
}

/** The run-time state of one call: each value's buffer (an arena view or a host array). */
interface Frame {
  readonly vals: TypedArray[];
  /** Byte offset of the program's region in the arena. */
  base: number;
  /** The memory buffer the arena views are over (a grow replaces it). */
  buffer: ArrayBufferLike;
  /** For each one-element value in the arena, a view of its slot's first four elements
   * (fused kernels read a rank-0 operand as a whole SIMD step: lanes 1–3 repeat lane 0). */
  readonly lanes: (TypedArray | undefined)[];
  /** The step whose kernel already ran as the epilogue of a product, or −1. */
  done: number;
  /** The caller's buffers for this call's results (a loop's next carry, a scan's row of ys). */
  into: readonly TypedArray[] | undefined;
  /** Whether this call's results go into fresh buffers (no `into`): a threaded fused kernel
   * then copies each result it makes into one chunk by chunk, as the chunks finish. */
  draining: boolean;
  /** Per value: the fresh buffer a threaded fused kernel has already copied it into (set
   * during a call, taken by the call's results). */
  readonly sinks: (TypedArray | undefined)[];
}

type Instr = (f: Frame) => void;

const stepBytes = (aval: ShapedArray): number => STEP_BYTES[scalarType(aval.dtype)];
/** A slot's bytes: whole SIMD steps (fused kernels read and write whole steps), at least one
 * step of four f64 (a rank-0 value is splatted over a step before a fused kernel reads it). */
const slotBytes = (aval: ShapedArray): number => Math.max((Math.ceil(aval.size / 4) * stepBytes(aval) + 15) & ~15, 32);


/**
 * The structure of a fused kernel as a string: its expression DAG (each distinct node once,
 * operands by number, so sharing is part of the key), which nodes are rounded as stored, its
 * roots and its operand types. Two groups with the same key compile to the same module.
 */
function kernelKey(g: FusedGroup): string {
  const ids = new Map<Expr, number>();
  const parts: string[] = [];
  const rounded = new Set(g.members);
  const visit = (e: Expr): number => {
    let id = ids.get(e);
    if (id !== undefined) return id;
    const kids = children(e).map(visit);
    let own: string;
    switch (e.k) {
      case "arg":
        own = `a${e.index}`;
        break;
      case "const":
        own = `c${numberKey(e.value)}`;
        break;
      case "select":
        own = "s";
        break;
      case "convert":
        own = `v${e.mode}`;
        break;
      case "call":
      case "call2":
        own = e.fn;
        break;
      default:
        own = e.op;
    }
    id = ids.size;
    ids.set(e, id);
    parts.push(`${own}:${e.t}${rounded.has(e) ? "!" : ""}(${kids.join(",")})`);
    return id;
  };
  const roots = g.roots.map(visit);
  const sums = g.sums.map((x) => `${x.op}${visit(x.of)}`);
  for (const m of g.members) visit(m);
  const read = (k: number): string => (g.strided[k] === undefined ? "" : `/[${g.shape.join(",")}]@${g.strided[k]!.strides.join(",")}`);
  return `${g.inputs.map((v, k) => `${v.aval.dtype}/${g.periods[k]}/${g.repeats[k]}${read(k)}`).join(",")}|${roots.join(",")}|${sums.join(",")}/${g.sumKind?.mode}:${g.sumKind?.steps}:${g.sumKind?.cols}:${g.sumKind?.rowLength}:${g.sumKind?.kept}|${parts.join(";")}`;
}

/** Fused kernels by structure: a body traced afresh on every call (eager control flow) fuses
 * to the same kernels, which are then assembled and compiled once. */
const fusedKernels = new Map<string, ElementwiseKernel>();
/** Kernels kept for programs still to be compiled; a program holds its own kernels, so an
 * evicted one lives on in the programs that use it (a process whose shapes keep changing
 * keeps the cache, not every kernel it ever built). */
const FUSED_KERNELS = 1024;
let fusedKernelsBuilt = 0;
/** How many fused kernels have been built so far (tests: a cache hit builds none). */
export const fusedKernelCount = (): number => fusedKernelsBuilt;
/** How many the cache holds now (at most FUSED_KERNELS). */
export const fusedKernelsCached = (): number => fusedKernels.size;

/** Inputs smaller than this are always copied in (keeping track costs more than the copy). */
const RESIDENT_INPUT_MIN_BYTES = 1 << 16;
/** Counts for tests: calls of compiled programs (a loop body's iterations and a nested
 * program's calls included), inputs a call found still in their slots from the call before,
 * and results returned in the buffer a threaded kernel copied them into as its chunks finished. */
export const programStats = { calls: 0, residentInputs: 0, drainedResults: 0 };
/**
 * A number per input buffer a program has kept, so a later call can tell whether it is given
 * the same buffer without holding it. Not a `WeakRef`: making or dereferencing one keeps its
 * target alive until the current job ends, so a synchronous loop calling a program on fresh
 * arrays would keep every one of them (1 MB per call measured: 1.9 GB after 1,750 calls).
 * A WeakMap holds neither its keys nor, past them, its values.
 */
const residentIds = new WeakMap<TypedArray, number>();
let lastResidentId = 0;
function bufferId(data: TypedArray): number {
  const known = residentIds.get(data);
  if (known !== undefined) return known;
  residentIds.set(data, ++lastResidentId);
  return lastResidentId;
}
function fusedKernel(g: FusedGroup): ElementwiseKernel {
  const key = kernelKey(g);
  let k = fusedKernels.get(key);
  if (k !== undefined) {
    // (most recently used last: the oldest entry goes first when the cache is full)
    fusedKernels.delete(key);
    fusedKernels.set(key, k);
    return k;
  }
  const strided = g.strided.map((st) => (st === undefined ? undefined : { shape: g.shape, strides: st.strides }));
  k = wasmFused(g.roots, g.inputs.map((v) => scalarType(v.aval.dtype)), arena().memory, {
    rounded: g.members,
    sums: g.sums,
    periods: g.periods,
    sumSteps: g.sumKind?.steps ?? SUM_BLOCK,
    colSteps: g.sumKind?.cols ?? 0,
    repeats: g.repeats,
    strided,
    rowLength: g.sumKind?.rowLength ?? 0,
  });
  fusedKernelsBuilt++;
  fusedKernels.set(key, k);
  if (fusedKernels.size > FUSED_KERNELS) fusedKernels.delete(fusedKernels.keys().next().value!);
  return k;
}

/**
 * The max (min) of a fused kernel's partials of blocks [from, to) (partialBytes: per block, 4
 * lane values, then the step at which each last changed), as the sequential js fold gives it:
 * NaN if any lane saw one; else the best lane value; a zero result takes the sign of the first
 * zero: of the lanes whose value is a zero (each took it at its first zero), the earliest by
 * block, then step, then lane (element 4·step + lane of the block).
 */
function foldPartials(op: "max" | "min", v: Float64Array, from: number, to: number): number {
  const per = partialBytes(op) / 8;
  let best = op === "max" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  let nan = false;
  let zero = 0;
  let zeroAt = Number.POSITIVE_INFINITY;
  for (let k = from; k < to; k += per) {
    let firstHere = Number.POSITIVE_INFINITY;
    for (let l = 0; l < 4; l++) {
      const x = v[k + l]!;
      if (Number.isNaN(x)) nan = true;
      else if (op === "max" ? x > best : x < best) best = x;
      const at = v[k + 4 + l]!;
      if (x === 0 && zeroAt === Number.POSITIVE_INFINITY && 4 * at + l < firstHere) {
        firstHere = 4 * at + l;
        zero = x;
      }
    }
    if (firstHere !== Number.POSITIVE_INFINITY) zeroAt = firstHere;
  }
  if (nan) return Number.NaN;
  return best === 0 ? zero : best;
}

/** `data` (a view of the arena) copied into a host buffer of its own, made where every
 * array buffer is made (allocateForOverwrite: off memcpy's slow offsets, see dtype.ts). */
function hostCopy(aval: ShapedArray, data: TypedArray): TypedArray {
  const own = allocateForOverwrite(aval.dtype, aval.size);
  own.set(data as never);
  return own;
}

/** First-fit allocation of byte ranges in the region, with freed ranges merged. */
class SlotAllocator {
  top = 0;
  readonly #free: { at: number; bytes: number }[] = [];
  alloc(bytes: number): number {
    let best = -1;
    for (let i = 0; i < this.#free.length; i++) {
      const b = this.#free[i]!;
      if (b.bytes >= bytes && (best < 0 || b.bytes < this.#free[best]!.bytes)) best = i;
    }
    if (best < 0) {
      const at = this.top;
      this.top += bytes;
      return at;
    }
    const b = this.#free[best]!;
    const at = b.at;
    if (b.bytes === bytes) this.#free.splice(best, 1);
    else this.#free[best] = { at: at + bytes, bytes: b.bytes - bytes };
    return at;
  }
  free(at: number, bytes: number): void {
    this.#free.push({ at, bytes });
    this.#free.sort((a, b) => a.at - b.at);
    for (let i = this.#free.length - 1; i > 0; i--) {
      const prev = this.#free[i - 1]!;
      const cur = this.#free[i]!;
      if (prev.at + prev.bytes === cur.at) {
        this.#free.splice(i, 1);
        this.#free[i - 1] = { at: prev.at, bytes: prev.bytes + cur.bytes };
      }
    }
  }
}

/** Fused groups of at most this many elements and equations (and no sums) run as js loops:
 * measured, a group of two scalar equations runs 5–10% faster so (a loop body's update), and
 * a long scalar chain twice as slow (a third derivative: a wasm call amortises). */
const JS_GROUP_MAX = 4;
const JS_GROUP_EQNS = 6;

/** The js loop of a small elementwise equation on plain dtypes (not complex or half, which
 * the js backend widens or splits first), or undefined for anything else. */
function directJsLoop<P extends FirstOrderPrim>(prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>, outAvals: readonly ShapedArray[]): JsElementwise | undefined {
  if (!isElementwisePrim(prim) || outAvals.length !== 1 || outAvals[0]!.size > JS_GROUP_MAX) return undefined;
  const plain = (a: ShapedArray): boolean => !isComplex(a.dtype) && a.dtype !== "float16" && a.dtype !== "bfloat16";
  if (!inAvals.every(plain) || !plain(outAvals[0]!)) return undefined;
  const e = exprOf(prim, inAvals.map((a) => a.dtype), params as ParamsOf<typeof prim>);
  return jsElementwise(e, Math.max(arity(e), inAvals.length));
}

function backendFor<P extends FirstOrderPrim>(active: Backend, prim: P, inAvals: readonly ShapedArray[], params: ParamsOf<P>): Backend {
  return active === jsBackend || active.supports(prim, inAvals, params) ? active : jsBackend;
}

const higherOrder: ReadonlySet<string> = new Set(higherOrderPrims);
const isHigherOrder = (eqn: Eqn): boolean => higherOrder.has(eqn.primitive);

/** How a higher-order equation runs natively (its sub-jaxprs' programs on buffers), or
 * undefined for the ones that run through bind (custom_lin calls closures on arrays). */
function nativeHigherOrder(eqn: Eqn, sub: SubProgram): ((ins: readonly TypedArray[], alloc?: Alloc) => TypedArray[]) | undefined {
  switch (eqn.primitive) {
    case "scan":
      return (ins, alloc) => runScan(sub, eqn.params as ParamsOf<"scan">, ins, alloc);
    case "while":
      return (ins, alloc) => runWhile(sub, eqn.params as ParamsOf<"while">, ins, alloc);
    case "cond":
      return (ins, alloc) => runCond(sub, eqn.params as ParamsOf<"cond">, ins, alloc);
    case "pjit":
      return (ins, alloc) => runCall(sub, (eqn.params as ParamsOf<"pjit">).jaxpr, ins, alloc);
    case "custom_jvp_call":
    case "custom_vjp_call":
      return (ins, alloc) => runCall(sub, (eqn.params as ParamsOf<"custom_jvp_call">).call_jaxpr, ins, alloc);
    case "checkpoint":
      return (ins, alloc) => runCall(sub, (eqn.params as ParamsOf<"checkpoint">).jaxpr, ins, alloc);
    default:
      return undefined;
  }
}

/** Compiles `steps` (of `jaxpr`, already optimized) into a program on `backend` (wasm);
 * `subProgram` gives the programs of sub-jaxprs (loop bodies, branches, calls). */
export function compileProgram(jaxpr: Jaxpr, steps: readonly Step[], backend: Backend, subProgram: SubProgram): Program {
  // ---- values: each variable and literal gets an index ----
  const index = new Map<Atom, number>();
  const avals: ShapedArray[] = [];
  const literals: { readonly at: number; readonly data: TypedArray }[] = [];
  const indexOf = (a: Atom): number => {
    let i = index.get(a);
    if (i === undefined) {
      i = avals.length;
      index.set(a, i);
      avals.push(a.aval);
      if (a instanceof Literal) literals.push({ at: i, data: bufferOf(literalArray(a)) });
    }
    return i;
  };
  const inputs = jaxpr.inVars.map(indexOf);
  for (const step of steps) {
    for (const eqn of step.kind === "eqn" ? [step.eqn] : step.group.eqns) {
      eqn.inputs.forEach(indexOf);
      eqn.outVars.forEach(indexOf);
    }
  }
  const outputs = jaxpr.outs.map(indexOf);
  const n = avals.length;
  // Per value: the position of the program result it is (its first, when it is several), or
  // −1 (not a result, or a result that is also an input or a literal: never written here).
  const resultAt = new Array<number>(n).fill(-1);
  outputs.forEach((o, k) => {
    if (resultAt[o] === -1 && !(jaxpr.outs[k] instanceof Literal) && !inputs.includes(o)) resultAt[o] = k;
  });

  // ---- groups: a pure re-view shares its operand's buffer ----
  const parent = Array.from({ length: n }, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  type Kind = "fused" | "kernel" | "review" | "higher";
  const kinds: Kind[] = steps.map((step) => {
    if (step.kind === "fused") return "fused";
    const eqn = step.eqn;
    if (isHigherOrder(eqn)) return "higher";
    const prim = eqn.primitive as FirstOrderPrim;
    const params = eqn.params as ParamsOf<FirstOrderPrim>;
    return isPureReview(prim, eqn.inputs.map((a) => a.aval), params, eqn.outVars.map((v) => v.aval)) ? "review" : "kernel";
  });
  steps.forEach((step, k) => {
    if (kinds[k] === "review" && step.kind === "eqn") parent[root(index.get(step.eqn.outVars[0]!)!)] = root(index.get(step.eqn.inputs[0]!)!);
  });

  // ---- where each group lives, and when it is written and last read ----
  const inArena = new Array<boolean>(n).fill(false);
  const isOutput = new Array<boolean>(n).fill(false);
  for (const o of outputs) isOutput[root(o)] = true;
  const fromHost = new Array<boolean>(n).fill(false); // inputs, literals, higher-order results
  for (const i of inputs) fromHost[root(i)] = true;
  for (const l of literals) fromHost[root(l.at)] = true;
  const stepIns = steps.map((s) => (s.kind === "eqn" ? s.eqn.inputs : s.group.inputs).map((a) => index.get(a)!));
  const stepOuts = steps.map((s) => (s.kind === "eqn" ? s.eqn.outVars : [...s.group.outputs, ...s.group.sums.map((x) => x.out)]).map((v) => index.get(v)!));
  steps.forEach((_, k) => {
    if (kinds[k] === "fused") for (const i of [...stepIns[k]!, ...stepOuts[k]!]) inArena[root(i)] = true;
    if (kinds[k] === "higher") for (const o of stepOuts[k]!) fromHost[root(o)] = true;
  });
  // A loop's, branch's or call's results that the program only reads itself are copied into
  // slots as the step ends, so the step can keep its own buffers from one call to the next.
  steps.forEach((_, k) => {
    if (kinds[k] === "higher") for (const o of stepOuts[k]!) if (!isOutput[root(o)]) inArena[root(o)] = true;
  });
  // Kernel results that are not program outputs are intermediates: pooled in the arena.
  steps.forEach((_, k) => {
    if (kinds[k] === "kernel") for (const o of stepOuts[k]!) if (!isOutput[root(o)]) inArena[root(o)] = true;
  });
  // A product reads operands that live in the arena where they are: the program's inputs it
  // reads get a slot too, so that a call passing the same array again (weights, a dataset)
  // finds it there instead of the product copying it in at every call.
  const programInputs = new Set(inputs.map(root));
  steps.forEach((step, k) => {
    if (kinds[k] === "kernel" && step.kind === "eqn" && step.eqn.primitive === "dot_general") for (const i of stepIns[k]!) if (programInputs.has(root(i))) inArena[root(i)] = true;
  });
  const lastUse = new Array<number>(n).fill(-1);
  steps.forEach((_, k) => {
    for (const i of stepIns[k]!) lastUse[root(i)] = Math.max(lastUse[root(i)]!, k);
  });
  for (const o of outputs) lastUse[root(o)] = steps.length;

  // ---- the buffer plan ----
  const slots = new Map<number, { at: number; bytes: number }>();
  const alloc = new SlotAllocator();
  let valueBytes = 0;
  let inPlace = 0;
  const place = (g: number, bytes: number): void => {
    slots.set(g, { at: alloc.alloc(bytes), bytes });
    valueBytes += bytes;
  };
  // Host values a fused kernel reads are copied in at the start.
  for (let i = 0; i < n; i++) if (root(i) === i && fromHost[i] && inArena[i] && !slots.has(i)) place(i, slotBytes(avals[i]!));
  // Groups defined by host values still get their slot at the start; kernel results at their step.
  // The inputs' slots are theirs for the whole call, as JAX leaves a call's arguments intact:
  // an input still in its slot is not copied in again when the next call passes the same
  // array (a dataset, or parameters a step is called on again).
  const freed = new Set<number>();
  steps.forEach((_, k) => {
    const dying = [...new Set(stepIns[k]!.map(root))].filter((g) => lastUse[g] === k && slots.has(g) && !freed.has(g) && !programInputs.has(g));
    // In place: a fused kernel stores its roots in order, each after computing it, and loads
    // operands lazily, so only its last root may overwrite an operand, and only a full one
    // (a rank-0 operand is re-read every step).
    const outs = stepOuts[k]!;
    const step = steps[k]!;
    // (a fused step's outputs are its roots, then its sums). The sums are accumulated after the
    // roots are stored, re-reading their operands: a kernel with sums overwrites none.
    const last = step.kind === "fused" && step.group.sums.length === 0 ? step.group.outputs.length - 1 : -1;
    // Never over an operand read through strides (its elements are read at other positions),
    // nor, right after a product, over one of the product's operands: the kernel may run as
    // the product's epilogue, on each chunk of rows while other threads still read them.
    const before = steps[k - 1];
    const afterDot = before?.kind === "eqn" && before.eqn.primitive === "dot_general" ? before.eqn.inputs.map((a) => root(index.get(a)!)) : [];
    const stridedIns = step.kind === "fused" ? step.group.inputs.filter((_, j) => step.group.strided[j] !== undefined).map((v) => root(index.get(v)!)) : [];
    const keep = new Set([...stridedIns, ...afterDot]);
    const reuse = last >= 0 ? dying.filter((d) => avals[d]!.size === avals[root(outs[last]!)]!.size && !keep.has(d)) : [];
    outs.forEach((o, j) => {
      const g = root(o);
      if (!inArena[g] || slots.has(g) || fromHost[g]) return;
      const bytes = slotBytes(avals[g]!);
      const same = j === last ? reuse.findIndex((d) => slots.get(d)!.bytes === bytes && stepBytes(avals[d]!) === stepBytes(avals[g]!)) : -1;
      if (same >= 0) {
        const d = reuse.splice(same, 1)[0]!;
        slots.set(g, slots.get(d)!);
        freed.add(d);
        valueBytes += bytes;
        inPlace++;
      } else place(g, bytes);
    });
    // A result nothing reads (one output of several) dies at once.
    for (const o of outs) if (lastUse[root(o)]! < k && slots.has(root(o))) dying.push(root(o));
    for (const g of dying) {
      if (freed.has(g)) continue;
      freed.add(g);
      const s = slots.get(g)!;
      alloc.free(s.at, s.bytes);
    }
  });
  const regionBytes = Math.max(alloc.top, 16);
  /** Each value's byte offset in the region, or −1 when it lives on the host. */
  const slotAt = Array.from({ length: n }, (_, i) => (inArena[root(i)] ? (slots.get(root(i))?.at ?? -1) : -1));
  const arenaValues = [...Array(n).keys()].filter((i) => slotAt[i]! >= 0);
  const hostValues = [...Array(n).keys()].filter((i) => slotAt[i]! < 0);
  // Results a fused kernel makes in the arena (not inputs, literals or re-views): the first
  // place each is returned from can take the copy that kernel drains out as it runs.
  const drainable = new Set<number>();
  outputs.forEach((o, k) => {
    if (outputs.indexOf(o) === k && !inputs.includes(o) && !(jaxpr.outs[k] instanceof Literal) && slotAt[o]! >= 0 && !isComplex(avals[o]!.dtype)) drainable.add(o);
  });
  // Inputs whose slot no other value ever takes (no reuse by liveness, no kernel in place):
  // after a call they still hold that call's input, which the next call may then keep.
  const keepsInput = inputs.map((i) => {
    const s = slots.get(root(i));
    if (slotAt[i]! < 0 || s === undefined || avals[i]!.size * itemSize(avals[i]!.dtype) < RESIDENT_INPUT_MIN_BYTES) return false;
    for (const [g, t] of slots) if (g !== root(i) && t.at < s.at + s.bytes && s.at < t.at + t.bytes) return false;
    return true;
  });

  // ---- instructions ----
  // A value of one element may be read splatted (stride 0) by a fused kernel — directly, or
  // through a re-view of rank 0 (a [1] slice reshaped to a scalar): every non-fused writer of
  // one fills the whole step (its slot holds at least one).
  const scalarSplat = (f: Frame, i: number): void => {
    const v = f.lanes[i];
    if (v !== undefined) v[1] = v[2] = v[3] = v[0]!;
  };
  // Epilogues: a fused step right after a product, over the product's result (read one step
  // per step, no sums), runs inside the product (dot-general.ts withDotEpilogue) where the
  // product's layout allows it: over each chunk of rows of C as soon as it is computed.
  const epilogueOf = new Map<number, FusedGroup>();
  steps.forEach((step, k) => {
    const next = steps[k + 1];
    if (kinds[k] !== "kernel" || step.kind !== "eqn" || step.eqn.primitive !== "dot_general" || next?.kind !== "fused") return;
    const g = next.group;
    const d = step.eqn.outVars[0]!;
    // Only a kernel that reads the product's result step by step, each element at its own
    // position: a transpose, slice or broadcast of it folded in reads rows the product may not
    // have finished yet.
    const reads = g.inputs.flatMap((v, i) => (v === d ? [i] : []));
    if (reads.length === 0 || reads.some((i) => indexedInput(g, i)) || g.sums.length > 0 || !sameShape(g.shape, d.aval.shape)) return;
    const [la, ra] = step.eqn.inputs.map((a) => a.aval) as [ShapedArray, ShapedArray];
    const params = step.eqn.params as ParamsOf<"dot_general">;
    if (backendFor(backend, "dot_general", [la, ra], params) !== backend || !epilogueFits(la, ra, params)) return;
    epilogueOf.set(k, g);
  });
  const kernels = new Map<FusedGroup, ElementwiseKernel>();
  const kernelOf = (g: FusedGroup): ElementwiseKernel => {
    let k = kernels.get(g);
    if (k === undefined) {
      k = fusedKernel(g);
      kernels.set(g, k);
    }
    return k;
  };
  // Every kernel is built now, while the program is lowered, not at its first run: a kernel
  // that cannot be built (a browser main thread refusing to compile a huge module) is then a
  // lowering failure, and the jaxpr runs equation by equation instead of the call throwing.
  for (const step of steps) if (step.kind === "fused") kernelOf(step.group);
  /** Per fused group, how its kernel's arguments are written for a frame (for epilogues). */
  const epilogueArgs = new Map<FusedGroup, (f: Frame) => number[]>();
  const instrs: Instr[] = steps.map((step, k): Instr => {
    const ins = stepIns[k]!;
    const outs = stepOuts[k]!;
    switch (kinds[k]!) {
      case "review":
        return (f) => {
          if (slotAt[outs[0]!]! < 0) f.vals[outs[0]!] = f.vals[ins[0]!]!;
        };
      case "fused": {
        const g = (step as { group: FusedGroup }).group;
        const size = g.shape.reduce((a, b) => a * b, 1);
        const nsteps = Math.ceil(size / 4);
        // (a strided operand is read from its first element on: `base` elements into its slot)
        const inAt = ins.map((i, j) => slotAt[i]! + (g.strided[j]?.base ?? 0) * itemSize(avals[i]!.dtype));
        // (a rank-0 operand is splatted; a periodic, repeated or strided one is indexed by the kernel itself)
        const strides = ins.map((i, j) => (avals[i]!.ndim === 0 || indexedInput(g, j) ? 0 : stepBytes(avals[i]!)));
        const nout = g.outputs.length;
        const outAt = outs.slice(0, nout).map((i) => slotAt[i]!);
        const sumOuts = outs.slice(nout);
        // Fused sums (fusion.ts SumKind): each writes per block of `sumSteps` steps 4 f64 lane
        // sums (a full or row sum) or a row of f64 column sums (a column sum) into scratch above
        // the region; they are added up here, block by block, in order, so the result does not
        // depend on how the steps were split across threads.
        const kind = g.sumKind ?? { mode: "full", steps: SUM_BLOCK, cols: 0, rowLength: 0, kept: 0 };
        const sumSteps = kind.steps;
        const blocks = Math.ceil(nsteps / sumSteps);
        /** f64 partials per block: per reduction, 4 lanes (8 for a max or min: partialBytes),
         * or 4 per step of a row for column sums, times the rows a block holds (rows that are
         * not whole steps: lcm(length, 4) / length of them). */
        const rowsPerBlock = kind.rowLength > 0 ? (4 * kind.steps) / kind.rowLength : 1;
        const perRows = g.sums.map((x) => (kind.rowLength > 0 ? ROW_SUM_BYTES : partialBytes(x.op)) / 8);
        const perBlocks = perRows.map((p) => p * (kind.mode === "cols" ? kind.cols : 1) * rowsPerBlock);
        const periodic = g.inputs.some((_, j) => indexedInput(g, j));
        const args = new Array<number>(2 * ins.length + nout + sumOuts.length + (sumOuts.length > 0 ? 1 : 0) + (periodic ? 1 : 0));
        if (periodic) args[args.length - 1] = 0; // `first`: the global index of the first step
        if (size <= JS_GROUP_MAX && g.eqns.length <= JS_GROUP_EQNS && sumOuts.length === 0 && !periodic) {
          // A group of a few elements (the scalars of a loop body, an optimizer's step count)
          // runs as js loops over the same arena views: a wasm call and its argument
          // marshalling cost more than the arithmetic.
          const loops = jsElementwiseRoots(g.roots);
          const scalar = ins.map((i) => avals[i]!.ndim === 0);
          const inBufs = new Array<TypedArray>(ins.length);
          // The plan may put the last root over a dying operand, which the loops (a node at a
          // time, not a step at a time) could read after the store: then they write temporaries.
          const aliased = outAt.some((o) => o >= 0 && inAt.includes(o));
          const temps = aliased ? outs.slice(0, nout).map((o) => allocate(avals[o]!.dtype, size)) : [];
          const outBufs = new Array<TypedArray>(nout);
          return (f) => {
            for (let j = 0; j < ins.length; j++) inBufs[j] = f.vals[ins[j]!]!;
            for (let j = 0; j < nout; j++) outBufs[j] = aliased ? temps[j]! : f.vals[outs[j]!]!;
            loops(inBufs, scalar, outBufs);
            for (let j = 0; j < nout; j++) {
              if (aliased) f.vals[outs[j]!]!.set(temps[j]! as never);
              scalarSplat(f, outs[j]!);
            }
          };
        }
        const fill = (f: Frame): number[] => {
          for (let j = 0; j < ins.length; j++) {
            args[2 * j] = f.base + inAt[j]!;
            args[2 * j + 1] = strides[j]!;
          }
          for (let j = 0; j < nout; j++) args[2 * ins.length + j] = f.base + outAt[j]!;
          return args;
        };
        epilogueArgs.set(g, fill);
        const drainOuts = outs.slice(0, nout).filter((o) => drainable.has(o) && avals[o]!.size === size);
        // Copies each drained result's elements of steps [s, e) (4 per step) into its sink.
        const drainInto = (f: Frame, sinks: readonly TypedArray[]): Drain => (s, e) => {
          refresh(f);
          const [from, to] = [4 * s, Math.min(4 * e, size)];
          for (let j = 0; j < drainOuts.length; j++) sinks[j]!.set(f.vals[drainOuts[j]!]!.subarray(from, to) as never, from);
        };
        return (f) => {
          if (f.done === k) {
            f.done = -1; // (it ran inside the product before it)
            return;
          }
          const kernel = kernelOf(g);
          fill(f);
          let partials: number[] = [];
          if (sumOuts.length > 0) {
            const a = arena();
            a.reset();
            partials = sumOuts.map((_, j) => a.reserve(blocks * perBlocks[j]! * 8));
            // (column sums add into their partials: they start at zero)
            if (kind.mode === "cols") partials.forEach((at, j) => a.f64.fill(0, at / 8, at / 8 + blocks * perBlocks[j]!));
            partials.forEach((at, j) => {
              args[2 * ins.length + nout + j] = at;
            });
            args[2 * ins.length + nout + sumOuts.length] = size;
          }
          if (kernel.parallel !== undefined && nsteps >= PARALLEL_STEPS) {
            let drain: Drain | undefined;
            if (f.draining && drainOuts.length > 0) {
              const sinks = drainOuts.map((o) => (f.sinks[o] = allocateForOverwrite(avals[o]!.dtype, size)));
              drain = drainInto(f, sinks);
            }
            parallelFor(kernel.parallel, nsteps, args, sumOuts.length > 0 ? sumSteps : 1, undefined, drain);
          } else kernel.run(...args, nsteps);
          if (sumOuts.length === 0) return;
          refresh(f);
          const v = arena().f64;
          sumOuts.forEach((o, j) => {
            const perBlock = perBlocks[j]!;
            const [from, to] = [partials[j]! / 8, partials[j]! / 8 + blocks * perBlock];
            const out = f.vals[o]!;
            const op = g.sums[j]!.op;
            // (rows mode: one row's result after another; a last block's rows past the last
            // row hold the lanes past the end, read by nobody)
            if (kind.mode === "rows") {
              // (the kernel wrote each row's result)
              out.set(v.subarray(from, from + avals[o]!.size) as never);
            } else if (op !== "sum") {
              out[0] = foldPartials(op, v, from, to);
            } else if (kind.mode === "cols") {
              // (a kept part that is not whole steps: positions c, c + kept, … of each row of
              // lcm(kept, 4) add up to column c)
              const stride = kind.kept > 0 ? kind.kept : perBlock;
              for (let c = 0; c < stride; c++) {
                let total = 0;
                for (let p = c; p < perBlock; p += stride) for (let k = from + p; k < to; k += perBlock) total += v[k]!;
                out[c] = total;
              }
            } else {
              let total = 0;
              for (let k = from; k < to; k += 4) total += v[k]! + v[k + 1]! + (v[k + 2]! + v[k + 3]!);
              out[0] = total;
            }
            scalarSplat(f, o);
          });
        };
      }
      case "kernel": {
        const eqn = (step as { eqn: Eqn }).eqn;
        const prim = eqn.primitive as FirstOrderPrim;
        const params = eqn.params as ParamsOf<FirstOrderPrim>;
        const inAvals = eqn.inputs.map((a) => a.aval);
        const outAvals = eqn.outVars.map((v) => v.aval);
        const on = backendFor(backend, prim, inAvals, params);
        const inBufs = new Array<BackendBuffer>(ins.length);
        const outBufs = new Array<BackendBuffer>(outs.length);
        const host = outs.map((o) => slotAt[o]! < 0);
        // A small elementwise equation on js runs its loop directly (chosen here, once):
        // the dispatch around a kernel call is most of its cost at these sizes.
        const direct = on === jsBackend ? directJsLoop(prim, inAvals, params, outAvals) : undefined;
        // A program result a kernel makes goes straight into the caller's buffer for it, when
        // there is one and the kernel writes every element (wasm kernels and js's elementwise
        // loops do; other js kernels expect zeroed buffers).
        const intoAt = outs.map((o) => (on !== jsBackend || isElementwisePrim(prim) ? resultAt[o]! : -1));
        const scalar = inAvals.map((a) => a.ndim === 0);
        const epilogue = epilogueOf.get(k);
        const once = (f: Frame): void => {
          for (let j = 0; j < ins.length; j++) inBufs[j] = f.vals[ins[j]!]!;
          // (a wasm kernel writes every element of a fresh result, as eager code relies on
          // too: it starts unzeroed; the js kernels get zeroed buffers, as their backend gives)
          for (let j = 0; j < outs.length; j++) {
            const target = intoAt[j]! >= 0 ? f.into?.[intoAt[j]!] : undefined;
            outBufs[j] = !host[j] ? f.vals[outs[j]!]! : (target ?? (on === jsBackend ? allocate : allocateForOverwrite)(outAvals[j]!.dtype, outAvals[j]!.size));
          }
          const parallel = epilogue === undefined ? undefined : kernelOf(epilogue).parallel;
          if (parallel !== undefined) {
            const ran = withDotEpilogue({ kernel: parallel, args: epilogueArgs.get(epilogue!)!(f).slice() }, () => on.run(prim, inBufs, inAvals, params, outAvals, outBufs));
            f.done = ran ? k + 1 : -1;
          } else if (direct !== undefined) direct(inBufs, scalar, outBufs[0]!);
          else on.run(prim, inBufs, inAvals, params, outAvals, outBufs);
        };
        return (f) => {
          retryOnGrow(f, once);
          for (let j = 0; j < outs.length; j++) {
            if (host[j]) f.vals[outs[j]!] = outBufs[j]!;
            else scalarSplat(f, outs[j]!);
          }
        };
      }
      case "higher": {
        const eqn = (step as { eqn: Eqn }).eqn;
        const prim = eqn.primitive as HigherOrderPrim;
        const native = nativeHigherOrder(eqn, subProgram);
        // Results that go straight into arena slots are copied there at once, so the step's
        // own buffers can serve every run; a result that is handed out must be a fresh buffer.
        const reused = outs.every((o) => slotAt[o]! >= 0) ? new ReusedBuffers() : undefined;
        let res: TypedArray[] = [];
        const once = (f: Frame): void => {
          const args = ins.map((i) => f.vals[i]!);
          res =
            native === undefined
              ? bind(prim, ins.map((i, j) => new ConcreteArray(avals[i]!, args[j]!)), eqn.params as ParamsOf<HigherOrderPrim>).map((r) => bufferOf(r.concrete(prim)))
              : reused === undefined
                ? native(args)
                : reused.run((alloc) => native(args, alloc));
        };
        return (f) => {
          retryOnGrow(f, once);
          const mem = arena().buffer;
          res.forEach((data, j) => {
            const o = outs[j]!;
            if (slotAt[o]! >= 0) {
              f.vals[o]!.set(data as never);
              scalarSplat(f, o);
            } else f.vals[o] = data.buffer === mem ? hostCopy(eqn.outVars[j]!.aval, data) : data;
          });
        };
      }
    }
  });

  /** (Re)builds the arena views of every arena value (after the region moved or memory grew). */
  const bindViews = (f: Frame): void => {
    for (const i of arenaValues) {
      const a = avals[i]!;
      f.vals[i] = typedView(a.dtype, f.buffer, f.base + slotAt[i]!, a.size);
      if (a.size === 1 && !isComplex(a.dtype)) f.lanes[i] = typedView(a.dtype, f.buffer, f.base + slotAt[i]!, 4);
    }
  };
  /**
   * Runs an instruction whose kernel reads and writes arena views. A kernel's scratch may
   * grow the memory; an unshared memory's old buffer is then detached, so the views the
   * kernel was handed read as empty and take no writes. Kernels are pure: after a grow the
   * instruction runs again over fresh views (the same reservations now fit, so it cannot
   * grow twice).
   */
  function retryOnGrow(f: Frame, once: (f: Frame) => void): void {
    const before = f.buffer;
    try {
      once(f);
    } catch (e) {
      if (arena().buffer === before) throw e;
    }
    if (arena().buffer !== before) {
      refresh(f);
      once(f);
    }
  }
  function refresh(f: Frame): void {
    const buffer = arena().buffer;
    if (buffer !== f.buffer) {
      f.buffer = buffer;
      bindViews(f);
    }
  }

  let cached: Frame | undefined;
  let running = false;
  // Resident inputs: the id (`bufferId`) of the buffer each kept input slot holds, 0 for
  // none, valid while nothing has been handed out below the end of the region since the last
  // call left (arena.untouchedBelow: the epoch it read then, and that end).
  const resident = new Array<number>(inputs.length).fill(0);
  let residentEpoch = -1;
  let residentEnd = 0;
  /** Runs the program on input buffers (only read); results go into `into` when given
   * (buffers of the output sizes), else into fresh buffers (an input or a literal result is
   * returned as it is). `immutable` (for all inputs, or per input): the input buffers are
   * never written while they may be passed again (arrays' own, for the top-level `run`; a
   * loop's constants, for its body); then an input still in its slot from the last call is
   * not copied again. (The buffers a loop carries are overwritten: never immutable.) */
  const call = (args: readonly TypedArray[], into?: readonly TypedArray[], immutable: boolean | readonly boolean[] = false): TypedArray[] => {
    programStats.calls++;
    const a = arena();
    const kept = (k: number): boolean => immutable === true || (immutable !== false && immutable[k] === true);
    // (asked before enter, which hands the region out again)
    let intact = immutable !== false && !running && a.untouchedBelow(residentEpoch, residentEnd);
    residentEpoch = -1;
    const base = a.enter(regionBytes);
    // A frame's views are reused while the region and the memory stay where they were (a
    // loop body runs at the same base every iteration); a re-entrant call gets its own.
    let f = running ? undefined : cached;
    if (f === undefined || f.base !== base || f.buffer !== a.buffer) {
      f = { vals: new Array<TypedArray>(n), base, buffer: a.buffer, lanes: new Array<TypedArray | undefined>(n), done: -1, into: undefined, draining: false, sinks: new Array<TypedArray | undefined>(n) };
      bindViews(f);
      if (!running) cached = f;
      intact = false;
    }
    f.done = -1;
    f.into = into;
    f.draining = into === undefined;
    const outer = running;
    running = true;
    let completed = false;
    try {
      for (const l of literals) {
        if (slotAt[l.at]! >= 0) {
          f.vals[l.at]!.set(l.data as never);
          scalarSplat(f, l.at);
        } else f.vals[l.at] = l.data;
      }
      inputs.forEach((i, k) => {
        const data = args[k]!;
        if (slotAt[i]! >= 0) {
          if (intact && resident[k] !== 0 && kept(k) && residentIds.get(data) === resident[k]) {
            programStats.residentInputs++;
            return;
          }
          f.vals[i]!.set(data as never);
          scalarSplat(f, i);
          resident[k] = kept(k) && keepsInput[k] ? bufferId(data) : 0;
        } else f.vals[i] = data;
      });
      for (const instr of instrs) instr(f);
      refresh(f);
      completed = true;
      return outputs.map((o, k) => {
        const atom = jaxpr.outs[k]!;
        const k0 = inputs.indexOf(o);
        // A result held on the host (an input, a literal, a kernel's fresh array) is returned
        // as it is; one in the arena is copied out.
        const data = atom instanceof Literal ? bufferOf(literalArray(atom)) : k0 >= 0 ? args[k0]! : f.vals[o]!;
        const target = into?.[k];
        if (target !== undefined) {
          if (data !== target) target.set(data as never);
          return target;
        }
        if (atom instanceof Literal || k0 >= 0 || slotAt[o]! < 0) return data;
        const drained = f.sinks[o];
        if (drained !== undefined) {
          f.sinks[o] = undefined;
          programStats.drainedResults++;
          return drained;
        }
        return hostCopy(atom.aval, data);
      });
    } finally {
      // Drop the host buffers (inputs, results) so the cached frame keeps nothing alive.
      for (const i of hostValues) f.vals[i] = undefined as never;
      for (const o of drainable) f.sinks[o] = undefined;
      running = outer;
      a.leave(base);
      // (a call cut short keeps nothing: its slots may hold part of anything)
      if (!completed) resident.fill(0);
      else if (f === cached) [residentEpoch, residentEnd] = [a.epoch, base + regionBytes];
    }
  };

  const run = (args: readonly NDArray[]): NDArray[] => {
    // (an array's buffer is never written after it is made: `call` may keep it resident)
    const outs = call(
      args.map((x) => bufferOf(x as ConcreteArray)),
      undefined,
      true,
    );
    return outs.map((data, k) => {
      const atom = jaxpr.outs[k]!;
      const k0 = atom instanceof Literal ? -1 : jaxpr.inVars.indexOf(atom);
      return k0 >= 0 ? args[k0]! : new ConcreteArray(atom.aval, data);
    });
  };

  return {
    plan: { arenaBytes: alloc.top, valueBytes, arenaValues: new Set(arenaValues.map(root)).size, inPlace },
    run,
    call,
    keepingRegion: <T>(f: () => T): T => {
      const a = arena();
      const at = a.skip(regionBytes);
      try {
        return f();
      } finally {
        a.leave(at);
      }
    },
    epilogue: (step) => step.kind === "fused" && [...epilogueOf.values()].includes(step.group) && kernelOf(step.group).parallel !== undefined,
    threaded: (step) => {
      if (step.kind !== "fused" || threadCount() < 2) return false;
      const size = step.group.shape.reduce((a, b) => a * b, 1);
      return Math.ceil(size / 4) >= PARALLEL_STEPS && kernelOf(step.group).parallel !== undefined;
    },
  };
}

