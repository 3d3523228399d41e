// The window limiters: at most `limit` units per `windowMs`, three ways.
//
// Fixed window: windows aligned to the clock's origin ([k·W, (k+1)·W)); a counter per window.
//   Cheap and exact per window, but up to 2·limit can pass around a boundary.
// Sliding-window log: a log of admitted requests; a request is admitted iff the units
//   admitted in (t − W, t] plus its cost are at most `limit` — exact over every window, at the
//   cost of one log entry per admitted request (at most `limit` per key).
// Sliding-window counter (Cloudflare's approximation): the current window's count plus the
//   previous window's count weighted by how much of it the sliding window still covers:
//   prev·(W − e)/W + cur + cost ≤ limit, e being the time since the current window began.
//   Two counters per key; never more than `limit` in an aligned window. Evaluated in
//   integers (multiplied through by W), so the formula is applied exactly.

import { checkProduct, LimitError, MAX_PRODUCT, positiveInt } from './errors.js';
import { floorDiv } from './int.js';
import { MAX_PERIOD_MS } from './rate.js';
import { admitted, type Decision, type LimitAlgorithm, refused } from './types.js';

export interface WindowConfig {
  /** Units per window, an integer ≥ 1. */
  readonly limit: number;
  /** The window in ms (default 1000). */
  readonly windowMs?: number;
}

/** A log longer than this per key is a memory hazard; use the sliding counter instead. */
export const MAX_LOG_LIMIT = 1_000_000;

function validateWindow(
  config: WindowConfig,
  maxLimit: number,
): { limit: number; windowMs: number } {
  if (config === null || typeof config !== 'object')
    throw new LimitError('invalid-rate', 'a window limiter needs { limit, windowMs }');
  const limit = positiveInt('invalid-rate', 'limit', config.limit, maxLimit);
  const windowMs = positiveInt(
    'invalid-window',
    'windowMs',
    config.windowMs ?? 1000,
    MAX_PERIOD_MS,
  );
  checkProduct('invalid-window', 'limit × windowMs', limit * windowMs);
  return { limit, windowMs };
}

export interface CounterState {
  startMs: number;
  count: number;
  /** Sliding counter only: the previous window's count. */
  previous: number;
}

export class FixedWindow implements LimitAlgorithm<CounterState> {
  readonly name = 'fixed-window';
  readonly limit: number;
  readonly windowMs: number;
  readonly maxCost: number;

  constructor(config: WindowConfig) {
    ({ limit: this.limit, windowMs: this.windowMs } = validateWindow(config, MAX_PRODUCT));
    this.maxCost = this.limit;
  }

  initial(nowMs: number): CounterState {
    return { startMs: floorDiv(nowMs, this.windowMs) * this.windowMs, count: 0, previous: 0 };
  }

  decide(s: CounterState, nowMs: number, cost: number): Decision {
    if (nowMs >= s.startMs + this.windowMs) Object.assign(s, this.initial(nowMs));
    if (s.count + cost > this.limit)
      return refused(this.limit - s.count, s.startMs + this.windowMs - nowMs);
    s.count += cost;
    return admitted(this.limit - s.count);
  }

  idle(s: CounterState, nowMs: number): boolean {
    return s.count === 0 || nowMs >= s.startMs + this.windowMs;
  }
}

export interface LogState {
  /** Admission times and costs, oldest first, from index `head`. */
  times: number[];
  costs: number[];
  head: number;
  sum: number;
}

export class SlidingLog implements LimitAlgorithm<LogState> {
  readonly name = 'sliding-log';
  readonly limit: number;
  readonly windowMs: number;
  readonly maxCost: number;

  constructor(config: WindowConfig) {
    ({ limit: this.limit, windowMs: this.windowMs } = validateWindow(config, MAX_LOG_LIMIT));
    this.maxCost = this.limit;
  }

