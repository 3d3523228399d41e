// Policies composed per downstream: each target name (a service, a host:port, a database) gets
// its own circuit breaker, bulkhead and retry budget, so one failing or slow dependency
// trips its own breaker and fills its own pool without touching calls to the others. The
// policies are cockatiel's; what is added is the per-target table, the order they compose
// in, and the retry budget threaded into cockatiel's retry.
//
// One call, outermost first:
//   retry (attempt limit, exponential backoff with full jitter, the target's retry budget)
//     → circuit breaker (the target's; open → BrokenCircuitError at once, never retried)
//       → timeout (per attempt, cooperative or aggressive, through the AbortSignal)
//         → bulkhead (the target's pool; full pool and queue → BulkheadRejectedError)
//           → the call
// The timeout covers the bulkhead's queue so an attempt's latency is bounded; a bulkhead
// rejection is local overload, not the target failing, so it neither counts against the
// breaker nor is retried (retrying into a full pool only adds load).
//
// Fault model: target names come from callers (perhaps from a registry or a request) and are
// validated and bounded in number; the call itself may throw, hang or ignore its signal —
// the aggressive timeout is the defence against the last. A caller's own abort counts as a
// failure for the breaker (cockatiel cannot tell it from a timeout): abort rarely.

import {
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  circuitBreaker,
  ExponentialBackoff,
  fullJitterGenerator,
  handleWhen,
  type IBackoffFactory,
  type IBreaker,
  type ICircuitBreakerOptions,
  type IPolicy,
  type IRetryBackoffContext,
  bulkhead as makeBulkhead,
  retry as makeRetry,
  timeout as makeTimeout,
  noop,
  TimeoutStrategy,
  wrap,
} from 'cockatiel';
import { type Clock, systemClock } from '../clock.js';
import {
  checkOption,
  IsolationError,
  isBrokenCircuitError,
  isBulkheadRejectedError,
} from './errors.js';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget.js';

const MAX_TARGET_NAME_LENGTH = 256;
const MAX_ATTEMPTS = 100;
const MAX_CONCURRENCY = 1_000_000;
const MAX_TIMEOUT_MS = 86_400_000;

export interface DownstreamOptions {
  /** One breaker per target: `breaker` makes its counting rule (cockatiel's). */
  readonly breaker?: {
    readonly breaker: () => IBreaker;
    readonly halfOpenAfter: ICircuitBreakerOptions['halfOpenAfter'];
  };
  /** One pool per target: `limit` calls at once, `queue` more waiting (default 0). */
  readonly bulkhead?: { readonly limit: number; readonly queue?: number };
  /** Per attempt. Cooperative: the call must honour its signal; aggressive: it is abandoned. */
  readonly timeout?: { readonly ms: number; readonly strategy?: TimeoutStrategy };
  readonly retry?: {
    /** Retries after the first attempt (cockatiel's maxAttempts). */
    readonly maxAttempts: number;
    /** Default: exponential from 100 ms to 10 s with full jitter (the first retry at once). */
    readonly backoff?: IBackoffFactory<IRetryBackoffContext<unknown>>;
    /** One budget per target; `false` for none (the attempt limit alone). */
    readonly budget?: RetryBudgetOptions | false;
  };
  /** Which failures may be retried (default: all but open breakers and full bulkheads). */
  readonly retryable?: (error: Error) => boolean;
  /** Time for the retry budgets (cockatiel's breaker and timers read the real clock). */
  readonly clock?: Clock;
  /** Targets at most (names may come from requests); default 1000. */
  readonly maxTargets?: number;
}

/** One target's policies, for events (`breaker.onBreak`), state and gauges. */
export interface Downstream {
  readonly name: string;
  readonly breaker: CircuitBreakerPolicy | undefined;
  readonly bulkhead: BulkheadPolicy | undefined;
  readonly budget: RetryBudget | undefined;
  /** breaker → timeout → bulkhead, without the retry (which is made per call). */
  readonly attempt: IPolicy;
}

const defaultRetryable = (e: Error) => !isBrokenCircuitError(e) && !isBulkheadRejectedError(e);

export class Downstreams {
  private readonly table = new Map<string, Downstream>();
  private readonly maxTargets: number;
  private readonly retryable: (error: Error) => boolean;
  private readonly backoff: IBackoffFactory<IRetryBackoffContext<unknown>>;

