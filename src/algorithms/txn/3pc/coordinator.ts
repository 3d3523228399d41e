// The 3PC coordinator (node 1) [001 §2.3.2; Skeen 1981]. CanCommit to every cohort; all Yes →
// PreCommit to every cohort; all Acks → the decision commit, logged (durable BEFORE DoCommit
// leaves) and sent; a No, or votes or Acks missing after `timeoutMs`, → abort, logged and
// sent. Decisions are resent until every cohort answers HaveCommitted (../shared/
// decision-log.ts). A restarted coordinator resends its logged decisions and leaves the
// transactions it had not decided to the cohorts' own timeouts — the point of 3PC: a cohort
// waiting for PreCommit aborts, a precommitted one commits, with no coordinator at all.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import {
  armBegin,
  beginTxn,
  logDecision,
  recordAck,
  resendLate,
  resendUndone,
  type SendDecision,
} from '../shared/decision-log.js';
import type { TxnOutcome } from '../shared/outputs.js';
import type { X } from './options.js';

const sender =
  (x: X): SendDecision =>
  (to, txn, outcome) =>
    x.env.send(to, { type: outcome === 'commit' ? 'DoCommit' : 'Abort', txn });

export function coordinatorStart(x: X): void {
  resendUndone(x, sender(x));
  armBegin(x.s, x.env, x.c);
  assert(Object.keys(x.s.pending).length === 0, 'a fresh coordinator has nothing pending');
}

export function coordinatorBegin(x: X): void {
  const { s, env, c } = x;
  const txn = beginTxn(s, env, c);
  s.pending[txn] = { phase: 'voting', from: [], sinceMs: env.now() };
  for (const to of c.cohorts) env.send(to, { type: 'CanCommit', txn });
}

function decide(x: X, txn: number, outcome: TxnOutcome): void {
  delete x.s.pending[txn];
  logDecision(x, txn, outcome, sender(x));
}

export function coordinatorVote(x: X, from: NodeId, txn: number, vote: 'yes' | 'no'): void {
  const { s, env, c } = x;
  const pending = s.pending[txn];
  if (pending?.phase !== 'voting') return; // Decided, or past the vote, already.
  if (vote === 'no') return decide(x, txn, 'abort');
  if (!pending.from.includes(from)) pending.from.push(from);
  if (pending.from.length < c.cohorts.length) return;
  s.pending[txn] = { phase: 'precommit', from: [], sinceMs: env.now() };
  for (const to of c.cohorts) env.send(to, { type: 'PreCommit', txn });
  assert(s.log[txn] === undefined, 'a precommitting transaction is undecided');
}

export function coordinatorAck(x: X, from: NodeId, txn: number): void {
  const { s, c } = x;
  const pending = s.pending[txn];
  if (pending?.phase !== 'precommit') return;
  if (!pending.from.includes(from)) pending.from.push(from);
  if (pending.from.length === c.cohorts.length) decide(x, txn, 'commit');
  assert(pending.from.length <= c.cohorts.length, 'each cohort acknowledges once');
}

export function coordinatorHaveCommitted(x: X, from: NodeId, txn: number): void {
  recordAck(x.s, x.c, from, txn);
}

/** Aborts what waited `timeoutMs` for votes or Acks; resends unacknowledged decisions. */
export function coordinatorTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [txn, pending] of Object.entries(s.pending))
    if (now - pending.sinceMs >= c.opts.timeoutMs) decide(x, Number(txn), 'abort');
  resendLate(x, sender(x));
}
