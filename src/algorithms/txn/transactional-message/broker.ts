// The broker (node 2), the notes' message middleware [001 §2.3.3 steps 2, 5, 6 and the third
// failure case; RocketMQ's half-message store and transaction check]. A Half is stored
// durably, invisible to consumers, BEFORE the HalfAck leaves. The order service's report
// resolves it: Rollback deletes it, Commit makes it deliverable. A half left unresolved
// `checkIntervalMs` (since stored, since the last check-back, or since a broker restart) is
// checked back; after `checkMaxAttempts` unanswered check-backs the broker rolls it back,
// as RocketMQ discards it — safe only if the order service answers within that bound
// (scenario `check-back-exhausted`). A committed order goes down the consumer chain —
// payment, then inventory — one consumer at a time: delivered, redelivered every
// `redeliverMs` until acknowledged (at least once), and passed on after the ack (durable).
// A restarted broker restarts every check-back clock and delivers again every committed
// order not yet acknowledged.
//
// Naive variants: `--check-back false` never checks (a lost report leaves the half pending
// forever); `--half-messages false` treats a Half as an ordinary message, delivered at once,
// before the local transaction has committed.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnOutcome } from '../shared/outputs.js';
import type { X } from './options.js';
import { PRODUCER } from './state.js';

export function brokerStart(x: X): void {
  const { s, env, c } = x;
  for (const txn of Object.keys(s.halves)) s.halfSinceMs[Number(txn)] = env.now();
  for (const [txn, acked] of Object.entries(s.acked))
    if (acked < c.consumers.length) deliverNext(x, Number(txn));
  assert(Object.keys(s.inflight).length <= Object.keys(s.acked).length, 'only committed go out');
}

export function brokerHalf(x: X, txn: number): void {
  const { s, env, c } = x;
  if (s.outcomes[txn] === undefined && s.halves[txn] === undefined) {
    if (!c.opts.halfMessages) resolve(x, txn, 'commit');
    else {
      s.halves = { ...s.halves, [txn]: { checks: 0 } };
      s.halfSinceMs[txn] = env.now();
      env.output({ type: 'half', txn });
    }
  }
  // Stored now or before (a resent Half): say so again, the first answer may be lost.
  env.send(PRODUCER, { type: 'HalfAck', txn });
  assert(s.halves[txn] !== undefined || s.outcomes[txn] !== undefined, 'stored or resolved');
}

/** The order service's report or check-back answer: resolves a pending half message. */
export function brokerReport(x: X, txn: number, outcome: TxnOutcome): void {
  // A report on a resolved order (a duplicate, or one that lost the race with a check-back
  // answer) or on a half never stored changes nothing.
  if (x.s.halves[txn] !== undefined) resolve(x, txn, outcome);
  assert(x.s.halves[txn] === undefined, 'a pending half is resolved by a report');
}

function resolve(x: X, txn: number, outcome: TxnOutcome): void {
  const { s, env } = x;
  assert(s.outcomes[txn] === undefined, 'a half message is resolved once');
  const halves = { ...s.halves };
  delete halves[txn];
  s.halves = halves;
  delete s.halfSinceMs[txn];
  s.outcomes = { ...s.outcomes, [txn]: outcome };
  env.output({ type: 'outcome', txn, outcome });
  if (outcome === 'commit') {
    s.acked = { ...s.acked, [txn]: 0 };
    deliverNext(x, txn);
  }
}

/** Delivers the order to the next consumer of the chain that has not acknowledged it. */
function deliverNext(x: X, txn: number): void {
  const { s, env, c } = x;
  const next = c.consumers[s.acked[txn] ?? c.consumers.length];
  if (next === undefined) {
    delete s.inflight[txn];
    return;
  }
  s.inflight[txn] = env.now();
  env.send(next, { type: 'Deliver', txn });
}

export function brokerAck(x: X, from: NodeId, txn: number): void {
  const { s, c } = x;
  const acked = s.acked[txn];
  // Only the consumer the order waits on moves it on; a late duplicate ack changes nothing.
  if (acked === undefined || c.consumers[acked] !== from) return;
  s.acked = { ...s.acked, [txn]: acked + 1 };
  deliverNext(x, txn);
  assert(s.acked[txn]! <= c.consumers.length, 'each consumer acknowledges once');
}

/** Check-backs on halves left unresolved; redeliveries of orders not acknowledged in time. */
export function brokerTick(x: X): void {
  const { s, env, c } = x;
  const now = env.now();
  if (c.opts.checkBack)
    for (const [key, half] of Object.entries(s.halves)) {
      const txn = Number(key);
      if (now - (s.halfSinceMs[txn] ?? now) < c.opts.checkIntervalMs) continue;
      if (half.checks >= c.opts.checkMaxAttempts) {
        resolve(x, txn, 'abort'); // Every check-back went unanswered: discard it.
        continue;
      }
      const attempt = half.checks + 1;
      s.halves = { ...s.halves, [txn]: { checks: attempt } };
      s.halfSinceMs[txn] = now;
      env.output({ type: 'check', txn, attempt });
      env.send(PRODUCER, { type: 'CheckBack', txn });
    }
  for (const [key, sentAtMs] of Object.entries(s.inflight))
    if (now - sentAtMs >= c.opts.redeliverMs) deliverNext(x, Number(key));
}
