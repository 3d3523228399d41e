// The rate shared by the bucket-type limiters: `rate` units per `periodMs`, with room for
// `burst` units at once. Rates are integers over an integer period (0.5/s is rate 1 per
// 2000 ms), so the limiters keep their state in scaled integers — a bucket level in units of
// 1/periodMs — and never round: admitted counts are exact over any stream.

import { checkProduct, MAX_PRODUCT, positiveInt } from './errors.js';

export interface RateConfig {
  /** Units per period, an integer ≥ 1. */
  readonly rate: number;
  /** The period in ms (default 1000). */
  readonly periodMs?: number;
  /** Units admitted at once from a full bucket, an integer ≥ 1 (default: rate). */
  readonly burst?: number;
}

export interface Rate {
  readonly rate: number;
  readonly periodMs: number;
  readonly burst: number;
  /** burst × periodMs: the bucket's size in scaled units. */
  readonly capacity: number;
}

/** A year: longer periods are configuration mistakes. */
export const MAX_PERIOD_MS = 365 * 86_400_000;

export function validateRate(config: RateConfig, burstName = 'burst'): Rate {
  const rate = positiveInt('invalid-rate', 'rate', config.rate, MAX_PRODUCT);
  const periodMs = positiveInt('invalid-rate', 'periodMs', config.periodMs ?? 1000, MAX_PERIOD_MS);
  const burst = positiveInt('invalid-burst', burstName, config.burst ?? rate, MAX_PRODUCT);
  checkProduct('invalid-burst', `${burstName} × periodMs`, burst * periodMs);
  return { rate, periodMs, burst, capacity: burst * periodMs };
}

/**
 * `amount` scaled units less `elapsedMs` × rate, not below zero, without computing a product
 * that could lose precision: past amount/rate + 1 ms the result is certainly zero.
 */
export function drain(amount: number, elapsedMs: number, rate: number): number {
  if (elapsedMs <= 0) return amount;
  if (elapsedMs > amount / rate + 1) return 0;
  return Math.max(0, amount - elapsedMs * rate);
}
