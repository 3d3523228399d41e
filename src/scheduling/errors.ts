// Typed errors for allocation input that cannot be allocated: one class per condition
// (STYLE.md §8), each with the fields that locate the bad value and `retryable = false`
// (the same input fails the same way). They are the allocators' only throws on caller input;
// anything else thrown is our bug (AssertionError).

/** The base of every allocation input error, so callers can catch them as one kind. */
export class AllocationError extends Error {
  override readonly name: string = 'AllocationError';
  readonly retryable = false;
}

export type QuantityProblem = 'not-a-number' | 'negative' | 'not-positive' | 'too-large';

/** A capacity, demand or weight that is NaN, infinite, negative or (weights) zero. */
export class InvalidQuantityError extends AllocationError {
  override readonly name = 'InvalidQuantityError';
  constructor(
    /** Where: "demand of user 2", "weight of user 1", "capacity of resource 1". */
    readonly field: string,
    readonly value: unknown,
    readonly problem: QuantityProblem,
  ) {
    super(`${field} is ${describe(problem)} (got ${String(value)})`);
  }
}

function describe(problem: QuantityProblem): string {
  switch (problem) {
    case 'not-a-number':
      return 'not a finite number';
    case 'negative':
      return 'negative';
    case 'not-positive':
      return 'not positive';
    case 'too-large':
      return 'beyond the supported size (40 digits, exponent ±60)';
  }
}

/** A resource with no capacity: no share of it is defined. */
export class ZeroCapacityError extends AllocationError {
  override readonly name = 'ZeroCapacityError';
  constructor(readonly resource: number) {
    super(`capacity of resource ${resource + 1} is zero: there is nothing to share`);
  }
}

/** Vectors that must have the same length do not (weights per user, resources per task). */
export class DimensionMismatchError extends AllocationError {
  override readonly name = 'DimensionMismatchError';
  constructor(
    readonly what: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${what}: expected ${expected}, got ${actual}`);
  }
}

/** A task that needs more of a resource than the whole cluster has: it can never run. */
export class TaskTooLargeError extends AllocationError {
  override readonly name = 'TaskTooLargeError';
  constructor(
    readonly user: number,
    readonly resource: number,
    readonly demand: string,
    readonly capacity: string,
  ) {
    super(
      `user ${user + 1}'s task needs ${demand} of resource ${resource + 1}, ` +
        `more than the cluster's ${capacity}`,
    );
  }
}

/** A task that needs no resource at all: its dominant share is zero however many run. */
export class EmptyTaskError extends AllocationError {
  override readonly name = 'EmptyTaskError';
  constructor(readonly user: number) {
    super(`user ${user + 1}'s task needs no resource (a task must need some of one)`);
  }
}

/** Discrete DRF would place more tasks than its bound (memory and time stay bounded). */
export class TooManyTasksError extends AllocationError {
  override readonly name = 'TooManyTasksError';
  constructor(readonly limit: number) {
    super(
      `more than ${limit} tasks fit: use the continuous form, or tasks that are larger ` +
        'relative to the capacity',
    );
  }
}
