// mutex/centralized — the notes' central server [000, 001 §2.1]; the process is
// centralized.ts. Registry entry: options (--failover), checks, the coordinator's load as a
// metric, the 3-per-entry message count and the scenarios the notes warn about.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { PERFECT_DETECTOR } from '../failure-detector.js';
import { type MutexOutput, mutexMetrics } from '../workload.js';
import { createCentralized } from './centralized.js';
import { centralizedInvariants, centralizedLiveness } from './invariants.js';
import { type CentralizedMessage, parseCentralizedMessage } from './messages.js';
import { type CentralizedOptions, centralizedConfig, centralizedOptionSpecs } from './options.js';
import { centralizedScenarios } from './scenarios.js';
import type { CentralizedState } from './state.js';

export const centralized = defineAlgorithm<
  CentralizedMessage,
  MutexOutput,
  CentralizedState,
  CentralizedOptions
>({
  name: 'mutex/centralized',
  family: 'mutex',
  summary: 'Central coordinator with a FIFO queue: request, grant, release (3 messages per entry)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 2, max: 256 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: centralizedOptionSpecs,
  create: (id, ctx) => createCentralized(centralizedConfig(ctx.options), id),
  parseMessage: parseCentralizedMessage,
  invariants: centralizedInvariants,
  liveness: (ctx) => centralizedLiveness(ctx.options),
  metrics: (view) => ({
    ...mutexMetrics(view),
    coordinatorMessages: (view.stats.sentBy[0] ?? 0) + (view.stats.receivedBy[0] ?? 0),
    heartbeats: view.stats.byType.Heartbeat ?? 0,
    elections: view.stats.byType.Victory ?? 0,
  }),
  messageCount: {
    formula: '3 per entry (Request, Grant, Release; failover traffic apart)',
    compare: (view) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      const { Request = 0, Grant = 0, Release = 0 } = view.stats.byType;
      return { expected: 3 * entries, measured: Request + Grant + Release };
    },
  },
  faultModel: (options) => (options.failover ? PERFECT_DETECTOR : undefined),
  scenarios: centralizedScenarios,
});
