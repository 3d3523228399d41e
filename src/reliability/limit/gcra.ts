// GCRA, the generic cell rate algorithm (ATM Forum TM 4.0; redis-cell and throttled use it):
// one number per key, the theoretical arrival time (TAT) of the next unit. With emission
// interval T = periodMs / rate and tolerance for `burst` units, a request of cost c at time
// t is admitted iff max(TAT, t) + c·T − t ≤ burst·T, and then TAT becomes max(TAT, t) + c·T.
// It admits exactly what a token bucket with the same rate and burst admits, with a single
// timestamp as state — the form a Redis script stores. TAT is kept exactly as whole ms plus
// a fraction in 1/rate ms.

import { ceilDiv, floorDiv } from './int.js';
import { type Rate, type RateConfig, validateRate } from './rate.js';
import { admitted, type Decision, type LimitAlgorithm, refused } from './types.js';

export interface GcraState {
  tatMs: number;
  /** In 1/rate ms, 0 ≤ tatFrac < rate. */
  tatFrac: number;
}

export class Gcra implements LimitAlgorithm<GcraState> {
  readonly name = 'gcra';
  readonly rate: Rate;
  readonly maxCost: number;

  constructor(config: RateConfig) {
    this.rate = validateRate(config);
    this.maxCost = this.rate.burst;
  }

  initial(nowMs: number): GcraState {
    return { tatMs: nowMs, tatFrac: 0 };
  }

  /** (TAT − now) × rate when TAT is ahead of now, else 0. */
  private ahead(s: GcraState, nowMs: number): number {
    return Math.max(0, (s.tatMs - nowMs) * this.rate.rate + s.tatFrac);
  }

  decide(s: GcraState, nowMs: number, cost: number): Decision {
    const { rate, periodMs, capacity } = this.rate;
    const ahead = this.ahead(s, nowMs); // (max(TAT, t) − t) × rate
    const next = ahead + cost * periodMs; // (new TAT − t) × rate
    if (next > capacity)
      return refused(floorDiv(capacity - ahead, periodMs), ceilDiv(next - capacity, rate));
    // new TAT = t + next / rate, exactly.
    s.tatMs = nowMs + floorDiv(next, rate);
    s.tatFrac = next - floorDiv(next, rate) * rate;
    return admitted(floorDiv(capacity - next, periodMs));
  }

  idle(s: GcraState, nowMs: number): boolean {
    return this.ahead(s, nowMs) === 0;
  }
}
