// election/ring — the notes' ring election [004] and Chang–Roberts (`--variant chang-roberts`).
// One initiator costs 2n hops without faults: n ELECTION hops round the ring and n COORDINATOR
// hops (each acknowledged; acknowledgements and heartbeats are counted apart).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ascendingRing } from '../../../core/topology.js';
import { allAgree, type ElectionOutput, electionMetrics, highestLiveLeads } from '../workload.js';
import { parseRingMessage, type RingMessage } from './messages.js';
import { createRing, type RingState } from './ring.js';

export interface RingOptions {
  readonly variant: 'notes' | 'chang-roberts';
  readonly heartbeatMs: number;
}

export const ring = defineAlgorithm<RingMessage, ElectionOutput, RingState, RingOptions>({
  name: 'election/ring',
  family: 'election',
  summary: 'Ring election: ELECTION gathers live ids round the ring, COORDINATOR circulates once',
  seed: '004',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 4_000,
  livenessDeadlineMs: 4_000,
  options: {
    variant: {
      kind: 'choice',
      default: 'notes',
      choices: ['notes', 'chang-roberts'],
      description: 'notes: append every id; chang-roberts: forward only larger ids',
    },
    heartbeatMs: {
      kind: 'int',
      default: 50,
      min: 5,
      max: 10_000,
      description: "the coordinator's heartbeat period; 4 silent periods + 100 ms is a failure",
    },
  },
  create: (_id, ctx) =>
    createRing({
      variant: ctx.options.variant,
      heartbeatMs: ctx.options.heartbeatMs,
      suspectAfterMs: 4 * ctx.options.heartbeatMs + 100,
      ackMs: 2 * ctx.options.heartbeatMs,
    }),
  parseMessage: (raw, ctx) => parseRingMessage(raw, ctx.nodes.length),
  invariants: () => [],
  liveness: () => [allAgree(), highestLiveLeads((id) => id)],
  topology: ascendingRing,
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula: '2n for one initiator (n ELECTION + n COORDINATOR hops; acks apart)',
    compare: (view, ctx) => {
      const { Election = 0, Coordinator = 0 } = view.stats.byType;
      return { expected: 2 * ctx.nodes.length, measured: Election + Coordinator };
    },
  },
  scenarios: [
    {
      name: 'coordinator-crash',
      description:
        'The coordinator (5) crashes: a node notices, the ELECTION skips node 5 and node 4 ' +
        'is announced round the ring.',
      faults: 'crash 5 @1000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'successor-crash-skipped',
      description: 'Node 3 is down during the election: its predecessor times out and skips it.',
      faults: 'crash 3 @0; restart 3 @2000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
