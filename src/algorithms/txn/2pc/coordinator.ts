// The 2PC coordinator (node 1) [001 §2.3.1]. Phase 1: it begins a transaction (the count of
// begun transactions is durable BEFORE its CanCommit leaves, so a restart never reuses an
// id) and collects votes; one No, or votes missing at the vote timeout, aborts. Phase 2: the
// decision is written to its log — durable BEFORE DoCommit / DoAbort leave, the kernel saving
// it in the same step — then sent to every cohort and resent to those that have not answered
// HaveCommitted (../shared/decision-log.ts). Recovery: a restarted coordinator resends every
// decision its log holds and not yet acknowledged, and aborts every transaction it began
// without deciding (presumed abort: no cohort can have committed it, since a commit needs
// the logged decision).

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

const decisionMessage = (txn: number, outcome: TxnOutcome) =>
  ({ type: outcome === 'commit' ? 'DoCommit' : 'DoAbort', txn }) as const;

const sender =
  (x: X): SendDecision =>
  (to, txn, outcome) =>
    x.env.send(to, decisionMessage(txn, outcome));

export function coordinatorStart(x: X): void {
  const { s } = x;
  resendUndone(x, sender(x));
  for (let txn = 1; txn <= s.begun; txn++) if (s.log[txn] === undefined) decide(x, txn, 'abort');
  armBegin(s, x.env, x.c);
  assert(Object.keys(s.voting).length === 0, 'a fresh coordinator collects no votes');
}

export function coordinatorBegin(x: X): void {
  const { s, env, c } = x;
  const txn = beginTxn(s, env, c);
  s.voting[txn] = { yes: [], sinceMs: env.now() };
  for (const to of c.cohorts) env.send(to, { type: 'CanCommit', txn });
}

function decide(x: X, txn: number, outcome: TxnOutcome): void {
  delete x.s.voting[txn];
  logDecision(x, txn, outcome, sender(x));
}

export function coordinatorVote(x: X, from: NodeId, txn: number, vote: 'yes' | 'no'): void {
  const { s, c } = x;
  const voting = s.voting[txn];
  if (voting === undefined) return; // Decided already (or from before a restart).
  if (vote === 'no') return decide(x, txn, 'abort');
  if (!voting.yes.includes(from)) voting.yes.push(from);
  if (voting.yes.length === c.cohorts.length) decide(x, txn, 'commit');
  assert(voting.yes.length <= c.cohorts.length, 'each cohort votes once');
}

export function coordinatorAck(x: X, from: NodeId, txn: number): void {
  recordAck(x.s, x.c, from, txn);
}

/** An in-doubt cohort asks: answer from the log (an undecided transaction is still voting). */
export function coordinatorAnswer(x: X, from: NodeId, txn: number): void {
  const decision = x.s.log[txn];
  if (decision !== undefined) x.env.send(from, decisionMessage(txn, decision.outcome));
}

/** Aborts transactions whose votes are late; resends decisions not yet acknowledged. */
export function coordinatorTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [txn, voting] of Object.entries(s.voting))
    if (now - voting.sinceMs >= c.opts.voteTimeoutMs) decide(x, Number(txn), 'abort');
  resendLate(x, sender(x));
}
