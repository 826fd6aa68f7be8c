// Products: matmul (numpy's batch broadcasting), dot, outer, einsum — all dot_general.
import type { NDArray, Operand } from "../array.js";
import { asArray } from "../creation.js";
import { isComplex } from "../dtype.js";
import { ArgumentError, ShapeError } from "../errors.js";
import * as lax from "../lax/index.js";
import { broadcastShapes, fmtShape } from "../shape.js";
import { broadcastTo, promoteDTypes } from "./promote.js";
import { reshape, transpose } from "./shape.js";

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => i + from);

function operands(where: string, x: Operand, y: Operand): [NDArray, NDArray] {
  const [a, b] = promoteDTypes(where, [x, y]);
  if (a!.dtype === "bool") return [lax.convertElementType(a!, "int32"), lax.convertElementType(b!, "int32")];
  return [a!, b!];
}

/**
 * The matrix product, numpy's `@`: `[..., n, k] @ [..., k, m] → [..., n, m]` with batch
 * dimensions broadcast; a 1-d first operand is a row vector, a 1-d second a column vector
 * (that dimension is dropped from the result). Dtypes promote.
 *
 * @example
 * np.matmul(array([[1, 2], [3, 4]]), array([[1], [1]])); // [[3], [7]]
 * np.matmul(ones([8, 2, 3]), ones([3, 4])).shape; // [8, 2, 4]
 */
export function matmul(x: Operand, y: Operand): NDArray {
  const [a0, b0] = [asArray(x, "matmul"), asArray(y, "matmul")];
  if (a0.ndim === 0 || b0.ndim === 0) {
    throw new ShapeError(`matmul: operands must be arrays of rank ≥ 1 (use multiply for scalars), got shapes ${fmtShape(a0.shape)} and ${fmtShape(b0.shape)}`);
  }
  let [a, b] = [a0.ndim === 1 ? reshape(a0, [1, a0.shape[0]!]) : a0, b0.ndim === 1 ? reshape(b0, [b0.shape[0]!, 1]) : b0];
  [a, b] = operands("matmul", a, b);
  const k = a.shape[a.ndim - 1]!;
  if (k !== b.shape[b.ndim - 2]) {
    throw new ShapeError(`matmul: the contracted dimensions of ${fmtShape(a0.shape)} and ${fmtShape(b0.shape)} differ (${k} vs ${b.shape[b.ndim - 2]})`);
  }
  let out: NDArray;
  if (b.ndim === 2) {
    out = lax.dotGeneral(a, b, [[[a.ndim - 1], [0]], [[], []]]);
  } else {
    const batch = broadcastShapes("matmul", a.shape.slice(0, -2), b.shape.slice(0, -2));
    const aa = broadcastTo(a, [...batch, ...a.shape.slice(-2)]);
    const bb = broadcastTo(b, [...batch, ...b.shape.slice(-2)]);
    const nb = batch.length;
    out = lax.dotGeneral(aa, bb, [[[nb + 1], [nb]], [range(nb), range(nb)]]);
  }
  const shape = [...out.shape];
  if (b0.ndim === 1) shape.pop();
  if (a0.ndim === 1) shape.splice(shape.length - (b0.ndim === 1 ? 1 : 2), 1);
  return shape.length === out.ndim ? out : reshape(out, shape);
}

/**
 * numpy's dot: inner product, matrix product, or contraction of a's last axis with b's second-to-last.
 *
 * @example
 * np.dot(array([1, 2]), array([3, 4])); // 11
 * np.dot(array([[1, 2], [3, 4]]), array([1, 1])); // [3, 7]
 */
export function dot(x: Operand, y: Operand): NDArray {
  const [a, b] = operands("dot", x, y);
  if (a.ndim === 0 || b.ndim === 0) return lax.mul(a, b);
  const ca = a.ndim - 1;
  const cb = b.ndim === 1 ? 0 : b.ndim - 2;
  if (a.shape[ca] !== b.shape[cb]) throw new ShapeError(`dot: shapes ${fmtShape(a.shape)} and ${fmtShape(b.shape)} are not aligned`);
  return lax.dotGeneral(a, b, [[[ca], [cb]], [[], []]]);
}

