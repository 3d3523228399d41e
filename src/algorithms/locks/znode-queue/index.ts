// locks/znode-queue — the ZooKeeper / etcd lock recipe [003; SPEC §5]: ephemeral sequential
// entries tied to sessions, the lowest holds, each waiter watches its predecessor (or with
// `--herd` the holder). The process is znode-queue.ts. Registry entry: options, checks,
// metrics (messages per acquire without the session pings, wake-ups), the message count of
// each variant and the scenarios.

import {
  ALL_FAULT_KINDS,
  type ClusterView,
  defineAlgorithm,
  type FaultModel,
} from '../../../core/algorithm.js';
import { type MutexNodeState, type MutexOutput, mutexMetrics } from '../../mutex/workload.js';
import { LOCK_MAX_DRIFT_PPM } from '../timing.js';
import type { LockOutput } from '../workload.js';
import { znodeQueueInvariants, znodeQueueLiveness } from './invariants.js';
import { parseZnodeQueueMessage, type ZnodeQueueMessage } from './messages.js';
import { type ZnodeQueueOptions, znodeQueueConfig, znodeQueueOptionSpecs } from './options.js';
import { znodeQueueScenarios } from './scenarios.js';
import type { ZnodeQueueState } from './state.js';
import { znodeQueueProcess } from './znode-queue.js';

type View = ClusterView<ZnodeQueueState, LockOutput>;

const entries = (view: View) => view.outputs.filter((o) => o.output.type === 'enter').length;

/** Messages of the lock protocol itself: everything but the session's Ping / Pong. */
function lockMessages(view: View): number {
  const { Ping = 0, Pong = 0 } = view.stats.byType;
  return view.stats.sent - Ping - Pong;
}

/** Watchers the coordinator woke: 1 per release with the recipe, every waiter with --herd. */
function wakeups(view: View): number {
  let total = 0;
  for (const o of view.outputs) if (o.output.type === 'unlock') total += o.output.woken;
  return total;
}

export function znodeQueueFaultModel(opts: ZnodeQueueOptions): FaultModel {
  return {
    tolerates: ALL_FAULT_KINDS,
    maxPauseMs: opts.maxPauseMs,
    maxDriftPpm: LOCK_MAX_DRIFT_PPM,
    assumption:
      `process pauses up to ${opts.maxPauseMs} ms and clock drift within ±5%: a holder ` +
      'gives the lock up before its session can expire only if it runs in time (mutual ' +
      'exclusion among live sessions and FIFO order need no bound)',
  };
}

export const znodeQueue = defineAlgorithm<
  ZnodeQueueMessage,
  LockOutput,
  ZnodeQueueState,
  ZnodeQueueOptions
>({
  name: 'locks/znode-queue',
  family: 'locks',
  summary:
    'ZooKeeper/etcd lock recipe: ephemeral sequential entries, session expiry, watch your ' +
    'predecessor (≤ 7 messages per acquire) or --herd (everyone wakes on each release)',
  seed: '003; SPEC §5',
  nodes: { default: 5, min: 2, max: 128 },
  durationMs: 5_000,
  livenessDeadlineMs: 20_000,
  options: znodeQueueOptionSpecs,
  create: (id, ctx) => znodeQueueProcess(znodeQueueConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseZnodeQueueMessage,
  invariants: znodeQueueInvariants,
  liveness: (ctx) => znodeQueueLiveness(ctx.options),
  metrics: (view) => {
    const acquires = entries(view);
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return {
      ...mutexMetrics(view as unknown as ClusterView<MutexNodeState, MutexOutput>),
      messagesPerAcquire: acquires === 0 ? null : round(lockMessages(view) / acquires),
      wakeupsPerAcquire: acquires === 0 ? null : round((view.stats.byType.Notify ?? 0) / acquires),
      sessionMessages: (view.stats.byType.Ping ?? 0) + (view.stats.byType.Pong ?? 0),
    };
  },
  messageCount: {
    formula:
      '4 per acquire (Create, Created, Delete, Deleted) + 3 per wake-up (Notify, Check, ' +
      'CheckReply); a release wakes 1 waiter with the recipe (≤ 7 per acquire), every ' +
      'waiter watching the holder with --herd (O(n) per acquire); session pings apart',
    compare: (view) => ({
      expected: 4 * entries(view) + 3 * wakeups(view),
      measured: lockMessages(view),
    }),
  },
  faultModel: znodeQueueFaultModel,
  scenarios: znodeQueueScenarios,
});
