// A retry budget (Finagle's RetryBudget, Envoy's retry_budget): retries are allowed only while
// they stay under a fraction of the calls made recently, plus a small floor so a quiet client
// can still retry. Per-call attempt limits alone multiply load when a dependency fails — three
// layers of "retry 3 times" turn one call into 64 — while a budget caps the extra load at
// `ratio` whatever the failure rate: under a total outage a client sends at most
// (1 + ratio) × its calls (plus the floor), not maxAttempts × its calls.
//
// Counting: a ring of BUDGET_SLOTS buckets spanning `windowMs`; a call (deposit) and a retry
// (withdrawal) land in the bucket of the current time, and buckets older than the window are
// cleared as time moves. A count therefore lives between windowMs·(1 − 1/BUDGET_SLOTS) and
// windowMs, which is as precise as a budget needs to be and costs O(BUDGET_SLOTS) memory.
//
// Fault model: none of its own; time comes from the injected clock (virtual in tests). A clock
// that steps backwards is read as standing still (clock.ts), so no bucket is counted twice.

import type { Clock } from '../clock.js';
import { checkOption } from './errors.js';

/** Buckets in the window: a count expires at most windowMs / BUDGET_SLOTS early. */
export const BUDGET_SLOTS = 10;
const MAX_WINDOW_MS = 3_600_000;
const MAX_MIN_RETRIES_PER_SECOND = 1_000_000;

export interface RetryBudgetOptions {
  /** Retries allowed per recent call (Finagle's percentCanRetry), 0..1; default 0.2. */
  readonly ratio?: number;
  /** How long a call or a retry counts (Finagle's ttl); default 10 s. */
  readonly windowMs?: number;
  /** Retries per second allowed even without calls (Finagle's minRetriesPerSec); default 10. */
  readonly minRetriesPerSecond?: number;
}

export class RetryBudget {
  readonly ratio: number;
  readonly windowMs: number;
  readonly minRetriesPerSecond: number;
  private readonly slotMs: number;
  private readonly calls = new Array<number>(BUDGET_SLOTS).fill(0);
  private readonly retries = new Array<number>(BUDGET_SLOTS).fill(0);
  /** The bucket number (time / slotMs) the ring's newest bucket holds. */
  private epoch: number;
  private lastMs: number;
  /** Retries refused since the budget was made (for metrics and tests). */
  refused = 0;

  constructor(
    private readonly clock: Clock,
    options: RetryBudgetOptions = {},
  ) {
    this.ratio = checkOption('ratio', options.ratio ?? 0.2, { min: 0, max: 1, integer: false });
    this.windowMs = checkOption('windowMs', options.windowMs ?? 10_000, {
      min: BUDGET_SLOTS,
      max: MAX_WINDOW_MS,
    });
    this.minRetriesPerSecond = checkOption(
      'minRetriesPerSecond',
      options.minRetriesPerSecond ?? 10,
      { min: 0, max: MAX_MIN_RETRIES_PER_SECOND, integer: false },
    );
    this.slotMs = Math.ceil(this.windowMs / BUDGET_SLOTS);
    this.lastMs = clock.nowMs();
    this.epoch = Math.floor(this.lastMs / this.slotMs);
  }

  /** Records a call (its first attempt): each one earns `ratio` of a retry. */
  deposit(): void {
    const slot = this.advance();
    this.calls[slot] = (this.calls[slot] as number) + 1;
  }

  /** Takes one retry from the budget: false (and nothing taken) when it is spent. */
  tryWithdraw(): boolean {
    const slot = this.advance();
    if (this.available() < 1) {
      this.refused += 1;
      return false;
    }
    this.retries[slot] = (this.retries[slot] as number) + 1;
    return true;
  }

  /** Whole retries the budget would allow now. */
  available(): number {
    this.advance();
    const allowed = this.floor() + this.ratio * sum(this.calls);
    return Math.max(0, Math.floor(allowed + 1e-9) - sum(this.retries));
  }

  /** Calls and retries counted in the current window. */
  counts(): { calls: number; retries: number } {
    this.advance();
    return { calls: sum(this.calls), retries: sum(this.retries) };
  }

  private floor(): number {
    return (this.minRetriesPerSecond * this.windowMs) / 1000;
  }

  /** Moves the ring to the current time, clearing expired buckets; returns the current slot. */
  private advance(): number {
    const now = Math.max(this.clock.nowMs(), this.lastMs);
    this.lastMs = now;
    const epoch = Math.floor(now / this.slotMs);
    const passed = Math.min(epoch - this.epoch, BUDGET_SLOTS);
    for (let i = 1; i <= passed; i++) {
      const slot = ringSlot(this.epoch + i);
      this.calls[slot] = 0;
      this.retries[slot] = 0;
    }
    this.epoch = epoch;
    return ringSlot(epoch);
  }
}

/** A bucket number's place in the ring (the clock's origin is arbitrary: it may be negative). */
function ringSlot(epoch: number): number {
  return ((epoch % BUDGET_SLOTS) + BUDGET_SLOTS) % BUDGET_SLOTS;
}

function sum(xs: readonly number[]): number {
  let total = 0;
  for (const x of xs) total += x;
  return total;
}
