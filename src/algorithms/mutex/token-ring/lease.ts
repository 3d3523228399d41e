// Leases that keep an old token from being used once a new generation is issued.
//
// Why a lease at all. A holder that crashes for good must be replaced (the others must go
// on being served), yet to everybody else it looks exactly like a holder that is merely
// paused inside the critical section. Any protocol that regenerates the token after a
// crash therefore also regenerates it under a long enough pause, and the paused holder,
// still inside, breaks mutual exclusion. So safety needs a bound on pauses (and on clock
// drift, since durations are measured on local clocks). These are the only timing
// assumptions: message delays, loss, partitions and crash-restarts never matter.
//
// The rule, with ρ the drift bound, P the pause bound and W the lease:
//   * a GRANT is what a node gives when it takes the token or promises a generation: for W
//     on its own clock it reports the unexpired rest of that grant to any candidate;
//   * a holder may enter only if, since its own previous take of this generation's token
//     (its reference point R), a majority of nodes granted to the same token, and it will
//     be out by R + W/(1+ρ) in real time even if paused for P: elapsed + hold ≤ budget;
//   * a candidate that gathered a majority of promises waits out the longest remaining
//     grant its promisers reported before it issues the new token.
// Any such majority meets the holder's majority in a node p. p granted to the old token
// after R and before it promised the new generation (after promising it refuses older
// tokens), so the candidate waits at least W/(1+ρ) real time past p's grant, and the
// holder is out by then. Derivation in README.md ("Why at most one token").

export interface LeaseModel {
  /** Longest process pause (P), in ms. */
  readonly maxPauseMs: number;
  /** Largest clock drift |ρ|, in parts per million. */
  readonly maxDriftPpm: number;
}

function rho(m: LeaseModel): number {
  return m.maxDriftPpm / 1_000_000;
}

/**
 * The local time a holder may spend between its reference point and its exit: the real
 * bound W/(1+ρ), less a pause P, measured on a clock that may run slow by ρ.
 */
export function entryBudgetMs(leaseMs: number, m: LeaseModel): number {
  return (leaseMs / (1 + rho(m)) - m.maxPauseMs) * (1 - rho(m));
}

/** The lease W that leaves a budget of `neededMs` (a full lap and a hold, with slack). */
export function leaseFor(neededMs: number, m: LeaseModel): number {
  return Math.ceil((neededMs / (1 - rho(m)) + m.maxPauseMs) * (1 + rho(m)));
}

/** May a holder whose reference point is `sinceRefMs` ago enter for up to `holdMs`? */
export function mayEnter(sinceRefMs: number, holdMs: number, leaseMs: number, m: LeaseModel) {
  return sinceRefMs + holdMs <= entryBudgetMs(leaseMs, m);
}

/** What is left of a grant given `sinceGrantMs` ago (local clock), as reported to a candidate. */
export function remainingGrantMs(sinceGrantMs: number, leaseMs: number): number {
  return Math.max(0, Math.ceil(leaseMs - sinceGrantMs));
}
