// The js lowering of a scalar expression: an array interpreter. Each node runs its own loop
// (js-loops.ts) over a chunk of elements, intermediates in float64 scratch chunks (so values
// are exactly what the expression computes in JS numbers), the root storing straight into
// the result array (which rounds or wraps as the reference does). A one-node expression
// over full operands runs as one loop over the whole arrays. No code is generated at run
// time, so a strict Content-Security-Policy page works.
import type { TypedArray } from "../../dtype.js";
import { type Expr, postOrder } from "./expr.js";
import { leftScalarLoops, rightScalarLoops } from "./js-loops-scalar.js";
import { type Arr, binaryLoops, call2Loops, callLoops, compareLoops, convertLoopOf, selectLoop, unaryLoops } from "./js-loops.js";

/** Elements per chunk: the scratch chunks (float64) stay in the L1/L2 caches. */
const CHUNK = 2048;

/** Runs an expression: `scalar[i]` marks a rank-0 operand (broadcast), `res` gets every element. */
export type JsElementwise = (inputs: readonly TypedArray[], scalar: readonly boolean[], res: TypedArray) => void;

/** Float64 scratch chunks shared by every kernel (kernels run one at a time, never nested). */
const scratch: Float64Array[] = [];
const scratchChunk = (k: number): Float64Array => (scratch[k] ??= new Float64Array(CHUNK));

type Step = (arrays: Arr[], offsets: number[], n: number) => void;

function stepOf(e: Expr, me: number, slot: (c: Expr) => number): Step | undefined {
  switch (e.k) {
    case "arg":
    case "const":
      return undefined;
    case "unary":
    case "convert":
    case "call": {
      const a = slot(e.a);
      const loop = e.k === "unary" ? unaryLoops[e.op] : e.k === "call" ? callLoops[e.fn] : convertLoopOf(e.mode, e.t);
      return (s, o, n) => loop(s[me]!, o[me]!, s[a]!, o[a]!, n);
    }
    case "binary":
    case "compare":
    case "call2": {
      const [a, b] = [slot(e.a), slot(e.b)];
      // A constant operand stays a number (no filled chunk to read).
      const op = e.k === "call2" ? e.fn : e.op;
      if (e.b.k === "const" && e.a.k !== "const") {
        const [right, y] = [rightScalarLoops[op], e.b.value];
        return (s, o, n) => right(s[me]!, o[me]!, s[a]!, o[a]!, y, n);
      }
      if (e.a.k === "const" && e.b.k !== "const") {
        const [left, x] = [leftScalarLoops[op], e.a.value];
        return (s, o, n) => left(s[me]!, o[me]!, x, s[b]!, o[b]!, n);
      }
      const loop = e.k === "binary" ? binaryLoops[e.op] : e.k === "compare" ? compareLoops[e.op] : call2Loops[e.fn];
      return (s, o, n) => loop(s[me]!, o[me]!, s[a]!, o[a]!, s[b]!, o[b]!, n);
    }
    case "select": {
      const [p, f, t] = [slot(e.pred), slot(e.onFalse), slot(e.onTrue)];
      return (s, o, n) => selectLoop(s[me]!, o[me]!, s[p]!, o[p]!, s[f]!, o[f]!, s[t]!, o[t]!, n);
    }
  }
}

const isLeaf = (e: Expr): boolean => e.k === "arg" || e.k === "const";

/**
 * A binary node over two leaves, one of them rank 0 or a constant: one loop with that
 * operand held as a number. Undefined when the operands are not of that form.
 */
