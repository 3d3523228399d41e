// gossip/anti-entropy — epidemic replication of a CRDT by push, pull or push-pull gossip
// (issue 19; notes 003: gossip's O(log N) spread, Cassandra's and Redis Cluster's bus). The
// process is anti-entropy.ts. Registry entry: options, the checks (no acknowledged update
// lost; convergence after heal), spread and message metrics, the fanout-per-round message
// count and the scenarios.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { createAntiEntropy } from './anti-entropy.js';
import { antiEntropyInvariants, antiEntropyLiveness } from './invariants.js';
import { type AntiEntropyMessage, parseAntiEntropyMessage } from './messages.js';
import { antiEntropyMetrics } from './metrics.js';
import { type AntiEntropyOptions, antiEntropyConfig, antiEntropyOptionSpecs } from './options.js';
import { antiEntropyScenarios } from './scenarios.js';
import type { AntiEntropyOutput, AntiEntropyState } from './state.js';

export const antiEntropy = defineAlgorithm<
  AntiEntropyMessage,
  AntiEntropyOutput,
  AntiEntropyState,
  AntiEntropyOptions
>({
  name: 'gossip/anti-entropy',
  family: 'gossip',
  summary: 'Push, pull or push-pull gossip of a CRDT to random peers; O(log N) rounds to spread',
  seed: '003 (gossip); Demers et al. PODC 1987; Karp et al. FOCS 2000',
  // The simulator keeps n² link records: 2,000 nodes take about 1 GB (bench/gossip.ts
  // measures beyond that with the round model, spread-model.ts).
  nodes: { default: 5, min: 1, max: 2_000 },
  durationMs: 2_000,
  livenessDeadlineMs: 2_500,
  options: antiEntropyOptionSpecs,
  create: (id, ctx) => createAntiEntropy(antiEntropyConfig(ctx.options), id),
  parseMessage: parseAntiEntropyMessage,
  invariants: antiEntropyInvariants,
  liveness: antiEntropyLiveness,
  metrics: antiEntropyMetrics,
  messageCount: {
    formula: 'n · fanout Pushes or Pulls per round, plus Replies only where a peer is behind',
    compare: (view, ctx) => {
      const n = ctx.nodes.length;
      const rounds = Math.floor(view.nowMs / ctx.options.periodMs);
      const { Push = 0, Pull = 0 } = view.stats.byType;
      return { expected: n * rounds * Math.min(ctx.options.fanout, n - 1), measured: Push + Pull };
    },
  },
  scenarios: antiEntropyScenarios,
});
