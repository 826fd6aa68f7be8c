// Number formatting shared by the array printer (numpy's style) and the jaxpr printer
// (Python's float repr, as JAX prints literals).
import type { Complex } from "./complex-value.js";
import { castScalar, type DType, isInteger, realPartOf, type TypedArray } from "./dtype.js";

/** The number with the shortest decimal form that reads back as the same value of dtype `d`
 * (a float32 0.1 is 0.10000000149011612 as a double; this gives 0.1; a float16 0.1 gives 0.1). */
export function shortestFloat(v: number, d: DType): number {
  if (d === "float64" || !Number.isFinite(v)) return v;
  for (let p = 1; p < 9; p++) {
    const c = Number(v.toPrecision(p));
    if (castScalar(c, d) === v) return c;
  }
  return v;
}

/** Python's repr of a finite float: `1.0`, `0.5`, `-0.0`, `1e+20`, `1e-07`. */
export function pythonFloatRepr(x: number): string {
  const abs = Math.abs(x);
  if (x !== 0 && (abs >= 1e16 || abs < 1e-4)) {
    const [mantissa, exp] = x.toExponential().split("e") as [string, string];
    return `${mantissa}e${exp[0]}${exp.slice(1).padStart(2, "0")}`;
  }
  const s = Object.is(x, -0) ? "-0" : String(x);
  return s.includes(".") ? s : `${s}.0`;
}

/** A scalar as numpy's str() prints a 0-d array: `3.0`, `0.1`, `nan`, `7`, `True`. */
export function formatScalar(v: number, d: DType): string {
  if (d === "bool") return v !== 0 ? "True" : "False";
  if (isInteger(d)) return String(v);
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  return pythonFloatRepr(shortestFloat(v, d));
}

/** One element inside a printed array: numpy's `1.`, `0.5`, at most 8 fractional digits. */
export function formatElement(v: number, d: DType): string {
  if (d === "bool" || isInteger(d) || !Number.isFinite(v)) return formatScalar(v, d);
  let s = Object.is(v, -0) ? "-0" : String(shortestFloat(v, d));
  const dot = s.indexOf(".");
  if (!s.includes("e") && dot >= 0 && s.length - dot - 1 > 8) s = String(Number(v.toFixed(8)));
  return s.includes(".") || s.includes("e") ? s : `${s}.`;
}

/** Line the elements up on their decimal points, as numpy does: `[-1.5  2. ]`. */
export function alignDecimals(cells: readonly string[]): string[] {
  if (cells.some((c) => c.includes("e"))) return [...cells];
  const parts = cells.map((c) => {
    const i = c.indexOf(".");
    return i < 0 ? null : ([c.slice(0, i), c.slice(i + 1)] as const);
  });
  const intWidth = Math.max(0, ...parts.map((p) => (p ? p[0].length : 0)));
  const fracWidth = Math.max(0, ...parts.map((p) => (p ? p[1].length : 0)));
  return cells.map((c, k) => {
    const p = parts[k];
    return p ? `${p[0].padStart(intWidth)}.${p[1].padEnd(fracWidth)}` : c;
  });
}

/** One part of Python's complex repr: `1`, `0.5`, `nan`, `inf` (no trailing `.0`). */
function complexPartRepr(v: number, d: DType): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  const s = pythonFloatRepr(shortestFloat(v, d));
  return s.endsWith(".0") ? s.slice(0, -2) : s;
}

const isNegative = (v: number): boolean => v < 0 || Object.is(v, -0);

/** A complex scalar as Python prints one (and numpy's str() of a 0-d array): `(1+2j)`,
 * `(1.5-0.5j)`, `2j` when the real part is +0. */
export function formatComplexScalar(z: Complex, d: DType): string {
  const p = realPartOf(d);
  const im = `${complexPartRepr(Math.abs(z.im), p)}j`;
  if (z.re === 0 && !Object.is(z.re, -0)) return isNegative(z.im) && !Number.isNaN(z.im) ? `-${im}` : im;
  const sign = isNegative(z.im) && !Number.isNaN(z.im) ? "-" : "+";
  return `(${complexPartRepr(z.re, p)}${sign}${im})`;
}

/** The cells of a complex array as numpy prints them: `1.+2.j`, `3.5-4.j`, the real parts
 * and the imaginary parts each lined up on their decimal points. */
export function complexCells(data: TypedArray, d: DType): string[] {
  const p = realPartOf(d);
  const n = data.length / 2;
  const res: string[] = [];
  const ims: string[] = [];
  const signs: string[] = [];
  for (let i = 0; i < n; i++) {
    const re = data[2 * i]!;
    const im = data[2 * i + 1]!;
    res.push(formatElement(re, p));
    signs.push(isNegative(im) && !Number.isNaN(im) ? "-" : "+");
    ims.push(formatElement(Number.isNaN(im) ? im : Math.abs(im), p));
  }
  const reCol = alignDecimals(res);
  const imCol = alignDecimals(ims);
  const reWidth = Math.max(0, ...reCol.map((c) => c.length));
  const imWidth = Math.max(0, ...imCol.map((c) => c.length));
  // numpy pads an imaginary part on the left of its sign: `1. +2.j` beside `3.-10.j`
  return reCol.map((r, i) => {
    const im = imCol[i]!.includes("e") ? imCol[i]! : imCol[i]!.padEnd(imWidth);
    const body = im.trimStart();
    return `${r.padStart(reWidth)}${" ".repeat(im.length - body.length)}${signs[i]}${body}j`;
  });
}

/** A number as a key: −0 apart from 0 (String(−0) is "0"), NaN and the infinities by name. */
export const numberKey = (x: number): string => (Object.is(x, -0) ? "-0" : String(x));
