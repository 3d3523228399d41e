// The in-process limiter: one algorithm, a state per key, an injected clock. decideNow() is
// synchronous; decide() is the async RateLimiter method a Redis-backed limiter shares.
//
// Fault model: keys and costs come from untrusted requests (validated: LimitError); the
// number of keys is bounded (maxKeys) — when the table is full, keys whose state is at rest
// (idle: forgetting them changes no decision) are dropped; if none is, the new key is refused
// with LimitError 'too-many-keys' rather than evicting a key that still counts against its
// limit, which would admit more than allowed. The clock may step backwards: time is taken as
// the latest seen, so no state moves back and no extra unit is admitted.

import type { Clock } from '../clock.js';
import { LimitError, validateCost, validateKey } from './errors.js';
import type { AlgorithmName, Decision, LimitAlgorithm, RateLimiter } from './types.js';

export interface LimiterOptions {
  /** Keys tracked at once (default 100,000). */
  readonly maxKeys?: number;
}

export class InProcessLimiter<S> implements RateLimiter {
  readonly algorithm: AlgorithmName;
  readonly maxKeys: number;
  private readonly states = new Map<string, S>();
  private lastNow: number;

  constructor(
    readonly rule: LimitAlgorithm<S>,
    private readonly clock: Clock,
    options: LimiterOptions = {},
  ) {
    this.algorithm = rule.name;
    const maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isInteger(maxKeys) || maxKeys < 1)
      throw new LimitError(
        'too-many-keys',
        `maxKeys must be an integer ≥ 1, got ${String(maxKeys)}`,
      );
    this.maxKeys = maxKeys;
    this.lastNow = this.readClock();
  }

  private readClock(): number {
    const t = this.clock.nowMs();
    if (!Number.isSafeInteger(t))
      throw new LimitError('invalid-time', `the clock returned ${String(t)}, not integer ms`);
    return t;
  }

  /** The clock's time, never earlier than a time already used. */
  private now(): number {
    const t = this.readClock();
    if (t > this.lastNow) this.lastNow = t;
    return this.lastNow;
  }

  get size(): number {
    return this.states.size;
  }

  decideNow(key: string, cost = 1): Decision {
    validateKey(key);
    validateCost(cost, this.rule.maxCost);
    const now = this.now();
    let state = this.states.get(key);
    if (state === undefined) {
      if (this.states.size >= this.maxKeys) this.sweep(now);
      if (this.states.size >= this.maxKeys)
        throw new LimitError('too-many-keys', `${this.maxKeys} keys are active; ${key} refused`);
      state = this.rule.initial(now);
      this.states.set(key, state);
    }
    return this.rule.decide(state, now, cost);
  }

  async decide(key: string, cost = 1): Promise<Decision> {
    return this.decideNow(key, cost);
  }

  /** Forgets every key whose state is at rest. */
  sweep(now = this.now()): void {
    for (const [key, state] of this.states) if (this.rule.idle(state, now)) this.states.delete(key);
  }
}
