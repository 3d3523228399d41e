// The coordinator-side bookkeeping 2PC and 3PC share: the durable count of transactions
// begun (saved BEFORE the first message of a transaction leaves, so a restart never reuses
// an id), the durable decision log (saved BEFORE phase-2 messages leave: the kernel writes
// the step's durable fields before releasing its messages), the acknowledgements of each
// decision and its resending to the cohorts that have not acknowledged it.

import { assert } from '../../../core/assert.js';
import type { Env, Message, NodeId } from '../../../core/process.js';
import type { TxnOutcome, TxnOutput } from './outputs.js';
import type { TxnWorkloadOptions } from './workload.js';

export interface Decision {
  readonly outcome: TxnOutcome;
  /** Every cohort acknowledged it: the coordinator may forget the transaction. */
  readonly done: boolean;
}

export interface DecisionLogState {
  /** Durable: transactions begun; ids 1..begun. */
  begun: number;
  /** Durable: the decision on each transaction (absent: undecided). */
  log: Record<number, Decision>;
  /** Decided, not done: the cohorts that acknowledged, and when the decision last left. */
  acks: Record<number, { from: NodeId[]; sentAtMs: number }>;
}

export interface DecisionLogConfig {
  readonly opts: TxnWorkloadOptions & { readonly retryMs: number };
  readonly cohorts: readonly NodeId[];
}

/** Sends the decision on `txn` to one cohort (the protocol's DoCommit / DoAbort). */
export type SendDecision = (to: NodeId, txn: number, outcome: TxnOutcome) => void;

/** What beginning transactions needs (Paxos Commit's transaction manager has no log). */
type BeginState = Pick<DecisionLogState, 'begun'>;
type BeginConfig = { readonly opts: Pick<TxnWorkloadOptions, 'transactions' | 'intervalMs'> };

/** Begins the next transaction (durable count, `begin` output) and arms the next begin. */
export function beginTxn(s: BeginState, env: Env<Message, TxnOutput>, c: BeginConfig): number {
  assert(s.begun < c.opts.transactions, 'the workload is bounded');
  const txn = ++s.begun;
  env.output({ type: 'begin', txn });
  if (s.begun < c.opts.transactions) env.setTimer('begin', c.opts.intervalMs);
  return txn;
}

/** Arms the first begin of an incarnation, if the workload is not finished. */
export function armBegin(s: BeginState, env: Env<Message, TxnOutput>, c: BeginConfig): void {
  if (s.begun < c.opts.transactions) env.setTimer('begin', c.opts.intervalMs);
}

/** Logs the decision (durable in this step) and sends it to every cohort. */
export function logDecision(
  x: { s: DecisionLogState; env: Env<Message, TxnOutput>; c: DecisionLogConfig },
  txn: number,
  outcome: TxnOutcome,
  send: SendDecision,
): void {
  const { s, env, c } = x;
  assert(s.log[txn] === undefined, 'a transaction is decided once');
  s.log = { ...s.log, [txn]: { outcome, done: false } };
  s.acks[txn] = { from: [], sentAtMs: env.now() };
  env.output({ type: 'decide', txn, outcome });
  for (const to of c.cohorts) send(to, txn, outcome);
}

/** A restarted coordinator sends again every decision not yet acknowledged by all. */
export function resendUndone(
  x: { s: DecisionLogState; env: Env<Message, TxnOutput>; c: DecisionLogConfig },
  send: SendDecision,
): void {
  const { s, env, c } = x;
  for (const [txn, decision] of Object.entries(s.log)) {
    if (decision.done) continue;
    s.acks[Number(txn)] = { from: [], sentAtMs: env.now() };
    for (const to of c.cohorts) send(to, Number(txn), decision.outcome);
  }
}

/** A cohort acknowledged the decision on `txn`; once all have, it is done (durable). */
export function recordAck(s: DecisionLogState, c: DecisionLogConfig, from: NodeId, txn: number) {
  const decision = s.log[txn];
  const acks = s.acks[txn];
  if (decision === undefined || acks === undefined) return;
  if (!acks.from.includes(from)) acks.from.push(from);
  if (acks.from.length < c.cohorts.length) return;
  s.log = { ...s.log, [txn]: { ...decision, done: true } };
  delete s.acks[txn];
}

/** Resends each decision whose acknowledgements are `retryMs` late, to those missing. */
export function resendLate(
  x: { s: DecisionLogState; env: Env<Message, TxnOutput>; c: DecisionLogConfig },
  send: SendDecision,
): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [txn, acks] of Object.entries(s.acks)) {
    if (now - acks.sentAtMs < c.opts.retryMs) continue;
    const decision = s.log[Number(txn)];
    assert(decision !== undefined && !decision.done, 'only undone decisions wait for acks');
    acks.sentAtMs = now;
    for (const to of c.cohorts)
      if (!acks.from.includes(to)) send(to, Number(txn), decision.outcome);
  }
}
