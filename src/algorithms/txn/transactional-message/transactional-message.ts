// The txn/transactional-message process: the notes' eventual consistency through messages
// [001 §2.3.3; RocketMQ transactional messages]. Node 1 is the order service (producer.ts),
// node 2 the broker (broker.ts), nodes 3..n the consumers — payment, then inventory
// (consumer.ts). The order service and the broker run a `tick` every `retryMs` for their
// timeouts; the order service's `local` timer ends its running local transactions.
//
// Fault model: every fault kind. Safety — no consumer acts on an order that did not commit,
// none acts twice, the broker resolves as the local transaction did — rests on the durable
// writes (the half before HalfAck, the local outcome before its report, the dedup entry
// before the Ack) and on one bound: the order service answers a check-back within
// `checkMaxAttempts × checkIntervalMs`, after which the broker rolls the half back.
// Liveness needs the nodes back up and the links healed.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { brokerAck, brokerHalf, brokerReport, brokerStart, brokerTick } from './broker.js';
import { consumerDeliver } from './consumer.js';
import type { TxMsgMessage } from './messages.js';
import type { TxMsgConfig, X } from './options.js';
import type { TxMsgOutput } from './outputs.js';
import {
  producerBegin,
  producerCheckBack,
  producerHalfAck,
  producerLocal,
  producerStart,
  producerTick,
} from './producer.js';
import { BROKER, initTxMsgState, PRODUCER, TX_MSG_DURABLE, type TxMsgState } from './state.js';

export type TxMsgTimer = 'begin' | 'tick' | 'local';

const is = (x: X, role: TxMsgState['role']) => x.s.role === role;
/** A message a role accepts only from one sender (anything else is ignored). */
const fromProducer = (x: X, from: number) => is(x, 'broker') && from === PRODUCER;
const fromBroker = (x: X, from: number) => !is(x, 'broker') && from === BROKER;
const fromConsumer = (x: X, from: number) => is(x, 'broker') && x.c.consumers.includes(from);

/** What holds after every step of ours. */
function assertConsistent(x: X): void {
  const { s, c } = x;
  assert(
    Object.keys(s.halves).every((t) => s.outcomes[Number(t)] === undefined),
    'a pending half is unresolved',
  );
  assert(
    Object.values(s.acked).every((n) => n >= 0 && n <= c.consumers.length),
    'the chain is walked within its length',
  );
  if (is(x, 'producer'))
    for (let txn = 1; txn <= s.begun; txn++)
      assert(
        (s.outcomes[txn] !== undefined) !==
          (s.sending[txn] !== undefined || s.executing[txn] !== undefined),
        'every order begun is in flight, running, or decided — one of them',
      );
}

export const createTxMsg = defineProcess<
  TxMsgMessage,
  TxMsgOutput,
  TxMsgState,
  TxMsgConfig,
  TxMsgTimer
>({
  init: initTxMsgState,
  durable: [...TX_MSG_DURABLE],
  onStart(x) {
    if (is(x, 'producer')) producerStart(x);
    if (is(x, 'broker')) brokerStart(x);
    if (!is(x, 'consumer')) x.env.setTimer('tick', x.c.opts.retryMs);
    assertConsistent(x);
    assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
  },
  onMessage: {
    Half(x, from, m) {
      if (fromProducer(x, from)) brokerHalf(x, m.txn);
      assertConsistent(x);
      assert(Object.keys(x.s.halves).length <= x.c.opts.transactions, 'halves are bounded');
    },
    HalfAck(x, from, m) {
      if (fromBroker(x, from) && is(x, 'producer')) producerHalfAck(x, m.txn);
      assertConsistent(x);
      assert(x.s.sending[m.txn] === undefined, 'a stored half is no longer sent');
    },
    Commit(x, from, m) {
      if (fromProducer(x, from)) brokerReport(x, m.txn, 'commit');
      assertConsistent(x);
      assert(x.s.halves[m.txn] === undefined, 'a report resolves its half');
    },
    Rollback(x, from, m) {
      if (fromProducer(x, from)) brokerReport(x, m.txn, 'abort');
      assertConsistent(x);
      assert(x.s.halves[m.txn] === undefined, 'a report resolves its half');
    },
    CheckBack(x, from, m) {
      if (fromBroker(x, from) && is(x, 'producer')) producerCheckBack(x, from, m.txn);
      assertConsistent(x);
      assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
    },
    CheckBackReply(x, from, m) {
      if (fromProducer(x, from) && m.state !== 'unknown')
        brokerReport(x, m.txn, m.state === 'commit' ? 'commit' : 'abort');
      assertConsistent(x);
      assert(m.state === 'unknown' || x.s.halves[m.txn] === undefined, 'an answer resolves');
    },
    Deliver(x, from, m) {
      if (fromBroker(x, from) && is(x, 'consumer')) consumerDeliver(x, m.txn);
      assertConsistent(x);
      assert(x.s.consumed.length <= x.c.opts.transactions, 'the dedup set is bounded');
    },
    Ack(x, from, m) {
      if (fromConsumer(x, from)) brokerAck(x, from, m.txn);
      assertConsistent(x);
      assert(x.s.inflight[m.txn] === undefined || x.s.acked[m.txn] !== undefined, 'committed');
    },
  },
  onTimer: {
    begin(x) {
      producerBegin(x);
      assertConsistent(x);
      assert(is(x, 'producer'), 'only the order service begins orders');
    },
    tick(x) {
      if (is(x, 'producer')) producerTick(x);
      else brokerTick(x);
      x.env.setTimer('tick', x.c.opts.retryMs);
      assertConsistent(x);
      assert(!is(x, 'consumer'), 'consumers run no timer');
    },
    local(x) {
      producerLocal(x);
      assertConsistent(x);
      assert(is(x, 'producer'), 'only the order service runs local transactions');
    },
  },
});
