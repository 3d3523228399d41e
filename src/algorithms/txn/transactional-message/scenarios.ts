// Named runs of txn/transactional-message: each failure case of the notes [001 §2.3.3], the
// steps around them, and the naive flows. On a fixed 10 ms latency, every local transaction
// committing unless a scenario says otherwise, order 1 begins at 200 ms: its Half lands at
// 210 (stored), HalfAck at 220, the local transaction ends at 240 and its Commit lands at
// 250; payment gets it at 260, its Ack lands at 270, inventory gets it at 280 and its Ack
// lands at 290. Timeouts are checked every 100 ms: a half stored at 210 and left unresolved
// is checked back at 600, 900, 1200, …

import type { Scenario } from '../../../core/algorithm.js';

const EXACT = 'delay 10..10';
const COMMITS = { failProbability: 0 };
const ONE_ORDER = { failProbability: 0, transactions: 1 };
const HOLD = { safety: 'hold', liveness: 'hold' } as const;

export const txMsgScenarios: readonly Scenario[] = [
  {
    name: 'half-not-stored',
    description:
      'The notes’ first failure case: the broker is down from 195 ms to 550 ms, so order 1’s ' +
      'half message is never stored. The order service resends it, gives up at 500 ms and ' +
      'never runs its local transaction — nothing to undo, nothing delivered; order 2’s ' +
      'half, resent after the broker returns, goes through.',
    faults: `${EXACT}; crash 2 @195; restart 2 @550`,
    options: COMMITS,
    expect: HOLD,
  },
  {
    name: 'half-ack-lost',
    description:
      'The half is stored but every answer is lost until 520 ms: the order service gives ' +
      'order 1 up at 500 ms (rolled back, its local transaction never run); the broker, ' +
      'holding a half nobody reported on, checks back at 600 ms and drops it on the answer.',
    faults: `${EXACT}; block 2->1 @205..520`,
    options: COMMITS,
    expect: HOLD,
  },
  {
    name: 'local-transaction-fails',
    description:
      'Every local transaction fails: the order service reports Rollback, the broker deletes ' +
      'each half message, and no consumer is ever delivered anything.',
    faults: EXACT,
    options: { failProbability: 100 },
    expect: HOLD,
  },
  {
    name: 'report-lost',
    description:
      'The notes’ third failure case: the order commits locally at 240 ms and its Commit ' +
      'report is lost. The broker checks back at 600 ms, the order service answers commit ' +
      'from its order table, and the order is delivered.',
    faults: `${EXACT}; block 1->2 @235..245`,
    options: ONE_ORDER,
    expect: HOLD,
  },
  {
    name: 'producer-crash-before-report',
    description:
      'The order service commits order 1 locally at 240 ms and crashes before its report ' +
      'reaches the broker, down until 1000 ms: the check-backs at 600 and 900 ms go ' +
      'unanswered, the one at 1200 ms is answered commit by the restarted service.',
    faults: `${EXACT}; block 1->2 @235..245; crash 1 @245; restart 1 @1000`,
    options: COMMITS,
    expect: HOLD,
  },
  {
    name: 'check-back-while-running',
    description:
      'The local transaction runs 400 ms: the check-back at 600 ms finds it running and gets ' +
      '"unknown"; the Commit report at 620 ms resolves the half.',
    faults: EXACT,
    options: { ...ONE_ORDER, localTxnMs: 400 },
    expect: HOLD,
  },
  {
    name: 'consumer-ack-lost',
    description:
      'The notes’ second failure case: payment applies order 1 at 260 ms and its Ack is ' +
      'lost. The broker delivers it again at 500 ms; payment’s dedup set skips it and acks, ' +
      'and inventory gets the order — charged once, nothing to roll back.',
    faults: `${EXACT}; block 3->2 @255..265`,
    options: ONE_ORDER,
    expect: HOLD,
  },
  {
    name: 'consumer-crash-before-ack',
    description:
      'Payment applies order 1 at 260 ms and crashes before its Ack gets out, down until ' +
      '800 ms: redeliveries while it is down are lost, the one at 900 ms finds the order in ' +
      'its durable dedup set — acked, not applied again.',
    faults: `${EXACT}; block 3->2 @255..265; crash 3 @262; restart 3 @800`,
    options: ONE_ORDER,
    expect: HOLD,
  },
  {
    name: 'broker-restart-with-half-pending',
    description:
      'The broker crashes at 235 ms holding order 1’s half, and the Commit report lands while ' +
      'it is down. Restarted at 600 ms, it still has the half (durable) and checks back at ' +
      '900 ms: commit. Orders begun while it was down are resent and go through.',
    faults: `${EXACT}; crash 2 @235; restart 2 @600`,
    options: COMMITS,
    expect: HOLD,
  },
  {
    name: 'check-back-exhausted',
    description:
      'RocketMQ’s bound: with 2 check-backs allowed, the order service (its report lost, ' +
      'itself down until 1500 ms) answers neither; at 1200 ms the broker rolls back a half ' +
      'whose order committed locally — it is never delivered.',
    faults: `${EXACT}; block 1->2 @235..245; crash 1 @245; restart 1 @1500`,
    options: { ...ONE_ORDER, checkMaxAttempts: 2 },
    expect: { safety: 'violated', liveness: 'violated' },
  },
  {
    name: 'naive-no-check-back',
    description:
      'The naive flow without check-back (--check-back false): order 1’s Commit report is ' +
      'lost and its half waits forever — a committed order never consumed.',
    faults: `${EXACT}; block 1->2 @235..245`,
    options: { ...ONE_ORDER, checkBack: false },
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'naive-no-dedup',
    description:
      'The naive consumer without a dedup set (--dedup false): payment’s Ack is lost, the ' +
      'order is delivered again, and payment charges it twice.',
    faults: `${EXACT}; block 3->2 @255..265`,
    options: { ...ONE_ORDER, dedup: false },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'naive-no-half-message',
    description:
      'The naive producer without half messages (--half-messages false): the message is ' +
      'delivered as soon as it is sent, payment acts at 220 ms, and the local transaction ' +
      'then fails — payment acted on a rolled-back order.',
    faults: EXACT,
    options: { transactions: 1, failProbability: 100, halfMessages: false },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
