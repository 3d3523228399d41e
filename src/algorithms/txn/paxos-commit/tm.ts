// The Paxos Commit transaction manager (node 1), the leader of ballot 0. It begins each
// transaction with Prepare to every RM (the paper's BeginCommit comes from an RM; here the TM
// begins, which costs the same message) and collects the acceptors' phase 2b answers; once
// the instances decide, it sends Commit or Abort to every RM and resends it until each has
// acknowledged. A transaction still undecided after `timeoutMs` gets a higher ballot (phase
// 1, Aborted proposed for free instances: an RM that never voted). A restarted TM knows no
// outcome — it logs none — so it runs phase 1 for every transaction it has begun.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { armBegin, beginTxn } from '../shared/decision-log.js';
import type { TxnOutcome } from '../shared/outputs.js';
import { lead, newLeading } from './leader.js';
import type { X } from './state.js';

const outcomeMessage = (txn: number, outcome: TxnOutcome) =>
  ({ type: outcome === 'commit' ? 'Commit' : 'Abort', txn }) as const;

export function tmStart(x: X): void {
  const { s, env, c } = x;
  for (let txn = 1; txn <= s.begun; txn++) lead(x, txn, env.now() + c.opts.timeoutMs);
  armBegin(s, env, c);
  assert(Object.keys(s.known).length === 0, 'a restarted TM knows no outcome');
}

export function tmBegin(x: X): void {
  const { s, env, c } = x;
  const txn = beginTxn(s, env, c);
  s.leading[txn] = newLeading(0, env.now() + c.opts.timeoutMs);
  for (const to of c.rms) env.send(to, { type: 'Prepare', txn });
}

/** The TM learned the outcome (from the acceptors, or from an RM that led): tell every RM. */
export function tmLearn(x: X, txn: number, outcome: TxnOutcome, opts: { decided: boolean }): void {
  const { s, env, c } = x;
  if (s.known[txn] !== undefined) return;
  delete s.leading[txn];
  s.known[txn] = { outcome, acked: [], sentAtMs: env.now() };
  if (opts.decided) env.output({ type: 'decide', txn, outcome });
  for (const to of c.rms) env.send(to, outcomeMessage(txn, outcome));
}

export function tmAck(x: X, from: NodeId, txn: number): void {
  const known = x.s.known[txn];
  if (known !== undefined && !known.acked.includes(from)) known.acked.push(from);
}

/** Higher ballots for what is late; the outcome again to RMs that have not acknowledged. */
export function tmTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [txn, l] of Object.entries(s.leading))
    if (now >= l.retryAtMs) lead(x, Number(txn), now + c.opts.timeoutMs);
  for (const [txn, known] of Object.entries(s.known)) {
    if (known.acked.length === c.rms.length || now - known.sentAtMs < c.opts.retryMs) continue;
    known.sentAtMs = now;
    for (const to of c.rms)
      if (!known.acked.includes(to)) env.send(to, outcomeMessage(Number(txn), known.outcome));
  }
}
