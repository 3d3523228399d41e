// A 2PC cohort (nodes 2..n) [001 §2.3.1]. On CanCommit it executes its part and votes: Yes
// only after its prepared record (redo/undo logged, locks taken) is durable — the kernel
// saves it in the step that sends the Yes — or No, aborting its part at once (a cohort that
// votes No may forget the transaction: no commit can follow). DoCommit / DoAbort apply the
// outcome, release the locks and are acknowledged (HaveCommitted). A prepared cohort that
// hears nothing is in doubt and must wait — it may neither commit nor abort on its own —
// so it asks the coordinator every `retryMs`; with `--cooperative-termination` it asks the
// other cohorts too, and one that knows the outcome, or has not voted (it then aborts, which
// a commit could never have followed), answers. A restarted cohort keeps its prepared
// transactions in doubt and resumes asking.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { applyOutcome, isPrepared, prepare, reportVote } from '../shared/cohort.js';
import type { TxnOutcome } from '../shared/outputs.js';
import { drawVote } from '../shared/workload.js';
import type { X } from './options.js';
import { COORDINATOR } from './state.js';

export function cohortStart(x: X): void {
  const { s, env } = x;
  for (const txn of s.prepared) s.inDoubtSinceMs[txn] = env.now();
  assert(
    s.prepared.every((t) => s.outcomes[t] === undefined),
    'prepared means unresolved',
  );
}

export function cohortCanCommit(x: X, txn: number): void {
  const { s, env, c } = x;
  const outcome = s.outcomes[txn];
  if (outcome === 'commit') return; // A duplicate: the coordinator has decided.
  if (outcome === 'abort') {
    // Voted No (or aborted for a cooperative peer) already: say it again, cast nothing new.
    env.send(COORDINATOR, { type: 'Vote', txn, vote: 'no' });
    return;
  }
  const vote = isPrepared(s, txn) ? 'yes' : drawVote(env, c.opts, env.id);
  if (vote === 'yes') {
    prepare(s, env, txn);
    s.inDoubtSinceMs[txn] ??= env.now();
  } else applyOutcome(s, env, txn, 'abort');
  reportVote(env, txn, vote);
  env.send(COORDINATOR, { type: 'Vote', txn, vote });
  assert(isPrepared(s, txn) === (vote === 'yes'), 'Yes exactly when prepared');
}

export function cohortDecision(x: X, from: NodeId, txn: number, outcome: TxnOutcome): void {
  const { s, env } = x;
  applyOutcome(s, env, txn, outcome);
  delete s.inDoubtSinceMs[txn];
  if (from === COORDINATOR) env.send(COORDINATOR, { type: 'HaveCommitted', txn });
  assert(!isPrepared(s, txn), 'a decision ends the doubt');
}

/** Cooperative termination: a peer in doubt asks what we know. */
export function cohortAnswer(x: X, from: NodeId, txn: number): void {
  const { s, env, c } = x;
  if (!c.opts.cooperativeTermination || isPrepared(s, txn)) return;
  let outcome = s.outcomes[txn];
  if (outcome === undefined) {
    // Not voted yet: abort our part, so that no commit can follow, and say so.
    outcome = applyOutcome(s, env, txn, 'abort');
    reportVote(env, txn, 'no');
  }
  env.send(from, { type: outcome === 'commit' ? 'DoCommit' : 'DoAbort', txn });
  assert(s.outcomes[txn] === outcome, 'we answer what we applied');
}

export function cohortTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const txn of s.prepared) {
    const since = s.inDoubtSinceMs[txn] ?? now;
    if (now - since < c.inDoubtMs) continue;
    s.inDoubtSinceMs[txn] = now;
    env.send(COORDINATOR, { type: 'DecisionRequest', txn });
    if (c.opts.cooperativeTermination)
      for (const peer of c.cohorts)
        if (peer !== env.id) env.send(peer, { type: 'DecisionRequest', txn });
  }
}
