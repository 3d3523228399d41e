// The cohort-side bookkeeping every txn/ protocol shares: the durable list of transactions
// it is prepared for (voted Yes, locks held, outcome unknown: "in doubt") and the durable
// outcome it applied to each. An outcome, once applied, never changes — a second, different
// one arriving is ignored here and is exactly what the atomicity check exists to catch
// elsewhere (it can only come from a protocol's own flaw, such as 3PC's under a partition).

import { assert } from '../../../core/assert.js';
import type { Env, Message } from '../../../core/process.js';
import type { TxnOutcome, TxnOutput, TxnVote } from './outputs.js';

export interface TxnCohortState {
  /** Durable: transactions voted Yes on and not yet resolved, ascending. */
  prepared: number[];
  /** Durable: the outcome applied to each transaction. */
  outcomes: Record<number, TxnOutcome>;
}

export function isPrepared(s: TxnCohortState, txn: number): boolean {
  return s.prepared.includes(txn);
}

/** Votes Yes: the prepared record (and its locks) in this step, BEFORE the Yes leaves. */
export function prepare(s: TxnCohortState, env: Env<Message, TxnOutput>, txn: number): void {
  assert(s.outcomes[txn] === undefined, 'a resolved transaction is not prepared again');
  if (!isPrepared(s, txn)) {
    s.prepared = [...s.prepared, txn].sort((a, b) => a - b);
    env.output({ type: 'lock', txn });
  }
  assert(isPrepared(s, txn), 'prepared now');
}

/** Reports a vote as it is sent (a restarted cohort may answer again from its record). */
export function reportVote(env: Env<Message, TxnOutput>, txn: number, vote: TxnVote): void {
  env.output({ type: 'vote', txn, vote });
}

/**
 * Applies `outcome` to `txn` (durable in this step) and releases its locks. Returns the
 * outcome the cohort holds afterwards: the new one, or the one it had already applied.
 */
export function applyOutcome(
  s: TxnCohortState,
  env: Env<Message, TxnOutput>,
  txn: number,
  outcome: TxnOutcome,
): TxnOutcome {
  const had = s.outcomes[txn];
  if (had !== undefined) return had;
  s.outcomes = { ...s.outcomes, [txn]: outcome };
  s.prepared = s.prepared.filter((t) => t !== txn);
  env.output({ type: 'outcome', txn, outcome });
  assert(!isPrepared(s, txn), 'an applied outcome releases the locks');
  return outcome;
}
