// election/ring — the notes' ring election [004] and Chang–Roberts (`--variant chang-roberts`).
// One initiator costs 2n hops without faults: n ELECTION hops round the ring and n COORDINATOR
// hops (each acknowledged; acknowledgements and heartbeats are counted apart).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ascendingRing } from '../../../core/topology.js';
import { type ElectionOutput, electionMetrics } from '../workload.js';
import { ringInvariants, ringLiveness } from './invariants.js';
import { parseRingMessage, type RingMessage } from './messages.js';
import { type RingOptions, ringConfig, ringOptionSpecs } from './options.js';
import { createRing } from './ring.js';
import { ringScenarios } from './scenarios.js';
import type { RingState } from './state.js';

export const ring = defineAlgorithm<RingMessage, ElectionOutput, RingState, RingOptions>({
  name: 'election/ring',
  family: 'election',
  summary: 'Ring election: ELECTION gathers live ids round the ring, COORDINATOR circulates once',
  seed: '004',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 4_000,
  options: ringOptionSpecs,
  create: (id, ctx) => createRing(ringConfig(ctx.options), id),
  parseMessage: (raw, ctx) => parseRingMessage(raw, ctx.nodes.length),
  invariants: ringInvariants,
  liveness: ringLiveness,
  topology: ascendingRing,
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula: '2n for one initiator (n ELECTION + n COORDINATOR hops; acks apart)',
    compare: (view, ctx) => {
      const { Election = 0, Coordinator = 0 } = view.stats.byType;
      return { expected: 2 * ctx.nodes.length, measured: Election + Coordinator };
    },
  },
  scenarios: ringScenarios,
});
