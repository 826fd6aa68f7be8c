// JAX returns NamedTuples from several numpy functions (QRResult, EighResult, SVDResult,
// SlogdetResult, UniqueAllResult, ...): read by position (`q, r = jnp.linalg.qr(a)`) or by
// name (`res.Q`). Here the same: a frozen array that also carries the fields by name, so
// `const [q, r] = np.linalg.qr(a)` and `np.linalg.qr(a).Q` both work.

/** A tuple whose elements are also named fields. */
export type NamedTuple<T extends readonly unknown[], N extends Record<string, unknown>> = Readonly<T> & Readonly<N>;

/** The values as a frozen tuple with the given field names, in order. */
export function namedTuple<const K extends readonly string[], V>(names: K, values: readonly V[]): NamedTuple<{ readonly [I in keyof K]: V }, { readonly [P in K[number]]: V }> {
  if (values.length !== names.length) throw new Error(`internal: namedTuple got ${values.length} values for ${names.length} names`);
  const t: unknown[] = [...values];
  names.forEach((n, i) => Object.defineProperty(t, n, { value: t[i], enumerable: false }));
  return Object.freeze(t) as unknown as NamedTuple<{ readonly [I in keyof K]: V }, { readonly [P in K[number]]: V }>;
}
