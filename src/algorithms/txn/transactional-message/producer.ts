// The order service (node 1), the producer of the notes' flow [001 §2.3.3 steps 1–5;
// RocketMQ's TransactionMQProducer]. Per order: send the half message ("pending") to the
// broker and resend it every `retryMs` until the broker answers that it is stored; if that
// answer has not come within `halfTimeoutMs`, give the order up — the notes' first failure
// case, "the message was not stored: the order system does nothing" (its local transaction
// never runs; a half the broker did store is rolled back by the check-back). Once stored,
// run the local transaction (`localTxnMs`), make its outcome durable — the order row — and
// report Commit or Rollback in the same step. The report is sent once: when it is lost, or
// the service crashes before sending it, the broker's check-back asks, and the service
// answers from its durable outcomes ("unknown" while the local transaction still runs).
//
// A restarted service finds orders it had begun without an outcome: their local
// transactions died with the process (a database rolls back what never committed), so it
// records them rolled back — the answer a check-back will get.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { armBegin, beginTxn } from '../shared/decision-log.js';
import type { TxnOutcome } from '../shared/outputs.js';
import type { CheckBackState } from './messages.js';
import type { X } from './options.js';
import { BROKER } from './state.js';

export function producerStart(x: X): void {
  const { s, env } = x;
  for (let txn = 1; txn <= s.begun; txn++)
    if (s.outcomes[txn] === undefined) decide(x, txn, 'abort');
  armBegin(s, env, x.c);
  assert(Object.keys(s.sending).length === 0, 'nothing is in flight in a fresh incarnation');
}

/** Makes the order's local outcome durable (this step) and reports it. */
function decide(x: X, txn: number, outcome: TxnOutcome): void {
  const { s, env } = x;
  assert(s.outcomes[txn] === undefined, 'a local transaction ends once');
  s.outcomes = { ...s.outcomes, [txn]: outcome };
  delete s.sending[txn];
  delete s.executing[txn];
  env.output({ type: 'decide', txn, outcome });
}

export function producerBegin(x: X): void {
  const { s, env } = x;
  const txn = beginTxn(s, env, x.c);
  s.sending[txn] = { sinceMs: env.now(), lastSentMs: env.now() };
  env.send(BROKER, { type: 'Half', txn });
  assert(s.outcomes[txn] === undefined, 'a new order is undecided');
}

/** The half message is stored: run the local transaction. */
export function producerHalfAck(x: X, txn: number): void {
  const { s, env, c } = x;
  if (s.sending[txn] === undefined) return; // A duplicate answer, or the order was given up.
  delete s.sending[txn];
  s.executing[txn] = env.now() + c.opts.localTxnMs;
  if (c.opts.localTxnMs === 0) finishLocal(x, txn);
  else armLocal(x);
}

/** The local transaction ends: it commits unless it fails (failProbability). */
function finishLocal(x: X, txn: number): void {
  const { env, c } = x;
  const outcome = env.random.chance(c.opts.failProbability, 100) ? 'abort' : 'commit';
  decide(x, txn, outcome);
  env.send(BROKER, { type: outcome === 'commit' ? 'Commit' : 'Rollback', txn });
}

/** One timer for every running local transaction: it fires at the earliest end. */
function armLocal(x: X): void {
  const ends = Object.values(x.s.executing);
  if (ends.length > 0) x.env.setTimer('local', Math.max(0, Math.min(...ends) - x.env.now()));
}

export function producerLocal(x: X): void {
  const { s, env } = x;
  for (const [txn, endMs] of Object.entries(s.executing))
    if (endMs <= env.now()) finishLocal(x, Number(txn));
  armLocal(x);
  assert(
    Object.values(s.executing).every((endMs) => endMs > env.now()),
    'every due local transaction ended',
  );
}

/** The broker checks back: answer from the durable outcome, or "unknown" while undecided. */
export function producerCheckBack(x: X, from: NodeId, txn: number): void {
  const outcome = x.s.outcomes[txn];
  const state: CheckBackState =
    outcome === 'commit' ? 'commit' : outcome === 'abort' ? 'rollback' : 'unknown';
  x.env.send(from, { type: 'CheckBackReply', txn, state });
}

/** Resends halves not yet stored; gives up those stored by nobody within halfTimeoutMs. */
export function producerTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  for (const [key, half] of Object.entries(s.sending)) {
    const txn = Number(key);
    if (now - half.sinceMs >= c.opts.halfTimeoutMs) decide(x, txn, 'abort');
    else if (now - half.lastSentMs >= c.opts.retryMs) {
      half.lastSentMs = now;
      env.send(BROKER, { type: 'Half', txn });
    }
  }
}
