// Checks shared by the allocators: every capacity, demand and weight the caller gives is
// turned into an exact Rational here or rejected with a typed error (errors.ts). Input is
// untrusted (it comes from the command line and, later, from job files), so these never
// assert: a NaN demand is the caller's mistake, not our bug.

import {
  DimensionMismatchError,
  InvalidQuantityError,
  TaskTooLargeError,
  ZeroCapacityError,
} from './errors.js';
import { parseDecimal, Rational } from './rational.js';

/** A number (read as the decimal it prints as), a decimal string, or an exact Rational. */
export type Quantity = number | string | Rational;

type Sign = 'non-negative' | 'positive';

/** `value` as an exact rational, or InvalidQuantityError naming `field`. */
export function toQuantity(field: string, value: Quantity, sign: Sign): Rational {
  let q: Rational | undefined;
  if (value instanceof Rational) q = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidQuantityError(field, value, 'not-a-number');
    q = parseDecimal(String(value));
    if (q === undefined) throw new InvalidQuantityError(field, value, 'too-large');
  } else if (typeof value === 'string') {
    q = parseDecimal(value);
    if (q === undefined) {
      const tooLarge = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(value.trim());
      throw new InvalidQuantityError(field, value, tooLarge ? 'too-large' : 'not-a-number');
    }
  } else {
    throw new InvalidQuantityError(field, value, 'not-a-number');
  }
  if (q.isNegative()) throw new InvalidQuantityError(field, value, 'negative');
  if (sign === 'positive' && q.isZero())
    throw new InvalidQuantityError(field, value, 'not-positive');
  return q;
}

/** Weights per user: all 1 when absent; otherwise one positive weight per user. */
export function toWeights(weights: readonly Quantity[] | undefined, users: number): Rational[] {
  if (weights === undefined) return Array.from({ length: users }, () => Rational.ONE);
  if (weights.length !== users)
    throw new DimensionMismatchError('weights (one per user)', users, weights.length);
  return weights.map((w, i) => toQuantity(`weight of user ${i + 1}`, w, 'positive'));
}

/** Capacities per resource: each must be a positive amount. */
export function toCapacities(capacity: readonly Quantity[]): Rational[] {
  if (capacity.length === 0) throw new DimensionMismatchError('resources', 1, 0);
  return capacity.map((c, r) => {
    const q = toQuantity(`capacity of resource ${r + 1}`, c, 'non-negative');
    if (q.isZero()) throw new ZeroCapacityError(r);
    return q;
  });
}

/** A user's per-task demand vector: one non-negative amount per resource, none above it. */
export function toTask(
  user: number,
  task: readonly Quantity[],
  capacity: readonly Rational[],
): Rational[] {
  if (task.length !== capacity.length)
    throw new DimensionMismatchError(
      `user ${user + 1}'s task (one amount per resource)`,
      capacity.length,
      task.length,
    );
  return task.map((d, r) => {
    const q = toQuantity(`demand of user ${user + 1} for resource ${r + 1}`, d, 'non-negative');
    const c = capacity[r] as Rational;
    if (q.gt(c)) throw new TaskTooLargeError(user, r, q.toString(), c.toString());
    return q;
  });
}
