// Warnings where JAX warns rather than raises (its ComplexWarning on a complex → real cast):
// through Node's process.emitWarning when there is one (so --no-warnings and listeners work),
// else console.warn. Each message is shown once per process, as Python's default filter shows
// a warning once per location.
const shown = new Set<string>();
const counts = new Map<string, number>();

/** How many warnings of `category` were raised, shown or not (the fuzz suite watches this). */
export const warningCount = (category: string): number => counts.get(category) ?? 0;

export function warnOnce(category: string, message: string): void {
  counts.set(category, warningCount(category) + 1);
  if (shown.has(message)) return;
  shown.add(message);
  const proc = (globalThis as { process?: { emitWarning?: (msg: string, type: string) => void } }).process;
  if (typeof proc?.emitWarning === "function") proc.emitWarning(message, category);
  else console.warn(`${category}: ${message}`);
}