function scalarOperandLoop(e: Expr): ((inputs: readonly TypedArray[], scalar: readonly boolean[], res: TypedArray) => boolean) | undefined {
  if ((e.k !== "binary" && e.k !== "compare" && e.k !== "call2") || !isLeaf(e.a) || !isLeaf(e.b)) return undefined;
  const op = e.k === "call2" ? e.fn : e.op;
  const [right, left] = [rightScalarLoops[op], leftScalarLoops[op]];
  const [a, b] = [e.a, e.b];
  const isScalar = (l: Expr, scalar: readonly boolean[]): boolean => l.k === "const" || (l.k === "arg" && scalar[l.index] === true);
  const scalarOf = (l: Expr, inputs: readonly TypedArray[]): number => (l.k === "const" ? l.value : l.k === "arg" ? inputs[l.index]![0]! : 0);
  const arrayOf = (l: Expr, inputs: readonly TypedArray[]): TypedArray => inputs[l.k === "arg" ? l.index : 0]!;
  return (inputs, scalar, res) => {
    const [sa, sb] = [isScalar(a, scalar), isScalar(b, scalar)];
    if (sa === sb) return false;
    if (sb) right(res, 0, arrayOf(a, inputs), 0, scalarOf(b, inputs), res.length);
    else left(res, 0, scalarOf(a, inputs), arrayOf(b, inputs), 0, res.length);
    return true;
  };
}

/** Compile `e` (over `nArgs` operands) into a js loop nest: jsElementwiseRoots of one root,
 * after the one-loop form of a binary node with a rank-0 or constant operand. */
export function jsElementwise(e: Expr, _nArgs: number): JsElementwise {
  const loops = jsElementwiseRoots([e]);
  const withScalar = scalarOperandLoop(e);
  const outs: TypedArray[] = [];
  return (inputs, scalar, res) => {
    if (withScalar?.(inputs, scalar, res)) return;
    outs[0] = res;
    loops(inputs, scalar, outs);
  };
}

/** Runs an expression whose operands and result all have one element (see jsElementwiseRoots). */
export type JsOneElement = (inputs: readonly TypedArray[], res: TypedArray) => void;

/**
 * Compile `e` for one-element operands and a one-element result: jsElementwiseRoots' nodes
 * and loops, run once with n = 1 at offset 0 (rank-0 and one-element operands read alike),
 * intermediates in one-element float64 scratch, with none of the chunking.
 */
export function jsOneElement(e: Expr): JsOneElement {
  const { nodes, steps, storeOf, argNode, argIndex } = planRoots([e]);
  const arrays: Arr[] = nodes.map((n) => (n.k === "const" ? Float64Array.of(n.value) : new Float64Array(1)));
  const offsets: number[] = nodes.map(() => 0);
  const root = nodes.length - 1;
  const stored = storeOf[root] === 0;
  return (inputs, res) => {
    for (let a = 0; a < argNode.length; a++) arrays[argNode[a]!] = inputs[argIndex[a]!]!;
    if (stored) arrays[root] = res;
    for (let q = 0; q < steps.length; q++) steps[q]!(arrays, offsets, 1);
    // (a root that is an operand or a constant: copied)
    if (!stored) res[0] = arrays[root]![0]!;
  };
}

/** The nodes of `roots` in evaluation order (shared nodes once), their loops, where each
 * root's value goes (stored straight into its result, or copied after the loop), and the
 * operand leaves (node index and operand index). */
function planRoots(roots: readonly Expr[]) {
  const seen = new Set<Expr>();
  const nodes: Expr[] = [];
  for (const r of roots) {
    for (const n of postOrder(r)) {
      if (seen.has(n)) continue;
      seen.add(n);
      nodes.push(n);
    }
  }
  const index = new Map(nodes.map((n, i) => [n, i] as const));
  const slot = (c: Expr): number => index.get(c)!;
  const steps = nodes.flatMap((n, i) => stepOf(n, i, slot) ?? []);
  /** The root each computed node is stored into (its first), or −1 (a scratch chunk). */
  const storeOf = nodes.map(() => -1);
  const copies: { readonly to: number; readonly from: Expr }[] = [];
  roots.forEach((r, j) => {
    const i = slot(r);
    if (isLeaf(r) || storeOf[i]! >= 0) copies.push({ to: j, from: r });
    else storeOf[i] = j;
  });
  const argNode: number[] = [];
  const argIndex: number[] = [];
  nodes.forEach((n, i) => {
    if (n.k === "arg") {
      argNode.push(i);
      argIndex.push(n.index);
    }
  });
  return { nodes, steps, storeOf, copies, slot, argNode, argIndex };
}

