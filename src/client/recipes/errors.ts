// The recipes' own errors (issue 17). Everything else a recipe throws is the client's typed
// error (EtcdError, GrpcError, LeaseLostError …) or the caller's AbortSignal reason.
//
// Fault model: none here (plain error classes); `retryable` follows the client's convention:
// true when trying again later may succeed without changing anything.

/** A recipe's wait ran out of its `timeoutMs` (the caller's signal did not abort it). */
export class RecipeTimeoutError extends Error {
  override readonly name = 'RecipeTimeoutError';
  readonly retryable = true;

  constructor(
    /** What was waited for: 'campaign', 'semaphore acquire', 'dequeue' … */
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what}: timed out after ${timeoutMs} ms`);
  }
}

/**
 * Why something held (a leadership, a semaphore permit) was lost: its session's lease was lost
 * ('lease': expired, revoked, or the keep-alive failed — the `cause` is the LeaseLostError),
 * its key was deleted by someone else ('deleted'), or the watch guarding it failed so that
 * holding can no longer be vouched for ('unknown', the `cause` is the watch's error).
 */
export type HoldLostReason = 'lease' | 'deleted' | 'unknown';

/** The reason of a held thing's `signal` when it is lost. */
export class HoldLostError extends Error {
  override readonly name = 'HoldLostError';
  readonly retryable = false;

  constructor(
    /** The key that was held. */
    readonly key: string,
    readonly reason: HoldLostReason,
    options?: { readonly cause?: unknown },
  ) {
    super(`${key}: lost (${reason})`, options);
  }
}

/** A double barrier entered by more than its count (etcd's ErrTooManyClients). */
export class TooManyClientsError extends Error {
  override readonly name = 'TooManyClientsError';
  readonly retryable = false;

  constructor(
    readonly barrier: string,
    readonly count: number,
    readonly arrived: number,
  ) {
    super(`double barrier ${barrier}: ${arrived} arrived for a count of ${count}`);
  }
}

/** A subscriber that stopped reading fell more than its bound behind (it is ended). */
export class SlowSubscriberError extends Error {
  override readonly name = 'SlowSubscriberError';
  readonly retryable = false;

  constructor(readonly queued: number) {
    super(`subscriber ended: ${queued} updates queued unread`);
  }
}
