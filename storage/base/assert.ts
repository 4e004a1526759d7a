// Assertions for programmer errors: always on, in production too (TigerBeetle style).
// A failed assertion means a bug in Shoal, never bad input; callers must not catch it.
// Every storage module imports this; operating errors are KvError values instead.

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function assert(cond: unknown, message = 'assertion failed'): asserts cond {
  if (!cond) throw new AssertionError(message);
}

/** For exhaustive switches: a value that the type system says cannot exist. */
export function unreachable(value: never, message = 'unreachable'): never {
  throw new AssertionError(`${message}: ${String(value)}`);
}