/** Runs several expressions over the same operands: `outs[j]` gets every element of root j. */
export type JsElementwiseRoots = (inputs: readonly TypedArray[], scalar: readonly boolean[], outs: readonly TypedArray[]) => void;

/**
 * The js lowering of a fused group (compiler/fusion.ts): several roots sharing nodes, each
 * node computed once per chunk, each root stored straight into its result (which rounds as
 * the group's own `stored` conversions say). The rest is jsElementwise's: float64 scratch
 * chunks, rank-0 operands filled into a chunk. A root that is a leaf, or the same node as an
 * earlier root, is copied after the loop.
 */
export function jsElementwiseRoots(roots: readonly Expr[]): JsElementwiseRoots {
  // Per call only plain loops over these precomputed index lists: at scalar sizes this
  // setup is most of an eager primitive's cost.
  const { nodes, steps, storeOf, copies, slot, argNode, argIndex } = planRoots(roots);
  const constChunks = nodes.flatMap((n, i) => (n.k === "const" ? [[i, new Float64Array(CHUNK).fill(n.value)] as const] : []));
  const scratchNodes = nodes.map((_n, i) => i).filter((i) => !isLeaf(nodes[i]!) && storeOf[i]! < 0);
  /** Nodes stored straight into a result, and which. */
  const storedNode = storeOf.flatMap((j, i) => (j >= 0 ? [i] : []));
  const storedRoot = storedNode.map((i) => storeOf[i]!);
  const arrays: Arr[] = new Array(nodes.length);
  const offsets: number[] = new Array(nodes.length).fill(0);
  for (const [i, chunk] of constChunks) arrays[i] = chunk;
  return (inputs, scalar, outs) => {
    const total = outs[0]!.length;
    // One node over full operands runs as one loop over the whole arrays (no chunks); so does
    // a one-element result, whose rank-0 operands are read in place (no chunk filled).
    const one = total === 1;
    let whole = one || (scratchNodes.length === 0 && constChunks.length === 0);
    for (let a = 0; a < argNode.length; a++) {
      const k = argIndex[a]!;
      if (!one && scalar[k]) {
        whole = false;
        arrays[argNode[a]!] = scratchChunk(nodes.length + k).fill(inputs[k]![0]!, 0, Math.min(CHUNK, total));
      } else arrays[argNode[a]!] = inputs[k]!;
    }
    for (let t = 0; t < scratchNodes.length; t++) arrays[scratchNodes[t]!] = scratchChunk(t);
    for (let r = 0; r < storedNode.length; r++) arrays[storedNode[r]!] = outs[storedRoot[r]!]!;
    const step = whole ? Math.max(total, 1) : CHUNK;
    for (let start = 0; start < total; start += step) {
      const n = Math.min(step, total - start);
      for (let a = 0; a < argNode.length; a++) offsets[argNode[a]!] = scalar[argIndex[a]!] ? 0 : start;
      for (let r = 0; r < storedNode.length; r++) offsets[storedNode[r]!] = start;
      for (let q = 0; q < steps.length; q++) steps[q]!(arrays, offsets, n);
    }
    for (const { to, from } of copies) {
      const out = outs[to]!;
      if (from.k === "const") out.fill(from.value);
      else if (from.k === "arg") {
        if (scalar[from.index]) out.fill(inputs[from.index]![0]!);
        else out.set(inputs[from.index]! as never);
      } else out.set(outs[storeOf[slot(from)]!]! as never);
    }
  };
}
