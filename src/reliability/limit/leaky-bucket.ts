// The leaky bucket, both ways the literature uses the name.
//
// As a meter (ITU-T I.371's "continuous-state leaky bucket"): each admitted unit pours one
// unit of water into a bucket of size `burst` that leaks at `rate` per `periodMs`; a request
// that would overflow it is refused. It admits exactly what a token bucket of the same
// parameters admits (the water is the tokens' deficit) — the test checks that decision for
// decision.
//
// As a queue (a shaper, as nginx's limit_req with burst and no nodelay): requests join a FIFO
// of `capacity` units that is emptied at exactly `rate` per `periodMs`; a request that finds
// no room is refused, an admitted one is told how long it waits (delayMs). Departures are
// spaced exactly periodMs/rate apart and no unit waits while the queue could serve it. State:
// the departure time of the last unit queued, as whole ms plus a fraction in 1/rate ms.

import { LimitError, positiveInt } from './errors.js';
import { ceilDiv, floorDiv } from './int.js';
import { drain, type Rate, type RateConfig, validateRate } from './rate.js';
import type { BucketState } from './token-bucket.js';
import { admitted, type Decision, type LimitAlgorithm, refused } from './types.js';

export class LeakyMeter implements LimitAlgorithm<BucketState> {
  readonly name = 'leaky-meter';
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
    const water = drain(s.level, nowMs - s.atMs, rate);
    s.level = water;
    s.atMs = nowMs;
    const poured = water + cost * periodMs;
    if (poured > capacity)
      return refused(floorDiv(capacity - water, periodMs), ceilDiv(poured - capacity, rate));
    s.level = poured;
    return admitted(floorDiv(capacity - poured, periodMs));
  }

  idle(s: BucketState, nowMs: number): boolean {
    return drain(s.level, nowMs - s.atMs, this.rate.rate) === 0;
  }
}

export interface QueueConfig {
  readonly rate: number;
  readonly periodMs?: number;
  /** Units that may wait in the queue, an integer ≥ 1. */
  readonly capacity: number;
}

export interface QueueState {
  /** The last queued unit's departure: lastMs + lastFrac / rate ms; null when never used. */
  lastMs: number | null;
  lastFrac: number;
}

export class LeakyQueue implements LimitAlgorithm<QueueState> {
  readonly name = 'leaky-queue';
  readonly rate: Rate;
  readonly maxCost: number;

  constructor(config: QueueConfig) {
    if (config.capacity === undefined)
      throw new LimitError('invalid-burst', 'capacity must be an integer ≥ 1, got undefined');
    this.rate = validateRate({ ...config, burst: config.capacity }, 'capacity');
    this.maxCost = positiveInt('invalid-burst', 'capacity', config.capacity, this.rate.burst);
  }

  initial(): QueueState {
    return { lastMs: null, lastFrac: 0 };
  }

  /** (departure − now) × rate, for a departure of ms + frac/rate. */
  private ahead(ms: number, frac: number, nowMs: number): number {
    return (ms - nowMs) * this.rate.rate + frac;
  }

  decide(s: QueueState, nowMs: number, cost: number): Decision {
    const { rate, periodMs, capacity } = this.rate;
    // The first new unit leaves one interval after the last queued one, or now if idle.
    let ms = nowMs;
    let frac = 0;
    if (s.lastMs !== null && this.ahead(s.lastMs, s.lastFrac, nowMs) + periodMs > 0) {
      ms = s.lastMs;
      frac = s.lastFrac + periodMs;
    }
    // The request's last unit leaves (cost − 1) intervals after its first.
    frac += (cost - 1) * periodMs;
    ms += floorDiv(frac, rate);
    frac -= floorDiv(frac, rate) * rate;
    // Units waiting at `now` (departing after it) are ⌈(last departure − now) / interval⌉.
    const ahead = this.ahead(ms, frac, nowMs);
    const waiting = ahead > 0 ? ceilDiv(ahead, periodMs) : 0;
    if (waiting > this.maxCost) {
      const queued =
        s.lastMs === null
          ? 0
          : Math.max(0, ceilDiv(this.ahead(s.lastMs, s.lastFrac, nowMs), periodMs));
      return refused(Math.max(0, this.maxCost - queued), ceilDiv(ahead - capacity, rate));
    }
    s.lastMs = ms;
    s.lastFrac = frac;
    return admitted(this.maxCost - waiting, ahead > 0 ? ceilDiv(ahead, rate) : 0);
  }

  idle(s: QueueState, nowMs: number): boolean {
    return s.lastMs === null || this.ahead(s.lastMs, s.lastFrac, nowMs) + this.rate.periodMs <= 0;
  }
}
