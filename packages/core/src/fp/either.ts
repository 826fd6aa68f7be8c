// Either at the boundaries, for code that prefers values to exceptions. The throwing API stays
// the default; these wrap it: tryCatch turns a JaxtsError (bad input: a shape, a dtype, an
// option) into a Left and lets anything else — a bug, not a user error — propagate, and
// validateOptions reports every bad option of an options object at once, through the
// applicative validation of Either over a non-empty list of errors.
import * as E from "fp-ts/Either";
import { pipe } from "fp-ts/function";
import * as RNEA from "fp-ts/ReadonlyNonEmptyArray";
import * as RA from "fp-ts/ReadonlyArray";
import { type ArgumentError, JaxtsError } from "../errors.js";
import { type OptionKind, type OptionSpec, optionKeyProblem, optionsObjectProblem } from "../options.js";

/**
 * f() as Right, or the JaxtsError it throws as Left; other exceptions propagate.
 *
 * @example
 * import { np, ShapeError, zeros } from "@jaxts/core";
 * import { tryCatch } from "@jaxts/core/fp";
 *
 * const r = tryCatch(() => np.reshape(zeros([6]), [4, 2]));
 * r._tag; // "Left"
 * r._tag === "Left" && r.left instanceof ShapeError; // true
 */
export function tryCatch<A>(f: () => A): E.Either<JaxtsError, A> {
  try {
    return E.right(f());
  } catch (e) {
    if (e instanceof JaxtsError) return E.left(e);
    throw e;
  }
}

/**
 * f lifted to return Either (see tryCatch): `tryCatchK(np.reshape)(x, [2, 3])`.
 *
 * @example
 * import { np, zeros } from "@jaxts/core";
 * import { tryCatchK } from "@jaxts/core/fp";
 *
 * const reshape = tryCatchK(np.reshape);
 * reshape(zeros([6]), [2, 3])._tag; // "Right"
 */
export function tryCatchK<A extends readonly unknown[], B>(f: (...a: A) => B): (...a: A) => E.Either<JaxtsError, B> {
  return (...a) => tryCatch(() => f(...a));
}

/**
 * Errors of one kind only: `pipe(tryCatch(f), E.mapLeft(narrow(ShapeError)))` leaves other JaxtsErrors thrown.
 *
 * @example
 * import { np, ShapeError, zeros } from "@jaxts/core";
 * import { narrow, tryCatch } from "@jaxts/core/fp";
 * import * as E from "fp-ts/Either";
 * import { pipe } from "fp-ts/function";
 *
 * const r = pipe(tryCatch(() => np.reshape(zeros([6]), [4])), E.mapLeft(narrow(ShapeError)));
 * r._tag; // "Left"
 */
export function narrow<K extends JaxtsError>(kind: abstract new (...args: never[]) => K): (e: JaxtsError) => K {
  return (e) => {
    if (e instanceof kind) return e;
    throw e;
  };
}

const Validation = E.getApplicativeValidation(RNEA.getSemigroup<ArgumentError>());

/**
 * validateOptions(opts, where, spec): Right(opts) when every key is known and every value of
 * its declared kind, else Left with one ArgumentError per problem (the messages checkOptions
 * throws, which names the first only).
 *
 * @example
 * import { validateOptions } from "@jaxts/core/fp";
 *
 * const r = validateOptions({ axis: "0", keepdim: true } as unknown as { axis?: number }, "mySum", { axis: "integer" });
 * r._tag === "Left" && r.left.length; // 2
 */
export function validateOptions<T extends object>(opts: T | undefined, where: string, spec: NoInfer<OptionSpec<T>>): E.Either<RNEA.ReadonlyNonEmptyArray<ArgumentError>, T> {
  if (opts === undefined) return E.right({} as T);
  const bad = optionsObjectProblem(opts, where, Object.keys(spec));
  if (bad !== undefined) return E.left([bad]);
  const checkKey = (key: string | symbol): E.Either<RNEA.ReadonlyNonEmptyArray<ArgumentError>, void> => {
    const problem = optionKeyProblem(opts, key, where, spec as Readonly<Record<string, OptionKind>>);
    return problem === undefined ? E.right(undefined) : E.left([problem]);
  };
  return pipe(
    Reflect.ownKeys(opts),
    RA.traverse(Validation)(checkKey),
    E.map(() => opts),
  );
}
