// Graph input and output names from pytree paths: argument `params` with leaf path `.W0`
// becomes `params.W0`; list positions become `.0`, `.1` (`grads.layers.0.b`). Top-level
// names come from the options (or `input0`, `output0`): never from the function's source,
// whose parameter names a bundler may rename.

/** `[0].W0` → `.W0`-style remainder after the top-level position, with `[k]` written `.k`. */
function dotted(path: string): string {
  return path.replace(/\[(\d+)\]/g, ".$1").replace(/\["((?:[^"\\]|\\.)*)"\]/g, ".$1");
}

/** Splits a flat leaf's path into its top-level position and the rest, e.g. `[1].b` → [1, ".b"]. */
function splitTop(path: string): [number, string] {
  const m = /^\[(\d+)\](.*)$/.exec(path);
  if (m === null) return [0, path];
  return [Number(m[1]), m[2]!];
}

/** Names of flat inputs: the top-level argument's name plus the leaf's path inside it. */
export function inputNames(paths: readonly string[], argNames: readonly string[] | undefined): string[] {
  return paths.map((p) => {
    const [top, rest] = splitTop(p);
    return `${argNames?.[top] ?? `input${top}`}${dotted(rest)}`;
  });
}

/** Names of flat outputs. A tuple's elements are `output0`, `output1.W` unless `given` names
 * them; an object's keys name themselves; a single array is `output`. Names that an input
 * already has get `_out` after their top-level part (ONNX names are unique in a graph). */
export function outputNames(paths: readonly string[], given: readonly string[] | undefined, taken: ReadonlySet<string>): string[] {
  const names = paths.map((p) => {
    const tuple = /^\[(\d+)\](.*)$/.exec(p);
    if (tuple !== null) return { top: given?.[Number(tuple[1])] ?? `output${tuple[1]}`, rest: dotted(tuple[2]!) };
    if (p === "(root)" || p === "") return { top: given?.[0] ?? "output", rest: "" };
    const key = /^\.([^.[]*)(.*)$/.exec(dotted(p));
    return key === null ? { top: "output", rest: dotted(p) } : { top: key[1]!, rest: key[2]! };
  });
  return names.map(({ top, rest }) => (taken.has(`${top}${rest}`) ? `${top}_out${rest}` : `${top}${rest}`));
}