/**
 * The dot product of the flattened operands, with the first conjugated (as numpy and JAX):
 * Σ conj(x)·y.
 *
 * @example
 * np.vdot(array([[1, 2], [3, 4]]), array([[1, 1], [1, 1]])); // 10
 */
export const vdot = (x: Operand, y: Operand): NDArray => {
  const a = asArray(x, "vdot");
  return dot(reshape(isComplex(a.dtype) ? lax.conj(a) : a, [-1]), reshape(y, [-1]));
};
/**
 * The sum of products over the last axes of `x` and `y`; the result's shape is the other axes
 * of `x`, then of `y`.
 *
 * @example
 * np.inner(array([1, 2]), array([3, 4])); // 11
 * np.inner(ones([2, 3]), ones([4, 3])).shape; // [2, 4]
 */
export const inner = (x: Operand, y: Operand): NDArray => {
  const [a, b] = operands("inner", x, y);
  if (a.ndim === 0 || b.ndim === 0) return lax.mul(a, b);
  return lax.dotGeneral(a, b, [[[a.ndim - 1], [b.ndim - 1]], [[], []]]);
};

/**
 * The outer product of the flattened operands: `out[i, j] = x[i] · y[j]`.
 *
 * @example
 * np.outer(array([1, 2]), array([1, 10, 100])); // [[1, 10, 100], [2, 20, 200]]
 */
export function outer(x: Operand, y: Operand): NDArray {
  const [a, b] = operands("outer", x, y);
  const [fa, fb] = [reshape(a, [a.size, 1]), reshape(b, [1, b.size])];
  return lax.dotGeneral(fa, fb, [[[1], [0]], [[], []]]);
}

// ---- einsum ----

interface Spec {
  readonly inputs: string[];
  readonly output: string;
}

function parseEinsum(subscripts: string, n: number): Spec {
  if (typeof subscripts !== "string") throw new ArgumentError(`einsum: the first argument must be a subscripts string such as "ij,jk->ik", got ${typeof subscripts}`);
  const s = subscripts.replace(/\s+/g, "");
  const [lhs, rhs] = s.includes("->") ? s.split("->") : [s, undefined];
  const inputs = lhs!.split(",");
  if (inputs.length !== n) throw new ArgumentError(`einsum: "${subscripts}" names ${inputs.length} operands, got ${n}`);
  for (const t of [...inputs, rhs ?? ""]) {
    if (!/^[a-zA-Z]*$/.test(t)) throw new ArgumentError(`einsum: subscripts must be letters (no ellipsis), got "${subscripts}"`);
  }
  let output = rhs;
  if (output === undefined) {
    const counts = new Map<string, number>();
    for (const c of inputs.join("")) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts].filter(([, k]) => k === 1).map(([c]) => c).sort().join("");
  }
  return { inputs, output };
}

/** Take the diagonal for a letter repeated within one operand. */
function diagonalize(x: NDArray, labels: string): [NDArray, string] {
  for (let i = 0; i < labels.length; i++) {
    const j = labels.indexOf(labels[i]!, i + 1);
    if (j < 0) continue;
    const n = x.shape[i]!;
    if (x.shape[j] !== n) throw new ShapeError(`einsum: repeated subscript "${labels[i]}" has sizes ${n} and ${x.shape[j]}`);
    const eye = lax.eq(lax.iota("int32", [n, n], 0), lax.iota("int32", [n, n], 1));
    const mask = lax.broadcastInDim(eye, x.shape, [i, j]);
    const masked = lax.select(mask, x, lax.convertElementType(0, x.dtype));
    const summed = lax.reduceSum(masked, [j]);
    return diagonalize(summed, labels.slice(0, j) + labels.slice(j + 1));
  }
  return [x, labels];
}

