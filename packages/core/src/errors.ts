// The error hierarchy: every error jaxts throws is a JaxtsError that says what was
// expected, what was given and where (primitive or API name).

export class JaxtsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Shapes that do not fit: names the operation and the shapes involved. */
export class ShapeError extends JaxtsError {}

/** An axis out of range for an array's rank. */
export class AxisError extends ShapeError {}

/** An unsupported dtype, or dtypes that do not combine. */
export class DTypeError extends JaxtsError {}

/** A value of the wrong kind: a non-array where an array is needed, a ragged list, a bad option. */
export class ArgumentError extends JaxtsError {}

/** A number that does not fit the dtype it is stored in (`array(3e9, { dtype: "int32" })`),
 * as JAX's OverflowError. */
export class OverflowError extends ArgumentError {}

/** A traced (abstract) value was used where a concrete one is required. */
export class ConcretizationError extends JaxtsError {}

/** A tracer escaped the transformation that created it and was used afterwards. */
export class TracerLeakError extends JaxtsError {}

/** Differentiation was asked of something that has no derivative (integer inputs, ...). */
export class NotDifferentiableError extends JaxtsError {}

/** Two pytrees that must share a structure do not. */
export class TreeStructureError extends JaxtsError {}
