// Assertions are for our own bugs only: they are always on, and a failing one stops the
// simulated run (or crashes a real node). Bad input from a peer is validated and rejected,
// never asserted on (STYLE.md §6).

export class AssertionError extends Error {
  override readonly name = 'AssertionError';
}

export function assert(condition: unknown, why = 'assertion failed'): asserts condition {
  if (!condition) throw new AssertionError(why);
}

/** Ends every `switch` over a discriminated union so a new case is a compile error. */
export function assertNever(value: never, what = 'value'): never {
  throw new AssertionError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