/** Sum out letters that appear nowhere else. */
function sumUnused(x: NDArray, labels: string, keep: string): [NDArray, string] {
  const drop = [...labels].map((c, i) => (keep.includes(c) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length === 0) return [x, labels];
  return [lax.reduceSum(x, drop), [...labels].filter((_, i) => !drop.includes(i)).join("")];
}

/**
 * Einstein summation over the operands as numpy's `einsum(subscripts, ...)`: repeated letters
 * are multiplied along, letters missing from the output (after `->`) are summed.
 *
 * @example
 * np.einsum("ij,jk->ik", ones([2, 3]), ones([3, 4])).shape; // [2, 4]
 * np.einsum("ii", array([[1, 2], [3, 4]])); // 5
 * np.einsum("i,i->", array([1, 2]), array([3, 4])); // 11
 */
export function einsum(subscripts: string, ...xs: Operand[]): NDArray {
  const { inputs, output } = parseEinsum(subscripts, xs.length);
  const arrays = promoteDTypes("einsum", xs);
  const sizes = new Map<string, number>();
  let terms = arrays.map((a, k): [NDArray, string] => {
    const labels = inputs[k]!;
    if (labels.length !== a.ndim) throw new ShapeError(`einsum: operand ${k} has rank ${a.ndim} but subscripts "${labels}"`);
    [...labels].forEach((c, i) => {
      const d = a.shape[i]!;
      if (sizes.has(c) && sizes.get(c) !== d) throw new ShapeError(`einsum: subscript "${c}" has sizes ${sizes.get(c)} and ${d}`);
      sizes.set(c, d);
    });
    return diagonalize(a, labels);
  });
  for (const c of output) if (!sizes.has(c)) throw new ArgumentError(`einsum: output subscript "${c}" appears in no input`);
  const othersOf = (k: number) => output + terms.filter((_, j) => j !== k).map((t) => t[1]).join("");
  terms = terms.map((t, k) => sumUnused(t[0], t[1], othersOf(k)));
  let [acc, labels] = terms[0]!;
  for (let k = 1; k < terms.length; k++) {
    const [b, bl] = terms[k]!;
    const rest = output + terms.slice(k + 1).map((t) => t[1]).join("");
    const shared = [...labels].filter((c) => bl.includes(c));
    const batch = shared.filter((c) => rest.includes(c));
    const contract = shared.filter((c) => !rest.includes(c));
    const idx = (ls: string, cs: string[]) => cs.map((c) => ls.indexOf(c));
    acc = lax.dotGeneral(acc, b, [
      [idx(labels, contract), idx(bl, contract)],
      [idx(labels, batch), idx(bl, batch)],
    ]);
    const free = (ls: string) => [...ls].filter((c) => !shared.includes(c)).join("");
    labels = batch.join("") + free(labels) + free(bl);
    [acc, labels] = sumUnused(acc, labels, rest);
  }
  [acc, labels] = sumUnused(acc, labels, output);
  return transpose(acc, [...output].map((c) => labels.indexOf(c)));
}

/**
 * kron(a, b): the Kronecker product — blocks a[i, j, …]·b, laid out as a's elements are.
 *
 * @example
 * np.kron(array([1, 2]), array([1, 10])); // [1, 10, 2, 20]
 */
export function kron(a: Operand, b: Operand): NDArray {
  const [x, y] = operands("kron", a, b);
  const nd = Math.max(x.ndim, y.ndim);
  const xs = [...new Array<number>(nd - x.ndim).fill(1), ...x.shape];
  const ys = [...new Array<number>(nd - y.ndim).fill(1), ...y.shape];
  // (a0, 1, a1, 1, …) · (1, b0, 1, b1, …) → (a0·b0, a1·b1, …)
  const full = xs.flatMap((d, i) => [d, ys[i]!]);
  const prod = lax.mul(broadcastTo(reshape(x, xs.flatMap((d) => [d, 1])), full), broadcastTo(reshape(y, ys.flatMap((d) => [1, d])), full));
  return reshape(prod, xs.map((d, i) => d * ys[i]!));
}
