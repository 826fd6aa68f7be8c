// Number formatting shared by the array printer (numpy's style) and the jaxpr printer
// (Python's float repr, as JAX prints literals).
import { castScalar, type DType, isInteger } from "./dtype.js";

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
