// txn/transactional-message — eventual consistency through messages [001 §2.3.3; 003 "MQ 事务
// 消息"; SPEC §4], as RocketMQ's transactional messages have it: the order service sends a
// half message, runs its local transaction and reports commit or rollback; the broker
// stores the half durably, checks back when the report is lost, and delivers committed
// orders to payment, then inventory, at least once; the consumers apply each once (a dedup
// set). The process is transactional-message.ts. Registry entry: options, checks, metrics,
// the message count and a scenario per failure case of the notes and per naive flow.

import { ALL_FAULT_KINDS, defineAlgorithm } from '../../../core/algorithm.js';
import { txMsgInvariants, txMsgLiveness } from './invariants.js';
import { parseTxMsgMessage, type TxMsgMessage } from './messages.js';
import { txMsgMetrics } from './metrics.js';
import { type TxMsgOptions, txMsgConfig, txMsgOptionSpecs } from './options.js';
import type { TxMsgOutput } from './outputs.js';
import { txMsgScenarios } from './scenarios.js';
import { PRODUCER, type TxMsgState } from './state.js';
import { createTxMsg } from './transactional-message.js';

const count = (view: { outputs: readonly { node: number; output: TxMsgOutput }[] }) => ({
  begun: view.outputs.filter((o) => o.output.type === 'begin').length,
  committed: view.outputs.filter(
    (o) => o.node === PRODUCER && o.output.type === 'decide' && o.output.outcome === 'commit',
  ).length,
  checks: view.outputs.filter((o) => o.output.type === 'check').length,
});

export const transactionalMessage = defineAlgorithm<
  TxMsgMessage,
  TxMsgOutput,
  TxMsgState,
  TxMsgOptions
>({
  name: 'txn/transactional-message',
  family: 'txn',
  summary:
    'Transactional messages (RocketMQ): half message, local transaction, commit/rollback ' +
    'report and the broker’s check-back; order → payment → inventory, each applied once',
  seed: '001 §2.3.3; 003 MQ 事务消息; SPEC §4',
  nodes: { default: 4, min: 3, max: 16 },
  durationMs: 3_000,
  livenessDeadlineMs: 4_000,
  options: txMsgOptionSpecs,
  create: (id, ctx) => createTxMsg(txMsgConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseTxMsgMessage,
  invariants: txMsgInvariants,
  liveness: txMsgLiveness,
  metrics: (view, ctx) => txMsgMetrics(view, txMsgConfig(ctx.nodes.length, ctx.options).consumers),
  messageCount: {
    formula:
      '3 per order (Half, HalfAck, Commit/Rollback) + 2C per committed order (Deliver, Ack to ' +
      'each of C consumers) + 2 per check-back (CheckBack, CheckBackReply)',
    compare: (view, ctx) => {
      const { begun, committed, checks } = count(view);
      const c = ctx.nodes.length - 2;
      return { expected: 3 * begun + 2 * c * committed + 2 * checks, measured: view.stats.sent };
    },
  },
  faultModel: (opts) => ({
    tolerates: ALL_FAULT_KINDS,
    assumption:
      `the order service answers a check-back within checkMaxAttempts × checkIntervalMs ` +
      `(${opts.checkMaxAttempts * opts.checkIntervalMs} ms), after which the broker rolls ` +
      'the half back; liveness needs the nodes back and the links healed',
  }),
  scenarios: txMsgScenarios,
});
