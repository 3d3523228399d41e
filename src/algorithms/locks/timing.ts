// The timing rule every lease-based lock in this family shares [003; SPEC §5]: how long,
// on the holder's own clock, it may go on acting on a lease after it ASKED for it, so that
// everything it does lands before the lease can run out anywhere. Expiry is measured by the
// granting node's clock, the holder measures elapsed time on its own, and between the
// holder's check and its effect there may be a process pause and a message's latency.
//
// With ρ the drift bound, P the pause bound, L the worst latency and T the TTL: the grant
// happens after the request left, so the lease lasts at least T/(1+ρ) real time from then;
// the holder's local elapsed time e is at most e/(1−ρ) real; its effect lands by
// e/(1−ρ) + P + L. So it may act while e ≤ (T/(1+ρ) − P − L)(1−ρ). These are exactly the
// assumptions Kleppmann lists for lease locks without fencing: bounded drift, bounded
// pauses, bounded delay. Scenarios outside them (a GC pause, a clock jump) break the lock.
//
// Fault model: the one described; nothing else in it matters (loss, crashes, partitions
// only cost time).

/** Largest clock drift the family's fault models allow (±5%, the fuzzer's own cap). */
export const LOCK_MAX_DRIFT_PPM = 50_000;

/** Longest message delay the family's fault models allow (ms). */
export const LOCK_MAX_DELAY_MS = 40;

/** The simulator's worst latency under LOCK_MAX_DELAY_MS: a reordered message waits 4× more. */
export const LOCK_WORST_LATENCY_MS = 5 * LOCK_MAX_DELAY_MS + 1;

export interface LeaseTiming {
  readonly maxDriftPpm: number;
  readonly maxPauseMs: number;
  readonly maxLatencyMs: number;
}

/**
 * Local milliseconds after sending its request during which a holder may still start an
 * effect (a pause of at most P may follow the check): (T/(1+ρ) − P − L)(1−ρ), rounded down.
 * Negative when the TTL is too short for the model: then no lease is ever usable.
 */
export function leaseBudgetMs(ttlMs: number, m: LeaseTiming): number {
  const rho = m.maxDriftPpm / 1_000_000;
  return Math.floor((ttlMs / (1 + rho) - m.maxPauseMs - m.maxLatencyMs) * (1 - rho));
}
