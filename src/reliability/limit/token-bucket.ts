// Token bucket: a bucket of `burst` tokens, refilled at `rate` per `periodMs`, starting
// full; a request of cost c takes c tokens or is refused. Over any interval of length d it
// admits at most burst + rate·d/periodMs units, and it refuses only when the tokens are not
// there. State per key: the token deficit (scaled by periodMs) and when it was computed —
// kept as a deficit so that an idle bucket is the zero state.

import { ceilDiv, floorDiv } from './int.js';
import { drain, type Rate, type RateConfig, validateRate } from './rate.js';
import { admitted, type Decision, type LimitAlgorithm, refused } from './types.js';

export interface BucketState {
  /** Scaled units short of a full bucket (token bucket) or water in it (leaky meter). */
  level: number;
  atMs: number;
}

export class TokenBucket implements LimitAlgorithm<BucketState> {
  readonly name = 'token-bucket';
  readonly rate: Rate;
  readonly maxCost: number;

  constructor(config: RateConfig) {
    this.rate = validateRate(config);
    this.maxCost = this.rate.burst;
  }

  initial(nowMs: number): BucketState {
    return { level: 0, atMs: nowMs };
  }

  decide(s: BucketState, nowMs: number, cost: number): Decision {
    const { rate, periodMs, capacity } = this.rate;
    const missing = drain(s.level, nowMs - s.atMs, rate); // Refill: the deficit shrinks.
    s.level = missing;
    s.atMs = nowMs;
    const tokens = capacity - missing;
    const need = cost * periodMs;
    if (tokens < need) return refused(floorDiv(tokens, periodMs), ceilDiv(need - tokens, rate));
    s.level = missing + need;
    return admitted(floorDiv(tokens - need, periodMs));
  }

  idle(s: BucketState, nowMs: number): boolean {
    return drain(s.level, nowMs - s.atMs, this.rate.rate) === 0;
  }
}
