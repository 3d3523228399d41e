// locks/lease-lock — a lock server granting leases with a TTL, holders writing to a storage
// node, and (`--fencing`) the storage refusing stale tokens [003; SPEC §5; Kleppmann, "How
// to do distributed locking", 2016]. The process is lease-lock.ts. Registry entry: options,
// the stale-write check, metrics (writes applied and refused), the message count and the
// scenarios that show why a lease alone is not enough.

import {
  ALL_FAULT_KINDS,
  type ClusterView,
  defineAlgorithm,
  type FaultModel,
} from '../../../core/algorithm.js';
import { type MutexNodeState, type MutexOutput, mutexMetrics } from '../../mutex/workload.js';
import { LOCK_MAX_DELAY_MS, LOCK_MAX_DRIFT_PPM } from '../timing.js';
import type { LockOutput } from '../workload.js';
import { leaseLockInvariants, leaseLockLiveness } from './invariants.js';
import { leaseLockProcess } from './lease-lock.js';
import { type LeaseLockMessage, parseLeaseLockMessage } from './messages.js';
import { type LeaseLockOptions, leaseLockConfig, leaseLockOptionSpecs } from './options.js';
import { leaseLockScenarios } from './scenarios.js';
import type { LeaseLockState } from './state.js';

type View = ClusterView<LeaseLockState, LockOutput>;

const count = (view: View, type: LockOutput['type']) =>
  view.outputs.filter((o) => o.output.type === type).length;

export function leaseLockFaultModel(opts: LeaseLockOptions): FaultModel {
  if (opts.fencing)
    return {
      tolerates: ALL_FAULT_KINDS,
      assumption:
        'none for safety: the storage checks each write’s token itself, so pauses, drift ' +
        'and delays of any length cost only refused writes',
    };
  return {
    tolerates: ALL_FAULT_KINDS,
    maxPauseMs: opts.maxPauseMs,
    maxDriftPpm: LOCK_MAX_DRIFT_PPM,
    maxDelayMs: LOCK_MAX_DELAY_MS,
    assumption:
      `process pauses up to ${opts.maxPauseMs} ms, clock drift within ±5% and message ` +
      `delay up to ${LOCK_MAX_DELAY_MS} ms: a holder's lease budget counts on all three`,
  };
}

export const leaseLock = defineAlgorithm<
  LeaseLockMessage,
  LockOutput,
  LeaseLockState,
  LeaseLockOptions
>({
  name: 'locks/lease-lock',
  family: 'locks',
  summary:
    'Lock server granting TTL leases; holders write to a storage node; --fencing rejects ' +
    'stale tokens (3 + 2w messages per acquire)',
  seed: '003; SPEC §5',
  nodes: { default: 5, min: 3, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 20_000,
  options: leaseLockOptionSpecs,
  create: (id, ctx) => leaseLockProcess(leaseLockConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseLeaseLockMessage,
  invariants: leaseLockInvariants,
  liveness: (ctx) => leaseLockLiveness(ctx.options),
  metrics: (view) => ({
    ...mutexMetrics(view as unknown as ClusterView<MutexNodeState, MutexOutput>),
    writesApplied: count(view, 'write'),
    writesRefused: count(view, 'reject'),
    leases: view.stats.byType.Granted ?? 0,
  }),
  messageCount: {
    formula:
      '3 + 2w per acquire (Acquire, Granted, Release; a Write and its WriteReply per ' +
      'write), + 2 when it queued (Ready, and the fresh Acquire that answers it)',
    compare: (view) => ({
      expected:
        3 * count(view, 'enter') +
        2 * (count(view, 'write') + count(view, 'reject')) +
        2 * (view.stats.byType.Ready ?? 0),
      measured: view.stats.sent,
    }),
  },
  faultModel: leaseLockFaultModel,
  scenarios: leaseLockScenarios,
});
