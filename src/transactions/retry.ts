// Retries with capped exponential back-off and full jitter, for the calls a coordinator must
// eventually make succeed: COMMIT PREPARED after the decision, TCC's confirm and cancel, a
// saga's steps and compensations. Each attempt gets its own time limit (an AbortSignal that
// fires after `timeoutMs`); an attempt that throws an error the caller marks as final
// (`isFinal`) is not retried. The last error is rethrown once `attempts` are spent.
//
// Fault model: the callee may fail, hang (cut off by the per-attempt signal) or succeed after
// we stopped waiting — so everything retried here must be idempotent.

export interface RetryOptions {
  /** Attempts in all (≥ 1). */
  readonly attempts: number;
  /** First back-off; doubles per attempt up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Each attempt's time limit (its signal aborts then). */
  readonly timeoutMs: number;
  /** Errors not worth retrying (a refusal, not a failure). */
  readonly isFinal?: (error: unknown) => boolean;
  /** Stops the retries (the pending back-off ends at once). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 5,
  baseDelayMs: 20,
  maxDelayMs: 1_000,
  timeoutMs: 10_000,
};

export async function withRetries<T>(
  options: RetryOptions,
  attempt: (signal: AbortSignal, attemptIndex: number) => Promise<T>,
): Promise<T> {
  let lastError: unknown;
  for (let i = 0; i < Math.max(1, options.attempts); i++) {
    if (i > 0) await backoff(options, i);
    options.signal?.throwIfAborted();
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      return await attempt(signal, i);
    } catch (error) {
      lastError = error;
      if (options.isFinal?.(error) === true) break;
    }
  }
  throw lastError;
}

function backoff(options: RetryOptions, attemptIndex: number): Promise<void> {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attemptIndex - 1));
  const delayMs = Math.random() * cap; // Full jitter: retries of many transactions spread out.
  return new Promise((resolve) => {
    const timer = setTimeout(done, delayMs);
    function done(): void {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', done);
      resolve();
    }
    options.signal?.addEventListener('abort', done, { once: true });
  });
}