  constructor(private readonly options: DownstreamOptions = {}) {
    this.maxTargets = checkOption('maxTargets', options.maxTargets ?? 1000, {
      min: 1,
      max: 1_000_000,
    });
    this.retryable = options.retryable ?? defaultRetryable;
    const r = options.retry;
    if (r !== undefined)
      checkOption('retry.maxAttempts', r.maxAttempts, { min: 0, max: MAX_ATTEMPTS });
    this.backoff =
      r?.backoff ??
      new ExponentialBackoff({
        initialDelay: 100,
        maxDelay: 10_000,
        generator: fullJitterGenerator,
      });
    const b = options.bulkhead;
    if (b !== undefined) {
      checkOption('bulkhead.limit', b.limit, { min: 1, max: MAX_CONCURRENCY });
      checkOption('bulkhead.queue', b.queue ?? 0, { min: 0, max: MAX_CONCURRENCY });
    }
    const t = options.timeout;
    if (t !== undefined) checkOption('timeout.ms', t.ms, { min: 1, max: MAX_TIMEOUT_MS });
    if (r?.budget) new RetryBudget(systemClock, r.budget); // Validates the options now.
  }

  /**
   * Runs `fn` against `target` under its policies. `fn` gets the attempt's signal (aborted on
   * a timeout or when `signal` aborts). Throws what `fn` threw after the last attempt, or
   * BrokenCircuitError, BulkheadRejectedError, TaskCancelledError (timeout), IsolationError.
   */
  async call<T>(
    target: string,
    fn: (signal: AbortSignal) => PromiseLike<T> | T,
    signal?: AbortSignal,
  ): Promise<T> {
    const d = this.get(target);
    const run = ({ signal: s }: { signal: AbortSignal }) =>
      d.attempt.execute(({ signal: inner }) => fn(inner), s);
    const r = this.options.retry;
    if (r === undefined || r.maxAttempts === 0) return run({ signal: signal ?? neverAborted });
    d.budget?.deposit();
    // A retry policy per call: its filter runs once per failed attempt, so it can count them
    // and take a retry from the budget only when one would really follow (never for the last
    // attempt's failure, never for a failure that is not retried).
    let failures = 0;
    const policy = makeRetry(
      handleWhen((e) => {
        failures += 1;
        if (failures > r.maxAttempts || signal?.aborted === true || !this.retryable(e))
          return false;
        return d.budget?.tryWithdraw() ?? true;
      }),
      { maxAttempts: r.maxAttempts, backoff: this.backoff },
    );
    return policy.execute(run, signal);
  }

  /** The target's policies, made on first use. */
  get(target: string): Downstream {
    const known = this.table.get(target);
    if (known !== undefined) return known;
    if (typeof target !== 'string' || target.length === 0 || target.length > MAX_TARGET_NAME_LENGTH)
      throw new IsolationError(
        'invalid-target',
        `a target name is 1..${MAX_TARGET_NAME_LENGTH} characters`,
      );
    if (this.table.size >= this.maxTargets)
      throw new IsolationError('too-many-targets', `more than ${this.maxTargets} targets`);
    const d = this.make(target);
    this.table.set(target, d);
    return d;
  }

  targets(): string[] {
    return [...this.table.keys()];
  }

  private make(name: string): Downstream {
    const o = this.options;
    // A full bulkhead is not the target failing: it never opens the breaker.
    const breaker =
      o.breaker === undefined
        ? undefined
        : circuitBreaker(
            handleWhen((e) => !isBulkheadRejectedError(e)),
            {
              breaker: o.breaker.breaker(),
              halfOpenAfter: o.breaker.halfOpenAfter,
            },
          );
    const timeout =
      o.timeout === undefined
        ? undefined
        : makeTimeout(o.timeout.ms, o.timeout.strategy ?? TimeoutStrategy.Aggressive);
    const bulkhead =
      o.bulkhead === undefined ? undefined : makeBulkhead(o.bulkhead.limit, o.bulkhead.queue ?? 0);
    const budgetOptions = o.retry?.budget;
    const budget =
      o.retry === undefined || budgetOptions === false
        ? undefined
        : new RetryBudget(o.clock ?? systemClock, budgetOptions ?? {});
    const layers: IPolicy[] = [breaker, timeout, bulkhead].filter((p) => p !== undefined);
    const attempt = layers.length === 0 ? noop : wrap(...layers);
    return { name, breaker, bulkhead, budget, attempt };
  }
}

const neverAborted = new AbortController().signal;