  initial(): LogState {
    return { times: [], costs: [], head: 0, sum: 0 };
  }

  /** Drops entries at or before now − W (the window is (now − W, now]). */
  private expire(s: LogState, nowMs: number): void {
    while (s.head < s.times.length && (s.times[s.head] as number) <= nowMs - this.windowMs) {
      s.sum -= s.costs[s.head] as number;
      s.head++;
    }
    // Compact once the dead prefix is half the array: memory stays within 2 × limit entries.
    if (s.head > 0 && s.head * 2 >= s.times.length) {
      s.times.splice(0, s.head);
      s.costs.splice(0, s.head);
      s.head = 0;
    }
  }

  decide(s: LogState, nowMs: number, cost: number): Decision {
    this.expire(s, nowMs);
    if (s.sum + cost <= this.limit) {
      s.times.push(nowMs);
      s.costs.push(cost);
      s.sum += cost;
      return admitted(this.limit - s.sum);
    }
    // Wait until enough of the oldest entries have left the window.
    let left = s.sum;
    let k = s.head;
    while (left + cost > this.limit) left -= s.costs[k++] as number;
    return refused(this.limit - s.sum, (s.times[k - 1] as number) + this.windowMs - nowMs);
  }

  idle(s: LogState, nowMs: number): boolean {
    this.expire(s, nowMs);
    return s.sum === 0;
  }
}

export class SlidingCounter implements LimitAlgorithm<CounterState> {
  readonly name = 'sliding-counter';
  readonly limit: number;
  readonly windowMs: number;
  readonly maxCost: number;

  constructor(config: WindowConfig) {
    ({ limit: this.limit, windowMs: this.windowMs } = validateWindow(config, MAX_PRODUCT));
    this.maxCost = this.limit;
  }

  initial(nowMs: number): CounterState {
    return { startMs: floorDiv(nowMs, this.windowMs) * this.windowMs, count: 0, previous: 0 };
  }

  private roll(s: CounterState, nowMs: number): void {
    const W = this.windowMs;
    if (nowMs >= s.startMs + 2 * W) Object.assign(s, this.initial(nowMs));
    else if (nowMs >= s.startMs + W) {
      s.previous = s.count;
      s.count = 0;
      s.startMs += W;
    }
  }

  /** W × (limit − estimate), the room left, in units of 1/W. */
  private room(previous: number, count: number, elapsedMs: number): number {
    const W = this.windowMs;
    return this.limit * W - previous * (W - elapsedMs) - count * W;
  }

  decide(s: CounterState, nowMs: number, cost: number): Decision {
    this.roll(s, nowMs);
    const W = this.windowMs;
    const elapsed = nowMs - s.startMs;
    const room = this.room(s.previous, s.count, elapsed);
    if (room >= cost * W) {
      s.count += cost;
      return admitted(floorDiv(room - cost * W, W));
    }
    return refused(Math.max(0, floorDiv(room, W)), this.retryAfter(s, elapsed, cost));
  }

  /** The least d ≥ 1 such that the same request is admitted at now + d. */
  private retryAfter(s: CounterState, elapsed: number, cost: number): number {
    const W = this.windowMs;
    // In this window: previous·(W − e′) ≤ (limit − count − cost)·W.
    const spare = this.limit - s.count - cost;
    if (spare >= 0 && s.previous > 0) {
      const e = W - floorDiv(spare * W, s.previous);
      if (e < W) return Math.max(1, e - elapsed);
    }
    // In the next window (previous ← count, count ← 0): count·(W − e″) ≤ (limit − cost)·W.
    const next = s.count === 0 ? 0 : Math.max(0, W - floorDiv((this.limit - cost) * W, s.count));
    return next < W ? W - elapsed + next : 2 * W - elapsed;
  }

  idle(s: CounterState, nowMs: number): boolean {
    this.roll(s, nowMs);
    return s.count === 0 && s.previous === 0;
  }
}
