// detect/heartbeat — heartbeat failure detection with a fixed timeout or the φ accrual
// detector, and partition detection (issue 21; notes 001 §7: heartbeats and detecting
// network partitions). The process is heartbeat.ts; the detectors are reliability/detect's.
// Registry entry: options, checks, the detection metrics, the n(n−1)-per-interval message
// count and the scenarios that show the detectors' trade-off.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { createHeartbeat } from './heartbeat.js';
import { heartbeatInvariants, heartbeatLiveness } from './invariants.js';
import { type HeartbeatMessage, parseHeartbeatMessage } from './messages.js';
import { detectionMetrics } from './metrics.js';
import { type HeartbeatOptions, heartbeatConfig, heartbeatOptionSpecs } from './options.js';
import { heartbeatScenarios } from './scenarios.js';
import type { DetectOutput, HeartbeatState } from './state.js';

export const heartbeat = defineAlgorithm<
  HeartbeatMessage,
  DetectOutput,
  HeartbeatState,
  HeartbeatOptions
>({
  name: 'detect/heartbeat',
  family: 'detect',
  summary: 'Heartbeats to all; fixed-timeout or φ accrual suspicion; majority or not',
  seed: '001 §7 (heartbeats, network partitions); Hayashibara et al. SRDS 2004',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 3_000,
  options: heartbeatOptionSpecs,
  create: (id, ctx) => createHeartbeat(heartbeatConfig(ctx.options), id),
  parseMessage: parseHeartbeatMessage,
  invariants: heartbeatInvariants,
  liveness: heartbeatLiveness,
  metrics: (view) => detectionMetrics(view),
  messageCount: {
    formula: 'n(n−1) Heartbeats per interval: n(n−1)(⌊T/Δ⌋ + 1) over T ms without faults',
    compare: (view, ctx) => {
      const n = ctx.nodes.length;
      const beats = Math.floor(view.nowMs / ctx.options.intervalMs) + 1;
      return { expected: n * (n - 1) * beats, measured: view.stats.byType.Heartbeat ?? 0 };
    },
  },
  scenarios: heartbeatScenarios,
});
