// Known failures the fuzz suite may tolerate while a fix is under way elsewhere. A listed
// function may throw the error classes its reason starts with ("RangeError|TypeError: ...";
// "MalformedResult" tolerates a returned array with an impossible shape) instead of a
// JaxtsError without failing the suite; every other check (only that class, inputs unchanged,
// prototypes untouched, grad still works afterwards) still applies. Empty: every function is
// guarded. An entry added here must name the issue that removes it.
export const ALLOWED_FAILURES: Readonly<Record<string, string>> = {};

/** Functions whose options object may still ignore an unknown key (none: every options object
 * goes through checkOptions). fuzzUnknownOption tolerates a normal return for these. */
export const UNCHECKED_OPTIONS: ReadonlySet<string> = new Set<string>([]);
