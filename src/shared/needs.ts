/** Thrown by needs(): a precondition at a trust boundary did not hold. Callers translate it to an AWS error. */
export class PreconditionFailed extends Error {
  override readonly name = 'PreconditionFailed';
}

/** A named precondition at a trust boundary (blob parsing, adapter entry points, key-state checks). */
export function needs(condition: unknown, message: string): asserts condition {
  if (!condition) throw new PreconditionFailed(message);
}
