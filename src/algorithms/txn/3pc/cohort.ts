// A 3PC cohort (nodes 2..n) [001 §2.3.2]. CanCommit: it only checks and votes (a No aborts its
// part at once; a Yes is not logged). PreCommit: it executes and logs (the shared prepared
// record, durable BEFORE its Ack leaves; locks taken) and acknowledges. DoCommit / Abort:
// it applies the outcome and answers HaveCommitted. Its own timeouts: voted Yes and no
// PreCommit within `2 × timeoutMs` → abort; precommitted and no decision within
// `3 × timeoutMs` → commit, by itself. That makes 3PC non-blocking when the coordinator
// crashes — and wrong when the network, not the coordinator, is what failed: a precommitted
// cohort cut off from a coordinator that aborted commits anyway (scenario
// `partition-divergence`).

import { assert } from '../../../core/assert.js';
import { applyOutcome, isPrepared, prepare, reportVote } from '../shared/cohort.js';
import type { TxnOutcome } from '../shared/outputs.js';
import { drawVote } from '../shared/workload.js';
import type { X } from './options.js';
import { COORDINATOR } from './state.js';

export function cohortStart(x: X): void {
  const { s, env } = x;
  for (const txn of s.prepared) s.precommittedSinceMs[txn] = env.now();
  assert(Object.keys(s.uncertain).length === 0, 'a Yes to CanCommit is not durable');
}

export function cohortCanCommit(x: X, txn: number): void {
  const { s, env, c } = x;
  const outcome = s.outcomes[txn];
  if (outcome === 'commit') return; // A duplicate: the coordinator has decided.
  if (outcome === 'abort') {
    env.send(COORDINATOR, { type: 'Vote', txn, vote: 'no' });
    return;
  }
  const again = isPrepared(s, txn) || s.uncertain[txn] !== undefined;
  const vote = again ? 'yes' : drawVote(env, c.opts, env.id);
  if (vote === 'no') applyOutcome(s, env, txn, 'abort');
  else if (!isPrepared(s, txn)) s.uncertain[txn] ??= env.now();
  reportVote(env, txn, vote);
  env.send(COORDINATOR, { type: 'Vote', txn, vote });
  assert(vote === 'yes' || s.outcomes[txn] === 'abort', 'a No aborts at once');
}

export function cohortPreCommit(x: X, txn: number): void {
  const { s, env } = x;
  if (s.outcomes[txn] !== undefined) return; // Decided (by us, on a timeout, or by the coordinator).
  prepare(s, env, txn);
  delete s.uncertain[txn];
  s.precommittedSinceMs[txn] ??= env.now();
  env.send(COORDINATOR, { type: 'Ack', txn });
  assert(isPrepared(s, txn), 'precommitted now');
}

export function cohortDecision(x: X, txn: number, outcome: TxnOutcome): void {
  const { s, env } = x;
  applyOutcome(s, env, txn, outcome);
  delete s.uncertain[txn];
  delete s.precommittedSinceMs[txn];
  env.send(COORDINATOR, { type: 'HaveCommitted', txn });
  assert(!isPrepared(s, txn), 'a decision ends the wait');
}

/** The cohort's timeouts: abort what never got PreCommit, commit what never got a decision. */
export function cohortTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [txn, since] of Object.entries(s.uncertain)) {
    if (now - since < c.waitPreCommitMs) continue;
    delete s.uncertain[Number(txn)];
    applyOutcome(s, env, Number(txn), 'abort');
  }
  for (const txn of s.prepared) {
    const since = s.precommittedSinceMs[txn] ?? now;
    if (now - since < c.waitDecisionMs) continue;
    delete s.precommittedSinceMs[txn];
    applyOutcome(s, env, txn, 'commit');
  }
}
