// The limiter interface, shared by the in-process limiters here and the Redis-backed ones to
// come: decide() is async so a store round trip fits behind it, and a Decision says enough
// for an HTTP 429 (Retry-After) or for a shaper to wait (delayMs).
//
// Each algorithm is a pure rule over a small plain state per key, with time passed in:
// `decide(state, nowMs, cost)` updates the state and returns the decision. The same rule,
// as a Lua script over the same fields, is what a Redis limiter runs atomically.

export interface Decision {
  readonly allowed: boolean;
  /** Units that could still be admitted at this instant after this decision. */
  readonly remaining: number;
  /** When refused: ms until the same request would be admitted if nothing else arrives; 0 if allowed. */
  readonly retryAfterMs: number;
  /** Leaky bucket as a queue: ms until this request leaves the queue; 0 for the others. */
  readonly delayMs: number;
}

export interface RateLimiter {
  readonly algorithm: AlgorithmName;
  /** Admits or refuses `cost` units (default 1) for `key`. Throws LimitError on bad input. */
  decide(key: string, cost?: number): Promise<Decision>;
}

export type AlgorithmName =
  | 'token-bucket'
  | 'leaky-meter'
  | 'leaky-queue'
  | 'gcra'
  | 'fixed-window'
  | 'sliding-log'
  | 'sliding-counter';

export interface LimitAlgorithm<S> {
  readonly name: AlgorithmName;
  /** The largest cost a single request may have (more could never be admitted). */
  readonly maxCost: number;
  initial(nowMs: number): S;
  /** Decides at `nowMs` (never earlier than a time this state has seen) and updates `state`. */
  decide(state: S, nowMs: number, cost: number): Decision;
  /** Whether `state` now behaves as a fresh one: it can be forgotten without changing anything. */
  idle(state: S, nowMs: number): boolean;
}

export function refused(remaining: number, retryAfterMs: number): Decision {
  return { allowed: false, remaining, retryAfterMs, delayMs: 0 };
}

export function admitted(remaining: number, delayMs = 0): Decision {
  return { allowed: true, remaining, retryAfterMs: 0, delayMs };
}
