// locks/redlock — Redlock over N independent lock instances [003; SPEC §5]: acquire on a
// majority within less than the TTL minus drift, release everywhere on failure. The
// process is redlock.ts. Registry entry: options, the mutex family's checks (at most one
// client holding; no hold without a request; everyone served), metrics, the 3N messages per
// attempt, and the scenarios of Kleppmann's critique.

import {
  ALL_FAULT_KINDS,
  type ClusterView,
  defineAlgorithm,
  type FaultModel,
} from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexNodeState,
  type MutexOutput,
  mutexMetrics,
  mutualExclusion,
  noUnaskedGrant,
} from '../../mutex/workload.js';
import { LOCK_MAX_DRIFT_PPM } from '../timing.js';
import { fromMutex, type LockOutput } from '../workload.js';
import { parseRedlockMessage, type RedlockMessage } from './messages.js';
import { type RedlockOptions, redlockConfig, redlockOptionSpecs } from './options.js';
import { redlockProcess } from './redlock.js';
import { redlockScenarios } from './scenarios.js';
import type { RedlockState } from './state.js';

type View = ClusterView<RedlockState, LockOutput>;

const count = (view: View, type: LockOutput['type']) =>
  view.outputs.filter((o) => o.output.type === type).length;

export function redlockFaultModel(opts: RedlockOptions): FaultModel {
  return {
    tolerates: ALL_FAULT_KINDS,
    maxPauseMs: opts.maxPauseMs,
    maxDriftPpm: LOCK_MAX_DRIFT_PPM,
    assumption:
      `process pauses up to ${opts.maxPauseMs} ms and clock drift within ±5% on every ` +
      'node: keys expire by each instance’s own clock, and the holder’s validity counts ' +
      'on both (message delays are unbounded: a late grant only shortens the validity)',
  };
}

export const redlock = defineAlgorithm<RedlockMessage, LockOutput, RedlockState, RedlockOptions>({
  name: 'locks/redlock',
  family: 'locks',
  summary:
    'Redlock: a majority of N independent lock instances within the TTL minus drift; ' +
    'release everywhere on failure (3N messages per attempt)',
  seed: '003; SPEC §5',
  nodes: { default: 8, min: 2, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 20_000,
  options: redlockOptionSpecs,
  nodesFor: (opts) => opts.instances + 3,
  create: (id, ctx) => redlockProcess(redlockConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseRedlockMessage,
  invariants: () => [fromMutex(mutualExclusion()), fromMutex(noUnaskedGrant())],
  liveness: (ctx) => {
    const instances = redlockConfig(ctx.nodes.length, ctx.options).instances;
    return [fromMutex(everyRequestServed(ctx.options.requests, (id) => !instances.includes(id)))];
  },
  metrics: (view) => {
    const attempts = count(view, 'attempt');
    const acquires = count(view, 'enter');
    return {
      ...mutexMetrics(view as unknown as ClusterView<MutexNodeState, MutexOutput>),
      attempts,
      failedAttempts: attempts - acquires,
      messagesPerAcquire:
        acquires === 0 ? null : Math.round((view.stats.sent / acquires) * 1000) / 1000,
    };
  },
  messageCount: {
    formula: '3N per attempt (Lock, LockReply and Unlock with each of the N instances)',
    compare: (view, ctx) => ({
      expected:
        3 * redlockConfig(ctx.nodes.length, ctx.options).instances.length * count(view, 'attempt'),
      measured: view.stats.sent,
    }),
  },
  faultModel: redlockFaultModel,
  scenarios: redlockScenarios,
});
