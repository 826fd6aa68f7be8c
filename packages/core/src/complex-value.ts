// How a complex number looks in JS, which has no complex type: a plain `{ re, im }` object.
// Arrays hand these out (item, toArray) and take them in (np.array, lax.complex's parts).

/** One complex number: real and imaginary parts. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/**
 * Whether `x` is a `{ re, im }` object with two numeric parts (the JS form of a complex number).
 *
 * @example
 * isComplexValue({ re: 1, im: 2 }); // true
 * isComplexValue(3); // false
 */
export function isComplexValue(x: unknown): x is Complex {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const o = x as { re?: unknown; im?: unknown };
  return typeof o.re === "number" && typeof o.im === "number";
}
