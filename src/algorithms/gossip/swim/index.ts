// gossip/swim — SWIM membership and failure detection (Das, Gupta, Motivala, DSN 2002) with
// the Lifeguard refinements as an option (issue 19). The process is swim.ts; the membership
// rules and piggyback buffer are membership.ts. Registry entry: options, checks (shared
// with detect/heartbeat's replay), detection metrics, the message count and scenarios.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { swimInvariants, swimLiveness } from './invariants.js';
import { parseSwimMessage, type SwimMessage } from './messages.js';
import { swimMetrics } from './metrics.js';
import { type SwimOptions, swimConfig, swimOptionSpecs } from './options.js';
import { swimScenarios } from './scenarios.js';
import type { SwimOutput, SwimState } from './state.js';
import { createSwim } from './swim.js';

export const swim = defineAlgorithm<SwimMessage, SwimOutput, SwimState, SwimOptions>({
  name: 'gossip/swim',
  family: 'gossip',
  summary: 'SWIM: probes, indirect probes via k members, suspicion, piggybacked updates; Lifeguard',
  seed: '003 (gossip, Redis Cluster bus); Das, Gupta, Motivala DSN 2002; Dadgar et al. 2018',
  nodes: { default: 8, min: 2, max: 512 },
  durationMs: 4_000,
  livenessDeadlineMs: 6_000,
  options: swimOptionSpecs,
  create: (id, ctx) => createSwim(swimConfig(ctx.options, ctx.nodes.length), id),
  parseMessage: parseSwimMessage,
  invariants: swimInvariants,
  liveness: swimLiveness,
  metrics: swimMetrics,
  messageCount: {
    formula: 'one Ping + one Ack per member per period without loss (constant load, §3.1)',
    compare: (view, ctx) => {
      const n = ctx.nodes.length;
      const periods = Math.floor(view.nowMs / ctx.options.periodMs);
      const { Ping = 0, Ack = 0 } = view.stats.byType;
      return { expected: 2 * n * periods, measured: Ping + Ack };
    },
  },
  scenarios: swimScenarios,
});
