// A Paxos Commit resource manager. On Prepare it votes by proposing its own instance's value
// at ballot 0 straight to the 2F+1 acceptors (the fast path: no phase 1, since ballot 0 is
// its alone): Prepared only after its prepared record is durable (locks held), or Aborted —
// and then it aborts its part at once, since no commit can follow. Commit / Abort apply the
// outcome; the TM's are acknowledged. An RM left in doubt (prepared, no outcome after
// 2·timeoutMs plus jitter) leads itself: a higher ballot, phase 1 for every instance, and the
// outcome it learns goes to every other RM and the TM — so neither the TM's crash nor F
// acceptors' blocks it.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { applyOutcome, isPrepared, prepare, reportVote } from '../shared/cohort.js';
import type { TxnOutcome } from '../shared/outputs.js';
import { drawVote } from '../shared/workload.js';
import { lead } from './leader.js';
import { TM } from './options.js';
import type { X } from './state.js';

const jitter = (x: X) => x.env.random.int(x.c.opts.timeoutMs);

export function rmStart(x: X): void {
  const { s, env, c } = x;
  for (const txn of s.prepared) s.doubtUntilMs[txn] = env.now() + c.inDoubtMs + jitter(x);
  assert(
    s.prepared.every((t) => s.outcomes[t] === undefined),
    'prepared means in doubt',
  );
}

export function rmPrepare(x: X, txn: number): void {
  const { s, env, c } = x;
  const outcome = s.outcomes[txn];
  if (outcome === 'commit') return; // A duplicate, late: decided.
  // A repeated Prepare gets the same vote again; a new one draws it.
  const vote =
    outcome === 'abort' ? 'no' : isPrepared(s, txn) ? 'yes' : drawVote(env, c.opts, env.id);
  if (vote === 'yes') {
    prepare(s, env, txn);
    s.doubtUntilMs[txn] ??= env.now() + c.inDoubtMs + jitter(x);
  } else if (outcome === undefined) applyOutcome(s, env, txn, 'abort');
  if (outcome === undefined) reportVote(env, txn, vote);
  const value = vote === 'yes' ? 'prepared' : 'aborted';
  for (const to of c.acceptors)
    env.send(to, { type: 'Phase2a', txn, rm: env.id, ballot: 0, value });
  assert(vote === 'no' || isPrepared(s, txn), 'prepared is durable before the 2a leaves');
}

/** Applies an outcome; acknowledges the TM's. */
export function rmOutcome(x: X, from: NodeId, txn: number, outcome: TxnOutcome): void {
  const { s, env } = x;
  applyOutcome(s, env, txn, outcome);
  delete s.doubtUntilMs[txn];
  delete s.leading[txn];
  if (from === TM) env.send(TM, { type: 'Ack', txn });
  assert(!isPrepared(s, txn), 'an outcome ends the doubt');
}

/** This RM, leading, learned the outcome: apply it and tell everyone else. */
export function rmLearn(x: X, txn: number, outcome: TxnOutcome): void {
  const { s, env, c } = x;
  delete s.leading[txn];
  delete s.doubtUntilMs[txn];
  env.output({ type: 'decide', txn, outcome });
  applyOutcome(s, env, txn, outcome);
  const message = { type: outcome === 'commit' ? 'Commit' : 'Abort', txn } as const;
  for (const to of [TM, ...c.rms]) if (to !== env.id) env.send(to, message);
}

/** In doubt for too long, or leading without result: lead (again), at a higher ballot. */
export function rmTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const txn of s.prepared) {
    const at = s.leading[txn]?.retryAtMs ?? s.doubtUntilMs[txn] ?? now;
    if (now >= at) lead(x, txn, now + c.opts.timeoutMs + jitter(x));
  }
}
