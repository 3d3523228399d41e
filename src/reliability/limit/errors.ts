// The rate limiters' typed errors and the checks of their configuration and calls. Rates,
// bursts and windows may come from configuration files or users; keys and costs from
// untrusted requests. All are validated here and refused with a LimitError naming the
// problem; nothing is clamped silently (a NaN rate would otherwise admit everything).
// A Redis-backed limiter adds two: 'unavailable' (the server cannot answer; `cause` holds the
// client's error) and 'bad-state' (a key in the limiter's namespace holds something it never
// wrote).

export type LimitErrorCode =
  | 'invalid-rate'
  | 'invalid-burst'
  | 'invalid-window'
  | 'invalid-cost'
  | 'invalid-key'
  | 'invalid-time'
  | 'too-many-keys'
  | 'unavailable'
  | 'bad-state';

export class LimitError extends Error {
  override readonly name = 'LimitError';
  constructor(
    readonly code: LimitErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Products of rate, burst and period stay below this, so every comparison is exact. */
export const MAX_PRODUCT = 2 ** 50;
export const MAX_KEY_LENGTH = 1024;

/** An integer in 1..max, or a LimitError with `code`. */
export function positiveInt(
  code: LimitErrorCode,
  name: string,
  value: unknown,
  max: number,
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw new LimitError(code, `${name} must be an integer in 1..${max}, got ${String(value)}`);
  return value;
}

export function checkProduct(code: LimitErrorCode, what: string, product: number): void {
  if (product > MAX_PRODUCT) throw new LimitError(code, `${what} is too large (above 2^50)`);
}

export function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH)
    throw new LimitError(
      'invalid-key',
      `a key is a string of at most ${MAX_KEY_LENGTH} characters`,
    );
  return key;
}

export function validateCost(cost: unknown, maxCost: number): number {
  if (typeof cost !== 'number' || !Number.isInteger(cost) || cost < 1)
    throw new LimitError('invalid-cost', `cost must be a positive integer, got ${String(cost)}`);
  if (cost > maxCost)
    throw new LimitError(
      'invalid-cost',
      `cost ${cost} can never be admitted (the limit is ${maxCost})`,
    );
  return cost;
}
