// A retry budget (Finagle's RetryBudget; gRPC's retry throttling has the same intent): over a
// sliding window of `ttlMs`, retries and hedged attempts may number at most
// `minPerSecond × ttlMs / 1000 + ratio × calls`. With every server failing, a client with a
// budget sends at most (1 + ratio) times its calls plus the minimum, instead of multiplying
// the load by its attempt count just when the servers are least able to take it; with a
// healthy fleet, the minimum lets a quiet client still retry.
//
// The window is `BUCKETS` buckets of calls and withdrawals; a bucket older than the window is
// dropped whole, so the window is accurate to ttlMs / BUCKETS. Pure: the clock is injected.
//
// Fault model: the clock may step backwards (treated as no time passing).

import type { Clock } from '../../reliability/clock.js';
import { invalidArgument } from './errors.js';

const BUCKETS = 10;

export interface RetryBudgetOptions {
  /** Retries allowed per call, 0..1 (default 0.1: retries ≤ 10 % of calls). */
  readonly ratio?: number;
  /** Retries allowed per second even with no calls (default 10). */
  readonly minPerSecond?: number;
  /** The window, in ms (default 10 s). */
  readonly ttlMs?: number;
}

export class RetryBudget {
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly ttlMs: number;
  private readonly calls = new Array<number>(BUCKETS).fill(0);
  private readonly spent = new Array<number>(BUCKETS).fill(0);
  /** The index of the newest bucket's time slot (now / slot length). */
  private slot: number;

  constructor(
    private readonly clock: Clock,
    options: RetryBudgetOptions = {},
  ) {
    this.ratio = options.ratio ?? 0.1;
    this.minPerSecond = options.minPerSecond ?? 10;
    this.ttlMs = options.ttlMs ?? 10_000;
    if (!(this.ratio >= 0 && this.ratio <= 1)) throw invalidArgument(`bad ratio ${this.ratio}`);
    if (!(this.minPerSecond >= 0 && this.minPerSecond <= 1e6))
      throw invalidArgument(`bad minPerSecond ${this.minPerSecond}`);
    if (!(Number.isInteger(this.ttlMs) && this.ttlMs >= BUCKETS && this.ttlMs <= 3_600_000))
      throw invalidArgument(`ttlMs must be an integer in ${BUCKETS}..3600000`);
    this.slot = this.slotOf(clock.nowMs());
  }

  /** A call started (deposits `ratio` of a retry). */
  deposit(): void {
    this.advance();
    this.calls[this.slot % BUCKETS] = (this.calls[this.slot % BUCKETS] ?? 0) + 1;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryWithdraw(): boolean {
    if (this.balance() < 1) return false;
    this.spent[this.slot % BUCKETS] = (this.spent[this.slot % BUCKETS] ?? 0) + 1;
    return true;
  }

  /** Retries the budget allows now. */
  balance(): number {
    this.advance();
    const calls = this.calls.reduce((a, b) => a + b, 0);
    const spent = this.spent.reduce((a, b) => a + b, 0);
    return (this.minPerSecond * this.ttlMs) / 1000 + this.ratio * calls - spent;
  }

  private slotOf(now: number): number {
    return Math.floor(now / (this.ttlMs / BUCKETS));
  }

  /** Empties the buckets whose slots left the window. */
  private advance(): void {
    const slot = this.slotOf(this.clock.nowMs());
    if (slot <= this.slot) return;
    for (let s = this.slot + 1; s <= Math.min(slot, this.slot + BUCKETS); s++) {
      this.calls[s % BUCKETS] = 0;
      this.spent[s % BUCKETS] = 0;
    }
    this.slot = slot;
  }
}
